/**
 * A working in-memory ImageStore for the catalog's unit tests: the same contract as the DynamoDB
 * adapter (name order, word-beginning candidates, selection by instance type, conditional writes,
 * version bumps), kept in Maps; its search index is always exact.
 * Records are copied in and out, so a test can only change state through the store's methods.
 */
import type { Candidates, GuardedResult, ImageGuard, ImagePage, ImageStore, InsertOptions, InsertResult } from '../../lambdas/domain/image-store.ts';
import { typesFor, type ImageChanges, type ImageRecord } from '../../lambdas/domain/image.ts';
import { indexedKeysOf } from '../../lambdas/domain/search.ts';
import type { Scope } from '../../lambdas/domain/scope.ts';

const copy = <T>(value: T): T => structuredClone(value);
const scopeKey = (scope: Scope) => (scope.group === null ? 'SYS' : `G#${scope.group}`);

export class MemoryImageStore implements ImageStore {
  private readonly scopes = new Map<string, Map<string, ImageRecord>>();
  /** Runs before every conditional write: lets a test play "someone else wrote in between". */
  beforeWrite?: (scope: Scope, name: string) => Promise<void> | void;

  private scope(scope: Scope): Map<string, ImageRecord> {
    let images = this.scopes.get(scopeKey(scope));
    if (!images) this.scopes.set(scopeKey(scope), (images = new Map()));
    return images;
  }

  async insert(scope: Scope, image: ImageRecord, options: InsertOptions = {}): Promise<InsertResult> {
    const images = this.scope(scope);
    if (images.has(image.name)) return { ok: false, reason: 'name-taken' };
    if (scope.group !== null && options.maxImages !== undefined && images.size >= options.maxImages) return { ok: false, reason: 'image-quota' };
    images.set(image.name, copy(image));
    return { ok: true };
  }

  async get(scope: Scope, name: string): Promise<ImageRecord | undefined> {
    const record = this.scope(scope).get(name);
    return record && copy(record);
  }

  async page(scope: Scope, { after, limit }: { after?: string; limit: number }): Promise<ImagePage> {
    return this.pageWhere(scope, after, limit, () => true);
  }

  async pageFor(scope: Scope, instance: 'cpu' | 'gpu', { after, limit }: { after?: string; limit: number }): Promise<ImagePage> {
    return this.pageWhere(scope, after, limit, (r) => typesFor(instance).includes(r.type));
  }

  async candidates(scope: Scope, beginning: string, { after, limit }: { after?: string; limit: number }): Promise<Candidates> {
    const { items, next } = await this.pageWhere(scope, after, limit, (r) => indexedKeysOf(r).has(beginning));
    return { names: items.map((r) => r.name), more: next !== null };
  }

  async getMany(keys: { scope: Scope; name: string }[]): Promise<ImageRecord[]> {
    return keys.flatMap(({ scope, name }) => {
      const record = this.scope(scope).get(name);
      return record ? [copy(record)] : [];
    });
  }

  private pageWhere(scope: Scope, after: string | undefined, limit: number, keep: (r: ImageRecord) => boolean): ImagePage {
    const names = [...this.scope(scope).keys()].sort();
    const rest = names
      .filter((n) => after === undefined || n > after)
      .map((n) => this.scope(scope).get(n)!)
      .filter(keep);
    const items = rest.slice(0, limit).map(copy);
    return { items, next: rest.length > limit ? items[items.length - 1]!.name : null };
  }

  async update(
    scope: Scope,
    name: string,
    changes: ImageChanges & { updatedAt: string; updatedBy: string },
    guard: ImageGuard,
  ): Promise<GuardedResult<ImageRecord>> {
    await this.beforeWrite?.(scope, name);
    const checked = this.check(scope, name, guard);
    if (!checked.ok) return checked;
    const next: ImageRecord = { ...checked.value, version: checked.value.version + 1 };
    for (const [field, value] of Object.entries(changes)) if (value !== undefined) (next as unknown as Record<string, unknown>)[field] = value;
    this.scope(scope).set(name, next);
    return { ok: true, value: copy(next) };
  }

  async remove(scope: Scope, name: string, guard: ImageGuard): Promise<GuardedResult<ImageRecord>> {
    await this.beforeWrite?.(scope, name);
    const checked = this.check(scope, name, guard);
    if (!checked.ok) return checked;
    this.scope(scope).delete(name);
    return { ok: true, value: copy(checked.value) };
  }

  private check(scope: Scope, name: string, guard: ImageGuard): GuardedResult<ImageRecord> {
    const current = this.scope(scope).get(name);
    if (!current) return { ok: false, reason: 'missing' };
    if (guard.version !== undefined && current.version !== guard.version) return { ok: false, reason: 'changed' };
    if (guard.type !== undefined && current.type !== guard.type) return { ok: false, reason: 'changed' };
    return { ok: true, value: current };
  }
}
