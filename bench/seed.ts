/**
 * Catalog contents for the benchmarks, written with BatchWriteItem in exactly the store's item format:
 * the items are what DynamoImageStore.insert itself puts (captured from its transaction, and any search
 * index BatchWriteItems), not a copy; plus the group's quota counter, holding the images seeded.
 */
import type { BatchWriteItemCommandInput, DynamoDBClient, TransactWriteItemsCommandInput } from '@aws-sdk/client-dynamodb';
import type { ImageRecord } from '../lambdas/domain/image.ts';
import type { ImageType } from '../lambdas/domain/fields.ts';
import type { Scope } from '../lambdas/domain/scope.ts';
import { DynamoImageStore } from '../lambdas/store/dynamo-image-store.ts';
import { batchWrite, toItem, type Item } from '../lambdas/store/dynamo.ts';
import { QUOTA_SORT_KEY } from '../lambdas/store/quota.ts';
import { partitionOf } from '../lambdas/store/table.ts';

/** Present in the description of exactly three images of a group (fewer when it is smaller). */
export const RARE_KEYWORD = 'needle';
/** Present in the description of every other image. */
export const COMMON_KEYWORD = 'common';

const TYPES: ImageType[] = ['cpu', 'gpu', 'universal'];

/** Image i of a scope of n: realistic field sizes, a type cycling cpu/gpu/universal, the keywords placed as above. */
export function benchImage(scope: Scope, i: number, n: number): ImageRecord {
  const rare = new Set([Math.floor(n / 4), Math.floor(n / 2), n - 1]);
  const words = [i % 2 === 0 ? COMMON_KEYWORD : 'plain', rare.has(i) ? RARE_KEYWORD : 'hay'];
  const type = TYPES[i % 3]!;
  const at = new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString();
  return {
    name: `bench-${String(i).padStart(5, '0')}-x7k2p`,
    displayName: `bench.image.${i}`,
    description: `Python 3.12 with the scientific stack for the team's notebooks (${words.join(' ')})`,
    group: scope.group,
    type,
    url: `registry.example.com/data-science/notebook-${i}:2025.01`,
    urlForGpu: type === 'universal' ? `registry.example.com/data-science/notebook-${i}:2025.01-cuda12` : null,
    pullSecret: null,
    source: 'existing',
    buildSpec: null,
    latestBuild: null,
    createdAt: at,
    updatedAt: at,
    createdBy: 'ada',
    updatedBy: 'ada',
    version: 1,
  };
}

/** The items DynamoImageStore.insert writes for these records (it is called with a client that only captures). */
export async function storeItemsOf(scope: Scope, records: readonly ImageRecord[]): Promise<Item[]> {
  const items: Item[] = [];
  const capturing = {
    send: async ({ input }: { input: Partial<TransactWriteItemsCommandInput & BatchWriteItemCommandInput> }) => {
      for (const t of input.TransactItems ?? []) if (t.Put) items.push(t.Put.Item!);
      for (const requests of Object.values(input.RequestItems ?? {})) items.push(...requests.map((r) => r.PutRequest!.Item!));
      return {};
    },
  } as unknown as DynamoDBClient;
  const store = new DynamoImageStore(capturing, 'capture');
  for (const record of records) await store.insert(scope, record);
  if (scope.group !== null) items.push(toItem({ pk: partitionOf(scope), sk: QUOTA_SORT_KEY, images: records.length }));
  return items;
}

/** Seeds a scope with n images; returns their records and how many items they took. */
export async function seedImages(client: DynamoDBClient, table: string, scope: Scope, n: number): Promise<{ records: ImageRecord[]; items: number }> {
  const records = Array.from({ length: n }, (_, i) => benchImage(scope, i, n));
  const items = await storeItemsOf(scope, records);
  await batchWrite(
    client,
    table,
    items.map((Item) => ({ PutRequest: { Item } })),
    16,
  );
  return { records, items: items.length };
}
