import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderBuildContext } from '../../lambdas/builds/build-context.ts';
import { MAX_ENTRIES_PER_MANAGER, MAX_ENTRY_LENGTH, validateBuildSpec, type BuildSpec } from '../../lambdas/domain/build-spec.ts';
import {
  CONTEXT_PART_MAX_CHARS,
  MAX_CONTEXT_PARTS,
  buildContextVariables,
  packBuildContext,
  unpackBuildContext,
} from '../../lambdas/builds/context-transport.ts';

const files = renderBuildContext({
  baseImage: 'python:3.12',
  packages: { apt: ['curl'], conda: ['-c conda-forge::numpy==1.17*'], pip: ['backports.zoneinfo; python_version < "3.9"'] },
}).files;

/** A valid spec as large as the limits allow, of random (hardly compressible) names. */
function largestSpec(): BuildSpec {
  let seed = 42;
  const random = (alphabet: string, n: number) =>
    Array.from({ length: n }, () => alphabet[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % alphabet.length]).join('');
  const lower = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const many = (make: () => string) => Array.from({ length: MAX_ENTRIES_PER_MANAGER }, make);
  return {
    baseImage: 'python:3.12',
    packages: {
      apt: many(() => `a${random(`${lower}+.-`, MAX_ENTRY_LENGTH - 2)}b`),
      // conda names take one separator at a time (CEP-26): a letter or digit follows each.
      conda: many(() => `a${random(lower, MAX_ENTRY_LENGTH - 1).replace(/(.)(.)/g, (_, sep: string, c: string) => ('_.-'[sep.charCodeAt(0) % 4] ?? sep) + c)}`),
      pip: many(() => `A${random(`${lower}ABCDEFGHIJKLMNOPQRSTUVWXYZ._-`, MAX_ENTRY_LENGTH - 2)}z`),
    },
  };
}

describe('packBuildContext', () => {
  it('round-trips the files', () => {
    expect(unpackBuildContext(packBuildContext(files))).toEqual(files);
  });

  it('is deterministic', () => {
    expect(packBuildContext(files)).toEqual(packBuildContext({ ...files }));
  });

  it('unpacks with the tools the buildspec uses (base64 -d | tar -xz)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'group-images-ctx-'));
    try {
      const vars = buildContextVariables(files);
      const script =
        'for ((i = 1; i <= BUILD_CONTEXT_PART_COUNT; i++)); do v="BUILD_CONTEXT_PART_$i"; printf %s "${!v}"; done | base64 -d | tar -xzf - -C "$DIR"';

      const result = spawnSync('bash', ['--noprofile', '--norc', '-c', script], {
        env: { ...vars, DIR: dir, PATH: '/usr/bin:/bin' },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });

      expect(result.stderr).toBe('');
      expect(readdirSync(dir).sort()).toEqual(Object.keys(files).sort());
      for (const [name, content] of Object.entries(files)) expect(readFileSync(join(dir, name), 'utf8')).toBe(content);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps every part under CodeBuild’s 4096 characters per variable', () => {
    const vars = buildContextVariables(renderBuildContext(largestSpec()).files);

    for (const [name, value] of Object.entries(vars)) expect(name.length + value.length).toBeLessThan(4096);
    expect(Object.values(vars).every((v) => v.length <= CONTEXT_PART_MAX_CHARS)).toBe(true);
  });

  it('fits the largest valid spec in MAX_CONTEXT_PARTS parts', () => {
    const spec = largestSpec();
    expect(validateBuildSpec(spec).ok).toBe(true);

    const parts = packBuildContext(renderBuildContext(spec).files);

    expect(parts.length).toBeGreaterThan(1);
    expect(parts.length).toBeLessThanOrEqual(MAX_CONTEXT_PARTS);
    expect(unpackBuildContext(parts)).toEqual(renderBuildContext(spec).files);
  });

  it('needs one part for a realistic spec', () => {
    expect(packBuildContext(files)).toHaveLength(1);
  });

  it('refuses file names that are not plain names', () => {
    expect(() => packBuildContext({ '../etc/passwd': 'x' })).toThrow();
  });
});
