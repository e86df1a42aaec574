/**
 * What can go wrong in the domain, in the domain's words. The HTTP layer maps each kind to a
 * status code and a problem+json body; the domain never speaks HTTP.
 */
export type FieldError = { path: string; message: string };

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

export function invalid(errors: FieldError[], detail?: string): DomainError {
  // An empty path is the body as a whole: "the body is missing: ..." rather than "/: is required".
  const summary = detail ?? errors.map((e) => (e.path ? `${e.path}: ${e.message}` : `the body ${e.message}`)).join('; ');
  return new DomainError('validation', summary, errors);
}

/** Throws a validation error naming one field. */
export function invalidField(path: string, message: string): never {
  throw invalid([{ path, message }]);
}
