// Who may put survey drops into the raw bucket, and where (shared/layout/keys.ts RAW_LAYOUT; docs/UPLOADERS.md).
// Two managed policies, to attach to uploader roles or users:
//
//   branch        PutObject under drops/branch=${aws:PrincipalTag/satmon-branch}/ only. The branch comes from the
//                 principal's own tag (an IAM policy variable), so one policy serves every office and an office
//                 cannot name another office's folder; a principal without the tag may put nothing in the bucket.
//   head office   PutObject under drops/head-office/ (multi-branch exports).
//
// Both may use the data key only through S3 and only for the raw bucket (SSE-KMS with an S3 Bucket Key). IAM decides
// where an uploader may write; ingest independently refuses rows of another branch in a branch folder (WRONG_BRANCH).
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { RAW_LAYOUT } from '../../shared/layout/keys';
import { EVENT_ROUTES } from '../../shared/layout/resources';
import { acknowledge, nagResource } from '../nag';
import { allowInKeyPolicy, keyUseConditions } from './key-policy';

/** The IAM condition key and policy variable of the branch tag. */
export const BRANCH_TAG_KEY = `aws:PrincipalTag/${RAW_LAYOUT.branchTag}`;
export const BRANCH_TAG_VARIABLE = `\${${BRANCH_TAG_KEY}}`;

/** The raw-bucket prefixes the two policies allow: RAW_LAYOUT's folders, the branch one with the tag as its id. */
export const UPLOAD_PREFIXES = {
  branch: RAW_LAYOUT.branchPrefix(BRANCH_TAG_VARIABLE),
  headOffice: RAW_LAYOUT.headOfficePrefix,
} as const;

// Multipart uploads (the CLI's `aws s3 cp` above 8 MB) need AbortMultipartUpload besides PutObject.
const PUT = ['s3:PutObject', 's3:AbortMultipartUpload'];
// SSE-KMS: a put asks for a data key; a multipart upload decrypts it again for each part.
const KMS = ['kms:GenerateDataKey', 'kms:Decrypt'];

export interface UploadersProps {
  raw: s3.Bucket;
  dataKey: kms.IKey;
}

export class Uploaders extends Construct {
  /** For a branch office's principal, which carries the tag satmon-branch=<its branch id>. */
  readonly branchPolicy: iam.ManagedPolicy;
  /** For head office's principal. */
  readonly headOfficePolicy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: UploadersProps) {
    super(scope, id);
    const { raw, dataKey } = props;
    // Both folders must be where the ingest route listens, or an upload would be stored and never processed.
    const routed = EVENT_ROUTES.filter((r) => r.bucket === 'raw' && r.handler === 'ingest').map((r) => r.prefix as string);
    for (const p of Object.values(UPLOAD_PREFIXES)) {
      if (!routed.some((r) => p.startsWith(r))) throw new Error(`upload prefix ${p} is outside the routed raw prefixes (${routed.join(', ')})`);
    }
    const branchObjects = `${raw.bucketArn}/${UPLOAD_PREFIXES.branch}*`;
    const headOfficeObjects = `${raw.bucketArn}/${UPLOAD_PREFIXES.headOffice}*`;
    const useKey = () =>
      new iam.PolicyStatement({ sid: 'DataKeyThroughS3ForRawBucket', actions: KMS, resources: [dataKey.keyArn], conditions: keyUseConditions(raw, { service: 's3', buckets: [raw] }) });

    this.branchPolicy = new iam.ManagedPolicy(this, 'BranchUploaderPolicy', {
      description: `satmon: a branch office uploads survey drops to ${UPLOAD_PREFIXES.branch} of the raw bucket (tag ${RAW_LAYOUT.branchTag} on the principal)`,
      statements: [
        new iam.PolicyStatement({
          sid: 'PutOwnBranchFolder',
          actions: PUT,
          resources: [branchObjects],
          conditions: { Null: { [BRANCH_TAG_KEY]: 'false' } },
        }),
        // Without the tag the variable has no value; say so explicitly, whatever other policies the principal has.
        new iam.PolicyStatement({
          sid: 'DenyPrincipalsWithoutBranchTag',
          effect: iam.Effect.DENY,
          actions: PUT,
          resources: [`${raw.bucketArn}/*`],
          conditions: { Null: { [BRANCH_TAG_KEY]: 'true' } },
        }),
        useKey(),
      ],
    });
    this.headOfficePolicy = new iam.ManagedPolicy(this, 'HeadOfficeUploaderPolicy', {
      description: `satmon: head office uploads survey drops to ${UPLOAD_PREFIXES.headOffice} of the raw bucket`,
      statements: [
        new iam.PolicyStatement({ sid: 'PutHeadOfficeFolder', actions: PUT, resources: [headOfficeObjects] }),
        useKey(),
      ],
    });
    // Uploader principals are created outside the stack (docs/UPLOADERS.md): the key policy lets IAM policies grant
    // its use through S3 (./key-policy.ts), and the statement above limits it to the raw bucket.
    allowInKeyPolicy(dataKey, new iam.AccountRootPrincipal(), KMS, { service: 's3', buckets: [raw] });

    acknowledge(this.branchPolicy, `AwsSolutions-IAM5[Resource::${nagResource(this, branchObjects)}]`,
      "Drop file names are chosen by the office; the folder is the office's own, fixed by its principal tag, inside the prefix the ingest route watches.");
    acknowledge(this.headOfficePolicy, `AwsSolutions-IAM5[Resource::${nagResource(this, headOfficeObjects)}]`,
      "Drop file names are chosen by head office; writing is limited to head office's folder, inside the prefix the ingest route watches.");
  }
}
