/**
 * Conda MatchSpecs in the forms `conda install --file` reads back unchanged. conda pre-parses each
 * line of that file with a regex (`spec_from_line`: name, then `=version[=build]` or pip-style
 * `op version[,op version]`) before building the MatchSpec, so forms that regex mangles (key=value
 * brackets, `name version build` with spaces) are refused or rewritten into the `=` form.
 *
 * Accepted: `[channel[/subdir...]::]name[constraint]` where constraint is one of
 *   =version[=build]              conda's own form        numpy=1.17 (-> numpy=1.17*), numpy=1.17.*=py38_0
 *   op version[,op version...]    pip-style comparisons   numpy==1.17*, numpy>=1.20,<2
 *   ' 'version[ build]            space form, rewritten   numpy 1.17.* -> numpy=1.17.*, numpy 1.17 -> numpy==1.17
 * and the portal's documented `-c channel::spec` (also `-c channel spec`), rewritten to `channel::spec`.
 * Refused on purpose: `|` (or), parentheses, brackets, quotes, URLs and paths as channels,
 * `*` wildcards in names, and `~=`: spec_from_line's name pattern swallows the `~` (`numpy~=1.2`
 * would become a search for a package called `numpy~`).
 */

const CHANNEL_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const NAME = /^[a-z0-9_][a-z0-9_.-]*/;
const VERSION = /^(?:[0-9]+!)?[0-9*][A-Za-z0-9_.+*]*$/;
const BUILD = /^[A-Za-z0-9_*][A-Za-z0-9_.+*]*$/;
const OPERATOR = /^(?:==|!=|<=|>=|<|>|=)/;
const ALLOWED = /^[A-Za-z0-9_.+!*=<>,:/ -]*$/;

const EXAMPLES = 'e.g. "numpy", "numpy=1.17", "numpy>=1.20,<2" or "conda-forge::numpy==1.17*"';

/** Why `text` is not an acceptable conda entry, or null. `text` is trimmed, one line, ASCII. */
export function matchSpecProblem(text: string): string | null {
  const parsed = parseEntry(text);
  return typeof parsed === 'string' ? parsed : null;
}

/** The canonical form written to the conda list file: `-c` and space forms rewritten. Assumes a valid entry. */
export function normaliseMatchSpec(text: string): string {
  const parsed = parseEntry(text);
  if (typeof parsed === 'string') throw new Error(`not a valid conda entry: ${parsed}`);
  return (parsed.channel ? `${parsed.channel}::` : '') + parsed.name + parsed.constraint;
}

type Parsed = { channel: string | null; name: string; constraint: string };

function parseEntry(text: string): Parsed | string {
  const refused = refusedCharacter(text);
  if (refused) return refused;
  let rest = text;
  let channel: string | null = null;
  if (rest.startsWith('-')) {
    const flag = /^-c +([^ :]+)(?:::| +)(.+)$/.exec(rest);
    if (!flag) {
      return rest.startsWith('--channel') || rest.startsWith('-c')
        ? 'write the channel as "-c conda-forge::numpy" or "conda-forge::numpy"'
        : 'conda options are not allowed; the only accepted prefix is the portal\'s "-c channel::package"';
    }
    channel = flag[1];
    rest = flag[2].trimStart();
    if (rest.includes('::')) return `two channels given ("-c ${channel}" and "${rest.slice(0, rest.indexOf('::'))}::"): keep one`;
  }
  const sep = rest.indexOf('::');
  if (sep >= 0) {
    channel = rest.slice(0, sep);
    rest = rest.slice(sep + 2);
  }
  if (channel !== null) {
    const problem = channelProblem(channel);
    if (problem) return problem;
  }
  if (rest.includes(':')) return 'separate the channel from the package with two colons, e.g. "conda-forge::numpy"';
  if (rest.includes('/')) return 'paths are not allowed: name a package (and optionally a channel), ' + EXAMPLES;
  const name = NAME.exec(rest)?.[0];
  if (!name) {
    if (/^[A-Z]/.test(rest)) return 'conda package names are lowercase (e.g. "pyyaml", not "PyYAML")';
    if (rest.startsWith('*')) return 'package name wildcards are not allowed: name one package';
    return `must start with a package name (lowercase letters, digits, "_", "." and "-"), ${EXAMPLES}`;
  }
  const constraint = rest.slice(name.length);
  if (/^[A-Z*]/.test(constraint)) {
    return constraint.startsWith('*') ? 'package name wildcards are not allowed: name one package' : 'conda package names are lowercase (e.g. "pyyaml", not "PyYAML")';
  }
  const canonical = constraintProblemOrCanonical(constraint);
  if (canonical.problem !== null) return canonical.problem;
  return { channel, name, constraint: canonical.value };
}

function refusedCharacter(text: string): string | null {
  if (text.includes('~=')) return '"~=" does not survive conda\'s list-file reader: write the range out, e.g. "numpy>=1.26.0,<1.27" or "numpy=1.26.*"';
  if (text.includes('://')) return 'channels are names such as "conda-forge", never URLs';
  if (text.includes('[')) return 'key=value brackets are not supported (conda install --file cannot read them): write "numpy=1.17=py38_0" or "conda-forge::numpy" instead';
  if (text.includes('|')) return '"|" (or) is not supported: give one version range, ' + EXAMPLES;
  if (!ALLOWED.test(text)) {
    const bad = [...text].find((c) => !ALLOWED.test(c));
    return `"${bad}" is not allowed in a conda package spec, ${EXAMPLES}`;
  }
  return null;
}

function channelProblem(channel: string): string | null {
  if (channel === '') return 'the channel before "::" is empty';
  if (/^[./~]/.test(channel) || channel.includes('..') || channel.includes('//') || channel.endsWith('/')) {
    return `channels are names such as "conda-forge", never paths (got "${channel}")`;
  }
  const segments = channel.split('/');
  if (segments.length > 4 || !segments.every((s) => CHANNEL_SEGMENT.test(s))) {
    return `"${channel}" is not a channel name: use letters, digits, "-", "_" and "." (e.g. "conda-forge", "nvidia/label/cuda-11.8.0")`;
  }
  return null;
}

type Canonical = { problem: null; value: string } | { problem: string; value?: undefined };
const fail = (problem: string): Canonical => ({ problem });
const ok = (value: string): Canonical => ({ problem: null, value });

function constraintProblemOrCanonical(constraint: string): Canonical {
  if (constraint === '') return ok('');
  if (constraint.startsWith(' ')) return spaceForm(constraint.trim());
  if (constraint.startsWith('=') && !constraint.startsWith('==')) {
    const [version, build, extra] = constraint.slice(1).split('=');
    if (extra !== undefined || version === '') return fail(`"${constraint}" is not a conda version: write "=version" or "=version=build" (e.g. "numpy=1.17=py38_0")`);
    return versionAndBuild(version, build, constraint, 'prefix');
  }
  if (OPERATOR.test(constraint)) {
    const problem = comparisonsProblem(constraint);
    return problem ? fail(problem) : ok(constraint);
  }
  return fail(`unexpected "${constraint}" after the package name, ${EXAMPLES}`);
}

/** `name 1.17.*` and `name 1.17.* py38_0` become `name=1.17.*` and `name=1.17.*=py38_0`; `name >=1.20` becomes `name>=1.20`. */
function spaceForm(rest: string): Canonical {
  const parts = rest.replace(/ *, */g, ',').split(/ +/);
  if (parts.length > 2) return fail(`too many words after the package name: write "name=version=build" (e.g. "numpy=1.17=py38_0")`);
  const [version, build] = parts;
  if (OPERATOR.test(version)) {
    if (build !== undefined) return fail(`a build string cannot follow a version comparison ("${version} ${build}"): write "name=version=build"`);
    if (/^=[^=]/.test(version)) return constraintProblemOrCanonical(version);
    const problem = comparisonsProblem(version);
    return problem ? fail(problem) : ok(version);
  }
  return versionAndBuild(version, build, ` ${rest}`, 'exact');
}

/**
 * On conda's command line `numpy=1.17` means 1.17.* and `numpy 1.17` means exactly 1.17. The list
 * file reader turns `=` into a space, so both would mean "exactly": the canonical forms keep the
 * command-line meaning explicit (`numpy=1.17*`, `numpy==1.17`). With a build string both are exact.
 */
function versionAndBuild(version: string, build: string | undefined, original: string, meaning: 'prefix' | 'exact'): Canonical {
  if (!VERSION.test(version) || version.includes('..')) return fail(`"${version}" is not a conda version (versions look like 1.17, 1.17.*, 2.1.0)`);
  if (build !== undefined && !BUILD.test(build)) return fail(`"${build}" in "${original.trim()}" is not a conda build string (e.g. "py38_0", "*cuda*")`);
  if (build !== undefined) return ok(`=${version}=${build}`);
  if (version.includes('*')) return ok(`=${version}`);
  return ok(meaning === 'prefix' ? `=${version}*` : `==${version}`);
}

function comparisonsProblem(text: string): string | null {
  for (const clause of text.split(',')) {
    const op = OPERATOR.exec(clause)?.[0] ?? '';
    const version = clause.slice(op.length);
    if (version === '') return `expected a version after "${op || ','}" in "${text}"`;
    if (!VERSION.test(version) || version.includes('..')) return `"${version}" is not a conda version (versions look like 1.17, 1.17.*, 2.1.0)`;
  }
  return null;
}
