import type { CfnElement } from 'aws-cdk-lib';
import { methodsOf, ROUTES, routeKey } from '../../lambdas/http/routes.ts';
import { ACCESS_LOG_FIELDS } from '../../lib/route-table-api.ts';
import { only, resourcesOf, synth } from './synth.ts';

const ISSUER = 'https://login.example.org/realms/portal';
const { api, apiTemplate } = synth({
  jwtIssuer: ISSUER,
  jwtAudience: 'portal,cli',
  throttleRateLimit: 25,
  throttleBurstLimit: 60,
  accessLogRetentionDays: 180,
});

type Props = Record<string, unknown>;
const routes = () => Object.values(resourcesOf(apiTemplate, 'AWS::ApiGatewayV2::Route')).map((r) => r.Properties as Props);
const idOf = (construct: { node: { defaultChild?: unknown } }) => api.getLogicalId(construct.node.defaultChild as CfnElement);

describe('HTTP API', () => {
  it('has exactly one route per route-table entry and method it answers (HEAD beside every GET), with the same route keys', () => {
    const keys = routes().map((r) => r.RouteKey as string);
    const expected = ROUTES.flatMap((route) => methodsOf(route).map((method) => `${method} ${route.path}`));

    expect(expected.filter((k) => k.startsWith('HEAD '))).toHaveLength(ROUTES.filter((r) => r.method === 'GET').length);
    expect(keys.sort()).toEqual(expected.sort());
  });

  it('has no catch-all: no $default route, no greedy {proxy+} path, no ANY method', () => {
    for (const key of routes().map((r) => r.RouteKey as string)) {
      expect(key).not.toBe('$default');
      expect(key).not.toMatch(/\+\}|^ANY /);
    }
  });

  it('verifies a JWT (issuer and audience from the settings) on every authenticated route and on no public one', () => {
    const authorizer = only(apiTemplate, 'AWS::ApiGatewayV2::Authorizer');
    const byKey = new Map(routes().map((r) => [r.RouteKey as string, r]));

    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: ISSUER, Audience: ['portal', 'cli'] },
    });
    for (const route of ROUTES) {
      const props = byKey.get(routeKey(route))!;
      if (route.auth) {
        expect([routeKey(route), props.AuthorizationType, props.AuthorizerId]).toEqual([routeKey(route), 'JWT', { Ref: authorizer.logicalId }]);
      } else {
        expect([routeKey(route), props.AuthorizationType ?? 'NONE', props.AuthorizerId]).toEqual([routeKey(route), 'NONE', undefined]);
      }
    }
    // The contract: every route except these two needs a bearer token.
    for (const key of ROUTES.filter((r) => !r.auth).map(routeKey)) expect(['GET /health', 'GET /openapi.json']).toContain(key);
  });

  it('sends each route to the function the route table names', () => {
    const integrations = resourcesOf(apiTemplate, 'AWS::ApiGatewayV2::Integration');
    const functionOfIntegration = (target: string) => {
      const integration = integrations[target.replace('integrations/', '')]!.Properties as { IntegrationUri: { 'Fn::GetAtt': [string, string] } };
      return integration.IntegrationUri['Fn::GetAtt'][0];
    };
    const byKey = new Map(routes().map((r) => [r.RouteKey as string, r.Target as { 'Fn::Join': [string, string[]] }]));

    for (const route of ROUTES) {
      const target = byKey.get(routeKey(route))!['Fn::Join'][1] as unknown[];
      const integrationId = (target[1] as { Ref: string }).Ref;
      expect([routeKey(route), functionOfIntegration(`integrations/${integrationId}`)]).toEqual([routeKey(route), idOf(api.functions[route.fn].function)]);
    }
  });

  it('throttles the default stage and writes JSON access logs with a retention', () => {
    const stage = only(apiTemplate, 'AWS::ApiGatewayV2::Stage').Properties as Props;
    const settings = stage.AccessLogSettings as { DestinationArn: { 'Fn::GetAtt': [string, string] }; Format: string };
    const format = JSON.parse(settings.Format) as Record<string, string>;
    const logGroup = resourcesOf(apiTemplate, 'AWS::Logs::LogGroup')[settings.DestinationArn['Fn::GetAtt'][0]];

    expect(stage).toMatchObject({ StageName: '$default', AutoDeploy: true, DefaultRouteSettings: { ThrottlingRateLimit: 25, ThrottlingBurstLimit: 60 } });
    expect(format).toEqual(ACCESS_LOG_FIELDS);
    expect(Object.keys(format)).toEqual(expect.arrayContaining(['requestId', 'routeKey', 'status', 'latency', 'integrationError']));
    expect(logGroup?.Properties?.RetentionInDays).toBe(180);
  });

  it('has no CORS configuration unless origins are configured', () => {
    expect(only(apiTemplate, 'AWS::ApiGatewayV2::Api').Properties?.CorsConfiguration).toBeUndefined();
  });

  it('allows the configured origins the headers the contract uses', () => {
    const { apiTemplate: withCors } = synth({ corsOrigins: ['https://portal.example.com'] });

    expect(only(withCors, 'AWS::ApiGatewayV2::Api').Properties?.CorsConfiguration).toMatchObject({
      AllowOrigins: ['https://portal.example.com'],
      AllowHeaders: ['authorization', 'content-type', 'if-match', 'x-correlation-id'],
      ExposeHeaders: ['etag', 'location', 'retry-after', 'www-authenticate'],
      AllowCredentials: false,
    });
  });

  it('outputs the API URL', () => {
    apiTemplate.hasOutput('ApiUrl', {});
  });

  it('lets API Gateway invoke each HTTP function, and nothing invoke the others but EventBridge', () => {
    const permissions = Object.values(resourcesOf(apiTemplate, 'AWS::Lambda::Permission')).map((p) => p.Properties as Props);
    const invoked = (principal: string) =>
      new Set(permissions.filter((p) => p.Principal === principal).map((p) => (p.FunctionName as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0]));
    const http = ['public', 'catalogReader', 'catalogWriter', 'buildLogs', 'secrets'] as const;

    expect([...invoked('apigateway.amazonaws.com')].sort()).toEqual(http.map((n) => idOf(api.functions[n].function)).sort());
    expect([...invoked('events.amazonaws.com')].sort()).toEqual(
      [idOf(api.functions.buildEvents.function), idOf(api.functions.buildReconciler.function), idOf(api.functions.imageRetirement.function)].sort(),
    );
    expect(permissions.every((p) => p.Principal === 'apigateway.amazonaws.com' || p.Principal === 'events.amazonaws.com')).toBe(true);
  });
});
