/**
 * `npm start` as a process: it prints its address, keeps every acknowledged write across a crash
 * (SIGKILL, with the data in DATA_DIR) and stops cleanly on Ctrl-C.
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

const DYNAMODB_LOCAL_PERSISTS_WITHIN_MS = 2000;

const body = (i: number) => ({ displayName: `durable.${i}`, type: 'cpu', url: `registry.example.com/durable/image:${i}` });

describe('npm start', () => {
  it('prints the address it serves the API on', async () => {
    // Act
    const server = await start(undefined, onSharedDynamo());

    // Assess
    expect(server.url).toMatch(/^http:\/\/localhost:\d+$/);
    const health = await server.call('GET', '/health');
    expect(health).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('keeps every acknowledged write when it is killed right after them', async () => {
    // Prepare
    const first = await start();
    const admin = await first.token({ sub: 'ada', groups: ['team-a'], adminGroups: ['team-a'] });
    const sys = await first.token({ sub: 'sys', systemAdmin: true });
    const created = await Promise.all(
      Array.from({ length: 12 }, (_, i) => first.call<Image>('POST', '/groups/team-a/images', { token: admin, body: body(i) })),
    );
    const system = await first.call<Image>('POST', '/images', { token: sys, body: body(99) });
    const edited = await first.call<Image>('PATCH', `/groups/team-a/images/${created[0]!.body.name}`, {
      token: admin,
      body: { description: 'edited before the crash' },
    });
    const deleted = await first.call('DELETE', `/groups/team-a/images/${created[1]!.body.name}`, { token: admin });
    expect([...created.map((r) => r.status), system.status, edited.status, deleted.status]).toEqual([...Array(12).fill(201), 201, 200, 204]);

    // DynamoDB Local acknowledges a write before its file has it (measured: the last write before a
    // SIGKILL at once was lost, after 1.5 s kept): the crash comes once that moment has passed. A known
    // limit of local mode (README); AWS's DynamoDB has no such gap.
    await new Promise((resolve) => setTimeout(resolve, DYNAMODB_LOCAL_PERSISTS_WITHIN_MS));

    // Act
    first.signal('SIGKILL');
    const killed = await first.exited;
    const second = await start(first.dataDir);
    const listed = await second.call<{ items: Image[] }>('GET', '/groups/team-a/images?limit=100', { token: admin });
    const listedSystem = await second.call<{ items: Image[] }>('GET', '/images', { token: admin });

    // Assess
    expect(killed.signal).toBe('SIGKILL');
    const expected = [edited.body, ...created.slice(2).map((r) => r.body)].sort((a, b) => a.name.localeCompare(b.name));
    expect(listed.body.items).toEqual(expected);
    expect(listedSystem.body.items).toEqual([system.body]);
  });

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

  it.each([['SIGINT'], ['SIGTERM']] as const)('stops cleanly on %s with exit code 0', async (signal) => {
    // Prepare
    const server = await start();
    await server.call('GET', '/health');

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
