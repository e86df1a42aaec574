/**
 * One validator per package manager for one list entry: `null` when the entry is acceptable,
 * otherwise a reason a group admin can act on. Entries only ever reach a list file in the build
 * context (never a shell line or the Dockerfile); these grammars are what keeps that file inert.
 *
 * Rules shared by every manager:
 * - leading and trailing spaces are ignored (the normalised spec stores the trimmed entry);
 * - one line of printable ASCII: no tabs, line breaks, NUL or other control characters, and no
 *   non-ASCII characters (look-alikes such as a Cyrillic "е" would name another package);
 * - at most MAX_ENTRY_LENGTH characters;
 * - what the manager would read as something other than a package (an option, a URL, a path) and
 *   package files are named as such, before any character is looked at;
 * - characters that no manager's grammar needs (`$`, backtick, `\`, `{`, `}`, `#`, `&`, `%`, `^`,
 *   `?`) are refused outright: `#` starts a comment and `${VAR}` expands in pip and conda files.
 *   (`|` is refused by every grammar too, conda's with its own reason.)
 * The messages for these classes are worded once, in entry-refusals.ts.
 */
import { debianPackageProblem, debianRefusedForm } from './debian-package.ts';
import { matchSpecProblem, matchSpecRefusedForm, normaliseMatchSpec } from './conda-matchspec.ts';
import { refusal } from './entry-refusals.ts';
import { pep508Problem, pep508RefusedForm } from './pep508.ts';

export const PACKAGE_MANAGERS = ['apt', 'conda', 'pip'] as const;
export type PackageManager = (typeof PACKAGE_MANAGERS)[number];

/** Longest accepted entry; real specs with markers stay well under 120 characters. */
export const MAX_ENTRY_LENGTH = 200;

/** Exported for the OpenAPI document, which states them as the entries' pattern. */
export const NEVER = /[$`\\{}#&%^?]/;
export const CONTROL = /[\u0000-\u001f\u007f]/;

const CONTROL_NAMES: Record<string, string> = {
  '\n': 'a line break',
  '\r': 'a carriage return',
  '\t': 'a tab',
  '\u0000': 'a NUL character',
};

/** Problems that do not depend on the manager; null when the text may go on to its grammar. */
function textProblem(entry: string): string | null {
  const text = entry.trim();
  if (text === '') return 'must not be empty';
  if (entry.length > MAX_ENTRY_LENGTH) return `is ${entry.length} characters long; the limit is ${MAX_ENTRY_LENGTH}`;
  const control = CONTROL.exec(entry)?.[0];
  if (control !== undefined) {
    const name = CONTROL_NAMES[control] ?? `the control character U+${control.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    return `must be one line of plain text: it contains ${name}`;
  }
  const foreign = [...entry].find((c) => c > '\u007e');
  if (foreign !== undefined) {
    const code = foreign.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    // Invisible or direction-changing characters are named by code point only, so the message reads right.
    const shown = /^[\p{L}\p{N}\p{P}\p{S}]$/u.test(foreign) ? `"${foreign}" ` : '';
    return `contains ${shown}(U+${code}): package specs use plain ASCII characters only`;
  }
  return null;
}

function neverProblem(manager: PackageManager, text: string): string | null {
  const never = NEVER.exec(text)?.[0];
  if (never === undefined) return null;
  if (never === '#') return refusal.comment(manager);
  if (never === '$' || never === '{' || never === '}') return refusal.variable(manager, never);
  return `"${never}" is never part of a package spec`;
}

// conda (`*.conda`, `*.tar.bz2`), pip (`*.whl`, sdists) and apt (`*.deb`) read such names as local files.
export const ARCHIVE = /\.(?:whl|deb|conda|zip|tar|tgz|tbz|txz|tlz|tar\.gz|tar\.bz2|tar\.xz|tar\.lz|tar\.lzma)(?=$|[ =<>!~;,[(])/i;

function archiveProblem(manager: PackageManager, text: string): string | null {
  const archive = ARCHIVE.exec(text)?.[0];
  return archive ? refusal.file(manager, archive) : null;
}

/**
 * Checks in the order that names what an entry is: plain one-line text, then what the manager would
 * read as something other than a package (an option, a URL, a path: `form`), a package file, the
 * characters no grammar needs, and only then the manager's grammar (`rule`).
 */
const grammar =
  (manager: PackageManager, form: (text: string) => string | null, rule: (text: string) => string | null) =>
  (entry: string): string | null => {
    const problem = textProblem(entry);
    if (problem) return problem;
    const text = entry.trim();
    return form(text) ?? archiveProblem(manager, text) ?? neverProblem(manager, text) ?? rule(text);
  };

/** A Debian package, optionally `:arch` and `=version` or `/release`: `curl`, `g++`, `libssl-dev=3.0.11-1~deb12u2`. */
export const checkApt = grammar('apt', debianRefusedForm, debianPackageProblem);
/** A conda MatchSpec with an optional named channel, including the portal's `-c conda-forge::numpy==1.17*`. */
export const checkConda = grammar('conda', matchSpecRefusedForm, matchSpecProblem);
/** A PEP 508 requirement with extras and markers, without URLs, paths or pip options. */
export const checkPip = grammar('pip', pep508RefusedForm, pep508Problem);

export const PACKAGE_CHECKS: Record<PackageManager, (entry: string) => string | null> = {
  apt: checkApt,
  conda: checkConda,
  pip: checkPip,
};

/** The form an accepted entry is stored and written in: trimmed; conda `-c` and space forms rewritten. */
export function normaliseEntry(manager: PackageManager, entry: string): string {
  const text = entry.trim();
  return manager === 'conda' ? normaliseMatchSpec(text) : text;
}

/** A spec's package lists, by manager. */
export type PackageLists = Partial<Record<PackageManager, string[]>>;

/**
 * The canonical lists, the ones to store and build: entries in their canonical form, each list
 * de-duplicated and sorted (apt, conda and pip each install their list in one transaction, so order
 * carries no meaning), empty lists dropped.
 */
export function normalisePackageLists(lists: PackageLists): PackageLists {
  const packages: PackageLists = {};
  for (const manager of PACKAGE_MANAGERS) {
    const list = lists[manager];
    if (!list?.length) continue;
    packages[manager] = [...new Set(list.map((e) => normaliseEntry(manager, e)))].sort();
  }
  return packages;
}
