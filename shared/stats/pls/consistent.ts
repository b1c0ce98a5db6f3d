// Consistent PLS (PLSc, Dijkstra & Henseler 2015) as seminr applies it to a model with reflective() constructs
// (R/feature_consistent.R PLSc, run by estimate_pls through model_consistent, so also in every bootstrap resample and
// every f² re-estimate). The weights and scores stay those of plain PLS; what changes:
//   - construct correlations are disattenuated: cor(a, b) / sqrt(rhoA_a rhoA_b) for a != b, rhoA from the final
//     weights (quality.ts constructRhoA). seminr does this for EVERY construct with a rhoA, composites of mode A
//     included (only mode B, single items and interaction terms count as 1), once any construct is reflective;
//   - paths: solve(R_xx, R_xy) on those correlations for each endogenous construct (standardized, also for an
//     interaction term, whose plain-PLS path uses its rescaled score); R² = R_xy' b, adjusted R² from it;
//   - loadings of reflective constructs: w sqrt(rhoA) / (w'w); composites keep their loadings.
// Everything works on the Ka x Ka correlation matrix, so the bootstrap's hot path pays a few small solves only.
import type { Plan } from './algorithm';
import { constructRhoA } from './quality';

export interface PlscWork {
  /** rhoA of each local construct, as used for the correction. */
  rho: Float64Array;
  /** Ka x Ka disattenuated construct correlations (diagonal 1). */
  cor: Float64Array;
  /** Local construct is reflective (its loadings are corrected). */
  reflective: Uint8Array;
  /** Reflective local construct a: its consistent loadings are w_i * lscale[a]. */
  lscale: Float64Array;
  /** Scratch for the small solves. */
  lu: Float64Array;
  rhs: Float64Array;
}

export function makePlscWork(plan: Plan): PlscWork {
  const { Ka, model } = plan;
  let maxPred = 1;
  for (let a = 0; a < Ka; a++) maxPred = Math.max(maxPred, plan.predStart[a + 1]! - plan.predStart[a]!);
  return {
    rho: new Float64Array(Ka),
    cor: new Float64Array(Ka * Ka),
    reflective: Uint8Array.from(plan.st.active, (k) => (model.reflective[k] ? 1 : 0)),
    lscale: new Float64Array(Ka),
    lu: new Float64Array(maxPred * maxPred),
    rhs: new Float64Array(maxPred),
  };
}

/**
 * Applies PLSc to a fitted structure: from the score correlations `scoreCor` (Ka x Ka) and the final weights w,
 * fills work (rhoA, disattenuated correlations, loading scales) and writes the consistent paths into B
 * (B[from * Ka + to]) and R² into r2 (NaN stays for exogenous constructs). Throws where seminr's PLSc fails
 * (a negative or zero rhoA, whose square root R takes with a warning, or a singular correlation block).
 */
export function applyPlsc(plan: Plan, work: PlscWork, S: Float64Array, w: Float64Array, scoreCor: Float64Array, B: Float64Array, r2: Float64Array): void {
  const { Ka, P, model, bs, be, predStart, predList, endo } = plan;
  const { rho, cor, lscale, reflective } = work;
  for (let a = 0; a < Ka; a++) {
    const k = plan.st.active[a]!;
    const r = constructRhoA(model, S, P, k, w);
    if (!(r > 0)) {
      throw new Error(`construct '${model.constructs[k]}': rhoA = ${r} is not positive, so consistent PLS cannot correct for its measurement error (check the direction of its items)`);
    }
    rho[a] = r;
  }
  for (let a = 0; a < Ka; a++) {
    for (let b = 0; b < Ka; b++) cor[a * Ka + b] = a === b ? scoreCor[a * Ka + b]! : scoreCor[a * Ka + b]! / Math.sqrt(rho[a]! * rho[b]!);
  }
  for (let a = 0; a < Ka; a++) {
    if (!reflective[a]) { lscale[a] = NaN; continue; }
    let ww = 0;
    for (let i = bs[a]!; i < be[a]!; i++) ww += w[i]! * w[i]!;
    lscale[a] = Math.sqrt(rho[a]!) / ww;
  }

  B.fill(0);
  r2.fill(NaN);
  for (let e = 0; e < endo.length; e++) {
    const d = endo[e]!;
    const p0 = predStart[d]!, m = predStart[d + 1]! - p0;
    const x = solveBlock(cor, Ka, predList, p0, m, d, work.lu, work.rhs);
    if (!x) throw new Error(`construct '${model.constructs[plan.st.active[d]!]}': the consistent correlations of its predecessors are singular`);
    let s = 0;
    for (let j = 0; j < m; j++) {
      B[predList[p0 + j]! * Ka + d] = x[j]!;
      s += x[j]! * cor[predList[p0 + j]! * Ka + d]!;
    }
    r2[d] = s;
  }
}

/**
 * solve(R[pred, pred], R[pred, d]) by Gaussian elimination with partial pivoting (the adjusted matrix need not be
 * positive definite, so no Cholesky). Returns a view of the solution or null when a pivot is zero.
 */
function solveBlock(R: Float64Array, Ka: number, predList: Int32Array, p0: number, m: number, d: number, A: Float64Array, x: Float64Array): Float64Array | null {
  for (let i = 0; i < m; i++) {
    const pi = predList[p0 + i]!;
    for (let j = 0; j < m; j++) A[i * m + j] = R[pi * Ka + predList[p0 + j]!]!;
    x[i] = R[pi * Ka + d]!;
  }
  for (let c = 0; c < m; c++) {
    let best = c, bv = Math.abs(A[c * m + c]!);
    for (let r = c + 1; r < m; r++) { const v = Math.abs(A[r * m + c]!); if (v > bv) { bv = v; best = r; } }
    if (!(bv > 0)) return null;
    if (best !== c) {
      for (let j = 0; j < m; j++) { const t = A[c * m + j]!; A[c * m + j] = A[best * m + j]!; A[best * m + j] = t; }
      const t = x[c]!; x[c] = x[best]!; x[best] = t;
    }
    const inv = 1 / A[c * m + c]!;
    for (let r = c + 1; r < m; r++) {
      const f = A[r * m + c]! * inv;
      if (f === 0) continue;
      for (let j = c; j < m; j++) A[r * m + j] = A[r * m + j]! - f * A[c * m + j]!;
      x[r] = x[r]! - f * x[c]!;
    }
  }
  for (let c = m - 1; c >= 0; c--) {
    let s = x[c]!;
    for (let j = c + 1; j < m; j++) s -= A[c * m + j]! * x[j]!;
    x[c] = s / A[c * m + c]!;
  }
  return x.subarray(0, m);
}
