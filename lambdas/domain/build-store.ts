/** What the build service needs from storage. */
import type { BuildProgress, BuildRecord } from './build.ts';
import type { BuildFactsStore } from './build-facts.ts';
import type { GuardedResult } from './image-store.ts';
import type { ImageRecord, LatestBuild, StoredBuildSpec } from './image.ts';
import type { Scope } from './scope.ts';

/** Who builds a spec in a scope: the leader build, and the builds waiting for its result. */
export interface SpecClaim {
  hash: string;
  leader: { image: string; buildId: string };
  status: 'building' | 'succeeded' | 'failed' | 'cancelled';
  imageUrl: string | null;
  followers: { image: string; buildId: string }[];
}

export interface BuildStore {
  put(scope: Scope, build: BuildRecord): Promise<void>;
  /** Deletes a build that never started (queued, no builder id): one its image refused. A no-op otherwise. */
  discard(scope: Scope, image: string, buildId: string): Promise<void>;
  get(scope: Scope, image: string, buildId: string): Promise<BuildRecord | undefined>;
  /** Newest first. */
  page(scope: Scope, image: string, options: { after?: string; limit: number }): Promise<{ items: BuildRecord[]; next: string | null }>;
  /**
   * Builds created before the given ISO time that are unfinished, or finished but not yet retired (the
   * image or identical builds not told yet), oldest first, in all scopes: the reconciler's view.
   */
  running(createdBefore: string): Promise<BuildRecord[]>;
  /** Takes a finished build out of the reconciler's view once everyone was told of its end. */
  retire(scope: Scope, image: string, buildId: string): Promise<void>;
  /** How many builds of the scope are queued or building. */
  runningIn(scope: Scope): Promise<number>;
  setBuilderId(scope: Scope, image: string, buildId: string, builderId: string, dryRun: boolean): Promise<void>;
  /**
   * Applies progress only if it moves the build forward: a higher status rank, or within the same
   * non-terminal status a later phase. Returns the updated build, or undefined when it was a no-op.
   */
  advance(scope: Scope, image: string, buildId: string, progress: BuildProgress & { imageUrl?: string | null; reused?: boolean; dryRun?: boolean }): Promise<BuildRecord | undefined>;

  /** Claims leadership of a spec hash unless a live or successful build already holds it. */
  claimSpec(scope: Scope, hash: string, leader: { image: string; buildId: string }): Promise<{ claimed: true } | { claimed: false; claim: SpecClaim }>;
  /** Marks a build as waiting for the identical leader build instead of building. */
  markFollower(scope: Scope, image: string, buildId: string, leaderBuildId: string): Promise<void>;
  /** Registers a build to be settled by the leader's outcome; false if the leader already finished. */
  follow(scope: Scope, hash: string, leaderBuildId: string, follower: { image: string; buildId: string }): Promise<boolean>;
  /** Records the leader's outcome (again, when it is the same) and returns the claim with its followers; undefined if the build no longer leads. */
  settleSpec(scope: Scope, hash: string, leaderBuildId: string, status: SpecClaim['status'], imageUrl: string | null): Promise<SpecClaim | undefined>;
  /** Issue 18: keeps a build's facts on its record (build-facts.ts). */
  recordFacts?: BuildFactsStore['recordFacts'];
}

/** The image-side writes of the build lifecycle. */
export interface ImageBuildLink {
  /**
   * Points the image at a new build, only if no build of it is running: one build per image at a time.
   * A new spec, when given, becomes the image's spec.
   */
  beginBuild(scope: Scope, name: string, latest: LatestBuild, spec: StoredBuildSpec | null, by: string, at: string): Promise<GuardedResult<ImageRecord> | { ok: false; reason: 'busy'; image: ImageRecord }>;
  /** Updates the image's view of its latest build (only while it is that build); on success its url. */
  finishBuild(scope: Scope, name: string, latest: LatestBuild, url: string | null): Promise<void>;
}
