/**
 * EventBridge target for CodeBuild's state and phase changes of our project, and ECR's scan results
 * of our image repository. Reads the failed build's log for its FAILED line, so it may read the build
 * log group too.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { Context } from 'aws-lambda';
import { ENV, required } from '../config.ts';
import { CloudWatchBuildLogs } from '../aws/cloudwatch-build-logs.ts';
import { buildEvents } from '../wiring/build-events.ts';
import type { Env } from './aws-wiring.ts';
import { settlementPortsFrom } from './build-settlement.ts';

export const fromEnvironment = (env: Env) =>
  buildEvents({
    ...settlementPortsFrom(env),
    logs: new CloudWatchBuildLogs(new CloudWatchLogsClient({}), required(env, ENV.buildLogGroup)),
    project: required(env, ENV.buildProjectName),
    imageRepository: required(env, ENV.imageRepositoryUri),
  });

const { onEvent } = fromEnvironment(process.env);

/** Our account is the one this function runs in: arn:aws:lambda:<region>:<account>:function:<name>. */
export const handler = (event: unknown, context: Context) => onEvent(event, context.invokedFunctionArn?.split(':')[4]);
