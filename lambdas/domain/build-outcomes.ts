/**
 * "Image Build Succeeded / Failed / Cancelled": what the service tells the portal and notification
 * tools when a build ends, so they can react without polling.
 */
import type { BuildRecord } from './build.ts';
import type { Vulnerabilities } from './image-scans.ts';

export const OUTCOME_SOURCE = 'group-images';
export const OUTCOME_DETAIL_TYPES = {
  succeeded: 'Image Build Succeeded',
  failed: 'Image Build Failed',
  cancelled: 'Image Build Cancelled',
} as const;

/** The event's `detail`: enough to act on without calling the API back. */
export interface BuildOutcome {
  scope: 'group' | 'system';
  group: string | null;
  image: string;
  buildId: string;
  status: 'succeeded' | 'failed' | 'cancelled';
  imageUrl: string | null;
  reused: boolean;
  failureReason: string | null;
  createdBy: string;
  createdAt: string;
  finishedAt: string | null;
  /** Issue 18: the image's digest, when the build reported it. */
  digest: string | null;
  /** Issue 18: the scan result, when one arrived before the build's end was announced. */
  vulnerabilities: Vulnerabilities | null;
}

export interface BuildOutcomePublisher {
  /** Best effort: a failure to publish is logged, never undoes the build's status. */
  publish(outcome: BuildOutcome): Promise<void>;
}

export function outcomeOf(build: BuildRecord): BuildOutcome | undefined {
  if (build.status !== 'succeeded' && build.status !== 'failed' && build.status !== 'cancelled') return undefined;
  return {
    scope: build.group === null ? 'system' : 'group',
    group: build.group,
    image: build.image,
    buildId: build.id,
    status: build.status,
    imageUrl: build.imageUrl,
    reused: build.reused,
    failureReason: build.failureReason,
    createdBy: build.createdBy,
    createdAt: build.createdAt,
    finishedAt: build.finishedAt,
    digest: build.facts?.digest ?? null,
    vulnerabilities: build.vulnerabilities ?? null,
  };
}
