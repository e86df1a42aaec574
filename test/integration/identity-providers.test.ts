/**
 * Identity at the local edge: the local server verifies its tokens and hands the handlers API
 * Gateway's event shape, so the identity providers' layouts must map exactly as they do in Lambda.
 *
 * - The five providers' fixtures, minted by the local token tool with their claims, answer GET /me
 *   over HTTP with the caller they name (in-process local server, one per mapping).
 * - Over `npm start` (a separate process, settings from its environment), a Keycloak-shaped and a
 *   Cognito-shaped deployment give their admins, members, system admins and a caller whose group
 *   names try to smuggle memberships exactly the rights they should have, no more.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseSettings } from '../../bin/settings.ts';
import { PROJECT_ROOT } from '../../lib/service-function.ts';
import { envOf, PROVIDERS } from '../fixtures/identity-providers.ts';
import { startLocalApi } from '../support/local-api.ts';
import { killIfRunning, onSharedDynamo, startNpmStart, type StartedServer } from '../support/npm-start.ts';

const run = promisify(execFile);

/** Claims the local token tool sets itself (the local server checks them). */
const withoutToolClaims = ({ iss: _iss, aud: _aud, iat: _iat, exp: _exp, nbf: _nbf, ...claims }: Record<string, unknown>) => claims;

describe.each(PROVIDERS)('a $provider token over the local server', ({ settings, payload, caller }) => {
  it('answers GET /me with the caller its claims name', async () => {
    // Prepare
    const api = await startLocalApi({ claims: parseSettings(settings).claims });
    try {
      const token = await api.token({ sub: payload.sub as string, claims: withoutToolClaims(payload) });

      // Act
      const reply = await api.call('GET', '/me', { token });

      // Assess
      expect([reply.status, reply.body]).toEqual([200, caller]);
    } finally {
      await api.stop();
    }
  });
});

const IMAGE = (name: string) => ({ displayName: name, type: 'cpu', url: 'registry.example.com/identity/test:1' });

interface Deployment {
  provider: string;
  env: Record<string, string>;
  /** Token claims per caller. */
  callers: Record<'admin' | 'member' | 'otherMember' | 'systemAdmin' | 'smuggler', Record<string, unknown>>;
  /** What each caller's GET /me must show. */
  seen: Record<'admin' | 'member' | 'otherMember' | 'systemAdmin' | 'smuggler', { groups: string[]; adminGroups: string[]; systemAdmin: boolean }>;
}

const DEPLOYMENTS: Deployment[] = [
  {
    provider: 'Keycloak (groupPrefix=/, adminGroupSuffix=/admins, claimRoles=/realm_access/roles)',
    env: envOf({ claimAdminGroups: '', claimRoles: '/realm_access/roles', groupPrefix: '/', adminGroupSuffix: '/admins' }),
    callers: {
      admin: { groups: ['/team-a/admins'], realm_access: { roles: ['default-roles-portal'] } },
      member: { groups: ['/team-a'], realm_access: { roles: ['offline_access'] } },
      otherMember: { groups: ['/team-b'] },
      systemAdmin: { groups: [], realm_access: { roles: ['system-admin'] } },
      smuggler: {
        groups: ['/team-a leads', '/ml,team-b/admins', '[/team-a]', 'team-a', '/team-b admins'],
        realm_access: { roles: ['system-admin (read only)', '[system-admin]'] },
        roles: ['system-admin'],
        admin_groups: ['team-a'],
      },
    },
    seen: {
      admin: { groups: ['team-a'], adminGroups: ['team-a'], systemAdmin: false },
      member: { groups: ['team-a'], adminGroups: [], systemAdmin: false },
      otherMember: { groups: ['team-b'], adminGroups: [], systemAdmin: false },
      systemAdmin: { groups: [], adminGroups: [], systemAdmin: true },
      smuggler: { groups: ['ml,team-b', 'team-a leads', 'team-b admins'], adminGroups: ['ml,team-b'], systemAdmin: false },
    },
  },
  {
    provider: 'Cognito (claimGroups=cognito:groups, adminGroupSuffix=-admins)',
    env: envOf({ claimGroups: 'cognito:groups', claimAdminGroups: '', claimRoles: 'cognito:groups', adminGroupSuffix: '-admins' }),
    callers: {
      admin: { 'cognito:groups': ['team-a-admins'], token_use: 'id' },
      member: { 'cognito:groups': ['team-a'], token_use: 'id' },
      otherMember: { 'cognito:groups': 'team-b', token_use: 'id' },
      systemAdmin: { 'cognito:groups': ['system-admin'], token_use: 'id' },
      smuggler: {
        'cognito:groups': ['team-a leads', 'ml,team-b-admins', '[team-a]', 'system-admin (read only)'],
        groups: ['team-a'],
        admin_groups: ['team-b'],
        roles: ['system-admin'],
      },
    },
    seen: {
      admin: { groups: ['team-a'], adminGroups: ['team-a'], systemAdmin: false },
      member: { groups: ['team-a'], adminGroups: [], systemAdmin: false },
      otherMember: { groups: ['team-b'], adminGroups: [], systemAdmin: false },
      systemAdmin: { groups: ['system-admin'], adminGroups: [], systemAdmin: true },
      smuggler: { groups: ['[team-a]', 'ml,team-b', 'system-admin (read only)', 'team-a leads'], adminGroups: ['ml,team-b'], systemAdmin: false },
    },
  },
];

describe.each(DEPLOYMENTS)('over `npm start` with $provider', ({ env, callers, seen }) => {
  let server: StartedServer | undefined;
  let dataDir: string;
  const tokens = {} as Record<keyof Deployment['callers'], string>;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'group-images-identity-'));
    server = await startNpmStart(dataDir, { CONTAINER_CLI: '', ...onSharedDynamo(), ...env });
    for (const [who, claims] of Object.entries(callers)) tokens[who as keyof typeof tokens] = await server.token({ sub: who, claims });
  });

  afterAll(async () => {
    await killIfRunning(server);
    await rm(dataDir, { recursive: true, force: true });
  });

  it.each(Object.keys(seen) as (keyof Deployment['seen'])[])('shows %s as the service sees them on GET /me', async (who) => {
    // Act
    const reply = await server!.call('GET', '/me', { token: tokens[who] });

    // Assess
    expect([reply.status, reply.body]).toEqual([200, { sub: who, ...seen[who] }]);
  });

  it.each<[keyof Deployment['callers'], string, string, number]>([
    ['admin', 'POST', '/groups/team-a/images', 201],
    ['member', 'POST', '/groups/team-a/images', 403],
    ['member', 'GET', '/groups/team-a/images', 200],
    ['otherMember', 'GET', '/groups/team-a/images', 403],
    ['otherMember', 'GET', '/groups/team-b/images', 200],
    ['admin', 'POST', '/images', 403],
    ['systemAdmin', 'POST', '/images', 201],
    ['systemAdmin', 'POST', '/groups/team-b/images', 201],
    ['smuggler', 'GET', '/groups/team-a/images', 403],
    ['smuggler', 'POST', '/groups/team-a/images', 403],
    ['smuggler', 'POST', '/groups/team-b/images', 403],
    ['smuggler', 'POST', '/images', 403],
    ['smuggler', 'PUT', '/secrets/smuggled', 403],
  ])('%s: %s %s is %i', async (who, method, path, status) => {
    // Act
    const reply = await server!.call(method, path, {
      token: tokens[who],
      body:
        method === 'GET'
          ? undefined
          : path.startsWith('/secrets')
            ? { registry: 'ghcr.io', username: 'u', password: 'p' }
            : IMAGE(`id-${who.toLowerCase()}-${path.replaceAll('/', '.').slice(1)}`),
    });

    // Assess
    expect(reply.status).toBe(status);
  });

  it('accepts a token minted by `npm run token -- --claims` (the CLI)', async () => {
    // Prepare
    const { NODE_OPTIONS: _vmModules, ...inherited } = process.env;
    const { stdout } = await run(
      process.execPath,
      [join(PROJECT_ROOT, 'node_modules/tsx/dist/cli.mjs'), 'lambdas/local/token.ts', '--sub', 'cli', '--claims', JSON.stringify(callers.admin)],
      {
        cwd: PROJECT_ROOT,
        env: { ...inherited, DATA_DIR: dataDir },
      },
    );

    // Act
    const reply = await server!.call('GET', '/me', { token: stdout.trim() });

    // Assess
    expect([reply.status, reply.body]).toEqual([200, { sub: 'cli', ...seen.admin }]);
  });
});
