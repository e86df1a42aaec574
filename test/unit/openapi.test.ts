/**
 * The OpenAPI document: the checked-in copies are what the code generates, it lints clean with
 * Redocly's recommended rules, and it documents every route of the route table as the contract says.
 */
import { describe, expect, it } from '@jest/globals';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { BEARER, openApiDocument, operationIdOf, statusesOf } from '../../lambdas/http/openapi.ts';
import { publicOperations } from '../../lambdas/http/function-operations.ts';
import type { ApiRequest } from '../../lambdas/http/api-handler.ts';
import { ROUTES, routeKey } from '../../lambdas/http/routes.ts';
import { ARTIFACTS, GENERATED_DIR, generateArtifacts, readArtifacts } from '../../scripts/openapi.ts';

/**
 * Findings of the recommended ruleset that are right for this API, each with its reason. Anything
 * else, warnings included, fails the test.
 */
const ACCEPTED = [
  { ruleId: 'no-server-example.com', pointer: '#/servers/0/url', reason: 'local mode (npm start on localhost:3000) is a documented way to run this API' },
  {
    ruleId: 'operation-4xx-response',
    pointer: '#/paths/~1health/get/responses',
    reason: 'liveness needs no token and takes no input: no client error is possible',
  },
  {
    ruleId: 'operation-4xx-response',
    pointer: '#/paths/~1openapi.json/get/responses',
    reason: 'the document needs no token and takes no input: no client error is possible',
  },
];

describe('the checked-in OpenAPI document and client types', () => {
  it.each(Object.keys(ARTIFACTS) as (keyof typeof ARTIFACTS)[])('%s is what the code generates', async (name) => {
    // Act
    const [generated, checkedIn] = await Promise.all([generateArtifacts(), readArtifacts()]);

    // Assess
    if (checkedIn[name] !== generated[name]) {
      throw new Error(`${ARTIFACTS[name]} is out of date with the code: run npm run openapi (and commit the result)`);
    }
  });

  it(`are the only files in ${GENERATED_DIR}/, and all of them are there`, async () => {
    // Act
    const present = await readdir(fileURLToPath(new URL(`../../${GENERATED_DIR}`, import.meta.url)));

    // Assess
    expect(present.sort()).toEqual(
      Object.values(ARTIFACTS)
        .map((path) => path.slice(GENERATED_DIR.length + 1))
        .sort(),
    );
  });
});

describe('the OpenAPI document', () => {
  const document = openApiDocument();

  it('lints clean with the recommended Redocly rules', async () => {
    // Prepare
    const config = await createConfig({
      extends: ['recommended'],
      // A private service's API: there is no license to state.
      rules: { 'info-license': 'off', 'info-license-strict': 'off' },
    });

    // Act
    const problems = await lintFromString({ source: JSON.stringify(document), absoluteRef: 'openapi.json', config });

    // Assess
    const findings = problems.map((p) => ({ ruleId: p.ruleId, severity: p.severity, message: p.message, pointer: p.location[0]?.pointer }));
    const unexpected = findings.filter((f) => !ACCEPTED.some((a) => a.ruleId === f.ruleId && a.pointer === f.pointer));
    expect(unexpected).toEqual([]);
  });

  it('is OpenAPI 3.1 and versioned like the package', async () => {
    // Prepare
    const { readFile } = await import('node:fs/promises');
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

    // Assess
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.version).toBe(pkg.version);
  });

  it('has one operation per route, with a unique operation id', () => {
    // Act
    const operations = ROUTES.map((route) => document.paths[route.path]?.[route.method.toLowerCase()]);
    const ids = operations.map((o) => o?.operationId);

    // Assess
    expect(operations.every(Boolean)).toBe(true);
    expect(Object.values(document.paths).flatMap(Object.keys)).toHaveLength(ROUTES.length);
    expect(new Set(ids).size).toBe(ROUTES.length);
    expect(ids).toEqual(ROUTES.map(operationIdOf));
  });

  it('gives the system-scope twin of an image route an id of its own', () => {
    // Act
    const twins = ROUTES.filter((r) => r.operation === 'listImages').map((r) => document.paths[r.path]!.get!.operationId);

    // Assess
    expect(twins.sort()).toEqual(['listImages', 'systemListImages']);
  });

  it.each(ROUTES.map((route) => ({ key: routeKey(route), route })))('$key: bearer JWT and a 401 exactly when the route needs a token', ({ route }) => {
    // Act
    const operation = document.paths[route.path]![route.method.toLowerCase()]!;

    // Assess
    expect(operation.security).toEqual(route.auth ? [{ [BEARER]: [] }] : []);
    expect('401' in operation.responses).toBe(route.auth);
  });

  it.each(ROUTES.map((route) => ({ key: routeKey(route), route })))('$key: every path parameter is declared', ({ route }) => {
    // Prepare
    const names = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);

    // Act
    const operation = document.paths[route.path]![route.method.toLowerCase()]!;
    const declared = (operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);

    // Assess
    expect(declared).toEqual(names);
  });

  it("documents the contract's statuses where the contract names them", () => {
    // Act
    const statuses = Object.fromEntries(ROUTES.map((r) => [routeKey(r), statusesOf(r)]));

    // Assess
    expect(statuses['POST /groups/{group}/images']).toEqual(expect.arrayContaining([201, 401, 403, 409, 413, 415, 422, 429]));
    expect(statuses['PATCH /images/{name}']).toEqual(expect.arrayContaining([200, 412, 422]));
    expect(statuses['POST /groups/{group}/images/{name}/builds/{buildId}/cancel']).toEqual(expect.arrayContaining([202, 409]));
    expect(statuses['PUT /secrets/{name}']).toEqual(expect.arrayContaining([200, 201, 403, 422]));
    expect(statuses['DELETE /secrets/{name}']).toEqual(expect.arrayContaining([204, 404, 409]));
  });

  it('describes every error as application/problem+json, with field errors for 422', () => {
    // Act
    const responses = Object.values(document.components.responses);

    // Assess
    expect(responses.length).toBeGreaterThan(0);
    for (const response of responses) expect(Object.keys(response.content ?? {})).toEqual(['application/problem+json']);
    expect(document.components.responses.ValidationFailed!.content!['application/problem+json']!.schema).toEqual({
      $ref: '#/components/schemas/ValidationProblem',
    });
    expect(document.components.schemas.ValidationProblem!.required).toContain('errors');
  });

  it('carries ETag and Location where the contract says so', () => {
    // Act
    const headersOf = (path: string, method: string, status: string) =>
      Object.keys((document.paths[path]![method]!.responses[status] as { headers?: object }).headers ?? {}).sort();

    // Assess
    expect(headersOf('/groups/{group}/images', 'post', '201')).toEqual(['ETag', 'Location']);
    expect(headersOf('/groups/{group}/images/{name}', 'get', '200')).toEqual(['ETag']);
    expect(headersOf('/images/{name}', 'patch', '200')).toEqual(['ETag']);
    expect(headersOf('/images/{name}/builds', 'post', '202')).toEqual(['Location']);
  });

  it('leaves no $schema or $id from the JSON Schema conversion in the document', () => {
    // Act
    const text = JSON.stringify(document);

    // Assess
    expect(text).not.toContain('"$schema"');
    expect(text).not.toContain('"$id"');
  });
});

describe('GET /openapi.json', () => {
  it('serves the generated document, generated once', async () => {
    // Prepare
    const operation = publicOperations().openapi!;
    const request = {
      route: ROUTES.find((r) => r.operation === 'openapi')!,
      principal: null,
      params: {},
      query: {},
      headers: {},
      body: undefined,
      requestId: 'r',
    } satisfies ApiRequest;

    // Act
    const first = await operation(request);
    const second = await operation(request);

    // Assess
    expect(first.status).toBe(200);
    expect(first.body).toEqual(openApiDocument());
    expect(second.body).toBe(first.body);
  });
});
