// The bootstrap's hot path: a compiled estimator returning the resampled parameters as one flat vector.
// Same core as estimatePls (prepareData -> fitModel), without the extras (f², VIFs, scores, cross-loadings).
//
// Layout order (ParamInfo), fixed per spec:
//   1. 'path'    every path, in the order written in spec.paths (seminr's smMatrix rows);
//   2. 'loading' every item, in seminr's item order (constructs as defined in spec.constructs, then the
//                generated interaction items), from = item, to = construct;
//   3. 'weight'  the same items in the same order;
//   4. 'htmt'    every pair of constructs (a before b in construct order), row by row;
//   5. 'total'   total effect of every pair (i, j) with a chain of paths from i to j, row by row in construct order.
import type { PlsModelSpec } from '../../models/spec';
import type { DataTable } from '../table';
import { compileModel, type CompiledModel } from './compile';
import { reachability, totalEffects } from './effects';
import { iterateWeights, type Plan } from './algorithm';
import { countMoments } from '../count-moments';
import { fitLoading, fitModel, makeFitPlan, STAGE1_MAX_ITER, STAGE1_STOP, type ModelFit } from './fit';
import { interactionColumns, interactionFromWeights, interactionMoments, type InteractionMoments } from './group-interaction';
import type { ColumnSpace } from '../f64-columns';
import { correlationFromSums, emptySums, poolItems } from './group-moments';
import { prepareData, resolveColumns, type Prepared } from './prepare';
import { htmt, monotrait } from './quality';
import { resolveSettings } from './settings';
import type { ParamInfo, PlsEstimator, PlsOptions } from './types';

export function parameterLayout(model: CompiledModel): ParamInfo[] {
  const { constructs, items } = model;
  const K = constructs.length;
  const owner = (i: number): string => constructs[constructs.findIndex((_, k) => i >= model.start[k]! && i < model.end[k]!)]!;
  const layout: ParamInfo[] = [];
  for (const [f, t] of model.paths) layout.push({ kind: 'path', from: constructs[f]!, to: constructs[t]! });
  items.forEach((it, i) => layout.push({ kind: 'loading', from: it, to: owner(i) }));
  items.forEach((it, i) => layout.push({ kind: 'weight', from: it, to: owner(i) }));
  for (let a = 0; a < K; a++) for (let b = a + 1; b < K; b++) layout.push({ kind: 'htmt', from: constructs[a]!, to: constructs[b]! });
  const reach = reachability(model.paths, K);
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) if (reach[i * K + j]) layout.push({ kind: 'total', from: constructs[i]!, to: constructs[j]! });
  return layout;
}

export function createPlsEstimator(spec: PlsModelSpec, opts: PlsOptions = {}): PlsEstimator {
  const model = compileModel(spec);
  const set = resolveSettings(spec, opts);
  const layout = parameterLayout(model);
  const K = model.constructs.length;
  const P = model.items.length;
  const owner = new Int32Array(P);
  for (let k = 0; k < K; k++) for (let i = model.start[k]!; i < model.end[k]!; i++) owner[i] = k;
  const reach = reachability(model.paths, K);
  const totalPairs: number[] = [];
  for (let x = 0; x < K * K; x++) if (reach[x]) totalPairs.push(x);
  const allConstructs = model.constructs.map((_, k) => k);
  const mono = new Float64Array(K);
  const fitPlan = makeFitPlan(model, model.paths);
  const tot = new Float64Array(K * K);
  const totWork = new Float64Array(2 * K * K);

  // Per-call caches: column positions for the last table layout seen, and the n x P / P x P buffers.
  let namesSeen: readonly string[] | null = null;
  let cols: Int32Array = new Int32Array(0);
  let buffers: Prepared | undefined;
  /** What the last estimate standardized by (either route), for itemMoments(). */
  let last: Prepared | undefined;
  /** The count route of the last table asked for (null: it does not apply). */
  let routeOf: { data: DataTable; estimate: ((counts: ArrayLike<number>) => Float64Array) | null } | undefined;
  const measured = model.items.slice(0, model.p0);

  return {
    spec,
    layout,
    weighted: true,
    estimate(data: DataTable): Float64Array {
      if (data.names !== namesSeen) {
        cols = resolveColumns(model, data);
        namesSeen = data.names;
      }
      const prep = prepareData(model, data, cols, { missing: set.missing, lean: true, reuse: buffers });
      buffers = prep;
      last = prep;
      return emit(fitModel(fitPlan, prep, set), prep.S);
    },
    byCounts(data: DataTable) {
      // a worker thread asks once per chunk of the same table: the route (its copy of the table) is built once
      if (routeOf?.data !== data) {
        const route = countRoute(model, set, data);
        routeOf = {
          data,
          estimate: route && ((counts) => {
            const prep = route(counts);
            last = prep;
            return emit(fitModel(fitPlan, prep, set, true), prep.S);
          }),
        };
      }
      return routeOf.estimate;
    },
    itemMoments() {
      if (!last) throw new Error('itemMoments: no estimate yet');
      return { items: measured, means: last.means, sds: last.sds };
    },
  };

  function emit(fit: ModelFit, S: Float64Array): Float64Array {
    const { Ka, B, w } = fit; // Ka == K, local order == model order for the full structure
    const out = new Float64Array(layout.length);
    let o = 0;
    for (const [f, t] of model.paths) out[o++] = B[f * Ka + t]!;
    // With PLSc (a reflective construct in the model) B holds the consistent paths and the loadings of reflective
    // constructs are the consistent ones; weights and HTMT are those of plain PLS, as in seminr's bootstrap_model.
    for (let i = 0; i < P; i++) out[o++] = fitLoading(fit, i, owner[i]!);
    for (let i = 0; i < P; i++) out[o++] = w[i]!;
    monotrait(model, S, P, allConstructs, mono);
    for (let a = 0; a < K; a++) for (let b = a + 1; b < K; b++) out[o++] = htmt(model, S, P, a, b, mono);
    totalEffects(B, K, tot, totWork);
    for (const x of totalPairs) out[o++] = tot[x]!;
    return out;
  }
}

/**
 * The bootstrap's count route (PlsEstimator.byCounts): a resample's prepared data (item means, sds and correlation
 * matrix, two-stage interaction items included) from its row counts, through exact integer moment sums
 * (count-moments.ts), without gathering or standardizing its rows. Survey weights (data.weights) multiply the counts,
 * as in estimate(). Null when it does not apply: items that are not small whole numbers, survey weights of too many
 * distinct values, or product-indicator / orthogonal interaction terms (they need the rows). The figures are
 * estimate()'s on the resample's rows (mean replacement and listwise deletion alike) to rounding.
 */
function countRoute(
  model: CompiledModel, set: ReturnType<typeof resolveSettings>, data: DataTable,
): ((counts: ArrayLike<number>) => Prepared) | null {
  if (model.interactions.some((ci) => ci.method !== 'two-stage')) return null;
  const { p0 } = model;
  const P = model.items.length;
  const cols = resolveColumns(model, data);
  const itemCols = Array.from(cols, (j) => data.cols[j]!);
  let rows: Int32Array | undefined;
  if (set.missing === 'listwise') {
    const keep: number[] = [];
    for (let r = 0; r < data.n; r++) if (itemCols.every((c) => c[r] === c[r])) keep.push(r);
    rows = Int32Array.from(keep);
  }
  const cm = countMoments(itemCols, data.n, rows, data.weights);
  if (!cm) return null;
  const sums = emptySums(p0, cm.missing);
  const prep: Prepared = {
    n: 0, N: 0, P, X: new Float64Array(0), S: new Float64Array(P * P), means: new Float64Array(P), sds: new Float64Array(P),
    missing: { method: set.missing, cellsMissing: 0, share: 0, rowsDropped: 0, perItem: {} },
  };
  const itemName = (i: number) => model.items[i]!;
  // Two-stage terms from each drawn row's stage-1 scores (group-interaction.ts), the rows weighted by their counts.
  let two: { im: InteractionMoments; cs: ColumnSpace; stage1: Plan; centre: Float64Array; cMeans: Float64Array; weights: Float64Array } | null = null;
  if (model.interactions.length > 0) {
    const m = cm.rows.length;
    const pool = poolItems(itemCols.map((c) => Float64Array.from(cm.rows, (r) => c[r]!)), m);
    const im = interactionMoments(model, pool);
    const cs = interactionColumns(im, m);
    two = {
      im, cs, stage1: makeFitPlan(model, model.paths).stage1!, centre: pool.centre,
      cMeans: new Float64Array(p0), weights: cs.column(im.d),
    };
  }
  return (counts) => {
    cm.sums(counts, sums);
    if (sums.n < 3) throw new Error(`data: only ${sums.n} usable rows (need at least 3)`);
    try {
      correlationFromSums(sums, p0, prep.S, P, prep.means, prep.sds, itemName);
    } catch (e) {
      throw new Error(`data: ${(e as Error).message}`);
    }
    prep.n = prep.N = sums.n;
    if (two) {
      const { im, cs, stage1, centre, cMeans, weights } = two;
      iterateWeights(stage1, prep.S, { scheme: set.scheme, maxIter: STAGE1_MAX_ITER, stop: STAGE1_STOP });
      const { used, rowWeight } = cm;
      for (let r = 0; r < used.length; r++) weights[r] = used[r]! * rowWeight[r]!;
      for (let i = 0; i < p0; i++) cMeans[i] = prep.means[i]! - centre[i]!;
      interactionFromWeights(im, cs, sums.n, stage1.w, cMeans, prep.sds, p0, prep.S, P, prep.means, prep.sds);
    }
    return prep;
  };
}
