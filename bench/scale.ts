/**
 * Scale: the same page requests against groups of growing size (10, 1,000, 10,000 images), through
 * the catalog reader as its Lambda entry wires it, on DynamoDB Local. Latency per page, and what each page
 * reads from DynamoDB: round trips, items read (ScannedCount), items returned (Count) and the
 * capacity units DynamoDB Local reports (ReturnConsumedCapacity, asked for on an extra,
 * untimed request so the timed ones are exactly the production requests).
 */
import { groupScope, SYSTEM } from '../lambdas/domain/scope.ts';
import { apiEvent, lambdaContext, type Caller } from './api-events.ts';
import { startCatalogFunctions, withQuietStdout, type CatalogFunctions } from './catalog-functions.ts';
import { totals } from './dynamo-recorder.ts';
import { COMMON_KEYWORD, RARE_KEYWORD, seedImages } from './seed.ts';
import { round, summarize, type Summary } from './stats.ts';

export const SCALE_BUDGET = 1.5;
export const SCALE_SIZES = [10, 1_000, 10_000] as const;
const PAGE = 20;
const SYSTEM_IMAGES = 20;

export interface PageKind {
  name: string;
  request: string;
  query: Record<string, string>;
  route: string;
}

export const PAGE_KINDS: readonly PageKind[] = [
  { name: 'list', request: 'GET /groups/{g}/images (page of 20)', route: '/groups/{group}/images', query: {} },
  {
    name: 'search (few match)',
    request: `GET /groups/{g}/images?q=${RARE_KEYWORD} (3 images match)`,
    route: '/groups/{group}/images',
    query: { q: RARE_KEYWORD },
  },
  {
    name: 'search (many match)',
    request: `GET /groups/{g}/images?q=${COMMON_KEYWORD} (every other image matches)`,
    route: '/groups/{group}/images',
    query: { q: COMMON_KEYWORD },
  },
  {
    name: 'selection (type=cpu)',
    request: 'GET /groups/{g}/image-selection?type=cpu (2 of 3 images run on cpu)',
    route: '/groups/{group}/image-selection',
    query: { type: 'cpu' },
  },
  { name: 'selection', request: 'GET /groups/{g}/image-selection (no type)', route: '/groups/{group}/image-selection', query: {} },
];

export interface ScalePoint {
  size: number;
  latencyMs: Summary;
  roundTrips: number;
  commands: string;
  itemsRead: number;
  itemsReturned: number;
  pageItems: number;
  capacityUnits: number | null;
}

export interface ScaleKindResult {
  name: string;
  request: string;
  points: ScalePoint[];
  /** median at the largest size / median at the smallest */
  ratio: number;
  budgetMet: boolean;
  readsBounded: boolean;
}

export interface ScaleResult {
  method: string;
  runs: number;
  warmup: number;
  sizes: number[];
  budget: string;
  /** What the seeded images cost to write: the image item and its search index entries. */
  writeCost: { images: number; itemsWritten: number; itemsPerImage: number };
  kinds: ScaleKindResult[];
}

export interface ScaleOptions {
  runs: number;
  warmup?: number;
  sizes?: readonly number[];
  kinds?: readonly string[];
}

const groupOf = (size: number) => `scale-${size}`;

async function page(f: CatalogFunctions, kind: PageKind, size: number): Promise<{ ms: number; items: number }> {
  const caller: Caller = { sub: 'mel', groups: [groupOf(size)] };
  const event = apiEvent({ method: 'GET', route: kind.route, params: { group: groupOf(size) }, query: kind.query, caller });
  const t0 = performance.now();
  const result = await f.reader(event, lambdaContext('catalogReader'));
  const ms = performance.now() - t0;
  if (result.statusCode !== 200) throw new Error(`${kind.name} at ${size} answered ${result.statusCode}: ${result.body}`);
  return { ms, items: (JSON.parse(result.body as string) as { items: unknown[] }).items.length };
}

export async function measureScale(options: ScaleOptions): Promise<ScaleResult> {
  const sizes = options.sizes ?? SCALE_SIZES;
  const kinds = PAGE_KINDS.filter((k) => !options.kinds || options.kinds.includes(k.name));
  const warmup = options.warmup ?? 3;
  const f = await startCatalogFunctions();
  try {
    await seedImages(f.dynamo.client, f.table, SYSTEM, SYSTEM_IMAGES);
    let written = { images: 0, items: 0 };
    for (const size of sizes) {
      const { items } = await seedImages(f.dynamo.client, f.table, groupScope(groupOf(size)), size);
      written = { images: written.images + size, items: written.items + items };
    }
    const writeCost = { images: written.images, itemsWritten: written.items, itemsPerImage: round(written.items / written.images) };

    return await withQuietStdout(async () => {
      // What each page reads: one extra request per kind and size, with ReturnConsumedCapacity.
      const reads = new Map<string, Omit<ScalePoint, 'latencyMs' | 'size'>>();
      f.recorder.askCapacity = true;
      for (const kind of kinds) {
        for (const size of sizes) {
          const { result, sent } = await f.recorder.during(() => page(f, kind, size));
          const t = totals(sent);
          reads.set(`${kind.name}@${size}`, {
            roundTrips: t.roundTrips,
            commands: t.commands,
            itemsRead: t.scanned,
            itemsReturned: t.returned,
            pageItems: result.items,
            capacityUnits: t.capacityUnits,
          });
        }
      }
      f.recorder.askCapacity = false;

      // Latency: interleaved, every kind at every size once per round.
      const samples = new Map<string, number[]>();
      for (let round = 0; round < warmup + options.runs; round++) {
        for (const kind of kinds) {
          for (const size of sizes) {
            const { ms } = await page(f, kind, size);
            if (round < warmup) continue;
            const key = `${kind.name}@${size}`;
            samples.set(key, [...(samples.get(key) ?? []), ms]);
          }
        }
      }

      return {
        method:
          "In-process catalog reader (wired as lambdas/functions/catalog-reader.ts) on an in-memory DynamoDB Local; one group per size seeded with BatchWriteItem in the store's own item format, " +
          `plus ${SYSTEM_IMAGES} system images. Latency = handler time per page; rounds interleave every request at every size, ${warmup} warm-up rounds first. ` +
          'Reads from one extra request per case with ReturnConsumedCapacity=TOTAL (DynamoDB Local reports capacity units from the bytes read, as DynamoDB does).',
        runs: options.runs,
        warmup,
        sizes: [...sizes],
        budget: `median page latency at ${Math.max(...sizes)} <= ${SCALE_BUDGET} x at ${Math.min(...sizes)}; reads per page bounded by the page (round trips <= 2, items read <= ${2 * PAGE + 1} for a page of ${PAGE} at any size)`,
        writeCost,
        kinds: kinds.map((kind) => {
          const points = sizes.map((size) => ({ size, latencyMs: summarize(samples.get(`${kind.name}@${size}`)!), ...reads.get(`${kind.name}@${size}`)! }));
          const ratio = points.at(-1)!.latencyMs.median / points[0]!.latencyMs.median;
          // Bounded by the page, whatever the group's size: at most 2 round trips, reading at most an index
          // entry and an image per page item, plus the look-ahead that tells whether a next page exists.
          const readsBounded = points.every((p) => p.roundTrips <= 2 && p.itemsRead <= 2 * PAGE + 1);
          return { name: kind.name, request: kind.request, points, ratio: round(ratio), budgetMet: ratio <= SCALE_BUDGET, readsBounded };
        }),
      };
    });
  } finally {
    await f.close();
  }
}
