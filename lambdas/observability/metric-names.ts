/**
 * The service's CloudWatch metrics: namespace, dimension and names, as plain data. The functions emit
 * them (metrics.ts) and the dashboard and alarms in lib/ read them, so this module imports nothing:
 * `cdk synth` never loads Powertools.
 */
export const METRICS_NAMESPACE = 'GroupImages';
export const SERVICE_DIMENSION = { Service: 'group-images' } as const;

export const METRIC = {
  clientErrors: 'ClientErrors',
  serverErrors: 'ServerErrors',
  buildsStarted: 'BuildsStarted',
  buildsReused: 'BuildsReused',
  buildsSucceeded: 'BuildsSucceeded',
  buildsFailed: 'BuildsFailed',
  buildsCancelled: 'BuildsCancelled',
  buildDuration: 'BuildDuration',
  stuckBuildsSettled: 'StuckBuildsSettled',
  /** Built images deleted from ECR by image retirement. */
  imagesRetired: 'ImagesRetired',
} as const;
export type MetricName = (typeof METRIC)[keyof typeof METRIC];
