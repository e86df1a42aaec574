/**
 * The keyword search index: one keys-only item per (word beginning, image) under the scope's
 * partition, so that the images with a word beginning so are one Query in name order. Written in
 * batches (BatchWriteItem), several at once.
 */
import { QueryCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import type { Candidates } from '../domain/image-store.ts';
import type { Scope } from '../domain/scope.ts';
import { batchWrite, fromItem, toItem } from './dynamo.ts';
import { partitionOf, wordKey, wordPrefix } from './table.ts';

export class SearchIndex {
  constructor(
    private readonly db: DynamoDBClient,
    private readonly table: string,
  ) {}

  /** Indexes the image under these word beginnings (idempotent). */
  add(scope: Scope, name: string, beginnings: Iterable<string>): Promise<void> {
    return this.write([...beginnings].map((b) => ({ PutRequest: { Item: this.key(scope, b, name) } })));
  }

  /** Removes the image from these word beginnings (idempotent). */
  drop(scope: Scope, name: string, beginnings: Iterable<string>): Promise<void> {
    return this.write([...beginnings].map((b) => ({ DeleteRequest: { Key: this.key(scope, b, name) } })));
  }

  /** The names indexed under a word beginning, in name order after `after`: at most `limit`, in one Query. */
  async candidates(scope: Scope, beginning: string, { after, limit }: { after?: string; limit: number }): Promise<Candidates> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
        ExpressionAttributeValues: toItem({ ':pk': partitionOf(scope), ':prefix': wordPrefix(beginning) }),
        ExclusiveStartKey: after === undefined ? undefined : this.key(scope, beginning, after),
        Limit: limit + 1,
      }),
    );
    const prefix = wordPrefix(beginning).length;
    const names = (out.Items ?? []).map((item) => fromItem<{ sk: string }>(item).sk.slice(prefix));
    return { names: names.slice(0, limit), more: names.length > limit };
  }

  private key(scope: Scope, beginning: string, name: string) {
    return toItem({ pk: partitionOf(scope), sk: wordKey(beginning, name) });
  }

  private write(requests: WriteRequest[]): Promise<void> {
    return batchWrite(this.db, this.table, requests);
  }
}
