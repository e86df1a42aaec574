/** The catalog writer: image writes, builds started, cancelled and rebuilt. */
import { ImageCatalog } from '../domain/catalog.ts';
import { apiHandler } from '../http/api-handler.ts';
import { catalogWriterOperations } from '../http/function-operations.ts';
import { ownImagesOf, writingBuilds } from './build-service.ts';
import type { WriterPorts } from './ports.ts';

export type CatalogWriterPorts = WriterPorts;

export function catalogWriter(p: CatalogWriterPorts) {
  const ownImages = ownImagesOf(p);
  const builds = writingBuilds({ ...p, ownImages });
  const catalog = new ImageCatalog({
    store: p.imageStore,
    cursors: p.cursors,
    secrets: p.secretDirectory,
    ownImages,
    builds,
    now: p.clock.now,
    ...(p.limits.maxImagesPerGroup === undefined ? {} : { maxImagesPerGroup: p.limits.maxImagesPerGroup }),
  });
  return { catalog, builds, handler: apiHandler('catalogWriter', catalogWriterOperations({ catalog, builds }), { claims: p.claims }) };
}
