/** The operator's view in the template: the dashboard, the alarms and where they notify, and event publishing. */
import { describe, expect, it } from '@jest/globals';
import { Match } from 'aws-cdk-lib/assertions';
import { METRIC, METRICS_NAMESPACE } from '../../lambdas/observability/metric-names.ts';
import { resourcesOf, synth } from './synth.ts';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:on-call';
const { apiTemplate } = synth({ alarmTopicArn: TOPIC });

const alarms = () => Object.values(resourcesOf(apiTemplate, 'AWS::CloudWatch::Alarm'));
const alarmMetricNames = (alarm: { Properties?: Record<string, unknown> }) =>
  JSON.stringify(alarm.Properties)
    .match(/"MetricName":"([A-Za-z0-9]+)"/g)
    ?.map((m) => m.split('"')[3]) ?? [];

describe('operations dashboard', () => {
  it('shows requests, errors, latency, builds by outcome, build duration and the dead-letter queues', () => {
    // Prepare
    const [dashboard] = Object.values(resourcesOf(apiTemplate, 'AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard?.Properties?.DashboardBody);

    // Assess
    for (const title of ['Requests', 'Errors', 'Latency (ms)', 'Builds by outcome', 'Build duration (s)', 'Dead-letter queues and stuck builds']) {
      expect(body).toContain(`\\"title\\":\\"${title}\\"`);
    }
    for (const name of [METRIC.buildsStarted, METRIC.buildsReused, METRIC.buildsSucceeded, METRIC.buildsFailed, METRIC.buildsCancelled, METRIC.buildDuration]) {
      expect(body).toContain(`\\"${METRICS_NAMESPACE}\\",\\"${name}\\"`);
    }
    expect(body).toContain('ApproximateNumberOfMessagesVisible');
  });
});

describe('alarms', () => {
  it('alarm on the 5xx share, failing builds, builds the reconciler settled and non-empty DLQs', () => {
    // Prepare
    const names = alarms().map(alarmMetricNames);

    // Assess
    expect(names).toEqual(
      expect.arrayContaining([
        expect.arrayContaining(['5xx', 'Count']),
        expect.arrayContaining([METRIC.buildsFailed, METRIC.buildsSucceeded]),
        [METRIC.stuckBuildsSettled],
        ['ApproximateNumberOfMessagesVisible'],
      ]),
    );
    // These (3 DLQs: build events, reconciler, image retirement), and the function and table alarms
    // of lib/service-alarms.ts (test/infra/platform.test.ts).
    const functions = Object.keys(resourcesOf(apiTemplate, 'AWS::Lambda::Function')).length;
    expect(alarms()).toHaveLength(6 + 2 * functions + 1);
  });

  it('notify the configured SNS topic, on alarm and on recovery', () => {
    // Assess
    for (const alarm of alarms()) {
      expect(alarm.Properties).toEqual(expect.objectContaining({ AlarmActions: [TOPIC], OKActions: [TOPIC] }));
    }
  });

  it('notify no one when no topic is configured', () => {
    // Prepare
    const plain = synth().apiTemplate;

    // Assess
    for (const alarm of Object.values(resourcesOf(plain, 'AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties?.AlarmActions).toBeUndefined();
    }
  });
});

describe('build outcome events', () => {
  it('may be published to the default bus by the functions that settle builds, and no other', () => {
    // Prepare
    const policies = Object.values(resourcesOf(apiTemplate, 'AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties).includes('events:PutEvents'));

    // Assess
    expect(policies).toHaveLength(3);
    for (const p of policies) expect(JSON.stringify(p.Properties)).toMatch(/event-bus\/default/);
  });

  it('go to the named bus when one is set', () => {
    // Prepare
    const named = synth({ eventBusName: 'portal-events' }).apiTemplate;

    // Assess
    named.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'events:PutEvents',
            Resource: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([':event-bus/portal-events'])]) }),
          }),
        ]),
      },
    });
  });
});
