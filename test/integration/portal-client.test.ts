/**
 * The portal SDK (client/portal-client.ts) against the local server: a build walked from create to
 * log (a dry run: every phase runs, nothing is built), errors, ETags, paging, base URLs; and, against
 * a tiny stand-in for API Gateway, its own `{"message": ...}` bodies and Retry-After.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OPERATIONS } from '../../client/generated/operations.ts';
import { ApiError, PortalClient, retryAfterSeconds, type Build } from '../../client/portal-client.ts';
import { startLocalApi, type LocalApi } from '../support/local-api.ts';

let api: LocalApi;
let admin: string;
/** Waits the client asked for, in ms; tests wait at most a few ms each, so no timing is asserted. */
let waits: number[];
const sleep = (ms: number) => {
  waits.push(ms);
  return new Promise<void>((resolve) => setTimeout(resolve, Math.min(ms, 5)));
};
const client = (options: Partial<ConstructorParameters<typeof PortalClient>[0]> = {}) =>
  new PortalClient({ baseUrl: api.server.url, token: admin, sleep, ...options });

beforeAll(async () => {
  api = await startLocalApi({ containerCli: null });
  admin = await api.token({ sub: 'ada', groups: ['team-a'], adminGroups: ['team-a', 'team-p'] });
});
afterAll(() => api.stop());

const team = { group: 'team-a' };

describe('the operation table', () => {
  it('has every operation the served document has, at its method and path', async () => {
    const document = (await api.call('GET', '/openapi.json')).body as { paths: Record<string, Record<string, { operationId: string }>> };
    const served = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => [op.operationId, { method: method.toUpperCase(), path }]),
    );
    expect(Object.fromEntries(served)).toEqual(OPERATIONS);
  });
});

describe('a build, from create to log', () => {
  it('watches the phases until the build ends and follows its log', async () => {
    waits = [];
    const portal = client();
    const image = await portal.createImage(team, {
      displayName: 'sdk-walk',
      type: 'cpu',
      build: { baseImage: 'python:3.12-slim', packages: { pip: ['requests==2.32.3'] } },
    });
    const buildId = image.latestBuild!.id;

    const seen: Build[] = [];
    for await (const build of portal.watchBuild(team, image.name, buildId, { minDelayMs: 10, maxDelayMs: 80 })) seen.push(build);
    const lines: string[] = [];
    for await (const line of portal.followLog(team, image.name, buildId, { minDelayMs: 10 })) lines.push(line.message);

    const last = seen.at(-1)!;
    // No container CLI here: a dry run, which ends failed and says so (it never pretends to succeed).
    expect(last.status).toBe('failed');
    expect(last.dryRun).toBe(true);
    expect(last.failureReason).toMatch(/^DRY RUN:/);
    // Each yield is a change, and status only moves forward.
    const order = ['queued', 'building', 'failed'];
    const keys = seen.map((b) => `${b.status}/${b.phase}`);
    expect(new Set(keys).size).toBe(keys.length);
    // Phases in the service's own words (null before the first report), never CodeBuild's.
    expect(seen.map((b) => b.phase).filter((p) => p !== null && !['queued', 'preparing', 'building', 'pushing', 'finishing'].includes(p))).toEqual([]);
    expect(seen.map((b) => b.phase)).toContain('building');
    expect(seen.map((b) => order.indexOf(b.status))).toEqual([...seen.map((b) => order.indexOf(b.status))].sort((a, b) => a - b));
    expect(lines.join('\n')).toContain('DRY RUN');
    // Back-off: pauses never exceed the longest, and double while nothing changes.
    expect(Math.max(...waits)).toBeLessThanOrEqual(80);
  });
});

describe('errors', () => {
  it('are ApiErrors with the problem fields', async () => {
    const error = await client()
      .createImage(team, { displayName: 'Not Valid', type: 'cpu', url: 'python:3.12' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 422, type: expect.stringMatching(/validation$/), title: 'Validation failed', errors: [{ path: '/displayName' }] });
    expect((error as ApiError).requestId).toBeTruthy();
  });

  it('say why a token was refused', async () => {
    const error = await client({ token: undefined })
      .getImage(team, 'anything')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 401, title: 'Authentication required' });
  });
});

describe('ETags', () => {
  it('sends If-Match from a read, and refuses a stale one with a 412', async () => {
    const portal = client();
    const created = await portal.createImage(team, { displayName: 'sdk-etag', type: 'cpu', url: 'python:3.12' });
    const read = await portal.getImage(team, created.name);
    const edited = await portal.updateImage(team, created.name, { description: 'first' }, { ifMatch: read.etag });
    const stale = await portal.updateImage(team, created.name, { description: 'second' }, { ifMatch: read.etag }).catch((e: unknown) => e);

    expect(edited.etag).not.toBe(read.etag);
    expect(stale).toMatchObject({ status: 412 });
  });
});

describe('paged lists', () => {
  it('iterate over every page', async () => {
    const portal = client();
    const names = [];
    for (let i = 0; i < 5; i++)
      names.push((await portal.createImage({ group: 'team-p' }, { displayName: `paged-${i}`, type: 'cpu', url: 'python:3.12' })).name);
    const pages = [];
    for await (const page of portal.pages('listImages', { path: { group: 'team-p' }, query: { limit: 2 } })) pages.push(page.map((i) => i.name));
    const all = [];
    for await (const image of portal.eachImage({ group: 'team-p' }, { limit: 2 })) all.push(image.name);

    expect(pages.length).toBe(3);
    expect(all.sort()).toEqual(names.sort());
  });
});

describe('types', () => {
  it('do not compile a create with both url and build, or urlForGpu beside a build (tsc checks this file)', () => {
    const portal = client();
    const build = { baseImage: 'python:3.12-slim', packages: {} };
    // @ts-expect-error exactly one of url or build
    const both = () => portal.createImage(team, { displayName: 'x', type: 'cpu', url: 'python:3.12', build });
    // @ts-expect-error urlForGpu comes from the build for a custom image
    const gpuBesideBuild = () => portal.createImage(team, { displayName: 'x', type: 'universal', urlForGpu: 'python:3.12', build });
    // @ts-expect-error a PATCH names fields the document has
    const unknownField = () => portal.updateImage(team, 'x', { colour: 'red' });
    expect([both, gpuBesideBuild, unknownField].every((f) => typeof f === 'function')).toBe(true);
  });
});

describe('base URLs', () => {
  it.each(['', '/', '//'])('work with %j at the end', async (tail) => {
    await expect(client({ baseUrl: api.server.url + tail }).health()).resolves.toEqual({ status: 'ok' });
  });
});

describe('API Gateway and Retry-After (a stand-in server)', () => {
  let server: Server;
  let base: string;
  let answers: ((req: IncomingMessage, res: ServerResponse) => void)[];
  const requests: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      (answers.shift() ?? ((_, r) => r.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}')))(req, res);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => {
    server.close();
  });

  const gatewaySays =
    (status: number, message: string, headers: Record<string, string> = {}) =>
    (_: IncomingMessage, res: ServerResponse) =>
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify({ message }));

  it('reads API Gateway\'s own {"message"} bodies', async () => {
    answers = [gatewaySays(401, 'Unauthorized')];
    const error = await new PortalClient({ baseUrl: base, token: 't', sleep }).listSecrets().catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 401, title: 'Unauthorized', detail: 'Unauthorized', message: '401 Unauthorized: Unauthorized' });
  });

  it('reads a body that is not JSON', async () => {
    answers = [(_, res) => res.writeHead(502, { 'content-type': 'text/plain' }).end('Bad Gateway')];
    const error = await new PortalClient({ baseUrl: base, sleep }).health().catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 502, detail: 'Bad Gateway' });
  });

  it('waits Retry-After on a 503 and tries again', async () => {
    waits = [];
    answers = [gatewaySays(503, 'busy', { 'retry-after': '2' }), gatewaySays(503, 'busy', { 'retry-after': '1' })];
    await expect(new PortalClient({ baseUrl: base, sleep }).health()).resolves.toEqual({ status: 'ok' });
    expect(waits).toEqual([2000, 1000]);
  });

  it('gives up after maxRetries, and never retries a 429 without Retry-After', async () => {
    answers = [gatewaySays(429, 'Too Many Requests', { 'retry-after': '1' }), gatewaySays(429, 'Too Many Requests', { 'retry-after': '1' })];
    await expect(new PortalClient({ baseUrl: base, sleep, maxRetries: 1 }).health()).rejects.toMatchObject({ status: 429, retryAfter: 1 });
    answers = [gatewaySays(429, 'Too Many Requests')];
    const before = requests.length;
    await expect(new PortalClient({ baseUrl: base, sleep }).health()).rejects.toMatchObject({ status: 429 });
    expect(requests.length - before).toBe(1);
  });

  it('does not repeat a POST answered 503 (it may have been done), but does on 429 (it was not)', async () => {
    answers = [gatewaySays(503, 'busy', { 'retry-after': '1' })];
    const portal = new PortalClient({ baseUrl: base, sleep });
    await expect(portal.startBuild(team, 'x')).rejects.toMatchObject({ status: 503 });
    answers = [
      gatewaySays(429, 'slow down', { 'retry-after': '1' }),
      (_, res) => res.writeHead(202, { 'content-type': 'application/json' }).end('{"id":"b1"}'),
    ];
    await expect(portal.startBuild(team, 'x')).resolves.toEqual({ id: 'b1' });
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterSeconds('3')).toBe(3);
    expect(retryAfterSeconds(new Date(Date.UTC(2030, 0, 1, 0, 0, 10)).toUTCString(), Date.UTC(2030, 0, 1))).toBe(10);
    expect(retryAfterSeconds('soon')).toBeUndefined();
  });
});
