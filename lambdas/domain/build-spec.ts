/**
 * The request's `build` object: its schema (structure by zod, entries by the package grammars),
 * its normalised form (what is stored and built) and its content hash (what the image tag is).
 */
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { invalid, type FieldError } from './errors.ts';
import { imageReference, secretReference } from './fields.ts';
import { fieldErrors } from './validation.ts';
import { normalisePackageLists, PACKAGE_CHECKS, type PackageManager } from '../builds/package-grammars.ts';

export { MAX_ENTRY_LENGTH } from '../builds/package-grammars.ts';

/** Most entries one package manager's list may hold (counted as given, before de-duplication). */
export const MAX_ENTRIES_PER_MANAGER = 100;

const entry = (manager: PackageManager) =>
  z.string().check(
    z.superRefine((text: string, ctx) => {
      const problem = PACKAGE_CHECKS[manager](text);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, input: text });
    }),
  );

// A refinement rather than z.maxLength: zod's length check on arrays hides the entries' own issues,
// and the contract wants every bad entry named.
const entryList = (manager: PackageManager) =>
  z.array(entry(manager)).check(
    z.superRefine((list: string[], ctx) => {
      if (list.length > MAX_ENTRIES_PER_MANAGER) {
        ctx.addIssue({ code: 'custom', message: `has ${list.length} entries; the limit is ${MAX_ENTRIES_PER_MANAGER} per package manager`, input: list });
      }
    }),
  );

export const buildSpecSchema = z.strictObject({
  baseImage: imageReference,
  pullSecret: z.optional(z.nullable(secretReference)),
  packages: z.strictObject({
    apt: z.optional(entryList('apt')),
    conda: z.optional(entryList('conda')),
    pip: z.optional(entryList('pip')),
  }),
});

export type BuildSpec = z.infer<typeof buildSpecSchema>;
export type PackageLists = BuildSpec['packages'];

export type BuildSpecValidation = { ok: true; spec: BuildSpec } | { ok: false; errors: FieldError[] };

/** Checks structure and every entry; on failure names each bad field and entry by its path, under `within` (a new image's `build`). */
export function validateBuildSpec(input: unknown, within: readonly string[] = ['build']): BuildSpecValidation {
  const result = buildSpecSchema.safeParse(input);
  return result.success ? { ok: true, spec: result.data } : { ok: false, errors: fieldErrors(result.error.issues, within) };
}

/**
 * A spec about to be stored and built, checked against the grammars again: the HTTP edge parsed it
 * with the same schema, but whatever else hands the services a spec (a test, a script) cannot get an
 * entry past them to the builder. A refusal names the entry under `within`.
 */
export function requireBuildSpec(spec: BuildSpec, within: readonly string[] = ['build']): BuildSpec {
  const checked = validateBuildSpec(spec, within);
  if (!checked.ok) throw invalid(checked.errors);
  return checked.spec;
}

/** The canonical spec, the one to store and build: canonical package lists, a null pull secret dropped. */
export function normaliseBuildSpec(spec: BuildSpec): BuildSpec {
  return { baseImage: spec.baseImage, ...(spec.pullSecret ? { pullSecret: spec.pullSecret } : {}), packages: normalisePackageLists(spec.packages) };
}

/**
 * sha256 (hex) of the scope (scope.ts: scopeKey), the spec and the template version. The spec must be
 * normalised already (normaliseBuildSpec: the build lifecycle does it once, when a spec comes in). The
 * pull secret is left out: it decides who may read the base image, not what the image contains.
 */
export function buildSpecHash(scopeKey: string, spec: BuildSpec, templateVersion: number): string {
  const { baseImage, packages } = spec;
  const canonical = canonicalJson({ scope: scopeKey, template: templateVersion, baseImage, packages });
  return createHash('sha256').update(canonical).digest('hex');
}

/** The immutable, content-addressed tag of the image a spec builds. */
export function imageTagFor(hash: string): string {
  if (!/^[0-9a-f]{64}$/.test(hash)) throw new Error('imageTagFor needs a sha256 hex digest');
  return `sha-${hash.slice(0, 32)}`;
}

/** The hash beginning an image tag carries (what imageTagFor kept), or undefined if the tag is not one of ours. */
export function hashPrefixOfTag(tag: string): string | undefined {
  return /^sha-[0-9a-f]{32}$/.test(tag) ? tag.slice('sha-'.length) : undefined;
}

/** JSON with object keys sorted at every level, so equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
