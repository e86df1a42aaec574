/**
 * The hardening suites' figures (cases tried, requests made, faults injected and survived, writes
 * found after a crash), one entry per suite, in `.figures/hardening.json`: a generated file outside
 * version control, so a test run never rewrites a tracked file (the README's reliability table is
 * copied from it by hand after a full run). Jest runs suites in parallel workers, so the file is
 * merged under a lock (a directory: mkdir is atomic) and replaced by a rename.
 */
import { mkdirSync, readFileSync, renameSync, rmdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIGURES_FILE = fileURLToPath(new URL('../../.figures/hardening.json', import.meta.url));
const LOCK = `${FIGURES_FILE}.lock`;

export type FigureValue = number | string | boolean | Record<string, number | string | boolean>;

/** Counters and facts one suite gathers while it runs. */
export class Figures {
  readonly values: Record<string, FigureValue> = {};

  constructor(readonly suite: string) {}

  /** Adds to a counter (creating it at 0). */
  count(name: string, by = 1): void {
    this.values[name] = ((this.values[name] as number | undefined) ?? 0) + by;
  }

  /** Keeps the largest value seen (concurrency held, for instance). */
  max(name: string, value: number): void {
    this.values[name] = Math.max((this.values[name] as number | undefined) ?? 0, value);
  }

  set(name: string, value: FigureValue): void {
    this.values[name] = value;
  }

  /** Counts by key inside one figure: `tally('statuses', 422)`. */
  tally(name: string, key: string | number): void {
    const table = ((this.values[name] as Record<string, number> | undefined) ??= {}) as Record<string, number>;
    table[String(key)] = (table[String(key)] ?? 0) + 1;
    this.values[name] = table;
  }

  /** Merges this suite's figures into figures.json. */
  record(): void {
    recordFigures(this.suite, this.values);
  }
}

function sleepSync(ms: number) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function recordFigures(suite: string, figures: Record<string, FigureValue>): void {
  mkdirSync(dirname(FIGURES_FILE), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // A lock left by a killed run is stale after a few seconds: merging takes milliseconds.
      if (attempt > 200) {
        rmdirSync(LOCK);
        continue;
      }
      sleepSync(25);
    }
  }
  try {
    let all: Record<string, unknown> = {};
    try {
      all = JSON.parse(readFileSync(FIGURES_FILE, 'utf8')) as Record<string, unknown>;
    } catch {
      /* first suite to record */
    }
    all[suite] = sortKeys(figures);
    const sorted = sortKeys(all as Record<string, FigureValue>);
    const tmp = `${FIGURES_FILE}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(sorted, null, 2)}\n`);
    renameSync(tmp, FIGURES_FILE);
  } finally {
    rmdirSync(LOCK);
  }
}

const sortKeys = <T extends Record<string, unknown>>(o: T): T => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b))) as T;
