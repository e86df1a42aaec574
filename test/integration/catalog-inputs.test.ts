/** Bad inputs over real HTTP: bodies, media types, sizes, query parameters, cursors and preconditions. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Image } from '../../lambdas/domain/image.ts';
import { createImage, existingImageBody, groupImages, SYSTEM_IMAGES } from '../support/catalog-fixtures.ts';
import { roleTokens, startLocalApi, type LocalApi } from '../support/local-api.ts';
import { expectInvalid, expectProblem } from '../support/problems.ts';

let api: LocalApi;
let tokens: Awaited<ReturnType<typeof roleTokens>>;
let image: Image;
const TEAM_A = groupImages('team-a');

beforeAll(async () => {
  api = await startLocalApi();
  tokens = await roleTokens(api);
  image = await createImage(api, tokens.groupAdmin, TEAM_A, {
    displayName: 'target',
    type: 'universal',
    urlForGpu: 'registry.example.com/fixtures/base:1.0-gpu',
  });
  // Enough images in both scopes for every list below to have a next page at limit=1.
  for (const n of ['one', 'two', 'three']) {
    await createImage(api, tokens.groupAdmin, TEAM_A, { displayName: n });
    await createImage(api, tokens.systemAdmin, SYSTEM_IMAGES, { displayName: n });
  }
});
afterAll(() => api.stop());

const create = (body: unknown) => api.call('POST', TEAM_A, { token: tokens.groupAdmin, body });
const patch = (body: unknown, headers: Record<string, string> = {}) =>
  api.call('PATCH', `${TEAM_A}/${image.name}`, { token: tokens.groupAdmin, body, headers });
const raw = (method: string, path: string, rawBody: string, contentType?: string) =>
  api.call(method, path, { token: tokens.groupAdmin, rawBody, headers: contentType === undefined ? {} : { 'content-type': contentType } });

describe('create body', () => {
  it('names an unknown field with its JSON Pointer', async () => {
    // Act
    const reply = await create({ ...existingImageBody(), zzz: 1 });

    // Assess
    expectInvalid(reply, '/zzz');
  });

  it('names every unknown field, escaping "/" and "~"', async () => {
    // Act
    const reply = await create({ ...existingImageBody(), 'a/b': 1, 'c~d': 2 });

    // Assess
    expectInvalid(reply, '/a~1b', '/c~0d');
  });

  it.each([
    ['uppercase', 'Python'],
    ['spaces', 'my image'],
    ['64 characters', 'a'.repeat(64)],
    ['empty', ''],
    ['an underscore', 'my_image'],
    ['a slash', 'team/image'],
    ['a number instead of a string', 42],
  ])('refuses a displayName with %s', async (_label, displayName) => {
    // Act
    const reply = await create(existingImageBody({ displayName }));

    // Assess
    expectInvalid(reply, '/displayName');
  });

  it('requires a displayName', async () => {
    // Act
    const reply = await create({ type: 'cpu', url: 'python:3.12' });

    // Assess
    expect(expectInvalid(reply, '/displayName').errors![0]!.message).toBe('is required');
  });

  it('accepts a 63-character displayName and derives a name of at most 63 characters', async () => {
    // Act
    const reply = await create(existingImageBody({ displayName: `${'a'.repeat(30)}.${'b'.repeat(32)}` }));

    // Assess
    expect(reply.status).toBe(201);
    expect(reply.body.name.length).toBeLessThanOrEqual(63);
    expect(reply.body.name).toMatch(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/);
  });

  it.each([['tpu'], ['CPU'], [''], [null]])('refuses the type %j', async (type) => {
    // Act
    const reply = await create(existingImageBody({ type }));

    // Assess
    expectInvalid(reply, '/type');
  });

  it('says what is missing when there is no body at all, not "/: is required"', async () => {
    // Act
    const reply = await api.call('POST', TEAM_A, { token: tokens.groupAdmin });

    // Assess
    const problem = expectInvalid(reply, '');
    expect(problem.detail).toBe('the body is missing: send a JSON object (Content-Type: application/json)');
  });

  it('refuses a null rebuild body (no body rebuilds the current spec; null is not a body)', async () => {
    // Act
    const reply = await api.call('POST', `${TEAM_A}/${image.name}/builds`, { token: tokens.groupAdmin, rawBody: 'null' });

    // Assess
    expect(expectInvalid(reply, '').errors![0]!.message).toBe('must be a JSON object, not null');
  });

  it('requires a type', async () => {
    // Act
    const reply = await create({ displayName: 'typeless', url: 'python:3.12' });

    // Assess
    expectInvalid(reply, '/type');
  });

  it.each([['cpu'], ['gpu']])('refuses urlForGpu on a %s image', async (type) => {
    // Act
    const reply = await create(existingImageBody({ type, urlForGpu: 'python:3.12-cuda' }));

    // Assess
    expectInvalid(reply, '/urlForGpu');
  });

  it('refuses both url and build', async () => {
    // Act
    const reply = await create(existingImageBody({ build: { baseImage: 'python:3.12', packages: { pip: ['requests'] } } }));

    // Assess
    expectProblem(reply, 422);
  });

  it('refuses neither url nor build', async () => {
    // Act
    const reply = await create({ displayName: 'nothing', type: 'cpu' });

    // Assess
    expectProblem(reply, 422);
  });

  it('answers a build request with a problem+json, never a 500', async () => {
    // Act
    const reply = await create({ displayName: 'custom', type: 'cpu', build: { baseImage: 'python:3.12', packages: { pip: ['requests'] } } });

    // Assess
    expect(reply.status).not.toBe(500);
    if (reply.status >= 400) expectProblem(reply, reply.status);
  });

  it.each([
    ['a URL with a scheme', 'https://registry.example.com/team/image:1'],
    ['an uppercase repository', 'Registry.example.com/Team/Image:1'],
    ['a space', 'python 3.12'],
    ['a shell command', 'python:3.12;rm -rf /'],
    ['an empty string', ''],
    ['a newline', 'python:3.12\nFROM evil'],
  ])('refuses a url with %s', async (_label, url) => {
    // Act
    const reply = await create(existingImageBody({ url }));

    // Assess
    expectInvalid(reply, '/url');
  });

  it('refuses a description over 2000 characters', async () => {
    // Act
    const reply = await create(existingImageBody({ description: 'd'.repeat(2001) }));

    // Assess
    expectInvalid(reply, '/description');
  });

  it('refuses a pull secret that does not exist', async () => {
    // Act
    const reply = await create(existingImageBody({ pullSecret: 'no-such-secret' }));

    // Assess
    expectInvalid(reply, '/pullSecret');
  });

  it.each([
    ['an array', '["python"]'],
    ['a number', '42'],
    ['null', 'null'],
    ['a string', '"python"'],
  ])('refuses a body that is %s, naming the whole document', async (_label, body) => {
    // Act
    const reply = await raw('POST', TEAM_A, body, 'application/json');

    // Assess
    expectInvalid(reply, '');
  });

  it('names every wrong field at once', async () => {
    // Act
    const reply = await create({ displayName: 'Bad Name', type: 'tpu', url: 'python:3.12', zzz: true });

    // Assess
    expectInvalid(reply, '/displayName', '/type', '/zzz');
  });
});

describe('patch body', () => {
  it('names an unknown field with its JSON Pointer', async () => {
    // Act
    const reply = await patch({ zzz: 1 });

    // Assess
    expectInvalid(reply, '/zzz');
  });

  it.each([
    ['uppercase', 'Python'],
    ['spaces', 'my image'],
    ['64 characters', 'a'.repeat(64)],
    ['empty', ''],
  ])('refuses a displayName with %s', async (_label, displayName) => {
    // Act
    const reply = await patch({ displayName });

    // Assess
    expectInvalid(reply, '/displayName');
  });

  it('refuses a bad type', async () => {
    // Act
    const reply = await patch({ type: 'tpu' });

    // Assess
    expectInvalid(reply, '/type');
  });

  it('refuses urlForGpu while making the image cpu', async () => {
    // Act
    const reply = await patch({ type: 'cpu', urlForGpu: 'python:3.12-cuda' });

    // Assess
    expectInvalid(reply, '/urlForGpu');
  });

  it.each([['name'], ['createdBy'], ['source'], ['ready'], ['group']])('refuses the read-only field %s', async (field) => {
    // Act
    const reply = await patch({ [field]: 'x' });

    // Assess
    expectInvalid(reply, `/${field}`);
  });

  it('refuses removing the url of an existing image', async () => {
    // Act
    const reply = await patch({ url: null });

    // Assess
    expectInvalid(reply, '/url');
  });

  it('refuses an empty edit', async () => {
    // Act
    const reply = await patch({});

    // Assess
    expectProblem(reply, 422);
  });

  it('leaves the image unchanged after refused edits', async () => {
    // Act
    const reply = await api.call('GET', `${TEAM_A}/${image.name}`, { token: tokens.member });

    // Assess
    expect(reply.body).toEqual(image);
  });

  it('accepts a JSON merge-patch content type', async () => {
    // Prepare
    const before = await api.call('GET', `${TEAM_A}/${image.name}`, { token: tokens.member });

    // Act
    const reply = await raw('PATCH', `${TEAM_A}/${image.name}`, JSON.stringify({ description: before.body.description }), 'application/merge-patch+json');

    // Assess
    expect(reply.status).toBe(200);
  });
});

describe('body encoding and size', () => {
  it.each([
    ['truncated JSON', '{"displayName": "x", "type": '],
    ['single quotes', "{'displayName': 'x'}"],
    ['a trailing comma', '{"displayName": "x",}'],
    ['not JSON at all', 'displayName=x'],
  ])('answers 400 to %s', async (_label, body) => {
    // Act
    const reply = await raw('POST', TEAM_A, body, 'application/json');

    // Assess
    expectProblem(reply, 400);
  });

  it('answers 400 to malformed JSON on PATCH', async () => {
    // Act
    const reply = await raw('PATCH', `${TEAM_A}/${image.name}`, '{"description": ', 'application/json');

    // Assess
    expectProblem(reply, 400);
  });

  it.each([['text/plain'], ['application/x-www-form-urlencoded'], ['multipart/form-data; boundary=x'], ['application/xml']])(
    'answers 415 to a body sent as %s',
    async (type) => {
      // Act
      const reply = await raw('POST', TEAM_A, JSON.stringify(existingImageBody()), type);

      // Assess
      expectProblem(reply, 415);
    },
  );

  it('answers 415 to a PATCH body sent as text/plain', async () => {
    // Act
    const reply = await raw('PATCH', `${TEAM_A}/${image.name}`, JSON.stringify({ description: 'x' }), 'text/plain');

    // Assess
    expectProblem(reply, 415);
  });

  it('accepts application/json with a charset', async () => {
    // Act
    const reply = await raw('POST', TEAM_A, JSON.stringify(existingImageBody({ displayName: 'charset' })), 'application/json; charset=utf-8');

    // Assess
    expect(reply.status).toBe(201);
  });

  it('reads a body of exactly 64 KiB (and validates it)', async () => {
    // Prepare
    const shell = JSON.stringify(existingImageBody({ description: '' }));
    const body = JSON.stringify(existingImageBody({ description: 'd'.repeat(64 * 1024 - shell.length) }));

    // Act
    const reply = await raw('POST', TEAM_A, body, 'application/json');

    // Assess
    expect(Buffer.byteLength(body)).toBe(64 * 1024);
    expectInvalid(reply, '/description');
  });

  it('answers 413 to a body one byte over 64 KiB', async () => {
    // Prepare
    const shell = JSON.stringify(existingImageBody({ description: '' }));
    const body = JSON.stringify(existingImageBody({ description: 'd'.repeat(64 * 1024 + 1 - shell.length) }));

    // Act
    const reply = await raw('POST', TEAM_A, body, 'application/json');

    // Assess
    expectProblem(reply, 413);
  });

  it('answers 413 to a PATCH body over 64 KiB', async () => {
    // Act
    const reply = await raw('PATCH', `${TEAM_A}/${image.name}`, JSON.stringify({ description: 'd'.repeat(70 * 1024) }), 'application/json');

    // Assess
    expectProblem(reply, 413);
  });

  it('answers 413 to a body just over 1 MiB', async () => {
    // Act
    const reply = await raw('POST', TEAM_A, JSON.stringify({ description: 'd'.repeat(1024 * 1024 + 10) }), 'application/json');

    // Assess
    expectProblem(reply, 413);
  });

  // The local server must read (and drop) the rest of an oversized body before answering, or the
  // client may see its connection reset instead of the 413: several sizes make that race visible.
  it.each([[2], [3], [4], [5], [8]])('answers 413 to a body of %i MiB, and keeps serving', async (mib) => {
    // Act
    const reply = await raw('POST', TEAM_A, JSON.stringify({ description: 'd'.repeat(mib * 1024 * 1024) }), 'application/json');
    const after = await api.call('GET', '/health');

    // Assess
    expectProblem(reply, 413);
    expect(after.status).toBe(200);
  });
});

describe('query parameters', () => {
  const paths = [
    ['the group list', `${TEAM_A}`],
    ['the system list', SYSTEM_IMAGES],
    ['the selection', '/groups/team-a/image-selection'],
  ] as const;

  it.each(paths.flatMap(([label, path]) => ['0', '101', 'abc', '-1', '1.5', '', '1e2', ' 5'].map((limit) => [limit, label, path] as const)))(
    'refuses limit=%j on %s',
    async (limit, _label, path) => {
      // Act
      const reply = await api.call('GET', `${path}?limit=${encodeURIComponent(limit)}`, { token: tokens.member });

      // Assess
      expectInvalid(reply, '/query/limit');
    },
  );

  it.each(paths)('names an unknown query parameter on %s', async (_label, path) => {
    // Act
    const reply = await api.call('GET', `${path}?sort=name`, { token: tokens.member });

    // Assess
    expectInvalid(reply, '/query/sort');
  });

  it.each(paths)('refuses a keyword over 200 characters on %s', async (_label, path) => {
    // Act
    const reply = await api.call('GET', `${path}?q=${'k'.repeat(201)}`, { token: tokens.member });

    // Assess
    expectInvalid(reply, '/query/q');
  });

  it.each([['tpu'], ['universal'], ['GPU']])('refuses type=%s on the selection', async (type) => {
    // Act
    const reply = await api.call('GET', `/groups/team-a/image-selection?type=${type}`, { token: tokens.member });

    // Assess
    expectInvalid(reply, '/query/type');
  });

  it('refuses type on the list', async () => {
    // Act
    const reply = await api.call('GET', `${TEAM_A}?type=cpu`, { token: tokens.member });

    // Assess
    expectInvalid(reply, '/query/type');
  });

  it.each([['1'], ['100']])('accepts limit=%s', async (limit) => {
    // Act
    const reply = await api.call('GET', `${TEAM_A}?limit=${limit}`, { token: tokens.member });

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body.items.length).toBeLessThanOrEqual(Number(limit));
  });
});

describe('cursors', () => {
  const firstCursor = async (path: string, token = tokens.member) => {
    const reply = await api.call('GET', path, { token });
    expect(reply.body.nextCursor).toEqual(expect.any(String));
    return reply.body.nextCursor as string;
  };

  it('answers 400 to a tampered cursor', async () => {
    // Prepare
    const cursor = await firstCursor(`${TEAM_A}?limit=1`);
    const [payload, signature] = cursor.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), p: 'zzzz' })).toString('base64url');

    // Act
    const reply = await api.call('GET', `${TEAM_A}?limit=1&cursor=${forged}.${signature}`, { token: tokens.member });

    // Assess
    expectProblem(reply, 400);
  });

  it('answers 400 to a cursor that was never given out', async () => {
    // Act
    const reply = await api.call('GET', `${TEAM_A}?cursor=abc`, { token: tokens.member });

    // Assess
    expectProblem(reply, 400);
  });

  it("answers 400 to team-a's cursor replayed on the system list", async () => {
    // Prepare
    const cursor = await firstCursor(`${TEAM_A}?limit=1`);

    // Act
    const reply = await api.call('GET', `${SYSTEM_IMAGES}?limit=1&cursor=${cursor}`, { token: tokens.member });

    // Assess
    expectProblem(reply, 400);
  });

  it("answers 400 to team-a's cursor replayed on team-b's list", async () => {
    // Prepare
    const cursor = await firstCursor(`${TEAM_A}?limit=1`, tokens.systemAdmin);

    // Act
    const reply = await api.call('GET', `${groupImages('team-b')}?limit=1&cursor=${cursor}`, { token: tokens.systemAdmin });

    // Assess
    expectProblem(reply, 400);
  });

  it('answers 400 to a cursor replayed with another q', async () => {
    // Prepare
    const cursor = await firstCursor(`${TEAM_A}?limit=1&q=fixture`);

    // Act
    const reply = await api.call('GET', `${TEAM_A}?limit=1&q=registry&cursor=${cursor}`, { token: tokens.member });

    // Assess
    expectProblem(reply, 400);
  });

  it('answers 400 to a keyword cursor replayed without the keyword', async () => {
    // Prepare
    const cursor = await firstCursor(`${TEAM_A}?limit=1&q=fixture`);

    // Act
    const reply = await api.call('GET', `${TEAM_A}?limit=1&cursor=${cursor}`, { token: tokens.member });

    // Assess
    expectProblem(reply, 400);
  });

  it("answers 400 to the list's cursor replayed on the selection", async () => {
    // Prepare
    const cursor = await firstCursor(`${TEAM_A}?limit=1`);

    // Act
    const reply = await api.call('GET', `/groups/team-a/image-selection?limit=1&cursor=${cursor}`, { token: tokens.member });

    // Assess
    expectProblem(reply, 400);
  });

  it("answers 400 to the selection's cursor replayed on the list", async () => {
    // Prepare
    const cursor = await firstCursor('/groups/team-a/image-selection?limit=1');

    // Act
    const reply = await api.call('GET', `${TEAM_A}?limit=1&cursor=${cursor}`, { token: tokens.member });

    // Assess
    expectProblem(reply, 400);
  });

  it('answers 400 to a selection cursor replayed with another instance type', async () => {
    // Prepare
    const cursor = await firstCursor('/groups/team-a/image-selection?limit=1&type=cpu');

    // Act
    const reply = await api.call('GET', `/groups/team-a/image-selection?limit=1&type=gpu&cursor=${cursor}`, { token: tokens.member });

    // Assess
    expectProblem(reply, 400);
  });

  it("answers 400 to team-a's selection cursor replayed on team-b's selection", async () => {
    // Prepare
    const cursor = await firstCursor('/groups/team-a/image-selection?limit=1', tokens.systemAdmin);

    // Act
    const reply = await api.call('GET', `/groups/team-b/image-selection?limit=1&cursor=${cursor}`, { token: tokens.systemAdmin });

    // Assess
    expectProblem(reply, 400);
  });

  it('accepts the same cursor with another limit', async () => {
    // Prepare
    const cursor = await firstCursor(`${TEAM_A}?limit=1`);

    // Act
    const reply = await api.call('GET', `${TEAM_A}?limit=2&cursor=${cursor}`, { token: tokens.member });

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body.items).toHaveLength(2);
  });
});

describe('preconditions', () => {
  it('answers 412 to a PATCH with a stale ETag, and keeps the stored image', async () => {
    // Prepare
    const fresh = await createImage(api, tokens.groupAdmin, TEAM_A, { displayName: 'etag' });
    const read = await api.call('GET', `${TEAM_A}/${fresh.name}`, { token: tokens.member });
    await api.call('PATCH', `${TEAM_A}/${fresh.name}`, { token: tokens.groupAdmin, body: { description: 'first' } });

    // Act
    const reply = await api.call('PATCH', `${TEAM_A}/${fresh.name}`, {
      token: tokens.groupAdmin,
      body: { description: 'second' },
      headers: { 'if-match': read.headers.get('etag')! },
    });

    // Assess
    expectProblem(reply, 412);
    expect((await api.call('GET', `${TEAM_A}/${fresh.name}`, { token: tokens.member })).body.description).toBe('first');
  });

  it('answers 412 to a DELETE with a stale ETag, and keeps the image', async () => {
    // Prepare
    const fresh = await createImage(api, tokens.groupAdmin, TEAM_A, { displayName: 'etag' });
    const read = await api.call('GET', `${TEAM_A}/${fresh.name}`, { token: tokens.member });
    await api.call('PATCH', `${TEAM_A}/${fresh.name}`, { token: tokens.groupAdmin, body: { description: 'first' } });

    // Act
    const reply = await api.call('DELETE', `${TEAM_A}/${fresh.name}`, { token: tokens.groupAdmin, headers: { 'if-match': read.headers.get('etag')! } });

    // Assess
    expectProblem(reply, 412);
    expect((await api.call('GET', `${TEAM_A}/${fresh.name}`, { token: tokens.member })).status).toBe(200);
  });

  it('applies a PATCH with If-Match: * and returns the new ETag', async () => {
    // Prepare
    const fresh = await createImage(api, tokens.groupAdmin, TEAM_A, { displayName: 'etag' });

    // Act
    const reply = await api.call('PATCH', `${TEAM_A}/${fresh.name}`, { token: tokens.groupAdmin, body: { description: 'star' }, headers: { 'if-match': '*' } });

    // Assess
    expect(reply.status).toBe(200);
    const read = await api.call('GET', `${TEAM_A}/${fresh.name}`, { token: tokens.member });
    expect(reply.headers.get('etag')).toBe(read.headers.get('etag'));
  });

  it('deletes with the current ETag', async () => {
    // Prepare
    const fresh = await createImage(api, tokens.groupAdmin, TEAM_A, { displayName: 'etag' });
    const read = await api.call('GET', `${TEAM_A}/${fresh.name}`, { token: tokens.member });

    // Act
    const reply = await api.call('DELETE', `${TEAM_A}/${fresh.name}`, { token: tokens.groupAdmin, headers: { 'if-match': read.headers.get('etag')! } });

    // Assess
    expect(reply.status).toBe(204);
  });
});

describe('routing', () => {
  it('answers 404 problem+json to an unknown path', async () => {
    // Act
    const reply = await api.call('GET', '/nothing-here', { token: tokens.member });

    // Assess
    expectProblem(reply, 404);
  });

  it('answers 405 with Allow to a method the path does not have', async () => {
    // Act
    const reply = await api.call('PUT', SYSTEM_IMAGES, { token: tokens.systemAdmin, body: existingImageBody() });

    // Assess
    expectProblem(reply, 405);
    expect(reply.headers.get('allow')?.split(/,\s*/).sort()).toEqual(['GET', 'HEAD', 'POST']);
  });

  it('answers HEAD where GET exists: the same status and headers, no body', async () => {
    // Prepare
    const image = await createImage(api, tokens.groupAdmin, groupImages('team-a'), { displayName: 'head-probe' });

    // Act
    const head = await api.call('HEAD', `${groupImages('team-a')}/${image.name}`, { token: tokens.groupAdmin });
    const get = await api.call('GET', `${groupImages('team-a')}/${image.name}`, { token: tokens.groupAdmin });

    // Assess
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(get.headers.get('etag'));
    expect(head.body).toBe('');
  });

  it('answers 404 to a group id that cannot exist', async () => {
    // Act
    const reply = await api.call('GET', '/groups/team%23a/images', { token: tokens.systemAdmin });

    // Assess
    expectProblem(reply, 404);
  });
});
