/**
 * What the catalog points at, for image retirement (lambdas/domain/image-retirement.ts), and its marks.
 *
 * `view()` is the one Scan in the service, on purpose: retirement must see every scope (a system image
 * may point at a group's build) and there is no list of scopes to Query. It runs once a day from a
 * scheduled function, reads only the attributes it needs, and costs about one read unit per 4 KB of
 * table (a catalog of 10,000 images with their word index: a few cents a month). Requests never scan.
 */
import { DeleteItemCommand, PutItemCommand, QueryCommand, ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TERMINAL } from '../domain/build.ts';
import type { BuildStatus } from '../domain/image.ts';
import type { CatalogReferences, ReferenceView, RetirementMarks, SpecClaimRef } from '../domain/image-retirement.ts';
import { eachItem, fromItem, isConditionFailure, toItem, type Item } from './dynamo.ts';
import { IMAGE_PREFIX, RETIRING_PARTITION, retiringKey, specKey } from './table.ts';

interface ScannedItem {
  pk: string;
  sk: string;
  url?: string | null;
  urlForGpu?: string | null;
  imageUrl?: string | null;
  targetUrl?: string | null;
  status?: BuildStatus | string;
  image?: string;
}

const PROJECTION = {
  ProjectionExpression: '#pk, #sk, #url, #urlForGpu, #imageUrl, #targetUrl, #status, #image',
  ExpressionAttributeNames: {
    '#pk': 'pk',
    '#sk': 'sk',
    '#url': 'url',
    '#urlForGpu': 'urlForGpu',
    '#imageUrl': 'imageUrl',
    '#targetUrl': 'targetUrl',
    '#status': 'status',
    '#image': 'image',
  },
};
const BUILD_PREFIX = 'BLD#';
const SPEC_PREFIX = 'SPEC#';
const isRunning = (status: string | undefined) => status !== undefined && !TERMINAL.includes(status as BuildStatus);

export class DynamoImageReferences implements CatalogReferences, RetirementMarks {
  /** Withdrawn claims as they were stored, to put back exactly. */
  private readonly withdrawn = new Map<string, Item>();

  constructor(
    private readonly db: DynamoDBClient,
    private readonly table: string,
  ) {}

  async view(): Promise<ReferenceView> {
    const images = new Set<string>();
    const builds: ScannedItem[] = [];
    const view: ReferenceView = { referenced: new Set(), producers: new Map(), claims: new Map() };
    const scan = (start: Item | undefined) =>
      this.db.send(new ScanCommand({ TableName: this.table, ConsistentRead: true, ExclusiveStartKey: start, ...PROJECTION }));
    for await (const raw of eachItem(scan)) {
      const item = fromItem<ScannedItem>(raw);
      if (item.sk.startsWith(IMAGE_PREFIX)) {
        images.add(`${item.pk}|${item.sk.slice(IMAGE_PREFIX.length)}`);
        for (const url of [item.url, item.urlForGpu]) if (url) view.referenced.add(url);
      } else if (item.sk.startsWith(BUILD_PREFIX)) {
        builds.push(item);
      } else if (item.sk.startsWith(SPEC_PREFIX) && item.imageUrl) {
        const claim = { partition: item.pk, hash: item.sk.slice(SPEC_PREFIX.length), imageUrl: item.imageUrl };
        view.claims.set(item.imageUrl, [...(view.claims.get(item.imageUrl) ?? []), claim]);
      }
    }

    for (const build of builds) {
      for (const url of [build.imageUrl, build.targetUrl]) {
        if (url) view.producers.set(url, (view.producers.get(url) ?? new Set()).add(build.pk));
      }
      // Kept builds: those of images that still exist (a deleted image's history keeps nothing alive).
      if (!images.has(`${build.pk}|${build.image}`)) continue;
      if (build.imageUrl) view.referenced.add(build.imageUrl);
      if (build.targetUrl && isRunning(build.status)) view.referenced.add(build.targetUrl);
    }
    return view;
  }

  async referencedIn(partition: string, url: string): Promise<boolean> {
    const images = await this.queryAll(partition, IMAGE_PREFIX);
    if (images.some((i) => i.url === url || i.urlForGpu === url)) return true;
    const names = new Set(images.map((i) => i.sk.slice(IMAGE_PREFIX.length)));
    const builds = await this.queryAll(partition, BUILD_PREFIX);
    return builds.some((b) => names.has(b.image ?? '') && (b.imageUrl === url || (b.targetUrl === url && isRunning(b.status))));
  }

  async withdrawClaim(claim: SpecClaimRef): Promise<boolean> {
    try {
      const out = await this.db.send(
        new DeleteItemCommand({
          TableName: this.table,
          Key: toItem({ pk: claim.partition, sk: specKey(claim.hash) }),
          // Only while it still hands out this image: a claim taken over by a new build stays.
          ConditionExpression: '#status = :succeeded AND #imageUrl = :url',
          ExpressionAttributeNames: { '#status': 'status', '#imageUrl': 'imageUrl' },
          ExpressionAttributeValues: toItem({ ':succeeded': 'succeeded', ':url': claim.imageUrl }),
          ReturnValues: 'ALL_OLD',
        }),
      );
      if (out.Attributes) this.withdrawn.set(`${claim.partition}|${claim.hash}`, out.Attributes);
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async restoreClaim(claim: SpecClaimRef): Promise<void> {
    const item = this.withdrawn.get(`${claim.partition}|${claim.hash}`);
    if (!item) return;
    try {
      // Unless a new build claimed the spec meanwhile (it then builds the image again).
      await this.db.send(new PutItemCommand({ TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
    this.withdrawn.delete(`${claim.partition}|${claim.hash}`);
  }

  async all(): Promise<Map<string, Date>> {
    const marks = new Map<string, Date>();
    const query = (start: Item | undefined) =>
      this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: toItem({ ':pk': RETIRING_PARTITION }),
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
    for await (const raw of eachItem(query)) {
      const item = fromItem<{ tag: string; since: string }>(raw);
      marks.set(item.tag, new Date(item.since));
    }
    return marks;
  }

  async mark(tag: string, since: Date): Promise<void> {
    try {
      await this.db.send(
        new PutItemCommand({
          TableName: this.table,
          Item: toItem({ pk: RETIRING_PARTITION, sk: retiringKey(tag), tag, since: since.toISOString() }),
          // A mark keeps its first time: a second run never restarts the grace period.
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
  }

  async unmark(tag: string): Promise<void> {
    await this.db.send(new DeleteItemCommand({ TableName: this.table, Key: toItem({ pk: RETIRING_PARTITION, sk: retiringKey(tag) }) }));
  }

  private async queryAll(partition: string, prefix: string): Promise<ScannedItem[]> {
    const items: ScannedItem[] = [];
    const query = (start: Item | undefined) =>
      this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeValues: toItem({ ':pk': partition, ':prefix': prefix }),
          ConsistentRead: true,
          ExclusiveStartKey: start,
          ...PROJECTION,
        }),
      );
    for await (const raw of eachItem(query)) items.push(fromItem<ScannedItem>(raw));
    return items;
  }
}
