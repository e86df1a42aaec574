/** Small helpers over the raw DynamoDB client (no DocumentClient: it doubles the bundle for little gain). */
import { BatchWriteItemCommand, ConditionalCheckFailedException, DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

export type Item = Record<string, AttributeValue>;

export const toItem = (value: object): Item => marshall(value, { removeUndefinedValues: true, convertClassInstanceToMap: false });
export const fromItem = <T>(item: Item): T => unmarshall(item) as T;

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

/** DynamoDB leaves batch items unprocessed when throughput runs out: the same "busy, retry later" as its own error. */
function throughputExceeded(message: string): Error {
  return Object.assign(new Error(message), { name: 'ProvisionedThroughputExceededException' });
}
