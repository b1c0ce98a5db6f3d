// Erasure on request (UU 27/2022): one participant's rows leave the curated data and the duplicate index, the units
// they counted in are marked for recompute, and the erasure is recorded without saying who. Found through the
// pseudonyms (every key of the ring: Pseudonyms.knownAs), never the participant number itself.
//
// The raw bucket is not touched: raw drops are the evidence behind published figures and carry their own retention
// (README "Personal data"). So that the person does not come back from a later delivery of the same rows (a
// cumulative export, a re-upload), their pseudonyms go on the erasure list (keys.erased, one item per key of the
// ring, kept as long as the raw drops): ingest rejects their rows for every quarter up to the erasure's as ERASED,
// with nothing kept. Answers given after the erasure count.
//
// Order, so that a concurrent ingest or a crash cannot bring the person back:
//   1. the erasure lock (one erasure at a time: two rewriting one clean part would undo each other);
//   2. the erasure list, then the drops in progress (keys.activeDrop, put before a drop reads the list): a drop
//      registered now may already hold the person's rows, so the erasure stops and is run again later; any drop
//      registered after this check reads the list and rejects them;
//   3. recompute marks of the units the index names, then the clean parts, every rejects file, the index;
//   4. the record, and the lock is given back.
// Every step is idempotent: a run that failed half-way is run again (the list and the marks are already written).
import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { unprotectCell } from '../csv-write';
import { keys, S3_LAYOUT, dropIdOfPartKey } from '../layout/keys';
import { comparePeriods, isQuarter, quarterOf, yearOf, yearPeriod } from '../period';
import { dirtyMark, expiryAfter, type DropRecord, type RespondentChunkItem } from './drops';
import { mapLimit } from './concurrency';
import { listAll, type Storage } from './storage';

export interface ForgetDeps {
  storage: Storage;
  curatedBucket: string;
  /** Days the erasure list keeps a participant (the raw drops' retention: as long as the rows can be delivered again). */
  listDays?: number;
  now?: () => Date;
}

export interface ForgetRequest {
  /** Every pseudonym the participant may be stored under. */
  pseudonyms: readonly string[];
  /** Look only at this branch's units (the participant's office), when known. Rejects are searched everywhere. */
  branch?: string;
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
  const now = (d.now ?? (() => new Date()))();
  const at = now.toISOString();
  const erasureId = randomUUID();
  const ids = new Set(req.pseudonyms);
  if (ids.size === 0) throw new Error('forget: no pseudonym to look for');
  const { items, objects } = d.storage;
  await takeLock(d, erasureId, now);
  try {
    // 2. The list first: every drop that starts from now on rejects the person's rows.
    const through = quarterOf(now, ERASURE_TIME_ZONE);
    const expiry = d.listDays ? { expiresAt: expiryAfter(now, d.listDays) } : {};
    await items.batchWrite({ puts: [...ids].map((p) => ({ ...keys.erased(p), through, erasureId, ...expiry })) });
    const active = await items.query<{ sk: string }>({ pk: keys.activeDrops });
    const records = await items.batchGet<DropRecord>(active.map((a) => keys.drop(a.sk)));
    const working = records.filter((r) => r.status === 'processing' && (r.leaseUntil ?? 0) > now.getTime());
    if (working.length) {
      const r = working[0]!;
      throw new ForgetBusyError(`drop ${r.dropId} (s3://${r.bucket}/${r.firstKey}) is being ingested and may hold the participant's rows; run the erasure again when it is done`);
    }
    // A drop whose ingest stopped for good stays 'processing': its chunks are cleaned below like any other.

    // 3. Units with clean rows (every quarter, or the branch's), from the curated layout; the index says which of
    // them, and which drops, held the participant.
    const cleanKeys = (await listAll(objects, d.curatedBucket, 'clean/')).map((o) => o.key);
    const units = new Map<string, { period: string; branch: string; keys: string[] }>();
    for (const k of cleanKeys) {
      const m = /^clean\/period=([^/]+)\/branch=([^/]+)\//.exec(k);
      if (!m || (req.branch && m[2] !== req.branch)) continue;
      const u = units.get(`${m[1]}\u0000${m[2]}`) ?? { period: m[1]!, branch: m[2]!, keys: [] };
      u.keys.push(k);
      units.set(`${m[1]}\u0000${m[2]}`, u);
    }
    type Hit = { period: string; branch: string; drops: Set<string>; items: RespondentChunkItem[] };
    const hits: Hit[] = [];
    await mapLimit([...units.values()], 8, async (u) => {
      const its = await items.query<RespondentChunkItem>({ pk: keys.respondentsOf(u.branch, u.period) });
      const found = its.filter((it) => it.respondents.split('\n').some((l) => ids.has(l.slice(0, l.lastIndexOf('\t')))));
      if (found.length) hits.push({ period: u.period, branch: u.branch, drops: new Set(found.map((it) => it.dropHash)), items: found });
    });
    hits.sort((a, b) => comparePeriods(a.period, b.period) || a.branch.localeCompare(b.branch));
    await mapLimit(hits, 8, (h) => items.update(dirtyMark(h.period, h.branch, `erasure-${erasureId}`, now)));

    const touched = new Set<string>();
    const unitRows = new Map<string, number>();
    let cleanRows = 0;
    await mapLimit(hits, 8, async (h) => {
      for (const key of units.get(`${h.period}\u0000${h.branch}`)!.keys) {
        const dropId = dropIdOfPartKey(key);
        if (!dropId || !h.drops.has(dropId)) continue;
        const cut = await withoutIn(objects, d.curatedBucket, key, ids);
        if (!cut) continue;
        cleanRows += cut;
        unitRows.set(`${h.period}\u0000${h.branch}`, (unitRows.get(`${h.period}\u0000${h.branch}`) ?? 0) + cut);
        touched.add(dropId);
      }
    });
    let rejectedRows = 0;
    const rejectKeys = (await listAll(objects, d.curatedBucket, layoutRoot(S3_LAYOUT.rejects('x')))).map((o) => o.key);
    await mapLimit(rejectKeys, 8, async (key) => {
      const cut = await withoutIn(objects, d.curatedBucket, key, ids);
      if (!cut) return;
      rejectedRows += cut;
      const dropId = dropIdOfPartKey(key);
      if (dropId) touched.add(dropId);
    });
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

    // 4. The record: what and where, never who.
    const affectedUnits = hits.map((h) => ({ branch: h.branch, period: h.period, rows: unitRows.get(`${h.period}\u0000${h.branch}`) ?? 0 }));
    const drops = [...new Set([...hits.flatMap((h) => [...h.drops]), ...touched])].sort();
    const result: ForgetResult = {
      erasureId, at, units: affectedUnits, drops, cleanRows, rejectedRows, indexEntries,
      reassess: await reassessFrom(d, hits.map((h) => h.period), cleanKeys),
    };
    const record = { ...keys.erasure(at, erasureId), erasureId, at, through, units: affectedUnits, drops, cleanRows, rejectedRows, indexEntries };
    await items.put(record);
    return result;
  } finally {
    await items.delete(keys.erasureLock);
  }
}

/** The quarter of an erasure (and of the rows it covers) is taken on the administrator's calendar. */
const ERASURE_TIME_ZONE = 'Asia/Jakarta';
/** An erasure holding the lock longer than this is taken to have crashed. */
const LOCK_MS = 15 * 60_000;

async function takeLock(d: ForgetDeps, erasureId: string, now: Date): Promise<void> {
  const lock = { ...keys.erasureLock, erasureId, until: now.getTime() + LOCK_MS };
  if (await d.storage.items.put(lock, { ifAbsent: true })) return;
  const held = await d.storage.items.get<{ until: number }>(keys.erasureLock);
  if (held && held.until > now.getTime()) throw new ForgetBusyError('another erasure is running; run this one again when it is done');
  const taken = await d.storage.items.update({
    key: keys.erasureLock, set: { erasureId, until: lock.until }, when: held ? [{ attr: 'until', op: '=', value: held.until }] : [{ attr: 'pk', op: 'notExists' }],
  });
  if (!taken) throw new ForgetBusyError('another erasure is running; run this one again when it is done');
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

/** The first folder of a layout key ('rejects/drop=x.csv' -> 'rejects/'). */
const layoutRoot = (key: string) => key.slice(0, key.indexOf('/') + 1);

/** Every assessed quarter from the earliest affected on (a later decline test compares with it), then the assessed years among theirs. */
async function reassessFrom(d: ForgetDeps, affected: readonly string[], cleanKeys: readonly string[]): Promise<string[]> {
  if (!affected.length) return [];
  const first = [...affected].sort(comparePeriods)[0]!;
  const quarters = [...new Set(cleanKeys.map((k) => /^clean\/period=([^/]+)\//.exec(k)?.[1]).filter((q): q is string => !!q && isQuarter(q)))]
    .filter((q) => comparePeriods(q, first) >= 0).sort(comparePeriods);
  const periods = [...quarters, ...new Set(quarters.map((q) => yearPeriod(yearOf(q))))];
  // Only what was assessed: a quarter still collecting answers is assessed when its time comes.
  const assessed = new Set((await d.storage.items.batchGet<{ pk: string }>(periods.map((p) => keys.assessment(p)))).map((a) => a.pk.slice('ASSESS#'.length)));
  return periods.filter((p) => assessed.has(p));
}
