/** What the catalog needs from storage. The DynamoDB adapter implements it; so could anything else. */
import type { ImageType } from './fields.ts';
import type { ImageChanges, ImageRecord } from './image.ts';
import type { Scope } from './scope.ts';

export interface ImageFilter {
  /** Lowercase keyword that must appear in the image's search text. */
  keyword?: string;
  types?: ImageType[];
}

export interface ImagePage {
  items: ImageRecord[];
  /** The position to continue after, when there may be more. */
  next: string | null;
}

export interface ImageGuard {
  /** Only if the stored version is this (If-Match). */
  version?: number;
  /** Only if the stored type is still this (the edit was validated against it). */
  type?: ImageType;
}

export type GuardedResult<T> = { ok: true; value: T } | { ok: false; reason: 'missing' | 'changed' };

export interface ImageStore {
  /** Stores a new image; false if the name is taken in that scope. */
  insert(scope: Scope, image: ImageRecord): Promise<boolean>;
  get(scope: Scope, name: string): Promise<ImageRecord | undefined>;
  /** Images in name order after `after`, at most `limit`, in at most `roundTrips` (default 2) reads. */
  page(scope: Scope, options: { after?: string; limit: number; filter?: ImageFilter; roundTrips?: number }): Promise<ImagePage>;
  update(scope: Scope, name: string, changes: ImageChanges & { updatedAt: string; updatedBy: string }, guard: ImageGuard): Promise<GuardedResult<ImageRecord>>;
  remove(scope: Scope, name: string, guard: ImageGuard): Promise<GuardedResult<ImageRecord>>;
  /** How many images the scope holds, counting no further than `upTo` (a quota check, one bounded read). */
  count(scope: Scope, upTo: number): Promise<number>;
}
