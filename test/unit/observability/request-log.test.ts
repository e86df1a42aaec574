import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Context } from 'aws-lambda';
import { claimNamesFrom } from '../../../lambdas/config.ts';
import { apiHandler, type ApiEvent, type ApiResult } from '../../../lambdas/http/api-handler.ts';
import { log } from '../../../lambdas/observability/log.ts';
import { captureLogs, logLineProblem, type LogCapture } from '../../support/log-capture.ts';

const claims = claimNamesFrom({});
const context = { awsRequestId: 'lambda-request' } as Context;

/** The public function with a health operation that logs a line of its own, as domain code does. */
const handler = apiHandler(
  'public',
  {
    health: async () => {
      log('info', 'checking');
      await new Promise((resolve) => setTimeout(resolve, 5));
      log('warn', 'still checking');
      return { status: 200, body: { status: 'ok' } };
    },
    openapi: async () => {
      throw new Error('boom');
    },
  },
  { claims },
);

const event = (path: '/health' | '/openapi.json', requestId: string, headers: Record<string, string> = {}) =>
  ({
    version: '2.0',
    routeKey: `GET ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers,
    requestContext: { requestId, http: { method: 'GET', path } },
    isBase64Encoded: false,
  }) as unknown as ApiEvent;

let logs: LogCapture;
beforeEach(() => {
  logs = captureLogs('info');
});
afterEach(() => logs.stop());

const lines = () =>
  logs.writes.map((w) => {
    expect(logLineProblem(w)).toBeUndefined();
    return JSON.parse(w) as Record<string, unknown>;
  });

describe('the request log', () => {
  it("puts API Gateway's request id as the correlation id on every line written while serving the request", async () => {
    // Act
    const result = (await handler(event('/health', 'apigw-1'), context)) as ApiResult;

    // Assess
    expect(result.statusCode).toBe(200);
    expect(lines().map((l) => [l.message, l.correlationId])).toEqual([
      ['checking', 'apigw-1'],
      ['still checking', 'apigw-1'],
      ['request', 'apigw-1'],
    ]);
  });

  it("takes the caller's x-correlation-id when it is a plain token, on failed requests too", async () => {
    // Act
    const result = (await handler(event('/openapi.json', 'apigw-2', { 'x-correlation-id': 'portal-7f3a:page-load' }), context)) as ApiResult;

    // Assess
    expect(result.statusCode).toBe(500);
    expect(lines().map((l) => [l.message, l.correlationId])).toEqual([
      ['request failed', 'portal-7f3a:page-load'],
      ['request', 'portal-7f3a:page-load'],
    ]);
  });

  it('ignores an x-correlation-id that is not a plain token (spaces, controls, over 128 characters)', async () => {
    for (const given of ['two words', 'line\u2028break', 'x'.repeat(129)]) {
      // Act
      await handler(event('/health', `apigw-${given.length}`, { 'x-correlation-id': given }), context);
    }

    // Assess
    expect(new Set(lines().map((l) => l.correlationId))).toEqual(new Set(['apigw-9', 'apigw-10', 'apigw-129']));
  });

  it('keeps concurrent requests apart (the local server serves them in one process)', async () => {
    // Act
    await Promise.all([handler(event('/health', 'first'), context), handler(event('/health', 'second'), context)]);

    // Assess
    const byId = (id: string) =>
      lines()
        .filter((l) => l.correlationId === id)
        .map((l) => l.message);
    expect(byId('first')).toEqual(['checking', 'still checking', 'request']);
    expect(byId('second')).toEqual(['checking', 'still checking', 'request']);
  });

  it('writes no correlation id outside a request', () => {
    // Act
    log('info', 'between requests');

    // Assess
    expect(lines()).toEqual([expect.not.objectContaining({ correlationId: expect.anything() })]);
  });
});
