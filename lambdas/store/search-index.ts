/**
 * The keyword search index: one keys-only item per (word beginning, image) under the scope's
 * partition, so that the images with a word beginning so are one Query in name order (read by
 * DynamoImageStore.candidates). Written in batches (BatchWriteItem), several at once.
 */
import type { DynamoDBClient, WriteRequest } from '@aws-sdk/client-dynamodb';
import type { Scope } from '../domain/scope.ts';
import { batchWrite, toItem } from './dynamo.ts';
import { partitionOf, wordKey } from './table.ts';

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

  private key(scope: Scope, beginning: string, name: string) {
    return toItem({ pk: partitionOf(scope), sk: wordKey(beginning, name) });
  }

  private write(requests: WriteRequest[]): Promise<void> {
    return batchWrite(this.db, this.table, requests);
  }
}
