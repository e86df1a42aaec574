/**
 * `npm run smoke` against the local server (the same handlers as the deployment): every step passes
 * with a group admin's token, and the CLI prints what passed and exits 0 (1 when a step fails).
 * GET /me is required: the first test needs that route (added by its own issue) to pass.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../lib/service-function.ts';
import { runSmoke } from '../../scripts/smoke.ts';
import { startLocalApi, type LocalApi } from '../support/local-api.ts';

const run = promisify(execFile);
let api: LocalApi;
let admin: string;

beforeAll(async () => {
  api = await startLocalApi();
  admin = await api.token({ sub: 'ada', groups: ['team-a'], adminGroups: ['team-a'] });
});
afterAll(() => api.stop());

describe('npm run smoke', () => {
  it('walks the API with a group admin token: every step passes, and it leaves nothing behind', async () => {
    const steps = await runSmoke({ url: api.server.url, token: admin });

    expect(steps.map((s) => s.name)).toEqual([
      'GET /health answers 200 without a token',
      'GET /openapi.json serves the OpenAPI document',
      'GET /me: who the token is (sub, groups, adminGroups, systemAdmin)',
      "GET /groups/team-a/images lists the group's images",
      'POST /groups/team-a/images adds an existing image',
      'DELETE /groups/team-a/images/{name} deletes it again',
      'a build spec with a refused entry is refused by name (dry: nothing is built)',
    ]);
    expect(steps.filter((s) => !s.ok)).toEqual([]);
    const left = await api.call('GET', '/groups/team-a/images', { token: admin });
    expect(left.body.items).toEqual([]);
  });

  it('walks the rest of the API in the group named by --group, whatever GET /me answers', async () => {
    const steps = await runSmoke({ url: api.server.url, token: admin, group: 'team-a' });

    expect(steps).toHaveLength(7);
    expect(steps.filter((s) => !s.ok && !s.name.startsWith('GET /me'))).toEqual([]);
  });

  it('fails the steps a token may not do, saying what it got', async () => {
    const member = await api.token({ sub: 'mel', groups: ['team-a'] });

    const steps = await runSmoke({ url: api.server.url, token: member, group: 'team-a' });

    const create = steps.find((s) => s.name.startsWith('POST'))!;
    expect(create).toMatchObject({ ok: false, detail: expect.stringContaining('expected 201, got 403') });
  });

  it('prints PASS/FAIL per step from the command line and exits non-zero when one fails', async () => {
    const outcome = await run(
      join(PROJECT_ROOT, 'node_modules/.bin/tsx'),
      ['scripts/smoke.ts', '--url', api.server.url, '--token', 'not-a-jwt', '--group', 'team-a'],
      { cwd: PROJECT_ROOT },
    ).then(
      (r) => ({ code: 0, stdout: r.stdout }),
      (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
    );

    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toMatch(/^PASS {2}GET \/health answers 200 without a token/m);
    expect(outcome.stdout).toMatch(/^FAIL {2}GET \/groups\/team-a\/images lists the group's images: expected 200, got 401/m);
    expect(outcome.stdout).toMatch(/steps failed$/m);
  });
});
