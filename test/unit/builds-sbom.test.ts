/**
 * Issue 18: the CycloneDX SBOM of a build, validated against the CycloneDX 1.5 JSON schema (the
 * real one, a fixture from the specification repository). The real build's SBOM is checked in
 * test/e2e/real-build.test.ts.
 */
import { describe, expect, it } from '@jest/globals';
import type { Build } from '../../lambdas/domain/build.ts';
import type { BuildFacts, PackageLock } from '../../lambdas/domain/build-facts.ts';
import { ociPurl, sbomOf } from '../../lambdas/domain/sbom.ts';
import { cycloneDxErrors } from '../support/cyclonedx.ts';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const BASE_DIGEST = `sha256:${'cd'.repeat(32)}`;

const lock: PackageLock = {
  apt: [
    { name: 'libc6', version: '2.36-9+deb12u9', architecture: 'amd64' },
    { name: 'bash', version: '5.2.15-2+b7', architecture: 'amd64' },
    { name: 'tzdata', version: '2024a-0+deb12u1', architecture: 'all' },
    { name: 'ed', version: '1:1.19-1', architecture: 'amd64' },
  ],
  conda: [{ channel: 'conda-forge', name: 'numpy', version: '1.26.4', build: 'py312heda63a1_0' }],
  pip: [
    { name: 'Pandas', version: '2.2.3' },
    { name: 'typing_extensions', version: '4.12.2' },
    { name: 'typing-extensions', version: '4.12.2' },
  ],
};
const facts = (packages: PackageLock): BuildFacts & { packages: PackageLock } => ({
  digest: DIGEST,
  sizeBytes: 1,
  layers: 3,
  reusedLayers: 1,
  baseImageDigest: BASE_DIGEST,
  packages,
  lockOmitted: null,
});
const build = (packages: PackageLock = lock): Build & { facts: BuildFacts & { packages: PackageLock } } => ({
  id: 'b0lz4k2m1abcdef1',
  image: 'jupyter-ds-x7k2p',
  status: 'succeeded',
  phase: 'finishing',
  spec: { baseImage: 'quay.io/jupyter/scipy-notebook:2024-05-27', packages: { apt: ['libc6'] } },
  imageUrl: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/group-images:sha-0123456789abcdef0123456789abcdef',
  reused: false,
  failureReason: null,
  dryRun: false,
  createdAt: '2026-12-07T10:00:00.000Z',
  startedAt: '2026-12-07T10:00:01.000Z',
  finishedAt: '2026-12-07T10:05:00.000Z',
  createdBy: 'ada',
  vulnerabilities: null,
  vulnerabilitiesNote: null,
  facts: facts(packages),
});

describe('sbomOf: a CycloneDX 1.5 document of the build', () => {
  it('validates against the CycloneDX 1.5 JSON schema', () => {
    expect(cycloneDxErrors(sbomOf(build()))).toEqual([]);
    expect(cycloneDxErrors(sbomOf(build({ apt: null, conda: null, pip: [] })))).toEqual([]);
  });

  it('is a schema that can refuse: a document without its format is invalid', () => {
    const { bomFormat: _f, ...rest } = sbomOf(build());
    expect(cycloneDxErrors(rest).length).toBeGreaterThan(0);
  });

  it('names every package by its purl, the base image and the image by digest', () => {
    // Act
    const bom = sbomOf(build());
    const purls = bom.components.map((c) => c.purl);

    // Assess
    expect(bom.metadata.component).toEqual(expect.objectContaining({ type: 'container', version: DIGEST, purl: ociPurl(build().imageUrl!, DIGEST) }));
    expect(bom.metadata.component.purl).toBe(
      `pkg:oci/group-images@sha256%3A${'ab'.repeat(32)}?repository_url=123456789012.dkr.ecr.eu-west-1.amazonaws.com/group-images&tag=sha-0123456789abcdef0123456789abcdef`,
    );
    expect(bom.components[0]).toEqual(expect.objectContaining({ type: 'container', name: 'quay.io/jupyter/scipy-notebook:2024-05-27', version: BASE_DIGEST }));
    expect(purls).toEqual(
      expect.arrayContaining([
        'pkg:deb/debian/libc6@2.36-9%2Bdeb12u9?arch=amd64',
        'pkg:deb/debian/tzdata@2024a-0%2Bdeb12u1?arch=all',
        'pkg:deb/debian/ed@1:1.19-1?arch=amd64',
        'pkg:conda/numpy@1.26.4?build=py312heda63a1_0&channel=conda-forge',
        'pkg:pypi/pandas@2.2.3',
        'pkg:pypi/typing-extensions@4.12.2',
      ]),
    );
    // Two spellings of one PyPI project are one component (bom-refs are unique).
    expect(purls.filter((p) => p.startsWith('pkg:pypi/typing-extensions'))).toHaveLength(1);
    expect(bom.dependencies[0]!.dependsOn).toHaveLength(bom.components.length);
  });

  it('is the same document each time for the same build', () => {
    expect(sbomOf(build())).toEqual(sbomOf(build()));
    expect(sbomOf(build()).serialNumber).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
