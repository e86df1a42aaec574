/**
 * Pull secrets over the local server's HTTP API: who may list and change them, what a valid name
 * and body are, and how images and build specs referencing them keep them from being deleted.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Image } from '../../lambdas/domain/image.ts';
import { createImage, groupImages, SYSTEM_IMAGES } from '../support/catalog-fixtures.ts';
import { startLocalApi, type LocalApi } from '../support/local-api.ts';
import { expectInvalid, expectProblem } from '../support/problems.ts';
import { allRoleTokens, type Role } from '../support/roles.ts';

const GROUP = groupImages('team-a');
const LOGIN = { registry: 'ghcr.io', username: 'team-a-bot', password: 'ghp_r0utes-T3st-n0t-r3al' };

let api: LocalApi;
let tokens: Record<Role, string | undefined>;
let sys: string;
let admin: string;

beforeAll(async () => {
  api = await startLocalApi({ containerCli: null });
  tokens = await allRoleTokens(api);
  sys = tokens.systemAdmin!;
  admin = tokens.groupAdmin!;
});
afterAll(() => api.stop());

let counter = 0;
/** Stores a fresh secret as a system admin and returns its name. */
async function storedSecret(prefix = 'cred'): Promise<string> {
  const name = `${prefix}-${++counter}`;
  const reply = await api.call('PUT', `/secrets/${name}`, { token: sys, body: LOGIN });
  if (reply.status !== 201) throw new Error(`storing ${name} answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  return name;
}

const listed = async () => ((await api.call<{ items: { name: string }[] }>('GET', '/secrets', { token: sys })).body.items ?? []).map((s) => s.name);
const customBody = (pullSecret?: string, pip = ['requests']) => ({
  displayName: 'private-base',
  type: 'cpu',
  build: { baseImage: 'ghcr.io/team-a/private-base:1.0', packages: { pip }, ...(pullSecret ? { pullSecret } : {}) },
});

describe('who may list pull secrets', () => {
  const expected: [Role, number][] = [
    ['groupAdmin', 200],
    ['otherAdmin', 200],
    ['systemAdmin', 200],
    ['member', 403],
    ['otherMember', 403],
    ['noToken', 401],
    ['expiredToken', 401],
    ['foreignToken', 401],
  ];

  it.each(expected)('answers %s with %i', async (role, status) => {
    // Prepare
    await storedSecret('listed');

    // Act
    const reply = await api.call('GET', '/secrets', { token: tokens[role] });

    // Assess
    if (status === 200) expect(reply.status).toBe(200);
    else expectProblem(reply, status);
  });

  it('shows name, registry and creation time only, sorted by name', async () => {
    // Prepare
    await storedSecret('zz-shown');
    await storedSecret('aa-shown');

    // Act
    const reply = await api.call<{ items: Record<string, unknown>[] }>('GET', '/secrets', { token: admin });

    // Assess
    expect(reply.body.items.length).toBeGreaterThanOrEqual(2);
    for (const item of reply.body.items) expect(Object.keys(item).sort()).toEqual(['createdAt', 'name', 'registry']);
    const names = reply.body.items.map((i) => i.name as string);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    expect(reply.body.items.find((i) => (i.name as string).startsWith('aa-shown'))).toEqual({
      name: expect.any(String),
      registry: 'ghcr.io',
      createdAt: expect.any(String),
    });
  });
});

describe('who may store and delete pull secrets', () => {
  it.each(['groupAdmin', 'member', 'otherAdmin'] as Role[])('refuses to store one for %s (403), storing nothing', async (role) => {
    // Act
    const reply = await api.call('PUT', `/secrets/by-${role.toLowerCase()}`, { token: tokens[role], body: LOGIN });

    // Assess
    expectProblem(reply, 403);
    expect(await listed()).not.toContain(`by-${role.toLowerCase()}`);
  });

  it.each(['noToken', 'expiredToken', 'foreignToken'] as Role[])('refuses to store one for %s (401)', async (role) => {
    // Act
    const reply = await api.call('PUT', '/secrets/anonymous', { token: tokens[role], body: LOGIN });

    // Assess
    expectProblem(reply, 401);
    expect(await listed()).not.toContain('anonymous');
  });

  it.each(['groupAdmin', 'member', 'noToken'] as Role[])('refuses to delete one for %s, keeping it', async (role) => {
    // Prepare
    const name = await storedSecret('kept');

    // Act
    const reply = await api.call('DELETE', `/secrets/${name}`, { token: tokens[role] });

    // Assess
    expectProblem(reply, role === 'noToken' ? 401 : 403);
    expect(await listed()).toContain(name);
  });

  it('lets a system admin delete one (204); it is gone from the list and a second delete is 404', async () => {
    // Prepare
    const name = await storedSecret('deleted');

    // Act
    const first = await api.call('DELETE', `/secrets/${name}`, { token: sys });
    const second = await api.call('DELETE', `/secrets/${name}`, { token: sys });

    // Assess
    expect(first.status).toBe(204);
    expect(await listed()).not.toContain(name);
    expectProblem(second, 404);
  });
});

describe('storing a pull secret', () => {
  it('creates it with 201 and a Location, then replaces it with 200 keeping its creation time', async () => {
    // Act
    const created = await api.call('PUT', '/secrets/quay-shared', { token: sys, body: LOGIN });
    const replaced = await api.call('PUT', '/secrets/quay-shared', {
      token: sys,
      body: { registry: 'quay.io', username: 'robot+shared', password: 'an0ther-s3cret' },
    });

    // Assess
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/secrets/quay-shared');
    expect(created.body).toEqual({ name: 'quay-shared', registry: 'ghcr.io', createdAt: expect.any(String) });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toEqual({ name: 'quay-shared', registry: 'quay.io', createdAt: created.body.createdAt });
  });

  it('keeps it in a file only this user can read, in a directory only this user can enter', async () => {
    // Prepare
    await api.call('PUT', '/secrets/mode-check', { token: sys, body: LOGIN });

    // Act
    const [file, dir] = await Promise.all([stat(join(api.dataDir, 'secrets', 'mode-check.json')), stat(join(api.dataDir, 'secrets'))]);

    // Assess
    expect((file.mode & 0o777).toString(8)).toBe('600');
    expect((dir.mode & 0o777).toString(8)).toBe('700');
  });

  it.each(['Ghcr', 'ghcr_team', '-ghcr', 'ghcr-', 'ghcr.io', 'a'.repeat(64), 'with%20space', '%C3%A9t%C3%A9'])(
    'refuses the name %s (422 at /path/name)',
    async (name) => {
      // Act
      const reply = await api.call('PUT', `/secrets/${name}`, { token: sys, body: LOGIN });

      // Assess
      expectInvalid(reply, '/path/name');
    },
  );

  it('accepts the longest name, 63 characters', async () => {
    // Act
    const reply = await api.call('PUT', `/secrets/${'a'.repeat(63)}`, { token: sys, body: LOGIN });

    // Assess
    expect(reply.status).toBe(201);
  });

  const badBodies: [string, unknown, string[]][] = [
    ['an unknown field', { ...LOGIN, email: 'bot@example.com' }, ['/email']],
    ['a registry with a scheme', { ...LOGIN, registry: 'https://ghcr.io' }, ['/registry']],
    ['a registry with a path', { ...LOGIN, registry: 'ghcr.io/team-a' }, ['/registry']],
    ['an empty registry', { ...LOGIN, registry: '' }, ['/registry']],
    ['no password', { registry: 'ghcr.io', username: 'bot' }, ['/password']],
    ['an empty username', { ...LOGIN, username: '' }, ['/username']],
    ['a username with a colon', { ...LOGIN, username: 'bot:admin' }, ['/username']],
    ['a password with a line break', { ...LOGIN, password: 'line\nbreak' }, ['/password']],
    ['a numeric password', { ...LOGIN, password: 12345 }, ['/password']],
  ];

  it.each(badBodies)('refuses a body with %s (422 naming the field)', async (_what, body, paths) => {
    // Act
    const reply = await api.call('PUT', '/secrets/bad-body', { token: sys, body });

    // Assess
    expectInvalid(reply, ...paths);
    expect(await listed()).not.toContain('bad-body');
  });
});

describe('referencing a pull secret that does not exist', () => {
  it('refuses it on create, for an existing image (422 at /pullSecret)', async () => {
    // Act
    const reply = await api.call('POST', GROUP, {
      token: admin,
      body: { displayName: 'private', type: 'cpu', url: 'ghcr.io/team-a/private:1.0', pullSecret: 'no-such-secret' },
    });

    // Assess
    expectInvalid(reply, '/pullSecret');
  });

  it('refuses it on create, for a build spec (422 at /build/pullSecret)', async () => {
    // Act
    const reply = await api.call('POST', GROUP, { token: admin, body: customBody('no-such-secret') });

    // Assess
    expectInvalid(reply, '/build/pullSecret');
  });

  it('refuses it on edit (422 at /pullSecret), leaving the image as it was', async () => {
    // Prepare
    const image = await createImage(api, admin, GROUP);

    // Act
    const reply = await api.call('PATCH', `${GROUP}/${image.name}`, { token: admin, body: { pullSecret: 'no-such-secret' } });

    // Assess
    expectInvalid(reply, '/pullSecret');
    expect((await api.call<Image>('GET', `${GROUP}/${image.name}`, { token: admin })).body.pullSecret).toBeNull();
  });

  it('refuses it on rebuild (422 at /build/pullSecret)', async () => {
    // Prepare
    const image = (await api.call<Image>('POST', GROUP, { token: admin, body: customBody(undefined, ['rebuild-missing']) })).body;

    // Act
    const reply = await api.call('POST', `${GROUP}/${image.name}/builds`, { token: admin, body: { build: customBody('no-such-secret').build } });

    // Assess
    expectInvalid(reply, '/build/pullSecret');
  });
});

describe('deleting a pull secret in use', () => {
  it('refuses while an existing image uses it to run (409), and allows it once the image no longer does', async () => {
    // Prepare
    const name = await storedSecret('run');
    const image = await createImage(api, admin, GROUP, { url: 'ghcr.io/team-a/private:1.0', pullSecret: name });

    // Act
    const refused = await api.call('DELETE', `/secrets/${name}`, { token: sys });
    await api.call('PATCH', `${GROUP}/${image.name}`, { token: admin, body: { pullSecret: null } });
    const allowed = await api.call('DELETE', `/secrets/${name}`, { token: sys });

    // Assess
    expectProblem(refused, 409);
    expect(allowed.status).toBe(204);
  });

  it('refuses while a system image uses it (409)', async () => {
    // Prepare
    const name = await storedSecret('system');
    await createImage(api, sys, SYSTEM_IMAGES, { url: 'ghcr.io/platform/base:1.0', pullSecret: name });

    // Act
    const reply = await api.call('DELETE', `/secrets/${name}`, { token: sys });

    // Assess
    expectProblem(reply, 409);
    expect(await listed()).toContain(name);
  });

  it('refuses while a build spec uses it (409), and allows it once the image is deleted', async () => {
    // Prepare
    const name = await storedSecret('build');
    const image = (await api.call<Image>('POST', GROUP, { token: admin, body: customBody(name, ['in-use-by-spec']) })).body;

    // Act
    const refused = await api.call('DELETE', `/secrets/${name}`, { token: sys });
    await api.call('DELETE', `${GROUP}/${image.name}`, { token: admin });
    const allowed = await api.call('DELETE', `/secrets/${name}`, { token: sys });

    // Assess
    expect(image.buildSpec?.pullSecret).toBe(name);
    expectProblem(refused, 409);
    expect(allowed.status).toBe(204);
  });

  it("allows it once a rebuild's new spec no longer names it", async () => {
    // Prepare
    const name = await storedSecret('respec');
    const image = (await api.call<Image>('POST', GROUP, { token: admin, body: customBody(name, ['respec']) })).body;
    await api.call('POST', `${GROUP}/${image.name}/builds/${image.latestBuild!.id}/cancel`, { token: admin });

    // Act
    const rebuilt = await api.call('POST', `${GROUP}/${image.name}/builds`, { token: admin, body: { build: customBody(undefined, ['respec']).build } });
    const reply = await api.call('DELETE', `/secrets/${name}`, { token: sys });

    // Assess
    expect(rebuilt.status).toBe(202);
    expect(reply.status).toBe(204);
  });
});

describe('a deleted pull secret', () => {
  let name: string;
  let existing: Image;
  let custom: Image;

  beforeAll(async () => {
    existing = await createImage(api, admin, GROUP);
    custom = (await api.call<Image>('POST', GROUP, { token: admin, body: customBody(undefined, ['after-delete']) })).body;
    name = await storedSecret('gone');
    const deleted = await api.call('DELETE', `/secrets/${name}`, { token: sys });
    if (deleted.status !== 204) throw new Error(`deleting ${name} answered ${deleted.status}`);
  });

  it('cannot be named by a new image (422)', async () => {
    // Act
    const reply = await api.call('POST', GROUP, {
      token: admin,
      body: { displayName: 'private', type: 'cpu', url: 'ghcr.io/team-a/private:1.0', pullSecret: name },
    });

    // Assess
    expectInvalid(reply, '/pullSecret');
  });

  it('cannot be named by a new build spec (422)', async () => {
    // Act
    const reply = await api.call('POST', GROUP, { token: admin, body: customBody(name) });

    // Assess
    expectInvalid(reply, '/build/pullSecret');
  });

  it('cannot be named in an edit (422)', async () => {
    // Act
    const reply = await api.call('PATCH', `${GROUP}/${existing.name}`, { token: admin, body: { pullSecret: name } });

    // Assess
    expectInvalid(reply, '/pullSecret');
  });

  it('cannot be named in a rebuild (422)', async () => {
    // Act
    const reply = await api.call('POST', `${GROUP}/${custom.name}/builds`, { token: admin, body: { build: customBody(name, ['after-delete']).build } });

    // Assess
    expectInvalid(reply, '/build/pullSecret');
  });
});
