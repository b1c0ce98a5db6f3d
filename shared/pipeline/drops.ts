// What ingesting one drop writes, as plain data: the drop record and its life cycle, the curated objects,
// the respondent ids and the recompute markers. The ingest Lambda only executes these plans (no AWS SDK here).
//
// Identity of a drop = who uploaded it and the SHA-256 of its bytes (dropIdOf): the same bytes cleaned for a branch
// folder (other branches' rows rejected) and for head office (all kept) are two drops. The drop record (keys.drop)
// is claimed with a conditional put (status 'processing' under a lease its owner renews while it works), completed
// once ('done' or 'rejected'), and never rewritten afterwards except to add another object key that carried the
// same bytes, or a later drop that conflicts with it. It stays small whatever the drop: long lists (partitions)
// and texts live in the manifest object it references.
import { createHash } from 'node:crypto';
import type { UpdatePlan } from './storage';
import { keys, S3_LAYOUT, type Uploader } from '../layout/keys';

export type { UpdatePlan };

export type DropStatus = 'processing' | 'done' | 'rejected';

export interface DropPartition {
  period: string;
  branch: string;
  /** Clean rows written for this (period, branch). */
  rows: number;
  /** Curated object holding them (S3_LAYOUT.cleanPart), its first chunk when there are several. */
  key: string;
  /** Chunk objects when more than one. */
  chunks?: number;
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
  /** Identity of the drop (dropIdOf): names its curated objects and respondent index. */
  dropId: string;
  /** SHA-256 of the bytes. */
  sha256: string;
  /** 'head-office', 'branch=<ID>', or 'none' (uploaded outside the upload folders: refused). */
  uploader: string;
  status: DropStatus;
  /** Raw bucket and every key under which these bytes were uploaded (a DynamoDB string set). */
  bucket: string;
  objectKeys: Set<string>;
  firstKey: string;
  size: number;
  etag?: string;
  receivedAt: string;
  leaseOwner?: string;
  /** Epoch ms until which the owner may work undisturbed; the owner renews it while it works (renewLease). */
  leaseUntil?: number;
  /** Where the owner runs ("host pid"), so a local runner can tell that a lease's process is gone. */
  leaseHolder?: string;
  completedAt?: string;
  instrument?: string;
  counts?: DropCounts;
  /** Clean parts per (period, branch), when few (INLINE_PARTITIONS_BYTES); else read from the manifest. */
  partitions?: DropPartition[];
  partitionCount?: number;
  manifestKey?: string;
  rejectsKey?: string;
  /** Why a drop was rejected as a whole (e.g. missing required columns), escaped and capped (MAX_ERROR_CHARS). */
  error?: string;
  /** Rows held back as DUPLICATE_PRIOR_CONFLICT: this drop's respondents already delivered by earlier drops. */
  conflictRows?: number;
  /** Later drops that delivered some of this drop's respondents with other answers (a DynamoDB string set). */
  conflictedBy?: Set<string>;
}

/** Who uploaded a drop, as the record and messages say it. */
export function uploaderLabel(u: Uploader | undefined): string {
  return !u ? 'none' : u.kind === 'head-office' ? 'head-office' : `branch=${u.branch}`;
}

/**
 * A drop's identity: the content hash for head office (as before folders existed), a hash of folder and content
 * for a branch upload, so the same bytes uploaded by a branch and by head office are cleaned once each.
 */
export function dropIdOf(sha256: string, uploader: Uploader | undefined): string {
  if (uploader?.kind === 'head-office') return sha256;
  return createHash('sha256').update(`satmon-drop\u0000${uploaderLabel(uploader)}\u0000${sha256}`).digest('hex');
}

/** Partition lists up to this size (JSON) stay in the drop record; DynamoDB's item limit is 400 KB. */
export const INLINE_PARTITIONS_BYTES = 16_000;
/** Error texts in a drop record are cut to this many characters (the manifest keeps the whole refusal). */
export const MAX_ERROR_CHARS = 1_000;

/** Control characters escaped, then cut: a record or log line never carries raw bytes or a 600 KB header. */
export function recordText(text: string, max = MAX_ERROR_CHARS): string {
  // eslint-disable-next-line no-control-regex
  const escaped = text.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped.length > max ? `${escaped.slice(0, max - 1)}…` : escaped;
}

export interface SourceObject {
  bucket: string;
  key: string;
  etag?: string;
  size: number;
}

export interface LeaseOwner {
  /** Unique per attempt. */
  id: string;
  /** Where it runs ("host pid"). */
  holder: string;
}

/** The claim: a new record in 'processing', to be put only if no record for this drop exists. */
export function claimRecord(dropId: string, sha256: string, uploader: string, src: SourceObject, owner: LeaseOwner, now: Date, leaseMs: number): DropRecord {
  return {
    ...keys.drop(dropId),
    entity: 'drop',
    dropId,
    sha256,
    uploader,
    status: 'processing',
    bucket: src.bucket,
    objectKeys: new Set([src.key]),
    firstKey: src.key,
    size: src.size,
    etag: src.etag,
    receivedAt: now.toISOString(),
    leaseOwner: owner.id,
    leaseUntil: now.getTime() + leaseMs,
    leaseHolder: owner.holder,
  };
}

export type ExistingDecision =
  /** Already ingested (or rejected): nothing to do but remember this key if it is new. */
  | { action: 'finished'; addKey: boolean }
  /** Another invocation holds a live lease: wait for it, or fail so the message is redelivered later. */
  | { action: 'wait'; until: number }
  /**
   * A previous attempt died mid-way: take the lease over and redo the (idempotent) work. `from` names the owner
   * when its process is known to be gone (the lease may still run); otherwise the lease has expired.
   */
  | { action: 'takeover'; from?: string };

/**
 * What to do with a drop already claimed. `holderGone` tells whether a lease holder ("host pid") has certainly
 * stopped (the local runner checks its own host's processes; on Lambda nobody can tell, so expiry decides).
 */
export function decideOnExisting(rec: DropRecord, key: string, now: Date, holderGone?: (holder: string) => boolean): ExistingDecision {
  if (rec.status === 'done' || rec.status === 'rejected') return { action: 'finished', addKey: !rec.objectKeys?.has(key) };
  const until = rec.leaseUntil ?? 0;
  if (until <= now.getTime()) return { action: 'takeover' };
  if (rec.leaseOwner && rec.leaseHolder && holderGone?.(rec.leaseHolder)) return { action: 'takeover', from: rec.leaseOwner };
  return { action: 'wait', until };
}

/** Remember another object key that carried the same bytes (ADD to a set: repeating it changes nothing). */
export function addObjectKey(sha256: string, key: string): UpdatePlan {
  return { key: keys.drop(sha256), add: { objectKeys: new Set([key]) }, when: [{ attr: 'pk', op: 'exists' }] };
}

/**
 * Take over a lease: an expired one (only if still expired), or, with `from`, the lease of an owner whose process
 * is gone (only if that owner still holds it). Either way only while the drop is unfinished.
 */
export function takeoverLease(dropId: string, owner: LeaseOwner, now: Date, leaseMs: number, from?: string): UpdatePlan {
  return {
    key: keys.drop(dropId),
    set: { leaseOwner: owner.id, leaseHolder: owner.holder, leaseUntil: now.getTime() + leaseMs },
    when: [
      { attr: 'status', op: '=', value: 'processing' },
      from !== undefined ? { attr: 'leaseOwner', op: '=', value: from } : { attr: 'leaseUntil', op: '<=', value: now.getTime() },
    ],
  };
}

/** Extend the owner's lease while it works (false once another owner took over). */
export function renewLease(dropId: string, owner: string, now: Date, leaseMs: number): UpdatePlan {
  return { key: keys.drop(dropId), set: { leaseUntil: now.getTime() + leaseMs }, when: ownedWhileProcessing(owner) };
}

/** Give a lease back after a failure, so a redelivery can take over at once. */
export function releaseLease(dropId: string, owner: string): UpdatePlan {
  return { key: keys.drop(dropId), set: { leaseUntil: 0 }, when: ownedWhileProcessing(owner) };
}

const ownedWhileProcessing = (owner: string): UpdatePlan['when'] =>
  [{ attr: 'status', op: '=', value: 'processing' }, { attr: 'leaseOwner', op: '=', value: owner }];

export interface CleanPartition {
  period: string;
  branch: string;
  rows: number;
  /** Chunk objects written for it (S3_LAYOUT.cleanPart chunk 0 .. chunks - 1). */
  chunks: number;
  /** Respondent ids first seen in this drop, with the hash of their answers (for cross-drop duplicates). */
  newRespondents: { id: string; answerHash: string }[];
}

/**
 * A piece of output the cleaner hands over as soon as its buffer is full: clean rows of a part, rejects, or the
 * respondent ids each part accepted since the last hand-over (one piece for all parts, so one batch write). A part's
 * ids go with its clean chunk `chunk`; their index items are numbered chunk x 1000 + piece, so every hand-over has
 * its own keys and the whole is deterministic.
 */
export type OutputChunk =
  | { kind: 'clean'; period: string; branch: string; chunk: number; csv: string }
  | { kind: 'rejects'; chunk: number; csv: string }
  | { kind: 'respondents'; parts: { period: string; branch: string; chunk: number; ids: { id: string; answerHash: string }[] }[] };

/** Respondent index items of one hand-over (RESPONDENT_CHUNK_BYTES each; at most 1000 per part and hand-over). */
export function respondentChunkItems(dropId: string, c: Extract<OutputChunk, { kind: 'respondents' }>): RespondentChunkItem[] {
  return c.parts.flatMap((p) => {
    const items = respondentItems(dropId, [{ branch: p.branch, period: p.period, newRespondents: p.ids }], RESPONDENT_CHUNK_BYTES, p.chunk * 1000);
    if (items.length > 1000) throw new Error(`internal error: ${items.length} respondent index items in one hand-over`);
    return items;
  });
}

export interface CuratedObject {
  key: string;
  body: string;
  contentType: string;
}

/** Where a chunk goes: deterministic keys (from the drop id), so rewriting them after a retry leaves identical objects. */
export function chunkObject(dropId: string, c: Exclude<OutputChunk, { kind: 'respondents' }>): CuratedObject {
  const key = c.kind === 'clean' ? S3_LAYOUT.cleanPart(c.period, c.branch, dropId, c.chunk) : S3_LAYOUT.rejects(dropId, c.chunk);
  return { key, body: c.csv, contentType: 'text/csv; charset=utf-8' };
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
  /** Epoch seconds after which DynamoDB deletes the item (TTL; the curated-rows retention). */
  expiresAt?: number;
};

/** Epoch seconds `days` after `from` (a TTL attribute). */
export const expiryAfter = (from: Date | string, days: number): number => Math.floor(new Date(from).getTime() / 1000) + Math.round(days * 86400);

/**
 * Respondent ids new in this drop, per (branch, period), in chunks tagged with the drop (so a retried drop does not
 * count its own ids as seen). Deterministic: the same drop always gives the same items.
 */
export function respondentItems(
  sha256: string, partitions: readonly Pick<CleanPartition, 'branch' | 'period' | 'newRespondents'>[], maxBytes = RESPONDENT_CHUNK_BYTES, firstChunk = 0,
): RespondentChunkItem[] {
  const out: RespondentChunkItem[] = [];
  for (const p of partitions) {
    let lines: string[] = [];
    let bytes = 0;
    let chunk = firstChunk;
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

/**
 * Seen respondents of one (branch, period): id -> answer hash, minus those this very drop wrote in an earlier,
 * interrupted attempt. With `owners`, also id -> the drop that delivered it (to record conflicts on both drops).
 */
export function seenFromItems(items: readonly Pick<RespondentChunkItem, 'dropHash' | 'respondents'>[], dropId: string, owners?: Map<string, string>): Map<string, string> {
  const m = new Map<string, string>();
  for (const it of items) {
    if (it.dropHash === dropId || !it.respondents) continue;
    for (const line of it.respondents.split('\n')) {
      const tab = line.lastIndexOf('\t');
      const id = line.slice(0, tab);
      if (m.has(id)) continue; // the first drop (in key order) to deliver an id keeps it
      m.set(id, line.slice(tab + 1));
      owners?.set(id, it.dropHash);
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
  /** Every clean part; the record keeps them only when few (the manifest always has them). */
  partitions?: DropPartition[];
  manifestKey: string;
  rejectsKey?: string;
  error?: string;
  conflictRows?: number;
}

/** Finish the drop: only the lease owner may, and only once. The record stays far below DynamoDB's item limit. */
export function completeDrop(dropId: string, owner: string, c: Completion): UpdatePlan {
  const inline = c.partitions && JSON.stringify(c.partitions).length <= INLINE_PARTITIONS_BYTES ? c.partitions : undefined;
  return {
    key: keys.drop(dropId),
    set: {
      status: c.status, completedAt: c.completedAt.toISOString(), manifestKey: c.manifestKey,
      instrument: c.instrument, counts: c.counts, partitions: inline, partitionCount: c.partitions?.length,
      rejectsKey: c.rejectsKey, error: c.error === undefined ? undefined : recordText(c.error), conflictRows: c.conflictRows || undefined,
    },
    remove: ['leaseOwner', 'leaseUntil', 'leaseHolder'],
    when: ownedWhileProcessing(owner),
  };
}

/**
 * Cross-drop conflicts: respondents a later drop delivered again for a (branch, period) with other answers. The
 * later rows are held (DUPLICATE_PRIOR_CONFLICT), and the conflict is recorded where people look, so someone
 * decides which copy is right instead of arrival order deciding silently: one item per (branch, period, later
 * drop) that the branch's drops table and the assessment read, and each earlier drop marked as conflicted.
 */
export interface ConflictItem {
  pk: string;
  sk: string;
  entity: 'conflict';
  branch: string;
  period: string;
  /** The later drop, whose rows were held. */
  dropId: string;
  rows: number;
  /** Earlier drops holding the stored copies (a string set). */
  withDrops: Set<string>;
  detectedAt: string;
}

export function conflictItem(branch: string, period: string, dropId: string, rows: number, withDrops: readonly string[], now: Date): ConflictItem {
  return { ...keys.conflict(branch, period, dropId), entity: 'conflict', branch, period, dropId, rows, withDrops: new Set(withDrops), detectedAt: now.toISOString() };
}

/** Mark an earlier drop as conflicting with a later one (ADD to a set: repeating it changes nothing). */
export function markConflictedBy(earlierDropId: string, laterDropId: string): UpdatePlan {
  return { key: keys.drop(earlierDropId), add: { conflictedBy: new Set([laterDropId]) }, when: [{ attr: 'pk', op: 'exists' }] };
}

/**
 * An upload whose bytes were gone before ingest could read them: the key was overwritten before its event was
 * handled, in a bucket that keeps no versions. Recorded (never lost silently); the newer version is ingested
 * from its own event.
 */
export interface SupersededUpload {
  pk: string;
  sk: string;
  entity: 'superseded-upload';
  bucket: string;
  key: string;
  etag: string;
  uploader: string;
  foundEtag?: string;
  recordedAt: string;
}

export function supersededUpload(bucket: string, key: string, etag: string, uploader: string, now: Date, foundEtag?: string): SupersededUpload {
  return { ...keys.supersededUpload(bucket, key, etag), entity: 'superseded-upload', bucket, key, etag, uploader, ...(foundEtag ? { foundEtag } : {}), recordedAt: now.toISOString() };
}

/** A drop's clean parts: inline in its record, or (a large drop, partitionCount set) in its manifest's ingest block. */
export async function partitionsOfRecord(
  rec: Pick<DropRecord, 'partitions' | 'partitionCount' | 'manifestKey'>, readJson: (key: string) => Promise<unknown>,
): Promise<DropPartition[] | undefined> {
  if (rec.partitions || !rec.partitionCount || !rec.manifestKey) return rec.partitions;
  return ((await readJson(rec.manifestKey)) as { ingest?: { partitions?: DropPartition[] } } | undefined)?.ingest?.partitions;
}

export function partitionsOf(dropId: string, partitions: CleanPartition[]): DropPartition[] {
  return partitions.map((p) => ({
    period: p.period, branch: p.branch, rows: p.rows, key: S3_LAYOUT.cleanPart(p.period, p.branch, dropId), ...(p.chunks > 1 ? { chunks: p.chunks } : {}),
  }));
}

/** Chunk number of a clean-part key (0 for `drop=<id>.csv`, k for `drop=<id>.part<k>.csv`). */
export function chunkOfPartKey(key: string): number {
  const m = /\.part(\d+)\.csv$/.exec(key);
  return m ? Number(m[1]) : 0;
}

/**
 * The clean parts that count: those of drops whose record is 'done' and, for their (period, branch), below the
 * chunk count the finished attempt wrote. Parts of a drop still processing or dead-lettered, and chunks left by an
 * earlier attempt that wrote more than the final one (other drops arrived in between), are not read.
 */
export function liveParts<T extends { key: string }>(
  parts: readonly T[], period: string, branchOf: (key: string) => string | null, dropIdOf: (key: string) => string | undefined,
  partitionsOfDrop: ReadonlyMap<string, readonly DropPartition[] | undefined>,
): T[] {
  return parts.filter((p) => {
    const id = dropIdOf(p.key);
    const branch = branchOf(p.key);
    const partitions = id ? partitionsOfDrop.get(id) : undefined;
    const part = partitions?.find((x) => x.period === period && x.branch === branch);
    return part !== undefined && chunkOfPartKey(p.key) < (part.chunks ?? 1);
  });
}
