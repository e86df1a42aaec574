/**
 * Dry runs (local mode without a working container CLI) render and check everything and build
 * nothing, so they never pretend otherwise: a dry run ends failed with this reason, never sets a url,
 * never makes its image ready, and (failed) is never reused by a later identical build.
 */
import type { BuildProgress, BuildRecord } from './build.ts';

export const DRY_RUN_REASON =
  'DRY RUN: the build context was rendered and checked, but no image was built (the local server has no working container CLI; the first line of the build log says why)';

/** What a report about a dry-run build may say: "succeeded" becomes failed, with the reason above. */
export function dryRunHonest<P extends BuildProgress & { imageUrl?: string | null }>(build: BuildRecord, progress: P): P {
  if (!build.dryRun || progress.status !== 'succeeded') return progress;
  return { ...progress, status: 'failed', failureReason: DRY_RUN_REASON, imageUrl: undefined };
}
