/**
 * Which operations each HTTP function serves, given the services it is wired with. The Lambda
 * entries (lambdas/functions/) and the local server both build their handlers from these, so a
 * route is served the same way in both.
 */
import type { ImageCatalog } from '../domain/catalog.ts';
import type { Operations } from './api-handler.ts';
import { imageReadOperations, imageWriteOperations } from './image-operations.ts';

export const publicOperations = (): Operations => ({
  health: async () => ({ status: 200, body: { status: 'ok' } }),
});

export const catalogReaderOperations = (s: { catalog: ImageCatalog }): Operations => imageReadOperations(s.catalog);

export const catalogWriterOperations = (s: { catalog: ImageCatalog }): Operations => imageWriteOperations(s.catalog);
