/**
 * `npm start` as a process: it prints its address, keeps tokens and cursors across a restart, stops
 * cleanly on Ctrl-C and SIGTERM, and says what to do when it cannot start. That it keeps every
 * acknowledged write across a crash (SIGKILL, with the data in DATA_DIR) is in
 * test/hardening/faults-storage.test.ts, killed in the middle of a burst of writes.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Image } from '../../lambdas/domain/image.ts';
import { killIfRunning, onSharedDynamo, startNpmStart, type StartedServer } from '../support/npm-start.ts';

const started: StartedServer[] = [];
const dataDirs: string[] = [];

/** `env`: onSharedDynamo() where the test is not about the embedded database (no JVM of its own). */
async function start(dataDir?: string, env: Record<string, string> = {}) {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'group-images-process-')));
  if (!dataDirs.includes(dir)) dataDirs.push(dir);
  const server = await startNpmStart(dir, env);
  started.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map(killIfRunning));
  await Promise.all(dataDirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const body = (i: number) => ({ displayName: `durable.${i}`, type: 'cpu', url: `registry.example.com/durable/image:${i}` });

describe('npm start', () => {
  it('accepts tokens and cursors given out before a restart', async () => {
    // Prepare: the tokens' signing key and the cursor key are in DATA_DIR; the images on the run's DynamoDB Local.
    const database = onSharedDynamo();
    const first = await start(undefined, database);
    const member = await first.token({ sub: 'mel', groups: ['team-a'] });
    const admin = await first.token({ sub: 'ada', groups: ['team-a'], adminGroups: ['team-a'] });
    for (let i = 0; i < 3; i++) await first.call('POST', '/groups/team-a/images', { token: admin, body: body(i) });
    const page = await first.call('GET', '/groups/team-a/images?limit=2', { token: member });
    first.signal('SIGINT');
    await first.exited;

    // Act
    const second = await start(first.dataDir, database);
    const next = await second.call('GET', `/groups/team-a/images?limit=2&cursor=${page.body.nextCursor}`, { token: member });

    // Assess
    expect(next.status).toBe(200);
    expect(next.body.items.map((i: Image) => i.displayName)).toEqual(['durable.2']);
  });

  // Ctrl-C with the embedded database (its JVM stopped too); SIGTERM, as a process manager sends it, on
  // the run's shared one (the same stop, without a JVM start of its own).
  it.each([
    ['SIGINT', 'its embedded database', {}],
    ['SIGTERM', 'the shared database', onSharedDynamo()],
  ] as const)('prints its address, serves, and stops cleanly on %s with exit code 0 (on %s)', async (signal, _on, env) => {
    // Prepare
    const server = await start(undefined, env);
    expect(server.url).toMatch(/^http:\/\/localhost:\d+$/);
    expect(await server.call('GET', '/health')).toMatchObject({ status: 200, body: { status: 'ok' } });

    // Act
    server.signal(signal);
    const exit = await server.exited;

    // Assess
    expect(exit).toEqual({ code: 0, signal: null });
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
  });

  it('says in one line what to install when there is no Java, and exits 1', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'group-images-process-'));
    dataDirs.push(dir);

    // Act
    const refused = await startNpmStart(dir, { PATH: '/nonexistent' }).then(
      () => undefined,
      (e: Error) => e.message,
    );

    // Assess
    expect(refused).toMatch(/exited \(1\) before it was ready/);
    const said = refused!.split('\n').filter((line) => line.includes('Java'));
    expect(said).toHaveLength(1);
    expect(said[0]).toContain('needs Java 17 or later: install it');
    expect(said[0]).toContain('DYNAMODB_ENDPOINT');
  });

  it('refuses a DATA_DIR written by dynalite, saying what to move aside', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'group-images-process-'));
    dataDirs.push(dir);
    await mkdir(join(dir, 'dynamodb'));

    // Act
    const refused = await startNpmStart(dir).then(
      () => undefined,
      (e: Error) => e.message,
    );

    // Assess
    expect(refused).toMatch(/exited \(1\) before it was ready/);
    expect(refused).toContain(`move ${join(dir, 'dynamodb')} aside`);
  });
});
