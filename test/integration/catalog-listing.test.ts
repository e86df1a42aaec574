/** Listing over real HTTP: cursor pagination without gaps or duplicates, and keyword search. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Image } from '../../lambdas/domain/image.ts';
import { allPages, createImage, groupImages, SYSTEM_IMAGES } from '../support/catalog-fixtures.ts';
import { startLocalApi, type LocalApi } from '../support/local-api.ts';
import { expectProblem } from '../support/problems.ts';

let api: LocalApi;
let admin: string;
let reader: string;

beforeAll(async () => {
  api = await startLocalApi();
  [admin, reader] = await Promise.all([api.token({ sub: 'sys', systemAdmin: true }), api.token({ sub: 'rita', groups: ['paging', 'search', 'search-other'] })]);
});
afterAll(() => api.stop());

const names = (items: Image[]) => items.map((i) => i.name);

describe('pagination', () => {
  const PAGING = groupImages('paging');
  let created: string[];

  beforeAll(async () => {
    created = [];
    for (let i = 0; i < 45; i++) created.push((await createImage(api, admin, PAGING, { displayName: `img.${String(i).padStart(2, '0')}` })).name);
    created.sort();
  });

  it('pages 45 images by 20 as 20, 20 and 5, with nextCursor null on the last page', async () => {
    // Act
    const first = await api.call('GET', `${PAGING}?limit=20`, { token: reader });
    const second = await api.call('GET', `${PAGING}?limit=20&cursor=${encodeURIComponent(first.body.nextCursor)}`, { token: reader });
    const third = await api.call('GET', `${PAGING}?limit=20&cursor=${encodeURIComponent(second.body.nextCursor)}`, { token: reader });

    // Assess
    expect([first, second, third].map((r) => r.body.items.length)).toEqual([20, 20, 5]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    expect(second.body.nextCursor).toEqual(expect.any(String));
    expect(third.body.nextCursor).toBeNull();
  });

  it('returns every image exactly once, in name order, across the pages', async () => {
    // Act
    const pages = await allPages(api, reader, PAGING, { limit: '20' });

    // Assess
    expect(pages.flat().map((i) => i.name)).toEqual(created);
  });

  it.each([[1], [7], [44], [45]])('covers all images with limit=%i', async (limit) => {
    // Act
    const pages = await allPages(api, reader, PAGING, { limit: String(limit) });

    // Assess
    expect(pages.flat().map((i) => i.name)).toEqual(created);
    expect(pages).toHaveLength(Math.ceil(45 / limit));
    expect(pages.slice(0, -1).every((p) => p.length === limit)).toBe(true);
  });

  it('pages by 20 when no limit is given', async () => {
    // Act
    const reply = await api.call('GET', PAGING, { token: reader });

    // Assess
    expect(reply.body.items).toHaveLength(20);
    expect(reply.body.nextCursor).toEqual(expect.any(String));
  });

  it('returns all 45 on one page with limit=100', async () => {
    // Act
    const reply = await api.call('GET', `${PAGING}?limit=100`, { token: reader });

    // Assess
    expect(names(reply.body.items)).toEqual(created);
    expect(reply.body.nextCursor).toBeNull();
  });

  it('continues after the last seen name when images are added and removed between pages', async () => {
    // Prepare
    const first = await api.call('GET', `${PAGING}?limit=20`, { token: reader });
    const removed = created[25]!;
    await api.call('DELETE', `${PAGING}/${removed}`, { token: admin });
    const added = await createImage(api, admin, PAGING, { displayName: 'zzz.late' });

    // Act
    const rest = await allPages(api, reader, PAGING, { limit: '20', cursor: first.body.nextCursor });

    // Assess
    const seen = [...names(first.body.items), ...rest.flat().map((i) => i.name)];
    expect(seen).toEqual([...created.filter((n) => n !== removed), added.name].sort());
    created = seen;
  });

  it('answers an empty first page for an empty scope', async () => {
    // Act
    const reply = await api.call('GET', groupImages('empty-group'), { token: admin });

    // Assess
    expect(reply.body).toEqual({ items: [], nextCursor: null });
  });
});

describe('keyword search', () => {
  const SEARCH = groupImages('search');
  let torch: Image;
  let tf: Image;
  let rbase: Image;
  let plain: Image;

  beforeAll(async () => {
    torch = await createImage(api, admin, SEARCH, {
      displayName: 'pytorch',
      type: 'gpu',
      url: 'pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime',
      description: 'Deep Learning with CUDA',
    });
    tf = await createImage(api, admin, SEARCH, {
      displayName: 'tensorflow',
      type: 'universal',
      url: 'tensorflow/tensorflow:2.15.0',
      urlForGpu: 'tensorflow/tensorflow:2.15.0-gpu',
    });
    rbase = await createImage(api, admin, SEARCH, {
      displayName: 'r-base',
      type: 'cpu',
      url: 'registry.example.com/stats/r-base:4.3',
      description: 'R for Statistics',
    });
    plain = await createImage(api, admin, SEARCH, { displayName: 'plain.python', type: 'cpu', url: 'python:3.12-slim' });
    await createImage(api, admin, groupImages('search-other'), { displayName: 'tensorflow', type: 'universal', url: 'tensorflow/tensorflow:2.15.0' });
    await createImage(api, admin, SYSTEM_IMAGES, { displayName: 'tensorflow', type: 'universal', url: 'tensorflow/tensorflow:2.15.0' });
  });

  const search = async (q: string) => {
    const reply = await api.call('GET', `${SEARCH}?q=${encodeURIComponent(q)}&limit=100`, { token: reader });
    expect(reply.status).toBe(200);
    return names(reply.body.items).sort();
  };

  it('finds by display name', async () => {
    // Act
    const found = await search('r-base');

    // Assess
    expect(found).toEqual([rbase.name]);
  });

  it('finds by generated name', async () => {
    // Act
    const found = await search(torch.name);

    // Assess
    expect(found).toEqual([torch.name]);
  });

  it('finds by description, whatever its case', async () => {
    // Act
    const found = await search('learning');

    // Assess
    expect(found).toEqual([torch.name]);
  });

  it('finds lower-case text with an upper-case query', async () => {
    // Act
    const found = await search('PYTHON');

    // Assess
    expect(found).toEqual([plain.name]);
  });

  it('finds by url', async () => {
    // Act
    const found = await search('registry.example.com/stats');

    // Assess
    expect(found).toEqual([rbase.name]);
  });

  it('finds by the GPU url, in upper case', async () => {
    // Act
    const found = await search('TENSORFLOW:2.15.0-GPU');

    // Assess
    expect(found).toEqual([tf.name]);
  });

  it('finds universal images by their type', async () => {
    // Act
    const found = await search('universal');

    // Assess
    expect(found).toEqual([tf.name]);
  });

  it('finds by type in upper case', async () => {
    // Act
    const found = await search('UNIVERSAL');

    // Assess
    expect(found).toEqual([tf.name]);
  });

  it('finds nothing, on a last page, when nothing matches', async () => {
    // Act
    const reply = await api.call('GET', `${SEARCH}?q=haskell`, { token: reader });

    // Assess
    expect(reply.body).toEqual({ items: [], nextCursor: null });
  });

  it('treats an empty keyword as no keyword', async () => {
    // Act
    const found = await search('');

    // Assess
    expect(found).toEqual([torch.name, tf.name, rbase.name, plain.name].sort());
  });

  it('finds by the beginning of a word', async () => {
    // Act
    const found = await search('tensor');

    // Assess
    expect(found).toEqual([tf.name]);
  });

  it('finds when every word of the keyword begins a word of the image, in any field and order', async () => {
    // Act
    const found = await search('runtime CUDA12 deep');

    // Assess
    expect(found).toEqual([torch.name]);
  });

  it('does not find text inside a word', async () => {
    // Act
    const found = await search('orch');

    // Assess
    expect(found).toEqual([]);
  });

  it('refuses a keyword without letters or digits, naming the parameter', async () => {
    // Act
    const reply = await api.call('GET', `${SEARCH}?q=${encodeURIComponent('-/.')}`, { token: reader });

    // Assess
    expect(expectProblem(reply, 422).errors).toEqual([{ path: '/query/q', message: 'has no letters or digits to search for' }]);
  });

  it('trims spaces around the keyword', async () => {
    // Act
    const found = await search('  statistics  ');

    // Assess
    expect(found).toEqual([rbase.name]);
  });

  it('stays within the scope', async () => {
    // Act
    const found = await search('tensorflow');

    // Assess
    expect(found).toEqual([tf.name]);
  });

  it('finds an edited description by its new text only', async () => {
    // Prepare
    await api.call('PATCH', `${SEARCH}/${rbase.name}`, { token: admin, body: { description: 'Tidyverse Included' } });

    // Act
    const byNew = await search('tidyverse');
    const byOld = await search('statistics');

    // Assess
    expect(byNew).toEqual([rbase.name]);
    expect(byOld).toEqual([]);
  });

  it('pages a search with cursors, without gaps or duplicates', async () => {
    // Prepare
    const matching: string[] = [];
    for (let i = 0; i < 5; i++) matching.push((await createImage(api, admin, SEARCH, { displayName: `needle.${i}`, description: 'FINDME' })).name);

    // Act
    const pages = await allPages(api, reader, SEARCH, { q: 'findme', limit: '2' });

    // Assess
    expect(pages.flat().map((i) => i.name)).toEqual(matching.sort());
    expect(pages.flat().every((i) => i.description === 'FINDME')).toBe(true);
  });
});
