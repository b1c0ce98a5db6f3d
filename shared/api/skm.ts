// GET /api/skm: the SKM report a unit publishes (Permenpan RB 14/2017) for one period, from the stored items:
// the unit's summary (SummaryItem.ikm and .profile, written by the recompute), its IKM metric series, and the
// branches' IKM metric items of the period (the ranking partition, GSI1 METRIC#IKM#<period>). Figures pass
// through as stored; the grade of a trend point or ranked branch is the regulation's mapping of its stored IKM
// (shared/stats/ikm.ts bandOf), the same the recompute applied to the unit's own.
//
// Who sees what (as the other views, ./views.ts): a branch is readable by head office and its own manager
// (403 otherwise). For a branch manager, an aggregate (network or region) follows the disclosure rule
// (./disclosure.ts): its figures, n and profile are withheld with the whole aggregate; otherwise each category
// count of its profile is one more breakdown cell, shown only when it pools K_BRANCHES branches and MIN_CELL_N
// respondents of other branches (with secondary suppression: the plan of that dimension); each trend period is
// decided as that period's whole aggregate. Ranking: a manager gets their own branch only and no positions,
// as the overview's ranking lists only the branches a user may read.
import { assertBranch, visibleBranches, type Principal } from '../auth';
import { profileCounts } from '../assess/profile';
import type { MetricItem, SummaryItem } from '../assess/records';
import { keys, unitPk, type Unit } from '../layout/keys';
import { comparePeriods, kindTag, periodKind } from '../period';
import { BAND_FLOORS, bandOf, round2 } from '../stats/ikm';
import { disclosurePlan, restricted, WITHHELD, type BranchCounts, type DisclosurePlan, type Scope } from './disclosure';
import { ApiError } from './params';
import type { DashboardStore } from './store';
import {
  CATEGORY_ORDER, PROFILE_ORDER,
  type SkmBand, type SkmFigures, type SkmProfileTable, type SkmRankRow, type SkmResponse, type SkmTrendPoint, type SkmUnit,
} from './skm-types';
import type { BranchInfo, Withheld } from './types';
import { branchInfo, wholeDisclosure } from './views';

export * from './skm-types';

export interface SkmQuery { period: string; region?: string; branch?: string }

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const band = (v: number | null): SkmBand | null => (v === null ? null : bandOf(v));

/** The stored SKM block of a summary as the report's figures (null when the unit has none). */
export function skmFigures(s: SummaryItem | undefined): SkmFigures | null {
  const k = s?.ikm;
  if (!k) return null;
  return {
    n: k.n, weights: k.weights, weight: k.weight,
    unsur: k.unsur.map((u) => ({ unsur: u.unsur, n: u.n, nrr: num(u.nrr), weighted: num(u.weighted) })),
    ikm: num(k.ikm), ikmRounded: num(k.ikmRounded), band: k.band ?? null,
    se: num(k.se), ciLow: num(k.ciLow), ciHigh: num(k.ciHigh), moe: num(k.moe),
    priorities: k.priorities.map((p) => ({ unsur: p.unsur, nrr: p.nrr, why: p.why })),
    sample: k.sample ? { population: k.sample.population, required: k.sample.required, n: k.sample.n, enough: k.sample.enough } : null,
  };
}

/** Categories of one dimension in a readable order: the instrument's where known, then by code; '' last. */
function orderedCodes(dimension: string, codes: Iterable<string>): string[] {
  const known = CATEGORY_ORDER[dimension] ?? [];
  const rank = (c: string) => (c === '' ? Infinity : known.includes(c) ? known.indexOf(c) : known.length);
  return [...new Set(codes)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

function profileTables(profile: SummaryItem['profile'], why: (dimension: string, code: string) => string | undefined, withheld: Withheld): SkmProfileTable[] {
  if (!profile) return [];
  const dims = Object.keys(profile).sort((a, b) => {
    const ia = PROFILE_ORDER.indexOf(a), ib = PROFILE_ORDER.indexOf(b);
    return (ia < 0 ? PROFILE_ORDER.length : ia) - (ib < 0 ? PROFILE_ORDER.length : ib) || a.localeCompare(b);
  });
  return dims.map((dimension) => {
    const counts = profile[dimension] ?? {};
    const total = Object.values(counts).reduce((s, x) => s + x, 0);
    const rows = orderedCodes(dimension, Object.keys(counts)).map((code) => {
      const reason = why(dimension, code);
      if (reason) {
        withheld[`profile.${dimension}.${code}`] = reason as Withheld[string];
        return { code, n: null, share: null };
      }
      const n = counts[code] ?? 0;
      return { code, n, share: total > 0 ? n / total : null };
    });
    return { dimension, total, rows };
  });
}

/**
 * The disclosure plans of the profile's dimensions for a manager and an aggregate: one per dimension, with every
 * branch of the period as a row (its respondents as the whole, as ./views.ts disclosureOf counts them) and its
 * category counts from its summary as cells; respondents who did not answer are the uncategorized part.
 */
async function profilePlans(store: DashboardStore, p: Principal, period: string, dimensions: readonly string[]): Promise<Map<string, DisclosurePlan>> {
  const [dir, coverage] = await Promise.all([store.directory(), store.branchCoverage(period, 'IKM')]);
  const regionOf = new Map(dir.map((b) => [b.id, b.region]));
  const summaries = await store.branchSummaries(coverage.map((c) => c.branch), period);
  const plans = new Map<string, DisclosurePlan>();
  for (const dim of dimensions) {
    const codes = new Set<string>();
    const rows = coverage.map((c): BranchCounts => {
      const base: BranchCounts = { branch: c.branch, region: regionOf.get(c.branch) ?? c.region ?? '', total: c.n };
      const counts = profileCounts(summaries.get(c.branch)?.profile?.[dim]);
      if (!counts) return { ...base, cells: {}, uncategorized: c.n };
      const cells = Object.fromEntries(Object.entries(counts).filter(([code]) => code !== ''));
      for (const code of Object.keys(cells)) codes.add(code);
      return { ...base, cells, uncategorized: Math.max(0, c.n - Object.values(cells).reduce((s, x) => s + x, 0)) };
    });
    plans.set(dim, disclosurePlan(p, rows, [...codes]));
  }
  return plans;
}

function trendOf(items: readonly MetricItem[], period: string): SkmTrendPoint[] {
  const kind = kindTag(period);
  return items
    .filter((m) => m.metric === 'IKM' && kindTag(m.period) === kind && comparePeriods(m.period, period) <= 0)
    .sort((a, b) => comparePeriods(a.period, b.period))
    .map((m) => ({ period: m.period, value: num(m.value), ciLow: num(m.ciLow), ciHigh: num(m.ciHigh), n: m.n, band: band(num(m.value)) }));
}

function rankRow(m: MetricItem, info: BranchInfo | undefined, branch: string): Omit<SkmRankRow, 'rank'> {
  const v = num(m.value);
  return {
    branch, name: info?.name ?? branch, region: info?.region ?? m.region ?? '', n: m.n,
    ikm: v, ikmRounded: v === null ? null : round2(v), ciLow: num(m.ciLow), ciHigh: num(m.ciHigh), band: band(v),
  };
}

export async function skmView(store: DashboardStore, p: Principal, q: SkmQuery): Promise<SkmResponse> {
  if (q.branch && q.region) throw new ApiError(400, 'api.error.paramInvalid', { name: 'region', value: q.region.slice(0, 40) });
  const dir = await store.directory();
  let unit: SkmUnit;
  let key: Unit;
  if (q.branch) {
    assertBranch(p, q.branch);
    const info = await branchInfo(store, q.branch);
    unit = { kind: 'branch', id: info.id, name: info.name, ...(info.region ? { region: info.region } : {}) };
    key = { kind: 'branch', id: info.id };
  } else if (q.region) {
    if (dir.length > 0 && !dir.some((b) => b.region === q.region)) throw new ApiError(404, 'api.error.regionUnknown', { region: q.region });
    unit = { kind: 'region', id: q.region };
    key = { kind: 'region', id: q.region };
  } else {
    unit = { kind: 'network' };
    key = { kind: 'network' };
  }
  const aggregate = unit.kind !== 'branch';
  const scope: Scope = unit.kind === 'region' ? { region: unit.id } : {};
  const guarded = aggregate && restricted(p);

  const [summary, metrics, plan] = await Promise.all([
    store.summary(key, q.period),
    store.metrics(key),
    // counted by the IKM's own respondents: the branches whose drops carry the SKM (not the questionnaire's)
    guarded ? wholeDisclosure(store, p, q.period, 'IKM') : Promise.resolve(undefined),
  ]);
  const withheld: Withheld = {};
  const why = plan?.withheld(scope);

  // Header, unsur table, priorities and profile: the unit's summary of the period.
  let ikm: SkmFigures | null = null;
  let n: number | null = null;
  let profile: SkmProfileTable[] = [];
  if (why) {
    withheld.ikm = why;
  } else if (summary) {
    ikm = skmFigures(summary);
    n = summary.n;
    const dims = Object.keys(summary.profile ?? {});
    const plans = guarded ? await profilePlans(store, p, q.period, dims) : new Map<string, DisclosurePlan>();
    profile = profileTables(summary.profile && Object.fromEntries(Object.entries(summary.profile).map(([d, c]) => [d, profileCounts(c)!])), (dim, code) => (code === '' ? undefined : plans.get(dim)?.withheld(scope, code)), withheld);
    // 'Not answered' is the total minus the categories: shown only while every category is (else it would give
    // the withheld ones away by difference).
    for (const t of profile) {
      const blank = t.rows.find((r) => r.code === '');
      if (blank && t.rows.some((r) => r.n === null)) {
        blank.n = null;
        blank.share = null;
        withheld[`profile.${t.dimension}.`] = WITHHELD.difference;
      }
    }
  }

  // Trend: every period of the same kind up to this one; for a manager each aggregate period as its rule decides.
  let trend = trendOf(metrics, q.period);
  if (guarded) {
    const plans = await Promise.all(trend.map((x) => wholeDisclosure(store, p, x.period, 'IKM')));
    trend = trend.filter((x, i) => {
      const w = plans[i]!.withheld(scope);
      if (w) withheld[`trend.${x.period}`] = w;
      return !w;
    });
  }

  // Ranking: the branches of the region (a region report) or of the network, by IKM; a manager's own only.
  const inScope = dir.filter((b) => unit.kind !== 'region' || b.region === unit.id);
  const visible = visibleBranches(p, inScope);
  const byId = new Map(dir.map((b) => [b.id, b]));
  let items: MetricItem[];
  if (restricted(p)) {
    items = (await Promise.all(visible.map((b) => store.backend.get(keys.metric({ kind: 'branch', id: b.id }, 'IKM', q.period)))))
      .filter((x): x is NonNullable<typeof x> => !!x) as unknown as MetricItem[];
  } else {
    items = (await store.backend.query({ index: 'gsi1', pk: keys.metricRanking('IKM', q.period), skPrefix: 'BRANCH#' })) as unknown as MetricItem[];
  }
  const visibleIds = new Set(visible.map((b) => b.id));
  const rows = items
    .map((m) => ({ m, branch: String(m.pk).slice(unitPk({ kind: 'branch', id: '' }).length) }))
    // Without a directory every branch with data is in the network; a region report needs the directory's regions.
    .filter(({ branch }) => (dir.length === 0 ? unit.kind !== 'region' : visibleIds.has(branch)))
    .map(({ m, branch }) => rankRow(m, byId.get(branch), branch))
    .sort((a, b) => (b.ikm ?? -Infinity) - (a.ikm ?? -Infinity) || a.branch.localeCompare(b.branch));
  const ownOnly = restricted(p);
  const ranking: SkmRankRow[] = rows.map((r, i) => ({ rank: ownOnly || r.ikm === null ? null : i + 1, ...r }));
  const ranked = new Set(rows.filter((r) => r.ikm !== null).map((r) => r.branch));
  const missingBranches = visible.map((b) => b.id).filter((id) => !ranked.has(id));

  return {
    unit, period: q.period, kind: periodKind(q.period), n, ikm, profile, trend, ranking, rankingOwnOnly: ownOnly, missingBranches,
    bands: BAND_FLOORS.map((b) => ({ band: b.band, floor: b.floor })),
    withheld,
  };
}
