/** The build logs function: a build's log lines, from the build log group. */
import { apiHandler } from '../http/api-handler.ts';
import { buildLogsOperations } from '../http/function-operations.ts';
import { buildLogPages } from './build-service.ts';
import type { BuildLogPorts, ClaimPorts, StorePorts } from './ports.ts';

export type BuildLogsPorts = ClaimPorts & StorePorts & BuildLogPorts;

export function buildLogs(p: BuildLogsPorts) {
  const builds = buildLogPages(p);
  return { builds, handler: apiHandler('buildLogs', buildLogsOperations({ builds }), { claims: p.claims }) };
}
