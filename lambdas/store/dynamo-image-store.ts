/** The image catalog in the single DynamoDB table: one item per image under its scope's partition. */
import { DeleteItemCommand, GetItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand, type DynamoDBClient, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import type { GuardedResult, ImageFilter, ImageGuard, ImagePage, ImageStore } from '../domain/image-store.ts';
import type { ImageBuildLink } from '../domain/build-store.ts';
import { LOWERCASE_SHADOWS, SEARCHED_AS_IS, searchShadowsOf, type ImageRecord, type LatestBuild, type StoredBuildSpec } from '../domain/image.ts';
import { TERMINAL } from '../domain/build.ts';
import type { Scope } from '../domain/scope.ts';
import { fromItem, isConditionFailure, toItem, updateExpression, type Item } from './dynamo.ts';
import { IMAGE_PREFIX, imageKey, partitionOf, SECRET_USE_INDEXES } from './table.ts';

const IMAGE_FIELDS = ['name', 'displayName', 'description', 'group', 'type', 'url', 'urlForGpu', 'pullSecret', 'source', 'buildSpec', 'latestBuild', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy', 'version'] as const;

/** Absent attributes are nulls in the record. */
export function imageFromItem(item: Item): ImageRecord {
  const raw = fromItem<Record<string, unknown>>(item);
  return Object.fromEntries(IMAGE_FIELDS.map((f) => [f, raw[f] ?? null])) as unknown as ImageRecord;
}

const withoutNulls = (o: object) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));

const keyFor = (scope: Scope, name: string) => toItem({ pk: partitionOf(scope), sk: imageKey(name) });

/** A Query reads at most 1 MB; two of them bound a filtered page's cost. */
const MAX_ROUND_TRIPS = 2;

export class DynamoImageStore implements ImageStore, ImageBuildLink {
  constructor(
    private readonly db: DynamoDBClient,
    private readonly table: string,
  ) {}

  async insert(scope: Scope, image: ImageRecord): Promise<boolean> {
    try {
      await this.db.send(
        new PutItemCommand({
          TableName: this.table,
          Item: toItem(withoutNulls({ pk: partitionOf(scope), sk: imageKey(image.name), ...image, ...searchShadowsOf(image), buildPullSecret: image.buildSpec?.pullSecret })),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
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

  async page(scope: Scope, { after, limit, filter, roundTrips = MAX_ROUND_TRIPS }: { after?: string; limit: number; filter?: ImageFilter; roundTrips?: number }): Promise<ImagePage> {
    const pk = partitionOf(scope);
    const names: Record<string, string> = { '#pk': 'pk', '#sk': 'sk' };
    const values: Record<string, unknown> = { ':pk': pk, ':prefix': IMAGE_PREFIX };
    const conditions: string[] = [];
    if (filter?.keyword) {
      const searched = [...SEARCHED_AS_IS, ...Object.values(LOWERCASE_SHADOWS)];
      searched.forEach((field) => (names[`#${field}`] = field));
      values[':keyword'] = filter.keyword;
      conditions.push(`(${searched.map((field) => `contains(#${field}, :keyword)`).join(' OR ')})`);
    }
    if (filter?.types?.length) {
      names['#type'] = 'type';
      filter.types.forEach((t, i) => (values[`:type${i}`] = t));
      conditions.push(`#type IN (${filter.types.map((_, i) => `:type${i}`).join(', ')})`);
    }
    const input: QueryCommandInput = {
      TableName: this.table,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: toItem(values),
      ...(conditions.length ? { FilterExpression: conditions.join(' AND ') } : { Limit: limit + 1 }),
    };

    const items: ImageRecord[] = [];
    let start: Item | undefined = after === undefined ? undefined : toItem({ pk, sk: imageKey(after) });
    for (let trip = 0; trip < roundTrips; trip++) {
      const out = await this.db.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
      items.push(...(out.Items ?? []).map(imageFromItem));
      start = out.LastEvaluatedKey;
      if (items.length > limit || !start) break;
    }
    if (items.length > limit) return { items: items.slice(0, limit), next: items[limit - 1]!.name };
    // Filtered and not exhausted after the round-trip budget: a short page that continues where the reads stopped.
    const next = start ? fromItem<{ sk: string }>(start).sk.slice(IMAGE_PREFIX.length) : null;
    return { items, next };
  }

  async update(scope: Scope, name: string, changes: Parameters<ImageStore['update']>[2], guard: ImageGuard): Promise<GuardedResult<ImageRecord>> {
    return this.guarded(scope, name, guard, async (condition) => {
      const { expression, names, values } = updateExpression({ ...changes, ...searchShadowsOf(changes) }, ['#version = #version + :one']);
      const out = await this.db.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: keyFor(scope, name),
          UpdateExpression: expression,
          ConditionExpression: condition.expression,
          ExpressionAttributeNames: { ...names, ...condition.names, '#version': 'version' },
          ExpressionAttributeValues: toItem({ ...values, ...condition.values, ':one': 1 }),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return imageFromItem(out.Attributes!);
    });
  }

  async remove(scope: Scope, name: string, guard: ImageGuard): Promise<GuardedResult<ImageRecord>> {
    return this.guarded(scope, name, guard, async (condition) => {
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
  }

  async beginBuild(scope: Scope, name: string, latest: LatestBuild, spec: StoredBuildSpec | null, by: string, at: string) {
    const changes = { latestBuild: latest, updatedAt: at, updatedBy: by, ...(spec ? { buildSpec: spec, buildPullSecret: spec.pullSecret ?? null } : {}) };
    const { expression, names, values } = updateExpression(changes, ['#version = #version + :one']);
    try {
      const out = await this.db.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: keyFor(scope, name),
          UpdateExpression: expression,
          // One build per image at a time: only when it has none, or its latest has finished.
          ConditionExpression: `attribute_exists(pk) AND (attribute_not_exists(#latestBuild) OR #latestBuild.#st IN (${TERMINAL.map((_, i) => `:t${i}`).join(', ')}))`,
          ExpressionAttributeNames: { ...names, '#version': 'version', '#st': 'status' },
          ExpressionAttributeValues: toItem({ ...values, ':one': 1, ...Object.fromEntries(TERMINAL.map((t, i) => [`:t${i}`, t])) }),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { ok: true as const, value: imageFromItem(out.Attributes!) };
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      const image = await this.get(scope, name);
      return image ? { ok: false as const, reason: 'busy' as const, image } : { ok: false as const, reason: 'missing' as const };
    }
  }

  async finishBuild(scope: Scope, name: string, latest: LatestBuild, url: string | null): Promise<void> {
    const { expression, names, values } = updateExpression({ latestBuild: latest, ...(url === null ? {} : { url, ...searchShadowsOf({ url }) }) }, ['#version = #version + :one']);
    try {
      await this.db.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: keyFor(scope, name),
          UpdateExpression: expression,
          // Only while this build is still the image's latest (an older build never overwrites a newer
          // one), and only when it is news (a repeated report leaves the image and its ETag alone).
          ConditionExpression: '#latestBuild.#id = :buildId AND #latestBuild.#st <> :status',
          ExpressionAttributeNames: { ...names, '#version': 'version', '#id': 'id', '#st': 'status' },
          ExpressionAttributeValues: toItem({ ...values, ':one': 1, ':buildId': latest.id, ':status': latest.status }),
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      // Believed only once a read shows another latest build, or this one already told: else the image
      // would stay busy with a finished build.
      const now = await this.get(scope, name);
      if (now?.latestBuild?.id === latest.id && now.latestBuild.status !== latest.status) throw e;
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
  private async guarded<T>(scope: Scope, name: string, guard: ImageGuard, write: (c: { expression: string; names: Record<string, string>; values: Record<string, unknown> }) => Promise<T>): Promise<GuardedResult<T>> {
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
