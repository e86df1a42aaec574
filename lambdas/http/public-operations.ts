/**
 * The public function's operations, none with AWS access: liveness and the OpenAPI document (no
 * token), and the caller as the service sees them (`GET /me`, with a token).
 */
import type { Principal } from '../domain/principal.ts';
import type { Operations } from './api-handler.ts';
import type { OpenApiDocument } from './openapi.ts';
import openApiJson from '../../client/generated/openapi.json' with { type: 'json' };

/**
 * The checked-in document (client/generated/, with the SDK's types), which `npm run openapi` writes
 * from the code (test/unit/openapi.test.ts fails when it is out of date), imported so that esbuild
 * bundles it into the function, rather than generated here: a Lambda bundle is one file, so even a
 * dynamic import of the generator put the schemas, the package grammars and zod's JSON Schema code
 * into the public function's bundle, parsed on every cold start, health checks included (measured in
 * bench/: 99 KiB and ~39 ms of import before, ~60 KiB and ~15 ms after).
 */
const document = openApiJson as unknown as OpenApiDocument;

export const publicOperations = (): Operations => ({
  health: async () => ({ status: 200, body: { status: 'ok' } }),
  openapi: async () => ({ status: 200, body: document }),
  me: async ({ principal }) => ({ status: 200, body: callerView(principal!) }),
});

/** What `GET /me` answers: administering a group makes a member of it, as the access rules (domain/principal.ts) say. */
export function callerView(p: Principal) {
  return {
    sub: p.sub,
    groups: [...new Set([...p.groups, ...p.adminGroups])].sort(),
    adminGroups: [...p.adminGroups].sort(),
    systemAdmin: p.systemAdmin,
  };
}
