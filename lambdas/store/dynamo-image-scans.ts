/**
 * Issue 18: scan results and the links from a scanned image (by tag or digest) to the builds that
 * produced it, in the single table, outside every scope's partition (a scan event names no scope):
 *
 *   pk = "ECRIMAGE#tag:<tag>" | "ECRIMAGE#digest:<digest>"
 *   sk = "SCAN"                                  the newest scan result of that image
 *   sk = "BUILD#<group>#<image>#<buildId>"       a succeeded build whose image it is
 */
import { GetItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { BuildRef, ImageScan, ImageScanStore, Vulnerabilities } from '../domain/image-scans.ts';
import type { Scope } from '../domain/scope.ts';
import { eachItem, fromItem, isConditionFailure, toItem, type Item } from './dynamo.ts';
import { buildKey, imageKey, partitionOf } from './table.ts';

const imagePk = (kind: 'tag' | 'digest', value: string) => `ECRIMAGE#${kind}:${value}`;
const SCAN_SK = 'SCAN';
const linkSk = (b: BuildRef) => `BUILD#${b.group ?? ''}#${b.image}#${b.buildId}`;
/** Newer scans only: a duplicated or late (older) result changes nothing. */
const NEWER = (path: string) => `(attribute_not_exists(${path}) OR ${path}.#at < :at)`;

export class DynamoImageScans implements ImageScanStore {
  constructor(
    private readonly db: DynamoDBClient,
    private readonly table: string,
  ) {}

  private keysOf(tags: string[], digest: string | null) {
    return [...tags.map((t) => imagePk('tag', t)), ...(digest ? [imagePk('digest', digest)] : [])];
  }

  async linkBuild(tag: string, digest: string | null, build: BuildRef): Promise<Vulnerabilities | undefined> {
    const keys = this.keysOf([tag], digest);
    for (const pk of keys) await this.db.send(new PutItemCommand({ TableName: this.table, Item: toItem({ pk, sk: linkSk(build), ...build }) }));
    // Written first, read second (and the scan side the other way round): whichever comes second sees the other.
    const found = await Promise.all(
      keys.map((pk) => this.db.send(new GetItemCommand({ TableName: this.table, Key: toItem({ pk, sk: SCAN_SK }), ConsistentRead: true }))),
    );
    return found
      .flatMap((r) => (r.Item ? [fromItem<{ vulnerabilities: Vulnerabilities }>(r.Item).vulnerabilities] : []))
      .sort((a, b) => b.scannedAt.localeCompare(a.scannedAt))[0];
  }

  async recordScan(scan: ImageScan): Promise<BuildRef[]> {
    const keys = this.keysOf(scan.tags, scan.digest);
    for (const pk of keys) {
      try {
        await this.db.send(
          new PutItemCommand({
            TableName: this.table,
            Item: toItem({ pk, sk: SCAN_SK, vulnerabilities: scan.vulnerabilities }),
            ConditionExpression: NEWER('vulnerabilities'),
            ExpressionAttributeNames: { '#at': 'scannedAt' },
            ExpressionAttributeValues: toItem({ ':at': scan.vulnerabilities.scannedAt }),
          }),
        );
      } catch (e) {
        if (!isConditionFailure(e)) throw e;
      }
    }
    const found = new Map<string, BuildRef>();
    for (const pk of keys) {
      const query = (start: Item | undefined) =>
        this.db.send(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :link)',
            ExpressionAttributeValues: toItem({ ':pk': pk, ':link': 'BUILD#' }),
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        );
      for await (const item of eachItem(query)) {
        const { group, image, buildId } = fromItem<BuildRef>(item);
        found.set(`${group ?? ''}#${image}#${buildId}`, { group: group ?? null, image, buildId });
      }
    }
    return [...found.values()];
  }

  async setBuildVulnerabilities(scope: Scope, image: string, buildId: string, v: Vulnerabilities): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: toItem({ pk: partitionOf(scope), sk: buildKey(image, buildId) }),
          UpdateExpression: 'SET #v = :v',
          ConditionExpression: `attribute_exists(pk) AND ${NEWER('#v')}`,
          ExpressionAttributeNames: { '#v': 'vulnerabilities', '#at': 'scannedAt' },
          ExpressionAttributeValues: toItem({ ':v': v, ':at': v.scannedAt }),
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async setLatestBuildVulnerabilities(scope: Scope, image: string, buildId: string, v: Vulnerabilities): Promise<void> {
    // Not a user's change: the image's version (its ETag) stays, so an edit in flight is not refused for it.
    try {
      await this.db.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: toItem({ pk: partitionOf(scope), sk: imageKey(image) }),
          UpdateExpression: 'SET #lb.#v = :v',
          ConditionExpression: `#lb.#id = :id AND ${NEWER('#lb.#v')}`,
          ExpressionAttributeNames: { '#lb': 'latestBuild', '#v': 'vulnerabilities', '#id': 'id', '#at': 'scannedAt' },
          ExpressionAttributeValues: toItem({ ':v': v, ':id': buildId, ':at': v.scannedAt }),
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
  }
}
