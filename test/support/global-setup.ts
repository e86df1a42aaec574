/**
 * Jest global setup, for the whole run (its environment is the test files' and their processes'):
 *   - ONE DynamoDB Local (in memory) on a free port, named to every test file through
 *     SHARED_DYNAMODB_ENV; each in-memory start then takes a table of its own on it
 *     (lambdas/local/dynamodb.ts), so the JVM's few seconds of start-up are paid once. Without Java it
 *     starts nothing and says why once: the suites that need a database then fail saying the same.
 *   - `python3` found once, not through a version manager's shim on every call (python-without-shim.ts).
 */
import { JavaMissingError, SHARED_DYNAMODB_ENV, startDynamoDbLocal, type DynamoDbLocalProcess } from '../../lambdas/local/dynamodb.ts';
import { putPythonFirstOnPath } from './python-without-shim.ts';

declare global {
  var sharedDynamoDbLocal: DynamoDbLocalProcess | undefined;
  var pythonFolder: string | undefined;
}

/**
 * The run's JVMs (the shared DynamoDB Local, and those of the `npm start` processes suites start, which
 * inherit this environment) compile with C1 only: they live seconds to minutes, too short for C2's
 * compilations to pay back. Measured here: start, a table and 300 writes 6.3 s of CPU -> 3.1 s; with
 * 3,000 writes 13.5 s -> 9.6 s. Tests only: `npm start` for users keeps the JVM's defaults.
 */
const SHORT_LIVED_JVM = '-XX:TieredStopAtLevel=1';

export default async function globalSetup(): Promise<void> {
  globalThis.pythonFolder = putPythonFirstOnPath(process.env);
  process.env.JAVA_TOOL_OPTIONS = [process.env.JAVA_TOOL_OPTIONS, SHORT_LIVED_JVM].filter(Boolean).join(' ');
  try {
    const engine = await startDynamoDbLocal();
    globalThis.sharedDynamoDbLocal = engine;
    process.env[SHARED_DYNAMODB_ENV] = engine.endpoint;
  } catch (e) {
    if (!(e instanceof JavaMissingError)) throw e;
    console.warn(`\n${e.message}\n`);
  }
}
