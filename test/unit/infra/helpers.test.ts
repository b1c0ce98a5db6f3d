// The small pieces the stack is built from, without synthesizing the stack.
import path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { S3_LAYOUT } from '../../../shared/layout/keys';
import { EVENT_ROUTES } from '../../../shared/layout/resources';
import { RETENTION } from '../../../infra/config';
import { keyWildcard } from '../../../infra/constructs/event-routes';
import { layoutPrefix } from '../../../infra/constructs/grants';
import { retentionDays, SatmonFunction } from '../../../infra/constructs/satmon-function';
import { acknowledge, acknowledgeGeneratedWildcards, listAcknowledgements } from '../../../infra/nag';
import { REPO_ROOT } from '../../../infra/stack';

describe('keyWildcard', () => {
  it('matches prefix ... suffix and escapes the wildcard characters', () => {
    expect(keyWildcard('drops/', '.csv')).toBe('drops/*.csv');
    expect(keyWildcard('a*b/', '\\x')).toBe('a\\*b/*\\\\x');
    for (const r of EVENT_ROUTES) expect(keyWildcard(r.prefix, r.suffix)).toBe(`${r.prefix}*${r.suffix}`);
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
  it('accepts CloudWatch values only', () => {
    expect(retentionDays(RETENTION.logDays)).toBe(logs.RetentionDays.THREE_MONTHS);
    expect(() => retentionDays(91)).toThrow(/not a CloudWatch Logs retention value/);
  });
});

describe('SatmonFunction', () => {
  it('names the HANDLERS entry when the file is missing', () => {
    const stack = new Stack(new App(), 'S');
    expect(() => new SatmonFunction(stack, 'F', { name: 'api', entry: path.join(REPO_ROOT, 'lambdas/nope/handler.ts'), projectRoot: REPO_ROOT })).toThrow(
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
