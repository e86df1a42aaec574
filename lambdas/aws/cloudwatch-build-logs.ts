/** Build logs read back from CloudWatch Logs, where CodeBuild writes them (one stream per build). */
import { FilterLogEventsCommand, GetLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { FAILURE_PREFIX } from '../builds/buildspec-env.ts';

import type { BuildRecord } from '../domain/build.ts';
import { lastFailureIn, type BuildLogReader, type LogLine } from '../domain/builder.ts';

/** CodeBuild names a build's stream after the id part of its ARN: `...:build/<project>:<uuid>` -> `<uuid>`. */
export const logStreamOf = (builderId: string) => builderId.slice(builderId.lastIndexOf(':') + 1);

export class CloudWatchBuildLogs implements BuildLogReader {
  constructor(
    private readonly logs: CloudWatchLogsClient,
    private readonly logGroup: string,
  ) {}

  async read(build: BuildRecord, position: string | undefined, limit: number): Promise<{ lines: LogLine[]; next: string | undefined }> {
    if (!build.builderId) return { lines: [], next: position };
    try {
      const out = await this.logs.send(
        new GetLogEventsCommand({ logGroupName: this.logGroup, logStreamName: logStreamOf(build.builderId), startFromHead: true, nextToken: position, limit }),
      );
      const lines = (out.events ?? []).map((e) => ({ timestamp: new Date(e.timestamp ?? 0).toISOString(), message: (e.message ?? '').replace(/\n$/, '') }));
      return { lines, next: out.nextForwardToken ?? position };
    } catch (e) {
      // The stream appears only once the build has started writing.
      if ((e as Error).name === 'ResourceNotFoundException') return { lines: [], next: position };
      throw e;
    }
  }

  async lastFailure(build: BuildRecord): Promise<string | undefined> {
    if (!build.builderId) return undefined;
    try {
      const messages: string[] = [];
      let nextToken: string | undefined;
      // A failed build prints a handful of FAILED lines at most: two pages are plenty.
      for (let page = 0; page < 2; page++) {
        const out = await this.logs.send(
          new FilterLogEventsCommand({ logGroupName: this.logGroup, logStreamNames: [logStreamOf(build.builderId)], filterPattern: `"${FAILURE_PREFIX.trim()}"`, nextToken }),
        );
        messages.push(...(out.events ?? []).map((e) => (e.message ?? '').trim()));
        nextToken = out.nextToken;
        if (!nextToken) break;
      }
      return lastFailureIn(messages);
    } catch (e) {
      if ((e as Error).name === 'ResourceNotFoundException') return undefined;
      throw e;
    }
  }
}
