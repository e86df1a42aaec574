/**
 * Requests into typed commands, and the domain's refusals back into the request's terms.
 *
 * The domain names a broken rule by the command field it is about (`['build', 'pullSecret']`); only
 * here is it known which part of the request that field came from: the body (a JSON Pointer into it,
 * `/build/pullSecret`), the query (`/query/q`) or the path (`/path/name`). The contract's 422 names
 * every field that way (`errors: [{path, message}]`).
 */
import type * as z from 'zod/mini';
import { DomainError, type FieldError, type FieldPath } from '../domain/errors.ts';
import { fieldErrors } from '../domain/validation.ts';

/** One invalid field as the contract names it: a JSON Pointer into the request, and why. */
export type RequestFieldError = { path: string; message: string };

/** A request refused with a 422: the problem+json body names each field by where the request holds it. */
export class InvalidRequest extends Error {
  constructor(readonly errors: RequestFieldError[]) {
    // An empty path is the body as a whole: "the body is missing: ..." rather than "/: is required".
    super(errors.map((e) => (e.path ? `${e.path}: ${e.message}` : `the body ${e.message}`)).join('; '));
    this.name = 'InvalidRequest';
  }
}

const escapeToken = (t: PropertyKey) => String(t).replace(/~/g, '~0').replace(/\//g, '~1');
export const pointer = (base: string, path: readonly PropertyKey[]) => base + path.map((p) => `/${escapeToken(p)}`).join('');

/** Where a command's fields came from in the request: a field path to the contract's pointer. */
export type Origin = (field: FieldPath) => string;
export const inBody: Origin = (field) => pointer('', field);
export const inQuery: Origin = (field) => pointer('/query', field);
export const inPath: Origin = (field) => pointer('/path', field);

export const pointed = (errors: readonly FieldError[], origin: Origin): RequestFieldError[] =>
  errors.map((e) => ({ path: origin(e.field), message: e.message }));

/** What a request body that is missing or not an object is told (its path is empty: the message says what is wrong). */
const bodyProblem = (input: unknown) =>
  input === undefined
    ? 'is missing: send a JSON object (Content-Type: application/json)'
    : `must be a JSON object, not ${input === null ? 'null' : Array.isArray(input) ? 'an array' : typeof input}`;

/** Parses one part of a request (its body, query or path parameters) or throws a 422 naming every wrong field there. */
export function parsePart<S extends z.ZodMiniType>(schema: S, input: unknown, origin: Origin): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data as z.infer<S>;
  // Only a body can be absent or not an object at all (the query and the path are always objects).
  const wholeBody = (i: z.core.$ZodIssue) => origin === inBody && i.path.length === 0 && i.code === 'invalid_type';
  const errors = result.error.issues.flatMap((i) => (wholeBody(i) ? [{ path: '', message: bodyProblem(input) }] : pointed(fieldErrors([i]), origin)));
  throw new InvalidRequest(errors);
}

/**
 * Runs a domain call on a command parsed from the request: a rule the domain finds broken is
 * answered at the field's place in the request (`origin`), the domain itself never knowing it.
 */
export async function answeringAt<T>(origin: Origin, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (e instanceof DomainError && e.kind === 'validation') throw new InvalidRequest(pointed(e.errors, origin));
    throw e;
  }
}
