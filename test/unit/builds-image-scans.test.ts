/**
 * Issue 18: ECR's scan results reach the right build, whatever order and however often they come.
 * Events are AWS's documented "ECR Image Scan" event (test/fixtures/ecr-image-scan), pointed at the
 * builds of this test; the stores are the real DynamoDB ones.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { recogniseScanEvent } from '../../lambdas/aws/ecr-scan-events.ts';
import { tagOf } from '../../lambdas/domain/image-scans.ts';
import { ImageScans } from '../../lambdas/domain/image-scans.ts';
import type { Scope } from '../../lambdas/domain/scope.ts';
import { imageScanHandler } from '../../lambdas/aws/build-event-handlers.ts';
import { DynamoImageScans } from '../../lambdas/store/dynamo-image-scans.ts';
import { ADMIN, customImage, harnessFactory, RecordingBuilder, TEAM_A, type Harness } from '../support/build-service-harness.ts';
import { factsReport, reportLines } from '../support/facts-report.ts';

process.env.LOG_LEVEL ??= 'silent';

const DOCUMENTED = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/ecr-image-scan/scan-complete.json', import.meta.url)), 'utf8')) as {
  time: string;
  account: string;
  detail: Record<string, unknown> & { 'finding-severity-counts': Record<string, number>; 'image-digest': string };
};
const OURS = { repository: 'group-images', account: '123456789012' };

/** The documented event, about one of our images. */
const scanEvent = (
  target: { tags?: string[]; digest?: string },
  counts: Record<string, number> = DOCUMENTED.detail['finding-severity-counts'],
  time = '2026-12-07T10:00:00Z',
) => ({
  ...DOCUMENTED,
  time,
  detail: {
    ...DOCUMENTED.detail,
    'repository-name': OURS.repository,
    'image-tags': target.tags ?? [],
    ...(target.digest ? { 'image-digest': target.digest } : { 'image-digest': undefined }),
    'finding-severity-counts': counts,
  },
});

describe('recogniseScanEvent: the documented event', () => {
  it('reads the documented example as it is: absent severities count 0', () => {
    expect(recogniseScanEvent(DOCUMENTED, { repository: 'my-repo', account: '123456789012' })).toEqual({
      ok: true,
      scan: {
        tags: [],
        digest: DOCUMENTED.detail['image-digest'],
        vulnerabilities: { critical: 10, high: 0, medium: 9, low: 0, informational: 0, undefined: 0, scannedAt: '2019-10-29T02:36:48.000Z' },
      },
    });
  });

  it('takes only completed scans of our repository in our account', () => {
    expect(recogniseScanEvent(DOCUMENTED, OURS)).toEqual({ ok: false, reason: 'not-ours' });
    expect(recogniseScanEvent({ ...DOCUMENTED, account: '999999999999' }, { ...OURS, repository: 'my-repo' })).toEqual({ ok: false, reason: 'not-ours' });
    expect(recogniseScanEvent({ ...DOCUMENTED, detail: { ...DOCUMENTED.detail, 'scan-status': 'FAILED' } }, { repository: 'my-repo' })).toEqual({
      ok: false,
      reason: 'not-complete',
      detail: 'FAILED',
    });
    expect(
      recogniseScanEvent({ ...DOCUMENTED, detail: { ...DOCUMENTED.detail, 'finding-severity-counts': { CRITICAL: -1 } } }, { repository: 'my-repo' }),
    ).toEqual(expect.objectContaining({ ok: false, reason: 'malformed' }));
    expect(recogniseScanEvent({ ...DOCUMENTED, detail: { ...DOCUMENTED.detail, 'image-tags': ['$(x)'] } }, { repository: 'my-repo' })).toEqual(
      expect.objectContaining({ ok: false, reason: 'malformed' }),
    );
  });
});

describe('scan results on the builds', () => {
  const factory = harnessFactory();
  beforeAll(() => factory.start());
  afterAll(() => factory.stop());
  let h: Harness;
  let handle: (event: unknown) => Promise<{ outcome: string }>;
  beforeEach(async () => {
    h = await factory.harness();
    handle = imageScanHandler(new ImageScans(new DynamoImageScans(h.db, h.table)), OURS);
  });

  /** A custom image whose build the recording builder started; `digest`: what its facts report. */
  async function started(packages: Record<string, string[]>, digest: string) {
    const { image } = await h.catalog.create(ADMIN, TEAM_A, customImage(packages));
    const buildId = image.latestBuild!.id;
    const builderId = RecordingBuilder.idOf(buildId);
    for (const line of reportLines(factsReport({ digest }), builderId)) h.logs.append(builderId, line);
    const ref = { scope: TEAM_A as Scope, image: image.name, buildId };
    const tag = tagOf((await h.builds.get(TEAM_A, image.name, buildId))!.targetUrl);
    return { ref, builderId, tag, digest, succeed: () => h.service.report(ref, builderId, { status: 'succeeded', at: new Date().toISOString() }) };
  }
  const buildOf = (b: { ref: { image: string; buildId: string } }) => h.service.get(TEAM_A, b.ref.image, b.ref.buildId);
  const imageOf = (b: { ref: { image: string } }) => h.images.get(TEAM_A, b.ref.image);
  const digestOf = (n: number) => `sha256:${n.toString(16).padStart(2, '0').repeat(32)}`;

  it('lands on the build whose image was scanned (by tag), on its image, and nowhere else', async () => {
    // Prepare
    const [a, b] = [await started({ pip: ['a==1'] }, digestOf(1)), await started({ pip: ['b==1'] }, digestOf(2))];
    await a.succeed();
    await b.succeed();

    // Act
    const outcome = await handle(scanEvent({ tags: [a.tag] }));

    // Assess
    expect(outcome.outcome).toBe('applied');
    const expected = { critical: 10, high: 0, medium: 9, low: 0, informational: 0, undefined: 0, scannedAt: '2026-12-07T10:00:00.000Z' };
    expect(await buildOf(a)).toEqual(expect.objectContaining({ vulnerabilities: expected, vulnerabilitiesNote: null }));
    expect((await imageOf(a))!.latestBuild).toEqual(expect.objectContaining({ id: a.ref.buildId, vulnerabilities: expected }));
    expect(await buildOf(b)).toEqual(expect.objectContaining({ vulnerabilities: null, vulnerabilitiesNote: expect.stringMatching(/^not scanned yet/) }));
    expect((await imageOf(b))!.latestBuild!.vulnerabilities).toBeUndefined();
  });

  it('marks the image with critical findings in the selection, and only that one (by type, and by keyword)', async () => {
    // Prepare
    const [a, b] = [await started({ pip: ['a==1'] }, digestOf(7)), await started({ pip: ['b==1'] }, digestOf(8))];
    await a.succeed();
    await b.succeed();

    // Act
    await handle(scanEvent({ tags: [a.tag] }, { CRITICAL: 1 }));
    await handle(scanEvent({ tags: [b.tag] }, { HIGH: 5 }));
    const flags = async (request: Record<string, unknown>) =>
      Object.fromEntries((await h.catalog.selection('team-a', request)).items.map((i) => [i.name, i.criticalFindings]));

    // Assess
    for (const request of [{}, { type: 'cpu' }, { q: 'jupyter' }]) expect(await flags(request)).toEqual({ [a.ref.image]: true, [b.ref.image]: false });
  });

  it('lands by digest alone (no tags, as in the documented event)', async () => {
    // Prepare
    const a = await started({ pip: ['a==1'] }, digestOf(3));
    await a.succeed();

    // Act
    await handle(scanEvent({ digest: a.digest }, { HIGH: 2 }));

    // Assess
    expect((await buildOf(a)).vulnerabilities).toEqual(expect.objectContaining({ critical: 0, high: 2 }));
  });

  it('changes nothing when the same result comes again, or an older one comes late', async () => {
    // Prepare
    const a = await started({ pip: ['a==1'] }, digestOf(4));
    await a.succeed();
    await handle(scanEvent({ tags: [a.tag] }, { CRITICAL: 1 }, '2026-12-07T11:00:00Z'));
    const image = await imageOf(a);

    // Act
    const again = await handle(scanEvent({ tags: [a.tag] }, { CRITICAL: 1 }, '2026-12-07T11:00:00Z'));
    const older = await handle(scanEvent({ tags: [a.tag] }, { CRITICAL: 7 }, '2026-12-07T09:00:00Z'));
    const newer = await handle(scanEvent({ digest: a.digest }, { LOW: 3 }, '2026-12-07T12:00:00Z'));

    // Assess
    expect([again.outcome, older.outcome, newer.outcome]).toEqual(['no-op', 'no-op', 'applied']);
    expect((await buildOf(a)).vulnerabilities).toEqual(expect.objectContaining({ critical: 0, low: 3, scannedAt: '2026-12-07T12:00:00.000Z' }));
    // The image's version (its ETag) is not a scan's to change.
    expect((await imageOf(a))!.version).toBe(image!.version);
  });

  it('keeps a scan that comes before the build is known to have succeeded, and applies it then (and announces it)', async () => {
    // Prepare
    const a = await started({ pip: ['a==1'] }, digestOf(5));

    // Act
    const early = await handle(scanEvent({ tags: [a.tag] }, { CRITICAL: 2, MEDIUM: 1 }));
    await a.succeed();

    // Assess
    expect(early.outcome).toBe('no-op');
    expect((await buildOf(a)).vulnerabilities).toEqual(expect.objectContaining({ critical: 2, medium: 1 }));
    expect((await imageOf(a))!.latestBuild!.vulnerabilities).toEqual(expect.objectContaining({ critical: 2 }));
    // Issue 18 part 5: the outcome event carries the digest and the counts known by then.
    expect(h.published.at(-1)).toEqual(
      expect.objectContaining({
        buildId: a.ref.buildId,
        status: 'succeeded',
        digest: a.digest,
        vulnerabilities: expect.objectContaining({ critical: 2, medium: 1 }),
      }),
    );
  });

  it('reaches a build that reused the scanned image too', async () => {
    // Prepare: two images of one spec in one scope: the second reuses the first's image.
    const a = await started({ pip: ['same==1'] }, digestOf(6));
    await a.succeed();
    const { image: twin } = await h.catalog.create(ADMIN, TEAM_A, { ...customImage({ pip: ['same==1'] }), displayName: 'twin' });
    const reused = { ref: { image: twin.name, buildId: twin.latestBuild!.id } };
    expect((await buildOf(reused)).reused).toBe(true);

    // Act
    await handle(scanEvent({ tags: [a.tag] }, { HIGH: 4 }));

    // Assess
    expect((await buildOf(reused)).vulnerabilities).toEqual(expect.objectContaining({ high: 4 }));
    expect((await imageOf(reused))!.latestBuild!.vulnerabilities).toEqual(expect.objectContaining({ high: 4 }));
  });
});
