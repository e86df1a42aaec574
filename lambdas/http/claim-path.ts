/**
 * Where a claim lives in a JWT payload, as a deployment names it: a top-level claim name with any
 * characters (`groups`, `cognito:groups`, `https://portal.example.com/groups`), or a JSON Pointer
 * (RFC 6901) starting with `/` for a nested one (`/realm_access/roles`). A top-level name that
 * itself starts with `/` is written as a pointer (`/~1name`).
 */

/** Why a claim setting is not a claim name or a JSON Pointer; undefined when it is one. */
export function claimPathProblem(text: string): string | undefined {
  if (text === '') return 'expected a claim name, or a JSON Pointer like /realm_access/roles';
  if (!text.startsWith('/')) return undefined;
  for (const segment of text.slice(1).split('/')) {
    if (segment === '') return 'expected a JSON Pointer without empty segments, like /realm_access/roles';
    if (/~(?![01])/.test(segment)) return 'expected a JSON Pointer: "~" must be written ~0 and "/" inside a name ~1';
  }
  return undefined;
}

/** The names to follow from the payload's top level; throws on a setting claimPathProblem refuses. */
export function parseClaimPath(text: string): readonly string[] {
  const problem = claimPathProblem(text);
  if (problem) throw new Error(`${JSON.stringify(text)}: ${problem}`);
  if (!text.startsWith('/')) return [text];
  return text
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/**
 * The value at `path`, or undefined. Only the payload's own members are followed (never a
 * prototype's: a claim setting of `constructor` finds nothing in a payload without one); arrays are
 * not indexed, since no identity provider nests claims in arrays.
 */
export function claimAt(payload: unknown, path: readonly string[]): unknown {
  let value = payload;
  for (const name of path) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, name)) return undefined;
    value = (value as Record<string, unknown>)[name];
  }
  return value;
}
