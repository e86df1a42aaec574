/**
 * Jest global setup: ONE DynamoDB Local (in memory) for the whole run, on a free port, named to every
 * test file through SHARED_DYNAMODB_ENV; each in-memory start then takes a table of its own on it
 * (lambdas/local/dynamodb.ts), so the JVM's few seconds of start-up are paid once. Without Java it
 * starts nothing and says why once: the suites that need a database then fail saying the same.
 */
import { JavaMissingError, SHARED_DYNAMODB_ENV, startDynamoDbLocal, type DynamoDbLocalProcess } from '../../lambdas/local/dynamodb.ts';

declare global {
  var sharedDynamoDbLocal: DynamoDbLocalProcess | undefined;
}

export default async function startSharedDynamoDbLocal(): Promise<void> {
  try {
    const engine = await startDynamoDbLocal();
    globalThis.sharedDynamoDbLocal = engine;
    process.env[SHARED_DYNAMODB_ENV] = engine.endpoint;
  } catch (e) {
    if (!(e instanceof JavaMissingError)) throw e;
    console.warn(`\n${e.message}\n`);
  }
}
