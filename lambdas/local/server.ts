/**
 * Local mode: the API over plain HTTP, served by the same route table and the same handlers as in
 * AWS. Each request becomes an API Gateway HTTP API (v2) event as API Gateway's JWT authorizer
 * hands it on: the `authorization` header with the token, and the verified token's claims, flattened
 * to strings, in requestContext.authorizer.jwt.claims. The handlers read the caller from that
 * token exactly as they do in Lambda (http/claims.ts).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { jwtVerify } from 'jose';
import { claimNamesFrom, DEFAULT_LIMITS, type ClaimNames } from '../config.ts';
import { cursorCodec } from '../domain/cursor.ts';
import { randomNameSuffix } from '../domain/image.ts';
import type { ApiEvent, ApiResult } from '../http/api-handler.ts';
import { log } from '../observability/log.ts';
import { problem, problemResponse, type ProblemKind } from '../http/problem.ts';
import { CORS, matchPath, ROUTES, routeKey, type HttpFunction, type Route } from '../http/routes.ts';
import { flattenClaims } from '../http/claims.ts';
import { DynamoImageStore } from '../store/dynamo-image-store.ts';
import { DynamoBuildStore } from '../store/dynamo-build-store.ts';
import { DynamoSecretReferences } from '../store/secret-references.ts';
import { loggedOutcomes } from '../aws/eventbridge-outcomes.ts';
import type { BaseImageMirrors } from '../builds/base-image-mirrors.ts';
import { LocalBuildLogs } from './local-build-logs.ts';
import { LocalBuilder, LOCAL_PROJECT, type LocalBuildRef } from './local-builder.ts';
import type { BuildProgress } from '../domain/build.ts';
import { connectDynamo, ensureTable, localDatabaseDir, startEmbeddedDynamo, type EmbeddedDynamo } from './dynamodb.ts';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, localCursorKey, localSigningKeys } from './keys.ts';
import { LocalSecretStore } from './local-secrets.ts';
import { chooseContainerCli, containerCliChoiceOf, type ContainerCliChoice } from './container-cli.ts';
import type { PackageMirrors } from '../builds/package-mirrors.ts';
import { parseSecretReference } from '../domain/tenant-references.ts';
import { buildEvents } from '../wiring/build-events.ts';
import { buildLogs } from '../wiring/build-logs.ts';
import { buildReconciler } from '../wiring/build-reconciler.ts';
import { catalogReader } from '../wiring/catalog-reader.ts';
import { catalogWriter } from '../wiring/catalog-writer.ts';
import { noBuildMetrics, systemClock } from '../wiring/ports.ts';
import { publicFunction } from '../wiring/public.ts';
import { secrets as secretsFunction } from '../wiring/secrets.ts';

/** Like API Gateway's payload limit, but small: bodies are JSON documents of a few KB. */
const MAX_READ_BYTES = 1024 * 1024;

export interface LocalServerOptions {
  dataDir: string;
  port?: number;
  host?: string;
  /** Keep DynamoDB in memory instead of DATA_DIR (tests that do not test persistence). */
  inMemory?: boolean;
  /** Use this DynamoDB (DYNAMODB_ENDPOINT) instead of starting DynamoDB Local. */
  dynamoEndpoint?: string;
  /** With dynamoEndpoint: the table there (TABLE_NAME; default group-images). */
  dynamoTable?: string;
  /** How the caller is read from the token's claims. Default: the defaults of lambdas/config.ts. */
  claims?: ClaimNames;
  /** The container CLI builds run with; null for dry runs. Default: detectContainerCli(). */
  containerCli?: string | null | ContainerCliChoice;
  /** LOCAL_REGISTRY: where builds push (`host:port`); none: images stay in the CLI's own store. */
  localRegistry?: string;
  /** The platform's package mirrors, for every build. */
  mirrors?: PackageMirrors;
  buildTimeoutMinutes?: number;
  /** Where built images are said to be: `<registry>/<repository>`. */
  imageRepository?: string;
  maxImagesPerGroup?: number;
  maxConcurrentBuildsPerGroup?: number;
  /** Registry host -> mirror prefix base images are pulled through (main.ts reads BASE_IMAGE_MIRRORS). */
  baseImageMirrors?: BaseImageMirrors;
}

export interface LocalServer {
  url: string;
  dynamo: EmbeddedDynamo;
  builder: LocalBuilder;
  /** Which container CLI builds run with, and why (one line). */
  containerCli: ContainerCliChoice;
  localRegistry?: string;
  close(): Promise<void>;
}

type Handler = (event: ApiEvent, context: Context) => Promise<ApiResult>;

export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const { dataDir } = options;
  const claims = options.claims ?? claimNamesFrom({});
  const [keys, cursorKey] = await Promise.all([localSigningKeys(dataDir), localCursorKey(dataDir)]);
  const dynamo = options.dynamoEndpoint
    ? connectDynamo(options.dynamoEndpoint, options.dynamoTable)
    : await startEmbeddedDynamo(options.inMemory ? undefined : localDatabaseDir(dataDir));
  const table = dynamo.table;
  await ensureTable(dynamo.client, table).catch(async (e: unknown) => {
    await dynamo.close();
    throw e;
  });

  const secrets = new LocalSecretStore(join(dataDir, 'secrets'));
  const logs = new LocalBuildLogs(join(dataDir, 'build-logs'));
  let onProgress: (ref: LocalBuildRef, builderId: string, progress: BuildProgress) => Promise<unknown> = async () => undefined;
  const containerCli = detectContainerCli(options.containerCli);
  const builder = new LocalBuilder({
    dataDir,
    logs,
    containerCli,
    localRegistry: options.localRegistry,
    mirrors: options.mirrors,
    timeoutMinutes: options.buildTimeoutMinutes ?? 60,
    // The build names its secret by reference (`<name>` or `<group>/<name>`), which the catalog checked against the build's scope.
    pullSecretJson: async (reference) => {
      const ref = parseSecretReference(reference);
      return ref ? secrets.dockerConfigJson(ref) : undefined;
    },
    report: (ref, builderId, progress) => onProgress(ref, builderId, progress),
    baseImageMirrors: options.baseImageMirrors,
  });
  const imageRepository = options.imageRepository ?? `${options.localRegistry ?? 'localhost'}/group-images`;

  // Every function's ports, with local adapters: each function below is wired by the same factory as
  // its Lambda entry (lambdas/wiring/), given what it takes from these.
  const ports = {
    claims,
    imageStore: new DynamoImageStore(dynamo.client, table),
    buildStore: new DynamoBuildStore(dynamo.client, table),
    cursors: cursorCodec(cursorKey),
    clock: systemClock,
    random: randomNameSuffix,
    outcomes: loggedOutcomes,
    metrics: noBuildMetrics,
    // Local builds are not scanned.
    scans: null,
    builder,
    repositories: { image: imageRepository, cache: '' },
    secretDirectory: secrets,
    limits: {
      maxImagesPerGroup: options.maxImagesPerGroup ?? DEFAULT_LIMITS.maxImagesPerGroup,
      maxConcurrentBuildsPerGroup: options.maxConcurrentBuildsPerGroup ?? DEFAULT_LIMITS.maxConcurrentBuildsPerGroup,
    },
    logs,
    secretStore: secrets,
    secretUsage: new DynamoSecretReferences(dynamo.client, table),
    project: LOCAL_PROJECT,
    imageRepository,
    stuckBuildMinutes: 0,
  };
  // The local builder reports progress in the service's words straight to the build events function's twin.
  const events = buildEvents(ports);
  onProgress = async (ref, builderId, progress) => {
    const outcome = await events.builds.report(ref, builderId, progress);
    log('info', 'build progress', { outcome, buildId: ref.buildId, image: ref.image, group: ref.scope.group, status: progress.status, phase: progress.phase });
  };
  // The scheduled reconciler's local twin: builds a previous run of the server left unfinished.
  await buildReconciler(ports).builds.reconcile(ports.stuckBuildMinutes);

  const handlers: Record<HttpFunction, Handler> = {
    public: publicFunction(ports).handler as unknown as Handler,
    catalogReader: catalogReader(ports).handler as unknown as Handler,
    catalogWriter: catalogWriter(ports).handler as unknown as Handler,
    buildLogs: buildLogs(ports).handler as unknown as Handler,
    secrets: secretsFunction(ports).handler as unknown as Handler,
  };

  const server = createServer((req, res) => {
    serve(req, res).catch((e) => {
      log('error', 'local server failed a request', { error: String(e) });
      if (!res.headersSent) send(res, problemResponse(problem('internal', 'the local server failed; see its log')));
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const requestId = randomUUID();
    const refuse = (kind: ProblemKind, detail: string, headers: Record<string, string> = {}) =>
      send(res, problemResponse(problem(kind, detail, { requestId }), headers), requestId);

    if (req.method === 'OPTIONS') return send(res, { statusCode: 204, headers: corsPreflight(req) });
    const candidates = ROUTES.map((route) => ({ route, params: matchPath(route.path, url.pathname) })).filter((m) => m.params);
    if (candidates.length === 0) return refuse('route-not-found', `no route for ${url.pathname}`);
    // HEAD is a GET without its body, wherever a GET exists.
    const head = req.method === 'HEAD';
    const found = candidates.find((m) => m.route.method === (head ? 'GET' : req.method));
    if (!found) {
      const allow = candidates.flatMap((m) => (m.route.method === 'GET' ? ['GET', 'HEAD'] : [m.route.method]));
      return refuse('method-not-allowed', `${req.method} is not allowed on ${url.pathname}`, { allow: allow.join(', ') });
    }

    const body = await readBody(req);
    if (body === undefined) return refuse('payload-too-large', `the body is larger than ${MAX_READ_BYTES} bytes`);

    let jwtClaims: Record<string, unknown> | undefined;
    if (found.route.auth) {
      const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
      if (!token) return refuse('unauthenticated', 'send "Authorization: Bearer <token>"; npm run --silent token mints one');
      try {
        const { payload } = await jwtVerify(token, keys.publicKey, { issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE });
        jwtClaims = flattenClaims(payload);
      } catch (e) {
        return refuse('unauthenticated', `the bearer token was refused: ${(e as Error).message}`);
      }
    }

    const event = toEvent(req, url, found.route, found.params!, body, requestId, jwtClaims);
    const result = await handlers[found.route.fn](event, lambdaContext(requestId, found.route.fn));
    send(res, result, requestId, !head);
  }

  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host === '127.0.0.1' ? 'localhost' : host}:${address.port}`,
    dynamo,
    builder,
    containerCli,
    localRegistry: options.localRegistry,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await builder.shutdown();
      await dynamo.close();
    },
  };
}

/** The container CLI builds run with: the caller's (a path, or null for dry runs), else chosen from the environment. */
export function detectContainerCli(given?: string | null | ContainerCliChoice, env: Record<string, string | undefined> = process.env): ContainerCliChoice {
  return given === undefined ? chooseContainerCli(env) : containerCliChoiceOf(given);
}

function toEvent(
  req: IncomingMessage,
  url: URL,
  route: Route,
  params: Record<string, string>,
  body: string,
  requestId: string,
  claims?: Record<string, unknown>,
): ApiEvent {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
  const query: Record<string, string> = {};
  // API Gateway joins repeated query parameters with commas.
  for (const key of new Set(url.searchParams.keys())) query[key] = url.searchParams.getAll(key).join(',');
  const now = new Date();
  return {
    version: '2.0',
    routeKey: routeKey(route),
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    pathParameters: Object.keys(params).length ? params : undefined,
    body: body === '' ? undefined : body,
    isBase64Encoded: false,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: req.headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: route.method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '',
        userAgent: req.headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: routeKey(route),
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      ...(claims ? { authorizer: { jwt: { claims, scopes: null } } } : {}),
    },
  } as unknown as ApiEvent;
}

function lambdaContext(requestId: string, fn: HttpFunction): Context {
  return { awsRequestId: requestId, functionName: `local-${fn}`, getRemainingTimeInMillis: () => 30_000 } as unknown as Context;
}

/** The body, or undefined when it is too large. A too-large body is still read to its end (and dropped), so the client gets its 413 instead of a reset connection. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= MAX_READ_BYTES) chunks.push(chunk as Buffer);
  }
  return size > MAX_READ_BYTES ? undefined : Buffer.concat(chunks).toString('utf8');
}

/** Local mode allows any origin, so a portal running on another port can call it (the same lists as API Gateway's CORS). */
function corsPreflight(req: IncomingMessage): Record<string, string> {
  return {
    'access-control-allow-origin': req.headers.origin ?? '*',
    'access-control-allow-methods': [...CORS.allowMethods, 'HEAD', 'OPTIONS'].join(', '),
    'access-control-allow-headers': CORS.allowHeaders.join(', '),
    'access-control-expose-headers': CORS.exposeHeaders.join(', '),
    'access-control-max-age': '600',
  };
}

function send(res: ServerResponse, result: ApiResult, requestId?: string, withBody = true) {
  const headers: Record<string, string> = {
    'access-control-allow-origin': '*',
    'access-control-expose-headers': CORS.exposeHeaders.join(', '),
    ...(requestId ? { 'x-request-id': requestId } : {}),
  };
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k.toLowerCase()] = String(v);
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(withBody ? (result.body ?? '') : undefined);
}
