// Test data for the weighted estimators (issue 15): seeded integer weights and seeded missing cells.
import type { DataTable } from '../../shared/stats/table';
import { mulberry32 } from './random';

/** Integer weights lo..hi drawn with a seeded generator. */
export function intWeights(n: number, seed: number, lo = 1, hi = 3): Float64Array {
  const rnd = mulberry32(seed);
  return Float64Array.from({ length: n }, () => lo + Math.floor(rnd() * (hi - lo + 1)));
}

/** A copy with a share of the cells set missing. */
export function withHoles(t: DataTable, share: number, seed: number): DataTable {
  const rnd = mulberry32(seed);
  return { ...t, cols: t.cols.map((c) => Float64Array.from(c, (v) => (rnd() < share ? NaN : v))) };
}
