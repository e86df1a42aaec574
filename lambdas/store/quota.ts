/**
 * The per-group quotas as one counter item per group (`pk = G#<group>, sk = QUOTA`): how many images
 * it holds and how many of its builds are queued or running. Every write that adds an image or a
 * build claims a place in the same transaction, under the condition that the counter is below its
 * limit, so the limits hold whatever the concurrency; the write that ends it (an image's delete, a
 * build's one move to a finished status) gives the place back in its own transaction, so exactly once.
 * System images and builds are not limited, nor counted.
 */
import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { Scope } from '../domain/scope.ts';
import { toItem, type TransactionPart } from './dynamo.ts';
import { partitionOf } from './table.ts';

export const QUOTA_SORT_KEY = 'QUOTA';

export type Counter = 'images' | 'builds';
export type QuotaRefusal = 'image-quota' | 'build-quota';
export type Counts = Partial<Record<Counter, number>>;

const key = (scope: Scope) => toItem({ pk: partitionOf(scope), sk: QUOTA_SORT_KEY });

/** Claims places (`add`, each 1 or more) under the limits; undefined for the system scope or nothing to claim. */
export function claimQuota(table: string, scope: Scope, add: Counts, limits: Counts): TransactionPart<QuotaRefusal> | undefined {
  if (scope.group === null) return undefined;
  const counters = (Object.keys(add) as Counter[]).filter((c) => (add[c] ?? 0) > 0);
  if (counters.length === 0) return undefined;
  const limited = counters.filter((c) => limits[c] !== undefined);
  const item: TransactWriteItem = {
    Update: {
      TableName: table,
      Key: key(scope),
      UpdateExpression: `ADD ${counters.map((c) => `#${c} :${c}`).join(', ')}`,
      // A group's first write finds no counter: room then, unless the limit is below what is claimed.
      ConditionExpression: limited.length
        ? limited.map((c) => (limits[c]! >= add[c]! ? `(attribute_not_exists(#${c}) OR #${c} <= :max_${c})` : `#${c} <= :max_${c}`)).join(' AND ')
        : undefined,
      ExpressionAttributeNames: Object.fromEntries(counters.map((c) => [`#${c}`, c])),
      ExpressionAttributeValues: toItem({
        ...Object.fromEntries(counters.map((c) => [`:${c}`, add[c]])),
        ...Object.fromEntries(limited.map((c) => [`:max_${c}`, limits[c]! - add[c]!])),
      }),
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
  return {
    item,
    // Which limit was reached: the counter that had no room (the images one first, as a create checks it first).
    refused: (old) => {
      const held = (c: Counter) => Number(old?.[c]?.N ?? 0);
      return limits.images !== undefined && (add.images ?? 0) > 0 && held('images') + add.images! > limits.images ? 'image-quota' : 'build-quota';
    },
  };
}

/** Gives places back (no condition: the write it rides with happens once); undefined when nothing is given back. */
export function releaseQuota(table: string, scope: Scope, remove: Counts): TransactionPart<never> | undefined {
  if (scope.group === null) return undefined;
  const counters = (Object.keys(remove) as Counter[]).filter((c) => (remove[c] ?? 0) > 0);
  if (counters.length === 0) return undefined;
  return {
    item: {
      Update: {
        TableName: table,
        Key: key(scope),
        UpdateExpression: `ADD ${counters.map((c) => `#${c} :${c}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(counters.map((c) => [`#${c}`, c])),
        ExpressionAttributeValues: toItem(Object.fromEntries(counters.map((c) => [`:${c}`, -remove[c]!]))),
      },
    },
  };
}
