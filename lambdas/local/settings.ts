/** The local server's own settings, from its environment. */
import { resolve } from 'node:path';
import { MIRROR_ENV, MIRROR_SETTINGS, mirrorUrlProblem, type PackageMirrors } from '../builds/package-mirrors.ts';

type Env = Record<string, string | undefined>;

export const dataDirFrom = (env: Env) => resolve(env.DATA_DIR || '.data');

export function portFrom(env: Env): number {
  const raw = env.PORT || '3000';
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${raw}"`);
  return port;
}

/** An optional positive number setting (fractions allowed: BUILD_TIMEOUT_MINUTES=0.5 is 30 seconds). */
export function positiveNumberFrom(env: Env, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return n;
}

/** PIP_INDEX_URL, CONDA_CHANNEL_ALIAS, APT_MIRROR: the platform's package mirrors for every local build. */
export function packageMirrorsFrom(env: Env): PackageMirrors {
  const mirrors: PackageMirrors = {};
  for (const key of MIRROR_SETTINGS) {
    const name = MIRROR_ENV[key];
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const problem = mirrorUrlProblem(raw);
    if (problem) throw new Error(`${name} must be a package mirror URL: ${problem}, got "${raw}"`);
    mirrors[key] = raw;
  }
  return mirrors;
}

/** LOCAL_REGISTRY: `host[:port]` of a registry local builds push to (none: images stay in the container CLI's store). */
export function localRegistryFrom(env: Env): string | undefined {
  const raw = env.LOCAL_REGISTRY;
  if (raw === undefined || raw === '') return undefined;
  if (!/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?$/.test(raw))
    throw new Error(`LOCAL_REGISTRY must be a registry host[:port] like localhost:5000, got "${raw}"`);
  return raw;
}
