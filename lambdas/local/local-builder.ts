/**
 * Local mode's builder: runs the real buildspec's phases on this machine with the chosen container
 * CLI (or the dry-run CLI), writes their output where the logs route reads it, and reports progress
 * as CodeBuild-shaped events fed into the same event handler the build-events Lambda uses.
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
import { BUILD_REF_ENV, progressOf } from '../aws/codebuild-events.ts';
import { buildVariables } from '../aws/codebuild-builder.ts';
import type { BaseImageMirrors } from '../builds/base-image-mirrors.ts';
import { BUILDSPEC_ENV, BUILDSPEC_PATH, CODEBUILD_ENV, failureMarker, failureNonceOf } from '../builds/buildspec-env.ts';
import { mirrorVariables, type PackageMirrors } from '../builds/package-mirrors.ts';
import type { BuildProgress } from '../domain/build.ts';
import { DRY_RUN_REASON } from '../domain/dry-run.ts';
import type { Builder, BuildJob } from '../domain/builder.ts';
import { log } from '../observability/log.ts';
import type { LocalBuildLogs } from './local-build-logs.ts';
import { containerCliChoiceOf, type ContainerCliChoice } from './container-cli.ts';

export const LOCAL_PROJECT = 'group-images-local';
export const LOCAL_ACCOUNT = '000000000000';
export const DRY_RUN_CLI = fileURLToPath(new URL('./dry-run-cli.sh', import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUILDSPEC_PHASES = ['install', 'pre_build', 'build', 'post_build'] as const;

type PhaseRecord = { 'phase-type': string; 'phase-status'?: string; 'phase-context'?: string[] };

interface Run {
  child?: ChildProcess;
  status: 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'STOPPED' | 'TIMED_OUT';
  phases: PhaseRecord[];
  currentPhase: string;
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
  /** Where CodeBuild-shaped events go: the build-events handler. */
  emit: (event: unknown) => Promise<unknown>;
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
    for (const run of this.runs.values()) if (run.status === 'IN_PROGRESS') this.kill(run, 'STOPPED');
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
    const run: Run = { status: 'IN_PROGRESS', phases: [], currentPhase: 'SUBMITTED', done: Promise.resolve() };
    this.runs.set(builderId, run);
    this.builderIds.set(job.build.id, builderId);
    run.done = this.execute(builderId, run, variables, dryRun)
      .catch((e) => log('error', 'local build runner failed', { builderId, error: String(e) }))
      // No registry login outlives its build: the build's own auth files go with it.
      .finally(() => rmSync(join(workDir, AUTH_DIR), { recursive: true, force: true }));
    return { builderId, dryRun };
  }

  async stop(builderId: string): Promise<void> {
    const run = this.runs.get(builderId);
    if (!run || run.status !== 'IN_PROGRESS') return;
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
      const progress = progressOf(run.status, run.currentPhase, run.phases, this.options.timeoutMinutes, new Date().toISOString());
      if (progress) found.set(id, progress);
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

  private async execute(builderId: string, run: Run, variables: Record<string, string>, dryRun: boolean) {
    const write = (message: string) => this.options.logs.append(builderId, message);
    const marker = failureMarker(failureNonceOf(builderId));
    const event = (detailType: 'CodeBuild Build State Change' | 'CodeBuild Build Phase Change', detail: Record<string, unknown>) =>
      this.options.emit(codeBuildEvent(builderId, detailType, detail, variables, run, this.options.timeoutMinutes));

    const timer = setTimeout(() => this.kill(run, 'TIMED_OUT'), this.options.timeoutMinutes * 60_000);
    timer.unref();
    write(this.containerCli.why);
    if (dryRun) write('DRY RUN: every phase but post_build runs with a stand-in CLI that checks the build context; nothing is built or pushed');
    for (const phase of ['SUBMITTED', 'QUEUED', 'PROVISIONING']) {
      run.phases.push({ 'phase-type': phase, 'phase-status': 'SUCCEEDED' });
    }
    run.currentPhase = 'INSTALL';
    await event('CodeBuild Build State Change', { 'build-status': 'IN_PROGRESS', 'current-phase': 'INSTALL' });

    const spec = parse(await readFile(join(PROJECT_ROOT, BUILDSPEC_PATH), 'utf8')) as { phases: Record<string, { commands?: string[] }> };
    let failed: PhaseRecord | undefined;
    for (const name of BUILDSPEC_PHASES) {
      const phaseType = name.toUpperCase();
      // post_build announces the built image; a dry run has none to announce.
      if (dryRun && name === 'post_build') break;
      run.currentPhase = phaseType;
      write(`[Container] Entering phase ${phaseType}`);
      let status = 'SUCCEEDED';
      let context: string[] = [];
      for (const command of spec.phases[name]?.commands ?? []) {
        const exit = await this.runCommand(run, command, variables, write, marker);
        if (run.stopping) {
          status = run.stopping === 'TIMED_OUT' ? 'TIMED_OUT' : 'STOPPED';
          break;
        }
        if (exit !== 0) {
          status = 'FAILED';
          context = [`COMMAND_EXECUTION_ERROR: Error while executing command: ${name} command. Reason: exit status ${exit}`];
          break;
        }
      }
      const record = { 'phase-type': phaseType, 'phase-status': status, 'phase-context': context };
      run.phases.push(record);
      write(`[Container] Phase complete: ${phaseType} State: ${status}`);
      // As CodeBuild sends it: the completed phase's context as one string, "[a, b]".
      await event('CodeBuild Build Phase Change', {
        'completed-phase': phaseType,
        'completed-phase-status': status,
        'completed-phase-context': `[${context.join(', ')}]`,
      });
      if (status !== 'SUCCEEDED') {
        failed = record;
        break;
      }
    }
    clearTimeout(timer);
    // A dry run never succeeds: nothing was built. (The build service holds to this too, whatever a builder says.)
    if (dryRun && !run.stopping && !failed) write(`${marker}${DRY_RUN_REASON}`);
    run.status = run.stopping ?? (failed || dryRun ? 'FAILED' : 'SUCCEEDED');
    run.currentPhase = 'COMPLETED';
    run.phases.push({ 'phase-type': 'COMPLETED' });
    write(`[Container] Build ${run.status}${dryRun ? ' (dry run)' : ''}`);
    await event('CodeBuild Build State Change', { 'build-status': run.status, 'current-phase': 'COMPLETED' });
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

/** An event as EventBridge would deliver it from CodeBuild, carrying the build's own variables. */
function codeBuildEvent(
  builderId: string,
  detailType: string,
  detail: Record<string, unknown>,
  variables: Record<string, string>,
  run: Run,
  timeoutMinutes: number,
) {
  const refs = Object.values(BUILD_REF_ENV).map((name) => ({ name, type: 'PLAINTEXT', value: variables[name] }));
  return {
    version: '0',
    id: `local-${Date.now()}`,
    'detail-type': detailType,
    source: 'aws.codebuild',
    account: LOCAL_ACCOUNT,
    time: new Date().toISOString(),
    region: 'local',
    resources: [builderId],
    detail: {
      'project-name': LOCAL_PROJECT,
      'build-id': builderId,
      ...detail,
      'additional-information': {
        environment: { 'environment-variables': refs },
        phases: run.phases,
        'timeout-in-minutes': timeoutMinutes,
      },
    },
  };
}
