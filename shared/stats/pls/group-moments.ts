// Additive moment sums of a pooled item table, so the standardized item correlation matrix of any subset of its rows
// (a permuted group) costs O(rows of the subset x P²), and that of the complement is the total minus the subset:
// the permutation test then works in proportion to the smaller group (permutation.ts).
//
// Mean replacement (seminr's default) is kept exactly: with x~ = x where observed, 0 where missing, and O = the
// observed flag, a group's covariance of items i and j after replacing each missing cell by the group's mean m is
//   (n - 1) cov_ij = sum x~_i x~_j - m_j sum x~_i O_j - m_i sum x~_j O_i + m_i m_j sum O_i O_j,
// since a replaced cell deviates 0 from the mean. All sums are additive over rows. Values are stored centred by the
// pooled means so the one-pass formula loses no digits to large item means.
//
// An item constant within a group must fail as in estimatePls ("zero variance"), but its moment variance is rounding
// noise (~1e-16), not 0. So the sums also count, per item, the distinct observed values among the rows and the
// values all of whose pooled rows are among them (each value coded once per column, counted in a scratch array):
// a group is constant in an item iff it has exactly one distinct value. For the complement (total - part) both
// counts follow from the part's: it holds every value not wholly in the part, and wholly every value absent from it.

import { gramUpdate } from '../kernels';

export interface PooledItems {
  /** Rows and items. */
  n: number;
  p: number;
  /** n x p row-major, centred by `centre`, 0 where missing. */
  x: Float64Array;
  /** n x p row-major observed flags (1 observed, 0 missing), or null when no cell is missing. */
  obs: Uint8Array | null;
  /** Pooled mean of each item's observed values (what `x` is centred by). */
  centre: Float64Array;
  /** n x p row-major: the index of the cell's value among its column's distinct observed values, -1 where missing. */
  code: Int32Array;
  /** Item i's values are classStart[i] .. classStart[i + 1] - 1 in classCount / work. */
  classStart: Int32Array;
  /** Pooled rows holding each value. */
  classCount: Int32Array;
  /** Scratch counts, all 0 between calls of sumRows. */
  work: Int32Array;
  /** sumRows' scratch: the gathered columns and their Gram matrix (grown on demand). */
  gather?: Float64Array;
  gram?: Float64Array;
}

export interface MomentSums {
  /** Rows summed. */
  n: number;
  /** sum x~_i */
  sx: Float64Array;
  /** sum O_i (only with missing cells) */
  so: Float64Array;
  /** p x p: sum x~_i x~_j (lower triangle filled, j <= i) */
  xx: Float64Array;
  /** p x p: sum x~_i O_j (full; only with missing cells) */
  xo: Float64Array;
  /** p x p: sum O_i O_j (lower triangle; only with missing cells) */
  oo: Float64Array;
  /** Per item: distinct observed values among the rows (1: the item is constant there, 0: never observed). */
  distinct: Int32Array;
  /** Per item: values all of whose pooled rows are among the rows. */
  whole: Int32Array;
}

/** Columns of a column-major table (NaN = missing) as centred row-major pooled items. */
export function poolItems(cols: readonly Float64Array[], n: number): PooledItems {
  const p = cols.length;
  const x = new Float64Array(n * p);
  const centre = new Float64Array(p);
  let anyMissing = false;
  for (let i = 0; i < p; i++) {
    const c = cols[i]!;
    let s = 0, k = 0;
    for (let r = 0; r < n; r++) { const v = c[r]!; if (v === v) { s += v; k++; } else anyMissing = true; }
    centre[i] = k > 0 ? s / k : 0;
  }
  const obs = anyMissing ? new Uint8Array(n * p) : null;
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < p; i++) {
      const v = cols[i]![r]!;
      if (v === v) {
        x[r * p + i] = v - centre[i]!;
        if (obs) obs[r * p + i] = 1;
      }
    }
  }
  // codes of the raw values (not of the centred ones, which rounding could merge)
  const code = new Int32Array(n * p).fill(-1);
  const classStart = new Int32Array(p + 1);
  const counts: number[] = [];
  for (let i = 0; i < p; i++) {
    const c = cols[i]!;
    const index = new Map<number, number>();
    for (let r = 0; r < n; r++) {
      const v = c[r]!;
      if (v !== v) continue;
      let k = index.get(v);
      if (k === undefined) { k = index.size; index.set(v, k); counts.push(0); }
      counts[classStart[i]! + k]!++;
      code[r * p + i] = k;
    }
    classStart[i + 1] = classStart[i]! + index.size;
  }
  const classCount = Int32Array.from(counts);
  return { n, p, x, obs, centre, code, classStart, classCount, work: new Int32Array(classCount.length) };
}

export function emptySums(p: number, withMissing: boolean): MomentSums {
  const z = new Float64Array(0);
  return {
    n: 0, sx: new Float64Array(p), so: withMissing ? new Float64Array(p) : z, xx: new Float64Array(p * p),
    xo: withMissing ? new Float64Array(p * p) : z, oo: withMissing ? new Float64Array(p * p) : z,
    distinct: new Int32Array(p), whole: new Int32Array(p),
  };
}

/** out.distinct / out.whole over rows[0..count): O(count x p), besides the O(count x p²) sums. */
function countValues(pool: PooledItems, rows: ArrayLike<number>, count: number, out: MomentSums): void {
  const { p, code, classStart, classCount, work } = pool;
  const { distinct, whole } = out;
  distinct.fill(0);
  whole.fill(0);
  for (let k = 0; k < count; k++) {
    const o = rows[k]! * p;
    for (let i = 0; i < p; i++) {
      const c = code[o + i]!;
      if (c < 0) continue;
      const q = classStart[i]! + c;
      const m = ++work[q]!;
      if (m === 1) distinct[i]++;
      if (m === classCount[q]) whole[i]++;
    }
  }
  for (let k = 0; k < count; k++) {
    const o = rows[k]! * p;
    for (let i = 0; i < p; i++) { const c = code[o + i]!; if (c >= 0) work[classStart[i]! + c] = 0; }
  }
}

/**
 * out = the sums over rows[0..count) of the pooled table. The rows are gathered column by column (x~, then the observed
 * flags when cells are missing, then a column of ones) and all sums read off their Gram matrix: the blocked kernel
 * keeps its sums in registers instead of adding each row's products into the p x p arrays in memory. Each sum still
 * runs over the rows in the given order, so the figures are those of the row-by-row loop.
 */
export function sumRows(pool: PooledItems, rows: ArrayLike<number>, count: number, out: MomentSums): void {
  const { p, x, obs } = pool;
  out.n = count;
  countValues(pool, rows, count, out);
  const q = obs ? 2 * p + 1 : p + 1; // gathered columns; the last is all ones
  const cap = Math.max(count, 1);
  if (!pool.gather || pool.gather.length < cap * q) pool.gather = new Float64Array(Math.max(cap, pool.n) * q);
  if (!pool.gram || pool.gram.length < q * q) pool.gram = new Float64Array(q * q);
  const X = pool.gather, G = pool.gram;
  for (let k = 0; k < count; k++) {
    const o = rows[k]! * p;
    for (let i = 0; i < p; i++) X[i * count + k] = x[o + i]!;
    if (obs) for (let i = 0; i < p; i++) X[(p + i) * count + k] = obs[o + i]!;
    X[(q - 1) * count + k] = 1;
  }
  gramUpdate(X, count, q, 0, G, q, 1);
  const { sx, xx } = out;
  const one = q - 1;
  for (let i = 0; i < p; i++) {
    sx[i] = G[i * q + one]!;
    for (let j = 0; j <= i; j++) xx[i * p + j] = G[i * q + j]!;
  }
  if (!obs) return;
  const { so, xo, oo } = out;
  for (let i = 0; i < p; i++) {
    so[i] = G[(p + i) * q + one]!;
    for (let j = 0; j < p; j++) xo[i * p + j] = G[i * q + p + j]!;
    for (let j = 0; j <= i; j++) oo[i * p + j] = G[(p + i) * q + p + j]!;
  }
}

/** out = total - part (the complement's sums); total must be the sums over every pooled row. */
export function subtractSums(total: MomentSums, part: MomentSums, out: MomentSums): void {
  out.n = total.n - part.n;
  for (let i = 0; i < out.distinct.length; i++) {
    out.distinct[i] = total.distinct[i]! - part.whole[i]!;
    out.whole[i] = total.distinct[i]! - part.distinct[i]!;
  }
  const sub = (a: Float64Array, b: Float64Array, o: Float64Array) => { for (let i = 0; i < o.length; i++) o[i] = a[i]! - b[i]!; };
  sub(total.sx, part.sx, out.sx);
  sub(total.xx, part.xx, out.xx);
  if (out.so.length) {
    sub(total.so, part.so, out.so);
    sub(total.xo, part.xo, out.xo);
    sub(total.oo, part.oo, out.oo);
  }
}

/**
 * The group's item correlation matrix after mean replacement (S: P x P row-major with leading dimension ld, items
 * [0, p)), and each item's mean (in centred units: add pool.centre for the raw mean) and sd (n - 1).
 * Throws on an item with no observed value or zero variance (seminr: zero variance items cannot be scaled): one
 * distinct observed value (mean replacement keeps it constant), as estimatePls (prepare.ts) refuses it.
 */
export function correlationFromSums(
  s: MomentSums, p: number, S: Float64Array, ld: number, means: Float64Array, sds: Float64Array, itemName: (i: number) => string,
): void {
  const n = s.n;
  const miss = s.so.length > 0;
  if (n < 3) throw new Error(`only ${n} rows (need at least 3)`);
  for (let i = 0; i < p; i++) {
    const k = miss ? s.so[i]! : n;
    if (k < 0.5) throw new Error(`item '${itemName(i)}' has no observed values`);
    if (s.distinct[i] === 1) throw zeroVariance(itemName(i));
    means[i] = s.sx[i]! / k;
  }
  for (let i = 0; i < p; i++) {
    const mi = means[i]!;
    for (let j = 0; j <= i; j++) {
      const mj = means[j]!;
      const c = miss
        ? s.xx[i * p + j]! - mj * s.xo[i * p + j]! - mi * s.xo[j * p + i]! + mi * mj * s.oo[i * p + j]!
        : s.xx[i * p + j]! - n * mi * mj;
      S[i * ld + j] = c / (n - 1);
    }
    const v = S[i * ld + i]!;
    if (!(v > 0)) throw zeroVariance(itemName(i));
    sds[i] = Math.sqrt(v);
  }
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < i; j++) S[i * ld + j] = S[j * ld + i] = S[i * ld + j]! / (sds[i]! * sds[j]!);
    S[i * ld + i] = 1;
  }
}

const zeroVariance = (item: string) => new Error(`item '${item}' has zero variance and cannot be standardized (seminr: zero variance items cannot be scaled)`);
