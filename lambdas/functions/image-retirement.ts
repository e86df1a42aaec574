/**
 * Scheduled (daily): deletes the built images nothing points at any more, once they have stayed so for
 * IMAGE_RETENTION_DAYS (lambdas/domain/image-retirement.ts says what "points at" means and why it is
 * safe while builds run). Idempotent: a second run finds nothing more to do; a run that stopped
 * half-way is finished by the next.
 */
import { ECRClient } from '@aws-sdk/client-ecr';
import { DEFAULT_IMAGE_RETENTION_DAYS, ENV, positiveInt, required } from '../config.ts';
import { EcrRetirementRegistry } from '../aws/ecr-retirement-registry.ts';
import { retireImages } from '../domain/image-retirement.ts';
import { log } from '../observability/log.ts';
import { METRIC } from '../observability/metric-names.ts';
import { emitMetrics } from '../observability/metrics.ts';
import { dynamoClient } from '../store/dynamo.ts';
import { DynamoImageReferences } from '../store/dynamo-image-references.ts';

const env = process.env;
const store = new DynamoImageReferences(dynamoClient(), required(env, ENV.tableName));
const registry = new EcrRetirementRegistry(new ECRClient({}), required(env, ENV.imageRepositoryUri));

export const handler = async () => {
  const result = await retireImages({
    registry,
    references: store,
    marks: store,
    retentionDays: positiveInt(env, ENV.imageRetentionDays, DEFAULT_IMAGE_RETENTION_DAYS),
  });
  log('info', 'retired unreferenced images', { ...result });
  emitMetrics([{ name: METRIC.imagesRetired, value: result.deleted.length }]);
  return result;
};
