/**
 * CodeBuild's phase names, and what each means in the build service's words (build-states.ts). The
 * only place that knows them: CodeBuild's events and BatchGetBuilds answers are read through here,
 * and so is the buildspec the local runner runs (its phases are CodeBuild's).
 *
 * | CodeBuild                                      | service     | what our buildspec does there                  |
 * | ---------------------------------------------- | ----------- | ---------------------------------------------- |
 * | SUBMITTED, QUEUED                              | queued      | nothing yet: waiting for a build host          |
 * | PROVISIONING, DOWNLOAD_SOURCE, INSTALL, PRE_BUILD | preparing | host started, egress guard, registry logins, base image pulled |
 * | BUILD                                          | building    | the image built: apt, conda, pip installed     |
 * | POST_BUILD                                     | pushing     | the image pushed, its facts reported           |
 * | UPLOAD_ARTIFACTS, FINALIZING, COMPLETED        | finishing   | CodeBuild's own clean-up                       |
 */
import type { BuildPhase } from '../domain/build-states.ts';

/** CodeBuild's phases in the order a build goes through them. */
export const CODEBUILD_PHASES = [
  'SUBMITTED',
  'QUEUED',
  'PROVISIONING',
  'DOWNLOAD_SOURCE',
  'INSTALL',
  'PRE_BUILD',
  'BUILD',
  'POST_BUILD',
  'UPLOAD_ARTIFACTS',
  'FINALIZING',
  'COMPLETED',
] as const;
export type CodeBuildPhaseName = (typeof CODEBUILD_PHASES)[number];

const PHASE_OF: Record<CodeBuildPhaseName, BuildPhase> = {
  SUBMITTED: 'queued',
  QUEUED: 'queued',
  PROVISIONING: 'preparing',
  DOWNLOAD_SOURCE: 'preparing',
  INSTALL: 'preparing',
  PRE_BUILD: 'preparing',
  BUILD: 'building',
  POST_BUILD: 'pushing',
  UPLOAD_ARTIFACTS: 'finishing',
  FINALIZING: 'finishing',
  COMPLETED: 'finishing',
};

export const isCodeBuildPhase = (name: string): name is CodeBuildPhaseName => (CODEBUILD_PHASES as readonly string[]).includes(name);

/** The service's phase for a CodeBuild phase; undefined for a name CodeBuild may add later (not guessed at). */
export const phaseOf = (name: string | null | undefined): BuildPhase | undefined => (name && isCodeBuildPhase(name) ? PHASE_OF[name] : undefined);

/** The phase CodeBuild goes to after this one (after the last: none). */
export function nextCodeBuildPhase(name: CodeBuildPhaseName): CodeBuildPhaseName | undefined {
  return CODEBUILD_PHASES[CODEBUILD_PHASES.indexOf(name) + 1];
}

/** What a failure in each phase means for a group admin, from what our buildspec does there. */
const FAILURE_MEANING: Partial<Record<CodeBuildPhaseName, string>> = {
  SUBMITTED: 'The build was not accepted',
  QUEUED: 'The build waited too long in the queue',
  PROVISIONING: 'The build environment could not be provisioned',
  DOWNLOAD_SOURCE: 'The build context could not be prepared',
  INSTALL: 'Preparing the builder failed',
  PRE_BUILD: 'Logging in to the registries or pulling the base image failed: check the base image url and its pull secret',
  BUILD: 'Installing the packages failed: the end of the build log names the package that could not be installed',
  POST_BUILD: 'Pushing the built image failed',
};

/** Why a build failed, from the phase that failed (none known: the log says why). */
export function phaseFailureReason(failed: { name: string; status?: string; context?: string[] } | undefined): string {
  if (!failed) return 'The build failed; the build log says why.';
  const what = (isCodeBuildPhase(failed.name) && FAILURE_MEANING[failed.name]) || `The ${failed.name} phase failed`;
  const context = (failed.context ?? []).filter((c) => c && c !== ': ').join(' ');
  return `${what} (${failed.name} ${failed.status}${context ? `: ${context}` : ''}).`;
}

/** Why a build that ran out of time failed: never left the queue, or ran longer than its limit. */
export function timedOutReason(lastPhase: string | undefined, timeoutMinutes: number | undefined): string {
  if (lastPhase === 'SUBMITTED' || lastPhase === 'QUEUED') {
    return 'The build waited in the build queue longer than its queued timeout and never started: the platform is busy, rebuild later.';
  }
  const where = phaseOf(lastPhase);
  return `The build ran longer than its ${timeoutMinutes ?? 'configured'}-minute limit${where ? ` (while ${where})` : ''} and was stopped. Fewer or lighter packages build faster; ask the platform team if the limit is too low.`;
}
