/**
 * The caller, from the JWT claims API Gateway's authorizer verified. API Gateway HTTP APIs flatten
 * array claims into strings like "[team-a team-b]"; the local server does the same, so one parser
 * serves both.
 */
import type { ClaimNames } from '../config.ts';
import type { Principal } from '../domain/principal.ts';
import { unauthenticated } from '../domain/errors.ts';

export type Claims = Record<string, unknown>;

export function claimList(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  if (Array.isArray(value)) return value.map(String);
  const text = String(value).trim();
  if (text.startsWith('[') && text.endsWith(']')) {
    const inner = text.slice(1, -1).trim();
    if (inner.startsWith('"')) {
      try {
        return (JSON.parse(text) as unknown[]).map(String);
      } catch {
        /* not JSON: fall through to API Gateway's space-separated form */
      }
    }
    return inner.split(/[\s,]+/).filter(Boolean);
  }
  return [text];
}

/** API Gateway's own rendering of an array claim, used by the local server to build the same events. */
export const flattenClaim = (value: unknown) => (Array.isArray(value) ? `[${value.join(' ')}]` : value);

export function principalFrom(claims: Claims | undefined, names: ClaimNames): Principal {
  const sub = claims?.[names.sub];
  if (typeof sub !== 'string' || sub === '') throw unauthenticated('a bearer token with a subject is required');
  return {
    sub,
    groups: new Set(claimList(claims![names.groups])),
    adminGroups: new Set(claimList(claims![names.adminGroups])),
    systemAdmin: claimList(claims![names.roles]).includes(names.systemAdminRole),
  };
}
