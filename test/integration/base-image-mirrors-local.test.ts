/**
 * The local builder honours the base-image pull reference: the real buildspec, run by LocalBuilder
 * with a stand-in container CLI, reads and builds from the mirror's reference, logs which reference
 * it pulled and why, and keeps an image with a pull secret on its own registry. (A real pull through
 * a loopback registry belongs with the real-build suite.)
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderBuildContext } from '../../lambdas/builds/build-context.ts';
import { queuedBuild } from '../../lambdas/domain/build.ts';
import type { StoredBuildSpec } from '../../lambdas/domain/image.ts';
import { LocalBuildLogs } from '../../lambdas/local/local-build-logs.ts';
import { LocalBuilder } from '../../lambdas/local/local-builder.ts';
import { writeStandInCli, type StandInCli } from '../support/stand-in-cli.ts';

process.env.LOG_LEVEL ??= 'silent';

const MIRROR = 'localhost:5001/docker-hub';
const PULL_SECRET = JSON.stringify({ auths: { 'localhost:5000': { username: 'robot', password: 'standin-password' } } });

let cli: StandInCli;
let dataDir: string;
let logs: LocalBuildLogs;
let serial = 0;

beforeAll(async () => {
  cli = await writeStandInCli();
  dataDir = await mkdtemp(join(tmpdir(), 'group-images-mirrors-'));
  logs = new LocalBuildLogs(join(dataDir, 'build-logs'));
});
afterAll(async () => {
  await cli.remove();
  await rm(dataDir, { recursive: true, force: true });
});

const builder = () =>
  new LocalBuilder({
    dataDir,
    logs,
    containerCli: cli.path,
    timeoutMinutes: 5,
    pullSecretJson: async () => PULL_SECRET,
    report: async () => undefined,
    baseImageMirrors: { 'docker.io': MIRROR },
  });

async function runBuild(spec: StoredBuildSpec) {
  const id = `b0lz4k2m1mirror${++serial}`;
  const build = queuedBuild({
    id,
    image: 'mirror-check',
    group: 'team-a',
    spec,
    specHash: 'b'.repeat(64),
    targetUrl: `localhost:5000/group-images:sha-${'b'.repeat(32)}`,
    createdAt: new Date().toISOString(),
    createdBy: 'ada',
  });
  const runner = builder();
  const { builderId } = await runner.start({
    scope: { group: 'team-a' },
    build,
    files: renderBuildContext(spec).files,
    cacheRef: '',
    pullSecret: spec.pullSecret ?? null,
  });
  await runner.idle();
  const { lines } = await logs.read({ ...build, builderId }, undefined, 1000);
  const calls = await cli.callsOf(id);
  return { log: lines.map((l) => l.message), calls: calls.map((c) => c.args) };
}

describe('LocalBuilder with BASE_IMAGE_MIRRORS', () => {
  it('reads and builds a Docker Hub short name from the mirror, and logs which reference it pulled and why', async () => {
    // Act
    const { log, calls } = await runBuild({ baseImage: 'debian:bookworm', packages: { apt: ['curl'] } });

    // Assess
    const pulled = `${MIRROR}/library/debian:bookworm`;
    expect(log).toContain(`base image debian:bookworm: pulling ${pulled} through the mirror of docker.io at ${MIRROR}`);
    expect(log).toContain('[Container] Build SUCCEEDED');
    const inspect = calls.find((a) => a[0] === 'buildx' && a[1] === 'imagetools');
    const build = calls.find((a) => a[0] === 'buildx' && a[1] === 'build');
    expect(inspect?.at(-1)).toBe(pulled);
    expect(build).toContain(`BASE_IMAGE=${pulled}`);
    expect(calls.flat().some((a) => a.includes('debian:bookworm') && !a.includes(MIRROR))).toBe(false);
  });

  it('reads and builds an image with a pull secret from its own registry, logged in with the secret', async () => {
    // Act
    const { log, calls } = await runBuild({ baseImage: 'python:3.12', pullSecret: 'hub-team', packages: {} });

    // Assess
    expect(log).toContain(
      "base image python:3.12: pulling python:3.12 from its own registry docker.io with the image's pull secret (a mirror would not use the secret)",
    );
    expect(calls.find((a) => a[0] === 'login')?.at(-1)).toBe('localhost:5000');
    expect(calls.find((a) => a[0] === 'buildx' && a[1] === 'build')).toContain('BASE_IMAGE=python:3.12');
    expect(calls.flat().some((a) => a.includes(MIRROR))).toBe(false);
  });
});
