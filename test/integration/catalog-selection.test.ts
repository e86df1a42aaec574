/**
 * The image selection over real HTTP: the group's images then the system images, each with its scope,
 * readiness and the url resolved for the instance type. This file owns its server, so the system
 * scope holds exactly the images created here.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Image, ImageRecord } from '../../lambdas/domain/image.ts';
import { groupScope } from '../../lambdas/domain/scope.ts';
import { DynamoImageStore } from '../../lambdas/store/dynamo-image-store.ts';
import { allPages, createImage, groupImages, SYSTEM_IMAGES } from '../support/catalog-fixtures.ts';
import { startLocalApi, type LocalApi } from '../support/local-api.ts';
import { expectProblem } from '../support/problems.ts';

let api: LocalApi;
let sys: string;
let member: string;
let groupAdmin: string;
let outsider: string;
const PICK = groupImages('pick');
const SELECTION = '/groups/pick/image-selection';

const U = {
  gCpu: 'registry.example.com/pick/cpu:1',
  gGpu: 'registry.example.com/pick/gpu:1',
  gUni: 'registry.example.com/pick/uni:1',
  gUniGpu: 'registry.example.com/pick/uni:1-cuda',
  gUniPlain: 'registry.example.com/pick/uni-plain:1',
  sCpu: 'python:3.12',
  sGpu: 'nvidia/cuda:12.4.0-runtime-ubuntu22.04',
  sUni: 'tensorflow/tensorflow:2.15.0',
  sUniGpu: 'tensorflow/tensorflow:2.15.0-gpu',
};
const img: Record<string, Image> = {};

/** A custom image whose first build has not finished: no url yet. Builds cannot be started over HTTP yet, so it is stored directly. */
async function storePendingBuild(group: string): Promise<ImageRecord> {
  const at = new Date().toISOString();
  const record: ImageRecord = {
    name: 'custom-pend1',
    displayName: 'custom',
    description: 'waiting for its first build',
    group,
    type: 'universal',
    url: null,
    urlForGpu: null,
    pullSecret: null,
    source: 'build',
    buildSpec: { baseImage: 'python:3.12', packages: { pip: ['requests'] } },
    latestBuild: { id: '01J00000000000000000000000', status: 'building', createdAt: at, finishedAt: null },
    createdAt: at,
    updatedAt: at,
    createdBy: 'ada',
    updatedBy: 'ada',
    version: 1,
  };
  const inserted = await new DynamoImageStore(api.server.dynamo.client, api.server.dynamo.table).insert(groupScope(group), record);
  if (!inserted) throw new Error('could not store the pending custom image');
  return record;
}

beforeAll(async () => {
  api = await startLocalApi();
  [sys, member, groupAdmin, outsider] = await Promise.all([
    api.token({ sub: 'sys', systemAdmin: true }),
    api.token({ sub: 'mel', groups: ['pick'] }),
    api.token({ sub: 'ada', groups: ['pick'], adminGroups: ['pick'] }),
    api.token({ sub: 'oto', groups: ['other'], adminGroups: ['other'] }),
  ]);
  img.gCpu = await createImage(api, groupAdmin, PICK, { displayName: 'g.cpu', type: 'cpu', url: U.gCpu });
  img.gGpu = await createImage(api, groupAdmin, PICK, { displayName: 'g.gpu', type: 'gpu', url: U.gGpu });
  img.gUni = await createImage(api, groupAdmin, PICK, { displayName: 'g.uni', type: 'universal', url: U.gUni, urlForGpu: U.gUniGpu });
  img.gUniPlain = await createImage(api, groupAdmin, PICK, { displayName: 'g.uni.plain', type: 'universal', url: U.gUniPlain });
  img.sCpu = await createImage(api, sys, SYSTEM_IMAGES, { displayName: 's.cpu', type: 'cpu', url: U.sCpu });
  img.sGpu = await createImage(api, sys, SYSTEM_IMAGES, { displayName: 's.gpu', type: 'gpu', url: U.sGpu });
  img.sUni = await createImage(api, sys, SYSTEM_IMAGES, { displayName: 's.uni', type: 'universal', url: U.sUni, urlForGpu: U.sUniGpu });
  await createImage(api, sys, groupImages('other'), { displayName: 'other.cpu', type: 'cpu', url: 'registry.example.com/other/cpu:1' });
});
afterAll(() => api.stop());

const pick = async (query: string, token = member) => {
  const reply = await api.call('GET', `${SELECTION}?${query}`, { token });
  expect(reply.status).toBe(200);
  return reply.body as { items: Array<Record<string, unknown>>; nextCursor: string | null };
};
const byName = (names: string[]) => [...names].sort();

describe('image selection', () => {
  it('lists the group images first, then the system images, for gpu', async () => {
    // Act
    const { items } = await pick('type=gpu');

    // Assess
    expect(items.map((i) => i.name)).toEqual([...byName([img.gGpu!.name, img.gUni!.name, img.gUniPlain!.name]), ...byName([img.sGpu!.name, img.sUni!.name])]);
  });

  it('resolves the url for gpu: urlForGpu when there is one, else url', async () => {
    // Act
    const { items } = await pick('type=gpu');

    // Assess
    const urls = Object.fromEntries(items.map((i) => [i.name, i.url]));
    expect(urls).toEqual({
      [img.gGpu!.name]: U.gGpu,
      [img.gUni!.name]: U.gUniGpu,
      [img.gUniPlain!.name]: U.gUniPlain,
      [img.sGpu!.name]: U.sGpu,
      [img.sUni!.name]: U.sUniGpu,
    });
  });

  it('resolves the url for cpu and leaves out gpu-only images', async () => {
    // Act
    const { items } = await pick('type=cpu');

    // Assess
    expect(items.map((i) => [i.name, i.url])).toEqual([
      ...[
        [img.gCpu!.name, U.gCpu],
        [img.gUni!.name, U.gUni],
        [img.gUniPlain!.name, U.gUniPlain],
      ].sort(),
      ...[
        [img.sCpu!.name, U.sCpu],
        [img.sUni!.name, U.sUni],
      ].sort(),
    ]);
  });

  it('marks each entry with its scope and group, and as ready', async () => {
    // Act
    const { items } = await pick('type=cpu');

    // Assess
    expect(items.map((i) => [i.scope, i.group, i.ready])).toEqual([
      ['group', 'pick', true],
      ['group', 'pick', true],
      ['group', 'pick', true],
      ['system', null, true],
      ['system', null, true],
    ]);
  });

  it('returns what a launch needs about each image', async () => {
    // Act
    const { items } = await pick('type=gpu&q=g.uni.plain');

    // Assess
    expect(items).toEqual([
      expect.objectContaining({
        name: img.gUniPlain!.name,
        displayName: 'g.uni.plain',
        description: null,
        scope: 'group',
        group: 'pick',
        type: 'universal',
        url: U.gUniPlain,
        pullSecret: null,
        ready: true,
      }),
    ]);
  });

  it('lists every image of both scopes without a type', async () => {
    // Act
    const { items, nextCursor } = await pick('');

    // Assess
    expect(items).toHaveLength(7);
    expect(items.slice(0, 4).every((i) => i.scope === 'group')).toBe(true);
    expect(items.slice(4).every((i) => i.scope === 'system')).toBe(true);
    expect(nextCursor).toBeNull();
  });

  it('filters both scopes by keyword, case-insensitively', async () => {
    // Act
    const { items } = await pick('q=UNI');

    // Assess
    expect(items.map((i) => i.name)).toEqual([...byName([img.gUni!.name, img.gUniPlain!.name]), img.sUni!.name]);
  });

  it('filters by keyword and type together', async () => {
    // Act
    const { items } = await pick('type=cpu&q=python');

    // Assess
    expect(items.map((i) => i.name)).toEqual([img.sCpu!.name]);
  });

  it('never includes another group', async () => {
    // Act
    const { items } = await pick('', sys);

    // Assess
    expect(items.some((i) => i.group === 'other')).toBe(false);
  });

  it.each([[1], [2], [3], [4], [5], [7]])('pages across both scopes with limit=%i, without gaps or duplicates', async (limit) => {
    // Act
    const pages = await allPages<Record<string, unknown>>(api, member, SELECTION, { limit: String(limit) });

    // Assess
    const all = (await pick('')).items.map((i) => i.name);
    expect(pages.flat().map((i) => i.name)).toEqual(all);
    expect(pages.every((p) => p.length <= limit)).toBe(true);
  });

  it('forbids a caller outside the group, even an admin of another group', async () => {
    // Act
    const reply = await api.call('GET', SELECTION, { token: outsider });

    // Assess
    expectProblem(reply, 403);
  });

  it('lets a system admin pick for any group', async () => {
    // Act
    const { items } = await pick('type=gpu', sys);

    // Assess
    expect(items).toHaveLength(5);
  });

  it('answers 401 without a token', async () => {
    // Act
    const reply = await api.call('GET', SELECTION);

    // Assess
    expectProblem(reply, 401);
  });
});

describe('custom images in the selection', () => {
  let pending: ImageRecord;

  beforeAll(async () => {
    pending = await storePendingBuild('pick');
  });

  it.each([['cpu'], ['gpu']])('lists a custom image whose first build has not finished as not ready, with no url, for %s', async (type) => {
    // Act
    const { items } = await pick(`type=${type}&q=custom`);

    // Assess
    expect(items).toEqual([expect.objectContaining({ name: pending.name, scope: 'group', ready: false, url: null })]);
  });

  it('shows the custom image as not ready, built from a spec, when read', async () => {
    // Act
    const reply = await api.call('GET', `${PICK}/${pending.name}`, { token: member });

    // Assess
    expect(reply.body).toMatchObject({
      name: pending.name,
      ready: false,
      url: null,
      source: 'build',
      buildSpec: pending.buildSpec,
      latestBuild: pending.latestBuild,
    });
  });

  it('refuses a url for a custom image: its builds set it', async () => {
    // Act
    const reply = await api.call('PATCH', `${PICK}/${pending.name}`, { token: groupAdmin, body: { url: 'python:3.12' } });

    // Assess
    expect(expectProblem(reply, 422).errors).toEqual([{ path: '/url', message: expect.any(String) }]);
  });
});
