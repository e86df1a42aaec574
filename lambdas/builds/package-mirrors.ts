/**
 * The platform's package mirrors (Artifactory, Nexus, CodeArtifact, an offline cluster's proxy): one
 * URL per manager, used by every build's template, set only by the platform (CDK context in AWS,
 * environment variables locally), never by a build spec. The same check guards both.
 */
import { BUILDSPEC_ENV } from './buildspec-env.ts';

export interface PackageMirrors {
  /** pip's index (PEP 503 "simple" API), e.g. https://nexus.example.com/repository/pypi/simple/ */
  pipIndexUrl?: string;
  /** conda's channel_alias: named channels (conda-forge, ...) are looked up under it. */
  condaChannelAlias?: string;
  /** Replaces the scheme and host of every apt source while packages install (paths kept): https://apt-proxy.example.com */
  aptMirror?: string;
}

export const MIRROR_SETTINGS = ['pipIndexUrl', 'condaChannelAlias', 'aptMirror'] as const satisfies readonly (keyof PackageMirrors)[];

/** The build variable (and template build argument) each setting travels in. */
export const MIRROR_ENV: Record<keyof PackageMirrors, string> = {
  pipIndexUrl: BUILDSPEC_ENV.pipIndexUrl,
  condaChannelAlias: BUILDSPEC_ENV.condaChannelAlias,
  aptMirror: BUILDSPEC_ENV.aptMirror,
};

/**
 * http(s), a host, an optional port and path; no credentials (a build argument is recorded in the
 * image's history), no query, and only characters that stay literal in the template's shell and sed.
 */
const MIRROR_URL = /^https?:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?(\/[A-Za-z0-9._~%/-]*)?$/;

/** Why `value` is not a usable mirror URL, or null. */
export function mirrorUrlProblem(value: string): string | null {
  if (value.length > 512) return 'expected at most 512 characters';
  if (value.includes('@')) return 'expected a URL without credentials (build arguments are recorded in the image history)';
  if (!MIRROR_URL.test(value))
    return 'expected an http(s) URL like https://mirror.example.com/pypi/simple/ (host, optional port and path; no query or credentials)';
  return null;
}

/** The build variables for the mirrors that are set. */
export function mirrorVariables(mirrors: PackageMirrors): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const key of MIRROR_SETTINGS) if (mirrors[key]) vars[MIRROR_ENV[key]] = mirrors[key];
  return vars;
}
