/** The catalog writer: image writes, builds started, cancelled and rebuilt. */
import { ImageCatalogWrites } from '../domain/catalog-writes.ts';
import { apiHandler } from '../http/api-handler.ts';
import { catalogWriterOperations } from '../http/function-operations.ts';
import { ownImagesOf, writingBuilds } from './build-service.ts';
import type { WriterPorts } from './ports.ts';

export type CatalogWriterPorts = WriterPorts;

export function catalogWriter(p: CatalogWriterPorts) {
  const ownImages = ownImagesOf(p);
  const builds = writingBuilds({ ...p, ownImages });
  const catalog = new ImageCatalogWrites({
    store: p.imageStore,
    secrets: p.secretDirectory,
    ownImages,
    builds,
    maxImagesPerGroup: p.limits.maxImagesPerGroup,
    now: p.clock.now,
  });
  return { catalog, builds, handler: apiHandler('catalogWriter', catalogWriterOperations({ catalog, builds }), { claims: p.claims }) };
}
