// Ingest one raw drop: identity by content hash, claim, clean, write curated objects and table items, complete.
// What to write is decided in shared/pipeline/drops.ts; this module only sequences the calls, through the storage
// port (storage.ts), so the same code runs on AWS, on the embedded stack and in memory.
//
// Order matters for at-least-once delivery: curated objects -> respondent ids -> recompute marks -> manifest ->
// completion. Every step is idempotent (deterministic keys and bodies, ADD to sets), so a retry after a crash
// anywhere redoes the same writes and ends in the same state.
import { randomUUID } from 'node:crypto';
import {
  addObjectKey,
  claimRecord,
  completeDrop,
  curatedObjects,
  decideOnExisting,
  dirtyMark,
  manifestObject,
  partitionsOf,
  releaseLease,
  respondentItems,
  seenFromItems,
  takeoverLease,
  type CleanPartition,
  type DropCounts,
  type DropRecord,
  type RespondentChunkItem,
} from '../pipeline/drops';
import type { BucketNames, ObjectRef } from '../layout/events';
import { keys, S3_LAYOUT } from '../layout/keys';
import { mapLimit } from './concurrency';
import { readRawObject } from './raw-object';
import type { Storage } from './storage';

/** What the cleaner needs from ingest. */
export interface CleanRequest {
  body: AsyncIterable<Buffer>;
  /** Names the drop in error messages (s3://bucket/key). */
  source: string;
  /** Respondents already stored for (branch, period) by other drops: id -> answer hash. */
  seen(branch: string, period: string): Promise<Map<string, string>>;
}

export type CleanOutcome =
  | {
      status: 'clean';
      partitions: CleanPartition[];
      rejectsCsv?: string;
      counts: DropCounts;
      /** The cleaner's manifest (a JSON-safe object); the curated manifest is this plus an `ingest` block. */
      manifest: object;
      instrument: string;
    }
  /** The drop as a whole is unusable (e.g. a required column is missing): recorded, never retried. */
  | { status: 'rejected'; error: string; /** Details of the refusal (e.g. { code, message }). */ manifest?: object; instrument: string };

export type Cleaner = (req: CleanRequest) => Promise<CleanOutcome>;

export interface Logger {
  info(msg: string, extra?: Record<string, unknown>): void;
  warn(msg: string, extra?: Record<string, unknown>): void;
}

export interface IngestDeps {
  storage: Storage;
  buckets: BucketNames;
  clean: Cleaner;
  log: Logger;
  /** Lease on a drop while it is processed (default 15 min, the Lambda maximum). */
  leaseMs?: number;
  /** Longest wait for another invocation working on the same bytes before failing for a later redelivery. */
  maxWaitMs?: number;
  now?: () => Date;
}

export type IngestResult =
  | { outcome: 'ingested' | 'rejected'; sha256: string; key: string; counts?: DropCounts; error?: string }
  | { outcome: 'duplicate'; sha256: string; key: string; status: DropRecord['status']; keyAdded: boolean }
  | { outcome: 'missing'; key: string }
  | { outcome: 'superseded'; sha256: string; key: string };

/** Another invocation is processing the same bytes; thrown so the message comes back later. */
export class DropBusyError extends Error {
  override name = 'DropBusyError';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function loadSeen(d: IngestDeps, branch: string, period: string, sha256: string): Promise<Map<string, string>> {
  const items = await d.storage.items.query<RespondentChunkItem>({ pk: keys.respondentsOf(branch, period), projection: ['dropHash', 'respondents'] });
  return seenFromItems(items, sha256);
}

export async function ingestObject(d: IngestDeps, ref: ObjectRef): Promise<IngestResult> {
  const now = d.now ?? (() => new Date());
  const leaseMs = d.leaseMs ?? 15 * 60_000;
  const { items, objects } = d.storage;
  const raw = await readRawObject(objects, ref);
  if (!raw) {
    d.log.warn('raw object no longer exists; nothing to ingest', { bucket: ref.bucket, key: ref.key });
    return { outcome: 'missing', key: ref.key };
  }
  const sha = raw.sha256;
  const owner = randomUUID();
  const src = { bucket: raw.bucket, key: raw.key, etag: raw.etag, size: raw.size };
  const waitUntil = Date.now() + (d.maxWaitMs ?? 60_000);
  let receivedAt = now().toISOString();

  // Claim the drop, or find out that it is (being) done already.
  for (;;) {
    const claim = claimRecord(sha, src, owner, now(), leaseMs);
    if (await items.put(claim, { ifAbsent: true })) {
      receivedAt = claim.receivedAt;
      break;
    }
    const existing = await items.get<DropRecord>(keys.drop(sha));
    if (!existing) continue; // deleted in between: claim again
    const decision = decideOnExisting(existing, raw.key, now());
    if (decision.action === 'finished') {
      if (decision.addKey) await items.update(addObjectKey(sha, raw.key));
      d.log.info('drop already ingested', { sha256: sha, key: raw.key, status: existing.status, keyAdded: decision.addKey });
      return { outcome: 'duplicate', sha256: sha, key: raw.key, status: existing.status, keyAdded: decision.addKey };
    }
    if (decision.action === 'takeover') {
      if (await items.update(takeoverLease(sha, owner, now(), leaseMs))) {
        receivedAt = existing.receivedAt;
        d.log.warn('took over an expired lease; redoing the drop', { sha256: sha, key: raw.key });
        break;
      }
      continue;
    }
    if (Date.now() + 250 > waitUntil) {
      throw new DropBusyError(`drop ${sha} (s3://${raw.bucket}/${raw.key}) is being processed by another invocation`);
    }
    await sleep(250);
  }

  try {
    const result = await d.clean({
      body: raw.body(),
      source: `s3://${raw.bucket}/${raw.key}`,
      seen: (branch, period) => loadSeen(d, branch, period, sha),
    });
    const manifestKey = S3_LAYOUT.manifest(sha);
    const ingestInfo = { dropHash: sha, object: src, receivedAt, instrument: result.instrument };

    if (result.status === 'rejected') {
      const m = manifestObject(sha, {
        kind: 'satmon.drop-manifest',
        source: `s3://${raw.bucket}/${raw.key}`,
        sha256: sha,
        error: result.manifest ?? { message: result.error },
        ingest: { status: 'rejected', ...ingestInfo },
      });
      await objects.put(d.buckets.curated, m.key, m.body, m.contentType);
      const done = await items.update(completeDrop(sha, owner, { status: 'rejected', completedAt: now(), instrument: result.instrument, manifestKey, error: result.error }));
      if (!done) return { outcome: 'superseded', sha256: sha, key: raw.key };
      d.log.warn('drop rejected', { sha256: sha, key: raw.key, error: result.error });
      return { outcome: 'rejected', sha256: sha, key: raw.key, error: result.error };
    }

    await mapLimit(curatedObjects(sha, result.partitions, result.rejectsCsv), 4, (o) => objects.put(d.buckets.curated, o.key, o.body, o.contentType));
    await items.batchWrite({ puts: respondentItems(sha, result.partitions) });
    const stamp = now();
    for (const p of result.partitions) await items.update(dirtyMark(p.period, p.branch, sha, stamp));
    const partitions = partitionsOf(sha, result.partitions);
    const rejectsKey = result.rejectsCsv !== undefined ? S3_LAYOUT.rejects(sha) : undefined;
    const m = manifestObject(sha, {
      ...(result.manifest as object),
      ingest: { status: 'done', ...ingestInfo, counts: result.counts, partitions, rejectsKey: rejectsKey ?? null },
    });
    await objects.put(d.buckets.curated, m.key, m.body, m.contentType);
    const done = await items.update(
      completeDrop(sha, owner, { status: 'done', completedAt: now(), instrument: result.instrument, counts: result.counts, partitions, manifestKey, rejectsKey }),
    );
    if (!done) {
      // Our lease expired and another invocation took over; it writes the same things.
      d.log.warn('lease lost before completion', { sha256: sha, key: raw.key });
      return { outcome: 'superseded', sha256: sha, key: raw.key };
    }
    d.log.info('drop ingested', { sha256: sha, key: raw.key, ...result.counts });
    return { outcome: 'ingested', sha256: sha, key: raw.key, counts: result.counts };
  } catch (e) {
    // Give the lease back so a redelivery can start at once instead of waiting for it to expire.
    await items.update(releaseLease(sha, owner)).catch(() => undefined);
    throw e;
  }
}
