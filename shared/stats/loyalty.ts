// The seed-003 loyalty model (shared/models/loyalty.json): sum (or mean) scores of each SERVQUAL dimension,
// the OLS of loyalty on them with SPSS-style diagnostics, and the item analysis / α band of every dimension,
// i.e. Tables 3-17 of Rufani et al. as one JSON-serialisable object.
// With frequency weights (opts.weights, one per table row) the regression and the score descriptives are weighted
// (a row of weight k counts as k copies; n = Σw); the item analysis (α, item-total correlations) stays unweighted:
// it describes the instrument on the respondents as sampled.
import type { RegressionModelSpec } from '../models/spec';
import type { DataTable } from './table';
import { StatsInputError } from './errors';
import { itemAnalysis, type ItemAnalysis, type ItemAnalysisOptions } from './items';
import { checkWeights, regress, wMean, wSumSq, type RegressionResult, type RegressOptions } from './regression';
import { mean, sd } from './moments';

export interface DimensionResult {
  name: string;
  label?: string;
  role: 'dependent' | 'predictor';
  items: string[];
  /** Descriptives of the score over the rows where all its items are present (weighted: n = Σw, rows of weight 0 absent). */
  score: { n: number; mean: number; sd: number };
  /** SPSS reliability output of the dimension (listwise over its own items); null for a single-item dimension. */
  itemAnalysis: ItemAnalysis | null;
}

export interface LoyaltyModelResult {
  model: { id?: string; label?: string; score: 'sum' | 'mean' };
  /** The regression of the dependent score on the predictor scores (listwise over every item of the model). */
  regression: RegressionResult;
  dimensions: DimensionResult[];
}

export type LoyaltyOptions = RegressOptions & { items?: ItemAnalysisOptions };

export function fitLoyaltyModel(spec: RegressionModelSpec, table: DataTable, opts: LoyaltyOptions = {}): LoyaltyModelResult {
  const dims = [
    { ...spec.dependent, label: undefined as string | undefined, role: 'dependent' as const },
    ...spec.predictors.map((p) => ({ ...p, role: 'predictor' as const })),
  ];
  const names = dims.map((d) => d.name);
  const dupName = names.find((nm, i) => names.indexOf(nm) !== i);
  if (dupName !== undefined) throw new StatsInputError(`model: dimension name '${dupName}' is used twice`);
  for (const d of dims) {
    const absent = d.items.filter((it) => !table.names.includes(it));
    if (absent.length > 0) throw new StatsInputError(`model: item(s) ${absent.map((a) => `'${a}'`).join(', ')} of ${d.name} not found in the data`);
  }

  const scoreCols = dims.map((d) => scoreColumn(table, d.items, spec.score));
  const scores: DataTable = { names, cols: scoreCols, n: table.n };
  const regression = regress(scores, spec.dependent.name, spec.predictors.map((p) => p.name), opts);

  const w = opts.weights;
  if (w) checkWeights(w, table.n);
  const dimensions: DimensionResult[] = dims.map((d, j) => {
    const col = scoreCols[j]!;
    let score: DimensionResult['score'];
    if (w) {
      const rows = [...col.keys()].filter((i) => !Number.isNaN(col[i]!) && w[i]! > 0);
      const v = Float64Array.from(rows, (i) => col[i]!);
      const wv = Float64Array.from(rows, (i) => w[i]!);
      const n = wv.reduce((a, b) => a + b, 0);
      score = { n, mean: rows.length > 0 ? wMean(v, wv) : NaN, sd: n > 1 ? Math.sqrt(wSumSq(v, wv) / (n - 1)) : NaN };
    } else {
      const present = col.filter((v) => !Number.isNaN(v));
      score = { n: present.length, mean: present.length > 0 ? mean(present) : NaN, sd: present.length > 1 ? sd(present) : NaN };
    }
    return {
      name: d.name,
      ...(d.label !== undefined ? { label: d.label } : {}),
      role: d.role,
      items: [...d.items],
      score,
      itemAnalysis: d.items.length >= 2 ? itemAnalysis(table, d.items, opts.items) : null,
    };
  });

  return {
    model: { ...(spec.id !== undefined ? { id: spec.id } : {}), ...(spec.label !== undefined ? { label: spec.label } : {}), score: spec.score },
    regression,
    dimensions,
  };
}

/** Row-wise sum or mean of the items; NaN when any item of the row is missing (as SPSS COMPUTE SUM.k would be strict). */
function scoreColumn(table: DataTable, items: readonly string[], how: 'sum' | 'mean'): Float64Array {
  const cols = items.map((it) => table.cols[table.names.indexOf(it)]!);
  const out = new Float64Array(table.n);
  for (let i = 0; i < table.n; i++) {
    let s = 0;
    for (const c of cols) s += c[i]!;
    out[i] = how === 'sum' ? s : s / cols.length;
  }
  return out;
}
