// The assessment's two Lambda steps around the per-unit recomputes:
//  plan  {period}  -> the units to recompute (every branch with clean rows in the period, every region, network),
//                     inline or, past MAX_INLINE_PLAN_BYTES, as a JSON array in the curated bucket (itemsKey)
//  close {period}  -> decline tests, BH, alert episodes (new / continuing / resolved), branch-vs-network and
//                     period-vs-period comparisons, the assessment record (DynamoDB) and its full JSON (S3).
// New alerts are published once: only the invocation whose conditional put created the alert item notifies.
// Every read and write goes through the storage port (storage.ts); the episode's writes are built in
// shared/assess/records.ts.
import { createHash } from 'node:crypto';
import { closeAssessment, type Alert, type Watch } from '../assess/assessment';
import { alertItem, alertNotified, finiteDeep, refreshAlert, resolveAlert, watchItem, type AlertItem, type MetricItem, type SummaryItem, type WatchItem } from '../assess/records';
import { assessmentItem, driversOf, seriesFromItems } from '../assess/series';
import { DEFAULT_ALERT_RULE, estimateTau } from '../assess/alert-rule';
import { branchOfCleanKey } from '../assess/units';
import { satisfactionModel } from '../models';
import { comparePeriods, firstQuarterOf, kindTag, lastQuarterOf, periodKind, quartersOf } from '../period';
import { keys, S3_LAYOUT, unitPk, type Unit } from '../layout/keys';
import type { BranchInfo } from '../survey';
import type { ConflictItem } from './drops';
import { requireText, type Storage } from './storage';

export interface AssessDeps {
  storage: Storage;
  curatedBucket: string;
  branches?: ReadonlyMap<string, BranchInfo>;
  /** Metrics whose decline raises alerts (default TRUST). */
  alertMetrics: string[];
  /** Also alert when a branch's IKM grade drops (default true; SATMON_ALERT_IKM_BAND). */
  alertBand?: boolean;
  notify: (alert: Alert) => Promise<void>;
  /**
   * Publishes a new watch to its branch's manager only (never to the alert topic or webhook). Without it watches are
   * stored unpublished (notified: false) and the next run of the assessment that has one publishes them.
   */
  notifyWatch?: (watch: Watch) => Promise<void>;
  /** Largest plan output (bytes of JSON) that carries its items inline; default MAX_INLINE_PLAN_BYTES (tests lower it). */
  maxInlinePlanBytes?: number;
}

/**
 * Step Functions passes at most 256 KiB (262,144 bytes of UTF-8) between states. The plan's output is merged with
 * the execution input inside the Lambda invoke result (status and headers, about 1 KB), and the map hands it on
 * to close with the map results' location added; 200 KiB leaves about 56 KiB for those. Measured on the whole
 * output, not the item list alone, because that is what crosses the state boundary: at 48 bytes per branch (its
 * item and its id in `branches`, with five-character ids) about 4,200 branches stay inline.
 */
export const MAX_INLINE_PLAN_BYTES = 200 * 1024;

/** One recompute (one Distributed Map item, passed to the recompute Lambda as is). */
export interface PlanItem { period: string; branch?: string; unit?: Unit }

/** What every plan output carries besides its items; the state machine passes it on to close. */
export interface PlanSummary {
  period: string;
  kind: 'quarter' | 'year';
  branches: string[];
  regions: string[];
  /** Earlier quarters recomputed because drops for them arrived after they were assessed (not re-closed). */
  lateQuarters: string[];
}

/**
 * The branch items inline, or, when inline they would make the output larger than the limit, the key of the same
 * list (a JSON array of PlanItem) in the curated bucket: the state machine's Choice WhereAreTheItems sends `itemsKey`
 * to the map with an S3 item reader, `items` to the inline map. `aggregates` (regions and the network, a few dozen at
 * most) are always inline: they run after every branch item, because they weight the branches' own results.
 */
export type PlanOutput = PlanSummary & { aggregates: PlanItem[] } & ({ items: PlanItem[] } | { itemsKey: string });

/**
 * `runId` names the S3 item list: on AWS the execution name. Without one (a local run) the list's hash names it,
 * so planning the same units again writes the same object.
 */
export async function plan(d: AssessDeps, period: string, assessing: readonly string[] = [], runId?: string): Promise<PlanOutput> {
  const found = new Set<string>();
  for (const q of quartersOf(period)) {
    for await (const o of d.storage.objects.list(d.curatedBucket, S3_LAYOUT.cleanPrefix(q))) {
      const b = branchOfCleanKey(o.key);
      if (b) found.add(b);
    }
  }
  const branches = [...found].sort();
  const regionOf = (b: string) => d.branches?.get(b)?.region;
  const regions = [...new Set(branches.map(regionOf).filter((r): r is string => !!r))].sort();
  // Catch-up: drops that arrived after their quarter was assessed left a needs-recompute mark. Their branch, its
  // region and the network of that quarter are recomputed with this run, so series and baselines are current.
  const first = firstQuarterOf(period);
  const late = (await d.storage.items.query<{ period: string; branch: string }>({ pk: keys.dirty('', '').pk }))
    .filter((m) => comparePeriods(m.period, first) < 0 && !assessing.includes(m.period)).sort((a, b) => comparePeriods(a.period, b.period) || a.branch.localeCompare(b.branch));
  const latePeriods = [...new Set(late.map((m) => m.period))];
  const inline = {
    period,
    kind: periodKind(period),
    items: [
      ...branches.map((branch) => ({ period, branch })),
      ...late.map((m) => ({ period: m.period, branch: m.branch })),
    ] as PlanItem[],
    // After the branches; the network first (the longest job), so the second map's tail is short.
    aggregates: [
      ...(branches.length ? [{ period, unit: { kind: 'network' } as Unit }] : []),
      ...regions.map((id) => ({ period, unit: { kind: 'region', id } as Unit })),
      ...latePeriods.map((p) => ({ period: p, unit: { kind: 'network' } as Unit })),
      ...latePeriods.flatMap((p) => [...new Set(late.filter((m) => m.period === p).map((m) => regionOf(m.branch)).filter((r): r is string => !!r))]
        .map((id) => ({ period: p, unit: { kind: 'region', id } as Unit }))),
    ] as PlanItem[],
    branches,
    regions,
    lateQuarters: latePeriods,
  };
  if (Buffer.byteLength(JSON.stringify(inline)) <= (d.maxInlinePlanBytes ?? MAX_INLINE_PLAN_BYTES)) return inline;
  const { items, ...summary } = inline;
  const list = JSON.stringify(items);
  const itemsKey = S3_LAYOUT.assessmentItems(period, runSegment(runId, list));
  await d.storage.objects.put(d.curatedBucket, itemsKey, list, 'application/json');
  return { ...summary, itemsKey };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The run id as one key segment. Step Functions names an execution with a UUID unless its starter names it; a name
 * given by hand may hold characters awkward in a key (S3 allows them, but not every tool quotes them): those become
 * '_', with a hash of the name so two names stay apart.
 */
export function runSegment(runId: string | undefined, list: string): string {
  if (!runId) return `local-${sha256(list).slice(0, 16)}`;
  const safe = runId.replace(/[^A-Za-z0-9._-]/g, '_');
  return safe === runId ? runId : `${safe}-${sha256(runId).slice(0, 8)}`;
}

/** The plan's items, read back from the curated bucket when the plan wrote them there (the local runner's map). */
export async function planItems(d: Pick<AssessDeps, 'storage' | 'curatedBucket'>, p: PlanOutput): Promise<PlanItem[]> {
  if ('items' in p) return p.items;
  const where = `s3://${d.curatedBucket}/${p.itemsKey}`;
  const text = await requireText(d.storage.objects, d.curatedBucket, p.itemsKey);
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch (e) {
    throw new Error(`${where}: not JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(list)) throw new Error(`${where}: expected a JSON array of plan items`);
  return list as PlanItem[];
}

export interface UnitFailure { item: unknown; error: string }

export interface CloseOutput {
  period: string;
  /** Recomputes that failed in the map (tolerated, reported here and in the assessment record). */
  failures: UnitFailure[];
  branches: number;
  tested: number;
  /** Alert episodes that start in this period (a property of the data: the same on every run). */
  newAlerts: Alert[];
  /** Of those, the ones this run created and notified (empty when the assessment is run again). */
  raised: Alert[];
  continuing: number;
  resolved: number;
  /** Watch episodes that start in this period (quarters only), and those this run created and published. */
  newWatches: Watch[];
  raisedWatches: Watch[];
  continuingWatches: number;
  resolvedWatches: number;
  resultKey: string;
  /** Rows held as DUPLICATE_PRIOR_CONFLICT in this quarter, across the assessed branches (0 for a year). */
  heldConflictRows: number;
}

/** Per branch, the rows of the quarter held because a later drop disagreed with an earlier one, and those drops. */
async function heldConflicts(d: AssessDeps, branches: readonly string[], period: string): Promise<{ branch: string; rows: number; drops: string[] }[]> {
  const per = await Promise.all(branches.map(async (b) => {
    const found = await d.storage.items.query<StoredConflictRow>({ pk: unitPk({ kind: 'branch', id: b }), skPrefix: keys.conflictPrefix(period) });
    return found.length ? [{ branch: b, rows: found.reduce((a, c) => a + c.rows, 0), drops: found.map((c) => c.dropId).sort() }] : [];
  }));
  return per.flat();
}

type StoredConflictRow = Pick<ConflictItem, 'rows' | 'dropId'>;

/**
 * The failed items of a Step Functions Distributed Map run, from its ResultWriter manifest
 * ({ResultFiles: {FAILED: [{Key}]}}; each FAILED file is a JSON array of {Input, Error, Cause}).
 */
export async function mapFailures(d: AssessDeps, manifest: { Bucket: string; Key: string }): Promise<UnitFailure[]> {
  const m = JSON.parse(await requireText(d.storage.objects, manifest.Bucket, manifest.Key)) as { ResultFiles?: { FAILED?: { Key: string }[] } };
  const out: UnitFailure[] = [];
  for (const f of m.ResultFiles?.FAILED ?? []) {
    const rows = JSON.parse(await requireText(d.storage.objects, manifest.Bucket, f.Key)) as { Input?: string; Error?: string; Cause?: string }[];
    for (const r of rows) {
      let item: unknown = r.Input;
      try { item = JSON.parse(r.Input ?? 'null'); } catch { /* keep the text */ }
      out.push({ item, error: [r.Error, r.Cause].filter(Boolean).join(': ') });
    }
  }
  return out;
}

/**
 * `planned`: the branches and regions the plan step recomputed (the state machine passes the plan's output on);
 * without it close plans again. Using the plan's list keeps close to the units that were recomputed even if a drop
 * for a new branch arrived in between.
 */
export async function close(
  d: AssessDeps, period: string, failures: UnitFailure[] = [], planned?: Pick<PlanOutput, 'branches' | 'regions'>,
): Promise<CloseOutput> {
  const p = planned ?? (await plan(d, period));
  const kind = kindTag(period);
  const { items, objects } = d.storage;
  const metricsOf = (u: Unit) => items.query<MetricItem>({ pk: unitPk(u), skPrefix: 'METRIC#' });
  const quarterly: ReturnType<typeof seriesFromItems>[] = [];
  const branchSeries = Object.fromEntries(await Promise.all(p.branches.map(async (b) => {
    const region = d.branches?.get(b)?.region;
    const metrics = await metricsOf({ kind: 'branch', id: b });
    quarterly.push(seriesFromItems(metrics, 'Q'));
    return [b, { ...(region ? { region } : {}), series: seriesFromItems(metrics, kind) }] as const;
  })));
  const networkSeries = seriesFromItems(await metricsOf({ kind: 'network' }), kind);
  // Episodes open as of this period (so re-running an earlier assessment sees the state it saw then). Quarterly
  // and annual episodes are apart: a quarter's assessment sees quarterly ones, a year's annual ones (since '2025').
  const episodesOf = <T extends AlertItem | WatchItem>(prefix: string) => Promise.all(p.branches.map((b) =>
    items.query<T>({ pk: unitPk({ kind: 'branch', id: b }), skPrefix: prefix }))).then((x) => x.flat());
  const [episodes, watchEpisodes] = await Promise.all([episodesOf<AlertItem>(keys.alertPrefix), episodesOf<WatchItem>(keys.watchPrefix)]);
  const openAsOf = <T extends AlertItem | WatchItem>(es: readonly T[], at: string) => es.filter((e) =>
    comparePeriods(e.since, at) <= 0 && (e.status === 'open' || (e.resolvedIn !== undefined && comparePeriods(e.resolvedIn, at) >= 0)));
  const ownKind = (e: { since: string }) => kindTag(e.since) === kind;
  const openAlerts = new Map(openAsOf(episodes.filter(ownKind), period).map((a) => [`${a.branch}#${a.metric}`, a.since]));
  const openWatches = new Map(openAsOf(watchEpisodes.filter(ownKind), period).map((w) => [`${w.branch}#${w.metric}`, w.since]));
  // The record of a year also counts the quarterly alerts open at its last quarter (as it always has).
  const otherOpen = kind === 'Y' ? openAsOf(episodes.filter((e) => !ownKind(e)), lastQuarterOf(period)).length : 0;

  // The IKM's drivers are its unsur: an IKM alert names the NRR series that fell most.
  const nrr = [...new Set(Object.values(branchSeries).flatMap((b) => Object.keys(b.series)))].filter((m) => m.startsWith('NRR_')).sort();
  // A year's test also allows for the quarters' movement beyond sampling: the annual histories are too short to
  // estimate it for years, the quarterly ones hold it from the second year on (tau of the year's quarters).
  const tauFloor = kind === 'Y' ? Object.fromEntries(d.alertMetrics.map((m) => [m, estimateTau(
    quarterly.map((s) => (s[m] ?? []).filter((o) => comparePeriods(o.period, lastQuarterOf(period)) <= 0)), 8, DEFAULT_ALERT_RULE.minN,
  )])) : undefined;
  const out = closeAssessment({
    ...(tauFloor ? { tauFloor } : {}),
    period,
    metrics: d.alertMetrics, // a quarter: the quarterly tests and watches; a year: the year-over-year test
    drivers: { ...driversOf(satisfactionModel), IKM: nrr },
    bandAlerts: kind === 'Q' && d.alertBand !== false,
    bandDrivers: nrr,
    branches: branchSeries,
    network: networkSeries,
    openAlerts,
    openWatches,
  });

  // Alert episodes. The item is written first (conditionally: once), then published, then marked published; an
  // episode whose publication failed is published by the next run of the assessment, so none is lost or doubled.
  const raised: Alert[] = [];
  const stored = new Map(episodes.map((e) => [`${e.branch}#${e.metric}#${e.since}`, e]));
  for (const a of out.newAlerts) {
    const created = await items.put(alertItem(a, d.branches?.get(a.branch)?.region), { ifAbsent: true });
    if (created) raised.push(a);
    else await items.update(refreshAlert(a)); // written by an earlier run of this assessment: refresh the evidence only
    if (created || stored.get(`${a.branch}#${a.metric}#${a.since}`)?.notified === false) {
      await d.notify(a);
      await items.update(alertNotified(a.branch, a.since, a.metric));
    }
  }
  for (const a of out.continuing) await items.update(refreshAlert(a));
  for (const r of out.resolved) await items.update(resolveAlert(r, period));

  // Watch episodes, the same way, published to the branch's manager only (notifyWatch); resolved ones first, so a
  // watch an alert superseded is closed before anything else is written for the branch.
  for (const r of out.resolvedWatches) await items.update(resolveAlert(r, period, keys.watch));
  const raisedWatches: Watch[] = [];
  const storedWatches = new Map(watchEpisodes.map((e) => [`${e.branch}#${e.metric}#${e.since}`, e]));
  for (const w of out.newWatches) {
    const created = await items.put(watchItem(w, d.branches?.get(w.branch)?.region), { ifAbsent: true });
    if (created) raisedWatches.push(w);
    else await items.update(refreshAlert(w, keys.watch));
    if (d.notifyWatch && (created || storedWatches.get(`${w.branch}#${w.metric}#${w.since}`)?.notified === false)) {
      await d.notifyWatch(w);
      await items.update(alertNotified(w.branch, w.since, w.metric, keys.watch));
    }
  }
  for (const w of out.continuingWatches) await items.update(refreshAlert(w, keys.watch));

  // The record: headline figures in DynamoDB, ranking rows and tests in S3.
  const summary = (u: Unit) => items.get<SummaryItem>(keys.periodSummary(u, period));
  const network = await summary({ kind: 'network' });
  const regions = Object.fromEntries(await Promise.all(p.regions.map(async (r) => [r, await summary({ kind: 'region', id: r })] as const)));
  const inputs = await Promise.all(p.branches.map(async (b) => (await summary({ kind: 'branch', id: b }))?.inputHash ?? b));
  const stillOpen = otherOpen + openAlerts.size + out.newAlerts.filter((a) => !openAlerts.has(`${a.branch}#${a.metric}`)).length - out.resolved.length;
  // Rows held because two drops disagree about a respondent: counted here so the assessment says what it left out.
  const conflicts = kind === 'Q' ? await heldConflicts(d, p.branches, period) : [];
  const heldRows = conflicts.reduce((a, c) => a + c.rows, 0);
  const record = assessmentItem(out, network, regions, stillOpen, [...inputs, ...conflicts.map((c) => `${c.branch}:${c.rows}:${c.drops.join(',')}`)]);
  await objects.put(d.curatedBucket, record.resultKey, JSON.stringify(finiteDeep({ ...out, failures, heldConflicts: conflicts })), 'application/json');
  await items.put(finiteDeep({ ...record, failedUnits: failures.length, heldConflictRows: heldRows }));
  return {
    period, failures, branches: out.rows.length, tested: out.tested, newAlerts: out.newAlerts, raised,
    continuing: out.continuing.length, resolved: out.resolved.length,
    newWatches: out.newWatches, raisedWatches, continuingWatches: out.continuingWatches.length, resolvedWatches: out.resolvedWatches.length,
    resultKey: record.resultKey, heldConflictRows: heldRows,
  };
}
