// Erasure on request (UU 27/2022): one participant's rows leave the curated data and the duplicate index, the units
// they counted in are marked for recompute, and the erasure is recorded without saying who. Found through the
// pseudonyms (every key of the ring: Pseudonyms.knownAs), never the participant number itself.
//
// The raw bucket is not touched: raw drops are the evidence behind published figures and carry their own retention
// (README "Personal data"). So that the person does not come back from a later delivery of the same rows (a
// cumulative export, a re-upload), each unit they were erased from keeps a marker (keys.erasedRespondents) that makes
// ingest reject such a row as ERASED with nothing kept; the marker expires with the raw drops.
//
// Order: clean parts and rejects first, then the index and the markers, then recompute marks, then the record. Every
// step is idempotent (a row already gone is not found again), so a failed run is simply run again.
import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { unprotectCell } from '../csv-write';
import { keys, S3_LAYOUT, dropIdOfPartKey } from '../layout/keys';
import { comparePeriods, isQuarter, yearOf, yearPeriod } from '../period';
import { ERASED_ANSWER_HASH } from '../survey';
import { dirtyMark, ERASED_DROP, expiryAfter, type DropRecord, type RespondentChunkItem } from './drops';
import { mapLimit } from './concurrency';
import { listAll, type Storage } from './storage';

export interface ForgetDeps {
  storage: Storage;
  curatedBucket: string;
  /** Days the erasure markers are kept (the raw drops' retention: as long as the rows can be delivered again). */
  markerDays?: number;
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

  // Units with clean rows (every quarter, or the branch's), from the curated layout.
  const cleanKeys = (await listAll(objects, d.curatedBucket, 'clean/')).map((o) => o.key);
  const unitOf = (key: string) => /^clean\/period=([^/]+)\/branch=([^/]+)\//.exec(key);
  const units = new Map<string, { period: string; branch: string; keys: string[] }>();
  for (const k of cleanKeys) {
    const m = unitOf(k);
    if (!m || (req.branch && m[2] !== req.branch)) continue;
    const u = units.get(`${m[1]}\u0000${m[2]}`) ?? { period: m[1]!, branch: m[2]!, keys: [] };
    u.keys.push(k);
    units.set(`${m[1]}\u0000${m[2]}`, u);
  }

  // The duplicate index says which drops delivered the participant to which unit.
  type Hit = { period: string; branch: string; drops: Set<string>; items: RespondentChunkItem[] };
  const hits: Hit[] = [];
  await mapLimit([...units.values()], 8, async (u) => {
    const its = await items.query<RespondentChunkItem>({ pk: keys.respondentsOf(u.branch, u.period) });
    const found = its.filter((it) => it.dropHash !== ERASED_DROP && it.respondents.split('\n').some((l) => ids.has(l.slice(0, l.lastIndexOf('\t')))));
    if (found.length) hits.push({ period: u.period, branch: u.branch, drops: new Set(found.map((it) => it.dropHash)), items: found });
  });
  hits.sort((a, b) => comparePeriods(a.period, b.period) || a.branch.localeCompare(b.branch));

  // A drop still being ingested could write the participant's rows after this erasure: refuse, to be run again.
  const involved = [...new Set(hits.flatMap((h) => [...h.drops]))].sort();
  const records = await items.batchGet<DropRecord>(involved.map((id) => keys.drop(id)));
  const busy = records.filter((r) => r.status === 'processing');
  if (busy.length) throw new ForgetBusyError(`drop ${busy[0]!.dropId} is still being ingested; run the erasure again when it is done`);

  // Clean parts of those drops in those units, then every rejects file (a rejected row may sit in any drop).
  const touched = new Set<string>();
  const unitRows = new Map<string, number>();
  let cleanRows = 0;
  await mapLimit(hits, 8, async (h) => {
    const u = units.get(`${h.period}\u0000${h.branch}`)!;
    for (const key of u.keys) {
      const dropId = dropIdOfPartKey(key);
      if (!dropId || !h.drops.has(dropId)) continue;
      const text = await objects.text(d.curatedBucket, key);
      const cut = text === undefined ? undefined : withoutRespondents(text, ids);
      if (!cut) continue;
      await objects.put(d.curatedBucket, key, cut.text, CSV);
      cleanRows += cut.removed;
      unitRows.set(`${h.period}\u0000${h.branch}`, (unitRows.get(`${h.period}\u0000${h.branch}`) ?? 0) + cut.removed);
      touched.add(dropId);
    }
  });
  let rejectedRows = 0;
  const rejectKeys = (await listAll(objects, d.curatedBucket, layoutRoot(S3_LAYOUT.rejects('x')))).map((o) => o.key);
  await mapLimit(rejectKeys, 8, async (key) => {
    const text = await objects.text(d.curatedBucket, key);
    const cut = text === undefined ? undefined : withoutRespondents(text, ids);
    if (!cut) return;
    await objects.put(d.curatedBucket, key, cut.text, CSV);
    rejectedRows += cut.removed;
    const dropId = dropIdOfPartKey(key);
    if (dropId) touched.add(dropId);
  });

  // The index without the participant, and a marker in each unit so a later delivery is refused.
  let indexEntries = 0;
  const markerExpiry = d.markerDays ? { expiresAt: expiryAfter(now, d.markerDays) } : {};
  for (const h of hits) {
    const found = new Set<string>();
    const puts: (RespondentChunkItem & object)[] = [];
    const deletes: { pk: string; sk: string }[] = [];
    for (const it of h.items) {
      const kept = it.respondents.split('\n').filter((l) => {
        const id = l.slice(0, l.lastIndexOf('\t'));
        if (!ids.has(id)) return true;
        found.add(id);
        indexEntries++;
        return false;
      });
      if (kept.length) puts.push({ ...it, respondents: kept.join('\n') });
      else deletes.push({ pk: it.pk, sk: it.sk });
    }
    puts.push({
      ...keys.erasedRespondents(h.branch, h.period, erasureId), dropHash: ERASED_DROP,
      respondents: [...found].sort().map((id) => `${id}\t${ERASED_ANSWER_HASH}`).join('\n'), ...markerExpiry,
    });
    await items.batchWrite({ puts, deletes });
  }
  // Recompute marks (an assessment that runs next includes these units), then the record.
  await mapLimit(hits, 8, (h) => items.update(dirtyMark(h.period, h.branch, `erasure-${erasureId}`, now)));
  const affectedUnits = hits.map((h) => ({ branch: h.branch, period: h.period, rows: unitRows.get(`${h.period}\u0000${h.branch}`) ?? 0 }));
  const drops = [...new Set([...involved, ...touched])].sort();
  const result: ForgetResult = {
    erasureId, at, units: affectedUnits, drops, cleanRows, rejectedRows, indexEntries,
    reassess: await reassessFrom(d, hits.map((h) => h.period), cleanKeys),
  };
  const record = { ...keys.erasure(at, erasureId), erasureId, at, units: affectedUnits, drops, cleanRows, rejectedRows, indexEntries };
  await items.put(record);
  return result;
}

/** The first folder of a layout key ('rejects/drop=x.csv' -> 'rejects/'). */
const layoutRoot = (key: string) => key.slice(0, key.indexOf('/') + 1);

/** Every quarter with clean rows from the earliest affected on, then the assessed years among theirs. */
async function reassessFrom(d: ForgetDeps, affected: readonly string[], cleanKeys: readonly string[]): Promise<string[]> {
  if (!affected.length) return [];
  const first = [...affected].sort(comparePeriods)[0]!;
  const quarters = [...new Set(cleanKeys.map((k) => /^clean\/period=([^/]+)\//.exec(k)?.[1]).filter((q): q is string => !!q && isQuarter(q)))]
    .filter((q) => comparePeriods(q, first) >= 0).sort(comparePeriods);
  const years = [...new Set(quarters.map((q) => yearPeriod(yearOf(q))))];
  const assessed = await d.storage.items.batchGet<{ pk: string }>(years.map((y) => keys.assessment(y)));
  const assessedYears = new Set(assessed.map((a) => a.pk.slice('ASSESS#'.length)));
  return [...quarters, ...years.filter((y) => assessedYears.has(y))];
}
