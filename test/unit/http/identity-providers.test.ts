/**
 * Real identity providers' token layouts through the Lambda adapter, as API Gateway hands them on:
 * each fixture's settings (parsed as `cdk synth` parses them), an event shaped as API Gateway's JWT
 * authorizer sends it, `GET /me` answered by the public function's handler.
 */
import { describe, expect, it } from '@jest/globals';
import { parseSettings } from '../../../bin/settings.ts';
import { claimNamesFrom, type ClaimNames } from '../../../lambdas/config.ts';
import { apiHandler, type ApiResult } from '../../../lambdas/http/api-handler.ts';
import { publicOperations } from '../../../lambdas/http/public-operations.ts';
import { envOf, PROVIDERS } from '../../fixtures/identity-providers.ts';
import { jwtAuthorizerEvent, lambdaContext } from '../../support/api-gateway-events.ts';

process.env.LOG_LEVEL ??= 'silent';

async function me(claims: ClaimNames, payload: Record<string, unknown>, authorizerClaims?: Record<string, string>) {
  const handler = apiHandler('public', publicOperations(), { claims });
  const result = (await handler(jwtAuthorizerEvent({ route: '/me', claims: payload, authorizerClaims }), lambdaContext('public'))) as ApiResult;
  return { status: result.statusCode, body: JSON.parse(result.body ?? 'null') as unknown };
}

describe.each(PROVIDERS)('a $provider token through API Gateway and the Lambda adapter', ({ settings, payload, caller }) => {
  it('is the caller its groups and roles literally name', async () => {
    // Prepare
    const { claims } = parseSettings(settings);

    // Act
    const reply = await me(claims, payload);

    // Assess
    expect(reply).toEqual({ status: 200, body: caller });
  });

  it('maps the same through the functions’ environment (what CDK sets)', async () => {
    // Prepare: the variables as the function would read them at cold start
    const claims = claimNamesFrom(envOf(settings));

    // Act
    const reply = await me(claims, payload);

    // Assess
    expect(claims).toEqual(parseSettings(settings).claims);
    expect(reply.body).toEqual(caller);
  });

  it('answers 401, not the caller, when the header carries another token than the one verified', async () => {
    // Prepare
    const verified = { iss: payload.iss as string, sub: 'someone-else' };

    // Act
    const reply = await me(parseSettings(settings).claims, payload, verified);

    // Assess
    expect(reply.status).toBe(401);
  });
});
