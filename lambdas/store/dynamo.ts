/** Small helpers over the raw DynamoDB client (no DocumentClient: it doubles the bundle for little gain). */
import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DynamoDBClient,
  TransactWriteItemsCommand,
  type TransactWriteItem,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

export type Item = Record<string, AttributeValue>;

export const toItem = (value: object): Item => marshall(value, { removeUndefinedValues: true, convertClassInstanceToMap: false });
export const fromItem = <T>(item: Item): T => unmarshall(item) as T;

/**
 * Every item of a Query or Scan, page after page, for the few readers that need all of them (image
 * retirement, scan results); `page` sends one request from the given start key.
 */
export async function* eachItem(page: (start: Item | undefined) => Promise<{ Items?: Item[]; LastEvaluatedKey?: Item }>): AsyncGenerator<Item> {
  let start: Item | undefined;
  do {
    const out = await page(start);
    yield* out.Items ?? [];
    start = out.LastEvaluatedKey;
  } while (start);
}

export const isConditionFailure = (e: unknown) =>
  e instanceof ConditionalCheckFailedException || (e as { name?: string })?.name === 'ConditionalCheckFailedException';

/** Builds `SET #a = :a, ...` / `REMOVE #b` from a change set: null removes, undefined leaves alone. */
export function updateExpression(changes: Record<string, unknown>, extraSet: string[] = []) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const set = [...extraSet];
  const remove: string[] = [];
  for (const [field, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    names[`#${field}`] = field;
    if (value === null) remove.push(`#${field}`);
    else {
      values[`:${field}`] = value;
      set.push(`#${field} = :${field}`);
    }
  }
  const expression = [set.length ? `SET ${set.join(', ')}` : '', remove.length ? `REMOVE ${remove.join(', ')}` : ''].filter(Boolean).join(' ');
  return { expression, names, values };
}

export function dynamoClient(endpoint?: string): DynamoDBClient {
  return new DynamoDBClient(endpoint ? { endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {});
}

const BATCH = 25;
const IN_FLIGHT = 8;
const ATTEMPTS = 6;

/** Sends the requests in batches of 25, `inFlight` at a time, sending back what DynamoDB leaves unprocessed. */
export async function batchWrite(db: DynamoDBClient, table: string, requests: readonly WriteRequest[], inFlight = IN_FLIGHT): Promise<void> {
  const batches: WriteRequest[][] = [];
  for (let i = 0; i < requests.length; i += BATCH) batches.push(requests.slice(i, i + BATCH));
  const next = async (): Promise<void> => {
    for (let batch = batches.shift(); batch; batch = batches.shift()) await writeBatch(db, table, batch);
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, batches.length) }, next));
}

async function writeBatch(db: DynamoDBClient, table: string, batch: WriteRequest[]): Promise<void> {
  let pending = batch;
  for (let attempt = 1; ; attempt++) {
    const out = await db.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
    pending = out.UnprocessedItems?.[table] ?? [];
    if (pending.length === 0) return;
    if (attempt === ATTEMPTS) throw throughputExceeded(`DynamoDB left ${pending.length} of ${batch.length} writes unprocessed after ${ATTEMPTS} attempts`);
    await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
  }
}

/** DynamoDB's limit on the items of one TransactWriteItems. */
export const TRANSACTION_MAX_ITEMS = 100;

/** A transaction DynamoDB refused: which of its items' conditions failed, with those items as they were. */
export interface Refusal {
  /** Indexes (in the request's order) of the items whose condition failed. */
  failed: Set<number>;
  /** The item as it was, for each failed item sent with ReturnValuesOnConditionCheckFailure ALL_OLD (absent: no item). */
  old: Map<number, Item | undefined>;
}

const CONFLICT_ATTEMPTS = 8;

/**
 * One TransactWriteItems: all of `items` happen, or none and the refusal says whose condition failed.
 * A transaction that collided with another on the same item (TransactionConflict, which the SDK does
 * not retry) is sent again with a jittered back-off; should that outlast the attempts, it is the
 * same "busy, retry later" as throttling. The SDK sends a ClientRequestToken, so its own retries of
 * one attempt are idempotent.
 */
export async function transact(db: DynamoDBClient, items: TransactWriteItem[]): Promise<{ ok: true } | ({ ok: false } & Refusal)> {
  if (items.length > TRANSACTION_MAX_ITEMS) throw new Error(`a transaction of ${items.length} items is over DynamoDB's ${TRANSACTION_MAX_ITEMS}`);
  for (let attempt = 1; ; attempt++) {
    try {
      await db.send(new TransactWriteItemsCommand({ TransactItems: items }));
      return { ok: true };
    } catch (e) {
      const reasons = (e as { name?: string; CancellationReasons?: { Code?: string; Item?: Item }[] }).CancellationReasons;
      if ((e as { name?: string }).name !== 'TransactionCanceledException' || !reasons) throw e;
      const failed = new Set(reasons.flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [i] : [])));
      if (failed.size > 0) return { ok: false, failed, old: new Map([...failed].map((i) => [i, reasons[i]!.Item])) };
      const conflict = reasons.some((r) => r.Code === 'TransactionConflict');
      if (!conflict) throw e;
      if (attempt === CONFLICT_ATTEMPTS) throw throughputExceeded(`the transaction kept colliding with others on the same items (${attempt} attempts)`);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * 2 ** attempt));
    }
  }
}

/** DynamoDB leaves batch items unprocessed when throughput runs out: the same "busy, retry later" as its own error. */
function throughputExceeded(message: string): Error {
  return Object.assign(new Error(message), { name: 'ProvisionedThroughputExceededException' });
}

/** One item of a transaction, and what a failure of its condition means (items without a condition have no meaning to give). */
export interface TransactionPart<R> {
  item: TransactWriteItem;
  refused?: (old: Item | undefined) => R;
}

/**
 * A transaction of parts: ok, or the meaning of the first part (in the given order) whose condition
 * failed, so the parts are listed most telling first.
 */
export async function transactParts<R>(db: DynamoDBClient, parts: readonly TransactionPart<R>[]): Promise<{ ok: true } | { ok: false; reason: R }> {
  const result = await transact(
    db,
    parts.map((p) => p.item),
  );
  if (result.ok) return result;
  const first = parts.findIndex((p, i) => result.failed.has(i) && p.refused);
  if (first < 0) throw new Error(`DynamoDB refused a condition the transaction did not set (items ${[...result.failed].join(', ')})`);
  return { ok: false, reason: parts[first]!.refused!(result.old.get(first)) };
}
