/**
 * Cold start: how long a FRESH Node process takes to import each function's bundle, beside the
 * bundle of only the AWS SDK clients that function uses and an empty module. One child process per
 * sample. Interleaved: each round imports every function right beside its floor, in an order rotated
 * round by round, so the machine's drifts (other work on it) hit a function and its floor alike.
 */
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { ServiceFunctionName } from '../lib/api-stack.ts';
import { entryOf } from '../lib/api-stack.ts';
import { PROJECT_ROOT } from '../lib/bundling.ts';
import { lambdaProcessEnv } from './lambda-env.ts';
import {
  breakdownOf,
  bundleFunction,
  bundleSource,
  FUNCTION_NAMES,
  sdkFloorSource,
  sdkUseOf,
  WORK_DIR,
  type Breakdown,
  type Bundle,
  type SdkClientUse,
} from './lambda-bundles.ts';
import { round, summarize, type Summary } from './stats.ts';

const run = promisify(execFile);

/** The budget: a function imports within this factor of its SDK-only floor. */
export const COLD_START_BUDGET = 1.2;

/**
 * Runs in the child: times `import()` of the bundle with performance.now() on either side, checks
 * that a function's module exports its handler (so it really initialised), prints one JSON line.
 */
const IMPORT_SCRIPT = `
const url = process.argv[1];
const t0 = performance.now();
const m = await import(url);
const t1 = performance.now();
if (process.argv[2] === 'handler' && typeof m.handler !== 'function') throw new Error(url + ' exports no handler');
process.stdout.write(JSON.stringify({ importMs: t1 - t0, readyMs: t1, node: process.version }));
`;

export interface ImportSample {
  importMs: number;
  /** From process start (performance.timeOrigin) to the end of the import. */
  readyMs: number;
  node: string;
}

export async function importOnce(file: string, expectHandler: boolean): Promise<ImportSample> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', IMPORT_SCRIPT, pathToFileURL(file).href, expectHandler ? 'handler' : ''], {
    env: lambdaProcessEnv(),
    cwd: dirname(file),
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as ImportSample;
}

export interface ImportTimes {
  importMs: Summary;
  readyMs: Summary;
}

interface Samples {
  importMs: number[];
  readyMs: number[];
}

const samples = (): Samples => ({ importMs: [], readyMs: [] });
const record = (into: Samples, s: ImportSample) => {
  into.importMs.push(s.importMs);
  into.readyMs.push(s.readyMs);
};

export interface PairedImports {
  fn: Samples[];
  floor: Samples[];
  /** fn / floor, per pair. */
  ratios: number[][];
  empty: Samples;
  childNode: string;
}

/**
 * `runs` rounds after `warmup` unrecorded ones. In each round every function is imported right
 * beside its floor (which of the two goes first alternates), the functions in an order rotated round
 * by round, and the empty module once (first or last, alternating). A function and its floor thus
 * share the machine's state of the moment, and their ratio is taken pair by pair.
 */
export async function pairedImports(pairs: readonly { fn: string; floor: string }[], empty: string, runs: number, warmup: number): Promise<PairedImports> {
  const out: PairedImports = { fn: pairs.map(samples), floor: pairs.map(samples), ratios: pairs.map(() => []), empty: samples(), childNode: '' };
  for (let round = 0; round < warmup + runs; round++) {
    const keep = round >= warmup;
    const importEmpty = async () => {
      const s = await importOnce(empty, false);
      if (keep) record(out.empty, s);
    };
    if (round % 2 === 0) await importEmpty();
    for (let k = 0; k < pairs.length; k++) {
      const i = (round + k) % pairs.length;
      const fnFirst = (round + i) % 2 === 0;
      const first = await importOnce(fnFirst ? pairs[i]!.fn : pairs[i]!.floor, fnFirst);
      const second = await importOnce(fnFirst ? pairs[i]!.floor : pairs[i]!.fn, !fnFirst);
      const [fn, floor] = fnFirst ? [first, second] : [second, first];
      out.childNode = fn.node;
      if (!keep) continue;
      record(out.fn[i]!, fn);
      record(out.floor[i]!, floor);
      out.ratios[i]!.push(fn.importMs / floor.importMs);
    }
    if (round % 2 === 1) await importEmpty();
  }
  return out;
}

export interface BundleFigures {
  /** Relative to the project root. */
  file: string;
  bytes: number;
  mapBytes: number;
  importMs: Summary;
  readyMs: Summary;
}

export interface FunctionColdStart {
  name: ServiceFunctionName;
  entry: string;
  bundle: BundleFigures & { breakdown: Breakdown };
  sdk: SdkClientUse[];
  /** The SDK-only floor (the empty module when the function uses no SDK client). */
  floor: BundleFigures & { label: string };
  /** Median of import(function) / import(floor) over the pairs (each function is imported right beside its floor). */
  ratio: number;
  ratioSpread: { p10: number; p90: number };
  addedMs: number;
  budgetMet: boolean;
}

export interface ColdStartResult {
  method: string;
  runs: number;
  warmup: number;
  node: string;
  nodeOptions: string;
  budget: string;
  empty: BundleFigures;
  functions: FunctionColdStart[];
}

export interface ColdStartOptions {
  runs: number;
  warmup?: number;
  functions?: readonly ServiceFunctionName[];
  /** Where bundles are written; must be inside the project. Default bench/.work. */
  workDir?: string;
}

const figures = (b: Bundle, t: ImportTimes): BundleFigures => ({
  file: relative(PROJECT_ROOT, b.file),
  bytes: b.bytes,
  mapBytes: b.mapBytes,
  importMs: t.importMs,
  readyMs: t.readyMs,
});

export async function measureColdStarts(options: ColdStartOptions): Promise<ColdStartResult> {
  const names = options.functions ?? FUNCTION_NAMES;
  const warmup = options.warmup ?? 1;
  // Generated entries and bundles are named by content: start from none, so none is stale.
  const workDir = options.workDir ?? WORK_DIR;
  await Promise.all(['src', 'bundles'].map((d) => rm(join(workDir, d), { recursive: true, force: true })));
  const functions = await Promise.all(names.map(async (name) => ({ name, bundle: await bundleFunction(name, workDir) })));
  const empty = await bundleSource('empty', 'export {};\n', workDir);

  // One floor per distinct set of clients and commands; a function without any has the empty module.
  const floors = new Map<string, Bundle>();
  const uses = functions.map((f) => sdkUseOf(f.bundle.metafile));
  for (const use of uses) {
    const source = sdkFloorSource(use);
    if (use.clients.length && !floors.has(source)) floors.set(source, await bundleSource('sdk-floor', source, workDir));
  }
  const floorOf = (i: number) => (uses[i]!.clients.length ? floors.get(sdkFloorSource(uses[i]!))! : empty);

  const measured = await pairedImports(
    functions.map((f, i) => ({ fn: f.bundle.file, floor: floorOf(i).file })),
    empty.file,
    options.runs,
    warmup,
  );
  const timesOf = (x: Samples): ImportTimes => ({ importMs: summarize(x.importMs), readyMs: summarize(x.readyMs) });

  return {
    method:
      'One fresh `node --input-type=module -e` process per sample, with the Lambda environment (lib/service-function.ts NODE_OPTIONS=--enable-source-maps, the variables CDK sets, dummy credentials); ' +
      'import time = performance.now() after minus before `await import(bundle)`. Each round imports every function right beside its SDK-only floor (which goes first alternates), ' +
      'the functions in a rotating order, and the empty module once; the ratio is the median of the per-pair ratios (function / floor). ' +
      `${warmup} unrecorded warm-up round(s) first. Bundles built with esbuild's JS API and lib/bundling.ts (byte-identical to cdk synth, test/infra/bundling.test.ts).`,
    runs: options.runs,
    warmup,
    node: measured.childNode,
    nodeOptions: lambdaProcessEnv().NODE_OPTIONS!,
    budget: `import(function) <= ${COLD_START_BUDGET} x import(SDK-only floor): median of the paired ratios`,
    empty: figures(empty, timesOf(measured.empty)),
    functions: functions.map((f, i) => {
      const floor = floorOf(i);
      const fnTimes = timesOf(measured.fn[i]!);
      const floorTimes = timesOf(measured.floor[i]!);
      const ratios = summarize(measured.ratios[i]!);
      const ratio = ratios.median;
      return {
        name: f.name,
        entry: entryOf(f.name),
        bundle: { ...figures(f.bundle, fnTimes), breakdown: breakdownOf(f.bundle.metafile) },
        sdk: uses[i]!.clients,
        floor: {
          label: uses[i]!.clients.length ? uses[i]!.clients.map((c) => `${c.client}(${c.commands.length})`).join(' + ') : 'empty module',
          ...figures(floor, floorTimes),
        },
        ratio: round(ratio),
        ratioSpread: { p10: round(ratios.p10), p90: round(ratios.p90) },
        addedMs: round(fnTimes.importMs.median - floorTimes.importMs.median),
        budgetMet: ratio <= COLD_START_BUDGET,
      };
    }),
  };
}
