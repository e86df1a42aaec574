/**
 * HEAD through the Lambda adapter, as API Gateway routes it (a `HEAD <path>` route beside each GET):
 * the GET's status and headers, no body.
 */
import { describe, expect, it } from '@jest/globals';
import { claimNamesFrom } from '../../../lambdas/config.ts';
import { apiHandler, type ApiResult } from '../../../lambdas/http/api-handler.ts';
import { publicOperations } from '../../../lambdas/http/public-operations.ts';
import { jwtAuthorizerEvent, lambdaContext } from '../../support/api-gateway-events.ts';

process.env.LOG_LEVEL ??= 'silent';

const handler = apiHandler('public', publicOperations(), { claims: claimNamesFrom({}) });
const caller = { iss: 'https://login.example.org/', sub: 'ada', groups: ['team-a'] };
const call = async (method: string, route: string) =>
  (await handler(jwtAuthorizerEvent({ method, route, claims: caller }), lambdaContext('public'))) as ApiResult;

describe('HEAD', () => {
  it('answers as GET does, without the body', async () => {
    // Act
    const [get, head] = await Promise.all([call('GET', '/me'), call('HEAD', '/me')]);

    // Assess
    expect(get.statusCode).toBe(200);
    expect(JSON.parse(get.body!)).toMatchObject({ sub: 'ada' });
    expect(head.statusCode).toBe(200);
    expect(head.headers).toEqual(get.headers);
    expect(head.body).toBe('');
  });
});
