import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DEFAULT_CLAIMS, DEFAULT_SYSTEM_ADMIN_ROLE, type ClaimNames } from '../../../lambdas/config.ts';
import { DomainError } from '../../../lambdas/domain/errors.ts';
import type { Principal } from '../../../lambdas/domain/principal.ts';
import { claimAt, claimPathProblem, parseClaimPath } from '../../../lambdas/http/claim-path.ts';
import { claimValues, flattenClaims, principalFrom, principalFromClaims } from '../../../lambdas/http/claims.ts';
import { jwtAuthorizerEvent, unsignedJwt } from '../../support/api-gateway-events.ts';

const names: ClaimNames = { ...DEFAULT_CLAIMS, systemAdminRole: DEFAULT_SYSTEM_ADMIN_ROLE };
const ISS = 'https://idp.example.com/';

/** The principal of an API Gateway event carrying a token with these claims. */
const callerOf = (claims: Record<string, unknown>, mapping: ClaimNames = names) =>
  principalFrom(jwtAuthorizerEvent({ route: '/me', claims: { iss: ISS, ...claims } }), mapping);

/** Runs fn and returns the DomainError it threw, or fails. */
function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return e as DomainError;
  }
  throw new Error('expected a refusal');
}

const principal = (sub: string, groups: string[], adminGroups: string[], systemAdmin: boolean): Principal => ({
  sub,
  groups: new Set(groups),
  adminGroups: new Set(adminGroups),
  systemAdmin,
});

describe('claim paths', () => {
  it.each([
    ['groups', ['groups']],
    ['cognito:groups', ['cognito:groups']],
    ['https://portal.example.com/groups', ['https://portal.example.com/groups']],
    ['group names with spaces', ['group names with spaces']],
    ['/realm_access/roles', ['realm_access', 'roles']],
    ['/resource_access/group-images/roles', ['resource_access', 'group-images', 'roles']],
    ['/https:~1~1portal.example.com~1claims/groups', ['https://portal.example.com/claims', 'groups']],
    ['/a~0b', ['a~b']],
  ])('reads %j as %j', (text, path) => {
    // Act
    const parsed = parseClaimPath(text);

    // Assess
    expect(parsed).toEqual(path);
  });

  it.each([[''], ['/'], ['/realm_access//roles'], ['/realm_access/'], ['/a~2b'], ['/a~']])('refuses %j, saying why', (text) => {
    // Act
    const problem = claimPathProblem(text);

    // Assess
    expect(problem).toMatch(/^expected /);
    expect(() => parseClaimPath(text)).toThrow(problem);
  });

  it("follows only the payload's own members, never a prototype's", () => {
    // Prepare
    const payload = JSON.parse('{"realm_access":{"roles":["r"]},"__proto__":{"polluted":["x"]}}') as Record<string, unknown>;

    // Act
    const found = [['constructor'], ['toString'], ['realm_access', 'hasOwnProperty'], ['__proto__', 'polluted'], ['realm_access', 'roles', '0']].map((p) =>
      claimAt(payload, p),
    );

    // Assess
    expect(found).toEqual([undefined, undefined, undefined, ['x'], undefined]);
  });
});

describe('claimValues', () => {
  it.each([
    ['an array of strings stays an array, whatever the strings hold', ['team-a leads', 'ml,team-b', '[x]'], ['team-a leads', 'ml,team-b', '[x]']],
    ['a string is one value, brackets and all', '[team-b]', ['[team-b]']],
    ['a string with spaces is one value', 'team-a team-b', ['team-a team-b']],
    ['non-strings inside an array are ignored', ['team-a', 7, null, { g: 'x' }, ['team-b'], true, ''], ['team-a']],
    ['a number is ignored', 42, []],
    ['a boolean is ignored', true, []],
    ['an object is ignored', { 0: 'team-a' }, []],
    ['null is ignored', null, []],
    ['an empty string is ignored', '', []],
    ['a missing claim is nothing', undefined, []],
  ])('%s', (_label, value, expected) => {
    // Act
    const values = claimValues(value);

    // Assess
    expect(values).toEqual(expected);
  });
});

describe('flattenClaims (the local server renders claims as API Gateway hands them on)', () => {
  it('gives strings only: strings as they are, numbers and booleans as text, arrays as "[a b]"', () => {
    // Act
    const flat = flattenClaims({ sub: 'ada', exp: 1612061676, email_verified: true, groups: ['team-a leads', 'ml,team-b'], realm_access: { roles: ['r'] } });

    // Assess
    expect(flat).toEqual({ sub: 'ada', exp: '1612061676', email_verified: 'true', groups: '[team-a leads ml,team-b]', realm_access: '{"roles":["r"]}' });
  });
});

describe('the caller from an API Gateway event', () => {
  it('reads subject, groups, admin groups and the system-admin role from the verified token', () => {
    // Act
    const caller = callerOf({ sub: 'ada', groups: ['team-a', 'team-b'], admin_groups: ['team-a'], roles: ['system-admin', 'auditor'] });

    // Assess
    expect(caller).toEqual(principal('ada', ['team-a', 'team-b'], ['team-a'], true));
  });

  it.each([
    ['a group named "team-a leads" is not team-a', { groups: ['team-a leads'] }, principal('eve', ['team-a leads'], [], false)],
    ['an admin group named "ml,team-b" administers no team-b', { admin_groups: ['ml,team-b'] }, principal('eve', [], ['ml,team-b'], false)],
    ['a role "system-admin (read only)" is no system admin', { roles: ['system-admin (read only)'] }, principal('eve', [], [], false)],
    ['a plain string claim "[team-b]" is one group named "[team-b]"', { groups: '[team-b]' }, principal('eve', ['[team-b]'], [], false)],
    ['a plain string "[system-admin]" role is not the role', { roles: '[system-admin]' }, principal('eve', [], [], false)],
    ['roles that merely contain the role name', { roles: ['not-system-admin', 'system-admins', ' system-admin'] }, principal('eve', [], [], false)],
    ['JSON text inside a string', { admin_groups: '["team-a","team-b"]' }, principal('eve', [], ['["team-a","team-b"]'], false)],
  ])('never splits a value: %s', (_label, claims, expected) => {
    // Prepare: what API Gateway's authorizer hands on for these claims, e.g. "[team-a leads]"
    const event = jwtAuthorizerEvent({ route: '/me', claims: { iss: ISS, sub: 'eve', ...claims } });

    // Act
    const caller = principalFrom(event, names);

    // Assess
    expect(caller).toEqual(expected);
    expect(Object.values(event.requestContext.authorizer!.jwt!.claims!).every((v) => typeof v === 'string')).toBe(true);
  });

  it.each([
    ['a single role given as a plain string', { roles: 'system-admin' }, principal('sys', [], [], true)],
    ['claims of the wrong type (never a 500)', { groups: 12, admin_groups: { 'team-a': true }, roles: [['system-admin']] }, principal('sys', [], [], false)],
    ['missing group claims', {}, principal('sys', [], [], false)],
  ])('reads %s', (_label, claims, expected) => {
    // Act
    const caller = callerOf({ sub: 'sys', ...claims });

    // Assess
    expect(caller).toEqual(expected);
  });

  it('accepts the token without the "Bearer " prefix, as API Gateway does', () => {
    // Prepare
    const claims = { iss: ISS, sub: 'ada', groups: ['team-a'] };

    // Act
    const caller = principalFrom(jwtAuthorizerEvent({ route: '/me', claims, authorization: unsignedJwt(claims) }), names);

    // Assess
    expect(caller.groups).toEqual(new Set(['team-a']));
  });

  const verified = { iss: ISS, sub: 'eve', groups: ['team-b'] };
  const forged = { iss: ISS, sub: 'root', roles: ['system-admin'] };
  it.each<[string, Parameters<typeof jwtAuthorizerEvent>[0]]>([
    ['no authorization header', { route: '/me', claims: verified, authorization: '' }],
    ['a header that is not a JWT', { route: '/me', claims: verified, authorization: 'Bearer not-a-token' }],
    ['a token whose payload is not JSON', { route: '/me', claims: verified, authorization: `Bearer a.${Buffer.from('{oops').toString('base64url')}.c` }],
    ['a token whose payload is an array', { route: '/me', claims: verified, authorization: `Bearer a.${Buffer.from('["sub"]').toString('base64url')}.c` }],
    [
      'two tokens in one header (API Gateway joins repeated headers with commas)',
      { route: '/me', claims: verified, authorization: `Bearer ${unsignedJwt(verified)},Bearer ${unsignedJwt(forged)}` },
    ],
    ['a token other than the verified one: another sub', { route: '/me', claims: forged, authorizerClaims: flattenClaims(verified) }],
    [
      'a token other than the verified one: another iss',
      { route: '/me', claims: { ...verified, iss: 'https://evil.example.com/' }, authorizerClaims: flattenClaims(verified) },
    ],
    ['a token with no iss', { route: '/me', claims: { sub: 'eve' } }],
    ['a token with a sub the authorizer did not see', { route: '/me', claims: verified, authorizerClaims: { iss: ISS } }],
    ['no sub at all', { route: '/me', claims: { iss: ISS, groups: ['team-a'] } }],
    ['an empty sub', { route: '/me', claims: { iss: ISS, sub: '' } }],
    ['a sub that is not a string', { route: '/me', claims: { iss: ISS, sub: 42 } }],
  ])('refuses %s as unauthenticated (401)', (_label, request) => {
    // Act
    const error = refusal(() => principalFrom(jwtAuthorizerEvent(request), names));

    // Assess
    expect(error.kind).toBe('unauthenticated');
  });

  it('refuses an event without the authorizer claims (401)', () => {
    // Prepare
    const event = jwtAuthorizerEvent({ route: '/me', claims: verified });
    delete (event.requestContext as { authorizer?: unknown }).authorizer;

    // Act
    const error = refusal(() => principalFrom(event, names));

    // Assess
    expect(error.kind).toBe('unauthenticated');
  });
});

describe('the claim mapping', () => {
  it('reads the claim names, pointers, prefix and suffix the deployment configured', () => {
    // Prepare
    const mapping: ClaimNames = {
      sub: 'email',
      groups: 'cognito:groups',
      adminGroups: '/custom/admins',
      roles: '/realm_access/roles',
      systemAdminRole: 'platform-admin',
      groupPrefix: 'gi-',
      adminGroupSuffix: '-admins',
    };
    const claims = {
      sub: 'ignored',
      email: 'ada@example.com',
      'cognito:groups': ['gi-team-a', 'gi-team-b-admins', 'other-team', 'gi-', 'gi--admins'],
      custom: { admins: ['gi-team-c', 'team-d'] },
      realm_access: { roles: ['platform-admin'] },
      roles: ['system-admin'],
    };

    // Act
    const caller = principalFromClaims(claims, mapping);

    // Assess
    expect(caller).toEqual(principal('ada@example.com', ['team-a'], ['team-b', 'team-c'], true));
  });

  it('reads no admin groups when the admin-groups claim is configured empty', () => {
    // Act
    const caller = principalFromClaims({ sub: 'ada', groups: ['team-a'], '': ['team-b'], admin_groups: ['team-c'] }, { ...names, adminGroups: '' });

    // Assess
    expect(caller).toEqual(principal('ada', ['team-a'], [], false));
  });
});

// ---------------------------------------------------------------------------------------------

/** Names with the characters that broke the old parser, and any string at all. */
const awkward = fc.oneof(
  fc.constantFrom(
    '-admins',
    '/admins',
    'gi--admins',
    '//admins',
    'team-a',
    'team-b',
    'team-a leads',
    'ml,team-b',
    '[team-b]',
    '"team-a"',
    "o'neil",
    'système',
    'チーム',
    'team-a-admins',
    '/team-a',
    '/team-a/admins',
    'system-admin',
    'system-admin (read only)',
    '[system-admin]',
    '',
  ),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: fc.constantFrom('a', '-', '/', ' ', ',', '[', ']', '"', 'é', 's'), maxLength: 12 }),
);
/** The test's own oracle of what a claim literally holds: a string, or an array's strings. */
const literally = (claim: unknown): unknown[] => (typeof claim === 'string' ? [claim] : Array.isArray(claim) ? claim.filter((v) => typeof v === 'string') : []);

const claimValue = fc.oneof(
  { weight: 4, arbitrary: fc.array(awkward, { maxLength: 6 }) },
  { weight: 2, arbitrary: awkward },
  { weight: 1, arbitrary: fc.anything() },
);

describe('no claim value yields a membership it does not literally name (property)', () => {
  it('holds for any group, admin group and role values, prefix and suffix, through the API Gateway event', () => {
    fc.assert(
      fc.property(
        claimValue,
        claimValue,
        claimValue,
        fc.constantFrom('', '/', 'gi-'),
        fc.constantFrom('', '-admins', '/admins'),
        (groupsClaim, adminClaim, rolesClaim, groupPrefix, adminGroupSuffix) => {
          // Prepare
          const mapping: ClaimNames = { ...names, groupPrefix, adminGroupSuffix };
          const groupValues = literally(groupsClaim);
          const adminValues = literally(adminClaim);

          // Act
          const caller = callerOf({ sub: 'eve', groups: groupsClaim, admin_groups: adminClaim, roles: rolesClaim }, mapping);

          // Assess: each membership is spelled out by one value, character for character
          for (const group of caller.groups) {
            expect(groupValues).toContain(groupPrefix + group);
            expect(adminGroupSuffix !== '' && group.endsWith(adminGroupSuffix)).toBe(false);
          }
          for (const group of caller.adminGroups) {
            const named =
              adminValues.includes(groupPrefix + group) || (adminGroupSuffix !== '' && groupValues.includes(groupPrefix + group + adminGroupSuffix));
            expect([group, named]).toEqual([group, true]);
          }
          expect(caller.systemAdmin).toBe(literally(rolesClaim).includes(DEFAULT_SYSTEM_ADMIN_ROLE));
          for (const group of [...caller.groups, ...caller.adminGroups]) expect(group).not.toBe('');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('grants every membership a value does name (the mapping drops nothing it should read)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 16 }), { maxLength: 6 }), (groups) => {
        // Act
        const caller = callerOf({ sub: 'eve', groups, admin_groups: groups });

        // Assess
        expect(caller.groups).toEqual(new Set(groups));
        expect(caller.adminGroups).toEqual(new Set(groups));
      }),
    );
  });
});
