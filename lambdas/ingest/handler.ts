// Ingest Lambda. On AWS: S3 -> EventBridge ("Object Created") -> SQS -> this handler, with partial batch
// responses (the event source mapping needs ReportBatchItemFailures). Locally: S3Event records from the
// embedded stack's router. Both are reduced to (bucket, key, etag, size) and ingested one object at a time.
import type { Context, SQSBatchResponse } from 'aws-lambda';
import { loadGroups, requireResources, type EnvMap } from '../../shared/config';
import { eventItems, routesFor, type IngestEvent } from '../../shared/layout/events';
import { ingestObject, type IngestDeps } from '../../shared/pipeline/ingest';
import { cleanerFor } from '../../shared/pipeline/survey-cleaner';
import { rowPrivacyOf } from '../../shared/privacy/row-privacy';
import { ingestMetrics, lambdaHandler, observability, withKeys, type Observability } from '../aws/observability';
import { keyringFor } from '../aws/pseudonym-key';
import { storageFor } from '../aws/storage';

const obs = () => observability('ingest');
const log = () => obs().logger;

/**
 * Dependencies from the configuration (shared/config.ts) read from `env` (default: process.env): TABLE_NAME,
 * RAW_BUCKET, CURATED_BUCKET, endpoint settings, instrument and branch directory, lease, the pseudonym keyring and
 * the curated rows' retention.
 */
export async function depsFromEnv(env?: EnvMap): Promise<IngestDeps> {
  const cfg = loadGroups(['resources', 'aws', 'survey', 'ingest', 'runtime', 'privacy', 'retention'], env);
  const { table, raw, curated } = requireResources(cfg.resources, 'table', 'raw', 'curated');
  const storage = storageFor(cfg.aws, table);
  return {
    storage,
    buckets: { raw, curated },
    clean: await cleanerFor(cfg.survey, storage.objects, curated, rowPrivacyOf(await keyringFor(cfg.privacy, cfg.aws))),
    curatedDays: cfg.retention.curatedDays,
    log: { info: (m, x) => log().info(m, x ?? {}), warn: (m, x) => log().warn(m, x ?? {}) },
    leaseMs: cfg.ingest.leaseSeconds * 1000,
    // On Lambda a "host pid" need not be unique across sandboxes: only the lease's expiry frees a drop there.
    ...(cfg.runtime.onLambda ? { holderGone: () => false } : {}),
  };
}

export function makeHandler(getDeps: () => Promise<IngestDeps>, o: () => Observability = obs) {
  return async (event: IngestEvent, context?: Context): Promise<SQSBatchResponse | void> => {
    const { items, unreadable } = eventItems(event);
    const failed = new Set<string>();
    for (const u of unreadable) {
      o().logger.error('unreadable message', u);
      failed.add(u.messageId);
    }
    if (items.length === 0) return unreadable.length ? { batchItemFailures: [...failed].map((itemIdentifier) => ({ itemIdentifier })) } : undefined;

    const deps = await getDeps();
    // Wait for a concurrent invocation on the same bytes at most until shortly before this one times out.
    const remaining = context?.getRemainingTimeInMillis?.();
    if (remaining !== undefined) deps.maxWaitMs = Math.max(0, Math.min(60_000, remaining - 15_000));

    let firstError: unknown;
    for (const { ref, messageId } of items) {
      if (messageId && failed.has(messageId)) continue;
      if (!routesFor(ref.bucket, ref.key, deps.buckets).includes('ingest')) {
        o().logger.info('object is not a drop; ignored', { bucket: ref.bucket, key: ref.key });
        continue;
      }
      // Every log line of this object names it and its SQS message.
      const keys = { ...(messageId ? { messageId } : {}), bucket: ref.bucket, key: ref.key };
      try {
        o().record(ingestMetrics(await ingestObject({ ...deps, log: withKeys(deps.log, keys) }, ref)));
      } catch (e) {
        o().logger.error('ingest failed', { ...keys, error: e as Error });
        if (messageId) failed.add(messageId);
        else firstError ??= e;
      }
    }
    const sqs = items.some((i) => i.messageId) || unreadable.length > 0;
    if (sqs) return { batchItemFailures: [...failed].map((itemIdentifier) => ({ itemIdentifier })) };
    if (firstError) throw firstError; // S3Event / EventBridge: the whole event is retried (ingest is idempotent)
  };
}

export const handler = lambdaHandler(obs, makeHandler(() => depsFromEnv()));
