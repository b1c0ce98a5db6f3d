// Measurement-model quality criteria exactly as seminr computes them (SEMINR-CONVENTIONS.md "Quality criteria";
// R/evaluate_reliability.R, R/compute_metrics.R, R/evaluate_validity.R). All of them are functions of the item
// correlation matrix S, the final weights, the loadings and the score correlations.
import { inverse, Matrix } from 'ml-matrix';
import type { CompiledModel } from './compile';

export interface Reliability { alpha: number; rhoA: number; rhoC: number; ave: number }

function block(S: Float64Array, P: number, s: number, e: number): Matrix {
  const m = e - s;
  const M = new Matrix(m, m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) M.set(i, j, S[(s + i) * P + s + j]!);
  return M;
}

/**
 * alpha: standardized, k/(k-1) (1 - trace(R)/sum(R)); rhoC and AVE from the loadings (with PLSc the consistent
 * loadings of reflective constructs); rhoA (Dijkstra-Henseler) from the final weights, 1 for mode B, single items
 * and interaction terms. Single items: all 1.
 */
export function reliability(model: CompiledModel, S: Float64Array, P: number, k: number, w: Float64Array, loadings: (i: number) => number): Reliability {
  const s = model.start[k]!, e = model.end[k]!, m = e - s;
  if (m === 1) return { alpha: 1, rhoA: 1, rhoC: 1, ave: 1 };
  let tr = 0, tot = 0;
  for (let i = s; i < e; i++) {
    tr += S[i * P + i]!;
    for (let j = s; j < e; j++) tot += S[i * P + j]!;
  }
  const alpha = (m / (m - 1)) * (1 - tr / tot);

  let sl = 0, sl2 = 0, s1ml2 = 0;
  for (let i = s; i < e; i++) {
    const l = loadings(i);
    sl += l;
    sl2 += l * l;
    s1ml2 += 1 - l * l;
  }
  const rhoC = (sl * sl) / (sl * sl + s1ml2);
  const ave = sl2 / m;

  return { alpha, rhoA: constructRhoA(model, S, P, k, w), rhoC, ave };
}

/**
 * seminr's rho_A of one construct: Dijkstra-Henseler's (w'w)^2 w'(S - diag)w / w'(ww' - diag)w from the final
 * weights; 1 for mode B, single items and interaction terms. PLSc corrects with it (consistent.ts).
 */
export function constructRhoA(model: CompiledModel, S: Float64Array, P: number, k: number, w: Float64Array): number {
  const s = model.start[k]!, e = model.end[k]!;
  if (e - s === 1 || model.modeB[k] || model.interaction[k] !== null) return 1;
  let ww = 0, w4 = 0, wSw = 0;
  for (let i = s; i < e; i++) {
    const wi = w[i]!;
    ww += wi * wi;
    w4 += wi * wi * wi * wi;
    for (let j = s; j < e; j++) if (j !== i) wSw += wi * S[i * P + j]! * w[j]!;
  }
  return ww * ww * (wSw / (ww * ww - w4));
}

/**
 * HTMT of two constructs: mean |r| between their items over the geometric mean of their mean off-diagonal |r|
 * (1 for a single item). On the estimation data's items, interaction items included.
 */
export function htmt(model: CompiledModel, S: Float64Array, P: number, a: number, b: number, mono: Float64Array): number {
  let h = 0;
  for (let i = model.start[a]!; i < model.end[a]!; i++) {
    for (let j = model.start[b]!; j < model.end[b]!; j++) h += Math.abs(S[i * P + j]!);
  }
  h /= (model.end[a]! - model.start[a]!) * (model.end[b]! - model.start[b]!);
  return h / Math.sqrt(mono[a]! * mono[b]!);
}

/** Monotrait mean |r| per construct (indexed like model.constructs; 1 for single items). */
export function monotrait(model: CompiledModel, S: Float64Array, P: number, active: readonly number[], out: Float64Array): void {
  for (const k of active) {
    const s = model.start[k]!, e = model.end[k]!, m = e - s;
    if (m === 1) { out[k] = 1; continue; }
    let t = 0;
    for (let i = s; i < e; i++) for (let j = i + 1; j < e; j++) t += Math.abs(S[i * P + j]!);
    out[k] = t / ((m * (m - 1)) / 2);
  }
}

/** Item VIFs of a block: 1/(1 - R²) of lm(item ~ other items) = diagonal of the inverse correlation block. */
export function itemVifs(model: CompiledModel, S: Float64Array, P: number, k: number): number[] {
  const s = model.start[k]!, e = model.end[k]!;
  if (e - s === 1) return [1];
  const inv = inverse(block(S, P, s, e));
  return Array.from({ length: e - s }, (_, i) => inv.get(i, i));
}

/** Antecedent VIFs of one endogenous construct from the score correlations (cor: Ka x Ka; idx: local indices). */
export function antecedentVifs(cor: Float64Array, Ka: number, idx: number[]): number[] {
  if (idx.length === 1) return [NaN];
  const M = new Matrix(idx.length, idx.length);
  idx.forEach((a, x) => idx.forEach((b, y) => M.set(x, y, cor[a * Ka + b]!)));
  const inv = inverse(M);
  return idx.map((_, x) => inv.get(x, x));
}
