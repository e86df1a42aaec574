/**
 * A recursive-descent parser for PEP 508 requirements without direct references:
 * `name [extras] versionspec ; marker`. The entry later becomes one line of a pip requirements
 * file, so anything pip would read as an option, URL, path or file-level syntax is refused.
 */
import { VERSION_OPERATORS, versionProblem, type VersionOperator } from './pep440.ts';

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

/** What a quoted marker value may hold: versions and platform names, nothing a file or shell treats specially. */
const MARKER_STRING = /^[A-Za-z0-9 ._*+-]*$/;
const IDENTIFIER = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?/;
const OPERATOR = /^(?:===|~=|==|!=|<=|>=|<|>)/;
const VERSION_TEXT = /^[A-Za-z0-9._*+!-]+/;

/** Why `text` is not an acceptable pip requirement, or null. `text` is trimmed, one line, ASCII. */
export function pep508Problem(text: string): string | null {
  const early = refusedForm(text);
  if (early) return early;
  try {
    new RequirementParser(text).parse();
    return null;
  } catch (e) {
    if (e instanceof GrammarError) return e.message;
    throw e;
  }
}

/** Things people paste into requirements files that we never accept, named for what they are. */
function refusedForm(text: string): string | null {
  if (/^-/.test(text) || /\s-/.test(text)) {
    return 'pip options (such as -e, -r, --index-url or --hash) are not allowed: give one requirement such as "requests==2.32.3"';
  }
  if (/^[A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\[[^\]]*\])?\s*@/.test(text)) {
    return 'direct references ("name @ url") are not allowed: name a version from the package index instead (e.g. "requests==2.32.3")';
  }
  if (/^(?:git|hg|svn|bzr)\+/i.test(text) || text.includes('://')) {
    return 'URLs are not allowed: name a package from the package index instead (e.g. "requests==2.32.3")';
  }
  if (text.includes('@')) return '"@" is not part of a requirement (direct references and URLs are not allowed)';
  if (/^[.~/]/.test(text) || text.includes('/')) return 'paths are not allowed: name a package from the package index instead';
  if (text.includes(':')) return '":" is not part of a requirement (URLs and paths are not allowed)';
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
    if (!this.match(IDENTIFIER)) throw new GrammarError('must start with a package name (letters, digits, ".", "-" and "_", starting and ending with a letter or digit)');
    this.spaces();
    if (this.peek() === '[') this.extras();
    this.spaces();
    if (this.peek() === '(') {
      this.pos++;
      this.versions();
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
    if (this.pos < this.text.length) throw new GrammarError(`unexpected "${this.rest()}" after the requirement (expected a version such as ">=1.0", "," or "; marker")`);
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

  private versions(): void {
    for (;;) {
      this.spaces();
      const op = this.match(OPERATOR) as VersionOperator | null;
      if (!op || !VERSION_OPERATORS.includes(op)) throw new GrammarError(`expected a version comparison such as ">=1.0" at position ${this.pos + 1}`);
      this.spaces();
      const version = this.match(VERSION_TEXT);
      if (!version) throw new GrammarError(`expected a version after "${op}"`);
      const problem = versionProblem(op, version);
      if (problem) throw new GrammarError(problem);
      this.spaces();
      if (this.peek() !== ',') return;
      this.pos++;
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
    this.value();
    this.operator();
    this.value();
  }

  private value(): void {
    const t = this.tokens[this.at];
    if (t?.kind === 'string') {
      this.at++;
      return;
    }
    if (t?.kind === 'word' && MARKER_VARIABLES.has(t.text)) {
      this.at++;
      return;
    }
    if (t?.kind === 'word' && !['and', 'or', 'in', 'not'].includes(t.text)) {
      throw new GrammarError(`"${t.text}" is not an environment marker variable (use one of ${[...MARKER_VARIABLES].join(', ')})`);
    }
    throw new GrammarError(t ? `expected a marker variable or a quoted string, found "${t.text}"` : 'the environment marker ends too early (e.g. python_version < "3.9")');
  }

  private operator(): void {
    const t = this.tokens[this.at];
    if (t?.kind === 'op' || (t?.kind === 'word' && t.text === 'in')) {
      this.at++;
      return;
    }
    if (t?.kind === 'word' && t.text === 'not' && this.tokens[this.at + 1]?.kind === 'word' && this.tokens[this.at + 1].text === 'in') {
      this.at += 2;
      return;
    }
    throw new GrammarError(t ? `expected a comparison (==, !=, <, <=, >, >=, ~=, in, not in), found "${t.text}"` : 'the environment marker ends too early: expected a comparison');
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
      const op = OPERATOR.exec(rest) ?? /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
      if (!op) throw new GrammarError(`unexpected "${ch}" in the environment marker`);
      tokens.push({ kind: OPERATOR.test(op[0]) ? 'op' : 'word', text: op[0] });
      i += op[0].length;
    }
  }
  return tokens;
}
