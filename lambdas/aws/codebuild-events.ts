/**
 * CodeBuild's "Build State Change" and "Build Phase Change" events, and CodeBuild's own build
 * descriptions, in the build service's words: which build, and how far it got (its phases mapped by
 * codebuild-phases.ts). Anything malformed or
 * not ours is recognised as such, never guessed at.
 */
import * as z from 'zod/mini';
import type { BuildProgress } from '../domain/build.ts';
import { isCodeBuildPhase, nextCodeBuildPhase, phaseFailureReason, phaseOf, timedOutReason } from './codebuild-phases.ts';
import { parseScopeKey, type Scope } from '../domain/scope.ts';

/** Environment variables every build carries, so that its events name the build they belong to. */
export const BUILD_REF_ENV = { scope: 'GI_SCOPE', image: 'GI_IMAGE', build: 'GI_BUILD_ID' } as const;

export interface BuildRef {
  scope: Scope;
  image: string;
  buildId: string;
}

const phase = z.object({
  'phase-type': z.string(),
  'phase-status': z.optional(z.string()),
  'phase-context': z.optional(z.array(z.string())),
});
export type CodeBuildPhase = z.infer<typeof phase>;

const codeBuildEvent = z.object({
  source: z.literal('aws.codebuild'),
  'detail-type': z.enum(['CodeBuild Build State Change', 'CodeBuild Build Phase Change']),
  account: z.string(),
  time: z.string(),
  detail: z.object({
    'project-name': z.string(),
    'build-id': z.string(),
    'build-status': z.optional(z.string()),
    'current-phase': z.optional(z.string()),
    'completed-phase': z.optional(z.string()),
    'completed-phase-status': z.optional(z.string()),
    // CodeBuild sends this one as a string ("[]", "[: ]"), unlike the phases' lists; neither is read.
    'completed-phase-context': z.optional(z.union([z.string(), z.array(z.string())])),
    'additional-information': z.object({
      environment: z.optional(z.object({ 'environment-variables': z.optional(z.array(z.object({ name: z.string(), value: z.optional(z.string()) }))) })),
      phases: z.optional(z.array(phase)),
      'timeout-in-minutes': z.optional(z.number()),
    }),
  }),
});

export type Recognised =
  | { ok: true; builderId: string; ref: BuildRef; progress: BuildProgress }
  | { ok: false; reason: 'malformed' | 'foreign-project' | 'foreign-account' | 'not-a-build-of-ours' | 'no-news'; detail?: string };

/** Reads one EventBridge event; `project` and `account` say what is ours. */
export function recogniseEvent(event: unknown, ours: { project: string; account?: string }): Recognised {
  const parsed = codeBuildEvent.safeParse(event);
  if (!parsed.success) return { ok: false, reason: 'malformed', detail: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  const e = parsed.data;
  const d = e.detail;
  if (d['project-name'] !== ours.project) return { ok: false, reason: 'foreign-project', detail: d['project-name'] };
  if (ours.account && e.account !== ours.account) return { ok: false, reason: 'foreign-account', detail: e.account };
  const env = new Map((d['additional-information'].environment?.['environment-variables'] ?? []).map((v) => [v.name, v.value ?? '']));
  const scope = parseScopeKey(env.get(BUILD_REF_ENV.scope) ?? '');
  const image = env.get(BUILD_REF_ENV.image);
  const buildId = env.get(BUILD_REF_ENV.build);
  if (!scope || !image || !buildId) return { ok: false, reason: 'not-a-build-of-ours', detail: d['build-id'] };

  const progress =
    e['detail-type'] === 'CodeBuild Build State Change'
      ? progressOf(
          d['build-status'] ?? '',
          d['current-phase'] ?? null,
          d['additional-information'].phases ?? [],
          d['additional-information']['timeout-in-minutes'],
          e.time,
        )
      : phaseProgress(d['completed-phase'], d['completed-phase-status'], e.time);
  if (!progress) return { ok: false, reason: 'no-news', detail: `${e['detail-type']} ${d['build-status'] ?? d['completed-phase'] ?? ''}` };
  return { ok: true, builderId: codeBuildIdOf(d['build-id']), ref: { scope, image, buildId }, progress };
}

/**
 * The build's id as CodeBuild's API names it (`<project>:<uuid>`: StartBuild's answer, what
 * BatchGetBuilds and StopBuild take), from the build ARN its events carry.
 */
export function codeBuildIdOf(buildId: string): string {
  const at = buildId.indexOf(':build/');
  return buildId.startsWith('arn:') && at >= 0 ? buildId.slice(at + ':build/'.length) : buildId;
}

/** After a phase completes successfully the build is in the next one; a failed phase is where it stays until its state change. */
function phaseProgress(completed: string | undefined, status: string | undefined, at: string): BuildProgress | undefined {
  if (!completed || !isCodeBuildPhase(completed)) return undefined;
  const current = status === 'SUCCEEDED' ? nextCodeBuildPhase(completed) : completed;
  return current === undefined || current === 'COMPLETED' ? undefined : { status: 'building', phase: phaseOf(current), at };
}

/** A build's status as CodeBuild reports it (events and BatchGetBuilds alike). */
export function progressOf(
  buildStatus: string,
  currentPhase: string | null,
  phases: CodeBuildPhase[],
  timeoutMinutes: number | undefined,
  at: string,
): BuildProgress | undefined {
  const failedPhase = phases.find((p) => p['phase-status'] && !['SUCCEEDED', 'IN_PROGRESS'].includes(p['phase-status']));
  const lastPhase =
    failedPhase?.['phase-type'] ?? [...phases].reverse().find((p) => p['phase-type'] !== 'COMPLETED')?.['phase-type'] ?? currentPhase ?? undefined;
  const phase = phaseOf(lastPhase);
  const reported = (progress: BuildProgress): BuildProgress => (phase ? { ...progress, phase } : progress);
  switch (buildStatus) {
    case 'IN_PROGRESS': {
      const current = currentPhase && currentPhase !== 'COMPLETED' ? phaseOf(currentPhase) : undefined;
      return current ? { status: 'building', phase: current, at } : { status: 'building', at };
    }
    case 'SUCCEEDED':
      return reported({ status: 'succeeded', at });
    case 'STOPPED':
      return reported({ status: 'cancelled', at });
    case 'TIMED_OUT':
      return reported({ status: 'failed', failureReason: timedOutReason(lastPhase, timeoutMinutes), at });
    case 'FAILED':
    case 'FAULT':
      return reported({
        status: 'failed',
        failureReason: phaseFailureReason(
          failedPhase && { name: failedPhase['phase-type'], status: failedPhase['phase-status'], context: failedPhase['phase-context'] },
        ),
        at,
      });
    default:
      return undefined;
  }
}
