// The numeric data table every statistic reads: column-major Float64Arrays, NaN = missing.
export interface DataTable {
  readonly names: readonly string[];
  readonly cols: readonly Float64Array[];
  readonly n: number;
  /**
   * Frequency weights of the rows (>= 0): a row of weight k counts as k copies of it (N = the sum of the weights).
   * Survey weights are passed this way (estimatePls gives the estimate of the rows repeated), and the bootstrap
   * passes a resample as its distinct rows, weighted by how often each was drawn times its survey weight; only
   * estimators that declare `weighted` read it.
   */
  readonly weights?: Float64Array;
}

export function tableFromRows(names: readonly string[], rows: readonly (readonly number[])[]): DataTable {
  const cols = names.map((_, j) => Float64Array.from(rows, (r) => r[j] ?? NaN));
  return { names, cols, n: rows.length };
}

export function column(t: DataTable, name: string): Float64Array {
  const j = t.names.indexOf(name);
  if (j < 0) throw new Error(`column '${name}' not found (have: ${t.names.slice(0, 12).join(', ')}${t.names.length > 12 ? ', ...' : ''})`);
  return t.cols[j]!;
}

/** Rows at the given 0-based indices (with repeats), e.g. a bootstrap resample; each keeps its weight. */
export function selectRows(t: DataTable, idx: ArrayLike<number>): DataTable {
  const pick = (c: Float64Array) => {
    const out = new Float64Array(idx.length);
    for (let i = 0; i < idx.length; i++) out[i] = c[idx[i]!]!;
    return out;
  };
  return { names: t.names, cols: t.cols.map(pick), n: idx.length, ...(t.weights ? { weights: pick(t.weights) } : {}) };
}

export function selectColumns(t: DataTable, names: readonly string[]): DataTable {
  return { names, cols: names.map((nm) => column(t, nm)), n: t.n, ...(t.weights ? { weights: t.weights } : {}) };
}

/** The table with each row repeated weight times (integer weights): what frequency weights stand for. */
export function repeatRows(t: DataTable): DataTable {
  if (!t.weights) return t;
  const idx: number[] = [];
  t.weights.forEach((w, r) => {
    if (!Number.isInteger(w) || w < 0) throw new Error(`repeatRows: row ${r + 1} has weight ${w}, not a whole number >= 0`);
    for (let k = 0; k < w; k++) idx.push(r);
  });
  return selectRows({ names: t.names, cols: t.cols, n: t.n }, idx);
}

/** True when there are no weights or every weight is exactly 1 (the unweighted arithmetic applies as is). */
export function unitWeights(t: DataTable): boolean {
  const w = t.weights;
  if (!w) return true;
  for (let r = 0; r < w.length; r++) if (w[r] !== 1) return false;
  return true;
}

/** The table without its weights. */
export function withoutWeights(t: DataTable): DataTable {
  return t.weights ? { names: t.names, cols: t.cols, n: t.n } : t;
}

/** Kish's summary of survey weights over the rows with a positive weight (shared/stats/survey-weights.ts computes it). */
export interface WeightingSummary { n: number; sumWeights: number; nEffective: number; deff: number }
