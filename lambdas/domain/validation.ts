/** Turns zod issues into the contract's `errors: [{path, message}]` with JSON Pointer paths. */
import type * as z from 'zod/mini';
import { invalid, type FieldError } from './errors.ts';

const escapeToken = (t: PropertyKey) => String(t).replace(/~/g, '~0').replace(/\//g, '~1');
export const pointer = (base: string, path: readonly PropertyKey[]) => base + path.map((p) => `/${escapeToken(p)}`).join('');

type Issue = z.core.$ZodIssue;

function describe(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? 'is required'
        : `must be ${issue.expected === 'nonoptional' ? 'present' : `a${/^[aeiou]/.test(issue.expected) ? 'n' : ''} ${issue.expected}`}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return issue.message;
  }
}

/** What a request body that is missing or not an object is told (its path is empty: the message says what is wrong). */
const bodyProblem = (input: unknown) =>
  input === undefined
    ? 'is missing: send a JSON object (Content-Type: application/json)'
    : `must be a JSON object, not ${input === null ? 'null' : Array.isArray(input) ? 'an array' : typeof input}`;

export function fieldErrors(issues: readonly Issue[], base = '', input?: unknown): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of issues) {
    if (base === '' && issue.path.length === 0 && issue.code === 'invalid_type') {
      errors.push({ path: '', message: bodyProblem(input) });
    } else if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) errors.push({ path: pointer(base, [...issue.path, key]), message: 'is not a known field' });
    } else {
      errors.push({ path: pointer(base, issue.path), message: describe(issue) });
    }
  }
  return errors;
}

/** Parses or throws a 422 naming every wrong field. */
export function parseOrThrow<S extends z.ZodMiniType>(schema: S, input: unknown, base = ''): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data as z.infer<S>;
  throw invalid(fieldErrors(result.error.issues, base, input));
}
