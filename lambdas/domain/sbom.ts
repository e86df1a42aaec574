/**
 * Issue 18: a build's software bill of materials, CycloneDX 1.5 JSON, from the facts it reported:
 * the image (by digest), its base image, and every package of its lock with a package URL
 * (https://github.com/package-url/purl-spec): `pkg:deb/debian/...`, `pkg:pypi/...`, `pkg:conda/...`.
 * Deterministic: the same build always gives the same document (its serial number derives from the build).
 */
import { createHash } from 'node:crypto';
import type { Build } from './build.ts';
import type { BuildFacts, PackageLock } from './build-facts.ts';

export const SBOM_MEDIA_TYPE = 'application/vnd.cyclonedx+json';
export const SBOM_SPEC_VERSION = '1.5';

/** purl's percent-encoding of a segment or value (`:` stays: it separates a Debian epoch). */
const enc = (s: string) => encodeURIComponent(s).replace(/%3A/gi, ':');
/** PEP 503 normalisation: purl's pypi names are lowercase with `-`. */
const pypiName = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

/** `registry/path/name[:tag][@digest]` -> purl's pkg:oci form: name, version = digest, repository_url. */
export function ociPurl(reference: string, digest: string | null): string {
  const withoutDigest = reference.split('@')[0]!;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const tagAt = withoutDigest.indexOf(':', lastSlash + 1);
  const repository = tagAt === -1 ? withoutDigest : withoutDigest.slice(0, tagAt);
  const name = repository.slice(repository.lastIndexOf('/') + 1).toLowerCase();
  // As the purl spec's own pkg:oci example writes them: the digest's colon encoded, the repository's slashes not.
  const qualifiers = [`repository_url=${enc(repository).replace(/%2F/gi, '/')}`, ...(tagAt === -1 ? [] : [`tag=${enc(withoutDigest.slice(tagAt + 1))}`])];
  return `pkg:oci/${enc(name)}${digest ? `@${encodeURIComponent(digest)}` : ''}?${qualifiers.join('&')}`;
}

type Component = { type: 'library' | 'container'; 'bom-ref': string; name: string; version?: string; purl: string; description?: string };

function packageComponents(lock: PackageLock): Component[] {
  const apt = (lock.apt ?? []).map((p) => ({
    name: p.name,
    version: p.version,
    purl: `pkg:deb/debian/${enc(p.name)}@${enc(p.version)}?arch=${enc(p.architecture)}`,
  }));
  const conda = (lock.conda ?? []).map((p) => ({
    name: p.name,
    version: p.version,
    purl: `pkg:conda/${enc(p.name)}@${enc(p.version)}?build=${enc(p.build)}&channel=${enc(p.channel)}`,
  }));
  const pip = (lock.pip ?? []).map((p) => ({ name: p.name, version: p.version, purl: `pkg:pypi/${enc(pypiName(p.name))}@${enc(p.version)}` }));
  // A purl is unique per package: it serves as the component's bom-ref.
  const seen = new Set<string>();
  return [...apt, ...conda, ...pip].flatMap((c) => (seen.has(c.purl) ? [] : (seen.add(c.purl), [{ type: 'library' as const, 'bom-ref': c.purl, ...c }])));
}

const uuidOf = (text: string) => {
  const h = createHash('sha256').update(text).digest('hex');
  // A name-based UUID's layout (version 5 nibble, RFC 4122 variant), from a SHA-256 of the build.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** The BOM of a succeeded build that reported its lock; the caller checks that it has one. */
export function sbomOf(build: Build & { facts: BuildFacts & { packages: PackageLock } }) {
  const { facts } = build;
  const image: Component = {
    type: 'container',
    'bom-ref': 'image',
    name: build.imageUrl ?? build.image,
    ...(facts.digest ? { version: facts.digest } : {}),
    purl: ociPurl(build.imageUrl ?? build.image, facts.digest),
    description: `Image "${build.image}", build ${build.id}`,
  };
  const base: Component = {
    type: 'container',
    'bom-ref': 'base-image',
    name: build.spec.baseImage,
    ...(facts.baseImageDigest ? { version: facts.baseImageDigest } : {}),
    purl: ociPurl(build.spec.baseImage, facts.baseImageDigest),
    description: 'The base image the build started from',
  };
  const packages = packageComponents(facts.packages);
  return {
    bomFormat: 'CycloneDX',
    specVersion: SBOM_SPEC_VERSION,
    serialNumber: `urn:uuid:${uuidOf(`${build.image}/${build.id}/${facts.digest ?? ''}`)}`,
    version: 1,
    metadata: {
      ...(build.finishedAt ? { timestamp: build.finishedAt } : {}),
      tools: { components: [{ type: 'application', name: 'group-images' }] },
      component: image,
    },
    components: [base, ...packages],
    dependencies: [
      { ref: 'image', dependsOn: ['base-image', ...packages.map((p) => p['bom-ref'])] },
      { ref: 'base-image', dependsOn: [] },
      ...packages.map((p) => ({ ref: p['bom-ref'], dependsOn: [] })),
    ],
  };
}
