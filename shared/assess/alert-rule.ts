// The declining-trust alert rule (documented in README "Alerts"). Pure: series in, decisions out.
//
// For each branch and metric at assessment period t, with index I and standard error se per period:
//  - abrupt test:    z1 = (I_t − B) / sqrt(se_t² + se_B²),   B = inverse-variance mean of periods t-4..t-1
//  - sustained test: z2 = (Ī_{t-1,t} − B') / sqrt(se_Ī² + se_B'²), B' = mean of t-5..t-2 (a decline that took
//    hold over two quarters, too slow for z1)
//  - p = min(1, 2 · min(Φ(z1), Φ(z2)))   (one-sided, Bonferroni over the two tests)
//  - eligible only with n_t ≥ minN and ≥ minBaseline baseline periods: small branches do not alert on noise;
//  - Benjamini-Hochberg at level q across every eligible (branch, metric) of the assessment, so 300 branches
//    do not make a stream of false alarms;
//  - and the estimated decline must reach minDecline index points (practical significance).
// A decision that meets everything but BH, with its own p < watchP, is a "watch" (see closeAssessment): a small
// branch's own evidence, told to its manager only.
// A year is tested year over year (testYearOverYear): the year's index (its four quarters pooled) against the year
// before, one one-sided z-test, with its own BH across the branches.
import chisquareQuantile from '@stdlib/stats-base-dists-chisquare-quantile';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { isQuarter, isYear, periodIndex } from '../period';

export interface Observation { period: string; value: number; se: number; n: number }

export interface AlertRuleOptions {
  q: number;
  minN: number;
  minBaseline: number;
  baselinePeriods: number;
  minDecline: number;
  /** Between-period standard deviation that is not sampling noise (index points); widens every baseline. */
  tau: number;
  /** Also estimate tau from the branches' own histories (estimateTau) and use the larger of the two. */
  tauFromData: boolean;
  /** A branch's own p (testDecline's, one-sided, Bonferroni over its two tests) below this makes a watch when BH does not alert. */
  watchP: number;
}

export const DEFAULT_ALERT_RULE: AlertRuleOptions = { q: 0.05, minN: 30, minBaseline: 2, baselinePeriods: 4, minDecline: 2, tau: 0, tauFromData: true, watchP: 0.05 };

/**
 * Between-period SD beyond sampling noise, pooled over units, robust to a few declining ones. For unit b with k
 * quarters in the window, r_b = var(I) / mean(se²) is about (1 + τ²/σ²) · χ²(k−1)/(k−1) when the unit is stable;
 * the median of r_b over units divided by the median of χ²(k−1)/(k−1) estimates 1 + τ²/σ², and τ² follows with the
 * median se². Units with fewer than 4 usable quarters are left out; with fewer than 5 such units the answer is 0.
 */
export function estimateTau(histories: readonly (readonly Observation[])[], window = 8, minN = 30): number {
  const ratios: { r: number; k: number; se2: number }[] = [];
  for (const h of histories) {
    const w = h.filter((o) => o.n >= minN && Number.isFinite(o.se) && o.se > 0).slice(-window);
    if (w.length < 4) continue;
    const mean = w.reduce((a, o) => a + o.value, 0) / w.length;
    const v = w.reduce((a, o) => a + (o.value - mean) ** 2, 0) / (w.length - 1);
    const se2 = w.reduce((a, o) => a + o.se * o.se, 0) / w.length;
    ratios.push({ r: v / se2, k: w.length, se2 });
  }
  if (ratios.length < 5) return 0;
  const median = (xs: number[]) => { const a = [...xs].sort((x, y) => x - y); const m = a.length >> 1; return a.length % 2 ? a[m]! : (a[m - 1]! + a[m]!) / 2; };
  const k = median(ratios.map((x) => x.k));
  const chiMedian = chisquareQuantile(0.5, k - 1) / (k - 1);
  const excess = median(ratios.map((x) => x.r)) / chiMedian - 1;
  return excess > 0 ? Math.sqrt(excess * median(ratios.map((x) => x.se2))) : 0;
}

export interface TestResult {
  unit: string;
  metric: string;
  period: string;
  eligible: boolean;
  reason?: string;
  /** baseline minus current (positive = decline), of the test that gave the smaller p */
  decline: number;
  declineCi: [number, number];
  baseline: number;
  current: number;
  z: number;
  p: number;
  /** annual: the year against the year before (testYearOverYear). */
  test: 'abrupt' | 'sustained' | 'annual';
}

export interface AlertDecision extends TestResult {
  alert: boolean;
  /** BH threshold for this p's rank (k·q/m) */
  bhThreshold: number;
}

/** Quarter number (../period.ts periodIndex); NaN for anything that is not a quarter like 2025-Q3. */
function quarterNumber(period: string): number {
  return isQuarter(period) ? periodIndex(period) : NaN;
}

function pooled(obs: readonly Observation[], tau: number): { mean: number; se: number } {
  let w = 0, s = 0;
  for (const o of obs) {
    const v = o.se * o.se + tau * tau;
    w += 1 / v;
    s += o.value / v;
  }
  return { mean: s / w, se: Math.sqrt(1 / w) };
}

/** One branch's (or unit's) two tests at the last period of `series` (sorted by period, oldest first). */
export function testDecline(unit: string, metric: string, series: readonly Observation[], opts: AlertRuleOptions = DEFAULT_ALERT_RULE): TestResult {
  const cur = series[series.length - 1];
  const blank = { decline: NaN, declineCi: [NaN, NaN] as [number, number], baseline: NaN, current: cur?.value ?? NaN, z: NaN, p: 1, test: 'abrupt' as const };
  if (!cur) return { unit, metric, period: '', eligible: false, reason: 'no data', ...blank };
  if (cur.n < opts.minN || !Number.isFinite(cur.se)) {
    return { unit, metric, period: cur.period, eligible: false, reason: `n=${cur.n} below ${opts.minN}`, ...blank };
  }
  const prev = series.slice(0, -1).filter((o) => Number.isFinite(o.value) && Number.isFinite(o.se) && o.n >= opts.minN);
  // Windows are calendar quarters (t-4..t-1, and t-1 for the sustained test), so a quarter without data shortens
  // a window instead of stretching it back in time. Periods that are not quarters fall back to their order.
  const t = quarterNumber(cur.period);
  const ago = (o: Observation) => t - quarterNumber(o.period);
  const calendar = Number.isFinite(t) && prev.every((o) => Number.isFinite(quarterNumber(o.period)));
  const within = (from: number, to: number) => prev.filter((o) => ago(o) >= from && ago(o) <= to);
  const base1 = calendar ? within(1, opts.baselinePeriods) : prev.slice(-opts.baselinePeriods);
  if (base1.length < opts.minBaseline) {
    return { unit, metric, period: cur.period, eligible: false, reason: `${base1.length} baseline periods, need ${opts.minBaseline}`, ...blank };
  }
  const zc = normalQuantile(0.975, 0, 1);
  const b1 = pooled(base1, opts.tau);
  const se1 = Math.sqrt(cur.se ** 2 + opts.tau ** 2 + b1.se ** 2);
  const d1 = b1.mean - cur.value;
  type Candidate = { decline: number; se: number; baseline: number; current: number; z: number; test: TestResult['test'] };
  let best: Candidate = { decline: d1, se: se1, baseline: b1.mean, current: cur.value, z: -d1 / se1, test: 'abrupt' };
  const previous = calendar ? within(1, 1)[0] : prev[prev.length - 1];
  const last2 = [previous, cur].filter((o): o is Observation => o !== undefined);
  const base2 = calendar ? within(2, opts.baselinePeriods + 1) : prev.slice(0, -1).slice(-opts.baselinePeriods);
  if (last2.length === 2 && base2.length >= opts.minBaseline) {
    const recent = pooled(last2, opts.tau);
    const b2 = pooled(base2, opts.tau);
    const se2 = Math.sqrt(recent.se ** 2 + b2.se ** 2);
    const d2 = b2.mean - recent.mean;
    const z2 = -d2 / se2;
    if (z2 < best.z) best = { decline: d2, se: se2, baseline: b2.mean, current: recent.mean, z: z2, test: 'sustained' };
  }
  const p = Math.min(1, 2 * normalCdf(best.z, 0, 1));
  return {
    unit, metric, period: cur.period, eligible: true,
    decline: best.decline, declineCi: [best.decline - zc * best.se, best.decline + zc * best.se],
    baseline: best.baseline, current: best.current, z: best.z, p, test: best.test,
  };
}

/**
 * The annual test: the last year of `series` (annual observations, each year's index from its four quarters pooled)
 * against the calendar year before, z = (I_y − I_{y−1}) / sqrt(se_y² + se_{y−1}² + 2τ²), p = Φ(z) one-sided (one
 * test, no Bonferroni). τ is the between-year SD beyond sampling (closeAssessment estimates it from the annual
 * histories). Eligible with n ≥ minN in both years; a missing previous year makes it ineligible (no reaching back).
 */
export function testYearOverYear(unit: string, metric: string, series: readonly Observation[], opts: AlertRuleOptions = DEFAULT_ALERT_RULE): TestResult {
  const cur = series[series.length - 1];
  const blank = { decline: NaN, declineCi: [NaN, NaN] as [number, number], baseline: NaN, current: cur?.value ?? NaN, z: NaN, p: 1, test: 'annual' as const };
  if (!cur) return { unit, metric, period: '', eligible: false, reason: 'no data', ...blank };
  if (!isYear(cur.period)) throw new Error(`testYearOverYear: ${unit} ${metric}: '${cur.period}' is not a year`);
  const year = Number(cur.period);
  const prev = series.find((o) => o.period === String(year - 1));
  const why = cur.n < opts.minN || !Number.isFinite(cur.se) ? `n=${cur.n} below ${opts.minN}`
    : !prev ? `no ${year - 1}`
    : prev.n < opts.minN || !Number.isFinite(prev.se) || !Number.isFinite(prev.value) ? `n=${prev.n} below ${opts.minN} in ${year - 1}` : undefined;
  if (why || !prev) return { unit, metric, period: cur.period, eligible: false, reason: why ?? `no ${year - 1}`, ...blank };
  const se = Math.sqrt(cur.se ** 2 + prev.se ** 2 + 2 * opts.tau ** 2);
  const decline = prev.value - cur.value;
  const z = -decline / se;
  const zc = normalQuantile(0.975, 0, 1);
  return {
    unit, metric, period: cur.period, eligible: true, decline, declineCi: [decline - zc * se, decline + zc * se],
    baseline: prev.value, current: cur.value, z, p: normalCdf(z, 0, 1), test: 'annual',
  };
}

/**
 * Benjamini-Hochberg step-up at level q over p-values, one result per input in the same order: the threshold k·q/m of
 * its rank and whether it is rejected. A null p takes no part (threshold NaN, not rejected).
 */
export function benjaminiHochberg(ps: readonly (number | null)[], q: number): { threshold: number; reject: boolean }[] {
  const ranked = ps.flatMap((p, i) => (p === null ? [] : [{ p, i }])).sort((a, b) => a.p - b.p);
  const m = ranked.length;
  let cut = -1;
  ranked.forEach(({ p }, k) => { if (p <= ((k + 1) * q) / m) cut = k; });
  const out = ps.map(() => ({ threshold: NaN, reject: false }));
  ranked.forEach(({ i }, k) => { out[i] = { threshold: ((k + 1) * q) / m, reject: k <= cut }; });
  return out;
}

/** Benjamini-Hochberg step-up over the eligible tests; returns one decision per input, same order. */
export function decideAlerts(tests: readonly TestResult[], opts: AlertRuleOptions = DEFAULT_ALERT_RULE): AlertDecision[] {
  const bh = benjaminiHochberg(tests.map((t) => (t.eligible ? t.p : null)), opts.q);
  return tests.map((t, i) => ({ ...t, bhThreshold: bh[i]!.threshold, alert: bh[i]!.reject && t.decline >= opts.minDecline }));
}
