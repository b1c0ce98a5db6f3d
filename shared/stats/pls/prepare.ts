// Data preparation as seminr's estimate_pls (SEMINR-CONVENTIONS.md, "Data preparation"): pick the model's item
// columns, handle missing cells (mean replacement by default, or listwise deletion), standardize with the n-1 sd,
// and form the item correlation matrix S once; the whole PLS algorithm then runs on S.
import { gramUpdate } from '../kernels';
import type { DataTable } from '../table';
import type { CompiledModel } from './compile';

export type MissingMethod = 'mean' | 'listwise';

export interface MissingReport {
  method: MissingMethod;
  cellsMissing: number;
  share: number;
  rowsDropped: number;
  perItem: Record<string, number>;
}

/**
 * Standardized item data and its correlation matrix. Columns [0, p0) are the measured items; the columns of
 * generated interaction items [p0, P) are filled per estimation (they depend on the structural model).
 */
export interface Prepared {
  /** Rows stored in X. */
  n: number;
  /** Observations they stand for: n, or the sum of the rows' frequency weights (DataTable.weights). */
  N: number;
  /**
   * n x P, column-major, standardized. With frequency weights each row is stored multiplied by the square root of
   * its weight (sqrtW), so X'X is still the weighted cross-product and S = X'X / (N - 1).
   */
  X: Float64Array;
  /** With frequency weights: each stored row's weight (0 where listwise deletion dropped it), its square root, and
   *  1 / sqrt(weight) (0 for a weight of 0). */
  w?: Float64Array;
  sqrtW?: Float64Array;
  invSqrtW?: Float64Array;
  P: number;
  /** P x P row-major correlation matrix (base block filled here). */
  S: Float64Array;
  /** Raw means and sds (n-1) of the estimation data, after missing-value handling. */
  means: Float64Array;
  sds: Float64Array;
  missing: MissingReport;
}

/** Column indices of the model's measured items in a table; cached by the estimator per names array. */
export function resolveColumns(model: CompiledModel, data: DataTable, source = 'data'): Int32Array {
  const idx = new Int32Array(model.p0);
  const pos = new Map<string, number>();
  data.names.forEach((nm, j) => { if (!pos.has(nm)) pos.set(nm, j); });
  for (let i = 0; i < model.p0; i++) {
    const j = pos.get(model.items[i]!);
    if (j === undefined) throw new Error(`${source}: column '${model.items[i]}' (an item of the model) not found`);
    idx[i] = j;
  }
  return idx;
}

export interface PrepareOptions {
  missing: MissingMethod;
  /** Skip building the per-item missing report (the bootstrap's hot path does not need it). */
  lean?: boolean;
  /** Reusable buffers of a previous call with the same n (hot path). */
  reuse?: Prepared;
  source?: string;
}

export function prepareData(model: CompiledModel, data: DataTable, cols: Int32Array, opts: PrepareOptions): Prepared {
  if (data.weights) return prepareWeighted(model, data, data.weights, cols, opts);
  const { p0 } = model;
  const P = model.items.length;
  const nIn = data.n;
  const src = opts.source ?? 'data';
  const perItemCount = new Int32Array(p0);

  // Listwise deletion: keep the complete cases of the model's items (seminr: na.omit without replacement). seminr
  // also counts items of constructs defined but left out of every path; those are ignored here (not even required).
  let keep: Int32Array | null = null;
  let n = nIn;
  if (opts.missing === 'listwise') {
    const ok = new Uint8Array(nIn).fill(1);
    let any = false;
    for (let i = 0; i < p0; i++) {
      const c = data.cols[cols[i]!]!;
      let m = 0;
      for (let r = 0; r < nIn; r++) if (c[r] !== c[r]) { ok[r] = 0; m++; }
      perItemCount[i] = m;
      if (m > 0) any = true;
    }
    if (any) {
      keep = new Int32Array(nIn);
      n = 0;
      for (let r = 0; r < nIn; r++) if (ok[r]) keep[n++] = r;
    }
  }
  if (n < 3) throw new Error(`${src}: only ${n} usable rows (need at least 3)`);

  const reuse = opts.reuse && opts.reuse.n === n && opts.reuse.P === P ? opts.reuse : undefined;
  const X = reuse ? reuse.X : new Float64Array(n * P);
  const S = reuse ? reuse.S : new Float64Array(P * P);
  const means = reuse ? reuse.means : new Float64Array(P);
  const sds = reuse ? reuse.sds : new Float64Array(P);

  let cellsMissing = 0;
  for (let i = 0; i < p0; i++) {
    const c = data.cols[cols[i]!]!;
    const o = i * n;
    // One pass sums the column (and its squares) and counts missing cells; a second one writes it standardized.
    let s = 0, ss = 0, miss = 0;
    if (keep) {
      for (let r = 0; r < n; r++) { const v = c[keep[r]!]!; X[o + r] = v; s += v; ss += v * v; }
      miss = perItemCount[i]!;
    } else {
      for (let r = 0; r < n; r++) {
        const v = c[r]!;
        if (v === v) { s += v; ss += v * v; } else miss++;
      }
      perItemCount[i] = miss;
    }
    cellsMissing += miss;
    if (!Number.isFinite(ss)) throw new Error(`${src}: item '${model.items[i]}' has infinite or too large values`);
    // seminr's mean_replacement: a missing cell becomes the mean of the column's observed values
    const filled = keep ? 0 : miss; // cells replaced by the mean (kept rows of a listwise deletion have none)
    if (filled === n) throw new Error(`${src}: item '${model.items[i]}' has no observed values`);
    const mean = s / (n - filled);
    ss += filled * mean * mean;
    let v = (ss - n * mean * mean) / (n - 1);
    if (!(v > 1e-4 * mean * mean)) {
      // sd small next to the mean: the one-pass variance (relative error ~ 1e-16 mean²/var) may have lost digits,
      // so take the two-pass value; this also makes a constant column exactly 0
      let cs = 0;
      for (let r = 0; r < n; r++) {
        const x = keep ? X[o + r]! : c[r]!;
        if (x === x) cs += (x - mean) * (x - mean);
      }
      v = cs / (n - 1);
    }
    const sd = Math.sqrt(v);
    if (!(sd > 0)) throw zeroVariance(src, model.items[i]!);
    const inv = 1 / sd;
    if (keep) {
      for (let r = 0; r < n; r++) X[o + r] = (X[o + r]! - mean) * inv;
    } else if (filled === 0) {
      for (let r = 0; r < n; r++) X[o + r] = (c[r]! - mean) * inv;
    } else {
      for (let r = 0; r < n; r++) { const x = c[r]!; X[o + r] = x === x ? (x - mean) * inv : 0; }
    }
    means[i] = mean;
    sds[i] = sd;
  }
  gramUpdate(X, n, p0, 0, S, P, 1 / (n - 1));

  const perItem: Record<string, number> = {};
  if (!opts.lean) for (let i = 0; i < p0; i++) perItem[model.items[i]!] = perItemCount[i]!;
  return {
    n, N: n, X, P, S, means, sds,
    missing: { method: opts.missing, cellsMissing, share: cellsMissing / (nIn * p0), rowsDropped: nIn - n, perItem },
  };
}

/**
 * prepareData for rows with frequency weights: the same means, sds and S as the table with each row repeated
 * weight times (mean replacement and listwise deletion included), computed on the distinct rows only. Two passes
 * per column (weighted mean refined as R's mean() is, then the sum of squares), so no one-pass cancellation.
 */
function prepareWeighted(model: CompiledModel, data: DataTable, weights: Float64Array, cols: Int32Array, opts: PrepareOptions): Prepared {
  const { p0 } = model;
  const P = model.items.length;
  const n = data.n;
  const src = opts.source ?? 'data';
  if (weights.length !== n) throw new Error(`${src}: ${weights.length} weights for ${n} rows`);
  const reuse = opts.reuse && opts.reuse.P === P && opts.reuse.w && opts.reuse.X.length >= n * P && opts.reuse.w.length >= n ? opts.reuse : undefined;
  const X = reuse ? reuse.X : new Float64Array(n * P);
  const S = reuse ? reuse.S : new Float64Array(P * P);
  const means = reuse ? reuse.means : new Float64Array(P);
  const sds = reuse ? reuse.sds : new Float64Array(P);
  const w = reuse ? reuse.w! : new Float64Array(n);
  const sqrtW = reuse ? reuse.sqrtW! : new Float64Array(n);
  const invSqrtW = reuse ? reuse.invSqrtW! : new Float64Array(n);
  const perItemCount = new Float64Array(p0);

  // Listwise deletion: rows with a missing item weigh 0 (their missing cells still count in the report, as the
  // unweighted report counts them before deleting).
  let rowsDropped = 0;
  let cellsMissing = 0;
  let N = 0, N0 = 0;
  for (let r = 0; r < n; r++) {
    let wr = weights[r]!;
    if (!(wr >= 0) || !Number.isFinite(wr)) throw new Error(`${src}: row ${r + 1} has weight ${wr} (weights must be finite and >= 0)`);
    N0 += wr;
    if (opts.missing === 'listwise' && wr > 0) {
      let drop = false;
      for (let i = 0; i < p0; i++) {
        const v = data.cols[cols[i]!]![r]!;
        if (v !== v) { drop = true; perItemCount[i] += wr; cellsMissing += wr; }
      }
      if (drop) { rowsDropped += wr; wr = 0; }
    }
    N += wr;
    w[r] = wr;
    sqrtW[r] = Math.sqrt(wr);
    invSqrtW[r] = wr > 0 ? 1 / sqrtW[r]! : 0;
  }
  if (N < 3) throw new Error(`${src}: only ${N} usable rows (need at least 3)`);

  for (let i = 0; i < p0; i++) {
    const c = data.cols[cols[i]!]!;
    const o = i * n;
    let sw = 0, s = 0, miss = 0, holes = 0; // holes: missing cells, of rows of weight 0 too
    for (let r = 0; r < n; r++) {
      const v = c[r]!;
      if (v !== v) holes++;
      const wr = w[r]!;
      if (wr === 0) continue;
      if (v === v) { sw += wr; s += wr * v; } else miss += wr;
    }
    perItemCount[i] += miss; // 0 after listwise deletion
    cellsMissing += miss;
    if (sw === 0) throw new Error(`${src}: item '${model.items[i]}' has no observed values`);
    // The column is stored centred and scaled by sqrt(w) in the same pass that sums its squares (mean-replaced cells
    // sit at the mean: 0, nothing to the sum). The mean is not refined as R's mean() does: its rounding moves the
    // sum of squares by N delta², far below what any estimate shows (the bootstrap's hot path: 3 passes, not 4).
    const mean = s / sw;
    let ss = 0;
    if (holes === 0) {
      for (let r = 0; r < n; r++) { const d = sqrtW[r]! * (c[r]! - mean); X[o + r] = d; ss += d * d; }
    } else {
      for (let r = 0; r < n; r++) { const v = c[r]!; const d = v === v ? sqrtW[r]! * (v - mean) : 0; X[o + r] = d; ss += d * d; }
    }
    if (!Number.isFinite(ss)) throw new Error(`${src}: item '${model.items[i]}' has infinite or too large values`);
    const sd = Math.sqrt(ss / (N - 1));
    // A constant column gives sd 0 with integer weights, but rounding noise (relative to the mean) with fractional
    // ones: when the sd is that small, look at the values themselves.
    if (!(sd > 1e-8 * Math.abs(mean)) && isConstant(c, w, n)) throw zeroVariance(src, model.items[i]!);
    if (!(sd > 0)) throw zeroVariance(src, model.items[i]!);
    const inv = 1 / sd;
    for (let r = 0; r < n; r++) X[o + r] = X[o + r]! * inv;
    means[i] = mean;
    sds[i] = sd;
  }
  gramUpdate(X, n, p0, 0, S, P, 1 / (N - 1));

  const perItem: Record<string, number> = {};
  if (!opts.lean) for (let i = 0; i < p0; i++) perItem[model.items[i]!] = perItemCount[i]!;
  return {
    n, N, X, P, S, means, sds, w, sqrtW, invSqrtW,
    missing: { method: opts.missing, cellsMissing, share: cellsMissing / (N0 * p0), rowsDropped, perItem },
  };
}

const zeroVariance = (src: string, item: string) =>
  new Error(`${src}: item '${item}' has zero variance and cannot be standardized (seminr: zero variance items cannot be scaled)`);

/** Whether every observed value of the rows with a positive weight is the same. */
function isConstant(c: Float64Array, w: Float64Array, n: number): boolean {
  let first = NaN;
  for (let r = 0; r < n; r++) {
    const v = c[r]!;
    if (!(w[r]! > 0) || v !== v) continue;
    if (first !== first) first = v;
    else if (v !== first) return false;
  }
  return true;
}
