// estimatePls: one full PLS-SEM estimate with every figure seminr's estimate_pls + summary report.
import type { PlsModelSpec } from '../../models/spec';
import { unitWeights, withoutWeights, type DataTable, type WeightingSummary } from '../table';
import { weightSummary } from '../survey-weights';
import { compileModel, type CompiledModel } from './compile';
import { indirectChains, totalEffects } from './effects';
import { clonePrepared, fitLoading, fitModel, makeFitPlan, type ModelFit } from './fit';
import { prepareData, resolveColumns, type Prepared } from './prepare';
import { antecedentVifs, htmt, itemVifs, monotrait, reliability } from './quality';
import { resolveSettings } from './settings';
import type { IterationSettings } from './algorithm';
import type { IndirectEffect, LabelledMatrix, OuterEstimate, PathEstimate, PlsOptions, PlsResult } from './types';

/**
 * With data.weights (survey weights read as frequency weights: a row of weight k counts as k copies, N = sum of the
 * weights) every figure is that of the table with each row repeated (weighted standardisation, correlations and
 * regressions: SmartPLS's and cSEM's weighted PLS); adjusted R² uses N. Weights all exactly 1 take the unweighted
 * arithmetic as is. See PlsResult for the row-level parts (n, scores, missing, weighting).
 */
export function estimatePls(spec: PlsModelSpec, data: DataTable, opts: PlsOptions = {}): PlsResult {
  const weighted = !unitWeights(data);
  const table = weighted ? data : withoutWeights(data);
  const model = compileModel(spec);
  const set = resolveSettings(spec, opts);
  const cols = resolveColumns(model, table);
  const prep = prepareData(model, table, cols, { missing: set.missing });
  // f² re-estimates rebuild the interaction columns; give them their own copy of the prepared data.
  const pristine = model.interactions.length > 0 ? clonePrepared(prep) : prep;
  const fit = fitModel(makeFitPlan(model, model.paths), prep, set);
  const result = assemble(model, prep, fit, weighted ? keptRows(model, table, cols, set.missing) : null);
  result.fSquared = fSquared(model, pristine, fit, set);
  if (data.weights) result.weighting = weighted ? kishOfUsedRows(prep.w!) : { n: prep.n, sumWeights: prep.n, nEffective: prep.n, deff: 1 };
  return result;
}

/** Kish's summary over the rows the estimate used (a weight of 0, or a row listwise deletion dropped, is no row). */
function kishOfUsedRows(w: Float64Array): WeightingSummary {
  const { n, sum, nEffective, deff } = weightSummary(w.filter((x) => x > 0));
  return { n, sumWeights: sum, nEffective, deff };
}

/** Rows that missing-value handling keeps (listwise deletion drops rows with a missing model item). */
function keptRows(model: CompiledModel, data: DataTable, cols: Int32Array, missing: 'mean' | 'listwise'): Int32Array {
  const out: number[] = [];
  for (let r = 0; r < data.n; r++) {
    let ok = true;
    if (missing === 'listwise') for (let i = 0; i < model.p0 && ok; i++) { const v = data.cols[cols[i]!]![r]!; if (v !== v) ok = false; }
    if (ok) out.push(r);
  }
  return Int32Array.from(out);
}

function labelled(rows: string[], cols: string[], f: (i: number, j: number) => number): LabelledMatrix {
  return { rows, cols, values: rows.map((_, i) => cols.map((_, j) => f(i, j))) };
}

/** kept: with survey weights, the data rows missing-value handling kept (they get a row of scores each). */
function assemble(model: CompiledModel, prep: Prepared, fit: ModelFit, kept: Int32Array | null): PlsResult {
  const { constructs, items } = model;
  const { Ka, T, adj, cor, B, w } = fit;
  const { S, P, n, X, N } = prep;
  const K = constructs.length; // == Ka: the full model's structure has every construct, in model order
  const owner = new Int32Array(items.length);
  for (let k = 0; k < K; k++) for (let i = model.start[k]!; i < model.end[k]!; i++) owner[i] = k;
  const loading = (i: number): number => fitLoading(fit, i, owner[i]!);

  const itemsOf: Record<string, string[]> = {};
  constructs.forEach((c, k) => { itemsOf[c] = items.slice(model.start[k]!, model.end[k]!); });
  const weights: OuterEstimate[] = items.map((it, i) => ({ construct: constructs[owner[i]!]!, item: it, estimate: w[i]! }));
  const loadings: OuterEstimate[] = items.map((it, i) => ({ construct: constructs[owner[i]!]!, item: it, estimate: loading(i) }));
  const paths: PathEstimate[] = model.paths.map(([f, t]) => ({ from: constructs[f]!, to: constructs[t]!, estimate: B[f * Ka + t]! }));

  const endogenous = fit.plan.st.endogenous;
  const rSquared: PlsResult['rSquared'] = {};
  for (const k of endogenous) {
    const r2 = fit.r2[k]!;
    const m = fit.plan.st.preds[k]!.length;
    rSquared[constructs[k]!] = { r2, adjR2: 1 - ((1 - r2) * (N - 1)) / (N - m - 1) };
  }

  const rel: PlsResult['reliability'] = {};
  const aveOf = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    const r = reliability(model, S, P, k, w, loading);
    rel[constructs[k]!] = r;
    aveOf[k] = r.ave;
  }

  const mono = new Float64Array(K);
  monotrait(model, S, P, fit.plan.st.active, mono);
  const htmtPairs: PlsResult['htmt'] = [];
  for (let a = 0; a < K; a++) for (let b = a + 1; b < K; b++) htmtPairs.push({ a: constructs[a]!, b: constructs[b]!, value: htmt(model, S, P, a, b, mono) });

  const fornellLarcker = labelled(constructs, constructs, (i, j) => (i === j ? Math.sqrt(aveOf[i]!) : i > j ? cor[i * Ka + j]! : NaN));

  const vifAntecedents: PlsResult['vifAntecedents'] = {};
  for (const k of endogenous) {
    const pr = fit.plan.st.preds[k]!;
    const v = antecedentVifs(cor, Ka, pr);
    vifAntecedents[constructs[k]!] = Object.fromEntries(pr.map((f, x) => [constructs[f]!, v[x]!]));
  }
  const vifItems: PlsResult['vifItems'] = {};
  for (let k = 0; k < K; k++) {
    const v = itemVifs(model, S, P, k);
    vifItems[constructs[k]!] = Object.fromEntries(itemsOf[constructs[k]!]!.map((it, x) => [it, v[x]!]));
  }

  const tot = totalEffects(B, K);
  const totalEffectsM = labelled(constructs, constructs, (i, j) => tot[i * K + j]!);
  const totalIndirectEffects = labelled(constructs, constructs, (i, j) => tot[i * K + j]! - B[i * K + j]!);
  const specificIndirect: IndirectEffect[] = indirectChains(model.paths, K).map((ch) => {
    let e = 1;
    for (let x = 0; x + 1 < ch.length; x++) e *= B[ch[x]! * K + ch[x + 1]!]!;
    return { from: constructs[ch[0]!]!, through: ch.slice(1, -1).map((c) => constructs[c]!), to: constructs[ch[ch.length - 1]!]!, estimate: e };
  });

  // cor(item, score): the unit-variance composite's covariance over its sd (rescaling does not change a correlation)
  const sdRaw = Array.from({ length: K }, (_, a) => Math.sqrt(fit.cov[a * Ka + a]!) / adj[a]!);
  const crossLoadings = labelled(items, constructs, (i, a) => T[i * Ka + a]! / (sdRaw[a]! * Math.sqrt(S[i * P + i]!)));
  const constructCorrelations = labelled(constructs, constructs, (i, j) => cor[i * Ka + j]!);

  // scores X W, interaction terms rescaled
  let scoreCols = constructs.map((_, k) => {
    const col = new Float64Array(n);
    for (let i = model.start[k]!; i < model.end[k]!; i++) {
      const wi = w[i]!, o = i * n;
      for (let r = 0; r < n; r++) col[r] += X[o + r]! * wi;
    }
    if (adj[k] !== 1) for (let r = 0; r < n; r++) col[r] *= adj[k]!;
    return col;
  });
  let nScores = n;
  if (kept) {
    // Weighted rows are stored times sqrt(w) (prepare.ts): undo it. A row of weight 0 stands for nobody: its
    // standardized items were never formed (interaction items need the fit), so its scores are NaN.
    const inv = prep.invSqrtW!;
    scoreCols = scoreCols.map((col) => Float64Array.from(kept, (r) => (inv[r]! > 0 ? col[r]! * inv[r]! : NaN)));
    nScores = kept.length;
  }

  const itemMeans: Record<string, number> = {};
  const itemSds: Record<string, number> = {};
  items.forEach((it, i) => { itemMeans[it] = prep.means[i]!; itemSds[it] = prep.sds[i]!; });

  return {
    n: kept ? rowsWithWeight(prep.w!) : n,
    iterations: fit.iterations,
    converged: fit.converged,
    weightDiff: fit.weightDiff,
    constructs: [...constructs],
    endogenous: endogenous.map((k) => constructs[k]!),
    items: itemsOf,
    weights,
    loadings,
    paths,
    rSquared,
    reliability: rel,
    htmt: htmtPairs,
    fornellLarcker,
    vifAntecedents,
    vifItems,
    fSquared: labelled(constructs, constructs, () => 0),
    totalEffects: totalEffectsM,
    totalIndirectEffects,
    specificIndirect,
    crossLoadings,
    constructCorrelations,
    ...(fit.plsc ? { consistent: consistentInfo(model, fit) } : {}),
    scores: { names: [...constructs], cols: scoreCols, n: nScores },
    missing: { ...prep.missing },
    itemMeans,
    itemSds,
  };
}

/** What PLSc did (the full structure: local order = model order). */
function consistentInfo(model: CompiledModel, fit: ModelFit): NonNullable<PlsResult['consistent']> {
  const { constructs } = model;
  const c = fit.plsc!;
  const K = constructs.length;
  const notes: string[] = [];
  if (model.interactions.length > 0) {
    notes.push('The model has interaction terms: they are estimated consistently with a reliability (rhoA) of 1, and subject to some bias (Becker et al. 2018, as seminr warns).');
  }
  return {
    reflective: constructs.filter((_, k) => model.reflective[k]),
    rhoA: Object.fromEntries(constructs.map((n, k) => [n, c.rho[k]!])),
    correlations: labelled(constructs, constructs, (i, j) => c.cor[i * K + j]!),
    notes,
  };
}

function rowsWithWeight(w: Float64Array): number {
  let k = 0;
  for (let r = 0; r < w.length; r++) if (w[r]! > 0) k++;
  return k;
}

/**
 * seminr's model_fsquares / fSquared: for every endogenous dv and every path source iv, re-estimate the whole model
 * without iv -> dv (weights change too) and take (R²_incl - R²_excl) / (1 - R²_incl); 0 where there is no path
 * (the re-estimate is the same model); NA (NaN) for the main-effect components of the dv's interaction terms;
 * R² / (1 - R²) when the model has only two constructs.
 */
function fSquared(model: CompiledModel, prep: Prepared, fit: ModelFit, set: IterationSettings): LabelledMatrix {
  const { constructs } = model;
  const K = constructs.length;
  const f2 = new Float64Array(K * K);
  const hasPath = new Uint8Array(K * K);
  for (const [f, t] of model.paths) hasPath[f * K + t] = 1;
  for (const dv of fit.plan.st.endogenous) {
    const r2 = fit.r2[fit.plan.local[dv]!]!;
    const comps = new Set<number>();
    for (const f of fit.plan.st.preds[dv]!) {
      const ci = model.interaction[f];
      if (ci) { comps.add(ci.iv); comps.add(ci.moderator); }
    }
    for (let iv = 0; iv < K; iv++) {
      if (comps.has(iv)) { f2[iv * K + dv] = NaN; continue; }
      if (!hasPath[iv * K + dv]) continue;
      if (K === 2) { f2[iv * K + dv] = r2 / (1 - r2); continue; }
      const without = model.paths.filter(([f, t]) => !(f === iv && t === dv));
      let r2w = 0;
      try {
        const refit = fitModel(makeFitPlan(model, without), prep, set);
        const d = refit.plan.local[dv]!;
        if (d >= 0 && refit.plan.st.preds[dv]!.length > 0) r2w = refit.r2[d]!;
      } catch {
        r2w = NaN; // the reduced model cannot be estimated (seminr would stop with an error)
      }
      f2[iv * K + dv] = (r2 - r2w) / (1 - r2);
    }
  }
  return labelled(constructs, constructs, (i, j) => f2[i * K + j]!);
}
