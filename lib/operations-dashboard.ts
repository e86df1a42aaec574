/**
 * The operator's view: one CloudWatch dashboard (requests, errors, latency, builds by status, build
 * duration, dead-letter queues) and the alarms on-call needs (5xx rate, builds failing, builds the
 * reconciler had to settle; the DLQ alarms live with their queues). Alarms notify the optional SNS
 * topic. Custom metrics are the EMF lines of lambdas/observability/metric-names.ts.
 */
import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { METRIC, METRICS_NAMESPACE, SERVICE_DIMENSION, type MetricName } from '../lambdas/observability/metric-names.ts';
import type { DeadLetterQueue } from './dead-letter-queue.ts';

export interface OperationsDashboardProps {
  readonly api: apigw.HttpApi;
  readonly deadLetterQueues: readonly DeadLetterQueue[];
  readonly alarmTopic?: sns.ITopic;
  /** Alarm when more than this share of finished builds failed in an hour. @default 0.5 */
  readonly buildFailureRatio?: number;
  /** Alarm when the share of 5xx answers over 5 minutes exceeds this. @default 0.05 */
  readonly serverErrorRatio?: number;
}

const serviceMetric = (name: MetricName, statistic: string = cloudwatch.Stats.SUM, period = Duration.minutes(5)) =>
  new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName: name, dimensionsMap: { ...SERVICE_DIMENSION }, statistic, period });

export class OperationsDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarms: { serverErrors: cloudwatch.Alarm; buildFailures: cloudwatch.Alarm; stuckBuilds: cloudwatch.Alarm };

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    const requests = props.api.metricCount({ period });
    const serverErrors = props.api.metricServerError({ period });
    const clientErrors = props.api.metricClientError({ period });

    const serverErrorRate = new cloudwatch.MathExpression({
      expression: 'IF(requests > 0, errors / requests, 0)',
      usingMetrics: { errors: serverErrors, requests },
      period,
      label: '5xx share of requests',
    });
    const hour = Duration.hours(1);
    const buildFailureRate = new cloudwatch.MathExpression({
      expression: 'IF(failed + succeeded >= 3, failed / (failed + succeeded), 0)',
      usingMetrics: {
        failed: serviceMetric(METRIC.buildsFailed, cloudwatch.Stats.SUM, hour),
        succeeded: serviceMetric(METRIC.buildsSucceeded, cloudwatch.Stats.SUM, hour),
      },
      period: hour,
      label: 'share of finished builds that failed (at least 3 finished)',
    });

    this.alarms = {
      serverErrors: serverErrorRate.createAlarm(this, 'ServerErrorRate', {
        alarmDescription:
          'More than the allowed share of API requests answered 5xx for 10 minutes: check the functions\' logs (level "error", with the request id).',
        threshold: props.serverErrorRatio ?? 0.05,
        evaluationPeriods: 2,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      buildFailures: buildFailureRate.createAlarm(this, 'BuildFailureRate', {
        alarmDescription:
          "Most builds of the last hour failed: a registry, the build image or the network may be down (read a failed build's failureReason and log).",
        threshold: props.buildFailureRatio ?? 0.5,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      stuckBuilds: serviceMetric(METRIC.stuckBuildsSettled, cloudwatch.Stats.SUM, Duration.minutes(15)).createAlarm(this, 'StuckBuilds', {
        alarmDescription:
          'The reconciler settled builds whose CodeBuild events never arrived: check the build events rule, its DLQ and the build-events function.',
        threshold: 0,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    };
    if (props.alarmTopic) {
      for (const alarm of Object.values(this.alarms)) {
        alarm.addAlarmAction(new actions.SnsAction(props.alarmTopic));
        alarm.addOkAction(new actions.SnsAction(props.alarmTopic));
      }
    }

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(6),
      widgets: [
        [
          new cloudwatch.GraphWidget({ title: 'Requests', left: [requests], width: 8 }),
          new cloudwatch.GraphWidget({
            title: 'Errors',
            left: [clientErrors.with({ label: '4xx' }), serverErrors.with({ label: '5xx' })],
            right: [serverErrorRate],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Latency (ms)',
            left: [cloudwatch.Stats.p(50), cloudwatch.Stats.p(90), cloudwatch.Stats.p(99)].map((statistic) =>
              props.api.metricLatency({ period, statistic, label: statistic }),
            ),
            width: 8,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Builds by outcome',
            left: [METRIC.buildsStarted, METRIC.buildsReused, METRIC.buildsSucceeded, METRIC.buildsFailed, METRIC.buildsCancelled].map((name) =>
              serviceMetric(name).with({ label: name }),
            ),
            stacked: false,
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Build duration (s)',
            left: [cloudwatch.Stats.p(50), cloudwatch.Stats.p(90), cloudwatch.Stats.MAXIMUM].map((statistic) =>
              serviceMetric(METRIC.buildDuration, statistic).with({ label: statistic }),
            ),
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Dead-letter queues and stuck builds',
            left: props.deadLetterQueues.map((d) => d.queue.metricApproximateNumberOfMessagesVisible({ period, statistic: cloudwatch.Stats.MAXIMUM })),
            right: [serviceMetric(METRIC.stuckBuildsSettled).with({ label: 'settled by the reconciler' })],
            width: 8,
          }),
        ],
        [
          new cloudwatch.AlarmStatusWidget({
            title: 'Alarms',
            alarms: [...Object.values(this.alarms), ...props.deadLetterQueues.map((d) => d.alarm)],
            width: 24,
          }),
        ],
      ],
    });
  }
}
