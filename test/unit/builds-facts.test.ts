/**
 * Issue 18: the facts a build reports in its log, read back and kept on the build record. The report
 * format is the buildspec's (gzipped JSON in base64, in nonce-marked chunks); the real buildspec
 * producing it is covered by test/e2e/real-build.test.ts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { factsIn, FACTS_LIMITS, parseAptLock, parseCondaList, parsePipFreeze } from '../../lambdas/domain/build-facts-report.ts';
import { factsReport, reportLines as reportLinesOf } from '../support/facts-report.ts';
import { toBuild } from '../../lambdas/domain/build.ts';
import type { Scope } from '../../lambdas/domain/scope.ts';
import { ADMIN, customImage, harnessFactory, RecordingBuilder, TEAM_A, type Harness } from '../support/build-service-harness.ts';

process.env.LOG_LEVEL ??= 'silent';

const BUILDER_ID = 'group-images-image-build:0a1b2c3d-0000-4000-8000-000000000000';
const DIGEST = `sha256:${'ab'.repeat(32)}`;
const BASE_DIGEST = `sha256:${'cd'.repeat(32)}`;

const report = factsReport;
const reportLines = (value: unknown, builderId = BUILDER_ID, chunk = 40) => reportLinesOf(value, builderId, chunk);

describe('factsIn: the report in a build log', () => {
  it('reads the chunks back into the facts, reused layers being the base and cached ones', () => {
    // Act
    const facts = factsIn(['STEP 1/9: FROM x', ...reportLines(report()), 'image ready'], BUILDER_ID);

    // Assess
    expect(facts).toEqual({
      digest: DIGEST,
      sizeBytes: 123456,
      layers: 5,
      reusedLayers: 3,
      baseImageDigest: BASE_DIGEST,
      packages: {
        apt: [
          { name: 'hello', version: '2.10-3', architecture: 'amd64' },
          { name: 'tree', version: '2.1.0-1', architecture: 'amd64' },
        ],
        conda: null,
        pip: [
          { name: 'gi-e2e-hello', version: '1.0.0' },
          { name: 'pip', version: '23.0.1' },
        ],
      },
      lockOmitted: null,
    });
  });

  it("ignores a report another build's nonce marks (what a RUN step could print), and one missing a chunk", () => {
    // Prepare
    const forged = reportLines(report({ digest: `sha256:${'ee'.repeat(32)}` }), 'group-images-image-build:ffffffff-0000-4000-8000-000000000000');
    const partial = reportLines(report()).slice(1);

    // Act / Assess
    expect(factsIn(forged, BUILDER_ID)).toBeUndefined();
    expect(factsIn(partial, BUILDER_ID)).toBeUndefined();
    expect(factsIn([...forged.map((l) => l.replace(/^FACTS \[[^\]]+\] /, '')), 'FACTS [] 1/1 AAAA'], BUILDER_ID)).toBeUndefined();
  });

  it('keeps no digest that is not a sha256 digest, and never more reused layers than layers', () => {
    // Act
    const facts = factsIn(reportLines(report({ digest: 'sha256:../../x', baseImageDigest: '{}', cachedLayers: 40 })), BUILDER_ID)!;

    // Assess
    expect(facts).toEqual(expect.objectContaining({ digest: null, baseImageDigest: null, layers: 5, reusedLayers: 5 }));
  });

  it('says why there is no lock: the buildspec left it out, or it is larger than a record keeps', () => {
    // Prepare
    const huge = Array.from({ length: 3000 }, (_, i) => `package-${i}\t1.0.${i}-1+deb12u1\tamd64`).join('\n');

    // Act
    const omitted = factsIn(reportLines(report({ lock: null, lockOmitted: 'the lock is larger than the 256 KiB a build may report' })), BUILDER_ID)!;
    const tooLarge = factsIn(reportLines(report({ lock: { apt: huge, conda: null, pip: null } }), BUILDER_ID, 16_384), BUILDER_ID)!;

    // Assess
    expect(omitted).toEqual(expect.objectContaining({ packages: null, lockOmitted: 'the lock is larger than the 256 KiB a build may report' }));
    expect(tooLarge).toEqual(
      expect.objectContaining({ packages: null, lockOmitted: `the lock is larger than the ${FACTS_LIMITS.keptLockBytes / 1024} KiB a build record keeps` }),
    );
    expect(JSON.stringify(tooLarge).length).toBeLessThan(1000);
  });
});

describe('lock parsers: only well-formed entries, bounded', () => {
  it('reads dpkg-query lines and drops malformed ones', () => {
    expect(parseAptLock('libc6\t2.36-9+deb12u9\tamd64\nBad Name\t1\tamd64\nx\t1 2\tamd64\nshort\n')).toEqual([
      { name: 'libc6', version: '2.36-9+deb12u9', architecture: 'amd64' },
    ]);
    expect(parseAptLock(Array.from({ length: FACTS_LIMITS.packagesPerManager + 5 }, (_, i) => `p${i}\t1\tall`).join('\n'))).toHaveLength(
      FACTS_LIMITS.packagesPerManager,
    );
  });

  it('reads pip freeze pins only', () => {
    expect(parsePipFreeze('Pandas==2.2.3\nnumpy===1.0\n-e .\nx @ https://e.com/x.whl\n')).toEqual([{ name: 'Pandas', version: '2.2.3' }]);
  });

  it("reads conda list --json's channel, name, version and build", () => {
    const list = JSON.stringify([
      {
        base_url: 'https://conda.anaconda.org/conda-forge',
        build_number: 0,
        build_string: 'pyhd8ed1ab_0',
        channel: 'conda-forge',
        dist_name: 'six-1.16.0-pyhd8ed1ab_0',
        name: 'six',
        platform: 'noarch',
        version: '1.16.0',
      },
      { channel: 'conda-forge', name: 'bad name', version: '1', build_string: 'x' },
    ]);
    expect(parseCondaList(list)).toEqual([{ channel: 'conda-forge', name: 'six', version: '1.16.0', build: 'pyhd8ed1ab_0' }]);
    expect(parseCondaList('not json')).toEqual([]);
  });
});

describe('BuildReports: a succeeded build keeps the facts it reported', () => {
  const factory = harnessFactory();
  beforeAll(() => factory.start());
  afterAll(() => factory.stop());
  let h: Harness;
  beforeEach(async () => {
    h = await factory.harness();
  });

  async function startedBuild() {
    const { image } = await h.catalog.create(ADMIN, TEAM_A, customImage());
    const buildId = image.latestBuild!.id;
    return { ref: { scope: TEAM_A as Scope, image: image.name, buildId }, builderId: RecordingBuilder.idOf(buildId) };
  }

  it('shows them on the build once it succeeds; a failed build has none', async () => {
    // Prepare
    const ok = await startedBuild();
    for (const line of reportLines(report(), ok.builderId)) h.logs.append(ok.builderId, line);

    // Act
    const before = await h.service.get(TEAM_A, ok.ref.image, ok.ref.buildId);
    await h.service.report(ok.ref, ok.builderId, { status: 'succeeded', at: new Date().toISOString() });
    const after = await h.service.get(TEAM_A, ok.ref.image, ok.ref.buildId);
    const stored = await h.builds.get(TEAM_A, ok.ref.image, ok.ref.buildId);

    // Assess
    expect(before.facts).toBeNull();
    expect(after.facts).toEqual(factsIn(reportLines(report()), BUILDER_ID));
    expect(toBuild(stored!).facts?.packages?.apt).toHaveLength(2);
  });

  it('keeps no facts for a build that failed, whatever its log says', async () => {
    // Prepare
    const failed = await startedBuild();
    for (const line of reportLines(report(), failed.builderId)) h.logs.append(failed.builderId, line);

    // Act
    await h.service.report(failed.ref, failed.builderId, { status: 'failed', failureReason: 'x', at: new Date().toISOString() });

    // Assess
    expect((await h.service.get(TEAM_A, failed.ref.image, failed.ref.buildId)).facts).toBeNull();
  });
});

describe('BuildLifecycle.rebuild with lockedFrom (issue 18)', () => {
  const factory = harnessFactory();
  beforeAll(() => factory.start());
  afterAll(() => factory.stop());
  let h: Harness;
  beforeEach(async () => {
    h = await factory.harness();
  });

  async function succeeded(packages: Record<string, string[]>, withFacts: boolean) {
    const { image } = await h.catalog.create(ADMIN, TEAM_A, customImage(packages));
    const buildId = image.latestBuild!.id;
    const builderId = RecordingBuilder.idOf(buildId);
    if (withFacts) for (const line of reportLines(report(), builderId)) h.logs.append(builderId, line);
    await h.service.report({ scope: TEAM_A as Scope, image: image.name, buildId }, builderId, { status: 'succeeded', at: new Date().toISOString() });
    return { name: image.name, buildId };
  }
  const refusal = async (promise: Promise<unknown>) => {
    const e = (await promise.then(
      () => undefined,
      (err: unknown) => err,
    )) as { kind?: string; errors?: { path: string; message: string }[] };
    return { kind: e?.kind, errors: e?.errors };
  };

  it('builds the spec pinned to the lock: base image by digest, apt entries to their versions, every pip package', async () => {
    // Prepare
    const source = await succeeded({ apt: ['tree'], pip: ['gi-e2e-hello>=1'] }, true);

    // Act
    const rebuilt = await h.service.rebuild(ADMIN, TEAM_A, source.name, { lockedFrom: source.buildId });

    // Assess
    expect(rebuilt.spec).toEqual({
      baseImage: `quay.io/jupyter/scipy-notebook@sha256:${'cd'.repeat(32)}`,
      packages: { apt: ['tree=2.1.0-1'], pip: ['gi-e2e-hello==1.0.0', 'pip==23.0.1'] },
    });
    expect(h.builder.started.at(-1)!.files['apt.txt']).toBe('tree=2.1.0-1\n');
  });

  it('refuses with a 422 on lockedFrom a build without a lock and a body with both build and lockedFrom; a build of no such id is a 404', async () => {
    // Prepare
    const bare = await succeeded({ pip: ['requests'] }, false);
    const source = await succeeded({ apt: ['tree'] }, true);

    // Act / Assess
    expect(await refusal(h.service.rebuild(ADMIN, TEAM_A, bare.name, { lockedFrom: bare.buildId }))).toEqual({
      kind: 'validation',
      errors: [{ field: ['lockedFrom'], message: `build ${bare.buildId} cannot be rebuilt from its lock: it reported no lock` }],
    });
    expect((await refusal(h.service.rebuild(ADMIN, TEAM_A, bare.name, { lockedFrom: 'b000000000nosuch' }))).kind).toBe('not-found');
    expect(
      (await refusal(h.service.rebuild(ADMIN, TEAM_A, source.name, { lockedFrom: source.buildId, build: { baseImage: 'debian:12', packages: {} } }))).errors,
    ).toEqual([{ field: ['lockedFrom'], message: 'give either build or lockedFrom, not both' }]);
    // A lockedFrom that is no build id at all never reaches the service: the request schema refuses it (test/unit/http/request-validation.test.ts).
  });
});
