/**
 * The pip grammar against the real parser: Debian's python3-packaging (what pip uses) reads
 * thousands of requirements generated from the PEP 508 grammar, their mutations and the real-world
 * corpus. The project may refuse what packaging accepts only for a documented deliberate reason,
 * and must refuse everything packaging (or pip's marker evaluation) rejects.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { MAX_ENTRY_LENGTH, checkPip } from '../../lambdas/builds/package-grammars.ts';
import { realParserMissing, realParserVerdicts, type Verdict } from '../support/real-parsers.ts';

const missing = realParserMissing('pep508');
if (missing) console.warn(`Skipping the pip differential suite: ${missing}`);
const suite = missing ? describe.skip : describe;

// ---- generation from the PEP 508 grammar ----------------------------------------------------
const ws = fc.constantFrom('', '', ' ', '  ');
const alnum = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCXYZ0123456789');
const nameChar = fc.constantFrom(...'abcxyzABZ019._-');
const identifier = fc
  .tuple(alnum, fc.array(nameChar, { maxLength: 8 }), alnum, fc.constantFrom('', '', '', '_', '-', '.'))
  .map(([a, mid, z, tail]) => a + mid.join('') + z + tail);
const num = fc.oneof(fc.integer({ min: 0, max: 20 }).map(String), fc.constantFrom('2024', '00', '10'));
const sep = fc.constantFrom('', '.', '-', '_');
const release = fc.array(num, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('.'));
const version = fc
  .record({
    v: fc.constantFrom('', '', '', 'v', 'V'),
    epoch: fc.constantFrom('', '', '', '1!'),
    release,
    pre: fc.oneof(
      fc.constant(''),
      fc.tuple(sep, fc.constantFrom('a', 'b', 'rc', 'c', 'alpha', 'beta', 'pre', 'preview', 'RC'), sep, fc.constantFrom('', '1', '0')).map((p) => p.join('')),
    ),
    post: fc.oneof(fc.constant(''), fc.constantFrom('-1', '.post1', 'post', '_r2', '.rev3', 'post0')),
    dev: fc.oneof(fc.constant(''), fc.constantFrom('.dev0', 'dev', '-dev1', '_dev')),
    local: fc.oneof(fc.constant(''), fc.constantFrom('+cu118', '+local.1', '+ABC', '+a-b_c', '+')),
    wildcard: fc.constantFrom('', '', '', '.*'),
  })
  .map((r) => r.v + r.epoch + r.release + r.pre + r.post + r.dev + r.local + r.wildcard);
const operator = fc.constantFrom('==', '!=', '<=', '>=', '<', '>', '~=', '===');
const clause = fc.tuple(operator, ws, version).map(([op, space, v]) => op + space + v);
const versionList = fc
  .tuple(fc.array(fc.tuple(clause, ws, ws), { minLength: 1, maxLength: 3 }), fc.constantFrom('', '', '', ','), fc.boolean(), ws)
  .map(([clauses, trailing, parens, space]) => {
    const list = clauses.map(([c, a, b], i) => (i === 0 ? c : `${a},${b}${c}`)).join('') + trailing;
    return parens ? `${space}(${list})` : space + list;
  });
const extras = fc
  .tuple(ws, fc.array(identifier, { maxLength: 3 }), ws)
  .map(([space, names, inner]) => `${space}[${inner}${names.join(`${inner},${inner}`)}${inner}]`);
const VARIABLES = [
  'python_version',
  'python_full_version',
  'os_name',
  'sys_platform',
  'platform_release',
  'platform_system',
  'platform_version',
  'platform_machine',
  'platform_python_implementation',
  'implementation_name',
  'implementation_version',
  'extra',
  'os.name',
  'sys.platform',
  'platform.version',
  'platform.machine',
  'platform.python_implementation',
  'python_implementation',
  'platform.release',
  'extras',
  'python',
];
const STRINGS = [
  '3.9',
  '3.11',
  '3',
  '3.10.1',
  '3.*',
  'win32',
  'linux',
  'darwin',
  'posix',
  'nt',
  'Windows',
  'x86_64',
  'aarch64',
  'cpython',
  'CPython',
  'PyPy',
  'test',
  'armv7l armv6l',
  '',
  '6.1.0',
  'a;b',
  'x/y',
  '1.0+local',
  '#1 SMP',
];
const quoted = fc.tuple(fc.constantFrom(...STRINGS), fc.constantFrom('"', "'")).map(([s, q]) => q + s + q);
const markerValue = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...VARIABLES) }, { weight: 3, arbitrary: quoted });
const markerOp = fc.constantFrom('==', '!=', '<', '<=', '>', '>=', '~=', '===', 'in', 'not in');
const atom = fc
  .tuple(fc.constantFrom(...VARIABLES), ws, markerOp, ws, quoted, fc.integer({ min: 0, max: 9 }), markerValue, markerValue)
  .map(([v, a, op, b, q, shape, l, r]) => {
    const spaced = (x: string) => (/^[a-z]/.test(op) ? ` ${x} ` : x);
    if (shape < 6) return `${v}${a}${spaced(op)}${b}${q}`; // the usual form
    if (shape < 8) return `${q}${a}${spaced(op)}${b}${v}`; // string first
    return `${l}${a}${spaced(op)}${b}${r}`; // anything against anything
  });
const { marker } = fc.letrec((tie) => ({
  marker: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    atom,
    fc.tuple(tie('marker'), fc.constantFrom(' and ', ' or ', ' and', 'or '), tie('marker')).map(([a, op, b]) => a + op + b),
    tie('marker').map((m) => `(${m})`),
  ),
}));
const requirement = fc
  .tuple(identifier, fc.option(extras, { freq: 4 }), fc.option(versionList, { freq: 2 }), fc.option(fc.tuple(ws, marker), { freq: 3 }))
  .map(([name, ext, versions, mark]) => name + (ext ?? '') + (versions ?? '') + (mark ? `${mark[0]};${mark[0] === '' ? '' : ' '}${mark[1]}` : ''));

const corpus = (
  JSON.parse(readFileSync(new URL('../fixtures/grammars/real-world-lines.json', import.meta.url), 'utf8')) as {
    sources: { manager: string; lines: string[] }[];
  }
).sources
  .filter((s) => s.manager === 'pip')
  .flatMap((s) => s.lines);

// ---- mutations (of generated and of real-world lines) --------------------------------------------------------------------------------
const MUTATION_CHARS = [...'[]()<>=!~,;.\'"* +-_@/:#$a1Z', '\t', '==', ' and ', ' -e ', '.whl', '://'];
const mutated = fc
  .tuple(
    fc.oneof(requirement, fc.constantFrom(...corpus)),
    fc.array(fc.tuple(fc.nat(), fc.constantFrom('delete', 'insert', 'replace', 'repeat'), fc.constantFrom(...MUTATION_CHARS)), { minLength: 1, maxLength: 3 }),
  )
  .map(([text, edits]) =>
    edits.reduce((t, [at, kind, piece]) => {
      const i = t.length === 0 ? 0 : at % t.length;
      if (kind === 'delete') return t.slice(0, i) + t.slice(i + 1);
      if (kind === 'insert') return t.slice(0, i) + piece + t.slice(i);
      if (kind === 'replace') return t.slice(0, i) + piece + t.slice(i + 1);
      return t.slice(0, i) + t.slice(i, i + 3) + t.slice(i);
    }, text),
  );

// ---- the documented deliberate refusals (README, "Package grammars") ---------------------------
const requirementPart = (e: string) => e.split(';')[0]!;
const DELIBERATE: { name: string; applies: (entry: string) => boolean; message: RegExp }[] = [
  { name: 'pip option', applies: (e) => /(^|\s)-/.test(e.trim()), message: /pip options/ },
  { name: 'direct reference or URL', applies: (e) => /@|:\/\//.test(e), message: /direct references|URLs are not allowed|"@"/ },
  { name: 'local path', applies: (e) => /[/\\]|^\s*[.~]/.test(requirementPart(e)), message: /local paths/ },
  { name: 'package file', applies: (e) => /\.(whl|zip|tar|tgz|tar\.gz|tar\.bz2|tar\.xz)\b/i.test(requirementPart(e)), message: /package files/ },
  { name: 'never-needed character', applies: (e) => /[$`\\{}#&%^?|]/.test(e), message: /comments|variables|is never part of a package spec/ },
  { name: 'not one line of ASCII', applies: (e) => /[^\x20-\x7e]/.test(e), message: /one line of plain text|ASCII/ },
  {
    name: 'marker string outside versions and platform names',
    applies: (e) => [...e.matchAll(/"([^"]*)"|'([^']*)'/g)].some((m) => !/^[A-Za-z0-9 ._*+-]*$/.test(m[1] ?? m[2]!)),
    message: /marker strings may only contain/,
  },
  { name: 'longer than the limit', applies: (e) => e.length > MAX_ENTRY_LENGTH, message: /the limit is/ },
  { name: '"===" with a non-version text', applies: (e) => e.includes('==='), message: /"==="/ },
];

function explained(entry: string, message: string): string | null {
  const reason = DELIBERATE.find((d) => d.applies(entry) && d.message.test(message));
  return reason ? reason.name : null;
}

suite('pip entries against python3-packaging', () => {
  const seed = Number(process.env.GRAMMAR_SEED ?? Date.now() % 2 ** 31);
  const generated = fc.sample(requirement, { numRuns: 5000, seed });
  const mutations = fc.sample(mutated, { numRuns: 3000, seed: seed + 1 });
  const entries = [...new Set([...generated, ...mutations, ...corpus])];
  let verdicts: Map<string, Verdict>;
  let project: Map<string, string | null>;

  beforeAll(() => {
    const answers = realParserVerdicts(
      'pep508',
      entries.map((e) => e.trim()),
    );
    verdicts = new Map(entries.map((e, i) => [e, answers[i]!]));
    project = new Map(entries.map((e) => [e, checkPip(e)]));
  });

  it(`accepts nothing that packaging rejects or pip cannot evaluate (seed ${seed})`, () => {
    const wronglyAccepted = entries.filter((e) => project.get(e) === null && !verdicts.get(e)!.ok).map((e) => [e, verdicts.get(e)!.error]);
    expect(wronglyAccepted).toEqual([]);
  });

  it(`refuses what packaging accepts only for a documented deliberate reason (seed ${seed})`, () => {
    const unexplained = entries
      .filter((e) => project.get(e) !== null && verdicts.get(e)!.ok)
      .filter((e) => explained(e, project.get(e)!) === null)
      .map((e) => [e, project.get(e)]);
    expect(unexplained).toEqual([]);
  });

  it('tries enough valid and invalid entries for the comparison to mean something', () => {
    const bothAccept = entries.filter((e) => project.get(e) === null && verdicts.get(e)!.ok).length;
    const bothRefuse = entries.filter((e) => project.get(e) !== null && !verdicts.get(e)!.ok).length;
    expect(bothAccept).toBeGreaterThan(500);
    expect(bothRefuse).toBeGreaterThan(500);
  });
});
