// The estimator the per-unit bootstrap runs: the satisfaction model's PLS parameters followed by the 0-100
// indices of every construct, so each index gets its CI from the same resamples as the paths.
// - constructs of the PLS model: ACSI rescaling of that resample's outer weights (shared/stats/indices.ts);
// - constructs outside it (e.g. LOY): equal raw weights, i.e. the rescaled mean of the item means.
import type { PlsModelSpec } from '../models/spec';
import { createPlsEstimator } from '../stats/pls';
import type { ParamInfo, PlsOptions } from '../stats/pls/types';
import type { Scale } from '../stats/indices';
import type { DataTable } from '../stats/table';
import type { EstimatorRecipe } from '../stats/bootstrap';

export interface IndexPlan {
  /** Constructs whose index uses the PLS weights. */
  pls: string[];
  /** Other constructs and their items (equal raw weights). */
  unweighted: Record<string, string[]>;
  scale: Scale;
}

interface Estimator {
  layout: readonly ParamInfo[];
  weighted?: boolean;
  estimate(data: DataTable): Float64Array;
  byCounts?(data: DataTable): ((counts: ArrayLike<number>) => Float64Array) | null;
}

/**
 * NaN-aware mean, and the sd after mean replacement (what the PLS standardized by). One pass: survey items are
 * small integers, so the sum of squares loses no digits that matter.
 */
function meanSd(col: Float64Array, weights?: ArrayLike<number>): [number, number] {
  let n = 0, s = 0, ss = 0, N = col.length;
  if (weights) {
    // frequency weights (survey weights; in a bootstrap resample, each distinct row's count x its survey weight):
    // as if each row were repeated
    N = 0;
    for (let i = 0; i < col.length; i++) {
      const v = col[i]!, w = weights[i]!;
      N += w;
      if (v === v) { n += w; s += w * v; ss += w * v * v; }
    }
  } else {
    for (let i = 0; i < col.length; i++) {
      const v = col[i]!;
      if (v === v) { n++; s += v; ss += v * v; }
    }
  }
  const m = s / n;
  return [m, Math.sqrt(Math.max(0, ss - n * m * m) / (N - 1))];
}

export function createUnitEstimator(spec: PlsModelSpec, options: PlsOptions, plan: IndexPlan): Estimator {
  const pls = createPlsEstimator(spec, options);
  const p = pls.layout.length;
  const weightPos = new Map<string, { item: string; pos: number }[]>();
  pls.layout.forEach((q, j) => {
    if (q.kind !== 'weight' || !plan.pls.includes(q.to)) return;
    if (!weightPos.has(q.to)) weightPos.set(q.to, []);
    weightPos.get(q.to)!.push({ item: q.from, pos: j });
  });
  for (const c of plan.pls) if (!weightPos.has(c)) throw new Error(`index plan: construct ${c} is not in the model`);
  const order = [...plan.pls, ...Object.keys(plan.unweighted)];
  const layout: ParamInfo[] = [...pls.layout, ...order.map((c) => ({ kind: 'index' as const, from: c, to: 'INDEX' }))];
  const range = plan.scale.max - plan.scale.min;
  let momentIndex: Map<string, number> | undefined;

  /** out[p..] = the indices, given out[0..p) = the PLS parameters of the same rows (weights: frequency weights). */
  const addIndices = (out: Float64Array, data: DataTable, weights: ArrayLike<number> | undefined) => {
    const colOf = (item: string) => {
      const j = data.names.indexOf(item);
      if (j < 0) throw new Error(`index: item ${item} missing from the data`);
      return data.cols[j]!;
    };
    // the PLS items' means and sds are those the estimate standardized by (no second pass over the columns); with
    // listwise deletion those are of the complete rows only, so the index keeps its own
    const moments = options.missing === 'listwise' ? undefined : pls.itemMoments?.();
    if (moments && !momentIndex) momentIndex = new Map(moments.items.map((it, i) => [it, i]));
    let k = p;
    for (const c of plan.pls) {
      let sumU = 0, sumUm = 0;
      for (const { item, pos } of weightPos.get(c)!) {
        const at = momentIndex?.get(item);
        const [m, sd] = moments && at !== undefined ? [moments.means[at]!, moments.sds[at]!] : meanSd(colOf(item), weights);
        const u = out[pos]! / sd;
        if (!(u > 0)) throw new Error(`index of ${c}: outer weight of ${item} is not positive`);
        sumU += u; sumUm += u * m;
      }
      out[k++] = ((sumUm / sumU - plan.scale.min) / range) * 100;
    }
    for (const items of Object.values(plan.unweighted)) {
      let s = 0;
      for (const item of items) s += meanSd(colOf(item), weights)[0];
      out[k++] = ((s / items.length - plan.scale.min) / range) * 100;
    }
    return out;
  };

  return {
    layout,
    ...(pls.weighted ? { weighted: true } : {}),
    estimate(data: DataTable): Float64Array {
      const out = new Float64Array(layout.length);
      out.set(pls.estimate(data), 0);
      return addIndices(out, data, data.weights);
    },
    // The bootstrap's count route (pls/resample-estimator.ts): each table row weighted by its count in the resample.
    byCounts(data: DataTable) {
      const plsOf = pls.byCounts?.(data);
      if (!plsOf) return null;
      const survey = data.weights;
      const freq = survey ? new Float64Array(data.n) : undefined;
      return (counts: ArrayLike<number>) => {
        const out = new Float64Array(layout.length);
        out.set(plsOf(counts), 0);
        if (freq) for (let r = 0; r < freq.length; r++) freq[r] = counts[r]! * survey![r]!;
        return addIndices(out, data, freq ?? counts);
      };
    },
  };
}

/** How bootstrap worker threads rebuild this estimator. */
export function unitEstimatorRecipe(spec: PlsModelSpec, options: PlsOptions, plan: IndexPlan): EstimatorRecipe {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return { module: new URL(`./unit-estimator${ext}`, import.meta.url).href, exportName: 'createUnitEstimator', args: [spec, options, plan] };
}
