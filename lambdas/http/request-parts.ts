/**
 * The parts of a request, parsed into what the commands are made of: path parameters, the query and
 * the body, each against its schema in request-schemas.ts. A 422 names the parameter and says why.
 */
import type * as z from 'zod/mini';
import { notFound } from '../domain/errors.ts';
import { GROUP_ID, IMAGE_NAME } from '../domain/fields.ts';
import { groupScope, SYSTEM, type Scope } from '../domain/scope.ts';
import type { ApiRequest } from './api-handler.ts';
import { BUILD_ID, secretNameToStore } from './request-schemas.ts';
import { inBody, inPath, inQuery, parsePart } from './request-validation.ts';

/** A path that cannot name anything is a 404, not a 422: nothing by that name can exist. */
export const scopeOf = (request: ApiRequest): Scope => (request.route.scope === 'system' ? SYSTEM : groupScope(groupOf(request)));

export function groupOf(request: ApiRequest): string {
  const group = request.params.group ?? '';
  if (!GROUP_ID.test(group)) throw notFound(`no group "${group}"`);
  return group;
}

export function imageNameOf(request: ApiRequest): string {
  const name = request.params.name ?? '';
  if (!IMAGE_NAME.test(name)) throw notFound(`no image "${name}": image names are DNS labels such as "my-image-x7k2p"`);
  return name;
}

export function buildIdOf(request: ApiRequest): string {
  const id = request.params.buildId ?? '';
  if (!BUILD_ID.test(id)) throw notFound(`no build "${id}"`);
  return id;
}

/** The name a pull secret is to be stored under: one it cannot have is a 422 on `/path/name`. */
export const secretNameToStoreOf = (request: ApiRequest) => parsePart(secretNameToStore, request.params.name ?? '', (field) => inPath(['name', ...field]));

/** Query parameters are validated under `/query/<name>` pointers. */
export const parseQuery = <S extends z.ZodMiniType>(schema: S, request: ApiRequest) => parsePart(schema, request.query, inQuery);

/** The body, validated under JSON Pointers into it; `absent` stands for a request without one. */
export const parseBody = <S extends z.ZodMiniType>(schema: S, request: ApiRequest, absent?: unknown) =>
  parsePart(schema, request.body === undefined ? absent : request.body, inBody);

/** An empty keyword means no keyword. */
export const keywordOf = (q: string | undefined) => (q && q.trim() ? q.trim() : undefined);
