/**
 * The API's OpenAPI 3.1 document, generated from the route table, the handlers' request schemas and
 * the response schemas (api-schemas.ts): one source of truth, no hand-kept copy. Served at
 * `GET /openapi.json`, checked in as `client/generated/openapi.json` (`npm run openapi`), and the contract the
 * integration tests hold every response to.
 */
import * as z from 'zod/mini';
import { MAX_BODY_BYTES } from './api-handler.ts';
import { COMPONENT_SCHEMAS, type ComponentName } from './api-schemas.ts';
import { cursorQuery, logsQuery, pageQuery, pathParameters, selectionQuery } from './request-schemas.ts';
import { ROUTES, type Operation, type Route } from './routes.ts';

export type JsonSchema = Record<string, unknown>;
export type OpenApiDocument = {
  openapi: '3.1.0';
  info: Record<string, unknown>;
  servers: Record<string, unknown>[];
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, OperationObject>>;
  components: {
    schemas: Record<string, JsonSchema>;
    responses: Record<string, ResponseObject>;
    securitySchemes: Record<string, unknown>;
  };
};
export type OperationObject = {
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  security: Record<string, string[]>[];
  parameters?: Record<string, unknown>[];
  requestBody?: { description: string; required: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, ResponseObject | { $ref: string }>;
};
export type ResponseObject = {
  description: string;
  headers?: Record<string, { description: string; required: boolean; schema: JsonSchema }>;
  content?: Record<string, { schema: JsonSchema }>;
};

export const API_VERSION = '0.1.0';
export const BEARER = 'bearerJwt';
const PROBLEM_JSON = 'application/problem+json';
const JSON_TYPE = 'application/json';

const TAGS = {
  images:
    "A scope's image catalog: images added by url or built from a spec. Every image route exists for a group (`/groups/{group}/images`) and for the system images (`/images`).",
  builds: "A custom image's builds: rebuild, history, details, log and cancel.",
  selection: 'What members pick from when they launch work.',
  secrets:
    "Registry pull secrets: system secrets (system admins write them, every group may use them) and each group's own (its admins manage them, only its images use them). An image names a system secret as `<name>` and its group's as `<group>/<name>`.",
  service: 'The service itself.',
} as const;
type Tag = keyof typeof TAGS;

type Header = 'ETag' | 'Location';
const HEADERS: Record<Header, { description: string; required: boolean; schema: JsonSchema }> = {
  ETag: {
    description: "The image's version; send it back in `If-Match` to change the image only if nobody else has.",
    required: true,
    schema: { type: 'string' },
  },
  Location: { description: 'The path of what was created.', required: true, schema: { type: 'string' } },
};

interface Success {
  description: string;
  schema?: ComponentName | JsonSchema;
  /** The body's media type when it is not plain JSON (issue 18: the SBOM). */
  mediaType?: string;
  headers?: Header[];
}

/** The error responses, shared by every operation that can give them (components/responses). */
const ERRORS = {
  400: { name: 'BadRequest', description: 'The body is not valid JSON, or the cursor is not one this list gave out.' },
  401: { name: 'Unauthenticated', description: 'No bearer token, or one that is invalid or expired.' },
  403: {
    name: 'Forbidden',
    description:
      'Authenticated, but not allowed: the caller is not a member (to read) or an admin (to write) of the owning group, or not a system admin where one is needed.',
  },
  404: { name: 'NotFound', description: 'No such group, image, build or secret in this scope.' },
  409: {
    name: 'Conflict',
    description:
      'The state does not allow it: a build is already running, the build has already finished, the image is not a custom image, or the secret is still in use.',
  },
  412: { name: 'PreconditionFailed', description: '`If-Match` does not match the current `ETag`: get the image again and retry.' },
  413: { name: 'PayloadTooLarge', description: `The body is larger than ${MAX_BODY_BYTES} bytes (${MAX_BODY_BYTES / 1024} KiB).` },
  415: { name: 'UnsupportedMediaType', description: 'The body is not JSON (`Content-Type: application/json`).' },
  422: { name: 'ValidationFailed', description: 'The body or the query is invalid; `errors` names every invalid field by JSON Pointer.' },
  429: { name: 'QuotaReached', description: "The group's quota is reached (images, or builds queued or running)." },
  500: { name: 'InternalError', description: 'Something went wrong on our side; `requestId` identifies it in the logs.' },
  503: {
    name: 'Unavailable',
    description:
      'A service this API depends on is busy or did not carry the request out (throttling, a build the builder could not stop yet): retry after `Retry-After` seconds.',
  },
} as const;
type ErrorStatus = keyof typeof ERRORS;

interface OperationDoc {
  tag: Tag;
  summary: (scope: 'group' | 'system' | undefined) => string;
  description: string;
  query?: z.ZodMiniObject;
  ifMatch?: boolean;
  body?: { schema: ComponentName; required: boolean };
  success: Record<number, Success>;
  /** Errors in every scope, and those that only a group-scoped route can give (403 on reads, a bad group id, quotas). */
  errors: ErrorStatus[];
  groupErrors?: ErrorStatus[];
}

const inScope = (scope: 'group' | 'system' | undefined, group: string, system: string) => (scope === 'system' ? system : group);

/** What each operation is: the route table says where it is and who may call it; this says what it does. */
const OPERATIONS: Record<Operation, OperationDoc> = {
  health: {
    tag: 'service',
    summary: () => 'Liveness',
    description: 'Answers 200 while the service is up. No token needed.',
    success: { 200: { description: 'The service is up.', schema: 'Health' } },
    errors: [],
  },
  openapi: {
    tag: 'service',
    summary: () => 'This OpenAPI document',
    description: "The API's OpenAPI 3.1 document, generated from the code that serves it. No token needed.",
    success: { 200: { description: 'The OpenAPI 3.1 document.', schema: { type: 'object', description: 'An OpenAPI 3.1 document.' } } },
    errors: [],
  },
  me: {
    tag: 'service',
    summary: () => 'Who the caller is',
    description:
      "The caller as the service reads them from the bearer token through the deployment's claim mapping (claim names, group prefix, admin group suffix, system-admin role): a platform team checks its identity provider's mapping with one call.",
    success: { 200: { description: 'The caller.', schema: 'Caller' } },
    errors: [401],
  },
  listImages: {
    tag: 'images',
    summary: (s) => inScope(s, "List a group's images", 'List the system images'),
    description:
      'Images in name order, a page at a time. `q` keeps the images whose words begin with the words of `q` (case-insensitive, over name, displayName, description, url, urlForGpu and type; `universal` finds universal images). A page can hold fewer than `limit` images while `nextCursor` is not null: keep following it.',
    query: pageQuery,
    success: { 200: { description: 'A page of images.', schema: 'ImagePage' } },
    errors: [400, 401, 422],
    groupErrors: [403, 404],
  },
  createImage: {
    tag: 'images',
    summary: (s) => inScope(s, 'Add an image to a group', 'Add a system image'),
    description: 'Adds an existing image (`url`) or starts building a custom one (`build`). A custom image is not ready until its first build succeeds.',
    body: { schema: 'CreateImage', required: true },
    success: { 201: { description: 'The image, as created.', schema: 'Image', headers: ['ETag', 'Location'] } },
    errors: [400, 401, 403, 409, 413, 415, 422],
    groupErrors: [404, 429],
  },
  getImage: {
    tag: 'images',
    summary: (s) => inScope(s, "Get a group's image", 'Get a system image'),
    description: 'One image, with its `ETag`.',
    success: { 200: { description: 'The image.', schema: 'Image', headers: ['ETag'] } },
    errors: [401, 404],
    groupErrors: [403],
  },
  updateImage: {
    tag: 'images',
    summary: (s) => inScope(s, "Edit a group's image", 'Edit a system image'),
    description:
      'Changes displayName, description, type, url, urlForGpu or pullSecret. With `If-Match`, only if the image is unchanged since the caller read it.',
    ifMatch: true,
    body: { schema: 'UpdateImage', required: true },
    success: { 200: { description: 'The image, as changed.', schema: 'Image', headers: ['ETag'] } },
    errors: [400, 401, 403, 404, 409, 412, 413, 415, 422],
  },
  deleteImage: {
    tag: 'images',
    summary: (s) => inScope(s, "Delete a group's image", 'Delete a system image'),
    description: 'Deletes the image and stops its running build. With `If-Match`, only if the image is unchanged since the caller read it.',
    ifMatch: true,
    success: { 204: { description: 'Deleted.' } },
    errors: [401, 403, 404, 412],
  },
  startBuild: {
    tag: 'builds',
    summary: (s) => inScope(s, "Rebuild a group's custom image", 'Rebuild a system custom image'),
    description:
      'Starts a build: of `build` when given (it replaces the spec), else of the current spec. An identical spec already built in this scope is reused without building. The image keeps its url until the new build succeeds.',
    body: { schema: 'Rebuild', required: false },
    success: { 202: { description: 'The build, started (or reused).', schema: 'Build', headers: ['Location'] } },
    errors: [400, 401, 403, 404, 409, 413, 415, 422],
    groupErrors: [429],
  },
  listBuilds: {
    tag: 'builds',
    summary: (s) => inScope(s, "List a group image's builds", "List a system image's builds"),
    description: 'Build history, newest first; every build is kept.',
    query: cursorQuery,
    success: { 200: { description: 'A page of builds.', schema: 'BuildPage' } },
    errors: [400, 401, 404, 422],
    groupErrors: [403],
  },
  getBuild: {
    tag: 'builds',
    summary: (s) => inScope(s, "Get a group image's build", "Get a system image's build"),
    description: 'Build details: status, phase, spec, the produced image, and why it failed.',
    success: { 200: { description: 'The build.', schema: 'Build' } },
    errors: [401, 404],
    groupErrors: [403],
  },
  getBuildLogs: {
    tag: 'builds',
    summary: (s) => inScope(s, "Read a group image's build log", "Read a system image's build log"),
    description:
      "The build's log, a page at a time: readable while the build runs and after it finished or was cancelled. Poll with the returned cursor for new lines.",
    query: logsQuery,
    success: { 200: { description: 'A page of log lines.', schema: 'LogPage' } },
    errors: [400, 401, 404, 422],
    groupErrors: [403],
  },
  getBuildSbom: {
    tag: 'builds',
    summary: (s) => inScope(s, "Get a group image build's SBOM", "Get a system image build's SBOM"),
    description:
      "The software bill of materials of a succeeded build, as a CycloneDX 1.5 JSON document (`application/vnd.cyclonedx+json`): the image by digest, its base image, and every package of the build's lock with its package URL (`pkg:deb/debian/...`, `pkg:pypi/...`, `pkg:conda/...`). 409 when the build has no lock (it did not succeed, reused another build's image, or its lock was too large).",
    success: {
      200: {
        description: 'The CycloneDX BOM.',
        mediaType: 'application/vnd.cyclonedx+json',
        schema: {
          type: 'object',
          description: 'A CycloneDX 1.5 BOM: https://cyclonedx.org/docs/1.5/json/',
          required: ['bomFormat', 'specVersion'],
          properties: { bomFormat: { const: 'CycloneDX' }, specVersion: { type: 'string' }, components: { type: 'array', items: { type: 'object' } } },
        },
      },
    },
    errors: [401, 404, 409],
    groupErrors: [403],
  },
  cancelBuild: {
    tag: 'builds',
    summary: (s) => inScope(s, "Cancel a group image's build", "Cancel a system image's build"),
    description: 'Cancels a queued or running build; 409 when it has already finished.',
    success: { 202: { description: 'The build, cancelled.', schema: 'Build' } },
    errors: [401, 403, 404, 409],
  },
  imageSelection: {
    tag: 'selection',
    summary: () => 'List the images a group can launch',
    description:
      "The group's images, then the system images, that run on the requested instance type, each with `scope`, `ready` and `url` resolved for that type, a page at a time; `q` searches as in the image list. With `q`, a page can hold fewer than `limit` images while `nextCursor` is not null: keep following it.",
    query: selectionQuery,
    success: { 200: { description: 'A page of the selection.', schema: 'SelectionPage' } },
    errors: [400, 401, 403, 404, 422],
  },
  listSecrets: {
    tag: 'secrets',
    summary: () => 'List pull secrets',
    description:
      "The system pull secrets, which every group may use: name, registry and creation time, never a credential. For group admins and system admins. A group's own secrets are listed under `/groups/{group}/secrets`.",
    success: { 200: { description: 'The pull secrets.', schema: 'PullSecretList' } },
    errors: [401, 403],
  },
  putSecret: {
    tag: 'secrets',
    summary: () => 'Store a pull secret',
    description: 'Creates or replaces a registry login, stored in Secrets Manager. For system admins.',
    body: { schema: 'RegistryLogin', required: true },
    success: {
      200: { description: 'Replaced.', schema: 'PullSecret' },
      201: { description: 'Created.', schema: 'PullSecret', headers: ['Location'] },
    },
    errors: [400, 401, 403, 413, 415, 422],
  },
  deleteSecret: {
    tag: 'secrets',
    summary: () => 'Delete a pull secret',
    description: 'Deletes a pull secret; 409 while an image or a build spec still uses it. For system admins.',
    success: { 204: { description: 'Deleted.' } },
    errors: [401, 403, 404, 409],
  },
  listGroupSecrets: {
    tag: 'secrets',
    summary: () => "List a group's pull secrets",
    description:
      "The group's own pull secrets (images of the group name them `<group>/<name>`): name, registry and creation time, never a credential. For the group's admins and system admins; members and other groups get 403.",
    success: { 200: { description: "The group's pull secrets.", schema: 'PullSecretList' } },
    errors: [401, 403, 404],
  },
  putGroupSecret: {
    tag: 'secrets',
    summary: () => "Store a group's pull secret",
    description:
      "Creates or replaces a registry login of the group, stored in Secrets Manager under the group's own prefix; only the group's images and builds may use it. For the group's admins and system admins.",
    body: { schema: 'RegistryLogin', required: true },
    success: {
      200: { description: 'Replaced.', schema: 'PullSecret' },
      201: { description: 'Created.', schema: 'PullSecret', headers: ['Location'] },
    },
    errors: [400, 401, 403, 404, 413, 415, 422],
  },
  deleteGroupSecret: {
    tag: 'secrets',
    summary: () => "Delete a group's pull secret",
    description: "Deletes a pull secret of the group; 409 while an image or a build spec still uses it. For the group's admins and system admins.",
    success: { 204: { description: 'Deleted.' } },
    errors: [401, 403, 404, 409],
  },
};

/** System-scope twins of the image routes get an id of their own: `listImages` and `systemListImages`. */
export const operationIdOf = (route: Route) =>
  route.scope === 'system' ? `system${route.operation[0]!.toUpperCase()}${route.operation.slice(1)}` : route.operation;

/** Statuses an operation documents, successes and errors; the contract tests use the same answer. */
export function statusesOf(route: Route): number[] {
  const doc = OPERATIONS[route.operation];
  return [...Object.keys(doc.success).map(Number), ...errorsOf(route)].sort((a, b) => a - b);
}

function errorsOf(route: Route): ErrorStatus[] {
  const doc = OPERATIONS[route.operation];
  // Every authenticated route but GET /me (the public function: no AWS access) reads or writes through AWS services, which can be busy: 503.
  const errors = [
    ...doc.errors,
    ...(route.scope === 'system' ? [] : (doc.groupErrors ?? [])),
    500 as const,
    ...(route.auth && route.fn !== 'public' ? [503 as const] : []),
  ];
  return [...new Set(errors)].sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------------------------
// zod to JSON Schema

/** Tidies what zod emits: no `$schema` in an embedded schema, no regex restating `format: date-time`, no safe-integer bounds. */
function tidy(ctx: { jsonSchema: JsonSchema }) {
  const s = ctx.jsonSchema;
  delete s.$schema;
  if (s.format === 'date-time') delete s.pattern;
  if (s.type === 'integer' && s.minimum === Number.MIN_SAFE_INTEGER && s.maximum === Number.MAX_SAFE_INTEGER) {
    delete s.minimum;
    delete s.maximum;
  }
}

function stripSchemaKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(stripSchemaKeys) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== '$schema')
        .map(([k, v]) => [k, stripSchemaKeys(v)]),
    ) as T;
  }
  return value;
}

const schemaRef = (name: ComponentName) => `#/components/schemas/${name}`;

/**
 * components/schemas: every named schema, referring to the others by $ref. Bodies are described
 * as the client sends them (io: input) and responses have no transforms, so one pass serves both.
 */
function componentSchemas(): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(COMPONENT_SCHEMAS)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { io: 'input', unrepresentable: 'any', uri: (id) => schemaRef(id as ComponentName), override: tidy });
  if ('__shared' in schemas) throw new Error('a component schema needs shared definitions: give the schema they come from a name in COMPONENT_SCHEMAS');
  // zod names each schema by its $ref URI ($id); under components/schemas the key is its name.
  return Object.fromEntries(Object.entries(stripSchemaKeys(schemas as Record<string, JsonSchema>)).map(([name, { $id: _id, ...schema }]) => [name, schema]));
}

/**
 * A query schema as parameters. Query values are parsed from text (limit: "20" -> 20); the document
 * describes the values a client sends, which is the schema's output.
 */
function queryParameters(schema: z.ZodMiniObject): Record<string, unknown>[] {
  const json = stripSchemaKeys(z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any', override: tidy })) as {
    properties: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(json.properties).map(([name, { description, ...property }]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    description,
    schema: property,
  }));
}

function pathParameter(route: Route, name: string): Record<string, unknown> {
  const schema = route.path.includes('/secrets/') && name === 'name' ? pathParameters.secret : pathParameters[name as keyof typeof pathParameters];
  if (!schema) throw new Error(`${route.path}: no schema for the path parameter {${name}} in api-schemas.ts`);
  const { description, ...json } = stripSchemaKeys(z.toJSONSchema(schema, { io: 'input', override: tidy })) as JsonSchema;
  return { name, in: 'path', required: true, description, schema: json };
}

const UNKNOWN_QUERY = 'Query parameters other than those listed are refused (422 naming `/query/<name>`).';
const BODY_LIMIT = `A JSON document (\`Content-Type: application/json\`) of at most ${MAX_BODY_BYTES} bytes (${MAX_BODY_BYTES / 1024} KiB); a larger body is a 413.`;

const IF_MATCH = {
  name: 'If-Match',
  in: 'header',
  required: false,
  description: 'An `ETag` from a previous response (or `*`): the change is made only if the image still has it, else 412.',
  schema: { type: 'string' },
};

// ---------------------------------------------------------------------------------------------
// The document

function operationObject(route: Route): OperationObject {
  const doc = OPERATIONS[route.operation];
  const pathNames = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  const parameters = [
    ...pathNames.map((name) => pathParameter(route, name)),
    ...(doc.query ? queryParameters(doc.query) : []),
    ...(doc.ifMatch ? [IF_MATCH] : []),
  ];
  const responses: OperationObject['responses'] = {};
  for (const [status, success] of Object.entries(doc.success)) {
    responses[status] = {
      description: success.description,
      ...(success.headers ? { headers: Object.fromEntries(success.headers.map((h) => [h, HEADERS[h]])) } : {}),
      ...(success.schema
        ? {
            content: {
              [success.mediaType ?? JSON_TYPE]: { schema: typeof success.schema === 'string' ? { $ref: schemaRef(success.schema) } : success.schema },
            },
          }
        : {}),
    };
  }
  for (const status of errorsOf(route)) responses[status] = { $ref: `#/components/responses/${ERRORS[status].name}` };
  return {
    operationId: operationIdOf(route),
    summary: doc.summary(route.scope),
    // Parameters cannot say additionalProperties: false, so the description does (and the tests hold the server to it).
    description: doc.query ? `${doc.description} ${UNKNOWN_QUERY}` : doc.description,
    tags: [doc.tag],
    security: route.auth ? [{ [BEARER]: [] }] : [],
    ...(parameters.length ? { parameters } : {}),
    ...(doc.body
      ? { requestBody: { description: BODY_LIMIT, required: doc.body.required, content: { [JSON_TYPE]: { schema: { $ref: schemaRef(doc.body.schema) } } } } }
      : {}),
    responses,
  };
}

const ERROR_HEADERS: Record<string, ResponseObject['headers']> = {
  401: { 'WWW-Authenticate': { description: '`Bearer`.', required: true, schema: { type: 'string' } } },
  503: { 'Retry-After': { description: 'Seconds to wait before trying again.', required: true, schema: { type: 'string', pattern: '^[0-9]+$' } } },
};

function errorResponses(): Record<string, ResponseObject> {
  return Object.fromEntries(
    Object.entries(ERRORS).map(([status, { name, description }]) => [
      name,
      {
        description,
        ...(ERROR_HEADERS[status] ? { headers: ERROR_HEADERS[status] } : {}),
        content: { [PROBLEM_JSON]: { schema: { $ref: schemaRef(status === '422' ? 'ValidationProblem' : 'Problem') } } },
      },
    ]),
  );
}

export function openApiDocument(routes: readonly Route[] = ROUTES): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) (paths[route.path] ??= {})[route.method.toLowerCase()] = operationObject(route);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Group Images API',
      version: API_VERSION,
      summary: "A data-science portal's group container images: catalogs, custom builds and pull secrets.",
      description:
        "Every group has a catalog of container images its members launch work with, next to the system images everyone can use. Group admins add existing images or have custom images built from a base image and package lists; members pick from the group's images and the system images.\n\n" +
        'Roles come from the bearer JWT: members of a group read its images, admins of the group and system admins write them; every authenticated user reads the system images, system admins write them. Every error is an RFC 9457 problem details body (`application/problem+json`).\n\n' +
        'Lengths (`maxLength`, `minLength`) count UTF-16 code units, as JavaScript strings do: a character outside the Basic Multilingual Plane (most emoji) counts twice.',
    },
    servers: [
      { url: 'http://localhost:3000', description: 'Local mode: `npm start` (PORT defaults to 3000).' },
      {
        url: 'https://{apiId}.execute-api.{region}.amazonaws.com',
        description: "A deployment: the stack's API URL output.",
        variables: { apiId: { default: 'api-id', description: 'The HTTP API id.' }, region: { default: 'eu-central-1', description: 'The AWS region.' } },
      },
    ],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas: componentSchemas(),
      responses: errorResponses(),
      securitySchemes: {
        [BEARER]: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            "A JWT from the portal's identity provider, verified by API Gateway (issuer, audience, signature, expiry). Claims (names are deployment settings): `sub` the user id, `groups` the groups the user is a member of, `admin_groups` the groups the user administers, `roles` containing `system-admin` for system admins.",
        },
      },
    },
  };
}
