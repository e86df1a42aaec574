/**
 * Issue 18: vulnerability scan results (ECR's scan on push) on the builds whose image was scanned.
 * A scan names the image by its content tag and/or digest; builds are linked to those when they
 * succeed. Either may come first (ECR can finish scanning before the build's own success is
 * reported), so each side records itself, then looks for the other: whichever comes second applies
 * the result. Results only move forward in time: a duplicated or older scan changes nothing.
 */
import type { BuildRecord } from './build.ts';
import type { Scope } from './scope.ts';

export interface Vulnerabilities {
  critical: number;
  high: number;
  medium: number;
  low: number;
  informational: number;
  /** Findings the scanner could not rate. */
  undefined: number;
  /** When the scan result was reported (the scan event's time). */
  scannedAt: string;
}

/** A scan result as the registry reports it: the scanned image by tag(s) and digest. */
export interface ImageScan {
  tags: string[];
  digest: string | null;
  vulnerabilities: Vulnerabilities;
}

export interface BuildRef {
  group: string | null;
  image: string;
  buildId: string;
}

export interface ImageScanStore {
  /** Links a succeeded build to its image's tag (and digest); returns the newest scan already recorded for either. */
  linkBuild(tag: string, digest: string | null, build: BuildRef): Promise<Vulnerabilities | undefined>;
  /** Records a scan under its tags and digest; returns the builds linked to any of them. */
  recordScan(scan: ImageScan): Promise<BuildRef[]>;
  /** Sets a build's vulnerabilities unless it has a newer scan already; true when it changed. */
  setBuildVulnerabilities(scope: Scope, image: string, buildId: string, v: Vulnerabilities): Promise<boolean>;
  /** Sets them on the image's latestBuild while it is that build (and it has no newer scan). */
  setLatestBuildVulnerabilities(scope: Scope, image: string, buildId: string, v: Vulnerabilities): Promise<void>;
}

/** The content tag of a build's image url (`<registry>/<repository>:<tag>`). */
export const tagOf = (imageUrl: string) => imageUrl.slice(imageUrl.lastIndexOf(':') + 1);
const scopeOf = (ref: BuildRef): Scope => ({ group: ref.group });

/** Why a build shows no vulnerabilities (null when it does). */
export function vulnerabilitiesNote(build: Pick<BuildRecord, 'status' | 'builderId' | 'vulnerabilities'>): string | null {
  if (build.vulnerabilities) return null;
  if (build.status !== 'succeeded') return 'only the images of succeeded builds are scanned';
  if (build.builderId?.startsWith('local:')) return 'local builds are not scanned: ECR scans the images pushed to it in AWS';
  return 'not scanned yet: ECR scans every pushed image, and the result arrives here when it is done';
}

export class ImageScans {
  constructor(private readonly store: ImageScanStore) {}

  /** A build just succeeded: link it to its image; a scan that came first lands on it now. Returns the build with it. */
  async buildSucceeded(scope: Scope, build: BuildRecord): Promise<BuildRecord> {
    if (build.status !== 'succeeded' || !build.imageUrl) return build;
    const ref = { group: scope.group, image: build.image, buildId: build.id };
    const found = await this.store.linkBuild(tagOf(build.imageUrl), build.facts?.digest ?? null, ref);
    if (!found) return build;
    await this.store.setBuildVulnerabilities(scope, build.image, build.id, found);
    return { ...build, vulnerabilities: found };
  }

  /** After the image was told of the build (which rewrites its latestBuild): show the result there too. */
  async imageTold(scope: Scope, build: BuildRecord): Promise<void> {
    if (build.vulnerabilities) await this.store.setLatestBuildVulnerabilities(scope, build.image, build.id, build.vulnerabilities);
  }

  /** A scan finished: every build linked to the scanned image gets its result. Returns how many changed. */
  async scanned(scan: ImageScan): Promise<number> {
    let changed = 0;
    for (const ref of await this.store.recordScan(scan)) {
      if (await this.store.setBuildVulnerabilities(scopeOf(ref), ref.image, ref.buildId, scan.vulnerabilities)) changed++;
      await this.store.setLatestBuildVulnerabilities(scopeOf(ref), ref.image, ref.buildId, scan.vulnerabilities);
    }
    return changed;
  }
}
