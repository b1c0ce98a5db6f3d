// Closing an assessment period: per-branch decline tests with BH control (./alert-rule.ts), branch vs network
// and period vs period comparisons, alert and watch episodes, and the assessment record. Pure: series in, records out.
// A quarter runs the quarterly tests (abrupt, sustained) and the watch tier; a year ('2025') runs the year-over-year
// test with its own BH. Quarterly and annual episodes never meet: an episode bears only on periods of its own kind.
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { benjaminiHochberg, DEFAULT_ALERT_RULE, decideAlerts, estimateTau, testDecline, testYearOverYear, type AlertDecision, type AlertRuleOptions, type Observation } from './alert-rule';
import { isYear } from '../period';
import { bandOf, type Band } from '../stats/ikm';

/** The alert metric of a drop in the IKM's mutu pelayanan (A-D), beside the decline tests of the index itself. */
export const IKM_BAND_METRIC = 'IKM_BAND';
const IKM = 'IKM';

/** Index observations of one unit: metric -> series sorted oldest first (the last entry is the assessed period). */
export type UnitSeries = Record<string, Observation[]>;

export interface Comparison { diff: number; se: number; z: number; p: number }

/** Two-sided z-test of the difference of two independent index estimates. */
export function compare(a: Observation | undefined, b: Observation | undefined): Comparison | null {
  if (!a || !b || !Number.isFinite(a.se) || !Number.isFinite(b.se)) return null;
  const diff = a.value - b.value;
  const se = Math.sqrt(a.se ** 2 + b.se ** 2);
  const z = diff / se;
  return { diff, se, z, p: 2 * normalCdf(-Math.abs(z), 0, 1) };
}

export interface Alert {
  branch: string;
  period: string;
  metric: string;
  /** Index points lost against the baseline (positive = decline), with its 95% CI. */
  decline: number;
  declineCi: [number, number];
  baseline: number;
  current: number;
  p: number;
  bhThreshold: number;
  /**
   * band: the IKM's mutu pelayanan fell (baseline = the IKM before, current = now; p of the drop, BH across branches).
   * annual: the year against the year before (period and since are the year, e.g. '2025').
   */
  test: 'abrupt' | 'sustained' | 'band' | 'annual';
  /** For a band alert: the grade before and now. */
  bands?: { from: Band; to: Band };
  /** Driver constructs sorted by how much their index fell over the same window. */
  drivers: { construct: string; change: number }[];
  /** First period of this episode (an open alert that continues keeps its first period). */
  since: string;
  status: 'open';
}

/**
 * A watch: a branch's own quarterly test is significant (p < rule.watchP, decline >= minDecline) but does not survive
 * Benjamini-Hochberg across the network. The same evidence as an alert (bhThreshold: the BH threshold it missed),
 * told to the branch's manager only. Quarterly tests only: IKM band alerts and the annual test have no watch tier.
 */
export type Watch = Omit<Alert, 'test' | 'bands'> & { test: 'abrupt' | 'sustained' };

/** A closed episode; a watch superseded by an alert of the same branch and metric says so (resolvedBy 'alert'). */
export interface Resolved { branch: string; metric: string; since: string; resolvedBy?: 'alert' }

export interface BranchRow {
  branch: string;
  region?: string;
  n: number;
  indices: Record<string, Observation | undefined>;
  vsNetwork: Record<string, Comparison | null>;
  vsPrevious: Record<string, Comparison | null>;
  decisions: AlertDecision[];
}

export interface AssessmentInput {
  period: string;
  /** Alerted metrics, e.g. ['TRUST']. */
  metrics: readonly string[];
  /** Driver constructs reported with an alert, e.g. TRUST's drivers CRM and SQ. */
  drivers: Record<string, readonly string[]>;
  branches: Record<string, { region?: string; series: UnitSeries }>;
  network: UnitSeries;
  /**
   * Currently open alerts: `${branch}#${metric}` -> the period the episode started. Only episodes of the assessed
   * period's kind count (a quarterly episode is left alone by an annual assessment and the other way round).
   */
  openAlerts: ReadonlyMap<string, string>;
  /** Currently open watches, the same shape (default none). */
  openWatches?: ReadonlyMap<string, string>;
  /**
   * A lower bound of tau per metric. The year-over-year test gets the quarterly series' tau: a year's index moves
   * at least as the quarters' beyond-sampling movement lets it, and the annual histories are too short to say (the
   * estimate needs four earlier years).
   */
  tauFloor?: Record<string, number>;
  rule?: AlertRuleOptions;
  /** Also raise an alert when a branch's IKM grade drops (B to C), see ikmBandAlerts. */
  bandAlerts?: boolean;
  /** Drivers of a band alert: the NRR series (NRR_U1, ...), whose changes are reported like a construct's. */
  bandDrivers?: readonly string[];
}

export interface AssessmentOutput {
  period: string;
  rows: BranchRow[];
  /** Alerts raised for the first time in this period. */
  newAlerts: Alert[];
  /** Open alerts whose decline is still significant this period (not raised again). */
  continuing: Alert[];
  /** Open alerts whose branch no longer shows a significant decline (to close). */
  resolved: Resolved[];
  /** Watches opened in this period, still flagged, and closed (by a test that no longer flags them, or by an alert). */
  newWatches: Watch[];
  continuingWatches: Watch[];
  resolvedWatches: Resolved[];
  tested: number;
  /** The between-period SD used per metric (the rule's tau, or the larger estimate from the histories). */
  tau: Record<string, number>;
}

const at = (s: Observation[] | undefined, period: string) => s?.find((o) => o.period === period);
const before = (s: Observation[] | undefined, period: string) => s?.filter((o) => o.period < period).at(-1);

export function closeAssessment(input: AssessmentInput): AssessmentOutput {
  const rule = input.rule ?? DEFAULT_ALERT_RULE;
  const annual = isYear(input.period);
  const names = Object.keys(input.branches).sort();
  // A series holds one kind of period (quarters or years), so text order is time order.
  const upTo = (b: string, m: string) => (input.branches[b]!.series[m] ?? []).filter((o) => o.period <= input.period);
  // tau from the histories before the assessed period, so the period's own declines do not inflate it. For a year
  // these are annual histories: their spread beyond sampling is the between-year SD the annual test needs.
  const tau = Object.fromEntries(input.metrics.map((m) => [m, rule.tauFromData
    ? Math.max(rule.tau, input.tauFloor?.[m] ?? 0, estimateTau(names.map((b) => upTo(b, m).filter((o) => o.period !== input.period)), 8, rule.minN))
    : Math.max(rule.tau, input.tauFloor?.[m] ?? 0)]));
  const test = annual ? testYearOverYear : testDecline;
  const tests = names.flatMap((b) => input.metrics.map((m) => test(b, m, upTo(b, m), { ...rule, tau: tau[m]! })));
  // Only tests of the assessed period count (a branch without data this period is not tested).
  const current = tests.map((t) => (t.period === input.period ? t : { ...t, eligible: false, reason: 'no data this period' }));
  const decisions = decideAlerts(current, rule);
  const byBranch = new Map<string, AlertDecision[]>();
  decisions.forEach((d) => byBranch.set(d.unit, [...(byBranch.get(d.unit) ?? []), d]));

  const rows: BranchRow[] = names.map((b) => {
    const s = input.branches[b]!.series;
    const metrics = Object.keys(s);
    const indices = Object.fromEntries(metrics.map((m) => [m, at(s[m], input.period)]));
    return {
      branch: b,
      ...(input.branches[b]!.region ? { region: input.branches[b]!.region } : {}),
      n: Math.max(0, ...Object.values(indices).map((o) => o?.n ?? 0)),
      indices,
      vsNetwork: Object.fromEntries(metrics.map((m) => [m, compare(indices[m], at(input.network[m], input.period))])),
      vsPrevious: Object.fromEntries(metrics.map((m) => [m, compare(indices[m], before(s[m], input.period))])),
      decisions: byBranch.get(b) ?? [],
    };
  });

  // An episode opened in a later period than the one assessed (a re-run of history), or of the other kind (a
  // quarterly episode at an annual assessment), does not bear on it.
  const openAsOf = (open: ReadonlyMap<string, string> | undefined, key: string) => {
    const since = open?.get(key);
    return since !== undefined && isYear(since) === annual && since <= input.period ? since : undefined;
  };
  const earlier = (since: string) => since < input.period;
  const newAlerts: Alert[] = [], continuing: Alert[] = [], resolved: Resolved[] = [];
  const newWatches: Watch[] = [], continuingWatches: Watch[] = [], resolvedWatches: Resolved[] = [];
  for (const d of decisions) {
    const key = `${d.unit}#${d.metric}`;
    const since = openAsOf(input.openAlerts, key);
    const watchSince = annual ? undefined : openAsOf(input.openWatches, key);
    const tested = d.eligible && d.period === input.period;
    const watchLevel = !annual && tested && !d.alert && d.p < rule.watchP && d.decline >= rule.minDecline;
    // Resolved only by positive evidence: an eligible test of a later period that no longer shows the decline.
    if (!d.alert && since !== undefined && earlier(since) && tested) resolved.push({ branch: d.unit, metric: d.metric, since });
    if (watchSince !== undefined) {
      // An alert supersedes the watch; a test that flags it even at watch level no longer resolves it.
      if (d.alert) resolvedWatches.push({ branch: d.unit, metric: d.metric, since: watchSince, resolvedBy: 'alert' });
      else if (!watchLevel && tested && earlier(watchSince)) resolvedWatches.push({ branch: d.unit, metric: d.metric, since: watchSince });
    }
    if (!d.alert && !watchLevel) continue;
    const series = input.branches[d.unit]!.series;
    const drivers = driverChanges(series, input.drivers[d.metric] ?? [], input.period, d.test === 'sustained' ? 2 : 1, annual ? 1 : rule.baselinePeriods);
    const evidence = {
      branch: d.unit, period: d.period, metric: d.metric, decline: d.decline, declineCi: d.declineCi,
      baseline: d.baseline, current: d.current, p: d.p, bhThreshold: d.bhThreshold, drivers, status: 'open' as const,
    };
    if (d.alert) {
      const alert: Alert = { ...evidence, test: d.test, since: since ?? d.period };
      // An episode that started in this very period is new (a re-run of the same assessment reports it the same way).
      (since !== undefined && since !== input.period ? continuing : newAlerts).push(alert);
    } else {
      const watch: Watch = { ...evidence, test: d.test as Watch['test'], since: watchSince ?? d.period };
      (watchSince !== undefined && watchSince !== input.period ? continuingWatches : newWatches).push(watch);
    }
  }
  if (input.bandAlerts && !annual) {
    const band = ikmBandAlerts(input, rule);
    newAlerts.push(...band.newAlerts); continuing.push(...band.continuing); resolved.push(...band.resolved);
  }
  return {
    period: input.period, rows, newAlerts, continuing, resolved, newWatches, continuingWatches, resolvedWatches,
    tested: decisions.filter((d) => d.eligible).length, tau,
  };
}

/** How much each driver series moved: mean of the last `window` periods minus the mean of up to `baseline` before. */
function driverChanges(series: UnitSeries, drivers: readonly string[], period: string, window: number, baseline: number): Alert['drivers'] {
  return drivers.flatMap((c) => {
    const s = (series[c] ?? []).filter((o) => o.period <= period);
    if (s.length < window + 1) return [];
    const recent = s.slice(-window), base = s.slice(0, -window).slice(-baseline);
    if (!base.length) return [];
    const mean = (xs: Observation[]) => xs.reduce((a, o) => a + o.value, 0) / xs.length;
    return [{ construct: c, change: mean(recent) - mean(base) }];
  }).sort((a, b) => a.change - b.change);
}

const BAND_RANK: Record<Band, number> = { A: 0, B: 1, C: 2, D: 3 };

/**
 * Band alerts: a branch whose IKM grade (mutu pelayanan, what the unit publishes) is worse than in its previous
 * assessed period raises an alert of its own when the fall is real: the one-sided test of the decline survives
 * Benjamini-Hochberg at the rule's q across the branches compared, so an IKM that hovers at a grade boundary does not
 * alert every other quarter. An open episode continues while the grade stays below the one before the episode and is
 * resolved once it is back. Both periods need n >= the rule's minN.
 */
function ikmBandAlerts(input: AssessmentInput, rule: AlertRuleOptions): Pick<AssessmentOutput, 'newAlerts' | 'continuing' | 'resolved'> {
  const out: Pick<AssessmentOutput, 'newAlerts' | 'continuing' | 'resolved'> = { newAlerts: [], continuing: [], resolved: [] };
  type Candidate = { b: string; since?: string; ref: Observation; cur: Observation; from: Band; to: Band; se: number; p: number };
  const candidates: Candidate[] = [];
  for (const b of Object.keys(input.branches).sort()) {
    const s = (input.branches[b]!.series[IKM] ?? []).filter((o) => o.period <= input.period && Number.isFinite(o.value));
    const cur = s.at(-1);
    if (!cur || cur.period !== input.period || cur.n < rule.minN) continue;
    const opened = input.openAlerts.get(`${b}#${IKM_BAND_METRIC}`);
    const since = opened !== undefined && opened <= input.period ? opened : undefined;
    // the reference: the period before the episode began, else the period before this one
    const ref = s.filter((o) => o.period < (since ?? input.period)).at(-1);
    if (!ref || ref.n < rule.minN) continue;
    const se = Math.sqrt(cur.se ** 2 + ref.se ** 2);
    const p = Number.isFinite(se) && se > 0 ? normalCdf(-(ref.value - cur.value) / se, 0, 1) : NaN;
    candidates.push({ b, ...(since !== undefined ? { since } : {}), ref, cur, from: bandOf(ref.value)!, to: bandOf(cur.value)!, se, p });
  }
  // Benjamini-Hochberg over the branches compared (new episodes only: a continuing one needs no new evidence)
  const bh = benjaminiHochberg(candidates.map((c) => (c.since === undefined && Number.isFinite(c.p) ? c.p : null)), rule.q);
  const zc = normalQuantile(0.975, 0, 1);
  candidates.forEach((c, i) => {
    if (BAND_RANK[c.to] <= BAND_RANK[c.from]) {
      if (c.since !== undefined && c.since < input.period) out.resolved.push({ branch: c.b, metric: IKM_BAND_METRIC, since: c.since });
      return;
    }
    if (c.since === undefined && !bh[i]!.reject) return;
    const decline = c.ref.value - c.cur.value;
    const alert: Alert = {
      branch: c.b, period: input.period, metric: IKM_BAND_METRIC, decline, declineCi: [decline - zc * c.se, decline + zc * c.se],
      baseline: c.ref.value, current: c.cur.value, p: c.p, bhThreshold: bh[i]!.threshold,
      test: 'band', bands: { from: c.from, to: c.to }, drivers: driverChanges(input.branches[c.b]!.series, input.bandDrivers ?? [], input.period, 1, rule.baselinePeriods),
      since: c.since ?? input.period, status: 'open',
    };
    (c.since !== undefined && c.since !== input.period ? out.continuing : out.newAlerts).push(alert);
  });
  return out;
}
