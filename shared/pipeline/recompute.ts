// Recompute one unit and period: read its clean parts from the curated bucket, run shared/assess/recompute, write
// the full result JSON there and the summary and metric items to the table (through the storage port). Skips when the same parts (by key and ETag)
// were already computed with the same settings, so a retry or a duplicate map item changes nothing.
import { createHash } from 'node:crypto';
import { decodeDraws, encodeDraws, independentOrder, pooledWeighting, weightedIkm, populationWeighted, type MemberFigures, type UnitDraws } from '../assess/aggregate';
import { frameFromParts, parseCleanPart } from '../assess/frame';
import { unitWeights } from '../assess/unit-weights';
import { populationYearOf } from '../assess/weighting';
import { contextFromInstrument, recomputeUnit, type UnitResult } from '../assess/recompute';
import type { StoredPathTest } from '../assess/path-tests';
import { recordsForResult, type SummaryItem } from '../assess/records';
import { branchOfCleanKey, partPrefixes, populationOf, settingsFor } from '../assess/units';
import { isYear } from '../period';
import { mapLimit } from './concurrency';
import type { RecomputeEnvSettings } from '../config';
import { dropIdOfPartKey, keys, S3_LAYOUT, unitPk, type Unit } from '../layout/keys';
import { liveParts, partitionsOfRecord, type DropPartition, type DropRecord } from './drops';
import type { BranchInfo, Instrument } from '../survey';
import { requireText, type Storage } from './storage';
import type { CleanPartCache } from './part-cache';

/**
 * S3 reads in flight at once: a region's or the network's recompute reads every branch's parts and draws (300 each
 * at national scale); all at once they overran the local S3 server's sockets ("socket hang up", the aggregates of
 * `npm run bench -- national` failed) and would queue behind the SDK agent's socket limit on AWS anyway.
 */
const READS_IN_FLIGHT = 16;

export interface RecomputeDeps {
  storage: Storage;
  curatedBucket: string;
  instrument: Instrument;
  branches?: ReadonlyMap<string, BranchInfo>;
  /** Configured bootstrap settings (shared/config.ts) and whether this runs on Lambda (one thread there). */
  settings: RecomputeEnvSettings;
  onLambda: boolean;
  /** Parsed clean parts kept between recomputes of this container (a part is read by many units); none: parse each time. */
  partCache?: CleanPartCache;
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
  const population = populationOf(req.unit, d.branches);
  // A region or the network weights its branches' own results by population: those results are part of its input.
  const members = req.unit.kind === 'branch' ? undefined : await memberResults(d, parts, req.period);
  // A branch's year is tested against its year before (assess/path-tests.ts): those rows are part of its input.
  const before = req.unit.kind === 'branch' && isYear(req.period) ? await yearBeforeParts(d, req.period, req.unit.id) : undefined;
  const inputHash = inputHashOf(d, req.unit, parts, members?.weighted, before?.parts);
  const summaryKey = keys.periodSummary(req.unit, req.period);
  const previous = await d.storage.items.get<SummaryItem>(summaryKey);
  if (previous?.inputHash === inputHash) {
    await clearDirty(d, req);
    return { unit: req.unit, period: req.period, n: previous.n, skipped: true, status: previous.status, parts: parts.length, ms: elapsed() };
  }
  const readFrame = async (ps: readonly { key: string; etag: string }[]) => {
    // Every part is read; a part that cannot be read or parsed is reported as the first in key order, whatever the
    // order the reads finish in.
    const read = await mapLimit(ps, READS_IN_FLIGHT, async (p) => {
      const text = () => requireText(d.storage.objects, d.curatedBucket, p.key);
      try {
        return { part: d.partCache ? await d.partCache.get({ bucket: d.curatedBucket, ...p }, d.instrument, text) : parseCleanPart(await text(), p.key, d.instrument) };
      } catch (error) {
        return { error };
      }
    });
    const failed = read.find((r) => 'error' in r);
    if (failed) throw failed.error;
    return frameFromParts(read.map((r) => r.part!), d.instrument);
  };
  const read = await readFrame(parts);
  // An aggregate that cannot weight its branches' results (a branch without its own result) pools its respondents:
  // its models too, so every figure is what its label says.
  const weighting = members && !members.weighted ? { info: pooledWeighting(read.n) } : unitWeights(read, req.unit, d.branches);
  const frame = weighting.weights ? { ...read, weights: weighting.weights } : read;
  let draws: UnitDraws | undefined;
  const ctx = {
    ...contextFromInstrument(d.instrument, req.unit, req.period, population), weighting: weighting.info, onDraws: (x: UnitDraws) => { draws = x; },
    ...(before?.parts.length ? { previousYear: { period: before.period, frame: await readFrame(before.parts) } } : {}),
    ...(req.unit.kind === 'network' ? { branchPathTests: true } : {}),
  };
  const result = await recomputeUnit(frame, ctx, settings);
  // Each branch's test against the rest of the network goes beside that branch's result (its manager reads only it).
  const branchTests = result.branchPathTests;
  delete result.branchPathTests;
  if (members) await weightAggregate(d, result, members, req.period, settings.alpha);
  const region = req.unit.kind === 'branch' ? regionOf(req.unit.id) : undefined;
  const { summary, metrics } = recordsForResult(result, inputHash, region);
  // The draws, then the S3 result: a summary item never points at objects that are not there. The draws carry the
  // input hash of the summary they belong to, so an aggregate never combines draws of an older result.
  if (req.unit.kind === 'branch' && draws) {
    await d.storage.objects.put(d.curatedBucket, drawsKey(req.unit, req.period), encodeDraws(draws, inputHash), 'application/json');
  }
  for (const [branch, test] of Object.entries(branchTests ?? {})) {
    const stored: StoredPathTest = { networkInputHash: inputHash, ...test };
    await d.storage.objects.put(d.curatedBucket, S3_LAYOUT.branchPathTests(req.period, branch), JSON.stringify(stored), 'application/json');
  }
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
  await mapLimit(records.filter((r) => r.status === 'done'), READS_IN_FLIGHT, async (r) => {
    partitionsOfDrop.set(r.dropId ?? r.sha256, await partitionsOfRecord(r, readJson));
  });
  // Per-period filter for quarters; a year's parts span its four quarters.
  const byPeriod = new Map<string, { key: string; etag: string }[]>();
  for (const p of parts) {
    const q = /\/period=([^/]+)\//.exec(p.key)?.[1] ?? period;
    byPeriod.set(q, [...(byPeriod.get(q) ?? []), p]);
  }
  return [...byPeriod].flatMap(([q, ps]) => liveParts(ps, q, branchOfCleanKey, dropIdOfPartKey, partitionsOfDrop));
}

/**
 * What a unit's result depends on: its live parts (key and ETag), the settings (worker threads change speed, not
 * results), the instrument, the directory figures its weights use, and for an aggregate its members' results.
 */
function inputHashOf(d: RecomputeDeps, unit: Unit, parts: readonly { key: string; etag: string }[], members?: readonly Member[], before?: readonly { key: string; etag: string }[]): string {
  const { workers: _workers, ...resultSettings } = settingsFor(unit, d.settings, d.onLambda);
  const population = populationOf(unit, d.branches);
  const regionOf = (b: string) => d.branches?.get(b)?.region;
  return createHash('sha256')
    .update(JSON.stringify({
      // 2: results with weighting and stored draws (issue 15); 3: path tests (issue 14). Older results are recomputed once.
      results: 3, parts, ...(before?.length ? { before } : {}), settings: resultSettings, instrument: `${d.instrument.id}@${d.instrument.version}`, ...(population !== undefined ? { population } : {}),
      ...(members ? { members: members.map((m) => [m.branch, m.population, m.populationYear ?? null, m.summary.inputHash]) } : {}),
      ...weightInputs(unit, d.branches, regionOf),
    }))
    .digest('hex');
}

/**
 * The directory figures a unit's weights depend on (./../assess/unit-weights.ts), for its input hash: a branch's
 * population by segment and programme; for an aggregate, every branch's in it, and their populations.
 */
function weightInputs(unit: Unit, branches: RecomputeDeps['branches'], regionOf: (b: string) => string | undefined): { weights?: unknown } {
  if (!branches) return {};
  const pick = (b: string) => {
    const i = branches.get(b);
    return i?.populationBy || i?.population !== undefined ? [b, i.population ?? null, i.populationBy ?? null, i.populationYear ?? null] : [];
  };
  if (unit.kind === 'branch') {
    const by = branches.get(unit.id)?.populationBy;
    return by ? { weights: by } : {};
  }
  const ids = [...branches.keys()].filter((b) => unit.kind === 'network' || regionOf(b) === unit.id).sort();
  const rows = ids.map(pick).filter((r) => r.length);
  return rows.length ? { weights: rows } : {};
}

export function drawsKey(u: Unit, period: string): string {
  return S3_LAYOUT.draws(period, unitPk(u).replace('#', '_'));
}

/** The live parts of the year before `year`, of one branch or (without one) of every branch. */
async function yearBeforeParts(d: RecomputeDeps, year: string, branch?: string): Promise<{ period: string; parts: { key: string; etag: string }[] }> {
  const period = String(Number(year) - 1);
  const unit: Unit = branch ? { kind: 'branch', id: branch } : { kind: 'network' };
  const found: { key: string; etag: string }[] = [];
  for (const prefix of partPrefixes(unit, period, () => undefined).prefixes) {
    for await (const o of d.storage.objects.list(d.curatedBucket, prefix)) found.push({ key: o.key, etag: o.etag });
  }
  found.sort((a, b) => a.key.localeCompare(b.key));
  return { period, parts: await finishedParts(d, found, period) };
}

interface Member { branch: string; population: number; populationYear?: string; summary: SummaryItem }

/**
 * The branches of an aggregate's parts and their stored results. `weighted` when every one of them has a population
 * in the directory and a result for the period computed from the very parts the aggregate reads (a branch whose
 * recompute failed, or has not run, still holds an older result: its input hash tells); else the aggregate pools its
 * respondents, and `missing` names the branches why.
 */
async function memberResults(d: RecomputeDeps, parts: readonly { key: string; etag: string }[], period: string): Promise<{ weighted?: Member[]; missing: string[] }> {
  const ids = [...new Set(parts.map((p) => branchOfCleanKey(p.key)).filter((b): b is string => !!b))].sort();
  if (!ids.length) return { missing: [] };
  const noPopulation = ids.filter((b) => !(d.branches?.get(b)?.population! > 0));
  if (noPopulation.length) return { missing: noPopulation };
  const found = new Map<string, SummaryItem>();
  for (let i = 0; i < ids.length; i += 100) {
    const got = await d.storage.items.batchGet<SummaryItem>(ids.slice(i, i + 100).map((b) => keys.periodSummary({ kind: 'branch', id: b }, period)));
    for (const s of got) found.set(s.unit, s);
  }
  // A branch's year also read its year before (its path test): the same parts make the same hash.
  const before = isYear(period) ? (await yearBeforeParts(d, period)).parts : undefined;
  const ofBranch = (ps: readonly { key: string; etag: string }[], b: string) => ps.filter((p) => branchOfCleanKey(p.key) === b);
  const current = (b: string) => found.get(b)?.inputHash === inputHashOf(d, { kind: 'branch', id: b }, ofBranch(parts, b), undefined, before && ofBranch(before, b));
  const noResult = ids.filter((b) => !current(b));
  if (noResult.length) return { missing: noResult };
  return {
    missing: [],
    weighted: ids.map((b) => {
      const info = d.branches!.get(b)!;
      return { branch: b, population: info.population!, ...(info.populationYear ? { populationYear: info.populationYear } : {}), summary: found.get(b)! };
    }),
  };
}

/**
 * An aggregate's indices become the population-weighted means of its branches' (./../assess/aggregate.ts), with
 * CIs from the branches' draws; without population figures for every branch they stay pooled, labelled so.
 */
async function weightAggregate(d: RecomputeDeps, result: UnitResult, members: { weighted?: Member[]; missing: string[] }, period: string, alpha: number): Promise<void> {
  if (!members.weighted) {
    result.weighting = { ...pooledWeighting(result.n), ...(members.missing.length ? { withoutPopulation: members.missing } : {}) };
    for (const v of Object.values(result.indices)) v.weighting = 'pooled';
    return;
  }
  const figures: MemberFigures[] = await mapLimit(members.weighted, READS_IN_FLIGHT, async (m) => {
    const text = await d.storage.objects.text(d.curatedBucket, drawsKey({ kind: 'branch', id: m.branch }, period));
    const draws = text === undefined ? undefined : decodeDraws(text, drawsKey({ kind: 'branch', id: m.branch }, period));
    const indices = Object.fromEntries(Object.entries(m.summary.indices).map(([k, v]) => [k, fromStored(v)]));
    return {
      branch: m.branch, population: m.population, n: m.summary.n, indices,
      ...(draws && draws.inputHash === m.summary.inputHash ? { draws: independentOrder(draws, m.branch) } : {}),
    };
  });
  const year = populationYearOf(members.weighted.map((m) => m.populationYear));
  const agg = populationWeighted(figures, { alpha, ...(year ? { populationYear: year } : {}) });
  // Metrics only the pooled rows have (none in practice) keep their pooled figure, labelled so.
  for (const [m, v] of Object.entries(result.indices)) result.indices[m] = agg.indices[m] ?? { ...v, weighting: 'pooled' };
  result.weighting = agg.weighting;
  if (result.ikm) result.ikm = weightedIkm(result.ikm, result.indices);
}

/** A stored index (DynamoDB has no NaN: non-finite figures come back as null). */
function fromStored(v: UnitResult['indices'][string]): UnitResult['indices'][string] {
  const num = (x: number | null) => (x === null ? NaN : x);
  return { ...v, value: num(v.value), se: num(v.se), ciLow: num(v.ciLow), ciHigh: num(v.ciHigh), moe: num(v.moe) };
}

/** Remove the branch's needs-recompute mark for a quarter it covered. */
async function clearDirty(d: RecomputeDeps, req: RecomputeRequest): Promise<void> {
  if (req.unit.kind !== 'branch' || isYear(req.period)) return;
  await d.storage.items.delete(keys.dirty(req.period, req.unit.id));
}
