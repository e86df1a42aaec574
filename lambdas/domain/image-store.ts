/** What the catalog needs from storage. The DynamoDB adapter implements it; so could anything else. */
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

export interface ImageStore {
  /**
   * Stores a new image; false if the name is taken in that scope. `alongside` (a check that may
   * throw, such as a quota) runs before the image is stored, beside the store's own preparation.
   */
  insert(scope: Scope, image: ImageRecord, alongside?: () => Promise<void>): Promise<boolean>;
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
  update(scope: Scope, name: string, changes: ImageChanges & { updatedAt: string; updatedBy: string }, guard: ImageGuard): Promise<GuardedResult<ImageRecord>>;
  remove(scope: Scope, name: string, guard: ImageGuard): Promise<GuardedResult<ImageRecord>>;
  /** How many images the scope holds, counting no further than `upTo` (a quota check, one bounded read). */
  count(scope: Scope, upTo: number): Promise<number>;
}
