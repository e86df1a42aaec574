/**
 * The build lifecycle (BuildLifecycle): starting builds, rebuilding, reusing identical specs, cancelling, and what deleting
 * an image does to its build, over the real DynamoDB stores on dynalite with a recording builder.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { cacheTagFor } from '../../lambdas/aws/repository-registry.ts';
import type { Build } from '../../lambdas/domain/build.ts';
import { DRY_RUN_REASON } from '../../lambdas/domain/dry-run.ts';
import type { Image } from '../../lambdas/domain/image.ts';
import type { Scope } from '../../lambdas/domain/scope.ts';
import {
  ADMIN,
  ADMIN_B,
  CACHE_REPOSITORY,
  customImage,
  harnessFactory,
  IMAGE_REPOSITORY,
  latestBuildOf,
  RecordingBuilder,
  TEAM_A,
  TEAM_B,
  type Harness,
} from '../support/build-service-harness.ts';
import { rejection } from '../support/rejection.ts';
import { injectFaults, throughputExceeded } from '../support/sdk-faults.ts';

process.env.LOG_LEVEL ??= 'silent';

const factory = harnessFactory();
beforeAll(() => factory.start());
afterAll(() => factory.stop());

let h: Harness;
beforeEach(async () => {
  h = await factory.harness();
});

const at = (minute: number) => new Date(Date.UTC(2025, 5, 3, 10, minute)).toISOString();

async function create(packages?: Record<string, string[]>, scope: Scope = TEAM_A, extra?: Record<string, unknown>): Promise<Image> {
  return (await h.catalog.create(scope === TEAM_A ? ADMIN : ADMIN_B, scope, customImage(packages, extra))).image;
}

/** Reports the end of a build as its builder would. */
async function finish(scope: Scope, image: string, buildId: string, status: 'succeeded' | 'failed' | 'cancelled', minute = 5) {
  const outcome = await h.service.report({ scope, image, buildId }, RecordingBuilder.idOf(buildId), {
    status,
    phase: status === 'succeeded' ? 'finishing' : 'building',
    ...(status === 'failed' ? { failureReason: 'Installing the packages failed (BUILD FAILED).' } : {}),
    at: at(minute),
  });
  if (outcome !== 'applied') throw new Error(`finishing ${buildId} was ${outcome}`);
}

const imageNow = async (name: string, scope: Scope = TEAM_A) => (await h.images.get(scope, name))!;
const buildNow = async (name: string, id: string, scope: Scope = TEAM_A) => (await h.builds.get(scope, name, id))!;

describe('starting a build', () => {
  it("records the build, then starts it with its own id, the rendered context, its target and the scope's cache", async () => {
    // Act
    const image = await create({ pip: ['requests==2.32.3'], apt: ['curl'] });

    // Assess
    expect(h.builder.started).toHaveLength(1);
    const job = h.builder.started[0]!;
    expect(job.build.id).toBe(image.latestBuild!.id);
    expect(job.scope).toEqual(TEAM_A);
    expect(job.build.targetUrl).toMatch(new RegExp(`^${IMAGE_REPOSITORY.replace(/\./g, '\\.')}:sha-[0-9a-f]{32}$`));
    expect(job.cacheRef).toBe(`${CACHE_REPOSITORY}:${cacheTagFor(TEAM_A)}`);
    expect(Object.keys(job.files).sort()).toEqual(['Dockerfile', 'apt.txt', 'pip.txt', 'template-failures.tsv']);
    expect(job.files['pip.txt']).toBe('requests==2.32.3\n');
    expect(job.pullSecret).toBeNull();
    expect(await buildNow(image.name, job.build.id)).toEqual(
      expect.objectContaining({ status: 'queued', builderId: RecordingBuilder.idOf(job.build.id), createdBy: 'ada' }),
    );
  });

  it('returns a custom image that is not ready until its first build succeeds', async () => {
    // Act
    const image = await create();

    // Assess
    expect(image).toEqual(
      expect.objectContaining({ source: 'build', url: null, ready: false, latestBuild: expect.objectContaining({ status: 'queued', finishedAt: null }) }),
    );
  });

  it('hands the builder the pull secret by name, never more', async () => {
    // Act
    await create(undefined, TEAM_A, { pullSecret: 'ghcr-team-a' });

    // Assess
    expect(h.builder.started[0]!.pullSecret).toBe('ghcr-team-a');
  });

  it('marks the build failed with a reason when the builder cannot start it', async () => {
    // Prepare
    h.builder.failStart = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });

    // Act
    const image = await create();

    // Assess
    const build = await latestBuildOf(h, TEAM_A, image.name);
    expect(build.status).toBe('failed');
    expect(build.failureReason).toBe('The build could not be started: Rate exceeded. Rebuild to try again.');
    expect(image).toEqual(expect.objectContaining({ ready: false, latestBuild: expect.objectContaining({ status: 'failed' }) }));
  });

  it('starts the builder again on a rebuild after the builder could not start the first one', async () => {
    // Prepare
    h.builder.failStart = new Error('Rate exceeded');
    const image = await create();
    h.builder.failStart = undefined;

    // Act
    const build = await h.service.rebuild(ADMIN, TEAM_A, image.name, {});

    // Assess
    expect(build).toEqual(expect.objectContaining({ status: 'queued', reused: false }));
    expect(h.builder.started.map((j) => j.build.id)).toEqual([build.id]);
  });
});

describe('a build record that cannot be written', () => {
  it('frees the image for the next attempt instead of leaving it busy', async () => {
    // Prepare: the one write that stores the build and points the image at it is throttled
    const image = await create();
    await finish(TEAM_A, image.name, image.latestBuild!.id, 'succeeded');
    const faults = injectFaults(h.dynamo.client, 'before', (call) => (call.command === 'TransactWriteItemsCommand' ? throughputExceeded() : undefined));

    // Act
    const refused = await h.service.rebuild(ADMIN, TEAM_A, image.name, {}).catch((e: Error) => e);
    faults.remove();
    const retried = await h.service.rebuild(ADMIN, TEAM_A, image.name, {});

    // Assess
    expect(refused).toEqual(expect.objectContaining({ name: 'ProvisionedThroughputExceededException' }));
    expect(retried.status).not.toBe('failed');
  });
});

describe('the concurrent-build quota', () => {
  it('refuses a rebuild once the group has as many builds running as it may (429), starting nothing', async () => {
    // Prepare
    h = await factory.harness({ maxConcurrentBuildsPerGroup: 1 });
    const done = await create({ pip: ['numpy'] });
    await finish(TEAM_A, done.name, done.latestBuild!.id, 'succeeded');
    await create({ pip: ['pandas'] });

    // Act
    const error = await rejection(h.service.rebuild(ADMIN, TEAM_A, done.name, { build: customImage({ pip: ['scipy'] }).build }));

    // Assess
    expect(error.kind).toBe('quota');
    expect(h.builder.started).toHaveLength(2);
  });

  it('never leaves a created custom image without a build: a create that another build overtook still builds', async () => {
    // Prepare: a rebuild asks for the group's one build place right after the create stored its image
    h = await factory.harness({ maxConcurrentBuildsPerGroup: 1 });
    const other = await create({ pip: ['numpy'] });
    await finish(TEAM_A, other.name, other.latestBuild!.id, 'succeeded');
    let rebuild: unknown;
    h.images.afterInsert = async () => {
      rebuild = await h.service.rebuild(ADMIN, TEAM_A, other.name, { build: customImage({ pip: ['numpy', 'scipy'] }).build }).catch((e: Error) => e);
    };

    // Act
    const outcome = await h.catalog.create(ADMIN, TEAM_A, customImage({ pip: ['pandas'] })).then(
      ({ image }) => ({ created: image.name }),
      (e: Error) => ({ refused: e.message }),
    );

    // Assess: either it was created and builds, or it was refused and nothing of it is left
    const stored = (await h.images.page(TEAM_A, { limit: 10 })).items.filter((i) => i.name !== other.name);
    if ('created' in outcome) expect(stored.map((i) => [i.name, i.latestBuild?.status])).toEqual([[outcome.created, 'queued']]);
    else expect(stored).toEqual([]);
    // The create's image and build took the place in one write: the rebuild after it found none.
    expect(rebuild).toMatchObject({ kind: 'quota' });
  });
});

describe('rebuilding', () => {
  it('refuses a rebuild while a build of the image runs (409), without starting anything', async () => {
    // Prepare
    const image = await create();

    // Act
    const error = await rejection(h.service.rebuild(ADMIN, TEAM_A, image.name, { build: customImage({ pip: ['pandas'] }).build }));

    // Assess
    expect(error.kind).toBe('conflict');
    expect(h.builder.started).toHaveLength(1);
  });

  it("keeps the image's url while a rebuild runs, and moves it to the new build's imageUrl when it succeeds", async () => {
    // Prepare
    const image = await create({ pip: ['numpy'] });
    await finish(TEAM_A, image.name, image.latestBuild!.id, 'succeeded');
    const firstUrl = (await imageNow(image.name)).url;

    // Act
    const rebuild = await h.service.rebuild(ADMIN, TEAM_A, image.name, { build: customImage({ pip: ['numpy', 'pandas'] }).build });
    const during = await imageNow(image.name);
    await finish(TEAM_A, image.name, rebuild.id, 'succeeded', 9);

    // Assess
    const after = await imageNow(image.name);
    const succeeded = await buildNow(image.name, rebuild.id);
    expect(firstUrl).toEqual(expect.any(String));
    expect(during).toEqual(expect.objectContaining({ url: firstUrl, latestBuild: expect.objectContaining({ id: rebuild.id, status: 'queued' }) }));
    expect(after.url).toBe(succeeded.imageUrl);
    expect(after.url).not.toBe(firstUrl);
    expect(after.buildSpec).toEqual({ baseImage: customImage().build.baseImage, packages: { pip: ['numpy', 'pandas'] } });
  });

  it('keeps the old url when a rebuild fails', async () => {
    // Prepare
    const image = await create({ pip: ['numpy'] });
    await finish(TEAM_A, image.name, image.latestBuild!.id, 'succeeded');
    const firstUrl = (await imageNow(image.name)).url;
    const rebuild = await h.service.rebuild(ADMIN, TEAM_A, image.name, { build: customImage({ pip: ['numpy', 'not-a-real-package'] }).build });

    // Act
    await finish(TEAM_A, image.name, rebuild.id, 'failed', 9);

    // Assess
    expect(await imageNow(image.name)).toEqual(
      expect.objectContaining({ url: firstUrl, latestBuild: expect.objectContaining({ id: rebuild.id, status: 'failed' }) }),
    );
  });

  it('builds the stored spec again when the rebuild names none', async () => {
    // Prepare
    const image = await create({ pip: ['numpy'] });
    await finish(TEAM_A, image.name, image.latestBuild!.id, 'failed');

    // Act
    const rebuild = await h.service.rebuild(ADMIN, TEAM_A, image.name, {});

    // Assess
    expect(h.builder.started).toHaveLength(2);
    expect(h.builder.started[1]!.build.id).toBe(rebuild.id);
    expect(rebuild.spec).toEqual(image.buildSpec);
  });

  it('refuses a spec naming a pull secret that does not exist (422 at /build/pullSecret)', async () => {
    // Prepare
    const image = await create();
    await finish(TEAM_A, image.name, image.latestBuild!.id, 'succeeded');

    // Act
    const error = await rejection(h.service.rebuild(ADMIN, TEAM_A, image.name, { build: { ...customImage().build, pullSecret: 'no-such-secret' } }));

    // Assess
    expect(error.kind).toBe('validation');
    expect(error.errors).toEqual([{ field: ['build', 'pullSecret'], message: expect.stringContaining('no-such-secret') }]);
    expect(h.builder.started).toHaveLength(1);
  });

  it('refuses a hostile package entry naming it (422 at /build/packages/pip/1)', async () => {
    // Prepare
    const image = await create();
    await finish(TEAM_A, image.name, image.latestBuild!.id, 'succeeded');

    // Act
    const error = await rejection(h.service.rebuild(ADMIN, TEAM_A, image.name, { build: customImage({ pip: ['numpy', '$(id)'] }).build }));

    // Assess
    expect(error.kind).toBe('validation');
    expect(error.errors.map((e) => e.field)).toEqual([['build', 'packages', 'pip', 1]]);
  });

  // Who may rebuild is decided at the HTTP edge (lambdas/http/access.ts; test/hardening/authorization-matrix.test.ts).
  it('refuses to build an image that uses an existing url (409), and a stranger (404)', async () => {
    // Prepare
    const { image: existing } = await h.catalog.create(ADMIN, TEAM_A, { displayName: 'python', type: 'cpu', url: 'python:3.12' });

    // Act
    const errors = await Promise.all([
      rejection(h.service.rebuild(ADMIN, TEAM_A, existing.name, {})),
      rejection(h.service.rebuild(ADMIN, TEAM_A, 'no-such-image', {})),
    ]);

    // Assess
    expect(errors.map((e) => e.kind)).toEqual(['conflict', 'not-found']);
    expect(h.builder.started).toHaveLength(0);
  });
});

describe('identical specs', () => {
  it('reuses the image of an identical spec built before in the same scope, without starting the builder', async () => {
    // Prepare
    const first = await create({ pip: ['requests==2.32.3'] });
    await finish(TEAM_A, first.name, first.latestBuild!.id, 'succeeded');
    const built = await buildNow(first.name, first.latestBuild!.id);

    // Act
    const second = await create({ pip: ['requests==2.32.3'] });

    // Assess
    const reused = await latestBuildOf(h, TEAM_A, second.name);
    expect(reused).toEqual(expect.objectContaining({ status: 'succeeded', reused: true, imageUrl: built.imageUrl, builderId: null }));
    expect(second).toEqual(expect.objectContaining({ ready: true, url: built.imageUrl }));
    expect(h.builder.started).toHaveLength(1);
  });

  it('treats specs equal after normalisation (order, duplicates, spaces) as identical', async () => {
    // Prepare
    const first = await create({ pip: ['requests', 'numpy'], apt: ['curl'] });
    await finish(TEAM_A, first.name, first.latestBuild!.id, 'succeeded');

    // Act
    const second = await create({ apt: [' curl '], pip: ['numpy', 'requests', 'numpy'] });

    // Assess
    expect((await latestBuildOf(h, TEAM_A, second.name)).reused).toBe(true);
    expect(h.builder.started).toHaveLength(1);
  });

  it('builds an identical spec again in another scope (no sharing across groups)', async () => {
    // Prepare
    const first = await create({ pip: ['requests'] });
    await finish(TEAM_A, first.name, first.latestBuild!.id, 'succeeded');

    // Act
    const other = await create({ pip: ['requests'] }, TEAM_B);

    // Assess
    const build = await latestBuildOf(h, TEAM_B, other.name);
    expect(build).toEqual(expect.objectContaining({ reused: false, status: 'queued' }));
    expect(h.builder.started).toHaveLength(2);
    expect(build.targetUrl).not.toBe((await buildNow(first.name, first.latestBuild!.id)).targetUrl);
  });

  it('starts exactly one builder run for concurrent identical requests; all settle when it succeeds', async () => {
    // Prepare
    const N = 6;

    // Act
    const images = await Promise.all(Array.from({ length: N }, () => create({ pip: ['scikit-learn>=1.3,<1.6'] })));
    const waiting = await Promise.all(images.map((i) => latestBuildOf(h, TEAM_A, i.name)));
    const leader = h.builder.started[0]!.build;
    await finish(TEAM_A, leader.image, leader.id, 'succeeded');

    // Assess
    expect(h.builder.started).toHaveLength(1);
    expect(waiting.filter((b) => b.reused)).toHaveLength(N - 1);
    expect(waiting.filter((b) => b.reused).every((b) => b.status === 'queued')).toBe(true);
    const settled = await Promise.all(images.map((i) => latestBuildOf(h, TEAM_A, i.name)));
    const url = settled.find((b) => b.id === leader.id)!.imageUrl;
    expect(url).toEqual(expect.any(String));
    expect(settled.map((b) => [b.status, b.imageUrl])).toEqual(Array.from({ length: N }, () => ['succeeded', url]));
    expect((await Promise.all(images.map((i) => imageNow(i.name)))).map((i) => i.url)).toEqual(Array.from({ length: N }, () => url));
  });

  it('fails the builds waiting for a leader that fails, with a reason naming it', async () => {
    // Prepare
    const images = await Promise.all([1, 2, 3].map(() => create({ pip: ['torch==2.1.0+cu118'] })));
    const leader = h.builder.started[0]!.build;

    // Act
    await finish(TEAM_A, leader.image, leader.id, 'failed');

    // Assess
    const followers = (await Promise.all(images.map((i) => latestBuildOf(h, TEAM_A, i.name)))).filter((b) => b.id !== leader.id);
    expect(followers).toHaveLength(2);
    for (const f of followers) {
      expect(f.status).toBe('failed');
      expect(f.failureReason).toBe(`The identical build ${leader.id} this build was waiting for failed. Rebuild to try again.`);
    }
  });

  it('fails the builds waiting for a leader that is cancelled, saying so', async () => {
    // Prepare
    const images = await Promise.all([1, 2].map(() => create({ pip: ['polars'] })));
    const leader = h.builder.started[0]!.build;

    // Act
    await h.service.cancel(TEAM_A, leader.image, leader.id);

    // Assess
    const follower = (await Promise.all(images.map((i) => latestBuildOf(h, TEAM_A, i.name)))).find((b) => b.id !== leader.id)!;
    expect(follower).toEqual(expect.objectContaining({ status: 'failed', failureReason: expect.stringContaining('was cancelled') }));
  });

  it('builds again after a failed build of the same spec (a failure is not reused)', async () => {
    // Prepare
    const first = await create({ pip: ['flaky-package'] });
    await finish(TEAM_A, first.name, first.latestBuild!.id, 'failed');

    // Act
    const second = await create({ pip: ['flaky-package'] });

    // Assess
    expect(await latestBuildOf(h, TEAM_A, second.name)).toEqual(expect.objectContaining({ reused: false, status: 'queued' }));
    expect(h.builder.started).toHaveLength(2);
  });
});

describe('dry runs', () => {
  it('never succeed, whatever the builder reports: failed with the dry-run reason, no url, the image not ready', async () => {
    // Prepare
    h.builder.dryRun = true;
    const image = await create({ pip: ['dry-run-check'] });

    // Act
    await finish(TEAM_A, image.name, image.latestBuild!.id, 'succeeded');

    // Assess
    const build = await h.service.get(TEAM_A, image.name, image.latestBuild!.id);
    expect(build).toEqual(expect.objectContaining({ status: 'failed', dryRun: true, imageUrl: null, failureReason: DRY_RUN_REASON }));
    expect((await h.catalog.get(TEAM_A, image.name)).image).toEqual(expect.objectContaining({ ready: false, url: null }));
  });

  it('are never reused: an identical spec starts the builder again', async () => {
    // Prepare
    h.builder.dryRun = true;
    const first = await create({ pip: ['dry-run-reuse'] });
    await finish(TEAM_A, first.name, first.latestBuild!.id, 'succeeded');

    // Act
    const second = (await h.catalog.create(ADMIN, TEAM_A, { ...customImage({ pip: ['dry-run-reuse'] }), displayName: 'second' })).image;

    // Assess
    expect(h.builder.started).toHaveLength(2);
    expect(await h.service.get(TEAM_A, second.name, second.latestBuild!.id)).toEqual(expect.objectContaining({ reused: false, dryRun: true }));
  });
});

describe('cancelling', () => {
  it('stops a running build at its builder and ends it cancelled', async () => {
    // Prepare
    const image = await create();
    const buildId = image.latestBuild!.id;
    await h.service.report({ scope: TEAM_A, image: image.name, buildId }, RecordingBuilder.idOf(buildId), { status: 'building', phase: 'building', at: at(1) });

    // Act
    const cancelled = await h.service.cancel(TEAM_A, image.name, buildId);

    // Assess
    expect(h.builder.stopped).toEqual([RecordingBuilder.idOf(buildId)]);
    expect(cancelled).toEqual(
      expect.objectContaining({ id: buildId, status: 'cancelled', phase: 'building', failureReason: null, finishedAt: expect.any(String) }),
    );
    expect((await imageNow(image.name)).latestBuild).toEqual(expect.objectContaining({ id: buildId, status: 'cancelled' }));
  });

  it('cancels a queued build too', async () => {
    // Prepare
    const image = await create();

    // Act
    const cancelled = await h.service.cancel(TEAM_A, image.name, image.latestBuild!.id);

    // Assess
    expect(cancelled.status).toBe('cancelled');
    expect(h.builder.stopped).toHaveLength(1);
  });

  it('refuses to cancel a finished build (409) and stops nothing', async () => {
    // Prepare
    const image = await create();
    await finish(TEAM_A, image.name, image.latestBuild!.id, 'succeeded');

    // Act
    const error = await rejection(h.service.cancel(TEAM_A, image.name, image.latestBuild!.id));

    // Assess
    expect(error.kind).toBe('conflict');
    expect(h.builder.stopped).toEqual([]);
  });

  // Who may cancel is decided at the HTTP edge (lambdas/http/access.ts; test/hardening/authorization-matrix.test.ts).
  it('refuses an unknown build (404), stopping nothing', async () => {
    // Prepare
    const image = await create();

    // Act
    const errors = await Promise.all([rejection(h.service.cancel(TEAM_A, image.name, 'b0lz4k2m1nothere'))]);

    // Assess
    expect(errors.map((e) => e.kind)).toEqual(['not-found']);
    expect(h.builder.stopped).toEqual([]);
  });

  it('stops a build cancelled while StartBuild was still on its way, once the builder names it', async () => {
    // Prepare: the cancel comes in before StartBuild has answered
    const cancelled: string[] = [];
    h.builder.beforeAnswer = async (job) => {
      cancelled.push((await h.service.cancel(TEAM_A, job.build.image, job.build.id)).status);
    };

    // Act
    const image = await create();

    // Assess
    const buildId = image.latestBuild!.id;
    expect(cancelled).toEqual(['cancelled']);
    expect(h.builder.stopped).toEqual([RecordingBuilder.idOf(buildId)]);
    expect((await buildNow(image.name, buildId)).status).toBe('cancelled');
  });

  it('cancels a build waiting for an identical one without stopping the one it waits for', async () => {
    // Prepare
    const [a, b] = await Promise.all([create({ pip: ['xgboost'] }), create({ pip: ['xgboost'] })]);
    const leader = h.builder.started[0]!.build;
    const follower = [await latestBuildOf(h, TEAM_A, a.name), await latestBuildOf(h, TEAM_A, b.name)].find((x) => x.id !== leader.id)!;

    // Act
    await h.service.cancel(TEAM_A, follower.image, follower.id);
    await finish(TEAM_A, leader.image, leader.id, 'succeeded');

    // Assess
    expect(h.builder.stopped).toEqual([]);
    expect((await buildNow(follower.image, follower.id)).status).toBe('cancelled');
    expect((await buildNow(leader.image, leader.id)).status).toBe('succeeded');
    expect((await imageNow(follower.image)).url).toBeNull();
  });
});

describe('deleting an image', () => {
  it('stops its running build and ends it cancelled', async () => {
    // Prepare
    const image = await create();
    const buildId = image.latestBuild!.id;

    // Act
    await h.catalog.delete(TEAM_A, image.name);

    // Assess
    expect(h.builder.stopped).toEqual([RecordingBuilder.idOf(buildId)]);
    expect((await buildNow(image.name, buildId)).status).toBe('cancelled');
    expect(await h.images.get(TEAM_A, image.name)).toBeUndefined();
  });

  it('stops nothing when its build has finished', async () => {
    // Prepare
    const image = await create();
    await finish(TEAM_A, image.name, image.latestBuild!.id, 'succeeded');

    // Act
    await h.catalog.delete(TEAM_A, image.name);

    // Assess
    expect(h.builder.stopped).toEqual([]);
  });
});

describe('build history', () => {
  it('lists every build newest first, a page at a time', async () => {
    // Prepare
    const image = await create({ pip: ['numpy'] });
    const ids = [image.latestBuild!.id];
    await finish(TEAM_A, image.name, ids[0]!, 'failed');
    for (const pip of [
      ['numpy', 'scipy'],
      ['numpy', 'pandas'],
    ]) {
      const b = await h.service.rebuild(ADMIN, TEAM_A, image.name, { build: customImage({ pip }).build });
      ids.push(b.id);
      await finish(TEAM_A, image.name, b.id, 'failed');
    }

    // Act
    const pages: Build[][] = [];
    let cursor: string | undefined;
    do {
      const page = await h.service.list(TEAM_A, image.name, { limit: 1, cursor });
      pages.push(page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor && pages.length < 10);

    // Assess
    expect(pages.map((p) => p.map((b) => b.id))).toEqual([...ids].reverse().map((id) => [id]));
  });

  it("shows builds without the service's internals", async () => {
    // Prepare
    const image = await create();

    // Act
    const build = await h.service.get(TEAM_A, image.name, image.latestBuild!.id);

    // Assess
    expect(Object.keys(build).sort()).toEqual(
      [
        'id',
        'image',
        'status',
        'phase',
        'spec',
        'imageUrl',
        'reused',
        'failureReason',
        'dryRun',
        'createdAt',
        'startedAt',
        'finishedAt',
        'createdBy',
        'facts',
        'vulnerabilities',
        'vulnerabilitiesNote',
      ].sort(),
    );
  });
});
