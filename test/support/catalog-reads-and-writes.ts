/**
 * The image catalog's reads (catalog.ts, the reader function's) and writes (catalog-writes.ts, the
 * writer function's) as one object, for tests that write an image and read it back: each function is
 * still wired with only its own side.
 */
import type { ImageCatalog } from '../../lambdas/domain/catalog.ts';
import type { ImageCatalogWrites } from '../../lambdas/domain/catalog-writes.ts';

export type CatalogReadsAndWrites = Pick<ImageCatalog, 'list' | 'get' | 'selection'> & Pick<ImageCatalogWrites, 'create' | 'update' | 'delete'>;

export function readsAndWrites(reads: ImageCatalog, writes: ImageCatalogWrites): CatalogReadsAndWrites {
  return {
    list: reads.list.bind(reads),
    get: reads.get.bind(reads),
    selection: reads.selection.bind(reads),
    create: writes.create.bind(writes),
    update: writes.update.bind(writes),
    delete: writes.delete.bind(writes),
  };
}
