/**
 * The per-group quotas under concurrency, over the real stores on DynamoDB Local: a create or rebuild
 * takes its place in the same transaction as its write, a build's one move to a finished status gives
 * it back. 50 parallel creates and 50 parallel rebuilds against a limit of 3 with a slow builder (a
 * build runs until the test reports its end), duplicated and lost ends, and a fast-check model of
 * interleaved creates, rebuilds, cancels, ends and deletes.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { isTerminal } from '../../lambdas/domain/build.ts';
import type { Image, NewImage } from '../../lambdas/domain/image.ts';
import { ADMIN, customImage, harnessFactory, quotaCounters, RecordingBuilder, TEAM_A, type Harness } from '../support/build-service-harness.ts';

process.env.LOG_LEVEL ??= 'silent';

const factory = harnessFactory();
beforeAll(() => factory.start());
afterAll(() => factory.stop());

const LIMIT = 3;
/** A spec of its own per request, so that no build reuses another's. */
const spec = (n: number) => customImage({ pip: [`package-${n}`] });

/** Reports a build's end as its builder would (a duplicate or late report is a no-op). */
const end = (h: Harness, image: string, buildId: string, status: 'succeeded' | 'failed' | 'cancelled' = 'succeeded') =>
  h.service.report({ scope: TEAM_A, image, buildId }, RecordingBuilder.idOf(buildId), { status, phase: 'finishing', at: new Date().toISOString() });

/** The builds that are queued or building, as stored (the harness's table holds one group's). */
async function unfinishedBuilds(h: Harness): Promise<{ image: string; id: string }[]> {
  const builds = await h.builds.running('9999');
  return builds.filter((b) => !isTerminal(b.status)).map((b) => ({ image: b.image, id: b.id }));
}

const settled = async <T>(promises: Promise<T>[]) => {
  const results = await Promise.allSettled(promises);
  return {
    accepted: results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])),
    refused: results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { kind?: string }).kind ?? String(r.reason)] : [])),
  };
};

describe('the concurrent-build quota under 50 parallel requests', () => {
  let h: Harness;
  let created: Image[];

  it('starts 3 of 50 parallel creates and stores nothing of the other 47', async () => {
    // Prepare
    h = await factory.harness({ maxConcurrentBuildsPerGroup: LIMIT });

    // Act
    const { accepted, refused } = await settled(Array.from({ length: 50 }, (_, n) => h.catalog.create(ADMIN, TEAM_A, spec(n))));
    created = accepted.map((a) => a.image);

    // Assess
    expect(created).toHaveLength(LIMIT);
    expect(refused).toEqual(Array(50 - LIMIT).fill('quota'));
    expect(h.builder.started).toHaveLength(LIMIT);
    expect((await h.images.page(TEAM_A, { limit: 100 })).items.map((i) => i.name).sort()).toEqual(created.map((i) => i.name).sort());
    expect(await unfinishedBuilds(h)).toHaveLength(LIMIT);
    expect(await quotaCounters(h, TEAM_A)).toEqual({ images: LIMIT, builds: LIMIT });
  });

  it('gives each place back exactly once, whatever duplicates the ends come with', async () => {
    // Act: every end delivered three times at once
    await Promise.all(created.flatMap((i) => [1, 2, 3].map(() => end(h, i.name, i.latestBuild!.id))));

    // Assess
    expect(await unfinishedBuilds(h)).toEqual([]);
    expect(await quotaCounters(h, TEAM_A)).toEqual({ images: LIMIT, builds: 0 });
  });

  it('starts 3 of 50 parallel rebuilds of 50 images', async () => {
    // Prepare: 47 more images, built one by one
    const images = [...created];
    for (let n = 100; images.length < 50; n++) {
      const { image } = await h.catalog.create(ADMIN, TEAM_A, spec(n));
      await end(h, image.name, image.latestBuild!.id);
      images.push(image);
    }
    const startedBefore = h.builder.started.length;

    // Act
    const { accepted, refused } = await settled(images.map((image, n) => h.service.rebuild(ADMIN, TEAM_A, image.name, { build: spec(1000 + n).build })));

    // Assess
    expect(accepted).toHaveLength(LIMIT);
    expect(refused).toEqual(Array(50 - LIMIT).fill('quota'));
    expect(h.builder.started.length - startedBefore).toBe(LIMIT);
    expect(await unfinishedBuilds(h)).toHaveLength(LIMIT);
    expect(await quotaCounters(h, TEAM_A)).toEqual({ images: 50, builds: LIMIT });
  });

  it('gives a place back when a lost end is settled by the reconciler, and a cancel gives its place back once', async () => {
    // Prepare: one build's end is lost (CodeBuild knows it ended; no event comes), one is cancelled twice at once
    const [lost, cancelled] = await unfinishedBuilds(h);
    h.builder.known.set(RecordingBuilder.idOf(lost!.id), { status: 'succeeded', phase: 'finishing', at: new Date().toISOString() });

    // Act
    await h.service.reconcile(0);
    await Promise.allSettled([1, 2].map(() => h.service.cancel(TEAM_A, cancelled!.image, cancelled!.id)));

    // Assess
    expect(await unfinishedBuilds(h)).toHaveLength(LIMIT - 2);
    expect(await quotaCounters(h, TEAM_A)).toEqual({ images: 50, builds: LIMIT - 2 });
  });
});

describe('the image quota under parallel creates and deletes', () => {
  it('never holds more images than the limit, and a delete gives its place back once', async () => {
    // Prepare
    const h = await factory.harness({ maxImagesPerGroup: LIMIT });
    const existing = (n: number): NewImage => ({ displayName: `existing-${n}`, type: 'cpu', url: `registry.example.com/team/image:${n}` });

    // Act
    const first = await settled(Array.from({ length: 50 }, (_, n) => h.catalog.create(ADMIN, TEAM_A, existing(n))));
    const victim = first.accepted[0]!.image.name;
    const second = await settled<unknown>([
      h.catalog.delete(TEAM_A, victim),
      h.catalog.delete(TEAM_A, victim),
      ...Array.from({ length: 20 }, (_, n) => h.catalog.create(ADMIN, TEAM_A, existing(100 + n))),
    ]);

    // Assess
    expect(first.accepted).toHaveLength(LIMIT);
    expect(first.refused).toEqual(Array(50 - LIMIT).fill('quota'));
    expect(second.refused.filter((k) => k === 'not-found')).toHaveLength(1); // the second delete
    // One delete, and at most one create in the place it freed (a create may also come before the delete).
    const createsAccepted = second.accepted.length - 1;
    expect(createsAccepted).toBeLessThanOrEqual(1);
    expect(second.refused.filter((k) => k === 'quota')).toHaveLength(20 - createsAccepted);
    const held = (await h.images.page(TEAM_A, { limit: 100 })).items;
    expect(held).toHaveLength(LIMIT - 1 + createsAccepted);
    expect(await quotaCounters(h, TEAM_A)).toEqual({ images: held.length, builds: 0 });
  });
});

describe('a model of interleaved requests (fast-check)', () => {
  type Op =
    | { kind: 'create'; n: number }
    | { kind: 'rebuild'; image: number; n: number }
    | { kind: 'end'; image: number; status: 'succeeded' | 'failed'; copies: number }
    | { kind: 'lose'; image: number }
    | { kind: 'cancel'; image: number }
    | { kind: 'delete'; image: number };
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('create' as const), n: fc.nat(1_000_000) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('rebuild' as const), image: fc.nat(9), n: fc.nat(1_000_000) }) },
    fc.record({
      kind: fc.constant('end' as const),
      image: fc.nat(9),
      status: fc.constantFrom('succeeded' as const, 'failed' as const),
      copies: fc.integer({ min: 1, max: 3 }),
    }),
    fc.record({ kind: fc.constant('lose' as const), image: fc.nat(9) }),
    fc.record({ kind: fc.constant('cancel' as const), image: fc.nat(9) }),
    fc.record({ kind: fc.constant('delete' as const), image: fc.nat(9) }),
  );

  it('keeps both counters equal to what is stored, and never over the limits, after every round of parallel requests', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(op, { minLength: 1, maxLength: 10 }), { minLength: 1, maxLength: 5 }), async (rounds) => {
        const h = await factory.harness({ maxConcurrentBuildsPerGroup: LIMIT, maxImagesPerGroup: 4 });
        runs++;
        for (const round of rounds) {
          const images = (await h.images.page(TEAM_A, { limit: 100 })).items;
          const pick = (i: number) => images[i % Math.max(images.length, 1)];
          await Promise.allSettled(
            round.map(async (o) => {
              if (o.kind === 'create') return h.catalog.create(ADMIN, TEAM_A, spec(o.n));
              const image = pick(o.image);
              if (!image) return;
              const latest = image.latestBuild;
              switch (o.kind) {
                case 'rebuild':
                  return h.service.rebuild(ADMIN, TEAM_A, image.name, { build: spec(o.n).build });
                case 'end':
                  if (latest) await Promise.all(Array.from({ length: o.copies }, () => end(h, image.name, latest.id, o.status)));
                  return;
                case 'lose':
                  // The end happened at the builder, its event never came: the reconciler settles it.
                  if (latest) h.builder.known.set(RecordingBuilder.idOf(latest.id), { status: 'failed', phase: 'building', at: new Date().toISOString() });
                  return h.service.reconcile(0);
                case 'cancel':
                  return latest && h.service.cancel(TEAM_A, image.name, latest.id);
                case 'delete':
                  return h.catalog.delete(TEAM_A, image.name);
              }
            }),
          );
          const stored = (await h.images.page(TEAM_A, { limit: 100 })).items.length;
          const unfinished = (await unfinishedBuilds(h)).length;
          const counters = await quotaCounters(h, TEAM_A);
          expect(counters).toEqual({ images: stored, builds: unfinished });
          expect(counters.images).toBeLessThanOrEqual(4);
          expect(counters.builds).toBeLessThanOrEqual(LIMIT);
        }
        // Once every build has ended (the reconciler asks the builder about each), every place is back.
        for (const job of h.builder.started)
          h.builder.known.set(RecordingBuilder.idOf(job.build.id), { status: 'failed', phase: 'building', at: new Date().toISOString() });
        await h.service.reconcile(0);
        expect((await quotaCounters(h, TEAM_A)).builds).toBe(0);
      }),
      { numRuns: 25 },
    );
    expect(runs).toBeGreaterThan(0);
  });
});
