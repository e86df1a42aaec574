/**
 * Who is calling, and what they may do. Rules are checked against the scope the record lives in
 * (which is its owner: a group's images live under that group's key), never against the body.
 *
 * These are the only access rules. They are enforced in one place per request, the HTTP edge
 * (lambdas/http/access.ts), first, before any part of the request is parsed: a caller who may not
 * read learns nothing from a 422. The domain services take a caller already authorized.
 */
import { forbidden } from './errors.ts';
import type { Scope } from './scope.ts';

export interface Principal {
  sub: string;
  groups: ReadonlySet<string>;
  adminGroups: ReadonlySet<string>;
  systemAdmin: boolean;
}

export const isMember = (p: Principal, group: string) => p.systemAdmin || p.groups.has(group) || p.adminGroups.has(group);
export const isGroupAdmin = (p: Principal, group: string) => p.systemAdmin || p.adminGroups.has(group);

export function canRead(p: Principal, scope: Scope): boolean {
  return scope.group === null ? true : isMember(p, scope.group);
}

export function canWrite(p: Principal, scope: Scope): boolean {
  return scope.group === null ? p.systemAdmin : isGroupAdmin(p, scope.group);
}

export function assertCanRead(p: Principal, scope: Scope): void {
  if (!canRead(p, scope)) throw forbidden(`you are not a member of group "${scope.group}"`);
}

export function assertCanWrite(p: Principal, scope: Scope): void {
  if (canWrite(p, scope)) return;
  throw forbidden(scope.group === null ? 'only system admins can change system images' : `only admins of group "${scope.group}" can change its images`);
}

/** Pull secrets: group admins (of any group) and system admins may list them; only system admins write. */
export const canListSecrets = (p: Principal) => p.systemAdmin || p.adminGroups.size > 0;

/** System pull secrets: system admins. A group's: its admins and system admins; members and other groups get 403. */
export function assertCanManageSecrets(p: Principal, group: string | null): void {
  if (group === null ? p.systemAdmin : isGroupAdmin(p, group)) return;
  throw forbidden(group === null ? 'only system admins can manage system pull secrets' : `only admins of group "${group}" can see or manage its pull secrets`);
}

export function assertCanListSecrets(p: Principal): void {
  if (!canListSecrets(p)) throw forbidden('only group admins and system admins can list pull secrets');
}
