// One PLS estimation for one structural model on prepared data: interaction items (seminr's process_interactions),
// the weight iteration, then seminr's finishing steps (adjust_interaction, loadings, path OLS, R²).
// Shared by estimatePls, the bootstrap estimator and the f² re-estimations.
import { gramUpdate, standardizeColumn, choleskyInPlace, choleskySolveInPlace } from '../kernels';
import {
  blockProducts, compositeCovariances, iterateWeights, makePlan, regressOnPredecessors,
  type IterationOutcome, type IterationSettings, type Plan,
} from './algorithm';
import { withoutInteractionPaths, type CompiledInteraction, type CompiledModel } from './compile';
import { applyPlsc, makePlscWork, type PlscWork } from './consistent';
import type { Prepared } from './prepare';

/** seminr runs the two-stage first stage with its defaults (maxIt 300, stopCriterion 7) whatever the user set. */
export const STAGE1_MAX_ITER = 300;
export const STAGE1_STOP = 1e-7;

/** A plan for a whole estimation: the main structure, the two-stage first stage if needed, result buffers. */
export interface FitPlan {
  main: Plan;
  /** Stage 1 (the structure without interaction paths), when a two-stage interaction term is in the model. */
  stage1: Plan | null;
  /** Interaction terms in this structure. */
  ints: CompiledInteraction[];
  adj: Float64Array;
  covAdj: Float64Array;
  cor: Float64Array;
  B: Float64Array;
  r2: Float64Array;
  /** Consistent PLS buffers when the model has a reflective construct (null: plain PLS). */
  plsc: PlscWork | null;
}

export function makeFitPlan(model: CompiledModel, paths: [number, number][]): FitPlan {
  const main = makePlan(model, paths);
  const ints = model.interactions.filter((ci) => main.local[ci.construct]! >= 0);
  let stage1: Plan | null = null;
  if (ints.some((ci) => ci.method === 'two-stage')) {
    stage1 = makePlan(model, withoutInteractionPaths(model, paths));
    for (const ci of ints) {
      for (const c of [ci.iv, ci.moderator]) {
        if (stage1.local[c]! < 0) {
          throw new Error(`interaction '${model.constructs[ci.construct]}': '${model.constructs[c]}' is in no path other than interaction paths`);
        }
      }
    }
  }
  const Ka = main.Ka;
  return {
    main, stage1, ints,
    adj: new Float64Array(Ka), covAdj: new Float64Array(Ka * Ka), cor: new Float64Array(Ka * Ka),
    B: new Float64Array(Ka * Ka), r2: new Float64Array(Ka),
    plsc: model.consistent ? makePlscWork(main) : null,
  };
}

/** Views into the plan's buffers (valid until the plan runs again). Local construct order = plan.main.st.active. */
export interface ModelFit extends IterationOutcome {
  plan: Plan;
  Ka: number;
  /** Final outer weights per item (0 for items of constructs outside the structure). */
  w: Float64Array;
  /** T[i * Ka + a] = cov(X_i, X w_a): item-composite covariances before the interaction rescaling. */
  T: Float64Array;
  /** Rescaling of each composite's score (1 except interaction terms, seminr's adjust_interaction). */
  adj: Float64Array;
  /** Covariances of the reported (rescaled) scores. */
  cov: Float64Array;
  /** Correlations of the scores. */
  cor: Float64Array;
  /** Path coefficients B[from * Ka + to] (OLS on the reported scores; with PLSc the consistent paths). */
  B: Float64Array;
  /** R² per local construct (NaN when exogenous; with PLSc from the disattenuated correlations). */
  r2: Float64Array;
  /** PLSc's rhoA, disattenuated correlations and loading scales (null for plain PLS). */
  plsc: PlscWork | null;
}

/** Loading of item i on local construct a: cov(X_i, score), or with PLSc for a reflective construct w_i sqrt(rhoA) / w'w. */
export function fitLoading(fit: ModelFit, i: number, a: number): number {
  const c = fit.plsc;
  return c !== null && c.reflective[a] ? fit.w[i]! * c.lscale[a]! : fit.T[i * fit.Ka + a]! * fit.adj[a]!;
}

const colStats = { mean: 0, sd: 0 };

/**
 * Fills the columns of the generated interaction items in prep.X (standardized; raw mean/sd in prep.means/sds)
 * and their rows/columns of prep.S.
 */
function buildInteractionItems(fp: FitPlan, prep: Prepared, scheme: IterationSettings['scheme']): void {
  const model = fp.main.model;
  const { X, n, P } = prep;
  if (fp.stage1) {
    // Stage 1: the structural model without the interaction paths. seminr passes the user's inner weighting
    // scheme through to it, but not maxIt / stopCriterion.
    iterateWeights(fp.stage1, prep.S, { scheme, maxIter: STAGE1_MAX_ITER, stop: STAGE1_STOP });
  }
  for (const ci of fp.ints) {
    const o = model.start[ci.construct]! * n;
    if (ci.method === 'two-stage') {
      // product of the stage-1 scores X_iv w_iv and X_mod w_mod, row by row
      const w = fp.stage1!.w;
      const i0 = model.start[ci.iv]!, i1 = model.end[ci.iv]!, m0 = model.start[ci.moderator]!, m1 = model.end[ci.moderator]!;
      // With frequency weights both scores carry sqrt(w) (prepare.ts): the product carries w, one sqrt(w) too many.
      const inv = prep.invSqrtW;
      for (let r = 0; r < n; r++) {
        let u = 0, v = 0;
        for (let i = i0; i < i1; i++) u += X[i * n + r]! * w[i]!;
        for (let i = m0; i < m1; i++) v += X[i * n + r]! * w[i]!;
        X[o + r] = inv ? u * v * inv[r]! : u * v;
      }
    } else {
      // scaled product indicators: every product of a standardized iv item and a standardized moderator item
      const inv = prep.invSqrtW;
      ci.pairs.forEach(([ia, ib], q) => {
        const oq = o + q * n;
        if (inv) for (let r = 0; r < n; r++) X[oq + r] = X[ia * n + r]! * X[ib * n + r]! * inv[r]!;
        else for (let r = 0; r < n; r++) X[oq + r] = X[ia * n + r]! * X[ib * n + r]!;
      });
      if (ci.method === 'orthogonal') orthogonalize(model, prep, ci);
    }
  }
  for (const ci of fp.ints) {
    for (let j = model.start[ci.construct]!; j < model.end[ci.construct]!; j++) {
      standardizeColumn(X, n, j, colStats, prep.sqrtW ? { sqrtW: prep.sqrtW, N: prep.N } : undefined);
      if (!(colStats.sd > 0)) throw new Error(`interaction item '${model.items[j]}' has zero variance`);
      prep.means[j] = colStats.mean;
      prep.sds[j] = colStats.sd;
    }
  }
  gramUpdate(X, n, P, model.p0, prep.S, P, 1 / (prep.N - 1));
}

/**
 * seminr's orthogonal approach: each product indicator is replaced by its residuals from lm(product ~ iv items +
 * moderator items). With standardized regressors and an intercept, the coefficients solve S_VV b = cov(X_V, product).
 */
function orthogonalize(model: CompiledModel, prep: Prepared, ci: CompiledInteraction): void {
  const { X, n, P, S } = prep;
  const V: number[] = [];
  for (let i = model.start[ci.iv]!; i < model.end[ci.iv]!; i++) V.push(i);
  for (let i = model.start[ci.moderator]!; i < model.end[ci.moderator]!; i++) V.push(i);
  const m = V.length;
  const L = new Float64Array(m * m);
  for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) L[a * m + b] = S[V[a]! * P + V[b]!]!;
  if (!choleskyInPlace(L, m)) throw new Error(`interaction '${model.constructs[ci.construct]}' (orthogonal): the iv and moderator items are collinear`);
  const coef = new Float64Array(m);
  for (let q = 0; q < ci.pairs.length; q++) {
    const o = (model.start[ci.construct]! + q) * n;
    // Centre the product (with frequency weights the column holds sqrt(w) x: its weighted mean is sum sqrt(w) x / N).
    const sw = prep.sqrtW;
    let mean = 0;
    if (sw) {
      for (let r = 0; r < n; r++) mean += sw[r]! * X[o + r]!;
      mean /= prep.N;
      for (let r = 0; r < n; r++) X[o + r] = X[o + r]! - sw[r]! * mean;
    } else {
      for (let r = 0; r < n; r++) mean += X[o + r]!;
      mean /= n;
      for (let r = 0; r < n; r++) X[o + r] = X[o + r]! - mean;
    }
    for (let a = 0; a < m; a++) {
      let s = 0;
      const ov = V[a]! * n;
      for (let r = 0; r < n; r++) s += X[ov + r]! * X[o + r]!;
      coef[a] = s / (prep.N - 1);
    }
    choleskySolveInPlace(L, m, coef);
    for (let a = 0; a < m; a++) {
      const ov = V[a]! * n, c = coef[a]!;
      for (let r = 0; r < n; r++) X[o + r] = X[o + r]! - c * X[ov + r]!;
    }
  }
}

/**
 * With `interactionsInS` the caller has already put the interaction items' means, sds and correlations into prep
 * (the bootstrap's count route: resample-estimator.ts); otherwise they are built here from the rows in prep.X.
 */
export function fitModel(fp: FitPlan, prep: Prepared, set: IterationSettings, interactionsInS = false): ModelFit {
  if (fp.ints.length > 0 && !interactionsInS) buildInteractionItems(fp, prep, set.scheme);
  const plan = fp.main;
  const outcome = iterateWeights(plan, prep.S, set);
  const { Ka, bs, be, T, w } = plan;
  const { adj, covAdj, cor, B, r2 } = fp;
  const covRaw = plan.cov;

  // Final scores X W (unit variance), loadings cov(X, scores).
  blockProducts(plan, prep.S, w);
  compositeCovariances(plan, w, covRaw);

  // adjust_interaction: an interaction score is multiplied by sum(sd(raw item) |loading|) / sum(|loading|).
  adj.fill(1);
  for (const ci of fp.ints) {
    const a = plan.local[ci.construct]!;
    let num = 0, den = 0;
    for (let i = bs[a]!; i < be[a]!; i++) {
      const l = Math.abs(T[i * Ka + a]!);
      num += prep.sds[i]! * l;
      den += l;
    }
    adj[a] = num / den;
  }
  for (let a = 0; a < Ka; a++) {
    for (let b = 0; b < Ka; b++) {
      covAdj[a * Ka + b] = covRaw[a * Ka + b]! * adj[a]! * adj[b]!;
      cor[a * Ka + b] = covRaw[a * Ka + b]! / Math.sqrt(covRaw[a * Ka + a]! * covRaw[b * Ka + b]!);
    }
  }

  if (fp.plsc) {
    applyPlsc(plan, fp.plsc, prep.S, w, cor, B, r2);
    return {
      iterations: outcome.iterations, weightDiff: outcome.weightDiff, converged: outcome.converged,
      plan, Ka, w, T, adj, cov: covAdj, cor, B, r2, plsc: fp.plsc,
    };
  }

  // Paths: OLS without intercept of each endogenous score on its predecessors' scores; R² from the correlations.
  B.fill(0);
  r2.fill(NaN);
  const beta = plan.beta;
  for (let e = 0; e < plan.endo.length; e++) {
    const d = plan.endo[e]!;
    const p0 = plan.predStart[d]!, m = plan.predStart[d + 1]! - p0;
    regressOnPredecessors(plan, covAdj, d, beta);
    for (let x = 0; x < m; x++) B[plan.predList[p0 + x]! * Ka + d] = beta[x]!;
    r2[d] = regressOnPredecessors(plan, cor, d, beta);
  }
  return {
    iterations: outcome.iterations, weightDiff: outcome.weightDiff, converged: outcome.converged,
    plan, Ka, w, T, adj, cov: covAdj, cor, B, r2, plsc: null,
  };
}

/** A copy of prepared data whose interaction columns another fit may overwrite (f² re-estimations). */
export function clonePrepared(prep: Prepared): Prepared {
  return { ...prep, X: prep.X.slice(), S: prep.S.slice(), means: prep.means.slice(), sds: prep.sds.slice() };
}
