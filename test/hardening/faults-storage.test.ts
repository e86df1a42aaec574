/**
 * Storage faults, and a crash:
 *   - DynamoDB throttling, refused conditions and writes whose answer is lost, injected into the local
 *     server's client for a fraction of calls under a concurrent load: the API answers a problem or
 *     retries, and afterwards (once the reconciler has run) every image is readable and consistent;
 *   - `npm start` killed (SIGKILL) in the middle of a burst of concurrent creates, edits and deletes,
 *     with the data in DATA_DIR: every write it acknowledged is there after the restart.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Build } from '../../lambdas/domain/build.ts';
import type { Image } from '../../lambdas/domain/image.ts';
import { pollBuild, TERMINAL_STATUSES } from '../support/build-polling.ts';
import { Figures } from '../support/figures.ts';
import { roleTokens, sharedDynamoTable, startLocalApi, type LocalApi, type Reply } from '../support/local-api.ts';
import { killIfRunning, startNpmStart, type StartedServer } from '../support/npm-start.ts';
import { expectProblem } from '../support/problems.ts';
import { conditionFailed, injectFaults, internalError, seeded, throughputExceeded } from '../support/sdk-faults.ts';
import { writeStandInCli, type StandInCli } from '../support/stand-in-cli.ts';
import { TEST_TIMEOUT_MS } from '../support/hang-guard.ts';

const figures = new Figures('faults-storage');
afterAll(() => figures.record());

// ---------------------------------------------------------------------------------------------

describe('DynamoDB faults under a concurrent load', () => {
  const GROUP = '/groups/team-a/images';
  const RATE = 0.15;
  const WAVES = 6;
  const WIDTH = 12;
  let dataDir: string;
  let api: LocalApi;
  let cli: StandInCli;
  let t: Awaited<ReturnType<typeof roleTokens>>;
  let existing: string[] = [];
  let customs: string[] = [];
  const answers: Record<string, Record<string, number>> = {};
  // The faults are injected into the server's DynamoDB client, not the database: the run's shared
  // DynamoDB Local serves, a table that outlives the restart (on disk where the run has none).
  const database = sharedDynamoTable() ?? { inMemory: false };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'group-images-dynamo-faults-'));
    cli = await writeStandInCli();
    api = await startLocalApi({ dataDir, ...database, containerCli: cli.path, maxConcurrentBuildsPerGroup: 1000, maxImagesPerGroup: 1000 });
    t = await roleTokens(api);
    existing = await Promise.all(
      Array.from(
        { length: 8 },
        async (_, i) =>
          (await api.call<Image>('POST', GROUP, { token: t.groupAdmin, body: { displayName: `dyn-${i}`, type: 'cpu', url: 'python:3.12' } })).body.name,
      ),
    );
    customs = await Promise.all(
      Array.from({ length: 4 }, async (_, i) => {
        const image = (
          await api.call<Image>('POST', GROUP, {
            token: t.groupAdmin,
            body: { displayName: `dyn-custom-${i}`, type: 'cpu', build: { baseImage: 'python:3.12', packages: { pip: [`dyn-custom-${i}`] } } },
          })
        ).body;
        await pollBuild(api, t.member, `${GROUP}/${image.name}/builds/${image.latestBuild!.id}`);
        return image.name;
      }),
    );
  }, TEST_TIMEOUT_MS);
  afterAll(async () => {
    await api.stop();
    await cli.remove();
    await rm(dataDir, { recursive: true, force: true });
  });

  const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand']);
  const MODES = {
    'throttled before sending (the retries used up)': { where: 'before' as const, error: throughputExceeded, applies: () => true },
    // Fewer waves: each retry waits the SDK's throttling backoff (up to a second).
    'throttled, then retried by the SDK': { where: 'insideRetries' as const, error: throughputExceeded, applies: () => true, waves: 3 },
    'a condition refused that held': {
      where: 'before' as const,
      error: conditionFailed,
      applies: (input: Record<string, unknown>) => input.ConditionExpression !== undefined,
    },
    'a write that landed, its answer lost': {
      where: 'afterCommit' as const,
      error: internalError,
      applies: (_input: Record<string, unknown>, command: string) => WRITES.has(command),
    },
  };

  /** One request of the mixed load, picked by a number. */
  function request(k: number, random: () => number): () => Promise<Reply> {
    const any = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
    switch (k % 8) {
      case 0:
        return () => api.call('POST', GROUP, { token: t.groupAdmin, body: { displayName: `dyn-load-${k}`, type: 'cpu', url: 'python:3.12' } });
      case 1:
        return () => api.call('PATCH', `${GROUP}/${any(existing)}`, { token: t.groupAdmin, body: { description: `edit ${k}` } });
      case 2:
        return async () => {
          const name = any(existing);
          const current = await api.call('GET', `${GROUP}/${name}`, { token: t.member });
          return api.call('PATCH', `${GROUP}/${name}`, {
            token: t.groupAdmin,
            body: { description: `if-match ${k}` },
            headers: { 'if-match': current.headers.get('etag') ?? '*' },
          });
        };
      case 3:
        return () =>
          api.call('POST', `${GROUP}/${any(customs)}/builds`, {
            token: t.groupAdmin,
            body: { build: { baseImage: 'python:3.12', packages: { pip: [`dyn-rebuild-${k}`] } } },
          });
      case 4:
        return async () => {
          const name = any(customs);
          const image = await api.call<Image>('GET', `${GROUP}/${name}`, { token: t.member });
          return api.call('POST', `${GROUP}/${name}/builds/${image.body.latestBuild?.id ?? 'b000000000none'}/cancel`, { token: t.groupAdmin });
        };
      case 5:
        return () => api.call('GET', `${GROUP}?limit=50`, { token: t.member });
      case 6:
        return () =>
          api.call('POST', GROUP, {
            token: t.groupAdmin,
            body: { displayName: `dyn-custom-load-${k}`, type: 'cpu', build: { baseImage: 'python:3.12', packages: { pip: [`dyn-custom-load-${k % 3}`] } } },
          });
      default:
        return () => api.call('GET', `${GROUP}/${any(customs)}/builds`, { token: t.member });
    }
  }

  /** A fault-injected answer is a success, a 4xx problem, or a 500/503 problem: never anything else. */
  function judge(mode: string, reply: Reply) {
    (answers[mode] ??= {})[reply.status] = (answers[mode]![reply.status] ?? 0) + 1;
    if (reply.status >= 400) expectProblem(reply, reply.status);
    expect([200, 201, 202, 204, 400, 404, 409, 412, 422, 500, 503]).toContain(reply.status);
  }

  it.each(Object.keys(MODES))(
    `keeps answering with successes or problems under "%s" at a rate of ${RATE}`,
    async (mode) => {
      // Prepare
      const { where, error, applies, waves = WAVES } = MODES[mode as keyof typeof MODES] as (typeof MODES)[keyof typeof MODES] & { waves?: number };
      const random = seeded(mode.length * 7919);
      const injector = injectFaults(api.server.dynamo.client, where, ({ command, input }) =>
        applies(input, command) && random() < RATE ? error() : undefined,
      );

      // Act
      try {
        for (let wave = 0; wave < waves; wave++) {
          const replies = await Promise.all(Array.from({ length: WIDTH }, (_, i) => request(wave * WIDTH + i, random)()));
          for (const reply of replies) judge(mode, reply);
        }
      } finally {
        injector.remove();
      }

      // Assess
      const injected = Object.values(injector.injected).reduce((a, b) => a + b, 0);
      expect(injected).toBeGreaterThan(0);
      figures.count('dynamoFaultsInjected', injected);
      figures.count('requestsUnderDynamoFaults', waves * WIDTH);
      figures.set(`dynamoFaults.${mode}`, { injected, ...Object.fromEntries(Object.entries(answers[mode] ?? {}).map(([s, c]) => [`answered${s}`, c])) });
    },
    TEST_TIMEOUT_MS,
  );

  /** Every image a keyword search finds, following its cursors. */
  async function searchAll(q: string): Promise<string[]> {
    const names: string[] = [];
    let cursor: string | null = '';
    do {
      const page: Reply<{ items: Image[]; nextCursor: string | null }> = await api.call(
        'GET',
        `${GROUP}?limit=100&q=${encodeURIComponent(q)}${cursor ? `&cursor=${cursor}` : ''}`,
        { token: t.member },
      );
      names.push(...page.body.items.map((i) => i.name));
      cursor = page.body.nextCursor;
    } while (cursor);
    return names;
  }

  it(
    'leaves every image readable, found by its words, and consistent with its builds once the reconciler has run (a restart runs it)',
    async () => {
      // Prepare: the builds started under faults finish; a restart runs the reconciler on what is left.
      await api.server.builder.idle();
      await api.stop({ keepData: true });
      api = await startLocalApi({ dataDir, ...database, containerCli: cli.path, maxConcurrentBuildsPerGroup: 1000, maxImagesPerGroup: 1000 });
      t = await roleTokens(api);

      // Act
      const listed = (await api.call<{ items: Image[]; nextCursor: string | null }>('GET', `${GROUP}?limit=100`, { token: t.member })).body;

      // Assess
      expect(listed.nextCursor).toBeNull();
      for (const image of listed.items) {
        const got = await api.call<Image>('GET', `${GROUP}/${image.name}`, { token: t.member });
        expect(got.status).toBe(200);
        expect(got.body).toEqual(image);
        // Found by its words: no fault left the search index without one.
        expect([image.name, await searchAll(`${image.name} ${image.description ?? ''}`)]).toEqual([image.name, expect.arrayContaining([image.name])]);
        if (image.source !== 'build') continue;
        const builds = (await api.call<{ items: Build[] }>('GET', `${GROUP}/${image.name}/builds?limit=100`, { token: t.member })).body.items;
        if (image.latestBuild === null) {
          // A create that failed before its first build was under way, and whose undo failed too: nothing
          // busy, and any build recorded for it (its answer lost) was failed by the reconciler.
          expect([image.name, builds.filter((b) => !TERMINAL_STATUSES.includes(b.status))]).toEqual([image.name, []]);
          figures.count('customImagesLeftWithoutBuild');
        } else {
          const latest = builds.find((b) => b.id === image.latestBuild?.id);
          expect([image.name, latest?.id]).toEqual([image.name, image.latestBuild!.id]);
          expect([image.name, latest!.status]).toEqual([image.name, image.latestBuild!.status]);
          expect([image.name, TERMINAL_STATUSES.includes(latest!.status)]).toEqual([image.name, true]);
          expect(builds.filter((b) => !TERMINAL_STATUSES.includes(b.status))).toEqual([]);
        }
        // Not busy: a rebuild starts.
        const again = await api.call('POST', `${GROUP}/${image.name}/builds`, { token: t.groupAdmin });
        expect([image.name, again.status]).toEqual([image.name, 202]);
      }
      await api.server.builder.idle();
      figures.set('imagesCheckedAfterDynamoFaults', listed.items.length);
    },
    TEST_TIMEOUT_MS,
  );
});

// ---------------------------------------------------------------------------------------------

describe('the local server killed (SIGKILL) during a burst of concurrent writes', () => {
  let dataDir: string;
  let first: StartedServer | undefined;
  let second: StartedServer | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'group-images-kill-'));
  });
  afterAll(async () => {
    await killIfRunning(first);
    await killIfRunning(second);
    await rm(dataDir, { recursive: true, force: true });
  });

  it(
    'keeps every write it acknowledged',
    async () => {
      // Prepare
      first = await startNpmStart(dataDir, { CONTAINER_CLI: '' });
      const admin = await first.token({ sub: 'ada', groups: ['team-a'], adminGroups: ['team-a'] });
      const sys = await first.token({ sub: 'sys', systemAdmin: true });
      const system = await first.call<Image>('POST', '/images', { token: sys, body: { displayName: 'system-seed', type: 'cpu', url: 'python:3.12' } });
      expect(system.status).toBe(201);
      const seeds = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          first!.call<Image>('POST', '/groups/team-a/images', { token: admin, body: { displayName: `seed-${i}`, type: 'cpu', url: 'python:3.12' } }),
        ),
      );
      const victims = seeds.map((r) => r.body.name as string);
      type Write = { kind: 'create' | 'edit' | 'delete'; key: number; name?: string; status?: number; body?: Image; answeredAt?: number };
      const writes: Write[] = [];
      const KILL_AFTER = 120;
      const WIDTH = 16;
      let acknowledged = 0;
      let next = 0;
      let killed = false;
      let killedAt = 0;
      // DynamoDB Local acknowledges a write a moment before its file has it (README, known limits): the
      // writes answered in the last moment before the kill are counted, not held to survive it.
      const PERSISTS_WITHIN_MS = 2000;
      let killScheduled = false;

      /** One writer: writes until the server is gone. Every answer that arrives is recorded. */
      async function writer() {
        while (!killed) {
          const key = next++;
          // Every fifth write edits a seed image, every fifth deletes another one: no image is both edited and deleted.
          const slot = Math.floor(key / 5);
          const kind = key % 5 === 3 && 2 * slot < victims.length ? 'edit' : key % 5 === 4 && 2 * slot + 1 < victims.length ? 'delete' : 'create';
          const write: Write = { kind, key, ...(kind === 'edit' ? { name: victims[2 * slot] } : kind === 'delete' ? { name: victims[2 * slot + 1] } : {}) };
          writes.push(write);
          try {
            const reply =
              kind === 'create'
                ? await first!.call<Image>('POST', '/groups/team-a/images', {
                    token: admin,
                    body: { displayName: `burst-${key}`, description: `burst ${key}`, type: 'cpu', url: 'python:3.12' },
                  })
                : kind === 'edit'
                  ? await first!.call<Image>('PATCH', `/groups/team-a/images/${write.name}`, { token: admin, body: { description: `edited ${key}` } })
                  : await first!.call('DELETE', `/groups/team-a/images/${write.name}`, { token: admin });
            write.status = reply.status;
            write.body = reply.body;
            write.answeredAt = Date.now();
            if (reply.status < 300) acknowledged++;
            if (acknowledged >= KILL_AFTER && !killScheduled) {
              // The burst goes on while the kill waits, so it still lands among writes in flight.
              killScheduled = true;
              setTimeout(() => {
                killed = true;
                killedAt = Date.now();
                first!.signal('SIGKILL');
              }, PERSISTS_WITHIN_MS);
            }
          } catch {
            // The connection died with the server: not acknowledged.
          }
        }
      }

      // Act
      await Promise.all(Array.from({ length: WIDTH }, writer));
      await first.exited;
      second = await startNpmStart(dataDir, { CONTAINER_CLI: '' });
      const all: Image[] = [];
      let cursor: string | null = null;
      do {
        const page: Reply<{ items: Image[]; nextCursor: string | null }> = await second.call(
          'GET',
          `/groups/team-a/images?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          { token: admin },
        );
        expect(page.status).toBe(200);
        all.push(...page.body.items);
        cursor = page.body.nextCursor;
      } while (cursor);
      const byName = new Map(all.map((i) => [i.name, i]));
      const systemImages = await second.call<{ items: Image[] }>('GET', '/images', { token: admin });

      // Assess
      const answered = writes.filter((w) => w.status !== undefined && w.status < 300);
      const acked = answered.filter((w) => w.answeredAt! <= killedAt - PERSISTS_WITHIN_MS);
      const lastMoment = answered.filter((w) => w.answeredAt! > killedAt - PERSISTS_WITHIN_MS);
      expect(acked.length).toBeGreaterThanOrEqual(KILL_AFTER);
      const missing: unknown[] = [];
      for (const w of acked) {
        if (w.kind === 'create' && byName.get(w.body!.name)?.description !== `burst ${w.key}`) missing.push(w);
        if (w.kind === 'edit' && byName.get(w.name!)?.description !== `edited ${w.key}`) missing.push(w);
        if (w.kind === 'delete' && byName.has(w.name!)) missing.push(w);
      }
      expect(missing).toEqual([]);
      // A system image, in the other scope of the same table, is there too.
      expect(systemImages.body.items).toEqual([system.body]);
      const unanswered = writes.filter((w) => w.status === undefined).length;
      figures.set('kill', {
        concurrentWriters: WIDTH,
        writesSent: writes.length,
        acknowledged: acked.length,
        acknowledgedFoundAfterRestart: acked.length - missing.length,
        acknowledgedInTheLastMomentNotHeld: lastMoment.length,
        unansweredWhenKilled: unanswered,
      });
    },
    TEST_TIMEOUT_MS,
  );
});
