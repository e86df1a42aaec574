import { describe, expect, it } from '@jest/globals';
import { emitMetrics, METRIC, METRICS_NAMESPACE } from '../../../lambdas/http/metrics.ts';

describe('emitMetrics', () => {
  it('writes one Embedded Metric Format line CloudWatch can turn into metrics', () => {
    // Prepare
    const lines: string[] = [];

    // Act
    emitMetrics([{ name: METRIC.serverErrors, value: 1 }], { Route: 'GET /images' }, (l) => lines.push(l));

    // Assess
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith('\n')).toBe(true);
    const emf = JSON.parse(lines[0]!);
    expect(emf._aws.CloudWatchMetrics).toEqual([
      { Namespace: METRICS_NAMESPACE, Dimensions: [['Service', 'Route']], Metrics: [{ Name: 'ServerErrors', Unit: 'Count' }] },
    ]);
    expect(emf).toEqual(expect.objectContaining({ Service: 'group-images', Route: 'GET /images', ServerErrors: 1 }));
    expect(typeof emf._aws.Timestamp).toBe('number');
  });

  it('carries several measurements with their units in one line', () => {
    // Prepare
    const lines: string[] = [];

    // Act
    emitMetrics([{ name: METRIC.buildsSucceeded, value: 1 }, { name: METRIC.buildDuration, value: 93.5, unit: 'Seconds' }], {}, (l) => lines.push(l));

    // Assess
    const emf = JSON.parse(lines[0]!);
    expect(emf._aws.CloudWatchMetrics[0].Metrics).toEqual([{ Name: 'BuildsSucceeded', Unit: 'Count' }, { Name: 'BuildDuration', Unit: 'Seconds' }]);
    expect(emf.BuildDuration).toBe(93.5);
  });

  it('writes nothing for no measurements', () => {
    // Prepare
    const lines: string[] = [];

    // Act
    emitMetrics([], {}, (l) => lines.push(l));

    // Assess
    expect(lines).toEqual([]);
  });

  it('writes nothing outside Lambda unless given a writer (local mode and tests stay quiet)', () => {
    // Prepare
    const written: string[] = [];
    const original = process.stdout.write.bind(process.stdout);
    const name = process.env.AWS_LAMBDA_FUNCTION_NAME;
    delete process.env.AWS_LAMBDA_FUNCTION_NAME;
    process.stdout.write = ((chunk: string) => written.push(String(chunk)) > 0) as typeof process.stdout.write;

    // Act
    try {
      emitMetrics([{ name: METRIC.clientErrors, value: 1 }]);
    } finally {
      process.stdout.write = original;
      if (name !== undefined) process.env.AWS_LAMBDA_FUNCTION_NAME = name;
    }

    // Assess
    expect(written.filter((l) => l.includes('_aws'))).toEqual([]);
  });
});
