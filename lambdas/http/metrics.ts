/**
 * CloudWatch metrics as Embedded Metric Format lines: one JSON line on stdout that CloudWatch Logs
 * turns into metrics, with no API call and no dependency (each function's cold start stays within
 * its budget). The names are the ones the dashboard and alarms in lib/ read.
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
} as const;
export type MetricName = (typeof METRIC)[keyof typeof METRIC];

type Unit = 'Count' | 'Seconds';

export interface Measurement {
  name: MetricName;
  value: number;
  unit?: Unit;
}

/** Only Lambda's log capture turns EMF lines into metrics; elsewhere (npm start, tests) they would be noise. */
const inLambda = () => process.env.AWS_LAMBDA_FUNCTION_NAME !== undefined;

/** Writes one EMF line with the given measurements and extra dimensions (beside Service). */
export function emitMetrics(
  measurements: Measurement[],
  dimensions: Record<string, string> = {},
  write: ((line: string) => void) | undefined = inLambda() ? (l) => process.stdout.write(l) : undefined,
): void {
  if (measurements.length === 0 || !write) return;
  const all = { ...SERVICE_DIMENSION, ...dimensions };
  const line = {
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [
        { Namespace: METRICS_NAMESPACE, Dimensions: [Object.keys(all)], Metrics: measurements.map((m) => ({ Name: m.name, Unit: m.unit ?? 'Count' })) },
      ],
    },
    ...all,
    ...Object.fromEntries(measurements.map((m) => [m.name, m.value])),
  };
  write(`${JSON.stringify(line)}\n`);
}
