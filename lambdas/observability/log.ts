/**
 * One JSON line per event, so CloudWatch Logs Insights can query it. LOG_LEVEL=silent quiets it (tests).
 * Every line written while a request is served carries its `correlationId` (see withCorrelationId).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
type Level = Exclude<keyof typeof LEVELS, 'silent'>;

const threshold = () => LEVELS[(process.env.LOG_LEVEL as keyof typeof LEVELS) ?? 'info'] ?? LEVELS.info;

// Per request, not per process: the local server serves requests concurrently in one process.
const request = new AsyncLocalStorage<string | undefined>();

/** Runs `work` (and everything it awaits) with the request's correlation id on each log line. */
export const withCorrelationId = <T>(correlationId: string | undefined, work: () => T): T => request.run(correlationId, work);

export function log(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  if (LEVELS[level] < threshold()) return;
  const correlationId = request.getStore();
  const line = JSON.stringify({ level, message, time: new Date().toISOString(), ...(correlationId === undefined ? {} : { correlationId }), ...fields });
  // Written to the stream, not through console: Lambda's JSON log format would wrap console output
  // in a message string; a line on stdout/stderr stays the JSON object Logs Insights can query.
  (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(`${line}\n`);
}

export const errorFields = (e: unknown) => (e instanceof Error ? { error: e.name, errorMessage: e.message, stack: e.stack } : { error: String(e) });
