import { describe, expect, it } from '@jest/globals';
import { matchPath, ROUTES, routeKey } from '../../../lambdas/http/routes.ts';

describe('matchPath', () => {
  it('matches a literal path with no parameters', () => {
    // Act
    const params = matchPath('/health', '/health');

    // Assess
    expect(params).toEqual({});
  });

  it('returns the path parameters by name', () => {
    // Act
    const params = matchPath('/groups/{group}/images/{name}', '/groups/team-a/images/python-ab12c');

    // Assess
    expect(params).toEqual({ group: 'team-a', name: 'python-ab12c' });
  });

  it('decodes percent-encoded parameters', () => {
    // Act
    const params = matchPath('/groups/{group}/images', '/groups/data%20science%2Fml/images');

    // Assess
    expect(params).toEqual({ group: 'data science/ml' });
  });

  it.each([
    ['a literal segment differs', '/groups/{group}/images', '/groups/team-a/imagez'],
    ['there are more segments', '/groups/{group}/images', '/groups/team-a/images/x'],
    ['there are fewer segments', '/groups/{group}/images/{name}', '/groups/team-a/images'],
    ['a trailing slash adds a segment', '/images', '/images/'],
    ['a parameter is empty', '/groups/{group}/images', '/groups//images'],
    ['a parameter is badly percent-encoded', '/groups/{group}/images', '/groups/%E0%A4%A/images'],
    ['the system path is asked for a group path', '/groups/{group}/images', '/images'],
  ])('does not match when %s', (_label, routePath, actual) => {
    // Act
    const params = matchPath(routePath, actual);

    // Assess
    expect(params).toBeUndefined();
  });

  it('matches every concrete path to exactly one route path per method', () => {
    // Prepare
    const concrete = (path: string) => path.replace(/\{[^}]+\}/g, 'x1');

    // Act
    const ambiguous = ROUTES.filter(
      (route) => ROUTES.filter((other) => other.method === route.method && matchPath(other.path, concrete(route.path))).length !== 1,
    );

    // Assess
    expect(ambiguous.map(routeKey)).toEqual([]);
  });
});

describe('the route table', () => {
  it('has each catalog route under both scopes', () => {
    // Prepare
    const catalogOperations = ['listImages', 'createImage', 'getImage', 'updateImage', 'deleteImage'];

    // Act
    const keys = ROUTES.filter((r) => catalogOperations.includes(r.operation))
      .map(routeKey)
      .sort();

    // Assess
    expect(keys).toEqual(
      [
        'DELETE /groups/{group}/images/{name}',
        'DELETE /images/{name}',
        'GET /groups/{group}/images',
        'GET /groups/{group}/images/{name}',
        'GET /images',
        'GET /images/{name}',
        'PATCH /groups/{group}/images/{name}',
        'PATCH /images/{name}',
        'POST /groups/{group}/images',
        'POST /images',
      ].sort(),
    );
  });

  it('needs a token everywhere except the public routes', () => {
    // Act
    const publicRoutes = ROUTES.filter((r) => !r.auth).map(routeKey);

    // Assess
    expect(publicRoutes.every((k) => ['GET /health', 'GET /openapi.json'].includes(k))).toBe(true);
    expect(publicRoutes).toContain('GET /health');
  });

  it('has no two routes with the same route key', () => {
    // Act
    const keys = ROUTES.map(routeKey);

    // Assess
    expect(new Set(keys).size).toBe(keys.length);
  });
});
