/** `npm start`: the API on http://localhost:${PORT:-3000}, data in ${DATA_DIR:-.data}. */
import { baseImageMirrorsFrom } from '../builds/base-image-mirrors.ts';
import { claimNamesFrom } from '../config.ts';
import { log } from '../observability/log.ts';
import { LocalSetupError } from './dynamodb.ts';
import { startLocalServer } from './server.ts';
import { dataDirFrom, localRegistryFrom, packageMirrorsFrom, portFrom, positiveNumberFrom } from './settings.ts';

const dataDir = dataDirFrom(process.env);
const env = process.env;
let claims;
try {
  // The same claim mapping variables (and rules) as the functions in AWS: CLAIM_*, GROUP_PREFIX, ...
  claims = claimNamesFrom(env);
} catch (e) {
  console.error(`npm start: ${(e as Error).message}`);
  process.exit(2);
}
const server = await startLocalServer({
  dataDir,
  dynamoEndpoint: env.DYNAMODB_ENDPOINT || undefined,
  dynamoTable: env.TABLE_NAME || undefined,
  port: portFrom(env),
  host: env.HOST || '127.0.0.1',
  claims,
  buildTimeoutMinutes: positiveNumberFrom(env, 'BUILD_TIMEOUT_MINUTES'),
  maxImagesPerGroup: positiveNumberFrom(env, 'MAX_IMAGES_PER_GROUP'),
  maxConcurrentBuildsPerGroup: positiveNumberFrom(env, 'MAX_CONCURRENT_BUILDS_PER_GROUP'),
  baseImageMirrors: baseImageMirrorsFrom(env),
  localRegistry: localRegistryFrom(env),
  mirrors: packageMirrorsFrom(env),
}).catch((e: unknown) => {
  // Without Java, or with an old DATA_DIR: one line saying what to do, not a stack trace.
  if (!(e instanceof LocalSetupError)) throw e;
  console.error(e.message);
  process.exit(1);
});
console.log(`Group Images API listening on ${server.url} (data in ${dataDir}; Ctrl-C stops it)`);
console.log(
  `Builds: ${server.containerCli.why}; ${server.localRegistry ? `images are pushed to ${server.localRegistry}` : "no LOCAL_REGISTRY: images stay in the container CLI's own store"}`,
);

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
