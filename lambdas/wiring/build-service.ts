/**
 * The one place the build services (lambdas/domain/build-lifecycle.ts, build-reads.ts) are
 * constructed, for every function that uses one: the history (catalog reader), the log pages (logs
 * function), the reports (build events), the reconciler and the lifecycle (writer). Each takes
 * exactly the ports it is given, all required.
 */
import { RepositoryRegistry } from '../aws/repository-registry.ts';
import type { Builder, BuildLogReader } from '../domain/builder.ts';
import { BuildLifecycle, BuildReconciler, BuildReports } from '../domain/build-lifecycle.ts';
import { BuildLogPages, BuildReads } from '../domain/build-reads.ts';
import type { OwnImages, PullSecretDirectory } from '../domain/tenant-references.ts';
import type { BuildLogPorts, BuildStartPorts, GroupLimits, SettlementPorts, StorePorts } from './ports.ts';

/** A custom image's build history. */
export const readingBuilds = (p: StorePorts) => new BuildReads({ images: p.imageStore, builds: p.buildStore, cursors: p.cursors });

/** A build's log, a page at a time. */
export const buildLogPages = (p: StorePorts & BuildLogPorts) => new BuildLogPages({ builds: p.buildStore, cursors: p.cursors, logs: p.logs });

/** Applies what the builder reports and settles the builds that finished (build events). */
export const reportingBuilds = (p: SettlementPorts & BuildLogPorts) => new BuildReports({ ...settlementOf(p), logs: p.logs });

/** Asks the builder about builds whose reports were lost, and settles them (the reconciler). */
export const reconcilingBuilds = (p: SettlementPorts & BuildLogPorts & { builder: Pick<Builder, 'describe'> }) =>
  new BuildReconciler({ ...settlementOf(p), logs: p.logs, builder: p.builder });

/** The writer's: records, starts, reuses, cancels and settles builds, under the group's limits. */
export const writingBuilds = (
  p: SettlementPorts &
    BuildStartPorts & { random: () => string; secretDirectory: PullSecretDirectory; ownImages: OwnImages; limits: GroupLimits; logs: BuildLogReader | null },
) =>
  new BuildLifecycle({
    ...settlementOf(p),
    logs: p.logs,
    builder: p.builder,
    registry: registryOf(p),
    secrets: p.secretDirectory,
    ownImages: p.ownImages,
    random: p.random,
    maxConcurrentBuildsPerGroup: p.limits.maxConcurrentBuildsPerGroup,
  });

/** The service's own repositories, and who built which tag in them (the build store knows). */
export const ownImagesOf = (p: StorePorts & BuildStartPorts): OwnImages => ({ repositories: p.repositories, builtTags: p.buildStore });

const registryOf = (p: BuildStartPorts) => new RepositoryRegistry(p.repositories.image, p.repositories.cache);

const settlementOf = (p: SettlementPorts) => ({
  images: p.imageStore,
  builds: p.buildStore,
  now: p.clock.now,
  outcomes: p.outcomes,
  metrics: p.metrics,
  scans: p.scans,
});
