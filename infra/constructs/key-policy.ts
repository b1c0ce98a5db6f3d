// Who may use a customer-managed key, and how. The key policy lets the account administer the key (manage, rotate,
// schedule deletion; no encrypt or decrypt), and every cryptographic use goes through one AWS service
// (kms:ViaService), so the key cannot be called directly even by a role that may use it:
//
//   DynamoDB, SNS   the key policy names each role, with the service; the role's IAM policy says the same.
//   S3              the key policy lets the account's IAM policies decide, through S3 only; each IAM grant names the
//                   bucket (S3's encryption context). The key policy cannot name the buckets itself: their
//                   encryption refers to the key, so the key referring to them is a circular dependency that
//                   CloudFormation refuses. Nor should it name the roles: a key-policy statement naming a role
//                   allows it on its own, and would let the role use the key for any bucket whatever its IAM says.
//                   This delegation also serves the uploaders, principals created outside the stack.
//   Secrets Manager the key policy names each reader's role, with the service; the role's IAM policy also names
//                   the secret (encryption context SecretARN; the key policy cannot: the secret refers to the key).
//                   CDK's Secret adds a delegation to the account's IAM policies through Secrets Manager, which
//                   CloudFormation needs to create the secret (Secrets Manager asks KMS with the caller's rights) and
//                   an administrator to add a key to the keyring. So, as for S3, IAM decides who reads the secret.
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { IConstruct } from 'constructs';

/**
 * Key administration without cryptographic use: CDK's key-administrator actions (the console's "key
 * administrators") plus on-demand rotation. kms:Create* includes CreateGrant, which CloudFormation needs when it
 * creates a DynamoDB table with this key (DynamoDB creates its grants with the caller's permission).
 */
export const KEY_ADMIN_ACTIONS = [
  'kms:Create*', 'kms:Describe*', 'kms:Enable*', 'kms:List*', 'kms:Put*', 'kms:Update*', 'kms:Revoke*', 'kms:Disable*',
  'kms:Get*', 'kms:Delete*', 'kms:TagResource', 'kms:UntagResource', 'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion',
  'kms:RotateKeyOnDemand',
];

/** A key policy whose only statement lets the account administer the key (usage is added statement by statement). */
export function adminOnlyKeyPolicy(): iam.PolicyDocument {
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({
        sid: 'AccountAdministersKey',
        principals: [new iam.AccountRootPrincipal()],
        actions: KEY_ADMIN_ACTIONS,
        resources: ['*'], // in a key policy, "*" is this key
      }),
    ],
  });
}

/**
 * The service a use of the key goes through. For S3, `buckets` are the buckets whose objects it is used for: their
 * buckets use S3 Bucket Keys, so S3's encryption context is the bucket ARN (not the object ARN). For Secrets
 * Manager, `secrets` are the secrets it decrypts (encryption context SecretARN).
 */
export type KeyUse =
  | { service: 's3'; buckets: readonly s3.IBucket[] }
  | { service: 'dynamodb' }
  | { service: 'sns' }
  | { service: 'secretsmanager'; secrets: readonly secretsmanager.ISecret[] };

/** kms:ViaService value of a service in the stack's region. */
export function viaService(scope: IConstruct, service: KeyUse['service']): string {
  return `${service}.${Stack.of(scope).region}.amazonaws.com`;
}

/** The conditions of one use: through that service only, and for S3 only for those buckets. */
export function keyUseConditions(scope: IConstruct, use: KeyUse): Record<string, Record<string, unknown>> {
  const equals: Record<string, unknown> = { 'kms:ViaService': viaService(scope, use.service) };
  if (use.service === 's3') {
    if (use.buckets.length === 0) throw new Error('an S3 use of a key needs at least one bucket');
    const arns = [...new Set(use.buckets.map((b) => b.bucketArn))];
    equals['kms:EncryptionContext:aws:s3:arn'] = arns.length === 1 ? arns[0] : arns;
  }
  if (use.service === 'secretsmanager') {
    if (use.secrets.length === 0) throw new Error('a Secrets Manager use of a key needs at least one secret');
    const arns = [...new Set(use.secrets.map((x) => x.secretArn))];
    equals['kms:EncryptionContext:SecretARN'] = arns.length === 1 ? arns[0] : arns;
  }
  return { StringEquals: equals };
}

/**
 * Lets `role` use `key` for `actions` through one service: a statement in the role's policy (for S3 with the
 * bucket's encryption context), and the key-policy side of allowInKeyPolicy.
 */
export function grantKeyUse(role: iam.IRole, key: kms.IKey, actions: readonly string[], use: KeyUse): void {
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...actions], resources: [key.keyArn], conditions: keyUseConditions(key, use) }));
  allowInKeyPolicy(key, role, actions, use);
}

/**
 * The key-policy half of grantKeyUse, for principals whose IAM statements are written elsewhere (CDK task roles,
 * uploader policies). An S3 use becomes the account's delegation through S3 (see the top of this file); identical
 * statements are rendered once.
 */
export function allowInKeyPolicy(key: kms.IKey, principal: iam.IPrincipal, actions: readonly string[], use: KeyUse): void {
  if (use.service === 's3') {
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AccountIamPoliciesThroughS3',
      principals: [new iam.AccountRootPrincipal()],
      actions: [...S3_KEY_ACTIONS],
      resources: ['*'],
      conditions: { StringEquals: { 'kms:ViaService': viaService(key, 's3') } },
    }));
    const extra = actions.filter((a) => !S3_KEY_ACTIONS.includes(a));
    if (extra.length) throw new Error(`${extra.join(', ')}: not an S3 use of a key (S3 SSE-KMS needs only ${S3_KEY_ACTIONS.join(', ')})`);
    return;
  }
  // A secret's ARN cannot appear in the key policy (the secret refers to the key): the service only.
  const conditions = use.service === 'secretsmanager' ? { StringEquals: { 'kms:ViaService': viaService(key, use.service) } } : keyUseConditions(key, use);
  key.addToResourcePolicy(new iam.PolicyStatement({ principals: [principal], actions: [...actions], resources: ['*'], conditions }));
}

/** What S3 asks KMS for with SSE-KMS: a data key to write, a decrypt to read (and per part of a multipart upload). */
export const S3_KEY_ACTIONS: readonly string[] = ['kms:Decrypt', 'kms:GenerateDataKey'];
