/**
 * The route table: the single source of truth for the HTTP API. CDK creates one API Gateway route
 * per entry, the local server dispatches with it, the OpenAPI document and the authorization-matrix
 * tests are generated from it.
 *
 * Routes are grouped into functions by the permissions they need, so that each Lambda's role is as
 * small as its routes allow: readers cannot write, only the writer can start or stop builds, only
 * the logs function reads CloudWatch Logs, only the secrets function manages Secrets Manager.
 */
export const HTTP_FUNCTIONS = {
  public: 'liveness, the OpenAPI document and the caller as the service sees them (GET /me); no AWS access',
  catalogReader: 'reads images, builds and the image selection; DynamoDB read-only',
  catalogWriter: 'creates, edits and deletes images, starts and cancels builds; DynamoDB, CodeBuild, secret metadata',
  buildLogs: "reads a build's log; DynamoDB read-only and CloudWatch Logs read",
  secrets: "manages registry pull secrets (the system's and each group's); Secrets Manager under the service prefix, DynamoDB read-only",
} as const;
export type HttpFunction = keyof typeof HTTP_FUNCTIONS;

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type Operation =
  | 'health'
  | 'openapi'
  | 'me'
  | 'listImages'
  | 'createImage'
  | 'getImage'
  | 'updateImage'
  | 'deleteImage'
  | 'imageSelection'
  | 'startBuild'
  | 'listBuilds'
  | 'getBuild'
  | 'getBuildLogs'
  | 'getBuildSbom'
  | 'cancelBuild'
  | 'listSecrets'
  | 'putSecret'
  | 'deleteSecret'
  | 'listGroupSecrets'
  | 'putGroupSecret'
  | 'deleteGroupSecret';

export interface Route {
  method: Method;
  /** API Gateway path syntax: `{param}` segments. */
  path: string;
  operation: Operation;
  fn: HttpFunction;
  /** false only for the public routes (health, OpenAPI document); everything else needs a bearer JWT. */
  auth: boolean;
  /** 'group' or 'system' for image routes, which exist under both scope prefixes. */
  scope?: 'group' | 'system';
}

/** Image routes exist under both scopes: `/groups/{group}/images...` and `/images...`. */
function scoped(method: Method, path: string, operation: Operation, fn: HttpFunction): Route[] {
  return [
    { method, path: `/groups/{group}${path}`, operation, fn, auth: true, scope: 'group' },
    { method, path, operation, fn, auth: true, scope: 'system' },
  ];
}

export const ROUTES: readonly Route[] = [
  { method: 'GET', path: '/health', operation: 'health', fn: 'public', auth: false },
  { method: 'GET', path: '/openapi.json', operation: 'openapi', fn: 'public', auth: false },
  // The caller as the service reads them from the token: it needs no AWS access, so the public function serves it.
  { method: 'GET', path: '/me', operation: 'me', fn: 'public', auth: true },
  ...scoped('GET', '/images', 'listImages', 'catalogReader'),
  ...scoped('POST', '/images', 'createImage', 'catalogWriter'),
  ...scoped('GET', '/images/{name}', 'getImage', 'catalogReader'),
  ...scoped('PATCH', '/images/{name}', 'updateImage', 'catalogWriter'),
  ...scoped('DELETE', '/images/{name}', 'deleteImage', 'catalogWriter'),
  ...scoped('POST', '/images/{name}/builds', 'startBuild', 'catalogWriter'),
  ...scoped('GET', '/images/{name}/builds', 'listBuilds', 'catalogReader'),
  ...scoped('GET', '/images/{name}/builds/{buildId}', 'getBuild', 'catalogReader'),
  ...scoped('GET', '/images/{name}/builds/{buildId}/logs', 'getBuildLogs', 'buildLogs'),
  // Issue 18: the build's CycloneDX SBOM, from the facts on its record (a read like getBuild's).
  ...scoped('GET', '/images/{name}/builds/{buildId}/sbom', 'getBuildSbom', 'catalogReader'),
  ...scoped('POST', '/images/{name}/builds/{buildId}/cancel', 'cancelBuild', 'catalogWriter'),
  { method: 'GET', path: '/groups/{group}/image-selection', operation: 'imageSelection', fn: 'catalogReader', auth: true },
  { method: 'GET', path: '/secrets', operation: 'listSecrets', fn: 'secrets', auth: true },
  { method: 'PUT', path: '/secrets/{name}', operation: 'putSecret', fn: 'secrets', auth: true },
  { method: 'DELETE', path: '/secrets/{name}', operation: 'deleteSecret', fn: 'secrets', auth: true },
  // A group's own pull secrets, managed by its admins.
  { method: 'GET', path: '/groups/{group}/secrets', operation: 'listGroupSecrets', fn: 'secrets', auth: true },
  { method: 'PUT', path: '/groups/{group}/secrets/{name}', operation: 'putGroupSecret', fn: 'secrets', auth: true },
  { method: 'DELETE', path: '/groups/{group}/secrets/{name}', operation: 'deleteGroupSecret', fn: 'secrets', auth: true },
];

/**
 * CORS for a browser portal, the same on API Gateway (lib/route-table-api.ts) and in local mode: the
 * request headers a portal sends and the response headers its code must read (the ETag to send back
 * in If-Match, where a created thing is, how long to wait, why a token was refused).
 */
export const CORS = {
  allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as Method[],
  allowHeaders: ['authorization', 'content-type', 'if-match', 'x-correlation-id'],
  exposeHeaders: ['etag', 'location', 'retry-after', 'www-authenticate'],
} as const;

/** API Gateway's route key, which it passes to the function as `event.routeKey`. */
export const routeKey = (route: Pick<Route, 'method' | 'path'>) => `${route.method} ${route.path}`;

/** The methods a route answers: HEAD wherever GET is (the GET's status and headers, no body). */
export const methodsOf = (route: Pick<Route, 'method'>): (Method | 'HEAD')[] => (route.method === 'GET' ? ['GET', 'HEAD'] : [route.method]);

export const routesOf = (fn: HttpFunction) => ROUTES.filter((r) => r.fn === fn);

/** Matches a concrete path against a route path; returns the decoded path parameters or undefined. */
export function matchPath(routePath: string, actual: string): Record<string, string> | undefined {
  const want = routePath.split('/');
  const got = actual.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    if (w.startsWith('{') && w.endsWith('}')) {
      if (got[i] === '') return undefined;
      try {
        params[w.slice(1, -1)] = decodeURIComponent(got[i]!);
      } catch {
        return undefined;
      }
    } else if (w !== got[i]) {
      return undefined;
    }
  }
  return params;
}
