/** Build metrics as CloudWatch Embedded Metric Format lines. */
import type { BuildMetrics } from '../domain/build-metrics.ts';
import { METRIC, type MetricName } from '../observability/metric-names.ts';
import { emitMetrics } from '../observability/metrics.ts';

const OUTCOME: Record<string, MetricName> = {
  succeeded: METRIC.buildsSucceeded,
  failed: METRIC.buildsFailed,
  cancelled: METRIC.buildsCancelled,
};

export const emfBuildMetrics: BuildMetrics = {
  started: () => emitMetrics([{ name: METRIC.buildsStarted, value: 1 }]),
  reused: () => emitMetrics([{ name: METRIC.buildsReused, value: 1 }]),
  finished(build) {
    const outcome = OUTCOME[build.status];
    if (!outcome) return;
    const from = build.startedAt ?? build.createdAt;
    const seconds = build.finishedAt && !build.reused ? (Date.parse(build.finishedAt) - Date.parse(from)) / 1000 : undefined;
    emitMetrics([
      { name: outcome, value: 1 },
      ...(seconds !== undefined && seconds >= 0 ? [{ name: METRIC.buildDuration, value: seconds, unit: 'Seconds' as const }] : []),
    ]);
  },
};
