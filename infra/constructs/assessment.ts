// The assessment: a Step Functions state machine (JSONata) with a Distributed Map over branches, started by
// EventBridge Scheduler crons in Asia/Jakarta (quarterly and annual) or by hand.
//
// Contract with the handlers (shapes in JSON; `period` is '2025-Q1' for a quarter, `year` is '2025'):
//
//   execution input      {"period":"2025-Q1"} | {"year":"2025"}                       (by hand)
//                        {"cadence":"quarterly"|"annual","scheduledTime":"<ISO-8601>"} (the schedules)
//                        cadence resolves to the quarter / year that ended before scheduledTime in WIB (UTC+7).
//   1. assess  (plan)    in:  {"action":"plan", "period"|"year", "runId"}       runId = the execution name
//                        does: lists the branches to recompute and writes them to the curated bucket at
//                              S3_LAYOUT.assessmentItems(period or year, runId) as a JSON array
//                              [{"branch":"B001","period":"2025-Q1"}, ...]  (for an annual run, period = the year)
//                        out: {"itemsKey":"assessments/items/...json", "branchCount":300}
//   2. recompute (Distributed Map, one child execution per item, maxConcurrency ASSESSMENT.maxConcurrency)
//                        in:  {"branch":"B001","period":"2025-Q1"}              out: any small JSON (kept in S3)
//                        a branch whose recompute fails (after retries) is tolerated up to
//                        ASSESSMENT.toleratedFailurePercentage of the branches; beyond that the run fails.
//   3. assess  (close)   in:  {"action":"close", "period"|"year", "runId", "itemsKey", "branchCount",
//                              "mapResults":{"Bucket":"...","Key":"assessments/map-results/<map-run>/manifest.json"}}
//                        does: reads the manifest (its SUCCEEDED/FAILED result files list each branch's outcome),
//                              computes the aggregates and tests, publishes alerts to ALERT_TOPIC_ARN, and reports
//                              the failed branches.
//                        out: the run summary (the execution's output).
import { Duration, RemovalPolicy, Stack, type CfnResource } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { TimeZone } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { S3_LAYOUT } from '../../shared/store/keys';
import { ASSESSMENT, INGEST_QUEUE, RETENTION } from '../config';
import { acknowledge, acknowledgeGeneratedWildcards, nagArn } from '../nag';
import { layoutPrefix } from './grants';
import { retentionDays, type SatmonFunction } from './satmon-function';

/** Prefix of the plan's item lists (read by the map) and of the map's results (written by it). */
export const ITEMS_PREFIX = layoutPrefix(S3_LAYOUT.assessmentItems('p', 'r'), 2);
export const MAP_RESULTS_PREFIX = `${S3_LAYOUT.assessmentMapResults}/`;

/**
 * JSONata of the first state: the execution input normalised to {period} or {year}. Exported so the tests can
 * evaluate it with the jsonata library on dates around the quarter boundaries.
 */
export const RESOLVE_PERIOD = `(
  $in := $states.input;
  $ms := $toMillis($exists($in.scheduledTime) ? $in.scheduledTime : $states.context.Execution.StartTime);
  $tz := '${utcOffset(ASSESSMENT.utcOffsetHours)}';
  $y := $number($fromMillis($ms, '[Y0001]', $tz));
  $q := $floor(($number($fromMillis($ms, '[M01]', $tz)) - 1) / 3);
  $exists($in.period) ? (
    $contains($string($in.period), /^[0-9]{4}-Q[1-4]$/) ? {'period': $string($in.period)}
      : $error('period must look like 2025-Q1, got ' & $string($in.period))
  ) : $exists($in.year) ? (
    $contains($string($in.year), /^[0-9]{4}$/) ? {'year': $string($in.year)}
      : $error('year must look like 2025, got ' & $string($in.year))
  ) : $in.cadence = 'quarterly' ? (
    $q = 0 ? {'period': ($y - 1) & '-Q4'} : {'period': $y & '-Q' & $q}
  ) : $in.cadence = 'annual' ? (
    {'year': $string($y - 1)}
  ) : $error('input needs period (2025-Q1), year (2025), or cadence (quarterly|annual)')
)`;

function utcOffset(hours: number): string {
  const sign = hours < 0 ? '-' : '+';
  return `${sign}${String(Math.abs(hours)).padStart(2, '0')}00`;
}

const jsonata = (expr: string) => `{% ${expr} %}`;

// (Field names matter: S3JsonItemReader already has `key`, the object key.)
// Least privilege for the Distributed Map's S3 access: CDK's reader and writer grant the whole bucket (bucket/*)
// and no KMS; these grant only their prefix, plus the KMS actions an SSE-KMS bucket needs.
class ItemListReader extends sfn.S3JsonItemReader {
  constructor(private readonly curated: s3.IBucket, private readonly kmsKey: kms.IKey, keyExpr: string) {
    super({ bucket: curated, key: keyExpr });
  }
  override providePolicyStatements(): iam.PolicyStatement[] {
    return [
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`${this.curated.bucketArn}/${ITEMS_PREFIX}*`] }),
      new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [this.kmsKey.keyArn] }),
    ];
  }
}

class MapResultWriter extends sfn.ResultWriterV2 {
  constructor(private readonly curated: s3.IBucket, private readonly kmsKey: kms.IKey) {
    super({ bucket: curated, prefix: S3_LAYOUT.assessmentMapResults });
  }
  override providePolicyStatements(): iam.PolicyStatement[] {
    return [
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'],
        resources: [`${this.curated.bucketArn}/${MAP_RESULTS_PREFIX}*`],
      }),
      new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [this.kmsKey.keyArn] }),
    ];
  }
}

export interface AssessmentProps {
  assess: SatmonFunction;
  recompute: SatmonFunction;
  curated: s3.Bucket;
  dataKey: kms.IKey;
}

export class Assessment extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly schedules: { quarterly: scheduler.Schedule; annual: scheduler.Schedule };
  readonly schedulerDlq: sqs.Queue;

  constructor(scope: Construct, id: string, props: AssessmentProps) {
    super(scope, id);
    const { assess, recompute, curated, dataKey } = props;

    const resolve = sfn.Pass.jsonata(this, 'ResolvePeriod', {
      comment: 'Input -> {period} or {year}; a schedule gives cadence + scheduledTime',
      outputs: jsonata(RESOLVE_PERIOD),
    });

    const plan = tasks.LambdaInvoke.jsonata(this, 'PlanBranches', {
      comment: 'assess "plan": write the branch list to S3, return its key and count',
      lambdaFunction: assess.fn,
      payload: sfn.TaskInput.fromText(jsonata(`$merge([$states.input, {'action': 'plan', 'runId': $states.context.Execution.Name}])`)),
      outputs: jsonata(`$merge([$states.input, {'itemsKey': $states.result.Payload.itemsKey, 'branchCount': $states.result.Payload.branchCount}])`),
    });

    const recomputeBranch = tasks.LambdaInvoke.jsonata(this, 'RecomputeBranch', {
      comment: 'recompute one {branch, period}',
      lambdaFunction: recompute.fn,
      payload: sfn.TaskInput.fromText(jsonata('$states.input')),
      outputs: jsonata('$states.result.Payload'),
    });
    // A burst of 50 cold starts can meet the account's concurrency limit: wait and try again.
    recomputeBranch.addRetry({ errors: ['Lambda.TooManyRequestsException'], interval: Duration.seconds(5), backoffRate: 2, maxAttempts: 6, jitterStrategy: sfn.JitterType.FULL });

    const branches = sfn.DistributedMap.jsonata(this, 'Branches', {
      comment: 'one child execution per branch; per-branch results go to S3',
      itemReader: new ItemListReader(curated, dataKey, jsonata('$states.input.itemsKey')),
      resultWriterV2: new MapResultWriter(curated, dataKey),
      maxConcurrency: ASSESSMENT.maxConcurrency,
      toleratedFailurePercentage: ASSESSMENT.toleratedFailurePercentage,
      mapExecutionType: sfn.StateMachineType.STANDARD,
      label: 'Branches',
      outputs: jsonata(`$merge([$states.input, {'mapResults': $states.result.ResultWriterDetails}])`),
    });
    branches.itemProcessor(recomputeBranch);

    const close = tasks.LambdaInvoke.jsonata(this, 'CloseAssessment', {
      comment: 'assess "close": aggregates, tests, alerts, failed branches',
      lambdaFunction: assess.fn,
      payload: sfn.TaskInput.fromText(jsonata(`$merge([$states.input, {'action': 'close', 'runId': $states.context.Execution.Name}])`)),
      outputs: jsonata('$states.result.Payload'),
    });

    const logGroup = new logs.LogGroup(this, 'Logs', {
      // /aws/vendedlogs/ keeps CloudWatch Logs' resource policy small (AWS's advice for Step Functions logging).
      logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-assessment`,
      retention: retentionDays(RETENTION.logDays),
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      comment: 'satmon assessment: plan -> recompute each branch (Distributed Map) -> close',
      queryLanguage: sfn.QueryLanguage.JSONATA,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(resolve.next(plan).next(branches).next(close)),
      timeout: Duration.hours(ASSESSMENT.timeoutHours),
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });

    // Scheduler -> StartExecution; a start that keeps failing lands in this queue (and alarms).
    this.schedulerDlq = new sqs.Queue(this, 'SchedulerDlq', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(INGEST_QUEUE.dlqRetentionDays),
    });
    acknowledge(this.schedulerDlq, 'AwsSolutions-SQS3', 'This queue is itself a dead-letter queue: EventBridge Scheduler sends failed starts here (the rule only recognises SQS redrive policies).');

    const schedule = (sid: string, cadence: 'quarterly' | 'annual', cron: { minute: string; hour: string; day: string; month: string }, description: string) =>
      new scheduler.Schedule(this, sid, {
        description,
        schedule: scheduler.ScheduleExpression.cron({ ...cron, timeZone: TimeZone.ASIA_JAKARTA }),
        timeWindow: scheduler.TimeWindow.off(),
        target: new schedulerTargets.StepFunctionsStartExecution(this.stateMachine, {
          input: scheduler.ScheduleTargetInput.fromObject({ cadence, scheduledTime: scheduler.ContextAttribute.scheduledTime }),
          deadLetterQueue: this.schedulerDlq,
          retryAttempts: 10,
          maxEventAge: Duration.hours(6),
        }),
      });
    this.schedules = {
      quarterly: schedule('Quarterly', 'quarterly', ASSESSMENT.quarterlyCron, 'Quarterly assessment of the quarter that just ended'),
      annual: schedule('Annual', 'annual', ASSESSMENT.annualCron, 'Annual assessment of the previous year'),
    };

    this.acknowledgeRoleFindings(assess, recompute, curated);
  }

  private acknowledgeRoleFindings(assess: SatmonFunction, recompute: SatmonFunction, curated: s3.Bucket): void {
    const role = this.stateMachine.role;
    const fnArn = (f: SatmonFunction) => nagArn(f.fn.node.defaultChild as CfnResource);
    const curatedArn = nagArn(curated.node.defaultChild as CfnResource);
    acknowledge(role, 'AwsSolutions-IAM5[Resource::*]',
      'Only CloudWatch Logs delivery (logs:CreateLogDelivery and friends) and X-Ray, which support no resource-level permissions; test/unit/infra asserts no other action gets Resource "*".');
    for (const f of [assess, recompute]) {
      acknowledge(role, `AwsSolutions-IAM5[Resource::${fnArn(f)}:*]`,
        'The Lambda task may invoke this one function by any version or alias (CDK LambdaInvoke); no other function is reachable.');
    }
    acknowledge(role, `AwsSolutions-IAM5[Resource::${curatedArn}/${ITEMS_PREFIX}*]`,
      'The Distributed Map reads the branch list the plan step wrote; its key contains the execution name, known only at run time.');
    acknowledge(role, `AwsSolutions-IAM5[Resource::${curatedArn}/${MAP_RESULTS_PREFIX}*]`,
      'The Distributed Map writes its results under <map-run-id>/, an id Step Functions creates at run time.');
    // CDK's policy for the Distributed Map: describe/stop/redrive the child executions of this state machine only.
    acknowledgeGeneratedWildcards(
      this.stateMachine.node.findChild('DistributedMapPolicy') as iam.Policy,
      ['states:DescribeExecution', 'states:StopExecution', 'states:RedriveExecution'],
      'Child executions of this state machine are named by Step Functions at run time; the ARN pins the state machine and the map label.',
    );
  }
}
