// Order-statistic interpolation as R does it: quantile(type = 7) (seminr's percentile CI) and boot's norm.inter
// (boot::boot.ci's BCa endpoints). Those two take draws already sorted ascending, without NaN; quantilePairType7 and
// columnQuantilePairsType7 give quantileType7's values at two probabilities without sorting.
import { columnOf } from '../kernels';

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
  const { positions, nLow, nHigh, tails } = orderStatistics(n, p1, p2);
  if (tails) {
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
 * The order statistics (0-based, ascending) quantileType7 reads at p1 and p2 of n values (index 1 + (n - 1) p,
 * computed as it does), how many of the smallest and of the largest values hold them all, and whether those tails
 * are small enough for bounded heaps to beat selection.
 */
function orderStatistics(n: number, p1: number, p2: number): { positions: number[]; nLow: number; nHigh: number; tails: boolean } {
  if (!(p1 >= 0 && p1 <= p2 && p2 <= 1)) throw new RangeError(`probabilities ${p1}, ${p2} outside 0 <= p1 <= p2 <= 1`);
  const positions = [...new Set([p1, p2].flatMap((p) => {
    const index = 1 + (n - 1) * p;
    return [Math.floor(index) - 1, Math.ceil(index) - 1];
  }))].sort((x, y) => x - y);
  const nLow = positions.reduce((m, k) => (k < n / 2 ? k + 1 : m), 0);
  const nHigh = positions.reduceRight((m, k) => (k >= n / 2 ? n - k : m), 0);
  return { positions, nLow, nHigh, tails: n >= 64 && nLow + nHigh <= n / 8 };
}

/**
 * quantilePairType7 of every column of a row-major rows x cols matrix (the percentile CIs of all bootstrap
 * parameters at once), with the same values. In the tails, a threshold per column and tail is selected from a sample
 * of its first rows, set so that about three times the values needed fall beyond it; one pass over the matrix,
 * row after row, collects those values, and selection in each small collection finds the order statistics. A column
 * whose collection came out too small or too large, or that holds NaN, is copied and given to quantilePairType7
 * instead, as are all columns when the tails are not small. quantilePairType7's bounded heaps, column by column, take
 * about twice as long (5000 x 102 draws: ~11 against ~6 ms): each of hundreds of values entering a heap sifts through
 * it. The collections take about half the memory of the matrix (alpha = 0.05).
 */
export function columnQuantilePairsType7(
  matrix: Float64Array, rows: number, cols: number, p1: number, p2: number,
): { lower: Float64Array; upper: Float64Array } {
  const lower = new Float64Array(cols).fill(NaN);
  const upper = new Float64Array(cols).fill(NaN);
  const column = new Float64Array(rows);
  const byColumn = (j: number) => {
    [lower[j], upper[j]] = quantilePairType7(columnOf(matrix, rows, cols, j, column), p1, p2);
  };
  if (rows === 0) return { lower, upper };
  const { positions, nLow, nHigh, tails } = orderStatistics(rows, p1, p2);
  // Column by column where the tails are not small; where a tail needs no values every column would fall back anyway.
  if (!tails || nLow === 0 || nHigh === 0) {
    for (let j = 0; j < cols; j++) byColumn(j);
    return { lower, upper };
  }
  const sampleRows = Math.min(rows, 512);
  // Sample ranks of the thresholds: about three times as many values as needed lie beyond them. As the tails hold
  // at most an eighth of the rows, kLow < kHigh.
  const kLow = Math.ceil((3 * nLow * sampleRows) / rows);
  const kHigh = sampleRows - 1 - Math.ceil((3 * nHigh * sampleRows) / rows);
  const tLow = new Float64Array(cols);
  const tHigh = new Float64Array(cols);
  const sample = new Float64Array(sampleRows);
  for (let j = 0; j < cols; j++) {
    columnOf(matrix, sampleRows, cols, j, sample);
    selectInPlace(sample, kLow);
    selectInPlace(sample, kHigh, kLow + 1);
    tLow[j] = sample[kLow]!;
    tHigh[j] = sample[kHigh]!;
  }
  const capLow = 9 * nLow;
  const capHigh = 9 * nHigh;
  const low = new Float64Array(cols * capLow);
  const high = new Float64Array(cols * capHigh);
  const nLowOf = new Int32Array(cols);
  const nHighOf = new Int32Array(cols);
  const hasNaN = collectTails(matrix, rows, cols, tLow, low, capLow, nLowOf, tHigh, high, capHigh, nHighOf);
  for (let j = 0; j < cols; j++) {
    const cl = nLowOf[j]!;
    const ch = nHighOf[j]!;
    if (hasNaN[j] || cl < nLow || cl > capLow || ch < nHigh || ch > capHigh) {
      byColumn(j);
      continue;
    }
    // The nLow smallest of the column are the nLow smallest of those <= tLow, since at least nLow values are;
    // likewise the nHigh largest. Column position k is place(k) in its collection, sorted ascending; selection moves
    // each place read to where a sort would put it.
    const lo = low.subarray(j * capLow, j * capLow + cl);
    const hi = high.subarray(j * capHigh, j * capHigh + ch);
    const place = (k: number): [Float64Array, number] => (k < nLow ? [lo, k] : [hi, ch - (rows - k)]);
    let signedZero = false;
    for (const [i, k] of positions.entries()) {
      const [c, at] = place(k);
      const [previous, before] = i > 0 ? place(positions[i - 1]!) : [c, -1];
      selectInPlace(c, at, previous === c ? before + 1 : 0);
      if (c[at] === 0) signedZero = true;
    }
    // A sort puts -0 before 0, selection need not: where a zero is read, sort its collections as the old heaps did.
    if (signedZero) {
      lo.sort();
      hi.sort();
    }
    const at = (k: number) => {
      const [c, i] = place(k);
      return c[i]!;
    };
    lower[j] = type7(rows, p1, at);
    upper[j] = type7(rows, p2, at);
  }
  return { lower, upper };
}

/**
 * One pass over the row-major matrix: each column's values <= tLow[j] into low[j capLow, ...) and the others
 * >= tHigh[j] into high[j capHigh, ...), counting them all (a count above the capacity means too many to keep);
 * returns which columns hold NaN. A function of its own so that V8 optimizes this loop as a whole.
 */
function collectTails(
  matrix: Float64Array, rows: number, cols: number,
  tLow: Float64Array, low: Float64Array, capLow: number, nLowOf: Int32Array,
  tHigh: Float64Array, high: Float64Array, capHigh: number, nHighOf: Int32Array,
): Uint8Array {
  const hasNaN = new Uint8Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let j = 0, o = r * cols; j < cols; j++) {
      const v = matrix[o + j]!;
      if (v <= tLow[j]!) {
        const n = nLowOf[j]!;
        if (n < capLow) low[j * capLow + n] = v;
        nLowOf[j] = n + 1;
      } else if (v >= tHigh[j]!) {
        const n = nHighOf[j]!;
        if (n < capHigh) high[j * capHigh + n] = v;
        nHighOf[j] = n + 1;
      } else if (v !== v) hasNaN[j] = 1;
    }
  }
  return hasNaN;
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
