// The numeric data table every statistic reads: column-major Float64Arrays, NaN = missing.
export interface DataTable {
  readonly names: readonly string[];
  readonly cols: readonly Float64Array[];
  readonly n: number;
  /**
   * Frequency weights of the rows (>= 0): a row of weight k counts as k copies of it. The bootstrap passes a
   * resample this way (its distinct rows, weighted by how often each was drawn); only estimators that declare
   * `weighted` read it.
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

/** Rows at the given 0-based indices (with repeats), e.g. a bootstrap resample. */
export function selectRows(t: DataTable, idx: ArrayLike<number>): DataTable {
  const cols = t.cols.map((c) => {
    const out = new Float64Array(idx.length);
    for (let i = 0; i < idx.length; i++) out[i] = c[idx[i]!]!;
    return out;
  });
  return { names: t.names, cols, n: idx.length };
}

export function selectColumns(t: DataTable, names: readonly string[]): DataTable {
  return { names, cols: names.map((nm) => column(t, nm)), n: t.n };
}
