/** The ports the build service drives: whoever builds images, and wherever their logs are kept. */
import type { BuildProgress, BuildRecord } from './build.ts';
import type { BuildFacts } from './build-facts.ts';
import type { Scope } from './scope.ts';
import { failureMarker, failureNonceOf } from '../builds/buildspec-env.ts';

export interface BuildJob {
  scope: Scope;
  build: BuildRecord;
  /** The build context: a Dockerfile and the package list files. */
  files: Record<string, string>;
  /** Where the registry layer cache of this scope lives. */
  cacheRef: string;
  /** The pull secret for the base image's registry, by name; never its value. */
  pullSecret: string | null;
}

export interface Builder {
  /** Starts a build; idempotent per build id. Returns the builder's id for it, and whether it only rehearses. */
  start(job: BuildJob): Promise<{ builderId: string; dryRun?: boolean }>;
  /** Stops a build; stopping a finished build is not an error. */
  stop(builderId: string): Promise<void>;
  /** What the builder knows of these builds now (the reconciler's question). */
  describe(builderIds: string[]): Promise<Map<string, BuildProgress>>;
}

export interface LogLine {
  timestamp: string;
  message: string;
}

export interface BuildLogReader {
  /** Log lines after `position` (an opaque position this reader gave out), and the next position. */
  read(build: BuildRecord, position: string | undefined, limit: number): Promise<{ lines: LogLine[]; next: string | undefined }>;
  /** The last failure marker (`FAILED [<nonce>]: ...`) of the build's own template, the most actionable reason a failed build has. */
  lastFailure(build: BuildRecord): Promise<string | undefined>;
  /** Issue 18: the facts the build reported in its log (build-facts-report.ts), if any. */
  factsOf?(build: BuildRecord): Promise<BuildFacts | undefined>;
}

/** Where images and caches are pushed: content-addressed tags in this service's repositories. */
export interface ImageRegistry {
  imageUrlFor(tag: string): string;
  cacheRefFor(scope: Scope): string;
}

/**
 * The reason of the last failure marker the build's template wrote, or undefined. Only lines carrying
 * this build's nonce count: a "FAILED: ..." line printed by a package or a base image is output, not a reason.
 */
export function lastFailureIn(messages: string[], builderId: string): string | undefined {
  const marker = failureMarker(failureNonceOf(builderId));
  return messages
    .map((m) => m.trim())
    .filter((m) => m.startsWith(marker))
    .map((m) => m.slice(marker.length).trim())
    .filter(Boolean)
    .at(-1);
}
