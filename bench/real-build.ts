/**
 * `npm run bench:real-build`: how long a real apt build takes on this machine, cold and with cached
 * layers, through the local server's API (podman, Debian's docker-registry on a free loopback port,
 * the e2e suite's cached debootstrapped base, Debian's package servers).
 *
 * Each run:
 *  - cold: the base image is re-imported under a fresh label, so podman's layer cache has nothing for
 *    it (the cache is keyed by the parent image), then a group builds apt [hello, tree] from it;
 *  - cached: another group builds the identical spec (a different tag, so a real build, not a reuse):
 *    every Dockerfile step comes from podman's layer cache, and the pull, the push and the phases run.
 * The time is from the create request to the API reporting the build succeeded (polled every 100 ms).
 * Needs root, podman, docker-registry, debootstrap. Writes bench/.work/real-build.json.
 *
 *   npm run bench:real-build -- --runs 3
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../lib/bundling.ts';
import { chooseContainerCli } from '../lambdas/local/container-cli.ts';
import { startLocalServer } from '../lambdas/local/server.ts';
import { mintLocalToken } from '../lambdas/local/token.ts';
import { missingTool, pushBaseImage, run, startRegistry } from '../test/e2e/real-tools.ts';

process.env.LOG_LEVEL ??= 'silent';
const { values } = parseArgs({ options: { runs: { type: 'string', default: '2' } } });
const runs = Number(values.runs);
const missing = missingTool();
if (missing) {
  console.error(`bench: real build skipped: ${missing}`);
  process.exit(0);
}

const work = await mkdtemp(join(tmpdir(), 'group-images-bench-build-'));
const registry = await startRegistry(join(work, 'registry'));
const server = await startLocalServer({
  dataDir: join(work, 'data'),
  inMemory: true,
  containerCli: chooseContainerCli({ ...process.env, CONTAINER_CLI: 'podman' }),
  localRegistry: registry.host,
  maxConcurrentBuildsPerGroup: 100,
  maxImagesPerGroup: 1000,
});

/** Seconds from the create request to "succeeded", and the Dockerfile steps podman took from its layer cache (from the build log). */
async function timedBuild(group: string, baseImage: string): Promise<{ seconds: number; steps: number; cachedSteps: number }> {
  const token = await mintLocalToken(join(work, 'data'), { sub: 'bench', groups: [group], adminGroups: [group] });
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const started = performance.now();
  const created = await fetch(`${server.url}/groups/${group}/images`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ displayName: `bench-${group}`, type: 'cpu', build: { baseImage, packages: { apt: ['hello', 'tree'] } } }),
  }).then((r) => r.json() as Promise<{ name: string; latestBuild: { id: string } }>);
  for (;;) {
    const build = await fetch(`${server.url}/groups/${group}/images/${created.name}/builds/${created.latestBuild.id}`, { headers }).then(
      (r) => r.json() as Promise<{ status: string; failureReason: string | null }>,
    );
    if (build.status === 'succeeded') {
      const seconds = (performance.now() - started) / 1000;
      const log = await fetch(`${server.url}/groups/${group}/images/${created.name}/builds/${created.latestBuild.id}/logs`, { headers }).then(
        (r) => r.json() as Promise<{ lines: { message: string }[] }>,
      );
      const count = (pattern: RegExp) => log.lines.filter((l) => pattern.test(l.message)).length;
      return { seconds, steps: count(/^STEP \d+\/\d+: /), cachedSteps: count(/^--> Using cache /) };
    }
    if (build.status === 'failed' || build.status === 'cancelled') throw new Error(`the bench build ${build.status}: ${build.failureReason}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

type Timed = Awaited<ReturnType<typeof timedBuild>>;
const cold: Timed[] = [];
const cached: Timed[] = [];
try {
  const pushed = await pushBaseImage(registry);
  for (let i = 0; i < runs; i++) {
    // A fresh parent image id for the same files: nothing in podman's layer cache descends from it.
    const fresh = `${registry.host}/base:bench-${Date.now()}`;
    await run('podman', ['pull', '--tls-verify=false', '--quiet', pushed]);
    const context = join(work, `base-${i}`);
    await mkdir(context);
    await writeFile(join(context, 'Containerfile'), `FROM ${pushed}\nLABEL bench-run="${Date.now()}-${i}"\n`);
    await run('podman', ['build', '--quiet', '--tag', fresh, context]);
    await run('podman', ['push', '--tls-verify=false', '--quiet', fresh]);
    await run('podman', ['rmi', fresh, pushed]);
    cold.push(await timedBuild(`cold-${i}`, fresh));
    cached.push(await timedBuild(`cached-${i}`, fresh));
    const [c, w] = [cold.at(-1)!, cached.at(-1)!];
    process.stderr.write(
      `bench: run ${i + 1}/${runs}: cold ${c.seconds.toFixed(1)} s (${c.cachedSteps}/${c.steps} steps cached), cached ${w.seconds.toFixed(1)} s (${w.cachedSteps}/${w.steps})\n`,
    );
  }
} finally {
  await server.close();
  await registry.stop();
  const { stdout } = await run('podman', ['images', '--format', '{{.Repository}}:{{.Tag}}']).catch(() => ({ stdout: '' }));
  const ours = stdout.split('\n').filter((t) => t.startsWith(`${registry.host}/`));
  if (ours.length) await run('podman', ['rmi', '--force', ...ours]).catch(() => undefined);
  await rm(work, { recursive: true, force: true });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const result = {
  at: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg: loadavg() },
  spec: { apt: ['hello', 'tree'], base: 'debootstrapped bookworm minbase + python3, pip (test/e2e/base-image.sh)' },
  containerCli: server.containerCli.why,
  cold,
  cached,
  seconds: { coldMedian: median(cold.map((t) => t.seconds)), cachedMedian: median(cached.map((t) => t.seconds)) },
};
const show = (ts: Timed[]) => ts.map((t) => `${t.seconds.toFixed(1)} s (${t.cachedSteps}/${t.steps} steps cached)`).join(', ');
await mkdir(join(PROJECT_ROOT, 'bench/.work'), { recursive: true });
await writeFile(join(PROJECT_ROOT, 'bench/.work/real-build.json'), `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(
  `Real apt build (hello, tree), create request to succeeded, n=${runs}: cold median ${result.seconds.coldMedian.toFixed(1)} s [${show(cold)}]; cached layers median ${result.seconds.cachedMedian.toFixed(1)} s [${show(cached)}]\n`,
);
