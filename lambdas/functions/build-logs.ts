import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { claimNamesFrom, ENV, required } from '../config.ts';
import { CloudWatchBuildLogs } from '../aws/cloudwatch-build-logs.ts';
import { BuildLogPages } from '../domain/build-reads.ts';
import { apiHandler } from '../http/api-handler.ts';
import { buildLogsOperations } from '../http/function-operations.ts';
import { buildStore, cursors, env } from './aws-wiring.ts';

const builds = new BuildLogPages({
  builds: buildStore(),
  cursors: cursors(),
  logs: new CloudWatchBuildLogs(new CloudWatchLogsClient({}), required(env, ENV.buildLogGroup)),
});

export const handler = apiHandler('buildLogs', buildLogsOperations({ builds }), { claims: claimNamesFrom(env) });
