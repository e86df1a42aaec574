/**
 * The one Lambda adapter every HTTP function uses: API Gateway HTTP API (v2) event in, response out.
 * It finds the route by `event.routeKey`, reads the caller from the verified bearer token (claims.ts), parses the
 * JSON body, calls the operation and maps domain errors to problem+json.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { ClaimNames } from '../config.ts';
import { DomainError, badRequest, payloadTooLarge, unsupportedMediaType } from '../domain/errors.ts';
import type { Principal } from '../domain/principal.ts';
import { principalFrom, type Claims } from './claims.ts';
import { errorFields, log, withCorrelationId } from '../observability/log.ts';
import { METRIC } from '../observability/metric-names.ts';
import { emitMetrics } from '../observability/metrics.ts';
import { problem, problemResponse, type Problem } from './problem.ts';
import { inBody, InvalidRequest, pointed } from './request-validation.ts';
import { routeKey, routesOf, type HttpFunction, type Operation, type Route } from './routes.ts';

/** Bodies are small JSON documents; anything larger is refused before parsing. */
export const MAX_BODY_BYTES = 64 * 1024;

export interface ApiRequest {
  route: Route;
  /** The caller; null only on the public routes. */
  principal: Principal | null;
  params: Record<string, string>;
  query: Record<string, string>;
  /** Lowercase header names. */
  headers: Record<string, string>;
  body: unknown;
  requestId: string;
}

export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type OperationHandler = (request: ApiRequest) => Promise<ApiResponse>;
export type Operations = Partial<Record<Operation, OperationHandler>>;

export type ApiEvent = APIGatewayProxyEventV2 & { requestContext: { authorizer?: { jwt?: { claims?: Claims } } } };
export type ApiResult = APIGatewayProxyStructuredResultV2;

export interface ApiHandlerOptions {
  claims: ClaimNames;
  maxBodyBytes?: number;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

function parseBody(event: ApiEvent, maxBytes: number): unknown {
  if (!BODY_METHODS.has(event.requestContext.http.method) || !event.body) return undefined;
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (raw.length > maxBytes) throw payloadTooLarge(`the body is ${raw.length} bytes; at most ${maxBytes} are accepted`);
  const type = (event.headers?.['content-type'] ?? 'application/json').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json' && !type.endsWith('+json')) throw unsupportedMediaType(`the body must be JSON (Content-Type: application/json), not ${type}`);
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (e) {
    throw badRequest(`the body is not valid JSON: ${(e as Error).message}`);
  }
}

/** AWS errors that mean "busy, or briefly unavailable": still so after the SDK's own retries, the caller may try again later. */
const BUSY_AWS_ERRORS = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'ServiceUnavailableException',
]);

export function toProblem(error: unknown, requestId: string): Problem {
  if (error instanceof InvalidRequest) return problem('validation', error.message, { errors: error.errors, requestId });
  // A domain refusal an operation did not place (answeringAt): its command came from the body.
  if (error instanceof DomainError && error.kind === 'validation') return toProblem(new InvalidRequest(pointed(error.errors, inBody)), requestId);
  if (error instanceof DomainError) return problem(error.kind, error.message, { requestId });
  if (BUSY_AWS_ERRORS.has((error as { name?: string } | undefined)?.name ?? '')) {
    return problem('unavailable', 'the service is busy right now; nothing was changed unless a later read shows it: retry after the Retry-After seconds', {
      requestId,
    });
  }
  return problem('internal', 'something went wrong on our side; the request id identifies it in our logs', { requestId });
}

export function apiHandler(fn: HttpFunction, operations: Operations, options: ApiHandlerOptions) {
  const routes = new Map(routesOf(fn).map((r) => [routeKey(r), r]));
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;

  const requestLog: middy.MiddlewareObj<ApiEvent, ApiResult, Error, Context> = {
    before: (request) => {
      (request.internal as Record<string, unknown>).startedAt = performance.now();
    },
    after: (request) => logRequest(request.event, request.response?.statusCode ?? 0, (request.internal as Record<string, unknown>).startedAt as number),
    onError: (request) => {
      const requestId = request.event.requestContext?.requestId ?? request.context.awsRequestId;
      const p = toProblem(request.error, requestId);
      if (p.status >= 500) log('error', 'request failed', { requestId, routeKey: request.event.routeKey, ...errorFields(request.error) });
      request.response = problemResponse(p);
      logRequest(request.event, p.status, (request.internal as Record<string, unknown>).startedAt as number);
    },
  };

  const handler = middy<ApiEvent, ApiResult>()
    .use(requestLog)
    .handler(async (event) => {
      // HEAD is the GET of the same path without its body (methodsOf in routes.ts).
      const head = event.routeKey.startsWith('HEAD ');
      const route = routes.get(head ? `GET ${event.routeKey.slice('HEAD '.length)}` : event.routeKey);
      const operation = route && operations[route.operation];
      if (!route || !operation) return problemResponse(problem('route-not-found', `${event.routeKey} is not served by this function`));
      const result = await operation({
        route,
        principal: route.auth ? principalFrom(event, options.claims) : null,
        params: (event.pathParameters ?? {}) as Record<string, string>,
        query: (event.queryStringParameters ?? {}) as Record<string, string>,
        headers: lowercaseKeys(event.headers ?? {}),
        body: parseBody(event, maxBodyBytes),
        requestId: event.requestContext.requestId,
      });
      return {
        statusCode: result.status,
        headers: { ...(result.body === undefined ? {} : { 'content-type': 'application/json' }), ...result.headers },
        body: result.body === undefined || head ? '' : JSON.stringify(result.body),
      };
    });
  // Around the whole of middy, so the request line its middleware writes carries the id too.
  return (event: ApiEvent, context: Context) => withCorrelationId(correlationIdOf(event), () => handler(event, context));
}

/** Printable ASCII without spaces, at most 128: a caller's id cannot forge or break a log line. */
const CORRELATION_ID = /^[\x21-\x7e]{1,128}$/;

/** The caller's `x-correlation-id` (API Gateway lowercases header names) when it is a plain token, else API Gateway's request id. */
export function correlationIdOf(event: ApiEvent): string | undefined {
  const given = event.headers?.['x-correlation-id'];
  return given !== undefined && CORRELATION_ID.test(given) ? given : event.requestContext?.requestId;
}

function logRequest(event: ApiEvent, status: number, startedAt: number) {
  if (status >= 400) emitMetrics([{ name: status >= 500 ? METRIC.serverErrors : METRIC.clientErrors, value: 1 }], { Route: event.routeKey });
  log(status >= 500 ? 'error' : 'info', 'request', {
    requestId: event.requestContext?.requestId,
    routeKey: event.routeKey,
    path: event.rawPath,
    status,
    durationMs: Math.round((performance.now() - startedAt) * 100) / 100,
  });
}

const lowercaseKeys = (h: Record<string, string | undefined>) =>
  Object.fromEntries(
    Object.entries(h)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k.toLowerCase(), v!]),
  );
