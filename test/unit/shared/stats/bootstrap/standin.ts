// A small stand-in estimator for testing the bootstrap machinery without the PLS engine: a three-variable
// "chain" X -> M -> Y built from correlations, plus the variance of X (a skewed statistic for BCa).
// Module-level factory so worker threads can rebuild it from a recipe.
import type { ParamInfo } from '../../../../../shared/stats/pls/types';
import { column, type DataTable } from '../../../../../shared/stats/table';

export interface StandInOptions {
  x: string;
  m: string;
  y: string;
  /** Throw when data row `throwRow` (0-based) appears more than `times` times in a resample. */
  throwRow?: number;
  /** Return NaN when data row `nanRow` appears more than `times` times. */
  nanRow?: number;
  times?: number;
}

export const STANDIN_LAYOUT: ParamInfo[] = [
  { kind: 'path', from: 'X', to: 'M' },
  { kind: 'path', from: 'M', to: 'Y' },
  { kind: 'path', from: 'X', to: 'Y' },
  { kind: 'loading', from: 'x', to: 'X' },
  { kind: 'total', from: 'X', to: 'M' },
  { kind: 'total', from: 'X', to: 'Y' },
  { kind: 'total', from: 'M', to: 'Y' },
];

function mean(a: Float64Array): number {
  let s = 0;
  for (const v of a) s += v;
  return s / a.length;
}

function cov(a: Float64Array, b: Float64Array): number {
  const ma = mean(a);
  const mb = mean(b);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - ma) * (b[i]! - mb);
  return s / (a.length - 1);
}

const cor = (a: Float64Array, b: Float64Array) => cov(a, b) / Math.sqrt(cov(a, a) * cov(b, b));

/** Marks rows by their value in a hidden id column so a resample can tell which data rows it holds. */
export const ROW_ID = '__row';

export function createStandInEstimator(o: StandInOptions) {
  return {
    layout: STANDIN_LAYOUT,
    estimate(d: DataTable): Float64Array {
      if (o.throwRow !== undefined || o.nanRow !== undefined) {
        const ids = column(d, ROW_ID);
        const count = (r: number) => ids.reduce((c, v) => c + (v === r ? 1 : 0), 0);
        if (o.throwRow !== undefined && count(o.throwRow) > (o.times ?? 2)) throw new Error(`row ${o.throwRow} drawn too often`);
        if (o.nanRow !== undefined && count(o.nanRow) > (o.times ?? 2)) return new Float64Array(STANDIN_LAYOUT.length).fill(NaN);
      }
      const x = column(d, o.x);
      const m = column(d, o.m);
      const y = column(d, o.y);
      const xm = cor(x, m);
      const my = cor(m, y);
      const xy = cor(x, y);
      return Float64Array.of(xm, my, xy, cov(x, x), xm, xy + xm * my, my);
    },
  };
}
