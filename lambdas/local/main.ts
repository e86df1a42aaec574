/** `npm start`: the API on http://localhost:${PORT:-3000}, data in ${DATA_DIR:-.data}. */
import { log } from '../http/log.ts';
import { LocalSetupError } from './dynamodb.ts';
import { startLocalServer } from './server.ts';
import { dataDirFrom, portFrom, positiveNumberFrom } from './settings.ts';

const dataDir = dataDirFrom(process.env);
const env = process.env;
const server = await startLocalServer({
  dataDir,
  dynamoEndpoint: env.DYNAMODB_ENDPOINT || undefined,
  port: portFrom(env),
  host: env.HOST || '127.0.0.1',
  buildTimeoutMinutes: positiveNumberFrom(env, 'BUILD_TIMEOUT_MINUTES'),
  maxImagesPerGroup: positiveNumberFrom(env, 'MAX_IMAGES_PER_GROUP'),
  maxConcurrentBuildsPerGroup: positiveNumberFrom(env, 'MAX_CONCURRENT_BUILDS_PER_GROUP'),
}).catch((e: unknown) => {
  // Without Java, or with an old DATA_DIR: one line saying what to do, not a stack trace.
  if (!(e instanceof LocalSetupError)) throw e;
  console.error(e.message);
  process.exit(1);
});
console.log(`Group Images API listening on ${server.url} (data in ${dataDir}; Ctrl-C stops it)`);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  log('info', 'stopping', { signal });
  await server.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
