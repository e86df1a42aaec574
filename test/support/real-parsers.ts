/**
 * Debian's own Python parsers as oracles for the package grammars (test/support/real_parsers.py).
 * Debian's /usr/bin/python3 is used explicitly: python3-packaging and python3-debian are installed
 * for it, not for a pyenv `python3` earlier on PATH. One process per batch of lines.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./real_parsers.py', import.meta.url));

export type RealParser = 'pep508' | 'debian-version';
export type Verdict = { ok: boolean; error?: string };

const MODULES: Record<RealParser, { module: string; apt: string }> = {
  pep508: { module: 'packaging.requirements', apt: 'python3-packaging' },
  'debian-version': { module: 'debian.debian_support', apt: 'python3-debian' },
};

/** Why the parser cannot run here (to print when skipping), or null when it can. */
export function realParserMissing(parser: RealParser): string | null {
  const { module, apt } = MODULES[parser];
  if (!existsSync(PYTHON)) return `${PYTHON} is missing (apt-get install ${apt})`;
  const probe = spawnSync(PYTHON, ['-c', `import ${module}`], { encoding: 'utf8' });
  return probe.status === 0 ? null : `${PYTHON} cannot import ${module} (apt-get install ${apt})`;
}

/** The real parser's verdict on each line, in order. */
export function realParserVerdicts(parser: RealParser, lines: string[]): Verdict[] {
  const run = spawnSync(PYTHON, [SCRIPT], { input: JSON.stringify({ parser, lines }), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`${SCRIPT} failed: ${run.stderr}`);
  const verdicts = JSON.parse(run.stdout) as Verdict[];
  if (verdicts.length !== lines.length) throw new Error(`${SCRIPT} answered ${verdicts.length} verdicts for ${lines.length} lines`);
  return verdicts;
}
