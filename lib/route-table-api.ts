/**
 * The HTTP API, generated from the route table (lambdas/http/routes.ts): one API Gateway route per
 * entry (never a catch-all), the JWT authorizer on every route that needs authentication and on no
 * other, default-stage throttling, JSON access logs and CORS from the settings.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { Construct } from 'constructs';
import { CORS, methodsOf, ROUTES, routeKey, type HttpFunction, type Route } from '../lambdas/http/routes.ts';
import type { ApiSettings, JwtSettings } from './settings.ts';

export interface RouteTableApiProps {
  readonly functions: Readonly<Record<HttpFunction, lambda.IFunction>>;
  readonly jwt: JwtSettings;
  readonly settings: ApiSettings;
  /** @default ROUTES, the contract's route table */
  readonly routes?: readonly Route[];
}

/**
 * One JSON object per request. `integrationError` is the Lambda invocation error (timeout,
 * permission, crash), `authorizerError` why a token was refused.
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  method: '$context.httpMethod',
  path: '$context.path',
  status: '$context.status',
  latency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  error: '$context.error.message',
  sourceIp: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  responseLength: '$context.responseLength',
} as const;

/** A construct id for a route; the route key itself contains "/" which ids may not. */
const routeId = (route: Route, method: string) => `${method}${route.path.replaceAll('/', '-')}`;

export class RouteTableApi extends Construct {
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly accessLogGroup: logs.LogGroup;
  readonly routes: ReadonlyMap<string, apigw.HttpRoute>;

  constructor(scope: Construct, id: string, props: RouteTableApiProps) {
    super(scope, id);
    const { settings } = props;

    this.api = new apigw.HttpApi(this, 'Api', {
      description: 'Group Images: group and system container images for the data-science portal',
      // The stage is created below, with throttling and access logs.
      createDefaultStage: false,
      corsPreflight:
        settings.corsOrigins.length === 0
          ? undefined
          : {
              allowOrigins: [...settings.corsOrigins],
              allowMethods: [...CORS.allowMethods.map((m) => apigw.CorsHttpMethod[m]), apigw.CorsHttpMethod.HEAD, apigw.CorsHttpMethod.OPTIONS],
              allowHeaders: [...CORS.allowHeaders],
              exposeHeaders: [...CORS.exposeHeaders],
              allowCredentials: false,
              maxAge: Duration.hours(1),
            },
    });

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', { retention: settings.accessLogRetentionDays });

    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: settings.throttleRateLimit, burstLimit: settings.throttleBurstLimit },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogGroup),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });

    const authorizer = new HttpJwtAuthorizer('Jwt', props.jwt.issuer, {
      jwtAudience: [...props.jwt.audience],
      identitySource: ['$request.header.Authorization'],
    });

    // One integration per function: every route of a function shares it (and the function's
    // invoke permission is still scoped to each route's path).
    const integrations = new Map<HttpFunction, HttpLambdaIntegration>();
    const integrationOf = (fn: HttpFunction) => {
      let integration = integrations.get(fn);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${fn}Integration`, props.functions[fn]);
        integrations.set(fn, integration);
      }
      return integration;
    };

    const routes = new Map<string, apigw.HttpRoute>();
    for (const route of props.routes ?? ROUTES) {
      for (const method of methodsOf(route)) {
        const httpRoute = new apigw.HttpRoute(this, routeId(route, method), {
          httpApi: this.api,
          routeKey: apigw.HttpRouteKey.with(route.path, apigw.HttpMethod[method]),
          integration: integrationOf(route.fn),
          authorizer: route.auth ? authorizer : undefined,
        });
        if (!route.auth) {
          Validations.of(httpRoute).acknowledge({
            id: 'AwsSolutions-APIG4',
            reason: `${method} ${route.path} is public by the API contract (liveness and the OpenAPI document); it reads no data and its function has no AWS permissions.`,
          });
        }
        // The table's own route (HEAD answers through the same function and integration).
        if (method === route.method) routes.set(routeKey(route), httpRoute);
      }
    }
    this.routes = routes;
  }

  /** The API's base URL (the `$default` stage: no stage segment in the path). */
  get url(): string {
    return this.stage.url;
  }
}
