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
