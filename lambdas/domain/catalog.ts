/**
 * The image catalog's reads: list and search images in a scope, read one, and the image selection
 * members pick from. Knows nothing of HTTP or AWS. The writes (create, edit, delete) are
 * catalog-writes.ts: the catalog reader function has none of what they need (pull secrets, builds).
 */
import { invalidField } from './errors.ts';
import type { CursorCodec } from './cursor.ts';
import type { ImageStore, SelectionRecord } from './image-store.ts';
import { keywordQuery, matchesKeyword, type KeywordQuery } from './search.ts';
import { etagOf, toImage, typesFor, urlFor, type Image, type ImageRecord } from './image.ts';
import { requireImage } from './required-records.ts';
import { groupScope, SYSTEM, type Scope } from './scope.ts';

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

export interface CatalogDependencies {
  store: ImageStore;
  cursors: CursorCodec;
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

export class ImageCatalog {
  constructor(private readonly deps: CatalogDependencies) {}

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
    const record = await requireImage(this.deps.store, scope, name);
    return { image: toImage(record), etag: etagOf(record) };
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
