/**
 * The API's response bodies as zod/mini schemas, for the OpenAPI document (and the contract tests
 * that hold every response to it). The handlers build their responses from the domain types; the
 * unit tests check that each schema's type is exactly that domain type, so the two cannot drift.
 *
 * Request bodies and query parameters are the handlers' own schemas (request-schemas.ts, the ones
 * they parse with); their documentation is attached here, to those very schema instances, so that
 * the parsing code carries no prose for the document and the document has no copy of the rules.
 */
import * as z from 'zod/mini';
import { buildSpecSchema, MAX_ENTRIES_PER_MANAGER, MAX_ENTRY_LENGTH } from '../domain/build-spec.ts';
import { ARCHIVE, CONTROL, NEVER, PACKAGE_MANAGERS, type PackageManager } from '../builds/package-grammars.ts';
import { PAGE_DEFAULT, PAGE_MAX } from '../domain/catalog.ts';
import { BUILD_PHASES, BUILD_STATUSES } from '../domain/build-states.ts';
import { description, DESCRIPTION_CONTROL, DESCRIPTION_MAX, IMAGE_NAME, imageReference, IMAGE_TYPES, SECRET_NAME } from '../domain/fields.ts';
import { IMAGE_REFERENCE } from '../builds/image-reference.ts';
import { PROBLEM_TYPE_BASE, PROBLEMS } from './problem.ts';
import {
  createImageBody,
  cursorQuery,
  LOGIN_CONTROL,
  pageQuery,
  Q_MAX,
  rebuildBody,
  registryLoginBody,
  selectionQuery,
  updateImageBody,
} from './request-schemas.ts';

type Described = Record<string, unknown> & { description: string };

/** Adds documentation to a schema instance the handlers own, keeping whatever it already had. */
function document(schema: z.core.$ZodType, meta: Described): void {
  z.globalRegistry.add(schema, { ...z.globalRegistry.get(schema), ...meta });
}

/** Documents an object schema and each of its fields; every field must be named (the type says so). */
function documentObject<S extends z.ZodMiniObject>(schema: S, description: string, fields: { [K in keyof S['shape']]: string }): void {
  document(schema, { description });
  for (const [name, text] of Object.entries(fields) as [string, string][]) document(schema.shape[name]!, { description: text });
}

/**
 * States, in JSON Schema, a rule a schema enforces with a refinement (which zod cannot emit): the
 * document must say everything the server checks, so that what it calls valid is accepted.
 */
function constrain(schema: z.core.$ZodType, rules: Record<string, unknown>): void {
  z.globalRegistry.add(schema, { ...z.globalRegistry.get(schema), ...rules });
}

/** A pattern (JSON Schema patterns have no flags) that no string containing a match of `forbidden` matches. */
const without = (forbidden: RegExp) => `^(?:(?!${forbidden.source})[\\s\\S])*$`;

/** A regex source made case-insensitive by spelling each letter as `[xX]` (escapes left alone). */
const caseless = (source: string) => source.replace(/\\.|[a-zA-Z]/g, (c) => (c.length === 1 ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c));

const text = (description: string) => z.string().check(z.describe(description));
const isoTime = z.iso.datetime();
const timestamp = (description: string) => isoTime.check(z.describe(`${description} (ISO 8601, UTC).`));
const nullable = <T extends z.ZodMiniType>(schema: T, description: string) => z.nullable(schema).check(z.describe(description));

// ---------------------------------------------------------------------------------------------
// Request bodies and query parameters: the handlers' schemas, documented.

const PACKAGES_DOC =
  `One package spec per entry, at most ${MAX_ENTRIES_PER_MANAGER} entries per package manager and ${MAX_ENTRY_LENGTH} characters per entry; ` +
  'a bad entry is a 422 naming it by JSON Pointer (`/build/packages/pip/0`).';

documentObject(buildSpecSchema, 'A custom image build: a base image and the packages to install on it, apt first, then conda, then pip.', {
  baseImage:
    "The image to build on: a container image reference such as `python:3.12-slim` or `registry.example.com/team/base:1.0`. An image of this service's own repository only by a tag its own scope's or a system build produced (422 otherwise).",
  pullSecret:
    "The pull secret that logs in to the base image's registry: `<name>` for a system secret, `<group>/<name>` for one of the image's own group; absent or null for a public base image. Another group's is a 422.",
  packages: `The packages to install. ${PACKAGES_DOC}`,
});
documentObject(buildSpecSchema.shape.packages, 'Package lists by package manager; each may be absent or empty.', {
  apt:
    'Debian package names, optionally `:arch` and an exact `=version` or a `/release`: `curl`, `g++`, `libssl-dev=3.0.11-1~deb12u2`, `curl/bookworm-backports`. ' +
    'Version patterns (`curl=*`, `nodejs=18.*`) are refused: entries are literal. Options, URLs, paths and `.deb` files are refused.',
  conda:
    'conda MatchSpecs, optionally with a channel name: `numpy`, `numpy==1.17*`, `conda-forge::numpy==1.17*`, `numpy >= 1.20, <2`, `jaxlib>=0.4.31=cuda12*`, `-c conda-forge::numpy==1.17*`. ' +
    'Names are lower-cased as conda does. Channels are names, never URLs or paths; brackets, `|` and package files are refused.',
  pip:
    'PEP 508 requirements with extras and markers, without URLs, direct references, paths, package files, comments or pip options: ' +
    '`requests==2.32.3`, `uvicorn[standard]>=0.30`, `backports.zoneinfo; python_version < "3.9"`. Markers pip cannot evaluate are refused.',
});

documentObject(
  createImageBody,
  'A new image: give exactly one of `url` (add an existing image) or `build` (build a custom image). Unknown fields are rejected with a 422.',
  {
    displayName: 'The name users see: 1 to 63 characters, lowercase letters, digits, `-` and `.` only. The image `name` is derived from it.',
    description: `Free text for users, at most ${DESCRIPTION_MAX} characters.`,
    type: 'The instance type the image runs on: `cpu`, `gpu`, or `universal` (both).',
    url: "The existing image to use (a container image reference); not with `build`. An image of this service's own repository only by a tag its own scope's or a system build produced (422 otherwise).",
    urlForGpu: 'For `universal` images only: the image GPU instances use. When absent, GPU instances use `url`.',
    pullSecret:
      "The pull secret that logs in to the registry of `url`: `<name>` for a system secret, `<group>/<name>` for one of the image's own group. It must exist and be one of those (422 otherwise).",
    build: 'Build a custom image from this spec instead of giving a `url`.',
  },
);

documentObject(updateImageBody, 'The fields to change; at least one. Absent fields are left as they are; unknown fields are rejected with a 422.', {
  displayName: 'The name users see: 1 to 63 characters, lowercase letters, digits, `-` and `.` only. The image `name` does not change.',
  description: `Free text for users, at most ${DESCRIPTION_MAX} characters; null clears it.`,
  type: 'The instance type: `cpu`, `gpu` or `universal`. Changing a universal image to `cpu` or `gpu` drops its `urlForGpu`.',
  url: 'The image to use; only for images added with a `url` (a custom image gets its url from its builds).',
  urlForGpu: 'For `universal` images only: the image GPU instances use; null makes GPU instances use `url`.',
  pullSecret:
    "The pull secret for the registry of `url`: `<name>` (system) or `<group>/<name>` (the image's own group); null for none. It must exist and be one of those (422 otherwise).",
});

documentObject(rebuildBody, 'A rebuild: with `build`, the new spec replaces the current one; without it, the current spec is built again.', {
  build: 'The new build spec; absent to build the current spec again.',
  lockedFrom:
    "Rebuild exactly: the id of one of this image's succeeded builds, whose spec is built again pinned to its lock (the base image by digest, apt and conda entries to the versions it installed, every pip package with `==`). 422 when that build has no lock. Not with `build`.",
});

documentObject(registryLoginBody, 'A registry login, stored in Secrets Manager and never returned by the API.', {
  registry: 'The registry host, optionally with a port: `ghcr.io`, `registry.example.com:5000`.',
  username: 'The registry user name (no `:`).',
  password: 'The registry password or access token.',
});

// ---------------------------------------------------------------------------------------------
// The rules the schemas above enforce with refinements, stated for the document.

constrain(imageReference, { pattern: IMAGE_REFERENCE.source });
constrain(description, { pattern: without(DESCRIPTION_CONTROL) });
constrain(registryLoginBody.shape.password, { pattern: without(LOGIN_CONTROL) });
constrain(registryLoginBody.shape.username, { pattern: without(new RegExp(`${LOGIN_CONTROL.source}|:`)) });

/**
 * Package entries: JSON Schema cannot spell the three grammars, so `format` names each (the
 * description says what it accepts) and `pattern` states what every grammar refuses: characters
 * outside one line of printable ASCII, the characters no grammar needs, a blank entry, package files.
 */
export const PACKAGE_FORMATS: Record<PackageManager, string> = { apt: 'debian-package', conda: 'conda-matchspec', pip: 'pep508-requirement' };
const ENTRY_PATTERN = `^(?=[\\s\\S]*[^ ])(?![\\s\\S]*${caseless(ARCHIVE.source)})(?:(?!${CONTROL.source}|${NEVER.source})[\\x20-\\x7e])*$`;
for (const manager of PACKAGE_MANAGERS) {
  const list = buildSpecSchema.shape.packages.shape[manager]._zod.def.innerType;
  constrain(list, { maxItems: MAX_ENTRIES_PER_MANAGER });
  constrain(list._zod.def.element, { maxLength: MAX_ENTRY_LENGTH, format: PACKAGE_FORMATS[manager], pattern: ENTRY_PATTERN });
}

// Create: exactly one of url and build; urlForGpu only beside a url on a universal image.
constrain(createImageBody, {
  oneOf: [{ required: ['url'] }, { required: ['build'] }],
  dependentSchemas: { urlForGpu: { required: ['url'], properties: { url: { type: 'string' }, type: { const: 'universal' } } } },
});
// Rebuild (issue 18): a new spec or a lock to rebuild from, not both.
constrain(rebuildBody, {
  oneOf: [
    { required: ['build'] },
    { required: ['lockedFrom'] },
    { not: { anyOf: [{ required: ['build'] }, { required: ['lockedFrom'] }], properties: { build: { type: 'object' }, lockedFrom: { type: 'string' } } } },
  ],
});
// Edit: at least one field; a urlForGpu (not null) only when the image is, or becomes, universal.
constrain(updateImageBody, {
  minProperties: 1,
  dependentSchemas: { urlForGpu: { anyOf: [{ properties: { urlForGpu: { type: 'null' } } }, { properties: { type: { const: 'universal' } } }] } },
});
constrain(pageQuery.shape.q._zod.def.innerType, { pattern: '^(?:\\s*|[\\s\\S]*[\\p{L}\\p{M}\\p{N}][\\s\\S]*)$' });

// The query schemas share their field schemas (selectionQuery spreads pageQuery's), so one
// documentation call covers every list. `limit` arrives as text and is parsed to a number: the
// document describes the number the client sends, not the string it travels as.
document(pageQuery.shape.q, {
  description: `Keywords, at most ${Q_MAX} characters, case-insensitive: an image matches when each word of \`q\` (a run of letters and digits) begins a word of its name, displayName, description, url, urlForGpu or type. \`tensor\` finds TensorFlow images, \`py 3.12\` finds \`python:3.12-slim\`; text inside a word (\`flow\`) does not match. A keyword without letters or digits is refused (422).`,
});
document(pageQuery.shape.cursor, { description: 'The `nextCursor` of the previous page, passed back unchanged; absent for the first page.' });
for (const limit of [pageQuery.shape.limit, cursorQuery.shape.limit]) {
  document(limit, { description: `How many items a page holds at most: 1 to ${PAGE_MAX}, default ${PAGE_DEFAULT}.` });
  document(limit._zod.def.innerType, { type: 'integer', minimum: 1, maximum: PAGE_MAX, default: PAGE_DEFAULT, description: 'Page size.' });
}
document(selectionQuery.shape.type, {
  description: 'The instance type the user launches on: `cpu` (default) or `gpu`. Only images that run on it are listed, with `url` resolved for it.',
});

// ---------------------------------------------------------------------------------------------
// Response bodies.

const buildStatus = z.enum(BUILD_STATUSES).check(z.describe('queued, then building, then one of succeeded, failed or cancelled; it only moves forward.'));
const buildPhase = z
  .enum(BUILD_PHASES)
  .check(
    z.describe(
      'Where the build is, in this order (it only moves forward): `queued` (waiting for a build host), `preparing` (starting the build host, logging in to the registries, pulling the base image), `building` (installing the packages into the image), `pushing` (pushing the image), `finishing` (recording the result). A finished build keeps the phase it ended in.',
    ),
  );
const imageName = z
  .string()
  .check(z.regex(IMAGE_NAME), z.describe('Generated from the display name plus a random suffix: a DNS-1123 label, unique in its scope.'));
const scopeName = z.enum(['group', 'system']).check(z.describe('`group` for a group image, `system` for a system image.'));
const imageType = z.enum(IMAGE_TYPES).check(z.describe('The instance type the image runs on: `cpu`, `gpu`, or `universal` (both).'));

// Issue 18: a scan result of the build's image (lambdas/domain/image-scans.ts).
const findings = (severity: string) => z.number().check(z.int(), z.nonnegative(), z.describe(`How many ${severity} findings.`));
export const vulnerabilitiesSchema = z
  .strictObject({
    critical: findings('CRITICAL'),
    high: findings('HIGH'),
    medium: findings('MEDIUM'),
    low: findings('LOW'),
    informational: findings('INFORMATIONAL'),
    undefined: findings('UNDEFINED (unrated)'),
    scannedAt: timestamp('When the scan result was reported'),
  })
  .check(z.describe("The newest vulnerability scan of the build's image (ECR's scan on push): findings by severity."));

export const latestBuildSchema = z
  .strictObject({
    id: text('The build id.'),
    status: buildStatus,
    createdAt: timestamp('When the build was requested'),
    finishedAt: nullable(isoTime, 'When the build finished (ISO 8601, UTC); null while it runs.'),
    vulnerabilities: z.optional(nullable(vulnerabilitiesSchema, "The build's scan result, once one arrived.")),
  })
  .check(z.describe("The image's most recent build, in brief."));

export const imageSchema = z
  .strictObject({
    name: imageName,
    displayName: text('The name users see.'),
    description: nullable(z.string(), 'Free text for users; null when none was given.'),
    scope: scopeName,
    group: nullable(z.string(), 'The owning group; null for a system image.'),
    type: imageType,
    url: nullable(z.string(), "The image a launch uses; null until a custom image's first build succeeds. A rebuild changes it only when it succeeds."),
    urlForGpu: nullable(z.string(), 'For universal images: the image GPU instances use; null when they use `url`.'),
    pullSecret: nullable(z.string(), "The pull secret for the registry of `url`: `<name>` (system) or `<group>/<name>` (the group's own); null for none."),
    ready: z.boolean().check(z.describe('True when the image has a usable url (a custom image: once a build has succeeded).')),
    source: z.enum(['existing', 'build']).check(z.describe('`existing` when added by url, `build` for a custom image.')),
    buildSpec: nullable(
      buildSpecSchema,
      'The spec the next rebuild builds (normalised: entries canonical, sorted, without duplicates); null for an existing image.',
    ),
    latestBuild: nullable(latestBuildSchema, 'The most recent build; null if the image was never built.'),
    createdAt: timestamp('When the image was added'),
    updatedAt: timestamp('When the image last changed'),
    createdBy: text('The user id (`sub`) that added the image.'),
    updatedBy: text('The user id (`sub`) that last changed the image.'),
  })
  .check(z.describe("An image in a group's catalog or in the system catalog. `GET`, `PATCH` and create responses carry its `ETag`."));

// Issue 18: the facts of a built image (lambdas/domain/build-facts.ts).
const count = (description: string) => nullable(z.number().check(z.int(), z.nonnegative()), description);
const packageList = <T extends z.ZodMiniObject>(entry: T, manager: string) =>
  nullable(
    z.array(entry),
    `The ${manager} packages installed in the image, as ${manager} lists them after the build's installs; null when the image has no ${manager}.`,
  );
export const buildFactsSchema = z
  .strictObject({
    digest: nullable(z.string(), "The pushed image's manifest digest (`sha256:...`); null when unknown."),
    sizeBytes: count("The image's size in bytes, uncompressed, as the builder's container store counts it."),
    layers: count('How many layers the image has.'),
    reusedLayers: count("How many of them this build did not make: the base image's layers and those taken from the layer cache."),
    baseImageDigest: nullable(z.string(), 'The digest of the base image the build pulled; null when unknown.'),
    packages: nullable(
      z.strictObject({
        apt: packageList(z.strictObject({ name: z.string(), version: z.string(), architecture: z.string() }), 'apt (dpkg)'),
        conda: packageList(z.strictObject({ channel: z.string(), name: z.string(), version: z.string(), build: z.string() }), 'conda'),
        pip: packageList(z.strictObject({ name: z.string(), version: z.string() }), 'pip'),
      }),
      "The build's lock: every package installed, exactly; null when the build took none (`lockOmitted` says why).",
    ),
    lockOmitted: nullable(z.string(), 'Why there is no lock; null when there is one.'),
  })
  .check(z.describe('What a succeeded build made: the image and the exact packages it holds.'));

export const buildSchema = z
  .strictObject({
    id: text('The build id: time-sortable, newest last.'),
    image: imageName.check(z.describe('The name of the image this build belongs to.')),
    status: buildStatus,
    phase: nullable(buildPhase, 'The current or last build phase; null before the builder reports one.'),
    spec: buildSpecSchema,
    imageUrl: nullable(z.string(), 'The produced image, set when the build succeeds.'),
    reused: z.boolean().check(z.describe('True when an identical spec had already been built in this scope and its image was reused without building.')),
    failureReason: nullable(z.string(), 'Null unless the build failed: which phase failed and why, in words a group admin can act on.'),
    dryRun: z.boolean().check(z.describe('True when the build only rendered and checked everything without building (local mode without a container CLI).')),
    createdAt: timestamp('When the build was requested'),
    startedAt: nullable(isoTime, 'When the builder started it (ISO 8601, UTC); null while queued.'),
    finishedAt: nullable(isoTime, 'When the build finished (ISO 8601, UTC); null while it runs.'),
    createdBy: text('The user id (`sub`) that requested the build.'),
    vulnerabilities: nullable(vulnerabilitiesSchema, "The newest scan result of the build's image; null until one arrives (`vulnerabilitiesNote` says why)."),
    vulnerabilitiesNote: nullable(z.string(), 'Why there is no scan result (not succeeded, a local build, not scanned yet); null when there is one.'),
    facts: nullable(buildFactsSchema, 'What the build made and what the image holds; null until a build succeeds and reports them (and for reused builds).'),
  })
  .check(z.describe('One build of a custom image. Every build is kept.'));

const nextCursor = nullable(z.string(), 'Pass it as `cursor` to get the next page; null on the last page.');

export const imagePageSchema = z.strictObject({ items: z.array(imageSchema), nextCursor }).check(z.describe('A page of images, in name order.'));

export const buildPageSchema = z.strictObject({ items: z.array(buildSchema), nextCursor }).check(z.describe('A page of builds, newest first.'));

export const logLineSchema = z
  .strictObject({ timestamp: timestamp('When the line was logged'), message: text('The line, without its line break.') })
  .check(z.describe('One line of a build log.'));

export const logPageSchema = z
  .strictObject({
    lines: z.array(logLineSchema),
    nextCursor: nullable(
      z.string(),
      'Pass it as `cursor` for the lines that follow. While the build runs there is always one (more lines may come); null once it has finished and every line was read.',
    ),
  })
  .check(z.describe('A page of a build log, oldest line first.'));

export const selectableImageSchema = z
  .strictObject({
    name: imageName,
    displayName: text('The name users see.'),
    description: nullable(z.string(), 'Free text for users; null when none was given.'),
    scope: scopeName.check(z.describe('`group` for the group\'s own images (the portal\'s "Group" hint), `system` for system images.')),
    group: nullable(z.string(), 'The owning group; null for a system image.'),
    type: imageType,
    url: nullable(z.string(), 'The image to launch, resolved for the requested instance type; null while not ready.'),
    pullSecret: nullable(z.string(), "The pull secret for the registry of `url`: `<name>` (system) or `<group>/<name>` (the group's own); null for none."),
    ready: z.boolean().check(z.describe('True when the image has a usable url.')),
    criticalFindings: z
      .boolean()
      .check(
        z.describe(
          "True when the image's latest build succeeded and ECR's scan of it found CRITICAL vulnerabilities: the portal can warn members (the image stays selectable).",
        ),
      ),
  })
  .check(z.describe('An image as a launch sees it.'));

export const selectionPageSchema = z
  .strictObject({ items: z.array(selectableImageSchema), nextCursor })
  .check(z.describe("What members pick from: the group's images first, then the system images."));

export const pullSecretSchema = z
  .strictObject({
    name: z.string().check(z.regex(SECRET_NAME), z.describe('The pull secret name, which images and build specs refer to.')),
    registry: text('The registry host (and port) the login is for.'),
    createdAt: timestamp('When the secret was stored (or last replaced)'),
  })
  .check(z.describe("A pull secret's metadata; the credential itself is never returned."));

export const pullSecretListSchema = z.strictObject({ items: z.array(pullSecretSchema) }).check(z.describe('Every pull secret, by name.'));

export const healthSchema = z.strictObject({ status: z.literal('ok') }).check(z.describe('The service is up.'));

export const callerSchema = z
  .strictObject({
    sub: text("The caller's user id: the claim the `claimSub` setting names."),
    groups: z.array(z.string()).check(z.describe('Every group the caller is a member of (administering a group makes a member), sorted.')),
    adminGroups: z.array(z.string()).check(z.describe('The groups the caller administers, sorted.')),
    systemAdmin: z.boolean().check(z.describe('True when the caller has the system-admin role (`systemAdminRole`).')),
  })
  .check(z.describe("The caller as the service reads them from the token through the deployment's claim mapping."));

export const fieldErrorSchema = z
  .strictObject({
    path: text('A JSON Pointer into the request body (`/build/packages/pip/0`, `/displayName`) or the query (`/query/limit`); empty for the body as a whole.'),
    message: text('What is wrong with it.'),
  })
  .check(z.describe('One invalid field.'));

const problemKinds = Object.keys(PROBLEMS).join(', ');
const problemFields = {
  type: text(`A URI naming the kind of problem: \`${PROBLEM_TYPE_BASE}{kind}\`, kind one of ${problemKinds}.`),
  title: text('A short summary of the kind of problem, the same for every occurrence.'),
  status: z.int().check(z.describe('The HTTP status code.')),
  detail: text('What went wrong this time, and what to do about it.'),
  requestId: z.optional(text('The request id, to find the request in the logs.')),
};

export const problemSchema = z
  .strictObject({ ...problemFields, errors: z.optional(z.array(fieldErrorSchema).check(z.describe('For 422 only: every invalid field.'))) })
  .check(z.describe('An RFC 9457 problem details body (`application/problem+json`).'));

export const validationProblemSchema = z
  .strictObject({ ...problemFields, errors: z.array(fieldErrorSchema).check(z.describe('Every invalid field, at least one.')) })
  .check(z.describe('A 422: a problem details body naming every invalid field by JSON Pointer.'));

/**
 * The schemas of components/schemas, by name. The document refers to them with $ref wherever they
 * appear, in bodies and nested in one another.
 */
export const COMPONENT_SCHEMAS = {
  Image: imageSchema,
  ImagePage: imagePageSchema,
  LatestBuild: latestBuildSchema,
  Build: buildSchema,
  BuildPage: buildPageSchema,
  LogLine: logLineSchema,
  LogPage: logPageSchema,
  SelectableImage: selectableImageSchema,
  SelectionPage: selectionPageSchema,
  PullSecret: pullSecretSchema,
  PullSecretList: pullSecretListSchema,
  Health: healthSchema,
  Caller: callerSchema,
  FieldError: fieldErrorSchema,
  Problem: problemSchema,
  ValidationProblem: validationProblemSchema,
  BuildSpec: buildSpecSchema,
  CreateImage: createImageBody,
  UpdateImage: updateImageBody,
  Rebuild: rebuildBody,
  RegistryLogin: registryLoginBody,
} as const satisfies Record<string, z.ZodMiniType>;
export type ComponentName = keyof typeof COMPONENT_SCHEMAS;
