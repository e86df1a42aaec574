/**
 * Every catalog route, generated from the route table, for every kind of caller: who may read, who
 * may write, and what everyone else gets (401 without a valid token, 403 when not allowed). Denied
 * writes are checked to have changed nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Image } from '../../lambdas/domain/image.ts';
import { ROUTES, routeKey, type Operation, type Route } from '../../lambdas/http/routes.ts';
import { createImage, groupImages, SYSTEM_IMAGES } from '../support/catalog-fixtures.ts';
import { startLocalApi, type LocalApi } from '../support/local-api.ts';
import { expectProblem } from '../support/problems.ts';
import { allRoleTokens, localKey, ROLES, signToken, type Role } from '../support/roles.ts';

let api: LocalApi;
let tokens: Record<Role, string | undefined>;

beforeAll(async () => {
  api = await startLocalApi();
  tokens = await allRoleTokens(api);
});
afterAll(() => api.stop());

const GROUP = 'team-a';

/** What each catalog operation needs, and what it answers when allowed. */
const CATALOG: Partial<Record<Operation, { access: 'public' | 'read' | 'write'; success: number }>> = {
  health: { access: 'public', success: 200 },
  listImages: { access: 'read', success: 200 },
  getImage: { access: 'read', success: 200 },
  imageSelection: { access: 'read', success: 200 },
  createImage: { access: 'write', success: 201 },
  updateImage: { access: 'write', success: 200 },
  deleteImage: { access: 'write', success: 204 },
};

const AUTHENTICATED: Role[] = ['groupAdmin', 'member', 'otherAdmin', 'otherMember', 'systemAdmin'];
/** The contract's rules, for the group "team-a" and the system scope. */
const ALLOWED = {
  group: { read: ['groupAdmin', 'member', 'systemAdmin'], write: ['groupAdmin', 'systemAdmin'] },
  system: { read: AUTHENTICATED, write: ['systemAdmin'] },
} as const;

const scopeOfRoute = (route: Route) => (route.path.startsWith('/groups/') ? 'group' : 'system');

function expectedStatus(route: Route, role: Role): number {
  const { access, success } = CATALOG[route.operation]!;
  if (access === 'public') return success;
  if (!AUTHENTICATED.includes(role)) return 401;
  return (ALLOWED[scopeOfRoute(route)][access] as readonly Role[]).includes(role) ? success : 403;
}

const catalogRoutes = ROUTES.filter((r) => CATALOG[r.operation] !== undefined);
const cases = catalogRoutes.flatMap((route) => ROLES.map((role) => ({ route, role, key: routeKey(route), status: expectedStatus(route, role) })));

/** An image of its own for every case, so that allowed edits and deletes cannot disturb other cases. */
async function target(route: Route, label: string): Promise<{ path: string; image?: Image; collection: string }> {
  const collection = scopeOfRoute(route) === 'group' ? groupImages(GROUP) : SYSTEM_IMAGES;
  const image = route.path.includes('{name}')
    ? await createImage(api, tokens.systemAdmin!, collection, { displayName: label, description: 'original' })
    : undefined;
  const path = route.path.replace('{group}', GROUP).replace('{name}', image?.name ?? '');
  return { path, image, collection };
}

const BODIES: Partial<Record<Operation, (label: string) => unknown>> = {
  createImage: (label) => ({ displayName: label, type: 'cpu', url: 'registry.example.com/matrix/created:1' }),
  updateImage: () => ({ description: 'edited' }),
};

describe('authorization matrix', () => {
  it('covers every catalog route in the route table', () => {
    // Assess
    expect(catalogRoutes.map(routeKey).sort()).toEqual(
      [
        'GET /health',
        'GET /groups/{group}/images',
        'POST /groups/{group}/images',
        'GET /groups/{group}/images/{name}',
        'PATCH /groups/{group}/images/{name}',
        'DELETE /groups/{group}/images/{name}',
        'GET /images',
        'POST /images',
        'GET /images/{name}',
        'PATCH /images/{name}',
        'DELETE /images/{name}',
        'GET /groups/{group}/image-selection',
      ].sort(),
    );
  });

  it.each(cases)('$key as $role answers $status', async ({ route, role, status }) => {
    // Prepare
    const label = `m-${route.operation.toLowerCase()}-${route.scope ?? 'x'}-${role.toLowerCase()}`;
    const { path, image, collection } = await target(route, label);
    const body = BODIES[route.operation]?.(label);

    // Act
    const reply = await api.call(route.method, path, { token: tokens[role], body });

    // Assess
    expect(reply.status).toBe(status);
    if (status >= 400) {
      expectProblem(reply, status);
      if (status === 401) expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    const after = image && (await api.call('GET', path, { token: tokens.systemAdmin }));
    const created = await api.call('GET', `${collection}?q=${label}`, { token: tokens.systemAdmin });
    switch (route.operation) {
      case 'health':
        expect(reply.body).toEqual({ status: 'ok' });
        break;
      case 'listImages':
      case 'imageSelection':
        if (status === 200) {
          expect(Object.keys(reply.body).sort()).toEqual(['items', 'nextCursor']);
          expect(Array.isArray(reply.body.items)).toBe(true);
        }
        break;
      case 'getImage':
        if (status === 200) {
          expect(reply.body).toEqual(after!.body);
          expect(reply.headers.get('etag')).toBe(after!.headers.get('etag'));
        }
        break;
      case 'createImage':
        expect(created.body.items).toHaveLength(status === 201 ? 1 : 0);
        if (status === 201) {
          expect(reply.body).toEqual(created.body.items[0]);
          expect(reply.headers.get('location')).toBe(`${collection}/${reply.body.name}`);
        }
        break;
      case 'updateImage':
        expect(after!.body.description).toBe(status === 200 ? 'edited' : 'original');
        if (status === 200) expect(reply.body).toEqual(after!.body);
        break;
      case 'deleteImage':
        expect(after!.status).toBe(status === 204 ? 404 : 200);
        if (status === 204) expect(reply.body).toBe('');
        break;
    }
  });
});

describe('tenant isolation', () => {
  let teamB: Image;
  let system: Image;

  beforeAll(async () => {
    teamB = await createImage(api, tokens.otherAdmin!, groupImages('team-b'), { displayName: 'team-b-only', description: 'original' });
    system = await createImage(api, tokens.systemAdmin!, SYSTEM_IMAGES, { displayName: 'system-only', description: 'original' });
  });

  it.each([
    ['GET', undefined],
    ['PATCH', { description: 'hijacked' }],
    ['DELETE', undefined],
  ])("answers 404 to %s of team-b's image under team-a's path, as team-a's admin", async (method, body) => {
    // Act
    const reply = await api.call(method, `${groupImages('team-a')}/${teamB.name}`, { token: tokens.groupAdmin, body });

    // Assess
    expectProblem(reply, 404);
    const still = await api.call('GET', `${groupImages('team-b')}/${teamB.name}`, { token: tokens.otherAdmin });
    expect(still.body.description).toBe('original');
  });

  it("answers 404 to a system admin asking for team-b's image under team-a's path", async () => {
    // Act
    const reply = await api.call('GET', `${groupImages('team-a')}/${teamB.name}`, { token: tokens.systemAdmin });

    // Assess
    expectProblem(reply, 404);
  });

  it.each([
    ['GET', undefined],
    ['PATCH', { description: 'hijacked' }],
    ['DELETE', undefined],
  ])("answers 403 to %s of team-b's image under team-b's path, as team-a's admin", async (method, body) => {
    // Act
    const reply = await api.call(method, `${groupImages('team-b')}/${teamB.name}`, { token: tokens.groupAdmin, body });

    // Assess
    expectProblem(reply, 403);
    const still = await api.call('GET', `${groupImages('team-b')}/${teamB.name}`, { token: tokens.otherAdmin });
    expect(still.body.description).toBe('original');
  });

  it("answers 403 to team-a's admin listing team-b's images", async () => {
    // Act
    const reply = await api.call('GET', groupImages('team-b'), { token: tokens.groupAdmin });

    // Assess
    expectProblem(reply, 403);
  });

  it('answers 404 to a group image asked for under the system path, even for a system admin', async () => {
    // Act
    const reply = await api.call('GET', `${SYSTEM_IMAGES}/${teamB.name}`, { token: tokens.systemAdmin });

    // Assess
    expectProblem(reply, 404);
  });

  it("answers 404 to a system image asked for under a group's path", async () => {
    // Act
    const reply = await api.call('GET', `${groupImages('team-a')}/${system.name}`, { token: tokens.groupAdmin });

    // Assess
    expectProblem(reply, 404);
  });

  it("does not list team-b's or the system's images in team-a's list", async () => {
    // Act
    const reply = await api.call('GET', `${groupImages('team-a')}?limit=100`, { token: tokens.systemAdmin });

    // Assess
    const names = reply.body.items.map((i: Image) => i.name);
    expect(names).not.toContain(teamB.name);
    expect(names).not.toContain(system.name);
    expect(reply.body.items.every((i: Image) => i.group === 'team-a' && i.scope === 'group')).toBe(true);
  });

  it('takes the owner from the path, never from the body', async () => {
    // Act
    const reply = await api.call('POST', groupImages('team-a'), {
      token: tokens.groupAdmin,
      body: { displayName: 'sneaky', type: 'cpu', url: 'python:3.12', group: 'team-b' },
    });

    // Assess
    expect(expectProblem(reply, 422).errors).toEqual([{ path: '/group', message: expect.any(String) }]);
  });
});

describe('missing images in a scope the caller may read', () => {
  it.each([
    ['GET', groupImages('team-a'), 'member'],
    ['GET', SYSTEM_IMAGES, 'otherMember'],
    ['PATCH', groupImages('team-a'), 'groupAdmin'],
    ['DELETE', groupImages('team-a'), 'groupAdmin'],
    ['PATCH', SYSTEM_IMAGES, 'systemAdmin'],
    ['DELETE', SYSTEM_IMAGES, 'systemAdmin'],
  ] as const)('answers 404 to %s %s/<missing> as %s', async (method, collection, role) => {
    // Act
    const reply = await api.call(method, `${collection}/no-such-image-zzzzz`, {
      token: tokens[role],
      body: method === 'PATCH' ? { description: 'x' } : undefined,
    });

    // Assess
    expectProblem(reply, 404);
  });

  it('answers 404 to a name that cannot be an image name', async () => {
    // Act
    const reply = await api.call('GET', `${groupImages('team-a')}/Not_A_Name`, { token: tokens.member });

    // Assess
    expectProblem(reply, 404);
  });
});

describe('tokens', () => {
  it.each([
    ['a token that is not a JWT', { authorization: 'Bearer not-a-jwt' }],
    ['another scheme', { authorization: `Basic ${Buffer.from('ada:secret').toString('base64')}` }],
    ['an empty bearer', { authorization: 'Bearer ' }],
  ])('refuses %s with 401', async (_label, headers) => {
    // Act
    const reply = await api.call('GET', groupImages('team-a'), { headers });

    // Assess
    expectProblem(reply, 401);
  });

  it.each([
    ['another audience', { audience: 'someone-else' }],
    ['another issuer', { issuer: 'https://evil.example.com' }],
    ['no subject', { sub: null }],
  ] as const)('refuses a token with %s with 401', async (_label, shape) => {
    // Prepare
    const token = await signToken({ key: await localKey(api), ...shape });

    // Act
    const reply = await api.call('GET', groupImages('team-a'), { token });

    // Assess
    expectProblem(reply, 401);
  });

  it('records the token subject as the creator, whatever the body says', async () => {
    // Act
    const reply = await api.call('POST', groupImages('team-a'), { token: tokens.groupAdmin, body: { displayName: 'who', type: 'cpu', url: 'python:3.12' } });

    // Assess
    expect(reply.body).toMatchObject({ createdBy: 'ada', updatedBy: 'ada' });
  });
});
