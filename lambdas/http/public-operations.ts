/** The public function's operations: liveness and the OpenAPI document, no token, no AWS access. */
import type { Operations } from './api-handler.ts';
import type { OpenApiDocument } from './openapi.ts';
import openApiJson from '../../openapi.json' with { type: 'json' };

/**
 * The checked-in document, which `npm run openapi` writes from the code (test/unit/openapi.test.ts
 * fails when it is out of date), rather than generated here: a Lambda bundle is one file, so even a
 * dynamic import of the generator put the schemas, the package grammars and zod's JSON Schema code
 * into the public function's bundle, parsed on every cold start, health checks included (measured in
 * bench/: 99 KiB and ~39 ms of import before, ~60 KiB and ~15 ms after).
 */
const document = openApiJson as unknown as OpenApiDocument;

export const publicOperations = (): Operations => ({
  health: async () => ({ status: 200, body: { status: 'ok' } }),
  openapi: async () => ({ status: 200, body: document }),
});
