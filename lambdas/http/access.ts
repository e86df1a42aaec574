/**
 * Authorization, in one place: the HTTP edge. Every operation calls one of these once, before it
 * parses the request's query or body (a caller who may not read learns nothing from a 422), and
 * passes the services a caller so authorized; the services do not check again. The rules are the
 * domain's (domain/principal.ts); the authorization-matrix tests hold every route to them.
 */
import { assertCanListSecrets, assertCanManageSecrets, assertCanRead, assertCanWrite, type Principal } from '../domain/principal.ts';
import type { Scope } from '../domain/scope.ts';
import type { ApiRequest } from './api-handler.ts';

/** The caller of an authenticated route (the handler has verified their token). */
const callerOf = (request: ApiRequest): Principal => request.principal!;

export function reader(request: ApiRequest, scope: Scope): Principal {
  assertCanRead(callerOf(request), scope);
  return callerOf(request);
}

export function writer(request: ApiRequest, scope: Scope): Principal {
  assertCanWrite(callerOf(request), scope);
  return callerOf(request);
}

/** Pull secrets: the system's (group null) or a group's. */
export function secretManager(request: ApiRequest, group: string | null): Principal {
  assertCanManageSecrets(callerOf(request), group);
  return callerOf(request);
}

export function secretLister(request: ApiRequest): Principal {
  assertCanListSecrets(callerOf(request));
  return callerOf(request);
}
