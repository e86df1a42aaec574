/**
 * The image catalog in the single DynamoDB table: one item per image under its scope's partition,
 * plus its search index entries (search-index.ts) and its place in the selection indexes.
 *
 * Every write of an image is one TransactWriteItems with what must agree with it: its search index
 * entries, its group's quota counter (quota.ts), the references to the pull secrets it names
 * (secret-references.ts) and, for a create with a build or a rebuild, the build's record. So the index
 * never misses a word an image has and never keeps one it lost, the quotas hold under any concurrency,
 * and an image never names a secret that is gone.
 *
 * DynamoDB takes at most 100 items in a transaction. An image's entries fit beside the other items
 * once they are capped (search.ts); should a write have more than fit, the extra entries to add are
 * written before the transaction (an image never exists without them) and the extra ones to drop after
 * it, the image then read again to index any words a concurrent writer set in between.
 */
import {
  BatchGetItemCommand,
  GetItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type DynamoDBClient,
  type KeysAndAttributes,
  type QueryCommandInput,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import {
  SELECTION_FIELDS,
  type Candidates,
  type GuardedResult,
  type ImageGuard,
  type ImagePage,
  type ImageStore,
  type InsertOptions,
  type InsertResult,
  type SecretRefused,
  type SelectionRecord,
} from '../domain/image-store.ts';
import type { ImageBuildLink } from '../domain/build-store.ts';
import type { BuildRecord } from '../domain/build.ts';
import type { ImageChanges, ImageRecord, LatestBuild, StoredBuildSpec } from '../domain/image.ts';
import type { ImageType } from '../domain/fields.ts';
import { indexedKeysOf, SEARCHED_FIELDS } from '../domain/search.ts';
import { TERMINAL } from '../domain/build.ts';
import type { Scope } from '../domain/scope.ts';
import { errorFields, log } from '../observability/log.ts';
import { fromItem, isConditionFailure, toItem, TRANSACTION_MAX_ITEMS, transactParts, updateExpression, type Item, type TransactionPart } from './dynamo.ts';
import { buildItem } from './dynamo-build-store.ts';
import { claimQuota, releaseQuota } from './quota.ts';
import { SearchIndex } from './search-index.ts';
import { referenceChanges, type SecretReferences } from './secret-references.ts';
import { IMAGE_PREFIX, imageKey, partitionOf, SELECTION_INDEXES, wordKey, wordPrefix } from './table.ts';

const IMAGE_FIELDS = [
  'name',
  'displayName',
  'description',
  'group',
  'type',
  'url',
  'urlForGpu',
  'pullSecret',
  'source',
  'buildSpec',
  'latestBuild',
  'createdAt',
  'updatedAt',
  'createdBy',
  'updatedBy',
  'version',
] as const;

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

/** How often a write pinned to a version is tried again when other writes keep getting in first. */
const PIN_ATTEMPTS = 5;

/** The condition that the image is still at the version read. */
const pinnedTo = (image: ImageRecord): Condition => ({
  expression: '#pinned = :pinned',
  names: { '#pinned': 'version' },
  values: { ':pinned': image.version },
});

/** The pull secrets an image refers to. */
const referencesOf = (image: ImageRecord): SecretReferences => ({ pullSecret: image.pullSecret, buildPullSecret: image.buildSpec?.pullSecret ?? null });

const asRefusal = <R>(part: TransactionPart<R>) => ({
  ...part,
  refused: part.refused && ((old: Item | undefined) => ({ ok: false as const, ...(part.refused!(old) as object) }) as R & { ok: false }),
});

/** A part that may be absent, with the meaning its refusal gets here. */
function optional<R, S>(part: TransactionPart<R> | undefined, meaning: (reason: R) => S): TransactionPart<S>[] {
  return part ? [{ item: part.item, refused: part.refused && ((old) => meaning(part.refused!(old))) }] : [];
}

export class DynamoImageStore implements ImageStore, ImageBuildLink {
  private readonly index: SearchIndex;

  constructor(
    private readonly db: DynamoDBClient,
    private readonly table: string,
  ) {
    this.index = new SearchIndex(db, table);
  }

  async insert(scope: Scope, image: ImageRecord, options: InsertOptions = {}): Promise<InsertResult> {
    const { firstBuild } = options;
    const item = {
      pk: partitionOf(scope),
      sk: imageKey(image.name),
      ...image,
      ...selectionKeys(scope, image.type),
      buildPullSecret: image.buildSpec?.pullSecret,
    };
    const parts: TransactionPart<InsertResult & { ok: false }>[] = [
      {
        item: { Put: { TableName: this.table, Item: toItem(withoutNulls(item)), ConditionExpression: 'attribute_not_exists(pk)' } },
        refused: () => ({ ok: false, reason: 'name-taken' }),
      },
      ...(firstBuild ? [{ item: this.putBuild(scope, firstBuild) }] : []),
      ...referenceChanges(this.table, null, referencesOf(image)).map(asRefusal),
      ...optional(
        claimQuota(this.table, scope, { images: 1, builds: firstBuild ? 1 : 0 }, { images: options.maxImages, builds: options.maxBuilds }),
        (reason) => ({ ok: false as const, reason }),
      ),
    ];
    const words = [...indexedKeysOf(image)];
    const room = TRANSACTION_MAX_ITEMS - parts.length;
    // Entries beyond the transaction's room go first: an image never exists without them (should the
    // transaction be refused, they stay, costing searches a check).
    if (words.length > room) await this.index.add(scope, image.name, words.slice(room));
    const result = await transactParts<InsertResult & { ok: false }>(this.db, [
      ...parts,
      ...words.slice(0, room).map((w) => ({ item: this.putWord(scope, w, image.name) })),
    ]);
    return result.ok ? result : result.reason;
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
  private async query<T extends { name: string }>(
    input: Omit<QueryCommandInput, 'TableName'>,
    start: Record<string, string> | undefined,
    limit: number,
    read: (item: Item) => T,
  ): Promise<ImagePage<T>> {
    const out = await this.db.send(new QueryCommand({ ...input, TableName: this.table, ExclusiveStartKey: start && toItem(start), Limit: limit + 1 }));
    const items = (out.Items ?? []).map(read);
    if (items.length > limit) return { items: items.slice(0, limit), next: items[limit - 1]!.name };
    return { items, next: null };
  }

  async update(
    scope: Scope,
    name: string,
    changes: ImageChanges & { updatedAt: string; updatedBy: string },
    guard: ImageGuard,
    current?: ImageRecord,
  ): Promise<GuardedResult<ImageRecord> | SecretRefused> {
    const stored = { ...changes, ...(changes.type === undefined ? {} : selectionKeys(scope, changes.type)) };
    return this.pinned(scope, name, guard, current, async (before) => {
      const after = changed(before, changes);
      const image: TransactionPart<SecretRefused | 'moved'> = {
        item: { Update: this.imageUpdate(scope, name, stored, pinnedTo(before)) },
        refused: () => 'moved',
      };
      const result = await this.rewrite(scope, before, after, [
        image,
        ...referenceChanges(this.table, referencesOf(before), referencesOf(after)).map(asRefusal),
      ]);
      return result.ok ? { ok: true, value: after } : result.reason;
    });
  }

  async remove(scope: Scope, name: string, guard: ImageGuard, current?: ImageRecord): Promise<GuardedResult<ImageRecord>> {
    const result = await this.pinned(scope, name, guard, current, async (before) => {
      const condition = pinnedTo(before);
      const image: TransactionPart<'moved'> = {
        item: {
          Delete: {
            TableName: this.table,
            Key: keyFor(scope, name),
            ConditionExpression: condition.expression,
            ExpressionAttributeNames: condition.names,
            ExpressionAttributeValues: toItem(condition.values),
          },
        },
        refused: () => 'moved',
      };
      // The image's place in its group's quota and its secret references go with it. (A running build keeps
      // its build place until it ends: the caller stops it.)
      // (Dropping references has no condition.)
      const others: TransactionPart<'moved'>[] = [
        ...optional(releaseQuota(this.table, scope, { images: 1 }), () => 'moved' as const),
        ...referenceChanges(this.table, referencesOf(before), null).map((p) => ({ item: p.item })),
      ];
      const result = await this.rewrite(scope, before, null, [image, ...others]);
      return result.ok ? { ok: true as const, value: before } : result.reason;
    });
    return result as GuardedResult<ImageRecord>;
  }

  async beginBuild(scope: Scope, image: ImageRecord, build: BuildRecord, spec: StoredBuildSpec | null, maxBuilds?: number) {
    type Refused = { ok: false; reason: 'busy'; image: ImageRecord } | { ok: false; reason: 'missing' | 'build-quota' } | SecretRefused;
    const latest: LatestBuild = { id: build.id, status: build.status, createdAt: build.createdAt, finishedAt: build.finishedAt };
    const changes = {
      latestBuild: latest,
      updatedAt: build.createdAt,
      updatedBy: build.createdBy,
      ...(spec ? { buildSpec: spec, buildPullSecret: spec.pullSecret ?? null } : {}),
    };
    for (let attempt = 1, before = image; ; attempt++) {
      // One build per image at a time: only when it has none, or its latest has finished. Pinned to the
      // version read, so that the secret references it moves are the ones the image held.
      const pin = pinnedTo(before);
      const condition = {
        expression: `${pin.expression} AND (attribute_not_exists(#latestBuild) OR #latestBuild.#st IN (${TERMINAL.map((_, i) => `:t${i}`).join(', ')}))`,
        names: { ...pin.names, '#latestBuild': 'latestBuild', '#st': 'status' },
        values: { ...pin.values, ...Object.fromEntries(TERMINAL.map((t, i) => [`:t${i}`, t])) },
      };
      const after = spec ? { ...before, buildSpec: spec } : before;
      const parts: TransactionPart<Refused | { moved: ImageRecord }>[] = [
        { item: this.putBuild(scope, build) },
        {
          item: { Update: { ...this.imageUpdate(scope, before.name, changes, condition), ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
          refused: (old) => {
            if (!old) return { ok: false, reason: 'missing' };
            const now = imageFromItem(old);
            return now.latestBuild && !TERMINAL.includes(now.latestBuild.status) ? { ok: false, reason: 'busy', image: now } : { moved: now };
          },
        },
        ...referenceChanges(this.table, referencesOf(before), referencesOf(after)).map(asRefusal),
        ...optional(claimQuota(this.table, scope, { builds: 1 }, { builds: maxBuilds }), () => ({ ok: false as const, reason: 'build-quota' as const })),
      ];
      const result = await transactParts(this.db, parts);
      if (result.ok) return { ok: true as const };
      if (!('moved' in result.reason)) return result.reason;
      // Another write changed the image in between (an edit, a finished build's report): again, on what it wrote.
      if (attempt === PIN_ATTEMPTS)
        throw Object.assign(new Error('the image kept changing while a build was being started'), { name: 'ProvisionedThroughputExceededException' });
      before = result.reason.moved;
    }
  }

  async prepareUrl(scope: Scope, name: string, url: string): Promise<() => Promise<void>> {
    const before = await this.get(scope, name);
    if (!before || before.url === url) return async () => undefined;
    const after = { ...before, url };
    const had = indexedKeysOf(before);
    const has = indexedKeysOf(after);
    await this.index.add(scope, name, minus(has, had));
    const gone = minus(had, has);
    return () =>
      this.cleanIndex(scope, name, async () => {
        if (gone.size === 0) return;
        await this.index.drop(scope, name, gone);
        // A writer that got in meanwhile may have set words just dropped: index the image's words again.
        const now = await this.get(scope, name);
        if (now && now.url !== url) await this.index.add(scope, name, indexedKeysOf(now));
        else if (now && now.version !== before.version + 1) await this.index.add(scope, name, indexedKeysOf(now));
      });
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
    const out = await this.db.send(new UpdateItemCommand({ ...this.imageUpdate(scope, name, changes, condition), ReturnValues: returning }));
    return imageFromItem(out.Attributes!);
  }

  /**
   * Runs a write that changes `changes` and returns the image as it was before, keeping the search
   * index complete (see the top of this file): the words it sets are indexed before and after it,
   * the words it removes dropped after it.
   */
  private async reindexed<R extends { ok: true; value: ImageRecord } | { ok: false }>(
    scope: Scope,
    name: string,
    changes: object,
    write: () => Promise<R>,
  ): Promise<R> {
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
      log('warn', 'search index upkeep failed after a write; stale entries stay until the next write of the image', {
        scope: partitionOf(scope),
        image: name,
        ...errorFields(e),
      });
    }
  }

  private putBuild(scope: Scope, build: BuildRecord): TransactWriteItem {
    return { Put: { TableName: this.table, Item: buildItem(scope, build), ConditionExpression: 'attribute_not_exists(pk)' } };
  }

  private putWord(scope: Scope, beginning: string, name: string): TransactWriteItem {
    return { Put: { TableName: this.table, Item: toItem({ pk: partitionOf(scope), sk: wordKey(beginning, name) }) } };
  }

  private dropWord(scope: Scope, beginning: string, name: string): TransactWriteItem {
    return { Delete: { TableName: this.table, Key: toItem({ pk: partitionOf(scope), sk: wordKey(beginning, name) }) } };
  }

  /** An UpdateItem of the image (as a transaction's Update): sets `changes` (null removes) and bumps the version, under `condition`. */
  private imageUpdate(scope: Scope, name: string, changes: object, condition: Condition) {
    const { expression, names, values } = updateExpression({ ...changes }, ['#version = #version + :one']);
    return {
      TableName: this.table,
      Key: keyFor(scope, name),
      UpdateExpression: expression,
      ConditionExpression: condition.expression,
      ExpressionAttributeNames: { ...names, ...condition.names, '#version': 'version' },
      ExpressionAttributeValues: toItem({ ...values, ...condition.values, ':one': 1 }),
    };
  }

  /**
   * One transaction that writes the image (the first of `parts`) with what must agree with it, its
   * search entries moved from `before`'s words to `after`'s (null: deleted). See the top of this file
   * for entries beyond the transaction's room.
   */
  private async rewrite<R>(
    scope: Scope,
    before: ImageRecord,
    after: ImageRecord | null,
    parts: TransactionPart<R>[],
  ): Promise<{ ok: true } | { ok: false; reason: R }> {
    const had = indexedKeysOf(before);
    const has = after ? indexedKeysOf(after) : new Set<string>();
    const add = [...minus(has, had)];
    const drop = [...minus(had, has)];
    const room = TRANSACTION_MAX_ITEMS - parts.length;
    const addNow = add.slice(0, room);
    const dropNow = drop.slice(0, room - addNow.length);
    if (add.length > addNow.length) await this.index.add(scope, before.name, add.slice(addNow.length));
    const result = await transactParts<R>(this.db, [
      ...parts,
      ...addNow.map((w) => ({ item: this.putWord(scope, w, before.name) })),
      ...dropNow.map((w) => ({ item: this.dropWord(scope, w, before.name) })),
    ]);
    const dropLater = drop.slice(dropNow.length);
    if (result.ok && dropLater.length) {
      await this.cleanIndex(scope, before.name, async () => {
        await this.index.drop(scope, before.name, dropLater);
        // A writer that got in after this one may have had its words dropped just now: index them again.
        const now = await this.get(scope, before.name);
        if (now && now.version !== after?.version) await this.index.add(scope, before.name, indexedKeysOf(now));
      });
    }
    return result;
  }

  /**
   * Runs a write pinned to the image's version as read (`current`, else read now), so that what it
   * derives from the image (its words, its secret references) is exact; when another write got in
   * first, reads again and retries, unless the guard (what the caller's validation relied on) no
   * longer holds.
   */
  private async pinned<R>(
    scope: Scope,
    name: string,
    guard: ImageGuard,
    current: ImageRecord | undefined,
    write: (before: ImageRecord) => Promise<{ ok: true; value: ImageRecord } | R | 'moved'>,
  ): Promise<{ ok: true; value: ImageRecord } | R | { ok: false; reason: 'missing' | 'changed' }> {
    let before = current ?? (await this.get(scope, name));
    for (let attempt = 1; ; attempt++) {
      if (!before) return { ok: false, reason: 'missing' };
      if ((guard.version !== undefined && before.version !== guard.version) || (guard.type !== undefined && before.type !== guard.type))
        return { ok: false, reason: 'changed' };
      const result = await write(before);
      if (result !== 'moved') return result;
      if (attempt === PIN_ATTEMPTS) return { ok: false, reason: 'changed' };
      before = await this.get(scope, name);
    }
  }
}
