// MICOM, the measurement invariance of composites (Henseler, Ringle & Sarstedt 2016), from the permutations of
// permutation.ts. Step 1 (configural invariance: same indicators, same data treatment, same algorithm) holds by
// construction: both groups are estimated with one model file and one set of settings.
//  - Step 2, compositional invariance: c = cor(X w_A, X w_B), the correlation of the composite scores that group A's
//    and group B's outer weights give on the pooled data X (standardized over the pooled rows; with P the pooled
//    item correlation matrix, c = w_A' P w_B / sqrt(w_A' P w_A . w_B' P w_B), no row-level work). Under invariance
//    c is close to 1; its permutation distribution gives the alpha quantile q (R's quantile type 7) and
//    p = (1 + #{c_perm <= c}) / (1 + R) (exact enumeration: #{c_perm <= c} / #assignments). Invariant when c >= q.
//  - Step 3, equal means and variances: scores from the pooled estimate's weights on the pooled standardized data;
//    the groups' mean difference (A - B) and log variance ratio log(var_A / var_B) against their permutation
//    distributions: two-sided p = (1 + #{|perm| >= |obs|}) / (1 + R) and the [alpha/2, 1 - alpha/2] quantiles;
//    equal when the observed value lies inside them.
// Constructs in MICOM: those of spec.constructs with at least two items (for one item c = 1 whatever the weights)
// that the model weights; interaction terms and higher-order constructs are left out.
import type { PlsModelSpec } from '../../models/spec';
import { quantileType7 } from '../bootstrap/quantile';
import { correlationFromSums } from './group-moments';
import { newEstimates, type GroupPair } from './group-pair';

export interface MicomBlock { construct: string; items: Int32Array }

export interface MicomComposite {
  construct: string;
  /** Step 2: correlation of the composite scores of group A's and group B's weights on the pooled data. */
  c: number;
  /** alpha quantile of c over the permutations. */
  quantile: number;
  p: number;
  invariant: boolean;
}

export interface MicomMoment {
  construct: string;
  /** Mean difference (A - B) or log variance ratio log(var_A / var_B) of the pooled-weight scores. */
  value: number;
  lower: number;
  upper: number;
  p: number;
  equal: boolean;
}

export interface MicomResult {
  alpha: number;
  compositional: MicomComposite[];
  means: MicomMoment[];
  logVarianceRatios: MicomMoment[];
}

/** Constructs of the spec with >= 2 items among the pooled columns (indices into `items`). */
export function micomBlocks(spec: PlsModelSpec, items: readonly string[]): MicomBlock[] {
  const inPaths = new Set(spec.paths.flatMap((p) => [p.from, p.to]));
  const blocks: MicomBlock[] = [];
  for (const [name, c] of Object.entries(spec.constructs)) {
    if (!inPaths.has(name) || c.items.length < 2) continue;
    const idx = c.items.map((it) => items.indexOf(it));
    if (idx.some((i) => i < 0)) continue;
    blocks.push({ construct: name, items: Int32Array.from(idx) });
  }
  return blocks;
}

/** w_a' P w_b over one block (P: p x p row-major). */
function quad(P: Float64Array, p: number, idx: Int32Array, wa: Float64Array, wb: Float64Array): number {
  let s = 0;
  for (const i of idx) {
    let t = 0;
    for (const j of idx) t += P[i * p + j]! * wb[j]!;
    s += wa[i]! * t;
  }
  return s;
}

/** Step 2's c for one block: cor(X w_a, X w_b) on data whose item correlation matrix is P. */
export function compositeCorrelation(P: Float64Array, p: number, idx: Int32Array, wa: Float64Array, wb: Float64Array): number {
  return quad(P, p, idx, wa, wb) / Math.sqrt(quad(P, p, idx, wa, wa) * quad(P, p, idx, wb, wb));
}

/** Collects MICOM's observed statistics and their values in each permutation. */
export class MicomAccumulator {
  readonly blocks: MicomBlock[];
  readonly c: Float64Array;
  readonly meanDiff: Float64Array;
  readonly logVar: Float64Array;
  /** Per permutation, block after block. */
  cPerm: number[] = [];
  meanPerm: number[] = [];
  varPerm: number[] = [];
  private readonly P: Float64Array;
  private readonly p: number;
  /** N x B row-major scores of the pooled weights, and their totals. */
  private readonly scores: Float64Array;
  private readonly tot1: Float64Array;
  private readonly tot2: Float64Array;
  private readonly s1: Float64Array;
  private readonly s2: Float64Array;
  private readonly nA: number;
  private readonly nB: number;

  constructor(pair: GroupPair, blocks: MicomBlock[], wA: Float64Array, wB: Float64Array) {
    const p = pair.items.length;
    this.p = p;
    this.nA = pair.nA;
    this.nB = pair.nB;
    // blocks the model gives weights in both groups (the gather engine reports NaN for unweighted columns)
    this.blocks = blocks.filter((bl) => [...bl.items].every((i) => Number.isFinite(wA[i]!) && Number.isFinite(wB[i]!)));
    const B = this.blocks.length;
    this.P = new Float64Array(p * p);
    const means = new Float64Array(p), sds = new Float64Array(p);
    correlationFromSums(pair.total, p, this.P, p, means, sds, (i) => pair.items[i]!);
    this.c = Float64Array.from(this.blocks, (bl) => compositeCorrelation(this.P, p, bl.items, wA, wB));

    const pooled = newEstimates(pair.paths.length, p);
    pair.runPooled(pooled);
    const N = pair.nA + pair.nB;
    const { x, obs } = pair.pool;
    this.scores = new Float64Array(N * B);
    this.tot1 = new Float64Array(B);
    this.tot2 = new Float64Array(B);
    for (let r = 0; r < N; r++) {
      for (let k = 0; k < B; k++) {
        let s = 0;
        for (const i of this.blocks[k]!.items) {
          const q = r * p + i;
          if (!obs || obs[q]) s += ((x[q]! - means[i]!) / sds[i]!) * pooled.weights[i]!;
        }
        this.scores[r * B + k] = s;
        this.tot1[k] += s;
        this.tot2[k] += s * s;
      }
    }
    this.s1 = new Float64Array(B);
    this.s2 = new Float64Array(B);
    this.meanDiff = new Float64Array(B);
    this.logVar = new Float64Array(B);
    const obsRows = Int32Array.from({ length: pair.nA }, (_, r) => r);
    this.moments(obsRows, pair.nA, true, this.meanDiff, this.logVar);
  }

  /** Mean difference and log variance ratio of A vs B when rows[0..count) form group A (smallIsA) or B. */
  private moments(rows: Int32Array, count: number, smallIsA: boolean, md: Float64Array | number[], lv: Float64Array | number[]): void {
    const B = this.blocks.length;
    const { s1, s2, scores } = this;
    s1.fill(0);
    s2.fill(0);
    for (let k = 0; k < count; k++) {
      const o = rows[k]! * B;
      for (let j = 0; j < B; j++) { const v = scores[o + j]!; s1[j] += v; s2[j] += v * v; }
    }
    const m = count, rest = this.nA + this.nB - count;
    const off = Array.isArray(md) ? md.length : 0;
    for (let j = 0; j < B; j++) {
      const meanS = s1[j]! / m, meanR = (this.tot1[j]! - s1[j]!) / rest;
      const varS = (s2[j]! - m * meanS * meanS) / (m - 1);
      const varR = (this.tot2[j]! - s2[j]! - rest * meanR * meanR) / (rest - 1);
      const [mA, mB, vA, vB] = smallIsA ? [meanS, meanR, varS, varR] : [meanR, meanS, varR, varS];
      md[off + j] = mA - mB;
      lv[off + j] = Math.log(vA / vB);
    }
  }

  add(rows: Int32Array, count: number, smallIsA: boolean, wA: Float64Array, wB: Float64Array): void {
    for (const bl of this.blocks) this.cPerm.push(compositeCorrelation(this.P, this.p, bl.items, wA, wB));
    this.moments(rows, count, smallIsA, this.meanPerm, this.varPerm);
  }
}

const sortedColumn = (flat: number[], B: number, k: number): Float64Array => {
  const out = new Float64Array(flat.length / B);
  for (let r = 0; r < out.length; r++) out[r] = flat[r * B + k]!;
  return out.sort();
};

/** Quantiles, p-values and verdicts (see the header). */
export function micomSummary(acc: MicomAccumulator, alpha: number, exact: boolean): MicomResult {
  const B = acc.blocks.length;
  const R = B ? acc.cPerm.length / B : 0;
  const pOf = (hits: number) => (exact ? hits / R : (1 + hits) / (1 + R));
  const compositional = acc.blocks.map((bl, k) => {
    const perm = sortedColumn(acc.cPerm, B, k);
    const c = acc.c[k]!;
    let hits = 0;
    for (const v of perm) if (v <= c + 1e-10) hits++;
    const quantile = quantileType7(perm, alpha);
    return { construct: bl.construct, c, quantile, p: pOf(hits), invariant: c >= quantile };
  });
  const moment = (flat: number[], obs: Float64Array) => acc.blocks.map((bl, k) => {
    const perm = sortedColumn(flat, B, k);
    const v = obs[k]!;
    let hits = 0;
    for (const x of perm) if (Math.abs(x) >= Math.abs(v) - 1e-10) hits++;
    const lower = quantileType7(perm, alpha / 2), upper = quantileType7(perm, 1 - alpha / 2);
    return { construct: bl.construct, value: v, lower, upper, p: pOf(hits), equal: v >= lower && v <= upper };
  });
  return { alpha, compositional, means: moment(acc.meanPerm, acc.meanDiff), logVarianceRatios: moment(acc.varPerm, acc.logVar) };
}
