/**
 * The CodeBuild builder and the CloudWatch Logs reader, checked by what they send to AWS
 * (aws-sdk-client-mock) and how they read AWS's answers.
 */
import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { BatchGetBuildsCommand, CodeBuildClient, StartBuildCommand, StopBuildCommand, type EnvironmentVariable } from '@aws-sdk/client-codebuild';
import { CloudWatchLogsClient, FilterLogEventsCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CloudWatchBuildLogs } from '../../lambdas/aws/cloudwatch-build-logs.ts';
import { CodeBuildBuilder } from '../../lambdas/aws/codebuild-builder.ts';
import { recogniseEvent } from '../../lambdas/aws/codebuild-events.ts';
import { renderBuildContext } from '../../lambdas/builds/build-context.ts';
import { CONTEXT_PART_MAX_CHARS, unpackBuildContext } from '../../lambdas/builds/context-transport.ts';
import { queuedBuild, type BuildRecord } from '../../lambdas/domain/build.ts';
import type { BuildJob } from '../../lambdas/domain/builder.ts';
import type { StoredBuildSpec } from '../../lambdas/domain/image.ts';
import { groupScope, SYSTEM, type Scope } from '../../lambdas/domain/scope.ts';
import { buildArnOf, eventFor, FIXTURE_ACCOUNT, FIXTURE_PROJECT } from '../support/codebuild-events.ts';

const PROJECT = FIXTURE_PROJECT;
const SECRET_PREFIX = 'group-images/pull-secrets/';
const LOG_GROUP = '/group-images/builds';
const CODEBUILD_ID = `${PROJECT}:7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f`;
const TARGET = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/group-images:sha-4f1c2b7d9e0a3c5b6d7e8f9a0b1c2d3e';
const CACHE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/group-images-cache:scope-5c1e0f9a2b3d4c6e7f8a9b0c';
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'unit-test' };

function buildRecord(spec: StoredBuildSpec, overrides: Partial<BuildRecord> = {}): BuildRecord {
  return {
    ...queuedBuild({
      id: 'b0lz4k2m1q3r8s9t',
      image: 'jupyter-ds-x7k2p',
      group: 'team-a',
      spec,
      specHash: '4f1c2b7d9e0a3c5b6d7e8f9a0b1c2d3e'.repeat(2),
      targetUrl: TARGET,
      createdAt: '2025-06-03T09:12:00.000Z',
      createdBy: 'ada',
    }),
    ...overrides,
  };
}

function job(
  spec: StoredBuildSpec = { baseImage: 'quay.io/jupyter/scipy-notebook:2024-05-27', packages: { apt: ['curl'], pip: ['requests==2.32.3'] } },
  scope: Scope = groupScope('team-a'),
): BuildJob {
  const build = buildRecord(spec, { group: scope.group });
  return { scope, build, files: renderBuildContext(spec).files, cacheRef: CACHE, pullSecret: spec.pullSecret ?? null };
}

const codebuild = new CodeBuildClient({ region: 'eu-west-1', credentials });
const cb = mockClient(codebuild);
const cloudwatch = new CloudWatchLogsClient({ region: 'eu-west-1', credentials });
const cw = mockClient(cloudwatch);

beforeEach(() => {
  cb.reset();
  cw.reset();
  cb.on(StartBuildCommand).resolves({ build: { id: CODEBUILD_ID, arn: buildArnOf(CODEBUILD_ID), buildStatus: 'IN_PROGRESS', currentPhase: 'SUBMITTED' } });
});

const builder = () => new CodeBuildBuilder(codebuild, PROJECT, SECRET_PREFIX);
const sentStartBuild = () => {
  const calls = cb.commandCalls(StartBuildCommand);
  expect(calls).toHaveLength(1);
  return calls[0]!.args[0].input;
};
const variablesOf = (variables: EnvironmentVariable[] | undefined) => new Map((variables ?? []).map((v) => [v.name!, v]));

describe('CodeBuildBuilder.start', () => {
  it("starts the project with the build id as the idempotency token and answers CodeBuild's build id", async () => {
    // Act
    const result = await builder().start(job());

    // Assess
    const input = sentStartBuild();
    expect(input.projectName).toBe(PROJECT);
    expect(input.idempotencyToken).toBe('b0lz4k2m1q3r8s9t');
    expect(result).toEqual({ builderId: CODEBUILD_ID });
  });

  it("answers the id that the build's own events are recognised by", async () => {
    // Prepare
    const j = job();

    // Act
    const { builderId } = await builder().start(j);

    // Assess
    const event = eventFor('build-state-succeeded', { scope: j.scope, image: j.build.image, buildId: j.build.id }, CODEBUILD_ID);
    const recognised = recogniseEvent(event, { project: PROJECT, account: FIXTURE_ACCOUNT });
    expect(recognised).toEqual(expect.objectContaining({ ok: true, builderId }));
  });

  it("passes the build context, base image, target, cache and the build's own reference as PLAINTEXT variables", async () => {
    // Prepare
    const j = job();

    // Act
    await builder().start(j);

    // Assess
    const variables = variablesOf(sentStartBuild().environmentVariablesOverride);
    expect([...variables.values()].every((v) => v.type === 'PLAINTEXT')).toBe(true);
    const value = (name: string) => variables.get(name)?.value;
    expect({
      BASE_IMAGE: value('BASE_IMAGE'),
      IMAGE_URI: value('IMAGE_URI'),
      CACHE_REF: value('CACHE_REF'),
      GI_SCOPE: value('GI_SCOPE'),
      GI_IMAGE: value('GI_IMAGE'),
      GI_BUILD_ID: value('GI_BUILD_ID'),
    }).toEqual({
      BASE_IMAGE: 'quay.io/jupyter/scipy-notebook:2024-05-27',
      IMAGE_URI: TARGET,
      CACHE_REF: CACHE,
      GI_SCOPE: 'group:team-a',
      GI_IMAGE: 'jupyter-ds-x7k2p',
      GI_BUILD_ID: 'b0lz4k2m1q3r8s9t',
    });
    const count = Number(value('BUILD_CONTEXT_PART_COUNT'));
    const parts = Array.from({ length: count }, (_, i) => value(`BUILD_CONTEXT_PART_${i + 1}`)!);
    expect(unpackBuildContext(parts)).toEqual(j.files);
    expect(variables.has('PULL_SECRET_JSON')).toBe(false);
  });

  it('names a system build\'s scope "system"', async () => {
    // Act
    await builder().start(job(undefined, SYSTEM));

    // Assess
    expect(variablesOf(sentStartBuild().environmentVariablesOverride).get('GI_SCOPE')?.value).toBe('system');
  });

  it('hands the pull secret over as a SECRETS_MANAGER variable naming the prefixed secret, never its value', async () => {
    // Prepare
    const j = job({ baseImage: 'ghcr.io/team-a/private-base:1.0', pullSecret: 'ghcr-team-a', packages: { pip: ['numpy'] } });

    // Act
    await builder().start(j);

    // Assess
    const input = sentStartBuild();
    const secretVariables = (input.environmentVariablesOverride ?? []).filter((v) => v.type !== 'PLAINTEXT');
    expect(secretVariables).toEqual([{ name: 'PULL_SECRET_JSON', type: 'SECRETS_MANAGER', value: 'group-images/pull-secrets/ghcr-team-a' }]);
    expect(JSON.stringify(input)).not.toMatch(/auths|password|dockerconfigjson/i);
  });

  it("keeps every variable within CodeBuild's 4096-character limit, however long the package lists", async () => {
    // Prepare
    const noise = (i: number) => createHash('sha512').update(String(i)).digest('hex').slice(0, 120);
    const pip = Array.from({ length: 100 }, (_, i) => `package-${noise(i)}==1.${i}`);
    const conda = Array.from({ length: 100 }, (_, i) => `conda-forge::lib-${noise(1000 + i)}>=2.${i}`);

    // Act
    await builder().start(job({ baseImage: 'python:3.12', packages: { pip, conda } }));

    // Assess
    const variables = sentStartBuild().environmentVariablesOverride ?? [];
    expect(variables.filter((v) => /^BUILD_CONTEXT_PART_[0-9]+$/.test(v.name!)).length).toBeGreaterThan(2);
    expect(Math.max(...variables.map((v) => v.value!.length))).toBeLessThanOrEqual(CONTEXT_PART_MAX_CHARS);
  });

  it('fails when CodeBuild answers without a build id', async () => {
    // Prepare
    cb.on(StartBuildCommand).resolves({});

    // Act
    const error = await builder()
      .start(job())
      .catch((e: Error) => e);

    // Assess
    expect(error).toEqual(expect.objectContaining({ message: 'CodeBuild did not return a build id' }));
  });

  it("lets StartBuild's own errors through (the build service records them as the failure reason)", async () => {
    // Prepare
    cb.on(StartBuildCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    // Act
    const error = await builder()
      .start(job())
      .catch((e: Error) => e);

    // Assess
    expect(error).toEqual(expect.objectContaining({ name: 'ThrottlingException', message: 'Rate exceeded' }));
  });
});

describe('CodeBuildBuilder.stop', () => {
  it('sends StopBuild for the build', async () => {
    // Prepare
    cb.on(StopBuildCommand).resolves({ build: { id: CODEBUILD_ID, buildStatus: 'STOPPED' } });

    // Act
    await builder().stop(CODEBUILD_ID);

    // Assess
    expect(cb.commandCalls(StopBuildCommand).map((c) => c.args[0].input)).toEqual([{ id: CODEBUILD_ID }]);
  });

  it('tolerates InvalidInputException: the build had already finished', async () => {
    // Prepare
    cb.on(StopBuildCommand).rejects(Object.assign(new Error('Build is already completed'), { name: 'InvalidInputException' }));

    // Act
    const result = await builder().stop(CODEBUILD_ID);

    // Assess
    expect(result).toBeUndefined();
    expect(cb.commandCalls(StopBuildCommand)).toHaveLength(1);
  });

  it('lets other errors through', async () => {
    // Prepare
    cb.on(StopBuildCommand).rejects(Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' }));

    // Act
    const error = await builder()
      .stop(CODEBUILD_ID)
      .catch((e: Error) => e);

    // Assess
    expect(error).toEqual(expect.objectContaining({ name: 'AccessDeniedException' }));
  });
});

describe('CodeBuildBuilder.describe', () => {
  it("maps BatchGetBuilds' builds to progress, leaving out builds CodeBuild does not know", async () => {
    // Prepare
    const ids = [`${PROJECT}:aaaa`, `${PROJECT}:bbbb`, `${PROJECT}:cccc`, `${PROJECT}:gone`];
    cb.on(BatchGetBuildsCommand).resolves({
      builds: [
        {
          id: ids[0],
          buildStatus: 'SUCCEEDED',
          currentPhase: 'COMPLETED',
          endTime: new Date('2025-06-03T09:16:43Z'),
          timeoutInMinutes: 60,
          phases: [
            { phaseType: 'SUBMITTED', phaseStatus: 'SUCCEEDED' },
            { phaseType: 'BUILD', phaseStatus: 'SUCCEEDED' },
            { phaseType: 'POST_BUILD', phaseStatus: 'SUCCEEDED' },
            { phaseType: 'COMPLETED' },
          ],
        },
        {
          id: ids[1],
          buildStatus: 'FAILED',
          currentPhase: 'COMPLETED',
          endTime: new Date('2025-06-03T09:20:00Z'),
          phases: [
            { phaseType: 'PRE_BUILD', phaseStatus: 'SUCCEEDED' },
            {
              phaseType: 'BUILD',
              phaseStatus: 'FAILED',
              contexts: [{ statusCode: 'COMMAND_EXECUTION_ERROR', message: 'Error while executing command: (...). Reason: exit status 1' }],
            },
            { phaseType: 'COMPLETED' },
          ],
        },
        { id: ids[2], buildStatus: 'IN_PROGRESS', currentPhase: 'BUILD', phases: [{ phaseType: 'BUILD' }] },
      ],
      buildsNotFound: [ids[3]],
    });

    // Act
    const found = await builder().describe(ids);

    // Assess
    expect(cb.commandCalls(BatchGetBuildsCommand).map((c) => c.args[0].input)).toEqual([{ ids }]);
    expect([...found.keys()]).toEqual(ids.slice(0, 3));
    expect(found.get(ids[0]!)).toEqual({ status: 'succeeded', phase: 'pushing', at: '2025-06-03T09:16:43.000Z' });
    expect(found.get(ids[1]!)).toEqual({
      status: 'failed',
      phase: 'building',
      failureReason: expect.stringContaining('(BUILD FAILED: COMMAND_EXECUTION_ERROR: Error while executing command: (...). Reason: exit status 1)'),
      at: '2025-06-03T09:20:00.000Z',
    });
    expect(found.get(ids[2]!)).toEqual(expect.objectContaining({ status: 'building', phase: 'building' }));
  });

  it('asks about at most 100 builds per BatchGetBuilds call', async () => {
    // Prepare
    cb.on(BatchGetBuildsCommand).resolves({ builds: [] });
    const ids = Array.from({ length: 150 }, (_, i) => `${PROJECT}:${i}`);

    // Act
    await builder().describe(ids);

    // Assess
    expect(cb.commandCalls(BatchGetBuildsCommand).map((c) => c.args[0].input.ids!.length)).toEqual([100, 50]);
  });

  it('asks nothing when there is nothing to ask about', async () => {
    // Act
    const found = await builder().describe([]);

    // Assess
    expect(found.size).toBe(0);
    expect(cb.commandCalls(BatchGetBuildsCommand)).toHaveLength(0);
  });
});

describe('CloudWatchBuildLogs.read', () => {
  const started = buildRecord({ baseImage: 'python:3.12', packages: {} }, { builderId: CODEBUILD_ID, status: 'building' });
  const logs = () => new CloudWatchBuildLogs(cloudwatch, LOG_GROUP);

  it("reads the build's stream (named after the id part of the build) from the head", async () => {
    // Prepare
    cw.on(GetLogEventsCommand).resolves({
      events: [
        { timestamp: Date.UTC(2025, 5, 3, 9, 13, 6), message: '[Container] 2025/06/03 09:13:06 Entering phase INSTALL\n' },
        { timestamp: Date.UTC(2025, 5, 3, 9, 13, 9), message: 'note: EGRESS_GUARD=iptables' },
      ],
      nextForwardToken: 'f/38123456789012345678901234567890123456789012345678901234',
    });

    // Act
    const page = await logs().read(started, undefined, 500);

    // Assess
    expect(cw.commandCalls(GetLogEventsCommand).map((c) => c.args[0].input)).toEqual([
      { logGroupName: LOG_GROUP, logStreamName: '7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f', startFromHead: true, nextToken: undefined, limit: 500 },
    ]);
    expect(page).toEqual({
      lines: [
        { timestamp: '2025-06-03T09:13:06.000Z', message: '[Container] 2025/06/03 09:13:06 Entering phase INSTALL' },
        { timestamp: '2025-06-03T09:13:09.000Z', message: 'note: EGRESS_GUARD=iptables' },
      ],
      next: 'f/38123456789012345678901234567890123456789012345678901234',
    });
  });

  it('continues from the token it handed out', async () => {
    // Prepare
    cw.on(GetLogEventsCommand).resolves({ events: [], nextForwardToken: 'f/2' });

    // Act
    const page = await logs().read(started, 'f/1', 500);

    // Assess
    expect(cw.commandCalls(GetLogEventsCommand)[0]!.args[0].input.nextToken).toBe('f/1');
    expect(page).toEqual({ lines: [], next: 'f/2' });
  });

  it('reads on past an empty page that comes with a new token (CloudWatch can answer one while more events follow)', async () => {
    // Prepare
    cw.on(GetLogEventsCommand, { nextToken: undefined }).resolves({ events: [], nextForwardToken: 'f/2' });
    cw.on(GetLogEventsCommand, { nextToken: 'f/2' }).resolves({
      events: [{ timestamp: Date.UTC(2025, 5, 3, 9, 13, 6), message: 'FAILED: pip could not install' }],
      nextForwardToken: 'f/3',
    });

    // Act
    const page = await logs().read({ ...started, status: 'failed' }, undefined, 500);

    // Assess
    expect(cw.commandCalls(GetLogEventsCommand).map((c) => c.args[0].input.nextToken)).toEqual([undefined, 'f/2']);
    expect(page).toEqual({ lines: [{ timestamp: '2025-06-03T09:13:06.000Z', message: 'FAILED: pip could not install' }], next: 'f/3' });
  });

  it('stops at the end of the stream, where CloudWatch hands back the token it was given', async () => {
    // Prepare
    cw.on(GetLogEventsCommand).resolves({ events: [], nextForwardToken: 'f/9' });

    // Act
    const page = await logs().read(started, 'f/9', 500);

    // Assess
    expect(cw.commandCalls(GetLogEventsCommand)).toHaveLength(1);
    expect(page).toEqual({ lines: [], next: 'f/9' });
  });

  it('reads an empty log, keeping its position, when the stream does not exist yet', async () => {
    // Prepare
    cw.on(GetLogEventsCommand).rejects(Object.assign(new Error('The specified log stream does not exist.'), { name: 'ResourceNotFoundException' }));

    // Act
    const page = await logs().read(started, 'f/1', 500);

    // Assess
    expect(page).toEqual({ lines: [], next: 'f/1' });
  });

  it('reads nothing for a build that never reached the builder', async () => {
    // Act
    const page = await logs().read({ ...started, builderId: null }, undefined, 500);

    // Assess
    expect(page).toEqual({ lines: [], next: undefined });
    expect(cw.commandCalls(GetLogEventsCommand)).toHaveLength(0);
  });

  it('lets other errors through', async () => {
    // Prepare
    cw.on(GetLogEventsCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

    // Act
    const error = await logs()
      .read(started, undefined, 500)
      .catch((e: Error) => e);

    // Assess
    expect(error).toEqual(expect.objectContaining({ name: 'AccessDeniedException' }));
  });
});

describe('CloudWatchBuildLogs.lastFailure', () => {
  const failed = buildRecord({ baseImage: 'python:3.12', packages: {} }, { builderId: CODEBUILD_ID, status: 'building' });
  const logs = () => new CloudWatchBuildLogs(cloudwatch, LOG_GROUP);

  // The build's own nonce: the last part of its CodeBuild id (the log stream's name), never seen by its RUN steps.
  const MARKER = 'FAILED [7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f]: ';

  it("filters the build's stream for its marker nonce and answers the last marker's reason", async () => {
    // Prepare
    cw.on(FilterLogEventsCommand).resolves({
      events: [
        { message: `${MARKER}could not read the base image ghcr.io/team-a/private-base:1.0\n` },
        { message: `${MARKER}pip could not install the pip packages: check the requirement names and versions in the build log\n` },
      ],
    });

    // Act
    const reason = await logs().lastFailure(failed);

    // Assess
    expect(cw.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input)).toEqual([
      {
        logGroupName: LOG_GROUP,
        logStreamNames: ['7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f'],
        filterPattern: '"7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f"',
        nextToken: undefined,
      },
    ]);
    expect(reason).toBe('pip could not install the pip packages: check the requirement names and versions in the build log');
  });

  it("ignores FAILED lines without the marker, or with another build's, whatever the filter let through", async () => {
    // Prepare
    cw.on(FilterLogEventsCommand).resolves({
      events: [
        { message: `${MARKER}the real reason\n` },
        { message: 'FAILED: sign in again at https://evil.example.com 7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f\n' },
        { message: '#8 0.413 FAILED [7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f]: printed by a RUN step\n' },
        { message: "FAILED [00000000-0000-4000-8000-000000000000]: another build's nonce\n" },
      ],
    });

    // Act
    const reason = await logs().lastFailure(failed);

    // Assess
    expect(reason).toBe('the real reason');
  });

  it("follows the filter's next token", async () => {
    // Prepare
    cw.on(FilterLogEventsCommand, { nextToken: undefined }).resolves({ events: [{ message: `${MARKER}first` }], nextToken: 'page-2' });
    cw.on(FilterLogEventsCommand, { nextToken: 'page-2' }).resolves({ events: [{ message: `${MARKER}second` }] });

    // Act
    const reason = await logs().lastFailure(failed);

    // Assess
    expect(cw.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input.nextToken)).toEqual([undefined, 'page-2']);
    expect(reason).toBe('second');
  });

  it('answers nothing when the stream does not exist or has no FAILED line', async () => {
    // Prepare
    cw.on(FilterLogEventsCommand)
      .rejectsOnce(Object.assign(new Error('no stream'), { name: 'ResourceNotFoundException' }))
      .resolves({ events: [] });

    // Act
    const reasons = [await logs().lastFailure(failed), await logs().lastFailure(failed)];

    // Assess
    expect(reasons).toEqual([undefined, undefined]);
  });
});
