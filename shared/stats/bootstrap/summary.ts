// Bootstrap statistics per parameter, as seminr reports them (R/report_paths_and_intervals.R::parse_boot_array,
// conf_int), plus a p-value and a BCa interval that seminr does not have:
// - bootstrap mean, SD with n - 1, t = original / SD, percentile CI = quantile(draws, c(a/2, 1 - a/2), type = 7);
// - p = two-sided p-value of t on a t distribution with (successful resamples - 1) degrees of freedom. seminr prints
//   none in its path table; this is the df its boot_evaluate_measurement_model uses with pt(). With 5000
//   resamples it is within 0.12% of the normal p-value at t = 2 (R: 2*pt(-2, 4999) = 0.045554 vs
//   2*pnorm(-2) = 0.045500), so the choice only matters for very few resamples;
// - t and p are NaN for a parameter that is constant up to rounding (SD <= 1e-10 x max(1, |original|), e.g. the
//   loading and weight of a single-item construct): seminr's t there is original / rounding noise, and its reference
//   JSONs store NA;
// - BCa interval (see ./bca.ts) when leave-one-out estimates are given;
// - parameters whose original value is exactly 0 are omitted, as seminr does.
import tcdf from '@stdlib/stats-base-dists-t-cdf';
import type { ParamInfo } from '../pls/types';
import { bcaInterval, jackknifeAcceleration } from './bca';
import type { BootstrapRun, ResampleRun } from './driver';
import { evalDerived, indirectParams, type DerivedParam } from './indirect';
import { columnQuantilePairsType7, quantileType7 } from './quantile';
import { columnMeansAndSumSq, mean, sumSq } from '../moments';

export type ParamKind = ParamInfo['kind'] | 'specific_indirect' | 'total_indirect';

export interface ParamSummary {
  kind: ParamKind;
  from: string;
  to: string;
  /** Intermediate constructs (specific indirect effects only). */
  through?: string[];
  original: number;
  bootMean: number;
  bootSd: number;
  t: number;
  p: number;
  ciLower: number;
  ciUpper: number;
  /** NaN unless jackknife estimates were given (or where boot.ci would stop). */
  bcaLower: number;
  bcaUpper: number;
}

export interface BootstrapSummary {
  nboot: number;
  nSuccessful: number;
  nFailed: number;
  alpha: number;
  /** Degrees of freedom of the p-values: nSuccessful - 1. */
  df: number;
  params: ParamSummary[];
}

export interface SummaryOptions {
  /** CI level 1 - alpha; default 0.05 as seminr. */
  alpha?: number;
  /** Leave-one-out estimates from jackknifePls() on the same data: enables the BCa columns. */
  jackknife?: ResampleRun;
}

/** Relative SD below which a parameter counts as constant (no t, no p). */
const CONSTANT_SD = 1e-10;

interface Column {
  kind: ParamKind;
  from: string;
  to: string;
  through?: string[];
  /** Position in the estimate vector of a direct parameter (extracted as a strided copy). */
  index?: number;
  /** Position among the derived parameters (indirect effects) of one that is not. */
  derived?: number;
  /** Value from one row-major estimate vector. */
  at: (v: ArrayLike<number>, offset: number) => number;
}

function columns(layout: readonly ParamInfo[], derivedParams: readonly DerivedParam[]): Column[] {
  const direct: Column[] = layout.map((p, j) => ({ kind: p.kind, from: p.from, to: p.to, index: j, at: (v, o) => v[o + j]! }));
  const derived: Column[] = derivedParams.map((d, k) => ({
    kind: d.kind,
    from: d.from,
    to: d.to,
    ...(d.kind === 'specific_indirect' ? { through: d.through } : {}),
    derived: k,
    at: (v, o) => evalDerived(d, v, o),
  }));
  return [...direct, ...derived];
}

/**
 * The derived parameters of every draw, a row-major rows x derived.length matrix, as evalDerived computes them. Each
 * is first flattened to the positions it reads (a chain's paths, or total then direct), which keeps this loop free of
 * property lookups on two shapes of objects.
 */
function derivedDraws(derived: readonly DerivedParam[], draws: Float64Array, rows: number, p: number): Float64Array {
  const nd = derived.length;
  const isChain = Uint8Array.from(derived, (d) => (d.kind === 'specific_indirect' ? 1 : 0));
  const reads = derived.map((d) => (d.kind === 'specific_indirect' ? d.pathIdx : [d.totalIdx, d.directIdx]));
  const start = Int32Array.from([0, ...reads.map((_r, k) => reads.slice(0, k + 1).reduce((n, x) => n + x.length, 0))]);
  const pos = Int32Array.from(reads.flat());
  const out = new Float64Array(rows * nd);
  for (let r = 0, o = 0; r < rows; r++) {
    const base = r * p;
    for (let k = 0; k < nd; k++, o++) {
      const a = start[k]!;
      const b = start[k + 1]!;
      if (isChain[k]) {
        let prod = 1;
        for (let i = a; i < b; i++) prod *= draws[base + pos[i]!]!;
        out[o] = prod;
      } else {
        const direct = pos[a + 1]!;
        out[o] = draws[base + pos[a]!]! - (direct >= 0 ? draws[base + direct]! : 0);
      }
    }
  }
  return out;
}

/** Mean, sum of squared deviations and percentile pair of every column of a row-major draws matrix. */
function columnStats(matrix: Float64Array, rows: number, cols: number, alpha: number) {
  return { ...columnMeansAndSumSq(matrix, rows, cols), ...columnQuantilePairsType7(matrix, rows, cols, alpha / 2, 1 - alpha / 2) };
}

function extract(col: Column, matrix: Float64Array, rows: number, p: number): Float64Array {
  const out = new Float64Array(rows);
  const j = col.index;
  if (j !== undefined) for (let r = 0; r < rows; r++) out[r] = matrix[r * p + j]!;
  else for (let r = 0; r < rows; r++) out[r] = col.at(matrix, r * p);
  return out;
}

/** Two-sided p-value of t on df degrees of freedom. */
export function twoSidedP(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  return 2 * tcdf(-Math.abs(t), df);
}

export function summarizeBootstrap(run: BootstrapRun, opts: SummaryOptions = {}): BootstrapSummary {
  const alpha = opts.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  const p = run.layout.length;
  const nOk = run.resamples.length;
  const jk = opts.jackknife;
  if (jk && jk.layout.length !== p) throw new Error('jackknife estimates have a different parameter layout than the bootstrap');
  const df = nOk - 1;
  const derived = indirectParams(run.layout);
  // Without BCa, every statistic comes from passes over the draws row after row (see columnStats); BCa sorts each
  // column anyway.
  const bca = jk !== undefined && nOk > 0;
  const directStats = bca ? undefined : columnStats(run.draws, nOk, p, alpha);
  const derivedStats = bca ? undefined : columnStats(derivedDraws(derived, run.draws, nOk, p), nOk, derived.length, alpha);
  const params: ParamSummary[] = [];
  for (const col of columns(run.layout, derived)) {
    const original = col.at(run.original, 0);
    if (original === 0) continue;
    let bootMean: number, ss: number;
    let bcaLower = NaN;
    let bcaUpper = NaN;
    let ciLower: number, ciUpper: number;
    if (bca) {
      const draws = extract(col, run.draws, nOk, p);
      bootMean = mean(draws); // R's mean(): the sum over n, refined by the mean residual
      ss = sumSq(draws, bootMean);
      // BCa reads order statistics anywhere: sort once for both intervals.
      const sorted = draws.sort();
      const a = jackknifeAcceleration(extract(col, jk.draws, jk.resamples.length, p));
      ({ lower: bcaLower, upper: bcaUpper } = bcaInterval(sorted, original, a, alpha));
      ciLower = quantileType7(sorted, alpha / 2);
      ciUpper = quantileType7(sorted, 1 - alpha / 2);
    } else {
      const [stats, j] = col.index !== undefined ? [directStats!, col.index] : [derivedStats!, col.derived!];
      bootMean = stats.mean[j]!;
      ss = stats.ss[j]!;
      ciLower = stats.lower[j]!;
      ciUpper = stats.upper[j]!;
    }
    const bootSd = Math.sqrt(ss / (nOk - 1));
    const t = bootSd > CONSTANT_SD * Math.max(1, Math.abs(original)) ? original / bootSd : NaN;
    params.push({
      kind: col.kind,
      from: col.from,
      to: col.to,
      ...(col.through ? { through: col.through } : {}),
      original,
      bootMean,
      bootSd,
      t,
      p: twoSidedP(t, df),
      ciLower,
      ciUpper,
      bcaLower,
      bcaUpper,
    });
  }
  return { nboot: run.count, nSuccessful: nOk, nFailed: run.failures.length, alpha, df, params };
}
