/**
 * Resource limits, each answered with a problem+json that says which limit and what to do:
 *   - the per-group image quota and concurrent-build quota: 429 (system images and builds are not limited);
 *   - body size: 413 one byte over 64 KiB on every route that takes a body;
 *   - package list length (101 entries) and entry length (201 characters): 422 naming the list or entry;
 *   - page size (limit=101): 422 naming /query/limit on every paged route;
 *   - build timeout: a build that runs past it ends failed saying so, its processes killed, the image free;
 *   - queued timeout: a CodeBuild TIMED_OUT event for a build that never left the queue says so;
 *   - write cost: the DynamoDB items one create or one edit writes, whatever its text (the word index is capped).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Build } from '../../lambdas/domain/build.ts';
import type { Image } from '../../lambdas/domain/image.ts';
import { buildEventHandler } from '../../lambdas/aws/build-event-handlers.ts';
import { MAX_BODY_BYTES } from '../../lambdas/http/api-handler.ts';
import { WORD_INDEX_MAX } from '../../lambdas/domain/search.ts';
import { DESCRIPTION_MAX, IMAGE_REFERENCE_MAX } from '../../lambdas/domain/fields.ts';
import { pollBuild, waitFor } from '../support/build-polling.ts';
import { ADMIN, customImage, harnessFactory, RecordingBuilder, TEAM_A } from '../support/build-service-harness.ts';
import { eventFor, FIXTURE_ACCOUNT, FIXTURE_PROJECT } from '../support/codebuild-events.ts';
import { Figures } from '../support/figures.ts';
import { roleTokens, startLocalApi, type LocalApi } from '../support/local-api.ts';
import { expectInvalid, expectProblem } from '../support/problems.ts';
import { isRunning, writeStandInCli, type StandInCli } from '../support/stand-in-cli.ts';
import { TEST_TIMEOUT_MS } from '../support/hang-guard.ts';

const IMAGES = 3;
const BUILDS = 2;
const BASE = 'python:3.12-slim';

const figures = new Figures('limits');
let api: LocalApi;
let cli: StandInCli;
let t: Awaited<ReturnType<typeof roleTokens>>;
let bAdmin: string;

beforeAll(async () => {
  cli = await writeStandInCli();
  api = await startLocalApi({ containerCli: cli.path, maxImagesPerGroup: IMAGES, maxConcurrentBuildsPerGroup: BUILDS });
  t = await roleTokens(api);
  bAdmin = t.otherAdmin;
});
afterAll(async () => {
  await api?.stop();
  await cli?.remove();
  figures.record();
});

const existing = (displayName: string) => ({ displayName, type: 'cpu', url: 'python:3.12' });
const custom = (displayName: string, pip: string[]) => ({ displayName, type: 'cpu', build: { baseImage: BASE, packages: { pip } } });
const names = async (collection: string) =>
  (await api.call<{ items: Image[] }>('GET', `${collection}?limit=100`, { token: t.systemAdmin })).body.items.map((i) => i.name);

describe('the per-group image quota', () => {
  it(`answers 429 to a create once a group holds ${IMAGES} images, saying the limit and what to do; storing nothing`, async () => {
    // Prepare
    const made = [];
    for (let i = 0; i < IMAGES; i++) made.push(await api.call<Image>('POST', '/groups/team-a/images', { token: t.groupAdmin, body: existing(`quota-${i}`) }));
    expect(made.map((r) => r.status)).toEqual(Array(IMAGES).fill(201));

    // Act
    const refused = await api.call('POST', '/groups/team-a/images', { token: t.groupAdmin, body: existing('quota-over') });
    const refusedCustom = await api.call('POST', '/groups/team-a/images', { token: t.groupAdmin, body: custom('quota-over-custom', ['quota-over']) });

    // Assess
    for (const reply of [refused, refusedCustom]) {
      const problem = expectProblem(reply, 429);
      expect(problem.detail).toBe(
        `group "team-a" already has ${IMAGES} images, its limit: delete images it no longer needs, or ask the platform team to raise maxImagesPerGroup`,
      );
    }
    expect(await names('/groups/team-a/images')).toHaveLength(IMAGES);
    figures.count('quota429s', 2);
  });

  it('frees a place when an image is deleted', async () => {
    // Prepare
    const [first] = await names('/groups/team-a/images');
    expect((await api.call('DELETE', `/groups/team-a/images/${first}`, { token: t.groupAdmin })).status).toBe(204);

    // Act
    const reply = await api.call('POST', '/groups/team-a/images', { token: t.groupAdmin, body: existing('quota-again') });

    // Assess
    expect(reply.status).toBe(201);
  });

  it('limits neither the system images nor another group', async () => {
    // Act
    const system = await Promise.all(
      Array.from({ length: IMAGES + 2 }, (_, i) => api.call('POST', '/images', { token: t.systemAdmin, body: existing(`system-${i}`) })),
    );
    const other = await api.call('POST', '/groups/team-c/images', { token: t.systemAdmin, body: existing('other-group') });

    // Assess
    expect(system.map((r) => r.status)).toEqual(Array(IMAGES + 2).fill(201));
    expect(other.status).toBe(201);
  });
});

describe('the per-group concurrent-build quota', () => {
  let done: Image;
  let hanging: Image[];

  beforeAll(async () => {
    done = (await api.call<Image>('POST', '/groups/team-b/images', { token: bAdmin, body: custom('builds-done', ['builds-done']) })).body;
    await pollBuild(api, bAdmin, `/groups/team-b/images/${done.name}/builds/${done.latestBuild!.id}`);
    hanging = [];
    for (let i = 0; i < BUILDS; i++)
      hanging.push(
        (await api.call<Image>('POST', '/groups/team-b/images', { token: bAdmin, body: custom(`builds-hang-${i}`, ['standin-hangs', `builds-hang-${i}`]) }))
          .body,
      );
  }, TEST_TIMEOUT_MS);

  it(`answers 429 to a rebuild while ${BUILDS} builds run in the group, saying so, and starts nothing`, async () => {
    // Act
    const reply = await api.call('POST', `/groups/team-b/images/${done.name}/builds`, {
      token: bAdmin,
      body: { build: { baseImage: BASE, packages: { pip: ['builds-more'] } } },
    });

    // Assess
    expect(expectProblem(reply, 429).detail).toBe(
      `group "team-b" already has ${BUILDS} builds queued or running, its limit: wait for one to finish or cancel one`,
    );
    expect((await api.call<{ items: Build[] }>('GET', `/groups/team-b/images/${done.name}/builds`, { token: bAdmin })).body.items).toHaveLength(1);
    figures.count('quota429s');
  });

  it(
    'limits no system build',
    async () => {
      // Act
      const replies = await Promise.all(
        Array.from({ length: BUILDS + 1 }, (_, i) =>
          api.call<Image>('POST', '/images', { token: t.systemAdmin, body: custom(`system-build-${i}`, [`system-build-${i}`]) }),
        ),
      );

      // Assess
      expect(replies.map((r) => r.status)).toEqual(Array(BUILDS + 1).fill(201));
      await Promise.all(replies.map((r) => pollBuild(api, t.systemAdmin, `/images/${r.body.name}/builds/${r.body.latestBuild!.id}`)));
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'frees a place when a running build is cancelled',
    async () => {
      // Prepare
      const [first] = hanging;
      expect((await api.call('POST', `/groups/team-b/images/${first!.name}/builds/${first!.latestBuild!.id}/cancel`, { token: bAdmin })).status).toBe(202);

      // Act
      const reply = await api.call<Build>('POST', `/groups/team-b/images/${done.name}/builds`, {
        token: bAdmin,
        body: { build: { baseImage: BASE, packages: { pip: ['builds-after'] } } },
      });

      // Assess
      expect(reply.status).toBe(202);
      await pollBuild(api, bAdmin, `/groups/team-b/images/${done.name}/builds/${reply.body.id}`);
    },
    TEST_TIMEOUT_MS,
  );
});

describe('body size', () => {
  /** A JSON body of exactly `size` bytes, padding one string field. */
  const sized = (size: number, before: string, after: string) => before + 'a'.repeat(size - before.length - after.length) + after;
  const routes = () =>
    [
      ['POST a group image', 'POST', '/groups/team-c/images', '{"displayName":"big","type":"cpu","url":"python:3.12","description":"', '"}'],
      ['PATCH an image', 'PATCH', '/images/no-such-image', '{"description":"', '"}'],
      ['POST a rebuild', 'POST', '/images/no-such-image/builds', '{"build":{"baseImage":"python:3.12","packages":{"pip":["', '"]}}}'],
      ['PUT a pull secret', 'PUT', '/secrets/big-secret', '{"registry":"ghcr.io","username":"bot","password":"', '"}'],
    ] as const;

  it.each(routes())('answers 413 to %s one byte over 64 KiB', async (_what, method, path, before, after) => {
    // Act
    const over = await api.call(method, path, { token: t.systemAdmin, rawBody: sized(MAX_BODY_BYTES + 1, before, after) });
    const at = await api.call(method, path, { token: t.systemAdmin, rawBody: sized(MAX_BODY_BYTES, before, after) });

    // Assess
    expect(expectProblem(over, 413).detail).toBe(`the body is ${MAX_BODY_BYTES + 1} bytes; at most ${MAX_BODY_BYTES} are accepted`);
    expect(at.status).not.toBe(413);
    expect(at.status).toBeLessThan(500);
    figures.count('bodyLimit413s');
  });
});

describe('package list and entry lengths', () => {
  const MANAGERS = { apt: (i: number) => `pkg${i}`, conda: (i: number) => `pkg${i}`, pip: (i: number) => `pkg${i}` };

  it.each(Object.keys(MANAGERS))('answers 422 naming the %s list when it has 101 entries, in a create and a rebuild', async (manager) => {
    // Prepare
    const list = Array.from({ length: 101 }, (_, i) => MANAGERS[manager as keyof typeof MANAGERS](i));

    // Act
    const create = await api.call('POST', '/images', {
      token: t.systemAdmin,
      body: { displayName: 'long-list', type: 'cpu', build: { baseImage: BASE, packages: { [manager]: list } } },
    });
    const rebuild = await api.call('POST', '/images/no-such-image/builds', {
      token: t.systemAdmin,
      body: { build: { baseImage: BASE, packages: { [manager]: list } } },
    });

    // Assess
    for (const reply of [create, rebuild]) {
      const problem = expectInvalid(reply, `/build/packages/${manager}`);
      expect(problem.errors![0]!.message).toBe('has 101 entries; the limit is 100 per package manager');
    }
    figures.count('lengthLimit422s', 2);
  });

  it.each(Object.keys(MANAGERS))('answers 422 naming the %s entry that is 201 characters long', async (manager) => {
    // Prepare
    const long = `a${'b'.repeat(199)}c`;

    // Act
    const reply = await api.call('POST', '/images', {
      token: t.systemAdmin,
      body: { displayName: 'long-entry', type: 'cpu', build: { baseImage: BASE, packages: { [manager]: ['curl', long] } } },
    });

    // Assess
    const problem = expectInvalid(reply, `/build/packages/${manager}/1`);
    expect(problem.errors![0]!.message).toBe('is 201 characters long; the limit is 200');
    figures.count('lengthLimit422s');
  });

  it(
    'accepts 100 entries of 200 characters each (the limits themselves)',
    async () => {
      // Prepare
      const pip = Array.from({ length: 100 }, (_, i) => `p${String(i).padStart(3, '0')}${'x'.repeat(196)}`);

      // Act
      const reply = await api.call<Image>('POST', '/images', {
        token: t.systemAdmin,
        body: { displayName: 'at-the-limits', type: 'cpu', build: { baseImage: BASE, packages: { pip } } },
      });

      // Assess
      expect(reply.status).toBe(201);
      expect(reply.body.buildSpec!.packages.pip).toHaveLength(100);
      const build = await pollBuild(api, t.systemAdmin, `/images/${reply.body.name}/builds/${reply.body.latestBuild!.id}`);
      expect(build.status).toBe('succeeded');
      expect((await cli.contextOf(build.id))['pip.txt']!.split('\n').filter(Boolean)).toEqual([...pip].sort());
    },
    TEST_TIMEOUT_MS,
  );
});

describe('page size', () => {
  let image: Image;
  beforeAll(async () => {
    image = (await api.call<Image>('POST', '/images', { token: t.systemAdmin, body: custom('paged', ['paged']) })).body;
    await pollBuild(api, t.systemAdmin, `/images/${image.name}/builds/${image.latestBuild!.id}`);
  }, TEST_TIMEOUT_MS);

  const paged = () => [
    ['a group image list', '/groups/team-c/images'],
    ['the system image list', '/images'],
    ['the image selection', '/groups/team-c/image-selection'],
    ['a system build history', `/images/${image.name}/builds`],
    ['a group build history', `/groups/team-b/images/no-such-image/builds`],
  ];

  it('answers 422 naming /query/limit to limit=101 on every paged route, and serves limit=100', async () => {
    for (const [what, path] of paged()) {
      // Act
      const over = await api.call('GET', `${path}?limit=101`, { token: t.systemAdmin });
      const at = await api.call('GET', `${path}?limit=100`, { token: t.systemAdmin });

      // Assess
      expect([what, expectInvalid(over, '/query/limit').errors![0]!.message]).toEqual([what, 'must be a whole number from 1 to 100']);
      expect([what, at.status]).toEqual([what, what!.includes('group build') ? 404 : 200]);
      figures.count('pageLimit422s');
    }
  });

  it('answers 422 naming /query/limit on a build log, which has no page size to choose', async () => {
    // Act
    const reply = await api.call('GET', `/images/${image.name}/builds/${image.latestBuild!.id}/logs?limit=101`, { token: t.systemAdmin });

    // Assess
    expect(expectInvalid(reply, '/query/limit').errors![0]!.message).toBe('is not a known field');
    figures.count('pageLimit422s');
  });
});

describe('build timeout', () => {
  const LIMIT_MINUTES = 0.02;
  let slow: LocalApi;
  let hangs: StandInCli;

  beforeAll(async () => {
    hangs = await writeStandInCli('hang');
    slow = await startLocalApi({ containerCli: hangs.path, buildTimeoutMinutes: LIMIT_MINUTES });
  });
  afterAll(async () => {
    await slow.stop();
    await hangs.remove();
  });

  it(
    'ends a build that runs past its limit failed, saying so; kills its processes; leaves the image free for a rebuild',
    async () => {
      // Prepare
      const admin = (await roleTokens(slow)).groupAdmin;
      const image = (await slow.call<Image>('POST', '/groups/team-a/images', { token: admin, body: custom('too-slow', ['too-slow']) })).body;

      // Act
      const build = await pollBuild(slow, admin, `/groups/team-a/images/${image.name}/builds/${image.latestBuild!.id}`);

      // Assess
      expect(build.status).toBe('failed');
      expect(build.failureReason).toMatch(
        new RegExp(`^The build ran longer than its ${LIMIT_MINUTES}-minute limit \\(while (preparing|building)\\) and was stopped\\.`),
      );
      // Every process the build left (none when the limit struck before BUILD, on a busy machine) ends.
      await slow.server.builder.idle();
      await waitFor(() => hangs.hangingPids().every((pid) => !isRunning(pid)), "the timed-out build's processes to end");
      const again = await slow.call<Build>('POST', `/groups/team-a/images/${image.name}/builds`, { token: admin });
      expect(again.status).toBe(202);
      figures.set(
        'buildTimeout',
        `${LIMIT_MINUTES} minutes: failed in ${build.phase} with a reason naming the limit; every process it left ended (${hangs.hangingPids().length} reached the hanging step); image free`,
      );
    },
    TEST_TIMEOUT_MS,
  );
});

describe('queued timeout', () => {
  const factory = harnessFactory();
  beforeAll(() => factory.start());
  afterAll(() => factory.stop());

  it('fails a build that CodeBuild timed out in the queue, saying it never started, and frees its image', async () => {
    // Prepare
    const h = await factory.harness();
    const { image } = await h.catalog.create(ADMIN, TEAM_A, customImage());
    const ref = { scope: TEAM_A, image: image.name, buildId: image.latestBuild!.id };
    const event = eventFor('build-state-timed-out', ref, RecordingBuilder.idOf(ref.buildId));
    event.detail['current-phase'] = 'QUEUED';
    event.detail['additional-information'].phases = [
      { 'phase-type': 'SUBMITTED', 'phase-status': 'SUCCEEDED' },
      { 'phase-type': 'QUEUED', 'phase-status': 'TIMED_OUT', 'phase-context': [] },
    ];

    // Act
    const { outcome } = await buildEventHandler(h.service, { project: FIXTURE_PROJECT, account: FIXTURE_ACCOUNT })(event);

    // Assess
    expect(outcome).toBe('applied');
    const build = (await h.builds.get(TEAM_A, ref.image, ref.buildId))!;
    expect(build).toMatchObject({
      status: 'failed',
      phase: 'queued',
      failureReason: 'The build waited in the build queue longer than its queued timeout and never started: the platform is busy, rebuild later.',
    });
    expect((await h.images.get(TEAM_A, ref.image))!.latestBuild).toMatchObject({ id: ref.buildId, status: 'failed' });
    expect((await h.service.rebuild(ADMIN, TEAM_A, ref.image, {})).status).toBe('queued');
    figures.set('queuedTimeout', 'a TIMED_OUT event in QUEUED: failed, saying it never left the queue; image free');
  });
});

describe('the write cost of a create and an edit', () => {
  /** Items written to DynamoDB while `act` runs (PutItem, UpdateItem, DeleteItem: one; BatchWriteItem: its requests; TransactWriteItems: its items). */
  async function itemsWritten(act: () => Promise<unknown>): Promise<number> {
    let items = 0;
    const name = 'countItemsWritten';
    api.server.dynamo.client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { RequestItems?: Record<string, unknown[]>; TransactItems?: unknown[] };
        const command = context.commandName ?? '';
        if (['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand'].includes(command)) items += 1;
        if (command === 'BatchWriteItemCommand') items += Object.values(input.RequestItems ?? {}).reduce((n, list) => n + list.length, 0);
        if (command === 'TransactWriteItemsCommand') items += input.TransactItems?.length ?? 0;
        return next(args);
      },
      { step: 'initialize', name },
    );
    try {
      await act();
    } finally {
      api.server.dynamo.client.middlewareStack.remove(name);
    }
    return items;
  }

  /** Text as long as each field allows, every word distinct: the most index entries a body could ask for. */
  const longest = (tag: string) => ({
    displayName: `${tag}.${Array.from({ length: 40 }, (_, i) => `d${i}`).join('.')}`.slice(0, 63).replace(/\.$/, ''),
    description: Array.from({ length: 700 }, (_, i) => `${tag}${i}`)
      .join(' ')
      .slice(0, DESCRIPTION_MAX),
    type: 'universal',
    url: `registry.example.com/${Array.from({ length: 120 }, (_, i) => `${tag}${i}`).join('/')}`.slice(0, IMAGE_REFERENCE_MAX - 4) + ':1.0',
    urlForGpu: `registry.example.com/${Array.from({ length: 120 }, (_, i) => `g${tag}${i}`).join('/')}`.slice(0, IMAGE_REFERENCE_MAX - 4) + ':1.0',
  });

  it(`writes at most ${WORD_INDEX_MAX + 1} items for a create and ${3 * WORD_INDEX_MAX + 1} for an edit, however long its text`, async () => {
    // Act: system images (no quota), every searched field at its longest, then every one changed.
    let created: Image | undefined;
    const create = await itemsWritten(async () => {
      const reply = await api.call<Image>('POST', '/images', { token: t.systemAdmin, body: longest('c') });
      expect(reply.status).toBe(201);
      created = reply.body;
    });
    const { displayName, description, url, urlForGpu } = longest('e');
    const edit = await itemsWritten(async () => {
      const reply = await api.call('PATCH', `/images/${created!.name}`, { token: t.systemAdmin, body: { displayName, description, url, urlForGpu } });
      expect(reply.status).toBe(200);
    });

    // Assess: a create is the image and its index entries; an edit indexes the fields it sets before
    // and after the write and drops the old ones (a concurrent writer can add one more indexing).
    expect(create).toBeLessThanOrEqual(WORD_INDEX_MAX + 1);
    expect(edit).toBeLessThanOrEqual(3 * WORD_INDEX_MAX + 1);
    expect(create).toBeGreaterThan(WORD_INDEX_MAX / 2); // the text did fill the index: the bound was exercised
    figures.set('itemsPerWorstCreate', create);
    figures.set('itemsPerWorstEdit', edit);
  });
});
