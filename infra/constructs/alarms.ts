// Operational alarms -> an encrypted "ops" topic: function errors and throttles, dead-letter queue depth, a stuck
// ingest queue, failed or timed-out assessments, table throttling and API 5xx. The ops topic has its own key so the
// data key's policy never has to admit CloudWatch alarms; the account administers it, CloudWatch alone uses it.
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { HandlerName } from '../../shared/layout/resources';
import { adminOnlyKeyPolicy } from './key-policy';
import type { SatmonFunction } from './satmon-function';

export interface AlarmsProps {
  functions: Record<HandlerName, SatmonFunction>;
  /** Queues whose messages mean work that failed for good (any message alarms). */
  deadLetterQueues: Record<string, sqs.IQueue>;
  /** Work queues whose oldest message must not wait longer than this. */
  workQueues: Record<string, { queue: sqs.IQueue; maxAge: Duration }>;
  stateMachine: sfn.StateMachine;
  table: dynamodb.Table;
  api: apigw.HttpApi;
}

const FIVE_MINUTES = Duration.minutes(5);

export class Alarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const key = new kms.Key(this, 'OpsKey', {
      description: 'satmon: operational alarm notifications',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      policy: adminOnlyKeyPolicy(),
    });
    // CloudWatch alarms publish to an encrypted topic only if the key lets CloudWatch use it.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'], // in a key policy, "*" is this key
      }),
    );
    this.topic = new sns.Topic(this, 'OpsTopic', { displayName: 'satmon operations', masterKey: key, enforceSSL: true });
    // The topic policy CDK writes for enforceSSL replaces SNS's default one, so CloudWatch needs its own allow.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    const notify = new actions.SnsAction(this.topic);

    const add = (aid: string, metric: cloudwatch.IMetric, threshold: number, description: string) => {
      const alarm = new cloudwatch.Alarm(this, aid, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      alarm.addAlarmAction(notify);
      this.alarms.push(alarm);
    };

    for (const [name, f] of Object.entries(props.functions)) {
      add(`${name}Errors`, f.fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }), 1, `${name} function errors`);
      add(`${name}Throttles`, f.fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }), 1, `${name} function throttled`);
    }
    for (const [name, q] of Object.entries(props.deadLetterQueues)) {
      add(`${name}Depth`, q.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' }), 1, `${name}: messages that failed for good; inspect, fix, redrive`);
    }
    for (const [name, w] of Object.entries(props.workQueues)) {
      add(`${name}Age`, w.queue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: 'Maximum' }), w.maxAge.toSeconds(), `${name}: oldest message waiting too long`);
    }
    add('AssessmentFailed', props.stateMachine.metricFailed({ period: FIVE_MINUTES, statistic: 'Sum' }), 1, 'an assessment run failed');
    add('AssessmentTimedOut', props.stateMachine.metricTimedOut({ period: FIVE_MINUTES, statistic: 'Sum' }), 1, 'an assessment run timed out');
    add('AssessmentThrottled', props.stateMachine.metricThrottled({ period: FIVE_MINUTES, statistic: 'Sum' }), 1, 'assessment state transitions throttled');
    add(
      'TableThrottles',
      new cloudwatch.MathExpression({
        expression: 'r + w',
        usingMetrics: {
          r: props.table.metric('ReadThrottleEvents', { period: FIVE_MINUTES, statistic: 'Sum' }),
          w: props.table.metric('WriteThrottleEvents', { period: FIVE_MINUTES, statistic: 'Sum' }),
        },
        period: FIVE_MINUTES,
        label: 'table throttle events',
      }),
      1,
      'DynamoDB throttled reads or writes',
    );
    add('Api5xx', props.api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' }), 5, 'dashboard API server errors');
  }
}
