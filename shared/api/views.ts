// What each dashboard endpoint returns, built from stored items and result JSONs (./store.ts) and filtered by
// what the principal may read: branches by ../auth.ts, aggregate figures by the disclosure rule (./disclosure.ts;
// a withheld figure is null with its reason in the response's `withheld`). Figures are passed through as stored;
// the only arithmetic here is the z-tests of differences (compare() of the assessment) and the funnel plot's
// respondent-level SD.
import { compare, type Comparison } from '../assess/assessment';
import type { Observation } from '../assess/alert-rule';
import type { AlertItem, MetricItem, SummaryItem } from '../assess/records';
import type { IndexValue, UnitResult } from '../assess/recompute';
import type { ProgrammeRow } from '../assess/programme-table';
import type { PathComparison } from '../assess/path-tests';
import type { WeightingInfo, WeightingMethod } from '../assess/weighting';
import type { ParamSummary } from '../stats/bootstrap';
import { assertBranch, canReadBranch, visibleBranches, type Principal } from '../auth';
import { addYears, comparePeriods, kindTag, periodKind } from '../period';
import type { Unit } from '../layout/keys';
import { disclosurePlan, DOMINANCE, restricted, SHOW_ALL, WITHHELD, type BranchCounts, type DisclosurePlan, type PopulationWeights, type Populations, type Scope } from './disclosure';
import { ApiError } from './params';
import type { BranchDrop, DashboardStore, StoredWatch } from './store';
import { translator } from '../i18n/catalogue';
import type { Locale } from '../i18n/locale';
import { METRIC_NAME_KEY } from '../i18n/messages/common';
import {
  METRICS,
  type AlertView, type AlertsResponse, type BranchInfo, type BranchResultsResponse, type Change, type DropsResponse, type Estimate,
  type IpmaView, type LoyaltyView, type MeResponse, type ModelView, type OverviewResponse, type PathRow, type PathTestInfo, type PathTestView, type ProgrammeTable,
  type RankingRow, type SeriesPoint, type SeriesResponse, type Share, type WatchMarker, type WatchView, type WeightingView, type Withheld,
} from './types';

/** A construct's English name (JSON `label` fields, for scripts; the dashboard names constructs in its own language). */
const english = translator('en');
export const constructName = (c: string): string => (c in METRIC_NAME_KEY ? english(METRIC_NAME_KEY[c as keyof typeof METRIC_NAME_KEY]) : c);

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

type StoredIndex = { [K in keyof IndexValue]?: IndexValue[K] | null };

/**
 * How a figure stored before weighting existed was made: a branch's respondents each counted once, a region's or
 * the network's respondents pooled.
 */
export const storedWeighting = (kind: Unit['kind']): WeightingMethod => (kind === 'branch' ? 'unweighted' : 'pooled');
/** Methods whose respondents all weigh the same: their effective n is n. */
const equalWeights = (m: WeightingMethod) => m === 'unweighted' || m === 'pooled';

/** A stored index as the API sends it, with its weighting (`fallback` when the item has none) and effective n. */
export function estimate(iv: StoredIndex | null | undefined, fallback: WeightingMethod = 'unweighted'): Estimate | null {
  if (!iv) return null;
  const n = num(iv.n) ?? 0;
  const weighting = iv.weighting ?? fallback;
  return {
    value: num(iv.value), se: num(iv.se), ciLow: num(iv.ciLow), ciHigh: num(iv.ciHigh), moe: num(iv.moe), n,
    ...(iv.method ? { method: iv.method } : {}),
    weighting, nEffective: num(iv.nEffective) ?? (equalWeights(weighting) ? n : null),
  };
}

/**
 * A unit's weighting as `p` may see it (see WeightingView): a branch manager gets, of a population-weighted
 * aggregate's members, only their own branch. Absent (stored before weighting existed): unweighted for a branch,
 * pooled for a region or the network.
 */
export function weightingView(w: WeightingInfo | null | undefined, kind: Unit['kind'], n: number, p: Principal): WeightingView {
  if (!w) return { method: storedWeighting(kind), n, nEffective: n, deff: 1 };
  const members = w.members ? [...w.members].sort((a, b) => b.share - a.share || a.branch.localeCompare(b.branch)) : undefined;
  const seen = members && restricted(p) ? members.filter((m) => m.branch === p.branch) : members;
  return {
    method: w.method, n: num(w.n) ?? n, nEffective: num(w.nEffective), deff: num(w.deff),
    ...(w.margins ? { margins: [...w.margins] } : {}),
    ...(w.trimmed !== undefined ? { trimmed: w.trimmed } : {}),
    ...(w.populationYear ? { populationYear: w.populationYear } : {}),
    ...(members ? {
      memberCount: members.length,
      members: seen!.map((m) => ({ branch: m.branch, population: m.population, share: m.share, n: num(m.n) })),
    } : {}),
  };
}

function observation(e: Estimate | null | undefined, period = ''): Observation | undefined {
  if (!e || e.value === null) return undefined;
  return { period, value: e.value, se: e.se ?? NaN, n: e.n };
}

function change(a: Estimate | null | undefined, b: Estimate | null | undefined): Change | null {
  const c: Comparison | null = compare(observation(a), observation(b));
  return c && Number.isFinite(c.p) ? c : null;
}

function byMetric<T>(f: (m: string) => T): Record<string, T> {
  return Object.fromEntries(METRICS.map((m) => [m, f(m)]));
}

/** Index figures of a summary: the stored indices, or one segment's / programme's breakdown. */
export interface Basis { dim?: 'segment' | 'programme'; value?: string }

function figures(s: SummaryItem | undefined, basis: Basis, kind: Unit['kind']): { n: number; indices: Record<string, Estimate | null> } | null {
  if (!s) return null;
  const fallback = storedWeighting(kind);
  if (!basis.dim) return { n: s.n, indices: byMetric((m) => estimate(s.indices?.[m], fallback)) };
  const g = s.breakdowns?.[basis.dim]?.[basis.value!];
  if (!g) return null;
  return { n: g.n, indices: byMetric((m) => estimate(g.indices?.[m], fallback)) };
}

function share(r: ProgrammeRow | null | undefined): Share | null {
  if (!r) return null;
  return { satisfied: r.satisfied, n: r.n, share: num(r.share), low: num(r.low), high: num(r.high) };
}

function programmeCells(p: SummaryItem['programmes'] | undefined) {
  if (!p) return null;
  return { overall: share(p.overall), cells: Object.fromEntries(p.rows.map((r) => [r.programme, share(r)])) };
}

export async function branchInfo(store: DashboardStore, id: string): Promise<BranchInfo> {
  const dir = await store.directory();
  const b = dir.find((x) => x.id === id);
  if (b) return b;
  // Without a directory any branch id with data is a branch; with one, an unknown id is not found.
  if (dir.length > 0) throw new ApiError(404, 'api.error.branchUnknown', { branch: id });
  return { id, name: id, region: '' };
}

// ---------------------------------------------------------------------------------------------------- disclosure

/** The figures the disclosure rule counts: whole aggregates, one breakdown's cells, or the share-satisfied table's. */
export type CountedTable = 'whole' | 'segment' | 'programme' | 'programmes';

/**
 * The disclosure plans of one period for a principal (./disclosure.ts), one per table asked for, in that order.
 * Head office: nothing read, nothing withheld. A manager: every branch with data in the period and its
 * respondents (n of its SAT index, from the ranking partition: one Query), with its region from the directory
 * (else the one stored with its items), and for breakdowns the branches' summaries (one BatchGet for all).
 * Whole aggregates are always counted by that n, so every endpoint decides them alike; the share-satisfied
 * table, a figure of its own, counts its own respondents. The network's and the regions' summaries give which of
 * them are population-weighted and their members' populations (the dominance rule; one GetItem each).
 */
export async function disclosureOf(store: DashboardStore, p: Principal, period: string, tables: readonly CountedTable[] = ['whole'], metric = 'SAT'): Promise<DisclosurePlan[]> {
  if (!restricted(p)) return tables.map(() => SHOW_ALL);
  const [dir, coverage] = await Promise.all([store.directory(), store.branchCoverage(period, metric)]);
  const regionOf = new Map(dir.map((b) => [b.id, b.region]));
  const base: BranchCounts[] = coverage.map((c) => ({ branch: c.branch, region: regionOf.get(c.branch) ?? c.region ?? '', total: c.n }));
  const regions = [...new Set(base.map((b) => b.region).filter(Boolean))].sort();
  const [summaries, weights] = await Promise.all([
    tables.some((t) => t !== 'whole') ? store.branchSummaries(base.map((r) => r.branch), period) : new Map<string, SummaryItem>(),
    populationWeights(store, period, regions),
  ]);
  return tables.map((table) => {
    if (table === 'whole') return disclosurePlan(p, base, [], weights);
    const codes = new Set<string>();
    const rows = base.map((b): BranchCounts => {
      const s = summaries.get(b.branch);
      if (!s) return b;
      const r: BranchCounts = table === 'programmes'
        ? { ...b, total: s.programmes?.overall.n ?? 0, cells: Object.fromEntries((s.programmes?.rows ?? []).map((x) => [x.programme, x.n])) }
        : { ...b, cells: Object.fromEntries(Object.entries(s.breakdowns?.[table] ?? {}).map(([g, v]) => [g, v.n])) };
      if (table !== 'programmes') r.uncategorized = Math.max(0, s.n - Object.values(r.cells!).reduce((x, y) => x + y, 0));
      for (const c of Object.keys(r.cells!)) codes.add(c);
      return r;
    });
    // The share-satisfied table counts respondents unweighted (pooled), so only the count floors apply to it.
    return disclosurePlan(p, rows, [...codes], table === 'programmes' ? {} : weights);
  });
}

/** The population-weighted aggregates of a period (their summaries' weighting.members); pooled ones left out. */
async function populationWeights(store: DashboardStore, period: string, regions: readonly string[]): Promise<PopulationWeights> {
  const pops = (s: SummaryItem | undefined): Populations | undefined => {
    const w = s?.weighting;
    return w?.method === 'population' && w.members?.length ? Object.fromEntries(w.members.map((m) => [m.branch, m.population])) : undefined;
  };
  const [network, ...byRegion] = await Promise.all([
    store.summary({ kind: 'network' }, period), ...regions.map((r) => store.summary({ kind: 'region', id: r }, period)),
  ]);
  const weighted: Record<string, Populations> = {};
  regions.forEach((r, i) => { const x = pops(byRegion[i]); if (x) weighted[r] = x; });
  const n = pops(network);
  return { ...(n ? { network: n } : {}), regions: weighted };
}

/**
 * The plan for whole aggregates only (network and regions), counted by the respondents of `metric` (SAT; the SKM
 * report counts the IKM's, who may be other branches' and fewer: a branch without the SKM is not in the IKM).
 */
export async function wholeDisclosure(store: DashboardStore, p: Principal, period: string, metric = 'SAT'): Promise<DisclosurePlan> {
  return (await disclosureOf(store, p, period, ['whole'], metric))[0]!;
}

// ---------------------------------------------------------------------------------------------------- me

export async function meView(store: DashboardStore, p: Principal, defaultLocale: Locale): Promise<MeResponse> {
  const [dir, network] = await Promise.all([store.directory(), store.metrics({ kind: 'network' })]);
  const periods = [...new Set(network.map((m) => m.period))].sort();
  const years = periods.filter((x) => kindTag(x) === 'Y');
  const quarters = periods.filter((x) => kindTag(x) === 'Q');
  const latest = quarters.at(-1) ?? years.at(-1);
  const summary = latest ? await store.summary({ kind: 'network' }, latest) : undefined;
  return {
    user: { sub: p.sub, role: p.role, ...(p.name ? { name: p.name } : {}), ...(p.branch ? { branch: p.branch } : {}) },
    branches: visibleBranches(p, dir),
    regions: [...new Set(dir.map((b) => b.region).filter(Boolean))].sort(),
    periods: { years, quarters },
    programmes: summary?.programmes?.rows.map((r) => r.programme) ?? Object.keys(summary?.breakdowns?.programme ?? {}),
    segments: Object.keys(summary?.breakdowns?.segment ?? {}),
    metrics: METRICS.map((m) => ({ id: m, label: constructName(m) })),
    defaultLocale,
  };
}

// ---------------------------------------------------------------------------------------------------- model

function pathRow(ps: ParamSummary, kind: PathRow['kind']): PathRow {
  const chain = [ps.from, ...(ps.through ?? []), ps.to];
  return {
    kind, from: ps.from, to: ps.to, ...(ps.through ? { through: ps.through } : {}), label: chain.join(' → '),
    estimate: num(ps.original), sd: num(ps.bootSd), t: num(ps.t), p: num(ps.p), ciLow: num(ps.ciLower), ciHigh: num(ps.ciUpper),
  };
}

/** A test's figure for one direct path (matched by its ends), or undefined when the test has no such path. */
function pathTest(t: PathComparison | undefined, from: string, to: string): PathTestView | undefined {
  const d = t?.paths.find((x) => x.from === from && x.to === to);
  return d ? { other: num(d.other), diff: num(d.diff), p: num(d.p) } : undefined;
}

function testInfo(t: PathComparison): PathTestInfo {
  return { n: t.n, nOther: t.nOther, permutations: t.permutations, restSampled: !!t.restSampled, ...(t.otherPeriod ? { otherPeriod: t.otherPeriod } : {}) };
}

/** vsNetwork: the branch's paths tested against the rest of the network (current and not withheld). */
export function modelView(r: UnitResult | undefined, unit: string, vsNetwork?: PathComparison): ModelView | null {
  const s = r?.satisfaction;
  if (!r || !s) return null;
  const est = s.estimate;
  const boot = s.bootstrap;
  const loadCi = new Map(boot.loadings.map((l) => [`${l.to}#${l.from}`, l]));
  const htmtCi = new Map(boot.htmt.map((h) => [`${h.from}#${h.to}`, h]));
  const vsYear = r.pathTests?.vsPreviousYear;
  const direct = (x: ParamSummary): PathRow => {
    const row = pathRow(x, 'direct');
    const net = pathTest(vsNetwork, x.from, x.to), year = pathTest(vsYear, x.from, x.to);
    return { ...row, ...(net ? { vsNetwork: net } : {}), ...(year ? { vsPreviousYear: year } : {}) };
  };
  const comparisons = { ...(vsNetwork ? { network: testInfo(vsNetwork) } : {}), ...(vsYear ? { previousYear: testInfo(vsYear) } : {}) };
  return {
    unit, period: r.period, n: r.n,
    bootstrap: { nboot: boot.nboot, nSuccessful: boot.nSuccessful, alpha: boot.alpha },
    paths: [...boot.paths.map(direct), ...boot.specificIndirect.map((x) => pathRow(x, 'indirect'))],
    ...(Object.keys(comparisons).length ? { comparisons } : {}),
    rSquared: Object.fromEntries(Object.entries(est.rSquared).map(([c, v]) => [c, { r2: num(v.r2), adjR2: num(v.adjR2) }])),
    reliability: Object.entries(est.reliability)
      .filter(([c]) => !c.includes('*')) // an interaction term has no reflective measurement model
      .map(([construct, v]) => ({ construct, alpha: num(v.alpha), rhoC: num(v.rhoC), rhoA: num(v.rhoA), ave: num(v.ave) })),
    loadings: est.loadings.filter((l) => !l.construct.includes('*')).map((l) => {
      const ci = loadCi.get(`${l.construct}#${l.item}`);
      return { construct: l.construct, item: l.item, loading: num(l.estimate), ciLow: num(ci?.ciLower), ciHigh: num(ci?.ciUpper) };
    }),
    htmt: est.htmt.filter((h) => !h.a.includes('*') && !h.b.includes('*'))
      .map((h) => ({ a: h.a, b: h.b, value: num(h.value), ciHigh: num(htmtCi.get(`${h.a}#${h.b}`)?.ciUpper) })),
    fornellLarcker: {
      rows: est.fornellLarcker.rows, cols: est.fornellLarcker.cols,
      values: est.fornellLarcker.values.map((row) => row.map(num)),
    },
  };
}

function loyaltyView(r: UnitResult | undefined): LoyaltyView | null {
  const l = r?.loyalty;
  if (!l) return null;
  const reg = l.regression;
  const labels = Object.fromEntries(l.dimensions.map((d) => [d.name, d.label ?? constructName(d.name)]));
  return {
    n: reg.n, r: num(reg.r), r2: num(reg.r2), adjR2: num(reg.adjR2), f: num(reg.f), fP: num(reg.fP), df: reg.df,
    critical: { alpha: reg.critical.alpha, t: num(reg.critical.t), f: num(reg.critical.f) },
    coefficients: reg.coefficients.map((c) => ({
      name: c.name, label: c.name === '(Constant)' || c.name === '(Intercept)' ? '(Constant)' : labels[c.name] ?? c.name,
      b: num(c.b), se: num(c.se), beta: num(c.beta), t: num(c.t), p: num(c.p),
    })),
    dimensions: l.dimensions.map((d) => ({
      name: d.name, label: labels[d.name] ?? d.name, role: d.role, nItems: d.items.length,
      alpha: num(d.itemAnalysis?.alpha), band: d.itemAnalysis?.band ?? null,
      score: { n: d.score.n, mean: num(d.score.mean), sd: num(d.score.sd) },
      itemTotal: (d.itemAnalysis?.itemTotal ?? []).map((t) => ({
        item: t.item, correctedItemTotalCorrelation: num(t.correctedItemTotalCorrelation), alphaIfDeleted: num(t.alphaIfDeleted), valid: t.valid,
      })),
    })),
    normality: reg.ks ? { ksZ: num(reg.ks.ksZ), asympP: num(reg.ks.asympP), lillieforsP: num(reg.ks.lillieforsP) } : null,
  };
}

function ipmaView(r: UnitResult | undefined): IpmaView | null {
  const rows = r?.satisfaction?.ipma?.SAT;
  if (!rows) return null;
  return { target: 'SAT', rows: rows.map((x) => ({ construct: x.construct, importance: num(x.importance), performance: num(x.performance) })) };
}

// ---------------------------------------------------------------------------------------------------- overview

export interface OverviewQuery { period: string; region?: string; segment?: string; programme?: string }

export async function overviewView(store: DashboardStore, p: Principal, q: OverviewQuery): Promise<OverviewResponse> {
  if (q.segment && q.programme) throw new ApiError(400, 'api.error.segmentAndProgramme');
  const dir = await store.directory();
  if (q.region && dir.length > 0 && !dir.some((b) => b.region === q.region)) throw new ApiError(404, 'api.error.regionUnknown', { region: q.region });
  const scopeUnit: Unit = q.region ? { kind: 'region', id: q.region } : { kind: 'network' };
  const scopeLabel = q.region ? `Region ${q.region}` : 'Network';
  const basis: Basis = q.segment ? { dim: 'segment', value: q.segment } : q.programme ? { dim: 'programme', value: q.programme } : {};
  const prev = addYears(q.period, -1); // year-over-year
  const inScope = dir.filter((b) => !q.region || b.region === q.region);
  const visible = visibleBranches(p, inScope);
  const ids = visible.map((b) => b.id);
  const scope: Scope = q.region ? { region: q.region } : {};
  // The assessment's counts are network-wide (alerts of every branch): head office only.
  const wantsAssessment = !q.region && !basis.dim;
  const counted: CountedTable = basis.dim ?? 'whole';

  const [scopeNow, scopePrev, now, before, assessment, open, watching, [planNow, sharePlan], [planPrev]] = await Promise.all([
    store.summary(scopeUnit, q.period), store.summary(scopeUnit, prev),
    store.branchSummaries(ids, q.period), store.branchSummaries(ids, prev),
    wantsAssessment && !restricted(p) ? store.assessment(q.period) : Promise.resolve(undefined),
    store.openAlerts(), store.openWatches(),
    disclosureOf(store, p, q.period, [counted, 'programmes']), disclosureOf(store, p, prev, [counted]),
  ]);

  const withheld: Withheld = {};
  const whyNow = planNow.withheld(scope, basis.value);
  const whyPrev = planPrev.withheld(scope, basis.value);
  const whyModel = planNow.withheld(scope);
  if (whyNow) {
    // The previous period goes with the headline; the branch-minus-scope differences would give the scope away.
    Object.assign(withheld, { headline: whyNow, funnel: whyNow, 'ranking.vsNetwork': whyNow });
  } else if (whyPrev && scopePrev) {
    Object.assign(withheld, { previous: whyPrev, change: whyPrev });
  }
  if (whyModel) withheld.model = whyModel;
  if (wantsAssessment && restricted(p)) withheld.assessment = WITHHELD.alerts;

  const result = whyModel ? undefined : await store.result(scopeNow);
  const head = whyNow ? null : figures(scopeNow, basis, scopeUnit.kind);
  const headPrev = whyPrev ? null : figures(scopePrev, basis, scopeUnit.kind);
  const headline = head && {
    n: head.n, weighting: weightingView(scopeNow?.weighting, scopeUnit.kind, scopeNow?.n ?? head.n, p), indices: head.indices,
    previous: byMetric((m) => headPrev?.indices[m] ?? null),
    change: byMetric((m) => change(head.indices[m], headPrev?.indices[m])),
  };
  const funnel = byMetric((m) => {
    const e = head?.indices[m];
    if (!e || e.value === null || e.se === null || !(e.n > 1)) return null;
    return { centre: e.value, sigma: e.se * Math.sqrt(e.n) };
  });

  const openBy = new Map<string, number>();
  for (const a of open) openBy.set(a.branch, (openBy.get(a.branch) ?? 0) + 1);
  // Only the rows' own branches' watches: a row is a branch this user may read.
  const watchesBy = new Map<string, WatchMarker[]>();
  for (const w of watching) watchesBy.set(w.branch, [...(watchesBy.get(w.branch) ?? []), { metric: w.metric, since: w.since, decline: num(w.decline) }]);
  const ranking: RankingRow[] = [];
  const missing: string[] = [];
  for (const b of visible) {
    const s = now.get(b.id);
    const f = figures(s, basis, 'branch');
    if (!f) { missing.push(b.id); continue; }
    const fp = figures(before.get(b.id), basis, 'branch');
    ranking.push({
      branch: b.id, name: b.name, region: b.region, n: f.n, indices: f.indices,
      vsNetwork: byMetric((m) => change(f.indices[m], head?.indices[m])),
      change: byMetric((m) => change(f.indices[m], fp?.indices[m])),
      openAlerts: openBy.get(b.id) ?? 0,
      openWatches: watchesBy.get(b.id) ?? [],
      weighting: weightingView(s?.weighting, 'branch', s?.n ?? f.n, p),
    });
  }
  ranking.sort((a, b) => (b.indices.SAT?.value ?? -Infinity) - (a.indices.SAT?.value ?? -Infinity) || a.branch.localeCompare(b.branch));

  return {
    period: q.period,
    kind: periodKind(q.period),
    previousPeriod: prev,
    scope: {
      unit: scopeNow?.unit ?? (q.region ? `REGION:${q.region}` : 'NETWORK'), label: scopeLabel,
      ...(q.region ? { region: q.region } : {}), ...(q.segment ? { segment: q.segment } : {}), ...(q.programme ? { programme: q.programme } : {}),
    },
    basis: basis.dim ? 'breakdown' : 'model',
    headline,
    funnel,
    ranking,
    missingBranches: missing,
    hiddenBranches: inScope.length - visible.length,
    programmes: programmeTable(q.period, visible, now, scopeNow, scopeLabel, sharePlan, scope),
    model: modelView(result, scopeNow?.unit ?? scopeLabel),
    modelStatus: whyModel ? { state: 'withheld', reason: whyModel } : scopeNow?.status?.satisfaction ?? null,
    openAlerts: ranking.reduce((sum, r) => sum + r.openAlerts, 0),
    openWatches: ranking.reduce((sum, r) => sum + r.openWatches.length, 0),
    assessment: assessment ? { branches: assessment.branches, tested: assessment.tested, newAlerts: assessment.newAlerts, openAlerts: assessment.openAlerts } : null,
    withheld,
  };
}

function programmeTable(
  period: string, visible: readonly BranchInfo[], now: Map<string, SummaryItem>, scope: SummaryItem | undefined, scopeLabel: string,
  plan: DisclosurePlan, where: Scope,
): ProgrammeTable {
  const codes: string[] = [];
  const note = (p: SummaryItem['programmes'] | undefined) => p?.rows.forEach((r) => { if (!codes.includes(r.programme)) codes.push(r.programme); });
  note(scope?.programmes);
  for (const b of visible) note(now.get(b.id)?.programmes);
  const rows = visible.flatMap((b) => {
    const c = programmeCells(now.get(b.id)?.programmes);
    return c ? [{ branch: b.id, name: b.name, region: b.region, ...c }] : [];
  });
  // Rufani et al. (2023), Table 1, lists branches from the most to the least satisfied.
  rows.sort((a, b) => (b.overall?.share ?? -1) - (a.overall?.share ?? -1) || a.branch.localeCompare(b.branch));
  const total = programmeCells(scope?.programmes);
  const withheld: Withheld = {};
  if (total) {
    const why = plan.withheld(where);
    if (why) {
      withheld['total.overall'] = why;
      total.overall = null;
    }
    for (const c of Object.keys(total.cells)) {
      const whyCell = plan.withheld(where, c);
      if (whyCell) {
        withheld[`total.cells.${c}`] = whyCell;
        total.cells[c] = null;
      }
    }
  }
  return { period, programmes: codes, rows, total: total ? { label: scopeLabel, ...total } : null, withheld };
}

export async function programmesView(store: DashboardStore, p: Principal, q: { period: string; region?: string }): Promise<ProgrammeTable> {
  const dir = await store.directory();
  const inScope = dir.filter((b) => !q.region || b.region === q.region);
  const visible = visibleBranches(p, inScope);
  const scopeUnit: Unit = q.region ? { kind: 'region', id: q.region } : { kind: 'network' };
  const [now, scope, [plan]] = await Promise.all([
    store.branchSummaries(visible.map((b) => b.id), q.period), store.summary(scopeUnit, q.period), disclosureOf(store, p, q.period, ['programmes']),
  ]);
  return programmeTable(q.period, visible, now, scope, q.region ? `Region ${q.region}` : 'Network', plan, q.region ? { region: q.region } : {});
}

// ---------------------------------------------------------------------------------------------------- branch

function seriesOf(items: readonly MetricItem[], kind: 'Q' | 'Y', unit: Unit['kind']): Record<string, SeriesPoint[]> {
  const out: Record<string, SeriesPoint[]> = byMetric(() => []);
  for (const it of items) {
    if (kindTag(it.period) !== kind) continue;
    (out[it.metric] ??= []).push({ period: it.period, ...estimate(it, storedWeighting(unit))! });
  }
  for (const s of Object.values(out)) s.sort((a, b) => comparePeriods(a.period, b.period));
  return out;
}

export async function seriesView(store: DashboardStore, p: Principal, branch: string, kind: 'Q' | 'Y'): Promise<SeriesResponse> {
  assertBranch(p, branch);
  const info = await branchInfo(store, branch);
  const [own, network, region] = await Promise.all([
    store.metrics({ kind: 'branch', id: branch }),
    store.metrics({ kind: 'network' }),
    info.region ? store.metrics({ kind: 'region', id: info.region }) : Promise.resolve([]),
  ]);
  if (own.length === 0) throw new ApiError(404, 'api.error.noBranchFigures', { branch });
  const series = seriesOf(own, kind, 'branch');
  const periods = [...new Set(Object.values(series).flat().map((x) => x.period))].sort();
  // The network and region lines are aggregates: a period the rule withholds is left out of the line and named.
  const withheld: Withheld = {};
  let networkItems = network, regionItems = region;
  if (restricted(p)) {
    const aggPeriods = [...new Set([...network, ...region].map((m) => m.period).filter((x) => kindTag(x) === kind))];
    const plans = new Map(await Promise.all(aggPeriods.map(async (x) => [x, await wholeDisclosure(store, p, x)] as const)));
    const keep = (items: MetricItem[], scope: Scope, name: string) => items.filter((m) => {
      const why = plans.get(m.period)?.withheld(scope);
      if (why) withheld[`${name}.${m.period}`] = why;
      return !why;
    });
    networkItems = keep(network, {}, 'network');
    regionItems = keep(region, { region: info.region }, 'region');
  }
  return { branch: info, kind, periods, series, network: seriesOf(networkItems, kind, 'network'), region: seriesOf(regionItems, kind, 'region'), withheld };
}

export async function branchResultsView(store: DashboardStore, p: Principal, branch: string, period: string): Promise<BranchResultsResponse> {
  assertBranch(p, branch);
  const info = await branchInfo(store, branch);
  const [summary, network, plan, watchItems, pathTests] = await Promise.all([
    store.summary({ kind: 'branch', id: branch }, period), store.summary({ kind: 'network' }, period), wholeDisclosure(store, p, period),
    store.branchWatches(branch), store.branchPathTests(branch, period),
  ]);
  if (!summary) throw new ApiError(404, 'api.error.noBranchResults', { branch, period });
  const result = await store.result(summary);
  const indices = byMetric((m) => estimate(summary.indices?.[m], 'unweighted'));
  const whyNetwork = plan.withheld({});
  // The rest of the network's paths are the network's figures, withheld alike; a test of an older network result is
  // none; and when one other branch holds most of the rest's respondents, its paths are nearly that branch's.
  const currentTest = pathTests && pathTests.networkInputHash === network?.inputHash ? pathTests : undefined;
  const whyPaths = whyNetwork ?? (currentTest && restricted(p) && (currentTest.restLargestShare ?? 0) > DOMINANCE ? WITHHELD.dominance : undefined);
  const networkIndices = byMetric((m) => (whyNetwork ? null : estimate(network?.indices?.[m], 'pooled')));
  const byId = new Map([[info.id, info]]);
  return {
    branch: info, period, n: summary.n, status: summary.status ?? null,
    indices, network: networkIndices,
    vsNetwork: byMetric((m) => change(indices[m], networkIndices[m])),
    weighting: weightingView(summary.weighting, 'branch', summary.n, p),
    networkWeighting: whyNetwork || !network ? null : weightingView(network.weighting, 'network', network.n, p),
    watches: sortEpisodes(watchItems.map((w) => watchView(w, byId))),
    model: modelView(result, summary.unit, whyPaths ? undefined : currentTest),
    ipma: ipmaView(result),
    loyalty: loyaltyView(result),
    programmes: programmeCells(summary.programmes),
    breakdowns: Object.fromEntries(Object.entries(summary.breakdowns ?? {}).map(([dim, groups]) => [dim,
      Object.fromEntries(Object.entries(groups).map(([g, v]) => [g, { n: v.n, indices: byMetric((m) => estimate(v.indices?.[m], 'unweighted')) }]))])),
    withheld: {
      ...(whyNetwork ? { network: whyNetwork, vsNetwork: whyNetwork, networkWeighting: whyNetwork } : {}),
      ...(whyPaths && (whyNetwork || currentTest) ? { 'model.paths.vsNetwork': whyPaths } : {}),
    },
  };
}

function alertView(a: AlertItem | StoredWatch, dir: ReadonlyMap<string, BranchInfo>): AlertView {
  const b = dir.get(a.branch);
  return {
    branch: a.branch, name: b?.name ?? a.branch, region: a.region ?? b?.region ?? '', metric: a.metric,
    since: a.since, lastPeriod: a.lastPeriod, status: a.status, ...(a.resolvedIn ? { resolvedIn: a.resolvedIn } : {}),
    decline: num(a.decline), declineCi: [num(a.declineCi?.[0]), num(a.declineCi?.[1])],
    baseline: num(a.baseline), current: num(a.current), p: num(a.p), bhThreshold: num(a.bhThreshold), test: a.test,
    drivers: (a.drivers ?? []).map((d) => ({ construct: d.construct, change: num(d.change) })),
    ...(a.bands ? { bands: a.bands } : {}),
  };
}

function watchView(w: StoredWatch, dir: ReadonlyMap<string, BranchInfo>): WatchView {
  return { ...alertView(w, dir), ...(w.resolvedBy ? { resolvedBy: w.resolvedBy } : {}) };
}

/** Newest episode first; within a period, the larger decline first. */
function byNewest<T extends AlertView>(xs: T[]): T[] {
  return xs.sort((a, b) => b.since.localeCompare(a.since) || (b.decline ?? 0) - (a.decline ?? 0) || a.branch.localeCompare(b.branch));
}

/** A branch's episodes: open first, then newest first. */
function sortEpisodes<T extends AlertView>(xs: T[]): T[] {
  return xs.sort((a, b) => (a.status === b.status ? 0 : a.status === 'open' ? -1 : 1) || b.since.localeCompare(a.since));
}

/**
 * Open alerts and open watches, scoped alike: the episodes of the branches `p` may read (a manager: their own),
 * of the region asked for.
 */
export async function alertsView(store: DashboardStore, p: Principal, q: { region?: string }): Promise<AlertsResponse> {
  const [dir, open, watching] = await Promise.all([store.directory(), store.openAlerts(), store.openWatches()]);
  const byId = new Map(dir.map((b) => [b.id, b]));
  const alerts = open
    .filter((a) => canReadBranch(p, a.branch))
    .map((a) => alertView(a, byId))
    .filter((a) => !q.region || a.region === q.region);
  const watches = watching
    .filter((w) => canReadBranch(p, w.branch))
    .map((w) => watchView(w, byId))
    .filter((w) => !q.region || w.region === q.region);
  return { alerts: byNewest(alerts), watches: byNewest(watches) };
}

export async function branchAlertsView(store: DashboardStore, p: Principal, branch: string): Promise<AlertsResponse> {
  assertBranch(p, branch);
  const [dir, items, watching] = await Promise.all([store.directory(), store.branchAlerts(branch), store.branchWatches(branch)]);
  const byId = new Map(dir.map((b) => [b.id, b]));
  return { alerts: sortEpisodes(items.map((a) => alertView(a, byId))), watches: sortEpisodes(watching.map((w) => watchView(w, byId))) };
}

function dropView(d: BranchDrop, branch: string, p: Principal): DropsResponse['drops'][number] {
  const parts = (d.partitions ?? []).filter((x) => x.branch === branch);
  const own = {
    sha256: d.sha256, receivedAt: d.receivedAt ?? null, completedAt: d.completedAt ?? null, status: d.status,
    branchRows: parts.reduce((s, x) => s + x.rows, 0),
    periods: [...new Set([...parts.map((x) => x.period), ...d.conflicts.map((c) => c.period)])].sort(),
    conflictRows: d.conflicts.reduce((s, c) => s + c.rows, 0),
  };
  // A file with other branches' rows (a head-office export): a manager gets their branch's clean part and its
  // rows only. Without partitions the file's make-up is unknown, so it is treated the same way.
  const mixed = !d.partitions || d.partitions.some((x) => x.branch !== branch);
  if (restricted(p) && mixed) {
    const file = [...new Set([...d.branchKeys, ...parts.map((x) => x.key)])].sort()[0] ?? '';
    // Later conflicting drops may concern other branches of the file: withheld with the rest.
    return { ...own, file, rows: null, clean: null, rejected: null, conflictedBy: null, withheld: WITHHELD.drop };
  }
  return {
    ...own, file: d.firstKey, rows: d.counts?.rows ?? null, clean: d.counts?.clean ?? null, rejected: d.counts?.rejected ?? null,
    conflictedBy: [...(d.conflictedBy ?? [])].length,
    ...(d.error ? { error: d.error } : {}),
  };
}

export async function dropsView(store: DashboardStore, p: Principal, branch: string): Promise<DropsResponse> {
  assertBranch(p, branch);
  const info = await branchInfo(store, branch);
  const quarters = [...new Set((await store.metrics({ kind: 'branch', id: branch })).map((m) => m.period).filter((x) => kindTag(x) === 'Q'))];
  const drops = (await store.branchDrops(branch, quarters)).map((d) => dropView(d, branch, p));
  drops.sort((a, b) => (b.periods.at(-1) ?? '').localeCompare(a.periods.at(-1) ?? '') || (b.receivedAt ?? '').localeCompare(a.receivedAt ?? ''));
  return { branch: info, drops };
}
