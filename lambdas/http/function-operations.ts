/**
 * Which operations each HTTP function serves, given the services it is wired with. The Lambda
 * entries (lambdas/functions/) and the local server both build their handlers from these, so a
 * route is served the same way in both.
 */
import type { BuildService } from '../domain/builds.ts';
import type { ImageCatalog } from '../domain/catalog.ts';
import type { PullSecrets } from '../domain/pull-secrets.ts';
import type { Operations } from './api-handler.ts';
import { buildLogOperations, buildReadOperations, buildWriteOperations } from './build-operations.ts';
import { imageReadOperations, imageWriteOperations } from './image-operations.ts';
import type { OpenApiDocument } from './openapi.ts';
import { secretOperations } from './secret-operations.ts';

/**
 * Generated on the first request that asks for it, then kept for the life of the process. Imported
 * then too: the schemas and the generator would otherwise add their start-up to every cold start of
 * the public function, health checks included.
 */
let document: OpenApiDocument | undefined;
const openApi = async () => (document ??= (await import('./openapi.ts')).openApiDocument());

export const publicOperations = (): Operations => ({
  health: async () => ({ status: 200, body: { status: 'ok' } }),
  openapi: async () => ({ status: 200, body: await openApi() }),
});

export const catalogReaderOperations = (s: { catalog: ImageCatalog; builds: BuildService }): Operations => ({
  ...imageReadOperations(s.catalog),
  ...buildReadOperations(s.builds),
});

export const catalogWriterOperations = (s: { catalog: ImageCatalog; builds: BuildService }): Operations => ({
  ...imageWriteOperations(s.catalog),
  ...buildWriteOperations(s.builds),
});

export const buildLogsOperations = (s: { builds: BuildService }): Operations => buildLogOperations(s.builds);

export const secretsOperations = (s: { secrets: PullSecrets }): Operations => secretOperations(s.secrets);
