/**
 * Concurrency over HTTP against the local server, with a stand-in container CLI whose builds hang or
 * wait at a gate the test opens, so every race is decided by the requests, not by how fast a build is:
 *   - concurrent rebuilds of one image: exactly one starts, the rest are 409, one builder run;
 *   - concurrent cancels of one build: it ends cancelled once (one outcome event), its processes gone;
 *   - rebuilds racing cancels: the image never stays busy with a finished build, a later rebuild works;
 *   - concurrent identical build requests across images: one builder run, every build settles with it;
 *   - concurrent creates at the group's image quota and build quota: the rest are 429, nothing phantom.
 * (Concurrent creates with one display name and concurrent If-Match edits are in
 * test/integration/catalog-concurrency.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Build } from '../../lambdas/domain/build.ts';
import type { Image } from '../../lambdas/domain/image.ts';
import { pollBuild, TERMINAL_STATUSES, waitFor } from '../support/build-polling.ts';
import { Figures } from '../support/figures.ts';
import { captureLogs } from '../support/log-capture.ts';
import { roleTokens, startLocalApi, type LocalApi, type Reply } from '../support/local-api.ts';
import { expectProblem } from '../support/problems.ts';
import { isRunning, writeStandInCli, type StandInCli } from '../support/stand-in-cli.ts';
import { TEST_TIMEOUT_MS } from '../support/hang-guard.ts';

const GROUP = '/groups/team-a/images';
const BASE = 'python:3.12-slim';

const figures = new Figures('concurrency');
let api: LocalApi;
let cli: StandInCli;
let t: Awaited<ReturnType<typeof roleTokens>>;

beforeAll(async () => {
  cli = await writeStandInCli();
  api = await startLocalApi({ containerCli: cli.path, maxConcurrentBuildsPerGroup: 1000, maxImagesPerGroup: 1000 });
  t = await roleTokens(api);
});
afterAll(async () => {
  await api?.stop();
  await cli?.remove();
  figures.record();
});

const spec = (pip: string[]) => ({ baseImage: BASE, packages: { pip } });

async function createCustom(label: string, pip: string[]): Promise<Image> {
  const reply = await api.call<Image>('POST', GROUP, { token: t.groupAdmin, body: { displayName: label, type: 'cpu', build: spec(pip) } });
  if (reply.status !== 201) throw new Error(`creating ${label}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

/** A custom image whose first build has succeeded. */
async function createBuilt(label: string): Promise<Image> {
  const image = await createCustom(label, [label]);
  await pollBuild(api, t.groupAdmin, `${GROUP}/${image.name}/builds/${image.latestBuild!.id}`);
  return (await api.call<Image>('GET', `${GROUP}/${image.name}`, { token: t.groupAdmin })).body;
}

/** Fires the requests together and returns every reply; counts them. */
async function burst(requests: (() => Promise<Reply>)[]): Promise<Reply[]> {
  figures.max('maxConcurrentRequests', requests.length);
  figures.count('requestsInBursts', requests.length);
  return Promise.all(requests.map((r) => r()));
}

const statusesOf = (replies: Reply[]) => replies.map((r) => r.status).sort();
/** The builds of these ids that reached `buildx build` at the CLI: real builder runs. */
const builderRuns = async (ids: string[]) =>
  (await cli.calls()).filter((c) => ids.includes(c.buildId) && c.args[0] === 'buildx' && c.args[1] === 'build').length;
const reachedBuildx = (id: string) => waitFor(async () => (await builderRuns([id])) > 0, `build ${id} to reach buildx build`);
const history = async (name: string) => (await api.call<{ items: Build[] }>('GET', `${GROUP}/${name}/builds?limit=100`, { token: t.groupAdmin })).body.items;

const RANK: Record<string, number> = { queued: 0, building: 1, succeeded: 2, failed: 2, cancelled: 2 };

/**
 * The image and its history agree: its latest build is the newest, with the same status; every older
 * build has finished. (Builds run on while the test reads, and two reads are two moments: the image is
 * read first, so it may show its build one status behind the history; read again, it has caught up,
 * since a build's status and its image's view of it change in one write.)
 */
async function expectConsistent(name: string) {
  const image = await api.call<Image>('GET', `${GROUP}/${name}`, { token: t.groupAdmin });
  const builds = await history(name);
  const latest = image.body.latestBuild!;
  expect(latest.id).toBe(builds[0]!.id);
  if (latest.status !== builds[0]!.status) {
    expect(RANK[latest.status]).toBeLessThan(RANK[builds[0]!.status]!);
    const again = (await api.call<Image>('GET', `${GROUP}/${name}`, { token: t.groupAdmin })).body.latestBuild!;
    expect(RANK[again.status]).toBeGreaterThanOrEqual(RANK[builds[0]!.status]!);
  }
  expect(
    builds
      .slice(1)
      .filter((b) => !TERMINAL_STATUSES.includes(b.status))
      .map((b) => b.id),
  ).toEqual([]);
  return { image: image.body, builds };
}

describe('concurrent rebuilds of one image', () => {
  const N = 16;

  it(
    `starts exactly one of ${N}: one 202, ${N - 1} 409, one builder run`,
    async () => {
      // Prepare
      const image = await createBuilt('conc-rebuild');

      // Act
      const replies = await burst(
        Array.from(
          { length: N },
          () => () =>
            api.call('POST', `${GROUP}/${image.name}/builds`, { token: t.groupAdmin, body: { build: spec(['standin-gate-rebuild', 'conc-rebuild']) } }),
        ),
      );

      // Assess
      expect(statusesOf(replies)).toEqual([202, ...Array(N - 1).fill(409)]);
      for (const r of replies.filter((r) => r.status === 409)) expect(expectProblem(r, 409).detail).toMatch(/still (queued|building)/);
      const started = replies.find((r) => r.status === 202)!.body as Build;
      await reachedBuildx(started.id);
      await cli.open('rebuild');
      const done = await pollBuild(api, t.groupAdmin, `${GROUP}/${image.name}/builds/${started.id}`);
      expect(done.status).toBe('succeeded');
      const builds = await history(image.name);
      expect(builds).toHaveLength(2);
      expect(await builderRuns(builds.map((b) => b.id))).toBe(2); // the first build and the one rebuild
      await expectConsistent(image.name);
      figures.set('rebuildRace', `${N} concurrent rebuilds: 1 started, ${N - 1} refused with 409, 1 builder run`);
    },
    TEST_TIMEOUT_MS,
  );
});

describe('concurrent cancels of one build', () => {
  const N = 12;

  it(
    `ends the build cancelled once, whatever ${N} concurrent cancels answer, and kills its processes`,
    async () => {
      // Prepare
      const image = await createCustom('conc-cancel', ['standin-hangs', 'conc-cancel']);
      const id = image.latestBuild!.id;
      const path = `${GROUP}/${image.name}/builds/${id}`;
      await reachedBuildx(id);
      await waitFor(() => cli.hangingPids().length >= 2, 'the hanging build to record its processes');
      const pids = cli.hangingPids();
      const logs = captureLogs('info');

      // Act
      let replies: Reply[];
      try {
        replies = await burst(Array.from({ length: N }, () => () => api.call<Build>('POST', `${path}/cancel`, { token: t.groupAdmin })));
        await waitFor(() => pids.every((pid) => !isRunning(pid)), "the cancelled build's processes to end");
        await api.server.builder.idle();
      } finally {
        logs.stop();
      }

      // Assess
      const statuses = statusesOf(replies);
      expect(statuses.filter((s) => s === 202).length).toBeGreaterThanOrEqual(1);
      expect(statuses.every((s) => s === 202 || s === 409)).toBe(true);
      for (const r of replies) {
        if (r.status === 202) expect(r.body.status).toBe('cancelled');
        else expect(expectProblem(r, 409).detail).toContain('already cancelled');
      }
      const finishedAt = new Set(replies.filter((r) => r.status === 202).map((r) => r.body.finishedAt));
      expect(finishedAt.size).toBe(1);
      const build = (await api.call<Build>('GET', path, { token: t.member })).body;
      expect(build).toMatchObject({ status: 'cancelled', finishedAt: [...finishedAt][0] });
      const outcomes = logs.writes.map((w) => JSON.parse(w)).filter((l) => l.message === 'build outcome event' && l.detail?.buildId === id);
      expect(outcomes.map((o) => o.detail.status)).toEqual(['cancelled']);
      await expectConsistent(image.name);
      figures.set(
        'cancelRace',
        `${N} concurrent cancels: ${statuses.filter((s) => s === 202).length} answered 202, ${statuses.filter((s) => s === 409).length} answered 409; 1 terminal write, 1 outcome event, ${pids.length} processes gone`,
      );
    },
    TEST_TIMEOUT_MS,
  );
});

describe('rebuilds racing cancels', () => {
  const ROUNDS = 6;
  const REBUILDS = 4;

  it(
    `keeps the image and its history consistent over ${ROUNDS} rounds of a cancel racing ${REBUILDS} rebuilds, and a later rebuild works`,
    async () => {
      // Prepare
      const image = await createCustom('race', ['standin-hangs', 'race-0']);
      let outcomes = { started: 0, refused: 0 };

      for (let round = 1; round <= ROUNDS; round++) {
        const before = await expectConsistent(image.name);
        const latest = before.image.latestBuild!;

        // Act
        const replies = await burst([
          () => api.call('POST', `${GROUP}/${image.name}/builds/${latest.id}/cancel`, { token: t.groupAdmin }),
          // Spread over the cancel's own time, so that rounds see both orders: refused before it lands, started after.
          ...Array.from({ length: REBUILDS }, (_, j) => async () => {
            await new Promise((resolve) => setTimeout(resolve, j * round * 4));
            return api.call('POST', `${GROUP}/${image.name}/builds`, { token: t.groupAdmin, body: { build: spec(['standin-hangs', `race-${round}`]) } });
          }),
        ]);

        // Assess
        const [cancel, ...rebuilds] = replies;
        expect([202, 409]).toContain(cancel!.status);
        const started = rebuilds.filter((r) => r.status === 202);
        expect(started.length).toBeLessThanOrEqual(1);
        expect(rebuilds.every((r) => r.status === 202 || r.status === 409)).toBe(true);
        outcomes = { started: outcomes.started + started.length, refused: outcomes.refused + rebuilds.length - started.length };
        const after = await expectConsistent(image.name);
        if (TERMINAL_STATUSES.includes(after.image.latestBuild!.status)) {
          // Not busy: the next round's rebuild can start a build even if no rebuild of this round did.
          expect(started).toHaveLength(0);
          const next = await api.call('POST', `${GROUP}/${image.name}/builds`, {
            token: t.groupAdmin,
            body: { build: spec(['standin-hangs', `race-${round}-again`]) },
          });
          expect(next.status).toBe(202);
        }
      }

      // Act: the last hanging build cancelled, then a rebuild that can finish.
      const last = (await expectConsistent(image.name)).image.latestBuild!;
      expect((await api.call('POST', `${GROUP}/${image.name}/builds/${last.id}/cancel`, { token: t.groupAdmin })).status).toBe(202);
      const final = await api.call<Build>('POST', `${GROUP}/${image.name}/builds`, { token: t.groupAdmin, body: { build: spec(['race-final']) } });

      // Assess
      expect(final.status).toBe(202);
      expect((await pollBuild(api, t.groupAdmin, `${GROUP}/${image.name}/builds/${final.body.id}`)).status).toBe('succeeded');
      const { image: done, builds } = await expectConsistent(image.name);
      expect(done).toMatchObject({ ready: true, url: builds[0]!.imageUrl });
      expect(builds.filter((b) => !TERMINAL_STATUSES.includes(b.status))).toEqual([]);
      figures.set(
        'rebuildCancelRace',
        `${ROUNDS} rounds of 1 cancel racing ${REBUILDS} rebuilds: ${outcomes.started} rebuilds started in the race, ${outcomes.refused} refused with 409; history and image consistent after every round`,
      );
    },
    TEST_TIMEOUT_MS,
  );
});

describe('concurrent identical build requests', () => {
  const N = 8;

  it(
    `runs one build for ${N} concurrent rebuilds of ${N} images with one spec; all settle with its image`,
    async () => {
      // Prepare
      const images = await Promise.all(Array.from({ length: N }, (_, i) => createBuilt(`same-rebuild-${i}`)));

      // Act
      const replies = await burst(
        images.map(
          (image) => () =>
            api.call<Build>('POST', `${GROUP}/${image.name}/builds`, { token: t.groupAdmin, body: { build: spec(['standin-gate-same', 'same-spec']) } }),
        ),
      );

      // Assess
      expect(statusesOf(replies)).toEqual(Array(N).fill(202));
      const ids = replies.map((r) => r.body.id as string);
      await waitFor(async () => (await builderRuns(ids)) >= 1, 'the one builder run to reach buildx build');
      await cli.open('same');
      const done = await Promise.all(images.map((image, i) => pollBuild(api, t.groupAdmin, `${GROUP}/${image.name}/builds/${ids[i]}`)));
      expect(await builderRuns(ids)).toBe(1);
      expect(done.map((b) => b.status)).toEqual(Array(N).fill('succeeded'));
      expect(new Set(done.map((b) => b.imageUrl)).size).toBe(1);
      expect(done.filter((b) => b.reused)).toHaveLength(N - 1);
      for (const image of images) await expectConsistent(image.name);
      figures.set('identicalRebuilds', `${N} concurrent identical rebuilds of ${N} images: 1 builder run, ${N - 1} reused`);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    `runs one build for ${N} concurrent creates with one spec`,
    async () => {
      // Act
      const replies = await burst(
        Array.from(
          { length: N },
          (_, i) => () =>
            api.call<Image>('POST', GROUP, {
              token: t.groupAdmin,
              body: { displayName: `same-create-${i}`, type: 'cpu', build: spec(['standin-gate-same-create', 'same-create']) },
            }),
        ),
      );

      // Assess
      expect(statusesOf(replies)).toEqual(Array(N).fill(201));
      const ids = replies.map((r) => r.body.latestBuild!.id as string);
      await waitFor(async () => (await builderRuns(ids)) >= 1, 'the one builder run to reach buildx build');
      await cli.open('same-create');
      const done = await Promise.all(replies.map((r, i) => pollBuild(api, t.groupAdmin, `${GROUP}/${r.body.name}/builds/${ids[i]}`)));
      expect(await builderRuns(ids)).toBe(1);
      expect(done.map((b) => b.status)).toEqual(Array(N).fill('succeeded'));
      for (const r of replies) expect((await expectConsistent(r.body.name)).image.ready).toBe(true);
      figures.set('identicalCreates', `${N} concurrent creates with one spec: 1 builder run, ${N - 1} reused`);
    },
    TEST_TIMEOUT_MS,
  );
});

describe('concurrent creates at the group quotas', () => {
  let limited: LocalApi;
  let admin: string;
  const IMAGES = 10;
  const BUILDS = 3;
  const N = 24;

  beforeAll(async () => {
    limited = await startLocalApi({ containerCli: cli.path, maxImagesPerGroup: IMAGES, maxConcurrentBuildsPerGroup: BUILDS });
    admin = (await roleTokens(limited)).groupAdmin;
  });
  afterAll(() => limited.stop());

  const count = async (group: string) =>
    (await limited.call<{ items: Image[] }>('GET', `/groups/${group}/images?limit=100`, { token: await limited.token({ sub: 'sys', systemAdmin: true }) })).body
      .items;

  it(
    `fills the image quota (${IMAGES}) from ${N} concurrent creates; the rest are 429 and nothing else is stored`,
    async () => {
      // Prepare: the group is 3 short of its quota.
      for (let i = 0; i < IMAGES - 3; i++)
        expect((await limited.call('POST', GROUP, { token: admin, body: { displayName: `pre-${i}`, type: 'cpu', url: 'python:3.12' } })).status).toBe(201);

      // Act
      const replies = await burst(
        Array.from(
          { length: N },
          (_, i) => () => limited.call<Image>('POST', GROUP, { token: admin, body: { displayName: `burst-${i}`, type: 'cpu', url: 'python:3.12' } }),
        ),
      );

      // Assess
      const created = replies.filter((r) => r.status === 201);
      expect(replies.every((r) => r.status === 201 || r.status === 429)).toBe(true);
      // The quota place is taken in the same transaction as the insert: exactly the free places, never more.
      expect(created).toHaveLength(3);
      for (const r of replies.filter((r) => r.status === 429)) expect(expectProblem(r, 429).detail).toContain(`already has ${IMAGES} images`);
      const stored = await count('team-a');
      expect(stored.map((i) => i.name).sort()).toEqual(
        [...stored.filter((i) => i.displayName.startsWith('pre-')).map((i) => i.name), ...created.map((r) => r.body.name)].sort(),
      );
      expectProblem(await limited.call('POST', GROUP, { token: admin, body: { displayName: 'after', type: 'cpu', url: 'python:3.12' } }), 429);
      figures.set(
        'imageQuota',
        `quota ${IMAGES}, 3 free, ${N} concurrent creates: ${created.length} created (overshoot ${Math.max(0, IMAGES - 3 + created.length - IMAGES)}), ${N - created.length} refused with 429`,
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    `starts exactly the build quota (${BUILDS}) from ${IMAGES - 2} concurrent custom creates; the rest are 429 and store nothing`,
    async () => {
      // Fewer than the image quota, so that only the build quota can refuse.
      const M = IMAGES - 2;
      // Prepare: team-a is at its image quota; team-b has room.
      const bAdmin = await limited.token({ sub: 'oto', groups: ['team-b'], adminGroups: ['team-b'] });

      // Act
      const customs = await burst(
        Array.from(
          { length: M },
          (_, i) => () =>
            limited.call<Image>('POST', '/groups/team-b/images', {
              token: bAdmin,
              body: { displayName: `quota-build-${i}`, type: 'cpu', build: spec(['standin-hangs', `quota-build-${i}`]) },
            }),
        ),
      );

      // Assess
      const created = customs.filter((r) => r.status === 201);
      expect(customs.every((r) => r.status === 201 || r.status === 429)).toBe(true);
      expect(created).toHaveLength(BUILDS);
      for (const r of customs.filter((r) => r.status === 429)) expect(expectProblem(r, 429).detail).toContain(`already has ${BUILDS} builds queued or running`);
      expect((await count('team-b')).map((i) => i.name).sort()).toEqual(created.map((r) => r.body.name).sort());
      const after = await limited.call('POST', '/groups/team-b/images', {
        token: bAdmin,
        body: { displayName: 'quota-build-after', type: 'cpu', build: spec(['quota-build-after']) },
      });
      expect(expectProblem(after, 429).detail).toContain(`already has ${BUILDS} builds queued or running`);
      figures.set(
        'buildQuota',
        `build quota ${BUILDS}, ${M} concurrent custom creates: ${created.length} started, ${M - created.length} refused with 429; the next create refused`,
      );
    },
    TEST_TIMEOUT_MS,
  );
});
