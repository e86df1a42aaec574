/**
 * CodeBuild state and phase changes -> build status. Events that are malformed, not ours or not
 * news are logged and dropped (retrying them cannot help); storage errors are thrown so that
 * EventBridge retries and, in the end, dead-letters the event.
 */
import { recogniseEvent } from '../aws/codebuild-events.ts';
import type { BuildService } from '../domain/builds.ts';
import { log } from '../observability/log.ts';

export interface BuildEventOutcome {
  outcome: string;
  buildId?: string;
}

export function buildEventHandler(builds: BuildService, ours: { project: string; account?: string }) {
  return async (event: unknown): Promise<BuildEventOutcome> => {
    const recognised = recogniseEvent(event, ours);
    if (!recognised.ok) {
      log(recognised.reason === 'malformed' ? 'warn' : 'info', 'build event ignored', { reason: recognised.reason, detail: recognised.detail });
      return { outcome: recognised.reason };
    }
    const outcome = await builds.report(recognised.ref, recognised.builderId, recognised.progress);
    log('info', 'build event', { outcome, buildId: recognised.ref.buildId, image: recognised.ref.image, group: recognised.ref.scope.group, status: recognised.progress.status, phase: recognised.progress.phase });
    return { outcome, buildId: recognised.ref.buildId };
  };
}
