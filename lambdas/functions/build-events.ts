/**
 * EventBridge target for CodeBuild's state and phase changes of our project. Reads the failed
 * build's log for its FAILED line, so it may read the build log group too.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { Context } from 'aws-lambda';
import { ENV, required } from '../config.ts';
import { CloudWatchBuildLogs } from '../aws/cloudwatch-build-logs.ts';
import { BuildReports } from '../domain/build-lifecycle.ts';
import { buildEventHandler, imageScanHandler } from '../aws/build-event-handlers.ts';
import { isImageScanEvent } from '../aws/ecr-scan-events.ts';
import { env } from './aws-wiring.ts';
import { settlement } from './build-settlement.ts';

const builds = new BuildReports({
  ...settlement(),
  logs: new CloudWatchBuildLogs(new CloudWatchLogsClient({}), required(env, ENV.buildLogGroup)),
});
const project = required(env, ENV.buildProjectName);

// Issue 18: ECR scan results of the image repository (`<registry>/<name>`) come here too.
const scans = settlement().scans;
const repository = required(env, ENV.imageRepositoryUri).split('/').slice(1).join('/');

/** Our account is the one this function runs in: arn:aws:lambda:<region>:<account>:function:<name>. */
export const handler = (event: unknown, context: Context) => {
  const account = context.invokedFunctionArn?.split(':')[4];
  return isImageScanEvent(event) ? imageScanHandler(scans, { repository, account })(event) : buildEventHandler(builds, { project, account })(event);
};
