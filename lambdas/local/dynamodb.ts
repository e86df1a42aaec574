/**
 * The embedded DynamoDB for local mode and the integration tests: dynalite, speaking DynamoDB's wire
 * protocol on loopback, persisted with LevelDB under DATA_DIR (or in memory when no path is given).
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, ResourceNotFoundException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { GLOBAL_INDEXES, TABLE_KEYS } from '../store/table.ts';
import { dynamoClient } from '../store/dynamo.ts';

export const LOCAL_TABLE = 'group-images';

export interface EmbeddedDynamo {
  endpoint: string;
  client: DynamoDBClient;
  close(): Promise<void>;
}

export async function startEmbeddedDynamo(path?: string): Promise<EmbeddedDynamo> {
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = dynamoClient(endpoint);
  return {
    endpoint,
    client,
    close: () =>
      new Promise<void>((resolve, reject) => {
        client.destroy();
        server.close((err?: Error) => (err ? reject(err) : resolve()));
      }),
  };
}

/** Creates the table as CDK defines it (same key names), unless it exists. */
export async function ensureTable(client: DynamoDBClient, table: string): Promise<void> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
    const missing = GLOBAL_INDEXES.map((i) => i.name).filter((name) => !(Table?.GlobalSecondaryIndexes ?? []).some((i) => i.IndexName === name));
    if (missing.length) {
      throw new Error(`the local table ${table} was made by an older version of this service (it has no index ${missing.join(', ')}, nor the search entries): move DATA_DIR aside, or delete it, and start again`);
    }
    return await untilActive(client, table);
  } catch (e) {
    if (!(e instanceof ResourceNotFoundException) && (e as Error).name !== 'ResourceNotFoundException') throw e;
  }
  await client.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...new Set([TABLE_KEYS.partition, TABLE_KEYS.sort, ...GLOBAL_INDEXES.flatMap((i) => [i.partition, ...(i.sort ? [i.sort] : [])])])].map((name) => ({
        AttributeName: name,
        AttributeType: 'S',
      })),
      KeySchema: [
        { AttributeName: TABLE_KEYS.partition, KeyType: 'HASH' },
        { AttributeName: TABLE_KEYS.sort, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: GLOBAL_INDEXES.map((i) => ({
        IndexName: i.name,
        KeySchema: [{ AttributeName: i.partition, KeyType: 'HASH' as const }, ...(i.sort ? [{ AttributeName: i.sort, KeyType: 'RANGE' as const }] : [])],
        Projection: typeof i.projection === 'string' ? { ProjectionType: i.projection } : { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...i.projection] },
      })),
    }),
  );
  await untilActive(client, table);
}

/**
 * dynalite answers CreateTable at once but serves the table (and its indexes) only once it is ACTIVE,
 * a moment later: longer on disk under load, when a query at startup (the reconciler's) would
 * otherwise fail with ResourceNotFoundException.
 */
async function untilActive(client: DynamoDBClient, table: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
    if (Table?.TableStatus === 'ACTIVE' && (Table.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE')) return;
    if (attempt >= 1000) throw new Error(`the local table ${table} did not become ACTIVE`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
