import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { METRIC, METRICS_NAMESPACE } from '../../../lambdas/observability/metric-names.ts';
import { emitMetrics } from '../../../lambdas/observability/metrics.ts';
import { captureLogs, logLineProblem, type LogCapture } from '../../support/log-capture.ts';

// emitMetrics writes only inside Lambda: these tests pretend to be there, and read what reaches stdout.
let logs: LogCapture;
let functionName: string | undefined;

beforeEach(() => {
  functionName = process.env.AWS_LAMBDA_FUNCTION_NAME;
  process.env.AWS_LAMBDA_FUNCTION_NAME = 'group-images-test';
  logs = captureLogs('info');
});

afterEach(() => {
  logs.stop();
  if (functionName === undefined) delete process.env.AWS_LAMBDA_FUNCTION_NAME;
  else process.env.AWS_LAMBDA_FUNCTION_NAME = functionName;
});

const emfLines = () => logs.writes.filter((w) => w.includes('"_aws"'));

describe('emitMetrics', () => {
  it('writes one Embedded Metric Format line CloudWatch can turn into metrics, with the dashboard dimensions', () => {
    // Act
    emitMetrics([{ name: METRIC.serverErrors, value: 1 }], { Route: 'GET /images' });

    // Assess
    expect(emfLines()).toHaveLength(1);
    expect(logLineProblem(emfLines()[0]!)).toBeUndefined();
    const emf = JSON.parse(emfLines()[0]!);
    // Service alone (not Powertools' default lowercase `service`), as lib/operations-dashboard.ts reads it.
    expect(emf._aws.CloudWatchMetrics).toEqual([
      { Namespace: METRICS_NAMESPACE, Dimensions: [['Service', 'Route']], Metrics: [{ Name: 'ServerErrors', Unit: 'Count' }] },
    ]);
    expect(emf).toEqual(expect.objectContaining({ Service: 'group-images', Route: 'GET /images', ServerErrors: 1 }));
    expect(emf).not.toHaveProperty('service');
    expect(typeof emf._aws.Timestamp).toBe('number');
  });

  it('carries several measurements with their units in one line', () => {
    // Act
    emitMetrics([
      { name: METRIC.buildsSucceeded, value: 1 },
      { name: METRIC.buildDuration, value: 93.5, unit: 'Seconds' },
    ]);

    // Assess
    expect(emfLines()).toHaveLength(1);
    const emf = JSON.parse(emfLines()[0]!);
    expect(emf._aws.CloudWatchMetrics[0].Dimensions).toEqual([['Service']]);
    expect(emf._aws.CloudWatchMetrics[0].Metrics).toEqual([
      { Name: 'BuildsSucceeded', Unit: 'Count' },
      { Name: 'BuildDuration', Unit: 'Seconds' },
    ]);
    expect(emf.BuildDuration).toBe(93.5);
  });

  it('keeps a dimension to the line it was given for', () => {
    // Act
    emitMetrics([{ name: METRIC.clientErrors, value: 1 }], { Route: 'GET /images' });
    emitMetrics([{ name: METRIC.buildsStarted, value: 1 }]);

    // Assess
    const [first, second] = emfLines().map((l) => JSON.parse(l));
    expect(first._aws.CloudWatchMetrics[0].Dimensions).toEqual([['Service', 'Route']]);
    expect(second._aws.CloudWatchMetrics[0].Dimensions).toEqual([['Service']]);
    expect(second).not.toHaveProperty('Route');
  });

  it('writes nothing for no measurements', () => {
    // Act
    emitMetrics([]);

    // Assess
    expect(logs.writes).toEqual([]);
  });

  it('writes nothing outside Lambda (local mode and tests stay quiet)', () => {
    // Prepare
    delete process.env.AWS_LAMBDA_FUNCTION_NAME;

    // Act
    emitMetrics([{ name: METRIC.clientErrors, value: 1 }]);

    // Assess
    expect(logs.writes).toEqual([]);
  });

  it("turns Powertools' own warnings into JSON log lines", () => {
    // Act: an empty dimension value is refused by Powertools, with a warning
    emitMetrics([{ name: METRIC.clientErrors, value: 1 }], { Route: '' });

    // Assess
    const others = logs.writes.filter((w) => !w.includes('"_aws"'));
    expect(others).toHaveLength(1);
    expect(logLineProblem(others[0]!)).toBeUndefined();
    expect(JSON.parse(others[0]!)).toEqual(expect.objectContaining({ level: 'warn', message: expect.stringContaining('Route') }));
    expect(emfLines()).toHaveLength(1);
  });
});
