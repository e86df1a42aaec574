/** Small helpers over the raw DynamoDB client (no DocumentClient: it doubles the bundle for little gain). */
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
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
