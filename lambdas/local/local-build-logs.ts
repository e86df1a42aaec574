/**
 * Local mode's build logs: one JSON-lines file per build under DATA_DIR/build-logs, written by the
 * local runner and read by the same logs route that reads CloudWatch Logs in AWS.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuildRecord } from '../domain/build.ts';
import { lastFailureIn, type BuildLogReader, type LogLine } from '../domain/builder.ts';
import type { BuildFacts } from '../domain/build-facts.ts';
import { factsIn } from '../domain/build-facts-report.ts';

export class LocalBuildLogs implements BuildLogReader {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  private file(builderId: string) {
    return join(this.dir, `${builderId.replace(/[^A-Za-z0-9_-]/g, '_')}.jsonl`);
  }

  /** Appends synchronously: a line is on disk before the runner reports the phase it belongs to. */
  append(builderId: string, message: string, at = new Date()): void {
    appendFileSync(this.file(builderId), `${JSON.stringify({ timestamp: at.toISOString(), message })}\n`, { mode: 0o600 });
  }

  private async all(builderId: string): Promise<LogLine[]> {
    const text = await readFile(this.file(builderId), 'utf8').catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? '' : Promise.reject(e)));
    return text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as LogLine);
  }

  async read(build: BuildRecord, position: string | undefined, limit: number) {
    if (!build.builderId) return { lines: [], next: position };
    const from = Number(position ?? 0) || 0;
    const lines = (await this.all(build.builderId)).slice(from, from + limit);
    return { lines, next: String(from + lines.length) };
  }

  async lastFailure(build: BuildRecord): Promise<string | undefined> {
    if (!build.builderId) return undefined;
    return lastFailureIn(
      (await this.all(build.builderId)).map((l) => l.message),
      build.builderId,
    );
  }

  /** Issue 18: read from the same log lines CloudWatch holds in AWS, with the same parser. */
  async factsOf(build: BuildRecord): Promise<BuildFacts | undefined> {
    if (!build.builderId) return undefined;
    return factsIn(
      (await this.all(build.builderId)).map((l) => l.message),
      build.builderId,
    );
  }
}
