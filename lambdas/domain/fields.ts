/**
 * The contract's field rules, one schema each, shared by every request body that carries the field
 * (and by the OpenAPI document). zod/mini keeps the Lambda bundles small.
 */
import * as z from 'zod/mini';
import { IMAGE_REFERENCE } from '../builds/image-reference.ts';

/** Characters that have no business in a single-line field: C0/C1 controls, DEL, line/paragraph separators. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export const IMAGE_TYPES = ['cpu', 'gpu', 'universal'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];
export const imageType = z.enum(IMAGE_TYPES);

export const displayName = z.string().check(z.regex(/^[a-z0-9.-]{1,63}$/, 'must be 1 to 63 characters: lowercase letters, digits, "-" and "." only'));

export const DESCRIPTION_MAX = 2000;
/** Control characters a description may not hold (tabs and line breaks are fine). */
export const DESCRIPTION_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;
export const description = z.string().check(
  z.maxLength(DESCRIPTION_MAX, `must be at most ${DESCRIPTION_MAX} characters`),
  z.refine((s) => !DESCRIPTION_CONTROL.test(s), 'must not contain control characters'),
);

export const IMAGE_REFERENCE_MAX = 512;

export const imageReference = z.string().check(
  z.maxLength(IMAGE_REFERENCE_MAX, `must be at most ${IMAGE_REFERENCE_MAX} characters`),
  z.refine(
    (s) => !CONTROL.test(s) && IMAGE_REFERENCE.test(s),
    'must be a container image reference such as "registry.example.com/team/image:1.0" (lowercase repository, optional :tag and @sha256:digest)',
  ),
);

/** Pull secret names: DNS-1123 labels, like the Kubernetes secrets they stand for. */
export const SECRET_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const secretName = z
  .string()
  .check(z.regex(SECRET_NAME, 'must be a secret name: 1 to 63 lowercase letters, digits and "-", starting and ending with a letter or digit'));

/** Group ids come from the identity provider; we accept the usual id alphabet and nothing that could be a key separator. */
export const GROUP_ID = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,127}$/;

/**
 * How an image or a build spec names a pull secret: `<name>` is a system secret, `<group>/<name>`
 * that group's secret. The text names one secret wherever it is stored (see secret-references.ts).
 */
export const SECRET_REFERENCE = /^(?:([A-Za-z0-9][A-Za-z0-9_.@-]{0,127})\/)?([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)$/;
export const secretReference = z
  .string()
  .check(z.regex(SECRET_REFERENCE, 'must name a pull secret: "<name>" for a system secret, "<group>/<name>" for a secret of the image\'s own group'));

/** Image names are generated DNS-1123 labels. */
export const IMAGE_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
