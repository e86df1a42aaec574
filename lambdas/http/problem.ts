/** RFC 9457 problem+json bodies for every error the API returns. */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ErrorKind } from '../domain/errors.ts';
import type { RequestFieldError } from './request-validation.ts';

export const PROBLEM_TYPE_BASE = 'https://group-images.dev/problems/';

/** What a 503 asks the caller to wait before trying again. */
export const RETRY_AFTER_SECONDS = 2;

export const PROBLEMS: Record<ErrorKind | 'internal' | 'route-not-found' | 'method-not-allowed', { status: number; title: string }> = {
  'bad-request': { status: 400, title: 'Bad request' },
  unauthenticated: { status: 401, title: 'Authentication required' },
  forbidden: { status: 403, title: 'Forbidden' },
  'not-found': { status: 404, title: 'Not found' },
  'route-not-found': { status: 404, title: 'No such route' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  conflict: { status: 409, title: 'Conflict' },
  'precondition-failed': { status: 412, title: 'Precondition failed' },
  'payload-too-large': { status: 413, title: 'Request body too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  validation: { status: 422, title: 'Validation failed' },
  quota: { status: 429, title: 'Quota reached' },
  internal: { status: 500, title: 'Internal error' },
  unavailable: { status: 503, title: 'Service unavailable' },
};
export type ProblemKind = keyof typeof PROBLEMS;

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: RequestFieldError[];
  requestId?: string;
}

export function problem(kind: ProblemKind, detail: string, extra: { errors?: RequestFieldError[]; requestId?: string } = {}): Problem {
  const { status, title } = PROBLEMS[kind];
  return {
    type: PROBLEM_TYPE_BASE + kind,
    title,
    status,
    detail,
    ...(kind === 'validation' ? { errors: extra.errors ?? [] } : {}),
    ...(extra.requestId ? { requestId: extra.requestId } : {}),
  };
}

export function problemResponse(p: Problem, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: p.status,
    headers: {
      'content-type': 'application/problem+json',
      ...(p.status === 401 ? { 'www-authenticate': 'Bearer' } : {}),
      ...(p.status === 503 ? { 'retry-after': String(RETRY_AFTER_SECONDS) } : {}),
      ...headers,
    },
    body: JSON.stringify(p),
  };
}
