// Power and false-alarm rate of the declining-trust alert rule (shared/assess/alert-rule.ts), per tier (the
// network-controlled alert, the branch's own watch, and either), measured with the survey simulator and run through
// closeAssessment (shared/assess/assessment.ts), the code the pipeline runs, with the pipeline's episode bookkeeping
// for alerts and watches; and the annual year-over-year test (a year's four quarters pooled against the year before).
//
// Run: npx tsx bench/alert-power.ts [--reps N] [--seed S] [--watch-p P]  (default 40 replicates, a few minutes).
// --no-shortcut skips the validation against production, --no-annual the annual study.
// What-ifs: --q Q and --tau T rerun with another BH level / rule tau; --watch-p P another watch level; --shock SD adds between-quarter variation of
// the branches' true level (index points; the simulator has none) to both studies. Not a test: it prints,
// it does not assert (test/unit/shared/assess/alert-power.test.ts holds the fast checks and the shortcut's validation).
//
// The shortcut that makes it fast. Production gives each branch-period the ACSI index of that drop's own PLS
// outer weights with a bootstrap SE (shared/assess/recompute.ts, unit-estimator.ts): far too slow for
// 300 branches x 16 quarters x many replicates. Here instead:
//  - the TRUST weights are estimated once, by estimatePls on a large network sample of simulateRows, and made
//    ACSI-relative (fixedTrustWeights);
//  - each branch-period's TRUST items are drawn through the simulator's population model, but only the part
//    TRUST needs (trustDrop): TRUST = 0.162 CRM + 0.402 SQ + e has unit variance and mean 0.162·s_CRM +
//    0.402·s_SQ + s_TRUST, the shifts s (random branch offsets + drifts) coming from the simulator's own
//    branchShift; items are cut at the simulator's thresholds with its TRUST loadings (its redraw of an all-equal
//    respondent, vanishingly rare, is left out). About 30x faster than the full respondent (45 items, demographics);
//  - index = mean of the per-row 0-100 scores with the fixed weights, SE = sd/sqrt(n).
// validateShortcut() checks it against production: analytic SE vs the bootstrap SE of createUnitEstimator +
// bootstrapPls (the estimator recomputeUnit runs), fixed-weight vs per-drop PLS index, and the sampling SD of
// the production index over independent drops; the unit test also checks trustDrop against simulateRows' rows.
import { pathToFileURL } from 'node:url';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import { closeAssessment, type Alert, type AssessmentOutput, type UnitSeries } from '../shared/assess/assessment';
import { DEFAULT_ALERT_RULE, type AlertRuleOptions, type Observation } from '../shared/assess/alert-rule';
import { createUnitEstimator } from '../shared/assess/unit-estimator';
import { satisfactionModel } from '../shared/models';
import { addQuarters } from '../shared/period';
import { bootstrapPls } from '../shared/stats/bootstrap';
import { relativeWeights } from '../shared/stats/indices';
import { estimatePls } from '../shared/stats/pls';
import type { DataTable } from '../shared/stats/table';
import {
  branchShift, dropRespondents, ITEM_THRESHOLDS, LATENT_CONSTRUCTS, parseSimulateOptions, Rng, SEED000_LOADINGS,
  SEED000_PATHS, SIM_ITEMS, simulateRows, type SimulateOptions, type SimulateOptionsInput,
} from '../shared/survey/simulate';

export const TRUST_ITEMS = ['TRUST1', 'TRUST2', 'TRUST3', 'TRUST4'] as const;
const SCALE = { min: 1, max: 5 };
const SAT_ITEMS = Object.values(satisfactionModel.constructs).flatMap((c) => c.items);
const L = Object.fromEntries(LATENT_CONSTRUCTS.map((c, i) => [c, i])) as Record<(typeof LATENT_CONSTRUCTS)[number], number>;

/** Rows (simulated respondents) as the item table the PLS estimator reads. */
export function itemTable(rows: Iterable<{ items: Int8Array }>, names: readonly string[] = SAT_ITEMS): DataTable {
  const pos = names.map((nm) => {
    const j = SIM_ITEMS.indexOf(nm);
    if (j < 0) throw new Error(`item ${nm} is not simulated`);
    return j;
  });
  const acc: number[][] = names.map(() => []);
  for (const r of rows) pos.forEach((j, k) => acc[k]!.push(r.items[j]!));
  return { names, cols: acc.map((a) => Float64Array.from(a)), n: acc[0]!.length };
}

/** ACSI-relative TRUST weights (sum 1) of the satisfaction model, estimated once on a large network sample. */
export function fixedTrustWeights(sample: SimulateOptionsInput = { seed: 'weights', branches: 30, periods: '2024-Q1', n: 400 }): number[] {
  const est = estimatePls(satisfactionModel, itemTable(simulateRows(sample)));
  const weights = Object.fromEntries(est.weights.filter((w) => w.construct === 'TRUST').map((w) => [w.item, w.estimate]));
  const rel = relativeWeights('TRUST', { weights, itemMeans: est.itemMeans, itemSds: est.itemSds });
  return TRUST_ITEMS.map((i) => rel.get(i)!);
}

/** Fixed-weight index (mean of the per-row 0-100 scores) with its analytic SE sd/sqrt(n), from TRUST item codes. */
export function fixedIndex(codes: readonly ArrayLike<number>[], weights: readonly number[]): { value: number; se: number; n: number } {
  const n = codes[0]!.length;
  let s = 0, ss = 0;
  for (let r = 0; r < n; r++) {
    let x = 0;
    for (let k = 0; k < weights.length; k++) x += weights[k]! * codes[k]![r]!;
    x = ((x - SCALE.min) / (SCALE.max - SCALE.min)) * 100;
    s += x;
    ss += x * x;
  }
  const mean = s / n;
  return { value: mean, se: Math.sqrt((ss - n * mean * mean) / (n - 1) / n), n };
}

const TRUST_LOADINGS = SEED000_LOADINGS.TRUST;
const TRUST_NOISE = TRUST_LOADINGS.map((l) => Math.sqrt(1 - l * l));
const category = (x: number) => {
  let k = 1;
  for (const t of ITEM_THRESHOLDS) if (x > t) k++;
  return k;
};

/**
 * The TRUST item codes of one simulated drop, drawn through the population model's TRUST part only (see the
 * header). Its own random stream per (seed, branch, period); same distribution as simulateRows' TRUST items.
 */
export function trustDrop(o: SimulateOptions, branch: string, period: string): Int8Array[] {
  const rng = new Rng(`${o.seed}|trust|${branch}|${period}`);
  const s = branchShift(o, branch, period);
  const mu = SEED000_PATHS.CRM_TRUST * s[L.CRM]! + SEED000_PATHS.SQ_TRUST * s[L.SQ]! + s[L.TRUST]!;
  const out = TRUST_LOADINGS.map(() => new Int8Array(o.n));
  for (let r = 0; r < o.n; r++) {
    const eta = mu + rng.normal();
    for (let k = 0; k < TRUST_LOADINGS.length; k++) out[k]![r] = category(TRUST_LOADINGS[k]! * eta + TRUST_NOISE[k]! * rng.normal());
  }
  return out;
}

/**
 * Expected fixed-weight TRUST index of a branch whose latent TRUST mean is `mu` (SD units): item k is
 * λ_k·η + sqrt(1−λ_k²)·ε with η ~ N(mu, 1), so it is N(λ_k·mu, 1) and E[code] = 1 + Σ_t Φ(λ_k·mu − t).
 */
export function expectedTrustIndex(mu: number, weights: readonly number[]): number {
  let x = 0;
  TRUST_LOADINGS.forEach((l, k) => {
    let code = 1;
    for (const t of ITEM_THRESHOLDS) code += normalCdf(l * mu - t, 0, 1);
    x += weights[k]! * code;
  });
  return ((x - SCALE.min) / (SCALE.max - SCALE.min)) * 100;
}

/** TRUST observations of every branch and period of a simulation (lean path, fixed weights). */
export function trustSeries(o: SimulateOptions, weights: readonly number[], branches = o.branches.map((b) => b.id)): Record<string, Observation[]> {
  return Object.fromEntries(branches.map((b) => [b, o.periods.map((p) => ({ period: p, ...fixedIndex(trustDrop(o, b, p), weights) }))]));
}

/**
 * Adds a transient shock N(0, sd²) (index points, its own stream per branch and period) to every observation:
 * between-quarter variation of a branch's true level that is not sampling noise. The simulator has none (its
 * offsets are permanent); this is the bench's what-if for the rule's `tau`.
 */
export function addShocks(series: Record<string, Observation[]>, sd: number, seed: string): Record<string, Observation[]> {
  if (sd === 0) return series;
  return Object.fromEntries(Object.entries(series).map(([b, s]) => [b, s.map((x) => ({ ...x, value: x.value + sd * new Rng(`${seed}|shock|${b}|${x.period}`).normal() }))]));
}

/** The pipeline's open-alert bookkeeping: new alerts open an episode, resolved ones close it, the rest stay. */
export function nextOpenAlerts(open: ReadonlyMap<string, string>, out: { newAlerts: Pick<Alert, 'branch' | 'metric' | 'since'>[]; resolved: { branch: string; metric: string }[] }): Map<string, string> {
  const next = new Map(open);
  for (const r of out.resolved) next.delete(`${r.branch}#${r.metric}`);
  for (const a of out.newAlerts) next.set(`${a.branch}#${a.metric}`, a.since);
  return next;
}

/** The same for watches (an alert that supersedes a watch resolves it, resolvedWatches). */
export function nextOpenWatches(open: ReadonlyMap<string, string>, out: AssessmentOutput): Map<string, string> {
  return nextOpenAlerts(open, { newAlerts: out.newWatches, resolved: out.resolvedWatches });
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const sd = (xs: readonly number[]) => {
  const m = mean(xs);
  return xs.length > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1)) : NaN;
};
const seOfMean = (xs: readonly number[]) => sd(xs) / Math.sqrt(xs.length);
const periods = (first: string, count: number) => Array.from({ length: count }, (_, i) => addQuarters(first, i));
const asBranches = (series: Record<string, Observation[]>) =>
  Object.fromEntries(Object.entries(series).map(([b, s]) => [b, { series: { TRUST: s } as UnitSeries }]));

/** Share of trials flagged in the onset quarter and within two quarters, with Monte-Carlo SEs. */
export interface TierPower { within1: number; within2: number; se1: number; se2: number }

export interface PowerResult extends TierPower {
  n: number;
  delta: number;
  trials: number;
  /** within1/within2/se1/se2 (inherited): the alert tier. The watch tier: flagged as a watch (an alert that
   *  supersedes the watch does not count here); either: flagged as an alert or a watch. */
  watch: TierPower;
  either: TierPower;
  /** Mean true decline of the fixed-weight index (index points), for reading delta on the 0-100 scale. */
  meanDecline: number;
}

/**
 * Power: per replicate, `branches - 1` stationary branches over `baseline` quarters + 2, and `candidates`
 * branches drifting by `delta` SD on TRUST from the quarter after the baseline; each candidate is assessed
 * alone with the stationary ones (so BH runs over `branches` tests with one real decline, the hardest case)
 * through closeAssessment at the onset quarter and the next one, with the episode bookkeeping of both tiers.
 * Monte-Carlo SEs from the spread of the replicate means (trials within a replicate share the background).
 */
export function powerStudy(opts: {
  n: number; delta?: number; reps: number; seed?: string; branches?: number; candidates?: number; baseline?: number;
  weights: readonly number[]; rule?: AlertRuleOptions;
  /** Between-quarter shock SD in index points on every branch (see addShocks); default 0. */
  shock?: number;
}): PowerResult {
  const { n, reps, weights } = opts;
  const delta = opts.delta ?? -0.4, seed = opts.seed ?? 'power', m = opts.branches ?? 300, k = opts.candidates ?? 25;
  const baseline = opts.baseline ?? 4;
  const ps = periods('2023-Q1', baseline + 2);
  const onset = ps[baseline]!;
  const rule = opts.rule ?? DEFAULT_ALERT_RULE;
  const tiers = ['alert', 'watch', 'either'] as const;
  const reps1 = { alert: [] as number[], watch: [] as number[], either: [] as number[] };
  const reps2 = { alert: [] as number[], watch: [] as number[], either: [] as number[] };
  let declines = 0, trials = 0;
  for (let r = 0; r < reps; r++) {
    const ids = Array.from({ length: m - 1 + k }, (_, i) => `BR${String(i + 1).padStart(3, '0')}`);
    const cands = ids.slice(m - 1);
    const o = parseSimulateOptions({
      seed: `${seed}|${n}|${r}`, branches: ids.map((id) => ({ id })), periods: ps, n,
      drifts: cands.map((b) => ({ branch: b, construct: 'TRUST' as const, delta, from: onset })),
    });
    const shock = opts.shock ?? 0;
    const background = addShocks(trustSeries(o, weights, ids.slice(0, m - 1)), shock, o.seed);
    const hit1 = { alert: 0, watch: 0, either: 0 }, hit2 = { alert: 0, watch: 0, either: 0 };
    for (const c of cands) {
      const own = addShocks(trustSeries(o, weights, [c]), shock, o.seed);
      const s = own[c]!;
      declines += s.slice(0, baseline).reduce((a, x) => a + x.value, 0) / baseline - (s[baseline]!.value + s[baseline + 1]!.value) / 2;
      const branches = asBranches({ ...background, ...own });
      let open = new Map<string, string>(), watches = new Map<string, string>();
      const first = { alert: 0, watch: 0, either: 0 };
      for (const [j, period] of [onset, ps[baseline + 1]!].entries()) {
        const out = closeAssessment({ period, metrics: ['TRUST'], drivers: {}, branches, network: {}, openAlerts: open, openWatches: watches, rule });
        const alerted = [...out.newAlerts, ...out.continuing].some((a) => a.branch === c);
        const watched = [...out.newWatches, ...out.continuingWatches].some((a) => a.branch === c);
        if (alerted) first.alert ||= j + 1;
        if (watched) first.watch ||= j + 1;
        if (alerted || watched) first.either ||= j + 1;
        open = nextOpenAlerts(open, out);
        watches = nextOpenWatches(watches, out);
      }
      for (const t of tiers) {
        if (first[t] === 1) hit1[t]++;
        if (first[t] >= 1) hit2[t]++;
      }
      trials++;
    }
    for (const t of tiers) {
      reps1[t].push(hit1[t] / k);
      reps2[t].push(hit2[t] / k);
    }
  }
  const tier = (t: (typeof tiers)[number]): TierPower => ({ within1: mean(reps1[t]), within2: mean(reps2[t]), se1: seOfMean(reps1[t]), se2: seOfMean(reps2[t]) });
  return { n, delta, trials, ...tier('alert'), watch: tier('watch'), either: tier('either'), meanDecline: declines / trials };
}

export interface FalseAlarmResult {
  n: number;
  branches: number;
  years: number;
  reps: number;
  /** New alerts (episodes) per year across the network, and its Monte-Carlo SE (over replicates). */
  perYear: number;
  se: number;
  /** Share of quarterly assessments with at least one new alert. */
  quarterRate: number;
  /** Quarter-assessments where an open alert continued (not counted again). */
  continued: number;
  maxInYear: number;
  /** New watches (episodes) per branch per five years, and its Monte-Carlo SE; network-wide per year. */
  watchesPerBranch5y: number;
  watchSe: number;
  watchesPerYear: number;
  /** Share of branches with at least one false watch over the simulated years. */
  branchesWatched: number;
}

/**
 * False alarms: `branches` stationary branches (random offsets, no drift), `warmup` quarters then `years` of
 * quarterly assessments through closeAssessment with the open-alert and open-watch bookkeeping, so a continuing
 * episode is not counted again and a branch flagged again after resolving is.
 */
export function falseAlarmStudy(opts: {
  n: number; reps: number; seed?: string; branches?: number; years?: number; warmup?: number; weights: readonly number[]; rule?: AlertRuleOptions;
  /** Between-quarter shock SD in index points (see addShocks); default 0, the simulator as it is. */
  shock?: number;
}): FalseAlarmResult {
  const { n, reps, weights } = opts;
  const seed = opts.seed ?? 'null', m = opts.branches ?? 300, years = opts.years ?? 3, warmup = opts.warmup ?? 4;
  const ps = periods('2023-Q1', warmup + 4 * years);
  const rule = opts.rule ?? DEFAULT_ALERT_RULE;
  const perRep: number[] = [], watchRep: number[] = [];
  let quartersWith = 0, quarters = 0, continued = 0, maxInYear = 0, watchedBranches = 0;
  for (let r = 0; r < reps; r++) {
    const o = parseSimulateOptions({ seed: `${seed}|${n}|${r}`, branches: m, periods: ps, n });
    const branches = asBranches(addShocks(trustSeries(o, weights), opts.shock ?? 0, o.seed));
    let open = new Map<string, string>(), watches = new Map<string, string>();
    let count = 0, inYear = 0, watchCount = 0;
    const watched = new Set<string>();
    for (let t = warmup; t < ps.length; t++) {
      const out = closeAssessment({ period: ps[t]!, metrics: ['TRUST'], drivers: {}, branches, network: {}, openAlerts: open, openWatches: watches, rule });
      count += out.newAlerts.length;
      inYear += out.newAlerts.length;
      continued += out.continuing.length;
      watchCount += out.newWatches.length;
      for (const w of out.newWatches) watched.add(w.branch);
      quartersWith += out.newAlerts.length > 0 ? 1 : 0;
      quarters++;
      open = nextOpenAlerts(open, out);
      watches = nextOpenWatches(watches, out);
      if ((t - warmup) % 4 === 3) {
        maxInYear = Math.max(maxInYear, inYear);
        inYear = 0;
      }
    }
    perRep.push(count / years);
    watchRep.push((watchCount / m / years) * 5);
    watchedBranches += watched.size;
  }
  return {
    n, branches: m, years, reps, perYear: mean(perRep), se: seOfMean(perRep), quarterRate: quartersWith / quarters, continued, maxInYear,
    watchesPerBranch5y: mean(watchRep), watchSe: seOfMean(watchRep), watchesPerYear: (mean(watchRep) / 5) * m, branchesWatched: watchedBranches / (m * reps),
  };
}

/** A branch's annual TRUST observation: its four quarters' drops pooled (n = 4 × the quarterly n), as production pools them. */
export function annualObservation(o: SimulateOptions, weights: readonly number[], branch: string, year: number): Observation {
  const drops = [1, 2, 3, 4].map((q) => trustDrop(o, branch, `${year}-Q${q}`));
  const codes = TRUST_ITEMS.map((_, k) => {
    const out = new Int8Array(4 * o.n);
    drops.forEach((d, q) => out.set(d[k]!, q * o.n));
    return out;
  });
  return { period: String(year), ...fixedIndex(codes, weights) };
}

export interface AnnualResult {
  n: number;
  delta: number;
  trials: number;
  /** Power: share of declining branches alerted by the annual test of the year the decline held, with its MC SE. */
  power: number;
  powerSe: number;
  /** Share of the same branches flagged by the quarterly tiers within the year (alert, either), for comparison. */
  quarterlyAlert: number;
  quarterlyEither: number;
  /** False annual alerts per year across the network (300 stationary branches), with its MC SE. */
  falsePerYear: number;
  falseSe: number;
}

/**
 * The annual year-over-year test: per replicate, 299 stationary branches and `candidates` branches whose TRUST
 * drifts by `delta` SD from the first quarter of 2025 (the whole year), quarterly n per drop; the 2024 and 2025
 * annual observations pool each year's four drops. Each candidate is assessed with the stationary ones by
 * closeAssessment for the year '2025' (its own BH over the branches). The same data's quarterly assessments of
 * 2025 (with 2024 as the baseline) give the quarterly tiers' reach over the same year. False alarms: the
 * stationary branches' annual assessment of 2025 (one year per replicate).
 */
export function annualStudy(opts: {
  n: number; delta?: number; reps: number; seed?: string; branches?: number; candidates?: number; weights: readonly number[]; rule?: AlertRuleOptions;
}): AnnualResult {
  const { n, reps, weights } = opts;
  const delta = opts.delta ?? -0.4, seed = opts.seed ?? 'annual', m = opts.branches ?? 300, k = opts.candidates ?? 25;
  const rule = opts.rule ?? DEFAULT_ALERT_RULE;
  const ps = periods('2024-Q1', 8);
  const powerRep: number[] = [], falseRep: number[] = [];
  let qa = 0, qe = 0, trials = 0;
  for (let r = 0; r < reps; r++) {
    const ids = Array.from({ length: m - 1 + k }, (_, i) => `BR${String(i + 1).padStart(3, '0')}`);
    const cands = ids.slice(m - 1);
    const o = parseSimulateOptions({
      seed: `${seed}|${n}|${r}`, branches: ids.map((id) => ({ id })), periods: ps, n,
      drifts: cands.map((b) => ({ branch: b, construct: 'TRUST' as const, delta, from: '2025-Q1' })),
    });
    const yearly = (b: string) => ({ series: { TRUST: [annualObservation(o, weights, b, 2024), annualObservation(o, weights, b, 2025)] } as UnitSeries });
    const stationary = Object.fromEntries(ids.slice(0, m - 1).map((b) => [b, yearly(b)]));
    const quarterly = asBranches(trustSeries(o, weights, ids.slice(0, m - 1)));
    // false alarms: the m - 1 stationary branches' annual assessment
    falseRep.push(closeAssessment({ period: '2025', metrics: ['TRUST'], drivers: {}, branches: stationary, network: {}, openAlerts: new Map(), rule }).newAlerts.length);
    let hits = 0;
    for (const c of cands) {
      const out = closeAssessment({ period: '2025', metrics: ['TRUST'], drivers: {}, branches: { ...stationary, [c]: yearly(c) }, network: {}, openAlerts: new Map(), rule });
      if (out.newAlerts.some((a) => a.branch === c)) hits++;
      // the quarterly tiers over the same year: the four quarters of 2025, 2024 as the first baseline
      const branches = { ...quarterly, ...asBranches(trustSeries(o, weights, [c])) };
      let open = new Map<string, string>(), watches = new Map<string, string>(), alerted = false, either = false;
      for (const period of ps.slice(4)) {
        const q = closeAssessment({ period, metrics: ['TRUST'], drivers: {}, branches, network: {}, openAlerts: open, openWatches: watches, rule });
        const a = [...q.newAlerts, ...q.continuing].some((x) => x.branch === c);
        alerted ||= a;
        either ||= a || [...q.newWatches, ...q.continuingWatches].some((x) => x.branch === c);
        open = nextOpenAlerts(open, q);
        watches = nextOpenWatches(watches, q);
      }
      if (alerted) qa++;
      if (either) qe++;
      trials++;
    }
    powerRep.push(hits / k);
  }
  return {
    n, delta, trials, power: mean(powerRep), powerSe: seOfMean(powerRep), quarterlyAlert: qa / trials, quarterlyEither: qe / trials,
    falsePerYear: mean(falseRep), falseSe: seOfMean(falseRep),
  };
}

export interface ShortcutCheck {
  n: number;
  /** Drops bootstrapped (those that fell back to the simple index are left out). */
  drops: number;
  nboot: number;
  /** Per drop: bootstrap SE of the production index / analytic SE of the fixed-weight index. */
  seRatioMean: number;
  seRatioMin: number;
  seRatioMax: number;
  /** Per drop: |fixed-weight index - production (per-drop PLS) index|, index points. */
  absDiffMean: number;
  absDiffMax: number;
  /** Sampling SD of the production index and of the fixed-weight index over `sdDrops` independent drops of one
   *  stationary branch, against the mean analytic SE: the SE the tests use should be the real spread. */
  sdDrops: number;
  productionSd: number;
  fixedSd: number;
  analyticSeMean: number;
  /** Drops whose full-data PLS gave a non-positive TRUST weight (production falls back to the simple index). */
  fallbacks: number;
  /** Bootstrap resamples dropped for the same reason (production drops them too). */
  failedResampleShare: number;
}

/** The production estimator of the TRUST index (satisfaction-model PLS + ACSI rescaling), as recomputeUnit builds it. */
export function productionTrustEstimator() {
  return createUnitEstimator(satisfactionModel, {}, { pls: ['TRUST'], unweighted: {}, scale: SCALE });
}

/** Compares the shortcut with the production index and its bootstrap SE on simulated drops (full rows). */
export async function validateShortcut(opts: {
  n: number; drops: number; nboot: number; sdDrops?: number; seed?: string; weights: readonly number[];
}): Promise<ShortcutCheck> {
  const { n, drops, nboot, weights } = opts;
  const sdDrops = opts.sdDrops ?? 0;
  const est = productionTrustEstimator();
  const at = est.layout.length - 1;
  // No branch offsets: the drops differ only by sampling, so their spread is the index's sampling SD.
  const o = parseSimulateOptions({ seed: opts.seed ?? 'shortcut', branches: Math.max(drops, sdDrops, 1), periods: '2024-Q1', n, offsetSd: 0 });
  const ratios: number[] = [], diffs: number[] = [], prod: number[] = [], fix: number[] = [], ses: number[] = [];
  let fallbacks = 0, failedResamples = 0, resamples = 0;
  for (let d = 0; d < Math.max(drops, sdDrops); d++) {
    const data = itemTable(dropRespondents(o, o.branches[d]!.id, '2024-Q1'));
    const codes = TRUST_ITEMS.map((i) => data.cols[data.names.indexOf(i)]!);
    const fixed = fixedIndex(codes, weights);
    let original: number;
    try {
      original = est.estimate(data)[at]!;
    } catch {
      // A non-positive TRUST outer weight on this drop: recomputeUnit records the model as failed and keeps the
      // simple (equal-weight) index with its normal SE, which is what the pipeline would assess.
      fallbacks++;
      original = fixedIndex(codes, TRUST_ITEMS.map(() => 1 / TRUST_ITEMS.length)).value;
      if (d < sdDrops) {
        prod.push(original);
        fix.push(fixed.value);
        ses.push(fixed.se);
      }
      continue;
    }
    if (d < drops) {
      const run = await bootstrapPls(est, data, { nboot, seed: 1000 + d });
      const k = run.draws.length / est.layout.length;
      failedResamples += run.failures.length;
      resamples += run.count;
      let s = 0, ss = 0;
      for (let i = 0; i < k; i++) {
        const v = run.draws[i * est.layout.length + at]!;
        s += v;
        ss += v * v;
      }
      const bootSd = Math.sqrt((ss - (s * s) / k) / (k - 1));
      ratios.push(bootSd / fixed.se);
      diffs.push(Math.abs(fixed.value - original));
    }
    if (d < sdDrops) {
      prod.push(original);
      fix.push(fixed.value);
      ses.push(fixed.se);
    }
  }
  return {
    n, drops: ratios.length, nboot,
    seRatioMean: mean(ratios), seRatioMin: Math.min(...ratios), seRatioMax: Math.max(...ratios),
    absDiffMean: mean(diffs), absDiffMax: Math.max(...diffs),
    sdDrops, productionSd: sd(prod), fixedSd: sd(fix), analyticSeMean: mean(ses),
    fallbacks, failedResampleShare: resamples ? failedResamples / resamples : 0,
  };
}

export interface AlertPowerBench {
  rule: AlertRuleOptions;
  weights: number[];
  shortcut: ShortcutCheck[];
  power: PowerResult[];
  falseAlarms: FalseAlarmResult[];
  annual?: AnnualResult;
  goals: { power400: boolean; falseAlarms: boolean; watchPower50: boolean; falseWatches: boolean };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
/** A proportion with its MC SE; when every trial succeeded, the one-sided 95% lower bound (rule of three). */
const prop = (x: number, se: number, trials: number) => (x === 1 ? `100% (>= ${pct(1 - 3 / trials)})` : `${pct(x)} ± ${pct(se)}`);

export async function runAlertPowerBench(opts: {
  reps?: number; seed?: string; rule?: Partial<AlertRuleOptions>;
  /** What-if: between-quarter shock SD (index points) on every branch; default 0 (the simulator as it is). */
  shock?: number;
  /** Skip the shortcut's validation against production (the slow bootstrap part) and/or the annual study. */
  skipShortcut?: boolean;
  skipAnnual?: boolean;
  log?: (line: string) => void;
} = {}): Promise<AlertPowerBench> {
  const shock = opts.shock ?? 0;
  const reps = opts.reps ?? 40;
  const seed = opts.seed ?? 'alert-power';
  const rule = { ...DEFAULT_ALERT_RULE, ...opts.rule };
  const log = opts.log ?? ((l: string) => console.log(l));
  const weights = fixedTrustWeights({ seed: `${seed}|weights`, branches: 30, periods: '2024-Q1', n: 400 });
  log(`alert rule: ${Object.entries(rule).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  log(`TRUST weights (ACSI-relative, PLS on 30 x 400 simulated rows): ${weights.map((w) => w.toFixed(4)).join(' ')}`);

  const shortcut: ShortcutCheck[] = [];
  if (!opts.skipShortcut) {
    log('');
    log('shortcut vs production (per-drop satisfaction-model PLS + ACSI index, bootstrap SE from 300 resamples), 20 drops each;');
    log('spread over 400 independent drops of one stationary branch:');
    const head = ['n', 'bootSE/analyticSE mean [min, max]', '|fixed-PLS| mean (max)', 'SD PLS index', 'SD fixed', 'mean analytic SE', 'fallbacks', 'dropped resamples'];
    const widths = head.map((h) => Math.max(h.length, 6));
    const row = (cells: string[]) => '  ' + cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
    log(row(head));
    for (const n of [400, 50]) {
      const c = await validateShortcut({ n, drops: 20, nboot: 300, sdDrops: 400, seed: `${seed}|shortcut|${n}`, weights });
      shortcut.push(c);
      log(row([
        String(n), `${c.seRatioMean.toFixed(3)} [${c.seRatioMin.toFixed(3)}, ${c.seRatioMax.toFixed(3)}]`,
        `${c.absDiffMean.toFixed(3)} (${c.absDiffMax.toFixed(3)})`, c.productionSd.toFixed(3), c.fixedSd.toFixed(3), c.analyticSeMean.toFixed(3),
        `${c.fallbacks}/${c.sdDrops}`, pct(c.failedResampleShare),
      ]));
    }
  }

  log('');
  log(`power: TRUST drift -0.4 SD from the 5th quarter (4 baseline quarters), one declining branch among 300, ${reps} replicates x 25 branches` +
    (shock ? `, with between-quarter shocks of SD ${shock} index points:` : ':'));
  log(`(-0.4 SD is ${(expectedTrustIndex(0, weights) - expectedTrustIndex(-0.4, weights)).toFixed(2)} index points for a branch at the network mean, ${expectedTrustIndex(0, weights).toFixed(1)} -> ${expectedTrustIndex(-0.4, weights).toFixed(1)})`);
  log('flagged in the onset quarter / within 2 quarters, per tier (watch: flagged as a watch; either: as an alert or a watch)');
  log('     n  mean decline        alert, onset      alert, within 2        watch, onset      watch, within 2       either, onset     either, within 2');
  const power: PowerResult[] = [];
  for (const n of [400, 200, 100, 50]) {
    const r = powerStudy({ n, reps, seed: `${seed}|power`, weights, rule, shock });
    power.push(r);
    const cells = [r, r.watch, r.either].flatMap((t) => [prop(t.within1, t.se1, r.trials).padStart(18), prop(t.within2, t.se2, r.trials).padStart(20)]);
    log(`  ${String(n).padStart(4)}  ${r.meanDecline.toFixed(2).padStart(12)}  ${cells.join('  ')}`);
  }

  log('');
  log(`false alarms: 300 stationary branches, 4 warm-up quarters then 3 years of quarterly assessments, ${reps} replicates` +
    (shock ? `, with between-quarter shocks of SD ${shock} index points:` : ':'));
  log('     n  alerts per year (network)  quarters with a new alert  most in a year  continuing  watches per branch per 5 years  watches per year (network)  branches watched in 3 years');
  const falseAlarms: FalseAlarmResult[] = [];
  for (const n of [400, 200, 100, 50]) {
    const r = falseAlarmStudy({ n, reps, seed: `${seed}|null`, weights, rule, shock });
    falseAlarms.push(r);
    log(`  ${String(n).padStart(4)}  ${`${r.perYear.toFixed(3)} ± ${r.se.toFixed(3)}`.padStart(25)}  ${pct(r.quarterRate).padStart(25)}  ${String(r.maxInYear).padStart(14)}  ${String(r.continued).padStart(10)}` +
      `  ${`${r.watchesPerBranch5y.toFixed(3)} ± ${r.watchSe.toFixed(3)}`.padStart(31)}  ${r.watchesPerYear.toFixed(1).padStart(26)}  ${pct(r.branchesWatched).padStart(27)}`);
  }

  let annual: AnnualResult | undefined;
  if (!opts.skipAnnual) {
    log('');
    log(`annual year-over-year test: TRUST drift -0.4 SD held through 2025, n = 50 per quarter (200 a year), one declining branch among 300, ${reps} replicates x 25 branches:`);
    annual = annualStudy({ n: 50, reps, seed: `${seed}|annual`, weights, rule });
    log(`  annual alert for 2025: ${prop(annual.power, annual.powerSe, annual.trials)}; the same branches flagged by the quarterly tiers during 2025: alert ${pct(annual.quarterlyAlert)}, alert or watch ${pct(annual.quarterlyEither)}`);
    log(`  false annual alerts (299 stationary branches): ${annual.falsePerYear.toFixed(3)} ± ${annual.falseSe.toFixed(3)} per year across the network`);
  }

  const p400 = power.find((p) => p.n === 400)!, p50 = power.find((p) => p.n === 50)!;
  const goals = {
    power400: p400.within2 >= 0.9, falseAlarms: falseAlarms.every((f) => f.perYear <= 1),
    watchPower50: p50.either.within2 >= 0.7, falseWatches: falseAlarms.every((f) => f.watchesPerBranch5y <= 1),
  };
  log('');
  log(`goal: >= 90% alerted within 2 quarters at n=400: ${goals.power400 ? 'met' : 'NOT met'} (${pct(p400.within2)}); n=50: ${pct(p50.within2)}`);
  log(`goal: <= 1 false alert per year across 300 stationary branches: ${goals.falseAlarms ? 'met' : 'NOT met'} (${falseAlarms.map((f) => `n=${f.n}: ${f.perYear.toFixed(3)}`).join(', ')})`);
  log(`goal: watch tier >= 70% within 2 quarters at n=50 (alert or watch): ${goals.watchPower50 ? 'met' : 'NOT met'} (${pct(p50.either.within2)}; as a watch ${pct(p50.watch.within2)})`);
  log(`goal: <= 1 false watch per branch every 5 years: ${goals.falseWatches ? 'met' : 'NOT met'} (${falseAlarms.map((f) => `n=${f.n}: ${f.watchesPerBranch5y.toFixed(3)}`).join(', ')})`);
  return { rule, weights, shortcut, power, falseAlarms, ...(annual ? { annual } : {}), goals };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const num = (name: string, ok: (x: number) => boolean, what: string) => {
    const v = flag(name);
    if (v === undefined) return undefined;
    if (!ok(Number(v))) throw new Error(`${name} must be ${what}, got '${v}'`);
    return Number(v);
  };
  const reps = num('--reps', (x) => Number.isInteger(x) && x > 0, 'a positive integer');
  const q = num('--q', (x) => x > 0 && x < 1, 'in (0, 1)');
  const tau = num('--tau', (x) => x >= 0, 'a number >= 0');
  const shock = num('--shock', (x) => x >= 0, 'a number >= 0');
  const watchP = num('--watch-p', (x) => x > 0 && x < 1, 'in (0, 1)');
  const seed = flag('--seed');
  await runAlertPowerBench({
    ...(reps !== undefined ? { reps } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(shock !== undefined ? { shock } : {}),
    skipShortcut: args.includes('--no-shortcut'), skipAnnual: args.includes('--no-annual'),
    rule: { ...(q !== undefined ? { q } : {}), ...(tau !== undefined ? { tau } : {}), ...(watchP !== undefined ? { watchP } : {}) },
  });
}
