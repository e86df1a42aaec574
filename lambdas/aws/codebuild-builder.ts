/** Builds run by CodeBuild: StartBuild with the build context and references in its environment. */
import { BatchGetBuildsCommand, StartBuildCommand, StopBuildCommand, type CodeBuildClient, type EnvironmentVariable } from '@aws-sdk/client-codebuild';
import { baseImagePull, type BaseImageMirrors } from '../builds/base-image-mirrors.ts';
import { buildContextVariables } from '../builds/context-transport.ts';
import { BUILDSPEC_ENV } from '../builds/buildspec-env.ts';
import type { BuildProgress } from '../domain/build.ts';
import type { Builder, BuildJob } from '../domain/builder.ts';
import { parseSecretReference, type SecretRef } from '../domain/tenant-references.ts';
import { BUILD_REF_ENV, progressOf } from './codebuild-events.ts';
import { scopeKey } from '../domain/scope.ts';
import { pullSecretId } from './secrets-manager-directory.ts';

/** CodeBuild's BatchGetBuilds takes at most 100 ids. */
const BATCH = 100;

/**
 * Every variable a build gets, except its pull secret (which only CodeBuild may resolve). BASE_IMAGE
 * stays what the admin wrote; BASE_IMAGE_PULL is what the builder pulls (through a mirror, if any).
 */
export function buildVariables(job: BuildJob, mirrors: BaseImageMirrors = {}): Record<string, string> {
  const pull = baseImagePull(job.build.spec.baseImage, mirrors, { pullSecret: job.pullSecret !== null });
  return {
    ...buildContextVariables(job.files),
    [BUILDSPEC_ENV.baseImage]: job.build.spec.baseImage,
    [BUILDSPEC_ENV.baseImagePull]: pull.reference,
    [BUILDSPEC_ENV.baseImagePullReason]: pull.reason,
    [BUILDSPEC_ENV.imageUri]: job.build.targetUrl,
    [BUILDSPEC_ENV.cacheRef]: job.cacheRef,
    [BUILD_REF_ENV.scope]: scopeKey(job.scope),
    [BUILD_REF_ENV.image]: job.build.image,
    [BUILD_REF_ENV.build]: job.build.id,
  };
}

/**
 * The secret a build reads: a system secret, or one of its own group's. The catalog checked this when
 * the spec was stored; checked again here because the build role could read any of them.
 */
export function buildSecretRef(job: BuildJob): SecretRef {
  const ref = parseSecretReference(job.pullSecret ?? '');
  if (!ref || (ref.group !== null && ref.group !== job.scope.group)) throw new Error(`the pull secret "${job.pullSecret}" is not one this build may use`);
  return ref;
}

export class CodeBuildBuilder implements Builder {
  constructor(
    private readonly codebuild: CodeBuildClient,
    private readonly project: string,
    /** Pull secrets live in Secrets Manager under this prefix. */
    private readonly secretPrefix: string,
    /** Registry host -> mirror prefix for base images (BASE_IMAGE_MIRRORS). */
    private readonly baseImageMirrors: BaseImageMirrors = {},
  ) {}

  async start(job: BuildJob): Promise<{ builderId: string }> {
    const variables: EnvironmentVariable[] = Object.entries(buildVariables(job, this.baseImageMirrors)).map(([name, value]) => ({
      name,
      value,
      type: 'PLAINTEXT',
    }));
    if (job.pullSecret) {
      // CodeBuild resolves it inside the build: the credential is never in our request, the event or the log.
      variables.push({ name: BUILDSPEC_ENV.pullSecretJson, value: pullSecretId(this.secretPrefix, buildSecretRef(job)), type: 'SECRETS_MANAGER' });
    }
    const out = await this.codebuild.send(
      new StartBuildCommand({ projectName: this.project, idempotencyToken: job.build.id, environmentVariablesOverride: variables }),
    );
    if (!out.build?.id) throw new Error('CodeBuild did not return a build id');
    return { builderId: out.build.id };
  }

  async stop(builderId: string): Promise<void> {
    try {
      await this.codebuild.send(new StopBuildCommand({ id: builderId }));
    } catch (e) {
      // A build that already finished cannot be stopped, which is what we wanted anyway.
      if ((e as Error).name !== 'InvalidInputException') throw e;
    }
  }

  async describe(builderIds: string[]): Promise<Map<string, BuildProgress>> {
    const found = new Map<string, BuildProgress>();
    for (let i = 0; i < builderIds.length; i += BATCH) {
      const out = await this.codebuild.send(new BatchGetBuildsCommand({ ids: builderIds.slice(i, i + BATCH) }));
      for (const b of out.builds ?? []) {
        const phases = (b.phases ?? []).map((p) => ({
          'phase-type': p.phaseType ?? '',
          'phase-status': p.phaseStatus,
          'phase-context': (p.contexts ?? []).map((c) => [c.statusCode, c.message].filter(Boolean).join(': ')),
        }));
        const at = (b.endTime ?? new Date()).toISOString();
        const progress = progressOf(b.buildStatus ?? '', b.currentPhase ?? null, phases, b.timeoutInMinutes, at);
        if (b.id && progress) found.set(b.id, progress);
      }
    }
    return found;
  }
}
