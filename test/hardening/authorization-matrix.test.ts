/**
 * Authorization over the whole API, generated from the route table: EVERY route (catalog, builds,
 * build logs, cancel, rebuild, selection, secrets, health, openapi, me) x every caller (no token, an
 * expired token, a token signed by another key, a member, a group admin, another group's member and
 * admin, a system admin) x both scopes where the route has two.
 *
 * Each operation has an access rule below; a route added to ROUTES whose operation has no rule fails
 * the first test. For every case the matrix sends:
 *   - probes that need no fixtures: names and ids that do not exist, invalid bodies and queries.
 *     Denied callers must get exactly 401/403 (problem+json) for them too: authorization comes
 *     before existence and before validation, so a denied caller learns nothing from the answer.
 *   - a real request on a fixture of its own, after which the fixture shows the write happened
 *     (allowed) or did not (denied).
 * Then: ids from other tenants, cursors replayed across scopes, queries and routes, and bodies that
 * try to set what only the service sets (mass assignment).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Build } from '../../lambdas/domain/build.ts';
import type { Image } from '../../lambdas/domain/image.ts';
import { ROUTES, routeKey, type Operation, type Route } from '../../lambdas/http/routes.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pollBuild, waitFor } from '../support/build-polling.ts';
import { killIfRunning, onSharedDynamo, startNpmStart, type StartedServer } from '../support/npm-start.ts';
import { Figures } from '../support/figures.ts';
import { startLocalApi, type CallOptions, type LocalApi, type Reply } from '../support/local-api.ts';
import { expectInvalid, expectProblem } from '../support/problems.ts';
import { allRoleTokens, ROLES, type Role } from '../support/roles.ts';
import { writeStandInCli, type StandInCli } from '../support/stand-in-cli.ts';
import { TEST_TIMEOUT_MS } from '../support/hang-guard.ts';

const GROUP = 'team-a';
const GROUP_IMAGES = `/groups/${GROUP}/images`;
const SYSTEM_IMAGES = '/images';
const BASE = 'python:3.12-slim';
const LOGIN = { registry: 'ghcr.io', username: 'matrix-bot', password: 'matrix-not-a-real-password' };
/** Names and ids that are well-formed but name nothing. */
const MISSING = { image: 'zz-no-such-image', build: 'b000000000nosuch', secret: 'zz-no-such-secret' };

const figures = new Figures('authorization-matrix');
let api: LocalApi;
let cli: StandInCli;
let tokens: Record<Role, string | undefined>;
let sys: string;

/** Every request goes through here, so the figures count them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function call<T = any>(method: string, path: string, options?: CallOptions): Promise<Reply<T>> {
  figures.count('requests');
  return api.call<T>(method, path, options);
}

// ---------------------------------------------------------------------------------------------
// The rules: who may call each operation.

type Access = 'public' | 'authenticated' | 'read' | 'write' | 'listSecrets' | 'writeSecrets' | 'groupSecrets';
type Scope = 'group' | 'system';

const AUTHENTICATED: Role[] = ['groupAdmin', 'member', 'otherAdmin', 'otherMember', 'systemAdmin'];
const REFUSED_TOKENS: Role[] = ['noToken', 'expiredToken', 'foreignToken'];

/** The contract's rules, for the group "team-a" and for the system scope. */
const ALLOWED: Record<Exclude<Access, 'public'>, Record<Scope, Role[]>> = {
  authenticated: { group: AUTHENTICATED, system: AUTHENTICATED },
  read: { group: ['groupAdmin', 'member', 'systemAdmin'], system: AUTHENTICATED },
  write: { group: ['groupAdmin', 'systemAdmin'], system: ['systemAdmin'] },
  listSecrets: { group: ['groupAdmin', 'otherAdmin', 'systemAdmin'], system: ['groupAdmin', 'otherAdmin', 'systemAdmin'] },
  writeSecrets: { group: ['systemAdmin'], system: ['systemAdmin'] },
  // A group's own pull secrets: its admins and system admins; its members and other groups see nothing.
  groupSecrets: { group: ['groupAdmin', 'systemAdmin'], system: [] },
};

/** A request that needs no fixture, and what an allowed caller gets for it. */
interface Probe {
  label: string;
  query?: string;
  body?: unknown;
  allowed: number;
}

/** A request on a fixture of its own, and how to tell afterwards whether it took effect. */
interface RealCase {
  path: string;
  body?: unknown;
  allowed: number;
  /** Checks the fixture after the request; `took` says whether the request was allowed. */
  after?: (took: boolean, reply: Reply) => Promise<void>;
}

interface Rule {
  access: Access;
  probes: Probe[];
  /** Prepares the real request for one case (route x caller). */
  real?: (route: Route, label: string) => Promise<RealCase>;
}

const isGroupRoute = (route: Route) => route.path.includes('{group}');
const scopeOf = (route: Route): Scope => (isGroupRoute(route) ? 'group' : 'system');
const collectionOf = (route: Route) => (isGroupRoute(route) ? GROUP_IMAGES : SYSTEM_IMAGES);

/** The route's path with its parameters filled in. */
function pathOf(route: Route, values: { image?: string; build?: string; secret?: string } = {}): string {
  return route.path
    .replace('{group}', GROUP)
    .replace('{buildId}', values.build ?? MISSING.build)
    .replace('{name}', route.path.includes('/secrets/') ? (values.secret ?? MISSING.secret) : (values.image ?? MISSING.image));
}

const INVALID_SPEC = { build: { baseImage: BASE, packages: { pip: ['$(curl 169.254.169.254)'] } } };

const RULES: Record<Operation, Rule> = {
  health: { access: 'public', probes: [{ label: 'plain', allowed: 200 }] },
  openapi: { access: 'public', probes: [{ label: 'plain', allowed: 200 }] },
  me: { access: 'authenticated', probes: [{ label: 'plain', allowed: 200 }] },
  listImages: {
    access: 'read',
    probes: [
      { label: 'first page', allowed: 200 },
      { label: 'limit=101', query: '?limit=101', allowed: 422 },
    ],
    real: async (route) => ({
      path: collectionOf(route),
      allowed: 200,
      after: async (took, reply) => {
        if (took) expect(reply.body.items.map((i: Image) => i.name)).toContain(shared[scopeOf(route)].image.name);
      },
    }),
  },
  createImage: {
    access: 'write',
    probes: [{ label: 'invalid body', body: { displayName: 'Not Valid!', type: 'tpu' }, allowed: 422 }],
    real: async (route, label) => ({
      path: collectionOf(route),
      body: { displayName: label, type: 'cpu', url: 'registry.example.com/matrix/created:1' },
      allowed: 201,
      after: async (took) => {
        const found = await call('GET', `${collectionOf(route)}?q=${label}`, { token: sys });
        expect(found.body.items).toHaveLength(took ? 1 : 0);
      },
    }),
  },
  getImage: {
    access: 'read',
    probes: [{ label: 'missing image', allowed: 404 }],
    real: async (route) => ({
      path: pathOf(route, { image: shared[scopeOf(route)].image.name }),
      allowed: 200,
      after: async (took, reply) => {
        if (took) expect(reply.body.name).toBe(shared[scopeOf(route)].image.name);
      },
    }),
  },
  updateImage: {
    access: 'write',
    probes: [
      { label: 'missing image', body: { description: 'x' }, allowed: 404 },
      { label: 'invalid body', body: { name: 'renamed' }, allowed: 422 },
    ],
    real: async (route, label) => {
      const image = await createExisting(route, label);
      return {
        path: pathOf(route, { image: image.name }),
        body: { description: 'edited' },
        allowed: 200,
        after: async (took) =>
          expect((await call('GET', pathOf(route, { image: image.name }), { token: sys })).body.description).toBe(took ? 'edited' : 'original'),
      };
    },
  },
  deleteImage: {
    access: 'write',
    probes: [{ label: 'missing image', allowed: 404 }],
    real: async (route, label) => {
      const image = await createExisting(route, label);
      return {
        path: pathOf(route, { image: image.name }),
        allowed: 204,
        after: async (took) => expect((await call('GET', pathOf(route, { image: image.name }), { token: sys })).status).toBe(took ? 404 : 200),
      };
    },
  },
  startBuild: {
    access: 'write',
    probes: [
      { label: 'missing image', allowed: 404 },
      { label: 'hostile spec', body: INVALID_SPEC, allowed: 422 },
    ],
    real: async (route, label) => {
      // One spec for all of them: the first build runs, the others reuse it (one builder run).
      const image = await createBuilt(collectionOf(route), label, ['matrix-rebuilt']);
      const builds = pathOf(route, { image: image.name });
      return {
        path: builds,
        allowed: 202,
        after: async (took) => expect((await call('GET', builds, { token: sys })).body.items).toHaveLength(took ? 2 : 1),
      };
    },
  },
  listBuilds: {
    access: 'read',
    probes: [
      { label: 'missing image', allowed: 404 },
      { label: 'limit=101', query: '?limit=101', allowed: 422 },
    ],
    real: async (route) => ({
      path: pathOf(route, { image: shared[scopeOf(route)].image.name }),
      allowed: 200,
      after: async (took, reply) => {
        if (took) expect(reply.body.items.map((b: Build) => b.id)).toContain(shared[scopeOf(route)].build.id);
      },
    }),
  },
  getBuild: {
    access: 'read',
    probes: [{ label: 'missing build', allowed: 404 }],
    real: async (route) => ({
      path: pathOf(route, { image: shared[scopeOf(route)].image.name, build: shared[scopeOf(route)].build.id }),
      allowed: 200,
      after: async (took, reply) => {
        if (took) expect(reply.body).toEqual(shared[scopeOf(route)].build);
      },
    }),
  },
  getBuildLogs: {
    access: 'read',
    probes: [
      { label: 'missing build', allowed: 404 },
      { label: 'unknown query parameter', query: '?limit=1', allowed: 422 },
    ],
    real: async (route) => ({
      path: pathOf(route, { image: shared[scopeOf(route)].image.name, build: shared[scopeOf(route)].build.id }),
      allowed: 200,
      after: async (took, reply) => {
        if (took) expect(reply.body.lines.length).toBeGreaterThan(0);
      },
    }),
  },
  // Issue 18: the shared builds are dry runs, which never succeed: a reader is told there is no SBOM (409).
  getBuildSbom: {
    access: 'read',
    probes: [{ label: 'missing build', allowed: 404 }],
    real: async (route) => ({
      path: pathOf(route, { image: shared[scopeOf(route)].image.name, build: shared[scopeOf(route)].build.id }),
      allowed: 409,
    }),
  },
  cancelBuild: {
    access: 'write',
    probes: [{ label: 'missing build', allowed: 404 }],
    real: async (route, label) => {
      const image = await createCustom(collectionOf(route), label, ['standin-hangs', `matrix-${label}`]);
      const build = pathOf(route, { image: image.name, build: image.latestBuild!.id }).replace(/\/cancel$/, '');
      return {
        path: `${build}/cancel`,
        allowed: 202,
        after: async (took) => {
          const status = (await call('GET', build, { token: sys })).body.status;
          if (took) expect(status).toBe('cancelled');
          else expect(['queued', 'building']).toContain(status);
        },
      };
    },
  },
  imageSelection: {
    access: 'read',
    probes: [
      { label: 'plain', allowed: 200 },
      { label: 'type=tpu', query: '?type=tpu', allowed: 422 },
    ],
    real: async () => ({
      path: `/groups/${GROUP}/image-selection?limit=100`,
      allowed: 200,
      after: async (took, reply) => {
        if (took) expect(reply.body.items.map((i: Image) => i.name)).toContain(shared.group.image.name);
      },
    }),
  },
  listSecrets: {
    access: 'listSecrets',
    probes: [{ label: 'plain', allowed: 200 }],
    real: async () => ({
      path: '/secrets',
      allowed: 200,
      after: async (took, reply) => {
        if (took) expect(reply.body.items.map((s: { name: string }) => s.name)).toContain(SHARED_SECRET);
      },
    }),
  },
  putSecret: {
    access: 'writeSecrets',
    probes: [{ label: 'invalid body', body: {}, allowed: 422 }],
    real: async (route, label) => ({
      path: pathOf(route, { secret: label }),
      body: LOGIN,
      allowed: 201,
      after: async (took) => expect(await secretNames()).toEqual(took ? expect.arrayContaining([label]) : expect.not.arrayContaining([label])),
    }),
  },
  deleteSecret: {
    access: 'writeSecrets',
    probes: [{ label: 'missing secret', allowed: 404 }],
    real: async (route, label) => {
      await storeSecret(label);
      return {
        path: pathOf(route, { secret: label }),
        allowed: 204,
        after: async (took) => expect(await secretNames()).toEqual(took ? expect.not.arrayContaining([label]) : expect.arrayContaining([label])),
      };
    },
  },
  listGroupSecrets: {
    access: 'groupSecrets',
    probes: [{ label: 'plain', allowed: 200 }],
    real: async () => ({
      path: `/groups/${GROUP}/secrets`,
      allowed: 200,
      after: async (took, reply) => {
        if (took) expect(reply.body.items.map((s: { name: string }) => s.name)).toContain(SHARED_GROUP_SECRET);
        else expect(JSON.stringify(reply.body)).not.toContain(SHARED_GROUP_SECRET);
      },
    }),
  },
  putGroupSecret: {
    access: 'groupSecrets',
    probes: [{ label: 'invalid body', body: {}, allowed: 422 }],
    real: async (route, label) => ({
      path: pathOf(route, { secret: label }),
      body: LOGIN,
      allowed: 201,
      after: async (took) => expect(await groupSecretNames()).toEqual(took ? expect.arrayContaining([label]) : expect.not.arrayContaining([label])),
    }),
  },
  deleteGroupSecret: {
    access: 'groupSecrets',
    probes: [{ label: 'missing secret', allowed: 404 }],
    real: async (route, label) => {
      await storeSecret(label, GROUP);
      return {
        path: pathOf(route, { secret: label }),
        allowed: 204,
        after: async (took) => expect(await groupSecretNames()).toEqual(took ? expect.not.arrayContaining([label]) : expect.arrayContaining([label])),
      };
    },
  },
};

function decide(route: Route, role: Role): number | 'allowed' {
  const rule = RULES[route.operation];
  if (rule.access === 'public') return 'allowed';
  if (REFUSED_TOKENS.includes(role)) return 401;
  return ALLOWED[rule.access][scopeOf(route)].includes(role) ? 'allowed' : 403;
}

// ---------------------------------------------------------------------------------------------
// Fixtures.

const SHARED_SECRET = 'matrix-shared';
/** A pull secret of team-a, the one its list holds besides those the cases add and remove. */
const SHARED_GROUP_SECRET = 'matrix-group-shared';
/** Per scope: a custom image whose first build has succeeded, and that build. */
const shared = {} as Record<Scope, { image: Image; build: Build }>;

async function createExisting(route: Route, label: string): Promise<Image> {
  const reply = await call<Image>('POST', collectionOf(route), {
    token: sys,
    body: { displayName: label, description: 'original', type: 'cpu', url: 'registry.example.com/matrix/fixture:1' },
  });
  if (reply.status !== 201) throw new Error(`fixture ${label}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

async function createCustom(collection: string, label: string, pip: string[], token = sys): Promise<Image> {
  const reply = await call<Image>('POST', collection, { token, body: { displayName: label, type: 'cpu', build: { baseImage: BASE, packages: { pip } } } });
  if (reply.status !== 201) throw new Error(`fixture ${label}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

/** A custom image whose first build has finished. */
async function createBuilt(collection: string, label: string, pip: string[], token = sys): Promise<Image> {
  const image = await createCustom(collection, label, pip, token);
  await pollBuild(api, sys, `${collection}/${image.name}/builds/${image.latestBuild!.id}`);
  return (await call<Image>('GET', `${collection}/${image.name}`, { token: sys })).body;
}

async function storeSecret(name: string, group?: string) {
  const reply = await call('PUT', `${group ? `/groups/${group}` : ''}/secrets/${name}`, { token: sys, body: LOGIN });
  if (reply.status !== 201) throw new Error(`secret ${name}: ${reply.status}`);
}

const secretNames = async () => (await call<{ items: { name: string }[] }>('GET', '/secrets', { token: sys })).body.items.map((s) => s.name);
const groupSecretNames = async () =>
  (await call<{ items: { name: string }[] }>('GET', `/groups/${GROUP}/secrets`, { token: sys })).body.items.map((s) => s.name);

/** Runs the functions with at most `width` at a time. */
async function inBatches<T>(jobs: (() => Promise<T>)[], width = 8): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < jobs.length; i += width) results.push(...(await Promise.all(jobs.slice(i, i + width).map((j) => j()))));
  return results;
}

// ---------------------------------------------------------------------------------------------
// The cases.

const ruled = ROUTES.filter((r) => RULES[r.operation] !== undefined);
// One word ends the label (scope and role), so that a keyword search for it finds this label only.
const labelOf = (route: Route, role: Role) => `mx-${route.operation.toLowerCase().slice(0, 12)}-${scopeOf(route)[0]}${ROLES.indexOf(role)}`;

const probeCases = ruled.flatMap((route) =>
  RULES[route.operation].probes.flatMap((probe) =>
    ROLES.map((role) => ({ route, role, probe, key: routeKey(route), label: probe.label, expected: decide(route, role) })),
  ),
);
const realCases = ruled
  .filter((route) => RULES[route.operation].real)
  .flatMap((route) => ROLES.map((role) => ({ route, role, key: routeKey(route), expected: decide(route, role), label: labelOf(route, role) })));
const prepared = new Map<string, RealCase>();

beforeAll(async () => {
  cli = await writeStandInCli();
  api = await startLocalApi({ containerCli: cli.path, maxConcurrentBuildsPerGroup: 1000, maxImagesPerGroup: 1000 });
  tokens = await allRoleTokens(api);
  sys = tokens.systemAdmin!;
  await storeSecret(SHARED_SECRET);
  await storeSecret(SHARED_GROUP_SECRET, GROUP);
  const [group, system] = await Promise.all([
    createBuilt(GROUP_IMAGES, 'mx-shared', ['matrix-shared']),
    createBuilt(SYSTEM_IMAGES, 'mx-shared', ['matrix-shared']),
  ]);
  for (const [scope, image] of [
    ['group', group],
    ['system', system],
  ] as const) {
    const build = (
      await call<Build>('GET', `${scope === 'group' ? GROUP_IMAGES : SYSTEM_IMAGES}/${image.name}/builds/${image.latestBuild!.id}`, { token: sys })
    ).body;
    expect(build.status).toBe('succeeded');
    shared[scope] = { image, build };
  }
  const made = await inBatches(realCases.map((c) => async () => [c.label, await RULES[c.route.operation].real!(c.route, c.label)] as const));
  for (const [label, real] of made) prepared.set(label, real);
}, TEST_TIMEOUT_MS);

afterAll(async () => {
  figures.set('routes', ROUTES.length);
  figures.set('operations', Object.keys(RULES).length);
  figures.set('callers', ROLES.length);
  figures.set('probeCases', probeCases.length);
  figures.set('realCases', realCases.length);
  figures.record();
  await api?.stop();
  await cli?.remove();
});

function assessDecision(reply: Reply, expected: number | 'allowed', allowed: number) {
  if (expected === 'allowed') {
    expect(reply.status).toBe(allowed);
    expect([401, 403]).not.toContain(reply.status);
    expect(reply.status).toBeLessThan(500);
    figures.count('allowedAnswered');
  } else {
    expectProblem(reply, expected);
    if (expected === 401) expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer/);
    figures.count(expected === 401 ? 'refused401' : 'refused403');
  }
}

describe('the rule table', () => {
  it('has an access rule for the operation of every route in the route table', () => {
    // Assess
    expect(ROUTES.filter((r) => RULES[r.operation] === undefined).map(routeKey)).toEqual([]);
  });

  it('puts every image route in both scopes, and takes the scope from the path alone', () => {
    // Assess
    for (const route of ROUTES.filter((r) => r.scope)) {
      expect([route.scope, routeKey(route)]).toEqual([scopeOf(route), routeKey(route)]);
      const twin = ROUTES.find((r) => r.operation === route.operation && r.scope !== route.scope && r.method === route.method);
      expect(twin).toBeDefined();
    }
  });
});

describe('every route x every caller, without fixtures (authorization before existence and validation)', () => {
  it.each(probeCases)('$key ($label) as $role: $expected', async ({ route, role, probe, expected }) => {
    // Act
    const reply = await call(route.method, pathOf(route) + (probe.query ?? ''), { token: tokens[role], body: probe.body });

    // Assess
    assessDecision(reply, expected, probe.allowed);
  });
});

describe('every route x every caller, without fixtures, over `npm start` (a separate process)', () => {
  let server: StartedServer | undefined;
  let dataDir: string;
  afterAll(async () => {
    await killIfRunning(server);
    await rm(dataDir, { recursive: true, force: true });
  });

  it(
    'answers every probe as the rule table says',
    async () => {
      // Prepare
      dataDir = await mkdtemp(join(tmpdir(), 'group-images-matrix-'));
      server = await startNpmStart(dataDir, { CONTAINER_CLI: '', ...onSharedDynamo() });
      const processTokens = await allRoleTokens(server as unknown as LocalApi);

      // Act
      const mismatches: string[] = [];
      for (const { route, role, probe, key, expected } of probeCases) {
        const reply = await server.call(route.method, pathOf(route) + (probe.query ?? ''), { token: processTokens[role], body: probe.body });
        figures.count('requestsOverNpmStart');
        const want = expected === 'allowed' ? probe.allowed : expected;
        const problemOk = reply.status < 400 || reply.headers.get('content-type') === 'application/problem+json';
        if (reply.status !== want || !problemOk) mismatches.push(`${key} (${probe.label}) as ${role}: ${reply.status}, expected ${want}`);
      }

      // Assess
      expect(mismatches).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );
});

describe('every route x every caller, on fixtures of their own', () => {
  it.each(realCases)('$key as $role: $expected', async ({ route, role, expected, label }) => {
    // Prepare
    const real = prepared.get(label)!;

    // Act
    const reply = await call(route.method, real.path, { token: tokens[role], body: real.body });

    // Assess
    assessDecision(reply, expected, real.allowed);
    await real.after?.(expected === 'allowed', reply);
  });
});

// ---------------------------------------------------------------------------------------------

describe('ids from other tenants', () => {
  let teamA: Image;
  let teamB: Image;
  let teamBBuild: string;
  let hangingB: Image;

  beforeAll(async () => {
    const otherAdmin = tokens.otherAdmin!;
    [teamA, teamB, hangingB] = await Promise.all([
      createBuilt(GROUP_IMAGES, 'tenant-a', ['tenant-a'], tokens.groupAdmin!),
      createBuilt('/groups/team-b/images', 'tenant-b', ['tenant-b'], otherAdmin),
      createCustom('/groups/team-b/images', 'tenant-b-hangs', ['standin-hangs', 'tenant-b-hangs'], otherAdmin),
    ]);
    teamBBuild = teamB.latestBuild!.id;
  }, TEST_TIMEOUT_MS);

  const bBuildPaths = () => ({
    "team-b's image and build under team-a's path": `${GROUP_IMAGES}/${teamB.name}/builds/${teamBBuild}`,
    "team-b's build under team-a's own image": `${GROUP_IMAGES}/${teamA.name}/builds/${teamBBuild}`,
    "team-b's image and build under the system path": `${SYSTEM_IMAGES}/${teamB.name}/builds/${teamBBuild}`,
  });

  it.each(['groupAdmin', 'systemAdmin'] as Role[])("answers 404 to every read of team-b's build through another path, as %s", async (role) => {
    for (const [what, path] of Object.entries(bBuildPaths())) {
      // Act
      const replies = await Promise.all([call('GET', path, { token: tokens[role] }), call('GET', `${path}/logs`, { token: tokens[role] })]);

      // Assess
      for (const reply of replies) expect([what, reply.status]).toEqual([what, 404]);
      for (const reply of replies) expectProblem(reply, 404);
    }
  });

  it("answers 404 to a rebuild of team-b's image through team-a's path, starting nothing", async () => {
    // Act
    const reply = await call('POST', `${GROUP_IMAGES}/${teamB.name}/builds`, { token: tokens.groupAdmin });

    // Assess
    expectProblem(reply, 404);
    const history = await call('GET', `/groups/team-b/images/${teamB.name}/builds`, { token: tokens.otherAdmin });
    expect(history.body.items).toHaveLength(1);
  });

  it("answers 404 to a cancel of team-b's running build through team-a's paths, and it keeps running", async () => {
    // Prepare
    const id = hangingB.latestBuild!.id;
    const own = `/groups/team-b/images/${hangingB.name}/builds/${id}`;
    await waitFor(async () => (await cli.callsOf(id)).some((c) => c.args[1] === 'build'), 'the team-b build to reach buildx build');

    // Act
    const replies = await Promise.all([
      call('POST', `${GROUP_IMAGES}/${hangingB.name}/builds/${id}/cancel`, { token: tokens.groupAdmin }),
      call('POST', `${GROUP_IMAGES}/${teamA.name}/builds/${id}/cancel`, { token: tokens.groupAdmin }),
      call('POST', `${SYSTEM_IMAGES}/${hangingB.name}/builds/${id}/cancel`, { token: sys }),
    ]);

    // Assess
    for (const reply of replies) expectProblem(reply, 404);
    expect((await call<Build>('GET', own, { token: tokens.otherMember })).body.status).toBe('building');
    expect((await call('POST', `${own}/cancel`, { token: tokens.otherAdmin })).status).toBe(202);
  });

  it("answers 403 (not 404) to team-a's admin asking for team-b's build under team-b's path: the path names the owner", async () => {
    // Act
    const reply = await call('GET', `/groups/team-b/images/${teamB.name}/builds/${teamBBuild}`, { token: tokens.groupAdmin });

    // Assess
    expectProblem(reply, 403);
  });
});

describe('pull secrets and images across groups', () => {
  const TEAM_B_IMAGES = '/groups/team-b/images';
  let teamA: Image;
  let teamBCustom: Image;
  let teamBExisting: Image;
  let systemUrl: string;

  beforeAll(async () => {
    [teamA, teamBCustom] = await Promise.all([
      createBuilt(GROUP_IMAGES, 'cross-a', ['cross-a'], tokens.groupAdmin!),
      createBuilt(TEAM_B_IMAGES, 'cross-b', ['cross-b'], tokens.otherAdmin!),
    ]);
    const existing = await call<Image>('POST', TEAM_B_IMAGES, {
      token: tokens.otherAdmin,
      body: { displayName: 'cross-b-existing', type: 'universal', url: 'registry.example.com/b/x:1' },
    });
    teamBExisting = existing.body;
    // The build's record says succeeded a moment before its image is told its url.
    teamA = await waitFor(async () => {
      const image = (await call<Image>('GET', `${GROUP_IMAGES}/${teamA.name}`, { token: sys })).body;
      return image.url ? image : undefined;
    }, "team-a's built image url");
    systemUrl = await waitFor(
      async () => (await call<Image>('GET', `${SYSTEM_IMAGES}/${shared.system.image.name}`, { token: sys })).body.url ?? undefined,
      'the system image url',
    );
    expect(teamA.url).toMatch(/:sha-[0-9a-f]{32}$/);
  }, TEST_TIMEOUT_MS);

  /** Every field of team-b's requests that names a pull secret, as [what, method, path, body]. */
  const secretFields = (ref: string): [string, string, string, unknown, string][] => [
    [
      'create, existing image',
      'POST',
      TEAM_B_IMAGES,
      { displayName: 'cross-secret', type: 'cpu', url: 'registry.example.com/b/x:1', pullSecret: ref },
      '/pullSecret',
    ],
    [
      'create, build spec',
      'POST',
      TEAM_B_IMAGES,
      { displayName: 'cross-secret', type: 'cpu', build: { baseImage: BASE, pullSecret: ref, packages: {} } },
      '/build/pullSecret',
    ],
    ['edit', 'PATCH', `${TEAM_B_IMAGES}/${teamBExisting.name}`, { pullSecret: ref }, '/pullSecret'],
    ['rebuild', 'POST', `${TEAM_B_IMAGES}/${teamBCustom.name}/builds`, { build: { baseImage: BASE, pullSecret: ref, packages: {} } }, '/build/pullSecret'],
  ];

  it("refuses team-a's pull secret in every field of team-b's requests, exactly as one that does not exist, and changes nothing", async () => {
    for (const [[what, method, path, body, pointer], [, , , missingBody]] of secretFields(`${GROUP}/${SHARED_GROUP_SECRET}`).map(
      (f, i) => [f, secretFields(`${GROUP}/${MISSING.secret}`)[i]!] as const,
    )) {
      // Act
      const [existing, missing] = [
        await call(method, path, { token: tokens.otherAdmin, body }),
        await call(method, path, { token: tokens.otherAdmin, body: missingBody }),
      ];

      // Assess
      expectInvalid(existing, pointer);
      expect([what, existing.body.errors]).toEqual([what, missing.body.errors.map((e: { path: string; message: string }) => ({ ...e }))]);
      expect(JSON.stringify(existing.body)).not.toContain('exist');
    }
    const images = (await call<{ items: Image[] }>('GET', `${TEAM_B_IMAGES}?q=cross`, { token: sys })).body.items;
    expect(images.map((i) => i.displayName).sort()).toEqual(['cross-b', 'cross-b-existing']);
    expect(images.every((i) => i.pullSecret === null && (i.buildSpec?.pullSecret ?? null) === null)).toBe(true);
    expect((await call('GET', `${TEAM_B_IMAGES}/${teamBCustom.name}/builds`, { token: sys })).body.items).toHaveLength(1);
  });

  it("resolves no name to a group secret without its group: team-a's unqualified secret name is a system secret that does not exist", async () => {
    // Act
    const reply = await call('POST', GROUP_IMAGES, {
      token: tokens.groupAdmin,
      body: { displayName: 'cross-unqualified', type: 'cpu', url: 'registry.example.com/a/x:1', pullSecret: SHARED_GROUP_SECRET },
    });

    // Assess
    expectInvalid(reply, '/pullSecret');
    expect(reply.body.errors[0].message).toContain(`names no pull secret "${SHARED_GROUP_SECRET}"`);
  });

  it('lets team-a name its own secret and a system one, and a system image only a system one', async () => {
    // Act
    const own = await call<Image>('POST', GROUP_IMAGES, {
      token: tokens.groupAdmin,
      body: { displayName: 'cross-own-secret', type: 'cpu', url: 'registry.example.com/a/x:1', pullSecret: `${GROUP}/${SHARED_GROUP_SECRET}` },
    });
    const system = await call<Image>('POST', TEAM_B_IMAGES, {
      token: tokens.otherAdmin,
      body: { displayName: 'cross-system-secret', type: 'cpu', url: 'registry.example.com/b/x:1', pullSecret: SHARED_SECRET },
    });
    const fromSystem = await call('POST', SYSTEM_IMAGES, {
      token: sys,
      body: { displayName: 'cross-system-group-secret', type: 'cpu', url: 'registry.example.com/s/x:1', pullSecret: `${GROUP}/${SHARED_GROUP_SECRET}` },
    });
    const inUse = await call('DELETE', `/groups/${GROUP}/secrets/${SHARED_GROUP_SECRET}`, { token: tokens.groupAdmin });

    // Assess
    expect([own.status, own.body.pullSecret]).toEqual([201, `${GROUP}/${SHARED_GROUP_SECRET}`]);
    expect([system.status, system.body.pullSecret]).toEqual([201, SHARED_SECRET]);
    expectInvalid(fromSystem, '/pullSecret');
    expectProblem(inUse, 409);
    expect(await groupSecretNames()).toContain(SHARED_GROUP_SECRET);
  });

  it("refuses team-a's built image as team-b's url, urlForGpu and base image, exactly as a tag no one built", async () => {
    const repository = teamA.url!.slice(0, teamA.url!.lastIndexOf(':'));
    const unbuilt = `${repository}:sha-${'0'.repeat(32)}`;
    const fields = (ref: string): [string, string, string, unknown, string][] => [
      ['url', 'POST', TEAM_B_IMAGES, { displayName: 'cross-url', type: 'cpu', url: ref }, '/url'],
      ['urlForGpu', 'POST', TEAM_B_IMAGES, { displayName: 'cross-url', type: 'universal', url: 'registry.example.com/b/x:1', urlForGpu: ref }, '/urlForGpu'],
      ['baseImage', 'POST', TEAM_B_IMAGES, { displayName: 'cross-url', type: 'cpu', build: { baseImage: ref, packages: {} } }, '/build/baseImage'],
      ['edited url', 'PATCH', `${TEAM_B_IMAGES}/${teamBExisting.name}`, { url: ref }, '/url'],
      ['rebuild base image', 'POST', `${TEAM_B_IMAGES}/${teamBCustom.name}/builds`, { build: { baseImage: ref, packages: {} } }, '/build/baseImage'],
    ];
    const spellings = [
      teamA.url!,
      teamA.url!.replace('localhost', '127.0.0.1'),
      teamA.url!.replace('localhost', 'LOCALHOST'),
      `${repository}@sha256:${'a'.repeat(64)}`,
      `${teamA.url!}@sha256:${'a'.repeat(64)}`,
    ];
    for (const spelling of spellings) {
      for (const [[what, method, path, body, pointer], [, , , unbuiltBody]] of fields(spelling).map((f, i) => [f, fields(unbuilt)[i]!] as const)) {
        // Act
        const [taken, nobody] = [
          await call(method, path, { token: tokens.otherAdmin, body }),
          await call(method, path, { token: tokens.otherAdmin, body: unbuiltBody }),
        ];

        // Assess
        expectInvalid(taken, pointer);
        expect([what, spelling, taken.body.errors]).toEqual([what, spelling, nobody.body.errors]);
        expect(JSON.stringify(taken.body)).not.toContain(GROUP);
      }
    }
    const images = (await call<{ items: Image[] }>('GET', `${TEAM_B_IMAGES}?q=cross`, { token: sys })).body.items;
    expect(images.map((i) => i.displayName)).not.toContain('cross-url');
    expect((await call<Image>('GET', `${TEAM_B_IMAGES}/${teamBExisting.name}`, { token: sys })).body.url).toBe('registry.example.com/b/x:1');
  });

  it("lets a group name its own built images and the system's, in every field", async () => {
    // Act
    const own = await call<Image>('POST', GROUP_IMAGES, {
      token: tokens.groupAdmin,
      body: { displayName: 'cross-own-url', type: 'universal', url: teamA.url, urlForGpu: teamA.url },
    });
    const byUrl = await call<Image>('POST', TEAM_B_IMAGES, {
      token: tokens.otherAdmin,
      body: { displayName: 'cross-system-url', type: 'cpu', url: systemUrl },
    });
    const systemBase = await call<Image>('POST', TEAM_B_IMAGES, {
      token: tokens.otherAdmin,
      body: { displayName: 'cross-system-base', type: 'cpu', build: { baseImage: systemUrl, packages: { pip: ['cross-system-base'] } } },
    });

    // Assess
    expect(own.status).toBe(201);
    expect(byUrl.status).toBe(201);
    expect(systemBase.status).toBe(201);
  });
});

// ---------------------------------------------------------------------------------------------

describe('replayed cursors', () => {
  let twoBuilds: Image;
  let other: Image;
  let running: Image;
  let buildsCursor: string;
  let imagesCursor: string;
  let logsCursor: string;

  beforeAll(async () => {
    [twoBuilds, other, running] = await Promise.all([
      createBuilt(GROUP_IMAGES, 'cursor-two', ['cursor-two']),
      createBuilt(GROUP_IMAGES, 'cursor-other', ['cursor-other']),
      createCustom(GROUP_IMAGES, 'cursor-running', ['standin-hangs', 'cursor-running']),
    ]);
    // A rebuild of the same spec reuses the image: a second build at once, without a builder run.
    const again = await call<Build>('POST', `${GROUP_IMAGES}/${twoBuilds.name}/builds`, { token: sys });
    expect(again.status).toBe(202);
    await pollBuild(api, sys, `${GROUP_IMAGES}/${twoBuilds.name}/builds/${again.body.id}`);
    buildsCursor = (await call('GET', `${GROUP_IMAGES}/${twoBuilds.name}/builds?limit=1`, { token: sys })).body.nextCursor;
    imagesCursor = (await call('GET', `${GROUP_IMAGES}?limit=1`, { token: sys })).body.nextCursor;
    logsCursor = (await call('GET', `${GROUP_IMAGES}/${running.name}/builds/${running.latestBuild!.id}/logs`, { token: sys })).body.nextCursor;
    expect([typeof buildsCursor, typeof imagesCursor, typeof logsCursor]).toEqual(['string', 'string', 'string']);
  }, TEST_TIMEOUT_MS);

  it('accepts a build-history cursor on the list that gave it out (the control)', async () => {
    // Act
    const reply = await call('GET', `${GROUP_IMAGES}/${twoBuilds.name}/builds?limit=1&cursor=${encodeURIComponent(buildsCursor)}`, { token: sys });

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body.items).toHaveLength(1);
  });

  const replays = (): [string, () => string, 'builds' | 'images' | 'logs'][] => [
    ["another image's build history", () => `${GROUP_IMAGES}/${other.name}/builds`, 'builds'],
    ["team-b's build history (the same image name)", () => `/groups/team-b/images/${twoBuilds.name}/builds`, 'builds'],
    ['the system build history (the same image name)', () => `${SYSTEM_IMAGES}/${twoBuilds.name}/builds`, 'builds'],
    ["the group's image list", () => GROUP_IMAGES, 'builds'],
    ["the group's image selection", () => `/groups/${GROUP}/image-selection`, 'builds'],
    ["a build's log", () => `${GROUP_IMAGES}/${twoBuilds.name}/builds/${twoBuilds.latestBuild!.id}/logs`, 'builds'],
    ["an image's build history", () => `${GROUP_IMAGES}/${twoBuilds.name}/builds`, 'images'],
    ['the system image list', () => SYSTEM_IMAGES, 'images'],
    ["another build's log", () => `${GROUP_IMAGES}/${twoBuilds.name}/builds/${twoBuilds.latestBuild!.id}/logs`, 'logs'],
    ["the running build's image history", () => `${GROUP_IMAGES}/${running.name}/builds`, 'logs'],
    ['the image list', () => GROUP_IMAGES, 'logs'],
  ];

  it.each(replays())('answers 400 to a cursor replayed on %s (from a %s list)', async (_what, target, from) => {
    // Prepare
    const cursor = { builds: buildsCursor, images: imagesCursor, logs: logsCursor }[from];

    // Act
    const reply = await call('GET', `${target()}?cursor=${encodeURIComponent(cursor)}`, { token: sys });

    // Assess
    expectProblem(reply, 400);
    figures.count('cursorReplaysRefused');
  });

  it('answers 400 to an image-list cursor replayed with another keyword', async () => {
    // Prepare
    const cursor = (await call('GET', `${GROUP_IMAGES}?limit=1&q=cursor`, { token: sys })).body.nextCursor;

    // Act
    const reply = await call('GET', `${GROUP_IMAGES}?limit=1&q=mx&cursor=${encodeURIComponent(cursor)}`, { token: sys });

    // Assess
    expectProblem(reply, 400);
    figures.count('cursorReplaysRefused');
  });
});

describe('mass assignment: bodies that try to set what only the service sets', () => {
  let custom: Image;
  let customPath: string;

  beforeAll(async () => {
    custom = await createBuilt(GROUP_IMAGES, 'mass-custom', ['mass-custom'], tokens.groupAdmin!);
    customPath = `${GROUP_IMAGES}/${custom.name}`;
  }, TEST_TIMEOUT_MS);

  const SPEC = { baseImage: BASE, packages: { pip: ['mass-custom'] } };
  const FORBIDDEN: [string, unknown][] = [
    ['name', 'chosen-name'],
    ['group', 'team-b'],
    ['scope', 'system'],
    ['owner', 'eve'],
    ['createdBy', 'eve'],
    ['updatedBy', 'eve'],
    ['createdAt', '2000-01-01T00:00:00.000Z'],
    ['status', 'succeeded'],
    ['ready', true],
    ['source', 'existing'],
    ['latestBuild', { id: 'b000000000forged', status: 'succeeded', createdAt: '2000-01-01T00:00:00.000Z', finishedAt: null }],
    ['version', 99],
    ['buildSpec', SPEC],
    ['imageUrl', 'registry.example.com/forged:1'],
  ];

  /** The image and its build history, as a system admin sees them. */
  const snapshot = async () => {
    const [image, builds] = await Promise.all([call('GET', customPath, { token: sys }), call('GET', `${customPath}/builds`, { token: sys })]);
    return { image: image.body, etag: image.headers.get('etag'), builds: builds.body };
  };

  it.each(FORBIDDEN)('refuses %s in a create body (422 naming it) and creates nothing', async (field, value) => {
    // Prepare
    const displayName = `mass-create-${field.toLowerCase()}`;

    // Act
    const reply = await call('POST', GROUP_IMAGES, { token: tokens.groupAdmin, body: { displayName, type: 'cpu', url: 'python:3.12', [field]: value } });

    // Assess
    expectInvalid(reply, `/${field}`);
    expect((await call('GET', `${GROUP_IMAGES}?q=${displayName}`, { token: sys })).body.items).toEqual([]);
    figures.count('massAssignmentRefused');
  });

  it('refuses a url on a custom image in a create body (422 naming it) and creates nothing', async () => {
    // Act
    const reply = await call('POST', GROUP_IMAGES, {
      token: tokens.groupAdmin,
      body: { displayName: 'mass-create-url', type: 'cpu', url: 'python:3.12', build: SPEC },
    });

    // Assess
    const problem = expectProblem(reply, 422);
    expect(problem.errors!.some((e) => ['/url', '/build'].includes(e.path) && e.message.includes('url'))).toBe(true);
    expect((await call('GET', `${GROUP_IMAGES}?q=mass-create-url`, { token: sys })).body.items).toEqual([]);
    figures.count('massAssignmentRefused');
  });

  it.each([...FORBIDDEN, ['url', 'registry.example.com/forged:1'] as [string, unknown]])(
    'refuses %s in an edit of a custom image (422 naming it) and changes nothing',
    async (field, value) => {
      // Prepare
      const before = await snapshot();

      // Act
      const reply = await call('PATCH', customPath, { token: tokens.groupAdmin, body: { description: 'sneaky', [field]: value } });

      // Assess
      expectInvalid(reply, `/${field}`);
      expect(await snapshot()).toEqual(before);
      figures.count('massAssignmentRefused');
    },
  );

  it.each([...FORBIDDEN, ['url', 'registry.example.com/forged:1'] as [string, unknown], ['spec', SPEC], ['reused', true], ['id', 'b000000000forged']])(
    'refuses %s in a rebuild body (422 naming it), starting nothing',
    async (field, value) => {
      // Prepare
      const before = await snapshot();

      // Act
      const reply = await call('POST', `${customPath}/builds`, { token: tokens.groupAdmin, body: { build: SPEC, [field]: value } });

      // Assess
      expectInvalid(reply, `/${field}`);
      expect(await snapshot()).toEqual(before);
      figures.count('massAssignmentRefused');
    },
  );

  it.each([['url'], ['status'], ['imageUrl'], ['group'], ['name']])(
    'refuses %s inside the build spec of a rebuild (422 naming it), starting nothing',
    async (field) => {
      // Prepare
      const before = await snapshot();

      // Act
      const reply = await call('POST', `${customPath}/builds`, { token: tokens.groupAdmin, body: { build: { ...SPEC, [field]: 'forged' } } });

      // Assess
      expectInvalid(reply, `/build/${field}`);
      expect(await snapshot()).toEqual(before);
      figures.count('massAssignmentRefused');
    },
  );

  it.each([
    ['name', 'other-secret'],
    ['createdAt', '2000-01-01T00:00:00.000Z'],
    ['owner', 'eve'],
    ['createdBy', 'eve'],
    ['group', 'team-b'],
    ['scope', 'system'],
  ])('refuses %s in a pull secret body (422 naming it) and stores nothing', async (field, value) => {
    // Prepare
    const name = `mass-secret-${field.toLowerCase()}`;

    // Act
    const reply = await call('PUT', `/secrets/${name}`, { token: sys, body: { ...LOGIN, [field]: value } });

    // Assess
    expectInvalid(reply, `/${field}`);
    const names = await secretNames();
    expect(names).not.toContain(name);
    expect(names).not.toContain(value);
    figures.count('massAssignmentRefused');
  });
});
