/**
 * The catalog and the build services, wired by the functions' factories (the writer's, the reader's,
 * the logs function's, build events' and the reconciler's), over the real DynamoDB stores on the
 * tests' DynamoDB Local, with a recording
 * builder that behaves like CodeBuild as far as the service can tell: it hands out build ARNs,
 * remembers what it runs, stops builds and describes them.
 */
import { secretReferenceText, type PullSecretDirectory, type SecretRef } from '../../lambdas/domain/tenant-references.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { toItem } from '../../lambdas/store/dynamo.ts';
import { QUOTA_SORT_KEY } from '../../lambdas/store/quota.ts';
import { partitionOf } from '../../lambdas/store/table.ts';
import type { BuildProgress, BuildRecord } from '../../lambdas/domain/build.ts';
import type { Builder, BuildJob } from '../../lambdas/domain/builder.ts';
import type { BuildLifecycle, BuildReconciler, BuildReports } from '../../lambdas/domain/build-lifecycle.ts';
import type { BuildLogPages, BuildReads } from '../../lambdas/domain/build-reads.ts';
import type { BuildSpec, PackageLists } from '../../lambdas/domain/build-spec.ts';
import type { NewImage } from '../../lambdas/domain/image.ts';
import { claimNamesFrom } from '../../lambdas/config.ts';
import { catalogWriter, type CatalogWriterPorts } from '../../lambdas/wiring/catalog-writer.ts';
import { catalogReader } from '../../lambdas/wiring/catalog-reader.ts';
import { buildLogs } from '../../lambdas/wiring/build-logs.ts';
import { buildEvents } from '../../lambdas/wiring/build-events.ts';
import { buildReconciler } from '../../lambdas/wiring/build-reconciler.ts';
import { noBuildMetrics } from '../../lambdas/wiring/ports.ts';
import { cursorCodec } from '../../lambdas/domain/cursor.ts';
import type { Principal } from '../../lambdas/domain/principal.ts';
import { groupScope, type Scope } from '../../lambdas/domain/scope.ts';
import { ensureTable, startEmbeddedDynamo, type EmbeddedDynamo } from '../../lambdas/local/dynamodb.ts';
import { LocalBuildLogs } from '../../lambdas/local/local-build-logs.ts';
import { buildItem, DynamoBuildStore } from '../../lambdas/store/dynamo-build-store.ts';
import { DynamoSecretReferences } from '../../lambdas/store/secret-references.ts';
import { DynamoImageStore } from '../../lambdas/store/dynamo-image-store.ts';
import { ImageScans } from '../../lambdas/domain/image-scans.ts';
import type { BuildOutcome } from '../../lambdas/domain/build-outcomes.ts';
import { DynamoImageScans } from '../../lambdas/store/dynamo-image-scans.ts';
import { readsAndWrites, type CatalogReadsAndWrites } from './catalog-reads-and-writes.ts';

export const TEAM_A = groupScope('team-a');
export const TEAM_B = groupScope('team-b');
export const IMAGE_REPOSITORY = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/group-images';
export const CACHE_REPOSITORY = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/group-images-cache';
export const CODEBUILD_PROJECT = 'group-images-image-build';

const principal = (p: Partial<Principal> & { sub: string }): Principal => ({ groups: new Set(), adminGroups: new Set(), systemAdmin: false, ...p });
export const ADMIN = principal({ sub: 'ada', groups: new Set(['team-a']), adminGroups: new Set(['team-a']) });
export const MEMBER = principal({ sub: 'mel', groups: new Set(['team-a']) });
export const ADMIN_B = principal({ sub: 'oto', groups: new Set(['team-b']), adminGroups: new Set(['team-b']) });

/** A custom image's create body. */
export const customImage = (packages: PackageLists = { pip: ['requests==2.32.3'] }, extra: Partial<BuildSpec> = {}): NewImage & { build: BuildSpec } => ({
  displayName: 'jupyter-ds',
  type: 'cpu',
  build: { baseImage: 'quay.io/jupyter/scipy-notebook:2024-05-27', packages, ...extra },
});

/** A builder that records what it is asked and answers like CodeBuild (build ids `<project>:<uuid>`). */
export class RecordingBuilder implements Builder {
  readonly started: BuildJob[] = [];
  readonly stopped: string[] = [];
  /** What describe() answers per builder id; start() puts a running build here. */
  readonly known = new Map<string, BuildProgress>();
  /** Set to make the next start() calls fail like a refused StartBuild. */
  failStart: Error | undefined;
  /** Runs inside start(), before it answers (an event overtaking StartBuild's answer). */
  beforeAnswer: ((job: BuildJob, builderId: string) => Promise<void>) | undefined;
  /** Set to answer like a local builder without a container CLI: the build is a dry run. */
  dryRun = false;

  /** The id CodeBuild gives a build: `<project>:<uuid>` (its events carry the build ARN instead). */
  static idOf(buildId: string) {
    return `${CODEBUILD_PROJECT}:${buildId}-0000-4000-8000-000000000000`;
  }

  async start(job: BuildJob): Promise<{ builderId: string; dryRun: boolean }> {
    if (this.failStart) throw this.failStart;
    this.started.push(job);
    const builderId = RecordingBuilder.idOf(job.build.id);
    this.known.set(builderId, { status: 'building', phase: 'queued', at: new Date().toISOString() });
    await this.beforeAnswer?.(job, builderId);
    return { builderId, dryRun: this.dryRun };
  }

  async stop(builderId: string): Promise<void> {
    this.stopped.push(builderId);
    if (this.known.get(builderId)?.status === 'building') this.known.set(builderId, { status: 'cancelled', phase: 'building', at: new Date().toISOString() });
  }

  async describe(builderIds: string[]): Promise<Map<string, BuildProgress>> {
    return new Map(builderIds.flatMap((id) => (this.known.has(id) ? [[id, this.known.get(id)!] as const] : [])));
  }
}

/** The real image store, with a hook that runs once right after the next insert (a concurrent request's moment). */
export class HookedImageStore extends DynamoImageStore {
  afterInsert: (() => Promise<void>) | undefined;

  override async insert(...args: Parameters<DynamoImageStore['insert']>): ReturnType<DynamoImageStore['insert']> {
    const inserted = await super.insert(...args);
    const hook = this.afterInsert;
    this.afterInsert = undefined;
    if (inserted.ok && hook) await hook();
    return inserted;
  }
}

export class SecretNames implements PullSecretDirectory {
  constructor(readonly names: Set<string> = new Set(['ghcr-team-a'])) {}
  /** Holds references' texts: `<name>` for a system secret, `<group>/<name>` for a group's. */
  async exists(ref: SecretRef) {
    return this.names.has(secretReferenceText(ref));
  }
}

/** The build services over the harness's stores, as one object for the tests (each function is wired with only its own). */
export type HarnessBuilds = Pick<BuildLifecycle, 'rebuild' | 'cancel'> &
  Pick<BuildReports, 'report' | 'progress'> &
  Pick<BuildReads, 'get' | 'list'> &
  Pick<BuildLogPages, 'logs'> &
  Pick<BuildReconciler, 'reconcile'>;

export interface Harness {
  /** What the service and catalog were wired with (lambdas/wiring/catalog-writer.ts). */
  ports: CatalogWriterPorts;
  service: HarnessBuilds;
  /** The reader's catalog and the writer's, as one object (each function is wired with its own side). */
  catalog: CatalogReadsAndWrites;
  builder: RecordingBuilder;
  builds: DynamoBuildStore;
  images: HookedImageStore;
  logs: LocalBuildLogs;
  secrets: SecretNames;
  /** Advances by one second on every reading, so build ids and times are ordered. */
  clock: { now: () => Date };
  /** The embedded DynamoDB client and this harness's table, for other stores over the same data. */
  db: EmbeddedDynamo['client'];
  table: string;
  /** The harness's own table, for tests that write items as a crashed function would have left them. */
  dynamo: { client: EmbeddedDynamo['client']; table: string };
  /** The outcome events the service published, in order. */
  published: BuildOutcome[];
}

/** The group's quota counters as stored (lambdas/store/quota.ts). */
export async function quotaCounters(h: Harness, scope: Scope): Promise<{ images: number; builds: number }> {
  const { Item } = await h.dynamo.client.send(
    new GetItemCommand({ TableName: h.dynamo.table, Key: toItem({ pk: partitionOf(scope), sk: QUOTA_SORT_KEY }), ConsistentRead: true }),
  );
  return { images: Number(Item?.images?.N ?? 0), builds: Number(Item?.builds?.N ?? 0) };
}

/** Stores a build record alone, as a function that stopped right after storing it would have left it. */
export async function storeBuildRecord(h: Harness, scope: Scope, build: BuildRecord): Promise<void> {
  await h.dynamo.client.send(new PutItemCommand({ TableName: h.dynamo.table, Item: buildItem(scope, build) }));
}

/** On the tests' shared DynamoDB Local; every harness gets a table of its own, dropped at stop(). */
export function harnessFactory() {
  let dynamo: EmbeddedDynamo;
  let logDir: string;
  let tables = 0;
  const made: string[] = [];
  return {
    async start() {
      dynamo = await startEmbeddedDynamo();
      logDir = mkdtempSync(join(tmpdir(), 'group-images-unit-logs-'));
    },
    async stop() {
      await Promise.all(made.map((TableName) => dynamo.client.send(new DeleteTableCommand({ TableName })).catch(() => undefined)));
      await dynamo.close();
      rmSync(logDir, { recursive: true, force: true });
    },
    async harness(options: { maxConcurrentBuildsPerGroup?: number; maxImagesPerGroup?: number } = {}): Promise<Harness> {
      const table = `${dynamo.table}-${++tables}`;
      made.push(table);
      await ensureTable(dynamo.client, table);
      let tick = Date.UTC(2025, 5, 3, 9, 0, 0);
      const clock = { now: () => new Date((tick += 1000)) };
      const images = new HookedImageStore(dynamo.client, table);
      const builds = new DynamoBuildStore(dynamo.client, table);
      const builder = new RecordingBuilder();
      const logs = new LocalBuildLogs(join(logDir, table));
      const secrets = new SecretNames();
      // Secrets exist for image writes where the secrets store declares them: in the table.
      const references = new DynamoSecretReferences(dynamo.client, table);
      for (const name of secrets.names) await references.declare(name);
      const cursors = cursorCodec('unit-test-key');
      let suffix = 0;
      const published: BuildOutcome[] = [];
      // Every function's ports, a test may look at any: each service below is wired by its function's
      // factory (the writer's settles with a log reader here, as build events and the reconciler do).
      const ports = {
        claims: claimNamesFrom({}),
        imageStore: images,
        buildStore: builds,
        cursors,
        clock,
        random: () => `r${String(++suffix).padStart(4, '0')}`,
        outcomes: { publish: async (o: BuildOutcome) => void published.push(o) },
        metrics: noBuildMetrics,
        scans: new ImageScans(new DynamoImageScans(dynamo.client, table)),
        builder,
        repositories: { image: IMAGE_REPOSITORY, cache: CACHE_REPOSITORY },
        secretDirectory: secrets,
        limits: { maxImagesPerGroup: options.maxImagesPerGroup, maxConcurrentBuildsPerGroup: options.maxConcurrentBuildsPerGroup },
        logs,
      } satisfies CatalogWriterPorts;
      const { catalog: catalogWrites, builds: lifecycle } = catalogWriter(ports);
      const reader = catalogReader(ports);
      const [reads, logPages] = [reader.builds, buildLogs(ports).builds];
      const catalog = readsAndWrites(reader.catalog, catalogWrites);
      const [reports, reconciler] = [
        buildEvents({ ...ports, project: CODEBUILD_PROJECT, imageRepository: IMAGE_REPOSITORY }).builds,
        buildReconciler({ ...ports, stuckBuildMinutes: 0 }).builds,
      ];
      const service: HarnessBuilds = {
        rebuild: lifecycle.rebuild.bind(lifecycle),
        cancel: lifecycle.cancel.bind(lifecycle),
        report: reports.report.bind(reports),
        progress: reports.progress.bind(reports),
        get: reads.get.bind(reads),
        list: reads.list.bind(reads),
        logs: logPages.logs.bind(logPages),
        reconcile: reconciler.reconcile.bind(reconciler),
      };
      return {
        ports,
        service,
        catalog,
        builder,
        builds,
        images,
        logs,
        secrets,
        clock,
        dynamo: { client: dynamo.client, table },
        db: dynamo.client,
        table,
        published,
      };
    },
  };
}

/** The build the image's latest build refers to, as stored. */
export async function latestBuildOf(h: Harness, scope: Scope, name: string): Promise<BuildRecord> {
  const image = await h.images.get(scope, name);
  if (!image?.latestBuild) throw new Error(`image ${name} has no latest build`);
  const build = await h.builds.get(scope, name, image.latestBuild.id);
  if (!build) throw new Error(`build ${image.latestBuild.id} is not stored`);
  return build;
}
