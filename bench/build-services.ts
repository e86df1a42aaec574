/**
 * The catalog and the build service wired as the writer function wires them, over the DynamoDB stores
 * on an in-memory DynamoDB Local, with a recording builder in place of CodeBuild: for the benches that
 * drive the domain directly (write round trips, build reuse).
 */
import { RepositoryRegistry } from '../lambdas/aws/repository-registry.ts';
import { BuildLifecycle } from '../lambdas/domain/build-lifecycle.ts';
import { BuildReads } from '../lambdas/domain/build-reads.ts';
import { ImageCatalog } from '../lambdas/domain/catalog.ts';
import { cursorCodec } from '../lambdas/domain/cursor.ts';
import { ensureTable, startEmbeddedDynamo, type EmbeddedDynamo } from '../lambdas/local/dynamodb.ts';
import { DynamoBuildStore } from '../lambdas/store/dynamo-build-store.ts';
import { DynamoImageStore } from '../lambdas/store/dynamo-image-store.ts';
import { FUNCTION_SETTINGS } from './lambda-env.ts';
import { RecordingBuilder } from './recording-builder.ts';

export interface BuildServices {
  dynamo: EmbeddedDynamo;
  images: DynamoImageStore;
  builder: RecordingBuilder;
  service: BuildLifecycle;
  reads: BuildReads;
  catalog: ImageCatalog;
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
    const images = new DynamoImageStore(dynamo.client, table);
    const builder = new RecordingBuilder();
    const cursors = cursorCodec(FUNCTION_SETTINGS.CURSOR_KEY!);
    const builds = new DynamoBuildStore(dynamo.client, table);
    const service = new BuildLifecycle({
      images,
      builds,
      builder,
      registry: new RepositoryRegistry(FUNCTION_SETTINGS.IMAGE_REPOSITORY_URI!, FUNCTION_SETTINGS.CACHE_REPOSITORY_URI!),
      // No pull secret exists here: the benches' specs name none.
      secrets: { exists: async () => false },
      ownImages: null,
      logs: null,
      outcomes: null,
      metrics: null,
      scans: null,
      maxConcurrentBuildsPerGroup: limits.maxConcurrentBuildsPerGroup,
    });
    const reads = new BuildReads({ images, builds, cursors });
    const catalog = new ImageCatalog({
      store: images,
      cursors,
      builds: service,
      ...(limits.maxImagesPerGroup === undefined ? {} : { maxImagesPerGroup: limits.maxImagesPerGroup }),
    });
    return await use({ dynamo, images, builder, service, reads, catalog });
  } finally {
    await dynamo.close();
  }
}
