/** Summaries of repeated measurements: every figure the benchmarks report says how it was taken. */

export interface Summary {
  runs: number;
  median: number;
  p10: number;
  p90: number;
  min: number;
  max: number;
}

/** The q-quantile (0..1) of ascending samples, interpolated linearly between neighbours. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    runs: sorted.length,
    median: quantile(sorted, 0.5),
    p10: quantile(sorted, 0.1),
    p90: quantile(sorted, 0.9),
    min: sorted[0] ?? Number.NaN,
    max: sorted.at(-1) ?? Number.NaN,
  };
}

/** Rounded for reports: 3 significant decimals below 1, 2 below 100, 1 above. */
export function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  const digits = Math.abs(value) < 1 ? 3 : Math.abs(value) < 100 ? 2 : 1;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export const roundSummary = (s: Summary): Summary => ({
  runs: s.runs,
  median: round(s.median),
  p10: round(s.p10),
  p90: round(s.p90),
  min: round(s.min),
  max: round(s.max),
});

/** "1.23 ms (p10 1.10, p90 1.50, n=20)" */
export const describeMs = (s: Summary) => `${round(s.median)} ms (p10 ${round(s.p10)}, p90 ${round(s.p90)}, n=${s.runs})`;
