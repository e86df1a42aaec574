/** The run's python3 found once (python-without-shim.ts): the shim's own interpreter, first on PATH. */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { putPythonFirstOnPath, removePythonFolder } from './python-without-shim.ts';

const made: (string | undefined)[] = [];
afterEach(() => made.splice(0).forEach(removePythonFolder));

const realPython = spawnSync('/usr/bin/env', ['python3', '-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout.trim();
const suite = realPython ? describe : describe.skip;
if (!realPython) console.warn('test/support/python-without-shim.test.ts skipped: no python3 on PATH');

/** A folder holding `python3` as a shim script that hands over to `target`. */
function shimFolder(target: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'group-images-shim-'));
  made.push(dir);
  writeFileSync(join(dir, 'python3'), `#!/bin/sh\nexec '${target}' "$@"\n`);
  chmodSync(join(dir, 'python3'), 0o755);
  return dir;
}

suite('python3 without its shim', () => {
  it('puts the interpreter the shim runs first on PATH, and the shim stays behind it', () => {
    // Prepare
    const shims = shimFolder(realPython);
    const env = { PATH: [shims, process.env.PATH].join(delimiter) };

    // Act
    const folder = putPythonFirstOnPath(env);
    made.push(folder);

    // Assess
    expect(env.PATH).toBe([folder, shims, process.env.PATH].join(delimiter));
    expect(realpathSync(join(folder!, 'python3'))).toBe(realpathSync(realPython));
    const ran = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { env, encoding: 'utf8' });
    expect(realpathSync(ran.stdout.trim())).toBe(realpathSync(realPython));
  });

  it('changes nothing where python3 on PATH is the interpreter itself', () => {
    // Prepare
    const env = { PATH: dirname(realpathSync(realPython)) };

    // Act
    const folder = putPythonFirstOnPath(env);

    // Assess
    expect(folder).toBeUndefined();
    expect(env).toEqual({ PATH: dirname(realpathSync(realPython)) });
  });
});
