/**
 * Real image builds, end to end, through the local server's HTTP API: podman (chroot isolation where
 * its OCI runtime cannot run), Debian's docker-registry on a free loopback port, a debootstrapped
 * bookworm base (made once, cached outside the repository), Debian's own package servers for apt,
 * and a local PEP 503 index for pip (the platform's pipIndexUrl setting points at it). Docker Hub is
 * mirrored on the same registry (baseImageMirrors): a Docker Hub short name is pulled through it, and
 * only there, since this machine has no route to Docker Hub.
 *
 * Skips, saying why in one line, when podman, docker-registry or debootstrap is missing. Deadlines
 * are generous and only turn a hang into a failure; nothing here asserts on time.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEMPLATE_FAILURES } from '../../lambdas/builds/build-context.ts';
import type { Build } from '../../lambdas/domain/build.ts';
import type { Image } from '../../lambdas/domain/image.ts';
import { chooseContainerCli } from '../../lambdas/local/container-cli.ts';
import { cycloneDxErrors } from '../support/cyclonedx.ts';
import { messagesOf, readLog, TERMINAL_STATUSES, waitFor } from '../support/build-polling.ts';
import { WAIT_DEADLINE_MS } from '../support/hang-guard.ts';
import { roleTokens, startLocalApi, type LocalApi } from '../support/local-api.ts';
import {
  debianCandidates,
  dpkgStatus,
  hasImage,
  layersOf,
  makeWheel,
  missingTool,
  pushBaseImage,
  run,
  startPackageIndex,
  startRegistry,
  withImageFiles,
  type PackageIndex,
  type Registry,
} from './real-tools.ts';

const missing = missingTool();
if (missing) console.warn(`test/e2e/real-build.test.ts skipped: ${missing}`);
const suite = missing ? describe.skip : describe;

/** Generous deadlines: a hang becomes a failure that says what it waited for. */
const SETUP_MS = 20 * 60_000;
const BUILD_MS = 15 * 60_000;

const GROUP = '/groups/team-a/images';
const APT = ['hello', 'tree'];
const STALL = 'gi-e2e-stall';
/** A Docker Hub short name, as an admin writes it, and where the mirror holds it (pushed only there). */
const HUB_BASE = 'debian:bookworm';
const HUB_MIRROR_PATH = 'docker-hub';
const HUB_PULLED = 'docker.io/library/debian:bookworm';

suite('a real image build through the API (podman, a local registry, Debian, a local pip index)', () => {
  let work: string;
  let registry: Registry;
  let index: PackageIndex;
  let api: LocalApi;
  let admin: string;
  let base: string;
  let versions: Record<string, string>;
  let apt: string[];
  let image: Image;
  let built: Build;
  let failing: Promise<{ image: Image; build: Build }>;
  let mirrored: Promise<{ image: Image; build: Build }>;
  let hubImageBefore: boolean;

  const buildPath = (name: string, id: string) => `${GROUP}/${name}/builds/${id}`;
  const finished = (name: string, id: string, until = (b: Build) => TERMINAL_STATUSES.includes(b.status)) =>
    waitFor(
      async () => {
        const reply = await api.call<Build>('GET', buildPath(name, id), { token: admin });
        return until(reply.body) ? reply.body : undefined;
      },
      `build ${id} of ${name}`,
      BUILD_MS,
    );
  const create = async (displayName: string, packages: Record<string, string[]>, baseImage = base) => {
    const reply = await api.call<Image>('POST', GROUP, { token: admin, body: { displayName, type: 'cpu', build: { baseImage, packages } } });
    if (reply.status !== 201) throw new Error(`create ${displayName} answered ${reply.status}: ${JSON.stringify(reply.body)}`);
    return reply.body;
  };
  const logOf = async (name: string, id: string) => messagesOf(await readLog(api, admin, buildPath(name, id)));

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'group-images-e2e-'));
    registry = await startRegistry(join(work, 'registry'));
    base = await pushBaseImage(registry);
    // The same Debian, as Docker Hub's debian:bookworm behind a mirror prefix: it exists nowhere else.
    await pushBaseImage(registry, `${HUB_MIRROR_PATH}/library/${HUB_BASE}`);
    hubImageBefore = hasImage(HUB_PULLED);
    versions = await debianCandidates(join(work, 'apt'), APT);
    // One pinned to the exact version Debian serves, one left to apt.
    apt = ['hello', `tree=${versions.tree}`];
    await makeWheel(join(work, 'index'), 'gi-e2e-hello', '1.0.0');
    await makeWheel(join(work, 'index'), 'gi-e2e-extra', '2.0.0');
    index = await startPackageIndex(join(work, 'index'), [STALL]);
    api = await startLocalApi({
      containerCli: chooseContainerCli({ ...process.env, CONTAINER_CLI: 'podman' }),
      localRegistry: registry.host,
      mirrors: { pipIndexUrl: index.url },
      buildTimeoutMinutes: 30,
      baseImageMirrors: { 'docker.io': `${registry.host}/${HUB_MIRROR_PATH}` },
    });
    admin = (await roleTokens(api)).groupAdmin;

    image = await create('e2e-tools', { apt, pip: ['gi-e2e-hello==1.0.0'] });
    // The failing build runs beside it: one apt entry that apt-get would read as a pattern ("tre." matches tree).
    failing = create('e2e-pattern', { apt: ['hello', 'tre.'] }).then(async (i) => ({ image: i, build: await finished(i.name, i.latestBuild!.id) }));
    // No packages: the apt and pip steps are proven above; this one proves where the base image comes from.
    mirrored = create('e2e-hub-mirror', {}, HUB_BASE).then(async (i) => ({ image: i, build: await finished(i.name, i.latestBuild!.id) }));
    built = await finished(image.name, image.latestBuild!.id);
  }, SETUP_MS);

  afterAll(async () => {
    await api?.stop();
    await index?.stop();
    await registry?.stop();
    const tags = (await run('podman', ['images', '--format', '{{.Repository}}:{{.Tag}}']).catch(() => ({ stdout: '' }))).stdout.split('\n');
    const ours = tags.filter((t) => registry && t.startsWith(`${registry.host}/`));
    if (ours.length) await run('podman', ['rmi', '--force', ...ours]).catch(() => undefined);
    if (work) await rm(work, { recursive: true, force: true });
  }, SETUP_MS);

  it('succeeds, pushed to the local registry: a pullable url, its digest in the log and the registry', async () => {
    // Assess
    expect(built).toEqual(expect.objectContaining({ status: 'succeeded', dryRun: false, reused: false, failureReason: null }));
    expect(built.imageUrl).toMatch(new RegExp(`^${registry.host.replace(/\./g, '\\.')}/group-images:sha-[0-9a-f]{32}$`));
    const reply = await api.call<Image>('GET', `${GROUP}/${image.name}`, { token: admin });
    expect(reply.body).toEqual(expect.objectContaining({ ready: true, url: built.imageUrl }));

    const log = await logOf(image.name, built.id);
    expect(log[0]).toMatch(/^container CLI: podman \(set by CONTAINER_CLI\)/);
    const pushed = log.map((l) => /^pushed (\S+), digest (sha256:[0-9a-f]{64})$/.exec(l)).find((m) => m?.[1] === built.imageUrl)?.[2];
    expect(pushed).toBeDefined();
    const [repository, tag] = built.imageUrl!.slice(registry.host.length + 1).split(':');
    const manifest = await fetch(`http://${registry.host}/v2/${repository}/manifests/${tag}`, {
      method: 'HEAD',
      headers: { accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' },
    });
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get('docker-content-digest')).toBe(pushed);

    await run('podman', ['pull', '--tls-verify=false', '--quiet', built.imageUrl!]);
  });

  it('holds the apt packages at the versions Debian serves (one pinned) and the pip package from the mirror', async () => {
    // Act
    const found = await withImageFiles(built.imageUrl!, (root) => {
      const dpkg = dpkgStatus(readFileSync(join(root, 'var/lib/dpkg/status'), 'utf8'));
      const sitePackages = readdirSync(join(root, 'usr/local/lib'))
        .filter((d) => d.startsWith('python3'))
        .map((d) => join(root, 'usr/local/lib', d, 'dist-packages'));
      const metadata = sitePackages.flatMap((dir) =>
        readdirSync(dir)
          .filter((d) => d.endsWith('.dist-info'))
          .map((d) => readFileSync(join(dir, d, 'METADATA'), 'utf8')),
      );
      return { dpkg, metadata, aptList: readFileSync(join(root, 'opt/group-images/apt.txt'), 'utf8') };
    });

    // Assess
    for (const name of APT) expect(found.dpkg.get(name)).toEqual({ version: versions[name], status: 'install ok installed' });
    expect(found.metadata).toEqual([expect.stringMatching(/^Name: gi-e2e-hello\nVersion: 1\.0\.0$/m)]);
    expect(found.aptList).toBe(`${[...apt].sort().join('\n')}\n`);
  });

  it('reports its facts: the pushed digest, its layers, and a lock that matches what is inside the image (issue 18)', async () => {
    // Act
    const log = await logOf(image.name, built.id);
    const pushed = log.map((l) => /^pushed (\S+), digest (sha256:[0-9a-f]{64})$/.exec(l)).find((m) => m?.[1] === built.imageUrl)?.[2];
    const inside = await withImageFiles(built.imageUrl!, (root) => ({ dpkg: dpkgStatus(readFileSync(join(root, 'var/lib/dpkg/status'), 'utf8')) }));
    const facts = built.facts!;

    // Assess
    expect(facts).toEqual(expect.objectContaining({ digest: pushed, layers: (await layersOf(built.imageUrl!)).length, lockOmitted: null }));
    expect(facts.sizeBytes).toBeGreaterThan(0);
    expect(facts.baseImageDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    // The lock is every installed package of the image's dpkg database, at its version, and no other.
    const installed = [...inside.dpkg]
      .filter(([, p]) => p.status === 'install ok installed')
      .map(([name, p]) => `${name}=${p.version}`)
      .sort();
    expect(facts.packages!.apt!.map((p) => `${p.name}=${p.version}`).sort()).toEqual(installed);
    for (const name of APT) expect(facts.packages!.apt).toContainEqual(expect.objectContaining({ name, version: versions[name] }));
    expect(facts.packages!.pip).toContainEqual({ name: 'gi-e2e-hello', version: '1.0.0' });
    expect(facts.packages!.conda).toBeNull();
  });

  it('serves a CycloneDX SBOM of that lock that validates against the CycloneDX 1.5 schema (issue 18)', async () => {
    // Act
    const reply = await api.call<{ components: { purl: string }[]; metadata: { component: { version: string } } }>(
      'GET',
      `${buildPath(image.name, built.id)}/sbom`,
      { token: admin },
    );

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('application/vnd.cyclonedx+json');
    expect(cycloneDxErrors(reply.body)).toEqual([]);
    expect(reply.body.metadata.component.version).toBe(built.facts!.digest);
    const purls = reply.body.components.map((c) => c.purl);
    expect(purls).toEqual(
      expect.arrayContaining([
        `pkg:deb/debian/tree@${versions.tree!.replace(/\+/g, '%2B')}?arch=${built.facts!.packages!.apt!.find((p) => p.name === 'tree')!.architecture}`,
        'pkg:pypi/gi-e2e-hello@1.0.0',
      ]),
    );
    expect(purls).toHaveLength(1 + built.facts!.packages!.apt!.length + built.facts!.packages!.pip!.length);
  });

  it(
    "fails an apt entry that names no package with the template's own reason, never installing what a pattern matches",
    async () => {
      // Act
      const { image: patterned, build } = await failing;
      const log = await logOf(patterned.name, build.id);

      // Assess
      expect(build.status).toBe('failed');
      expect(build.failureReason).toMatch(new RegExp(`^${TEMPLATE_FAILURES.aptUnknown.reason.replace(/[()]/g, '\\$&')} \\(Installing the packages failed`));
      expect(log.join('\n')).toContain('group-images: no apt package is named exactly:\ntre.\n');
      expect(log.some((l) => /Note, selecting|Setting up tree/.test(l))).toBe(false);
    },
    BUILD_MS,
  );

  it(
    'reuses the cached layers when a rebuild adds one package: only the changed step is built again',
    async () => {
      // Act
      const started = await api.call<Build>('POST', `${GROUP}/${image.name}/builds`, {
        token: admin,
        body: { build: { baseImage: base, packages: { apt, pip: ['gi-e2e-hello==1.0.0', 'gi-e2e-extra==2.0.0'] } } },
      });
      const rebuilt = await finished(image.name, started.body.id);
      await run('podman', ['pull', '--tls-verify=false', '--quiet', rebuilt.imageUrl!]);
      const [before, after] = [await layersOf(built.imageUrl!), await layersOf(rebuilt.imageUrl!)];
      const shared = after.findIndex((layer, i) => layer !== before[i]);
      const log = await logOf(image.name, rebuilt.id);

      // Assess
      expect(rebuilt.status).toBe('succeeded');
      expect(after).toHaveLength(before.length);
      // Every layer up to the pip list's COPY is the first build's: the base, the apt list and the apt install
      // (the pip list, the pip install and the lock are new).
      expect(shared).toBe(before.length - 3);
      // Issue 18: the build says so itself: at least the layers it shares with the first build were reused
      // (more when podman's cache holds the others from an earlier build of the same lists).
      expect(rebuilt.facts).toEqual(expect.objectContaining({ layers: after.length }));
      expect(rebuilt.facts!.reusedLayers).toBeGreaterThanOrEqual(shared);
      expect(rebuilt.facts!.reusedLayers).toBeLessThanOrEqual(after.length);
      expect(log.filter((l) => l.startsWith('--> Using cache')).length).toBeGreaterThanOrEqual(2);
      expect(log.filter((l) => l.startsWith('--> Using cache')).length).toBeLessThan(log.filter((l) => /^STEP \d+\/\d+:/.test(l)).length);
    },
    BUILD_MS,
  );

  it(
    "pulls a Docker Hub short name through the mirror and builds from it, the image's spec still what the admin wrote",
    async () => {
      // Act
      const { image: hub, build } = await mirrored;
      const log = await logOf(hub.name, build.id);
      const stored = (await api.call<Image>('GET', `${GROUP}/${hub.name}`, { token: admin })).body;
      const pulled = `${registry.host}/${HUB_MIRROR_PATH}/library/debian:bookworm`;

      // Assess
      expect(build).toEqual(expect.objectContaining({ status: 'succeeded', failureReason: null, imageUrl: expect.stringMatching(/:sha-[0-9a-f]{32}$/) }));
      expect(log).toContain(`base image debian:bookworm: pulling ${pulled} through the mirror of docker.io at ${registry.host}/${HUB_MIRROR_PATH}`);
      expect(log).toContain(`base image ${pulled} runs as user root (none declared)`);
      expect(stored.buildSpec).toEqual({ baseImage: HUB_BASE, packages: {} });
      expect(build.spec.baseImage).toBe(HUB_BASE);
      expect(stored).toEqual(expect.objectContaining({ ready: true, url: build.imageUrl }));
      // Built FROM the mirrored image: its first layer is the mirror's; and nothing came from Docker Hub itself.
      await run('podman', ['pull', '--tls-verify=false', '--quiet', build.imageUrl!]);
      expect((await layersOf(build.imageUrl!))[0]).toBe((await layersOf(pulled))[0]);
      expect(hasImage(HUB_PULLED)).toBe(hubImageBefore);
    },
    BUILD_MS,
  );

  it(
    'rebuilds exactly from a lock: the base image by digest, the same package versions (issue 18)',
    async () => {
      // Act
      const started = await api.call<Build>('POST', `${GROUP}/${image.name}/builds`, { token: admin, body: { lockedFrom: built.id } });
      if (started.status !== 202) throw new Error(`lockedFrom answered ${started.status}: ${JSON.stringify(started.body)}`);
      const locked = await finished(image.name, started.body.id);
      const pins = (b: Build) => ({
        apt: b.facts!.packages!.apt!.map((p) => `${p.name}=${p.version}`).sort(),
        pip: b.facts!.packages!.pip!.map((p) => `${p.name}==${p.version}`).sort(),
      });

      // Assess
      expect(started.status).toBe(202);
      expect({ status: locked.status, failureReason: locked.failureReason }).toEqual({ status: 'succeeded', failureReason: null });
      expect(locked.spec.baseImage).toBe(`${registry.host}/base@${built.facts!.baseImageDigest}`);
      expect(locked.spec.packages.apt).toEqual([`hello=${versions.hello}`, `tree=${versions.tree}`]);
      expect(pins(locked)).toEqual(pins(built));
    },
    BUILD_MS,
  );

  it(
    'cancels a real build: its processes end (the stalled download closes) and it ends cancelled',
    async () => {
      // Prepare: a pip package the index never answers keeps the build in its pip step until it is cancelled.
      const stalled = await create('e2e-cancel', { apt, pip: [STALL] });
      const id = stalled.latestBuild!.id;
      await waitFor(() => index.stalledAsked() > 0 && index.stalledOpen() > 0, 'the build to ask the index for the stalled package', BUILD_MS);

      // Act
      const cancelled = await api.call<Build>('POST', `${buildPath(stalled.name, id)}/cancel`, { token: admin });
      await waitFor(() => index.stalledOpen() === 0, 'the stalled download to close', WAIT_DEADLINE_MS);
      await api.server.builder.idle();

      // Assess
      expect(cancelled.body.status).toBe('cancelled');
      const leftovers = (await run('ps', ['-eo', 'args'])).stdout.split('\n').filter((l) => l.includes(join('builds', id)));
      expect(leftovers).toEqual([]);
      expect((await api.call<Build>('GET', buildPath(stalled.name, id), { token: admin })).body).toEqual(
        expect.objectContaining({ status: 'cancelled', imageUrl: null }),
      );
    },
    BUILD_MS,
  );
});
