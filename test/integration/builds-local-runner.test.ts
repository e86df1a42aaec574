/**
 * The local runner (LocalBuilder) on its own: the real buildspec run phase by phase with a stand-in
 * container CLI, the progress it reports in the build service's words, and stopping it at any moment.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderBuildContext } from '../../lambdas/builds/build-context.ts';
import { queuedBuild, type BuildProgress } from '../../lambdas/domain/build.ts';
import type { StoredBuildSpec } from '../../lambdas/domain/image.ts';
import { LocalBuildLogs } from '../../lambdas/local/local-build-logs.ts';
import { LocalBuilder, type LocalBuildRef } from '../../lambdas/local/local-builder.ts';
import { waitFor } from '../support/build-polling.ts';
import { WAIT_DEADLINE_MS } from '../support/hang-guard.ts';
import { isRunning, writeStandInCli, type StandInCli } from '../support/stand-in-cli.ts';

process.env.LOG_LEVEL ??= 'silent';

type Report = { ref: LocalBuildRef; builderId: string; progress: BuildProgress };

let cli: StandInCli;
let dataDir: string;
let logs: LocalBuildLogs;
let reports: Report[];
let onReport: (report: Report) => Promise<void>;
let serial = 0;

beforeAll(async () => {
  cli = await writeStandInCli();
  dataDir = await mkdtemp(join(tmpdir(), 'group-images-runner-'));
  logs = new LocalBuildLogs(join(dataDir, 'build-logs'));
});
afterAll(async () => {
  await cli.remove();
  await rm(dataDir, { recursive: true, force: true });
});
beforeEach(() => {
  reports = [];
  onReport = async () => undefined;
});

function runner(options: { timeoutMinutes?: number; containerCli?: string | null } = {}) {
  return new LocalBuilder({
    dataDir,
    logs,
    containerCli: options.containerCli === undefined ? cli.path : options.containerCli,
    timeoutMinutes: options.timeoutMinutes ?? 5,
    pullSecretJson: async () => undefined,
    report: async (ref, builderId, progress) => {
      reports.push({ ref, builderId, progress });
      await onReport({ ref, builderId, progress });
    },
  });
}

function job(pip: string[], pullSecret: string | null = null) {
  const spec: StoredBuildSpec = { baseImage: 'python:3.12', ...(pullSecret ? { pullSecret } : {}), packages: { pip } };
  const id = `b0lz4k2m1runner${++serial}`;
  const build = queuedBuild({
    id,
    image: 'runner-check',
    group: 'team-a',
    spec,
    specHash: 'a'.repeat(64),
    targetUrl: `localhost:5000/group-images:sha-${'a'.repeat(32)}`,
    createdAt: new Date().toISOString(),
    createdBy: 'ada',
  });
  return { scope: { group: 'team-a' }, build, files: renderBuildContext(spec).files, cacheRef: '', pullSecret };
}

/** Waits for the runner to finish every build, or answers false if it is still running after the deadline. */
const settles = (builder: LocalBuilder, deadlineMs = WAIT_DEADLINE_MS) =>
  Promise.race([builder.idle().then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), deadlineMs).unref())]);

const final = () => reports.at(-1)?.progress;
const finalStatus = () => final()?.status;

describe('LocalBuilder', () => {
  it("reports each phase once, in order and in the service's words, about the build it runs", async () => {
    // Prepare
    const builder = runner();
    const started = job(['numpy']);

    // Act
    const { builderId } = await builder.start(started);
    await builder.idle();

    // Assess
    expect(reports.map((r) => `${r.progress.status}/${r.progress.phase}`)).toEqual([
      'building/preparing',
      'building/building',
      'building/pushing',
      'succeeded/pushing',
    ]);
    expect(reports.map((r) => r.builderId)).toEqual(Array.from({ length: 4 }, () => builderId));
    expect(reports.map((r) => r.ref)).toEqual(
      Array.from({ length: 4 }, () => ({ scope: { group: 'team-a' }, image: 'runner-check', buildId: started.build.id })),
    );
    expect(await builder.describe([builderId])).toEqual(new Map([[builderId, expect.objectContaining({ status: 'succeeded', phase: 'pushing' })]]));
  });

  it('reports a failed phase as failed there, with why in words', async () => {
    // Prepare
    const builder = runner();

    // Act
    await builder.start(job(['standin-fails']));
    await builder.idle();

    // Assess
    expect(final()).toEqual(
      expect.objectContaining({ status: 'failed', phase: 'building', failureReason: expect.stringMatching(/^Installing the packages failed.*\(BUILD FAILED/) }),
    );
  });

  it('is idempotent per build, like StartBuild with an idempotency token', async () => {
    // Prepare
    const builder = runner();
    const same = job(['pandas']);

    // Act
    const [first, second] = [await builder.start(same), await builder.start(same)];
    await builder.idle();

    // Assess
    expect(second).toEqual(first);
    expect((await cli.callsOf(same.build.id)).filter((c) => c.args[1] === 'build')).toHaveLength(1);
  });

  it('builds with a BuildKit builder of its own and the registry cache when the build has a cache reference', async () => {
    // Prepare
    const builder = runner();
    const cached = { ...job(['cached']), cacheRef: 'localhost:5000/group-images-cache:scope-0123456789abcdef01234567' };

    // Act
    await builder.start(cached);
    await builder.idle();

    // Assess
    const calls = (await cli.callsOf(cached.build.id)).map((c) => c.args);
    expect(calls).toContainEqual(['buildx', 'inspect', 'group-images']);
    expect(calls).toContainEqual(['buildx', 'create', '--name', 'group-images', '--driver', 'docker-container']);
    expect(calls.find((a) => a[1] === 'build')).toEqual(
      expect.arrayContaining([
        '--builder',
        'group-images',
        '--cache-from',
        `type=registry,ref=${cached.cacheRef}`,
        '--cache-to',
        `type=registry,ref=${cached.cacheRef},mode=max,image-manifest=true,oci-mediatypes=true,ignore-error=true`,
      ]),
    );
    expect(finalStatus()).toBe('succeeded');
  });

  it('refuses to start a build whose pull secret does not exist', async () => {
    // Act
    const error = await runner()
      .start(job(['numpy'], 'no-such-secret'))
      .catch((e: Error) => e);

    // Assess
    expect(error).toEqual(expect.objectContaining({ message: 'the pull secret "no-such-secret" does not exist' }));
  });

  it('stops a build stopped between two phases, before the next phase starts', async () => {
    // Prepare: stop while no phase command runs (as the report of entering "building" is handled)
    const builder = runner();
    const hanging = job(['standin-hangs', 'between-phases']);
    let builderId = '';
    onReport = async ({ progress }) => {
      if (progress.phase === 'building') await builder.stop(builderId);
    };
    ({ builderId } = await builder.start(hanging));

    // Act
    const settled = await settles(builder);

    // Assess
    if (!settled) await builder.shutdown();
    expect(settled).toBe(true);
    expect(finalStatus()).toBe('cancelled');
    expect((await cli.callsOf(hanging.build.id)).filter((c) => c.args[1] === 'build')).toEqual([]);
  });

  it('times a build out even when the limit falls between two phases', async () => {
    // Prepare: a 1.2-second limit (a whole stand-in build takes a fraction of that), and a report of
    // entering "building" that takes longer to handle than the limit, which started before it, so the
    // limit passes at the latest while no phase command runs (the BUILD phase would hang)
    const builder = runner({ timeoutMinutes: 0.02 });
    const hanging = job(['standin-hangs', 'timeout-between-phases']);
    onReport = async ({ progress }) => {
      if (progress.phase === 'building') await new Promise((resolve) => setTimeout(resolve, 1_700));
    };
    await builder.start(hanging);

    // Act
    const settled = await settles(builder);

    // Assess
    if (!settled) await builder.shutdown();
    expect(settled).toBe(true);
    expect(final()).toEqual(expect.objectContaining({ status: 'failed', failureReason: expect.stringMatching(/ran longer than its 0.02-minute limit/) }));
  });

  it('kills the whole process tree of a stopped build', async () => {
    // Prepare
    const builder = runner();
    const earlier = new Set(cli.hangingPids());
    const { builderId } = await builder.start(job(['standin-hangs', 'tree']));
    const pids = await waitFor(() => {
      const mine = cli.hangingPids().filter((p) => !earlier.has(p));
      return mine.length === 2 ? mine : undefined;
    }, 'the hanging CLI to record its pids');

    // Act
    await builder.stop(builderId);
    await builder.idle();

    // Assess
    expect(finalStatus()).toBe('cancelled');
    expect(await waitFor(() => pids.every((p) => !isRunning(p)), 'the processes to end').catch(() => false)).toBe(true);
  });
});
