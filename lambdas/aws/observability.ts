// Logs, metrics and traces of the Lambda handlers, with Powertools for AWS Lambda: one Observability per handler
// (service `satmon-<handler>`), and `lambdaHandler` around each exported handler, which per invocation
//   - adds the Lambda context (request id, function, cold start) to every log line,
//   - on Lambda, opens an X-Ray subsegment `## satmon-<handler>` annotated with ColdStart and Service, under which
//     the SDK clients' calls appear (traceClient, applied in clients.ts and to the SNS client),
//   - on Lambda, publishes the metrics the handler recorded as one EMF log line (namespace POWERTOOLS_METRICS_NAMESPACE).
// Off Lambda (npm start, the CLI, tests) metrics are not even collected and the tracer is never loaded: importing
// aws-xray-sdk-core enables a process-wide async hook (cls-hooked), and Powertools Metrics would print EMF JSON to
// stdout (it only turns itself off with POWERTOOLS_METRICS_DISABLED or POWERTOOLS_DEV).
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context } from 'aws-lambda';
import { loadGroups, type Config, type EnvMap } from '../../shared/config';
import type { HandlerName } from '../../shared/layout/resources';
import type { CloseOutput } from '../../shared/pipeline/assess';
import type { IngestResult } from '../../shared/pipeline/ingest';
import type { RecomputeOutcome } from '../../shared/pipeline/recompute';

/** Every metric the handlers write, with its unit: one place, so a name cannot be written with two units. */
export const METRICS = {
  /** Clean rows an ingested drop added (ingest). */
  RowsIngested: MetricUnit.Count,
  /** Rows of an ingested drop that failed validation (ingest; they are in the drop's rejects file). */
  RowsRejected: MetricUnit.Count,
  /** Drops rejected as a whole, e.g. missing required columns (ingest). */
  DropsRejected: MetricUnit.Count,
  /** Wall time of a recompute that estimated (skipped recomputes are not counted); dimension unitKind. */
  RecomputeDuration: MetricUnit.Milliseconds,
  /** Bootstrap resamples that failed to estimate and are left out of the CIs; dimension unitKind. */
  BootstrapFailedResamples: MetricUnit.Count,
  /** Alerts an assessment created and notified (assess close; 0 on a rerun). */
  AlertsRaised: MetricUnit.Count,
  /** Recomputes of the Distributed Map that failed and were tolerated (assess close). */
  RecomputesFailed: MetricUnit.Count,
  /** Uploads overwritten before ingest could read them (recorded as superseded; ingest). */
  UploadsSuperseded: MetricUnit.Count,
  /** Rows held because earlier drops delivered the same respondents with other answers (ingest). */
  ConflictRowsHeld: MetricUnit.Count,
} as const;

export type MetricName = keyof typeof METRICS;
export type MetricValue = readonly [name: MetricName, value: number];

export function ingestMetrics(r: IngestResult): MetricValue[] {
  if (r.outcome === 'rejected') return [['DropsRejected', 1]];
  if (r.outcome === 'version-superseded') return [['UploadsSuperseded', 1]];
  if (r.outcome === 'ingested' && r.counts) {
    return [['RowsIngested', r.counts.clean], ['RowsRejected', r.counts.rejected], ...(r.conflictRows ? [['ConflictRowsHeld', r.conflictRows] as const] : [])];
  }
  return []; // duplicates, missing objects and superseded claims add nothing
}

export function recomputeMetrics(o: RecomputeOutcome): MetricValue[] {
  if (o.skipped) return [];
  return [
    ...(o.ms !== undefined ? [['RecomputeDuration', o.ms] as const] : []),
    ...(o.failedResamples !== undefined ? [['BootstrapFailedResamples', o.failedResamples] as const] : []),
  ];
}

export function closeMetrics(o: Pick<CloseOutput, 'raised' | 'failures'>): MetricValue[] {
  return [['AlertsRaised', o.raised.length], ['RecomputesFailed', o.failures.length]];
}

export interface Observability {
  /** `satmon-<handler>` unless POWERTOOLS_SERVICE_NAME says otherwise. */
  readonly service: string;
  readonly logger: Logger;
  readonly onLambda: boolean;
  /** The Powertools Metrics of this handler: only on Lambda with metrics enabled. */
  readonly metrics: Metrics | undefined;
  /**
   * Record metrics of this invocation, published when it ends; nothing happens off Lambda. `dimensions` (besides
   * `service`) apply to every metric of the invocation.
   */
  record(values: Iterable<MetricValue>, dimensions?: Record<string, string>): void;
  /** An X-Ray annotation on this invocation's subsegment (searchable in the X-Ray console); no-op off Lambda. */
  annotate(key: string, value: string | number | boolean): void;
  /**
   * One invocation: the Lambda context on every log line, on Lambda its own X-Ray subsegment and the recorded
   * metrics published when it ends (returned or thrown).
   */
  invoke<R>(context: Context | undefined, run: () => Promise<R>): Promise<R>;
}

// One tracer per process: X-Ray instrumentation is process-wide (it patches http/https and fetch), and a Lambda
// process runs one handler. `loaded` is what traceClient uses: clients are created during invocations, after
// invoke() awaited the tracer.
let loading: Promise<Tracer | undefined> | undefined;
let loaded: Tracer | undefined;

function tracerFor(serviceName: string, logger: Logger): Promise<Tracer | undefined> {
  return (loading ??= (async () => {
    try {
      // Imported only here: the Lambda bundle carries it, local runs never load it.
      const { Tracer } = await import('@aws-lambda-powertools/tracer');
      const t = new Tracer({ serviceName });
      loaded = t.isTracingEnabled() ? t : undefined;
    } catch (e) {
      // Traces are worth less than the invocation: run without them.
      logger.warn('X-Ray tracer not loaded; running without traces', { error: e as Error });
    }
    return loaded;
  })());
}

/** `client` with its calls traced by X-Ray when the tracer is loaded (on Lambda); the same client otherwise. */
export function traceClient<C>(client: C): C {
  return loaded ? loaded.captureAWSv3Client(client) : client;
}

class HandlerObservability implements Observability {
  readonly logger: Logger;
  readonly metrics: Metrics | undefined;
  /** The tracer while an invocation's subsegment is open (annotations go there). */
  private active: Tracer | undefined;

  constructor(readonly service: string, readonly onLambda: boolean, private readonly tracing: boolean, opts: { namespace: string; metrics: boolean; logLevel?: Config['logging']['level'] }) {
    this.logger = new Logger({ serviceName: service, ...(opts.logLevel ? { logLevel: opts.logLevel } : {}) });
    this.metrics = onLambda && opts.metrics ? new Metrics({ namespace: opts.namespace, serviceName: service }) : undefined;
  }

  record(values: Iterable<MetricValue>, dimensions?: Record<string, string>): void {
    if (!this.metrics) return;
    const list = [...values];
    if (list.length === 0) return;
    for (const [k, v] of Object.entries(dimensions ?? {})) this.metrics.addDimension(k, v);
    for (const [name, value] of list) this.metrics.addMetric(name, METRICS[name], value);
  }

  annotate(key: string, value: string | number | boolean): void {
    this.active?.putAnnotation(key, value);
  }

  async invoke<R>(context: Context | undefined, run: () => Promise<R>): Promise<R> {
    const tracer = this.onLambda && this.tracing ? await tracerFor(this.service, this.logger) : undefined;
    this.logger.refreshSampleRateCalculation();
    if (context?.awsRequestId) this.logger.addContext(context);
    // The manual form of Powertools' captureLambdaHandler: Lambda's facade segment takes no annotations.
    const parent = tracer?.getSegment();
    const sub = parent?.addNewSubsegment(`## ${this.service}`);
    if (sub) {
      tracer!.setSegment(sub);
      this.active = tracer;
      tracer!.annotateColdStart();
      tracer!.addServiceNameAnnotation();
    }
    try {
      return await run();
    } catch (e) {
      if (sub) tracer!.addErrorAsMetadata(e as Error);
      throw e;
    } finally {
      if (sub) {
        this.active = undefined;
        sub.close();
        tracer!.setSegment(parent!);
      }
      // Only when something was recorded: Powertools warns about an empty flush. Publishing clears the dimensions.
      if (this.metrics?.hasStoredMetrics()) this.metrics.publishStoredMetrics();
    }
  }
}

/** An Observability from the configuration (shared/config.ts) read from `env` (default: process.env). */
export function createObservability(handler: HandlerName, env?: EnvMap): Observability {
  const { observability: o, runtime, logging } = loadGroups(['observability', 'runtime', 'logging'], env);
  return new HandlerObservability(o.serviceName ?? `satmon-${handler}`, runtime.onLambda, o.tracingEnabled, {
    namespace: o.namespace, metrics: o.metricsEnabled, logLevel: logging.level,
  });
}

const byHandler = new Map<HandlerName, Observability>();

/**
 * The handler's Observability, created on first use (so POWERTOOLS_LOG_LEVEL and the rest are read after the local
 * stack has set up the environment) and kept for the process, like Powertools' own instances.
 */
export function observability(handler: HandlerName): Observability {
  let o = byHandler.get(handler);
  if (!o) byHandler.set(handler, (o = createObservability(handler)));
  return o;
}

/** `fn` as the exported Lambda handler, each invocation run by `obs().invoke`; the handler stays a plain async function. */
export function lambdaHandler<E, R>(obs: () => Observability, fn: (event: E, context?: Context) => Promise<R>): (event: E, context?: Context) => Promise<R> {
  return (event, context) => obs().invoke(context, () => fn(event, context));
}

interface LogPort {
  info(msg: string, extra?: Record<string, unknown>): void;
  warn(msg: string, extra?: Record<string, unknown>): void;
}

/**
 * `log` with `keys` on every line: correlation (an SQS message id, an S3 key) for one piece of work without touching
 * the shared logger's keys, which invocations running side by side in one process (the local stack) would mix up.
 */
export function withKeys(log: LogPort, keys: Record<string, unknown>): LogPort {
  return { info: (m, x) => log.info(m, { ...keys, ...x }), warn: (m, x) => log.warn(m, { ...keys, ...x }) };
}
