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

/** CloudWatch accepts only certain retention values; fail at synth rather than at deploy. */
export function retentionDays(days: number): logs.RetentionDays {
  const found = Object.values(logs.RetentionDays).find((v) => v === days);
  if (found === undefined) throw new Error(`${days} days is not a CloudWatch Logs retention value`);
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
