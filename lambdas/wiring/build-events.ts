/**
 * The build events function: CodeBuild's state and phase changes of our project settle builds, and
 * (issue 18) ECR's scan results of our image repository land on them.
 */
import { isImageScanEvent } from '../aws/ecr-scan-events.ts';
import { buildEventHandler, imageScanHandler } from '../aws/build-event-handlers.ts';
import { reportingBuilds } from './build-service.ts';
import type { BuildLogPorts, SettlementPorts } from './ports.ts';

export interface BuildEventsPorts extends SettlementPorts, BuildLogPorts {
  /** Our build project: events of other projects are not ours. */
  project: string;
  /** Our image repository, `<registry>/<name>`: scans of other repositories are not ours. */
  imageRepository: string;
}

export function buildEvents(p: BuildEventsPorts) {
  const builds = reportingBuilds(p);
  const repository = p.imageRepository.split('/').slice(1).join('/');
  const { scans } = p;
  /** `account`: the account the event must come from (the function's own). */
  const onEvent = (event: unknown, account: string | undefined) =>
    scans && isImageScanEvent(event)
      ? imageScanHandler(scans, { repository, account })(event)
      : buildEventHandler(builds, { project: p.project, account })(event);
  return { builds, onEvent };
}
