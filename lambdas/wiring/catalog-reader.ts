/** The catalog reader: images, the selection and builds, read-only. */
import { ImageCatalog } from '../domain/catalog.ts';
import { apiHandler } from '../http/api-handler.ts';
import { catalogReaderOperations } from '../http/function-operations.ts';
import { readingBuilds } from './build-service.ts';
import type { ClaimPorts, StorePorts } from './ports.ts';

export type CatalogReaderPorts = ClaimPorts & StorePorts;

export function catalogReader(p: CatalogReaderPorts) {
  const catalog = new ImageCatalog({ store: p.imageStore, cursors: p.cursors });
  const builds = readingBuilds(p);
  return { catalog, builds, handler: apiHandler('catalogReader', catalogReaderOperations({ catalog, builds }), { claims: p.claims }) };
}
