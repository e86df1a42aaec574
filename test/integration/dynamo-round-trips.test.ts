/**
 * The DynamoDB round trips each request takes, as budgets: reads at most two, a create one (a
 * create with its build three, plus StartBuild), an edit and a delete two, a build's phase event two.
 * A middleware on the DynamoDB client records each command sent and when it was answered, so the
 * count is what really went over the wire: commands sent together (the candidates of both scopes)
 * share a round trip.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createImage, groupImages, SYSTEM_IMAGES } from '../support/catalog-fixtures.ts';
import { roleTokens, startLocalApi, type LocalApi, type CallOptions } from '../support/local-api.ts';
import { DynamoRecorder, roundTrips, type SentCommand } from '../../bench/dynamo-recorder.ts';
import { ADMIN, customImage, harnessFactory, RecordingBuilder, TEAM_A as TEAM, type Harness } from '../support/build-service-harness.ts';

let api: LocalApi;
let tokens: Awaited<ReturnType<typeof roleTokens>>;
let recorder: DynamoRecorder;
const TEAM_A = groupImages('team-a');

beforeAll(async () => {
  api = await startLocalApi();
  tokens = await roleTokens(api);
  recorder = new DynamoRecorder(api.server.dynamo.client);
  // Enough images for full pages, in the group and in the system scope, including keyword matches.
  for (let i = 0; i < 25; i++) {
    await createImage(api, tokens.groupAdmin, TEAM_A, { displayName: `team.${i}`, description: i % 5 === 0 ? 'Needle' : 'hay' });
    await createImage(api, tokens.systemAdmin, SYSTEM_IMAGES, { displayName: `sys.${i}`, type: i % 2 ? 'gpu' : 'universal' });
  }
});
afterAll(() => api.stop());

/** Makes one request and returns the reply with the DynamoDB commands it caused, round trip by round trip. */
async function measured(method: string, path: string, options: CallOptions = {}) {
  const { result: reply, sent } = await recorder.during(() => api.call(method, path, options));
  const trips = roundTrips(sent).map((trip) => [...new Set(trip.map((c) => c.name.replace(/Command$/, '')))].sort());
  return { reply, trips, commands: sent.map((c) => c.name) };
}

describe('DynamoDB round trips per request', () => {
  it('counts the commands a request sends (the counter works)', async () => {
    // Act
    const { trips } = await measured('GET', `${TEAM_A}?limit=5`, { token: tokens.member });

    // Assess
    expect(trips).toEqual([['Query']]);
  });

  it('counts commands sent together as one round trip, and one sent after an answer as the next', async () => {
    // Act: a search of the selection reads the candidates of the group and the system scope at once
    const { trips, commands } = await measured('GET', '/groups/team-a/image-selection?q=hay&limit=30', { token: tokens.member });

    // Assess
    expect(trips).toEqual([['Query'], ['BatchGetItem']]);
    expect(commands.filter((c) => c === 'QueryCommand')).toHaveLength(2);
  });

  it('sends nothing to DynamoDB for /health', async () => {
    // Act
    const { reply, trips } = await measured('GET', '/health');

    // Assess
    expect(reply.status).toBe(200);
    expect(trips).toEqual([]);
  });

  it.each([
    ['list a group', () => `${TEAM_A}`, [['Query']]],
    ['list a group by 100', () => `${TEAM_A}?limit=100`, [['Query']]],
    ['list the system images', () => `${SYSTEM_IMAGES}?limit=7`, [['Query']]],
    ['search a group', () => `${TEAM_A}?q=needle&limit=2`, [['Query'], ['BatchGetItem']]],
    ['search the system images', () => `${SYSTEM_IMAGES}?q=UNIVERSAL`, [['Query'], ['BatchGetItem']]],
    ['pick for cpu', () => '/groups/team-a/image-selection?type=cpu', [['Query']]],
    ['pick for gpu, with a keyword', () => '/groups/team-a/image-selection?type=gpu&q=sys', [['Query'], ['BatchGetItem']]],
    ['pick across both scopes', () => '/groups/team-a/image-selection?limit=40', [['Query'], ['Query']]],
    ['pick across both scopes for gpu', () => '/groups/team-a/image-selection?type=gpu&limit=40', [['Query'], ['Query']]],
    ['pick across both scopes with a keyword', () => '/groups/team-a/image-selection?q=sys&limit=40', [['Query'], ['BatchGetItem']]],
  ])('%s in at most 2', async (_label, path, expected) => {
    // Act
    const { reply, trips } = await measured('GET', path(), { token: tokens.member });

    // Assess
    expect(reply.status).toBe(200);
    expect(trips).toEqual(expected);
  });

  it('pages with a cursor in at most 2 per page', async () => {
    // Prepare
    const first = await api.call('GET', `${TEAM_A}?limit=10`, { token: tokens.member });

    // Act
    const { reply, trips } = await measured('GET', `${TEAM_A}?limit=10&cursor=${first.body.nextCursor}`, { token: tokens.member });

    // Assess
    expect(reply.body.items).toHaveLength(10);
    expect(trips.length).toBeLessThanOrEqual(2);
  });

  it('pages a search with a cursor in 2 per page', async () => {
    // Prepare
    const first = await api.call('GET', `${TEAM_A}?q=hay&limit=10`, { token: tokens.member });

    // Act
    const { reply, trips } = await measured('GET', `${TEAM_A}?q=hay&limit=10&cursor=${first.body.nextCursor}`, { token: tokens.member });

    // Assess
    expect(reply.body.items).toHaveLength(10);
    expect(trips).toEqual([['Query'], ['BatchGetItem']]);
  });

  it('pages the selection from the group into the system images in at most 2', async () => {
    // Prepare
    const first = await api.call('GET', '/groups/team-a/image-selection?limit=20', { token: tokens.member });

    // Act
    const { reply, trips } = await measured('GET', `/groups/team-a/image-selection?limit=20&cursor=${first.body.nextCursor}`, { token: tokens.member });

    // Assess
    expect(reply.body.items.map((i: { scope: string }) => i.scope)).toEqual([...Array(5).fill('group'), ...Array(15).fill('system')]);
    expect(trips.length).toBeLessThanOrEqual(2);
  });

  it('gets an image in 1', async () => {
    // Prepare
    const image = await createImage(api, tokens.groupAdmin, TEAM_A, { displayName: 'get.me' });

    // Act
    const { reply, trips } = await measured('GET', `${TEAM_A}/${image.name}`, { token: tokens.member });

    // Assess
    expect(reply.status).toBe(200);
    expect(trips).toEqual([['GetItem']]);
  });

  it('creates an image in 1: the image, its quota place and its search index entries in one transaction', async () => {
    // Act
    const { reply, trips } = await measured('POST', TEAM_A, {
      token: tokens.groupAdmin,
      body: { displayName: 'create.me', type: 'cpu', url: 'python:3.12', description: 'Notebook for the data team' },
    });

    // Assess
    expect(reply.status).toBe(201);
    expect(trips).toEqual([['TransactWriteItems']]);
  });

  it('edits an image in 2: read, then the image and its search index entries in one transaction', async () => {
    // Prepare
    const image = await createImage(api, tokens.groupAdmin, TEAM_A, { displayName: 'patch.me', description: 'before' });

    // Act
    const { reply, trips } = await measured('PATCH', `${TEAM_A}/${image.name}`, { token: tokens.groupAdmin, body: { description: 'edited' } });

    // Assess
    expect(reply.status).toBe(200);
    expect(trips).toEqual([['GetItem'], ['TransactWriteItems']]);
  });

  it('edits an image with If-Match in 2', async () => {
    // Prepare
    const image = await createImage(api, tokens.groupAdmin, TEAM_A, { displayName: 'patch.me' });
    const read = await api.call('GET', `${TEAM_A}/${image.name}`, { token: tokens.member });

    // Act
    const { reply, trips } = await measured('PATCH', `${TEAM_A}/${image.name}`, {
      token: tokens.groupAdmin,
      body: { description: 'edited' },
      headers: { 'if-match': read.headers.get('etag')! },
    });

    // Assess
    expect(reply.status).toBe(200);
    expect(trips).toEqual([['GetItem'], ['TransactWriteItems']]);
  });

  it('refuses a stale If-Match in 1', async () => {
    // Prepare
    const image = await createImage(api, tokens.groupAdmin, TEAM_A, { displayName: 'patch.me' });
    await api.call('PATCH', `${TEAM_A}/${image.name}`, { token: tokens.groupAdmin, body: { description: 'edited' } });

    // Act
    const { reply, trips } = await measured('PATCH', `${TEAM_A}/${image.name}`, {
      token: tokens.groupAdmin,
      body: { description: 'stale' },
      headers: { 'if-match': '"v1"' },
    });

    // Assess
    expect(reply.status).toBe(412);
    expect(trips).toEqual([['GetItem']]);
  });

  it('deletes an image in 2: read, then the image, its quota place and its search index entries in one transaction', async () => {
    // Prepare
    const image = await createImage(api, tokens.groupAdmin, TEAM_A, { displayName: 'delete.me' });

    // Act
    const { reply, trips } = await measured('DELETE', `${TEAM_A}/${image.name}`, { token: tokens.groupAdmin });

    // Assess
    expect(reply.status).toBe(204);
    expect(trips).toEqual([['GetItem'], ['TransactWriteItems']]);
  });

  it('answers a missing image in 1', async () => {
    // Act
    const { reply, trips } = await measured('DELETE', `${TEAM_A}/no-such-image-zzzzz`, { token: tokens.groupAdmin });

    // Assess
    expect(reply.status).toBe(404);
    expect(trips).toEqual([['GetItem']]);
  });

  it.each([
    ['a forbidden read', 'GET', `/groups/team-b/images`, 'member'],
    ['a forbidden write', 'POST', TEAM_A, 'member'],
    ['an invalid body', 'POST', TEAM_A, 'groupAdmin'],
  ] as const)('refuses %s without touching DynamoDB', async (_label, method, path, role) => {
    // Act
    const { reply, trips } = await measured(method, path, { token: tokens[role], body: method === 'POST' ? { displayName: 'Bad Name' } : undefined });

    // Assess
    expect(reply.status).toBeGreaterThanOrEqual(400);
    expect(trips).toEqual([]);
  });

  it('never scans: reads are queries and key lookups', async () => {
    // Prepare
    const all: string[] = [];

    // Act
    for (const path of [TEAM_A, `${TEAM_A}?q=hay`, SYSTEM_IMAGES, '/groups/team-a/image-selection?type=gpu&q=sys', '/groups/team-a/image-selection?type=cpu']) {
      all.push(...(await measured('GET', path, { token: tokens.member })).commands);
    }

    // Assess
    expect(all).toContain('QueryCommand');
    expect(all.filter((c) => c !== 'QueryCommand' && c !== 'BatchGetItemCommand')).toEqual([]);
  });
});

describe('DynamoDB round trips per build request (the build service over the same stores, a recording builder for CodeBuild)', () => {
  const factory = harnessFactory();
  let h: Harness;
  let builds: DynamoRecorder;
  beforeAll(async () => {
    await factory.start();
    h = await factory.harness();
    builds = new DynamoRecorder(h.dynamo.client);
  });
  afterAll(() => factory.stop());

  const tripsOf = (sent: SentCommand[]) => roundTrips(sent).map((trip) => [...new Set(trip.map((c) => c.name.replace(/Command$/, '')))].sort());

  it('creates a custom image with its build in 3 (plus StartBuild): image, build and quota places; the spec claim; the builder id', async () => {
    // Act
    const { result, sent } = await builds.during(() => h.catalog.create(ADMIN, TEAM, customImage({ pip: ['round-trips'] })));

    // Assess
    expect(result.image.latestBuild?.status).toBe('queued');
    expect(h.builder.started.map((j) => j.build.id)).toEqual([result.image.latestBuild!.id]);
    expect(tripsOf(sent)).toEqual([['TransactWriteItems'], ['PutItem'], ['UpdateItem']]);
  });

  it('applies a phase event in 2: read the build, move it forward (the image shows no phase)', async () => {
    // Prepare: a build under way
    const { image } = await h.catalog.create(ADMIN, TEAM, customImage({ pip: ['phase-event'] }));
    const ref = { scope: TEAM, image: image.name, buildId: image.latestBuild!.id };
    const builderId = RecordingBuilder.idOf(ref.buildId);
    await h.service.report(ref, builderId, { status: 'building', phase: 'preparing', at: new Date().toISOString() });

    // Act
    const { result, sent } = await builds.during(() =>
      h.service.report(ref, builderId, { status: 'building', phase: 'building', at: new Date().toISOString() }),
    );

    // Assess
    expect(result).toBe('applied');
    expect(tripsOf(sent)).toEqual([['GetItem'], ['UpdateItem']]);
  });
});
