/**
 * Image reference normalisation (docker's rules) and the base-image mirror mapping: tables of
 * known cases, and fast-check over references built from the grammar's parts.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { IMAGE_REFERENCE } from '../../lambdas/builds/image-reference.ts';
import { normaliseImageReference, parseImageReference } from '../../lambdas/builds/image-reference.ts';
import { baseImageMirrorsFrom, baseImagePull, checkBaseImageMirrors } from '../../lambdas/builds/base-image-mirrors.ts';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('normaliseImageReference', () => {
  it.each([
    ['python', 'docker.io/library/python:latest'],
    ['python:3.12', 'docker.io/library/python:3.12'],
    ['python:3.12-slim', 'docker.io/library/python:3.12-slim'],
    ['continuumio/miniconda3', 'docker.io/continuumio/miniconda3:latest'],
    ['docker.io/python:3', 'docker.io/library/python:3'],
    ['docker.io/library/ubuntu:22.04', 'docker.io/library/ubuntu:22.04'],
    ['index.docker.io/library/ubuntu:22.04', 'docker.io/library/ubuntu:22.04'],
    ['index.docker.io/debian', 'docker.io/library/debian:latest'],
    ['index.docker.io/jupyter/base-notebook:x86_64-ubuntu-22.04', 'docker.io/jupyter/base-notebook:x86_64-ubuntu-22.04'],
    ['localhost/base', 'localhost/base:latest'],
    ['localhost:5000/base:bookworm', 'localhost:5000/base:bookworm'],
    ['127.0.0.1:5000/team/base/deep/path:1.0', '127.0.0.1:5000/team/base/deep/path:1.0'],
    ['Registry.Example.COM/team/base:1', 'registry.example.com/team/base:1'],
    ['ghcr.io/org/team/image@' + DIGEST, 'ghcr.io/org/team/image@' + DIGEST],
    ['quay.io/jupyter/scipy-notebook:2024-05-27@' + DIGEST, 'quay.io/jupyter/scipy-notebook:2024-05-27@' + DIGEST],
    ['python@' + DIGEST, 'docker.io/library/python@' + DIGEST],
    ['registry.k8s.io/pause:3.9', 'registry.k8s.io/pause:3.9'],
    ['public.ecr.aws/docker/library/python:3.12', 'public.ecr.aws/docker/library/python:3.12'],
    // A first component without ".", ":" or "localhost" is a Docker Hub namespace, not a host.
    ['mirror/library/python', 'docker.io/mirror/library/python:latest'],
    ['my-registry:5000/x', 'my-registry:5000/x:latest'],
  ])('%s is %s', (reference, normalised) => {
    expect(normaliseImageReference(reference)).toBe(normalised);
  });

  it('refuses what is not an image reference', () => {
    for (const bad of ['', 'Python:3', 'python:3 ; rm -rf /', 'https://docker.io/python', 'python@sha256:short']) {
      expect(() => parseImageReference(bad)).toThrow('not an image reference');
    }
  });
});

// --- Generators for valid references, from the grammar's parts -------------------------------------

const component = fc.stringMatching(/^[a-z0-9]{1,8}(?:(?:\.|_|__|-{1,2})[a-z0-9]{1,8}){0,2}$/);
const label = fc.stringMatching(/^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,10}[a-zA-Z0-9])?$/);
const port = fc.integer({ min: 1, max: 65535 });
/** Hosts docker reads as registries: a dotted name, or any name with a port, or localhost. */
const host = fc.oneof(
  fc.tuple(label, fc.array(label, { minLength: 1, maxLength: 3 })).map(([first, rest]) => [first, ...rest].join('.')),
  fc.tuple(label, port).map(([name, p]) => `${name}:${p}`),
  fc.tuple(label, fc.array(label, { minLength: 1, maxLength: 2 }), port).map(([first, rest, p]) => `${[first, ...rest].join('.')}:${p}`),
  fc.constantFrom('localhost', 'localhost:5000', 'docker.io', 'index.docker.io', 'ghcr.io', 'quay.io'),
);
const tag = fc.stringMatching(/^[\w][\w.-]{0,20}$/);
const digest = fc.stringMatching(/^[0-9a-f]{64}$/).map((hex) => `sha256:${hex}`);

interface Parts {
  registry?: string;
  path: string[];
  tag?: string;
  digest?: string;
}

const parts: fc.Arbitrary<Parts> = fc
  .record({
    registry: fc.option(host, { nil: undefined }),
    path: fc.array(component, { minLength: 1, maxLength: 4 }),
    tag: fc.option(tag, { nil: undefined }),
    digest: fc.option(digest, { nil: undefined }),
  })
  // Without a registry, a first component that looks like a host would be read as one (tested apart).
  .filter((p) => p.registry !== undefined || p.path.length === 1 || !(p.path[0]!.includes('.') || p.path[0] === 'localhost'));

const written = (p: Parts) => `${p.registry ? `${p.registry}/` : ''}${p.path.join('/')}${p.tag ? `:${p.tag}` : ''}${p.digest ? `@${p.digest}` : ''}`;

/** What docker makes of the parts: the registry (Docker Hub by default), `library/` for official images. */
function expected(p: Parts) {
  const lower = p.registry?.toLowerCase();
  const registry = lower === undefined || lower === 'index.docker.io' ? 'docker.io' : lower;
  const path = registry === 'docker.io' && p.path.length === 1 ? ['library', ...p.path] : p.path;
  return { registry, path: path.join('/'), tag: p.tag, digest: p.digest };
}

describe('normalisation, property-based', () => {
  it('recovers registry, path, tag and digest from any valid reference', () => {
    fc.assert(
      fc.property(parts, (p) => {
        const reference = written(p);
        expect(IMAGE_REFERENCE.test(reference)).toBe(true);
        const parsed = parseImageReference(reference);
        const want = expected(p);

        expect({ tag: undefined, digest: undefined, ...parsed }).toEqual(want);
      }),
      { numRuns: 500 },
    );
  });

  it('gives a valid, fully qualified reference that normalises to itself', () => {
    fc.assert(
      fc.property(parts, (p) => {
        const normalised = normaliseImageReference(written(p));

        expect(IMAGE_REFERENCE.test(normalised)).toBe(true);
        expect(normaliseImageReference(normalised)).toBe(normalised);
        expect(normalised.startsWith(`${expected(p).registry}/`)).toBe(true);
        // Without tag or digest, a pull means :latest; otherwise the version is kept as written.
        const version = p.tag || p.digest ? `${p.tag ? `:${p.tag}` : ''}${p.digest ? `@${p.digest}` : ''}` : ':latest';
        expect(normalised.endsWith(version)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('reads a dotted first component as a registry, and a plain one as a Docker Hub namespace', () => {
    fc.assert(
      fc.property(component, fc.array(component, { minLength: 1, maxLength: 3 }), (first, rest) => {
        const parsed = parseImageReference([first, ...rest].join('/'));
        const isHost = first.includes('.') || first === 'localhost';

        expect(parsed.registry).toBe(isHost ? first : 'docker.io');
        expect(parsed.path).toBe(isHost ? rest.join('/') : [first, ...rest].join('/'));
      }),
    );
  });
});

// --- The mirror mapping ------------------------------------------------------------------------------

const MIRRORS = {
  'docker.io': '123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub',
  'ghcr.io': 'mirror.example.com:8443/ghcr',
  'localhost:5000': '127.0.0.1:5001',
};

describe('baseImagePull', () => {
  it.each([
    ['python:3.12-slim', '123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/library/python:3.12-slim'],
    ['continuumio/miniconda3', '123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/continuumio/miniconda3:latest'],
    ['index.docker.io/library/debian:bookworm', '123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/library/debian:bookworm'],
    [`ubuntu:22.04@${DIGEST}`, `123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/library/ubuntu:22.04@${DIGEST}`],
    [`ghcr.io/org/team/image@${DIGEST}`, `mirror.example.com:8443/ghcr/org/team/image@${DIGEST}`],
    ['localhost:5000/base:bookworm', '127.0.0.1:5001/base:bookworm'],
  ])('pulls %s as %s, saying which mirror', (baseImage, reference) => {
    const pull = baseImagePull(baseImage, MIRRORS, { pullSecret: false });

    expect(pull.reference).toBe(reference);
    expect(pull.reason).toMatch(/^through the mirror of \S+ at \S+$/);
  });

  it('pulls images of registries without a mirror as written, saying so', () => {
    for (const baseImage of ['quay.io/jupyter/scipy-notebook:2024-05-27', 'registry.k8s.io/pause', 'localhost:5001/base']) {
      expect(baseImagePull(baseImage, MIRRORS, { pullSecret: false })).toEqual({
        reference: baseImage,
        reason: `from its own registry ${parseImageReference(baseImage).registry} (no mirror is configured for it)`,
      });
    }
  });

  it('pulls an image with a pull secret from its own registry, never through a mirror', () => {
    expect(baseImagePull('python:3.12', MIRRORS, { pullSecret: true })).toEqual({
      reference: 'python:3.12',
      reason: "from its own registry docker.io with the image's pull secret (a mirror would not use the secret)",
    });
  });

  it('maps any valid reference on a mirrored registry to <prefix>/<path><version>, and keeps others as written', () => {
    // A mirror on Docker Hub itself would be read back with library/ added; such a mirror makes no sense.
    const mirrorHost = host.map((h) => h.toLowerCase()).filter((h) => h !== 'docker.io' && h !== 'index.docker.io');
    const prefixes = fc.tuple(mirrorHost, fc.array(component, { maxLength: 2 }));
    fc.assert(
      fc.property(parts, prefixes, fc.boolean(), (p, [prefixHost, prefixPath], mirrored) => {
        const reference = written(p);
        const want = expected(p);
        const prefix = [prefixHost, ...prefixPath].join('/');
        const mirrors = mirrored ? { [want.registry]: prefix } : {};

        const pull = baseImagePull(reference, mirrors, { pullSecret: false });

        if (!mirrored) return expect(pull.reference).toBe(reference);
        expect(pull.reference).toBe(`${prefix}/${want.path}${want.tag ? `:${want.tag}` : want.digest ? '' : ':latest'}${want.digest ? `@${want.digest}` : ''}`);
        expect(IMAGE_REFERENCE.test(pull.reference)).toBe(true);
        // Read back, the pull reference names the mirror's registry, the image's path under the prefix's, the same version.
        expect(parseImageReference(pull.reference)).toEqual({
          registry: prefixHost,
          path: [...prefixPath, want.path].join('/'),
          ...(want.tag || !want.digest ? { tag: want.tag ?? 'latest' } : {}),
          ...(want.digest ? { digest: want.digest } : {}),
        });
      }),
      { numRuns: 500 },
    );
  });
});

describe('checkBaseImageMirrors', () => {
  it('accepts an object or its JSON text, and normalises the keys', () => {
    const text = JSON.stringify({ 'Index.Docker.io': 'mirror.example.com/hub', 'localhost:5000': 'localhost:5001/m', 'quay.io': 'mirror.example.com' });

    expect(checkBaseImageMirrors(text)).toEqual({
      mirrors: { 'docker.io': 'mirror.example.com/hub', 'localhost:5000': 'localhost:5001/m', 'quay.io': 'mirror.example.com' },
      problems: [],
    });
    expect(checkBaseImageMirrors(undefined)).toEqual({ mirrors: {}, problems: [] });
    expect(checkBaseImageMirrors('')).toEqual({ mirrors: {}, problems: [] });
  });

  it.each<[string, unknown, RegExp]>([
    ['bad JSON', '{"docker.io": ', /^is not JSON \(.+\); expected an object like \{"docker\.io": "mirror\.example\.com\/docker-hub"\}$/],
    ['a list', '["docker.io"]', /^expected a JSON object from registry host to mirror prefix/],
    ['a host without a dot or port', { dockerhub: 'mirror.example.com/hub' }, /^entry "dockerhub": the key is not a registry host such as docker\.io/],
    ['a host with a path', { 'docker.io/library': 'mirror.example.com/hub' }, /^entry "docker\.io\/library": the key is not a registry host/],
    [
      "Docker Hub's API host",
      { 'registry-1.docker.io': 'mirror.example.com/hub' },
      /^entry "registry-1\.docker\.io": the key is Docker Hub's API host; .*use the key "docker\.io"$/,
    ],
    [
      'a prefix with a scheme',
      { 'docker.io': 'https://mirror.example.com/hub' },
      /^entry "docker\.io": the mirror prefix "https:\/\/mirror\.example\.com\/hub" has a scheme/,
    ],
    [
      'a prefix whose host is not a registry',
      { 'docker.io': 'mirror/hub' },
      /^entry "docker\.io": the mirror prefix "mirror\/hub" is not a mirror prefix such as/,
    ],
    [
      'a prefix with a trailing slash',
      { 'docker.io': 'mirror.example.com/hub/' },
      /^entry "docker\.io": the mirror prefix "mirror\.example\.com\/hub\/" is not a mirror prefix/,
    ],
    ['a prefix with a tag', { 'docker.io': 'mirror.example.com/hub:1' }, /^entry "docker\.io": the mirror prefix .* is not a mirror prefix/],
    ['a prefix with upper case', { 'docker.io': 'mirror.example.com/Hub' }, /^entry "docker\.io": the mirror prefix .* is not a mirror prefix/],
    ['a prefix that is not a string', { 'docker.io': 42 }, /^entry "docker\.io": the mirror prefix must be a string, got 42$/],
    ['one registry twice', { 'docker.io': 'a.example.com', 'index.docker.io': 'b.example.com' }, /^entry "index\.docker\.io": docker\.io already has a mirror/],
  ])('refuses %s, naming the entry and why', (_, raw, message) => {
    const { problems } = checkBaseImageMirrors(raw);

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  it('reads BASE_IMAGE_MIRRORS, failing with the variable named', () => {
    expect(baseImageMirrorsFrom({ BASE_IMAGE_MIRRORS: '{"docker.io":"localhost:5001/hub"}' })).toEqual({ 'docker.io': 'localhost:5001/hub' });
    expect(baseImageMirrorsFrom({})).toEqual({});
    expect(() => baseImageMirrorsFrom({ BASE_IMAGE_MIRRORS: '{"docker.io":"hub"}' })).toThrow(
      /^environment variable BASE_IMAGE_MIRRORS: entry "docker\.io": the mirror prefix "hub"/,
    );
  });
});
