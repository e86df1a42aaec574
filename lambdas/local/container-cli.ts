/**
 * Which container CLI local builds run with, and why: CONTAINER_CLI when set (empty: none), else the
 * first of docker and podman whose engine answers `info`, else none (dry runs). A `docker` client
 * without a daemon answers `info` with an error, so it is passed over instead of failing every build.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ContainerCliChoice {
  /** The executable, or null: builds are dry runs. */
  cli: string | null;
  /** One line: which, and why (printed at start-up and at the top of every build's log). */
  why: string;
  /** Extra environment for the build's commands (podman's chroot isolation where its OCI runtime cannot run). */
  env: Record<string, string>;
}

type Env = Record<string, string | undefined>;

const CANDIDATES = ['docker', 'podman'] as const;
/** `info` of an engine that answers takes well under a second; a hung socket must not hang start-up. */
const INFO_TIMEOUT_MS = 15_000;

const answers = (cli: string, args: string[], env: Env) =>
  spawnSync(cli, args, { stdio: 'ignore', timeout: INFO_TIMEOUT_MS, env: env as NodeJS.ProcessEnv }).status === 0;

/** A caller's explicit choice (tests, embedders): a path, or null for dry runs. */
export function containerCliChoiceOf(given: string | null | ContainerCliChoice): ContainerCliChoice {
  if (given === null) return { cli: null, why: 'container CLI: none, a DRY RUN (none was given): nothing is built', env: {} };
  if (typeof given === 'string') return { cli: given, why: `container CLI: ${given} (given by the caller)`, env: {} };
  return given;
}

export function chooseContainerCli(env: Env = process.env): ContainerCliChoice {
  if (env.CONTAINER_CLI !== undefined) {
    if (env.CONTAINER_CLI === '') return { cli: null, why: 'container CLI: none, a DRY RUN (CONTAINER_CLI is set empty): nothing is built', env: {} };
    return withIsolation(env.CONTAINER_CLI, `container CLI: ${env.CONTAINER_CLI} (set by CONTAINER_CLI)`, env);
  }
  const passedOver: string[] = [];
  for (const cli of CANDIDATES) {
    if (!answers(cli, ['--version'], env)) continue;
    if (answers(cli, ['info'], env))
      return withIsolation(cli, `container CLI: ${cli} (its engine answers \`${cli} info\`${passedOver.length ? `; ${passedOver.join(', ')}` : ''})`, env);
    passedOver.push(`${cli} is installed but \`${cli} info\` fails (no engine running)`);
  }
  const found = passedOver.length ? passedOver.join('; ') : 'neither docker nor podman is installed';
  return { cli: null, why: `container CLI: none, builds are DRY RUNS (${found}): install podman or start docker's engine, or set CONTAINER_CLI`, env: {} };
}

/**
 * podman whose OCI runtime cannot start a container (on some kernels' cgroup setups crun fails
 * before running anything) still builds with chroot isolation, which needs no runtime. Probed by
 * running a static executable in an empty root filesystem: no image, no network, nothing pulled.
 */
function withIsolation(cli: string, why: string, env: Env): ContainerCliChoice {
  if (env.BUILDAH_ISOLATION)
    return { cli, why: `${why}; BUILDAH_ISOLATION=${env.BUILDAH_ISOLATION} as set`, env: { BUILDAH_ISOLATION: env.BUILDAH_ISOLATION } };
  if (!isPodman(cli, env) || ociRuntimeRuns(cli, env)) return { cli, why, env: {} };
  return {
    cli,
    why: `${why}; its OCI runtime cannot run containers here, so builds use chroot isolation (BUILDAH_ISOLATION=chroot)`,
    env: { BUILDAH_ISOLATION: 'chroot' },
  };
}

function isPodman(cli: string, env: Env): boolean {
  const out = spawnSync(cli, ['--version'], { encoding: 'utf8', timeout: INFO_TIMEOUT_MS, env: env as NodeJS.ProcessEnv });
  return /podman/i.test(out.stdout ?? '');
}

const STATIC_PROBE = ['/usr/sbin/ldconfig', '/sbin/ldconfig'];

function ociRuntimeRuns(cli: string, env: Env): boolean {
  const probe = STATIC_PROBE.find((p) => existsSync(p));
  if (!probe) return true; // nothing to probe with: assume the runtime works (BUILDAH_ISOLATION=chroot overrides)
  const rootfs = mkdtempSync(join(tmpdir(), 'group-images-oci-probe-'));
  try {
    copyFileSync(probe, join(rootfs, 'probe'));
    return answers(cli, ['run', '--rm', '--network', 'none', '--rootfs', rootfs, '/probe', '--version'], env);
  } catch {
    return true;
  } finally {
    rmSync(rootfs, { recursive: true, force: true });
  }
}
