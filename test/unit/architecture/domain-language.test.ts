/**
 * The domain speaks the domain's language: a refusal names a command's field by its path in the
 * command (`['build', 'pullSecret']`), never where an HTTP request carried it (`/query/q`, `/path/name`,
 * a body pointer). Only the HTTP edge knows that (lambdas/http/request-validation.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { invalidField, type DomainError, type FieldError } from '../../../lambdas/domain/errors.ts';

const DOMAIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../../lambdas/domain');

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));

/** A string literal that begins with a request pointer: '/query...', "/path...", `/body...`. */
const TRANSPORT_POINTER = /(['"`])\/(?:query|path|body)\b[^'"`\n]*\1?/g;

describe('the domain', () => {
  it('writes no request pointer into any of its modules', () => {
    // Act
    const found = sources(DOMAIN).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(TRANSPORT_POINTER)].map((m) => `${relative(DOMAIN, file)}: ${m[0]}`),
    );

    // Assess
    expect(found).toEqual([]);
  });

  it('has field errors that carry a field path, not a pointer (tsc holds the @ts-expect-error lines)', () => {
    // Prepare: each @ts-expect-error line would compile (and so fail tsc) if a field error could hold a pointer
    // @ts-expect-error a field error names a field by its path; it has no pointer
    const pointed: FieldError = { path: '/query/q', message: 'has no letters or digits to search for' };
    // @ts-expect-error a field path is a list of keys, not a pointer's text
    const asPointer = () => invalidField('/path/name', 'is wrong');

    // Act
    const refusal = (() => {
      try {
        invalidField(['q'], 'has no letters or digits to search for');
      } catch (e) {
        return e as DomainError;
      }
    })();

    // Assess
    expect(refusal?.errors).toEqual([{ field: ['q'], message: 'has no letters or digits to search for' }]);
    expect([pointed, asPointer]).toHaveLength(2);
  });

  it('finds a request pointer in a module, as the scan above would', () => {
    // Act
    const found = ["invalidField('/query/q', 'x')", 'at `/path/name`', 'fine: /build/pullSecret in prose'].flatMap((text) =>
      [...text.matchAll(TRANSPORT_POINTER)].map((m) => m[0]),
    );

    // Assess
    expect(found).toEqual(["'/query/q'", '`/path/name`']);
  });
});
