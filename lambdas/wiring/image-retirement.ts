/**
 * Image retirement (daily): deletes the built images nothing points at any more, once they have
 * stayed so for retentionDays (lambdas/domain/image-retirement.ts says what "points at" means).
 */
import { retireImages, type CatalogReferences, type RetirementMarks, type RetirementRegistry } from '../domain/image-retirement.ts';
import { log } from '../observability/log.ts';
import { METRIC } from '../observability/metric-names.ts';
import { emitMetrics } from '../observability/metrics.ts';
import type { Clock } from './ports.ts';

export interface ImageRetirementPorts {
  registry: RetirementRegistry;
  references: CatalogReferences;
  marks: RetirementMarks;
  retentionDays: number;
  clock: Clock;
}

export function imageRetirement(p: ImageRetirementPorts) {
  const run = async () => {
    const result = await retireImages({ registry: p.registry, references: p.references, marks: p.marks, retentionDays: p.retentionDays, now: p.clock.now });
    log('info', 'retired unreferenced images', { ...result });
    emitMetrics([{ name: METRIC.imagesRetired, value: result.deleted.length }]);
    return result;
  };
  return { run };
}
