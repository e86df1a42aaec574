/**
 * The image catalog in the single DynamoDB table: one item per image under its scope's partition,
 * plus its search index entries (search-index.ts) and its place in the selection indexes.
 *
 * Without transactions, the search index is kept so that it never misses a word an image has (it
 * may hold words the image lost, which searches check away):
 * - the words a write sets are indexed before the write (a failure after it cannot lose them), and
 *   again after it (a concurrent writer's clean-up may have removed them in between);
 * - the words it removes are dropped after it; if a concurrent writer got in meanwhile, the image
 *   is read again and its words indexed once more.
 */
import { BatchGetItemCommand, DeleteItemCommand, GetItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand, type DynamoDBClient, type KeysAndAttributes, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { SELECTION_FIELDS, type Candidates, type GuardedResult, type ImageGuard, type ImagePage, type ImageStore, type SelectionRecord } from '../domain/image-store.ts';
import type { ImageBuildLink } from '../domain/build-store.ts';
import type { ImageChanges, ImageRecord, LatestBuild, StoredBuildSpec } from '../domain/image.ts';
import type { ImageType } from '../domain/fields.ts';
import { indexedKeysOf, SEARCHED_FIELDS } from '../domain/search.ts';
import { TERMINAL } from '../domain/build.ts';
import type { Scope } from '../domain/scope.ts';
import { errorFields, log } from '../http/log.ts';
import { fromItem, isConditionFailure, toItem, updateExpression, type Item } from './dynamo.ts';
import { SearchIndex } from './search-index.ts';
import { IMAGE_PREFIX, imageKey, partitionOf, SECRET_USE_INDEXES, SELECTION_INDEXES, wordKey, wordPrefix } from './table.ts';

const IMAGE_FIELDS = ['name', 'displayName', 'description', 'group', 'type', 'url', 'urlForGpu', 'pullSecret', 'source', 'buildSpec', 'latestBuild', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy', 'version'] as const;

/** Reads these fields of an item; absent attributes are nulls in the record. */
const fieldsOf =
  <T>(fields: readonly string[]) =>
  (item: Item): T => {
    const raw = fromItem<Record<string, unknown>>(item);
    return Object.fromEntries(fields.map((f) => [f, raw[f] ?? null])) as T;
  };

export const imageFromItem = fieldsOf<ImageRecord>(IMAGE_FIELDS);
const selectionFromItem = fieldsOf<SelectionRecord>(SELECTION_FIELDS);

const withoutNulls = (o: object) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));

const keyFor = (scope: Scope, name: string) => toItem({ pk: partitionOf(scope), sk: imageKey(name) });

/** The selection index keys for an image of this type: it is listed for every instance type it runs on. */
const selectionKeys = (scope: Scope, type: ImageType) => ({
  [SELECTION_INDEXES.cpu.partition]: type === 'gpu' ? null : partitionOf(scope),
  [SELECTION_INDEXES.gpu.partition]: type === 'cpu' ? null : partitionOf(scope),
});

/** The searched fields a change sets (undefined: left alone). */
const searchedIn = (changes: object) =>
  Object.fromEntries(Object.entries(changes).filter(([field, value]) => value !== undefined && (SEARCHED_FIELDS as readonly string[]).includes(field)));

/** The record a change makes of `old` (what UpdateItem's ALL_NEW would return). */
function changed(old: ImageRecord, changes: object): ImageRecord {
  const set = Object.entries(changes).filter(([field, value]) => value !== undefined && (IMAGE_FIELDS as readonly string[]).includes(field));
  return { ...old, ...Object.fromEntries(set), version: old.version + 1 };
}

const minus = (a: Set<string>, b: Set<string>) => new Set([...a].filter((x) => !b.has(x)));

type Condition = { expression: string; names: Record<string, string>; values: Record<string, unknown> };

export class DynamoImageStore implements ImageStore, ImageBuildLink {
  private readonly index: SearchIndex;

  constructor(
    private readonly db: DynamoDBClient,
    private readonly table: string,
  ) {
    this.index = new SearchIndex(db, table);
  }

  async insert(scope: Scope, image: ImageRecord, alongside?: () => Promise<void>): Promise<boolean> {
    // The entries go first (beside the caller's check): an image never exists without them. Should
    // the check or the entries fail, they are taken back; should the name turn out taken, they stay
    // (its owner may have the same ones), costing searches only a check.
    const entries = indexedKeysOf(image);
    const failed = (await Promise.allSettled([alongside?.(), this.index.add(scope, image.name, entries)])).find((r) => r.status === 'rejected');
    if (failed) {
      await this.cleanIndex(scope, image.name, () => this.index.drop(scope, image.name, entries));
      throw failed.reason;
    }
    const item = { pk: partitionOf(scope), sk: imageKey(image.name), ...image, ...selectionKeys(scope, image.type), buildPullSecret: image.buildSpec?.pullSecret };
    try {
      await this.db.send(new PutItemCommand({ TableName: this.table, Item: toItem(withoutNulls(item)), ConditionExpression: 'attribute_not_exists(pk)' }));
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async get(scope: Scope, name: string): Promise<ImageRecord | undefined> {
    const { Item } = await this.db.send(new GetItemCommand({ TableName: this.table, Key: keyFor(scope, name), ConsistentRead: true }));
    return Item ? imageFromItem(Item) : undefined;
  }

  async getMany(keys: { scope: Scope; name: string }[]): Promise<ImageRecord[]> {
    const found: ImageRecord[] = [];
    let pending: KeysAndAttributes | undefined = keys.length ? { Keys: keys.map((k) => keyFor(k.scope, k.name)) } : undefined;
    // Keys DynamoDB leaves unprocessed (throughput) are asked for again.
    for (let attempt = 0; pending?.Keys?.length; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
      const out = await this.db.send(new BatchGetItemCommand({ RequestItems: { [this.table]: pending } }));
      found.push(...(out.Responses?.[this.table] ?? []).map(imageFromItem));
      pending = out.UnprocessedKeys?.[this.table];
    }
    return found;
  }

  page(scope: Scope, { after, limit }: { after?: string; limit: number }): Promise<ImagePage> {
    const pk = partitionOf(scope);
    return this.query(
      {
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
        ExpressionAttributeValues: toItem({ ':pk': pk, ':prefix': IMAGE_PREFIX }),
      },
      after === undefined ? undefined : { pk, sk: imageKey(after) },
      limit,
      imageFromItem,
    );
  }

  pageFor(scope: Scope, instance: 'cpu' | 'gpu', { after, limit }: { after?: string; limit: number }): Promise<ImagePage<SelectionRecord>> {
    const pk = partitionOf(scope);
    const index = SELECTION_INDEXES[instance];
    return this.query(
      {
        IndexName: index.name,
        KeyConditionExpression: '#p = :pk',
        ExpressionAttributeNames: { '#p': index.partition },
        ExpressionAttributeValues: toItem({ ':pk': pk }),
      },
      after === undefined ? undefined : { [index.partition]: pk, pk, sk: imageKey(after) },
      limit,
      selectionFromItem,
    );
  }

  async candidates(scope: Scope, beginning: string, { after, limit }: { after?: string; limit: number }): Promise<Candidates> {
    const pk = partitionOf(scope);
    const prefix = wordPrefix(beginning);
    const page = await this.query(
      {
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
        ExpressionAttributeValues: toItem({ ':pk': pk, ':prefix': prefix }),
      },
      after === undefined ? undefined : { pk, sk: wordKey(beginning, after) },
      limit,
      (item) => ({ name: fromItem<{ sk: string }>(item).sk.slice(prefix.length) }),
    );
    return { names: page.items.map((i) => i.name), more: page.next !== null };
  }

  /** One Query for a page in name order: a page more than asked tells whether there is a next page. */
  private async query<T extends { name: string }>(input: Omit<QueryCommandInput, 'TableName'>, start: Record<string, string> | undefined, limit: number, read: (item: Item) => T): Promise<ImagePage<T>> {
    const out = await this.db.send(new QueryCommand({ ...input, TableName: this.table, ExclusiveStartKey: start && toItem(start), Limit: limit + 1 }));
    const items = (out.Items ?? []).map(read);
    if (items.length > limit) return { items: items.slice(0, limit), next: items[limit - 1]!.name };
    return { items, next: null };
  }

  async update(scope: Scope, name: string, changes: ImageChanges & { updatedAt: string; updatedBy: string }, guard: ImageGuard): Promise<GuardedResult<ImageRecord>> {
    const stored = { ...changes, ...(changes.type === undefined ? {} : selectionKeys(scope, changes.type)) };
    const result = await this.reindexed(scope, name, changes, () => this.guarded(scope, name, guard, (condition) => this.updateItem(scope, name, stored, condition, 'ALL_OLD')));
    return result.ok ? { ok: true, value: changed(result.value, changes) } : result;
  }

  async remove(scope: Scope, name: string, guard: ImageGuard): Promise<GuardedResult<ImageRecord>> {
    const result = await this.guarded(scope, name, guard, async (condition) => {
      const out = await this.db.send(
        new DeleteItemCommand({
          TableName: this.table,
          Key: keyFor(scope, name),
          ConditionExpression: condition.expression,
          ExpressionAttributeNames: Object.keys(condition.names).length ? condition.names : undefined,
          ExpressionAttributeValues: Object.keys(condition.values).length ? toItem(condition.values) : undefined,
          ReturnValues: 'ALL_OLD',
        }),
      );
      return imageFromItem(out.Attributes!);
    });
    if (result.ok) await this.cleanIndex(scope, name, () => this.index.drop(scope, name, indexedKeysOf(result.value)));
    return result;
  }

  async beginBuild(scope: Scope, name: string, latest: LatestBuild, spec: StoredBuildSpec | null, by: string, at: string) {
    const changes = { latestBuild: latest, updatedAt: at, updatedBy: by, ...(spec ? { buildSpec: spec, buildPullSecret: spec.pullSecret ?? null } : {}) };
    // One build per image at a time: only when it has none, or its latest has finished.
    const condition = {
      expression: `attribute_exists(pk) AND (attribute_not_exists(#latestBuild) OR #latestBuild.#st IN (${TERMINAL.map((_, i) => `:t${i}`).join(', ')}))`,
      names: { '#latestBuild': 'latestBuild', '#st': 'status' },
      values: Object.fromEntries(TERMINAL.map((t, i) => [`:t${i}`, t])),
    };
    try {
      return { ok: true as const, value: await this.updateItem(scope, name, changes, condition, 'ALL_NEW') };
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      const image = await this.get(scope, name);
      return image ? { ok: false as const, reason: 'busy' as const, image } : { ok: false as const, reason: 'missing' as const };
    }
  }

  async finishBuild(scope: Scope, name: string, latest: LatestBuild, url: string | null): Promise<void> {
    const changes = { latestBuild: latest, ...(url === null ? {} : { url }) };
    // Only while this build is still the image's latest (an older build never overwrites a newer
    // one), and only when it is news (a repeated report leaves the image and its ETag alone).
    const condition = {
      expression: '#latestBuild.#id = :buildId AND #latestBuild.#st <> :status',
      names: { '#latestBuild': 'latestBuild', '#id': 'id', '#st': 'status' },
      values: { ':buildId': latest.id, ':status': latest.status },
    };
    await this.reindexed(scope, name, changes, async () => {
      try {
        return { ok: true as const, value: await this.updateItem(scope, name, changes, condition, 'ALL_OLD') };
      } catch (e) {
        if (!isConditionFailure(e)) throw e;
        // Believed only once a read shows another latest build, or this one already told: else the image
        // would stay busy with a finished build.
        const now = await this.get(scope, name);
        if (now?.latestBuild?.id === latest.id && now.latestBuild.status !== latest.status) throw e;
        return { ok: false as const };
      }
    });
  }

  /** UpdateItem: sets `changes` (null removes) and bumps the version, under `condition`; returns the image before or after. */
  private async updateItem(scope: Scope, name: string, changes: object, condition: Condition, returning: 'ALL_OLD' | 'ALL_NEW'): Promise<ImageRecord> {
    const { expression, names, values } = updateExpression({ ...changes }, ['#version = #version + :one']);
    const out = await this.db.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: keyFor(scope, name),
        UpdateExpression: expression,
        ConditionExpression: condition.expression,
        ExpressionAttributeNames: { ...names, ...condition.names, '#version': 'version' },
        ExpressionAttributeValues: toItem({ ...values, ...condition.values, ':one': 1 }),
        ReturnValues: returning,
      }),
    );
    return imageFromItem(out.Attributes!);
  }

  /**
   * Runs a write that changes `changes` and returns the image as it was before, keeping the search
   * index complete (see the top of this file): the words it sets are indexed before and after it,
   * the words it removes dropped after it.
   */
  private async reindexed<R extends { ok: true; value: ImageRecord } | { ok: false }>(scope: Scope, name: string, changes: object, write: () => Promise<R>): Promise<R> {
    const searched = searchedIn(changes);
    if (Object.keys(searched).length === 0) return write();
    await this.index.add(scope, name, indexedKeysOf(searched));
    const result = await write();
    if (!result.ok) return result;
    const before = result.value;
    const after = changed(before, changes);
    const had = indexedKeysOf(before);
    const has = indexedKeysOf(after);
    await this.cleanIndex(scope, name, async () => {
      const gone = minus(had, has);
      await Promise.all([this.index.add(scope, name, minus(has, had)), this.index.drop(scope, name, gone)]);
      if (gone.size === 0) return;
      // A writer that got in after this one may have had its words dropped just now: index them again.
      const now = await this.get(scope, name);
      if (now && now.version !== after.version) await this.index.add(scope, name, indexedKeysOf(now));
    });
    return result;
  }

  /** Index upkeep after a write that landed: a failure leaves stale entries (which searches check away), so the write still stands. */
  private async cleanIndex(scope: Scope, name: string, upkeep: () => Promise<void>): Promise<void> {
    try {
      await upkeep();
    } catch (e) {
      log('warn', 'search index upkeep failed after a write; stale entries stay until the next write of the image', { scope: partitionOf(scope), image: name, ...errorFields(e) });
    }
  }

  async count(scope: Scope, upTo: number): Promise<number> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: toItem({ ':pk': partitionOf(scope), ':prefix': IMAGE_PREFIX }),
        Select: 'COUNT',
        Limit: upTo,
      }),
    );
    return out.Count ?? 0;
  }

  /** Whether any image uses the secret, to run it or to build it (one Query per index, at most one item each). */
  async secretInUse(name: string): Promise<boolean> {
    const found = await Promise.all(
      SECRET_USE_INDEXES.map((index) =>
        this.db.send(
          new QueryCommand({
            TableName: this.table,
            IndexName: index.name,
            KeyConditionExpression: '#s = :s',
            ExpressionAttributeNames: { '#s': index.partition },
            ExpressionAttributeValues: toItem({ ':s': name }),
            Limit: 1,
          }),
        ),
      ),
    );
    return found.some((out) => (out.Items ?? []).length > 0);
  }

  /** Runs a conditional write; a failed condition is told apart by whether the item is still there. */
  private async guarded<T>(scope: Scope, name: string, guard: ImageGuard, write: (c: Condition) => Promise<T>): Promise<GuardedResult<T>> {
    const parts = ['attribute_exists(pk)'];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    if (guard.version !== undefined) {
      parts.push('#gv = :gv');
      names['#gv'] = 'version';
      values[':gv'] = guard.version;
    }
    if (guard.type !== undefined) {
      parts.push('#gt = :gt');
      names['#gt'] = 'type';
      values[':gt'] = guard.type;
    }
    try {
      return { ok: true, value: await write({ expression: parts.join(' AND '), names, values }) };
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      return { ok: false, reason: (await this.get(scope, name)) ? 'changed' : 'missing' };
    }
  }
}
