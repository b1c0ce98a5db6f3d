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
import { fitLoading, fitModel, makeFitPlan } from './fit';
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
      const fit = fitModel(fitPlan, prep, set);
      const { Ka, B, w } = fit; // Ka == K, local order == model order for the full structure
      const out = new Float64Array(layout.length);
      let o = 0;
      for (const [f, t] of model.paths) out[o++] = B[f * Ka + t]!;
      // With PLSc (a reflective construct in the model) B holds the consistent paths and the loadings of reflective
      // constructs are the consistent ones; weights and HTMT are those of plain PLS, as in seminr's bootstrap_model.
      for (let i = 0; i < P; i++) out[o++] = fitLoading(fit, i, owner[i]!);
      for (let i = 0; i < P; i++) out[o++] = w[i]!;
      monotrait(model, prep.S, P, allConstructs, mono);
      for (let a = 0; a < K; a++) for (let b = a + 1; b < K; b++) out[o++] = htmt(model, prep.S, P, a, b, mono);
      totalEffects(B, K, tot, totWork);
      for (const x of totalPairs) out[o++] = tot[x]!;
      return out;
    },
    itemMoments() {
      if (!buffers) throw new Error('itemMoments: no estimate yet');
      return { items: measured, means: buffers.means, sds: buffers.sds };
    },
  };
}
