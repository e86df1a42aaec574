/**
 * The builders pass a separate pull reference for the base image: what StartBuild sends to
 * CodeBuild (aws-sdk-client-mock), with and without mirrors and pull secrets.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { CodeBuildClient, StartBuildCommand, type EnvironmentVariable } from '@aws-sdk/client-codebuild';
import { CodeBuildBuilder } from '../../lambdas/aws/codebuild-builder.ts';
import { renderBuildContext } from '../../lambdas/builds/build-context.ts';
import { unpackBuildContext } from '../../lambdas/builds/context-transport.ts';
import { queuedBuild } from '../../lambdas/domain/build.ts';
import type { BuildJob } from '../../lambdas/domain/builder.ts';
import type { StoredBuildSpec } from '../../lambdas/domain/image.ts';
import { groupScope } from '../../lambdas/domain/scope.ts';

const PROJECT = 'group-images-image-build';
const SECRET_PREFIX = 'GroupImages/pull-secrets/';
const CACHE_MIRROR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub';
const MIRRORS = { 'docker.io': CACHE_MIRROR, 'quay.io': 'mirror.example.com/quay' };

function job(spec: StoredBuildSpec): BuildJob {
  const build = queuedBuild({
    id: 'b0lz4k2m1q3r8s9t',
    image: 'nlp-ab12c',
    group: 'team-a',
    spec,
    specHash: 'a'.repeat(64),
    targetUrl: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/group-images:sha-0123',
    createdAt: '2026-12-07T10:00:00.000Z',
    createdBy: 'ada',
  });
  return { scope: groupScope('team-a'), build, files: renderBuildContext(spec).files, cacheRef: '', pullSecret: spec.pullSecret ?? null };
}

const codebuild = new CodeBuildClient({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'unit-test' } });
const cb = mockClient(codebuild);

beforeEach(() => {
  cb.reset();
  cb.on(StartBuildCommand).resolves({ build: { id: `${PROJECT}:7c1d2e3f` } });
});

async function sentVariables(builder: CodeBuildBuilder, j: BuildJob) {
  await builder.start(j);
  const calls = cb.commandCalls(StartBuildCommand);
  expect(calls).toHaveLength(1);
  return new Map((calls[0]!.args[0].input.environmentVariablesOverride ?? []).map((v: EnvironmentVariable) => [v.name!, v]));
}

describe('CodeBuildBuilder: the base image pull reference', () => {
  it('sends the mirror reference to pull, keeps BASE_IMAGE and the build context as the admin wrote them, and says why', async () => {
    // Prepare
    const spec: StoredBuildSpec = { baseImage: 'python:3.12-slim', packages: { pip: ['requests'] } };

    // Act
    const variables = await sentVariables(new CodeBuildBuilder(codebuild, PROJECT, SECRET_PREFIX, MIRRORS), job(spec));

    // Assess
    expect(variables.get('BASE_IMAGE')).toEqual({ name: 'BASE_IMAGE', value: 'python:3.12-slim', type: 'PLAINTEXT' });
    expect(variables.get('BASE_IMAGE_PULL')).toEqual({ name: 'BASE_IMAGE_PULL', value: `${CACHE_MIRROR}/library/python:3.12-slim`, type: 'PLAINTEXT' });
    expect(variables.get('BASE_IMAGE_PULL_REASON')?.value).toBe(`through the mirror of docker.io at ${CACHE_MIRROR}`);
    // The build context (and so the image's tag) does not depend on the mirror.
    const parts = [...variables.values()].filter((v) => /^BUILD_CONTEXT_PART_\d+$/.test(v.name!)).map((v) => v.value!);
    expect(unpackBuildContext(parts)).toEqual(renderBuildContext(spec).files);
  });

  it('pulls a base image whose registry has no mirror as written', async () => {
    const variables = await sentVariables(
      new CodeBuildBuilder(codebuild, PROJECT, SECRET_PREFIX, MIRRORS),
      job({ baseImage: 'ghcr.io/org/base:1.0', packages: {} }),
    );

    expect(variables.get('BASE_IMAGE_PULL')?.value).toBe('ghcr.io/org/base:1.0');
    expect(variables.get('BASE_IMAGE_PULL_REASON')?.value).toBe('from its own registry ghcr.io (no mirror is configured for it)');
  });

  it('pulls a base image with a pull secret from its own registry with the secret, not through the mirror', async () => {
    const variables = await sentVariables(
      new CodeBuildBuilder(codebuild, PROJECT, SECRET_PREFIX, MIRRORS),
      job({ baseImage: 'quay.io/team/private:2', pullSecret: 'quay-team', packages: {} }),
    );

    expect(variables.get('BASE_IMAGE_PULL')?.value).toBe('quay.io/team/private:2');
    expect(variables.get('BASE_IMAGE_PULL_REASON')?.value).toMatch(/^from its own registry quay\.io with the image's pull secret/);
    expect(variables.get('PULL_SECRET_JSON')).toEqual({ name: 'PULL_SECRET_JSON', value: `${SECRET_PREFIX}quay-team`, type: 'SECRETS_MANAGER' });
  });

  it('without mirrors, pulls every base image as written', async () => {
    const variables = await sentVariables(new CodeBuildBuilder(codebuild, PROJECT, SECRET_PREFIX), job({ baseImage: 'python:3.12-slim', packages: {} }));

    expect(variables.get('BASE_IMAGE_PULL')?.value).toBe('python:3.12-slim');
    expect(variables.get('BASE_IMAGE_PULL_REASON')?.value).toBe('from its own registry docker.io (no mirror is configured for it)');
  });
});
