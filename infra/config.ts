// Deployment settings of the AWS stack that the local stack has no use for: retention, sizing, schedules.
// Names of buckets, table, keys, routes and handlers live in shared/layout (read by both stacks), not here.
// The README's infrastructure section quotes these values; change them here and there together.
import type { HandlerName } from '../shared/layout/resources';

/** How long things are kept, in days. */
export const RETENTION = {
  /** Raw survey drops: 7 years (7 × 365.25 days, rounded up), then deleted. A policy choice: the raw drop is the
   *  evidence behind every published score, so keep it as long as the agency keeps survey records. */
  rawDropsDays: 2557,
  /** Earlier versions of a raw drop (an upload that overwrote the same key). */
  rawNoncurrentDays: 365,
  /** Earlier versions of curated objects; curated data can be rebuilt from the raw drops. */
  curatedNoncurrentDays: 30,
  /** The unit lists a large assessment's plan writes for its Distributed Map (read once, while the run lasts). */
  assessmentItemListsDays: 30,
  /** Earlier versions of the dashboard's static files (for a rollback). */
  siteNoncurrentDays: 30,
  /** S3 server access logs and CloudFront logs. */
  accessLogsDays: 365,
  /** Incomplete multipart uploads (a crashed upload leaves parts that cost money and show nowhere). */
  abortMultipartDays: 7,
  /** CloudWatch Logs of Lambda, Step Functions and API Gateway; must be a value CloudWatch accepts. */
  logDays: 90,
} as const;

/**
 * Lambda sizing. Node runs the PLS-SEM bootstrap on one thread, and Lambda gives one full vCPU at 1,769 MB:
 * more memory would not make the bootstrap faster, less would slow it down in proportion. The bootstrap's
 * worker-thread path does not work from an esbuild bundle (its worker and recipe modules are loaded by file URL),
 * so handlers must call it with workers: 1; parallelism comes from the Distributed Map instead.
 */
export const FUNCTIONS: Record<HandlerName, { memoryMb: number; timeoutSeconds: number; description: string }> = {
  ingest: { memoryMb: 1024, timeoutSeconds: 900, description: 'Cleans one raw survey drop into curated rows and marks (period, branch) for recompute' },
  recompute: { memoryMb: 1769, timeoutSeconds: 900, description: 'Recomputes one branch and period: PLS-SEM with bootstrap, indices, loyalty regression' },
  assess: { memoryMb: 1769, timeoutSeconds: 900, description: 'Assessment run: "plan" lists the branches, "close" aggregates, tests and alerts' },
  api: { memoryMb: 1024, timeoutSeconds: 10, description: 'Dashboard API behind the Cognito JWT authorizer' },
};

/** The SQS leg of S3 -> EventBridge -> SQS -> ingest. */
export const INGEST_QUEUE = {
  /** Messages per invocation; the handler reports failures per message (batchItemFailures). */
  batchSize: 5,
  /** Receives before a message goes to the dead-letter queue. */
  maxReceiveCount: 5,
  /** AWS's advice for an SQS event source: visibility timeout at least 6 × the function timeout. */
  visibilityTimeoutFactor: 6,
  /** Dead-letter queues keep a message 14 days (the SQS maximum) so someone can look and redrive. */
  dlqRetentionDays: 14,
} as const;

/** The assessment state machine and its schedules (EventBridge Scheduler, time zone Asia/Jakarta). */
export const ASSESSMENT = {
  /** Units (branches, regions, network) recomputed at once by the Distributed Map: 300 branches + ~10 regions +
   *  the network = 7 waves. See the README for raising it. */
  maxConcurrency: 50,
  /** Percentage of branches that may fail before the whole run fails; failures are listed by the close step. */
  toleratedFailurePercentage: 10,
  /** An assessment that has not finished in this time is stopped (and alarms). */
  timeoutHours: 6,
  /**
   * Quarterly run: 02:00 WIB on the 15th of the month after each quarter (two weeks for late drops); it assesses
   * the quarter that just ended. Annual run: 03:00 WIB on 31 January, for the previous year.
   */
  quarterlyCron: { minute: '0', hour: '2', day: '15', month: '1,4,7,10' },
  annualCron: { minute: '0', hour: '3', day: '31', month: '1' },
  /** Offset of Asia/Jakarta from UTC in hours (WIB has no daylight saving), used to name the period. */
  utcOffsetHours: 7,
} as const;

/** API Gateway stage throttling (requests per second and burst), well above a dashboard's needs. */
export const API_THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;
