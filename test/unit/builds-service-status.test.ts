/**
 * BuildReports and BuildReconciler: what builders report about builds (events, the reconciler), over the real DynamoDB
 * stores on dynalite. Status only moves forward, terminal is written once, strangers are ignored.
 */
import { failureMarker, failureNonceOf } from '../../lambdas/builds/buildspec-env.ts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { queuedBuild, type BuildProgress, type BuildRecord } from '../../lambdas/domain/build.ts';
import type { Image, ImageRecord } from '../../lambdas/domain/image.ts';
import type { Scope } from '../../lambdas/domain/scope.ts';
import { buildEventHandler } from '../../lambdas/aws/build-event-handlers.ts';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { toItem } from '../../lambdas/store/dynamo.ts';
import { buildKey, partitionOf } from '../../lambdas/store/table.ts';
import {
  ADMIN,
  customImage,
  harnessFactory,
  IMAGE_REPOSITORY,
  latestBuildOf,
  RecordingBuilder,
  storeBuildRecord,
  TEAM_A,
  TEAM_B,
  type Harness,
} from '../support/build-service-harness.ts';
import { codeBuildEvent, eventFor, FIXTURE_ACCOUNT, FIXTURE_PROJECT } from '../support/codebuild-events.ts';

process.env.LOG_LEVEL ??= 'silent';

const factory = harnessFactory();
beforeAll(() => factory.start());
afterAll(() => factory.stop());

let h: Harness;
beforeEach(async () => {
  h = await factory.harness();
});

const at = (minute: number) => new Date(Date.UTC(2025, 5, 3, 10, minute)).toISOString();

/** A custom image whose first build the recording builder has started. */
async function startedBuild(packages?: Record<string, string[]>) {
  const { image } = await h.catalog.create(ADMIN, TEAM_A, customImage(packages));
  const buildId = image.latestBuild!.id;
  return { image, ref: { scope: TEAM_A as Scope, image: image.name, buildId }, builderId: RecordingBuilder.idOf(buildId) };
}

const RECORDED_AT = '2025-06-03T08:00:00.000Z';

/** A build as it is recorded before StartBuild is called. */
function orphanBuild(): BuildRecord {
  return queuedBuild({
    id: 'b0lz4k2m1orphan1',
    image: 'jupyter-ds-lost1',
    group: 'team-a',
    spec: { baseImage: 'python:3.12', packages: { pip: ['requests'] } },
    specHash: 'f'.repeat(64),
    targetUrl: `${IMAGE_REPOSITORY}:sha-${'f'.repeat(32)}`,
    createdAt: RECORDED_AT,
    createdBy: 'ada',
  });
}

function orphanImage(build: BuildRecord): ImageRecord {
  return {
    name: build.image,
    displayName: 'jupyter-ds',
    description: null,
    group: 'team-a',
    type: 'cpu',
    url: null,
    urlForGpu: null,
    pullSecret: null,
    source: 'build',
    buildSpec: build.spec,
    latestBuild: { id: build.id, status: 'queued', createdAt: RECORDED_AT, finishedAt: null },
    createdAt: RECORDED_AT,
    updatedAt: RECORDED_AT,
    createdBy: 'ada',
    updatedBy: 'ada',
    version: 1,
  };
}

const stored = (b: { ref: { image: string; buildId: string } }) => h.builds.get(TEAM_A, b.ref.image, b.ref.buildId) as Promise<BuildRecord>;
const imageOf = async (b: { image: Image }) => (await h.images.get(TEAM_A, b.image.name))!;

describe('BuildReports.report: status only moves forward', () => {
  it('applies a report that moves the build on, and records when it started', async () => {
    // Prepare
    const b = await startedBuild();

    // Act
    const outcome = await h.service.report(b.ref, b.builderId, { status: 'building', phase: 'preparing', at: at(1) });

    // Assess
    expect(outcome).toBe('applied');
    expect(await stored(b)).toEqual(expect.objectContaining({ status: 'building', phase: 'preparing', startedAt: at(1), finishedAt: null }));
  });

  it('treats a duplicate report as a no-op', async () => {
    // Prepare
    const b = await startedBuild();
    await h.service.report(b.ref, b.builderId, { status: 'building', phase: 'building', at: at(1) });
    const before = await stored(b);

    // Act
    const outcome = await h.service.report(b.ref, b.builderId, { status: 'building', phase: 'building', at: at(2) });

    // Assess
    expect(outcome).toBe('no-op');
    expect(await stored(b)).toEqual(before);
  });

  it('ignores an earlier phase reported after a later one', async () => {
    // Prepare
    const b = await startedBuild();
    await h.service.report(b.ref, b.builderId, { status: 'building', phase: 'pushing', at: at(2) });

    // Act
    const outcome = await h.service.report(b.ref, b.builderId, { status: 'building', phase: 'building', at: at(1) });

    // Assess
    expect(outcome).toBe('no-op');
    expect((await stored(b)).phase).toBe('pushing');
  });

  it('ignores a BUILD phase reported after SUCCEEDED', async () => {
    // Prepare
    const b = await startedBuild();
    await h.service.report(b.ref, b.builderId, { status: 'succeeded', phase: 'finishing', at: at(5) });

    // Act
    const outcome = await h.service.report(b.ref, b.builderId, { status: 'building', phase: 'building', at: at(3) });

    // Assess
    expect(outcome).toBe('no-op');
    expect(await stored(b)).toEqual(expect.objectContaining({ status: 'succeeded', phase: 'finishing', finishedAt: at(5) }));
  });

  it('ignores building reported after failed', async () => {
    // Prepare
    const b = await startedBuild();
    await h.service.report(b.ref, b.builderId, { status: 'failed', phase: 'building', failureReason: 'Installing the packages failed', at: at(5) });

    // Act
    const outcome = await h.service.report(b.ref, b.builderId, { status: 'building', phase: 'pushing', at: at(6) });

    // Assess
    expect(outcome).toBe('no-op');
    expect(await stored(b)).toEqual(expect.objectContaining({ status: 'failed', phase: 'building', failureReason: 'Installing the packages failed' }));
  });

  it('writes the terminal status once: a later failure does not undo a success or its url', async () => {
    // Prepare
    const b = await startedBuild();
    await h.service.report(b.ref, b.builderId, { status: 'succeeded', phase: 'finishing', at: at(5) });
    const succeeded = await stored(b);

    // Act
    const outcome = await h.service.report(b.ref, b.builderId, { status: 'failed', phase: 'pushing', failureReason: 'late', at: at(6) });

    // Assess
    expect(outcome).toBe('no-op');
    expect(await stored(b)).toEqual(succeeded);
    expect((await imageOf(b)).url).toBe(succeeded.imageUrl);
  });

  it('writes the terminal status once: a success reported after a cancel leaves the build cancelled and the image without a url', async () => {
    // Prepare
    const b = await startedBuild();
    await h.service.cancel(TEAM_A, b.image.name, b.ref.buildId);

    // Act
    const outcome = await h.service.report(b.ref, b.builderId, { status: 'succeeded', phase: 'finishing', at: at(9) });

    // Assess
    expect(outcome).toBe('no-op');
    expect((await stored(b)).status).toBe('cancelled');
    expect(await imageOf(b)).toEqual(expect.objectContaining({ url: null, latestBuild: expect.objectContaining({ status: 'cancelled' }) }));
  });

  it('applies an end reported before any running report, and ignores the running report when it comes late', async () => {
    // Prepare
    const b = await startedBuild();
    await h.service.report(b.ref, b.builderId, { status: 'succeeded', phase: 'finishing', at: at(5) });

    // Act
    const outcome = await h.service.report(b.ref, b.builderId, { status: 'building', phase: 'queued', at: at(1) });

    // Assess
    expect(outcome).toBe('no-op');
    expect(await stored(b)).toEqual(expect.objectContaining({ status: 'succeeded', startedAt: at(5), finishedAt: at(5) }));
  });

  it('gives the image the build url on success, and the image its latest build', async () => {
    // Prepare
    const b = await startedBuild();

    // Act
    await h.service.report(b.ref, b.builderId, { status: 'succeeded', phase: 'finishing', at: at(5) });

    // Assess
    const build = await stored(b);
    expect(build.imageUrl).toMatch(/^123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/group-images:sha-[0-9a-f]{32}$/);
    expect(await imageOf(b)).toEqual(
      expect.objectContaining({ url: build.imageUrl, latestBuild: { id: b.ref.buildId, status: 'succeeded', createdAt: build.createdAt, finishedAt: at(5) } }),
    );
  });
});

describe("a build stored before issue 19, in CodeBuild's phase words", () => {
  /** Writes the build's phase as items written then hold it: CodeBuild's name and its rank in CodeBuild's order. */
  async function storedAsBefore(b: { ref: { image: string; buildId: string } }, phase: string, phaseRank: number) {
    await h.dynamo.client.send(
      new UpdateItemCommand({
        TableName: h.dynamo.table,
        Key: toItem({ pk: partitionOf(TEAM_A), sk: buildKey(b.ref.image, b.ref.buildId) }),
        UpdateExpression: 'SET #s = :s, statusRank = :sr, phase = :p, phaseRank = :pr',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: toItem({ ':s': 'building', ':sr': 1, ':p': phase, ':pr': phaseRank }),
      }),
    );
  }

  it.each([
    ['SUBMITTED', 0, 'queued'],
    ['PRE_BUILD', 5, 'preparing'],
    ['BUILD', 6, 'building'],
    ['POST_BUILD', 7, 'pushing'],
    ['FINALIZING', 9, 'finishing'],
  ])('reads %s (rank %d then) as %s', async (old, rank, ours) => {
    // Prepare
    const b = await startedBuild();
    await storedAsBefore(b, old, rank);

    // Act
    const read = await h.service.get(TEAM_A, b.ref.image, b.ref.buildId);

    // Assess
    expect(read.phase).toBe(ours);
  });

  it("moves on with the next report in the service's words", async () => {
    // Prepare: in BUILD (rank 6 in CodeBuild's order), higher than any rank of the service's phases
    const b = await startedBuild();
    await storedAsBefore(b, 'BUILD', 6);

    // Act
    const outcome = await h.service.report(b.ref, b.builderId, { status: 'building', phase: 'pushing', at: at(3) });

    // Assess
    expect(outcome).toBe('applied');
    expect((await stored(b)).phase).toBe('pushing');
  });
});

describe('BuildReports.report: reports that are not about our builds', () => {
  it('answers unknown-build for a build id it never recorded', async () => {
    // Prepare
    const b = await startedBuild();

    // Act
    const outcome = await h.service.report({ ...b.ref, buildId: 'b0lz4k2m1q3r8zzz' }, b.builderId, { status: 'succeeded', at: at(5) });

    // Assess
    expect(outcome).toBe('unknown-build');
    expect((await stored(b)).status).toBe('queued');
  });

  it('answers unknown-build for the right build id in another scope (tenant isolation)', async () => {
    // Prepare
    const b = await startedBuild();

    // Act
    const outcome = await h.service.report({ ...b.ref, scope: TEAM_B }, b.builderId, { status: 'succeeded', at: at(5) });

    // Assess
    expect(outcome).toBe('unknown-build');
    expect((await stored(b)).status).toBe('queued');
  });

  it('answers other-builder when another builder run claims the build, and changes nothing', async () => {
    // Prepare
    const b = await startedBuild();

    // Act
    const outcome = await h.service.report(b.ref, `${b.builderId}-other`, { status: 'succeeded', at: at(5) });

    // Assess
    expect(outcome).toBe('other-builder');
    expect(await stored(b)).toEqual(expect.objectContaining({ status: 'queued', builderId: b.builderId, imageUrl: null }));
  });

  it("applies a report that overtakes StartBuild's answer (no builder id recorded yet)", async () => {
    // Prepare
    const outcomes: string[] = [];
    h.builder.beforeAnswer = async (job, builderId) => {
      outcomes.push(
        await h.service.report({ scope: TEAM_A, image: job.build.image, buildId: job.build.id }, builderId, {
          status: 'building',
          phase: 'queued',
          at: at(1),
        }),
      );
    };

    // Act
    const b = await startedBuild();

    // Assess
    expect(outcomes).toEqual(['applied']);
    expect(await stored(b)).toEqual(expect.objectContaining({ status: 'building', phase: 'queued', builderId: b.builderId }));
  });
});

describe('the build-events handler with real-shaped CodeBuild events', () => {
  const handler = () => buildEventHandler(h.service, { project: FIXTURE_PROJECT, account: FIXTURE_ACCOUNT });

  it('walks a build through IN_PROGRESS, a phase change and SUCCEEDED, and ignores the duplicate', async () => {
    // Prepare
    const b = await startedBuild();
    const events = ['build-state-in-progress', 'build-phase-pre-build-succeeded', 'build-state-succeeded', 'build-state-succeeded'] as const;

    // Act
    const outcomes = [];
    for (const name of events) outcomes.push((await handler()(eventFor(name, b.ref, b.builderId))).outcome);

    // Assess
    expect(outcomes).toEqual(['applied', 'applied', 'applied', 'no-op']);
    const build = await stored(b);
    expect(build).toEqual(
      expect.objectContaining({ status: 'succeeded', phase: 'finishing', startedAt: '2025-06-03T09:12:29Z', finishedAt: '2025-06-03T09:16:43Z' }),
    );
    expect((await imageOf(b)).url).toBe(build.imageUrl);
  });

  it('ignores a phase change that arrives after the build succeeded', async () => {
    // Prepare
    const b = await startedBuild();
    await handler()(eventFor('build-state-succeeded', b.ref, b.builderId));

    // Act
    const { outcome } = await handler()(eventFor('build-phase-pre-build-succeeded', b.ref, b.builderId));

    // Assess
    expect(outcome).toBe('no-op');
    expect(await stored(b)).toEqual(expect.objectContaining({ status: 'succeeded', phase: 'finishing' }));
  });

  it("fails the build with its template's last marker first, then what CodeBuild says of the phase", async () => {
    // Prepare
    const b = await startedBuild();
    const marker = failureMarker(failureNonceOf(b.builderId));
    h.logs.append(b.builderId, `${marker}pip could not install the pip packages: check the requirement names and versions in the build log`);
    h.logs.append(b.builderId, 'FAILED: printed later by the build output, not a marker');

    // Act
    const { outcome } = await handler()(eventFor('build-state-failed', b.ref, b.builderId));

    // Assess
    expect(outcome).toBe('applied');
    const build = await stored(b);
    expect(build.status).toBe('failed');
    expect(build.failureReason).toMatch(
      /^pip could not install the pip packages: check the requirement names and versions in the build log \(Installing the packages failed/,
    );
    expect(build.failureReason).toContain('COMMAND_EXECUTION_ERROR');
    expect((await imageOf(b)).url).toBeNull();
  });

  it('never takes a reason from FAILED lines the build output printed: the reason stays generic, pointing at the log', async () => {
    // Prepare
    const b = await startedBuild();
    h.logs.append(b.builderId, 'FAILED: your session expired, sign in again at https://evil.example.com');
    h.logs.append(b.builderId, `#8 0.413 ${failureMarker('guessed-nonce')}forged`);
    h.logs.append(b.builderId, `${failureMarker('00000000-0000-4000-8000-000000000000')}another build's nonce`);

    // Act
    await handler()(eventFor('build-state-failed', b.ref, b.builderId));

    // Assess
    const build = await stored(b);
    expect(build.failureReason).toMatch(/^Installing the packages failed: the end of the build log names the package/);
    expect(build.failureReason).not.toMatch(/evil|forged|another build/);
  });

  it('fails a timed-out build saying so, and cancels a stopped one', async () => {
    // Prepare
    const timedOut = await startedBuild({ pip: ['torch==2.1.0+cu118'] });
    const stopped = await startedBuild({ pip: ['numpy'] });

    // Act
    await handler()(eventFor('build-state-timed-out', timedOut.ref, timedOut.builderId));
    await handler()(eventFor('build-state-stopped', stopped.ref, stopped.builderId));

    // Assess
    expect(await stored(timedOut)).toEqual(expect.objectContaining({ status: 'failed', failureReason: expect.stringContaining('60-minute limit') }));
    expect(await stored(stopped)).toEqual(expect.objectContaining({ status: 'cancelled', failureReason: null }));
  });

  it('drops events of other projects, other accounts and malformed ones without touching the build', async () => {
    // Prepare
    const b = await startedBuild();
    const foreignProject = eventFor('build-state-succeeded', b.ref, b.builderId);
    foreignProject.detail['project-name'] = 'another-project';
    const foreignAccount = eventFor('build-state-succeeded', b.ref, b.builderId);
    foreignAccount.account = '999999999999';
    const malformed = eventFor('build-state-succeeded', b.ref, b.builderId);
    delete malformed.detail['additional-information'];

    // Act
    const outcomes = [];
    for (const event of [foreignProject, foreignAccount, malformed]) outcomes.push((await handler()(event)).outcome);

    // Assess
    expect(outcomes).toEqual(['foreign-project', 'foreign-account', 'malformed']);
    expect((await stored(b)).status).toBe('queued');
  });

  it('answers unknown-build for an event naming a build this service never recorded', async () => {
    // Act
    const result = await handler()(codeBuildEvent('build-state-succeeded'));

    // Assess
    expect(result).toEqual({ outcome: 'unknown-build', buildId: 'b0lz4k2m1q3r8s9t' });
  });

  it("answers other-builder for an event from another CodeBuild build carrying our build's variables", async () => {
    // Prepare
    const b = await startedBuild();

    // Act
    const { outcome } = await handler()(eventFor('build-state-succeeded', b.ref));

    // Assess
    expect(outcome).toBe('other-builder');
    expect((await stored(b)).status).toBe('queued');
  });
});

describe('BuildReconciler.reconcile', () => {
  it('settles a build whose events were lost, from what the builder says now', async () => {
    // Prepare
    const b = await startedBuild();
    h.builder.known.set(b.builderId, { status: 'succeeded', phase: 'finishing', at: at(7) });

    // Act
    const result = await h.service.reconcile(0);

    // Assess
    expect(result).toEqual({ checked: 1, settled: 1 });
    const build = await stored(b);
    expect(build).toEqual(expect.objectContaining({ status: 'succeeded', finishedAt: at(7) }));
    expect((await imageOf(b)).url).toBe(build.imageUrl);
  });

  it('leaves a build alone that the builder still runs where we last saw it', async () => {
    // Prepare
    const b = await startedBuild();
    await h.service.report(b.ref, b.builderId, { status: 'building', phase: 'building', at: at(2) });
    h.builder.known.set(b.builderId, { status: 'building', phase: 'building', at: at(3) });

    // Act
    const result = await h.service.reconcile(0);

    // Assess
    expect(result).toEqual({ checked: 1, settled: 0 });
    expect((await stored(b)).status).toBe('building');
  });

  it('fails a build that was recorded but never started (no builder id), and tells its image', async () => {
    // Prepare: a function stopped between recording the build and calling StartBuild
    const orphan = orphanBuild();
    await h.images.insert(TEAM_A, orphanImage(orphan));
    await storeBuildRecord(h, TEAM_A, orphan);

    // Act
    const result = await h.service.reconcile(0);

    // Assess
    expect(result).toEqual({ checked: 1, settled: 1 });
    expect(await h.builds.get(TEAM_A, orphan.image, orphan.id)).toEqual(
      expect.objectContaining({ status: 'failed', failureReason: 'The build was recorded but never started. Rebuild to try again.' }),
    );
    expect((await h.images.get(TEAM_A, orphan.image))!.latestBuild).toEqual(expect.objectContaining({ id: orphan.id, status: 'failed' }));
    expect(h.builder.started).toEqual([]);
  });

  it('does not fail a build that waits for an identical build instead of running itself', async () => {
    // Prepare: the leader first, so that it claims the spec (created together, either could: a race)
    const leader = await startedBuild();
    const follower = await h.catalog.create(ADMIN, TEAM_A, customImage());
    const waiting = await latestBuildOf(h, TEAM_A, follower.image.name);

    // Act
    await h.service.reconcile(0);

    // Assess
    expect(waiting).toEqual(expect.objectContaining({ reused: true, builderId: null }));
    expect((await h.builds.get(TEAM_A, follower.image.name, waiting.id))!.status).not.toBe('failed');
    expect((await stored(leader)).status).not.toBe('failed');
  });

  it('checks only builds older than the threshold', async () => {
    // Prepare
    const b = await startedBuild();
    h.builder.known.set(b.builderId, { status: 'succeeded', phase: 'finishing', at: at(7) });

    // Act
    const result = await h.service.reconcile(60);

    // Assess
    expect(result).toEqual({ checked: 0, settled: 0 });
    expect((await stored(b)).status).toBe('queued');
  });
});

describe('BuildLogPages.logs', () => {
  const progress = (p: Partial<BuildProgress>): BuildProgress => ({ at: at(1), ...p });

  it('pages through the log with a cursor, and keeps a cursor while the build runs', async () => {
    // Prepare
    const b = await startedBuild();
    h.logs.append(b.builderId, '[Container] Entering phase INSTALL');
    h.logs.append(b.builderId, '[Container] Entering phase PRE_BUILD');

    // Act
    const first = await h.service.logs(TEAM_A, b.image.name, b.ref.buildId, undefined);
    h.logs.append(b.builderId, '[Container] Entering phase BUILD');
    const second = await h.service.logs(TEAM_A, b.image.name, b.ref.buildId, first.nextCursor!);

    // Assess
    expect(first.lines.map((l) => l.message)).toEqual(['[Container] Entering phase INSTALL', '[Container] Entering phase PRE_BUILD']);
    expect(first.nextCursor).toEqual(expect.any(String));
    expect(second.lines.map((l) => l.message)).toEqual(['[Container] Entering phase BUILD']);
    expect(second.nextCursor).toEqual(expect.any(String));
  });

  it('ends the log with a null cursor once the build has finished and every line was read', async () => {
    // Prepare
    const b = await startedBuild();
    h.logs.append(b.builderId, '[Container] Build SUCCEEDED');
    await h.service.report(b.ref, b.builderId, progress({ status: 'succeeded', phase: 'finishing' }));

    // Act
    const page = await h.service.logs(TEAM_A, b.image.name, b.ref.buildId, undefined);

    // Assess
    expect(page).toEqual({ lines: [{ timestamp: expect.any(String), message: '[Container] Build SUCCEEDED' }], nextCursor: null });
  });

  it("refuses a cursor from another build's log", async () => {
    // Prepare
    const one = await startedBuild({ pip: ['numpy'] });
    const other = await startedBuild({ pip: ['pandas'] });
    h.logs.append(one.builderId, 'line');
    const { nextCursor } = await h.service.logs(TEAM_A, one.image.name, one.ref.buildId, undefined);

    // Act
    const error = await h.service.logs(TEAM_A, other.image.name, other.ref.buildId, nextCursor!).catch((e: Error) => e);

    // Assess
    expect(error).toEqual(expect.objectContaining({ kind: 'bad-request' }));
  });
});
