/**
 * The build reconciler: EventBridge delivery is best-effort, so builds left queued or building for
 * longer than stuckBuildMinutes are looked up with the builder and settled from what it says.
 */
import { log } from '../observability/log.ts';
import { METRIC } from '../observability/metric-names.ts';
import { emitMetrics } from '../observability/metrics.ts';
import { reconcilingBuilds } from './build-service.ts';
import type { Builder } from '../domain/builder.ts';
import type { BuildLogPorts, SettlementPorts } from './ports.ts';

export interface BuildReconcilerPorts extends SettlementPorts, BuildLogPorts {
  /** Only asked what it knows of builds: the reconciler starts and stops none. */
  builder: Pick<Builder, 'describe'>;
  stuckBuildMinutes: number;
}

export function buildReconciler(p: BuildReconcilerPorts) {
  const builds = reconcilingBuilds(p);
  const run = async () => {
    const result = await builds.reconcile(p.stuckBuildMinutes);
    log(result.settled > 0 ? 'warn' : 'info', 'reconciled stuck builds', result);
    // Settled here means its events were lost or late: the alarm on this metric says so.
    emitMetrics([{ name: METRIC.stuckBuildsSettled, value: result.settled }]);
    return result;
  };
  return { builds, run };
}
