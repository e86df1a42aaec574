/**
 * PEP 440 versions as they may follow each comparison operator in a PEP 508 requirement,
 * mirroring the specifier grammar of the `packaging` library (what pip itself uses).
 */

const RELEASE = String.raw`v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*`;
const PRE = String.raw`(?:[-_.]?(?:alpha|beta|preview|pre|a|b|c|rc)[-_.]?[0-9]*)?`;
const POST = String.raw`(?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?`;
const DEV = String.raw`(?:[-_.]?dev[-_.]?[0-9]*)?`;
const LOCAL = String.raw`(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?`;
const whole = (body: string) => new RegExp(`^${body}$`, 'i');

/** `==` and `!=`: a full version with an optional local label, or a release prefix ending in `.*`. */
const EXACT = whole(`${RELEASE}(?:\\.\\*|${PRE}${POST}${DEV}${LOCAL})`);
/** `~=`: at least two release components, no wildcard, no local label. */
const COMPATIBLE = whole(`v?(?:[0-9]+!)?[0-9]+(?:\\.[0-9]+)+${PRE}${POST}${DEV}`);
/** `<`, `>`, `<=`, `>=`: no wildcard, no local label. */
const ORDERED = whole(`${RELEASE}${PRE}${POST}${DEV}`);
/** `===` compares strings; we still keep it to version-like characters. */
const ARBITRARY = /^[A-Za-z0-9._+!-]+$/;

export const VERSION_OPERATORS = ['===', '~=', '==', '!=', '<=', '>=', '<', '>'] as const;
export type VersionOperator = (typeof VERSION_OPERATORS)[number];

/** Why `version` cannot follow `op`, or null when it can. */
export function versionProblem(op: VersionOperator, version: string): string | null {
  const ok = op === '===' ? ARBITRARY : op === '==' || op === '!=' ? EXACT : op === '~=' ? COMPATIBLE : ORDERED;
  if (ok.test(version)) return null;
  if (op === '===') return `"===" compares the version as written, in letters, digits and . _ + ! - ("${version}" has others): e.g. "===1.0-custom"`;
  if (op !== '==' && op !== '!=' && version.endsWith('.*')) return `the wildcard in "${op}${version}" is only allowed with == or != (e.g. "==1.2.*")`;
  if (op !== '==' && op !== '!=' && version.includes('+')) {
    return `the local version label in "${op}${version}" is only allowed with == or != (e.g. "==2.1.0+cu118")`;
  }
  if (op === '~=' && !version.includes('.')) return `"~=" needs at least two version parts (e.g. "~=1.4")`;
  return `"${version}" is not a valid version after "${op}" (versions look like 1.2, 2.0.1, 1.0rc1, 2.1.0+cu118)`;
}
