/**
 * Captures what the code under test writes to stdout and stderr (the service's JSON log lines and
 * EMF metric lines), at a chosen LOG_LEVEL, so a test can hold every line to a rule. Writes that are
 * not the service's (they do not start with "{") pass through untouched.
 */
type Write = typeof process.stdout.write;

export interface LogCapture {
  /** Every captured write, as written (one log() call is one write: a JSON object and "\n"). */
  readonly writes: string[];
  stop(): void;
}

export function captureLogs(level = 'debug'): LogCapture {
  const writes: string[] = [];
  const previousLevel = process.env.LOG_LEVEL;
  process.env.LOG_LEVEL = level;
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((s) => s.write);
  streams.forEach((stream, i) => {
    const original = originals[i]!;
    stream.write = function (chunk: unknown, ...rest: unknown[]) {
      const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
      if (text.startsWith('{')) {
        writes.push(text);
        return true;
      }
      return (original as (...a: unknown[]) => boolean).call(stream, chunk, ...rest);
    } as Write;
  });
  return {
    writes,
    stop() {
      streams.forEach((stream, i) => (stream.write = originals[i]!));
      if (previousLevel === undefined) delete process.env.LOG_LEVEL;
      else process.env.LOG_LEVEL = previousLevel;
    },
  };
}

/** Characters that must never appear raw in a log line: controls, line and paragraph separators, invisible and bidi controls. */
export const RAW_IN_LOG = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;

/** What is wrong with one captured write, or undefined: it must be exactly one JSON object on one line, with nothing raw in it. */
export function logLineProblem(write: string): string | undefined {
  if (!write.endsWith('\n')) return 'does not end with a line break';
  const line = write.slice(0, -1);
  if (line.includes('\n') || line.includes('\r')) return 'spans more than one line';
  const raw = RAW_IN_LOG.exec(line);
  if (raw) return `carries U+${raw[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} unescaped`;
  try {
    const parsed = JSON.parse(line) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return 'is not a JSON object';
  } catch {
    return 'is not JSON';
  }
  return undefined;
}
