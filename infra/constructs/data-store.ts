// Where the data lives: the raw-drops and curated buckets and the single table, all built from the shared
// description in shared/layout (names, keys, GSI, TTL), encrypted with one customer-managed key, plus the bucket
// that receives S3 and CloudFront access logs. The key's policy lets the account administer it but not use it;
// each use is added where it is granted (./key-policy.ts), and CloudWatch Logs may use it for the stack's log
// groups only (./logs.ts).
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { layoutPrefix, S3_LAYOUT } from '../../shared/layout/keys';
import { BUCKETS, EVENT_ROUTES, TABLE, type BucketKey } from '../../shared/layout/resources';
import { RETENTION } from '../config';
import { acknowledge } from '../nag';
import { adminOnlyKeyPolicy } from './key-policy';
import { CURATED } from './prefixes';
import { logsKeyStatement } from './logs';

/** Settings every bucket of the stack shares: private, TLS 1.2+ only, S3 Object Ownership (no ACLs) unless asked. */
export function secureBucketProps(): Pick<s3.BucketProps, 'blockPublicAccess' | 'enforceSSL' | 'minimumTLSVersion'> {
  return { blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, enforceSSL: true, minimumTLSVersion: 1.2 };
}

/**
 * Curated-bucket prefixes and how long their objects are kept (RETENTION, settings of shared/config.ts group
 * `retention`): participants' rows (clean parts, rejects, manifests) for curatedDays, results (aggregates) for
 * resultsDays. config/ (the branch directory and instrument) never expires; assessments/ has its own rules.
 */
export function curatedExpirations(): { prefix: string; days: number }[] {
  return [
    { prefix: CURATED.clean, days: RETENTION.curatedDays },
    { prefix: CURATED.rejects, days: RETENTION.curatedDays },
    { prefix: CURATED.manifests, days: RETENTION.curatedDays },
    { prefix: CURATED.results, days: RETENTION.resultsDays },
  ];
}

/**
 * The per-bucket lifecycle rules (retention in infra/config.ts; docs/ACCESS.md and the README state them). The
 * buckets keep versions: an expiration makes the current version noncurrent (a delete marker on top), and the data
 * are gone when the noncurrent-version rule removes it.
 */
function lifecycleRules(key: BucketKey): s3.LifecycleRule[] {
  const abort: s3.LifecycleRule = { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(RETENTION.abortMultipartDays) };
  switch (key) {
    case 'raw':
      return [
        abort,
        {
          id: 'raw-retention',
          expiration: Duration.days(RETENTION.rawDropsDays),
          noncurrentVersionExpiration: Duration.days(RETENTION.rawNoncurrentDays),
        },
      ];
    case 'curated':
      return [
        abort,
        { id: 'curated-old-versions', noncurrentVersionExpiration: Duration.days(RETENTION.curatedNoncurrentDays) },
        // The plan's unit lists (S3_LAYOUT.assessmentItems) serve one run; nothing reads them afterwards.
        { id: 'assessment-item-lists', prefix: layoutPrefix(S3_LAYOUT.assessmentItems('p', 'r'), 2), expiration: Duration.days(RETENTION.assessmentItemListsDays) },
        ...curatedExpirations().map((e) => ({ id: `${e.prefix.slice(0, -1)}-retention`, prefix: e.prefix, expiration: Duration.days(e.days) })),
      ];
  }
}

export class DataStore extends Construct {
  /** Encrypts survey data at rest: both data buckets, the table, the alerts topic and the stack's log groups. */
  readonly dataKey: kms.Key;
  readonly logsBucket: s3.Bucket;
  readonly buckets: Record<BucketKey, s3.Bucket>;
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.dataKey = new kms.Key(this, 'DataKey', {
      description: 'satmon: survey drops, curated data, the table, trust alerts and log groups',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
      policy: adminOnlyKeyPolicy(),
    });
    this.dataKey.addToResourcePolicy(logsKeyStatement(this));

    // S3 server access logs and CloudFront standard logs. SSE-S3 because S3 cannot deliver access logs to an
    // SSE-KMS bucket; ACLs enabled (BucketOwnerPreferred) because CloudFront standard logging writes with an ACL.
    this.logsBucket = new s3.Bucket(this, 'AccessLogs', {
      ...secureBucketProps(),
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ id: 'log-retention', expiration: Duration.days(RETENTION.accessLogsDays) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(this.logsBucket, 'AwsSolutions-S1', 'This is the access-log bucket itself; logging it into itself would log every log delivery, and logging it elsewhere only moves the question.');

    const routed = new Set<BucketKey>(EVENT_ROUTES.map((r) => r.bucket));
    const buckets = {} as Record<BucketKey, s3.Bucket>;
    for (const [key, b] of Object.entries(BUCKETS) as [BucketKey, (typeof BUCKETS)[BucketKey]][]) {
      const bucket = new s3.Bucket(this, b.id, {
        ...secureBucketProps(),
        encryption: s3.BucketEncryption.KMS,
        encryptionKey: this.dataKey,
        bucketKeyEnabled: true, // one KMS request per bucket key, not per object
        versioned: true,
        serverAccessLogsBucket: this.logsBucket,
        serverAccessLogsPrefix: `s3/${b.id}/`,
        lifecycleRules: lifecycleRules(key),
        removalPolicy: RemovalPolicy.RETAIN,
      });
      // Every object under the data key: an upload asking for SSE-S3 would bypass it, one with SSE-C could never be
      // read by ingest (it would dead-letter). Uploads without an encryption header get the bucket default (the key).
      bucket.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'DenyOtherEncryption', effect: iam.Effect.DENY, principals: [new iam.AnyPrincipal()], actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects('*')],
        conditions: { StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption': 'aws:kms' } },
      }));
      bucket.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'DenyCustomerKeys', effect: iam.Effect.DENY, principals: [new iam.AnyPrincipal()], actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects('*')],
        conditions: { Null: { 's3:x-amz-server-side-encryption-customer-algorithm': 'false' } },
      }));
      if (routed.has(key)) {
        // S3 -> EventBridge natively in CloudFormation (CDK's eventBridgeEnabled would add a custom-resource Lambda).
        (bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
      }
      buckets[key] = bucket;
    }
    this.buckets = buckets;

    this.table = new dynamodb.Table(this, TABLE.id, {
      partitionKey: { name: TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.dataKey,
      timeToLiveAttribute: TABLE.ttlAttribute,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const g of TABLE.gsis) {
      this.table.addGlobalSecondaryIndex({
        indexName: g.name,
        partitionKey: { name: g.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: g.sortKey, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
  }
}
