/**
 * The catalog and the build lifecycle wired by the writer function's factory (lambdas/wiring/
 * catalog-writer.ts), the build history by the reader's, over the DynamoDB stores on an in-memory DynamoDB Local, with a recording
 * builder in place of CodeBuild: for the benches that drive the domain directly (write round trips,
 * build reuse).
 */
import type { BuildLifecycle } from '../lambdas/domain/build-lifecycle.ts';
import type { BuildReads } from '../lambdas/domain/build-reads.ts';
import type { ImageCatalogWrites } from '../lambdas/domain/catalog-writes.ts';
import { ensureTable, startEmbeddedDynamo, type EmbeddedDynamo } from '../lambdas/local/dynamodb.ts';
import type { DynamoImageStore } from '../lambdas/store/dynamo-image-store.ts';
import { catalogReader } from '../lambdas/wiring/catalog-reader.ts';
import { catalogWriter } from '../lambdas/wiring/catalog-writer.ts';
import { benchPorts } from './bench-ports.ts';
import { RecordingBuilder } from './recording-builder.ts';

export interface BuildServices {
  dynamo: EmbeddedDynamo;
  images: DynamoImageStore;
  builder: RecordingBuilder;
  service: BuildLifecycle;
  /** The catalog reader's build history, over the same table. */
  reads: BuildReads;
  /** The catalog writer's: create, edit, delete. */
  catalog: ImageCatalogWrites;
}

/** Runs `use` with the services on a table of their own, and stops DynamoDB Local afterwards. */
export async function withBuildServices<T>(
  table: string,
  limits: { maxImagesPerGroup?: number; maxConcurrentBuildsPerGroup?: number },
  use: (services: BuildServices) => Promise<T>,
): Promise<T> {
  const dynamo = await startEmbeddedDynamo();
  try {
    await ensureTable(dynamo.client, table);
    const builder = new RecordingBuilder();
    const ports = benchPorts(dynamo.client, table, builder, {
      maxImagesPerGroup: limits.maxImagesPerGroup,
      maxConcurrentBuildsPerGroup: limits.maxConcurrentBuildsPerGroup,
    });
    const images = ports.imageStore;
    const { catalog, builds: service } = catalogWriter(ports);
    const reads = catalogReader(ports).builds;
    return await use({ dynamo, images, builder, service, reads, catalog });
  } finally {
    await dynamo.close();
  }
}
