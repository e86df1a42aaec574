import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ENV, required } from '../config.ts';
import { CloudWatchBuildLogs } from '../aws/cloudwatch-build-logs.ts';
import { buildLogs } from '../wiring/build-logs.ts';
import { claimPortsFrom, storePortsFrom, type Env } from './aws-wiring.ts';

export const fromEnvironment = (env: Env) =>
  buildLogs({
    ...claimPortsFrom(env),
    ...storePortsFrom(env),
    logs: new CloudWatchBuildLogs(new CloudWatchLogsClient({}), required(env, ENV.buildLogGroup)),
  });

export const { handler } = fromEnvironment(process.env);
