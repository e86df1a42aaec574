/**
 * API Gateway HTTP API (v2) events as API Gateway sends them to a function: the route key, path
 * parameters, query string, the bearer token in the `authorization` header, and the JWT authorizer's
 * claims with arrays flattened to "[a b]".
 */
import type { Context } from 'aws-lambda';
import { DEFAULT_CLAIMS, DEFAULT_SYSTEM_ADMIN_ROLE } from '../lambdas/config.ts';
import type { ApiEvent } from '../lambdas/http/api-handler.ts';
import { flattenClaims } from '../lambdas/http/claims.ts';
import { routeKey, type Method } from '../lambdas/http/routes.ts';

export interface Caller {
  sub: string;
  groups?: string[];
  adminGroups?: string[];
  systemAdmin?: boolean;
}

/** The caller's token claims, as the identity provider issued them. */
export const tokenClaims = (c: Caller): Record<string, unknown> => ({
  [DEFAULT_CLAIMS.sub]: c.sub,
  [DEFAULT_CLAIMS.groups]: [...new Set([...(c.groups ?? []), ...(c.adminGroups ?? [])])],
  [DEFAULT_CLAIMS.adminGroups]: c.adminGroups ?? [],
  [DEFAULT_CLAIMS.roles]: c.systemAdmin ? [DEFAULT_SYSTEM_ADMIN_ROLE] : [],
  iss: 'https://issuer.example.com',
  aud: 'group-images',
  exp: Math.floor(Date.now() / 1000) + 3600,
});

/** The claims as API Gateway's JWT authorizer passes them: array claims become "[a b]". */
export const flattenedClaims = (c: Caller): Record<string, string> => flattenClaims(tokenClaims(c));

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** The bearer token API Gateway verified; the functions read its payload and do not check the signature again. */
export const bearerToken = (c: Caller) => `${base64url({ alg: 'RS256', typ: 'JWT' })}.${base64url(tokenClaims(c))}.c2lnbmF0dXJl`;

let requests = 0;

export function apiEvent(request: {
  method: Method;
  route: string;
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  caller?: Caller;
}): ApiEvent {
  const path = request.route.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(request.params?.[name] ?? ''));
  const query = request.query ?? {};
  const rawQueryString = new URLSearchParams(query).toString();
  const body = request.body === undefined ? undefined : JSON.stringify(request.body);
  const key = routeKey({ method: request.method, path: request.route });
  const now = new Date();
  const requestId = `bench-${++requests}`;
  return {
    version: '2.0',
    routeKey: key,
    rawPath: path,
    rawQueryString,
    headers: {
      host: 'api.example.com',
      'user-agent': 'bench',
      ...(request.caller ? { authorization: `Bearer ${bearerToken(request.caller)}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }),
    },
    queryStringParameters: Object.keys(query).length ? query : undefined,
    pathParameters: request.params && Object.keys(request.params).length ? request.params : undefined,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'bench',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method: request.method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'bench' },
      requestId,
      routeKey: key,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      ...(request.caller ? { authorizer: { jwt: { claims: flattenedClaims(request.caller), scopes: null } } } : {}),
    },
  } as unknown as ApiEvent;
}

/** What Lambda passes as the context (middy reads getRemainingTimeInMillis for its early timeout). */
export const lambdaContext = (functionName: string): Context =>
  ({
    awsRequestId: `bench-${requests}`,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    getRemainingTimeInMillis: () => 10_000,
  }) as unknown as Context;
