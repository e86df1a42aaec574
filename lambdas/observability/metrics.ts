/**
 * CloudWatch metrics as Embedded Metric Format lines, written by Powertools Metrics: one JSON line on
 * stdout per call that CloudWatch Logs turns into metrics, with no API call. Its cold-start cost was
 * measured before it was adopted (bench/README.md, "Powertools"). The names live in
 * metric-names.ts, which the dashboard and alarms in lib/ read without loading Powertools.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { log } from './log.ts';
import { METRICS_NAMESPACE, SERVICE_DIMENSION, type MetricName } from './metric-names.ts';

type Unit = 'Count' | 'Seconds';

export interface Measurement {
  name: MetricName;
  value: number;
  unit?: Unit;
}

/** Only Lambda's log capture turns EMF lines into metrics; elsewhere (npm start, tests, cdk synth) they would be noise. */
const inLambda = () => process.env.AWS_LAMBDA_FUNCTION_NAME !== undefined;

let metrics: Metrics | undefined;

/** Built on first use, so processes that never emit (local server, tests, the CDK app) never build it. */
function powertools(): Metrics {
  if (!metrics) {
    // Its own warnings (an invalid dimension, say) become our JSON log lines instead of plain text on stdout.
    const logger = { debug: () => {}, info: () => {}, warn: (m: unknown) => log('warn', String(m)), error: (m: unknown) => log('error', String(m)) };
    metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_DIMENSION.Service, logger });
    // Powertools adds a lowercase `service` dimension; the dashboard's metrics have `Service` alone.
    metrics.clearDefaultDimensions();
    metrics.setDefaultDimensions({ ...SERVICE_DIMENSION });
  }
  return metrics;
}

/** Writes one EMF line with the given measurements and extra dimensions (beside Service). */
export function emitMetrics(measurements: Measurement[], dimensions: Record<string, string> = {}): void {
  if (measurements.length === 0 || !inLambda()) return;
  const m = powertools();
  for (const [name, value] of Object.entries(dimensions)) m.addDimension(name, value);
  for (const { name, value, unit } of measurements) m.addMetric(name, unit ?? 'Count', value);
  // Flushed at once: the dimensions belong to these measurements only, and nothing waits for the end of the invocation.
  m.publishStoredMetrics();
}
