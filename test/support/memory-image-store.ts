/**
 * A working in-memory ImageStore for the catalog's unit tests: the same contract as the DynamoDB
 * adapter (name order, keyword and type filters, conditional writes, version bumps), kept in Maps.
 * Records are copied in and out, so a test can only change state through the store's methods.
 */
import type { GuardedResult, ImageFilter, ImageGuard, ImagePage, ImageStore } from '../../lambdas/domain/image-store.ts';
import type { ImageChanges, ImageRecord } from '../../lambdas/domain/image.ts';
import type { Scope } from '../../lambdas/domain/scope.ts';

const copy = <T>(value: T): T => structuredClone(value);
const scopeKey = (scope: Scope) => (scope.group === null ? 'SYS' : `G#${scope.group}`);

function matches(record: ImageRecord, filter: ImageFilter | undefined): boolean {
  if (filter?.types?.length && !filter.types.includes(record.type)) return false;
  if (!filter?.keyword) return true;
  const searched = [record.name, record.displayName, record.type, record.description, record.url, record.urlForGpu];
  return searched.some((text) => text !== null && text.toLowerCase().includes(filter.keyword!));
}

export class MemoryImageStore implements ImageStore {
  private readonly scopes = new Map<string, Map<string, ImageRecord>>();
  /** Runs before every conditional write: lets a test play "someone else wrote in between". */
  beforeWrite?: (scope: Scope, name: string) => Promise<void> | void;

  private scope(scope: Scope): Map<string, ImageRecord> {
    let images = this.scopes.get(scopeKey(scope));
    if (!images) this.scopes.set(scopeKey(scope), (images = new Map()));
    return images;
  }

  async insert(scope: Scope, image: ImageRecord): Promise<boolean> {
    const images = this.scope(scope);
    if (images.has(image.name)) return false;
    images.set(image.name, copy(image));
    return true;
  }

  async get(scope: Scope, name: string): Promise<ImageRecord | undefined> {
    const record = this.scope(scope).get(name);
    return record && copy(record);
  }

  async page(scope: Scope, { after, limit, filter }: { after?: string; limit: number; filter?: ImageFilter; roundTrips?: number }): Promise<ImagePage> {
    const names = [...this.scope(scope).keys()].sort();
    const rest = names.filter((n) => after === undefined || n > after).map((n) => this.scope(scope).get(n)!).filter((r) => matches(r, filter));
    const items = rest.slice(0, limit).map(copy);
    return { items, next: rest.length > limit ? items[items.length - 1]!.name : null };
  }

  async update(scope: Scope, name: string, changes: ImageChanges & { updatedAt: string; updatedBy: string }, guard: ImageGuard): Promise<GuardedResult<ImageRecord>> {
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

  async count(scope: Scope, upTo: number): Promise<number> {
    return Math.min(this.scope(scope).size, upTo);
  }

  private check(scope: Scope, name: string, guard: ImageGuard): GuardedResult<ImageRecord> {
    const current = this.scope(scope).get(name);
    if (!current) return { ok: false, reason: 'missing' };
    if (guard.version !== undefined && current.version !== guard.version) return { ok: false, reason: 'changed' };
    if (guard.type !== undefined && current.type !== guard.type) return { ok: false, reason: 'changed' };
    return { ok: true, value: current };
  }
}
