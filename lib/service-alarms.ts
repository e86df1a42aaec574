/**
 * Alarms on what the request-level alarms cannot see: a function failing or throttled (an unhandled
 * error, a timeout, the account's concurrency used up) and the catalog table throttling. Each notifies
 * the optional SNS topic on alarm and on recovery.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface ServiceAlarmsProps {
  /** The service's functions by name. */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  readonly table: dynamodb.ITable;
  readonly alarmTopic?: sns.ITopic;
}

const PERIOD = Duration.minutes(5);

export class ServiceAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: ServiceAlarmsProps) {
    super(scope, id);
    const alarm = (alarmId: string, metric: cloudwatch.Metric | cloudwatch.MathExpression, description: string) => {
      const created = metric.createAlarm(this, alarmId, {
        alarmDescription: description,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      if (props.alarmTopic) {
        created.addAlarmAction(new actions.SnsAction(props.alarmTopic));
        created.addOkAction(new actions.SnsAction(props.alarmTopic));
      }
      this.alarms.push(created);
    };

    for (const [name, fn] of Object.entries(props.functions)) {
      const id = name.charAt(0).toUpperCase() + name.slice(1);
      alarm(
        `${id}Errors`,
        fn.metricErrors({ period: PERIOD, statistic: cloudwatch.Stats.SUM }),
        `The ${name} function failed (an unhandled error or a timeout; answers the API gives on purpose are not errors): read its log group, level "error".`,
      );
      alarm(
        `${id}Throttles`,
        fn.metricThrottles({ period: PERIOD, statistic: cloudwatch.Stats.SUM }),
        `Lambda throttled the ${name} function: the account's (or region's) concurrency is used up; callers got 5xx or events were retried.`,
      );
    }

    const throttleEvents = new cloudwatch.MathExpression({
      expression: 'reads + writes',
      usingMetrics: {
        reads: props.table.metric('ReadThrottleEvents', { period: PERIOD, statistic: cloudwatch.Stats.SUM }),
        writes: props.table.metric('WriteThrottleEvents', { period: PERIOD, statistic: cloudwatch.Stats.SUM }),
      },
      period: PERIOD,
      label: 'catalog table throttle events',
    });
    alarm(
      'TableThrottles',
      throttleEvents,
      'DynamoDB throttled the catalog table (on-demand capacity ramps up behind sudden peaks): the SDK retried; past its retries callers got 503 "try again".',
    );
  }
}
