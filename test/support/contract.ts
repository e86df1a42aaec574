/**
 * Contract tests: every response the integration tests get is held to the OpenAPI document. The
 * route comes from the route table (method + path, as the local server dispatches); the status must
 * be one the document lists for that operation, and the content type, the body (JSON Schema 2020-12,
 * ajv) and the required headers must be what it says. A route-less path must get a 404 problem, a
 * path with no such method a 405 problem.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsPlugin, { type FormatsPlugin } from 'ajv-formats';
import { PACKAGE_FORMATS } from '../../lambdas/http/api-schemas.ts';
import { openApiDocument, type JsonSchema, type OpenApiDocument, type ResponseObject } from '../../lambdas/http/openapi.ts';
import { matchPath, ROUTES, type Route } from '../../lambdas/http/routes.ts';

export interface ContractReply {
  status: number;
  headers: Headers;
  /** Parsed JSON when the content type is JSON, else the text. */
  body: unknown;
}

const SCHEMA_BASE = 'https://contract.group-images.test/schemas/';
const PROBLEM_JSON = 'application/problem+json';

// ajv-formats is CommonJS: under Node's ESM loader its default export is the module object.
const addFormats = ((addFormatsPlugin as unknown as { default?: FormatsPlugin }).default ?? addFormatsPlugin) as unknown as FormatsPlugin;

/** `#/components/schemas/X` -> an absolute id ajv knows X by. */
function absoluteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(absoluteRefs);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' ? v.replace('#/components/schemas/', SCHEMA_BASE) : absoluteRefs(v)]),
    );
  }
  return value;
}

class Contract {
  private readonly ajv = new Ajv2020({ allErrors: true, strict: true });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(readonly document: OpenApiDocument) {
    addFormats(this.ajv);
    // The package grammars' formats are annotations here: the contract checks responses, and the
    // server itself is the grammars' checker (test/builds holds it to real parsers).
    for (const format of Object.values(PACKAGE_FORMATS)) this.ajv.addFormat(format, true);
    for (const [name, schema] of Object.entries(document.components.schemas)) {
      this.ajv.addSchema({ ...(absoluteRefs(schema) as JsonSchema), $id: SCHEMA_BASE + name });
    }
  }

  private validator(key: string, schema: JsonSchema): ValidateFunction {
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(absoluteRefs(schema) as JsonSchema);
      this.validators.set(key, validate);
    }
    return validate;
  }

  private response(route: Route, status: number): ResponseObject | undefined {
    const operation = this.document.paths[route.path]?.[route.method.toLowerCase()];
    const response = operation?.responses[String(status)];
    if (response && '$ref' in response) return this.document.components.responses[response.$ref.split('/').pop()!];
    return response;
  }

  /** What is wrong with the reply, in words; empty when it keeps the contract. */
  violations(method: string, path: string, reply: ContractReply): string[] {
    // A CORS preflight is answered by API Gateway (and its local twin), not by an operation.
    if (method.toUpperCase() === 'OPTIONS') return [];
    const pathname = new URL(path, 'http://localhost').pathname;
    const candidates = ROUTES.filter((r) => matchPath(r.path, pathname));
    // HEAD is answered wherever GET is, as GET without its body.
    const head = method.toUpperCase() === 'HEAD';
    const route = candidates.find((r) => r.method === (head ? 'GET' : method.toUpperCase()));
    if (!route) {
      const expected = candidates.length === 0 ? 404 : 405;
      if (reply.status !== expected) return [`no route serves ${method} ${pathname}: expected a ${expected} problem, got ${reply.status}`];
      return this.checkBody(`route-less ${expected}`, { [PROBLEM_JSON]: { schema: { $ref: '#/components/schemas/Problem' } } }, reply);
    }
    const response = this.response(route, reply.status);
    const operation = this.document.paths[route.path]![route.method.toLowerCase()]!;
    if (!response) {
      return [
        `${operation.operationId} (${route.method} ${route.path}) does not document status ${reply.status}; it documents ${Object.keys(operation.responses).join(', ')}`,
      ];
    }
    const problems: string[] = [];
    for (const [name, header] of Object.entries(response.headers ?? {})) {
      if (header.required && reply.headers.get(name) === null) problems.push(`the ${reply.status} response lacks the required header ${name}`);
    }
    if (!head) problems.push(...this.checkBody(`${operation.operationId} ${reply.status}`, response.content, reply));
    return problems;
  }

  private checkBody(key: string, content: ResponseObject['content'], reply: ContractReply): string[] {
    const contentType = reply.headers.get('content-type')?.split(';')[0]!.trim().toLowerCase();
    if (!content) {
      return reply.body === '' ? [] : [`the ${reply.status} response has no body in the document, but one was sent (${contentType})`];
    }
    const [mediaType, { schema }] = Object.entries(content)[0]!;
    if (contentType !== mediaType) return [`the ${reply.status} response is ${contentType ?? 'without a content type'}, the document says ${mediaType}`];
    const validate = this.validator(key, schema);
    const problems = validate(reply.body) ? [] : (validate.errors ?? []).map(describeError);
    if (mediaType === PROBLEM_JSON && (reply.body as { status?: unknown }).status !== reply.status) {
      problems.push(`the problem's status ${JSON.stringify((reply.body as { status?: unknown }).status)} is not the HTTP status ${reply.status}`);
    }
    return problems;
  }
}

const describeError = (e: ErrorObject) =>
  `body${e.instancePath || ''} ${e.message}${e.keyword === 'additionalProperties' ? `: ${JSON.stringify(e.params.additionalProperty)}` : ''} (schema ${e.schemaPath})`;

let contract: Contract | undefined;
/** The document as the server generates it, compiled once per test file. */
export const theContract = () => (contract ??= new Contract(openApiDocument()));

/** Throws, naming every violation, unless the reply keeps the OpenAPI document. */
export function assertKeepsContract(method: string, path: string, reply: ContractReply): void {
  const violations = theContract().violations(method, path, reply);
  if (violations.length === 0) return;
  const body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  throw new Error(
    `${method} ${path} -> ${reply.status} breaks the OpenAPI document (fix lambdas/http/api-schemas.ts or openapi.ts if the document is wrong, the handler if the contract is):\n` +
      violations.map((v) => `  - ${v}`).join('\n') +
      `\n  body: ${body.length > 1500 ? `${body.slice(0, 1500)}...` : body}`,
  );
}
