/**
 * Every request's schemas, in one place: the path parameters, the query and the body each route
 * parses into its typed command (request-parts.ts, *-operations.ts), and the very instances the
 * OpenAPI document is generated from (api-schemas.ts documents them, openapi.ts places them), so the
 * document and the server cannot disagree. They are built from the domain's field rules
 * (domain/fields.ts, the build spec's grammar); each parses to a command type the domain defines,
 * which the type checks below hold it to.
 */
import * as z from 'zod/mini';
import { buildSpecSchema } from '../domain/build-spec.ts';
import type { RebuildCommand } from '../domain/build-lifecycle.ts';
import { PAGE_MAX, type PageRequest, type SelectionRequest } from '../domain/catalog.ts';
import { description, displayName, GROUP_ID, IMAGE_NAME, imageReference, imageType, SECRET_NAME, secretReference } from '../domain/fields.ts';
import type { ImageEdit, NewImage } from '../domain/image.ts';
import type { RegistryLogin } from '../domain/pull-secrets.ts';
import { hasWords } from '../domain/search.ts';

// ---------------------------------------------------------------------------------------------
// Path parameters: a value outside these patterns cannot name anything (a 404, request-parts.ts).

export const BUILD_ID = /^b[0-9a-z]{9,20}$/;

export const pathParameters = {
  group: z.string().check(z.regex(GROUP_ID), z.describe('The group id, as the identity provider names it.')),
  name: z.string().check(z.regex(IMAGE_NAME), z.describe('The image name (generated, a DNS-1123 label such as `python-x7k2p`).')),
  buildId: z.string().check(z.regex(BUILD_ID), z.describe('The build id.')),
  secret: z
    .string()
    .check(z.regex(SECRET_NAME), z.describe('The pull secret name: 1 to 63 lowercase letters, digits and `-`, starting and ending with a letter or digit.')),
} as const;

/** The name a pull secret is stored under (PUT): a name that breaks the rule is a 422 on `/path/name`, not a 404. */
export const secretNameToStore = z
  .string()
  .check(z.regex(SECRET_NAME, 'the secret name in the path must be 1 to 63 lowercase letters, digits and "-", starting and ending with a letter or digit'));

// ---------------------------------------------------------------------------------------------
// Query parameters.

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
export const logsQuery = z.strictObject({ cursor: cursorQuery.shape.cursor });

// ---------------------------------------------------------------------------------------------
// Bodies.

export const createImageBody = z.strictObject({
  displayName,
  description: z.optional(z.nullable(description)),
  type: imageType,
  url: z.optional(imageReference),
  urlForGpu: z.optional(imageReference),
  pullSecret: z.optional(z.nullable(secretReference)),
  build: z.optional(buildSpecSchema),
});

export const updateImageBody = z.strictObject({
  displayName: z.optional(displayName),
  description: z.optional(z.nullable(description)),
  type: z.optional(imageType),
  url: z.optional(imageReference),
  urlForGpu: z.optional(z.nullable(imageReference)),
  pullSecret: z.optional(z.nullable(secretReference)),
});

/** A rebuild's body: a new spec, or nothing to build the current spec again (or, issue 18, the spec of a build pinned to its lock). */
export const rebuildBody = z.strictObject({
  build: z.optional(buildSpecSchema),
  lockedFrom: z.optional(z.string().check(z.regex(BUILD_ID, 'must be a build id'))),
});

/** Control characters no login field may hold (exported for the OpenAPI document). */
export const LOGIN_CONTROL = /[\u0000-\u001f\u007f]/;
const NO_CONTROL = (s: string) => !LOGIN_CONTROL.test(s);
/** A registry host with an optional port, as container tools key their logins: `ghcr.io`, `registry.example.com:5000`. */
export const REGISTRY = /^(?=.{1,253}(?::|$))[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*(?::[0-9]{1,5})?$/;

export const registryLoginBody = z.strictObject({
  registry: z.string().check(z.regex(REGISTRY, 'must be a registry host, optionally with a port, such as "ghcr.io" or "registry.example.com:5000"')),
  username: z.string().check(
    z.minLength(1, 'is required'),
    z.maxLength(256, 'must be at most 256 characters'),
    z.refine(NO_CONTROL, 'must not contain control characters'),
    z.refine((s) => !s.includes(':'), 'must not contain ":" (registry logins join user and password with it)'),
  ),
  password: z
    .string()
    .check(z.minLength(1, 'is required'), z.maxLength(4096, 'must be at most 4096 characters'), z.refine(NO_CONTROL, 'must not contain control characters')),
});

// ---------------------------------------------------------------------------------------------
// Each schema parses to exactly the command the domain takes (a compile error otherwise).

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;
export type CommandsMatch = [
  Holds<Same<z.output<typeof createImageBody>, NewImage>>,
  Holds<Same<z.output<typeof updateImageBody>, ImageEdit>>,
  Holds<Same<z.output<typeof rebuildBody>, RebuildCommand>>,
  Holds<Same<z.output<typeof registryLoginBody>, RegistryLogin>>,
  Holds<Same<z.output<typeof pageQuery>, PageRequest>>,
  Holds<Same<z.output<typeof selectionQuery>, SelectionRequest>>,
];
