// Assess Lambda: the assessment state machine's first and last steps.
//   {action: 'plan', period, runId} -> PlanOutput (items for the Distributed Map of recomputes, inline or, when
//                                      large, in the curated bucket under the run id: itemsKey)
//   {action: 'close', period} -> CloseOutput
// Period: a quarter '2025-Q4' (quarterly assessment, with alerts) or a year '2025' (annual assessment).
// New alerts go to the SNS topic ALERT_TOPIC_ARN when set, to SATMON_ALERT_WEBHOOK (a URL, POST JSON) when set,
// and always to the log. Their texts are in the deployment's language (SATMON_LOCALE, default Indonesian); the webhook's
// JSON keeps the alert's machine fields as they are and says which language its texts are in.
// New watches (a branch's own test significant, not across the network) go to the watch topic WATCH_TOPIC_ARN only,
// with the branch in a message attribute that each manager's subscription filters on: never to the alert topic or
// the webhook. Without the topic they are logged (info) only.
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { alertPayload, watchPayload } from '../../shared/assess/alert-text';
import type { Alert, Watch } from '../../shared/assess/assessment';
import { TOPICS } from '../../shared/layout/resources';
import { createFormat } from '../../shared/i18n/format';
import { DEFAULT_LOCALE, type Locale } from '../../shared/i18n/locale';
import { isPeriod } from '../../shared/period';
import { loadGroups, requireResources, type Config, type EnvMap } from '../../shared/config';
import { close, mapFailures, plan, type AssessDeps, type CloseOutput, type PlanOutput, type UnitFailure } from '../../shared/pipeline/assess';
import { branchesFor } from '../../shared/pipeline/survey-config';
import { closeMetrics, lambdaHandler, observability, traceClient, type Observability } from '../aws/observability';
import { storageFor } from '../aws/storage';

export type AssessEvent = {
  action: 'plan' | 'close';
  period?: string;
  year?: string | number;
  /** close on AWS: the Distributed Map's ResultWriter manifest, to report failed units. */
  mapResults?: { Bucket: string; Key: string };
  /** close on AWS: the aggregates map's results (a recompute outcome, or {failed, item, error} when it failed). */
  aggregateResults?: unknown[];
  /** close when run locally: the failed recomputes. */
  failures?: UnitFailure[];
  /** close: the plan step's lists (passed on with the plan's output), so close need not list the bucket again. */
  branches?: string[];
  regions?: string[];
  /**
   * plan, when one run assesses several periods (a local backfill): every period it assesses. Their
   * needs-recompute marks belong to their own assessment in the run, not to the catch-up of an earlier quarter.
   */
  assessing?: string[];
  /**
   * The state machine's execution name (plan and close get it). plan names its S3 item list after it; without it
   * (a local run) the list's hash does.
   */
  runId?: string;
};

const obs = () => observability('assess');
const log = () => obs().logger;

export function notifierFor(alerts: Pick<Config['alerts'], 'topicArn' | 'webhook'>, locale: Locale = DEFAULT_LOCALE): (a: Alert) => Promise<void> {
  const { topicArn: topic, webhook } = alerts;
  const sns = topic ? traceClient(new SNSClient({})) : undefined;
  const fmt = createFormat(locale);
  return async (a) => {
    log().warn('trust alert', { alert: a });
    const message = alertPayload(a, fmt);
    if (sns) await sns.send(new PublishCommand({ TopicArn: topic, Subject: message.subject, Message: message.text }));
    if (webhook) {
      const r = await fetch(webhook, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message) });
      if (!r.ok) log().error('alert webhook failed', { status: r.status });
    }
  };
}

/**
 * A new watch to its branch's manager: the watch topic with the branch as message attribute (the filter policies').
 * `client`: an SNS client to use instead of the SDK's (tests).
 */
export function watchNotifierFor(
  alerts: Pick<Config['alerts'], 'watchTopicArn'>, locale: Locale = DEFAULT_LOCALE, client?: { send(c: PublishCommand): Promise<unknown> },
): (w: Watch) => Promise<void> {
  const topic = alerts.watchTopicArn;
  const sns = topic ? client ?? traceClient(new SNSClient({})) : undefined;
  const fmt = createFormat(locale);
  return async (w) => {
    log().info('trust watch', { watch: w });
    if (!sns) return;
    const message = watchPayload(w, fmt);
    await sns.send(new PublishCommand({
      TopicArn: topic, Subject: message.subject, Message: message.text,
      MessageAttributes: { [TOPICS.watches.branchAttribute]: { DataType: 'String', StringValue: w.branch } },
    }));
  };
}

/** Dependencies from the configuration (shared/config.ts) read from `env` (default: process.env). */
export async function depsFromEnv(env?: EnvMap, notify?: (a: Alert) => Promise<void>, notifyWatch?: (w: Watch) => Promise<void>): Promise<AssessDeps> {
  const cfg = loadGroups(['resources', 'aws', 'survey', 'alerts', 'language'], env);
  const { table, curated: curatedBucket } = requireResources(cfg.resources, 'table', 'curated');
  const storage = storageFor(cfg.aws, table);
  const branches = await branchesFor(cfg.survey, storage.objects, curatedBucket);
  return {
    storage, curatedBucket, ...(branches ? { branches } : {}),
    alertMetrics: cfg.alerts.metrics, alertBand: cfg.alerts.ikmBand, notify: notify ?? notifierFor(cfg.alerts, cfg.language.locale),
    notifyWatch: notifyWatch ?? watchNotifierFor(cfg.alerts, cfg.language.locale),
  };
}

/** The failed items of the aggregates map (its Catch turns a failure into {failed: true, item, error}). */
export function aggregateFailures(results: unknown[] | undefined): UnitFailure[] {
  return (results ?? []).flatMap((r) => {
    const f = r as { failed?: unknown; item?: unknown; error?: unknown } | null;
    return f && f.failed === true ? [{ item: f.item, error: String(f.error ?? 'failed') }] : [];
  });
}

export function periodOf(e: AssessEvent): string {
  const p = e.period ?? (e.year !== undefined ? String(e.year) : undefined);
  if (!p || !isPeriod(p)) throw new Error(`assess: period must look like 2025-Q4 or 2025, got '${p}'`);
  return p;
}

export function makeHandler(getDeps: () => Promise<AssessDeps>, o: () => Observability = obs) {
  return async (event: AssessEvent): Promise<PlanOutput | CloseOutput> => {
    const period = periodOf(event);
    o().annotate('action', event.action);
    o().annotate('period', period);
    const d = await getDeps();
    if (event.action === 'plan') return plan(d, period, event.assessing, event.runId);
    if (event.action === 'close') {
      const failures = [
        ...(event.failures ?? []),
        ...(event.mapResults ? await mapFailures(d, event.mapResults) : []),
        ...aggregateFailures(event.aggregateResults),
      ];
      const planned = Array.isArray(event.branches) && Array.isArray(event.regions) ? { branches: event.branches, regions: event.regions } : undefined;
      const out = await close(d, period, failures, planned);
      o().logger.info('assessment closed', { period, branches: out.branches, newAlerts: out.newAlerts.length, newWatches: out.newWatches.length, failedUnits: failures.length });
      o().record(closeMetrics(out));
      return out;
    }
    throw new Error(`assess: unknown action '${(event as { action?: string }).action}'`);
  };
}

export const handler = lambdaHandler(obs, makeHandler(() => depsFromEnv()));
