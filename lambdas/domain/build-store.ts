/** What the build service needs from storage. */
import type { BuildProgress, BuildRecord } from './build.ts';
import type { BuildFactsStore } from './build-facts.ts';
import type { SecretRefused } from './image-store.ts';
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

/** What the image is told, in the same write, when its latest build changes status. */
export interface ImageTold {
  latest: LatestBuild;
  /** The url a successful build gives the image (null: unchanged). */
  url: string | null;
}

export interface BuildStore {
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
  /** Records the builder's id for the build; returns the build as it now is. */
  setBuilderId(scope: Scope, image: string, buildId: string, builderId: string, dryRun: boolean): Promise<BuildRecord>;
  /**
   * Applies progress only if it moves the build forward: a higher status rank, or within the same
   * non-terminal status a later phase. Returns the updated build, or undefined when it was a no-op.
   * The move to a finished status (once per build) gives the build's quota place back with it; `tell`
   * updates the image in the same write while it still points at this build (`imageTold` says whether).
   */
  advance(
    scope: Scope,
    image: string,
    buildId: string,
    progress: BuildProgress & { imageUrl?: string | null; reused?: boolean; dryRun?: boolean },
    tell?: ImageTold,
  ): Promise<{ build: BuildRecord; imageTold: boolean } | undefined>;

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
   * Stores a new build of the image (as read: `image`) and points the image at it, in one write: only
   * if no build of it is running (one build per image at a time), the group has a build place left
   * (`maxBuilds`), and a new spec's pull secret exists. A new spec, when given, becomes the image's spec.
   */
  beginBuild(
    scope: Scope,
    image: ImageRecord,
    build: BuildRecord,
    spec: StoredBuildSpec | null,
    maxBuilds?: number,
  ): Promise<{ ok: true } | { ok: false; reason: 'busy'; image: ImageRecord } | { ok: false; reason: 'missing' | 'build-quota' } | SecretRefused>;
  /**
   * Indexes the words of a url the image is about to get from a build (before the write that sets it:
   * the index never misses a word); returns the clean-up of the words only its old url had (after it).
   */
  prepareUrl(scope: Scope, name: string, url: string): Promise<() => Promise<void>>;
  /** Updates the image's view of its latest build (only while it is that build); on success its url. */
  finishBuild(scope: Scope, name: string, latest: LatestBuild, url: string | null): Promise<void>;
}
