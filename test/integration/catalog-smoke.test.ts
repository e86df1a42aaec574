import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { roleTokens, startLocalApi, type LocalApi } from '../support/local-api.ts';

let api: LocalApi;
let tokens: Awaited<ReturnType<typeof roleTokens>>;

beforeAll(async () => {
  api = await startLocalApi();
  tokens = await roleTokens(api);
});
afterAll(() => api.stop());

describe('catalog walk', () => {
  it('creates, reads, edits with ETags and deletes a group image', async () => {
    // Prepare
    const created = await api.call('POST', '/groups/team-a/images', {
      token: tokens.groupAdmin,
      body: {
        displayName: 'tf.gpu',
        type: 'universal',
        url: 'tensorflow/tensorflow:2.15.0',
        urlForGpu: 'tensorflow/tensorflow:2.15.0-gpu',
        description: 'TensorFlow',
      },
    });
    expect(created.status).toBe(201);
    const name = created.body.name as string;
    expect(name).toMatch(/^tf-gpu-[a-z0-9]{5}$/);
    expect(created.headers.get('location')).toBe(`/groups/team-a/images/${name}`);

    // Act
    const got = await api.call('GET', `/groups/team-a/images/${name}`, { token: tokens.member });
    const edited = await api.call('PATCH', `/groups/team-a/images/${name}`, {
      token: tokens.groupAdmin,
      body: { description: 'TF 2.15' },
      headers: { 'if-match': got.headers.get('etag')! },
    });
    const stale = await api.call('PATCH', `/groups/team-a/images/${name}`, {
      token: tokens.groupAdmin,
      body: { description: 'lost?' },
      headers: { 'if-match': got.headers.get('etag')! },
    });
    const deleted = await api.call('DELETE', `/groups/team-a/images/${name}`, { token: tokens.groupAdmin });
    const gone = await api.call('GET', `/groups/team-a/images/${name}`, { token: tokens.member });

    // Assess
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      name,
      scope: 'group',
      group: 'team-a',
      ready: true,
      source: 'existing',
      buildSpec: null,
      latestBuild: null,
      createdBy: 'ada',
    });
    expect(edited.status).toBe(200);
    expect(edited.body.description).toBe('TF 2.15');
    expect(edited.headers.get('etag')).not.toBe(got.headers.get('etag'));
    expect(stale.status).toBe(412);
    expect(stale.headers.get('content-type')).toBe('application/problem+json');
    expect(deleted.status).toBe(204);
    expect(gone.status).toBe(404);
  });
});
