/**
 * The catalog functions wired exactly as their Lambda entries wire them (lambdas/functions/
 * catalog-reader.ts and catalog-writer.ts: apiHandler over the function's operations, the real
 * DynamoDB stores and services), but on an in-memory DynamoDB Local whose client carries a recorder, and
 * with a recording builder in place of CodeBuild.
 */
import type { Context } from 'aws-lambda';
import { RepositoryRegistry } from '../lambdas/aws/repository-registry.ts';
import { claimNamesFrom, DEFAULT_LIMITS, ENV } from '../lambdas/config.ts';
import { BuildLifecycle } from '../lambdas/domain/build-lifecycle.ts';
import { BuildReads } from '../lambdas/domain/build-reads.ts';
import { ImageCatalog, type PullSecretDirectory } from '../lambdas/domain/catalog.ts';
import { cursorCodec } from '../lambdas/domain/cursor.ts';
import { apiHandler, type ApiEvent, type ApiResult } from '../lambdas/http/api-handler.ts';
import { catalogReaderOperations, catalogWriterOperations } from '../lambdas/http/function-operations.ts';
import { ensureTable, startEmbeddedDynamo, type EmbeddedDynamo } from '../lambdas/local/dynamodb.ts';
import { DynamoBuildStore } from '../lambdas/store/dynamo-build-store.ts';
import { DynamoImageStore } from '../lambdas/store/dynamo-image-store.ts';
import { DynamoRecorder } from './dynamo-recorder.ts';
import { FUNCTION_SETTINGS } from './lambda-env.ts';
import { RecordingBuilder } from './recording-builder.ts';

export type Handler = (event: ApiEvent, context: Context) => Promise<ApiResult>;

export interface CatalogFunctions {
  dynamo: EmbeddedDynamo;
  table: string;
  recorder: DynamoRecorder;
  images: DynamoImageStore;
  builder: RecordingBuilder;
  reader: Handler;
  writer: Handler;
  close(): Promise<void>;
}

/** No pull secret exists (the benchmarked requests name none). */
const noSecrets: PullSecretDirectory = { exists: async () => false };

export async function startCatalogFunctions(): Promise<CatalogFunctions> {
  const table = FUNCTION_SETTINGS[ENV.tableName]!;
  const dynamo = await startEmbeddedDynamo();
  await ensureTable(dynamo.client, table);
  const recorder = new DynamoRecorder(dynamo.client);
  const env = FUNCTION_SETTINGS;
  const cursors = () => cursorCodec(env[ENV.cursorKey]!);
  const images = new DynamoImageStore(dynamo.client, table);
  const buildStore = () => new DynamoBuildStore(dynamo.client, table);
  const builder = new RecordingBuilder();

  // As lambdas/functions/catalog-reader.ts.
  const readerCatalog = new ImageCatalog({ store: images, cursors: cursors() });
  const readerBuilds = new BuildReads({ images, builds: buildStore(), cursors: cursors() });
  const reader = apiHandler('catalogReader', catalogReaderOperations({ catalog: readerCatalog, builds: readerBuilds }), { claims: claimNamesFrom(env) });

  // As lambdas/functions/catalog-writer.ts (CodeBuild and Secrets Manager replaced).
  const builds = new BuildLifecycle({
    images,
    builds: buildStore(),
    builder,
    ownImages: null,
    logs: null,
    outcomes: null,
    metrics: null,
    scans: null,
    registry: new RepositoryRegistry(env[ENV.imageRepositoryUri]!, env[ENV.cacheRepositoryUri]!),
    secrets: noSecrets,
    maxConcurrentBuildsPerGroup: DEFAULT_LIMITS.maxConcurrentBuildsPerGroup,
  });
  const catalog = new ImageCatalog({ store: images, cursors: cursors(), secrets: noSecrets, builds, maxImagesPerGroup: DEFAULT_LIMITS.maxImagesPerGroup });
  const writer = apiHandler('catalogWriter', catalogWriterOperations({ catalog, builds }), { claims: claimNamesFrom(env) });

  return {
    dynamo,
    table,
    recorder,
    images,
    builder,
    reader: reader as unknown as Handler,
    writer: writer as unknown as Handler,
    close: () => dynamo.close(),
  };
}

/**
 * Runs `action` with the handlers' request log lines swallowed: they are still built (JSON.stringify
 * is part of the handler's cost) but not written, so the benchmark's own output stays readable.
 */
export async function withQuietStdout<T>(action: () => Promise<T>): Promise<T> {
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return await action();
  } finally {
    process.stdout.write = write;
  }
}
