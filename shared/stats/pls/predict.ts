// PLSpredict (Shmueli et al. 2016, 2019) as seminr 2.3.1's predict_pls(model, technique, noFolds, reps) + summary():
// k-fold cross-validated predictions of every endogenous construct's items by the PLS model (direct or earliest
// antecedents) and by the linear-model benchmark, with RMSE and MAE out of sample and in sample, plus Q²predict.
//
// How seminr does it (R/feature_plspredict.R), and what this follows:
// - Missing values are handled once on the whole data (mean replacement: the column mean of the observed values;
//   listwise: incomplete rows dropped) before any fold is drawn; every fold re-estimates on complete rows.
// - The rows are shuffled by sample(n, n) with R's RNG, then cut into k consecutive blocks with
//   cut(seq(1, n), breaks = k, labels = FALSE). A fold's model is estimate_pls on the other blocks (in shuffled order).
// - A held-out row is standardized with the training means and sds (n - 1), scored with the training outer weights,
//   its construct scores predicted through the training path coefficients (direct antecedents: from the
//   predecessors' scores; earliest antecedents: from the exogenous scores only, chained through the model), and each
//   item predicted as its construct's predicted score times its loading, unstandardized.
// - Reflective constructs (PLSc): estimate_pls applies PLSc in every fold (model_consistent), and predict() reads the
//   fold model's outer_weights, path_coef and outer_loadings. So held-out rows are scored with the plain PLS weights
//   (PLSc leaves them), construct scores are predicted through the consistent paths (solve on the rhoA-disattenuated
//   correlations), and the items of reflective constructs through their consistent loadings w sqrt(rhoA) / w'w;
//   composites keep cov(item, score). This is what fitModel/fitLoading give, so nothing here is PLSc-specific.
// - In-sample predictions: each row is predicted by the k - 1 fold models it trained, and those are averaged.
// - LM benchmark: each endogenous item regressed (lm with intercept) on every model item outside its own construct.
// - Repetitions: the predictions are averaged over reps, then RMSE and MAE are taken per item. seminr 2.3.1 shuffles
//   once and repeats the very same folds (its reps do not change any figure); here each rep draws a fresh sample(n, n)
//   from the one seeded stream (repeated k-fold cross-validation as Shmueli et al. 2019 describe), so reps = 1 equals
//   seminr exactly and reps > 1 equals seminr's machinery run on one shuffle per rep (test/fixtures/predict/predict.R).
// - Q²predict (not in seminr): 1 - Σ(y - PLS prediction)² / Σ(y - naive prediction)², the naive prediction of a
//   held-out row being the item's mean in the training folds (averaged over reps like the other predictions).
import type { PlsModelSpec } from '../../models/spec';
import { choleskyInPlace, choleskySolveInPlace } from '../kernels';
import { RRandom } from '../bootstrap/r-rng';
import { unitWeights, type DataTable } from '../table';
import { compileModel, type CompiledModel } from './compile';
import { fitLoading, fitModel, makeFitPlan, type ModelFit } from './fit';
import { prepareData, resolveColumns, type Prepared } from './prepare';
import { resolveSettings } from './settings';
import type { PlsOptions } from './types';

export type PredictTechnique = 'direct' | 'earliest';

export interface PredictOptions extends PlsOptions {
  /** Number of folds k (2 <= k <= n; k = n is leave-one-out). Default 10. */
  folds?: number;
  /** Repetitions of the k-fold cross-validation, each with a fresh shuffle. Default 10. */
  reps?: number;
  /** set.seed(seed) before the first shuffle. Default 123. */
  seed?: number;
  /** 'direct' (seminr's predict_DA, the default) or 'earliest' (predict_EA). */
  technique?: PredictTechnique;
  /** Name of the data in error messages. */
  source?: string;
}

export interface ErrorPair { rmse: number; mae: number }

export interface ItemPrediction {
  construct: string;
  item: string;
  /** Out-of-sample errors of the PLS predictions. */
  pls: ErrorPair;
  /** Out-of-sample errors of the linear-model benchmark. */
  lm: ErrorPair;
  /** 1 - SSE(PLS) / SSE(training-mean prediction), out of sample. */
  q2predict: number;
  /** In-sample errors (each row predicted by the fold models it was part of). */
  plsInSample: ErrorPair;
  lmInSample: ErrorPair;
}

export interface PredictResult {
  /** Rows cross-validated (after listwise deletion). */
  n: number;
  folds: number;
  reps: number;
  seed: number;
  technique: PredictTechnique;
  /** Fold estimates whose weight iteration hit maxIter without meeting the stop criterion (seminr stays silent). */
  notConverged: number;
  missing: { method: 'mean' | 'listwise'; cellsMissing: number; rowsDropped: number };
  /** Endogenous constructs' items, in seminr's order (targets as written, items as defined). */
  items: ItemPrediction[];
}

/**
 * R's cut(seq(1, n), breaks = k, labels = FALSE) - 1: the 0-based fold of each of n consecutive positions.
 * Breaks are seq.int(1, n, length.out = k + 1) (R computes the lower half from `from`, the upper half from `to`) with
 * the ends widened by (n - 1) / 1000; position x (1-based) falls in (b[i], b[i + 1]].
 */
export function rCutFolds(n: number, k: number): Int32Array {
  if (!Number.isInteger(n) || !Number.isInteger(k) || k < 2 || n < 2) throw new RangeError(`cut folds: need n >= 2 and k >= 2 (got n = ${n}, k = ${k})`);
  const nb = k + 1;
  const from = 1, to = n, by = (to - from) / (nb - 1);
  const b = new Float64Array(nb);
  for (let i = 1; i < nb - 1; i++) b[i] = i < Math.floor(nb / 2) ? from + i * by : to - (nb - 1 - i) * by;
  const dx = n - 1;
  b[0] = from - dx / 1000;
  b[nb - 1] = to + dx / 1000;
  const fold = new Int32Array(n);
  let f = 0;
  for (let x = 1; x <= n; x++) {
    while (f < k - 1 && x > b[f + 1]!) f++;
    fold[x - 1] = f;
  }
  return fold;
}

/** R's sample(n, n) (sample.kind "Rejection", without replacement), 0-based: out[j] = the row at position j. */
export function rPermutation(rng: RRandom, n: number, out: Int32Array = new Int32Array(n)): Int32Array {
  const pool = new Int32Array(n);
  for (let i = 0; i < n; i++) pool[i] = i;
  let m = n;
  for (let i = 0; i < n; i++) {
    const j = rng.unifIndex(m);
    out[i] = pool[j]!;
    pool[j] = pool[--m]!;
  }
  return out;
}

/** Per endogenous construct: its items (the LM's dependents) and every other model item (the LM's regressors). */
interface LmBlock { construct: number; dep: number[]; indep: number[] }

export function predictPls(spec: PlsModelSpec, data: DataTable, opts: PredictOptions = {}): PredictResult {
  const src = opts.source ?? 'data';
  const folds = opts.folds ?? 10;
  const reps = opts.reps ?? 10;
  const seed = opts.seed ?? 123;
  const technique = opts.technique ?? 'direct';
  if (!Number.isInteger(folds) || folds < 2) throw new Error(`predict: folds must be an integer >= 2 (got ${folds})`);
  if (!Number.isInteger(reps) || reps < 1) throw new Error(`predict: reps must be an integer >= 1 (got ${reps})`);
  if (technique !== 'direct' && technique !== 'earliest') throw new Error(`predict: technique must be 'direct' or 'earliest' (got ${String(technique)})`);
  assertPredictable(spec);
  if (!unitWeights(data)) throw new Error('predict: survey weights are not supported (PLSpredict is defined for unweighted rows)');

  const model = compileModel(spec);
  const set = resolveSettings(spec, opts);
  const P = model.items.length;
  const K = model.constructs.length;
  const { Y, n, cellsMissing, rowsDropped } = completeData(model, data, resolveColumns(model, data, src), set.missing, src);
  if (folds > n) throw new Error(`predict: ${folds} folds for ${n} rows (at most one fold per row)`);

  const owner = new Int32Array(P);
  for (let k = 0; k < K; k++) for (let i = model.start[k]!; i < model.end[k]!; i++) owner[i] = k;
  const preds: number[][] = model.constructs.map(() => []);
  for (const [f, t] of model.paths) preds[t]!.push(f);
  const endogenous: number[] = [];
  for (const [, t] of model.paths) if (!endogenous.includes(t)) endogenous.push(t);
  const isEndo = new Uint8Array(K);
  for (const k of endogenous) isEndo[k] = 1;
  // Earliest antecedents need a construct's predecessors predicted first: a topological order of the endogenous ones.
  const order = topologicalEndogenous(preds, isEndo);
  const endoItems: number[] = [];
  for (const k of endogenous) for (let i = model.start[k]!; i < model.end[k]!; i++) endoItems.push(i);
  const lmBlocks: LmBlock[] = endogenous.map((k) => {
    const dep: number[] = [], indep: number[] = [];
    for (let i = 0; i < P; i++) (owner[i] === k ? dep : indep).push(i);
    return { construct: k, dep, indep };
  });

  const E = endoItems.length;
  // Sums over reps of the per-rep predictions, column-major: item e of row r at e * n + r (rows in data order).
  // Every fold predicts every row: held-out rows go to the out-of-sample sums, training rows to the in-sample ones.
  const plsOut = new Float64Array(n * E), plsIn = new Float64Array(n * E);
  const lmOut = new Float64Array(n * E), lmIn = new Float64Array(n * E), naive = new Float64Array(n * E);
  const col = new Int32Array(P).fill(-1);
  endoItems.forEach((i, e) => { col[i] = e; });

  const rng = new RRandom(seed);
  const fold = rCutFolds(n, folds);
  const perm = new Int32Array(n);
  const isTest = new Uint8Array(n);
  const fitPlan = makeFitPlan(model, model.paths);
  const names = model.items.slice(0, P);
  const allCols = identity(P);
  let cols: Float64Array[] = names.map(() => new Float64Array(0));
  const score = new Float64Array(K * n), predScore = new Float64Array(K * n), work = new Float64Array(n);
  let buffers: Prepared | undefined;
  let notConverged = 0;

  for (let rep = 0; rep < reps; rep++) {
    rPermutation(rng, n, perm);
    for (let f = 0; f < folds; f++) {
      // training rows in shuffled order, as seminr's ordered_data[-testIndexes, ]
      const train: number[] = [];
      for (let j = 0; j < n; j++) {
        const r = perm[j]!;
        isTest[r] = fold[j] === f ? 1 : 0;
        if (!isTest[r]) train.push(r);
      }
      const where = `${src} (rep ${rep + 1}, fold ${f + 1})`;
      const m = train.length;
      if (cols[0]!.length !== m) cols = names.map(() => new Float64Array(m));
      for (let i = 0; i < P; i++) {
        const c = cols[i]!, o = i * n;
        for (let t = 0; t < m; t++) c[t] = Y[o + train[t]!]!;
      }
      const prep = prepareData(model, { names, n: m, cols }, allCols, { missing: 'mean', lean: true, reuse: buffers, source: where });
      buffers = prep;
      let fit: ModelFit;
      try {
        fit = fitModel(fitPlan, prep, set);
      } catch (e) {
        // e.g. PLSc's non-positive rhoA in one fold's training rows
        throw new Error(`${where}: ${(e as Error).message}`);
      }
      if (!fit.converged) notConverged++;
      const { Ka, B, w } = fit; // full structure: local order == model order, no interaction rescaling
      const { means, sds } = prep;

      // construct scores of every row: its items standardized with the training means and sds, times the weights
      score.fill(0);
      for (let i = 0; i < P; i++) {
        const o = i * n, so = owner[i]! * n, mu = means[i]!, sd = sds[i]!, wi = w[i]!;
        for (let r = 0; r < n; r++) score[so + r] += ((Y[o + r]! - mu) / sd) * wi;
      }
      // predicted scores: direct antecedents from the predecessors' scores; earliest antecedents chained from the
      // exogenous scores in topological order
      const from = technique === 'direct' ? score : predScore;
      if (technique === 'earliest') for (let k = 0; k < K; k++) if (!isEndo[k]) predScore.set(score.subarray(k * n, (k + 1) * n), k * n);
      for (const k of order) {
        const ko = k * n;
        predScore.fill(0, ko, ko + n);
        for (const p of preds[k]!) {
          const b = B[p * Ka + k]!, po = p * n;
          for (let r = 0; r < n; r++) predScore[ko + r] += from[po + r]! * b;
        }
      }
      for (let e = 0; e < E; e++) {
        const i = endoItems[e]!, k = owner[i]!, ko = k * n, eo = e * n;
        const l = fitLoading(fit, i, k), sd = sds[i]!, mu = means[i]!;
        for (let r = 0; r < n; r++) {
          const v = predScore[ko + r]! * l * sd + mu;
          if (isTest[r]) { plsOut[eo + r] += v; naive[eo + r] += mu; } else plsIn[eo + r] += v;
        }
      }
      for (const block of lmBlocks) lmPredict(block, prep, Y, n, isTest, col, lmOut, lmIn, work, model, where);
    }
  }

  const items: ItemPrediction[] = endoItems.map((i, e) => {
    let sPls = 0, aPls = 0, sLm = 0, aLm = 0, sNaive = 0, sPlsIn = 0, aPlsIn = 0, sLmIn = 0, aLmIn = 0;
    for (let r = 0; r < n; r++) {
      const y = Y[i * n + r]!, x = e * n + r;
      const dp = y - plsOut[x]! / reps, dl = y - lmOut[x]! / reps, dn = y - naive[x]! / reps;
      const dpi = y - plsIn[x]! / (folds - 1) / reps, dli = y - lmIn[x]! / (folds - 1) / reps;
      sPls += dp * dp; aPls += Math.abs(dp);
      sLm += dl * dl; aLm += Math.abs(dl);
      sNaive += dn * dn;
      sPlsIn += dpi * dpi; aPlsIn += Math.abs(dpi);
      sLmIn += dli * dli; aLmIn += Math.abs(dli);
    }
    return {
      construct: model.constructs[owner[i]!]!,
      item: model.items[i]!,
      pls: { rmse: Math.sqrt(sPls / n), mae: aPls / n },
      lm: { rmse: Math.sqrt(sLm / n), mae: aLm / n },
      q2predict: 1 - sPls / sNaive,
      plsInSample: { rmse: Math.sqrt(sPlsIn / n), mae: aPlsIn / n },
      lmInSample: { rmse: Math.sqrt(sLmIn / n), mae: aLmIn / n },
    };
  });

  return { n, folds, reps, seed, technique, notConverged, missing: { method: set.missing, cellsMissing, rowsDropped }, items };
}

/** Throws for what seminr's predict_pls refuses: higher-order and moderated models (reflective constructs are fine). */
export function assertPredictable(spec: PlsModelSpec): void {
  const used = new Set(spec.paths.flatMap((p) => [p.from, p.to]));
  if ((spec.higherOrder ?? []).some((h) => used.has(h.name))) {
    throw new Error('predict: the model has a higher-order construct; there is no published PLSpredict for higher-order models (seminr refuses them too)');
  }
  if (spec.interactions.some((i) => used.has(i.name))) {
    throw new Error('predict: the model has an interaction term; there is no published PLSpredict for moderated models (seminr refuses them too)');
  }
}

/** The model's items as one complete n x P column-major matrix: missing cells mean-replaced, or incomplete rows dropped. */
function completeData(model: CompiledModel, data: DataTable, cols: Int32Array, missing: 'mean' | 'listwise', src: string) {
  const P = model.items.length;
  const nIn = data.n;
  const keep: number[] = [];
  let cellsMissing = 0;
  for (let r = 0; r < nIn; r++) {
    let complete = true;
    for (let i = 0; i < P; i++) { const v = data.cols[cols[i]!]![r]!; if (v !== v) { complete = false; cellsMissing++; } }
    if (complete || missing === 'mean') keep.push(r);
  }
  const n = keep.length;
  if (n < 3) throw new Error(`${src}: only ${n} usable rows (need at least 3)`);
  const Y = new Float64Array(n * P);
  for (let i = 0; i < P; i++) {
    const c = data.cols[cols[i]!]!;
    let s = 0, m = 0;
    for (const r of keep) { const v = c[r]!; if (v === v) { s += v; m++; } }
    if (m === 0) throw new Error(`${src}: item '${model.items[i]}' has no observed values`);
    // seminr's mean_replacement: the mean of the observed values (R's mean(): a second pass refines the sum)
    let mean = s / m, t = 0;
    for (const r of keep) { const v = c[r]!; if (v === v) t += v - mean; }
    mean += t / m;
    keep.forEach((r, j) => { const v = c[r]!; Y[i * n + j] = v === v ? v : mean; });
  }
  return { Y, n, cellsMissing, rowsDropped: nIn - n };
}

function identity(P: number): Int32Array {
  return Int32Array.from({ length: P }, (_, i) => i);
}

/** The endogenous constructs, each after all of its endogenous predecessors. */
function topologicalEndogenous(preds: number[][], isEndo: Uint8Array): number[] {
  const K = preds.length;
  const done = new Uint8Array(K);
  const out: number[] = [];
  const visit = (k: number): void => {
    if (done[k]) return;
    done[k] = 1;
    for (const p of preds[k]!) if (isEndo[p]) visit(p);
    out.push(k);
  };
  for (let k = 0; k < K; k++) if (isEndo[k]) visit(k);
  return out;
}

/**
 * The LM benchmark of one endogenous construct in one fold: lm(item ~ all other model items) on the training rows,
 * solved on the training correlation matrix (standardized regressors; intercept = training mean), predicting every
 * row: held-out rows into lmOut, training rows into lmIn (column-major like predictPls's sums).
 */
function lmPredict(
  block: LmBlock, prep: Prepared, Y: Float64Array, n: number, isTest: Uint8Array, col: Int32Array,
  lmOut: Float64Array, lmIn: Float64Array, pred: Float64Array, model: CompiledModel, where: string,
): void {
  const { S, P, means, sds } = prep;
  const { dep, indep } = block;
  const m = indep.length;
  const L = new Float64Array(m * m);
  for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) L[a * m + b] = S[indep[a]! * P + indep[b]!]!;
  if (!choleskyInPlace(L, m)) {
    throw new Error(`${where}: the LM benchmark of '${model.constructs[block.construct]}' cannot be fitted: the other items are collinear in the training rows`);
  }
  // raw-scale slopes: beta_j = sd_y * b_j / sd_j with b solving S_XX b = S_Xy; intercept = mean_y - sum beta_j mean_j
  const coef = new Float64Array(m);
  for (const d of dep) {
    for (let a = 0; a < m; a++) coef[a] = S[indep[a]! * P + d]!;
    choleskySolveInPlace(L, m, coef);
    let intercept = means[d]!;
    for (let a = 0; a < m; a++) {
      coef[a] = (sds[d]! * coef[a]!) / sds[indep[a]!]!;
      intercept -= coef[a]! * means[indep[a]!]!;
    }
    pred.fill(intercept);
    for (let a = 0; a < m; a++) {
      const o = indep[a]! * n, c = coef[a]!;
      for (let r = 0; r < n; r++) pred[r] += c * Y[o + r]!;
    }
    const eo = col[d]! * n;
    for (let r = 0; r < n; r++) {
      if (isTest[r]) lmOut[eo + r] += pred[r]!;
      else lmIn[eo + r] += pred[r]!;
    }
  }
}
