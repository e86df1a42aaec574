/**
 * The local server under load: requests per second and latency percentiles for GET list (a page of
 * 20 from a seeded group), from autocannon's programmatic API in this process against the server in
 * a child process (so the two do not share an event loop), on loopback.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { PROJECT_ROOT } from '../lib/bundling.ts';
import { round } from './stats.ts';

export interface LoadOptions {
  connections: number;
  durationSeconds: number;
  warmupSeconds?: number;
  images: number;
}

export interface LoadResult {
  method: string;
  request: string;
  connections: number;
  durationSeconds: number;
  images: number;
  requestsTotal: number;
  requestsPerSecond: { mean: number; p50: number; min: number; max: number };
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

interface Ready {
  url: string;
  token: string;
  group: string;
  images: number;
}

export async function measureLocalServer(options: LoadOptions): Promise<LoadResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'bench/local-server-child.ts')], {
    cwd: PROJECT_ROOT,
    // The server logs one line per request, as `npm start` does; here to /dev/null.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, BENCH_IMAGES: String(options.images), NODE_OPTIONS: '' },
  });
  try {
    const [ready] = (await Promise.race([
      once(child, 'message'),
      once(child, 'exit').then(() => Promise.reject(new Error('the local server child exited before it was ready'))),
    ])) as [Ready];
    // Loopback by address: "localhost" may resolve to ::1, where the server does not listen.
    const url = `${ready.url.replace('//localhost:', '//127.0.0.1:')}/groups/${ready.group}/images`;
    const load = (duration: number) => autocannon({ url, connections: options.connections, duration, headers: { authorization: `Bearer ${ready.token}` } });
    if (options.warmupSeconds ?? 1) await load(options.warmupSeconds ?? 1);
    const r = await load(options.durationSeconds);
    return {
      method:
        `autocannon ${options.connections} connections for ${options.durationSeconds} s (after a ${options.warmupSeconds ?? 1} s warm-up run) against startLocalServer({inMemory: true}) in a child process on 127.0.0.1, ` +
        "a member's bearer token (JWT verified on every request), request log lines to /dev/null. Requests/s sampled per second by autocannon.",
      request: `GET /groups/${ready.group}/images (page of 20 of ${ready.images})`,
      connections: options.connections,
      durationSeconds: options.durationSeconds,
      images: ready.images,
      requestsTotal: r.requests.total,
      requestsPerSecond: { mean: round(r.requests.mean), p50: r.requests.p50, min: r.requests.min, max: r.requests.max },
      latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max, mean: round(r.latency.mean) },
      non2xx: r.non2xx,
      errors: r.errors,
      timeouts: r.timeouts,
    };
  } finally {
    if (child.exitCode === null) {
      child.send('stop');
      await Promise.race([once(child, 'exit'), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
      if (child.exitCode === null) child.kill();
    }
  }
}
