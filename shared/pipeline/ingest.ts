// Ingest one raw drop: identity by content hash, claim, clean, write curated objects and table items, complete.
// What to write is decided in shared/pipeline/drops.ts; this module only sequences the calls, through the storage
// port (storage.ts), so the same code runs on AWS, on the embedded stack and in memory.
//
// Order matters for at-least-once delivery: curated objects (written in chunks while cleaning) -> respondent ids ->
// conflicts -> recompute marks -> manifest -> completion. Every step is idempotent (deterministic keys and bodies, ADD to sets), so a retry after a crash
// anywhere redoes the same writes and ends in the same state.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  addObjectKey,
  claimRecord,
  completeDrop,
  conflictItem,
  chunkObject,
  decideOnExisting,
  dirtyMark,
  dropIdOf,
  expiryAfter,
  manifestObject,
  markConflictedBy,
  partitionsOf,
  releaseLease,
  renewLease,
  respondentChunkItems,
  respondentItems,
  seenFromItems,
  supersededUpload,
  takeoverLease,
  uploaderLabel,
  type CleanPartition,
  type DropCounts,
  type DropRecord,
  type LeaseOwner,
  type OutputChunk,
  type RespondentChunkItem,
} from '../pipeline/drops';
import type { BucketNames, ObjectRef } from '../layout/events';
import { keys, RAW_LAYOUT, S3_LAYOUT, uploaderOf, type Uploader } from '../layout/keys';
import { mapLimit } from './concurrency';
import { readRawObject } from './raw-object';
import { ObjectChangedError, type Storage } from './storage';

/** What the cleaner needs from ingest. */
export interface CleanRequest {
  body: AsyncIterable<Buffer>;
  /** Names the drop in error messages (s3://bucket/key). */
  source: string;
  /** Respondents already stored for (branch, period) by other drops: id -> answer hash. */
  seen(branch: string, period: string): Promise<Map<string, string>>;
  /** Write one chunk of output now (clean rows of a part, or rejects): the cleaner's memory stays bounded. */
  write(chunk: OutputChunk): Promise<void>;
  /** Who uploaded the drop (its folder): a branch upload may carry only that branch's rows. */
  uploader: Uploader;
  /** When the drop arrived (periods and dates far after it are refused). */
  receivedAt: Date;
  /** Participants erased on request: pseudonym -> last quarter erased (their rows are rejected as ERASED). */
  erased: ReadonlyMap<string, string>;
}

/** Rows of one (branch, period) held as DUPLICATE_PRIOR_CONFLICT, by respondent id. */
export interface HeldConflicts {
  branch: string;
  period: string;
  ids: string[];
}

export type CleanOutcome =
  | {
      status: 'clean';
      partitions: CleanPartition[];
      /** Rejects chunks written (0: no rejected rows). */
      rejectChunks: number;
      counts: DropCounts;
      /** The cleaner's manifest (a JSON-safe object); the curated manifest is this plus an `ingest` block. */
      manifest: object;
      instrument: string;
      /** Rows held because earlier drops delivered the same respondents with other answers. */
      conflicts?: HeldConflicts[];
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
  /**
   * Lease on a drop while it is processed (default 60 s), renewed every third of it while the work goes on, so a
   * crashed owner's drop is taken over within a minute on AWS and locally alike.
   */
  leaseMs?: number;
  /** Whether a lease holder ("host pid") has certainly stopped (default: holderProcessGone). */
  holderGone?: (holder: string) => boolean;
  /** Longest wait for another invocation working on the same bytes before failing for a later redelivery. */
  maxWaitMs?: number;
  now?: () => Date;
  /** Days the respondent index items are kept (DynamoDB TTL from the drop's arrival); unset: kept until deleted. */
  curatedDays?: number;
}

export type IngestResult =
  | { outcome: 'ingested' | 'rejected'; dropId: string; sha256: string; key: string; counts?: DropCounts; error?: string; conflictRows?: number }
  | { outcome: 'duplicate'; dropId: string; sha256: string; key: string; status: DropRecord['status']; keyAdded: boolean }
  | { outcome: 'missing'; key: string }
  /** Another attempt took the lease over and finishes the drop. */
  | { outcome: 'superseded'; dropId: string; sha256: string; key: string }
  /** The version the event named was overwritten before it could be read (recorded, see supersededUpload). */
  | { outcome: 'version-superseded'; key: string; etag: string };

/** The erasure list changed during the ingest; thrown so the drop is ingested again with the new list. */
export class ErasureListChangedError extends Error {
  override name = 'ErasureListChangedError';
}

/** Another invocation is processing the same bytes; thrown so the message comes back later. */
export class DropBusyError extends Error {
  override name = 'DropBusyError';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The respondents earlier drops stored for (branch, period): id -> answer hash, and id -> the drop that stored it. */
async function loadSeen(d: IngestDeps, branch: string, period: string, dropId: string): Promise<{ hashes: Map<string, string>; owners: Map<string, string>; drops: Set<string> }> {
  const items = await d.storage.items.query<RespondentChunkItem>({ pk: keys.respondentsOf(branch, period), projection: ['dropHash', 'respondents'] });
  const owners = new Map<string, string>();
  const hashes = seenFromItems(items, dropId, owners);
  return { hashes, owners, drops: new Set(items.map((i) => i.dropHash)) };
}

/**
 * Drops ingested at the same moment each load the stored respondents before the other has written its own, so
 * neither holds the other's conflicting rows. Once this drop's ids are written, look again: ids another drop
 * stored meanwhile with other answers are recorded as conflicts too (both copies were accepted; someone decides).
 * Of two racing drops, at least the one that looks last sees the other (the table's queries are consistent).
 */
async function racedConflicts(
  d: IngestDeps, dropId: string, partitions: readonly CleanPartition[], seenDrops: ReadonlyMap<string, ReadonlySet<string>>,
): Promise<{ branch: string; period: string; rows: number; withDrops: string[] }[]> {
  const out: { branch: string; period: string; rows: number; withDrops: string[] }[] = [];
  await mapLimit(partitions.filter((p) => p.rows > 0), 8, async (p) => {
    const before = seenDrops.get(`${p.branch}\u0000${p.period}`) ?? new Set<string>();
    const items = await d.storage.items.query<RespondentChunkItem>({ pk: keys.respondentsOf(p.branch, p.period), projection: ['dropHash', 'respondents'] });
    const late = items.filter((i) => i.dropHash !== dropId && !before.has(i.dropHash));
    if (!late.length) return;
    const mine = seenFromItems(items.filter((i) => i.dropHash === dropId), '');
    const owners = new Map<string, string>();
    const theirs = seenFromItems(late, dropId, owners);
    const withDrops = new Set<string>();
    let rows = 0;
    for (const [id, hash] of mine) {
      const h = theirs.get(id);
      if (h !== undefined && h !== hash) {
        rows++;
        withDrops.add(owners.get(id)!);
      }
    }
    if (rows) out.push({ branch: p.branch, period: p.period, rows, withDrops: [...withDrops].sort() });
  });
  return out;
}

const OUTSIDE_FOLDERS =
  `uploaded outside the upload folders: an office uploads under ${RAW_LAYOUT.branchPrefix('<branch id>')}, head office under ${RAW_LAYOUT.headOfficePrefix}`;

const thisProcess = `${hostname()} ${process.pid}`;

/**
 * Whether a lease holder ("host pid") has certainly stopped: only a process on this very host can be checked (a
 * local runner killed with -9, then started again); elsewhere (another Lambda container) nobody can tell, and the
 * lease's expiry decides.
 */
export function holderProcessGone(holder: string): boolean {
  const [host, pidText] = holder.split(' ');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0); // signal 0: existence check only
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export async function ingestObject(d: IngestDeps, ref: ObjectRef): Promise<IngestResult> {
  const now = d.now ?? (() => new Date());
  const leaseMs = d.leaseMs ?? 60_000;
  const { items, objects } = d.storage;
  const uploader = uploaderOf(ref.key);
  let raw;
  try {
    raw = await readRawObject(objects, ref);
  } catch (e) {
    if (!(e instanceof ObjectChangedError)) throw e;
    // Overwritten before this event was handled, in a bucket without versions: these bytes are gone. Say so.
    const etag = ref.etag ?? ref.versionId ?? 'unknown';
    await items.put(supersededUpload(ref.bucket, ref.key, etag, uploaderLabel(uploader), now(), e.found));
    d.log.warn('upload overwritten before it was ingested; recorded as superseded', { bucket: ref.bucket, key: ref.key, etag, found: e.found });
    return { outcome: 'version-superseded', key: ref.key, etag };
  }
  if (!raw) {
    d.log.warn('raw object no longer exists; nothing to ingest', { bucket: ref.bucket, key: ref.key });
    return { outcome: 'missing', key: ref.key };
  }
  const sha = raw.sha256;
  const dropId = dropIdOf(sha, uploader);
  const owner: LeaseOwner = { id: randomUUID(), holder: thisProcess };
  const src = { bucket: raw.bucket, key: raw.key, etag: raw.etag, size: raw.size };
  const waitUntil = Date.now() + (d.maxWaitMs ?? 60_000);
  let receivedAt = now().toISOString();
  const ids = { dropId, sha256: sha, key: raw.key };

  // Claim the drop, or find out that it is (being) done already.
  for (;;) {
    const claim = claimRecord(dropId, sha, uploaderLabel(uploader), src, owner, now(), leaseMs);
    if (await items.put(claim, { ifAbsent: true })) {
      receivedAt = claim.receivedAt;
      break;
    }
    const existing = await items.get<DropRecord>(keys.drop(dropId));
    if (!existing) continue; // deleted in between: claim again
    const decision = decideOnExisting(existing, raw.key, now(), d.holderGone ?? holderProcessGone);
    if (decision.action === 'finished') {
      if (decision.addKey) await items.update(addObjectKey(dropId, raw.key));
      await items.delete(keys.activeDrop(dropId)); // an attempt that crashed between completion and deregistering
      d.log.info('drop already ingested', { ...ids, status: existing.status, keyAdded: decision.addKey });
      return { outcome: 'duplicate', ...ids, status: existing.status, keyAdded: decision.addKey };
    }
    if (decision.action === 'takeover') {
      if (await items.update(takeoverLease(dropId, owner, now(), leaseMs, decision.from))) {
        receivedAt = existing.receivedAt;
        d.log.warn(decision.from ? "took over the lease of a stopped process; redoing the drop" : 'took over an expired lease; redoing the drop', ids);
        break;
      }
      continue;
    }
    if (Date.now() + 250 > waitUntil) {
      throw new DropBusyError(`drop ${dropId} (s3://${raw.bucket}/${raw.key}) is being processed by another invocation`);
    }
    await sleep(250);
  }

  // Keep the lease alive while working; a renewal that fails means another attempt took over (completion then fails).
  let renewal: Promise<unknown> = Promise.resolve();
  const heartbeat = setInterval(() => {
    renewal = items.update(renewLease(dropId, owner.id, now(), leaseMs)).catch((e) => d.log.warn('lease renewal failed', { ...ids, error: String(e) }));
  }, Math.max(50, Math.floor(leaseMs / 3)));
  heartbeat.unref?.();
  /** No renewal may land after this (one in flight would undo a release). */
  const stopHeartbeat = async () => {
    clearInterval(heartbeat);
    await renewal;
  };
  const owners = new Map<string, Map<string, string>>();
  const seenDrops = new Map<string, Set<string>>();
  // The index expires with the curated rows; from the drop's first arrival, so a retry writes identical items.
  const expiring = <T extends object>(its: T[]): T[] => (d.curatedDays ? its.map((it) => ({ ...it, expiresAt: expiryAfter(receivedAt, d.curatedDays!) })) : its);
  const readErased = async () => new Map((await items.query<{ sk: string; through: string }>({ pk: keys.erasedList, projection: ['sk', 'through'] })).map((e) => [e.sk, e.through]));
  const finished = () => items.delete(keys.activeDrop(dropId));
  try {
    // Registered as in progress before the erasure list is read: an erasure either finds this drop here (and waits
    // for it) or wrote its list before this drop reads it (shared/pipeline/forget.ts). startedAt: an erasure waits
    // for this attempt while it may run (forget.ts MAX_INGEST_MS), whatever its lease says.
    const active = { ...keys.activeDrop(dropId), since: receivedAt, startedAt: now().toISOString(), expiresAt: expiryAfter(now(), 1) };
    await items.put(active);
    const erased = await readErased();
    const source = `s3://${raw.bucket}/${raw.key}`;
    const result: CleanOutcome = uploader
      ? await d.clean({
          body: raw.body(),
          source,
          uploader,
          receivedAt: new Date(receivedAt),
          erased,
          write: async (c) => {
            if (c.kind === 'respondents') return items.batchWrite({ puts: expiring(respondentChunkItems(dropId, c)) });
            const o = chunkObject(dropId, c);
            await objects.put(d.buckets.curated, o.key, o.body, o.contentType);
          },
          seen: async (branch, period) => {
            const s = await loadSeen(d, branch, period, dropId);
            owners.set(`${branch}\u0000${period}`, s.owners);
            seenDrops.set(`${branch}\u0000${period}`, s.drops);
            return s.hashes;
          },
        })
      : { status: 'rejected', error: `${source}: ${OUTSIDE_FOLDERS}`, manifest: { code: 'OUTSIDE_UPLOAD_FOLDERS', message: OUTSIDE_FOLDERS }, instrument: 'none' };
    const manifestKey = S3_LAYOUT.manifest(dropId);
    const ingestInfo = { dropId, sha256: sha, uploader: uploaderLabel(uploader), object: src, receivedAt, instrument: result.instrument };

    if (result.status === 'rejected') {
      const m = manifestObject(dropId, {
        kind: 'satmon.drop-manifest',
        source,
        sha256: sha,
        error: result.manifest ?? { message: result.error },
        ingest: { status: 'rejected', ...ingestInfo },
      });
      await objects.put(d.buckets.curated, m.key, m.body, m.contentType);
      const done = await items.update(completeDrop(dropId, owner.id, { status: 'rejected', completedAt: now(), instrument: result.instrument, manifestKey, error: result.error }));
      if (!done) return { outcome: 'superseded', ...ids };
      await finished();
      d.log.warn('drop rejected', { ...ids, error: result.error.slice(0, 500) });
      return { outcome: 'rejected', ...ids, error: result.error };
    }

    // Respondent ids were written with the clean chunks (bounded memory); any left (a cleaner that keeps them) now.
    await items.batchWrite({ puts: expiring(respondentItems(dropId, result.partitions)) });
    const held = (result.conflicts ?? []).map((c) => {
      const byId = owners.get(`${c.branch}\u0000${c.period}`);
      const withDrops = [...new Set(c.ids.map((id) => byId?.get(id)).filter((x): x is string => !!x))].sort();
      return { branch: c.branch, period: c.period, rows: c.ids.length, withDrops };
    });
    // One conflict record per (branch, period): rows held here plus rows a racing drop also delivered.
    const merged = new Map<string, { branch: string; period: string; rows: number; withDrops: string[] }>();
    for (const c of [...held, ...(await racedConflicts(d, dropId, result.partitions, seenDrops))]) {
      const k = `${c.period}\u0000${c.branch}`;
      const m = merged.get(k);
      merged.set(k, m ? { ...m, rows: m.rows + c.rows, withDrops: [...new Set([...m.withDrops, ...c.withDrops])].sort() } : c);
    }
    const conflicts = [...merged.values()];
    const stamp = now();
    // Conflicts before the recompute marks: an assessment that sees the mark also sees the conflict.
    if (conflicts.length) {
      await items.batchWrite({ puts: conflicts.map((c) => conflictItem(c.branch, c.period, dropId, c.rows, c.withDrops, stamp)) });
      for (const earlier of new Set(conflicts.flatMap((c) => c.withDrops))) await items.update(markConflictedBy(earlier, dropId));
    }
    const marks = new Map<string, { period: string; branch: string }>();
    for (const p of [...result.partitions, ...conflicts]) marks.set(`${p.period}\u0000${p.branch}`, p);
    await mapLimit([...marks.values()], 8, (p) => items.update(dirtyMark(p.period, p.branch, dropId, stamp)));
    const partitions = partitionsOf(dropId, result.partitions);
    const rejectsKey = result.rejectChunks > 0 ? S3_LAYOUT.rejects(dropId) : undefined;
    const conflictRows = conflicts.reduce((a, c) => a + c.rows, 0);
    // An erasure that listed someone after this drop read the list (its lease lapsed meanwhile, so the erasure did not
    // wait for it) may have found nothing of theirs yet: start over with the new list rather than complete.
    const nowErased = await readErased();
    if ([...nowErased].some(([p, through]) => erased.get(p) !== through)) {
      throw new ErasureListChangedError(`drop ${dropId}: the erasure list changed while it was ingested; it is ingested again`);
    }
    const m = manifestObject(dropId, {
      ...(result.manifest as object),
      ingest: { status: 'done', ...ingestInfo, counts: result.counts, partitions, conflicts, rejectsKey: rejectsKey ?? null, rejectChunks: result.rejectChunks },
    });
    await objects.put(d.buckets.curated, m.key, m.body, m.contentType);
    const done = await items.update(
      completeDrop(dropId, owner.id, { status: 'done', completedAt: now(), instrument: result.instrument, counts: result.counts, partitions, manifestKey, rejectsKey, conflictRows }),
    );
    if (!done) {
      // Our lease expired and another invocation took over; it writes the same things.
      d.log.warn('lease lost before completion', ids);
      return { outcome: 'superseded', ...ids };
    }
    await finished();
    d.log.info('drop ingested', { ...ids, ...result.counts, conflictRows });
    return { outcome: 'ingested', ...ids, counts: result.counts, ...(conflictRows ? { conflictRows } : {}) };
  } catch (e) {
    // Give the lease back so a redelivery can start at once instead of waiting for it to expire.
    await stopHeartbeat();
    // Still ours: no longer in progress (a taker-over registered the drop itself and removes it when done).
    if (await items.update(releaseLease(dropId, owner.id)).catch(() => false)) await finished().catch(() => undefined);
    throw e;
  } finally {
    clearInterval(heartbeat);
  }
}
