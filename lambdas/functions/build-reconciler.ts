/** Scheduled (every RECONCILE_EVERY): lambdas/wiring/build-reconciler.ts says what it does. */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CodeBuildClient } from '@aws-sdk/client-codebuild';
import { DEFAULT_STUCK_BUILD_MINUTES, ENV, positiveInt, required } from '../config.ts';
import { CloudWatchBuildLogs } from '../aws/cloudwatch-build-logs.ts';
import { CodeBuildBuilder } from '../aws/codebuild-builder.ts';
import { buildReconciler } from '../wiring/build-reconciler.ts';
import type { Env } from './aws-wiring.ts';
import { settlementPortsFrom } from './build-settlement.ts';

export const fromEnvironment = (env: Env) =>
  buildReconciler({
    ...settlementPortsFrom(env),
    builder: new CodeBuildBuilder(new CodeBuildClient({}), required(env, ENV.buildProjectName), required(env, ENV.secretPrefix)),
    logs: new CloudWatchBuildLogs(new CloudWatchLogsClient({}), required(env, ENV.buildLogGroup)),
    stuckBuildMinutes: positiveInt(env, ENV.stuckBuildMinutes, DEFAULT_STUCK_BUILD_MINUTES),
  });

const { run } = fromEnvironment(process.env);

export const handler = () => run();
