/**
 * Scheduled: EventBridge delivery is best-effort, so builds left queued or building for longer than
 * STUCK_BUILD_MINUTES are looked up in CodeBuild and settled from what it says.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CodeBuildClient } from '@aws-sdk/client-codebuild';
import { ENV, required } from '../config.ts';
import { CloudWatchBuildLogs } from '../aws/cloudwatch-build-logs.ts';
import { CodeBuildBuilder } from '../aws/codebuild-builder.ts';
import { BuildReconciler } from '../domain/build-lifecycle.ts';
import { log } from '../observability/log.ts';
import { METRIC } from '../observability/metric-names.ts';
import { emitMetrics } from '../observability/metrics.ts';
import { env, stuckBuildMinutes } from './aws-wiring.ts';
import { settlement } from './build-settlement.ts';

const builds = new BuildReconciler({
  ...settlement(),
  builder: new CodeBuildBuilder(new CodeBuildClient({}), required(env, ENV.buildProjectName), required(env, ENV.secretPrefix)),
  logs: new CloudWatchBuildLogs(new CloudWatchLogsClient({}), required(env, ENV.buildLogGroup)),
});

export const handler = async () => {
  const result = await builds.reconcile(stuckBuildMinutes());
  log(result.settled > 0 ? 'warn' : 'info', 'reconciled stuck builds', result);
  // Settled here means its events were lost or late: the alarm on this metric says so.
  emitMetrics([{ name: METRIC.stuckBuildsSettled, value: result.settled }]);
  return result;
};
