/** Path and query parameters, validated like bodies: a 422 names the parameter and says why. */
import * as z from 'zod/mini';
import { notFound } from '../domain/errors.ts';
import { GROUP_ID, IMAGE_NAME } from '../domain/fields.ts';
import { groupScope, SYSTEM, type Scope } from '../domain/scope.ts';
import { PAGE_MAX } from '../domain/catalog.ts';
import { hasWords } from '../domain/search.ts';
import { parseOrThrow } from '../domain/validation.ts';
import type { ApiRequest } from './api-handler.ts';

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

export const BUILD_ID = /^b[0-9a-z]{9,20}$/;
export function buildIdOf(request: ApiRequest): string {
  const id = request.params.buildId ?? '';
  if (!BUILD_ID.test(id)) throw notFound(`no build "${id}"`);
  return id;
}

const limit = z
  .pipe(
    z.string().check(z.regex(/^[0-9]{1,3}$/, `must be a whole number from 1 to ${PAGE_MAX}`)),
    z.transform((s) => Number(s)),
  )
  .check(z.refine((n) => n >= 1 && n <= PAGE_MAX, `must be a whole number from 1 to ${PAGE_MAX}`));

export const Q_MAX = 200;
const keyword = z.string().check(
  z.maxLength(Q_MAX, `must be at most ${Q_MAX} characters`),
  z.refine((q) => !q.trim() || hasWords(q), 'has no letters or digits to search for'),
);
const cursor = z.string().check(z.maxLength(4096, 'is not a cursor this API gave out'));

export const pageQuery = z.strictObject({ q: z.optional(keyword), limit: z.optional(limit), cursor: z.optional(cursor) });
export const selectionQuery = z.strictObject({ ...pageQuery.shape, type: z.optional(z.enum(['cpu', 'gpu'])) });
export const cursorQuery = z.strictObject({ limit: z.optional(limit), cursor: z.optional(cursor) });

/** Query parameters are validated under `/query/<name>` pointers. */
export const parseQuery = <S extends z.ZodMiniType>(schema: S, request: ApiRequest) => parseOrThrow(schema, request.query, '/query');

/** An empty keyword means no keyword. */
export const keywordOf = (q: string | undefined) => (q && q.trim() ? q.trim() : undefined);
