/**
 * The ports (adapters) the functions are wired with, in fragments each function's factory combines.
 * Every member is required: a function wired without something it needs is a type error where it is
 * wired (Lambda entry, local server, bench, test harness), never a 503 at run time. Where a port may
 * truly be absent it says so with `null`, which the caller must write.
 */
import type { ClaimNames } from '../config.ts';
import type { BuildMetrics } from '../domain/build-metrics.ts';
import type { BuildOutcomePublisher } from '../domain/build-outcomes.ts';
import type { BuildStore, ImageBuildLink } from '../domain/build-store.ts';
import type { Builder, BuildLogReader } from '../domain/builder.ts';
import type { CursorCodec } from '../domain/cursor.ts';
import type { ImageScans } from '../domain/image-scans.ts';
import type { ImageStore } from '../domain/image-store.ts';
import type { BuiltTags, PullSecretDirectory, ServiceRepositories } from '../domain/tenant-references.ts';

export interface Clock {
  now: () => Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** How the caller is read from the token (HTTP functions only). */
export interface ClaimPorts {
  claims: ClaimNames;
}

/** The table's images and builds. */
export interface TablePorts {
  imageStore: ImageStore & ImageBuildLink;
  /** Also tells which tags a scope's builds produced (an image may name only those in the service's repositories). */
  buildStore: BuildStore & BuiltTags;
}

/** The table, and the codec of list cursors: every function that answers pages. */
export interface StorePorts extends TablePorts {
  cursors: CursorCodec;
}

export interface BuildLogPorts {
  logs: BuildLogReader;
}

/** What every function that can settle a build (writer, build events, reconciler) is given. */
export interface SettlementPorts extends TablePorts {
  clock: Clock;
  /** Where "Image Build Succeeded / Failed / Cancelled" go. */
  outcomes: BuildOutcomePublisher;
  metrics: BuildMetrics;
  /** Issue 18: scan results reach the builds; null where nothing is scanned (local mode). */
  scans: ImageScans | null;
}

/** What starts builds: the builder and the service's own repositories (where builds push, what an image may name in them). */
export interface BuildStartPorts {
  builder: Builder;
  repositories: ServiceRepositories;
}

/** Per-group limits; undefined: not limited (benches and tests that measure without them). */
export interface GroupLimits {
  maxImagesPerGroup: number | undefined;
  maxConcurrentBuildsPerGroup: number | undefined;
}

export interface WriterPorts extends ClaimPorts, StorePorts, SettlementPorts, BuildStartPorts {
  /** The random part of new image names' suffixes and build ids. */
  random: () => string;
  /** Which pull secrets exist (metadata only). */
  secretDirectory: PullSecretDirectory;
  limits: GroupLimits;
  /**
   * null in AWS: the writer's role may not read the build log group, so a build it settles gets no
   * failure reason from its log. The local server and the test harness, one process for every
   * function, give theirs.
   */
  logs: BuildLogReader | null;
}

/** Build metrics where none are emitted (local mode, benches, tests). */
export const noBuildMetrics: BuildMetrics = { started() {}, reused() {}, finished() {} };
