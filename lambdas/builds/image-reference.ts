/**
 * Container image references, read the way docker reads them (distribution/reference's
 * ParseNormalizedNamed and TagNameOnly): `python:3.12` is `docker.io/library/python:3.12`,
 * `index.docker.io` is `docker.io`, a first component is a registry only if it has a "." or a ":"
 * or is `localhost` (or has upper-case letters), and a reference without tag or digest means `:latest`.
 * Pure string work on references already validated by `imageReference` (domain/fields.ts).
 */
/**
 * A container image reference as the distribution spec and docker define it:
 * [registry[:port]/]repository[:tag][@digest]. Lowercase repository path, tag of word characters.
 */
const REGISTRY = String.raw`(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]{1,5})?/)`;
const PATH_COMPONENT = String.raw`[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*`;
const TAG = String.raw`:[\w][\w.-]{0,127}`;
const DIGEST = String.raw`@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}`;
export const IMAGE_REFERENCE = new RegExp(`^${REGISTRY}?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?:${TAG})?(?:${DIGEST})?$`);

/** Docker Hub, as normalised references name it. */
export const DOCKER_HUB = 'docker.io';
/** Docker Hub's legacy name, which docker rewrites to docker.io. */
const DOCKER_HUB_LEGACY = 'index.docker.io';
/** Docker Hub's official images live under this namespace. */
const OFFICIAL_NAMESPACE = 'library';

export interface ImageReference {
  /** Registry host, lower-case, with its port if any: `docker.io`, `ghcr.io`, `localhost:5000`. */
  registry: string;
  /** Repository path inside the registry: `library/python`, `jupyter/scipy-notebook`. */
  path: string;
  tag?: string;
  /** `algorithm:hex`, without the `@`. */
  digest?: string;
}

/** Would docker read this first path component as a registry host? */
export const isRegistryHost = (component: string) =>
  component.includes('.') || component.includes(':') || component === 'localhost' || component !== component.toLowerCase();

/** Parses a reference; throws on one that is not a valid image reference (callers validate first). */
export function parseImageReference(reference: string): ImageReference {
  if (!IMAGE_REFERENCE.test(reference)) throw new Error(`not an image reference: ${JSON.stringify(reference)}`);
  const at = reference.indexOf('@');
  const named = at < 0 ? reference : reference.slice(0, at);
  const digest = at < 0 ? undefined : reference.slice(at + 1);
  // A tag's ":" comes after the last "/" (a registry port's ":" comes before it).
  const colon = named.lastIndexOf(':');
  const hasTag = colon > named.lastIndexOf('/');
  const name = hasTag ? named.slice(0, colon) : named;
  const tag = hasTag ? named.slice(colon + 1) : undefined;

  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  let registry = DOCKER_HUB;
  let path = name;
  if (slash >= 0 && isRegistryHost(first)) {
    registry = first.toLowerCase();
    path = name.slice(slash + 1);
  }
  if (registry === DOCKER_HUB_LEGACY) registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && !path.includes('/')) path = `${OFFICIAL_NAMESPACE}/${path}`;
  return { registry, path, ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) };
}

/** `:tag`, `@digest`, both, or `:latest` when the reference names neither (what a pull means). */
export const versionSuffix = (ref: ImageReference) =>
  (ref.tag !== undefined ? `:${ref.tag}` : ref.digest !== undefined ? '' : ':latest') + (ref.digest !== undefined ? `@${ref.digest}` : '');

export const formatImageReference = (ref: ImageReference) => `${ref.registry}/${ref.path}${versionSuffix(ref)}`;

/** The fully qualified form: `python:3.12` -> `docker.io/library/python:3.12`. */
export const normaliseImageReference = (reference: string) => formatImageReference(parseImageReference(reference));
