// Higher-order composites by the two-stage method, as seminr's higher_composite(method = two_stage)
// (R/feature_higher_order.R, R/estimate_pls.R):
//   stage 1: the model with each higher-order construct (HOC) replaced by its dimensions: the HOC's antecedents point
//            to every dimension, every dimension points to the HOC's outcomes; paths from interaction terms dropped;
//   stage 2: the model as written, the HOC measured by its dimensions' stage-1 scores (items named after the
//            dimensions), everything else as usual (interaction terms included).
// What seminr reports for such a model (summary(), bootstrap_model()) is the stage-2 estimate extended by the
// dimensions: their stage-1 loadings and weights, their reliability and item VIFs, and HTMT, Fornell-Larcker,
// construct correlations and cross-loadings over the stage-2 constructs followed by the dimensions.
import type { PlsModelSpec } from '../../models/spec';
import { gramUpdate } from '../kernels';
import { unitWeights, withoutWeights, type DataTable } from '../table';
import { compileModel, type CompiledModel } from './compile';
import { reachability, totalEffects } from './effects';
import { fitLoading, fitModel, makeFitPlan, type FitPlan, type ModelFit } from './fit';
import { prepareData, resolveColumns, type Prepared } from './prepare';
import { htmt, monotrait } from './quality';
import { resolveSettings } from './settings';
import type { LabelledMatrix, ParamInfo, PlsEstimator, PlsOptions, PlsResult } from './types';

type Settings = ReturnType<typeof resolveSettings>;
/** The first-order full estimate (full-estimate.ts) that gives each stage's figures. */
export type FirstOrderEstimate = (spec: PlsModelSpec, data: DataTable, opts?: PlsOptions) => PlsResult;

/** True when the spec has a higher-order construct that takes part in a path (seminr ignores the others). */
export function usesHigherOrder(spec: PlsModelSpec): boolean {
  const inPaths = new Set(spec.paths.flatMap((p) => [p.from, p.to]));
  return (spec.higherOrder ?? []).some((h) => inPaths.has(h.name));
}

export interface HigherOrderPlan {
  spec: PlsModelSpec;
  /** The model with the dimensions in place of the HOCs (no interaction terms). */
  stage1: PlsModelSpec;
  /** The model as written, each HOC a composite whose items are its dimensions' scores. */
  stage2: PlsModelSpec;
  /** Dimensions of the HOCs in the model, in stage-1 construct order, with the HOC each one measures. */
  dimensions: { name: string; hoc: string }[];
}

/**
 * seminr's substitute_dimensions_for_HOC, HOC by HOC in the order given: antecedent -> HOC becomes antecedent ->
 * every dimension (antecedents varying fastest, as relationships(paths(from, to)) expands), HOC -> outcome becomes
 * every dimension -> outcome; then the paths that start at an interaction term are dropped.
 */
export function planHigherOrder(spec: PlsModelSpec): HigherOrderPlan {
  const inPaths = new Set(spec.paths.flatMap((p) => [p.from, p.to]));
  const hocs = spec.higherOrder.filter((h) => inPaths.has(h.name));
  const dimOf = new Map<string, string>();
  for (const h of hocs) {
    for (const d of h.dimensions) {
      if (!(d in spec.constructs)) throw new Error(`model: higher-order construct '${h.name}': unknown dimension '${d}'`);
      const other = dimOf.get(d);
      if (other !== undefined) throw new Error(`model: construct '${d}' is a dimension of both '${other}' and '${h.name}'`);
      if (inPaths.has(d)) throw new Error(`model: '${d}' is a dimension of the higher-order construct '${h.name}' and cannot be in a path itself`);
      for (const i of spec.interactions) {
        if (inPaths.has(i.name) && i.between.includes(d)) {
          throw new Error(`model: interaction '${i.name}' uses '${d}', a dimension of the higher-order construct '${h.name}' (use the higher-order construct)`);
        }
      }
      dimOf.set(d, h.name);
    }
  }

  let sm: [string, string][] = spec.paths.map((p) => [p.from, p.to]);
  for (const h of hocs) {
    const ante = sm.filter(([, t]) => t === h.name).map(([f]) => f);
    if (ante.length > 0) {
      for (const d of h.dimensions) for (const a of ante) sm.push([a, d]);
      sm = sm.filter(([, t]) => t !== h.name);
    }
    const outc = sm.filter(([f]) => f === h.name).map(([, t]) => t);
    if (outc.length > 0) {
      for (const o of outc) for (const d of h.dimensions) sm.push([d, o]);
      sm = sm.filter(([f]) => f !== h.name);
    }
  }
  sm = sm.filter(([f]) => f in spec.constructs);
  const stage1: PlsModelSpec = { ...spec, interactions: [], higherOrder: [], paths: sm.map(([from, to]) => ({ from, to })) };

  const constructs: PlsModelSpec['constructs'] = { ...spec.constructs };
  for (const h of hocs) {
    constructs[h.name] = { items: [...h.dimensions], mode: h.mode, type: 'composite', ...(h.label ? { label: h.label } : {}) };
  }
  const stage2: PlsModelSpec = { ...spec, constructs, higherOrder: [] };

  // Stage-1 construct order: path sources in order, then targets (seminr's construct_names).
  const order: string[] = [];
  for (const [f] of sm) if (!order.includes(f)) order.push(f);
  for (const [, t] of sm) if (!order.includes(t)) order.push(t);
  const dimensions = order.filter((c) => dimOf.has(c)).map((name) => ({ name, hoc: dimOf.get(name)! }));
  return { spec, stage1, stage2, dimensions };
}

/** Everything one two-stage estimation needs, compiled once. */
interface Compiled {
  plan: HigherOrderPlan;
  set: Settings;
  m1: CompiledModel;
  m2: CompiledModel;
  fp1: FitPlan;
  fp2: FitPlan;
  /** Per dimension: its construct index in m1. */
  dimK1: number[];
  /** Stage-2 table column names: m2's measured items (the HOC items are the dimensions' names). */
  names2: string[];
  /** For each of m2's measured items: its index among m1's items (-1 for a HOC item, i.e. a dimension score). */
  fromStage1: Int32Array;
  /** For each HOC item of m2: the dimension index (into dimK1). */
  dimOfItem2: Int32Array;
  /** Union: m2's constructs then the dimensions; m2's items then the dimensions' items. */
  union: CompiledModel;
  /** The dimensions' items as m1 item indices, in union order (after m2's items). */
  dimItems1: number[];
}

function compile(spec: PlsModelSpec, opts: PlsOptions): Compiled {
  const plan = planHigherOrder(spec);
  const set = resolveSettings(spec, opts);
  const m1 = compileModel(plan.stage1);
  const m2 = compileModel(plan.stage2);
  const fp1 = makeFitPlan(m1, m1.paths);
  const fp2 = makeFitPlan(m2, m2.paths);
  const dimK1 = plan.dimensions.map((d) => m1.constructs.indexOf(d.name));
  const dimNames = plan.dimensions.map((d) => d.name);
  const names2 = m2.items.slice(0, m2.p0);
  const fromStage1 = new Int32Array(m2.p0);
  const dimOfItem2 = new Int32Array(m2.p0).fill(-1);
  const hocs = new Set(spec.higherOrder.map((h) => h.name));
  for (let i = 0; i < m2.p0; i++) {
    const owner = m2.constructs.findIndex((_, k) => i >= m2.start[k]! && i < m2.end[k]!);
    if (hocs.has(m2.constructs[owner]!)) {
      fromStage1[i] = -1;
      dimOfItem2[i] = dimNames.indexOf(m2.items[i]!);
    } else {
      // every stage-2 construct but the HOCs is in stage 1 (its paths there are the substituted ones)
      fromStage1[i] = m1.items.indexOf(m2.items[i]!);
      if (fromStage1[i]! < 0) {
        throw new Error(`model: construct '${m2.constructs[owner]}' is in no path of the first stage (the model with the dimensions in place of the higher-order constructs, without interaction paths)`);
      }
    }
  }

  // The union as a CompiledModel (only names, item ranges and modes are read from it: HTMT, cross-loadings).
  const dimItems1: number[] = [];
  const uConstructs = [...m2.constructs, ...dimNames];
  const uItems = [...m2.items];
  const start = new Int32Array(uConstructs.length);
  const end = new Int32Array(uConstructs.length);
  start.set(m2.start);
  end.set(m2.end);
  dimK1.forEach((k, x) => {
    start[m2.constructs.length + x] = uItems.length;
    for (let i = m1.start[k]!; i < m1.end[k]!; i++) { dimItems1.push(i); uItems.push(m1.items[i]!); }
    end[m2.constructs.length + x] = uItems.length;
  });
  const union: CompiledModel = {
    spec, constructs: uConstructs, items: uItems, p0: uItems.length, start, end,
    modeB: [...m2.modeB, ...dimK1.map((k) => m1.modeB[k]!)],
    reflective: [...m2.reflective, ...dimK1.map((k) => m1.reflective[k]!)], consistent: m1.consistent || m2.consistent,
    interaction: [...m2.interaction, ...dimK1.map(() => null)], interactions: m2.interactions, paths: m2.paths,
  };
  return { plan, set, m1, m2, fp1, fp2, dimK1, names2, fromStage1, dimOfItem2, union, dimItems1 };
}

/** One two-stage estimation's working results (views into reused buffers: read before the next run). */
interface Stages {
  /** The rows estimated (listwise deletion applied), with their weights. */
  table: DataTable;
  prep1: Prepared;
  fit1: ModelFit;
  /** Stage-2 data: m2's measured items, the dimensions' scores as the HOC items. */
  table2: DataTable;
  prep2: Prepared;
  fit2: ModelFit;
  /** Union item correlation matrix (union.items.length squared, row-major). */
  Su: Float64Array;
  /** n x union items, column-major: the standardized stage-2 items (interaction items included) and the
   *  dimensions' items; with frequency weights each row times sqrt(weight), as Prepared.X. */
  Z: Float64Array;
}

/**
 * Listwise deletion drops every row with a missing item of the first stage (whose items cover the second stage's
 * measured items), so both stages estimate the same rows; mean replacement is per column and per stage, which is
 * what seminr's single replacement before stage 1 amounts to.
 */
function keptRows(c: Compiled, data: DataTable, cols1: Int32Array): DataTable {
  if (c.set.missing !== 'listwise') return data;
  const keep: number[] = [];
  for (let r = 0; r < data.n; r++) {
    let ok = true;
    for (let i = 0; i < c.m1.p0 && ok; i++) { const v = data.cols[cols1[i]!]![r]!; if (v !== v) ok = false; }
    if (ok) keep.push(r);
  }
  if (keep.length === data.n) return data;
  const pick = (col: Float64Array) => Float64Array.from(keep, (r) => col[r]!);
  return { names: data.names, cols: data.cols.map(pick), n: keep.length, ...(data.weights ? { weights: pick(data.weights) } : {}) };
}

function runStages(c: Compiled, data: DataTable, cols1: Int32Array, lean: boolean, source?: string): Stages {
  const table = keptRows(c, data, cols1);
  const cols = table === data ? cols1 : resolveColumns(c.m1, table, source);
  const prep1 = prepareData(c.m1, table, cols, { missing: c.set.missing, lean, source });
  const fit1 = fitModel(c.fp1, prep1, c.set);
  const { n, X } = prep1;

  // The dimensions' scores X w (unit variance); weighted rows are stored times sqrt(w): undo it (weight 0: NaN).
  const scores = c.dimK1.map((k) => {
    const s = new Float64Array(n);
    for (let i = c.m1.start[k]!; i < c.m1.end[k]!; i++) {
      const wi = fit1.w[i]!, o = i * n;
      for (let r = 0; r < n; r++) s[r] += X[o + r]! * wi;
    }
    const inv = prep1.invSqrtW;
    if (inv) for (let r = 0; r < n; r++) s[r] = inv[r]! > 0 ? s[r]! * inv[r]! : NaN;
    return s;
  });
  const cols2 = c.names2.map((_, i) => (c.fromStage1[i]! >= 0 ? table.cols[cols[c.fromStage1[i]!]!]! : scores[c.dimOfItem2[i]!]!));
  const table2: DataTable = { names: c.names2, cols: cols2, n: table.n, ...(table.weights ? { weights: table.weights } : {}) };
  const idx2 = Int32Array.from(c.names2, (_, i) => i);
  const prep2 = prepareData(c.m2, table2, idx2, { missing: c.set.missing, lean: true, source });
  const fit2 = fitModel(c.fp2, prep2, c.set);

  // Union items: stage 2's standardized columns (HOC and interaction items included), then the dimensions' items.
  const P2 = c.m2.items.length;
  const Pu = c.union.items.length;
  const Z = new Float64Array(n * Pu);
  Z.set(prep2.X.subarray(0, n * P2));
  c.dimItems1.forEach((i, x) => Z.set(X.subarray(i * n, (i + 1) * n), (P2 + x) * n));
  const Su = new Float64Array(Pu * Pu);
  gramUpdate(Z, n, Pu, 0, Su, Pu, 1 / (prep1.N - 1));
  return { table, prep1, fit1, table2, prep2, fit2, Su, Z };
}

/** seminr's HTMT over the union: stage-2 constructs, then the dimensions; every pair a before b. */
function unionHtmt(c: Compiled, Su: Float64Array, out: (a: number, b: number, v: number) => void): void {
  const K = c.union.constructs.length;
  const P = c.union.items.length;
  const mono = new Float64Array(K);
  monotrait(c.union, Su, P, Array.from({ length: K }, (_, k) => k), mono);
  for (let a = 0; a < K; a++) for (let b = a + 1; b < K; b++) out(a, b, htmt(c.union, Su, P, a, b, mono));
}

function labelled(rows: string[], cols: string[], f: (i: number, j: number) => number): LabelledMatrix {
  return { rows, cols, values: rows.map((_, i) => cols.map((_, j) => f(i, j))) };
}

/**
 * The full estimate of a model with higher-order composites. The two stages are estimated by the first-order estimatePls
 * (so each stage has every figure, PLSc included where a construct is reflective), and the union figures (HTMT,
 * Fornell-Larcker, construct correlations, cross-loadings) are formed from the two stages' data and scores.
 */
export function estimateHigherOrder(estimateFirstOrder: FirstOrderEstimate, spec: PlsModelSpec, data: DataTable, opts: PlsOptions = {}): PlsResult {
  const c = compile(spec, opts);
  const weighted = !unitWeights(data);
  const input = weighted ? data : withoutWeights(data);
  const cols1 = resolveColumns(c.m1, input);
  const st = runStages(c, input, cols1, false);
  const r1 = estimateFirstOrder(c.plan.stage1, data, opts);
  const r2 = estimateFirstOrder(c.plan.stage2, weighted ? st.table2 : withoutWeights(st.table2), { ...opts, missing: 'mean' });

  const dims = c.plan.dimensions.map((d) => d.name);
  const isDimItem = new Set(dims.flatMap((d) => r1.items[d]!));
  const U = c.union;
  const K2 = c.m2.constructs.length;
  const Pu = U.items.length;
  const n = st.prep1.n;
  const N = st.prep1.N;

  // Scores over the union (stored like Z: times sqrt(w)): stage 2's from its final weights (interaction terms
  // rescaled, which no correlation sees), the dimensions' from stage 1's.
  const fw2 = st.fit2.w, fw1 = st.fit1.w;
  const scoreCols = U.constructs.map((_, a) => {
    const s = new Float64Array(n);
    const [X, from, to, w] = a < K2
      ? [st.prep2.X, c.m2.start[a]!, c.m2.end[a]!, fw2]
      : [st.prep1.X, c.m1.start[c.dimK1[a - K2]!]!, c.m1.end[c.dimK1[a - K2]!]!, fw1];
    for (let i = from; i < to; i++) { const wi = w[i]!, o = i * n; for (let r = 0; r < n; r++) s[r] += X[o + r]! * wi; }
    return s;
  });
  const dot = (x: Float64Array, y: Float64Array, yo = 0) => { let s = 0; for (let r = 0; r < n; r++) s += x[r]! * y[yo + r]!; return s / (N - 1); };
  const sdScore = scoreCols.map((s) => Math.sqrt(dot(s, s)));
  const cor = labelled(U.constructs, U.constructs, (a, b) => (a === b ? 1 : dot(scoreCols[a]!, scoreCols[b]!) / (sdScore[a]! * sdScore[b]!)));
  const crossLoadings = labelled(U.items, U.constructs, (i, a) => dot(scoreCols[a]!, st.Z, i * n) / (sdScore[a]! * Math.sqrt(st.Su[i * Pu + i]!)));

  const reliability: PlsResult['reliability'] = { ...r2.reliability };
  for (const d of dims) reliability[d] = r1.reliability[d]!;
  const fornellLarcker = labelled(U.constructs, U.constructs, (i, j) => (i === j ? Math.sqrt(reliability[U.constructs[i]!]!.ave) : i > j ? cor.values[i]![j]! : NaN));
  const htmtPairs: PlsResult['htmt'] = [];
  unionHtmt(c, st.Su, (a, b, value) => htmtPairs.push({ a: U.constructs[a]!, b: U.constructs[b]!, value }));

  const items: Record<string, string[]> = { ...r2.items };
  const vifItems: PlsResult['vifItems'] = { ...r2.vifItems };
  for (const d of dims) { items[d] = r1.items[d]!; vifItems[d] = r1.vifItems[d]!; }
  const itemMeans = { ...r2.itemMeans };
  const itemSds = { ...r2.itemSds };
  for (const it of isDimItem) { itemMeans[it] = r1.itemMeans[it]!; itemSds[it] = r1.itemSds[it]!; }

  // Scores as estimatePls reports them: stage 2's, then the dimensions' stage-1 scores (the HOC items' values).
  const dimScores = c.plan.dimensions.map((_, x) => st.table2.cols[c.names2.indexOf(dims[x]!)]!);
  const nScores = r2.scores.n;
  const scores: DataTable = { names: [...r2.scores.names, ...dims], cols: [...r2.scores.cols, ...dimScores.map((s) => (s.length === nScores ? s : new Float64Array(nScores).fill(NaN)))], n: nScores };

  return {
    ...r2,
    fSquared: fSquaredHigherOrder(c, input, opts, r2),
    n: r1.n,
    ...(r1.weighting ? { weighting: r1.weighting } : {}),
    converged: r1.converged && r2.converged,
    constructs: [...U.constructs],
    items,
    weights: [...r2.weights, ...r1.weights.filter((w) => isDimItem.has(w.item))],
    loadings: [...r2.loadings, ...r1.loadings.filter((l) => isDimItem.has(l.item))],
    reliability,
    htmt: htmtPairs,
    fornellLarcker,
    vifItems,
    crossLoadings,
    constructCorrelations: cor,
    scores,
    missing: r1.missing,
    itemMeans,
    itemSds,
    higherOrder: {
      dimensions: c.plan.dimensions.map((d) => ({ ...d })),
      stage1: { iterations: r1.iterations, converged: r1.converged, weightDiff: r1.weightDiff, paths: r1.paths },
    },
  };
}

/** R² of dv in the model `spec` on `data` (two stages when a HOC is still in a path), 0 when dv has no predictor. */
function r2Of(spec: PlsModelSpec, data: DataTable, opts: PlsOptions, dv: string): number {
  if (!spec.paths.some((p) => p.to === dv)) return 0;
  if (usesHigherOrder(spec)) {
    const c = compile(spec, opts);
    const { fit2 } = runStages(c, data, resolveColumns(c.m1, data), true);
    return fit2.r2[c.m2.constructs.indexOf(dv)]!; // full structure: local order == model order
  }
  const m = compileModel(spec);
  const set = resolveSettings(spec, opts);
  const prep = prepareData(m, data, resolveColumns(m, data), { missing: set.missing, lean: true });
  return fitModel(makeFitPlan(m, m.paths), prep, set).r2[m.constructs.indexOf(dv)]!;
}

/**
 * seminr's model_fsquares on a HOC model: fSquared re-runs estimate_pls (both stages) on the model without the path
 * iv -> dv: (R²_incl - R²_excl) / (1 - R²_incl); 0 where there is no path; NA for the main-effect components of dv's
 * interaction terms; R² / (1 - R²) when stage 2 has only two constructs.
 */
function fSquaredHigherOrder(c: Compiled, data: DataTable, opts: PlsOptions, r2: PlsResult): LabelledMatrix {
  const names = c.m2.constructs;
  const K = names.length;
  const f2 = new Float64Array(K * K);
  const spec = c.plan.spec;
  for (const dv of r2.endogenous) {
    const rIn = r2.rSquared[dv]!.r2;
    const preds = spec.paths.filter((p) => p.to === dv).map((p) => p.from);
    const comps = new Set(spec.interactions.filter((i) => preds.includes(i.name)).flatMap((i) => i.between));
    const d = names.indexOf(dv);
    for (const iv of preds) {
      const a = names.indexOf(iv);
      if (comps.has(iv)) { f2[a * K + d] = NaN; continue; }
      if (K === 2) { f2[a * K + d] = rIn / (1 - rIn); continue; }
      let rOut: number;
      try {
        rOut = r2Of({ ...spec, paths: spec.paths.filter((p) => !(p.from === iv && p.to === dv)) }, data, opts, dv);
      } catch {
        rOut = NaN; // the reduced model cannot be estimated (seminr would stop with an error)
      }
      f2[a * K + d] = (rIn - rOut) / (1 - rIn);
    }
    for (const comp of comps) { const a = names.indexOf(comp); if (a >= 0) f2[a * K + d] = NaN; }
  }
  return labelled(names, names, (i, j) => f2[i * K + j]!);
}

/**
 * Layout (ParamInfo order) as seminr's bootstrap vector for a HOC model, zeros left out:
 *   'path'    the paths as written (stage 2);
 *   'loading' stage 2's items (the HOC items are the dimensions' names), then the dimensions' items (stage 1);
 *   'weight'  the same items;
 *   'htmt'    every pair of the union (stage-2 constructs, then the dimensions), a before b;
 *   'total'   stage 2's total effects of every pair joined by a chain of paths.
 */
export function higherOrderLayout(spec: PlsModelSpec): ParamInfo[] {
  return layoutOf(compile(spec, {}));
}

function layoutOf(c: Compiled): ParamInfo[] {
  const { m2, union: U } = c;
  const owner = (i: number): string => U.constructs[U.constructs.findIndex((_, k) => i >= U.start[k]! && i < U.end[k]!)]!;
  const layout: ParamInfo[] = [];
  for (const [f, t] of m2.paths) layout.push({ kind: 'path', from: m2.constructs[f]!, to: m2.constructs[t]! });
  U.items.forEach((it, i) => layout.push({ kind: 'loading', from: it, to: owner(i) }));
  U.items.forEach((it, i) => layout.push({ kind: 'weight', from: it, to: owner(i) }));
  const K = U.constructs.length;
  for (let a = 0; a < K; a++) for (let b = a + 1; b < K; b++) layout.push({ kind: 'htmt', from: U.constructs[a]!, to: U.constructs[b]! });
  const K2 = m2.constructs.length;
  const reach = reachability(m2.paths, K2);
  for (let i = 0; i < K2; i++) for (let j = 0; j < K2; j++) if (reach[i * K2 + j]) layout.push({ kind: 'total', from: m2.constructs[i]!, to: m2.constructs[j]! });
  return layout;
}

/**
 * The bootstrap's estimator: each call runs both stages on the data it is given (a resample), as seminr's
 * bootstrap_model re-runs estimate_pls with the HOC. Frequency weights pass through both stages. With a reflective
 * construct, fitModel gives PLSc's consistent paths and loadings in either stage (weights and HTMT stay plain PLS).
 */
export function createHigherOrderEstimator(spec: PlsModelSpec, opts: PlsOptions = {}): PlsEstimator {
  const c = compile(spec, opts);
  const layout = layoutOf(c);
  const { m1, m2 } = c;
  const K2 = m2.constructs.length;
  const P2 = m2.items.length;
  const reach = reachability(m2.paths, K2);
  const totalPairs: number[] = [];
  for (let x = 0; x < K2 * K2; x++) if (reach[x]) totalPairs.push(x);
  const tot = new Float64Array(K2 * K2);
  const totWork = new Float64Array(2 * K2 * K2);
  const owner2 = new Int32Array(P2);
  for (let k = 0; k < K2; k++) for (let i = m2.start[k]!; i < m2.end[k]!; i++) owner2[i] = k;
  const owner1 = new Int32Array(m1.items.length);
  for (let k = 0; k < m1.constructs.length; k++) for (let i = m1.start[k]!; i < m1.end[k]!; i++) owner1[i] = k;

  let namesSeen: readonly string[] | null = null;
  let cols1: Int32Array = new Int32Array(0);
  return {
    spec,
    layout,
    weighted: true,
    estimate(data: DataTable): Float64Array {
      if (data.names !== namesSeen) { cols1 = resolveColumns(m1, data); namesSeen = data.names; }
      const { fit1, fit2, Su } = runStages(c, data, cols1, true);
      const out = new Float64Array(layout.length);
      let o = 0;
      // the full structure of either stage: local construct order == model order, Ka == K
      for (const [f, t] of m2.paths) out[o++] = fit2.B[f * fit2.Ka + t]!;
      for (let i = 0; i < P2; i++) out[o++] = fitLoading(fit2, i, owner2[i]!);
      for (const i of c.dimItems1) out[o++] = fitLoading(fit1, i, owner1[i]!);
      for (let i = 0; i < P2; i++) out[o++] = fit2.w[i]!;
      for (const i of c.dimItems1) out[o++] = fit1.w[i]!;
      unionHtmt(c, Su, (_a, _b, v) => { out[o++] = v; });
      totalEffects(fit2.B, K2, tot, totWork);
      for (const x of totalPairs) out[o++] = tot[x]!;
      return out;
    },
  };
}
