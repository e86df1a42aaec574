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
import openApiJson from '../../openapi.json' with { type: 'json' };

/**
 * The checked-in document, which `npm run openapi` writes from the code (test/unit/openapi.test.ts
 * fails when it is out of date), rather than generated here: a Lambda bundle is one file, so even a
 * dynamic import of the generator put the schemas and zod's JSON Schema code into the public
 * function's bundle, parsed on every cold start, health checks included (bench/README.md: 99 KiB
 * and ~39 ms of import before, ~59 KiB and ~15 ms after).
 */
const document = openApiJson as unknown as OpenApiDocument;

export const publicOperations = (): Operations => ({
  health: async () => ({ status: 200, body: { status: 'ok' } }),
  openapi: async () => ({ status: 200, body: document }),
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
