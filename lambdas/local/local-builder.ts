/**
 * Local mode's builder: runs the real buildspec's phases on this machine with the chosen container
 * CLI (or the dry-run CLI), writes their output where the logs route reads it, and reports progress
 * to the build service in the service's own words (its phases mapped as CodeBuild's are: the
 * buildspec's phases are CodeBuild's).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { phaseFailureReason, phaseOf, timedOutReason } from '../aws/codebuild-phases.ts';
import { buildVariables } from '../aws/codebuild-builder.ts';
import type { BaseImageMirrors } from '../builds/base-image-mirrors.ts';
import { BUILDSPEC_ENV, BUILDSPEC_PATH, CODEBUILD_ENV, failureMarker, failureNonceOf } from '../builds/buildspec-env.ts';
import { mirrorVariables, type PackageMirrors } from '../builds/package-mirrors.ts';
import type { BuildPhase, BuildProgress } from '../domain/build.ts';
import type { Scope } from '../domain/scope.ts';
import { DRY_RUN_REASON } from '../domain/dry-run.ts';
import type { Builder, BuildJob } from '../domain/builder.ts';
import { log } from '../observability/log.ts';
import type { LocalBuildLogs } from './local-build-logs.ts';
import { containerCliChoiceOf, type ContainerCliChoice } from './container-cli.ts';

export const LOCAL_PROJECT = 'group-images-local';
export const DRY_RUN_CLI = fileURLToPath(new URL('./dry-run-cli.sh', import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUILDSPEC_PHASES = ['install', 'pre_build', 'build', 'post_build'] as const;

/** Which build a report is about. */
export interface LocalBuildRef {
  scope: Scope;
  image: string;
  buildId: string;
}

interface Run {
  child?: ChildProcess;
  /** Where the run is, in the service's words, while it runs. */
  phase: BuildPhase;
  /** What it reported last, once it has ended. */
  outcome?: BuildProgress;
  stopping?: 'STOPPED' | 'TIMED_OUT';
  done: Promise<void>;
}

export interface LocalBuilderOptions {
  dataDir: string;
  logs: LocalBuildLogs;
  /** The container CLI (null: dry runs), and why it was chosen. */
  containerCli: ContainerCliChoice | string | null;
  /** LOCAL_REGISTRY (`host:port`): builds push there, as CodeBuild's push to ECR; none: images stay in the CLI's store. */
  localRegistry?: string;
  /** The platform's package mirrors, for every build. */
  mirrors?: PackageMirrors;
  timeoutMinutes: number;
  /** Reads a pull secret's .dockerconfigjson (the local stand-in for a SECRETS_MANAGER variable). */
  pullSecretJson: (name: string) => Promise<string | undefined>;
  /** Where progress goes: the build service's report(). */
  report: (ref: LocalBuildRef, builderId: string, progress: BuildProgress) => Promise<unknown>;
  /** Registry host -> mirror prefix base images are pulled through (BASE_IMAGE_MIRRORS); none by default. */
  baseImageMirrors?: BaseImageMirrors;
}

export class LocalBuilder implements Builder {
  private readonly runs = new Map<string, Run>();
  /** Build id -> builder id: start is idempotent per build, as StartBuild is per idempotency token. */
  private readonly builderIds = new Map<string, string>();

  private readonly containerCli: ContainerCliChoice;

  constructor(private readonly options: LocalBuilderOptions) {
    this.containerCli = containerCliChoiceOf(options.containerCli);
  }

  /** Waits for every run to finish and report (tests). */
  async idle(): Promise<void> {
    await Promise.all([...this.runs.values()].map((r) => r.done));
  }

  /** Stops every running build (the server is stopping) and waits for them to report. */
  async shutdown(): Promise<void> {
    for (const run of this.runs.values()) if (!run.outcome) this.kill(run, 'STOPPED');
    await this.idle();
  }

  async start(job: BuildJob): Promise<{ builderId: string; dryRun: boolean }> {
    const { cli, env: cliEnv } = this.containerCli;
    const dryRun = cli === null;
    const known = this.builderIds.get(job.build.id);
    if (known) return { builderId: known, dryRun }; // idempotent, like StartBuild's token
    // Random, like CodeBuild's build uuid: its last part is the nonce of the build's failure markers.
    const uuid = randomUUID();
    const builderId = `local:${LOCAL_PROJECT}:${uuid}`;
    const workDir = join(this.options.dataDir, 'builds', job.build.id);
    const variables: Record<string, string> = {
      ...buildVariables(job, this.options.baseImageMirrors),
      ...mirrorVariables(this.options.mirrors ?? {}),
      ...cliEnv,
      ...registryAuthFiles(workDir),
      [BUILDSPEC_ENV.containerCli]: cli ?? DRY_RUN_CLI,
      [BUILDSPEC_ENV.registryLogin]: 'none',
      [BUILDSPEC_ENV.egressGuard]: 'none',
      [BUILDSPEC_ENV.pushImage]: this.options.localRegistry && !dryRun ? 'true' : 'false',
      [BUILDSPEC_ENV.workDir]: workDir,
      [CODEBUILD_ENV.buildId]: `${LOCAL_PROJECT}:${uuid}`,
      [CODEBUILD_ENV.buildSucceeding]: '1',
    };
    if (job.pullSecret) {
      const secret = await this.options.pullSecretJson(job.pullSecret);
      if (secret === undefined) throw new Error(`the pull secret "${job.pullSecret}" does not exist`);
      variables[BUILDSPEC_ENV.pullSecretJson] = secret;
    }
    prepareWorkDir(workDir);
    const run: Run = { phase: 'queued', done: Promise.resolve() };
    this.runs.set(builderId, run);
    this.builderIds.set(job.build.id, builderId);
    const ref = { scope: job.scope, image: job.build.image, buildId: job.build.id };
    run.done = this.execute(builderId, ref, run, variables, dryRun)
      .catch((e) => log('error', 'local build runner failed', { builderId, error: String(e) }))
      // No registry login outlives its build: the build's own auth files go with it.
      .finally(() => rmSync(join(workDir, AUTH_DIR), { recursive: true, force: true }));
    return { builderId, dryRun };
  }

  async stop(builderId: string): Promise<void> {
    const run = this.runs.get(builderId);
    if (!run || run.outcome) return;
    this.kill(run, 'STOPPED');
  }

  async describe(builderIds: string[]): Promise<Map<string, BuildProgress>> {
    const found = new Map<string, BuildProgress>();
    for (const id of builderIds) {
      const run = this.runs.get(id);
      if (!run) {
        // Not started by this process: the local server was stopped or killed while it ran.
        found.set(id, {
          status: 'failed',
          failureReason: 'The local server stopped while this build ran. Rebuild to try again.',
          at: new Date().toISOString(),
        });
        continue;
      }
      found.set(id, run.outcome ?? { status: 'building', phase: run.phase, at: new Date().toISOString() });
    }
    return found;
  }

  /** Kills the whole process tree: the runner's bash and everything it started. */
  private kill(run: Run, why: 'STOPPED' | 'TIMED_OUT') {
    run.stopping = why;
    const pid = run.child?.pid;
    if (!pid) return;
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, 3000).unref();
  }

  private async execute(builderId: string, ref: LocalBuildRef, run: Run, variables: Record<string, string>, dryRun: boolean) {
    const write = (message: string) => this.options.logs.append(builderId, message);
    const marker = failureMarker(failureNonceOf(builderId));
    const report = (progress: Omit<BuildProgress, 'at'>) => this.options.report(ref, builderId, { ...progress, at: new Date().toISOString() });

    const timer = setTimeout(() => this.kill(run, 'TIMED_OUT'), this.options.timeoutMinutes * 60_000);
    timer.unref();
    write(this.containerCli.why);
    if (dryRun) write('DRY RUN: every phase but post_build runs with a stand-in CLI that checks the build context; nothing is built or pushed');
    run.phase = 'preparing';
    await report({ status: 'building', phase: run.phase });

    const spec = parse(await readFile(join(PROJECT_ROOT, BUILDSPEC_PATH), 'utf8')) as { phases: Record<string, { commands?: string[] }> };
    let ended: { phaseType: string; status: string; context: string[] } | undefined;
    for (const name of BUILDSPEC_PHASES) {
      const phaseType = name.toUpperCase();
      // post_build announces the built image; a dry run has none to announce.
      if (dryRun && name === 'post_build') break;
      const phase: BuildPhase = phaseOf(phaseType) ?? run.phase;
      // Told on entering a phase whose word is new (install and pre_build are both "preparing").
      if (phase !== run.phase) {
        run.phase = phase;
        await report({ status: 'building', phase });
      }
      write(`[Container] Entering phase ${phaseType}`);
      let status = 'SUCCEEDED';
      let context: string[] = [];
      for (const command of spec.phases[name]?.commands ?? []) {
        const exit = await this.runCommand(run, command, variables, write, marker);
        if (run.stopping) {
          status = run.stopping;
          break;
        }
        if (exit !== 0) {
          status = 'FAILED';
          context = [`COMMAND_EXECUTION_ERROR: Error while executing command: ${name} command. Reason: exit status ${exit}`];
          break;
        }
      }
      write(`[Container] Phase complete: ${phaseType} State: ${status}`);
      if (status !== 'SUCCEEDED') {
        ended = { phaseType, status, context };
        break;
      }
    }
    clearTimeout(timer);
    // A dry run never succeeds: nothing was built. (The build service holds to this too, whatever a builder says.)
    if (dryRun && !run.stopping && !ended) write(`${marker}${DRY_RUN_REASON}`);
    const outcome = this.outcomeOf(run, ended, dryRun);
    write(`[Container] Build ${outcome.said}${dryRun ? ' (dry run)' : ''}`);
    run.outcome = { ...outcome.progress, at: new Date().toISOString() };
    await report(outcome.progress);
  }

  /** How the run ended, in the service's words (and as the log says it, in CodeBuild's). */
  private outcomeOf(
    run: Run,
    ended: { phaseType: string; status: string; context: string[] } | undefined,
    dryRun: boolean,
  ): { said: string; progress: Omit<BuildProgress, 'at'> } {
    const phase = run.phase;
    if (run.stopping === 'STOPPED') return { said: 'STOPPED', progress: { status: 'cancelled', phase } };
    if (run.stopping === 'TIMED_OUT') {
      return { said: 'TIMED_OUT', progress: { status: 'failed', phase, failureReason: timedOutReason(ended?.phaseType, this.options.timeoutMinutes) } };
    }
    if (ended || dryRun) {
      const failed = ended && { name: ended.phaseType, status: ended.status, context: ended.context };
      return { said: 'FAILED', progress: { status: 'failed', phase, failureReason: phaseFailureReason(failed) } };
    }
    return { said: 'SUCCEEDED', progress: { status: 'succeeded', phase } };
  }

  private runCommand(run: Run, command: string, variables: Record<string, string>, write: (m: string) => void, marker: string): Promise<number> {
    // Stopped between two commands (no child to kill then): start nothing more.
    if (run.stopping) return Promise.resolve(128);
    return new Promise((resolve) => {
      // detached: the command gets its own process group, so stop() can kill the whole tree.
      const child = spawn('bash', ['-c', command], {
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', ...variables },
      });
      run.child = child;
      createInterface({ input: child.stdout! }).on('line', write);
      createInterface({ input: child.stderr! }).on('line', write);
      child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
      child.on('error', (e) => {
        write(`${marker}could not run the build phase: ${e.message}`);
        resolve(127);
      });
    });
  }
}

const AUTH_DIR = 'registry-auth';

/**
 * Each build logs in with its own credential files (podman's REGISTRY_AUTH_FILE, docker's
 * DOCKER_CONFIG), under its work directory and removed when it ends, so a login made for one build
 * (its pull secret) is never used by another.
 */
function registryAuthFiles(workDir: string): Record<string, string> {
  return { REGISTRY_AUTH_FILE: join(workDir, AUTH_DIR, 'auth.json'), DOCKER_CONFIG: join(workDir, AUTH_DIR, 'docker') };
}

function prepareWorkDir(workDir: string) {
  const docker = join(workDir, AUTH_DIR, 'docker');
  mkdirSync(docker, { recursive: true, mode: 0o700 });
  // podman refuses a REGISTRY_AUTH_FILE that does not exist; an empty one means "no logins".
  writeFileSync(registryAuthFiles(workDir).REGISTRY_AUTH_FILE, '{}\n', { mode: 0o600 });
  // docker finds CLI plugins (buildx) under DOCKER_CONFIG too: keep the user's.
  const plugins = join(homedir(), '.docker', 'cli-plugins');
  if (existsSync(plugins) && !existsSync(join(docker, 'cli-plugins'))) symlinkSync(plugins, join(docker, 'cli-plugins'));
}
