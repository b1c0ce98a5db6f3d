// Deployment settings of the AWS stack that the local stack has no use for: retention, sizing, schedules.
// Retention periods of personal data are settings (shared/config.ts), read here at synth.
// Names of buckets, table, keys, routes and handlers live in shared/layout (read by both stacks), not here.
// The README's infrastructure section quotes these values; change them here and there together.
import { loadGroups, type CONFIG_GROUPS, type EnvMap } from '../shared/config';
import type { HandlerName } from '../shared/layout/resources';

/**
 * How long things are kept, in days, for the AWS stack built from `env` (the CDK app passes process.env at synth).
 * Raw drops, curated rows, results and logs are settings (shared/config.ts group `retention`, README "Personal
 * data"): the agency's retention schedule decides them, not the code. The rest are operational constants.
 */
export function retentionFrom(env: EnvMap = process.env) {
  const r = loadGroups(['retention'], env).retention;
  return {
    /** Raw survey drops (SATMON_RETENTION_RAW_DAYS, default 7 years: 7 × 365.25 days, rounded up), then deleted.
     *  The raw drop is the evidence behind every published score, and holds the participants' identities. */
    rawDropsDays: r.rawDays,
    /** Earlier versions of a raw drop (an upload that overwrote the same key). */
    rawNoncurrentDays: 365,
    /** Curated rows: clean parts, rejects and manifests (SATMON_RETENTION_CURATED_DAYS, default 5 years), counted
     *  from each object's last write. The handlers give the respondent index (table) the same period (TTL). */
    curatedDays: r.curatedDays,
    /** Model results and assessments under results/ (SATMON_RETENTION_RESULTS_DAYS, default 10 years): aggregates,
     *  no respondent data. */
    resultsDays: r.resultsDays,
    /** Earlier versions of curated objects; curated data can be rebuilt from the raw drops. Also bounds how long a
     *  participant's rows survive an erasure (the forget handler overwrites parts; the old version lingers). */
    curatedNoncurrentDays: 30,
    /** The unit lists a large assessment's plan writes for its Distributed Map (read once, while the run lasts). */
    assessmentItemListsDays: 30,
    /** Earlier versions of the dashboard's static files (for a rollback). */
    siteNoncurrentDays: 30,
    /** S3 server access logs and CloudFront logs. */
    accessLogsDays: 365,
    /** Incomplete multipart uploads (a crashed upload leaves parts that cost money and show nowhere). */
    abortMultipartDays: 7,
    /** CloudWatch Logs of Lambda, Step Functions and API Gateway (SATMON_RETENTION_LOG_DAYS); log groups get the
     *  shortest period CloudWatch accepts that is at least this long (constructs/logs.ts retentionDays). */
    logDays: r.logDays,
  } as const;
}

export type Retention = ReturnType<typeof retentionFrom>;

/** The retention of this synth (process.env); an invalid setting fails the synth with the variable's name. */
export const RETENTION: Retention = retentionFrom();

/** The deployment's language (SATMON_LOCALE at synth, default id): the dashboard's default, the alerts' and exports'. */
export const LOCALE = loadGroups(['language']).language.locale;

/**
 * The retention settings as the handlers read them, for the functions that write table expiries (ingest: the
 * respondent index, curatedDays; forget: the erasure list, rawDays): the same values as the lifecycle rules of this
 * synth, not the handlers' defaults.
 */
export function retentionEnv(r: Retention): Record<keyof (typeof CONFIG_GROUPS)['retention']['vars'], string> {
  return {
    SATMON_RETENTION_RAW_DAYS: String(r.rawDropsDays),
    SATMON_RETENTION_CURATED_DAYS: String(r.curatedDays),
    SATMON_RETENTION_RESULTS_DAYS: String(r.resultsDays),
    SATMON_RETENTION_LOG_DAYS: String(r.logDays),
  };
}

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
  // Sized like ingest: it reads and rewrites clean parts and rejects files as ingest writes them.
  forget: { memoryMb: 1024, timeoutSeconds: 900, description: 'Erases one participant on request: curated rows, rejects and the duplicate index; marks the units for recompute' },
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
