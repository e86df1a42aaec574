/**
 * A recursive-descent parser for PEP 508 requirements without direct references:
 * `name [extras] versionspec ; marker`. The entry later becomes one line of a pip requirements
 * file, so anything pip would read as an option, URL, path or file-level syntax is refused.
 */
import { VERSION_OPERATORS, versionProblem, type VersionOperator } from './pep440.ts';
import { refusal } from './entry-refusals.ts';

class GrammarError extends Error {}

/** PEP 508's environment marker variables. */
export const MARKER_VARIABLES = new Set([
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
]);

/** The legacy spellings pip (packaging) still reads, and the variable each one means. */
const LEGACY_VARIABLES: Record<string, string> = {
  'os.name': 'os_name',
  'sys.platform': 'sys_platform',
  'platform.version': 'platform_version',
  'platform.machine': 'platform_machine',
  'platform.python_implementation': 'platform_python_implementation',
  python_implementation: 'platform_python_implementation',
};

/** Variables pip compares as versions: only these take "~=" and "===" (with a string pip cannot evaluate them). */
const VERSION_VARIABLES = new Set(['python_version', 'python_full_version', 'implementation_version', 'platform_release']);
/** Version variables whose value is always a PEP 440 version, so they may stand right of "~=" or "===". */
const ALWAYS_PEP440 = new Set(['python_version', 'python_full_version', 'implementation_version']);

/** What a quoted marker value may hold: versions and platform names, nothing a file or shell treats specially. */
const MARKER_STRING = /^[A-Za-z0-9 ._*+-]*$/;
// packaging's identifier ends at a word boundary, so a trailing "_" is part of the name ("a_"), a trailing "-" or "." is not.
const IDENTIFIER = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9_])?/;
const OPERATOR = /^(?:===|~=|==|!=|<=|>=|<|>)/;
const VERSION_TEXT = /^[A-Za-z0-9._*+!-]+/;
/** What packaging reads after "===": everything up to a space, ";" or ")" (a "," included). */
const ARBITRARY_TEXT = /^[^\s;)]*/;

/** Why `text` is not an acceptable pip requirement, or null. `text` is trimmed, one line, ASCII. */
export function pep508Problem(text: string): string | null {
  try {
    new RequirementParser(text).parse();
    return null;
  } catch (e) {
    if (e instanceof GrammarError) return e.message;
    throw e;
  }
}

/** What pip would read as something other than a requirement (an option, a URL, a path), named for what it is. */
export function pep508RefusedForm(text: string): string | null {
  // pip's requirements-file reader starts the options at the first word that begins with "-".
  if (/^-/.test(text) || /\s-/.test(text)) return refusal.option('pip', '-e, -r, --index-url, --hash...');
  if (/^[A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\[[^\]]*\])?\s*@/.test(text)) {
    return 'direct references ("name @ url") are not allowed: name a version from the package index instead, e.g. "requests==2.32.3"';
  }
  const requirement = text.split(';')[0]!;
  if (/^(?:git|hg|svn|bzr)\+/i.test(text) || /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(requirement) || text.includes('://')) return refusal.url('pip');
  if (/^[.~/\\]/.test(requirement) || /^[A-Za-z]:[\\/]/.test(requirement) || requirement.includes('/')) return refusal.path('pip');
  if (requirement.includes('@')) return '"@" is not part of a requirement: direct references are not allowed, name a version instead, e.g. "requests==2.32.3"';
  return null;
}

class RequirementParser {
  private pos = 0;
  private readonly text: string;
  constructor(text: string) {
    this.text = text;
  }

  parse(): void {
    this.spaces();
    if (!this.match(IDENTIFIER))
      throw new GrammarError('must start with a package name (letters, digits, ".", "-" and "_", starting and ending with a letter or digit)');
    this.spaces();
    if (this.peek() === '[') this.extras();
    this.spaces();
    if (this.peek() === '(') {
      this.pos++;
      this.spaces();
      if (this.peek() !== ')') this.versions(); // pip reads "name ()" as no version constraint
      this.spaces();
      this.expect(')', 'a ")" to close the version list');
    } else if (OPERATOR.test(this.rest())) {
      this.versions();
    }
    this.spaces();
    if (this.peek() === ';') {
      this.pos++;
      new MarkerParser(this.rest(), this.pos).parse();
      return;
    }
    if (this.pos < this.text.length)
      throw new GrammarError(`unexpected "${this.rest()}" after the requirement (expected a version such as ">=1.0", "," or "; marker")`);
  }

  private extras(): void {
    this.pos++; // '['
    this.spaces();
    if (this.peek() === ']') {
      this.pos++;
      return;
    }
    for (;;) {
      this.spaces();
      if (!this.match(IDENTIFIER)) throw new GrammarError(`expected an extra's name at position ${this.pos + 1} (e.g. "uvicorn[standard]")`);
      this.spaces();
      if (this.peek() === ',') {
        this.pos++;
        continue;
      }
      this.expect(']', 'a "]" to close the extras');
      return;
    }
  }

  /** Comparisons separated by ","; like pip, one trailing "," is ignored. */
  private versions(): void {
    for (;;) {
      this.spaces();
      const op = this.match(OPERATOR) as VersionOperator | null;
      if (!op || !VERSION_OPERATORS.includes(op)) throw new GrammarError(`expected a version comparison such as ">=1.0" at position ${this.pos + 1}`);
      this.spaces();
      const version = this.match(op === '===' ? ARBITRARY_TEXT : VERSION_TEXT);
      if (!version) throw new GrammarError(`expected a version after "${op}"`);
      if (op === '===' && version.includes(',')) {
        throw new GrammarError(
          `"===" takes the whole text up to the next space ("${version}"): put it last or leave a space before the "," (e.g. "pkg>=1.0,===1.0.1")`,
        );
      }
      const problem = versionProblem(op, version);
      if (problem) throw new GrammarError(problem);
      this.spaces();
      if (this.peek() !== ',') return;
      this.pos++;
      this.spaces();
      if (!OPERATOR.test(this.rest())) return;
    }
  }

  private spaces(): void {
    while (this.peek() === ' ') this.pos++;
  }
  private peek(): string | undefined {
    return this.text[this.pos];
  }
  private rest(): string {
    return this.text.slice(this.pos);
  }
  private match(re: RegExp): string | null {
    const m = re.exec(this.rest());
    if (!m) return null;
    this.pos += m[0].length;
    return m[0];
  }
  private expect(ch: string, what: string): void {
    if (this.peek() !== ch) throw new GrammarError(`expected ${what} at position ${this.pos + 1}`);
    this.pos++;
  }
}

type Token = { kind: '(' | ')' | 'string' | 'op' | 'word'; text: string };
type MarkerValue = { variable: string; text?: undefined } | { text: string; variable?: undefined };

/**
 * Comparisons pip parses but cannot evaluate (it stops with an error): two quoted strings, and
 * "~=" or "===" unless a version variable meets a version pip can read as one.
 */
function comparisonProblem(left: MarkerValue, op: string, right: MarkerValue): void {
  if (left.variable === undefined && right.variable === undefined) {
    throw new GrammarError(
      `"${left.text}" ${op} "${right.text}" compares two quoted strings, which pip cannot evaluate: one side must be a marker variable (e.g. python_version < "3.9")`,
    );
  }
  if (op !== '~=' && op !== '===') return;
  const evaluable =
    left.variable !== undefined
      ? VERSION_VARIABLES.has(left.variable) &&
        right.text !== undefined &&
        (op === '===' ? !right.text.includes(' ') : versionProblem('~=', right.text) === null)
      : ALWAYS_PEP440.has(right.variable!);
  if (!evaluable) {
    throw new GrammarError(
      `pip cannot evaluate "${op}" here: in a marker it needs a Python version variable and a version (e.g. python_version ~= "3.10"); use == or != for names`,
    );
  }
}

/** marker := or; or := and ('or' and)*; and := atom ('and' atom)*; atom := '(' or ')' | value op value. */
class MarkerParser {
  private readonly tokens: Token[];
  private at = 0;

  constructor(text: string, offset: number) {
    this.tokens = tokenizeMarker(text, offset);
  }

  parse(): void {
    if (this.tokens.length === 0) throw new GrammarError('expected an environment marker after ";" (e.g. python_version < "3.9")');
    this.or();
    const left = this.tokens[this.at];
    if (left) throw new GrammarError(`unexpected "${left.text}" in the environment marker`);
  }

  private or(): void {
    this.and();
    while (this.isWord('or')) {
      this.at++;
      this.and();
    }
  }

  private and(): void {
    this.atom();
    while (this.isWord('and')) {
      this.at++;
      this.atom();
    }
  }

  private atom(): void {
    if (this.tokens[this.at]?.kind === '(') {
      this.at++;
      this.or();
      if (this.tokens[this.at]?.kind !== ')') throw new GrammarError('expected a ")" to close the environment marker group');
      this.at++;
      return;
    }
    const left = this.value();
    const op = this.operator();
    const right = this.value();
    comparisonProblem(left, op, right);
  }

  private value(): MarkerValue {
    const t = this.tokens[this.at];
    if (t?.kind === 'string') {
      this.at++;
      return { text: t.text.slice(1, -1) };
    }
    const variable = t?.kind === 'word' ? (LEGACY_VARIABLES[t.text] ?? t.text) : undefined;
    if (variable !== undefined && MARKER_VARIABLES.has(variable)) {
      this.at++;
      return { variable };
    }
    if (t?.kind === 'word' && !['and', 'or', 'in', 'not'].includes(t.text)) {
      throw new GrammarError(`"${t.text}" is not an environment marker variable (use one of ${[...MARKER_VARIABLES].join(', ')})`);
    }
    throw new GrammarError(
      t ? `expected a marker variable or a quoted string, found "${t.text}"` : 'the environment marker ends too early (e.g. python_version < "3.9")',
    );
  }

  private operator(): string {
    const t = this.tokens[this.at];
    if (t?.kind === 'op' || (t?.kind === 'word' && t.text === 'in')) {
      this.at++;
      return t.text;
    }
    if (t?.kind === 'word' && t.text === 'not' && this.tokens[this.at + 1]?.kind === 'word' && this.tokens[this.at + 1].text === 'in') {
      this.at += 2;
      return 'not in';
    }
    throw new GrammarError(
      t ? `expected a comparison (==, !=, <, <=, >, >=, ~=, in, not in), found "${t.text}"` : 'the environment marker ends too early: expected a comparison',
    );
  }

  private isWord(word: string): boolean {
    const t = this.tokens[this.at];
    return t?.kind === 'word' && t.text === word;
  }
}

function tokenizeMarker(text: string, offset: number): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === ' ') {
      i++;
    } else if (ch === '(' || ch === ')') {
      tokens.push({ kind: ch, text: ch });
      i++;
    } else if (ch === '"' || ch === "'") {
      const end = text.indexOf(ch, i + 1);
      if (end < 0) throw new GrammarError(`the quoted string at position ${offset + i + 1} is not closed`);
      const body = text.slice(i + 1, end);
      if (!MARKER_STRING.test(body)) throw new GrammarError(`marker strings may only contain letters, digits, spaces and . _ * + - (found ${ch}${body}${ch})`);
      tokens.push({ kind: 'string', text: text.slice(i, end + 1) });
      i = end + 1;
    } else {
      const rest = text.slice(i);
      const op = OPERATOR.exec(rest) ?? /^[A-Za-z_][A-Za-z0-9_.]*/.exec(rest);
      if (!op) throw new GrammarError(`unexpected "${ch}" in the environment marker`);
      tokens.push({ kind: OPERATOR.test(op[0]) ? 'op' : 'word', text: op[0] });
      i += op[0].length;
    }
  }
  return tokens;
}
