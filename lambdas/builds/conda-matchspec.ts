/**
 * Conda MatchSpecs in the forms `conda install --file` reads back unchanged. conda pre-parses each
 * line of that file with a regex (`spec_from_line`: name, then `=version[=build]` or pip-style
 * `op version[,op version]`, spaces removed) before building the MatchSpec, so forms that regex
 * mangles (key=value brackets, `name version build` with spaces) are refused or rewritten.
 *
 * Accepted: `[channel[/subdir...]::]name[constraint]` where constraint is one of
 *   =version[=build]                   conda's own form      numpy=1.17 (-> numpy=1.17*), numpy=1.17.*=py38_0
 *   op version[,op version...][=build] pip-style comparisons numpy==1.17*, numpy >= 1.20, jaxlib>=0.4.31=cuda12*
 *   ' 'version[ build]                 space form            numpy 1.17.* -> numpy=1.17.*, numpy 1.17 -> numpy==1.17
 * and the portal's documented `-c channel::spec` (also `-c channel spec`), rewritten to `channel::spec`.
 * Names are lower-cased (as conda does) and checked against conda's CEP-26 rule; versions against
 * the characters and components conda's VersionOrder takes.
 * Refused on purpose: `|` (or), parentheses, brackets, quotes, URLs and paths as channels,
 * `*` wildcards in names.
 */
import { refusal } from './entry-refusals.ts';

const CHANNEL_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*/;
/** conda's CEP-26 package names (conda/models/match_spec.py), checked after lower-casing; `__x` are virtual packages. */
const CEP26_NAME = /^(?:[a-z0-9]|[a-z0-9_](?!_))[._-]?(?:[a-z0-9]+(?:\.|-|_|$))*$/;
const CEP26_VIRTUAL = /^__[a-z0-9][._-]?(?:[a-z0-9]+(?:\.|-|_|$))*$/;
const BUILD = /^[A-Za-z0-9_*][A-Za-z0-9_.+*]*$/;
const ALLOWED = /^[A-Za-z0-9_.+!*=<>,:/~ -]*$/;
/** One comparison of a pip-style constraint: conda allows spaces between the operator and the version. */
const CLAUSE = /^(==|!=|<=|>=|~=|<|>|=) *([A-Za-z0-9_.+!*-]*)/;

const EXAMPLES = 'e.g. "numpy", "numpy=1.17", "numpy>=1.20,<2" or "conda-forge::numpy==1.17*"';

/** Why `text` is not an acceptable conda entry, or null. `text` is trimmed, one line, ASCII. */
export function matchSpecProblem(text: string): string | null {
  const parsed = parseEntry(text);
  return typeof parsed === 'string' ? parsed : null;
}

/** What conda would read as something other than a package spec (an option, a URL, a path), named for what it is. */
export function matchSpecRefusedForm(text: string): string | null {
  // The portal's own "-c channel" prefix is checked by the grammar, with its own message.
  if (text.startsWith('-') && !/^(?:-c|--channel)(?:[ =]|$)/.test(text)) return refusal.option('conda', '-n, --override-channels...');
  if (text.includes('://')) return 'channels are names such as "conda-forge", never URLs: write e.g. "conda-forge::numpy"';
  if (/^[./~]/.test(text)) return refusal.path('conda');
  return null;
}

/** The canonical form written to the conda list file: `-c` and space forms rewritten, the name lower-cased. Assumes a valid entry. */
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
    if (!flag) return 'write the channel as "-c conda-forge::numpy" or "conda-forge::numpy"';
    channel = flag[1]!;
    rest = flag[2]!.trimStart();
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
  if (rest.includes('/')) return refusal.path('conda');
  const name = NAME.exec(rest)?.[0];
  if (!name) {
    if (rest.startsWith('*')) return 'package name wildcards are not allowed: name one package';
    return `must start with a package name (letters, digits, "_", "." and "-"), ${EXAMPLES}`;
  }
  const lower = name.toLowerCase();
  if (!CEP26_NAME.test(lower) && !CEP26_VIRTUAL.test(lower)) {
    return `"${name}" is not a conda package name: letters, digits and single ".", "-" or "_" between them (e.g. "scikit-learn", "_libgcc_mutex")`;
  }
  const after = rest.slice(name.length);
  if (after.startsWith('*')) return 'package name wildcards are not allowed: name one package';
  const canonical = constraint(after);
  if (canonical.problem !== null) return canonical.problem;
  return { channel, name: lower, constraint: canonical.value };
}

function refusedCharacter(text: string): string | null {
  if (text.includes('['))
    return 'key=value brackets are not supported (conda install --file cannot read them): write "numpy=1.17=py38_0" or "conda-forge::numpy" instead';
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

/** The canonical constraint for what follows the name, or why it is not one. */
function constraint(after: string): Canonical {
  if (after === '') return ok('');
  const text = after.trimStart();
  if (/^=(?!=)/.test(text)) return condaForm(text);
  if (CLAUSE.test(text)) return comparisons(text);
  if (text !== after) return spaceForm(text);
  return fail(`unexpected "${after}" after the package name, ${EXAMPLES}`);
}

/** `=version[=build]`. The list-file reader splits it at every "=", so a "," list must start with its comparisons. */
function condaForm(text: string): Canonical {
  const [version = '', build, extra] = text.slice(1).split('=');
  if (version.includes(',')) return fail(`conda's list-file reader cannot read "=" before ",": put the "=" clause last, e.g. "pkg>=0.4.1,=0.*"`);
  if (extra !== undefined || version === '') return fail(`"${text}" is not a conda version: write "=version" or "=version=build" (e.g. "numpy=1.17=py38_0")`);
  return versionAndBuild(version, build, text, 'prefix');
}

/** `op version[,op version...]` then an optional build (`=build` or ` build`), written without spaces: `numpy !=1.10 py38_0` -> `numpy!=1.10=py38_0`. */
function comparisons(text: string): Canonical {
  const clauses: string[] = [];
  let rest = text;
  for (;;) {
    const m = CLAUSE.exec(rest);
    if (!m) return fail(`expected a version comparison such as ">=1.20" in "${text}"`);
    const [whole, op, version] = m as unknown as [string, string, string];
    if (version === '') return fail(`expected a version after "${op}" in "${text}"`);
    const problem = condaVersionProblem(version);
    if (problem) return fail(problem);
    if (op === '~=' && !version.includes('.')) return fail(`"~=" needs at least two version parts (e.g. "~=1.26.0")`);
    clauses.push(op + version);
    rest = rest.slice(whole.length);
    const comma = /^ *, */.exec(rest);
    if (!comma) break;
    rest = rest.slice(comma[0].length);
  }
  const build = /^(?:=| +)(.+)$/.exec(rest)?.[1];
  if (rest !== '' && (build === undefined || !BUILD.test(build)))
    return fail(
      `unexpected "${rest.trim()}" after "${text.slice(0, text.length - rest.length)}": a build string follows as "=build" (e.g. "numpy>=1.20=py39*")`,
    );
  const value = clauses.join(',') + (build ? `=${build}` : '');
  // spec_from_line reads "name~=" as a name ending in "~": only "name ~=..." survives the list file.
  return ok(value.startsWith('~=') ? ` ${value}` : value);
}

/** `name 1.17.*` and `name 1.17.* py38_0` become `name=1.17.*` and `name=1.17.*=py38_0`. */
function spaceForm(text: string): Canonical {
  const parts = text.split(/ +/);
  if (parts.length > 2) return fail(`too many words after the package name: write "name=version=build" (e.g. "numpy=1.17=py38_0")`);
  return versionAndBuild(parts[0]!, parts[1], text, 'exact');
}

/**
 * On conda's command line `numpy=1.17` means 1.17.* and `numpy 1.17` means exactly 1.17. The list
 * file reader turns `=` into a space, so both would mean "exactly": the canonical forms keep the
 * command-line meaning explicit (`numpy=1.17*`, `numpy==1.17`). With a build string both are exact.
 */
function versionAndBuild(version: string, build: string | undefined, original: string, meaning: 'prefix' | 'exact'): Canonical {
  const problem = condaVersionProblem(version);
  if (problem) return fail(problem);
  if (build !== undefined && !BUILD.test(build)) return fail(`"${build}" in "${original.trim()}" is not a conda build string (e.g. "py38_0", "*cuda*")`);
  if (build !== undefined) return ok(`=${version}=${build}`);
  if (version.includes('*')) return ok(`=${version}`);
  return ok(meaning === 'prefix' ? `=${version}*` : `==${version}`);
}

/**
 * What conda's VersionOrder takes (conda/models/version.py): letters, digits, `.`, `_`, `+`, `!`, `*`
 * (a `-` counts as `_` when there is no `_`), one epoch `n!`, one local part after `+`, and no empty
 * component between separators. We also want a digit or `*` first, as every published version has.
 */
export function condaVersionProblem(version: string): string | null {
  const what = `"${version}" is not a conda version (versions look like 1.17, 1.17.*, 2.1.0, 1.1.1_)`;
  let v = version.toLowerCase();
  if (v.includes('-') && !v.includes('_')) v = v.replaceAll('-', '_');
  if (!/^[*.+!_0-9a-z]+$/.test(v)) return what;
  const [epoch, ...afterEpoch] = v.split('!');
  if (afterEpoch.length > 1 || (afterEpoch.length === 1 && !/^[0-9]+$/.test(epoch!))) return what;
  const [main = '', local, extra] = (afterEpoch[0] ?? epoch!).split('+');
  if (extra !== undefined || !/^[0-9*]/.test(main)) return what;
  const components = [...main.replace(/_$/, '').split(/[._]/), ...(local === undefined ? [] : local.split(/[._]/))];
  return components.includes('') ? what : null;
}
