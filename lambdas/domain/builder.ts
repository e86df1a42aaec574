/** The ports the build service drives: whoever builds images, and wherever their logs are kept. */
import type { BuildProgress, BuildRecord } from './build.ts';
import type { Scope } from './scope.ts';
import { FAILURE_PREFIX } from '../builds/buildspec-env.ts';

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
  /** The buildspec's last "FAILED: ..." line, the most actionable reason a failed build has. */
  lastFailure(build: BuildRecord): Promise<string | undefined>;
}

/** Where images and caches are pushed: content-addressed tags in this service's repositories. */
export interface ImageRegistry {
  imageUrlFor(tag: string): string;
  cacheRefFor(scope: Scope): string;
}

/** The last of the buildspec's "FAILED: ..." lines, without the prefix. */
export const lastFailureIn = (messages: string[]) =>
  messages
    .filter((m) => m.startsWith(FAILURE_PREFIX))
    .map((m) => m.slice(FAILURE_PREFIX.length).trim())
    .at(-1);
