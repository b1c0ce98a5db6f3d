// The equal-weight 0-100 index of a construct with survey weights and a normal CI. Pure.
//   row score x_i = (mean of the row's answered items − min) / (max − min) × 100   (rows with none answered skipped)
//   value m       = Σw x / Σw                                                      (weight 0 = absent)
//   se            = √(Σ w²(x − m)²) / Σw · √(n/(n−1))     Taylor linearization of the ratio mean, with the n/(n−1)
//                   small-sample factor, so that with all-ones weights it is sd/√n, as recompute.ts simpleIndex
// It is evaluated as √(Σ(w(x − m))²/(n − 1)) / √n · (n/Σw), which with all-ones weights is the arithmetic of
// sd(x)/√n step for step (bit-identical to simpleIndex). The CI is m ± z(1 − α/2)·se.
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { mean, sd } from './moments';
import { StatsInputError } from './errors';

/** An estimate with its SE and CI, as every index of a unit carries it. */
export interface IntervalEstimate {
  value: number;
  se: number;
  ciLow: number;
  ciHigh: number;
  /** half-width of the CI */
  moe: number;
  /** the rows it is computed from */
  n: number;
}

export interface WeightedIndex extends IntervalEstimate {
  /** Kish's (Σw)²/Σw² (= n unweighted). */
  nEffective: number;
}

/** Each row's mean answered item rescaled to 0-100; NaN when the row answered none of them. */
export function rowScores(cols: readonly ArrayLike<number>[], scale: { min: number; max: number }): Float64Array {
  const rows = cols[0]?.length ?? 0;
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0, k = 0;
    for (const c of cols) if (!Number.isNaN(c[r]!)) { s += c[r]!; k++; }
    out[r] = k ? ((s / k - scale.min) / (scale.max - scale.min)) * 100 : NaN;
  }
  return out;
}

export function weightedSimpleIndex(
  cols: readonly Float64Array[],
  weights: Float64Array | undefined,
  scale: { min: number; max: number },
  alpha: number,
): WeightedIndex {
  const all = rowScores(cols, scale);
  const x: number[] = [];
  const w: number[] = [];
  for (let i = 0; i < all.length; i++) {
    const wi = weights ? weights[i]! : 1;
    if (!(Number.isFinite(wi) && wi >= 0)) throw new StatsInputError(`row ${i + 1}: weight must be a finite number >= 0, got ${wi}`);
    if (all[i] === all[i] && wi > 0) { x.push(all[i]!); w.push(wi); }
  }
  const n = x.length;
  const z = normalQuantile(1 - alpha / 2, 0, 1);
  let m: number, se: number, sw = 0, sw2 = 0;
  for (const v of w) { sw += v; sw2 += v * v; }
  if (!weights) {
    m = mean(x);
    se = sd(x) / Math.sqrt(n);
  } else {
    // the weighted mean with moments.mean's correction pass (the same arithmetic when every w is 1)
    let s = 0;
    for (let i = 0; i < n; i++) s += w[i]! * x[i]!;
    m = s / sw;
    let c = 0;
    for (let i = 0; i < n; i++) c += w[i]! * (x[i]! - m);
    m += c / sw;
    let ss = 0;
    for (let i = 0; i < n; i++) { const d = w[i]! * (x[i]! - m); ss += d * d; }
    se = (Math.sqrt(ss / (n - 1)) / Math.sqrt(n)) * (n / sw);
  }
  return { value: m, se, ciLow: m - z * se, ciHigh: m + z * se, moe: z * se, n, nEffective: (sw * sw) / sw2 };
}
