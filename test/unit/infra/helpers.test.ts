// The small pieces the stack is built from, without synthesizing the stack.
import path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { S3_LAYOUT } from '../../../shared/layout/keys';
import { EVENT_ROUTES } from '../../../shared/layout/resources';
import { keyWildcard } from '../../../infra/constructs/event-routes';
import { layoutPrefix } from '../../../shared/layout/keys';
import { adminOnlyKeyPolicy, allowInKeyPolicy, grantKeyUse, keyUseConditions } from '../../../infra/constructs/key-policy';
import { retentionDays, SatmonFunction } from '../../../infra/constructs/satmon-function';
import { acknowledge, acknowledgeGeneratedWildcards, listAcknowledgements } from '../../../infra/nag';
import { REPO_ROOT } from '../../../infra/stack';

describe('keyWildcard', () => {
  it('matches prefix ... suffix and escapes the wildcard characters', () => {
    expect(keyWildcard('drops/', '.csv')).toBe('drops/*.csv');
    expect(keyWildcard('a*b/', '\\x')).toBe('a\\*b/*\\\\x');
    for (const r of EVENT_ROUTES) for (const s of r.suffixes) expect(keyWildcard(r.prefix, s)).toBe(`${r.prefix}*${s}`);
  });
});

describe('layoutPrefix', () => {
  it('takes folder prefixes from S3_LAYOUT keys', () => {
    expect(layoutPrefix(S3_LAYOUT.cleanPart('2025-Q1', 'B1', 'h'))).toBe('clean/');
    expect(layoutPrefix(S3_LAYOUT.result('2025-Q1', 'B1'))).toBe('results/');
    expect(layoutPrefix(S3_LAYOUT.assessmentItems('2025-Q1', 'run'), 2)).toBe('assessments/items/');
    expect(() => layoutPrefix('file.json')).toThrow(/no 1-segment folder prefix/);
  });
});

describe('retentionDays', () => {
  it('rounds a log retention up to the next period CloudWatch accepts', () => {
    expect(retentionDays(90)).toBe(logs.RetentionDays.THREE_MONTHS);
    expect(retentionDays(91)).toBe(logs.RetentionDays.FOUR_MONTHS);
    expect(retentionDays(1)).toBe(logs.RetentionDays.ONE_DAY);
    expect(retentionDays(2)).toBe(logs.RetentionDays.THREE_DAYS);
    expect(retentionDays(366)).toBe(logs.RetentionDays.THIRTEEN_MONTHS);
    expect(retentionDays(3653)).toBe(logs.RetentionDays.TEN_YEARS);
    // every accepted value maps to itself, and anything between two of them to the upper one
    const accepted = Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number' && v !== logs.RetentionDays.INFINITE).sort((a, b) => a - b);
    expect(accepted).toHaveLength(22);
    for (let i = 0; i < accepted.length; i++) {
      expect(retentionDays(accepted[i]!)).toBe(accepted[i]);
      if (i > 0 && accepted[i]! - accepted[i - 1]! > 1) expect(retentionDays(accepted[i - 1]! + 1)).toBe(accepted[i]);
    }
  });

  it('refuses what no finite period covers, and what is not a number of days', () => {
    expect(() => retentionDays(3654)).toThrow(/longer than the longest CloudWatch Logs retention \(3653 days\); lower SATMON_RETENTION_LOG_DAYS/);
    expect(() => retentionDays(0)).toThrow(/whole number of days >= 1/);
    expect(() => retentionDays(1.5)).toThrow(/whole number of days >= 1/);
  });
});

describe('SatmonFunction', () => {
  it('names the HANDLERS entry when the file is missing', () => {
    const stack = new Stack(new App(), 'S');
    const logsKey = new kms.Key(stack, 'K');
    expect(() => new SatmonFunction(stack, 'F', { name: 'api', entry: path.join(REPO_ROOT, 'lambdas/nope/handler.ts'), projectRoot: REPO_ROOT, logsKey })).toThrow(
      /handler entry for 'api' not found: lambdas\/nope\/handler\.ts \(HANDLERS\.api = lambdas\/api\/handler\.ts/,
    );
  });
});

describe('cdk-nag acknowledgements', () => {
  it('refuse a reason that does not explain', () => {
    const stack = new Stack(new App(), 'S');
    expect(() => acknowledge(stack, 'AwsSolutions-S1', 'ok')).toThrow(/needs a reason/);
  });

  it('silence exactly the acknowledged finding', () => {
    const app = new App();
    const stack = new Stack(app, 'S');
    const lonely = new sqs.Queue(stack, 'Lonely', { enforceSSL: true }); // no DLQ: AwsSolutions-SQS3
    new sqs.Queue(stack, 'Other', { enforceSSL: true });
    acknowledge(lonely, 'AwsSolutions-SQS3', 'A queue used in this test only to prove that an acknowledgement is scoped to its construct.');
    app.synth();
    const findings = new AwsSolutionsChecks().validateScope(app).violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath}`));
    expect(findings).toEqual(['AwsSolutions-SQS3 S/Other/Resource']);
    expect(listAcknowledgements(app).map((a) => a.id)).toEqual(['AwsSolutions-SQS3']);
  });

  it('acknowledge generated wildcard ARNs only for the allowed actions', () => {
    const stack = new Stack(new App(), 'S');
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.ServicePrincipal('states.amazonaws.com') });
    const policy = new iam.Policy(stack, 'P', { roles: [role] });
    policy.addStatements(new iam.PolicyStatement({ actions: ['states:DescribeExecution'], resources: [`arn:aws:states:x:1:execution:${stack.stackName}:*`] }));
    acknowledgeGeneratedWildcards(policy, ['states:DescribeExecution'], 'Execution names are generated at run time; the ARN pins the state machine.');
    expect(listAcknowledgements(policy).map((a) => a.id)).toEqual(['AwsSolutions-IAM5[Resource::arn:aws:states:x:1:execution:S:*]']);
    policy.addStatements(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] }));
    expect(() => acknowledgeGeneratedWildcards(policy, ['states:DescribeExecution'], 'Execution names are generated at run time; the ARN pins the state machine.')).toThrow(
      /unexpected actions s3:GetObject/,
    );
  });
});

describe('key policy helpers', () => {
  const setup = () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'ap-southeast-3', account: '111122223333' } });
    const key = new kms.Key(stack, 'K', { policy: adminOnlyKeyPolicy() });
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const bucket = new s3.Bucket(stack, 'B', { encryptionKey: key, bucketKeyEnabled: true });
    // As synthesized (CloudFormation renders identical statements once).
    const keyStatements = () => {
      const t = Template.fromStack(stack).toJSON() as { Resources: Record<string, { Type: string; Properties: any }> };
      return Object.values(t.Resources).find((r) => r.Type === 'AWS::KMS::Key')!.Properties.KeyPolicy.Statement as any[];
    };
    return { stack, key, role, bucket, keyStatements };
  };

  it('write a DynamoDB or SNS use into the role policy and, naming the role, into the key policy', () => {
    const { stack, key, role, keyStatements } = setup();
    grantKeyUse(role, key, ['kms:Decrypt'], { service: 'dynamodb' });
    const named = keyStatements().filter((x) => x.Principal?.AWS?.['Fn::GetAtt']?.[0] === stack.resolve(stack.getLogicalId(role.node.defaultChild as any)));
    expect(named).toEqual([expect.objectContaining({ Action: 'kms:Decrypt', Condition: { StringEquals: { 'kms:ViaService': 'dynamodb.ap-southeast-3.amazonaws.com' } } })]);
  });

  it('leave an S3 use to IAM (through S3 only) and refuse actions S3 does not need', () => {
    const { key, role, bucket, keyStatements } = setup();
    grantKeyUse(role, key, ['kms:Decrypt', 'kms:GenerateDataKey'], { service: 's3', buckets: [bucket] });
    grantKeyUse(role, key, ['kms:Decrypt'], { service: 's3', buckets: [bucket] });
    const viaS3 = keyStatements().filter((x) => x.Condition?.StringEquals?.['kms:ViaService'] === 's3.ap-southeast-3.amazonaws.com');
    expect(viaS3).toHaveLength(1);
    expect(JSON.stringify(viaS3[0].Principal.AWS)).toMatch(/:root/);
    expect(viaS3[0].Condition).toEqual({ StringEquals: { 'kms:ViaService': 's3.ap-southeast-3.amazonaws.com' } });
    expect(() => allowInKeyPolicy(key, role, ['kms:Encrypt'], { service: 's3', buckets: [bucket] })).toThrow(/not an S3 use/);
    expect(() => keyUseConditions(key, { service: 's3', buckets: [] })).toThrow(/at least one bucket/);
  });
});
