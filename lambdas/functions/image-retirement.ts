/**
 * Scheduled (daily): lambdas/wiring/image-retirement.ts says what it does. Idempotent: a second run
 * finds nothing more to do; a run that stopped half-way is finished by the next.
 */
import { ECRClient } from '@aws-sdk/client-ecr';
import { DEFAULT_IMAGE_RETENTION_DAYS, ENV, positiveInt, required } from '../config.ts';
import { EcrRetirementRegistry } from '../aws/ecr-retirement-registry.ts';
import { dynamoClient } from '../store/dynamo.ts';
import { DynamoImageReferences } from '../store/dynamo-image-references.ts';
import { systemClock } from '../wiring/ports.ts';
import { imageRetirement } from '../wiring/image-retirement.ts';
import type { Env } from './aws-wiring.ts';

export function fromEnvironment(env: Env) {
  const store = new DynamoImageReferences(dynamoClient(), required(env, ENV.tableName));
  return imageRetirement({
    registry: new EcrRetirementRegistry(new ECRClient({}), required(env, ENV.imageRepositoryUri)),
    references: store,
    marks: store,
    retentionDays: positiveInt(env, ENV.imageRetentionDays, DEFAULT_IMAGE_RETENTION_DAYS),
    clock: systemClock,
  });
}

const { run } = fromEnvironment(process.env);

export const handler = () => run();
