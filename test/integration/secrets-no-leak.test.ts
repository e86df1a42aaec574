/**
 * The pull secret's password never leaves the secret store except through the CLI's stdin: not in
 * a response (body or header), an error message, a build log, the server's own log, a command line,
 * a file other than the secret's own, or the CodeBuild-shaped events the local runner emits.
 *
 * The walk (issue 4's "done when") runs once in beforeAll, recording everything it sees; each test
 * then looks for the password in one place. A group's own pull secret (issue 12) is held to the same:
 * its admin stores it and builds with it, its members and another group's admin are refused.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderBuildContext } from '../../lambdas/builds/build-context.ts';
import { queuedBuild, type Build } from '../../lambdas/domain/build.ts';
import type { Image, StoredBuildSpec } from '../../lambdas/domain/image.ts';
import { dockerConfigJson } from '../../lambdas/domain/pull-secrets.ts';
import { LocalBuildLogs } from '../../lambdas/local/local-build-logs.ts';
import { LocalBuilder } from '../../lambdas/local/local-builder.ts';
import { messagesOf, pollBuild, readLog } from '../support/build-polling.ts';
import { roleTokens, startLocalApi, type CallOptions, type LocalApi, type Reply } from '../support/local-api.ts';
import { writeStandInCli, type StandInCli } from '../support/stand-in-cli.ts';

const GROUP = '/groups/team-a/images';
const BASE = 'ghcr.io/team-a/private-base:1.0';
const LOGIN = { registry: 'ghcr.io', username: 'team-a-bot', password: 'ghp_N0-L3ak-p4ssw0rd-7Qx' };
const REFUSED = { registry: 'ghcr.io', username: 'team-a-bot', password: 'standin-refuse-Zk41-p4ss' };
/** team-a's own secret, for the same registry under another account. */
const GROUP_LOGIN = { registry: 'ghcr.io', username: 'team-a-own', password: 'gr0up-0wn-p4ss-Hq83' };
/** The password in every form it is stored in (plain, and inside the .dockerconfigjson's auth). */
const forms = (login: typeof LOGIN) => [
  login.password,
  Buffer.from(`${login.username}:${login.password}`).toString('base64'),
  Buffer.from(login.password).toString('base64'),
];
const SECRETS = [...forms(LOGIN), ...forms(REFUSED), ...forms(GROUP_LOGIN)];
const leaks = (text: string) => SECRETS.filter((s) => text.includes(s));

let api: LocalApi;
let cli: StandInCli;
let tokens: Awaited<ReturnType<typeof roleTokens>>;
const replies: { what: string; reply: Reply }[] = [];
const serverLog: string[] = [];
let built: Build;
let refused: Build;
let groupBuilt: Build;
let groupBuiltPath: string;
let builtPath: string;
let refusedPath: string;
let previousLogLevel: string | undefined;

async function call(what: string, method: string, path: string, options: CallOptions = {}) {
  const reply = await api.call(method, path, options);
  replies.push({ what, reply });
  return reply;
}

const replyText = ({ reply }: { reply: Reply }) =>
  `${reply.status} ${JSON.stringify([...reply.headers.entries()])} ${typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body)}`;

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

beforeAll(async () => {
  // The server logs JSON lines straight to stdout and stderr: hold them for the whole walk.
  previousLogLevel = process.env.LOG_LEVEL;
  process.env.LOG_LEVEL = 'debug';
  const capture = (chunk: unknown) => {
    serverLog.push(String(chunk));
    return true;
  };
  const streams = [jest.spyOn(process.stdout, 'write').mockImplementation(capture), jest.spyOn(process.stderr, 'write').mockImplementation(capture)];

  cli = await writeStandInCli();
  api = await startLocalApi({ containerCli: cli.path });
  tokens = await roleTokens(api);
  const { systemAdmin: sys, groupAdmin: admin } = tokens;

  // A system admin stores the credential (and replaces it), and one a registry will refuse.
  await call('store', 'PUT', '/secrets/ghcr-team-a', { token: sys, body: { ...LOGIN, password: 'first-version-0f-it' } });
  await call('replace', 'PUT', '/secrets/ghcr-team-a', { token: sys, body: LOGIN });
  await call('store refused', 'PUT', '/secrets/ghcr-refused', { token: sys, body: REFUSED });
  // Bodies that are refused, with the password in them.
  await call('bad registry', 'PUT', '/secrets/ghcr-bad', { token: sys, body: { ...LOGIN, registry: 'https://ghcr.io/' } });
  await call('unknown field', 'PUT', '/secrets/ghcr-bad', { token: sys, body: { ...LOGIN, token: LOGIN.password } });
  await call('bad username', 'PUT', '/secrets/ghcr-bad', { token: sys, body: { ...LOGIN, username: `${LOGIN.username}:${LOGIN.password}` } });
  await call('bad name', 'PUT', '/secrets/Ghcr_Team_A', { token: sys, body: LOGIN });
  await call('not allowed', 'PUT', '/secrets/ghcr-team-a', { token: admin, body: LOGIN });
  // A group admin sees it listed and uses it for an existing image and for a build.
  await call('list', 'GET', '/secrets', { token: admin });
  await call('existing image', 'POST', GROUP, { token: admin, body: { displayName: 'private', type: 'cpu', url: `${BASE}`, pullSecret: 'ghcr-team-a' } });
  const custom = (
    await call('custom image', 'POST', GROUP, {
      token: admin,
      body: { displayName: 'private-build', type: 'cpu', build: { baseImage: BASE, pullSecret: 'ghcr-team-a', packages: { pip: ['requests'] } } },
    })
  ).body as Image;
  builtPath = `${GROUP}/${custom.name}/builds/${custom.latestBuild!.id}`;
  built = await pollBuild(api, admin, builtPath);
  const other = (
    await call('refused build', 'POST', GROUP, {
      token: admin,
      body: { displayName: 'refused-build', type: 'cpu', build: { baseImage: BASE, pullSecret: 'ghcr-refused', packages: { pip: ['numpy'] } } },
    })
  ).body as Image;
  refusedPath = `${GROUP}/${other.name}/builds/${other.latestBuild!.id}`;
  refused = await pollBuild(api, admin, refusedPath);
  for (const [what, path] of [
    ['image', `${GROUP}/${custom.name}`],
    ['build', builtPath],
    ['history', `${GROUP}/${custom.name}/builds`],
    ['logs', `${builtPath}/logs`],
    ['refused logs', `${refusedPath}/logs`],
    ['selection', '/groups/team-a/image-selection'],
  ] as const) {
    await call(what, 'GET', path, { token: admin });
  }
  await call('in use', 'DELETE', '/secrets/ghcr-team-a', { token: tokens.systemAdmin });

  // team-a's own secret: its admin stores and replaces it; a member and team-b's admin are refused.
  const OWN = '/groups/team-a/secrets/ghcr-own';
  await call('group store', 'PUT', OWN, { token: admin, body: { ...GROUP_LOGIN, password: 'first-gr0up-version' } });
  await call('group replace', 'PUT', OWN, { token: admin, body: GROUP_LOGIN });
  await call('group bad body', 'PUT', OWN, { token: admin, body: { ...GROUP_LOGIN, registry: `https://${GROUP_LOGIN.password}` } });
  await call('group list', 'GET', '/groups/team-a/secrets', { token: admin });
  await call('system list after the group store', 'GET', '/secrets', { token: admin });
  await call('group list by member', 'GET', '/groups/team-a/secrets', { token: tokens.member });
  await call('group list by other admin', 'GET', '/groups/team-a/secrets', { token: tokens.otherAdmin });
  await call('group store by other admin', 'PUT', OWN, { token: tokens.otherAdmin, body: GROUP_LOGIN });
  await call('group secret named by other group', 'POST', '/groups/team-b/images', {
    token: tokens.otherAdmin,
    body: { displayName: 'stolen', type: 'cpu', url: BASE, pullSecret: 'team-a/ghcr-own' },
  });
  const own = (
    await call('group custom image', 'POST', GROUP, {
      token: admin,
      body: { displayName: 'own-build', type: 'cpu', build: { baseImage: BASE, pullSecret: 'team-a/ghcr-own', packages: { pip: ['own-secret'] } } },
    })
  ).body as Image;
  groupBuiltPath = `${GROUP}/${own.name}/builds/${own.latestBuild!.id}`;
  groupBuilt = await pollBuild(api, admin, groupBuiltPath);
  await call('group logs', 'GET', `${groupBuiltPath}/logs`, { token: admin });
  await call('group in use', 'DELETE', OWN, { token: admin });
  for (const stream of streams) stream.mockRestore();
  restoreLogLevel();
});

function restoreLogLevel() {
  if (previousLogLevel === undefined) delete process.env.LOG_LEVEL;
  else process.env.LOG_LEVEL = previousLogLevel;
}

afterAll(async () => {
  await api.stop();
  await cli.remove();
  jest.restoreAllMocks();
  restoreLogLevel();
});

describe('a build from a private base image', () => {
  it('succeeds, having logged in to the registry with the secret', async () => {
    // Act
    const calls = await cli.callsOf(built.id);

    // Assess
    expect(built.status).toBe('succeeded');
    expect(calls.map((c) => c.args)).toContainEqual(['login', '--username', LOGIN.username, '--password-stdin', LOGIN.registry]);
    expect(messagesOf(await readLog(api, tokens.groupAdmin, builtPath))).toContain('logged in to 1 registry with the pull secret');
  });

  it('handed the password to the CLI on stdin', async () => {
    // Act
    const stdin = (await cli.stdinText()).split('\n');

    // Assess
    expect(stdin).toContain(LOGIN.password);
  });

  it("logs in with the group's own secret when the spec names it", async () => {
    // Act
    const calls = await cli.callsOf(groupBuilt.id);

    // Assess
    expect(groupBuilt.status).toBe('succeeded');
    expect(calls.map((c) => c.args)).toContainEqual(['login', '--username', GROUP_LOGIN.username, '--password-stdin', GROUP_LOGIN.registry]);
    expect((await cli.stdinText()).split('\n')).toContain(GROUP_LOGIN.password);
  });

  it("lists the group's secret to its admin only, and never among the system's", () => {
    // Assess
    const body = (what: string) => replies.find((r) => r.what === what)!.reply.body as { items: { name: string }[] };
    expect(body('group list').items.map((s) => s.name)).toEqual(['ghcr-own']);
    expect(
      body('system list after the group store')
        .items.map((s) => s.name)
        .sort(),
    ).toEqual(['ghcr-refused', 'ghcr-team-a']);
  });

  it('fails while preparing (PRE_BUILD) with an actionable reason when the registry refuses the login', () => {
    // Assess
    expect(refused.status).toBe('failed');
    expect(refused.phase).toBe('preparing');
    expect(refused.failureReason).toMatch(/^could not log in to ghcr\.io with the image's pull secret: check the secret's registry, username and password/);
  });
});

describe('the password appears nowhere else', () => {
  it('in no response body or header, error answers included', () => {
    // Assess: the walk made every call it meant to (so there is something to look at)
    expect(replies.map((r) => `${r.what} ${r.reply.status}`)).toEqual(
      expect.arrayContaining([
        'store 201',
        'replace 200',
        'bad registry 422',
        'unknown field 422',
        'bad username 422',
        'bad name 422',
        'not allowed 403',
        'list 200',
        'existing image 201',
        'custom image 201',
        'logs 200',
        'in use 409',
      ]),
    );
    expect(replies.filter((r) => r.what.startsWith('group')).map((r) => `${r.what} ${r.reply.status}`)).toEqual([
      'group store 201',
      'group replace 200',
      'group bad body 422',
      'group list 200',
      'group list by member 403',
      'group list by other admin 403',
      'group store by other admin 403',
      'group secret named by other group 422',
      'group custom image 201',
      'group logs 200',
      'group in use 409',
    ]);
    expect(replies.map((r) => ({ what: r.what, leaks: leaks(replyText(r)) })).filter((r) => r.leaks.length)).toEqual([]);
  });

  it('in no command line the CLI was given', async () => {
    // Act
    const argv = await cli.argvText();

    // Assess
    expect(argv).toContain('--password-stdin');
    expect(leaks(argv)).toEqual([]);
  });

  it('in no build log, read through the API', async () => {
    // Act
    const logs = [...messagesOf(await readLog(api, tokens.groupAdmin, builtPath)), ...messagesOf(await readLog(api, tokens.groupAdmin, refusedPath))];

    // Assess
    expect(logs.length).toBeGreaterThan(10);
    expect(leaks(logs.join('\n'))).toEqual([]);
  });

  it("in no file under DATA_DIR but the secrets' own", async () => {
    // Act
    const files = await filesUnder(api.dataDir);
    const holding = [];
    for (const file of files) if (leaks(await readFile(file, 'utf8')).length) holding.push(file.slice(api.dataDir.length + 1));

    // Assess
    expect(files.some((f) => f.includes(`${join('', 'build-logs')}`))).toBe(true);
    expect(holding.sort()).toEqual(
      [join('secrets', 'ghcr-refused.json'), join('secrets', 'ghcr-team-a.json'), join('secrets', 'groups', 'team-a', 'ghcr-own.json')].sort(),
    );
  });

  it("in none of the server's own log lines", () => {
    // Assess
    expect(serverLog.length).toBeGreaterThan(10);
    expect(serverLog.filter((line) => leaks(line).length)).toEqual([]);
  });
});

describe('the progress reports of a local build with a pull secret', () => {
  const OTHER = { registry: 'registry.example.com:5000', username: 'robot', password: 'ev3nts-n0-L3ak-9dd2' };
  const spec: StoredBuildSpec = { baseImage: 'registry.example.com:5000/team-a/base:2', pullSecret: 'example-registry', packages: { pip: ['numpy'] } };
  const events: unknown[] = [];
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'group-images-events-'));
    const builder = new LocalBuilder({
      dataDir,
      logs: new LocalBuildLogs(join(dataDir, 'build-logs')),
      containerCli: cli.path,
      timeoutMinutes: 5,
      pullSecretJson: async (name) => (name === 'example-registry' ? dockerConfigJson(OTHER) : undefined),
      report: async (ref, builderId, progress) => void events.push({ ref, builderId, progress }),
    });
    const build = queuedBuild({
      id: 'b0lz4k2m1events1',
      image: 'events-check',
      group: 'team-a',
      spec,
      specHash: 'e'.repeat(64),
      targetUrl: `localhost:5000/group-images:sha-${'e'.repeat(32)}`,
      createdAt: new Date().toISOString(),
      createdBy: 'ada',
    });
    await builder.start({ scope: { group: 'team-a' }, build, files: renderBuildContext(spec).files, cacheRef: '', pullSecret: 'example-registry' });
    await builder.idle();
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it("come from a build that used the secret (its password went to the CLI's stdin)", async () => {
    // Act
    const stdin = (await cli.stdinText()).split('\n');

    // Assess
    expect(stdin).toContain(OTHER.password);
  });

  it("are about this build, ending with the build's success", () => {
    // Assess
    expect(events.length).toBeGreaterThan(2);
    expect(events.map((e) => (e as { ref: unknown }).ref)).toEqual(
      events.map(() => ({ scope: { group: 'team-a' }, image: 'events-check', buildId: 'b0lz4k2m1events1' })),
    );
    expect(events.at(-1)).toEqual(expect.objectContaining({ progress: expect.objectContaining({ status: 'succeeded' }) }));
  });

  it('never carry the password', () => {
    // Act
    const text = JSON.stringify(events);

    // Assess
    expect(forms(OTHER).filter((s) => text.includes(s))).toEqual([]);
  });
});
