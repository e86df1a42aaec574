/**
 * Issue 18: a build's facts on its DynamoDB item, as one JSON string attribute (`facts`): its size is
 * then exactly what build-facts-report.ts bounds (a lock of thousands of packages as nested maps would
 * cost an attribute name per field and could pass the 400 KB item limit).
 */
import { UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { BuildFacts } from '../domain/build-facts.ts';
import { toItem, type Item } from './dynamo.ts';

export function factsFromItem(raw: Record<string, unknown>): { facts?: BuildFacts } {
  if (typeof raw.facts !== 'string') return {};
  try {
    return { facts: JSON.parse(raw.facts) as BuildFacts };
  } catch {
    return {};
  }
}

export async function recordFacts(db: DynamoDBClient, table: string, key: Item, facts: BuildFacts): Promise<void> {
  await db.send(
    new UpdateItemCommand({
      TableName: table,
      Key: key,
      UpdateExpression: 'SET facts = :facts',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: toItem({ ':facts': JSON.stringify(facts) }),
    }),
  );
}
