/**
 * Where a build pulls its base image from. The platform may map registry hosts to mirror prefixes
 * (`baseImageMirrors` in the deployment, `BASE_IMAGE_MIRRORS` locally; the deployment's ECR
 * pull-through caches add theirs): a base image on a mirrored registry is pulled as
 * `<prefix>/<path>:<tag or @digest>`. The image's spec keeps what the admin wrote; only the
 * builder's pull reference changes, and the build log says which reference it pulled and why.
 *
 * A base image with a pull secret is always pulled from its own registry with that secret: a mirror
 * would pull it without the credential (and could serve it to anyone who can read the mirror).
 */
import { ENV } from '../config.ts';
import { DOCKER_HUB, isRegistryHost, parseImageReference, versionSuffix } from './image-reference.ts';

/** Registry host (as normalised references name it) -> mirror prefix (`host[:port][/path]`). */
export type BaseImageMirrors = Readonly<Record<string, string>>;

export interface BaseImagePull {
  /** The reference the builder pulls. */
  reference: string;
  /** One line for the build log: why this reference. */
  reason: string;
}

/** The reference a build pulls for `baseImage`, and why. */
export function baseImagePull(baseImage: string, mirrors: BaseImageMirrors, options: { pullSecret: boolean }): BaseImagePull {
  const ref = parseImageReference(baseImage);
  if (options.pullSecret) {
    return { reference: baseImage, reason: `from its own registry ${ref.registry} with the image's pull secret (a mirror would not use the secret)` };
  }
  const prefix = mirrors[ref.registry];
  if (prefix === undefined) return { reference: baseImage, reason: `from its own registry ${ref.registry} (no mirror is configured for it)` };
  return { reference: `${prefix}/${ref.path}${versionSuffix(ref)}`, reason: `through the mirror of ${ref.registry} at ${prefix}` };
}

// --- Validating a mirror map ---------------------------------------------------------------------

const LABEL = String.raw`(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])`;
/** A registry host as a reference names it: DNS labels, an optional port. */
const HOST = new RegExp(String.raw`^${LABEL}(?:\.${LABEL})*(?::[0-9]{1,5})?$`);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const DOCKER_HUB_HOSTS: Record<string, string> = { 'index.docker.io': DOCKER_HUB };

const HOST_HINT = 'a registry host such as docker.io, ghcr.io, quay.io or localhost:5000 (a name with a "." or a port, or localhost)';
const PREFIX_HINT =
  'a mirror prefix such as mirror.example.com/docker-hub or 123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub (registry host, optional path; no scheme, tag or trailing "/")';

/** Problems with one registry key, or its normalised form. */
function checkHost(key: string): { host?: string; problem?: string } {
  if (key === 'registry-1.docker.io') return { problem: 'is Docker Hub\'s API host; base images name Docker Hub as docker.io, so use the key "docker.io"' };
  if (!HOST.test(key) || !isRegistryHost(key)) return { problem: `is not ${HOST_HINT}` };
  const host = key.toLowerCase();
  return { host: DOCKER_HUB_HOSTS[host] ?? host };
}

function checkPrefix(prefix: unknown): string | undefined {
  if (typeof prefix !== 'string') return `the mirror prefix must be a string, got ${JSON.stringify(prefix) ?? String(prefix)}`;
  if (/^[a-z]+:\/\//i.test(prefix)) return `the mirror prefix ${JSON.stringify(prefix)} has a scheme: write ${PREFIX_HINT}`;
  const [host = '', ...path] = prefix.split('/');
  // The host must read as a registry, or docker would take `mirror/library/python` for a Docker Hub repository.
  const ok = HOST.test(host) && isRegistryHost(host) && path.every((c) => PATH_COMPONENT.test(c)) && prefix.length <= 255;
  return ok ? undefined : `the mirror prefix ${JSON.stringify(prefix)} is not ${PREFIX_HINT}`;
}

export interface MirrorCheck {
  mirrors: Record<string, string>;
  /** Human-readable problems, each naming the entry; empty when the map is valid. */
  problems: string[];
}

/**
 * Validates a mirror map given as a JSON object or as its JSON text (`-c key=value`, an environment
 * variable). Keys are normalised (lower case, `index.docker.io` -> `docker.io`).
 */
export function checkBaseImageMirrors(raw: unknown): MirrorCheck {
  let value = raw;
  if (value === undefined || value === null || value === '') return { mirrors: {}, problems: [] };
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (e) {
      return { mirrors: {}, problems: [`is not JSON (${(e as Error).message}); expected an object like {"docker.io": "mirror.example.com/docker-hub"}`] };
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { mirrors: {}, problems: ['expected a JSON object from registry host to mirror prefix, like {"docker.io": "mirror.example.com/docker-hub"}'] };
  }
  const mirrors: Record<string, string> = {};
  const problems: string[] = [];
  for (const [key, prefix] of Object.entries(value)) {
    const { host, problem } = checkHost(key);
    const prefixProblem = checkPrefix(prefix);
    if (problem) problems.push(`entry ${JSON.stringify(key)}: the key ${problem}`);
    if (prefixProblem) problems.push(`entry ${JSON.stringify(key)}: ${prefixProblem}`);
    if (!host || problem || prefixProblem) continue;
    if (host in mirrors) problems.push(`entry ${JSON.stringify(key)}: ${host} already has a mirror (keys name each registry once)`);
    else mirrors[host] = prefix as string;
  }
  return { mirrors, problems };
}

/** Parses a mirror map or throws one error that names `source` and every problem. */
export function parseBaseImageMirrors(raw: unknown, source: string): BaseImageMirrors {
  const { mirrors, problems } = checkBaseImageMirrors(raw);
  if (problems.length) throw new Error(`${source}: ${problems.join('; ')}`);
  return mirrors;
}

/** The mirror map from the environment (`BASE_IMAGE_MIRRORS`); unset or empty means no mirrors. */
export const baseImageMirrorsFrom = (env: Record<string, string | undefined>): BaseImageMirrors =>
  parseBaseImageMirrors(env[ENV.baseImageMirrors], `environment variable ${ENV.baseImageMirrors}`);
