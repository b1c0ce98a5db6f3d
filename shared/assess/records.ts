// What a unit's recompute writes to the table: plain items (no AWS types), identical for identical inputs, so a
// recompute replaces and never duplicates. Key design in shared/layout/keys.ts.
import type { UpdatePlan } from '../pipeline/storage';
import { keys, S3_LAYOUT, unitPk, type Unit } from '../layout/keys';

import type { IndexValue, ModelStatus, UnitResult } from './recompute';

export interface MetricItem {
  pk: string; sk: string; gsi1pk: string; gsi1sk: string;
  entity: 'metric';
  unit: string; metric: string; period: string;
  value: number | null; se: number | null; ciLow: number | null; ciHigh: number | null; moe: number | null; n: number; method: IndexValue['method'];
  /** How the figure is weighted (absent = unweighted) and its effective n. */
  weighting?: IndexValue['weighting']; nEffective?: number | null;
  region?: string;
}

export interface SummaryItem {
  pk: string; sk: string;
  entity: 'summary';
  unit: string; period: string; n: number; region?: string;
  status: { satisfaction: ModelStatus; loyalty: ModelStatus };
  indices: Record<string, IndexValue>;
  /** Seed-003 Table 1 row of this unit (share satisfied per programme). */
  programmes: UnitResult['programmes'];
  /** Simple indices by segment and by programme (the dashboard's filters). */
  breakdowns: UnitResult['breakdowns'];
  /** The SKM of Permenpan RB 14/2017: NRR per unsur, IKM, band, priorities, sample adequacy (when the instrument has it). */
  ikm?: UnitResult['ikm'];
  /** Respondents by category (programme, segment, demographics). */
  profile?: UnitResult['profile'];
  /** How the unit's figures are weighted (./weighting.ts): method, effective n, population year and shares. */
  weighting?: UnitResult['weighting'];
  /** S3 key (curated bucket) of the full UnitResult JSON. */
  resultKey: string;
  /** Hash of the rows the result was computed from, to skip identical recomputes. */
  inputHash: string;
}

export function unitLabel(u: Unit): string {
  return u.kind === 'network' ? 'NETWORK' : u.kind === 'region' ? `REGION:${u.id}` : u.id;
}

/** DynamoDB numbers cannot be NaN or infinite: a figure that does not exist (e.g. an SE at n = 1) is stored as null. */
function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** Deep copy with every non-finite number replaced by null (what DynamoDB and JSON can hold). */
export function finiteDeep<T>(x: T): T {
  if (typeof x === 'number') return (Number.isFinite(x) ? x : null) as T;
  if (Array.isArray(x)) return x.map(finiteDeep) as T;
  if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, finiteDeep(v)])) as T;
  return x;
}

export function resultKey(u: Unit, period: string): string {
  return S3_LAYOUT.result(period, unitPk(u).replace('#', '_'));
}

export function recordsForResult(r: UnitResult, inputHash: string, region?: string): { summary: SummaryItem; metrics: MetricItem[] } {
  const label = unitLabel(r.unit);
  const metrics = Object.entries(r.indices).map(([metric, v]): MetricItem => ({
    ...keys.metric(r.unit, metric, r.period),
    entity: 'metric', unit: label, metric, period: r.period,
    value: finite(v.value), se: finite(v.se), ciLow: finite(v.ciLow), ciHigh: finite(v.ciHigh), moe: finite(v.moe), n: v.n, method: v.method,
    ...(v.weighting ? { weighting: v.weighting } : {}),
    ...(v.nEffective !== undefined ? { nEffective: finite(v.nEffective) } : {}),
    ...(region ? { region } : {}),
  }));
  const summary: SummaryItem = {
    ...keys.periodSummary(r.unit, r.period),
    entity: 'summary', unit: label, period: r.period, n: r.n,
    status: r.status, indices: finiteDeep(r.indices), programmes: finiteDeep(r.programmes), breakdowns: finiteDeep(r.breakdowns), resultKey: resultKey(r.unit, r.period), inputHash,
    ...(r.ikm ? { ikm: finiteDeep(r.ikm) } : {}),
    profile: r.profile,
    ...(r.weighting ? { weighting: finiteDeep(r.weighting) } : {}),
    ...(region ? { region } : {}),
  };
  return { summary, metrics };
}

/** One alert episode: raised once, confirmed by later assessments while the decline lasts, then resolved. */
export interface AlertItem {
  pk: string; sk: string;
  gsi1pk?: string; gsi1sk?: string;
  entity: 'alert';
  branch: string; region?: string; metric: string;
  /** First period of the episode: a quarter, or a year for an annual alert (test 'annual'). */
  since: string;
  /** Last period whose assessment confirmed the decline. */
  lastPeriod: string;
  status: 'open' | 'resolved';
  resolvedIn?: string;
  /** Set once the alert has been published; an episode written but not yet published is published by the next run. */
  notified: boolean;
  /** Evidence at the latest confirmation (see Alert in ./assessment.ts). */
  decline: number; declineCi: [number, number]; baseline: number; current: number; p: number; bhThreshold: number;
  test: 'abrupt' | 'sustained' | 'band' | 'annual';
  /** A band alert's grades before and now. */
  bands?: { from: 'A' | 'B' | 'C' | 'D'; to: 'A' | 'B' | 'C' | 'D' };
  drivers: { construct: string; change: number }[];
}

/**
 * One watch episode (keys.watch: sk WATCH#<since>#<metric>; while open in WATCHES#OPEN): a branch's own test
 * significant without surviving BH (Watch in ./assessment.ts). The alert's fields, quarterly tests only; resolvedBy
 * 'alert' when an alert of the same branch and metric superseded it (absent: a later test no longer flagged it).
 */
export interface WatchItem extends Omit<AlertItem, 'entity' | 'test' | 'bands'> {
  entity: 'watch';
  test: 'abrupt' | 'sustained';
  resolvedBy?: 'alert';
}

/** The episode's table key: an alert's or a watch's (keys.alert, keys.watch). */
export type EpisodeKey = (branch: string, since: string, metric: string) => { pk: string; sk: string };

type Evidence = Pick<import('./assessment').Alert, 'branch' | 'period' | 'metric' | 'since' | 'decline' | 'declineCi' | 'baseline' | 'current' | 'p' | 'bhThreshold' | 'drivers'>
  & { test: AlertItem['test']; bands?: AlertItem['bands'] };

function episodeFields(a: Evidence, region?: string) {
  return {
    branch: a.branch, metric: a.metric, since: a.since, lastPeriod: a.period, status: 'open' as const, notified: false,
    decline: a.decline, declineCi: a.declineCi, baseline: a.baseline, current: a.current, p: a.p, bhThreshold: a.bhThreshold,
    test: a.test, drivers: a.drivers,
    ...(a.bands ? { bands: a.bands } : {}),
    ...(region ? { region } : {}),
  };
}

export function alertItem(a: import('./assessment').Alert, region?: string): AlertItem {
  return finiteDeep({
    ...keys.alert(a.branch, a.since, a.metric),
    ...keys.openAlertIndex(a.branch, a.since, a.metric),
    entity: 'alert', ...episodeFields(a, region),
  });
}

export function watchItem(w: import('./assessment').Watch, region?: string): WatchItem {
  return finiteDeep({
    ...keys.watch(w.branch, w.since, w.metric),
    ...keys.openWatchIndex(w.branch, w.since, w.metric),
    entity: 'watch', ...episodeFields(w, region), test: w.test,
  });
}

// The life cycle of an alert or watch episode as writes (plain data, applied by the storage adapter). The item
// itself is put once with alertItem / watchItem (a conditional put: only the assessment that creates it notifies).
// `key` picks the episode's kind: keys.alert (default) or keys.watch.

/** A confirmed episode: new evidence and the last confirming period, only forward in time (a re-run of an earlier
 *  assessment leaves the evidence of a later one in place). */
export function refreshAlert(a: Evidence, key: EpisodeKey = keys.alert): UpdatePlan {
  const ev = finiteDeep({ decline: a.decline, declineCi: a.declineCi, baseline: a.baseline, current: a.current, p: a.p, bhThreshold: a.bhThreshold, test: a.test, drivers: a.drivers, ...(a.bands ? { bands: a.bands } : {}) });
  return {
    key: key(a.branch, a.since, a.metric),
    set: { lastPeriod: a.period, ...ev },
    when: [{ attr: 'pk', op: 'exists' }, { attr: 'lastPeriod', op: '<=', value: a.period }],
  };
}

/** The episode has been published (alert: SNS topic, webhook; watch: the watch topic, to its branch's manager). */
export function alertNotified(branch: string, since: string, metric: string, key: EpisodeKey = keys.alert): UpdatePlan {
  return { key: key(branch, since, metric), set: { notified: true } };
}

/** Resolved by the assessment of `period`: out of the open index, once; a watch says when an alert superseded it. */
export function resolveAlert(r: { branch: string; since: string; metric: string; resolvedBy?: 'alert' }, period: string, key: EpisodeKey = keys.alert): UpdatePlan {
  return {
    key: key(r.branch, r.since, r.metric),
    set: { status: 'resolved', resolvedIn: period, ...(r.resolvedBy ? { resolvedBy: r.resolvedBy } : {}) },
    remove: ['gsi1pk', 'gsi1sk'],
    when: [{ attr: 'pk', op: 'exists' }, { attr: 'status', op: '=', value: 'open' }],
  };
}

/** The assessment of one period: counts and headline figures here; ranking rows and tests in S3 (resultKey). */
export interface AssessmentItem {
  pk: string; sk: string;
  entity: 'assessment';
  period: string;
  kind: 'quarter' | 'year';
  branches: number;
  tested: number;
  newAlerts: number;
  openAlerts: number;
  network: Record<string, IndexValue>;
  regions: Record<string, Record<string, IndexValue>>;
  resultKey: string;
  /** Recomputes that failed (tolerated by the map; listed in the S3 JSON). */
  failedUnits?: number;
  /** Rows held in this quarter because two drops disagree about a respondent (listed per branch in the S3 JSON). */
  heldConflictRows?: number;
  /** Hash of the inputs (branch summaries), so re-running an assessment on the same data writes the same item. */
  inputHash: string;
}
