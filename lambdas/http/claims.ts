/**
 * The caller, from the bearer JWT itself.
 *
 * API Gateway's JWT authorizer verifies the token (signature, issuer, audience, expiry) and hands the
 * function its claims flattened into strings: an array claim ["team-a leads", "ml,team-b"] arrives
 * as "[team-a leads ml,team-b]", which no parser can split back safely. So the claims are read from
 * the token in the `authorization` header, the very token the authorizer verified: arrays stay
 * arrays, a string is one value, anything else is ignored. As defence in depth, the token's `iss`
 * and `sub` must agree with what the authorizer verified, else the request is unauthenticated.
 *
 * The local server verifies its own tokens and builds the same event (the header, and the flattened
 * claims where API Gateway puts them), so this one code path serves both.
 */
import type { ClaimNames } from '../config.ts';
import { unauthenticated } from '../domain/errors.ts';
import type { Principal } from '../domain/principal.ts';
import { claimAt, parseClaimPath } from './claim-path.ts';

export type Claims = Record<string, unknown>;

/** A compact JWS: three base64url parts. API Gateway accepts the token alone or after "Bearer ". */
const BEARER = /^(?:Bearer\s+)?([A-Za-z0-9_-]+\.([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]+)$/i;

/** The registered claims that must be the same in the header's token and in the authorizer's claims. */
const CROSS_CHECKED = ['iss', 'sub'] as const;

/** The payload of the bearer token in these (API Gateway v2: lowercase) headers, or undefined. */
export function bearerPayload(headers: Record<string, string | undefined> | undefined): Claims | undefined {
  const header = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
  const payload = header === undefined ? undefined : BEARER.exec(header.trim())?.[2];
  if (payload === undefined) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return claims !== null && typeof claims === 'object' && !Array.isArray(claims) ? (claims as Claims) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The claims of the token API Gateway verified: the header's token, when the authorizer's own claims
 * agree with it on iss and sub. Anything else is a 401, never a 500.
 */
export function verifiedClaims(headers: Record<string, string | undefined> | undefined, authorizerClaims: Claims | undefined): Claims {
  const claims = bearerPayload(headers);
  if (!claims) throw unauthenticated('a bearer token is required (Authorization: Bearer <JWT>)');
  if (!authorizerClaims || typeof claims.iss !== 'string') throw unauthenticated('the bearer token was not verified');
  for (const name of CROSS_CHECKED) {
    const inToken = claims[name];
    const verified = authorizerClaims[name];
    const agrees = typeof inToken === 'string' ? inToken === verified : inToken === undefined && verified === undefined;
    if (!agrees) throw unauthenticated('the bearer token is not the one that was verified');
  }
  return claims;
}

/** A claim's values: an array's non-empty strings, or a non-empty string as one value; nothing for any other type. */
export function claimValues(value: unknown): string[] {
  if (typeof value === 'string') return value === '' ? [] : [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && v !== '');
  return [];
}

const paths = new Map<string, readonly string[]>();
function read(claims: Claims, setting: string): unknown {
  let path = paths.get(setting);
  if (!path) paths.set(setting, (path = parseClaimPath(setting)));
  return claimAt(claims, path);
}

/** The group a value names once the prefix is removed; undefined when it lacks the prefix or names nothing. */
function groupNamed(value: string, prefix: string): string | undefined {
  if (!value.startsWith(prefix)) return undefined;
  const group = value.slice(prefix.length);
  return group === '' ? undefined : group;
}

/**
 * The principal the verified claims describe, through the deployment's claim mapping. Each value
 * grants exactly what it names: a group value (prefix removed) is membership of that group, or, when
 * it ends with the admin group suffix, administration of the group before the suffix (and nothing
 * else); an admin-groups
 * value (prefix removed) administers that group; the system-admin role must be a roles value exactly.
 */
export function principalFromClaims(claims: Claims, names: ClaimNames): Principal {
  const sub = read(claims, names.sub);
  if (typeof sub !== 'string' || sub === '') throw unauthenticated(`the bearer token has no subject (claim ${names.sub})`);
  const prefix = names.groupPrefix ?? '';
  const suffix = names.adminGroupSuffix ?? '';
  const groups = new Set<string>();
  const adminGroups = new Set<string>();
  for (const value of claimValues(read(claims, names.groups))) {
    const group = groupNamed(value, prefix);
    if (group === undefined) continue;
    if (suffix === '' || !group.endsWith(suffix)) groups.add(group);
    else if (group.length > suffix.length) adminGroups.add(group.slice(0, -suffix.length));
    // A value that is the suffix alone administers no group: it grants nothing.
  }
  if (names.adminGroups !== '') {
    for (const value of claimValues(read(claims, names.adminGroups))) {
      const group = groupNamed(value, prefix);
      if (group !== undefined) adminGroups.add(group);
    }
  }
  return { sub, groups, adminGroups, systemAdmin: claimValues(read(claims, names.roles)).includes(names.systemAdminRole) };
}

/** The caller of an API Gateway (v2) request with a JWT authorizer. */
export function principalFrom(
  event: { headers?: Record<string, string | undefined>; requestContext: { authorizer?: { jwt?: { claims?: Claims } } } },
  names: ClaimNames,
): Principal {
  return principalFromClaims(verifiedClaims(event.headers, event.requestContext.authorizer?.jwt?.claims), names);
}

/**
 * The claims as API Gateway's JWT authorizer passes them on, for the local server's events: strings
 * as they are, numbers and booleans as text, arrays as "[a b]" (objects as JSON text). The handlers
 * never read these values (see above), only compare iss and sub with the token's.
 */
export function flattenClaims(payload: Claims): Record<string, string> {
  const flatten = (value: unknown): string =>
    Array.isArray(value) ? `[${value.map(flatten).join(' ')}]` : value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value);
  return Object.fromEntries(Object.entries(payload).map(([name, value]) => [name, flatten(value)]));
}
