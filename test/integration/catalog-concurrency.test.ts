/** Concurrent requests over real HTTP: unique names, If-Match as a real lock, no lost updates. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createImage, groupImages } from '../support/catalog-fixtures.ts';
import { roleTokens, startLocalApi, type LocalApi } from '../support/local-api.ts';
import { expectProblem } from '../support/problems.ts';

let api: LocalApi;
let tokens: Awaited<ReturnType<typeof roleTokens>>;
const TEAM_A = groupImages('team-a');

beforeAll(async () => {
  api = await startLocalApi();
  tokens = await roleTokens(api);
});
afterAll(() => api.stop());

describe('concurrent requests', () => {
  it('gives 20 concurrent creates with one displayName 20 distinct names, all stored', async () => {
    // Act
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api.call('POST', TEAM_A, { token: tokens.groupAdmin, body: { displayName: 'same.name', type: 'cpu', url: 'python:3.12', description: `copy ${i}` } }),
      ),
    );

    // Assess
    expect(replies.map((r) => r.status)).toEqual(Array(20).fill(201));
    const names = replies.map((r) => r.body.name as string);
    expect(new Set(names).size).toBe(20);
    const listed = await api.call('GET', `${TEAM_A}?q=same.name&limit=100`, { token: tokens.member });
    expect(listed.body.items.map((i: { name: string }) => i.name).sort()).toEqual([...names].sort());
    expect(listed.body.items.map((i: { description: string }) => i.description).sort()).toEqual(replies.map((r) => r.body.description).sort());
  });

  it('lets exactly one of 10 concurrent PATCHes with the same If-Match win; the others get 412', async () => {
    // Prepare
    const image = await createImage(api, tokens.groupAdmin, TEAM_A, { displayName: 'contended' });
    const read = await api.call('GET', `${TEAM_A}/${image.name}`, { token: tokens.member });
    const etag = read.headers.get('etag')!;

    // Act
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        api.call('PATCH', `${TEAM_A}/${image.name}`, { token: tokens.groupAdmin, body: { description: `writer ${i}` }, headers: { 'if-match': etag } }),
      ),
    );

    // Assess
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses).toEqual([200, ...Array(9).fill(412)]);
    for (const r of replies.filter((r) => r.status === 412)) expectProblem(r, 412);
    const winner = replies.find((r) => r.status === 200)!;
    const after = await api.call('GET', `${TEAM_A}/${image.name}`, { token: tokens.member });
    expect(after.body.description).toBe(winner.body.description);
    expect(after.headers.get('etag')).toBe(winner.headers.get('etag'));
  });

  it('keeps both of two concurrent PATCHes of different fields without If-Match', async () => {
    // Prepare
    const image = await createImage(api, tokens.groupAdmin, TEAM_A, { displayName: 'shared' });

    // Act
    const [a, b] = await Promise.all([
      api.call('PATCH', `${TEAM_A}/${image.name}`, { token: tokens.groupAdmin, body: { description: 'from ada' } }),
      api.call('PATCH', `${TEAM_A}/${image.name}`, { token: tokens.systemAdmin, body: { displayName: 'shared.renamed' } }),
    ]);

    // Assess
    expect([a.status, b.status]).toEqual([200, 200]);
    const after = await api.call('GET', `${TEAM_A}/${image.name}`, { token: tokens.member });
    expect(after.body).toMatchObject({ description: 'from ada', displayName: 'shared.renamed' });
  });

  it('keeps every one of many concurrent PATCHes of different fields', async () => {
    // Prepare
    const image = await createImage(api, tokens.groupAdmin, TEAM_A, { displayName: 'many', type: 'universal', urlForGpu: 'python:3.12-cuda' });

    // Act
    const replies = await Promise.all([
      api.call('PATCH', `${TEAM_A}/${image.name}`, { token: tokens.groupAdmin, body: { description: 'd' } }),
      api.call('PATCH', `${TEAM_A}/${image.name}`, { token: tokens.groupAdmin, body: { displayName: 'many.renamed' } }),
      api.call('PATCH', `${TEAM_A}/${image.name}`, { token: tokens.groupAdmin, body: { url: 'python:3.13' } }),
      api.call('PATCH', `${TEAM_A}/${image.name}`, { token: tokens.groupAdmin, body: { urlForGpu: 'python:3.13-cuda' } }),
    ]);

    // Assess
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const after = await api.call('GET', `${TEAM_A}/${image.name}`, { token: tokens.member });
    expect(after.body).toMatchObject({ description: 'd', displayName: 'many.renamed', url: 'python:3.13', urlForGpu: 'python:3.13-cuda', type: 'universal' });
  });

  it('deletes an image once when two DELETEs race: one 204, one 404', async () => {
    // Prepare
    const image = await createImage(api, tokens.groupAdmin, TEAM_A, { displayName: 'raced' });

    // Act
    const replies = await Promise.all([
      api.call('DELETE', `${TEAM_A}/${image.name}`, { token: tokens.groupAdmin }),
      api.call('DELETE', `${TEAM_A}/${image.name}`, { token: tokens.groupAdmin }),
    ]);

    // Assess
    expect(replies.map((r) => r.status).sort()).toEqual([204, 404]);
  });
});
