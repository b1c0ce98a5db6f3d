// Recompute one unit and period: read its clean parts from the curated bucket, run shared/assess/recompute, write
// the full result JSON there and the summary and metric items to the table (through the storage port). Skips when the same parts (by key and ETag)
// were already computed with the same settings, so a retry or a duplicate map item changes nothing.
import { createHash } from 'node:crypto';
import { frameFromCleanCsv } from '../assess/frame';
import { contextFromInstrument, recomputeUnit } from '../assess/recompute';
import { recordsForResult, type SummaryItem } from '../assess/records';
import { branchOfCleanKey, partPrefixes, populationOf, settingsFor } from '../assess/units';
import { isYear } from '../period';
import type { RecomputeEnvSettings } from '../config';
import { dropIdOfPartKey, keys, type Unit } from '../layout/keys';
import { liveParts, partitionsOfRecord, type DropPartition, type DropRecord } from './drops';
import type { BranchInfo, Instrument } from '../survey';
import { requireText, type Storage } from './storage';

export interface RecomputeDeps {
  storage: Storage;
  curatedBucket: string;
  instrument: Instrument;
  branches?: ReadonlyMap<string, BranchInfo>;
  /** Configured bootstrap settings (shared/config.ts) and whether this runs on Lambda (one thread there). */
  settings: RecomputeEnvSettings;
  onLambda: boolean;
}

export interface RecomputeRequest { unit: Unit; period: string }
export interface RecomputeOutcome {
  unit: Unit; period: string; n: number; skipped: boolean; status?: SummaryItem['status']; parts: number;
  /** Wall time of this recompute (reading the parts, estimating, writing), in whole milliseconds. */
  ms?: number;
  /** Bootstrap resamples whose estimation failed (left out of the CIs); only when the model was bootstrapped. */
  failedResamples?: number;
}

export async function recomputeOne(d: RecomputeDeps, req: RecomputeRequest): Promise<RecomputeOutcome> {
  const t0 = performance.now();
  const elapsed = () => Math.round(performance.now() - t0);
  const regionOf = (b: string) => d.branches?.get(b)?.region;
  const { prefixes, keep } = partPrefixes(req.unit, req.period, regionOf);
  const parts: { key: string; etag: string }[] = [];
  for (const prefix of prefixes) {
    for await (const o of d.storage.objects.list(d.curatedBucket, prefix)) {
      const branch = branchOfCleanKey(o.key);
      if (branch && keep(branch)) parts.push({ key: o.key, etag: o.etag });
    }
  }
  parts.sort((a, b) => a.key.localeCompare(b.key));
  const live = await finishedParts(d, parts, req.period);
  parts.length = 0;
  parts.push(...live);
  const settings = settingsFor(req.unit, d.settings, d.onLambda);
  // Worker threads change speed, not results, so they are not part of what the result depends on.
  const { workers: _workers, ...resultSettings } = settings;
  const population = populationOf(req.unit, d.branches);
  const inputHash = createHash('sha256')
    .update(JSON.stringify({ parts, settings: resultSettings, instrument: `${d.instrument.id}@${d.instrument.version}`, ...(population !== undefined ? { population } : {}) }))
    .digest('hex');
  const summaryKey = keys.periodSummary(req.unit, req.period);
  const previous = await d.storage.items.get<SummaryItem>(summaryKey);
  if (previous?.inputHash === inputHash) {
    await clearDirty(d, req);
    return { unit: req.unit, period: req.period, n: previous.n, skipped: true, status: previous.status, parts: parts.length, ms: elapsed() };
  }
  const texts = await Promise.all(parts.map(async (p) => ({ text: await requireText(d.storage.objects, d.curatedBucket, p.key), source: p.key })));
  const frame = frameFromCleanCsv(texts, d.instrument);
  const result = await recomputeUnit(frame, contextFromInstrument(d.instrument, req.unit, req.period, population), settings);
  const region = req.unit.kind === 'branch' ? regionOf(req.unit.id) : undefined;
  const { summary, metrics } = recordsForResult(result, inputHash, region);
  // The S3 result first: a summary item never points at a result that is not there.
  await d.storage.objects.put(d.curatedBucket, summary.resultKey, JSON.stringify(result), 'application/json');
  // Metrics that no longer exist (e.g. an item dropped from the instrument) are removed with the rewrite.
  const stale = previous ? Object.keys(previous.indices).filter((m) => !(m in result.indices)) : [];
  // Metrics first, the summary (which carries inputHash) last: a write that fails half-way is redone on retry
  // instead of being skipped as already computed.
  await d.storage.items.batchWrite({
    puts: metrics,
    deletes: stale.map((m) => { const k = keys.metric(req.unit, m, req.period); return { pk: k.pk, sk: k.sk }; }),
  });
  await d.storage.items.batchWrite({ puts: [summary] });
  await clearDirty(d, req);
  const failedResamples = result.satisfaction?.bootstrap.nFailed;
  return {
    unit: req.unit, period: req.period, n: result.n, skipped: false, status: result.status, parts: parts.length, ms: elapsed(),
    ...(failedResamples !== undefined ? { failedResamples } : {}),
  };
}

/**
 * Only parts of finished drops, and only the chunks their final attempt wrote (liveParts): the drop records are
 * read in one batch, a large drop's partition list from its manifest.
 */
async function finishedParts(d: RecomputeDeps, parts: { key: string; etag: string }[], period: string): Promise<{ key: string; etag: string }[]> {
  const ids = [...new Set(parts.map((p) => dropIdOfPartKey(p.key)).filter((x): x is string => !!x))];
  const records: DropRecord[] = [];
  for (let i = 0; i < ids.length; i += 100) records.push(...(await d.storage.items.batchGet<DropRecord>(ids.slice(i, i + 100).map((id) => keys.drop(id)))));
  const partitionsOfDrop = new Map<string, DropPartition[] | undefined>();
  const readJson = async (key: string) => {
    const text = await d.storage.objects.text(d.curatedBucket, key);
    return text === undefined ? undefined : JSON.parse(text);
  };
  await Promise.all(records.filter((r) => r.status === 'done').map(async (r) => {
    partitionsOfDrop.set(r.dropId ?? r.sha256, await partitionsOfRecord(r, readJson));
  }));
  // Per-period filter for quarters; a year's parts span its four quarters.
  const byPeriod = new Map<string, { key: string; etag: string }[]>();
  for (const p of parts) {
    const q = /\/period=([^/]+)\//.exec(p.key)?.[1] ?? period;
    byPeriod.set(q, [...(byPeriod.get(q) ?? []), p]);
  }
  return [...byPeriod].flatMap(([q, ps]) => liveParts(ps, q, branchOfCleanKey, dropIdOfPartKey, partitionsOfDrop));
}

/** Remove the branch's needs-recompute mark for a quarter it covered. */
async function clearDirty(d: RecomputeDeps, req: RecomputeRequest): Promise<void> {
  if (req.unit.kind !== 'branch' || isYear(req.period)) return;
  await d.storage.items.delete(keys.dirty(req.period, req.unit.id));
}
