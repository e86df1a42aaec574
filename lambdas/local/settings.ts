/** The local server's own settings, from its environment. */
import { resolve } from 'node:path';

type Env = Record<string, string | undefined>;

export const dataDirFrom = (env: Env) => resolve(env.DATA_DIR || '.data');

export function portFrom(env: Env): number {
  const raw = env.PORT || '3000';
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${raw}"`);
  return port;
}

/** An optional positive number setting (fractions allowed: BUILD_TIMEOUT_MINUTES=0.5 is 30 seconds). */
export function positiveNumberFrom(env: Env, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return n;
}
