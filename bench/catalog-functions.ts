/**
 * The catalog functions wired by the same factories as their Lambda entries (lambdas/wiring/
 * catalog-reader.ts and catalog-writer.ts: apiHandler over the function's operations, the real
 * DynamoDB stores and services), but on an in-memory DynamoDB Local whose client carries a recorder, and
 * with a recording builder in place of CodeBuild.
 */
import type { Context } from 'aws-lambda';
import { DEFAULT_LIMITS, ENV } from '../lambdas/config.ts';
import type { ApiEvent, ApiResult } from '../lambdas/http/api-handler.ts';
import { ensureTable, startEmbeddedDynamo, type EmbeddedDynamo } from '../lambdas/local/dynamodb.ts';
import type { DynamoImageStore } from '../lambdas/store/dynamo-image-store.ts';
import { catalogReader } from '../lambdas/wiring/catalog-reader.ts';
import { catalogWriter } from '../lambdas/wiring/catalog-writer.ts';
import { benchPorts } from './bench-ports.ts';
import { DynamoRecorder } from './dynamo-recorder.ts';
import { FUNCTION_SETTINGS } from './lambda-env.ts';
import { RecordingBuilder } from './recording-builder.ts';

export type Handler = (event: ApiEvent, context: Context) => Promise<ApiResult>;

export interface CatalogFunctions {
  dynamo: EmbeddedDynamo;
  table: string;
  recorder: DynamoRecorder;
  images: DynamoImageStore;
  builder: RecordingBuilder;
  reader: Handler;
  writer: Handler;
  close(): Promise<void>;
}

export async function startCatalogFunctions(): Promise<CatalogFunctions> {
  const table = FUNCTION_SETTINGS[ENV.tableName]!;
  const dynamo = await startEmbeddedDynamo();
  await ensureTable(dynamo.client, table);
  const recorder = new DynamoRecorder(dynamo.client);
  const builder = new RecordingBuilder();
  const ports = benchPorts(dynamo.client, table, builder, DEFAULT_LIMITS);
  const images = ports.imageStore;

  const reader = catalogReader(ports).handler;
  // CodeBuild, Secrets Manager, EventBridge, EMF metrics and scans replaced: the requests measured start builds but settle none.
  const writer = catalogWriter(ports).handler;

  return {
    dynamo,
    table,
    recorder,
    images,
    builder,
    reader: reader as unknown as Handler,
    writer: writer as unknown as Handler,
    close: () => dynamo.close(),
  };
}

/**
 * Runs `action` with the handlers' request log lines swallowed: they are still built (JSON.stringify
 * is part of the handler's cost) but not written, so the benchmark's own output stays readable.
 */
export async function withQuietStdout<T>(action: () => Promise<T>): Promise<T> {
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return await action();
  } finally {
    process.stdout.write = write;
  }
}
