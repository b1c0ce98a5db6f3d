// What ingesting one drop writes, as plain data: the drop record and its life cycle, the curated objects,
// the respondent ids and the recompute markers. The ingest Lambda only executes these plans (no AWS SDK here).
//
// Identity of a drop = SHA-256 of its bytes. The drop record (keys.drop) is claimed with a conditional put
// (status 'processing' under a lease), completed once ('done' or 'rejected'), and never rewritten afterwards
// except to add another object key that carried the same bytes.
import type { UpdatePlan } from './storage';
import { keys, S3_LAYOUT } from '../layout/keys';

export type { UpdatePlan };

export type DropStatus = 'processing' | 'done' | 'rejected';

export interface DropPartition {
  period: string;
  branch: string;
  /** Clean rows written for this (period, branch). */
  rows: number;
  /** Curated object holding them (S3_LAYOUT.cleanPart). */
  key: string;
}

export interface DropCounts {
  rows: number;
  clean: number;
  rejected: number;
  [k: string]: number;
}

export interface DropRecord {
  pk: string;
  sk: string;
  entity: 'drop';
  sha256: string;
  status: DropStatus;
  /** Raw bucket and every key under which these bytes were uploaded (a DynamoDB string set). */
  bucket: string;
  objectKeys: Set<string>;
  firstKey: string;
  size: number;
  etag?: string;
  receivedAt: string;
  leaseOwner?: string;
  /** Epoch ms until which the owner may work undisturbed. */
  leaseUntil?: number;
  completedAt?: string;
  instrument?: string;
  counts?: DropCounts;
  partitions?: DropPartition[];
  manifestKey?: string;
  rejectsKey?: string;
  /** Why a drop was rejected as a whole (e.g. missing required columns). */
  error?: string;
}

export interface SourceObject {
  bucket: string;
  key: string;
  etag?: string;
  size: number;
}

/** The claim: a new record in 'processing', to be put only if no record for these bytes exists. */
export function claimRecord(sha256: string, src: SourceObject, owner: string, now: Date, leaseMs: number): DropRecord {
  return {
    ...keys.drop(sha256),
    entity: 'drop',
    sha256,
    status: 'processing',
    bucket: src.bucket,
    objectKeys: new Set([src.key]),
    firstKey: src.key,
    size: src.size,
    etag: src.etag,
    receivedAt: now.toISOString(),
    leaseOwner: owner,
    leaseUntil: now.getTime() + leaseMs,
  };
}

export type ExistingDecision =
  /** Already ingested (or rejected): nothing to do but remember this key if it is new. */
  | { action: 'finished'; addKey: boolean }
  /** Another invocation holds a live lease: wait for it, or fail so the message is redelivered later. */
  | { action: 'wait'; until: number }
  /** A previous attempt died mid-way: take the lease over and redo the (idempotent) work. */
  | { action: 'takeover' };

export function decideOnExisting(rec: DropRecord, key: string, now: Date): ExistingDecision {
  if (rec.status === 'done' || rec.status === 'rejected') return { action: 'finished', addKey: !rec.objectKeys?.has(key) };
  const until = rec.leaseUntil ?? 0;
  return until > now.getTime() ? { action: 'wait', until } : { action: 'takeover' };
}

/** Remember another object key that carried the same bytes (ADD to a set: repeating it changes nothing). */
export function addObjectKey(sha256: string, key: string): UpdatePlan {
  return { key: keys.drop(sha256), add: { objectKeys: new Set([key]) }, when: [{ attr: 'pk', op: 'exists' }] };
}

/** Take over an expired lease (only if it is still expired and the drop still unfinished). */
export function takeoverLease(sha256: string, owner: string, now: Date, leaseMs: number): UpdatePlan {
  return {
    key: keys.drop(sha256),
    set: { leaseOwner: owner, leaseUntil: now.getTime() + leaseMs },
    when: [{ attr: 'status', op: '=', value: 'processing' }, { attr: 'leaseUntil', op: '<=', value: now.getTime() }],
  };
}

/** Give a lease back after a failure, so a redelivery can take over at once. */
export function releaseLease(sha256: string, owner: string): UpdatePlan {
  return { key: keys.drop(sha256), set: { leaseUntil: 0 }, when: ownedWhileProcessing(owner) };
}

const ownedWhileProcessing = (owner: string): UpdatePlan['when'] =>
  [{ attr: 'status', op: '=', value: 'processing' }, { attr: 'leaseOwner', op: '=', value: owner }];

export interface CleanPartition {
  period: string;
  branch: string;
  /** CSV text (header included) of the clean rows of this (period, branch). */
  csv: string;
  rows: number;
  /** Respondent ids first seen in this drop, with the hash of their answers (for cross-drop duplicates). */
  newRespondents: { id: string; answerHash: string }[];
}

export interface CuratedObject {
  key: string;
  body: string;
  contentType: string;
}

/** Deterministic keys (from the content hash), so rewriting them after a retry leaves identical objects. */
export function curatedObjects(sha256: string, partitions: CleanPartition[], rejectsCsv: string | undefined): CuratedObject[] {
  const out: CuratedObject[] = partitions.map((p) => ({
    key: S3_LAYOUT.cleanPart(p.period, p.branch, sha256),
    body: p.csv,
    contentType: 'text/csv; charset=utf-8',
  }));
  if (rejectsCsv !== undefined) out.push({ key: S3_LAYOUT.rejects(sha256), body: rejectsCsv, contentType: 'text/csv; charset=utf-8' });
  return out;
}

export function manifestObject(sha256: string, manifest: unknown): CuratedObject {
  return { key: S3_LAYOUT.manifest(sha256), body: JSON.stringify(manifest, null, 2) + '\n', contentType: 'application/json' };
}

/**
 * Upper bound of the respondent list in one index item, in UTF-8 bytes: DynamoDB's item limit is 400 KB, and one
 * item per chunk instead of one per respondent makes ingest's writes (and their cost) proportional to drops, not
 * respondents (a 250-row drop: 1 write instead of 250).
 */
export const RESPONDENT_CHUNK_BYTES = 300_000;

/** One chunk of a drop's respondent index: `respondents` is "id<TAB>answerHash" lines (ids hold no control characters: shared/survey/fields.ts). */
export type RespondentChunkItem = {
  pk: string;
  sk: string;
  dropHash: string;
  respondents: string;
};

/**
 * Respondent ids new in this drop, per (branch, period), in chunks tagged with the drop (so a retried drop does not
 * count its own ids as seen). Deterministic: the same drop always gives the same items.
 */
export function respondentItems(sha256: string, partitions: CleanPartition[], maxBytes = RESPONDENT_CHUNK_BYTES): RespondentChunkItem[] {
  const out: RespondentChunkItem[] = [];
  for (const p of partitions) {
    let lines: string[] = [];
    let bytes = 0;
    let chunk = 0;
    const flush = () => {
      if (lines.length === 0) return;
      out.push({ ...keys.respondentChunk(p.branch, p.period, sha256, chunk++), dropHash: sha256, respondents: lines.join('\n') });
      lines = [];
      bytes = 0;
    };
    for (const r of p.newRespondents) {
      const line = `${r.id}\t${r.answerHash}`;
      const size = Buffer.byteLength(line) + 1;
      if (bytes + size > maxBytes) flush();
      lines.push(line);
      bytes += size;
    }
    flush();
  }
  return out;
}

/** Seen respondents of one (branch, period): id -> answer hash, minus those this very drop wrote in an earlier, interrupted attempt. */
export function seenFromItems(items: readonly Pick<RespondentChunkItem, 'dropHash' | 'respondents'>[], sha256: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const it of items) {
    if (it.dropHash === sha256 || !it.respondents) continue;
    for (const line of it.respondents.split('\n')) {
      const tab = line.lastIndexOf('\t');
      m.set(line.slice(0, tab), line.slice(tab + 1));
    }
  }
  return m;
}

/** Mark a (period, branch) as needing recompute; the set of drops makes the update idempotent. */
export function dirtyMark(period: string, branch: string, sha256: string, now: Date): UpdatePlan {
  return { key: keys.dirty(period, branch), set: { period, branch }, setIfAbsent: { since: now.toISOString() }, add: { drops: new Set([sha256]) } };
}

export interface Completion {
  status: 'done' | 'rejected';
  completedAt: Date;
  instrument?: string;
  counts?: DropCounts;
  partitions?: DropPartition[];
  manifestKey: string;
  rejectsKey?: string;
  error?: string;
}

/** Finish the drop: only the lease owner may, and only once. */
export function completeDrop(sha256: string, owner: string, c: Completion): UpdatePlan {
  return {
    key: keys.drop(sha256),
    set: {
      status: c.status, completedAt: c.completedAt.toISOString(), manifestKey: c.manifestKey,
      instrument: c.instrument, counts: c.counts, partitions: c.partitions, rejectsKey: c.rejectsKey, error: c.error,
    },
    remove: ['leaseOwner', 'leaseUntil'],
    when: ownedWhileProcessing(owner),
  };
}

export function partitionsOf(sha256: string, partitions: CleanPartition[]): DropPartition[] {
  return partitions.map((p) => ({ period: p.period, branch: p.branch, rows: p.rows, key: S3_LAYOUT.cleanPart(p.period, p.branch, sha256) }));
}
