// One description of the buckets, the table and the event routes, read by the CDK stack (infra/stack.ts)
// and by the embedded local stack (infra/local), so the two cannot drift apart. Plain data, no AWS SDK.

export const BUCKETS = {
  /** Survey drops exactly as branches upload them. Never modified or deleted by the pipeline. */
  raw: { id: 'RawDrops', envVar: 'RAW_BUCKET', localName: 'satmon-raw' },
  /** Clean rows, rejects, manifests and full model results (see S3_LAYOUT). */
  curated: { id: 'Curated', envVar: 'CURATED_BUCKET', localName: 'satmon-curated' },
} as const;

export type BucketKey = keyof typeof BUCKETS;

/** Single-table design: entity-prefixed pk/sk plus one overloaded GSI (see KEYS in ./keys.ts). */
export const TABLE = {
  id: 'Table',
  envVar: 'TABLE_NAME',
  localName: 'satmon',
  partitionKey: 'pk',
  sortKey: 'sk',
  gsis: [{ name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
  /** Attribute holding an epoch-seconds expiry (idempotency records only). */
  ttlAttribute: 'expiresAt',
} as const;

/**
 * Which objects start which handler. On AWS: S3 -> EventBridge rule -> SQS -> Lambda; locally: s3rver events.
 * A key matches a route when it starts with `prefix` and ends with one of `suffixes`, ignoring case (`.XLSX`).
 * Drops: CSV and text exports, Excel workbooks, SPSS files (the format itself is recognised by content).
 */
export const EVENT_ROUTES = [
  { bucket: 'raw', prefix: 'drops/', suffixes: ['.csv', '.txt', '.xlsx', '.sav'], handler: 'ingest' },
] as const satisfies readonly { bucket: BucketKey; prefix: string; suffixes: readonly string[]; handler: string }[];

/** The Lambda handlers, by name: entry file relative to the repo root. */
export const HANDLERS = {
  ingest: 'lambdas/ingest/handler.ts',
  recompute: 'lambdas/recompute/handler.ts',
  assess: 'lambdas/assess/handler.ts',
  api: 'lambdas/api/handler.ts',
  /** Erasure on request (a data steward invokes it directly with the participant number). */
  forget: 'lambdas/forget/handler.ts',
} as const;

export type HandlerName = keyof typeof HANDLERS;

/** SNS topics the handlers publish to; the ARN reaches the handler in `envVar`. */
export const TOPICS = {
  /** Declining-trust alerts, published by the assess handler (action "close"). */
  alerts: { id: 'TrustAlerts', envVar: 'ALERT_TOPIC_ARN' },
  /**
   * Watches (a branch's own decline test significant, not across the network), published by the same step with the
   * branch id in the message attribute `branchAttribute`: each branch manager's subscription carries the filter
   * policy {"branch": ["<id>"]}, so a watch reaches that branch's manager only.
   */
  watches: { id: 'TrustWatches', envVar: 'WATCH_TOPIC_ARN', branchAttribute: 'branch' },
} as const;

/**
 * Dashboard sign-in (Cognito on AWS): head office sees every branch, a branch manager only the branch in
 * `branchClaim` of their ID token. Only administrators can set that attribute (the app client cannot write it).
 */
export const AUTH = {
  groups: { headOffice: 'head-office', branchManager: 'branch-manager' },
  /** Custom attribute name as declared on the user pool... */
  branchAttribute: 'branch',
  /** ...and as it appears in the ID token and in API Gateway's `requestContext.authorizer.jwt.claims`. */
  branchClaim: 'custom:branch',
  /** Claim listing the user's groups. */
  groupsClaim: 'cognito:groups',
} as const;
