/**
 * Runs the real `npm start` entry point (tsx lambdas/local/main.ts) as a child process on a port of
 * its own, and reads its address from what it prints when ready. It runs in its own process group, so
 * a SIGKILL takes tsx and the server process under it at once, as a crash would.
 *
 * Other signals go to the server process itself (the node process tsx runs main.ts in), whose exit
 * code tsx passes on. Sent to tsx or to the whole group (what Ctrl-C in a terminal does), they race
 * with tsx's own relay, which gives the server 30 ms to acknowledge before it SIGKILLs it and exits
 * 130: a test of that would fail now and then, for a reason that is not the server's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { mintLocalToken, type TokenRequest } from '../../lambdas/local/token.ts';
import { assertKeepsContract } from './contract.ts';
import { sharedDynamoTable, type Reply } from './local-api.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX_CLI = fileURLToPath(new URL('../../node_modules/tsx/dist/cli.mjs', import.meta.url));
const READY = /Group Images API listening on (\S+)/;

export interface StartedServer {
  url: string;
  dataDir: string;
  child: ChildProcess;
  /** Everything it printed so far, for failure messages. */
  output(): string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  token(request: TokenRequest): Promise<string>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read reply bodies freely, as in local-api.ts
  call<T = any>(method: string, path: string, options?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<Reply<T>>;
  /** Sends a signal: SIGKILL to the whole process group, anything else to the server process. */
  signal(signal: NodeJS.Signals): void;
}

/**
 * The environment that points `npm start` at the run's shared DynamoDB Local, on a table of its own
 * (DYNAMODB_ENDPOINT, TABLE_NAME): for suites that are not about the embedded database, so that they
 * start no JVM of their own. Empty where the run has no shared instance (then npm start starts one).
 */
export function onSharedDynamo(): Record<string, string> {
  const shared = sharedDynamoTable();
  return shared ? { DYNAMODB_ENDPOINT: shared.dynamoEndpoint, TABLE_NAME: shared.dynamoTable } : {};
}

export async function startNpmStart(dataDir: string, env: Record<string, string> = {}): Promise<StartedServer> {
  const { NODE_OPTIONS: _vmModules, ...inherited } = process.env;
  const child = spawn(process.execPath, [TSX_CLI, 'lambdas/local/main.ts'], {
    cwd: ROOT,
    env: { ...inherited, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));

  const url = await new Promise<string>((resolve, reject) => {
    const onData = () => {
      const match = READY.exec(output);
      if (match) {
        child.stdout!.off('data', onData);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    void exited.then(({ code, signal }) => reject(new Error(`npm start exited (${code ?? signal}) before it was ready:\n${output}`)));
  });

  const serverPid = await serverProcessOf(child.pid!);
  return {
    url,
    dataDir,
    child,
    output: () => output,
    exited,
    token: (request) => mintLocalToken(dataDir, request),
    async call(method, path, { token, body, headers = {} } = {}) {
      const res = await fetch(url + path, {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      const reply = {
        status: res.status,
        headers: res.headers,
        body: text && (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text,
      };
      assertKeepsContract(method, path, reply);
      return reply;
    },
    signal(signal) {
      if (signal === 'SIGKILL') process.kill(-child.pid!, signal);
      else process.kill(serverPid, signal);
    },
  };
}

/** The node process tsx started main.ts in: tsx's only child (Linux /proc); tsx itself elsewhere. */
async function serverProcessOf(tsxPid: number): Promise<number> {
  try {
    const children = (await readFile(`/proc/${tsxPid}/task/${tsxPid}/children`, 'utf8')).trim().split(/\s+/).filter(Boolean).map(Number);
    if (children.length === 1) return children[0]!;
  } catch {
    /* no /proc */
  }
  return tsxPid;
}

/** Stops a server that a test may have left running (SIGKILL to its group), and waits for it. */
export async function killIfRunning(server: StartedServer | undefined): Promise<void> {
  if (!server || server.child.exitCode !== null || server.child.signalCode !== null) return;
  try {
    server.signal('SIGKILL');
  } catch {
    /* already gone */
  }
  await server.exited;
}
