/**
 * The image catalog's writes: create (with a custom image's first build), edit and delete images in a
 * scope. Knows nothing of HTTP or AWS. Apart from the reads (catalog.ts) because it needs what the
 * catalog writer function alone is given, every dependency required by type: a writer wired without
 * its pull secrets, its builds or its image limit does not compile, rather than answering 503 or
 * skipping a check at run time.
 */
import { conflict, invalid, invalidField, preconditionFailed, quotaReached, type FieldError } from './errors.ts';
import type { ImageStore, InsertOptions } from './image-store.ts';
import { isTerminal, latestOf, type BuildRecord } from './build.ts';
import type { FirstBuild } from './build-lifecycle.ts';
import { imageNotFound, requireImage } from './required-records.ts';
import { requireBuildSpec, type BuildSpec } from './build-spec.ts';
import { etagOf, imageNameFor, toImage, type Image, type ImageChanges, type ImageEdit, type NewImage, type ImageRecord } from './image.ts';
import type { Principal } from './principal.ts';
import { describeScope, type Scope } from './scope.ts';
import { TenantReferences, type OwnImages, type PullSecretDirectory } from './tenant-references.ts';

/** Decides a custom image's first build and starts it once stored; the build lifecycle implements it. */
export interface FirstBuildStarter {
  /** The first build (its spec normalised, its record, the group's build limit), to store with the image. */
  firstBuildOf(principal: Principal, scope: Scope, spec: BuildSpec): FirstBuild;
  /** Starts the build once stored with its image; the build as it then is. */
  startFirstBuild(scope: Scope, build: BuildRecord): Promise<BuildRecord>;
}

/** Stops an image's running build when it is deleted; the build lifecycle implements it. */
export interface BuildStopper {
  stopBuildsOf(scope: Scope, image: ImageRecord): Promise<void>;
}

export interface CatalogWriteDependencies {
  store: ImageStore;
  /** An image names pull secrets (its own, its build spec's): each is checked against its scope. */
  secrets: PullSecretDirectory;
  /**
   * The service's own repositories: an image may name only its own scope's or a system build's
   * images in them. null: no image is the service's own (unit tests), as in the build lifecycle.
   */
  ownImages: OwnImages | null;
  /** A custom image's first build, and stopping its builds when it is deleted. */
  builds: FirstBuildStarter & BuildStopper;
  /** Most images one group may hold (system images are not limited); undefined: no limit. */
  maxImagesPerGroup: number | undefined;
  now?: () => Date;
  nameSuffix?: () => string;
}

const NAME_ATTEMPTS = 3;

export class ImageCatalogWrites {
  private readonly now: () => Date;
  private readonly references: TenantReferences;

  constructor(private readonly deps: CatalogWriteDependencies) {
    this.now = deps.now ?? (() => new Date());
    this.references = new TenantReferences({ secrets: deps.secrets, ownImages: deps.ownImages });
  }

  // Every method takes a caller the HTTP edge has authorized for the scope (lambdas/http/access.ts):
  // the rules are domain/principal.ts's, checked once per request, before its parts are parsed.

  async create(principal: Principal, scope: Scope, input: NewImage): Promise<{ image: Image; etag: string }> {
    if (input.build !== undefined) requireBuildSpec(input.build);
    const errors: FieldError[] = [];
    if ((input.url === undefined) === (input.build === undefined)) {
      errors.push({
        field: input.url === undefined ? [] : ['build'],
        message: 'must give exactly one of "url" (use an existing image) or "build" (build a custom image)',
      });
    }
    if (input.urlForGpu !== undefined && input.type !== 'universal') {
      errors.push({ field: ['urlForGpu'], message: 'is only accepted for universal images' });
    }
    if (input.urlForGpu !== undefined && input.build !== undefined) {
      errors.push({ field: ['urlForGpu'], message: 'is set by the build for a custom image' });
    }
    if (errors.length) throw invalid(errors);
    await this.references.require(scope, {
      secrets: [
        { value: input.pullSecret, field: ['pullSecret'] },
        { value: input.build?.pullSecret, field: ['build', 'pullSecret'] },
      ],
      images: [
        { value: input.url, field: ['url'] },
        { value: input.urlForGpu, field: ['urlForGpu'] },
        { value: input.build?.baseImage, field: ['build', 'baseImage'] },
      ],
    });

    const at = this.now().toISOString();
    const draft: ImageRecord = {
      name: '',
      displayName: input.displayName,
      description: input.description ?? null,
      group: scope.group,
      type: input.type,
      url: input.url ?? null,
      urlForGpu: input.urlForGpu ?? null,
      pullSecret: input.pullSecret ?? null,
      source: input.build === undefined ? 'existing' : 'build',
      buildSpec: null,
      latestBuild: null,
      createdAt: at,
      updatedAt: at,
      createdBy: principal.sub,
      updatedBy: principal.sub,
      version: 1,
    };
    if (input.build === undefined) {
      const { record } = await this.insertWithFreshName(scope, draft);
      return { image: toImage(record), etag: etagOf(record) };
    }
    const builds = this.deps.builds;
    // The lifecycle decides the first build (the spec normalised once, its record, the group's build
    // limit); the image, the build and both quota places go in one write: nothing to take back if refused.
    const first = builds.firstBuildOf(principal, scope, input.build);
    const { record, build } = await this.insertWithFreshName(scope, { ...draft, buildSpec: first.spec }, first);
    const started = await builds.startFirstBuild(scope, build!);
    // Still queued or building, the image is as stored; a build that ended at once (reused, or failed to start) told it: read it.
    const image = isTerminal(started.status) ? ((await this.deps.store.get(scope, record.name)) ?? record) : record;
    return { image: toImage(image), etag: etagOf(image) };
  }

  /**
   * Inserts the image under a generated name, trying again with a new suffix in the (rare) case the
   * name is taken: the conditional insert makes uniqueness a property of the table. `first` is the
   * image's first build, stored with it under its name. The group's limits are checked by the same write.
   */
  private async insertWithFreshName(scope: Scope, draft: ImageRecord, first?: FirstBuild): Promise<{ record: ImageRecord; build?: BuildRecord }> {
    for (let attempt = 0; attempt < NAME_ATTEMPTS; attempt++) {
      const named = { ...draft, name: imageNameFor(draft.displayName, this.deps.nameSuffix?.()) };
      const firstBuild = first?.recordFor(named.name);
      const record = firstBuild ? { ...named, latestBuild: latestOf(firstBuild) } : named;
      const options: InsertOptions = { firstBuild, maxBuilds: first?.maxBuilds, maxImages: this.imageLimit(scope) };
      const result = await this.deps.store.insert(scope, record, options);
      if (result.ok) return { record, build: firstBuild };
      if (result.reason === 'image-quota') throw this.imageQuotaReached(scope);
      if (result.reason === 'build-quota') throw first!.quotaReached();
      if (result.reason === 'secret')
        invalidField(
          record.buildSpec?.pullSecret === result.secret && record.pullSecret !== result.secret ? ['build', 'pullSecret'] : ['pullSecret'],
          `names no pull secret "${result.secret}"`,
        );
    }
    throw conflict(`could not find a free name for "${draft.displayName}" in ${describeScope(scope)}; try again`);
  }

  async update(principal: Principal, scope: Scope, name: string, patch: ImageEdit, ifMatch?: string): Promise<{ image: Image; etag: string }> {
    if (Object.keys(patch).length === 0) invalidField([], 'must name at least one field to change');
    const current = await requireImage(this.deps.store, scope, name);
    const expected = this.matchVersion(current, ifMatch);

    const changes: ImageChanges = { ...patch };
    if (current.source === 'build' && patch.url !== undefined) invalidField(['url'], "is set by a custom image's builds: rebuild it instead");
    if (current.source === 'build' && patch.urlForGpu) invalidField(['urlForGpu'], "is set by a custom image's builds");
    const type = patch.type ?? current.type;
    if (type !== 'universal') {
      if (patch.urlForGpu) invalidField(['urlForGpu'], 'is only accepted for universal images');
      if (current.urlForGpu !== null) changes.urlForGpu = null; // a cpu or gpu image has one url
    }
    await this.references.require(scope, {
      secrets: [{ value: patch.pullSecret, field: ['pullSecret'] }],
      images: [
        { value: patch.url, field: ['url'] },
        { value: patch.urlForGpu, field: ['urlForGpu'] },
      ],
    });

    // Without If-Match, only guard what validation relied on (the type), so concurrent edits of
    // different fields both land; with If-Match, the whole representation must be unchanged.
    const result = await this.deps.store.update(
      scope,
      name,
      { ...changes, updatedAt: this.now().toISOString(), updatedBy: principal.sub },
      expected !== undefined ? { version: expected } : { type: current.type },
      current,
    );
    if (!result.ok) {
      if (result.reason === 'secret') invalidField(['pullSecret'], `names no pull secret "${result.secret}"`);
      if (result.reason === 'missing') throw imageNotFound(scope, name);
      if (expected !== undefined) throw preconditionFailed('the image changed since you read it: get it again and retry with its new ETag');
      throw conflict("the image's type changed while you edited it: get it again and retry");
    }
    return { image: toImage(result.value), etag: etagOf(result.value) };
  }

  async delete(scope: Scope, name: string, ifMatch?: string): Promise<void> {
    const current = await requireImage(this.deps.store, scope, name);
    const expected = this.matchVersion(current, ifMatch);
    const result = await this.deps.store.remove(scope, name, expected !== undefined ? { version: expected } : {}, current);
    if (!result.ok) {
      if (result.reason === 'missing') throw imageNotFound(scope, name);
      throw preconditionFailed('the image changed since you read it: get it again and retry with its new ETag');
    }
    if (result.value.source === 'build') await this.deps.builds.stopBuildsOf(scope, result.value);
  }

  /** The most images the scope may hold (system images are not limited). */
  private imageLimit(scope: Scope): number | undefined {
    return scope.group === null ? undefined : this.deps.maxImagesPerGroup;
  }

  private imageQuotaReached(scope: Scope) {
    return quotaReached(
      `group "${scope.group}" already has ${this.deps.maxImagesPerGroup} images, its limit: delete images it no longer needs, or ask the platform team to raise maxImagesPerGroup`,
    );
  }

  /** The version an If-Match names, checked early against what we just read. */
  private matchVersion(current: ImageRecord, ifMatch: string | undefined): number | undefined {
    if (ifMatch === undefined) return undefined;
    const tags = ifMatch.split(',').map((t) => t.trim());
    if (tags.includes('*')) return current.version;
    if (!tags.includes(etagOf(current)))
      throw preconditionFailed(`the image changed since you read it (its ETag is now ${etagOf(current)}): get it again and retry`);
    return current.version;
  }
}
