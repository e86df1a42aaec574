/**
 * What can go wrong in the domain, in the domain's words. The HTTP layer maps each kind to a
 * status code and a problem+json body; the domain never speaks HTTP.
 */
/**
 * Where in a command a rule was broken: the field's keys and list positions, in the domain's own
 * terms (`['build', 'packages', 'pip', 3]`; empty for the command as a whole). Never a request
 * pointer: which part of a request (body, query, path) a command field came from is the HTTP edge's
 * knowledge (lambdas/http/request-validation.ts), which turns these into the contract's JSON Pointers.
 */
export type FieldPath = readonly (string | number)[];
export type FieldError = { field: FieldPath; message: string };

export type ErrorKind =
  | 'bad-request' // malformed request (unparsable body, tampered cursor)
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'precondition-failed'
  | 'payload-too-large'
  | 'unsupported-media-type'
  | 'validation'
  | 'quota'
  | 'unavailable';

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const badRequest = (detail: string) => new DomainError('bad-request', detail);
export const unauthenticated = (detail: string) => new DomainError('unauthenticated', detail);
export const forbidden = (detail: string) => new DomainError('forbidden', detail);
export const notFound = (detail: string) => new DomainError('not-found', detail);
export const conflict = (detail: string) => new DomainError('conflict', detail);
export const preconditionFailed = (detail: string) => new DomainError('precondition-failed', detail);
export const payloadTooLarge = (detail: string) => new DomainError('payload-too-large', detail);
export const unsupportedMediaType = (detail: string) => new DomainError('unsupported-media-type', detail);
export const quotaReached = (detail: string) => new DomainError('quota', detail);
export const unavailable = (detail: string) => new DomainError('unavailable', detail);

/** A field path as text for messages and logs: `build.packages.pip[3]`, or "the command" for the whole. */
export const fieldName = (field: FieldPath) =>
  field.length === 0 ? 'the command' : field.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');

export function invalid(errors: FieldError[]): DomainError {
  return new DomainError('validation', errors.map((e) => `${fieldName(e.field)}: ${e.message}`).join('; '), errors);
}

/** Throws a validation error naming one field of the command. */
export function invalidField(field: FieldPath, message: string): never {
  throw invalid([{ field, message }]);
}
