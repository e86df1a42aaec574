/**
 * The catalog functions' ports as the benches give them: the real DynamoDB stores on the bench's
 * DynamoDB Local, a recording builder in place of CodeBuild, and nothing else of AWS (outcome events
 * dropped, no metrics, no scans, no pull secret: the benchmarked requests name none).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { claimNamesFrom, ENV } from '../lambdas/config.ts';
import { cursorCodec } from '../lambdas/domain/cursor.ts';
import { randomNameSuffix } from '../lambdas/domain/image.ts';
import { DynamoBuildStore } from '../lambdas/store/dynamo-build-store.ts';
import { DynamoImageStore } from '../lambdas/store/dynamo-image-store.ts';
import { noBuildMetrics, systemClock, type GroupLimits, type WriterPorts } from '../lambdas/wiring/ports.ts';
import { FUNCTION_SETTINGS } from './lambda-env.ts';
import type { RecordingBuilder } from './recording-builder.ts';

export function benchPorts(client: DynamoDBClient, table: string, builder: RecordingBuilder, limits: GroupLimits) {
  const env = FUNCTION_SETTINGS;
  return {
    claims: claimNamesFrom(env),
    imageStore: new DynamoImageStore(client, table),
    buildStore: new DynamoBuildStore(client, table),
    cursors: cursorCodec(env[ENV.cursorKey]!),
    clock: systemClock,
    random: randomNameSuffix,
    outcomes: { publish: async () => undefined },
    metrics: noBuildMetrics,
    scans: null,
    builder,
    repositories: { image: env[ENV.imageRepositoryUri]!, cache: env[ENV.cacheRepositoryUri]! },
    secretDirectory: { exists: async () => false },
    limits,
    logs: null,
  } satisfies WriterPorts;
}
