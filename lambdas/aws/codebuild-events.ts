/**
 * CodeBuild's "Build State Change" and "Build Phase Change" events, and CodeBuild's own build
 * descriptions, in the build service's words: which build, and how far it got. Anything malformed or
 * not ours is recognised as such, never guessed at.
 */
import * as z from 'zod/mini';
import { PHASES, type BuildProgress } from '../domain/build.ts';
import type { Scope } from '../domain/scope.ts';

/** Environment variables every build carries, so that its events name the build they belong to. */
export const BUILD_REF_ENV = { scope: 'GI_SCOPE', image: 'GI_IMAGE', build: 'GI_BUILD_ID' } as const;

export interface BuildRef {
  scope: Scope;
  image: string;
  buildId: string;
}

export const scopeRef = (scope: Scope) => (scope.group === null ? 'system' : `group:${scope.group}`);
export function parseScopeRef(value: string): Scope | undefined {
  if (value === 'system') return { group: null };
  return value.startsWith('group:') && value.length > 6 ? { group: value.slice(6) } : undefined;
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
  const scope = parseScopeRef(env.get(BUILD_REF_ENV.scope) ?? '');
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

/** After a phase completes successfully the build is in the next one. */
function phaseProgress(completed: string | undefined, status: string | undefined, at: string): BuildProgress | undefined {
  if (!completed) return undefined;
  const i = PHASES.indexOf(completed as (typeof PHASES)[number]);
  const current = status === 'SUCCEEDED' && i >= 0 && i + 1 < PHASES.length ? PHASES[i + 1]! : completed;
  return current === 'COMPLETED' ? undefined : { status: 'building', phase: current, at };
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
  switch (buildStatus) {
    case 'IN_PROGRESS':
      return { status: 'building', phase: currentPhase && currentPhase !== 'COMPLETED' ? currentPhase : undefined, at };
    case 'SUCCEEDED':
      return { status: 'succeeded', phase: lastPhase, at };
    case 'STOPPED':
      return { status: 'cancelled', phase: lastPhase, at };
    case 'TIMED_OUT':
      if (lastPhase === 'SUBMITTED' || lastPhase === 'QUEUED') {
        return {
          status: 'failed',
          phase: lastPhase,
          failureReason: 'The build waited in the build queue longer than its queued timeout and never started: the platform is busy, rebuild later.',
          at,
        };
      }
      return {
        status: 'failed',
        phase: lastPhase,
        failureReason: `The build ran longer than its ${timeoutMinutes ?? 'configured'}-minute limit${lastPhase ? ` (in ${lastPhase})` : ''} and was stopped. Fewer or lighter packages build faster; ask the platform team if the limit is too low.`,
        at,
      };
    case 'FAILED':
    case 'FAULT':
      return { status: 'failed', phase: lastPhase, failureReason: failureReason(failedPhase), at };
    default:
      return undefined;
  }
}

const PHASE_MEANING: Record<string, string> = {
  SUBMITTED: 'The build was not accepted',
  QUEUED: 'The build waited too long in the queue',
  PROVISIONING: 'The build environment could not be provisioned',
  DOWNLOAD_SOURCE: 'The build context could not be prepared',
  INSTALL: 'Preparing the builder failed',
  PRE_BUILD: 'Logging in to the registries or pulling the base image failed: check the base image url and its pull secret',
  BUILD: 'Installing the packages failed: the end of the build log names the package that could not be installed',
  POST_BUILD: 'Pushing the built image failed',
};

function failureReason(failed: CodeBuildPhase | undefined): string {
  if (!failed) return 'The build failed; the build log says why.';
  const what = PHASE_MEANING[failed['phase-type']] ?? `The ${failed['phase-type']} phase failed`;
  const context = (failed['phase-context'] ?? []).filter((c) => c && c !== ': ').join(' ');
  return `${what} (${failed['phase-type']} ${failed['phase-status']}${context ? `: ${context}` : ''}).`;
}
