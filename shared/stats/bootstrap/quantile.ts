// Order-statistic interpolation as R does it: quantile(type = 7) (seminr's percentile CI) and boot's norm.inter
// (boot::boot.ci's BCa endpoints). Both take draws already sorted ascending, without NaN.

/** stats::quantile(x, prob, type = 7): x[lo] + h (x[hi] - x[lo]) at index 1 + (n - 1) prob, in R's arithmetic. */
export function quantileType7(sorted: ArrayLike<number>, prob: number): number {
  if (!(prob >= 0 && prob <= 1)) throw new RangeError(`probability ${prob} outside [0, 1]`);
  return type7(sorted.length, prob, (i) => sorted[i]!);
}

/** quantileType7 reading the i-th smallest value (0-based) through `at`. */
function type7(n: number, prob: number, at: (i: number) => number): number {
  if (n === 0) return NaN;
  const index = 1 + (n - 1) * prob;
  const lo = Math.floor(index);
  const hi = Math.ceil(index);
  const qs = at(lo - 1);
  const xhi = at(hi - 1);
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
 * only the order statistics the interpolation reads are found, with values equal to those of a sort. For the tails
 * (a 95% interval reads the 126th smallest and largest of 5000 draws) one pass keeps the m smallest and the m largest
 * in two bounded heaps, about twice as fast as selection; elsewhere Hoare's selection reorders `draws`.
 */
export function quantilePairType7(draws: Float64Array, p1: number, p2: number): [number, number] {
  const n = draws.length;
  if (n === 0) return [NaN, NaN];
  if (!(p1 >= 0 && p1 <= p2 && p2 <= 1)) throw new RangeError(`probabilities ${p1}, ${p2} outside 0 <= p1 <= p2 <= 1`);
  // The order statistics quantileType7 reads (index 1 + (n - 1) p, computed as it does), in ascending order.
  const positions = [...new Set([p1, p2].flatMap((p) => {
    const index = 1 + (n - 1) * p;
    return [Math.floor(index) - 1, Math.ceil(index) - 1];
  }))].sort((x, y) => x - y);
  // How many of the smallest and of the largest values hold every position read.
  const nLow = positions.reduce((m, k) => (k < n / 2 ? k + 1 : m), 0);
  const nHigh = positions.reduceRight((m, k) => (k >= n / 2 ? n - k : m), 0);
  if (n >= 64 && nLow + nHigh <= n / 8) {
    const low = extremes(draws, nLow, 1);
    const high = extremes(draws, nHigh, -1);
    const at = (k: number) => (k < nLow ? low[k]! : high[k - (n - nHigh)]!);
    return [type7(n, p1, at), type7(n, p2, at)];
  }
  let from = 0;
  for (const k of positions) {
    selectInPlace(draws, k, from, n - 1);
    from = k + 1; // later selections leave draws[0..k] as they are
  }
  // quantileType7 reads only those positions, which now hold what a sorted copy would.
  return [quantileType7(draws, p1), quantileType7(draws, p2)];
}

/**
 * The m smallest values of x (sign 1) or its m largest (sign -1), sorted ascending: a bounded max-heap of sign * x
 * that a value enters only when it is below the heap's top, which in random order is rare after the first few m.
 */
function extremes(x: Float64Array, m: number, sign: 1 | -1): Float64Array {
  const heap = new Float64Array(m);
  if (m === 0) return heap;
  for (let i = 0; i < m; i++) heap[i] = sign * x[i]!;
  for (let i = (m >>> 1) - 1; i >= 0; i--) siftDown(heap, i, heap[i]!);
  let top = heap[0]!;
  for (let i = m; i < x.length; i++) {
    const v = sign * x[i]!;
    if (v < top) {
      siftDown(heap, 0, v);
      top = heap[0]!;
    }
  }
  if (sign === -1) for (let i = 0; i < m; i++) heap[i] = -heap[i]!;
  return heap.sort();
}

/** Places v at position i of a max-heap whose children of i are heaps, moving larger children up. */
function siftDown(heap: Float64Array, i: number, v: number): void {
  const m = heap.length;
  for (;;) {
    let c = 2 * i + 1;
    if (c >= m) break;
    if (c + 1 < m && heap[c + 1]! > heap[c]!) c++;
    if (!(heap[c]! > v)) break;
    heap[i] = heap[c]!;
    i = c;
  }
  heap[i] = v;
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
