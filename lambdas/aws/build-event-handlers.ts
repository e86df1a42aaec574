/**
 * The one inbound adapter of the build-events function: CodeBuild's state and phase changes
 * (codebuild-events.ts reads them) -> the build lifecycle's reports, and ECR's scan results
 * (ecr-scan-events.ts) -> the builds' scans. Events that are malformed, not ours or not news are
 * logged and dropped (retrying them cannot help); storage errors are thrown so that EventBridge
 * retries and, in the end, dead-letters the event.
 */
import { recogniseEvent } from './codebuild-events.ts';
import type { BuildReports } from '../domain/build-lifecycle.ts';
import { log } from '../observability/log.ts';
import { recogniseScanEvent } from './ecr-scan-events.ts';
import type { ImageScans } from '../domain/image-scans.ts';

export interface BuildEventOutcome {
  outcome: string;
  buildId?: string;
}

export function buildEventHandler(builds: Pick<BuildReports, 'report'>, ours: { project: string; account?: string }) {
  return async (event: unknown): Promise<BuildEventOutcome> => {
    const recognised = recogniseEvent(event, ours);
    if (!recognised.ok) {
      log(recognised.reason === 'malformed' ? 'warn' : 'info', 'build event ignored', { reason: recognised.reason, detail: recognised.detail });
      return { outcome: recognised.reason };
    }
    const outcome = await builds.report(recognised.ref, recognised.builderId, recognised.progress);
    log('info', 'build event', {
      outcome,
      buildId: recognised.ref.buildId,
      image: recognised.ref.image,
      group: recognised.ref.scope.group,
      status: recognised.progress.status,
      phase: recognised.progress.phase,
    });
    return { outcome, buildId: recognised.ref.buildId };
  };
}

/**
 * Issue 18: the same function takes ECR's scan results (a rule of its own routes them here): it
 * already reads and writes build records, and a scan needs nothing more.
 */
export function imageScanHandler(scans: ImageScans, ours: { repository: string; account?: string }) {
  return async (event: unknown): Promise<BuildEventOutcome> => {
    const recognised = recogniseScanEvent(event, ours);
    if (!recognised.ok) {
      log(recognised.reason === 'malformed' ? 'warn' : 'info', 'image scan event ignored', { reason: recognised.reason, detail: recognised.detail });
      return { outcome: recognised.reason };
    }
    const changed = await scans.scanned(recognised.scan);
    log('info', 'image scan event', {
      tags: recognised.scan.tags,
      digest: recognised.scan.digest,
      changed,
      critical: recognised.scan.vulnerabilities.critical,
    });
    return { outcome: changed > 0 ? 'applied' : 'no-op' };
  };
}
