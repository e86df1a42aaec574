/**
 * A smoke run of the benchmark harness on tiny inputs: it must run every section end to end and
 * produce well-formed results and tables. Deliberately no figure is asserted: a benchmark's numbers
 * belong in bench/README.md, not in a test that a slow machine could fail.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runBenchmarks, type BenchConfig, type BenchResults } from '../../bench/harness.ts';
import { renderMarkdown, renderText } from '../../bench/report.ts';
import type { Summary } from '../../bench/stats.ts';
import { WORK_DIR } from '../../bench/lambda-bundles.ts';

// Bundles of its own, so that a smoke run never trips over a concurrent `npm run bench`.
const workDir = join(WORK_DIR, `smoke-${process.pid}`);
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const TINY: BenchConfig = {
  mode: 'smoke',
  coldStart: { runs: 1, warmup: 0, functions: ['public', 'catalogReader'], workDir },
  perRequest: { runs: 2, warmup: 1, groupSize: 5 },
  scale: { runs: 1, warmup: 0, sizes: [3, 6] },
  buildReuse: { concurrent: 2, later: 1 },
  localServer: { connections: 1, durationSeconds: 1, warmupSeconds: 0, images: 3 },
};

const isSummary = (s: Summary, runs: number) =>
  s.runs === runs && [s.median, s.p10, s.p90, s.min, s.max].every(Number.isFinite) && s.min <= s.median && s.median <= s.max;

describe('the benchmark harness, on tiny inputs', () => {
  let results: BenchResults;

  beforeAll(async () => {
    results = await runBenchmarks(TINY);
  });

  it('says where it ran', () => {
    expect(results.mode).toBe('smoke');
    expect(results.machine.node).toMatch(/^v\d+\./);
    expect(results.machine.cores).toBeGreaterThan(0);
    expect(Number.isNaN(Date.parse(results.generatedAt))).toBe(false);
  });

  it('measures a cold start per function beside its SDK-only floor and the empty module', () => {
    const c = results.coldStart!;
    expect(c.functions.map((f) => f.name)).toEqual(['public', 'catalogReader']);
    for (const f of c.functions) {
      expect(f.bundle.bytes).toBeGreaterThan(0);
      expect(f.bundle.breakdown.packages.length).toBeGreaterThan(0);
      expect(isSummary(f.bundle.importMs, 1)).toBe(true);
      expect(isSummary(f.floor.importMs, 1)).toBe(true);
      expect(typeof f.budgetMet).toBe('boolean');
    }
    expect(c.functions.find((f) => f.name === 'catalogReader')!.sdk.map((s) => s.client)).toContain('DynamoDBClient');
    expect(c.functions.find((f) => f.name === 'public')!.floor.label).toBe('empty module');
    expect(isSummary(c.empty.importMs, 1)).toBe(true);
  });

  it('times every catalog request beside the raw SDK, and counts its round trips', () => {
    const p = results.perRequest!;
    expect(p.scenarios.map((s) => s.name)).toEqual(['get', 'list', 'search', 'selection', 'create', 'edit']);
    for (const s of p.scenarios) {
      expect(isSummary(s.handlerMs, 2) && isSummary(s.rawMs, 2) && isSummary(s.overheadMs, 2)).toBe(true);
      expect(s.roundTrips.max).toBeGreaterThan(0);
      expect(s.roundTrips.commands).toMatch(/^[A-Za-z]+(( → | ‖ )[A-Za-z]+)*$/);
    }
  });

  it('measures each page kind at each group size, with what it read', () => {
    const s = results.scale!;
    expect(s.kinds.length).toBeGreaterThan(0);
    for (const k of s.kinds) {
      expect(k.points.map((p) => p.size)).toEqual([3, 6]);
      for (const p of k.points) {
        expect(isSummary(p.latencyMs, 1)).toBe(true);
        expect(p.roundTrips).toBeGreaterThan(0);
        expect(p.itemsRead).toBeGreaterThanOrEqual(p.itemsReturned);
      }
    }
  });

  it('counts builds started for identical requests and lists the Dockerfile steps with their cache verdicts', () => {
    expect(Number.isInteger(results.buildReuse!.buildsStarted)).toBe(true);
    const l = results.layerCache!;
    expect(l.steps.length).toBe(l.cachedSteps + l.rebuiltSteps);
    expect(l.buildspec.cacheFrom.length).toBeGreaterThan(0);
    expect(l.buildspec.cacheTo.length).toBeGreaterThan(0);
  });

  it('loads the local server and reports throughput and latency percentiles', () => {
    const l = results.localServer!;
    expect(l.requestsTotal).toBeGreaterThan(0);
    expect([l.requestsPerSecond.mean, l.latencyMs.p50, l.latencyMs.p99].every(Number.isFinite)).toBe(true);
  });

  it('holds every figure to its budget, naming a cause for each missed one', () => {
    expect(results.budgets.length).toBeGreaterThan(0);
    for (const b of results.budgets) {
      expect(typeof b.met).toBe('boolean');
      if (!b.met) expect(b.cause ?? '').not.toBe('');
    }
  });

  it('renders the tables and serialises to JSON', () => {
    const text = renderText(results);
    for (const title of ['1. Cold start', '2. Per request', '3. Scale', '4. Build reuse', '5. Local server', 'Budgets']) expect(text).toContain(title);
    expect(renderMarkdown(results)).toContain('| function |');
    expect(JSON.parse(JSON.stringify(results)).mode).toBe('smoke');
  });
});
