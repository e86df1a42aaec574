/**
 * The "done when" walk, as a portal would make it, against the real `npm start`: create,
 * search, page, get, edit with a current and a stale ETag, pick as a member, be refused as an
 * outsider, delete, restart the server. The steps run in order and share the catalog they build.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Image } from '../../lambdas/domain/image.ts';
import { killIfRunning, startNpmStart, type StartedServer } from '../support/npm-start.ts';
import { expectProblem } from '../support/problems.ts';

let server: StartedServer;
let dataDir: string;
const t = { admin: '', member: '', outsider: '', sys: '' };
const images: Image[] = [];
let etag = '';

/** The Image fields the contract names (the API may add more). */
const IMAGE_FIELDS = [
  'name',
  'displayName',
  'description',
  'scope',
  'group',
  'type',
  'url',
  'urlForGpu',
  'pullSecret',
  'ready',
  'source',
  'buildSpec',
  'latestBuild',
  'createdAt',
  'updatedAt',
  'createdBy',
];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'group-images-walk-'));
  server = await startNpmStart(dataDir);
  [t.admin, t.member, t.outsider, t.sys] = await Promise.all([
    server.token({ sub: 'ada', groups: ['data-science'], adminGroups: ['data-science'] }),
    server.token({ sub: 'mel', groups: ['data-science'] }),
    server.token({ sub: 'oto', groups: ['finance'], adminGroups: ['finance'] }),
    server.token({ sub: 'sys', systemAdmin: true }),
  ]);
});
afterAll(async () => {
  await killIfRunning(server);
  await rm(dataDir, { recursive: true, force: true });
});

const GROUP = '/groups/data-science/images';

describe('a portal walking the catalog', () => {
  it('creates images with 201, the full Image, a Location and an ETag', async () => {
    // Act
    const replies = [];
    for (let i = 0; i < 23; i++) {
      replies.push(
        await server.call<Image>('POST', GROUP, {
          token: t.admin,
          body: {
            displayName: `ds.${String(i).padStart(2, '0')}`,
            type: 'cpu',
            url: `registry.example.com/ds/img:${i}`,
            description: i === 7 ? 'Jupyter with PyTorch' : null,
          },
        }),
      );
    }
    replies.push(
      await server.call<Image>('POST', GROUP, {
        token: t.admin,
        body: { displayName: 'ds.gpu', type: 'universal', url: 'registry.example.com/ds/gpu:1', urlForGpu: 'registry.example.com/ds/gpu:1-cuda' },
      }),
    );
    replies.push(await server.call<Image>('POST', '/images', { token: t.sys, body: { displayName: 'python', type: 'cpu', url: 'python:3.12' } }));

    // Assess
    for (const reply of replies) {
      expect(reply.status).toBe(201);
      expect(Object.keys(reply.body)).toEqual(expect.arrayContaining(IMAGE_FIELDS));
      expect(reply.headers.get('location')).toMatch(new RegExp(`/images/${reply.body.name}$`));
      expect(reply.headers.get('etag')).toMatch(/^".+"$/);
    }
    images.push(...replies.map((r) => r.body));
  });

  it('searches by keyword, case-insensitively', async () => {
    // Act
    const reply = await server.call('GET', `${GROUP}?q=PYTORCH`, { token: t.member });

    // Assess
    expect(reply.body).toEqual({ items: [images[7]], nextCursor: null });
  });

  it('pages through every image', async () => {
    // Act
    const first = await server.call('GET', `${GROUP}?limit=10`, { token: t.member });
    const second = await server.call('GET', `${GROUP}?limit=10&cursor=${encodeURIComponent(first.body.nextCursor)}`, { token: t.member });
    const third = await server.call('GET', `${GROUP}?limit=10&cursor=${encodeURIComponent(second.body.nextCursor)}`, { token: t.member });

    // Assess
    const names = [first, second, third].flatMap((r) => r.body.items.map((i: Image) => i.name));
    expect(names).toEqual(
      images
        .filter((i) => i.group === 'data-science')
        .map((i) => i.name)
        .sort(),
    );
    expect(third.body.nextCursor).toBeNull();
  });

  it('gets one image with its ETag', async () => {
    // Act
    const reply = await server.call('GET', `${GROUP}/${images[7]!.name}`, { token: t.member });

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(images[7]);
    etag = reply.headers.get('etag')!;
    expect(etag).toBeTruthy();
  });

  it('edits with the current ETag', async () => {
    // Act
    const reply = await server.call('PATCH', `${GROUP}/${images[7]!.name}`, {
      token: t.admin,
      body: { description: 'Jupyter with PyTorch 2.3' },
      headers: { 'if-match': etag },
    });

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ name: images[7]!.name, description: 'Jupyter with PyTorch 2.3', createdAt: images[7]!.createdAt });
    expect(reply.headers.get('etag')).not.toBe(etag);
    images[7] = reply.body;
  });

  it('is refused with 412 when editing with the stale ETag', async () => {
    // Act
    const reply = await server.call('PATCH', `${GROUP}/${images[7]!.name}`, {
      token: t.admin,
      body: { description: 'lost update' },
      headers: { 'if-match': etag },
    });

    // Assess
    expectProblem(reply, 412);
  });

  it('picks as a member: group images first, urls resolved for gpu', async () => {
    // Act
    const reply = await server.call('GET', '/groups/data-science/image-selection?type=gpu', { token: t.member });

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body.items).toEqual([
      expect.objectContaining({ displayName: 'ds.gpu', scope: 'group', url: 'registry.example.com/ds/gpu:1-cuda', ready: true }),
    ]);
  });

  it('picks as a member for cpu: group then system images', async () => {
    // Act
    const reply = await server.call('GET', '/groups/data-science/image-selection?type=cpu&limit=100', { token: t.member });

    // Assess
    expect(reply.body.items).toHaveLength(25);
    expect(reply.body.items.at(-1)).toMatchObject({ displayName: 'python', scope: 'system', url: 'python:3.12' });
  });

  it.each([
    ['GET', `${GROUP}`],
    ['GET', '/groups/data-science/image-selection'],
    ['PATCH', `${GROUP}/NAME`],
    ['DELETE', `${GROUP}/NAME`],
  ])('refuses an outsider %s %s with 403', async (method, path) => {
    // Act
    const reply = await server.call(method, path.replace('NAME', images[0]!.name), {
      token: t.outsider,
      body: method === 'PATCH' ? { description: 'x' } : undefined,
    });

    // Assess
    expectProblem(reply, 403);
  });

  it('refuses a caller without a token with 401', async () => {
    // Act
    const reply = await server.call('GET', GROUP);

    // Assess
    expectProblem(reply, 401);
  });

  it('deletes with 204, after which the image is 404', async () => {
    // Act
    const deleted = await server.call('DELETE', `${GROUP}/${images[0]!.name}`, { token: t.admin });
    const gone = await server.call('GET', `${GROUP}/${images[0]!.name}`, { token: t.member });

    // Assess
    expect(deleted.status).toBe(204);
    expectProblem(gone, 404);
    images.shift();
  });

  it('has the same catalog after a restart', async () => {
    // Prepare
    server.signal('SIGINT');
    expect(await server.exited).toEqual({ code: 0, signal: null });

    // Act
    server = await startNpmStart(dataDir);
    const group = await server.call('GET', `${GROUP}?limit=100`, { token: t.member });
    const system = await server.call('GET', '/images', { token: t.member });

    // Assess
    expect([...group.body.items, ...system.body.items]).toEqual(
      images.sort((a, b) => (a.group === b.group ? a.name.localeCompare(b.name) : a.group === null ? 1 : -1)),
    );
  });
});
