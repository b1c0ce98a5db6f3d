// Additive moment sums of a pooled item table, so the standardized item correlation matrix of any subset of its rows
// (a permuted group) costs O(rows of the subset x P²), and that of the complement is the total minus the subset:
// the permutation test then works in proportion to the smaller group (permutation.ts).
//
// Mean replacement (seminr's default) is kept exactly: with x~ = x where observed, 0 where missing, and O = the
// observed flag, a group's covariance of items i and j after replacing each missing cell by the group's mean m is
//   (n - 1) cov_ij = sum x~_i x~_j - m_j sum x~_i O_j - m_i sum x~_j O_i + m_i m_j sum O_i O_j,
// since a replaced cell deviates 0 from the mean. All sums are additive over rows. Values are stored centred by the
// pooled means so the one-pass formula loses no digits to large item means.

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
  return { n, p, x, obs, centre };
}

export function emptySums(p: number, withMissing: boolean): MomentSums {
  const z = new Float64Array(0);
  return {
    n: 0, sx: new Float64Array(p), so: withMissing ? new Float64Array(p) : z, xx: new Float64Array(p * p),
    xo: withMissing ? new Float64Array(p * p) : z, oo: withMissing ? new Float64Array(p * p) : z,
  };
}

/** out = the sums over rows[0..count) of the pooled table. */
export function sumRows(pool: PooledItems, rows: ArrayLike<number>, count: number, out: MomentSums): void {
  const { p, x, obs } = pool;
  out.n = count;
  out.sx.fill(0);
  out.xx.fill(0);
  const { sx, xx } = out;
  if (!obs) {
    for (let k = 0; k < count; k++) {
      const o = rows[k]! * p;
      for (let i = 0; i < p; i++) {
        const xi = x[o + i]!;
        sx[i] += xi;
        const row = i * p;
        for (let j = 0; j <= i; j++) xx[row + j] += xi * x[o + j]!;
      }
    }
    return;
  }
  out.so.fill(0);
  out.xo.fill(0);
  out.oo.fill(0);
  const { so, xo, oo } = out;
  for (let k = 0; k < count; k++) {
    const o = rows[k]! * p;
    for (let i = 0; i < p; i++) {
      const xi = x[o + i]!;
      const oi = obs[o + i]!;
      sx[i] += xi;
      so[i] += oi;
      const row = i * p;
      for (let j = 0; j < p; j++) {
        const oj = obs[o + j]!;
        xo[row + j] += xi * oj;
        if (j <= i) {
          xx[row + j] += xi * x[o + j]!;
          oo[row + j] += oi * oj;
        }
      }
    }
  }
}

/** out = total - part (the complement's sums). */
export function subtractSums(total: MomentSums, part: MomentSums, out: MomentSums): void {
  out.n = total.n - part.n;
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
 * Throws on an item with no observed value or zero variance (seminr: zero variance items cannot be scaled).
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
    if (!(v > 0)) throw new Error(`item '${itemName(i)}' has zero variance and cannot be standardized (seminr: zero variance items cannot be scaled)`);
    sds[i] = Math.sqrt(v);
  }
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < i; j++) S[i * ld + j] = S[j * ld + i] = S[i * ld + j]! / (sds[i]! * sds[j]!);
    S[i * ld + i] = 1;
  }
}
