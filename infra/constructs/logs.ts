// The stack's CloudWatch log groups: the stated retention, encrypted with the data key (function logs can carry
// branch ids and error details; the state machine logs execution data), and named under two prefixes that carry
// the stack name. The names are what the key policy admits CloudWatch Logs for: the encryption context of a log
// group's data is its ARN, so the key works for these log groups and no others.
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct, IConstruct } from 'constructs';
import { RETENTION } from '../config';

/** The retention periods CloudWatch Logs accepts, ascending (RetentionDays without INFINITE). */
export const CLOUDWATCH_RETENTION_DAYS: readonly number[] = Object.values(logs.RetentionDays)
  .filter((v): v is number => typeof v === 'number' && v !== logs.RetentionDays.INFINITE)
  .sort((a, b) => a - b);

/**
 * The shortest period CloudWatch Logs accepts that keeps logs at least `days` (SATMON_RETENTION_LOG_DAYS=100 -> 120).
 * Beyond the longest finite period (10 years) it fails the synth rather than keep logs forever: "never expire" is
 * not a rounding of a retention period.
 */
export function retentionDays(days: number): logs.RetentionDays {
  if (!Number.isInteger(days) || days < 1) throw new Error(`log retention must be a whole number of days >= 1, got ${days}`);
  const found = CLOUDWATCH_RETENTION_DAYS.find((v) => v >= days);
  if (found === undefined) {
    throw new Error(`${days} days is longer than the longest CloudWatch Logs retention (${CLOUDWATCH_RETENTION_DAYS.at(-1)} days); lower SATMON_RETENTION_LOG_DAYS`);
  }
  return found as logs.RetentionDays;
}

/**
 * Where the stack's log groups live: `own` for functions and API access logs, `vended` for Step Functions, whose
 * log delivery AWS advises to put under /aws/vendedlogs/ (it keeps the CloudWatch Logs resource policy small).
 */
export function logGroupPrefixes(scope: IConstruct): { own: string; vended: string } {
  const name = Stack.of(scope).stackName;
  return { own: `/satmon/${name}/`, vended: `/aws/vendedlogs/states/${name}-` };
}

export interface StackLogGroupProps {
  /** The name after the prefix, e.g. 'lambda/ingest'. */
  name: string;
  /** Under the vended-logs prefix (Step Functions) instead of the stack's own. */
  vended?: boolean;
  key: kms.IKey;
}

export function stackLogGroup(scope: Construct, id: string, props: StackLogGroupProps): logs.LogGroup {
  const prefix = logGroupPrefixes(scope)[props.vended ? 'vended' : 'own'];
  return new logs.LogGroup(scope, id, {
    logGroupName: `${prefix}${props.name}`,
    retention: retentionDays(RETENTION.logDays),
    encryptionKey: props.key,
    removalPolicy: RemovalPolicy.DESTROY,
  });
}

/**
 * The key-policy statement CloudWatch Logs needs to encrypt and decrypt the stack's log groups (the actions AWS's
 * CloudWatch Logs guide gives), limited by the encryption context to log groups under logGroupPrefixes.
 */
export function logsKeyStatement(scope: IConstruct): iam.PolicyStatement {
  const stack = Stack.of(scope);
  const arn = (prefix: string) => `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:${prefix}*`;
  const { own, vended } = logGroupPrefixes(scope);
  return new iam.PolicyStatement({
    sid: 'CloudWatchLogsForThisStack',
    principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': [arn(own), arn(vended)] } },
  });
}
