/** Builds and spec claims in the single DynamoDB table, under their scope's partition. */
import { GetItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand, type DynamoDBClient, type Update } from '@aws-sdk/client-dynamodb';
import type { BuildProgress, BuildRecord } from '../domain/build.ts';
import { isForward, isTerminal, STATUS_RANK } from '../domain/build-states.ts';
import { storedPhase, storedPhaseRank } from './stored-phases.ts';
import type { BuildStore, ImageTold, SpecClaim } from '../domain/build-store.ts';
import type { Scope } from '../domain/scope.ts';
import type { BuildFacts } from '../domain/build-facts.ts';
import type { Vulnerabilities } from '../domain/image-scans.ts';
import type { BuiltTags } from '../domain/tenant-references.ts';
import { hashPrefixOfTag } from '../domain/build-spec.ts';
import { fromItem, isConditionFailure, toItem, transactParts, updateExpression, type Item, type TransactionPart } from './dynamo.ts';
import { releaseQuota } from './quota.ts';
import { factsFromItem, recordFacts } from './build-facts-item.ts';
import { buildKey, buildPrefix, imageKey, partitionOf, RUNNING_INDEX, RUNNING_PARTITION, specKey } from './table.ts';

const BUILD_FIELDS = [
  'id',
  'image',
  'group',
  'status',
  'phase',
  'spec',
  'specHash',
  'targetUrl',
  'imageUrl',
  'reused',
  'reusedFrom',
  'failureReason',
  'dryRun',
  'builderId',
  'createdAt',
  'startedAt',
  'finishedAt',
  'createdBy',
] as const;

export function buildFromItem(item: Item): BuildRecord {
  const raw = fromItem<Record<string, unknown>>(item);
  const record = Object.fromEntries(BUILD_FIELDS.map((f) => [f, raw[f] ?? null])) as unknown as BuildRecord;
  return {
    ...record,
    phase: storedPhase(raw.phase),
    reused: raw.reused === true,
    dryRun: raw.dryRun === true,
    ...factsFromItem(raw),
    ...(raw.vulnerabilities ? { vulnerabilities: raw.vulnerabilities as Vulnerabilities } : {}),
  };
}

const withoutNulls = (o: object) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));

/** A new build's item (stored by the image store, in the transaction that points the image at it). */
export function buildItem(scope: Scope, build: BuildRecord): Item {
  // In the running index while unfinished: the reconciler finds it whatever fails after it is stored.
  const running = isTerminal(build.status) ? {} : { [RUNNING_INDEX.partition]: RUNNING_PARTITION, [RUNNING_INDEX.sort]: `${build.createdAt}#${build.id}` };
  return toItem({
    pk: partitionOf(scope),
    sk: buildKey(build.image, build.id),
    ...withoutNulls(build),
    statusRank: STATUS_RANK[build.status],
    phaseRank: storedPhaseRank(build.phase),
    ...running,
  });
}

export class DynamoBuildStore implements BuildStore, BuiltTags {
  constructor(
    private readonly db: DynamoDBClient,
    private readonly table: string,
  ) {}

  private key(scope: Scope, image: string, buildId: string) {
    return toItem({ pk: partitionOf(scope), sk: buildKey(image, buildId) });
  }

  async get(scope: Scope, image: string, buildId: string): Promise<BuildRecord | undefined> {
    const { Item } = await this.db.send(new GetItemCommand({ TableName: this.table, Key: this.key(scope, image, buildId), ConsistentRead: true }));
    return Item ? buildFromItem(Item) : undefined;
  }

  async page(scope: Scope, image: string, { after, limit }: { after?: string; limit: number }) {
    const pk = partitionOf(scope);
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: toItem({ ':pk': pk, ':prefix': buildPrefix(image) }),
        ScanIndexForward: false,
        Limit: limit + 1,
        ExclusiveStartKey: after === undefined ? undefined : toItem({ pk, sk: buildKey(image, after) }),
      }),
    );
    const items = (out.Items ?? []).map(buildFromItem);
    return items.length > limit ? { items: items.slice(0, limit), next: items[limit - 1]!.id } : { items, next: null };
  }

  async running(createdBefore: string): Promise<BuildRecord[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: RUNNING_INDEX.name,
        KeyConditionExpression: '#p = :p AND #s < :before',
        ExpressionAttributeNames: { '#p': RUNNING_INDEX.partition, '#s': RUNNING_INDEX.sort },
        ExpressionAttributeValues: toItem({ ':p': RUNNING_PARTITION, ':before': createdBefore }),
      }),
    );
    return (out.Items ?? []).map(buildFromItem);
  }

  async retire(scope: Scope, image: string, buildId: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: this.key(scope, image, buildId),
          UpdateExpression: 'REMOVE #rp, #rs',
          ConditionExpression: '#rank = :terminal',
          ExpressionAttributeNames: { '#rp': RUNNING_INDEX.partition, '#rs': RUNNING_INDEX.sort, '#rank': 'statusRank' },
          ExpressionAttributeValues: toItem({ ':terminal': STATUS_RANK.succeeded }),
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
  }

  /** Issue 18 (build-facts-item.ts). */
  async recordFacts(scope: Scope, image: string, buildId: string, facts: BuildFacts): Promise<void> {
    await recordFacts(this.db, this.table, this.key(scope, image, buildId), facts);
  }

  async setBuilderId(scope: Scope, image: string, buildId: string, builderId: string, dryRun: boolean): Promise<BuildRecord> {
    const out = await this.db.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: this.key(scope, image, buildId),
        UpdateExpression: 'SET builderId = :b, dryRun = :d',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: toItem({ ':b': builderId, ':d': dryRun }),
        // The build as it now is: a cancel that came while StartBuild was on its way shows here.
        ReturnValues: 'ALL_NEW',
      }),
    );
    return buildFromItem(out.Attributes!);
  }

  async advance(
    scope: Scope,
    image: string,
    buildId: string,
    progress: BuildProgress & { imageUrl?: string | null; reused?: boolean; dryRun?: boolean },
    tell?: ImageTold,
  ): Promise<{ build: BuildRecord; imageTold: boolean } | undefined> {
    const status = progress.status ?? 'building';
    const rank = STATUS_RANK[status];
    const pRank = storedPhaseRank(progress.phase);
    const set: Record<string, unknown> = { status, statusRank: rank };
    if (progress.phase) Object.assign(set, { phase: progress.phase, phaseRank: pRank });
    if (isTerminal(status)) Object.assign(set, { finishedAt: progress.at, failureReason: progress.failureReason ?? null });
    if (progress.imageUrl !== undefined) set.imageUrl = progress.imageUrl;
    if (progress.reused !== undefined) set.reused = progress.reused;
    if (progress.dryRun !== undefined) set.dryRun = progress.dryRun;

    // DynamoDB refuses names and values an expression does not use: add each only with its use.
    const names: Record<string, string> = { '#rank': 'statusRank' };
    const values: Record<string, unknown> = { ':rank': rank };
    if (progress.phase) {
      names['#pr'] = 'phaseRank';
      Object.assign(values, { ':pr': pRank, ':terminal': STATUS_RANK.succeeded });
    }
    const assignments: string[] = [];
    for (const [field, value] of Object.entries(set)) {
      if (value === undefined) continue;
      names[`#${field}`] = field;
      values[`:${field}`] = value;
      assignments.push(`#${field} = :${field}`);
    }
    if (rank >= 1) {
      names['#startedAt'] = 'startedAt';
      values[':at'] = progress.at;
      assignments.push('#startedAt = if_not_exists(#startedAt, :at)');
    }
    // A finished build stays in the running index until retire(): until the image and the builds
    // waiting for it have been told, the reconciler must be able to find it.
    // Forward only (build-states.ts: isForward, as ranks): a higher status, or a later phase within the same unfinished status.
    const condition = progress.phase
      ? 'attribute_exists(pk) AND (#rank < :rank OR (#rank = :rank AND #rank < :terminal AND #pr < :pr))'
      : 'attribute_exists(pk) AND #rank < :rank';
    const update: Update = {
      TableName: this.table,
      Key: this.key(scope, image, buildId),
      UpdateExpression: `SET ${assignments.join(', ')}`,
      ConditionExpression: condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: toItem(values),
    };
    try {
      const release = isTerminal(status) ? releaseQuota(this.table, scope, { builds: 1 }) : undefined;
      const imagePart = tell && this.imageTold(scope, image, tell);
      if (!release && !imagePart) {
        const out = await this.db.send(new UpdateItemCommand({ ...update, ReturnValues: 'ALL_NEW' }));
        return { build: buildFromItem(out.Attributes!), imageTold: false };
      }
      // The one move to a finished status gives the build's place back in the same write: exactly once,
      // whatever duplicates or losses the reports went through. The image, while it still points at this
      // build, sees the new status (and on success its url) in the same write too.
      const parts = [{ item: { Update: update }, refused: () => 'build' as const }, ...(release ? [release] : [])];
      let imageTold = imagePart !== undefined;
      let done = await transactParts<'build' | 'image'>(this.db, imagePart ? [...parts, imagePart] : parts);
      if (!done.ok && done.reason === 'image') {
        // The image was deleted, or points at another build: the build moves alone.
        imageTold = false;
        done = await transactParts<'build' | 'image'>(this.db, parts);
      }
      if (!done.ok) throw Object.assign(new Error('the build did not move forward'), { name: 'ConditionalCheckFailedException' });
      return { build: (await this.get(scope, image, buildId))!, imageTold };
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      // Believed only once a read shows the build where the condition said: a refusal of a forward
      // move would otherwise lose the move without a trace.
      const now = await this.get(scope, image, buildId);
      const forward = now !== undefined && isForward(now, { status, phase: progress.phase });
      if (forward) throw e;
      return undefined;
    }
  }

  /** The image's side of a build's move: its latest build's new status (and url), only while it is this build. */
  private imageTold(scope: Scope, image: string, tell: ImageTold): TransactionPart<'image'> {
    const { expression, names, values } = updateExpression({ latestBuild: tell.latest, ...(tell.url === null ? {} : { url: tell.url }) }, [
      '#version = #version + :one',
    ]);
    return {
      item: {
        Update: {
          TableName: this.table,
          Key: toItem({ pk: partitionOf(scope), sk: imageKey(image) }),
          UpdateExpression: expression,
          ConditionExpression: '#latestBuild.#id = :buildId',
          ExpressionAttributeNames: { ...names, '#latestBuild': 'latestBuild', '#id': 'id', '#version': 'version' },
          ExpressionAttributeValues: toItem({ ...values, ':buildId': tell.latest.id, ':one': 1 }),
        },
      },
      refused: () => 'image',
    };
  }

  async claimSpec(scope: Scope, hash: string, leader: { image: string; buildId: string }) {
    try {
      await this.db.send(
        new PutItemCommand({
          TableName: this.table,
          Item: toItem({ pk: partitionOf(scope), sk: specKey(hash), hash, leader, status: 'building', followers: [] }),
          ConditionExpression: 'attribute_not_exists(pk) OR #status IN (:failed, :cancelled)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: toItem({ ':failed': 'failed', ':cancelled': 'cancelled' }),
        }),
      );
      return { claimed: true as const };
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      const { Item } = await this.db.send(
        new GetItemCommand({ TableName: this.table, Key: toItem({ pk: partitionOf(scope), sk: specKey(hash) }), ConsistentRead: true }),
      );
      return { claimed: false as const, claim: specFromItem(Item!) };
    }
  }

  async markFollower(scope: Scope, image: string, buildId: string, leaderBuildId: string): Promise<void> {
    await this.db.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: this.key(scope, image, buildId),
        UpdateExpression: 'SET reused = :t, reusedFrom = :leader',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: toItem({ ':t': true, ':leader': leaderBuildId }),
      }),
    );
  }

  async follow(scope: Scope, hash: string, leaderBuildId: string, follower: { image: string; buildId: string }): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: toItem({ pk: partitionOf(scope), sk: specKey(hash) }),
          UpdateExpression: 'SET followers = list_append(followers, :f)',
          ConditionExpression: '#leader.buildId = :leader AND #status = :building',
          ExpressionAttributeNames: { '#leader': 'leader', '#status': 'status' },
          ExpressionAttributeValues: toItem({ ':f': [follower], ':leader': leaderBuildId, ':building': 'building' }),
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async settleSpec(scope: Scope, hash: string, leaderBuildId: string, status: SpecClaim['status'], imageUrl: string | null): Promise<SpecClaim | undefined> {
    try {
      const out = await this.db.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: toItem({ pk: partitionOf(scope), sk: specKey(hash) }),
          UpdateExpression: imageUrl === null ? 'SET #status = :status' : 'SET #status = :status, imageUrl = :url',
          // Again with the same outcome is allowed: a settlement that failed half-way is finished by a later one.
          ConditionExpression: '#leader.buildId = :leader AND (#status = :building OR #status = :status)',
          ExpressionAttributeNames: { '#leader': 'leader', '#status': 'status' },
          ExpressionAttributeValues: toItem({
            ':status': status,
            ':leader': leaderBuildId,
            ':building': 'building',
            ...(imageUrl === null ? {} : { ':url': imageUrl }),
          }),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return specFromItem(out.Attributes!);
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      // Believed only once a read shows another leader or another outcome: else the builds waiting would never hear.
      const { Item } = await this.db.send(
        new GetItemCommand({ TableName: this.table, Key: toItem({ pk: partitionOf(scope), sk: specKey(hash) }), ConsistentRead: true }),
      );
      const claim = Item ? specFromItem(Item) : undefined;
      if (claim?.leader.buildId === leaderBuildId && (claim.status === 'building' || claim.status === status)) throw e;
      return undefined;
    }
  }

  /**
   * Whether a build of the scope produced this image tag: the tag carries the beginning of the spec
   * hash, and the scope's spec claims are keyed by it (one Query, at most one key read).
   */
  async builtIn(scope: Scope, tag: string): Promise<boolean> {
    const prefix = hashPrefixOfTag(tag);
    if (prefix === undefined) return false;
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :spec)',
        ExpressionAttributeValues: toItem({ ':pk': partitionOf(scope), ':spec': specKey(prefix) }),
        ProjectionExpression: 'pk',
        Limit: 1,
      }),
    );
    return (out.Items ?? []).length > 0;
  }
}

function specFromItem(item: Item): SpecClaim {
  const raw = fromItem<SpecClaim>(item);
  return { hash: raw.hash, leader: raw.leader, status: raw.status, imageUrl: raw.imageUrl ?? null, followers: raw.followers ?? [] };
}
