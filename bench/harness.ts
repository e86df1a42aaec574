/**
 * Runs the benchmarks and collects every figure with how it was measured, and the budgets each
 * figure is held to. `bench/run.ts` is the command line; the jest smoke test calls this with tiny
 * inputs.
 */
import { measureBuildReuse, measureLayerCache, type LayerCacheResult, type ReuseResult } from './build-reuse.ts';
import { COLD_START_BUDGET, measureColdStarts, type ColdStartOptions, type ColdStartResult } from './cold-start.ts';
import { measureLocalServer, type LoadOptions, type LoadResult } from './local-server-load.ts';
import { currentLoadAverage, machine, type Machine } from './machine.ts';
import { measurePerRequest, OVERHEAD_BUDGET_MS, ROUND_TRIP_BUDGET, type PerRequestOptions, type PerRequestResult } from './per-request.ts';
import { measureScale, SCALE_BUDGET, type ScaleOptions, type ScaleResult } from './scale.ts';
import { round } from './stats.ts';
import { measureWriteRoundTrips, WRITE_ROUND_TRIP_BUDGETS, type WriteRoundTripsResult } from './write-round-trips.ts';

export interface BenchConfig {
  mode: 'full' | 'quick' | 'smoke';
  coldStart: ColdStartOptions | null;
  perRequest: PerRequestOptions | null;
  scale: ScaleOptions | null;
  buildReuse: { concurrent: number; later: number } | null;
  localServer: LoadOptions | null;
}

export const FULL: BenchConfig = {
  mode: 'full',
  coldStart: { runs: 20, warmup: 2 },
  perRequest: { runs: 200 },
  scale: { runs: 30 },
  buildReuse: { concurrent: 10, later: 3 },
  localServer: { connections: 10, durationSeconds: 10, images: 100 },
};

export const QUICK: BenchConfig = {
  mode: 'quick',
  coldStart: { runs: 3, warmup: 1 },
  perRequest: { runs: 20, warmup: 5 },
  scale: { runs: 3, warmup: 1 },
  buildReuse: { concurrent: 5, later: 1 },
  localServer: { connections: 10, durationSeconds: 2, warmupSeconds: 1, images: 100 },
};

export interface Budget {
  area: 'cold start' | 'per request' | 'round trips' | 'scale' | 'build reuse';
  subject: string;
  budget: string;
  figure: string;
  met: boolean;
  /** Why a missed budget is missed. */
  cause?: string;
}

export interface BenchResults {
  generatedAt: string;
  mode: BenchConfig['mode'];
  machine: Machine;
  loadAverageAtEnd: number;
  coldStart?: ColdStartResult;
  perRequest?: PerRequestResult;
  scale?: ScaleResult;
  buildReuse?: ReuseResult;
  writeRoundTrips?: WriteRoundTripsResult;
  layerCache?: LayerCacheResult;
  localServer?: LoadResult;
  budgets: Budget[];
}

const kib = (bytes: number) => `${round(bytes / 1024)} KiB`;
const isSdk = (name: string) => name.startsWith('@aws-sdk/') || name.startsWith('@smithy/');

function coldStartBudgets(r: ColdStartResult): Budget[] {
  return r.functions.map((f) => {
    const ours = f.bundle.breakdown.packages.filter((p) => !isSdk(p.name)).slice(0, 4);
    const cause =
      f.sdk.length === 0
        ? `uses no AWS SDK client, so its floor is the empty module (${round(f.floor.importMs.median)} ms): any handler code at all is a multiple of it; it adds ${f.addedMs} ms, mostly ${ours.map((p) => `${p.name} ${kib(p.bytes)}`).join(', ')}`
        : `adds ${f.addedMs} ms over its SDK floor; largest non-SDK parts: ${ours.map((p) => `${p.name} ${kib(p.bytes)}`).join(', ')}`;
    return {
      area: 'cold start',
      subject: f.name,
      budget: `import <= ${COLD_START_BUDGET} x SDK-only floor`,
      figure: `${round(f.bundle.importMs.median)} ms vs ${round(f.floor.importMs.median)} ms; paired ratio ${f.ratio} x (p10 ${f.ratioSpread.p10}, p90 ${f.ratioSpread.p90})`,
      met: f.budgetMet,
      ...(f.budgetMet ? {} : { cause }),
    };
  });
}

function perRequestBudgets(r: PerRequestResult): Budget[] {
  return r.scenarios.flatMap((s): Budget[] => [
    {
      area: 'per request',
      subject: s.name,
      budget: `handler overhead <= ${OVERHEAD_BUDGET_MS} ms`,
      figure: `${round(s.overheadMs.median)} ms (p10 ${round(s.overheadMs.p10)}, p90 ${round(s.overheadMs.p90)})`,
      met: s.overheadBudgetMet,
      ...(s.overheadBudgetMet
        ? {}
        : { cause: `the handler takes ${round(s.handlerMs.median)} ms where the same DynamoDB commands take ${round(s.rawMs.median)} ms` }),
    },
    ...(s.roundTripBudgetMet === null
      ? []
      : [
          {
            area: 'round trips' as const,
            subject: s.name,
            budget: `<= ${ROUND_TRIP_BUDGET} DynamoDB round trips`,
            figure: `${s.roundTrips.max} (${s.roundTrips.commands})`,
            met: s.roundTripBudgetMet,
          },
        ]),
  ]);
}

function scaleBudgets(r: ScaleResult): Budget[] {
  return r.kinds.map((k) => {
    const small = k.points[0]!;
    const large = k.points.at(-1)!;
    const met = k.budgetMet && k.readsBounded;
    const cause = !k.readsBounded
      ? `at ${large.size} images one page reads ${large.itemsRead} items (${large.capacityUnits ?? '?'} capacity units) in ${large.roundTrips} round trip(s) to return ${large.pageItems}; at ${small.size}, ${small.itemsRead}`
      : `latency grows from ${round(small.latencyMs.median)} to ${round(large.latencyMs.median)} ms while reads stay at ${large.itemsRead} items`;
    return {
      area: 'scale',
      subject: k.name,
      budget: `page at ${large.size} <= ${SCALE_BUDGET} x page at ${small.size}; reads bounded`,
      figure: `${round(large.latencyMs.median)} ms vs ${round(small.latencyMs.median)} ms = ${k.ratio} x; reads ${small.itemsRead} -> ${large.itemsRead} items`,
      met,
      ...(met ? {} : { cause }),
    };
  });
}

function reuseBudgets(r: ReuseResult): Budget[] {
  const requests = r.concurrentRequests + r.laterRequests;
  return [
    {
      area: 'build reuse',
      subject: `${requests} identical build requests`,
      budget: '1 build started',
      figure: `${r.buildsStarted} started, ${r.reused} reused`,
      met: r.buildsStarted === 1,
    },
  ];
}

function writeRoundTripBudgets(r: WriteRoundTripsResult): Budget[] {
  return r.requests.map((q) => ({
    area: 'round trips' as const,
    subject: q.request,
    budget: `<= ${WRITE_ROUND_TRIP_BUDGETS[q.request]}${q.request === 'create with build' ? ' (plus StartBuild)' : ''}`,
    figure: `${q.roundTrips} (${q.commands})`,
    met: q.roundTrips <= WRITE_ROUND_TRIP_BUDGETS[q.request],
  }));
}

export async function runBenchmarks(config: BenchConfig, progress: (line: string) => void = () => {}): Promise<BenchResults> {
  const results: BenchResults = { generatedAt: new Date().toISOString(), mode: config.mode, machine: machine(), loadAverageAtEnd: 0, budgets: [] };
  const step = async <T>(label: string, action: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    progress(`${label}...`);
    const value = await action();
    progress(`${label}: done in ${round((performance.now() - t0) / 1000)} s`);
    return value;
  };
  if (config.coldStart) {
    results.coldStart = await step('cold start', () => measureColdStarts(config.coldStart!));
    results.budgets.push(...coldStartBudgets(results.coldStart));
  }
  if (config.perRequest) {
    results.perRequest = await step('per request', () => measurePerRequest(config.perRequest!));
    results.budgets.push(...perRequestBudgets(results.perRequest));
  }
  if (config.scale) {
    results.scale = await step('scale', () => measureScale(config.scale!));
    results.budgets.push(...scaleBudgets(results.scale));
  }
  if (config.buildReuse) {
    results.buildReuse = await step('build reuse', () => measureBuildReuse(config.buildReuse!));
    results.layerCache = await measureLayerCache();
    results.budgets.push(...reuseBudgets(results.buildReuse));
    results.writeRoundTrips = await step('write round trips', () => measureWriteRoundTrips());
    results.budgets.push(...writeRoundTripBudgets(results.writeRoundTrips));
  }
  if (config.localServer) results.localServer = await step('local server', () => measureLocalServer(config.localServer!));
  results.loadAverageAtEnd = currentLoadAverage();
  return results;
}
