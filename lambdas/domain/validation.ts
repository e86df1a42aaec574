/** Turns zod issues into the domain's field errors: each names the field it is about by its path in the value checked. */
import type * as z from 'zod/mini';
import type { FieldError } from './errors.ts';

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

/** One error per issue, and one per unknown key; `within` is where the checked value sits in the command. */
export function fieldErrors(issues: readonly Issue[], within: readonly (string | number)[] = []): FieldError[] {
  const errors: FieldError[] = [];
  const at = (path: readonly PropertyKey[]) => [...within, ...path.map((k) => (typeof k === 'number' ? k : String(k)))];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) errors.push({ field: at([...issue.path, key]), message: 'is not a known field' });
    } else {
      errors.push({ field: at(issue.path), message: describe(issue) });
    }
  }
  return errors;
}
