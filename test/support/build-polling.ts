/**
 * What a portal does while a build runs: poll it, read its log page by page. Waiting is "until the
 * condition holds, or give up after a generous deadline" (hang-guard.ts: the deadline only turns a
 * hang into a failure that says what it waited for; no assertion depends on timing).
 */
import type { Build } from '../../lambdas/domain/build.ts';
import type { LogLine } from '../../lambdas/domain/builder.ts';
import { WAIT_DEADLINE_MS } from './hang-guard.ts';
import type { LocalApi } from './local-api.ts';

export const TERMINAL_STATUSES = ['succeeded', 'failed', 'cancelled'];
const POLL_MS = 25;

export async function waitFor<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, what: string, deadlineMs = WAIT_DEADLINE_MS): Promise<T> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** GETs the build until the condition holds (by default: until it has finished). */
export async function pollBuild(
  api: LocalApi,
  token: string,
  buildPath: string,
  until: (b: Build) => boolean = (b) => TERMINAL_STATUSES.includes(b.status),
): Promise<Build> {
  let last: unknown;
  try {
    return await waitFor(async () => {
      const reply = await api.call<Build>('GET', buildPath, { token });
      if (reply.status !== 200) throw new Error(`GET ${buildPath} answered ${reply.status}: ${JSON.stringify(reply.body)}`);
      last = reply.body;
      return until(reply.body) ? reply.body : undefined;
    }, `${buildPath}`);
  } catch (e) {
    throw new Error(`${(e as Error).message}; last seen: ${JSON.stringify(last)}`, { cause: e });
  }
}

/** Reads the log from the start, following nextCursor until it is null or a page brings nothing new. */
export async function readLog(api: LocalApi, token: string, buildPath: string): Promise<{ lines: LogLine[]; ended: boolean }> {
  const lines: LogLine[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const query: string = cursor ? `?cursor=${encodeURIComponent(cursor)}` : '';
    const reply = await api.call<{ lines: LogLine[]; nextCursor: string | null }>('GET', `${buildPath}/logs${query}`, { token });
    if (reply.status !== 200) throw new Error(`reading the log of ${buildPath} answered ${reply.status}: ${JSON.stringify(reply.body)}`);
    lines.push(...reply.body.lines);
    cursor = reply.body.nextCursor;
    if (cursor === null) return { lines, ended: true };
    if (reply.body.lines.length === 0) return { lines, ended: false };
  }
  throw new Error(`the log of ${buildPath} did not end after 100 pages`);
}

export const messagesOf = (log: { lines: LogLine[] }) => log.lines.map((l) => l.message);
