/**
 * Events shaped exactly as API Gateway HTTP API (payload format 2.0) hands them to a Lambda proxy
 * integration behind a JWT authorizer: lowercase header names with the bearer token in
 * `authorization`, and the verified token's claims in requestContext.authorizer.jwt.claims with every
 * value a string and array claims flattened to "[a b]" (the documented example and what deployments
 * observe: numbers arrive as "1612061676", arrays as "[team-a team-b]").
 *
 * Shape: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 * (payload format version 2.0), claims as observed: https://github.com/awsdocs/amazon-api-gateway-developer-guide/issues/113
 */
import type { Context } from 'aws-lambda';
import type { ApiEvent } from '../../lambdas/http/api-handler.ts';
import { flattenClaims } from '../../lambdas/http/claims.ts';

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * A compact JWS with this payload. The signature is a stand-in: API Gateway verified the token before
 * the function runs, and the function reads the payload without verifying it again.
 */
export const unsignedJwt = (payload: Record<string, unknown>) =>
  `${base64url({ alg: 'RS256', typ: 'JWT', kid: 'test-key' })}.${base64url(payload)}.c2lnbmF0dXJl`;

export interface AuthorizedRequest {
  method?: string;
  /** Route path as in the route table (`/groups/{group}/images`). */
  route: string;
  params?: Record<string, string>;
  /** The verified token's payload. */
  claims: Record<string, unknown>;
  /** The authorization header as sent; default `Bearer <the token of claims>`. */
  authorization?: string;
  /** What the authorizer says it verified; default the claims, flattened. */
  authorizerClaims?: Record<string, string>;
}

export function jwtAuthorizerEvent(request: AuthorizedRequest): ApiEvent {
  const method = request.method ?? 'GET';
  const path = request.route.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(request.params?.[name] ?? ''));
  const routeKey = `${method} ${request.route}`;
  const scope = request.claims.scope ?? request.claims.scp;
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: {
      accept: 'application/json',
      authorization: request.authorization ?? `Bearer ${unsignedJwt(request.claims)}`,
      'content-length': '0',
      host: 'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com',
      'user-agent': 'curl/8.5.0',
      'x-amzn-trace-id': 'Root=1-65a0c3b1-0123456789abcdef01234567',
      'x-forwarded-for': '192.0.2.10',
      'x-forwarded-port': '443',
      'x-forwarded-proto': 'https',
    },
    pathParameters: request.params && Object.keys(request.params).length ? request.params : undefined,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'a1b2c3d4e5',
      authorizer: {
        jwt: {
          claims: request.authorizerClaims ?? flattenClaims(request.claims),
          scopes: typeof scope === 'string' ? scope.split(' ') : Array.isArray(scope) ? scope : null,
        },
      },
      domainName: 'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'a1b2c3d4e5',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.10', userAgent: 'curl/8.5.0' },
      requestId: 'Xc7ZbjRxDoEEMXw=',
      routeKey,
      stage: '$default',
      time: '07/Dec/2026:16:00:00 +0000',
      timeEpoch: 1796572800000,
    },
  } as unknown as ApiEvent;
}

export const lambdaContext = (functionName: string): Context =>
  ({ awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678', functionName, getRemainingTimeInMillis: () => 5000 }) as unknown as Context;
