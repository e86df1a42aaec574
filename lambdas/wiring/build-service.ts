/**
 * The one place the build service is constructed, for every function that uses it: read-only (the
 * catalog reader, the logs function) or able to start and settle builds (writer, build events,
 * reconciler). Each takes exactly the ports it is given, all required.
 */
import { RepositoryRegistry } from '../aws/repository-registry.ts';
import type { BuildLogReader } from '../domain/builder.ts';
import { BuildService } from '../domain/builds.ts';
import type { OwnImages } from '../domain/tenant-references.ts';
import type { BuildStartPorts, GroupLimits, SettlementPorts, StorePorts } from './ports.ts';
import type { PullSecretDirectory } from '../domain/tenant-references.ts';

/** Reads builds (and, given a log reader, their logs); cannot start or settle one. */
export const readingBuilds = (p: StorePorts & { logs: BuildLogReader | null }) =>
  new BuildService({ images: p.imageStore, builds: p.buildStore, cursors: p.cursors, ...(p.logs ? { logs: p.logs } : {}) });

/** Settles builds from their events or from what the builder says (build events; the reconciler adds the builder). */
export const settlingBuilds = (p: SettlementPorts & { logs: BuildLogReader; start: BuildStartPorts | null }) =>
  new BuildService({
    ...settlementOf(p),
    logs: p.logs,
    ...(p.start ? { builder: p.start.builder, registry: registryOf(p.start) } : {}),
  });

/** The writer's: starts, reuses, cancels and settles builds, under the group's limits. */
export const writingBuilds = (
  p: SettlementPorts & BuildStartPorts & { secretDirectory: PullSecretDirectory; ownImages: OwnImages; limits: GroupLimits; logs: BuildLogReader | null },
) =>
  new BuildService({
    ...settlementOf(p),
    builder: p.builder,
    registry: registryOf(p),
    secrets: p.secretDirectory,
    ownImages: p.ownImages,
    ...(p.logs ? { logs: p.logs } : {}),
    ...(p.limits.maxConcurrentBuildsPerGroup === undefined ? {} : { maxConcurrentBuildsPerGroup: p.limits.maxConcurrentBuildsPerGroup }),
  });

/** The service's own repositories, and who built which tag in them (the build store knows). */
export const ownImagesOf = (p: StorePorts & BuildStartPorts): OwnImages => ({ repositories: p.repositories, builtTags: p.buildStore });

const registryOf = (p: BuildStartPorts) => new RepositoryRegistry(p.repositories.image, p.repositories.cache);

const settlementOf = (p: SettlementPorts) => ({
  images: p.imageStore,
  builds: p.buildStore,
  cursors: p.cursors,
  now: p.clock.now,
  random: p.random,
  outcomes: p.outcomes,
  metrics: p.metrics,
  ...(p.scans ? { scans: p.scans } : {}),
});
