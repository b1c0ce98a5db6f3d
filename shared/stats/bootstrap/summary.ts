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
import { derivedMatrix, indirectParams, type DerivedParam } from './indirect';
import { columnQuantilePairsType7, quantileType7 } from './quantile';
import { mean, sumSq } from '../moments';
import { columnOf } from '../kernels';

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

/**
 * A reported parameter: a direct one (column `j` of the estimate vectors) or a derived one (column `j` of the
 * derived parameters' matrix, derivedMatrix).
 */
interface Column {
  kind: ParamKind;
  from: string;
  to: string;
  through?: string[];
  derived: boolean;
  j: number;
}

function columns(layout: readonly ParamInfo[], derivedParams: readonly DerivedParam[]): Column[] {
  const direct: Column[] = layout.map((p, j) => ({ kind: p.kind, from: p.from, to: p.to, derived: false, j }));
  const derived: Column[] = derivedParams.map((d, j) => ({
    kind: d.kind,
    from: d.from,
    to: d.to,
    ...(d.kind === 'specific_indirect' ? { through: d.through } : {}),
    derived: true,
    j,
  }));
  return [...direct, ...derived];
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
  const nd = derived.length;
  // Without BCa, the percentile CIs of all columns at once (columnQuantilePairsType7 reads the draws row after row,
  // about twice as fast as column by column); BCa sorts each column anyway.
  const bca = jk !== undefined && nOk > 0;
  const percentiles = (draws: Float64Array, cols: number) =>
    (bca ? undefined : columnQuantilePairsType7(draws, nOk, cols, alpha / 2, 1 - alpha / 2));
  // Direct parameters from the estimate vectors, derived ones (indirect effects) from a matrix of their own.
  const direct = { original: run.original, draws: run.draws, jackknife: jk?.draws, cols: p, ci: percentiles(run.draws, p) };
  const derivedDraws = derivedMatrix(derived, run.draws, nOk, p);
  const indirect = {
    original: derivedMatrix(derived, run.original, 1, p),
    draws: derivedDraws,
    jackknife: jk && derivedMatrix(derived, jk.draws, jk.resamples.length, p),
    cols: nd,
    ci: percentiles(derivedDraws, nd),
  };
  const params: ParamSummary[] = [];
  const column = new Float64Array(nOk); // one parameter's draws at a time
  for (const col of columns(run.layout, derived)) {
    const { j } = col;
    const source = col.derived ? indirect : direct;
    const original = source.original[j]!;
    if (original === 0) continue;
    const draws = columnOf(source.draws, nOk, source.cols, j, column);
    const bootMean = mean(draws); // R's mean(): the sum over n, refined by the mean residual
    const bootSd = Math.sqrt(sumSq(draws, bootMean) / (nOk - 1));
    const t = bootSd > CONSTANT_SD * Math.max(1, Math.abs(original)) ? original / bootSd : NaN;
    let bcaLower = NaN;
    let bcaUpper = NaN;
    let ciLower: number, ciUpper: number;
    if (bca) {
      // BCa reads order statistics anywhere: sort once for both intervals.
      const sorted = draws.sort();
      const a = jackknifeAcceleration(columnOf(source.jackknife!, jk.resamples.length, source.cols, j));
      ({ lower: bcaLower, upper: bcaUpper } = bcaInterval(sorted, original, a, alpha));
      ciLower = quantileType7(sorted, alpha / 2);
      ciUpper = quantileType7(sorted, 1 - alpha / 2);
    } else {
      ciLower = source.ci!.lower[j]!;
      ciUpper = source.ci!.upper[j]!;
    }
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
