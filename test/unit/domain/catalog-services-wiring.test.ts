/**
 * The catalog's dependencies are required by type, as the build services' are
 * (build-services-wiring.test.ts): the reads and the writes are separate classes, and a writer, or
 * the tenant reference checks, wired without one does not compile (`tsc --noEmit` fails on an
 * @ts-expect-error that finds no error). So a missing pull secret directory or build lifecycle is
 * never a 503 at run time, and no reference check is skipped because its port was left out.
 */
import { describe, expect, it } from '@jest/globals';
import { ImageCatalog } from '../../../lambdas/domain/catalog.ts';
import { ImageCatalogWrites, type CatalogWriteDependencies } from '../../../lambdas/domain/catalog-writes.ts';
import { TenantReferences, type TenantReferenceDependencies } from '../../../lambdas/domain/tenant-references.ts';

/** Compiled only: never called. */
export function wiringThatMustNotCompile(deps: CatalogWriteDependencies, references: TenantReferenceDependencies) {
  const { secrets: _secrets, ...withoutSecrets } = deps;
  const { ownImages: _ownImages, ...withoutOwnImages } = deps;
  const { builds: _builds, ...withoutBuilds } = deps;
  const { maxImagesPerGroup: _limit, ...withoutLimit } = deps;
  const { secrets: _referenceSecrets, ...referencesWithoutSecrets } = references;
  const { ownImages: _referenceImages, ...referencesWithoutOwnImages } = references;
  return [
    // @ts-expect-error the writes check the pull secrets an image names
    new ImageCatalogWrites(withoutSecrets),
    // @ts-expect-error having no repositories of its own is said explicitly (null), never left out
    new ImageCatalogWrites(withoutOwnImages),
    // @ts-expect-error a custom image's first build is started by the lifecycle
    new ImageCatalogWrites(withoutBuilds),
    // @ts-expect-error the image quota is decided here: say it, even when there is none (undefined)
    new ImageCatalogWrites(withoutLimit),
    // @ts-expect-error the reads have no writes: the reader function cannot create an image
    new ImageCatalog({ store: deps.store, cursors: { encode: () => '', decode: () => undefined as never } }).create,
    // @ts-expect-error a secret reference is always looked up, never skipped
    new TenantReferences(referencesWithoutSecrets),
    // @ts-expect-error an image reference is always checked against the own repositories, or null said explicitly
    new TenantReferences(referencesWithoutOwnImages),
  ];
}

describe('the catalog services', () => {
  it('are separate classes for the reads and the writes', () => {
    expect(new Set([ImageCatalog, ImageCatalogWrites]).size).toBe(2);
    expect(Object.getOwnPropertyNames(ImageCatalog.prototype)).not.toContain('create');
    expect(Object.getOwnPropertyNames(ImageCatalogWrites.prototype)).not.toContain('list');
    expect(typeof wiringThatMustNotCompile).toBe('function');
  });
});
