/**
 * Integration-test harness: the real local server (same route table, same handlers) on an embedded
 * DynamoDB, called over real HTTP with real signed JWTs.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHARED_DYNAMODB_ENV } from '../../lambdas/local/dynamodb.ts';
import { startLocalServer, type LocalServer, type LocalServerOptions } from '../../lambdas/local/server.ts';
import { mintLocalToken, type TokenRequest } from '../../lambdas/local/token.ts';
import { assertKeepsContract } from './contract.ts';

process.env.LOG_LEVEL ??= 'silent';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read reply bodies freely
export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  /** Sent as-is, for malformed-body tests. */
  rawBody?: string;
  headers?: Record<string, string>;
}

/**
 * The run's shared DynamoDB Local and a new table on it, for a server whose test is not about the
 * embedded database: no JVM of its own, and its data outlives a restart as on disk. Undefined where
 * the run has no shared instance.
 */
export function sharedDynamoTable(): { dynamoEndpoint: string; dynamoTable: string } | undefined {
  const endpoint = process.env[SHARED_DYNAMODB_ENV];
  return endpoint ? { dynamoEndpoint: endpoint, dynamoTable: `local-${randomBytes(6).toString('hex')}` } : undefined;
}

export interface LocalApi {
  server: LocalServer;
  dataDir: string;
  token(request: TokenRequest): Promise<string>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read reply bodies freely
  call<T = any>(method: string, path: string, options?: CallOptions): Promise<Reply<T>>;
  stop(options?: { keepData?: boolean }): Promise<void>;
}

export async function startLocalApi(options: Partial<LocalServerOptions> & { dataDir?: string } = {}): Promise<LocalApi> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'group-images-test-')));
  const server = await startLocalServer({ inMemory: true, ...options, dataDir });
  return {
    server,
    dataDir,
    token: (request) => mintLocalToken(dataDir, request),
    async call(method, path, { token, body, rawBody, headers = {} } = {}) {
      const res = await fetch(server.url + path, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined || rawBody !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        body: rawBody ?? (body === undefined ? undefined : JSON.stringify(body)),
      });
      const text = await res.text();
      const type = res.headers.get('content-type') ?? '';
      const reply = { status: res.status, headers: res.headers, body: text && type.includes('json') ? JSON.parse(text) : text };
      // Every response of every integration test is held to the OpenAPI document.
      assertKeepsContract(method, path, reply);
      return reply;
    },
    async stop({ keepData = false } = {}) {
      await server.close();
      if (!keepData) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The roles the contract names, as tokens for one group ("team-a") and another ("team-b"). */
export async function roleTokens(api: LocalApi) {
  const [groupAdmin, member, otherAdmin, otherMember, systemAdmin] = await Promise.all([
    api.token({ sub: 'ada', groups: ['team-a'], adminGroups: ['team-a'] }),
    api.token({ sub: 'mel', groups: ['team-a'] }),
    api.token({ sub: 'oto', groups: ['team-b'], adminGroups: ['team-b'] }),
    api.token({ sub: 'omi', groups: ['team-b'] }),
    api.token({ sub: 'sys', systemAdmin: true }),
  ]);
  return { groupAdmin, member, otherAdmin, otherMember, systemAdmin };
}
