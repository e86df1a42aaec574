/**
 * The OpenAPI document says everything the server enforces: requests drawn by fast-check from the
 * served document's own schemas (test/support/schema-arbitrary.ts) are accepted, and requests the
 * document calls invalid are refused. Every operation of the served document is covered, so a route
 * added to the route table is covered too.
 *
 * "Accepted" is 2xx, or what only state can refuse and the document lists for the operation: 404
 * (no such image, build or secret), 409 (a build already running or finished, a secret in use), 429
 * (a quota). Values only state can make valid are drawn from state: path ids from fixtures (or from
 * the path pattern, which may name nothing: 404), pull secrets that exist, no cursor (a cursor is
 * whatever the previous page said). Each generated value is first checked against the document with
 * ajv, so a generator fault fails as one. "Refused" is a 422 naming a field (or the body).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { OpenApiDocument, OperationObject } from '../../lambdas/http/openapi.ts';
import { createImage } from '../support/catalog-fixtures.ts';
import { startLocalApi, type LocalApi } from '../support/local-api.ts';
import { SchemaArbitraries, type Schema } from '../support/schema-arbitrary.ts';

/**
 * Per operation (about 30 operations), sized for `npm test`; OPENAPI_RUNS=200 runs a deeper search
 * (about 9,000 requests). Creates write a word index per image, so they dominate the time.
 */
const VALID_RUNS = Number(process.env.OPENAPI_RUNS ?? 10);
const INVALID_RUNS = Math.ceil(VALID_RUNS / 2);
const ACCEPTED_FROM_STATE = [404, 409, 429];

let api: LocalApi;
let document: OpenApiDocument;
let token: string;
let ajv: Ajv2020;
const secrets = ['gen-secret-a', 'gen-secret-b'];
const pools: Record<string, string[]> = { group: ['team-a'] };
const FRESH = '<a fresh universal image>';

const SCHEMA_BASE = 'https://generated.test/schemas/';
const absolute = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(absolute)
    : value !== null && typeof value === 'object'
      ? Object.fromEntries(
          Object.entries(value).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' ? v.replace('#/components/schemas/', SCHEMA_BASE) : absolute(v)]),
        )
      : value;

// Formats JSON Schema does not define: the document names the grammar, these draw from it.
const word = (first: string, rest: string, max: number) => fc.stringMatching(new RegExp(`^[${first}][${rest}]{0,${max}}$`));
const version = fc.stringMatching(/^[0-9]{1,3}(\.[0-9]{1,3}){0,2}$/);
// conda names: letters and digits with single ".", "-" or "_" between them (CEP-26).
const condaName = fc
  .array(word('a-z', 'a-z0-9', 5), { minLength: 1, maxLength: 3 })
  .chain((parts) => fc.constantFrom('.', '-', '_').map((sep) => parts.join(sep)));
const FORMATS: Record<string, fc.Arbitrary<string>> = {
  'debian-package': fc
    .tuple(
      word('a-z0-9', 'a-z0-9+.', 12).map((n) => `${n}x`),
      fc.option(
        fc.oneof(
          version.map((v) => `=${v}`),
          version.map((v) => `=1:${v}-1~deb12u2`),
          fc.constant(':amd64'),
          fc.constant('/bookworm-backports'),
        ),
        { nil: '' },
      ),
    )
    .map(([n, v]) => n + v),
  'conda-matchspec': fc
    .tuple(
      fc.constantFrom('', 'conda-forge::', '-c conda-forge::'),
      condaName,
      fc.option(
        fc.oneof(
          version.map((v) => `==${v}`),
          version.map((v) => `>=${v},<9`),
          version.map((v) => `==${v}*`),
        ),
        { nil: '' },
      ),
    )
    .map(([c, n, v]) => c + n + v),
  'pep508-requirement': fc
    .tuple(
      word('A-Za-z', 'A-Za-z0-9_.-', 12).map((n) => `${n}0`),
      fc.option(fc.constantFrom('[standard]', '[a,b]'), { nil: '' }),
      fc.option(
        fc.oneof(
          version.map((v) => `==${v}`),
          version.map((v) => `>=${v}`),
          version.map((v) => `~=${v}.0`),
        ),
        { nil: '' },
      ),
      fc.constantFrom('', '; python_version < "3.9"', '; sys_platform == "linux"'),
    )
    .map((parts) => parts.join('')),
};

beforeAll(async () => {
  api = await startLocalApi({ containerCli: null, maxImagesPerGroup: 100_000 });
  document = (await api.call('GET', '/openapi.json')).body;
  token = await api.token({ sub: 'gen', groups: ['team-a'], adminGroups: ['team-a'], systemAdmin: true });
  ajv = new Ajv2020({ strict: false, allErrors: false });
  for (const [name, schema] of Object.entries(document.components.schemas)) ajv.addSchema({ ...(absolute(schema) as Schema), $id: SCHEMA_BASE + name });
  for (const name of Object.keys(FORMATS)) ajv.addFormat(name, () => true);

  for (const name of secrets) await api.call('PUT', `/secrets/${name}`, { token, body: { registry: 'registry.example.com', username: 'bot', password: 'pw' } });
  const spec = { baseImage: 'python:3.12-slim', packages: { pip: ['requests'] } };
  const names: string[] = [];
  const builds: string[] = [];
  for (const collection of ['/groups/team-a/images', '/images']) {
    names.push((await createImage(api, token, collection, { type: 'universal', urlForGpu: 'registry.example.com/fixtures/base:1.0-gpu' })).name);
    const custom = await api.call('POST', collection, { token, body: { displayName: 'custom', type: 'cpu', build: spec } });
    names.push(custom.body.name);
    builds.push(custom.body.latestBuild.id);
  }
  Object.assign(pools, { name: names, buildId: builds, secret: secrets });
});
afterAll(() => api.stop());

const arbitraries = () =>
  new SchemaArbitraries({
    resolve: (ref) => document.components.schemas[ref.replace('#/components/schemas/', '')]!,
    formats: FORMATS,
    properties: { pullSecret: fc.option(fc.constantFrom(...secrets), { nil: null }) },
  });

interface Drawn {
  path: string;
  query: Record<string, string>;
  body?: unknown;
}

type Parameter = { name: string; in: string; required: boolean; schema: Schema };

/** A request for the operation: path ids from state or the pattern, optional query parameters, a body. */
function requestArbitrary(template: string, operation: OperationObject): fc.Arbitrary<Drawn> {
  const gen = arbitraries();
  const parameters = (operation.parameters ?? []) as Parameter[];
  const path: Record<string, fc.Arbitrary<unknown>> = {};
  const query: Record<string, fc.Arbitrary<unknown>> = {};
  for (const p of parameters) {
    if (p.in === 'path') {
      const state =
        p.name === 'name' && ['updateImage', 'systemUpdateImage', 'deleteImage', 'systemDeleteImage'].includes(operation.operationId)
          ? [FRESH]
          : pools[template.startsWith('/secrets') ? 'secret' : p.name];
      path[p.name] = state ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...state) }, { weight: 1, arbitrary: gen.of(p.schema) }) : gen.of(p.schema);
    } else if (p.in === 'query' && p.name !== 'cursor') {
      query[p.name] = fc.option(gen.of(p.schema), { nil: undefined });
    }
  }
  const bodySchema = operation.requestBody?.content['application/json']?.schema;
  const body = bodySchema ? (operation.requestBody!.required ? gen.of(bodySchema) : fc.option(gen.of(bodySchema), { nil: undefined })) : fc.constant(undefined);
  return fc.record({ path: fc.record(path), query: fc.record(query), body }).map(({ path: ids, query: q, body: b }) => ({
    path: template.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(String(ids[name]))),
    query: Object.fromEntries(
      Object.entries(q)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, String(v)]),
    ),
    body: b,
  }));
}

async function send(method: string, drawn: Drawn) {
  let path = drawn.path;
  if (path.includes(encodeURIComponent(FRESH))) {
    const collection = path.startsWith('/groups/') ? '/groups/team-a/images' : '/images';
    const image = await createImage(api, token, collection, { type: 'universal' });
    path = path.replace(encodeURIComponent(FRESH), image.name);
  }
  const search = new URLSearchParams(drawn.query).toString();
  return api.call(method, search ? `${path}?${search}` : path, { token, body: drawn.body });
}

const validator = (schema: Schema): ValidateFunction => ajv.compile(absolute(schema) as Schema);

const operations = () =>
  Object.entries(document.paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ template, method: method.toUpperCase(), operation })),
  );

describe('requests the document calls valid', () => {
  it('are accepted, by every operation the document lists', async () => {
    const tally: Record<string, number> = {};
    for (const { template, method, operation } of operations()) {
      const documented = Object.keys(operation.responses).map(Number);
      const bodySchema = operation.requestBody?.content['application/json']?.schema;
      const validBody = bodySchema && validator(bodySchema);
      await fc.assert(
        fc.asyncProperty(requestArbitrary(template, operation), async (drawn) => {
          if (validBody && drawn.body !== undefined && !validBody(drawn.body))
            throw new Error(`the generator drew a body the document refuses: ${JSON.stringify(drawn.body)} ${ajv.errorsText(validBody.errors)}`);
          const reply = await send(method, drawn);
          tally[reply.status] = (tally[reply.status] ?? 0) + 1;
          const accepted = (reply.status >= 200 && reply.status < 300) || (ACCEPTED_FROM_STATE.includes(reply.status) && documented.includes(reply.status));
          if (!accepted)
            throw new Error(
              `${operation.operationId}: ${method} ${drawn.path} ${JSON.stringify(drawn.query)} ${JSON.stringify(drawn.body)} -> ${reply.status} ${JSON.stringify(reply.body)}`,
            );
        }),
        { numRuns: VALID_RUNS },
      );
    }
    // Many were served, not refused by state. About half are: some operations answer from state by
    // design here (a dry run has no lock, so its SBOM is 409; a finished build cannot be cancelled),
    // so the bound sits far (about 7 standard deviations at this many requests) below what is seen.
    const served = Object.entries(tally)
      .filter(([s]) => Number(s) < 300)
      .reduce((n, [, c]) => n + c, 0);
    const total = Object.values(tally).reduce((a, b) => a + b, 0);
    expect(served / total).toBeGreaterThan(0.3);
  });
});

describe('requests the document calls invalid', () => {
  it('are refused with a 422, by every operation with a body or a query', async () => {
    let refused = 0;
    for (const { template, method, operation } of operations()) {
      const bodySchema = operation.requestBody?.content['application/json']?.schema;
      const queryParameters = ((operation.parameters ?? []) as Parameter[]).filter((p) => p.in === 'query' && p.name !== 'cursor');
      const acceptsQuery = ((operation.parameters ?? []) as Parameter[]).some((p) => p.in === 'query');
      if (!bodySchema && !acceptsQuery) continue;
      const gen = arbitraries();
      const validBody = bodySchema && validator(bodySchema);
      const broken = requestArbitrary(template, operation).chain((drawn) => {
        const variants: Drawn[] = [];
        if (bodySchema) {
          for (const bad of gen.invalidVariants(bodySchema, drawn.body ?? {}))
            if (bad !== undefined && !validBody!(bad)) variants.push({ ...drawn, body: bad });
        }
        if (acceptsQuery) variants.push({ ...drawn, query: { ...drawn.query, unknownParameter: '1' } });
        for (const p of queryParameters) {
          const check = validator(p.schema);
          const value = drawn.query[p.name] ?? '';
          for (const bad of gen.invalidVariants(p.schema, p.schema.type === 'integer' ? Number(value) : value)) {
            // Query values travel as text: a value is invalid when neither it nor its number is valid.
            if (bad === null || typeof bad === 'object' || check(String(bad)) || check(Number(bad))) continue;
            variants.push({ ...drawn, query: { ...drawn.query, [p.name]: String(bad) } });
          }
        }
        return fc.constantFrom(...variants);
      });
      await fc.assert(
        fc.asyncProperty(broken, async (drawn) => {
          // The path must name something that exists for a refusal to be about the request alone.
          const path = drawn.path.replace(/\/images\/[^/]+/, (m) =>
            m === `/images/${encodeURIComponent(FRESH)}` ? m : `/images/${pools.name![operation.operationId.startsWith('system') ? 2 : 0]}`,
          );
          const reply = await send(method, { ...drawn, path });
          refused++;
          if (reply.status !== 422)
            throw new Error(
              `${operation.operationId}: ${method} ${path} ${JSON.stringify(drawn.query)} ${JSON.stringify(drawn.body)} -> ${reply.status} ${JSON.stringify(reply.body)}`,
            );
          expect(reply.body.errors.length).toBeGreaterThan(0);
        }),
        { numRuns: INVALID_RUNS },
      );
    }
    expect(refused).toBeGreaterThan(0);
  });

  it('refuses a body over the documented size with a 413', async () => {
    const limit = /at most (\d+) bytes/.exec(document.paths['/images']!.post!.requestBody!.description)![1]!;
    const reply = await api.call('POST', '/images', { token, rawBody: JSON.stringify({ displayName: 'x', description: 'a'.repeat(Number(limit)) }) });
    expect(reply.status).toBe(413);
  });
});
