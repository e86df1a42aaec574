import {
  MAX_ENTRIES_PER_MANAGER,
  buildSpecHash,
  canonicalJson,
  imageTagFor,
  normaliseBuildSpec,
  validateBuildSpec,
  type BuildSpec,
} from '../../lambdas/domain/build-spec.ts';
import { pointer } from '../../lambdas/http/request-validation.ts';

const validSpec = () => ({
  baseImage: 'registry.example.com/team/python:3.12',
  pullSecret: 'team-registry',
  packages: {
    apt: ['curl', 'g++', 'libssl-dev=3.0.11-1~deb12u2'],
    conda: ['numpy', '-c conda-forge::numpy==1.17*'],
    pip: ['requests==2.32.3', 'backports.zoneinfo; python_version < "3.9"'],
  },
});

/** The refusals, each with its field written as the JSON Pointer the API answers with. */
const errorsOf = (input: unknown, within?: string[]) => {
  const result = validateBuildSpec(input, within);
  if (result.ok) throw new Error('expected the spec to be rejected');
  return result.errors.map((e) => ({ path: pointer('', e.field), message: e.message }));
};

describe('validateBuildSpec', () => {
  it('accepts the contract examples and returns the spec as given', () => {
    const input = validSpec();

    const result = validateBuildSpec(input);

    expect(result).toEqual({ ok: true, spec: input });
  });

  it('accepts a spec without a pull secret and with empty or missing lists', () => {
    expect(validateBuildSpec({ baseImage: 'python:3.12', packages: {} }).ok).toBe(true);
    expect(validateBuildSpec({ baseImage: 'python:3.12', pullSecret: null, packages: { apt: [] } }).ok).toBe(true);
  });

  it('names every bad entry by its JSON Pointer, with a reason', () => {
    const input = validSpec();
    input.packages.apt = ['curl', '$(id)'];
    input.packages.pip = ['requests', '-e .', 'numpy', 'pkg @ https://example.com/pkg.whl'];
    input.packages.conda = ['https://conda.anaconda.org/conda-forge::numpy'];

    const errors = errorsOf(input);

    expect(errors.map((e) => e.path).sort()).toEqual(['/build/packages/apt/1', '/build/packages/conda/0', '/build/packages/pip/1', '/build/packages/pip/3']);
    expect(errors.find((e) => e.path === '/build/packages/pip/3')?.message).toMatch(/direct references/);
    expect(errors.find((e) => e.path === '/build/packages/apt/1')?.message).toMatch(/"\$"/);
  });

  it('rejects unknown fields at every level instead of ignoring them', () => {
    const input = { ...validSpec(), cmd: 'id', packages: { ...validSpec().packages, npm: ['left-pad'] } };

    const errors = errorsOf(input);

    expect(errors).toEqual(
      expect.arrayContaining([
        { path: '/build/cmd', message: 'is not a known field' },
        { path: '/build/packages/npm', message: 'is not a known field' },
      ]),
    );
  });

  it('reports missing and mistyped fields', () => {
    const errors = errorsOf({ pullSecret: 'Bad_Name', packages: { apt: 'curl', pip: ['ok', 3] } });

    expect(errors.map((e) => e.path).sort()).toEqual(['/build/baseImage', '/build/packages/apt', '/build/packages/pip/1', '/build/pullSecret']);
    expect(errors.find((e) => e.path === '/build/baseImage')?.message).toBe('is required');
  });

  it('rejects a base image that is not an image reference', () => {
    expect(errorsOf({ baseImage: 'python:3.12; rm -rf /', packages: {} })[0].path).toBe('/build/baseImage');
  });

  it('limits each list and still names the bad entries of an over-long list', () => {
    const pip = Array.from({ length: MAX_ENTRIES_PER_MANAGER + 1 }, (_, i) => `pkg${i}`);
    pip[7] = '--index-url http://evil.example';

    const errors = errorsOf({ baseImage: 'python:3.12', packages: { pip } });

    expect(errors).toEqual(
      expect.arrayContaining([
        { path: '/build/packages/pip', message: `has ${MAX_ENTRIES_PER_MANAGER + 1} entries; the limit is ${MAX_ENTRIES_PER_MANAGER} per package manager` },
        expect.objectContaining({ path: '/build/packages/pip/7' }),
      ]),
    );
  });

  it('puts paths under the field the spec is in', () => {
    expect(errorsOf({ baseImage: 'python:3.12', packages: { apt: ['Curl'] } }, [])[0].path).toBe('/packages/apt/0');
  });

  it('rejects a body that is not an object', () => {
    expect(errorsOf('python:3.12')[0].path).toBe('/build');
  });
});

describe('normaliseBuildSpec', () => {
  it('trims, rewrites the conda -c form, de-duplicates, sorts and drops empty lists', () => {
    const spec: BuildSpec = {
      baseImage: 'python:3.12',
      pullSecret: null,
      packages: {
        apt: [' wget', 'curl', 'wget '],
        conda: ['-c conda-forge::numpy==1.17*', 'conda-forge::numpy==1.17*', 'numpy 1.17.*'],
        pip: [],
      },
    };

    expect(normaliseBuildSpec(spec)).toEqual({
      baseImage: 'python:3.12',
      packages: { apt: ['curl', 'wget'], conda: ['conda-forge::numpy==1.17*', 'numpy=1.17.*'] },
    });
  });

  it('keeps the pull secret and is idempotent', () => {
    const once = normaliseBuildSpec(validSpec());

    expect(once.pullSecret).toBe('team-registry');
    expect(normaliseBuildSpec(once)).toEqual(once);
  });
});

describe('buildSpecHash and imageTagFor', () => {
  // The lifecycle hashes the spec it normalised once (build-lifecycle.ts); so do these.
  const hashOf = (scope: string, s: Parameters<typeof normaliseBuildSpec>[0], version: number) => buildSpecHash(scope, normaliseBuildSpec(s), version);
  const spec = validSpec();
  const hash = hashOf('group:team-a', spec, 1);

  it('is a sha256 hex digest', () => {
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is the same for specs that normalise alike', () => {
    const shuffled = {
      ...spec,
      packages: { pip: [...spec.packages.pip].reverse(), conda: ['conda-forge::numpy==1.17*', 'numpy', 'numpy'], apt: [...spec.packages.apt, ' curl '] },
    };

    expect(hashOf('group:team-a', shuffled, 1)).toBe(hash);
  });

  it('ignores the pull secret, which decides access, not content', () => {
    expect(hashOf('group:team-a', { ...spec, pullSecret: 'other' }, 1)).toBe(hash);
  });

  it.each([
    ['scope', () => hashOf('group:team-b', spec, 1)],
    ['template version', () => hashOf('group:team-a', spec, 2)],
    ['base image', () => hashOf('group:team-a', { ...spec, baseImage: 'python:3.13' }, 1)],
    ['an entry', () => hashOf('group:team-a', { ...spec, packages: { ...spec.packages, apt: ['curl'] } }, 1)],
  ])('changes with the %s', (_what, other) => {
    expect(other()).not.toBe(hash);
  });

  it('tells lists of different managers apart', () => {
    const asPip = hashOf('group:team-a', { baseImage: 'python:3.12', packages: { pip: ['numpy'] } }, 1);
    const asConda = hashOf('group:team-a', { baseImage: 'python:3.12', packages: { conda: ['numpy'] } }, 1);

    expect(asPip).not.toBe(asConda);
  });

  it('derives an immutable content tag', () => {
    expect(imageTagFor(hash)).toBe(`sha-${hash.slice(0, 32)}`);
    expect(() => imageTagFor('not-a-hash')).toThrow();
  });

  it('hashes canonical JSON with sorted keys', () => {
    expect(canonicalJson({ b: [2, { d: 1, c: null }], a: 'x', u: undefined })).toBe('{"a":"x","b":[2,{"c":null,"d":1}]}');
  });
});
