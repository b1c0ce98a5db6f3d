// Least-privilege grants written out action by action. CDK's grant* helpers add wildcard actions (s3:GetObject*,
// kms:GenerateDataKey*, dynamodb index/*) that the handlers never need; here every resource is named when its
// name is known, and the only wildcards left are object keys under a prefix (data, unknown at deploy time). KMS use
// goes through ./key-policy.ts: only via the service that stores the data, for S3 only for that bucket.
import type { CfnResource } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { acknowledge, nagArn } from '../nag';
import { grantKeyUse } from './key-policy';

/** 'readVersions': also read by version id (s3:GetObjectVersion), for an event's exact version in a versioned bucket. */
export type Access = 'read' | 'readVersions' | 'readWrite';

const S3_READ = ['s3:GetObject'];
// Multipart uploads (lib-storage's Upload) need AbortMultipartUpload besides PutObject.
const S3_WRITE = ['s3:PutObject', 's3:AbortMultipartUpload'];
// SSE-KMS: reading decrypts; writing asks for a data key, and multipart uploads decrypt it again per part.
const KMS_READ = ['kms:Decrypt'];
const KMS_WRITE = ['kms:Decrypt', 'kms:GenerateDataKey'];

/**
 * Object access to `bucket` under `prefixes` (each ending in '/'), ListBucket on the bucket, and the KMS actions
 * SSE-KMS needs. Acknowledges cdk-nag's IAM5 finding for each prefix wildcard on `role`.
 *
 * ListBucket has no prefix condition on purpose: S3 answers a read of a missing key with 404 only to a caller that
 * may list the bucket, and 403 to anyone else; the handlers treat 404 as "not there" (an optional
 * config/branches.json, a drop deleted before it was read) and would fail on 403. Listing reveals key names only.
 */
export function grantObjects(role: iam.Role, bucket: s3.Bucket, prefixes: readonly string[], access: Access, key?: kms.IKey): void {
  if (prefixes.length === 0) throw new Error('grantObjects needs at least one prefix');
  for (const p of prefixes) if (!p.endsWith('/') || p.startsWith('/')) throw new Error(`prefix '${p}' must look like 'folder/'`);
  const objectArns = prefixes.map((p) => `${bucket.bucketArn}/${p}*`);
  const actions = access === 'read' ? S3_READ : access === 'readVersions' ? [...S3_READ, 's3:GetObjectVersion'] : [...S3_READ, ...S3_WRITE];
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: objectArns }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
  if (key) grantKeyUse(role, key, access === 'readWrite' ? KMS_WRITE : KMS_READ, { service: 's3', buckets: [bucket] });
  for (const p of prefixes) {
    acknowledge(
      role,
      `AwsSolutions-IAM5[Resource::${nagArn(bucket.node.defaultChild as CfnResource)}/${p}*]`,
      `Objects under ${p} are named at run time (per drop, branch, period or configuration file), so no exact ARN exists at deploy time; access is limited to that prefix.`,
    );
  }
}

const DDB_READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable'];
const DDB_WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

/** Item access to the table and its named GSIs (no Scan: every access pattern is a Query). */
export function grantTable(role: iam.Role, table: dynamodb.Table, indexNames: readonly string[], access: 'read' | 'readWrite', key?: kms.IKey): void {
  const resources = [table.tableArn, ...indexNames.map((n) => `${table.tableArn}/index/${n}`)];
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: access === 'read' ? DDB_READ : [...DDB_READ, ...DDB_WRITE], resources }));
  if (key) {
    const actions = access === 'read' ? ['kms:Decrypt', 'kms:DescribeKey'] : ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'];
    grantKeyUse(role, key, actions, { service: 'dynamodb' });
  }
}

/** Publish to an SNS topic encrypted with `key`. */
export function grantPublish(role: iam.Role, topic: sns.Topic, key: kms.IKey): void {
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }));
  grantKeyUse(role, key, ['kms:Decrypt', 'kms:GenerateDataKey'], { service: 'sns' });
}

/**
 * Read one secret encrypted with `key`: GetSecretValue on its exact ARN (CDK's grantRead adds DescribeSecret, which
 * the handlers never call), and kms:Decrypt through Secrets Manager for that secret only.
 */
export function grantSecretRead(role: iam.Role, secret: secretsmanager.ISecret, key: kms.IKey): void {
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }));
  grantKeyUse(role, key, ['kms:Decrypt'], { service: 'secretsmanager', secrets: [secret] });
}
