// Henseler's PLS-MGA (Henseler, Ringle & Sinkovics 2009), exactly as seminr's estimate_pls_mga (R/estimate_pls_mga.R):
//  1. each group is estimated and bootstrapped on its own with the same seed: resample i of a group of n rows is
//     set.seed(seed + i); sample.int(n, replace = TRUE) (bootstrap_model(group_model, nboot, seed = seed));
//  2. failed resamples are dropped in each group, and both groups keep their first J = min(successful A, successful B);
//  3. per path, with m_A, m_B the means of those J draws and every pair (i, j) of draws,
//       p = 1 - #{ 2 m_A - a_i - 2 m_B + b_j > 0 } / J²,
//     computed in that order of operations. p is one-sided: small p says the path is larger in group A than in B
//     (p near 1: larger in B). pTwoSided = 2 min(p, 1 - p) is the two-sided reading (Sarstedt, Henseler & Ringle 2011).
// The J² comparisons are counted directly (the same sum R forms with expand.grid), O(J²) per path.
import type { PlsModelSpec } from '../../models/spec';
import type { DataTable } from '../table';
import { bootstrapPls } from '../bootstrap/driver';
import { createPlsEstimator } from './index';
import type { PlsOptions } from './types';

export interface PlsMgaOptions {
  nboot: number;
  seed: number;
  /** Worker threads for the two bootstraps (default 1; the draws do not depend on it). */
  workers?: number;
  pls?: PlsOptions;
}

export interface PlsMgaPath {
  from: string;
  to: string;
  a: number;
  b: number;
  diff: number;
  /** Means of the J bootstrap draws of each group (seminr's group1_beta_mean, group2_beta_mean). */
  bootMeanA: number;
  bootMeanB: number;
  /** seminr's pls_mga_p: one-sided, small when the path is larger in A. */
  p: number;
  pTwoSided: number;
}

export interface PlsMgaResult {
  paths: PlsMgaPath[];
  nA: number;
  nB: number;
  nboot: number;
  seed: number;
  /** Successful resamples per group, and J = the number of draws of each group used. */
  okA: number;
  okB: number;
  used: number;
}

/** R's mean(): the sum divided by n, then the mean of the residuals added (R accumulates in long double). */
export function rMean(x: ArrayLike<number>, from: number, count: number, stride: number): number {
  let s = 0;
  for (let i = 0; i < count; i++) s += x[from + i * stride]!;
  const m = s / count;
  let t = 0;
  for (let i = 0; i < count; i++) t += x[from + i * stride]! - m;
  return m + t / count;
}

/** seminr's pls_mga_p from J draws of a path in each group (strided views into row-major draw matrices). */
export function henselerP(
  drawsA: ArrayLike<number>, drawsB: ArrayLike<number>, J: number, offA = 0, offB = 0, strideA = 1, strideB = 1,
): { p: number; meanA: number; meanB: number } {
  const meanA = rMean(drawsA, offA, J, strideA), meanB = rMean(drawsB, offB, J, strideB);
  const twoA = 2 * meanA, twoB = 2 * meanB;
  let positive = 0;
  for (let j = 0; j < J; j++) {
    const bj = drawsB[offB + j * strideB]!;
    for (let i = 0; i < J; i++) if (twoA - drawsA[offA + i * strideA]! - twoB + bj > 0) positive++;
  }
  return { p: 1 - positive / (J * J), meanA, meanB };
}

export async function plsMga(spec: PlsModelSpec, groupA: DataTable, groupB: DataTable, opts: PlsMgaOptions): Promise<PlsMgaResult> {
  if (!Number.isInteger(opts.nboot) || opts.nboot < 2) throw new Error(`PLS-MGA: nboot must be an integer >= 2, got ${opts.nboot}`);
  const pls = opts.pls ?? {};
  const est = createPlsEstimator(spec, pls);
  const boot = async (t: DataTable, name: string) => {
    try {
      return await bootstrapPls(est, t, { seed: opts.seed, nboot: opts.nboot, workers: opts.workers ?? 1, plsOptions: pls });
    } catch (e) {
      throw new Error(`PLS-MGA, group ${name}: ${(e as Error).message}`);
    }
  };
  const runA = await boot(groupA, 'A');
  const runB = await boot(groupB, 'B');
  const L = est.layout.length;
  const okA = runA.resamples.length, okB = runB.resamples.length;
  const J = Math.min(okA, okB);
  if (J < 1) throw new Error('PLS-MGA: no bootstrap resample could be estimated in one of the groups');
  const paths = spec.paths.map((p) => {
    const x = est.layout.findIndex((l) => l.kind === 'path' && l.from === p.from && l.to === p.to);
    const a = runA.original[x]!, b = runB.original[x]!;
    const h = henselerP(runA.draws, runB.draws, J, x, x, L, L);
    return { from: p.from, to: p.to, a, b, diff: a - b, bootMeanA: h.meanA, bootMeanB: h.meanB, p: h.p, pTwoSided: 2 * Math.min(h.p, 1 - h.p) };
  });
  return { paths, nA: groupA.n, nB: groupB.n, nboot: opts.nboot, seed: opts.seed, okA, okB, used: J };
}
