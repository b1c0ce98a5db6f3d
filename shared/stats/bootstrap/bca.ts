// Bias-corrected and accelerated (BCa) percentile interval, computed as boot::boot.ci(type = "bca") does when
// given jackknife influence values (L = empinf(type = "jack")): seminr has no BCa, boot is R's reference for it.
//   z0 = qnorm(share of draws strictly below the original), a = sum(L^3) / (6 sum(L^2)^1.5) with
//   L_i = (n - 1)(mean of leave-one-out estimates - estimate without row i), endpoints at the adjusted levels
//   pnorm(z0 + (z0 + z) / (1 - a (z0 + z))) by boot's norm.inter.
import qnormStd from '@stdlib/stats-base-dists-normal-quantile';
import pnormStd from '@stdlib/stats-base-dists-normal-cdf';
import { normInter } from './quantile';

const qnorm = (p: number) => qnormStd(p, 0, 1);
const pnorm = (x: number) => pnormStd(x, 0, 1);

/** Acceleration from leave-one-out estimates (the (n - 1) factor of L cancels). NaN if they are all equal. */
export function jackknifeAcceleration(loo: ArrayLike<number>): number {
  const n = loo.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += loo[i]!;
  mean /= n;
  let s2 = 0;
  let s3 = 0;
  for (let i = 0; i < n; i++) {
    const d = mean - loo[i]!;
    s2 += d * d;
    s3 += d * d * d;
  }
  const a = s3 / (6 * Math.pow(s2, 1.5));
  return Number.isFinite(a) ? a : NaN;
}

export interface BcaInterval {
  lower: number;
  upper: number;
  /** Bias correction z0. */
  z0: number;
  /** Acceleration a. */
  a: number;
}

/**
 * BCa interval of level 1 - alpha from sorted finite draws, the original estimate and the acceleration.
 * NaN bounds where boot.ci stops: all or no draws below the original (z0 infinite) or an undefined acceleration.
 */
export function bcaInterval(sorted: ArrayLike<number>, original: number, a: number, alpha = 0.05): BcaInterval {
  const R = sorted.length;
  let below = 0;
  while (below < R && sorted[below]! < original) below++;
  const z0 = qnorm(below / R);
  if (!Number.isFinite(z0) || !Number.isFinite(a)) return { lower: NaN, upper: NaN, z0, a };
  const adj = (z: number) => pnorm(z0 + (z0 + z) / (1 - a * (z0 + z)));
  // Levels written as boot.ci does, (1 -/+ conf) / 2, so the doubles agree with R's.
  const conf = 1 - alpha;
  return {
    lower: normInter(sorted, adj(qnorm((1 - conf) / 2)), qnorm),
    upper: normInter(sorted, adj(qnorm((1 + conf) / 2)), qnorm),
    z0,
    a,
  };
}
