/**
 * A dead-letter queue for one asynchronous path (an EventBridge rule and the function it invokes),
 * encrypted, TLS-only, with an alarm as soon as anything lands in it: every message here is a build
 * event or a reconciler run that was lost after all retries.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface DeadLetterQueueProps {
  /** What fails into this queue, for the alarm's description. */
  readonly purpose: string;
  readonly alarmTopic?: sns.ITopic;
}

export class DeadLetterQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);

    this.queue = new sqs.Queue(this, 'Queue', {
      // SQS-managed keys: EventBridge can deliver to them without a key policy of ours.
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.queue).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason:
        'This queue is itself the dead-letter queue (of an EventBridge target and of a Lambda function); a DLQ of a DLQ would only move the same messages again.',
    });

    this.alarm = this.queue
      .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM })
      .createAlarm(this, 'NotEmpty', {
        alarmDescription: `${props.purpose} failed after all retries and waits in the dead-letter queue: inspect the message, fix the cause, then redrive it.`,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    if (props.alarmTopic) {
      this.alarm.addAlarmAction(new actions.SnsAction(props.alarmTopic));
      this.alarm.addOkAction(new actions.SnsAction(props.alarmTopic));
    }
  }
}
