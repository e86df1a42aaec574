/**
 * The facts of a built image: what it is (digest, size, layers, how many were reused) and what it holds
 * (its packages, exactly as its package managers list them once the template's installs are done).
 * Read back from the builder after a build succeeds, kept on the build record, shown by the API.
 * Kept apart from the build lifecycle (build-lifecycle.ts calls `withFacts` once, on success).
 */
import type { BuildRecord } from './build.ts';
import type { Scope } from './scope.ts';

export interface AptPackage {
  name: string;
  version: string;
  architecture: string;
}
export interface CondaPackage {
  channel: string;
  name: string;
  version: string;
  build: string;
}
export interface PipPackage {
  name: string;
  version: string;
}

/** Per manager: its packages, or null when the image has no such manager (or its list could not be taken). */
export interface PackageLock {
  apt: AptPackage[] | null;
  conda: CondaPackage[] | null;
  pip: PipPackage[] | null;
}

export interface BuildFacts {
  /** The pushed image's manifest digest (`sha256:...`). */
  digest: string | null;
  /** The image's size, uncompressed, as the builder's container store counts it. */
  sizeBytes: number | null;
  layers: number | null;
  /** Layers this build did not make: the base image's, and those taken from the layer cache. */
  reusedLayers: number | null;
  /** The base image's manifest digest when the build pulled it. */
  baseImageDigest: string | null;
  /** The lock: null when the build took none (then `lockOmitted` says why, when known). */
  packages: PackageLock | null;
  lockOmitted: string | null;
}

/** Where a builder's facts are read from (the build's own log, marked with its nonce). */
export interface BuildFactsSource {
  factsOf(build: BuildRecord): Promise<BuildFacts | undefined>;
}

/** Where the facts are kept: the build record, beside its other fields. */
export interface BuildFactsStore {
  recordFacts(scope: Scope, image: string, buildId: string, facts: BuildFacts): Promise<void>;
}

/**
 * Reads and keeps the facts of a build the builder reports succeeded (one it built, not one that reused
 * another's image). Facts are a report, not the outcome: if they cannot be read, the build succeeds without them.
 */
export async function withFacts(
  deps: { source?: Partial<BuildFactsSource>; store: Partial<BuildFactsStore> },
  scope: Scope,
  build: BuildRecord,
  progress: { status?: string; reused?: boolean },
): Promise<void> {
  if (progress.status !== 'succeeded' || progress.reused || build.reused || !deps.source?.factsOf || !deps.store.recordFacts) return;
  const facts = await deps.source.factsOf(build).catch(() => undefined);
  if (facts) await deps.store.recordFacts(scope, build.image, build.id, facts);
}
