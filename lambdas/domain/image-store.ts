/** What the catalog needs from storage. The DynamoDB adapter implements it; so could anything else. */
import type { BuildRecord } from './build.ts';
import type { ImageType } from './fields.ts';
import type { ImageChanges, ImageRecord } from './image.ts';
import type { Scope } from './scope.ts';

export interface ImagePage<T = ImageRecord> {
  items: T[];
  /** The position to continue after, when there may be more. */
  next: string | null;
}

/** What the image selection shows of an image. */
// Issue 18: latestBuild too, for the selection's criticalFindings (a projection change of the selection indexes).
export const SELECTION_FIELDS = ['name', 'displayName', 'description', 'group', 'type', 'url', 'urlForGpu', 'pullSecret', 'latestBuild'] as const;
export type SelectionRecord = Pick<ImageRecord, (typeof SELECTION_FIELDS)[number]>;

export interface Candidates {
  /** Image names in name order. */
  names: string[];
  /** Whether more follow the last name. */
  more: boolean;
}

export interface ImageGuard {
  /** Only if the stored version is this (If-Match). */
  version?: number;
  /** Only if the stored type is still this (the edit was validated against it). */
  type?: ImageType;
}

export type GuardedResult<T> = { ok: true; value: T } | { ok: false; reason: 'missing' | 'changed' };

/** A write refused because it names a pull secret that does not exist (or is being deleted). */
export type SecretRefused = { ok: false; reason: 'secret'; secret: string };

export interface InsertOptions {
  /** The image's first build (a custom image's create): stored with it, taking a build place. */
  firstBuild?: BuildRecord;
  /** The group's limits the insert must fit in (system scope: not limited). */
  maxImages?: number;
  maxBuilds?: number;
}

export type InsertResult = { ok: true } | { ok: false; reason: 'name-taken' | 'image-quota' | 'build-quota' } | SecretRefused;

export interface ImageStore {
  /**
   * Stores a new image (with its first build, when given) in one write, or nothing: refused when the
   * name is taken in that scope, a limit is reached, or a pull secret it names does not exist.
   */
  insert(scope: Scope, image: ImageRecord, options?: InsertOptions): Promise<InsertResult>;
  get(scope: Scope, name: string): Promise<ImageRecord | undefined>;
  /** Images in name order after `after`, at most `limit`, in one read. */
  page(scope: Scope, options: { after?: string; limit: number }): Promise<ImagePage>;
  /** The images that run on an instance type, in name order after `after`, at most `limit`, in one read. */
  pageFor(scope: Scope, instance: 'cpu' | 'gpu', options: { after?: string; limit: number }): Promise<ImagePage<SelectionRecord>>;
  /**
   * Names of the images with a word beginning `beginning` (see search.ts), in name order after
   * `after`, at most `limit`, in one read. May name images that no longer match or no longer exist:
   * check each against the image.
   */
  candidates(scope: Scope, beginning: string, options: { after?: string; limit: number }): Promise<Candidates>;
  /** The images at these keys (at most 100) that exist, in any order, in one read. */
  getMany(keys: { scope: Scope; name: string }[]): Promise<ImageRecord[]>;
  /** `current`: the image as the caller just read it (saves the store a read). */
  update(
    scope: Scope,
    name: string,
    changes: ImageChanges & { updatedAt: string; updatedBy: string },
    guard: ImageGuard,
    current?: ImageRecord,
  ): Promise<GuardedResult<ImageRecord> | SecretRefused>;
  remove(scope: Scope, name: string, guard: ImageGuard, current?: ImageRecord): Promise<GuardedResult<ImageRecord>>;
}
