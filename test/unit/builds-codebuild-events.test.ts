/**
 * recogniseEvent: CodeBuild's "Build State Change" and "Build Phase Change" events, in the shape
 * EventBridge delivers them (test/fixtures/codebuild), read into which build and how far it got.
 */
import { describe, expect, it } from '@jest/globals';
import { recogniseEvent, codeBuildIdOf } from '../../lambdas/aws/codebuild-events.ts';
import {
  codeBuildEvent,
  eventFor,
  FIXTURE_ACCOUNT,
  FIXTURE_BUILD_ARN,
  FIXTURE_BUILD_ID,
  FIXTURE_PROJECT,
  FIXTURE_REF,
  withoutVariable,
  type CodeBuildFixture,
} from '../support/codebuild-events.ts';

const OURS = { project: FIXTURE_PROJECT, account: FIXTURE_ACCOUNT };

function recognised(event: unknown) {
  const result = recogniseEvent(event, OURS);
  if (!result.ok) throw new Error(`expected the event to be recognised, got ${result.reason}: ${result.detail}`);
  return result;
}

describe('recogniseEvent: build state changes', () => {
  it('reads IN_PROGRESS as building, in the current phase, naming the build from its GI_* variables', () => {
    // Prepare
    const event = codeBuildEvent('build-state-in-progress');

    // Act
    const result = recognised(event);

    // Assess
    expect(result).toEqual({
      ok: true,
      builderId: FIXTURE_BUILD_ID,
      ref: FIXTURE_REF,
      progress: { status: 'building', phase: 'queued', at: '2025-06-03T09:12:29Z' },
    });
  });

  it('names the build as CodeBuild\'s API does (StartBuild\'s "<project>:<uuid>"), not by the ARN the event carries', () => {
    // Prepare
    const event = codeBuildEvent('build-state-in-progress');

    // Act
    const { builderId } = recognised(event);

    // Assess
    expect(event.detail['build-id']).toBe(FIXTURE_BUILD_ARN);
    expect(builderId).toBe('group-images-image-build:0b6c8e5e-3f0b-4c1e-9d7a-5a1f2e3d4c5b');
  });

  it.each([
    [FIXTURE_BUILD_ARN, FIXTURE_BUILD_ID],
    ['arn:aws-cn:codebuild:cn-north-1:123456789012:build/p:1234', 'p:1234'],
    [FIXTURE_BUILD_ID, FIXTURE_BUILD_ID],
    ['local:group-images-local:b0lz4k2m1q3r8s9t', 'local:group-images-local:b0lz4k2m1q3r8s9t'],
  ])('reads the build id of %s as %s', (given, id) => {
    // Act / Assess
    expect(codeBuildIdOf(given)).toBe(id);
  });

  it('reads SUCCEEDED as succeeded, with the last phase before COMPLETED and no failure reason', () => {
    // Act
    const { progress } = recognised(codeBuildEvent('build-state-succeeded'));

    // Assess
    expect(progress).toEqual({ status: 'succeeded', phase: 'finishing', at: '2025-06-03T09:16:43Z' });
  });

  it('reads FAILED as failed in the phase that failed, with a reason in words and the phase context', () => {
    // Act
    const { progress } = recognised(codeBuildEvent('build-state-failed'));

    // Assess
    expect(progress.status).toBe('failed');
    expect(progress.phase).toBe('building');
    expect(progress.failureReason).toMatch(/^Installing the packages failed/);
    expect(progress.failureReason).toContain('BUILD FAILED');
    expect(progress.failureReason).toContain('COMMAND_EXECUTION_ERROR: Error while executing command');
    expect(progress.failureReason).toContain('Reason: exit status 1');
  });

  it('leaves the placeholder contexts of succeeded phases (": ") out of the failure reason', () => {
    // Prepare: the failed phase carries only CodeBuild's empty context
    const event = codeBuildEvent('build-state-failed');
    const build = event.detail['additional-information'].phases.find((p: { 'phase-type': string }) => p['phase-type'] === 'BUILD');
    build['phase-context'] = [': '];

    // Act
    const { progress } = recognised(event);

    // Assess
    expect(progress.failureReason).toBe(
      'Installing the packages failed: the end of the build log names the package that could not be installed (BUILD FAILED).',
    );
  });

  it('names the phase that failed whichever it is: a pre-build failure points at the base image and its pull secret', () => {
    // Prepare
    const event = codeBuildEvent('build-state-failed');
    for (const p of event.detail['additional-information'].phases) {
      if (p['phase-type'] === 'PRE_BUILD')
        Object.assign(p, {
          'phase-status': 'FAILED',
          'phase-context': ['COMMAND_EXECUTION_ERROR: Error while executing command: (...). Reason: exit status 1'],
        });
      if (p['phase-type'] === 'BUILD') Object.assign(p, { 'phase-status': 'SUCCEEDED', 'phase-context': [': '] });
    }

    // Act
    const { progress } = recognised(event);

    // Assess
    expect(progress.phase).toBe('preparing');
    expect(progress.failureReason).toMatch(/base image url and its pull secret/);
  });

  it('reads TIMED_OUT as failed, saying the limit and the phase it stopped in', () => {
    // Act
    const { progress } = recognised(codeBuildEvent('build-state-timed-out'));

    // Assess
    expect(progress.status).toBe('failed');
    expect(progress.phase).toBe('building');
    expect(progress.failureReason).toContain('longer than its 60-minute limit (while building)');
  });

  it('reads a TIMED_OUT that never left the queue as a queued timeout, not as a long build', () => {
    // Prepare
    const event = codeBuildEvent('build-state-timed-out');
    event.detail['additional-information'].phases = [
      { 'phase-type': 'SUBMITTED', 'phase-status': 'SUCCEEDED' },
      { 'phase-type': 'QUEUED', 'phase-status': 'TIMED_OUT', 'phase-context': [] },
    ];

    // Act
    const { progress } = recognised(event);

    // Assess
    expect(progress.status).toBe('failed');
    expect(progress.phase).toBe('queued');
    expect(progress.failureReason).toMatch(/waited in the build queue longer than its queued timeout/);
  });

  it('reads STOPPED as cancelled, in the phase it was stopped in, without a failure reason', () => {
    // Act
    const { progress } = recognised(codeBuildEvent('build-state-stopped'));

    // Assess
    expect(progress).toEqual({ status: 'cancelled', phase: 'building', at: '2025-06-03T09:14:04Z' });
  });

  it('reads FAULT (a CodeBuild-side failure) as failed', () => {
    // Prepare
    const event = codeBuildEvent('build-state-failed');
    event.detail['build-status'] = 'FAULT';

    // Act
    const { progress } = recognised(event);

    // Assess
    expect(progress.status).toBe('failed');
  });

  it('reads a system build from GI_SCOPE "system"', () => {
    // Prepare
    const event = eventFor('build-state-succeeded', { scope: { group: null }, image: 'python-ml-a1b2c', buildId: 'b0lz4k2m1q3r8s9u' });

    // Act
    const { ref } = recognised(event);

    // Assess
    expect(ref).toEqual({ scope: { group: null }, image: 'python-ml-a1b2c', buildId: 'b0lz4k2m1q3r8s9u' });
  });

  it('accepts events without an account filter configured', () => {
    // Act
    const result = recogniseEvent(codeBuildEvent('build-state-succeeded'), { project: FIXTURE_PROJECT });

    // Assess
    expect(result.ok).toBe(true);
  });
});

describe('recogniseEvent: build phase changes', () => {
  it('reads a completed PRE_BUILD as building in BUILD (CodeBuild sends completed-phase-context as a string)', () => {
    // Act
    const result = recognised(codeBuildEvent('build-phase-pre-build-succeeded'));

    // Assess
    expect(result).toEqual({
      ok: true,
      builderId: FIXTURE_BUILD_ID,
      ref: FIXTURE_REF,
      progress: { status: 'building', phase: 'building', at: '2025-06-03T09:13:21Z' },
    });
  });

  it('reads a failed BUILD phase as still building in BUILD: the state change says how the build ended', () => {
    // Act
    const { progress } = recognised(codeBuildEvent('build-phase-build-failed'));

    // Assess
    expect(progress).toEqual({ status: 'building', phase: 'building', at: '2025-06-03T09:16:40Z' });
  });

  it('accepts the completed phase context as a list too (older senders, the local runner before it matched CodeBuild)', () => {
    // Prepare
    const event = codeBuildEvent('build-phase-pre-build-succeeded');
    event.detail['completed-phase-context'] = [': '];

    // Act
    const result = recogniseEvent(event, OURS);

    // Assess
    expect(result.ok).toBe(true);
  });

  it('has no news in the last phase before COMPLETED: the state change event settles the build', () => {
    // Act
    const result = recogniseEvent(codeBuildEvent('build-phase-finalizing-succeeded'), OURS);

    // Assess
    expect(result).toEqual(expect.objectContaining({ ok: false, reason: 'no-news' }));
  });
});

describe('recogniseEvent: events that are not ours', () => {
  const every: CodeBuildFixture[] = ['build-state-in-progress', 'build-state-succeeded', 'build-phase-pre-build-succeeded'];

  it.each(every)('refuses %s of another CodeBuild project', (name) => {
    // Prepare
    const event = codeBuildEvent(name);
    event.detail['project-name'] = 'someone-elses-project';

    // Act
    const result = recogniseEvent(event, OURS);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'foreign-project', detail: 'someone-elses-project' });
  });

  it.each(every)('refuses %s from another account, even for a project of the same name', (name) => {
    // Prepare
    const event = codeBuildEvent(name);
    event.account = '210987654321';

    // Act
    const result = recogniseEvent(event, OURS);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'foreign-account', detail: '210987654321' });
  });

  it.each(['GI_SCOPE', 'GI_IMAGE', 'GI_BUILD_ID'])('refuses a build of our project without %s (not started by this service)', (variable) => {
    // Prepare
    const event = withoutVariable(codeBuildEvent('build-state-succeeded'), variable);

    // Act
    const result = recogniseEvent(event, OURS);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'not-a-build-of-ours', detail: FIXTURE_BUILD_ARN });
  });

  it.each(['group:', 'team-a', '', 'groups:team-a'])('refuses a GI_SCOPE of %j', (value) => {
    // Prepare
    const event = codeBuildEvent('build-state-succeeded');
    event.detail['additional-information'].environment['environment-variables'].find((v: { name: string }) => v.name === 'GI_SCOPE').value = value;

    // Act
    const result = recogniseEvent(event, OURS);

    // Assess
    expect(result).toEqual(expect.objectContaining({ ok: false, reason: 'not-a-build-of-ours' }));
  });

  it('refuses a build without any environment block', () => {
    // Prepare
    const event = codeBuildEvent('build-state-succeeded');
    delete event.detail['additional-information'].environment;

    // Act
    const result = recogniseEvent(event, OURS);

    // Assess
    expect(result).toEqual(expect.objectContaining({ ok: false, reason: 'not-a-build-of-ours' }));
  });

  it('has no news in a build status it does not know', () => {
    // Prepare
    const event = codeBuildEvent('build-state-succeeded');
    event.detail['build-status'] = 'SOMETHING_NEW';

    // Act
    const result = recogniseEvent(event, OURS);

    // Assess
    expect(result).toEqual(expect.objectContaining({ ok: false, reason: 'no-news' }));
  });
});

describe('recogniseEvent: malformed events', () => {
  const spoilt: [string, (e: ReturnType<typeof codeBuildEvent>) => unknown][] = [
    ['not an object', () => 'CodeBuild Build State Change'],
    ['null', () => null],
    ['an empty object', () => ({})],
    ['another source', (e) => ({ ...e, source: 'aws.ecr' })],
    ['another detail-type', (e) => ({ ...e, 'detail-type': 'CodeBuild Build Status Change' })],
    ['no detail', (e) => ({ ...e, detail: undefined })],
    ['no build id', (e) => ({ ...e, detail: { ...e.detail, 'build-id': undefined } })],
    ['a numeric project name', (e) => ({ ...e, detail: { ...e.detail, 'project-name': 42 } })],
    ['no additional information', (e) => ({ ...e, detail: { ...e.detail, 'additional-information': undefined } })],
    [
      'environment variables that are not a list',
      (e) => {
        e.detail['additional-information'].environment['environment-variables'] = { GI_SCOPE: 'group:team-a' };
        return e;
      },
    ],
    [
      'a phase without its type',
      (e) => {
        delete e.detail['additional-information'].phases[0]['phase-type'];
        return e;
      },
    ],
    [
      'a timeout that is not a number',
      (e) => {
        e.detail['additional-information']['timeout-in-minutes'] = 'sixty';
        return e;
      },
    ],
    ['no time', (e) => ({ ...e, time: undefined })],
  ];

  it.each(spoilt)('calls an event with %s malformed, never guessing', (_what, spoil) => {
    // Prepare
    const event = spoil(codeBuildEvent('build-state-succeeded'));

    // Act
    const result = recogniseEvent(event, OURS);

    // Assess
    expect(result).toEqual(expect.objectContaining({ ok: false, reason: 'malformed' }));
  });
});
