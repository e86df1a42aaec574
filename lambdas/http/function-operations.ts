/**
 * Which operations each HTTP function serves, given the services it is wired with. The Lambda
 * entries (lambdas/functions/) and the local server both build their handlers from these, so a
 * route is served the same way in both.
 */
import type { BuildLifecycle } from '../domain/build-lifecycle.ts';
import type { BuildLogPages, BuildReads } from '../domain/build-reads.ts';
import type { ImageCatalog } from '../domain/catalog.ts';
import type { ImageCatalogWrites } from '../domain/catalog-writes.ts';
import type { PullSecrets } from '../domain/pull-secrets.ts';
import type { Operations } from './api-handler.ts';
import { buildLogOperations, buildReadOperations, buildWriteOperations } from './build-operations.ts';
import { imageReadOperations, imageWriteOperations } from './image-operations.ts';
import { secretOperations } from './secret-operations.ts';

// In a module of its own, which the public function's entry imports directly: this one's imports
// (the other operations, their zod schemas, the package grammars) would otherwise be in its bundle.
export { publicOperations } from './public-operations.ts';

export const catalogReaderOperations = (s: { catalog: ImageCatalog; builds: BuildReads }): Operations => ({
  ...imageReadOperations(s.catalog),
  ...buildReadOperations(s.builds),
});

export const catalogWriterOperations = (s: { catalog: ImageCatalogWrites; builds: BuildLifecycle }): Operations => ({
  ...imageWriteOperations(s.catalog),
  ...buildWriteOperations(s.builds),
});

export const buildLogsOperations = (s: { builds: BuildLogPages }): Operations => buildLogOperations(s.builds);

export const secretsOperations = (s: { secrets: PullSecrets }): Operations => secretOperations(s.secrets);
