/**
 * The apt grammar against Debian's rules: versions (policy 5.6.12) against python-debian's Version
 * on generated and mutated versions, package names (policy 5.6.1) as a table.
 */
import fc from 'fast-check';
import { debianVersionProblem } from '../../lambdas/builds/debian-package.ts';
import { checkApt } from '../../lambdas/builds/package-grammars.ts';
import { realParserMissing, realParserVerdicts, type Verdict } from '../support/real-parsers.ts';

const missing = realParserMissing('debian-version');
if (missing) console.warn(`Skipping the Debian version differential suite: ${missing}`);
const suite = missing ? describe.skip : describe;

const digits = fc.integer({ min: 0, max: 40 }).map(String);
const word = fc.array(fc.constantFrom(...'0123456789abcdefgAZ.+~'), { minLength: 1, maxLength: 8 }).map((c) => c.join(''));
const upstream = fc
  .tuple(
    fc.oneof({ weight: 5, arbitrary: digits }, { weight: 1, arbitrary: fc.constantFrom('a', 'v', 'Z') }),
    fc.array(fc.oneof(word, fc.constant('-'), fc.constant(':')), { maxLength: 4 }),
  )
  .map(([a, rest]) => a + rest.join(''));
const version = fc
  .tuple(
    fc.option(digits, { freq: 4 }),
    upstream,
    fc.option(
      fc.array(fc.constantFrom(...'0123456789abcdeu+.~'), { maxLength: 10 }).map((c) => c.join('')),
      { freq: 2 },
    ),
  )
  .map(([epoch, up, revision]) => (epoch === null ? '' : `${epoch}:`) + up + (revision === null ? '' : `-${revision}`));
const MUTATION = [...':-~+._*=/ aZ9', '::', '--', ' '];
const mutated = fc.tuple(version, fc.nat(), fc.constantFrom(...MUTATION), fc.boolean()).map(([v, at, piece, replace]) => {
  const i = at % (v.length + 1);
  return v.slice(0, i) + piece + v.slice(replace ? i + 1 : i);
});

/** Where python-debian is laxer than policy, which the project follows (deliberate, README "Package grammars"). */
const POLICY: { name: string; applies: (v: string) => boolean }[] = [
  { name: 'the upstream version should start with a digit (policy 5.6.12)', applies: (v) => !/^[0-9]/.test(v.replace(/^[0-9]+:/, '')) },
  {
    // python-debian lets an upstream version keep a "-" whose revision is empty or invalid; dpkg refuses it
    name: 'the part after the last "-" is the Debian revision: only letters, digits, "+", "." and "~" (policy 5.6.12)',
    applies: (v) => v.includes('-') && !/^[A-Za-z0-9+.~]+$/.test(v.slice(v.lastIndexOf('-') + 1)),
  },
];

suite('Debian versions against python-debian', () => {
  const seed = Number(process.env.GRAMMAR_SEED ?? Date.now() % 2 ** 31);
  const versions = [...new Set([...fc.sample(version, { numRuns: 3000, seed }), ...fc.sample(mutated, { numRuns: 2000, seed: seed + 1 })])];
  let verdicts: Map<string, Verdict>;

  beforeAll(() => {
    const answers = realParserVerdicts('debian-version', versions);
    verdicts = new Map(versions.map((v, i) => [v, answers[i]!]));
  });

  it(`accepts no version python-debian rejects (seed ${seed})`, () => {
    expect(versions.filter((v) => debianVersionProblem(v) === null && !verdicts.get(v)!.ok)).toEqual([]);
  });

  it(`refuses what python-debian accepts only where policy is stricter (seed ${seed})`, () => {
    const unexplained = versions.filter((v) => debianVersionProblem(v) !== null && verdicts.get(v)!.ok && !POLICY.some((p) => p.applies(v)));
    expect(unexplained).toEqual([]);
  });

  it('tries enough valid and invalid versions for the comparison to mean something', () => {
    expect(versions.filter((v) => debianVersionProblem(v) === null).length).toBeGreaterThan(500);
    expect(versions.filter((v) => !verdicts.get(v)!.ok).length).toBeGreaterThan(500);
  });
});

describe('Debian package names (policy 5.6.1: two or more of a-z 0-9 + - ., starting with a letter or digit)', () => {
  it.each(['curl', 'g++', 'libstdc++6', 'python3.11', '0ad', 'xz-utils', 'libglib2.0-0', 'r-cran-ggplot2', 'ca-certificates', 'aa'])('accepts %j', (name) => {
    expect(checkApt(name)).toBeNull();
  });

  it.each(['a', 'Curl', '-curl', '.curl', '+curl', 'cur_l', 'curl-', 'cu rl', 'curl*', 'cur~l'])('refuses %j', (name) => {
    expect(checkApt(name)).toEqual(expect.any(String));
  });
});
