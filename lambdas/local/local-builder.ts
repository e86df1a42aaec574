/**
 * Local mode's builder: runs the real buildspec's phases on this machine with CONTAINER_CLI (or
 * the dry-run CLI), writes their output where the logs route reads it, and reports progress as
 * CodeBuild-shaped events fed into the same event handler the build-events Lambda uses.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { BUILD_REF_ENV, progressOf } from '../aws/codebuild-events.ts';
import { buildVariables } from '../aws/codebuild-builder.ts';
import type { BaseImageMirrors } from '../builds/base-image-mirrors.ts';
import { BUILDSPEC_ENV, BUILDSPEC_PATH } from '../builds/buildspec-env.ts';
import type { BuildProgress } from '../domain/build.ts';
import type { Builder, BuildJob } from '../domain/builder.ts';
import { log } from '../http/log.ts';
import type { LocalBuildLogs } from './local-build-logs.ts';

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
  /** The container CLI, or null for a dry run. */
  containerCli: string | null;
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

  constructor(private readonly options: LocalBuilderOptions) {}

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
    const builderId = `local:${LOCAL_PROJECT}:${job.build.id}`;
    const dryRun = this.options.containerCli === null;
    if (this.runs.has(builderId)) return { builderId, dryRun }; // idempotent, like StartBuild's token
    const variables: Record<string, string> = {
      ...buildVariables(job, this.options.baseImageMirrors),
      [BUILDSPEC_ENV.containerCli]: this.options.containerCli ?? DRY_RUN_CLI,
      [BUILDSPEC_ENV.registryLogin]: 'none',
      [BUILDSPEC_ENV.egressGuard]: 'none',
      [BUILDSPEC_ENV.pushImage]: 'false',
      [BUILDSPEC_ENV.workDir]: join(this.options.dataDir, 'builds', job.build.id),
      CODEBUILD_BUILD_SUCCEEDING: '1',
    };
    if (job.pullSecret) {
      const secret = await this.options.pullSecretJson(job.pullSecret);
      if (secret === undefined) throw new Error(`the pull secret "${job.pullSecret}" does not exist`);
      variables[BUILDSPEC_ENV.pullSecretJson] = secret;
    }
    mkdirSync(variables[BUILDSPEC_ENV.workDir]!, { recursive: true, mode: 0o700 });
    const run: Run = { status: 'IN_PROGRESS', phases: [], currentPhase: 'SUBMITTED', done: Promise.resolve() };
    this.runs.set(builderId, run);
    run.done = this.execute(builderId, run, variables, dryRun).catch((e) => log('error', 'local build runner failed', { builderId, error: String(e) }));
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
        found.set(id, { status: 'failed', failureReason: 'The local server stopped while this build ran. Rebuild to try again.', at: new Date().toISOString() });
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
    const event = (detailType: 'CodeBuild Build State Change' | 'CodeBuild Build Phase Change', detail: Record<string, unknown>) =>
      this.options.emit(codeBuildEvent(builderId, detailType, detail, variables, run, this.options.timeoutMinutes));

    const timer = setTimeout(() => this.kill(run, 'TIMED_OUT'), this.options.timeoutMinutes * 60_000);
    timer.unref();
    if (dryRun) write('DRY RUN: no container CLI was found (set CONTAINER_CLI, or install docker or podman): every phase runs, but nothing is built or pushed');
    for (const phase of ['SUBMITTED', 'QUEUED', 'PROVISIONING']) {
      run.phases.push({ 'phase-type': phase, 'phase-status': 'SUCCEEDED' });
    }
    run.currentPhase = 'INSTALL';
    await event('CodeBuild Build State Change', { 'build-status': 'IN_PROGRESS', 'current-phase': 'INSTALL' });

    const spec = parse(await readFile(join(PROJECT_ROOT, BUILDSPEC_PATH), 'utf8')) as { phases: Record<string, { commands?: string[] }> };
    let failed: PhaseRecord | undefined;
    for (const name of BUILDSPEC_PHASES) {
      const phaseType = name.toUpperCase();
      run.currentPhase = phaseType;
      write(`[Container] Entering phase ${phaseType}`);
      let status = 'SUCCEEDED';
      let context: string[] = [];
      for (const command of spec.phases[name]?.commands ?? []) {
        const exit = await this.runCommand(run, command, variables, write);
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
      await event('CodeBuild Build Phase Change', { 'completed-phase': phaseType, 'completed-phase-status': status, 'completed-phase-context': `[${context.join(', ')}]` });
      if (status !== 'SUCCEEDED') {
        failed = record;
        break;
      }
    }
    clearTimeout(timer);
    run.status = run.stopping ?? (failed ? 'FAILED' : 'SUCCEEDED');
    run.currentPhase = 'COMPLETED';
    run.phases.push({ 'phase-type': 'COMPLETED' });
    write(`[Container] Build ${run.status}${dryRun ? ' (dry run)' : ''}`);
    await event('CodeBuild Build State Change', { 'build-status': run.status, 'current-phase': 'COMPLETED' });
  }

  private runCommand(run: Run, command: string, variables: Record<string, string>, write: (m: string) => void): Promise<number> {
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
        write(`FAILED: could not run the build phase: ${e.message}`);
        resolve(127);
      });
    });
  }
}

/** An event as EventBridge would deliver it from CodeBuild, carrying the build's own variables. */
function codeBuildEvent(builderId: string, detailType: string, detail: Record<string, unknown>, variables: Record<string, string>, run: Run, timeoutMinutes: number) {
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
