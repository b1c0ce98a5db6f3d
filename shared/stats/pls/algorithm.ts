// seminr's simplePLS iteration (R/estimate_simplePLS.R, SEMINR-CONVENTIONS.md "Iterative algorithm"), carried out on
// the item correlation matrix S instead of the n x p data: with standardized items X, every quantity the loop
// needs is a product of S and the weights, e.g. cov(X_i, X w_a) = (S w_a)_i and cov(X w_a, X w_b) = w_a' S w_b.
// Positive rescalings that seminr applies between steps (standardizing the proxies Y and Z) cancel in the final
// rescaling of each weight vector to a unit-variance composite, so they are skipped.
import { choleskyInPlace, choleskySolveInPlace } from '../kernels';
import { makeStructure, type CompiledModel, type Structure } from './compile';

export type InnerScheme = 'path' | 'factorial';

export interface IterationSettings {
  scheme: InnerScheme;
  maxIter: number;
  stop: number;
}

/**
 * A structural model compiled for repeated estimation: index arrays in local construct order (the structure's
 * seminr order) and every work buffer, so an estimate allocates almost nothing. A plan's buffers are reused by its
 * next run: read results before running it again.
 */
export interface Plan {
  model: CompiledModel;
  st: Structure;
  P: number;
  Ka: number;
  /** Model construct index -> local index, or -1 when not in this structure. */
  local: Int32Array;
  /** Item range [bs[a], be[a]) of local construct a. */
  bs: Int32Array;
  be: Int32Array;
  modeB: Uint8Array;
  /** isPath[f * Ka + t] = 1 for a path f -> t (local indices). */
  isPath: Uint8Array;
  /** Predecessors of local construct a: predList[predStart[a] .. predStart[a + 1]), in path order. */
  predStart: Int32Array;
  predList: Int32Array;
  /** Endogenous constructs (local), seminr's order. */
  endo: Int32Array;
  // work buffers
  w: Float64Array;
  wNew: Float64Array;
  /** T[i * Ka + a] = cov(X_i, X w_a) for items of active constructs. */
  T: Float64Array;
  cov: Float64Array;
  C: Float64Array;
  E: Float64Array;
  sd: Float64Array;
  Cpp: Float64Array;
  cpy: Float64Array;
  beta: Float64Array;
  /** Cholesky factors of the item correlation blocks of mode B constructs (null for mode A). */
  chol: (Float64Array | null)[];
}

export function makePlan(model: CompiledModel, paths: [number, number][]): Plan {
  const st = makeStructure(model, paths);
  const P = model.items.length;
  const Ka = st.active.length;
  const local = new Int32Array(model.constructs.length).fill(-1);
  st.active.forEach((k, a) => { local[k] = a; });
  const bs = Int32Array.from(st.active, (k) => model.start[k]!);
  const be = Int32Array.from(st.active, (k) => model.end[k]!);
  const modeB = Uint8Array.from(st.active, (k) => (model.modeB[k] ? 1 : 0));
  const isPath = new Uint8Array(Ka * Ka);
  for (const [f, t] of paths) isPath[local[f]! * Ka + local[t]!] = 1;
  const predStart = new Int32Array(Ka + 1);
  const preds: number[] = [];
  st.active.forEach((k, a) => {
    predStart[a] = preds.length;
    for (const f of st.preds[k]!) preds.push(local[f]!);
  });
  predStart[Ka] = preds.length;
  let maxPred = 1;
  for (let a = 0; a < Ka; a++) maxPred = Math.max(maxPred, predStart[a + 1]! - predStart[a]!);
  return {
    model, st, P, Ka, local, bs, be, modeB, isPath, predStart, predList: Int32Array.from(preds),
    endo: Int32Array.from(st.endogenous, (k) => local[k]!),
    w: new Float64Array(P),
    wNew: new Float64Array(P),
    T: new Float64Array(P * Ka),
    cov: new Float64Array(Ka * Ka),
    C: new Float64Array(Ka * Ka),
    E: new Float64Array(Ka * Ka),
    sd: new Float64Array(Ka),
    Cpp: new Float64Array(maxPred * maxPred),
    cpy: new Float64Array(maxPred),
    beta: new Float64Array(maxPred),
    chol: Array.from(modeB, (b, a) => (b ? new Float64Array((be[a]! - bs[a]!) ** 2) : null)),
  };
}

/** T[i * Ka + c] = sum over items j of construct c of S[i, j] w[j], for every item i of an active construct. */
export function blockProducts(plan: Plan, S: Float64Array, w: Float64Array): void {
  const { Ka, bs, be, T, P } = plan;
  for (let a = 0; a < Ka; a++) {
    const ie = be[a]!;
    let i = bs[a]!;
    // two rows at a time share the loads of w; each sum still runs over j in order
    for (; i + 1 < ie; i += 2) {
      const row0 = i * P, row1 = row0 + P, t0 = i * Ka, t1 = t0 + Ka;
      for (let c = 0; c < Ka; c++) {
        let s0 = 0, s1 = 0;
        for (let j = bs[c]!, je = be[c]!; j < je; j++) {
          const wj = w[j]!;
          s0 += S[row0 + j]! * wj;
          s1 += S[row1 + j]! * wj;
        }
        T[t0 + c] = s0;
        T[t1 + c] = s1;
      }
    }
    if (i < ie) {
      const row = i * P, ti = i * Ka;
      for (let c = 0; c < Ka; c++) {
        let s = 0;
        for (let j = bs[c]!, je = be[c]!; j < je; j++) s += S[row + j]! * w[j]!;
        T[ti + c] = s;
      }
    }
  }
}

/** cov[a * Ka + b] = w_a' S w_b, from T. */
export function compositeCovariances(plan: Plan, w: Float64Array, cov: Float64Array): void {
  const { Ka, bs, be, T } = plan;
  for (let a = 0; a < Ka; a++) {
    for (let b = a; b < Ka; b++) {
      let s = 0;
      for (let i = bs[a]!, ie = be[a]!; i < ie; i++) s += w[i]! * T[i * Ka + b]!;
      cov[a * Ka + b] = s;
      cov[b * Ka + a] = s;
    }
  }
}

/**
 * OLS coefficients of local construct d on its predecessors from a Ka x Ka moment matrix M (covariances or
 * correlations): solve(M_pp, M_pd), written to out[0..m). Returns R² = M_pd' beta / M_dd.
 */
export function regressOnPredecessors(plan: Plan, M: Float64Array, d: number, out: Float64Array): number {
  const { Ka, predStart, predList, Cpp, cpy } = plan;
  const p0 = predStart[d]!, m = predStart[d + 1]! - p0;
  for (let x = 0; x < m; x++) {
    const px = predList[p0 + x]!;
    for (let y = 0; y < m; y++) Cpp[x * m + y] = M[px * Ka + predList[p0 + y]!]!;
    cpy[x] = M[px * Ka + d]!;
  }
  if (!choleskyInPlace(Cpp, m)) {
    throw new Error(`construct '${plan.model.constructs[plan.st.active[d]!]}': its predecessors' composites are collinear`);
  }
  for (let x = 0; x < m; x++) out[x] = cpy[x]!;
  choleskySolveInPlace(Cpp, m, out);
  let r = 0;
  for (let x = 0; x < m; x++) r += out[x]! * M[predList[p0 + x]! * Ka + d]!;
  return r / M[d * Ka + d]!;
}

export interface IterationOutcome {
  iterations: number;
  weightDiff: number;
  converged: boolean;
}

/** Runs the weight iteration; the final weights are in plan.w (each block a unit-variance composite). */
export function iterateWeights(plan: Plan, S: Float64Array, set: IterationSettings): IterationOutcome {
  const { model, Ka, P, bs, be, isPath, predStart, predList, endo, T, cov, C, E, sd, chol, beta } = plan;

  for (let a = 0; a < Ka; a++) {
    const L = chol[a];
    if (!L) continue;
    const s = bs[a]!, m = be[a]! - s;
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) L[i * m + j] = S[(s + i) * P + s + j]!;
    if (!choleskyInPlace(L, m)) {
      throw new Error(`construct '${model.constructs[plan.st.active[a]!]}' (mode B): its items are collinear, cannot compute regression weights`);
    }
  }

  // Initial weights: 1 for every item of its construct.
  let w = plan.w;
  let wNew = plan.wNew;
  w.fill(0);
  for (let a = 0; a < Ka; a++) for (let i = bs[a]!; i < be[a]!; i++) w[i] = 1;

  let iterations = 0;
  let weightDiff = Infinity;
  for (let it = 0; it <= set.maxIter; it++) {
    iterations = it;
    // 1. outer proxies Y_a = X w_a / sd_a and their correlations
    blockProducts(plan, S, w);
    compositeCovariances(plan, w, cov);
    for (let a = 0; a < Ka; a++) {
      const v = cov[a * Ka + a]!;
      if (!(v > 0)) throw new Error(`construct '${model.constructs[plan.st.active[a]!]}': composite has zero variance`);
      sd[a] = Math.sqrt(v);
    }
    for (let a = 0; a < Ka; a++) for (let b = 0; b < Ka; b++) C[a * Ka + b] = cov[a * Ka + b]! / (sd[a]! * sd[b]!);

    // 2. inner weights E (column d holds the weights of the proxies forming construct d's inner proxy)
    E.fill(0);
    if (set.scheme === 'factorial') {
      for (let a = 0; a < Ka; a++) {
        for (let b = 0; b < Ka; b++) if (isPath[a * Ka + b] || isPath[b * Ka + a]) E[a * Ka + b] = C[a * Ka + b]!;
      }
    } else {
      // successors enter with their correlation ...
      for (let a = 0; a < Ka; a++) for (let b = 0; b < Ka; b++) if (isPath[b * Ka + a]) E[a * Ka + b] = C[a * Ka + b]!;
      // ... predecessors with the OLS coefficients of the construct's proxy on theirs
      for (let e = 0; e < endo.length; e++) {
        const d = endo[e]!;
        regressOnPredecessors(plan, C, d, beta);
        for (let x = predStart[d]!; x < predStart[d + 1]!; x++) E[predList[x]! * Ka + d] = beta[x - predStart[d]!]!;
      }
    }

    // 3.-5. new outer weights: mode A = cov(X_block, Z_d); mode B = solve(S_block) cov(X_block, Z_d);
    // then each block scaled to a unit-variance composite
    for (let d = 0; d < Ka; d++) {
      const s0 = bs[d]!, s1 = be[d]!;
      for (let i = s0; i < s1; i++) {
        let g = 0;
        for (let a = 0; a < Ka; a++) {
          const e = E[a * Ka + d]!;
          if (e !== 0) g += (T[i * Ka + a]! / sd[a]!) * e;
        }
        wNew[i] = g;
      }
      const L = chol[d];
      if (L) choleskySolveInPlace(L, s1 - s0, wNew, s0);
      let v = 0;
      for (let i = s0; i < s1; i++) {
        let s = 0;
        const row = i * P;
        for (let j = s0; j < s1; j++) s += S[row + j]! * wNew[j]!;
        v += wNew[i]! * s;
      }
      if (!(v > 0)) throw new Error(`construct '${model.constructs[plan.st.active[d]!]}': outer weights collapsed to zero`);
      const inv = 1 / Math.sqrt(v);
      for (let i = s0; i < s1; i++) wNew[i] = wNew[i]! * inv;
    }

    // 6. stop rule: sum |W_new - W_old| < 10^-stopCriterion
    let diff = 0;
    for (let a = 0; a < Ka; a++) for (let i = bs[a]!; i < be[a]!; i++) diff += Math.abs(wNew[i]! - w[i]!);
    weightDiff = diff;
    const tmp = w; w = wNew; wNew = tmp;
    if (diff < set.stop) break;
  }
  plan.w = w;
  plan.wNew = wNew;
  return { iterations, weightDiff, converged: weightDiff < set.stop };
}
