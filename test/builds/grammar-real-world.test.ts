/**
 * Lines from popular projects' requirements files, environment.yml files and apt lists
 * (test/fixtures/grammars/real-world-lines.json names the file each came from): every one is
 * accepted, except those listed here with the refusal class its message must name.
 */
import { readFileSync } from 'node:fs';
import { PACKAGE_CHECKS, type PackageManager } from '../../lambdas/builds/package-grammars.ts';

type Source = { manager: PackageManager; source: string; lines: string[] };
const { sources } = JSON.parse(readFileSync(new URL('../fixtures/grammars/real-world-lines.json', import.meta.url), 'utf8')) as { sources: Source[] };

/** The corpus lines refused on purpose (or because the real tool rejects them), with their message. */
const REFUSED: Record<string, RegExp> = {
  'psutil  # system resources': /comments \("#"\) are not allowed/,
  'thop>=0.1.1  # FLOPs computation': /comments \("#"\) are not allowed/,
  '-c homeassistant/package_constraints.txt': /pip options/,
  '-e git+https://github.com/openai/CLIP.git@main#egg=clip': /pip options/,
  '-e git+https://github.com/CompVis/taming-transformers.git@master#egg=taming-transformers': /pip options/,
  '-e .': /pip options/,
  '-e git+https://github.com/psf/requests#egg=requests': /pip options/,
  'pkg; "b" > "a"': /compares two quoted strings/,
  'pkg; os_name ~= "posix"': /pip cannot evaluate "~="/,
  'pkg; os_name === "posix"': /pip cannot evaluate "==="/,
  'pkg===x, <y': /"===" takes the whole text/,
  // PEP 345's bare version ("foo (1)"), which packaging no longer reads either
  "foo (1,!=1.3); platform.machine == 'i386'": /expected a version comparison/,
  './local.deb': /local paths are not allowed/,
  'curl=*': /version patterns/,
  'nodejs=18.*': /version patterns/,
};

const cases = sources.flatMap(({ manager, source, lines }) => lines.map((line) => ({ manager, source, line })));

describe('real-world package lines', () => {
  it('holds lines from each package manager', () => {
    for (const manager of ['apt', 'conda', 'pip'] as const) expect(cases.filter((c) => c.manager === manager).length).toBeGreaterThan(10);
  });

  it.each(cases.filter((c) => !(c.line in REFUSED)))('$manager accepts $line (from $source)', ({ manager, line }) => {
    expect(PACKAGE_CHECKS[manager](line)).toBeNull();
  });

  it.each(cases.filter((c) => c.line in REFUSED))('$manager refuses $line, naming what it is', ({ manager, line }) => {
    expect(PACKAGE_CHECKS[manager](line)).toMatch(REFUSED[line]!);
  });
});
