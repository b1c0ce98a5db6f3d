// ACSI-style 0-100 indices and the importance-performance map (IPMA) of a PLS model.
//
// Index of construct c (Fornell et al. 1996; SmartPLS IPMA performance):
//   raw-scale weights  u_i = w_i / sd_i        (w_i = standardized outer weight, sd_i = item sd, n-1)
//   relative weights   w~_i = u_i / sum_j u_j  (must all be positive: a negative weight has no index meaning)
//   index              = (sum_i w~_i * mean_i - min) / (max - min) * 100   on the item scale [min, max]
// IPMA importance = unstandardized total effect on the target, from OLS (with intercept) of the 0-100 rescaled
// construct scores on their predictors' rescaled scores; performance = the construct's index.
import { Matrix, solve } from 'ml-matrix';
import type { DataTable } from './table';
import { column } from './table';

export interface Scale { min: number; max: number }

export interface IndexInput {
  /** Standardized outer weights per item of the construct (as PLS returns them). */
  weights: ReadonlyMap<string, number> | Record<string, number>;
  itemMeans: Record<string, number>;
  itemSds: Record<string, number>;
}

function entries(w: IndexInput['weights']): [string, number][] {
  return w instanceof Map ? [...w.entries()] : Object.entries(w);
}

/** Relative raw-scale weights w~ (sum 1). Throws when a weight is not positive. */
export function relativeWeights(construct: string, input: IndexInput): Map<string, number> {
  const raw = entries(input.weights).map(([item, w]) => {
    const sd = input.itemSds[item];
    if (sd === undefined || !(sd > 0)) throw new Error(`index of ${construct}: item ${item} has no positive standard deviation`);
    if (!(w > 0)) throw new Error(`index of ${construct}: outer weight of ${item} is ${w.toFixed(4)}; an ACSI index needs positive weights (check the item's coding)`);
    return [item, w / sd] as const;
  });
  const sum = raw.reduce((s, [, u]) => s + u, 0);
  return new Map(raw.map(([item, u]) => [item, u / sum]));
}

export function acsiIndex(construct: string, input: IndexInput, scale: Scale): number {
  const rel = relativeWeights(construct, input);
  let m = 0;
  for (const [item, w] of rel) m += w * input.itemMeans[item]!;
  return ((m - scale.min) / (scale.max - scale.min)) * 100;
}

/** Per-row 0-100 scores of a construct (missing items replaced by the item mean, as the PLS estimate did). */
export function rescaledScores(construct: string, input: IndexInput, data: DataTable, scale: Scale): Float64Array {
  const rel = relativeWeights(construct, input);
  const out = new Float64Array(data.n);
  for (const [item, w] of rel) {
    const col = column(data, item);
    const mean = input.itemMeans[item]!;
    for (let i = 0; i < data.n; i++) {
      const x = Number.isNaN(col[i]!) ? mean : col[i]!;
      out[i]! += (w * (x - scale.min) * 100) / (scale.max - scale.min);
    }
  }
  return out;
}

export interface IpmaRow { construct: string; importance: number; performance: number }

/**
 * Importance-performance map for `target`. `paths` are the structural paths between ordinary constructs
 * (interaction terms are left out: an importance for a product term has no performance to pair with).
 */
export function ipma(
  target: string,
  paths: readonly { from: string; to: string }[],
  indexInputs: Record<string, IndexInput>,
  data: DataTable,
  scale: Scale,
): IpmaRow[] {
  const constructs = Object.keys(indexInputs);
  const scores = new Map(constructs.map((c) => [c, rescaledScores(c, indexInputs[c]!, data, scale)]));
  const usable = paths.filter((p) => scores.has(p.from) && scores.has(p.to));
  // Unstandardized direct effects B[from][to] from OLS with intercept on the rescaled scores.
  const direct = new Map<string, Map<string, number>>();
  for (const to of new Set(usable.map((p) => p.to))) {
    const preds = usable.filter((p) => p.to === to).map((p) => p.from);
    const X = new Matrix(data.n, preds.length + 1);
    for (let i = 0; i < data.n; i++) {
      X.set(i, 0, 1);
      preds.forEach((p, k) => X.set(i, k + 1, scores.get(p)![i]!));
    }
    const y = Matrix.columnVector(Array.from(scores.get(to)!));
    const b = solve(X.transpose().mmul(X), X.transpose().mmul(y));
    preds.forEach((p, k) => {
      if (!direct.has(p)) direct.set(p, new Map());
      direct.get(p)!.set(to, b.get(k + 1, 0));
    });
  }
  // Total effect on target = sum over all directed chains (the structural model is acyclic).
  const memo = new Map<string, number>();
  const total = (from: string): number => {
    if (from === target) return 1;
    if (memo.has(from)) return memo.get(from)!;
    let s = 0;
    for (const [to, b] of direct.get(from) ?? []) s += b * total(to);
    memo.set(from, s);
    return s;
  };
  return constructs
    .filter((c) => c !== target && direct.has(c) && total(c) !== 0)
    .map((c) => ({ construct: c, importance: total(c), performance: acsiIndex(c, indexInputs[c]!, scale) }))
    .sort((a, b) => b.importance - a.importance);
}
