// Who at the agency may see which data (docs/ACCESS.md). Two managed policies for head office's people, attached to
// nothing by the stack (principals are created outside it, as for the uploaders):
//
//   data steward  the participants' personal data on request: the raw drops (original rows, identities; every
//                 version), all of the curated bucket, and the forget function (erasure). No write and no delete
//                 anywhere: a participant is erased by forget, which rewrites the curated data without them and
//                 marks the figures for recompute; raw drops leave by their retention.
//   analyst       pseudonymous rows and aggregates: the curated bucket's clean rows, rejects (minimal and masked),
//                 manifests, results and configuration. Nothing of the raw bucket, not the pseudonym keyring, not
//                 forget (denied explicitly, whatever other policies the principal has).
//
// Branch managers get no IAM policy: they sign in to the dashboard (Cognito, ./dashboard.ts) and the API shows
// them their own branch's figures only (AUTH.branchClaim); they never reach S3, the table or the key.
//
// Both use the data key only through S3 and only for the buckets they read (SSE-KMS with S3 Bucket Keys,
// ./key-policy.ts); neither reaches the table (the respondent index) or the logs.
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { BucketKey } from '../../shared/layout/resources';
import { acknowledge, nagResource } from '../nag';
import { allowInKeyPolicy, keyUseConditions } from './key-policy';
import { CURATED, RAW_DROPS } from './prefixes';

/** The curated prefixes an analyst reads: pseudonymous rows, masked rejects, aggregates, configuration. */
export const ANALYST_PREFIXES = [CURATED.clean, CURATED.rejects, CURATED.manifests, CURATED.results, CURATED.config] as const;

export interface AccessPoliciesProps {
  buckets: Record<BucketKey, s3.IBucket>;
  dataKey: kms.IKey;
  /** The erasure function (stack.ts `forget`), invoked by data stewards. */
  forget: lambda.IFunction;
  /** The pseudonym keyring, denied to both roles. */
  pseudonymKey: secretsmanager.ISecret;
  /** The assessment state machine: a steward starts the reassessments an erasure lists (`reassess`). */
  assessments: sfn.IStateMachine;
}

// S3 SSE-KMS reads decrypt; these policies write nothing.
const KMS_READ = ['kms:Decrypt'];

export class AccessPolicies extends Construct {
  /** Head-office data stewards. */
  readonly dataStewardPolicy: iam.ManagedPolicy;
  /** Head-office analysts. */
  readonly analystPolicy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: AccessPoliciesProps) {
    super(scope, id);
    const { buckets: { raw, curated }, dataKey, forget, pseudonymKey, assessments } = props;
    const rawDrops = `${raw.bucketArn}/${RAW_DROPS}*`;
    const allObjects = (b: s3.IBucket) => `${b.bucketArn}/*`;
    // Invoking by name, by version or by alias: the function's ARN with and without a qualifier.
    const forgetArns = [forget.functionArn, `${forget.functionArn}:*`];
    // Neither role needs the keyring (forget computes a participant's pseudonym itself); rotating it is an
    // administrator's task (README "Personal data").
    const denyKeyring = () =>
      new iam.PolicyStatement({ sid: 'DenyPseudonymKeyring', effect: iam.Effect.DENY, actions: ['secretsmanager:*'], resources: [pseudonymKey.secretArn] });

    this.dataStewardPolicy = new iam.ManagedPolicy(this, 'DataStewardPolicy', {
      description: 'satmon: head-office data steward: reads raw drops (every version) and curated data, invokes forget (erasure); no writes, no deletes',
      statements: [
        new iam.PolicyStatement({ sid: 'ReadRawDrops', actions: ['s3:GetObject', 's3:GetObjectVersion'], resources: [rawDrops] }),
        new iam.PolicyStatement({ sid: 'ListRawDropsAndVersions', actions: ['s3:ListBucket', 's3:ListBucketVersions'], resources: [raw.bucketArn] }),
        new iam.PolicyStatement({ sid: 'ReadCurated', actions: ['s3:GetObject'], resources: [allObjects(curated)] }),
        new iam.PolicyStatement({ sid: 'ListCurated', actions: ['s3:ListBucket'], resources: [curated.bucketArn] }),
        new iam.PolicyStatement({ sid: 'InvokeForget', actions: ['lambda:InvokeFunction'], resources: [forget.functionArn] }),
        // The erasure lists the assessments to run again (every figure as if the participant had never answered).
        new iam.PolicyStatement({ sid: 'StartReassessment', actions: ['states:StartExecution'], resources: [assessments.stateMachineArn] }),
        new iam.PolicyStatement({
          sid: 'DataKeyThroughS3ForDataBuckets', actions: KMS_READ, resources: [dataKey.keyArn],
          conditions: keyUseConditions(dataKey, { service: 's3', buckets: [raw, curated] }),
        }),
        // Curated data are erased through forget only, which keeps the index, the erasure list and the figures
        // consistent with what remains; a curated object deleted by hand would leave all three wrong. (Raw drops are
        // not denied here, only not granted: deleting one before its retention ends, on a court order, is an
        // administrator's act by hand, README "Personal data".)
        new iam.PolicyStatement({
          sid: 'DenyCuratedDeletes', effect: iam.Effect.DENY, actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
          resources: [allObjects(curated)],
        }),
        denyKeyring(),
      ],
    });

    this.analystPolicy = new iam.ManagedPolicy(this, 'AnalystPolicy', {
      description: 'satmon: head-office analyst: reads pseudonymous curated rows, masked rejects, manifests, results and configuration; nothing of the raw bucket',
      statements: [
        new iam.PolicyStatement({ sid: 'ReadCuratedForAnalysis', actions: ['s3:GetObject'], resources: ANALYST_PREFIXES.map((p) => `${curated.bucketArn}/${p}*`) }),
        new iam.PolicyStatement({ sid: 'ListCurated', actions: ['s3:ListBucket'], resources: [curated.bucketArn] }),
        new iam.PolicyStatement({
          sid: 'DataKeyThroughS3ForCuratedBucket', actions: KMS_READ, resources: [dataKey.keyArn],
          conditions: keyUseConditions(dataKey, { service: 's3', buckets: [curated] }),
        }),
        // Identities are in the raw drops and behind the keyring: out of an analyst's reach even if another policy
        // (a broad read-only one, say) would allow them.
        new iam.PolicyStatement({ sid: 'DenyRawBucket', effect: iam.Effect.DENY, actions: ['s3:*'], resources: [raw.bucketArn, allObjects(raw)] }),
        denyKeyring(),
        new iam.PolicyStatement({ sid: 'DenyForget', effect: iam.Effect.DENY, actions: ['lambda:InvokeFunction'], resources: forgetArns }),
      ],
    });

    // The principals are outside the stack: the key policy lets IAM policies grant its use through S3
    // (./key-policy.ts); the statements above limit it to the buckets each role reads.
    allowInKeyPolicy(dataKey, new iam.AccountRootPrincipal(), KMS_READ, { service: 's3', buckets: [raw, curated] });

    acknowledge(this.dataStewardPolicy, `AwsSolutions-IAM5[Resource::${nagResource(this, rawDrops)}]`,
      'Drop file names are chosen by the uploaders; a data steward reads any drop (and its versions) to answer a participant, read-only, within the drops folder.');
    acknowledge(this.dataStewardPolicy, `AwsSolutions-IAM5[Resource::${nagResource(this, allObjects(curated))}]`,
      'Curated objects are named at run time (per drop, branch and period); a data steward answers requests about any of them, read-only.');
    for (const p of ANALYST_PREFIXES) {
      acknowledge(this.analystPolicy, `AwsSolutions-IAM5[Resource::${nagResource(this, `${curated.bucketArn}/${p}*`)}]`,
        `Objects under ${p} are named at run time (per drop, branch and period); analysts read them only, and only under this prefix.`);
    }
  }
}
