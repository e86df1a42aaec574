import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { claimNamesFrom, ENV, required } from '../config.ts';
import { CloudWatchBuildLogs } from '../aws/cloudwatch-build-logs.ts';
import { BuildService } from '../domain/builds.ts';
import { apiHandler } from '../http/api-handler.ts';
import { buildLogsOperations } from '../http/function-operations.ts';
import { buildStore, cursors, env, imageStore } from './aws-wiring.ts';

const builds = new BuildService({
  images: imageStore(),
  builds: buildStore(),
  cursors: cursors(),
  logs: new CloudWatchBuildLogs(new CloudWatchLogsClient({}), required(env, ENV.buildLogGroup)),
});

export const handler = apiHandler('buildLogs', buildLogsOperations({ builds }), { claims: claimNamesFrom(env) });
