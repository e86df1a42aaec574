/**
 * The test run's `python3`, found once instead of on every call. Local builds run the real buildspec,
 * which reads JSON with python3 four times a build; where `python3` on PATH is a version manager's shim
 * (a script: pyenv's on the machine these tests were measured on), each call first runs some twenty
 * processes to find the interpreter. Measured over `npm test`: a third of the run's processes and about
 * 45 s of its CPU. The same interpreter the shim picks is put first on PATH, so what runs is unchanged.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Puts the interpreter behind a `python3` shim first on PATH; returns the folder to remove, if any. */
export function putPythonFirstOnPath(env: NodeJS.ProcessEnv): string | undefined {
  const found = spawnSync('/bin/sh', ['-c', 'command -v python3'], { env, encoding: 'utf8' }).stdout?.trim();
  if (!found || !isScript(found)) return undefined;
  const asked = spawnSync(found, ['-c', 'import sys; print(sys.executable)'], { env, encoding: 'utf8' });
  const interpreter = asked.status === 0 ? asked.stdout.trim() : '';
  if (!interpreter || isScript(interpreter)) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'group-images-python-'));
  symlinkSync(interpreter, join(dir, 'python3'));
  env.PATH = [dir, env.PATH].filter(Boolean).join(delimiter);
  return dir;
}

export function removePythonFolder(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

function isScript(path: string): boolean {
  const head = Buffer.alloc(2);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, head, 0, 2, 0);
  } finally {
    closeSync(fd);
  }
  return head.toString('latin1') === '#!';
}
