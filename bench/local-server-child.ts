/**
 * Started by local-server-load.ts in a process of its own (so the load generator does not share its
 * event loop): the local server as `npm start` runs it, but in memory, with a seeded group. Tells the
 * parent its url and a member's token over IPC; stops on "stop" or when the parent goes away.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { groupScope } from '../lambdas/domain/scope.ts';
import { startLocalServer } from '../lambdas/local/server.ts';
import { mintLocalToken } from '../lambdas/local/token.ts';
import { seedImages } from './seed.ts';

export const LOAD_GROUP = 'team-a';

const images = Number(process.env.BENCH_IMAGES ?? 100);
const dataDir = await mkdtemp(join(tmpdir(), 'group-images-bench-'));
const server = await startLocalServer({ dataDir, inMemory: true, port: 0, containerCli: null });
await seedImages(server.dynamo.client, server.dynamo.table, groupScope(LOAD_GROUP), images);
const token = await mintLocalToken(dataDir, { sub: 'mel', groups: [LOAD_GROUP] });

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
  process.exit(0);
}
process.on('message', (message) => message === 'stop' && void stop());
process.on('disconnect', () => void stop());
process.send!({ url: server.url, token, group: LOAD_GROUP, images });
