// Order-statistic interpolation as R does it: quantile(type = 7) (seminr's percentile CI) and boot's norm.inter
// (boot::boot.ci's BCa endpoints). Both take draws already sorted ascending, without NaN.

/** stats::quantile(x, prob, type = 7): x[lo] + h (x[hi] - x[lo]) at index 1 + (n - 1) prob, in R's arithmetic. */
export function quantileType7(sorted: ArrayLike<number>, prob: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  if (!(prob >= 0 && prob <= 1)) throw new RangeError(`probability ${prob} outside [0, 1]`);
  const index = 1 + (n - 1) * prob;
  const lo = Math.floor(index);
  const hi = Math.ceil(index);
  const qs = sorted[lo - 1]!;
  const xhi = sorted[hi - 1]!;
  if (!(index > lo && xhi !== qs)) return qs;
  const h = index - lo;
  return (1 - h) * qs + h * xhi;
}

/**
 * boot:::norm.inter(t, alpha): the (R + 1) alpha-th order statistic, interpolated between its neighbours on the
 * normal quantile scale; the extreme draws when (R + 1) alpha falls outside [1, R].
 */
export function normInter(sorted: ArrayLike<number>, alpha: number, qnorm: (p: number) => number): number {
  const R = sorted.length;
  if (R === 0 || !Number.isFinite(alpha)) return NaN;
  const rk = (R + 1) * alpha;
  const k = Math.trunc(rk);
  if (k <= 0) return sorted[0]!;
  if (k >= R) return sorted[R - 1]!;
  if (k === rk) return sorted[k - 1]!;
  const z = qnorm(alpha);
  const zk = qnorm(k / (R + 1));
  const zk1 = qnorm((k + 1) / (R + 1));
  const tk = sorted[k - 1]!;
  const tk1 = sorted[k]!;
  return tk + ((z - zk) / (zk1 - zk)) * (tk1 - tk);
}
