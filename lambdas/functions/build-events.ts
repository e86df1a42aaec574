/**
 * EventBridge target for CodeBuild's state and phase changes of our project. Reads the failed
 * build's log for its FAILED line, so it may read the build log group too.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { Context } from 'aws-lambda';
import { ENV, required } from '../config.ts';
import { CloudWatchBuildLogs } from '../aws/cloudwatch-build-logs.ts';
import { BuildService } from '../domain/builds.ts';
import { buildEventHandler } from '../events/build-events.ts';
import { env } from './aws-wiring.ts';
import { settlement } from './build-settlement.ts';

const builds = new BuildService({
  ...settlement(),
  logs: new CloudWatchBuildLogs(new CloudWatchLogsClient({}), required(env, ENV.buildLogGroup)),
});
const project = required(env, ENV.buildProjectName);

/** Our account is the one this function runs in: arn:aws:lambda:<region>:<account>:function:<name>. */
export const handler = (event: unknown, context: Context) => buildEventHandler(builds, { project, account: context.invokedFunctionArn?.split(':')[4] })(event);
