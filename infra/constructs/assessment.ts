// The assessment: a Step Functions state machine (JSONata) with a Distributed Map over the units to recompute,
// started by EventBridge Scheduler crons in Asia/Jakarta (quarterly and annual) or by hand.
//
// Contract with the handlers (JSON; `period` is '2025-Q1' for a quarter, '2025' for a year):
//
//   execution input     {"period":"2025-Q1"} | {"year":"2025"}                          (by hand)
//                       {"cadence":"quarterly"|"annual","scheduledTime":"<ISO-8601>"}    (the schedules)
//                       a cadence resolves to the quarter / year that ended before scheduledTime in WIB (UTC+7);
//                       the first state (RESOLVE_PERIOD) turns every input into {"period"} or {"year"}.
//   1. assess "plan"    in:  {"action":"plan", "period"|"year", "runId"}          runId = the execution name
//                       out, either (a) inline:  {"items":[{"period":"2025-Q1","branch":"B001"}, ...], ...}
//                                (b) in S3:      {"itemsKey":"<S3_LAYOUT.assessmentItems(period, runId)>", ...}
//                       (a) while the output's JSON is at most MAX_INLINE_PLAN_BYTES (200 KiB, about 4,200 branches;
//                       Step Functions passes at most 256 KiB between states); (b) beyond: a JSON array of the same
//                       items in the curated bucket (shared/pipeline/assess.ts).
//                       The state machine takes whichever the output has. Other fields are passed on to close.
//   2. recompute        one child execution per item, in: the item as is, e.g. {"period":"2025-Q1","branch":"B001"}
//                       or {"period":"2025-Q1","unit":{"kind":"region","id":"R1"}}. At most
//                       ASSESSMENT.maxConcurrency at once; failed items (after retries) are tolerated up to
//                       ASSESSMENT.toleratedFailurePercentage, beyond that the run fails (and alarms).
//   2b. aggregates      the plan's "aggregates" (regions, the network: always inline), recomputed after every branch
//                       item because they weight the branches' own results by population; an inline Map whose
//                       failed items are caught as {"failed":true,"item","error"}.
//   3. assess "close"   in:  {"action":"close", "period"|"year", "runId", ...plan output without items,
//                             "mapResults":{"Bucket":"...","Key":"assessments/map-results/<map-run>/manifest.json"},
//                             "aggregateResults":[<recompute outcome> | {"failed":true,"item","error"}, ...]}
//                       The manifest lists the SUCCEEDED/FAILED result files: each failed unit with its error,
//                       for close to report. out: the run summary (the execution's output).
import { Duration, TimeZone, type CfnResource } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { layoutPrefix, S3_LAYOUT } from '../../shared/layout/keys';
import { ASSESSMENT, INGEST_QUEUE } from '../config';
import { acknowledge, acknowledgeGeneratedWildcards, nagArn } from '../nag';
import { allowInKeyPolicy, keyUseConditions } from './key-policy';
import { stackLogGroup } from './logs';
import type { SatmonFunction } from './satmon-function';

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

function retryThrottled(task: sfn.TaskStateBase): void {
  task.addRetry({ errors: ['Lambda.TooManyRequestsException'], interval: Duration.seconds(5), backoffRate: 2, maxAttempts: 6, jitterStrategy: sfn.JitterType.FULL });
}

// (Field names matter: S3JsonItemReader already has `key`, the object key.)
// Least privilege for the Distributed Map's S3 access: CDK's reader and writer grant the whole bucket (bucket/*)
// and no KMS; these grant only their prefix, plus the KMS actions an SSE-KMS bucket needs, through S3 for this
// bucket only (./key-policy.ts).
class ItemListReader extends sfn.S3JsonItemReader {
  constructor(private readonly curated: s3.IBucket, private readonly kmsKey: kms.IKey, keyExpr: string) {
    super({ bucket: curated, key: keyExpr });
  }
  override providePolicyStatements(): iam.PolicyStatement[] {
    return [
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`${this.curated.bucketArn}/${ITEMS_PREFIX}*`] }),
      new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [this.kmsKey.keyArn], conditions: keyUseConditions(this.curated, { service: 's3', buckets: [this.curated] }) }),
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
      new iam.PolicyStatement({
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [this.kmsKey.keyArn],
        conditions: keyUseConditions(this.curated, { service: 's3', buckets: [this.curated] }),
      }),
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

    const plan = tasks.LambdaInvoke.jsonata(this, 'PlanUnits', {
      comment: 'assess "plan": the units to recompute, inline (items) or in S3 (itemsKey)',
      lambdaFunction: assess.fn,
      payload: sfn.TaskInput.fromText(jsonata(`$merge([$states.input, {'action': 'plan', 'runId': $states.context.Execution.Name}])`)),
      outputs: jsonata('$merge([$states.input, $states.result.Payload])'),
    });

    const close = tasks.LambdaInvoke.jsonata(this, 'CloseAssessment', {
      comment: 'assess "close": aggregates, tests, alerts, failed units',
      lambdaFunction: assess.fn,
      payload: sfn.TaskInput.fromText(jsonata(`$merge([$states.input, {'action': 'close', 'runId': $states.context.Execution.Name}])`)),
      outputs: jsonata('$states.result.Payload'),
    });

    // The same Distributed Map twice, once per place the plan can put its items.
    const unitsMap = (mid: string, source: Pick<sfn.DistributedMapJsonataProps, 'itemReader' | 'items'>) => {
      const task = tasks.LambdaInvoke.jsonata(this, `Recompute${mid}`, {
        comment: 'recompute one unit and period',
        lambdaFunction: recompute.fn,
        payload: sfn.TaskInput.fromText(jsonata('$states.input')),
        outputs: jsonata('$states.result.Payload'),
      });
      retryThrottled(task);
      return sfn.DistributedMap.jsonata(this, mid, {
        comment: 'one child execution per unit; results and failures are written to S3',
        ...source,
        resultWriterV2: new MapResultWriter(curated, dataKey),
        maxConcurrency: ASSESSMENT.maxConcurrency,
        toleratedFailurePercentage: ASSESSMENT.toleratedFailurePercentage,
        mapExecutionType: sfn.StateMachineType.STANDARD,
        label: mid,
        // The item list is not needed any more (and may be large): pass the rest on, with where the results are.
        outputs: jsonata(`$merge([$sift($states.input, function($v, $k) { $k != 'items' }), {'mapResults': $states.result.ResultWriterDetails}])`),
      }).itemProcessor(task);
    };
    const inline = unitsMap('Units', { items: sfn.ProvideItems.jsonata(jsonata('$states.input.items')) });
    const fromS3 = unitsMap('UnitsFromS3', { itemReader: new ItemListReader(curated, dataKey, jsonata('$states.input.itemsKey')) });

    // Regions and the network after every branch: they weight the branches' own results by population. A few dozen
    // items, inline; a failed one is caught and reported to close as a failed unit, like the branches'.
    const aggregateTask = tasks.LambdaInvoke.jsonata(this, 'RecomputeAggregate', {
      comment: 'recompute one region or the network from its branches',
      lambdaFunction: recompute.fn,
      payload: sfn.TaskInput.fromText(jsonata('$states.input')),
      outputs: jsonata('$states.result.Payload'),
    });
    retryThrottled(aggregateTask);
    aggregateTask.addCatch(sfn.Pass.jsonata(this, 'AggregateFailed', { comment: 'the failed item and its error, for close' }), {
      outputs: jsonata("{'failed': true, 'item': $states.input, 'error': $join([$string($states.errorOutput.Error), $string($states.errorOutput.Cause)], ': ')}"),
    });
    const aggregates = sfn.Map.jsonata(this, 'Aggregates', {
      comment: 'the regions and the network, after their branches',
      items: sfn.ProvideItems.jsonata(jsonata('$exists($states.input.aggregates) ? $states.input.aggregates : []')),
      maxConcurrency: ASSESSMENT.maxConcurrency,
      outputs: jsonata(`$merge([$sift($states.input, function($v, $k) { $k != 'aggregates' }), {'aggregateResults': $states.result}])`),
    }).itemProcessor(aggregateTask);
    aggregates.next(close);

    const where = sfn.Choice.jsonata(this, 'WhereAreTheItems', { comment: 'plan output: itemsKey (S3) or items (inline)' })
      .when(sfn.Condition.jsonata(jsonata('$exists($states.input.itemsKey)')), fromS3.next(aggregates))
      .when(sfn.Condition.jsonata(jsonata("$type($states.input.items) = 'array'")), inline.next(aggregates))
      .otherwise(new sfn.Fail(this, 'NoItems', { error: 'PlanOutputInvalid', cause: 'assess plan returned neither items (array) nor itemsKey' }));

    // A burst of cold starts can meet the account's Lambda concurrency limit: wait and try again.
    for (const t of [plan, close]) retryThrottled(t);

    // Execution data (periods, branch ids, errors) are logged: encrypted with the data key.
    const logGroup = stackLogGroup(this, 'Logs', { name: 'assessment', vended: true, key: dataKey });

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      comment: 'satmon assessment: plan -> recompute each branch (Distributed Map) -> regions and network -> close',
      queryLanguage: sfn.QueryLanguage.JSONATA,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(resolve.next(plan).next(where)),
      timeout: Duration.hours(ASSESSMENT.timeoutHours),
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });
    // The key-policy side of the map's use of the data key through S3 (its IAM statements are the reader's and writer's).
    allowInKeyPolicy(dataKey, this.stateMachine.role, ['kms:Decrypt', 'kms:GenerateDataKey'], { service: 's3', buckets: [curated] });

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
      'The Distributed Map reads the unit list the plan step wrote; its key contains the execution name, known only at run time.');
    acknowledge(role, `AwsSolutions-IAM5[Resource::${curatedArn}/${MAP_RESULTS_PREFIX}*]`,
      'The Distributed Map writes its results under <map-run-id>/, an id Step Functions creates at run time.');
    // CDK's policy for the Distributed Map: describe/stop/redrive the child executions of this state machine only.
    acknowledgeGeneratedWildcards(
      this.stateMachine.node.findChild('DistributedMapPolicy') as iam.Policy,
      ['states:DescribeExecution', 'states:StopExecution', 'states:RedriveExecution'],
      'Child executions of this state machine are named by Step Functions at run time; the ARN pins the state machine and the map labels.',
    );
  }
}
