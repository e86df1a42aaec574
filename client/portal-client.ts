/**
 * The portal's SDK for the Group Images API: nothing but `fetch`. Every operation of the OpenAPI
 * document is callable, typed from it, with `call(operationId, ...)` (generated/operations.ts and
 * generated/portal-api.ts are generated from the document by `npm run openapi`); the methods below name the
 * common ones and scope them (`{ group: 'team-a' }` or `'system'`).
 *
 * - Errors are `ApiError`s: the status and the problem's fields, also for API Gateway's own
 *   `{"message": "..."}` answers (its 401, 429, 404, 413) and bodies that are not JSON at all.
 * - A 429 or 503 carrying `Retry-After` is retried after that many seconds (a POST only on 429,
 *   which means nothing was done), up to `maxRetries` times.
 * - Reads of an image carry its `etag`; pass it as `ifMatch` to change the image only if nobody else has.
 * - `pages()` and the `each...` methods are async iterators over every page of a list.
 * - `watchBuild()` yields a build each time its status or phase changes until it ends, polling
 *   with back-off; `followLog()` yields log lines as they come until the log ends.
 */
import { OPERATIONS, type OperationId } from './generated/operations.ts';
import type {
  Build,
  CreateImage,
  FieldError,
  Image,
  LogLine,
  operations,
  PullSecret,
  RegistryLogin,
  SelectableImage,
  UpdateImage,
} from './generated/portal-api.ts';

export type { Build, FieldError, Image, LogLine, PullSecret, SelectableImage } from './generated/portal-api.ts';

type Ops = operations;
type Params<O extends OperationId> = Ops[O]['parameters'];
export type PathOf<O extends OperationId> = Params<O> extends { path: infer P } ? P : Record<string, never>;
export type QueryOf<O extends OperationId> = NonNullable<Params<O>['query']>;
export type BodyOf<O extends OperationId> = Ops[O] extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;
type Successes<R> = {
  [S in keyof R]: S extends 200 | 201 | 202 | 204 ? (R[S] extends { content: { 'application/json': infer B } } ? B : undefined) : never;
}[keyof R];
export type ResultOf<O extends OperationId> = Successes<Ops[O]['responses']>;
/** The operations that answer a page (`items` and `nextCursor`). */
export type PagedOperation = 'listImages' | 'systemListImages' | 'listBuilds' | 'systemListBuilds' | 'imageSelection';
export type ItemOf<O extends PagedOperation> = ResultOf<O> extends { items: (infer I)[] } ? I : never;

export interface CallArgs<O extends OperationId> {
  path?: PathOf<O>;
  query?: QueryOf<O>;
  body?: BodyOf<O>;
  /** An ETag from a read: the change is made only if the image still has it (else a 412 ApiError). */
  ifMatch?: string;
}

export interface Reply<T> {
  status: number;
  body: T;
  etag: string | null;
  location: string | null;
}

/** A create: exactly one of `url` (an existing image) or `build` (a custom image); `urlForGpu` only beside a url. */
export type NewImage = Omit<CreateImage, 'url' | 'urlForGpu' | 'build'> &
  ({ url: string; urlForGpu?: string; build?: never } | { build: NonNullable<CreateImage['build']>; url?: never; urlForGpu?: never });

/** Where an image lives: a group's catalog, or the system images. */
export type Scope = { group: string } | 'system';

export type WithETag<T> = T & { etag: string };

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

/** An error answer: the HTTP status and the RFC 9457 problem's fields. */
export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string;
  /** For a 422: every invalid field, by JSON Pointer. */
  readonly errors: FieldError[];
  readonly requestId: string | undefined;
  /** Seconds the server asked to wait, when it said. */
  readonly retryAfter: number | undefined;

  constructor(status: number, body: unknown, statusText: string, retryAfter?: number) {
    const problem = (body !== null && typeof body === 'object' ? body : {}) as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
    // API Gateway answers some errors itself with {"message": "..."}; anything else may be plain text.
    const message = text(problem.message) ?? (typeof body === 'string' ? text(body.trim()) : undefined);
    const title = text(problem.title) ?? message ?? (statusText || `HTTP ${status}`);
    const detail = text(problem.detail) ?? message ?? title;
    super(`${status} ${title}: ${detail}`);
    this.name = 'ApiError';
    this.status = status;
    this.type = text(problem.type) ?? 'about:blank';
    this.title = title;
    this.detail = detail;
    this.errors = Array.isArray(problem.errors) ? (problem.errors as FieldError[]) : [];
    this.requestId = text(problem.requestId);
    this.retryAfter = retryAfter;
  }
}

export interface PortalClientOptions {
  /** The API's base URL, with or without a trailing slash (a deployment's `ApiUrl` ends in one). */
  baseUrl: string;
  /** The bearer token, or a function that gives a fresh one for each request. */
  token?: string | (() => string | Promise<string>);
  /** How many times a 429/503 with Retry-After is retried; default 3. */
  maxRetries?: number;
  /** Longest wait for one Retry-After, in seconds; default 60. */
  maxRetryAfterSeconds?: number;
  fetch?: typeof fetch;
  /** How to wait (tests pass their own clock). */
  sleep?: (ms: number) => Promise<void>;
  /** Extra headers for every request, such as `x-correlation-id`. */
  headers?: Record<string, string>;
}

export interface WatchOptions {
  /** First and longest pause between polls, in milliseconds; the pause doubles while nothing changes. Defaults 500 and 10,000. */
  minDelayMs?: number;
  maxDelayMs?: number;
}

/** Seconds from a Retry-After header (seconds or an HTTP date), or undefined. */
export function retryAfterSeconds(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

export class PortalClient {
  private readonly base: string;
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: PortalClientOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Any operation of the document, by its operationId. */
  async call<O extends OperationId>(operationId: O, args: CallArgs<O> = {}): Promise<Reply<ResultOf<O>>> {
    const { method, path } = OPERATIONS[operationId];
    const params = (args.path ?? {}) as Record<string, string>;
    const resolved = path.replace(/\{([^}]+)\}/g, (_, name: string) => {
      if (params[name] === undefined) throw new TypeError(`${operationId} needs the path parameter "${name}"`);
      return encodeURIComponent(params[name]);
    });
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries((args.query ?? {}) as Record<string, unknown>)) if (v !== undefined && v !== null) query.set(k, String(v));
    const url = `${this.base}${resolved}${query.size ? `?${query}` : ''}`;
    const maxRetries = this.options.maxRetries ?? 3;
    for (let attempt = 0; ; attempt++) {
      const token = typeof this.options.token === 'function' ? await this.options.token() : this.options.token;
      const response = await this.fetch(url, {
        method,
        headers: {
          ...this.options.headers,
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(args.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(args.ifMatch ? { 'if-match': args.ifMatch } : {}),
        },
        body: args.body === undefined ? undefined : JSON.stringify(args.body),
      });
      const text = await response.text();
      const type = response.headers.get('content-type') ?? '';
      let body: unknown = text;
      if (text && /json/.test(type)) {
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON after all: keep the text
        }
      }
      if (response.ok)
        return {
          status: response.status,
          body: (text ? body : undefined) as ResultOf<O>,
          etag: response.headers.get('etag'),
          location: response.headers.get('location'),
        };
      const wait = retryAfterSeconds(response.headers.get('retry-after'));
      const retryable = wait !== undefined && (response.status === 429 || (response.status === 503 && method !== 'POST'));
      if (retryable && attempt < maxRetries && wait <= (this.options.maxRetryAfterSeconds ?? 60)) {
        await this.sleep(wait * 1000);
        continue;
      }
      throw new ApiError(response.status, body, response.statusText, wait);
    }
  }

  /** Every item of a paged list, page after page (`nextCursor` followed until null). */
  async *pages<O extends PagedOperation>(operationId: O, args: CallArgs<O> = {}): AsyncGenerator<ItemOf<O>[]> {
    let cursor: string | undefined;
    do {
      const { body } = await this.call(operationId, { ...args, query: { ...args.query, ...(cursor ? { cursor } : {}) } as QueryOf<O> });
      const page = body as unknown as { items: ItemOf<O>[]; nextCursor: string | null };
      yield page.items;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  private async *items<O extends PagedOperation>(operationId: O, args: CallArgs<O>): AsyncGenerator<ItemOf<O>> {
    for await (const page of this.pages(operationId, args)) yield* page;
  }

  // ----- images ------------------------------------------------------------------------------

  health() {
    return this.call('health').then((r) => r.body);
  }

  /** Every image of the scope (matching `q` when given), in name order. */
  eachImage(scope: Scope, query: { q?: string; limit?: number } = {}): AsyncGenerator<Image> {
    return scope === 'system' ? this.items('systemListImages', { query }) : this.items('listImages', { path: scope, query });
  }

  async createImage(scope: Scope, image: NewImage): Promise<WithETag<Image>> {
    const reply = scope === 'system' ? await this.call('systemCreateImage', { body: image }) : await this.call('createImage', { path: scope, body: image });
    return { ...reply.body, etag: reply.etag! };
  }

  async getImage(scope: Scope, name: string): Promise<WithETag<Image>> {
    const reply = scope === 'system' ? await this.call('systemGetImage', { path: { name } }) : await this.call('getImage', { path: { ...scope, name } });
    return { ...reply.body, etag: reply.etag! };
  }

  /** Changes fields; with `ifMatch` (an image's `etag`), only if nobody changed the image since. */
  async updateImage(scope: Scope, name: string, changes: UpdateImage, options: { ifMatch?: string } = {}): Promise<WithETag<Image>> {
    const reply =
      scope === 'system'
        ? await this.call('systemUpdateImage', { path: { name }, body: changes, ...options })
        : await this.call('updateImage', { path: { ...scope, name }, body: changes, ...options });
    return { ...reply.body, etag: reply.etag! };
  }

  async deleteImage(scope: Scope, name: string, options: { ifMatch?: string } = {}): Promise<void> {
    if (scope === 'system') await this.call('systemDeleteImage', { path: { name }, ...options });
    else await this.call('deleteImage', { path: { ...scope, name }, ...options });
  }

  /** Members' view: the group's images, then the system ones, that run on the instance type. */
  eachSelectable(group: string, query: { type?: 'cpu' | 'gpu'; q?: string; limit?: number } = {}): AsyncGenerator<SelectableImage> {
    return this.items('imageSelection', { path: { group }, query });
  }

  // ----- builds ------------------------------------------------------------------------------

  /** Rebuilds a custom image: of `build` when given (it replaces the spec), else of its current spec. */
  async startBuild(scope: Scope, name: string, build?: NonNullable<CreateImage['build']>): Promise<Build> {
    const body = build === undefined ? undefined : { build };
    const reply =
      scope === 'system' ? await this.call('systemStartBuild', { path: { name }, body }) : await this.call('startBuild', { path: { ...scope, name }, body });
    return reply.body;
  }

  eachBuild(scope: Scope, name: string, query: { limit?: number } = {}): AsyncGenerator<Build> {
    return scope === 'system' ? this.items('systemListBuilds', { path: { name }, query }) : this.items('listBuilds', { path: { ...scope, name }, query });
  }

  async getBuild(scope: Scope, name: string, buildId: string): Promise<Build> {
    const reply =
      scope === 'system' ? await this.call('systemGetBuild', { path: { name, buildId } }) : await this.call('getBuild', { path: { ...scope, name, buildId } });
    return reply.body;
  }

  async cancelBuild(scope: Scope, name: string, buildId: string): Promise<Build> {
    const reply =
      scope === 'system'
        ? await this.call('systemCancelBuild', { path: { name, buildId } })
        : await this.call('cancelBuild', { path: { ...scope, name, buildId } });
    return reply.body;
  }

  async logPage(scope: Scope, name: string, buildId: string, cursor?: string) {
    const query = cursor ? { cursor } : {};
    const reply =
      scope === 'system'
        ? await this.call('systemGetBuildLogs', { path: { name, buildId }, query })
        : await this.call('getBuildLogs', { path: { ...scope, name, buildId }, query });
    return reply.body;
  }

  /**
   * The build each time its status or phase changes, until it has ended (the last one yielded is
   * terminal). Phases are the service's words, in order: queued, preparing, building, pushing, finishing.
   */
  async *watchBuild(scope: Scope, name: string, buildId: string, options: WatchOptions = {}): AsyncGenerator<Build> {
    const backOff = this.backOff(options);
    let last: string | undefined;
    for (;;) {
      const build = await this.getBuild(scope, name, buildId);
      const seen = `${build.status}/${build.phase}`;
      if (seen !== last) {
        last = seen;
        backOff.reset();
        yield build;
      }
      if (TERMINAL.has(build.status)) return;
      await backOff.pause();
    }
  }

  /** The build's log lines as they come, until the build has ended and every line was read. */
  async *followLog(scope: Scope, name: string, buildId: string, options: WatchOptions = {}): AsyncGenerator<LogLine> {
    const backOff = this.backOff(options);
    let cursor: string | undefined;
    for (;;) {
      const page = await this.logPage(scope, name, buildId, cursor);
      yield* page.lines;
      if (page.nextCursor === null) return;
      if (page.lines.length > 0) backOff.reset();
      else await backOff.pause();
      cursor = page.nextCursor;
    }
  }

  private backOff({ minDelayMs = 500, maxDelayMs = 10_000 }: WatchOptions) {
    let delay = minDelayMs;
    return {
      reset: () => {
        delay = minDelayMs;
      },
      pause: async () => {
        await this.sleep(delay);
        delay = Math.min(delay * 2, maxDelayMs);
      },
    };
  }

  // ----- pull secrets ------------------------------------------------------------------------

  async listSecrets(): Promise<PullSecret[]> {
    return (await this.call('listSecrets')).body.items;
  }

  async putSecret(name: string, login: RegistryLogin): Promise<PullSecret> {
    return (await this.call('putSecret', { path: { name }, body: login })).body;
  }

  async deleteSecret(name: string): Promise<void> {
    await this.call('deleteSecret', { path: { name } });
  }
}
