// Probability distributions used by the regression and item statistics: thin wrappers over @stdlib.
// Upper tails are computed without the 1 − cdf cancellation so that small p-values keep their digits
// (R's pt/pf/pchisq with lower.tail = FALSE do the same).
import tCdfStd from '@stdlib/stats-base-dists-t-cdf';
import tQuantileStd from '@stdlib/stats-base-dists-t-quantile';
import fCdfStd from '@stdlib/stats-base-dists-f-cdf';
import fQuantileStd from '@stdlib/stats-base-dists-f-quantile';
import normalCdfStd from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantileStd from '@stdlib/stats-base-dists-normal-quantile';
import chisqCdfStd from '@stdlib/stats-base-dists-chisquare-cdf';
import chisqQuantileStd from '@stdlib/stats-base-dists-chisquare-quantile';
import gammainc from '@stdlib/math-base-special-gammainc';

/** Student t cdf P(T ≤ x), df degrees of freedom. */
export const tCdf = (x: number, df: number): number => tCdfStd(x, df);
/** Student t quantile: x with P(T ≤ x) = p. */
export const tQuantile = (p: number, df: number): number => tQuantileStd(p, df);
/** Two-sided p-value of a t statistic: 2·P(T ≥ |t|) (R: 2 * pt(-abs(t), df)). */
export const tTwoSidedP = (t: number, df: number): number => Math.min(1, 2 * tCdfStd(-Math.abs(t), df));

/** F cdf P(F ≤ x) with (d1, d2) degrees of freedom. */
export const fCdf = (x: number, d1: number, d2: number): number => fCdfStd(x, d1, d2);
/** F quantile. */
export const fQuantile = (p: number, d1: number, d2: number): number => fQuantileStd(p, d1, d2);
/** Upper tail P(F > x) (R: pf(x, d1, d2, lower.tail = FALSE)); uses 1/F ~ F(d2, d1). */
export function fSf(x: number, d1: number, d2: number): number {
  if (!(x > 0)) return x === 0 ? 1 : NaN;
  if (x === Infinity) return 0;
  return fCdfStd(1 / x, d2, d1);
}

/** Normal cdf (default standard normal). */
export const normalCdf = (x: number, mu = 0, sigma = 1): number => normalCdfStd(x, mu, sigma);
/** Normal quantile (default standard normal). */
export const normalQuantile = (p: number, mu = 0, sigma = 1): number => normalQuantileStd(p, mu, sigma);

/** Chi-square cdf with k degrees of freedom. */
export const chisqCdf = (x: number, k: number): number => chisqCdfStd(x, k);
/** Chi-square quantile. */
export const chisqQuantile = (p: number, k: number): number => chisqQuantileStd(p, k);
/** Upper tail P(X > x) (R: pchisq(x, k, lower.tail = FALSE)) via the regularized upper incomplete gamma. */
export function chisqSf(x: number, k: number): number {
  if (!(x > 0)) return x <= 0 ? 1 : NaN;
  return gammainc(x / 2, k / 2, true, true);
}

/**
 * Upper tail of the asymptotic Kolmogorov distribution, P(K > z) = 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²z²}:
 * the "Asymp. Sig. (2-tailed)" SPSS prints for KS Z = √n·D. For z < 1 the alternating series converges
 * slowly, so the Jacobi dual form K(z) = √(2π)/z Σ_{j odd} e^{−j²π²/(8z²)} is summed instead. Both are
 * summed to double precision (R's internal pKS2 stops at tol = 1e-6 and can be ~3e-5 off just below z = 1).
 */
export function kolmogorovSf(z: number): number {
  if (!(z > 0)) return z <= 0 ? 1 : NaN;
  if (z < 1) {
    const c = -(Math.PI * Math.PI) / (8 * z * z);
    let s = 0;
    for (let j = 1; j < 200; j += 2) {
      const term = Math.exp(j * j * c);
      s += term;
      if (term < 1e-17 * s) break;
    }
    return 1 - (Math.sqrt(2 * Math.PI) / z) * s;
  }
  let s = 0;
  for (let k = 1; k < 200; k++) {
    const term = Math.exp(-2 * k * k * z * z);
    s += k % 2 === 1 ? term : -term;
    if (term < 1e-17) break;
  }
  return Math.min(1, Math.max(0, 2 * s));
}
