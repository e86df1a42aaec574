/**
 * Every catalog request costs at most two DynamoDB round trips. A middleware on the local server's
 * DynamoDB client records each command sent, so the count is what really went over the wire.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createImage, groupImages, SYSTEM_IMAGES } from '../support/catalog-fixtures.ts';
import { roleTokens, startLocalApi, type LocalApi, type CallOptions } from '../support/local-api.ts';

let api: LocalApi;
let tokens: Awaited<ReturnType<typeof roleTokens>>;
const sent: string[] = [];
const TEAM_A = groupImages('team-a');

beforeAll(async () => {
  api = await startLocalApi();
  tokens = await roleTokens(api);
  api.server.dynamo.client.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push(context.commandName ?? 'unknown');
      return next(args);
    },
    { step: 'initialize', name: 'countCatalogRoundTrips' },
  );
  // Enough images for full pages, in the group and in the system scope, including keyword matches.
  for (let i = 0; i < 25; i++) {
    await createImage(api, tokens.groupAdmin, TEAM_A, { displayName: `team.${i}`, description: i % 5 === 0 ? 'Needle' : 'hay' });
    await createImage(api, tokens.systemAdmin, SYSTEM_IMAGES, { displayName: `sys.${i}`, type: i % 2 ? 'gpu' : 'universal' });
  }
});
afterAll(() => api.stop());

/** Makes one request and returns the reply with the DynamoDB commands it caused. */
async function measured(method: string, path: string, options: CallOptions = {}) {
  sent.length = 0;
  const reply = await api.call(method, path, options);
  return { reply, commands: [...sent] };
}

describe('DynamoDB round trips per request', () => {
  it('counts the commands a request sends (the counter works)', async () => {
    // Act
    const { commands } = await measured('GET', `${TEAM_A}?limit=5`, { token: tokens.member });

    // Assess
    expect(commands).toEqual(['QueryCommand']);
  });

  it('sends nothing to DynamoDB for /health', async () => {
    // Act
    const { reply, commands } = await measured('GET', '/health');

    // Assess
    expect(reply.status).toBe(200);
    expect(commands).toEqual([]);
  });

  it.each([
    ['list a group', () => `${TEAM_A}`],
    ['list a group by 100', () => `${TEAM_A}?limit=100`],
    ['list the system images', () => `${SYSTEM_IMAGES}?limit=7`],
    ['search a group', () => `${TEAM_A}?q=needle&limit=2`],
    ['search the system images', () => `${SYSTEM_IMAGES}?q=UNIVERSAL`],
    ['pick for cpu', () => '/groups/team-a/image-selection?type=cpu'],
    ['pick for gpu, with a keyword', () => '/groups/team-a/image-selection?type=gpu&q=sys'],
    ['pick across both scopes', () => '/groups/team-a/image-selection?limit=40'],
  ])('%s in at most 2', async (_label, path) => {
    // Act
    const { reply, commands } = await measured('GET', path(), { token: tokens.member });

    // Assess
    expect(reply.status).toBe(200);
    expect(commands.length).toBeGreaterThanOrEqual(1);
    expect(commands.length).toBeLessThanOrEqual(2);
  });

  it('pages with a cursor in at most 2 per page', async () => {
    // Prepare
    const first = await api.call('GET', `${TEAM_A}?limit=10`, { token: tokens.member });

    // Act
    const { reply, commands } = await measured('GET', `${TEAM_A}?limit=10&cursor=${first.body.nextCursor}`, { token: tokens.member });

    // Assess
    expect(reply.body.items).toHaveLength(10);
    expect(commands.length).toBeLessThanOrEqual(2);
  });

  it('pages the selection from the group into the system images in at most 2', async () => {
    // Prepare
    const first = await api.call('GET', '/groups/team-a/image-selection?limit=20', { token: tokens.member });

    // Act
    const { reply, commands } = await measured('GET', `/groups/team-a/image-selection?limit=20&cursor=${first.body.nextCursor}`, { token: tokens.member });

    // Assess
    expect(reply.body.items.map((i: { scope: string }) => i.scope)).toEqual([...Array(5).fill('group'), ...Array(15).fill('system')]);
    expect(commands.length).toBeLessThanOrEqual(2);
  });

  it('gets an image in 1', async () => {
    // Prepare
    const image = await createImage(api, tokens.groupAdmin, TEAM_A, { displayName: 'get.me' });

    // Act
    const { reply, commands } = await measured('GET', `${TEAM_A}/${image.name}`, { token: tokens.member });

    // Assess
    expect(reply.status).toBe(200);
    expect(commands).toEqual(['GetItemCommand']);
  });

  it('creates an image in at most 2', async () => {
    // Act
    const { reply, commands } = await measured('POST', TEAM_A, { token: tokens.groupAdmin, body: { displayName: 'create.me', type: 'cpu', url: 'python:3.12' } });

    // Assess
    expect(reply.status).toBe(201);
    expect(commands.length).toBeLessThanOrEqual(2);
  });

  it('edits an image in at most 2', async () => {
    // Prepare
    const image = await createImage(api, tokens.groupAdmin, TEAM_A, { displayName: 'patch.me' });

    // Act
    const { reply, commands } = await measured('PATCH', `${TEAM_A}/${image.name}`, { token: tokens.groupAdmin, body: { description: 'edited' } });

    // Assess
    expect(reply.status).toBe(200);
    expect(commands.length).toBeLessThanOrEqual(2);
  });

  it('edits an image with If-Match in at most 2', async () => {
    // Prepare
    const image = await createImage(api, tokens.groupAdmin, TEAM_A, { displayName: 'patch.me' });
    const read = await api.call('GET', `${TEAM_A}/${image.name}`, { token: tokens.member });

    // Act
    const { reply, commands } = await measured('PATCH', `${TEAM_A}/${image.name}`, { token: tokens.groupAdmin, body: { description: 'edited' }, headers: { 'if-match': read.headers.get('etag')! } });

    // Assess
    expect(reply.status).toBe(200);
    expect(commands.length).toBeLessThanOrEqual(2);
  });

  it('refuses a stale If-Match in at most 2', async () => {
    // Prepare
    const image = await createImage(api, tokens.groupAdmin, TEAM_A, { displayName: 'patch.me' });
    await api.call('PATCH', `${TEAM_A}/${image.name}`, { token: tokens.groupAdmin, body: { description: 'edited' } });

    // Act
    const { reply, commands } = await measured('PATCH', `${TEAM_A}/${image.name}`, { token: tokens.groupAdmin, body: { description: 'stale' }, headers: { 'if-match': '"v1"' } });

    // Assess
    expect(reply.status).toBe(412);
    expect(commands.length).toBeLessThanOrEqual(2);
  });

  it('deletes an image in at most 2', async () => {
    // Prepare
    const image = await createImage(api, tokens.groupAdmin, TEAM_A, { displayName: 'delete.me' });

    // Act
    const { reply, commands } = await measured('DELETE', `${TEAM_A}/${image.name}`, { token: tokens.groupAdmin });

    // Assess
    expect(reply.status).toBe(204);
    expect(commands.length).toBeLessThanOrEqual(2);
  });

  it('answers a missing image in 1', async () => {
    // Act
    const { reply, commands } = await measured('DELETE', `${TEAM_A}/no-such-image-zzzzz`, { token: tokens.groupAdmin });

    // Assess
    expect(reply.status).toBe(404);
    expect(commands).toEqual(['GetItemCommand']);
  });

  it.each([
    ['a forbidden read', 'GET', `/groups/team-b/images`, 'member'],
    ['a forbidden write', 'POST', TEAM_A, 'member'],
    ['an invalid body', 'POST', TEAM_A, 'groupAdmin'],
  ] as const)('refuses %s without touching DynamoDB', async (_label, method, path, role) => {
    // Act
    const { reply, commands } = await measured(method, path, { token: tokens[role], body: method === 'POST' ? { displayName: 'Bad Name' } : undefined });

    // Assess
    expect(reply.status).toBeGreaterThanOrEqual(400);
    expect(commands).toEqual([]);
  });

  it('never scans', async () => {
    // Prepare
    const all: string[] = [];

    // Act
    for (const path of [TEAM_A, `${TEAM_A}?q=hay`, SYSTEM_IMAGES, '/groups/team-a/image-selection?type=gpu&q=sys']) {
      all.push(...(await measured('GET', path, { token: tokens.member })).commands);
    }

    // Assess
    expect(all.length).toBeGreaterThan(0);
    expect(all.filter((c) => c !== 'QueryCommand')).toEqual([]);
  });
});
