/**
 * Which container CLI local builds run with: CONTAINER_CLI, else the first of docker and podman whose
 * engine answers `info`, else a dry run; and podman with chroot isolation where its OCI runtime
 * cannot start a container. Stand-in executables on PATH play docker and podman.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseContainerCli } from '../../lambdas/local/container-cli.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'group-images-cli-choice-'));
  mkdirSync(join(dir, 'bin'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in: `--version` says what it is; `info` and `run` exit as told. */
function cli(name: string, { info, run = 0 }: { info: number; run?: number }) {
  const version = name === 'podman' ? 'podman version 4.3.1' : 'Docker version 27.1.1';
  writeFileSync(join(dir, 'bin', name), `#!/bin/sh\ncase "$1" in\n  --version) echo "${version}" ;;\n  info) exit ${info} ;;\n  run) exit ${run} ;;\nesac\n`);
  chmodSync(join(dir, 'bin', name), 0o755);
}
// Only the stand-ins: the real docker and podman of this machine must not be found.
const env = (extra: Record<string, string> = {}) => ({ PATH: join(dir, 'bin'), ...extra });

describe('chooseContainerCli', () => {
  it('passes over a docker client whose daemon does not answer, and takes podman, saying why', () => {
    cli('docker', { info: 1 });
    cli('podman', { info: 0 });

    const choice = chooseContainerCli(env());

    expect(choice.cli).toBe('podman');
    expect(choice.why).toMatch(/^container CLI: podman \(its engine answers `podman info`; docker is installed but `docker info` fails/);
    expect(choice.env).toEqual({});
  });

  it('takes docker when its engine answers', () => {
    cli('docker', { info: 0 });
    cli('podman', { info: 0 });

    expect(chooseContainerCli(env()).cli).toBe('docker');
  });

  it('dry-runs, saying why and what to do, when no engine answers', () => {
    cli('docker', { info: 1 });

    const choice = chooseContainerCli(env());

    expect(choice.cli).toBeNull();
    expect(choice.why).toMatch(
      /DRY RUNS \(docker is installed but `docker info` fails \(no engine running\)\): install podman or start docker's engine, or set CONTAINER_CLI$/,
    );
  });

  it('dry-runs when neither is installed', () => {
    expect(chooseContainerCli(env()).why).toContain('neither docker nor podman is installed');
  });

  it('takes CONTAINER_CLI as given, and an empty one as "dry run"', () => {
    cli('docker', { info: 0 });

    expect(chooseContainerCli(env({ CONTAINER_CLI: '/opt/bin/nerdctl' }))).toEqual({
      cli: '/opt/bin/nerdctl',
      why: 'container CLI: /opt/bin/nerdctl (set by CONTAINER_CLI)',
      env: {},
    });
    expect(chooseContainerCli(env({ CONTAINER_CLI: '' })).cli).toBeNull();
  });

  it("builds with chroot isolation when podman's OCI runtime cannot run a container, and says so", () => {
    cli('podman', { info: 0, run: 126 });

    const choice = chooseContainerCli(env());

    expect(choice.env).toEqual({ BUILDAH_ISOLATION: 'chroot' });
    expect(choice.why).toContain('its OCI runtime cannot run containers here, so builds use chroot isolation (BUILDAH_ISOLATION=chroot)');
  });

  it('keeps BUILDAH_ISOLATION when the user set it', () => {
    cli('podman', { info: 0, run: 126 });

    expect(chooseContainerCli(env({ BUILDAH_ISOLATION: 'oci' })).env).toEqual({ BUILDAH_ISOLATION: 'oci' });
  });
});
