/**
 * The claim mapping settings: the same names and rules in CDK context (bin/settings.ts), in the
 * functions' environment (what CDK sets, what lambdas/config.ts reads) and in `npm start`'s.
 */
import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseSettings, type RawSettings } from '../../../bin/settings.ts';
import { settingsError } from '../../support/settings-error.ts';
import { claimNamesFrom, ENV } from '../../../lambdas/config.ts';
import { PROJECT_ROOT } from '../../../lib/service-function.ts';
import { resourcesOf, synth } from '../../infra/synth.ts';

const run = promisify(execFile);

describe('claim mapping in CDK context', () => {
  it.each<[string, RawSettings]>([
    ['Keycloak', { claimGroups: 'groups', claimAdminGroups: '', claimRoles: '/realm_access/roles', groupPrefix: '/', adminGroupSuffix: '/admins' }],
    ['Cognito', { claimGroups: 'cognito:groups', claimAdminGroups: '', claimRoles: 'cognito:groups', adminGroupSuffix: '-admins' }],
    [
      'Auth0',
      {
        claimGroups: 'https://portal.example.com/groups',
        claimAdminGroups: 'https://portal.example.com/admin_groups',
        claimRoles: 'https://portal.example.com/roles',
      },
    ],
    ['a claim name with spaces and non-ASCII', { claimGroups: 'Gruppen der Benutzerin', claimRoles: 'rôles' }],
  ])('accepts the %s settings as given', (_label, raw) => {
    // Act
    const { claims } = parseSettings(raw);

    // Assess
    expect(claims).toMatchObject({
      groups: raw.claimGroups,
      adminGroups: raw.claimAdminGroups ?? 'admin_groups',
      roles: raw.claimRoles,
      groupPrefix: raw.groupPrefix ?? '',
      adminGroupSuffix: raw.adminGroupSuffix ?? '',
    });
  });

  it.each<[string, RawSettings, string]>([
    ['claimRoles', { claimRoles: '/realm_access//roles' }, 'without empty segments'],
    ['claimGroups', { claimGroups: '' }, 'expected a claim name'],
    ['claimSub', { claimSub: 'sub\t' }, 'control characters'],
    ['claimAdminGroups', { claimAdminGroups: '/x~3' }, '~0'],
    ['adminGroupSuffix', { adminGroupSuffix: '-admins\n' }, 'control characters'],
    ['systemAdminRole', { systemAdminRole: '' }, 'non-empty role name'],
    ['groupPrefix', { groupPrefix: 7 }, 'expected text'],
  ])('fails synth naming %s', (key, raw, why) => {
    // Act
    const message = settingsError(raw);

    // Assess
    expect(message).toMatch(new RegExp(`^  - ${key}: .*${why}`, 'm'));
  });

  it('gives every HTTP function the mapping, prefix and suffix only when set', () => {
    // Act
    const { apiTemplate } = synth({
      claimGroups: 'cognito:groups',
      claimAdminGroups: '',
      claimRoles: '/realm_access/roles',
      groupPrefix: '/',
      adminGroupSuffix: '/admins',
    });
    const environments = Object.values(resourcesOf(apiTemplate, 'AWS::Lambda::Function'))
      .map((f) => (f.Properties!.Environment as { Variables: Record<string, unknown> }).Variables)
      .filter((v) => ENV.claimSub in v);
    const { apiTemplate: plain } = synth({});
    const plainEnvironments = Object.values(resourcesOf(plain, 'AWS::Lambda::Function')).map(
      (f) => (f.Properties!.Environment as { Variables: Record<string, unknown> }).Variables,
    );

    // Assess
    expect(environments).toHaveLength(5);
    for (const v of environments) {
      expect(v).toMatchObject({
        CLAIM_SUB: 'sub',
        CLAIM_GROUPS: 'cognito:groups',
        CLAIM_ADMIN_GROUPS: '',
        CLAIM_ROLES: '/realm_access/roles',
        GROUP_PREFIX: '/',
        ADMIN_GROUP_SUFFIX: '/admins',
      });
      // What the function reads back at cold start is what was set.
      expect(claimNamesFrom(v as Record<string, string>)).toEqual({
        sub: 'sub',
        groups: 'cognito:groups',
        adminGroups: '',
        roles: '/realm_access/roles',
        systemAdminRole: 'system-admin',
        groupPrefix: '/',
        adminGroupSuffix: '/admins',
      });
    }
    for (const v of plainEnvironments) expect([ENV.groupPrefix in v, ENV.adminGroupSuffix in v]).toEqual([false, false]);
  });
});

describe('claim mapping in the environment (functions and npm start)', () => {
  it('takes the defaults when nothing is set', () => {
    // Act
    const names = claimNamesFrom({});

    // Assess
    expect(names).toEqual({
      sub: 'sub',
      groups: 'groups',
      adminGroups: 'admin_groups',
      roles: 'roles',
      systemAdminRole: 'system-admin',
      groupPrefix: '',
      adminGroupSuffix: '',
    });
  });

  it('reads the SCREAMING_SNAKE_CASE variables; an empty CLAIM_ADMIN_GROUPS means no such claim', () => {
    // Act
    const names = claimNamesFrom({
      CLAIM_SUB: 'oid',
      CLAIM_GROUPS: 'cognito:groups',
      CLAIM_ADMIN_GROUPS: '',
      CLAIM_ROLES: '/realm_access/roles',
      SYSTEM_ADMIN_ROLE: 'Portal Admin',
      GROUP_PREFIX: '/',
      ADMIN_GROUP_SUFFIX: '/admins',
    });

    // Assess
    expect(names).toEqual({
      sub: 'oid',
      groups: 'cognito:groups',
      adminGroups: '',
      roles: '/realm_access/roles',
      systemAdminRole: 'Portal Admin',
      groupPrefix: '/',
      adminGroupSuffix: '/admins',
    });
  });

  it.each([
    ['CLAIM_ROLES', '/realm_access//roles'],
    ['CLAIM_GROUPS', 'groups\n'],
    ['CLAIM_ADMIN_GROUPS', '/a~'],
    ['ADMIN_GROUP_SUFFIX', 'x'.repeat(300)],
  ])('refuses a bad %s, naming it', (variable, value) => {
    // Act & Assess
    expect(() => claimNamesFrom({ [variable]: value })).toThrow(new RegExp(`^environment variable ${variable}: expected`));
  });

  it('stops `npm start` before it listens, naming the variable', async () => {
    // Prepare
    const dataDir = await mkdtemp(join(tmpdir(), 'gi-claims-env-'));
    const { NODE_OPTIONS: _vmModules, ...env } = process.env;

    // Act
    const result = await run(process.execPath, [join(PROJECT_ROOT, 'node_modules/tsx/dist/cli.mjs'), 'lambdas/local/main.ts'], {
      cwd: PROJECT_ROOT,
      env: { ...env, PORT: '0', DATA_DIR: dataDir, CLAIM_ROLES: '/realm_access//roles' },
    }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    await rm(dataDir, { recursive: true, force: true });

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('environment variable CLAIM_ROLES: expected a JSON Pointer without empty segments');
    expect(result.stdout).not.toContain('listening');
  });
});
