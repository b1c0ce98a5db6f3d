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
 * Moves the k-th smallest value (0-based) of a[lo..hi] to a[k], smaller-or-equal ones before it and larger-or-equal
 * ones after it (Hoare's selection with a median-of-three pivot): O(n) on average, no full sort.
 */
export function selectInPlace(a: Float64Array, k: number, lo = 0, hi = a.length - 1): void {
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // median of a[lo], a[mid], a[hi] as the pivot
    if (a[mid]! < a[lo]!) swap(a, mid, lo);
    if (a[hi]! < a[lo]!) swap(a, hi, lo);
    if (a[hi]! < a[mid]!) swap(a, hi, mid);
    const pivot = a[mid]!;
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) { swap(a, i, j); i++; j--; }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

/**
 * quantileType7 at two probabilities p1 <= p2 without sorting (the percentile CI of every bootstrap parameter):
 * only the order statistics the interpolation reads are selected. Reorders `draws`; the values equal those of a sort.
 */
export function quantilePairType7(draws: Float64Array, p1: number, p2: number): [number, number] {
  const n = draws.length;
  if (n === 0) return [NaN, NaN];
  if (!(p1 >= 0 && p1 <= p2 && p2 <= 1)) throw new RangeError(`probabilities ${p1}, ${p2} outside 0 <= p1 <= p2 <= 1`);
  // The order statistics quantileType7 reads (index 1 + (n - 1) p, computed as it does), selected left to right so
  // each selection only scans what lies beyond the previous one.
  const positions = [...new Set([p1, p2].flatMap((p) => {
    const index = 1 + (n - 1) * p;
    return [Math.floor(index) - 1, Math.ceil(index) - 1];
  }))].sort((x, y) => x - y);
  let from = 0;
  for (const k of positions) {
    selectInPlace(draws, k, from, n - 1);
    from = k + 1; // later selections leave draws[0..k] as they are
  }
  // quantileType7 reads only those positions, which now hold what a sorted copy would.
  return [quantileType7(draws, p1), quantileType7(draws, p2)];
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
