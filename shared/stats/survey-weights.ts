// Survey weights of respondents: Kish's summary figures, post-stratification and raking (iterative proportional
// fitting, IPF) to population counts by category. Pure.
//
// Conventions:
//  - Weights are scaled to mean 1 over the respondents (Σw = n), so an unweighted count stays the sample size and a
//    weight reads as "this respondent stands for w average respondents".
//  - Missing or unknown code: a respondent whose category in a margin is null, or whose code the population does not
//    list (or lists with count 0), gets factor 1 in that margin's adjustment; the respondents with a known code are
//    rescaled among themselves so that their total weight is unchanged (their weight-mean factor is 1 too) and split
//    by the population shares. So the unknown keep their weight relative to the whole, and the margin is matched over
//    the known. Unknown codes are reported in `unknownCodes`.
//  - Empty cell: a population category with no respondent cannot be represented; it is dropped and the shares of the
//    other categories are taken over what remains (its share spread over them in proportion), and it is reported in
//    `emptyCells`.
//  - Trimming: weights are kept within [lower, upper] × the mean weight (default 0.2 and 5). As is standard, the
//    bounds are applied inside the loop: one sweep over the margins, trim (clip and spread the difference over the
//    untrimmed rows in proportion, the total kept), and again, until the margins match after the trim (or maxIter). `trimmed`
//    counts the respondents on a bound at the end. Bounds too tight for the margins end unconverged (still trimmed).
//  - Stop: every category total within 1e-10 (relative) of its target after a sweep, or after maxIter sweeps (100).
//    Post-stratification is raking with one margin (one sweep, when no weight is trimmed).
import { StatsInputError } from './errors';

export interface WeightSummary {
  /** Respondents (rows). */
  n: number;
  sum: number;
  /** Kish's effective n (Σw)² / Σw². */
  nEffective: number;
  /** Kish's design effect due to weighting n Σw² / (Σw)² = n / nEffective. */
  deff: number;
  min: number;
  max: number;
}

export function weightSummary(w: ArrayLike<number>): WeightSummary {
  const n = w.length;
  let sum = 0, sum2 = 0, min = Infinity, max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = w[i]!;
    sum += v;
    sum2 += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { n, sum, nEffective: (sum * sum) / sum2, deff: (n * sum2) / (sum * sum), min, max };
}

export interface RakingMargin {
  name: string;
  /** Each respondent's category code (null = not known). */
  values: readonly (string | null)[];
  /** Population count of each category code. */
  population: Record<string, number>;
}

export interface RakingOptions {
  /** Bounds relative to the mean weight, or false for no trimming (default { lower: 0.2, upper: 5 }). */
  bounds?: { lower: number; upper: number } | false;
  /** Relative tolerance of every category total (default 1e-10). */
  tol?: number;
  /** Maximum sweeps over the margins (default 100). */
  maxIter?: number;
}

export interface CellRef { margin: string; code: string }

export interface RakingResult {
  /** Per respondent, mean 1. */
  weights: Float64Array;
  /** Sweeps over the margins. */
  iterations: number;
  converged: boolean;
  /** Respondents whose weight is on a trimming bound. */
  trimmed: number;
  /** Population categories no respondent is in (their share spread over the others). */
  emptyCells: CellRef[];
  /** Sample codes the population does not list (those respondents get factor 1 in that margin). */
  unknownCodes: CellRef[];
  summary: WeightSummary;
}

export const DEFAULT_BOUNDS = { lower: 0.2, upper: 5 } as const;

/** A margin compiled: each row's category index (−1 = unknown) and the target share of each category. */
interface Compiled { cat: Int32Array; share: Float64Array }

function compile(m: RakingMargin, n: number, emptyCells: CellRef[], unknownCodes: CellRef[]): Compiled {
  if (m.values.length !== n) throw new StatsInputError(`margin '${m.name}': ${m.values.length} values for ${n} respondents`);
  const codes: string[] = [];
  for (const [code, count] of Object.entries(m.population)) {
    if (!(Number.isFinite(count) && count >= 0)) throw new StatsInputError(`margin '${m.name}': population of '${code}' must be a finite count >= 0, got ${count}`);
    if (count > 0) codes.push(code);
  }
  const index = new Map(codes.map((c, j) => [c, j]));
  const cat = new Int32Array(n);
  const seen = new Uint8Array(codes.length);
  const unknown = new Set<string>();
  for (let i = 0; i < n; i++) {
    const v = m.values[i];
    const j = v === null || v === undefined ? undefined : index.get(v);
    if (j === undefined) {
      cat[i] = -1;
      if (v !== null && v !== undefined) unknown.add(v);
    } else {
      cat[i] = j;
      seen[j] = 1;
    }
  }
  for (const code of [...unknown].sort()) unknownCodes.push({ margin: m.name, code });
  let total = 0;
  codes.forEach((c, j) => {
    if (seen[j]) total += m.population[c]!;
    else emptyCells.push({ margin: m.name, code: c });
  });
  const share = Float64Array.from(codes, (c, j) => (seen[j] ? m.population[c]! / total : 0));
  return { cat, share };
}

/** One margin's totals of the current weights per category, and the known rows' total. */
function totals(c: Compiled, w: Float64Array, out: Float64Array): number {
  out.fill(0);
  let known = 0;
  for (let i = 0; i < w.length; i++) {
    const j = c.cat[i]!;
    if (j >= 0) { out[j]! += w[i]!; known += w[i]!; }
  }
  return known;
}

function matched(c: Compiled, w: Float64Array, buf: Float64Array, tol: number): boolean {
  const known = totals(c, w, buf);
  for (let j = 0; j < c.share.length; j++) {
    const target = c.share[j]! * known;
    if (Math.abs(buf[j]! - target) > tol * target) return false;
  }
  return true;
}

/** Raking (IPF) of respondents to the population counts of one or more margins; see the module header. */
export function rake(margins: readonly RakingMargin[], opts: RakingOptions = {}): RakingResult {
  if (margins.length === 0) throw new StatsInputError('raking needs at least one margin');
  const n = margins[0]!.values.length;
  const tol = opts.tol ?? 1e-10;
  const maxIter = opts.maxIter ?? 100;
  const bounds = opts.bounds === undefined ? DEFAULT_BOUNDS : opts.bounds;
  if (bounds && !(bounds.lower >= 0 && bounds.lower <= 1 && bounds.upper >= 1)) {
    throw new StatsInputError(`trimming bounds must satisfy 0 <= lower <= 1 <= upper, got ${bounds.lower} and ${bounds.upper}`);
  }
  const emptyCells: CellRef[] = [];
  const unknownCodes: CellRef[] = [];
  const compiled = margins.map((m) => compile(m, n, emptyCells, unknownCodes));
  const bufs = compiled.map((c) => new Float64Array(c.share.length));
  const factor = compiled.map((c) => new Float64Array(c.share.length));
  const w = new Float64Array(n).fill(1);

  let iterations = 0;
  let converged = n === 0;
  while (!converged && iterations < maxIter) {
    iterations++;
    compiled.forEach((c, m) => {
      const tot = bufs[m]!, f = factor[m]!;
      const known = totals(c, w, tot);
      for (let j = 0; j < f.length; j++) f[j] = tot[j]! > 0 ? (c.share[j]! * known) / tot[j]! : 1;
      for (let i = 0; i < n; i++) {
        const j = c.cat[i]!;
        if (j >= 0) w[i]! *= f[j]!;
      }
    });
    if (bounds) clip(w, bounds);
    converged = compiled.every((c, m) => matched(c, w, bufs[m]!, tol));
  }

  let sum = 0;
  for (let i = 0; i < n; i++) sum += w[i]!;
  const scale = n / sum;
  for (let i = 0; i < n; i++) w[i]! *= scale;
  let trimmed = 0;
  if (bounds) {
    // on a bound (the mean is now 1) up to the sweeps' last adjustment, which is within tol
    for (let i = 0; i < n; i++) if (Math.abs(w[i]! - bounds.lower) <= 1e-9 || Math.abs(w[i]! - bounds.upper) <= 1e-9) trimmed++;
  }
  return { weights: w, iterations, converged, trimmed, emptyCells, unknownCodes, summary: weightSummary(w) };
}

/**
 * Trim weights to [lower, upper] × their mean, keeping their total: w ← clamp(c·w, lower·m, upper·m) with the c that
 * gives the same total (the fixed point of survey::trimWeights' clip-and-spread, which exists whenever
 * lower ≤ 1 ≤ upper). c by bisection, then exactly from the rows left inside. The mean is unchanged, so the bounds
 * hold relative to the final mean too.
 */
function clip(w: Float64Array, bounds: { lower: number; upper: number }): void {
  const n = w.length;
  let total = 0, wMin = Infinity;
  for (let i = 0; i < n; i++) { total += w[i]!; if (w[i]! < wMin) wMin = w[i]!; }
  const m = total / n;
  const lo = bounds.lower * m, hi = bounds.upper * m;
  let outside = false;
  for (let i = 0; i < n; i++) if (w[i]! < lo || w[i]! > hi) outside = true;
  if (!outside) return;
  const g = (c: number) => { let s = 0; for (let i = 0; i < n; i++) s += Math.min(Math.max(c * w[i]!, lo), hi); return s; };
  let a = 0, b = hi / wMin;
  for (let it = 0; it < 200; it++) {
    const mid = (a + b) / 2;
    if (mid === a || mid === b) break;
    if (g(mid) < total) a = mid; else b = mid;
  }
  let fixed = 0, free = 0;
  for (let i = 0; i < n; i++) {
    const v = b * w[i]!;
    if (v <= lo) fixed += lo; else if (v >= hi) fixed += hi; else free += w[i]!;
  }
  const c = free > 0 ? (total - fixed) / free : b;
  for (let i = 0; i < n; i++) w[i] = Math.min(Math.max(c * w[i]!, lo), hi);
}

/** Post-stratification to the population counts of one classification: raking with one margin. */
export function postStratify(
  cells: readonly (string | null)[],
  population: Record<string, number>,
  opts: RakingOptions & { name?: string } = {},
): RakingResult {
  const { name = 'cell', ...rest } = opts;
  return rake([{ name, values: cells, population }], rest);
}
