// Erasure on request (UU 27/2022): one participant's rows leave the curated data and the duplicate index, the units
// they counted in are marked for recompute, and the erasure is recorded without saying who. Found through the
// pseudonyms (every key of the ring: Pseudonyms.knownAs), never the participant number itself. Participant numbers
// identify a person across branches, so an erasure covers every branch.
//
// The raw bucket is not touched: raw drops are the evidence behind published figures and carry their own retention
// (README "Personal data"). So that the person does not come back from a later delivery of the same rows (a
// cumulative export, a re-upload), their pseudonyms go on the erasure list (keys.erased, one item per key of the
// ring, kept as long as the raw drops): ingest rejects their rows as ERASED, with nothing kept, for every quarter up
// to `through`, the quarter after the erasure's on the easternmost calendar in Indonesia (a drop may already hold rows
// one quarter ahead of its upload). Answers of later quarters count.
//
// Order, so that a concurrent ingest, a second erasure or a crash cannot bring the person back:
//   1. the erasure lock (one erasure at a time: two rewriting one clean part would undo each other), renewed while
//      the erasure runs and checked before each rewriting step;
//   2. the erasure list and a pending record, then the drops being ingested (keys.activeDrop, put before a drop reads
//      the list): one that started before may hold the person's rows, so the erasure waits for it (and gives up,
//      to be run again, after `waitMs`); a drop registered later reads the list, and every ingest reads it again
//      before completing (a changed list makes it start over);
//   3. the units the index names go into the pending record and get recompute marks, then the clean parts, every
//      rejects file and the index lose the person;
//   4. the record is completed and the lock given back.
// A run that stopped half-way is run again: it finds its pending record through the list, and the units recorded
// there are reassessed even though the index no longer names them.

import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { unprotectCell } from '../csv-write';
import { cleanPartOfKey, dropIdOfPartKey, keys, layoutPrefix, S3_LAYOUT } from '../layout/keys';
import { addQuarters, comparePeriods, isQuarter, quarterOf, yearOf, yearPeriod } from '../period';
import { dirtyMark, expiryAfter, type DropRecord, type RespondentChunkItem } from './drops';
import { mapLimit } from './concurrency';
import { listAll, type Storage } from './storage';

export interface ForgetDeps {
  storage: Storage;
  curatedBucket: string;
  /** Days the erasure list keeps a participant (the raw drops' retention: as long as the rows can be delivered again). */
  listDays?: number;
  now?: () => Date;
  /** Longest wait for drops being ingested before giving up (default 120 s; the Lambda passes its remaining time). */
  waitMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface ForgetRequest {
  /** Every pseudonym the participant may be stored under. */
  pseudonyms: readonly string[];
}

export interface ForgetResult {
  erasureId: string;
  at: string;
  /** Units (branch, quarter) the participant was stored in, with the clean rows removed from each. */
  units: { branch: string; period: string; rows: number }[];
  /** Drops whose curated rows or rejects held the participant. */
  drops: string[];
  cleanRows: number;
  rejectedRows: number;
  indexEntries: number;
  /**
   * Assessments to run again so every figure and alert is as if the participant had never answered: every quarter
   * with data from the first affected one on (a later quarter's decline test compares with it), then the years of
   * those quarters that were assessed.
   */
  reassess: string[];
}

/** Another ingest is writing one of the drops involved: its rows could land after the erasure. */
export class ForgetBusyError extends Error {
  override name = 'ForgetBusyError';
}

/** `text` without the data lines whose `column` holds one of `ids`; undefined when none does. Other lines keep their exact bytes. */
export function withoutRespondents(text: string, ids: ReadonlySet<string>, column = 'respondent_id'): { text: string; removed: number } | undefined {
  const records = parse(text, { raw: true, relax_column_count: true, skip_empty_lines: true }) as unknown as { record: string[]; raw: string }[];
  if (records.length === 0) return undefined;
  const j = records[0]!.record.map(unprotectCell).indexOf(column);
  if (j < 0) return undefined;
  let removed = 0;
  let out = '';
  records.forEach((r, i) => {
    if (i > 0 && ids.has(unprotectCell(r.record[j] ?? ''))) {
      removed++;
      return;
    }
    out += r.raw;
  });
  return removed ? { text: out, removed } : undefined;
}

const CSV = 'text/csv; charset=utf-8';

export async function forgetRespondent(d: ForgetDeps, req: ForgetRequest): Promise<ForgetResult> {
  const clock = d.now ?? (() => new Date());
  const now = clock();
  const ids = new Set(req.pseudonyms);
  if (ids.size === 0) throw new Error('forget: no pseudonym to look for');
  const { items, objects } = d.storage;
  const lock = await takeLock(d, clock);
  try {
    // 2. A pending erasure of this person (a run that stopped half-way) is resumed under its own id and record.
    const listed = await items.batchGet<ErasedItem>([...ids].map((p) => keys.erased(p)));
    const pendingRecords = (await items.batchGet<ErasureRecord>(unique(listed.map((l) => `${l.recordAt}\u0000${l.erasureId}`))
      .map((k) => keys.erasure(...(k.split('\u0000') as [string, string]))))).filter((r) => r.status === 'pending');
    const resumed = pendingRecords[0];
    const erasureId = resumed?.erasureId ?? randomUUID();
    const at = resumed?.at ?? now.toISOString();
    const through = [addQuarters(quarterOf(now, EASTERNMOST_TIME_ZONE), 1), ...listed.map((l) => l.through)].sort(comparePeriods).at(-1)!;
    const expiry = d.listDays ? { expiresAt: expiryAfter(now, d.listDays) } : {};
    await items.batchWrite({ puts: [...ids].map((p) => ({ ...keys.erased(p), through, erasureId, recordAt: at, ...expiry })) });
    const earlierUnits = pendingRecords.flatMap((r) => r.units.map(({ branch, period }) => ({ branch, period })));
    await items.put(erasureRecord({ erasureId, at, through, status: 'pending', units: earlierUnits, drops: [], cleanRows: 0, rejectedRows: 0, indexEntries: 0 }));
    await waitForIngests(d, clock);

    // 3. Units with clean rows, from the curated layout; the index says which of them, and which drops, held the
    // person. Recorded (and marked for recompute) before anything is removed.
    const units = new Map<string, { period: string; branch: string; keys: string[] }>();
    for (const o of await listAll(objects, d.curatedBucket, layoutPrefix(S3_LAYOUT.cleanPart('p', 'b', 'h')))) {
      const part = cleanPartOfKey(o.key);
      if (!part) continue;
      const u = units.get(unitKey(part)) ?? { ...part, keys: [] };
      u.keys.push(o.key);
      units.set(unitKey(part), u);
    }
    type Hit = { period: string; branch: string; drops: Set<string>; items: RespondentChunkItem[] };
    const hits: Hit[] = [];
    await mapLimit([...units.values()], 8, async (u) => {
      const its = await items.query<RespondentChunkItem>({ pk: keys.respondentsOf(u.branch, u.period) });
      const found = its.filter((it) => it.respondents.split('\n').some((l) => ids.has(l.slice(0, l.lastIndexOf('\t')))));
      if (found.length) hits.push({ period: u.period, branch: u.branch, drops: new Set(found.map((it) => it.dropHash)), items: found });
    });
    hits.sort((a, b) => comparePeriods(a.period, b.period) || a.branch.localeCompare(b.branch));
    const allUnits = [...new Map([...earlierUnits, ...hits].map((u) => [unitKey(u), { branch: u.branch, period: u.period }])).values()].sort((a, b) => comparePeriods(a.period, b.period) || a.branch.localeCompare(b.branch));
    const hitDrops = unique(hits.flatMap((h) => [...h.drops]));
    await items.put(erasureRecord({ erasureId, at, through, status: 'pending', units: allUnits, drops: hitDrops, cleanRows: 0, rejectedRows: 0, indexEntries: 0 }));
    await mapLimit(allUnits, 8, (u) => items.update(dirtyMark(u.period, u.branch, `erasure-${erasureId}`, now)));

    await lock.check();
    const touched = new Set<string>();
    const unitRows = new Map<string, number>();
    let cleanRows = 0;
    await mapLimit(hits, 8, async (h) => {
      for (const key of units.get(unitKey(h))!.keys) {
        const dropId = dropIdOfPartKey(key);
        if (!dropId || !h.drops.has(dropId)) continue;
        const cut = await withoutIn(objects, d.curatedBucket, key, ids);
        if (!cut) continue;
        cleanRows += cut;
        unitRows.set(unitKey(h), (unitRows.get(unitKey(h)) ?? 0) + cut);
        touched.add(dropId);
      }
    });
    await lock.check();
    let rejectedRows = 0;
    const rejectKeys = (await listAll(objects, d.curatedBucket, layoutPrefix(S3_LAYOUT.rejects('h')))).map((o) => o.key);
    await mapLimit(rejectKeys, 8, async (key) => {
      const cut = await withoutIn(objects, d.curatedBucket, key, ids);
      if (!cut) return;
      rejectedRows += cut;
      const dropId = dropIdOfPartKey(key);
      if (dropId) touched.add(dropId);
    });
    await lock.check();
    let indexEntries = 0;
    for (const h of hits) {
      const puts: RespondentChunkItem[] = [];
      const deletes: { pk: string; sk: string }[] = [];
      for (const it of h.items) {
        const kept = it.respondents.split('\n').filter((l) => !ids.has(l.slice(0, l.lastIndexOf('\t'))));
        indexEntries += it.respondents.split('\n').length - kept.length;
        if (kept.length) puts.push({ ...it, respondents: kept.join('\n') });
        else deletes.push({ pk: it.pk, sk: it.sk });
      }
      await items.batchWrite({ puts, deletes });
    }

    // 4. The record: what and where, never who. (A resumed run counts the rows it removed itself.)
    const affectedUnits = allUnits.map((u) => ({ ...u, rows: unitRows.get(unitKey(u)) ?? 0 }));
    const drops = unique([...hitDrops, ...touched, ...pendingRecords.flatMap((r) => r.drops)]).sort();
    await items.put(erasureRecord({ erasureId, at, through, status: 'done', units: affectedUnits, drops, cleanRows, rejectedRows, indexEntries }));
    return {
      erasureId, at, units: affectedUnits, drops, cleanRows, rejectedRows, indexEntries,
      reassess: await reassessFrom(d, allUnits.map((u) => u.period), [...units.values()].map((u) => u.period)),
    };
  } finally {
    await lock.release();
  }
}

/** An item of the erasure list (keys.erased). */
interface ErasedItem { pk: string; sk: string; through: string; erasureId: string; recordAt: string }

/** The erasure record (keys.erasure): `pending` from the start, `done` at the end; never an identity. */
interface ErasureRecord {
  erasureId: string; at: string; through: string; status: 'pending' | 'done';
  units: { branch: string; period: string; rows?: number }[]; drops: string[]; cleanRows: number; rejectedRows: number; indexEntries: number;
}
const erasureRecord = (r: ErasureRecord) => ({ ...keys.erasure(r.at, r.erasureId), ...r });
const unique = <T>(xs: readonly T[]): T[] => [...new Set(xs)];
const unitKey = (u: { period: string; branch: string }) => `${u.period}\u0000${u.branch}`;

/**
 * The latest calendar in Indonesia (WIT, UTC+9): a quarter starts there first, so the erasure's quarter there is
 * never earlier than any branch's.
 */
const EASTERNMOST_TIME_ZONE = 'Asia/Jayapura';
/** An erasure holding the lock is taken to have crashed when it has not renewed it for this long. */
const LOCK_MS = 5 * 60_000;
/** How long an ingest attempt may run (the Lambda's 900 s, and a margin): a younger attempt is waited for even if its lease lapsed. */
export const MAX_INGEST_MS = 20 * 60_000;

/** Drops whose ingest may still be writing rows read before the list: wait for them, or give up (ForgetBusyError). */
async function waitForIngests(d: ForgetDeps, clock: () => Date): Promise<void> {
  const sleep = d.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const waitMs = d.waitMs ?? 120_000;
  const until = clock().getTime() + waitMs;
  // Bounded by the time slept as well as by the clock (a clock that does not move must not wait for ever).
  for (let slept = 0; ; ) {
    const t = clock().getTime();
    const active = await d.storage.items.query<{ sk: string; startedAt?: string }>({ pk: keys.activeDrops });
    const records = new Map((await d.storage.items.batchGet<DropRecord>(active.map((a) => keys.drop(a.sk)))).map((r) => [r.dropId, r]));
    const working = active.filter((a) => {
      const r = records.get(a.sk);
      return r?.status === 'processing' && ((r.leaseUntil ?? 0) > t || (a.startedAt !== undefined && Date.parse(a.startedAt) + MAX_INGEST_MS > t));
    });
    if (!working.length) return;
    if (t >= until || slept >= waitMs) {
      const r = records.get(working[0]!.sk)!;
      throw new ForgetBusyError(`drop ${r.dropId} (s3://${r.bucket}/${r.firstKey}) is still being ingested and may hold the participant's rows; the participant is listed already (new drops reject them): run the erasure again when it is done`);
    }
    const step = Math.max(1, Math.min(5_000, until - t, waitMs - slept));
    await sleep(step);
    slept += step;
  }
}

interface Lock {
  /** Throws ForgetBusyError when another erasure has taken the lock over (this one stalled past LOCK_MS). */
  check(): Promise<void>;
  release(): Promise<void>;
}

/** The erasure lock, renewed every LOCK_MS / 3 while held; released only by its holder. */
async function takeLock(d: ForgetDeps, clock: () => Date): Promise<Lock> {
  const { items } = d.storage;
  const holder = randomUUID();
  const mine = [{ attr: 'holder', op: '=' as const, value: holder }];
  const busy = () => new ForgetBusyError('another erasure is running; run this one again when it is done');
  const until = () => clock().getTime() + LOCK_MS;
  const lockItem = { ...keys.erasureLock, holder, until: until() };
  if (!(await items.put(lockItem, { ifAbsent: true }))) {
    const held = await items.get<{ until: number }>(keys.erasureLock);
    if (held && held.until > clock().getTime()) throw busy();
    // Left by a crashed erasure (or given back): take it, unless another erasure just did.
    const when = held ? [{ attr: 'until', op: '=' as const, value: held.until }] : [{ attr: 'pk', op: 'notExists' as const }];
    if (!(await items.update({ key: keys.erasureLock, set: { holder, until: until() }, when }))) throw busy();
  }
  let lost = false;
  let renewal: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    renewal = items.update({ key: keys.erasureLock, set: { until: until() }, when: mine }).then((ok) => { if (!ok) lost = true; }, () => undefined);
  }, LOCK_MS / 3);
  timer.unref?.();
  return {
    async check() {
      const held = await items.get<{ holder: string }>(keys.erasureLock);
      if (lost || held?.holder !== holder) throw busy();
    },
    async release() {
      clearInterval(timer);
      await renewal;
      // Given back only while still ours (a stalled erasure must not free a lock another one now holds).
      await items.update({ key: keys.erasureLock, set: { until: 0 }, when: mine });
    },
  };
}

/** Rewrites the CSV object at `key` without the rows of `ids`; the number of rows removed (0: left as it was). */
async function withoutIn(objects: Storage['objects'], bucket: string, key: string, ids: ReadonlySet<string>): Promise<number> {
  const text = await objects.text(bucket, key);
  if (text === undefined) return 0;
  let cut;
  try {
    cut = withoutRespondents(text, ids);
  } catch (e) {
    throw new Error(`s3://${bucket}/${key}: not a readable CSV file: ${(e as Error).message}`);
  }
  if (!cut) return 0;
  await objects.put(bucket, key, cut.text, CSV);
  return cut.removed;
}


/** Every assessed quarter from the earliest affected on (a later decline test compares with it), then the assessed years among theirs. */
async function reassessFrom(d: ForgetDeps, affected: readonly string[], withData: readonly string[]): Promise<string[]> {
  if (!affected.length) return [];
  const first = [...affected].sort(comparePeriods)[0]!;
  const quarters = unique(withData).filter((q) => isQuarter(q) && comparePeriods(q, first) >= 0).sort(comparePeriods);
  const periods = [...quarters, ...new Set(quarters.map((q) => yearPeriod(yearOf(q))))];
  // Only what was assessed: a quarter still collecting answers is assessed when its time comes.
  const assessed = new Set((await d.storage.items.batchGet<{ pk: string }>(periods.map((p) => keys.assessment(p)))).map((a) => a.pk.slice('ASSESS#'.length)));
  return periods.filter((p) => assessed.has(p));
}
