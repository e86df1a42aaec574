/** Build logs read back from CloudWatch Logs, where CodeBuild writes them (one stream per build). */
import { FilterLogEventsCommand, GetLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { failureNonceOf } from '../builds/buildspec-env.ts';

import type { BuildRecord } from '../domain/build.ts';
import { lastFailureIn, type BuildLogReader, type LogLine } from '../domain/builder.ts';
import type { BuildFacts } from '../domain/build-facts.ts';
import { factsIn, FACTS_LIMITS } from '../domain/build-facts-report.ts';

/** CodeBuild names a build's stream after the id part of its ARN: `...:build/<project>:<uuid>` -> `<uuid>`. */
export const logStreamOf = (builderId: string) => builderId.slice(builderId.lastIndexOf(':') + 1);

/** How many empty pages with a new token one read follows before it answers (the reader comes back with the token). */
const EMPTY_PAGES_FOLLOWED = 4;

export class CloudWatchBuildLogs implements BuildLogReader {
  constructor(
    private readonly logs: CloudWatchLogsClient,
    private readonly logGroup: string,
  ) {}

  async read(build: BuildRecord, position: string | undefined, limit: number): Promise<{ lines: LogLine[]; next: string | undefined }> {
    if (!build.builderId) return { lines: [], next: position };
    try {
      let token = position;
      // GetLogEvents can answer an empty page while more events follow; only the token it was given,
      // handed back, means the end of the stream. Follow a few empty pages rather than end early.
      for (let attempt = 0; ; attempt++) {
        const out = await this.logs.send(
          new GetLogEventsCommand({ logGroupName: this.logGroup, logStreamName: logStreamOf(build.builderId), startFromHead: true, nextToken: token, limit }),
        );
        const lines = (out.events ?? []).map((e) => ({ timestamp: new Date(e.timestamp ?? 0).toISOString(), message: (e.message ?? '').replace(/\n$/, '') }));
        const next = out.nextForwardToken ?? token;
        if (lines.length > 0 || next === token || attempt === EMPTY_PAGES_FOLLOWED) return { lines, next };
        token = next;
      }
    } catch (e) {
      // The stream appears only once the build has started writing.
      if ((e as Error).name === 'ResourceNotFoundException') return { lines: [], next: position };
      throw e;
    }
  }

  async lastFailure(build: BuildRecord): Promise<string | undefined> {
    if (!build.builderId) return undefined;
    // A build prints a handful of marked lines at most, however many "FAILED" lines its packages print.
    const lines = await this.markedLines(build.builderId, 2);
    return (
      lines &&
      lastFailureIn(
        lines.map((line) => line.trim()),
        build.builderId,
      )
    );
  }

  /**
   * Issue 18: the facts the build printed with its nonce. The log is the channel (not an S3 artifact)
   * because the buildspec already reports through it, the build role needs no bucket, and the report
   * is bounded (FACTS_LIMITS.reportChars, a few 16 KiB lines): a handful of pages at most.
   */
  async factsOf(build: BuildRecord): Promise<BuildFacts | undefined> {
    if (!build.builderId) return undefined;
    const lines = await this.markedLines(build.builderId, FACTS_PAGES);
    return lines && factsIn(lines, build.builderId);
  }

  /**
   * The lines of a build's log that carry its marker nonce (which the build's own output never knows),
   * up to `pages` pages of them; undefined when the build has no log (yet).
   */
  private async markedLines(builderId: string, pages: number): Promise<string[] | undefined> {
    const messages: string[] = [];
    let nextToken: string | undefined;
    try {
      for (let page = 0; page < pages; page++) {
        const out = await this.logs.send(
          new FilterLogEventsCommand({
            logGroupName: this.logGroup,
            logStreamNames: [logStreamOf(builderId)],
            filterPattern: `"${failureNonceOf(builderId)}"`,
            nextToken,
          }),
        );
        messages.push(...(out.events ?? []).map((e) => e.message ?? ''));
        nextToken = out.nextToken;
        if (!nextToken) break;
      }
    } catch (e) {
      if ((e as Error).name === 'ResourceNotFoundException') return undefined;
      throw e;
    }
    return messages;
  }
}

/** Pages of nonce-marked lines read for a report: its chunks plus the few failure lines, with room to spare. */
const FACTS_PAGES = 2 + Math.ceil(FACTS_LIMITS.reportChars / (16 * 1024));
