/**
 * The image catalog: list, search, create, read, edit and delete images in a scope, and the image
 * selection members pick from. Knows nothing of HTTP or AWS.
 */
import { conflict, invalid, invalidField, notFound, preconditionFailed, quotaReached, unavailable, type FieldError } from './errors.ts';
import type { CursorCodec } from './cursor.ts';
import type { ImageStore, InsertOptions, SelectionRecord } from './image-store.ts';
import { isTerminal, latestOf, type BuildRecord } from './build.ts';
import type { FirstBuild } from './build-lifecycle.ts';
import type { BuildSpec } from './build-spec.ts';
import { keywordQuery, matchesKeyword, type KeywordQuery } from './search.ts';
import { etagOf, imageNameFor, toImage, typesFor, urlFor, type Image, type ImageChanges, type ImageEdit, type NewImage, type ImageRecord } from './image.ts';
import type { Principal } from './principal.ts';
import { describeScope, groupScope, SYSTEM, type Scope } from './scope.ts';
import { TenantReferences, type OwnImages, type PullSecretDirectory, type ReferencesToCheck } from './tenant-references.ts';
import { requireBuildSpec } from './build-spec.ts';

export const PAGE_DEFAULT = 20;
export const PAGE_MAX = 100;

export interface PageRequest {
  q?: string;
  limit?: number;
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type { PullSecretDirectory } from './tenant-references.ts';

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

export interface CatalogDependencies {
  store: ImageStore;
  cursors: CursorCodec;
  /** Needed by the write paths only: readers never check what an image names. */
  secrets?: PullSecretDirectory;
  /** The service's own repositories: an image may name only its own scope's or a system build's images in them. */
  ownImages?: OwnImages;
  now?: () => Date;
  nameSuffix?: () => string;
  builds?: FirstBuildStarter & BuildStopper;
  /** Most images one group may hold (system images are not limited). */
  maxImagesPerGroup?: number;
}

/** One selection entry: an image as a launch sees it, its url resolved for the instance type. */
export interface SelectableImage {
  name: string;
  displayName: string;
  description: string | null;
  scope: 'group' | 'system';
  group: string | null;
  type: Image['type'];
  url: string | null;
  pullSecret: string | null;
  ready: boolean;
  /** Issue 18: the latest build succeeded and the scan of its image found CRITICAL vulnerabilities (a warning, not a refusal). */
  criticalFindings: boolean;
}

export interface SelectionRequest extends PageRequest {
  type?: 'cpu' | 'gpu';
}

const NAME_ATTEMPTS = 3;

export class ImageCatalog {
  private readonly now: () => Date;
  private readonly references: TenantReferences;

  constructor(private readonly deps: CatalogDependencies) {
    this.now = deps.now ?? (() => new Date());
    this.references = new TenantReferences({ secrets: deps.secrets, ownImages: deps.ownImages });
  }

  // Every method takes a caller the HTTP edge has authorized for the scope (lambdas/http/access.ts):
  // the rules are domain/principal.ts's, checked once per request, before its parts are parsed.

  async list(scope: Scope, request: PageRequest): Promise<Page<Image>> {
    const query = searchFor(request.q);
    const binding = `images|${scope.group ?? ''}|${query?.words.join(' ') ?? ''}`;
    const after = request.cursor ? this.deps.cursors.decode<string>(binding, request.cursor) : undefined;
    const limit = request.limit ?? PAGE_DEFAULT;
    if (!query) {
      const page = await this.deps.store.page(scope, { after, limit });
      return { items: page.items.map(toImage), nextCursor: page.next === null ? null : this.deps.cursors.encode(binding, page.next) };
    }
    const found = await this.search([{ scope, after }], query, limit);
    return { items: found.items.map(toImage), nextCursor: found.next === null ? null : this.deps.cursors.encode(binding, found.next.after) };
  }

  async get(scope: Scope, name: string): Promise<{ image: Image; etag: string }> {
    const record = await this.require(scope, name);
    return { image: toImage(record), etag: etagOf(record) };
  }

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
    await this.requireReferences(scope, {
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
    if (!builds) throw unavailable('custom image builds are not available in this deployment');
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
    const current = await this.require(scope, name);
    const expected = this.matchVersion(current, ifMatch);

    const changes: ImageChanges = { ...patch };
    if (current.source === 'build' && patch.url !== undefined) invalidField(['url'], "is set by a custom image's builds: rebuild it instead");
    if (current.source === 'build' && patch.urlForGpu) invalidField(['urlForGpu'], "is set by a custom image's builds");
    const type = patch.type ?? current.type;
    if (type !== 'universal') {
      if (patch.urlForGpu) invalidField(['urlForGpu'], 'is only accepted for universal images');
      if (current.urlForGpu !== null) changes.urlForGpu = null; // a cpu or gpu image has one url
    }
    await this.requireReferences(scope, {
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
      if (result.reason === 'missing') throw notFound(`no image "${name}" in ${describeScope(scope)}`);
      if (expected !== undefined) throw preconditionFailed('the image changed since you read it: get it again and retry with its new ETag');
      throw conflict("the image's type changed while you edited it: get it again and retry");
    }
    return { image: toImage(result.value), etag: etagOf(result.value) };
  }

  async delete(scope: Scope, name: string, ifMatch?: string): Promise<void> {
    const current = await this.require(scope, name);
    const expected = this.matchVersion(current, ifMatch);
    const result = await this.deps.store.remove(scope, name, expected !== undefined ? { version: expected } : {}, current);
    if (!result.ok) {
      if (result.reason === 'missing') throw notFound(`no image "${name}" in ${describeScope(scope)}`);
      throw preconditionFailed('the image changed since you read it: get it again and retry with its new ETag');
    }
    if (result.value.source === 'build') await this.deps.builds?.stopBuildsOf(scope, result.value);
  }

  /**
   * What members pick from: the group's images, then the system images, with urls resolved for
   * the instance type. Paged across both scopes with one cursor.
   */
  async selection(group: string, request: SelectionRequest): Promise<Page<SelectableImage>> {
    const scope = groupScope(group);
    const query = searchFor(request.q);
    const instance = request.type;
    const binding = `selection|${group}|${instance ?? ''}|${query?.words.join(' ') ?? ''}`;
    type Position = { s: 'group' | 'system'; after?: string };
    let position: Position = request.cursor ? this.deps.cursors.decode<Position>(binding, request.cursor) : { s: 'group' };
    const limit = request.limit ?? PAGE_DEFAULT;
    const shown = (r: SelectionRecord) => selectable(r, instance ?? 'cpu');
    const encode = (next: Position | null) => (next ? this.deps.cursors.encode(binding, next) : null);

    if (query) {
      const order: Position[] = position.s === 'group' ? [position, { s: 'system' }] : [position];
      const runs = !instance ? undefined : typesFor(instance);
      const found = await this.search(
        order.map((p) => ({ scope: p.s === 'group' ? scope : SYSTEM, after: p.after })),
        query,
        limit,
        (r) => !runs || runs.includes(r.type),
      );
      return { items: found.items.map(shown), nextCursor: encode(found.next && { s: order[found.next.scope]!.s, after: found.next.after }) };
    }

    const items: SelectableImage[] = [];
    let next: Position | null = null;
    // One query per scope at most: the group's images first, then the system's fill the page.
    while (items.length < limit) {
      const where = position.s === 'group' ? scope : SYSTEM;
      const options = { after: position.after, limit: limit - items.length };
      const page = instance ? await this.deps.store.pageFor(where, instance, options) : await this.deps.store.page(where, options);
      items.push(...page.items.map(shown));
      if (page.next !== null) {
        next = { s: position.s, after: page.next };
        break;
      }
      if (position.s === 'system') break;
      position = { s: 'system' };
      if (items.length === limit) next = position;
    }
    return { items, nextCursor: encode(next) };
  }

  /**
   * A page of keyword matches across scopes in order: the candidates of every scope are read at
   * once, then the page's images in one read, each checked against the keyword (and `accept`). A
   * page can hold fewer than `limit` images when candidates fail the check; `next` says where the
   * following page starts (which scope, after which name), null after the last.
   */
  private async search(
    scopes: { scope: Scope; after?: string }[],
    query: KeywordQuery,
    limit: number,
    accept: (r: ImageRecord) => boolean = () => true,
  ): Promise<{ items: ImageRecord[]; next: { scope: number; after?: string } | null }> {
    const found = await Promise.all(scopes.map((s) => this.deps.store.candidates(s.scope, query.indexKey, { after: s.after, limit })));
    const chosen: { scope: Scope; name: string }[] = [];
    let next: { scope: number; after?: string } | null = null;
    for (const [i, { names, more }] of found.entries()) {
      const taken = names.slice(0, limit - chosen.length);
      chosen.push(...taken.map((name) => ({ scope: scopes[i]!.scope, name })));
      if (taken.length < names.length || more) {
        next = { scope: i, after: taken.at(-1) ?? scopes[i]!.after };
        break;
      }
    }
    const records = new Map((await this.deps.store.getMany(chosen)).map((r) => [`${r.group ?? ''}/${r.name}`, r]));
    const items = chosen
      .map((k) => records.get(`${k.scope.group ?? ''}/${k.name}`))
      .filter((r): r is ImageRecord => r !== undefined && matchesKeyword(r, query) && accept(r));
    return { items, next };
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

  private async require(scope: Scope, name: string): Promise<ImageRecord> {
    const record = await this.deps.store.get(scope, name);
    if (!record) throw notFound(`no image "${name}" in ${describeScope(scope)}`);
    return record;
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

  private requireReferences(scope: Scope, refs: ReferencesToCheck): Promise<void> {
    return this.references.require(scope, refs);
  }
}

/** The keyword's words, or undefined without a keyword; a keyword with no words is refused. */
function searchFor(q: string | undefined): KeywordQuery | undefined {
  if (q === undefined) return undefined;
  const query = keywordQuery(q);
  if (!query) invalidField(['q'], 'has no letters or digits to search for');
  return query;
}

function selectable(r: SelectionRecord, instance: 'cpu' | 'gpu'): SelectableImage {
  return {
    name: r.name,
    displayName: r.displayName,
    description: r.description,
    scope: r.group === null ? 'system' : 'group',
    group: r.group,
    type: r.type,
    url: urlFor(r, instance),
    pullSecret: r.pullSecret,
    ready: r.url !== null,
    criticalFindings: r.latestBuild?.status === 'succeeded' && (r.latestBuild.vulnerabilities?.critical ?? 0) > 0,
  };
}
