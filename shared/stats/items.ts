// SPSS RELIABILITY output for one scale: Item-Total Statistics, Cronbach's α (raw and based on standardized
// items), plus the validity check the seed-003 paper applies (corrected item-total r against the r-table)
// and the α bands of its Table 9. Everything follows from the items' covariance matrix, so "if item deleted"
// figures need no refits.
import type { DataTable } from './table';
import { column } from './table';
import { StatsInputError } from './errors';
import { mean } from './moments';
import { tQuantile } from './distributions';

export type ReliabilityBand = 'Less Reliable' | 'Somewhat Reliable' | 'Reliable enough' | 'Reliable' | 'Very reliable';

/** Table 9 of the seed-003 paper (Triton): 0.00-0.20, >0.20-0.40, >0.40-0.60, >0.60-0.80, >0.80-1.00. */
export function reliabilityBand(alpha: number): ReliabilityBand {
  if (alpha <= 0.2) return 'Less Reliable';
  if (alpha <= 0.4) return 'Somewhat Reliable';
  if (alpha <= 0.6) return 'Reliable enough';
  if (alpha <= 0.8) return 'Reliable';
  return 'Very reliable';
}

/**
 * Critical Pearson r for N observations: r = t/√(df + t²), df = N − 2, t the Student quantile at
 * 1 − α/2 (two-sided) or 1 − α (one-sided).
 */
export function rTable(nObs: number, alpha = 0.05, sides: 1 | 2 = 2): number {
  const df = nObs - 2;
  if (df < 1) return NaN;
  const t = tQuantile(1 - alpha / sides, df);
  return t / Math.sqrt(df + t * t);
}

export interface ItemTotalRow {
  item: string;
  scaleMeanIfDeleted: number;
  scaleVarianceIfDeleted: number;
  /** r(item, sum of the other items); null when the item or the rest is constant. */
  correctedItemTotalCorrelation: number | null;
  /** α of the other items; null with two items (α of a single item is undefined; SPSS leaves it blank). */
  alphaIfDeleted: number | null;
  /** correctedItemTotalCorrelation > the r-table value used for validity. */
  valid: boolean;
}

export interface ItemAnalysis {
  items: string[];
  /** Complete rows used (listwise over the scale's items, SPSS's default). */
  n: number;
  missing: { method: 'listwise'; rowsRead: number; rowsExcluded: number; /** 1-based data rows. */ excludedRows: number[] };
  alpha: number;
  /** α based on standardized items: k·r̄/(1 + (k−1)·r̄), r̄ the mean inter-item correlation; null if an item is constant. */
  alphaStandardized: number | null;
  nItems: number;
  band: ReliabilityBand;
  rTable: {
    df: number;
    alpha: number;
    twoSided: number;
    oneSided: number;
    usedForValidity: 'two-sided' | 'one-sided';
    note: string;
  };
  itemStatistics: { item: string; mean: number; sd: number }[];
  scaleStatistics: { mean: number; variance: number; sd: number; nItems: number };
  itemTotal: ItemTotalRow[];
  warnings: string[];
}

export interface ItemAnalysisOptions {
  /** Significance level of the r-table (default 0.05). */
  alpha?: number;
  /** Which r-table value the validity flag uses (default 'two-sided', as the paper's text says). */
  validity?: 'two-sided' | 'one-sided';
}

/** Item analysis of the named columns of a table; rows with a missing value in any item are dropped. */
export function itemAnalysis(table: DataTable, items: readonly string[], opts: ItemAnalysisOptions = {}): ItemAnalysis {
  if (items.length < 2) throw new StatsInputError(`item analysis needs at least 2 items, got ${items.length}`);
  const dup = items.find((it, i) => items.indexOf(it) !== i);
  if (dup !== undefined) throw new StatsInputError(`item '${dup}' is listed twice`);
  const all = items.map((it) => column(table, it));
  const keep: number[] = [];
  const excludedRows: number[] = [];
  for (let i = 0; i < table.n; i++) {
    if (all.some((c) => Number.isNaN(c[i]!))) excludedRows.push(i + 1);
    else keep.push(i);
  }
  const cols = all.map((c) => Float64Array.from(keep, (i) => c[i]!));
  const res = itemAnalysisComplete([...items], cols, opts);
  return { ...res, missing: { method: 'listwise', rowsRead: table.n, rowsExcluded: excludedRows.length, excludedRows } };
}

/** Item analysis on complete data (equal-length columns without NaN). */
export function itemAnalysisComplete(items: string[], cols: Float64Array[], opts: ItemAnalysisOptions = {}): ItemAnalysis {
  const k = cols.length;
  const n = cols[0]?.length ?? 0;
  if (k < 2) throw new StatsInputError(`item analysis needs at least 2 items, got ${k}`);
  if (n < 3) throw new StatsInputError(`item analysis needs at least 3 complete rows, got ${n}`);
  const sig = opts.alpha ?? 0.05;
  const validity = opts.validity ?? 'two-sided';
  const warnings: string[] = [];

  const means = cols.map(mean);
  const C = covarianceMatrix(cols, means);
  const rowSum = C.map((r) => r.reduce((s, v) => s + v, 0));
  const varTotal = rowSum.reduce((s, v) => s + v, 0);
  const sumVar = C.reduce((s, r, j) => s + r[j]!, 0);
  const meanTotal = means.reduce((s, v) => s + v, 0);
  if (!(varTotal > 0)) throw new StatsInputError(`the scale total of ${items.join(', ')} has zero variance: alpha is undefined`);
  const alpha = cronbach(k, sumVar, varTotal);

  const constant = items.filter((_, j) => C[j]![j] === 0);
  if (constant.length > 0) warnings.push(`zero variance (correlations undefined): ${constant.join(', ')}`);
  let alphaStandardized: number | null = null;
  if (constant.length === 0) {
    let rSum = 0;
    for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) rSum += C[a]![b]! / Math.sqrt(C[a]![a]! * C[b]![b]!);
    const rBar = rSum / ((k * (k - 1)) / 2);
    alphaStandardized = (k * rBar) / (1 + (k - 1) * rBar);
  }
  if (alpha < 0) warnings.push("Cronbach's alpha is negative (negative average inter-item covariance): check reverse-coded items");

  const two = rTable(n, sig, 2);
  const one = rTable(n, sig, 1);
  const critical = validity === 'two-sided' ? two : one;

  const itemTotal: ItemTotalRow[] = items.map((item, j) => {
    const cjj = C[j]![j]!;
    const varRest = varTotal - 2 * rowSum[j]! + cjj;
    const covRest = rowSum[j]! - cjj;
    const denom = Math.sqrt(cjj * varRest);
    const r = denom > 0 ? covRest / denom : null;
    return {
      item,
      scaleMeanIfDeleted: meanTotal - means[j]!,
      scaleVarianceIfDeleted: varRest,
      correctedItemTotalCorrelation: r,
      alphaIfDeleted: k > 2 ? cronbach(k - 1, sumVar - cjj, varRest) : null,
      valid: r !== null && r > critical,
    };
  });

  return {
    items,
    n,
    missing: { method: 'listwise', rowsRead: n, rowsExcluded: 0, excludedRows: [] },
    alpha,
    alphaStandardized,
    nItems: k,
    band: reliabilityBand(alpha),
    rTable: {
      df: n - 2,
      alpha: sig,
      twoSided: two,
      oneSided: one,
      usedForValidity: validity,
      note:
        `critical r = t/sqrt(df + t^2), df = N - 2 = ${n - 2}; an item is valid when its corrected item-total correlation exceeds the ${validity} value. ` +
        "(Rufani et al. (2023) quote 0.195 as the one-sided value at df = 98; at df = 98 the one-sided value is 0.165 and the two-sided 0.197; 0.195 is the two-sided value at df = 100.)",
    },
    itemStatistics: items.map((item, j) => ({ item, mean: means[j]!, sd: Math.sqrt(C[j]![j]!) })),
    scaleStatistics: { mean: meanTotal, variance: varTotal, sd: Math.sqrt(varTotal), nItems: k },
    itemTotal,
    warnings,
  };
}

function cronbach(k: number, sumItemVariances: number, totalVariance: number): number {
  return (k / (k - 1)) * (1 - sumItemVariances / totalVariance);
}

/** Sample covariance matrix (n − 1), two-pass. */
function covarianceMatrix(cols: Float64Array[], means: number[]): number[][] {
  const k = cols.length;
  const n = cols[0]!.length;
  const C = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      const xa = cols[a]!;
      const xb = cols[b]!;
      const ma = means[a]!;
      const mb = means[b]!;
      let s = 0;
      for (let i = 0; i < n; i++) s += (xa[i]! - ma) * (xb[i]! - mb);
      C[a]![b] = C[b]![a] = s / (n - 1);
    }
  }
  return C;
}
