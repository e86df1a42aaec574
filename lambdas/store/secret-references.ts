/**
 * Which pull secrets exist and how many references they have, tracked in the table so that image
 * writes can check them in their own transaction (Secrets Manager cannot join one): one item per
 * secret (`pk = SECRETS, sk = SECRET#<name>`) with `live` while the secret may be referenced and
 * `uses`, the references images hold to it (an image's pullSecret and its build spec's, each counted).
 *
 * - A write that adds references increments `uses` under the condition that the secret is live;
 *   one that drops references decrements it, in the same transaction as the image write.
 * - A secret is retired (no longer live) only while it has no uses, in one conditional write, before
 *   it is deleted from the secrets store: after that no image can start using it.
 */
import { UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { isConditionFailure, toItem, type TransactionPart } from './dynamo.ts';
import { SECRETS_PARTITION } from './table.ts';

const key = (name: string) => toItem({ pk: SECRETS_PARTITION, sk: `SECRET#${name}` });

/** The references an image holds (null: none). */
export interface SecretReferences {
  pullSecret: string | null;
  buildPullSecret: string | null;
}

export type SecretRefusal = { reason: 'secret'; secret: string };

const NONE: SecretReferences = { pullSecret: null, buildPullSecret: null };

/** The transaction parts that move an image's references from `before` to `after` (either null: no image). */
export function referenceChanges(table: string, before: SecretReferences | null, after: SecretReferences | null): TransactionPart<SecretRefusal>[] {
  const delta = new Map<string, number>();
  const count = (refs: SecretReferences, by: number) => {
    for (const name of [refs.pullSecret, refs.buildPullSecret]) if (name) delta.set(name, (delta.get(name) ?? 0) + by);
  };
  count(before ?? NONE, -1);
  count(after ?? NONE, +1);
  return [...delta].filter(([, by]) => by !== 0).map(([name, by]) => (by > 0 ? reference(table, name, by) : { item: dereference(table, name, by) }));
}

function reference(table: string, name: string, by: number): TransactionPart<SecretRefusal> {
  return {
    item: {
      Update: {
        TableName: table,
        Key: key(name),
        UpdateExpression: 'ADD #uses :by',
        ConditionExpression: 'attribute_exists(#live)',
        ExpressionAttributeNames: { '#uses': 'uses', '#live': 'live' },
        ExpressionAttributeValues: toItem({ ':by': by }),
      },
    },
    refused: () => ({ reason: 'secret', secret: name }),
  };
}

function dereference(table: string, name: string, by: number) {
  return {
    Update: {
      TableName: table,
      Key: key(name),
      UpdateExpression: 'ADD #uses :by',
      ExpressionAttributeNames: { '#uses': 'uses' },
      ExpressionAttributeValues: toItem({ ':by': by }),
    },
  };
}

/** The secrets store's side: a secret becomes live when stored, and is retired only while nothing uses it. */
export class DynamoSecretReferences {
  constructor(
    private readonly db: DynamoDBClient,
    private readonly table: string,
  ) {}

  /** The secret may be referenced from now on (idempotent). */
  async declare(name: string): Promise<void> {
    await this.db.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: key(name),
        UpdateExpression: 'SET #live = :true',
        ExpressionAttributeNames: { '#live': 'live' },
        ExpressionAttributeValues: toItem({ ':true': true }),
      }),
    );
  }

  /** Retires the secret unless an image uses it (false then); a secret already retired stays so. */
  async retire(name: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: key(name),
          UpdateExpression: 'REMOVE #live',
          ConditionExpression: 'attribute_not_exists(#uses) OR #uses <= :zero',
          ExpressionAttributeNames: { '#live': 'live', '#uses': 'uses' },
          ExpressionAttributeValues: toItem({ ':zero': 0 }),
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }
}
