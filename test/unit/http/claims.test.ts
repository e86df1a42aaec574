import { describe, expect, it } from '@jest/globals';
import { DEFAULT_CLAIMS, DEFAULT_SYSTEM_ADMIN_ROLE, type ClaimNames } from '../../../lambdas/config.ts';
import { DomainError } from '../../../lambdas/domain/errors.ts';
import { claimList, flattenClaim, principalFrom } from '../../../lambdas/http/claims.ts';

const names: ClaimNames = { ...DEFAULT_CLAIMS, systemAdminRole: DEFAULT_SYSTEM_ADMIN_ROLE };

/** Runs principalFrom and returns the error it threw, or fails. */
function refusal(claims: Record<string, unknown> | undefined): DomainError {
  try {
    principalFrom(claims, names);
  } catch (e) {
    return e as DomainError;
  }
  throw new Error('principalFrom accepted the claims');
}

describe('claimList', () => {
  it.each([
    ['API Gateway flattened array', '[team-a team-b]', ['team-a', 'team-b']],
    ['API Gateway flattened single entry', '[team-a]', ['team-a']],
    ['API Gateway flattened empty array', '[]', []],
    ['flattened with extra spaces', '[ team-a   team-b ]', ['team-a', 'team-b']],
    ['JSON array text', '["team-a","team-b"]', ['team-a', 'team-b']],
    ['JSON array text with spaces', '[ "team-a", "team-b" ]', ['team-a', 'team-b']],
    ['comma-separated in brackets', '[team-a,team-b]', ['team-a', 'team-b']],
    ['real array', ['team-a', 'team-b'], ['team-a', 'team-b']],
    ['plain string', 'team-a', ['team-a']],
    ['plain string with surrounding spaces', '  team-a ', ['team-a']],
    ['empty string', '', []],
    ['missing', undefined, []],
    ['null', null, []],
  ])('reads a %s', (_label, value, expected) => {
    // Act
    const list = claimList(value);

    // Assess
    expect(list).toEqual(expected);
  });

  it('reads back what flattenClaim renders, as API Gateway does', () => {
    // Prepare
    const groups = ['team-a', 'team.b', 'team_c@corp'];

    // Act
    const list = claimList(flattenClaim(groups));

    // Assess
    expect(list).toEqual(groups);
  });
});

describe('principalFrom', () => {
  it('reads subject, groups, admin groups and the system-admin role from flattened claims', () => {
    // Prepare
    const claims = { sub: 'ada', groups: '[team-a team-b]', admin_groups: '[team-a]', roles: '[system-admin auditor]' };

    // Act
    const principal = principalFrom(claims, names);

    // Assess
    expect(principal).toEqual({ sub: 'ada', groups: new Set(['team-a', 'team-b']), adminGroups: new Set(['team-a']), systemAdmin: true });
  });

  it('reads array claims as JSON arrays', () => {
    // Prepare
    const claims = { sub: 'ada', groups: ['team-a'], admin_groups: ['team-a'], roles: [] };

    // Act
    const principal = principalFrom(claims, names);

    // Assess
    expect(principal).toEqual({ sub: 'ada', groups: new Set(['team-a']), adminGroups: new Set(['team-a']), systemAdmin: false });
  });

  it('reads a single role given as a plain string', () => {
    // Act
    const principal = principalFrom({ sub: 'sys', roles: 'system-admin' }, names);

    // Assess
    expect(principal.systemAdmin).toBe(true);
  });

  it('does not take a role that merely contains the system-admin role name', () => {
    // Act
    const principal = principalFrom({ sub: 'eve', roles: '[not-system-admin system-admins]' }, names);

    // Assess
    expect(principal.systemAdmin).toBe(false);
  });

  it('treats missing group claims as no groups', () => {
    // Act
    const principal = principalFrom({ sub: 'newcomer' }, names);

    // Assess
    expect(principal).toEqual({ sub: 'newcomer', groups: new Set(), adminGroups: new Set(), systemAdmin: false });
  });

  it('reads the claim names the deployment configured', () => {
    // Prepare
    const custom: ClaimNames = { sub: 'email', groups: 'cognito:groups', adminGroups: 'custom:admins', roles: 'custom:roles', systemAdminRole: 'platform-admin' };
    const claims = { sub: 'ignored', email: 'ada@example.com', 'cognito:groups': '[team-a]', 'custom:admins': '[team-a]', 'custom:roles': '[platform-admin]', roles: '[system-admin]' };

    // Act
    const principal = principalFrom(claims, custom);

    // Assess
    expect(principal).toEqual({ sub: 'ada@example.com', groups: new Set(['team-a']), adminGroups: new Set(['team-a']), systemAdmin: true });
  });

  it.each([
    ['no claims at all', undefined],
    ['no sub', { groups: '[team-a]', admin_groups: '[team-a]' }],
    ['an empty sub', { sub: '', groups: '[team-a]' }],
    ['a sub that is not a string', { sub: 42, groups: '[team-a]' }],
  ])('refuses %s as unauthenticated (401)', (_label, claims) => {
    // Act
    const error = refusal(claims);

    // Assess
    expect(error).toBeInstanceOf(DomainError);
    expect(error.kind).toBe('unauthenticated');
  });
});
