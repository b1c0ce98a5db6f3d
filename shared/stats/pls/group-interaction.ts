// Two-stage interaction terms for the moments engine (group-pair.ts) without touching the rows of the larger group.
// seminr's two-stage item is q = u v, the product of a row's stage-1 scores u = sum_a alpha_a z_a (iv items) and
// v = sum_b beta_b z_b (moderator items), z = the group-standardized items (0 where a missing cell was mean-replaced).
// The item correlation matrix needs, per group, sum q, sum q², sum q z_c for every item c, and sum q q' between two
// interaction terms. With each row's augmented vector y = (x~_1..x~_p, O_i for the items with missing cells, 1)
// (x~ = value centred by the pooled mean, 0 where missing; O = observed flag), z_a = (x~_a - m_a O_a) / s_a is linear
// in y, so all of these are contractions of third- and fourth-order moment sums of y, which are additive over rows:
// the larger group's = total - the smaller group's. Cost per row summed: |I||M| (d + sum over terms |I'||M'|) with
// |I| = the iv items' augmented entries (x~ and O or 1), |M| likewise for the moderator, d = entries of y.
// When that costs more than a pass over both groups' rows (a moderator of several items, groups of a few hundred
// rows: the branch path tests), interactionFromRows computes the same sums from each group's own scores instead.
// interactionFromWeights computes them for a bootstrap resample given as count weights over every row (the count
// route of resample-estimator.ts), as SIMD passes over whole columns.
import type { CompiledModel } from './compile';
import type { PooledItems } from './group-moments';
import { columnSpace, rowSpace, type ColumnSpace, type RowSpace } from '../f64-columns';

interface Term {
  /** Construct index of the interaction term and its single generated item. */
  construct: number;
  item: number;
  iv: [number, number];
  mod: [number, number];
  /** Augmented entries the iv's / moderator's scores are linear in. */
  I: Int32Array;
  M: Int32Array;
  /** Offset of this term's third-order block [i in I][j in M][c in 0..d). */
  t3: number;
}

export interface InteractionMoments {
  d: number;
  /** Augmented entry of each item's observed flag (the constant 1 for an item without missing cells), and of 1. */
  oIdx: Int32Array;
  one: number;
  terms: Term[];
  /** Fourth-order blocks for every pair of terms (t <= u): [ij in I_t x M_t][kl in I_u x M_u]. */
  pairs: { t: number; u: number; off: number }[];
  size: number;
  /** Per term: offset and count of its products y_a y_b in the per-row scratch. */
  prodOff: Int32Array;
  nProd: Int32Array;
  /** Multiply-adds per row summed. */
  opsPerRow: number;
  /** N x d augmented rows. */
  y: Float64Array;
  /** interactionFromRows' scratch (grown on demand). */
  rowScratch?: Float64Array;
  /** interactionFromRows' copy of y in WebAssembly memory (made at its first call). */
  rowSpace?: RowSpace;
}

export function interactionMoments(model: CompiledModel, pool: PooledItems): InteractionMoments {
  const { p, n, x, obs } = pool;
  const oIdx = new Int32Array(p);
  let d = p;
  const missingItem = new Uint8Array(p);
  if (obs) for (let q = 0; q < n * p; q++) if (!obs[q]) missingItem[q % p] = 1;
  for (let i = 0; i < p; i++) oIdx[i] = missingItem[i] ? d++ : -1;
  const one = d++;
  for (let i = 0; i < p; i++) if (oIdx[i] < 0) oIdx[i] = one;
  const y = new Float64Array(n * d);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < p; i++) {
      y[r * d + i] = x[r * p + i]!;
      if (oIdx[i] !== one) y[r * d + oIdx[i]!] = obs![r * p + i]!;
    }
    y[r * d + one] = 1;
  }
  const entries = (k: number) => {
    const s = new Set<number>();
    for (let i = model.start[k]!; i < model.end[k]!; i++) { s.add(i); s.add(oIdx[i]!); }
    return Int32Array.from([...s].sort((a, b) => a - b));
  };
  let size = 0;
  const terms: Term[] = model.interactions.map((ci) => {
    const I = entries(ci.iv), M = entries(ci.moderator);
    const t: Term = {
      construct: ci.construct, item: model.start[ci.construct]!, iv: [model.start[ci.iv]!, model.end[ci.iv]!],
      mod: [model.start[ci.moderator]!, model.end[ci.moderator]!], I, M, t3: size,
    };
    size += I.length * M.length * d;
    return t;
  });
  const pairs: InteractionMoments['pairs'] = [];
  for (let t = 0; t < terms.length; t++) {
    for (let u = t; u < terms.length; u++) {
      pairs.push({ t, u, off: size });
      size += terms[t]!.I.length * terms[t]!.M.length * terms[u]!.I.length * terms[u]!.M.length;
    }
  }
  const nProd = Int32Array.from(terms, (t) => t.I.length * t.M.length);
  const prodOff = new Int32Array(terms.length);
  for (let t = 1; t < terms.length; t++) prodOff[t] = prodOff[t - 1]! + nProd[t - 1]!;
  let opsPerRow = 0;
  for (let t = 0; t < terms.length; t++) opsPerRow += nProd[t]! * d;
  for (const pr of pairs) opsPerRow += pr.t === pr.u ? (nProd[pr.t]! * (nProd[pr.t]! + 1)) / 2 : nProd[pr.t]! * nProd[pr.u]!;
  return { d, oIdx, one, terms, pairs, size, prodOff, nProd, opsPerRow, y };
}

/** out = the moment sums over rows[0..count); work: scratch of at least workSize(im) numbers. */
export function sumInteractionRows(im: InteractionMoments, rows: Int32Array, count: number, out: Float64Array, work: Float64Array): void {
  const { d, y, terms, pairs } = im;
  out.fill(0);
  const T = terms.length;
  for (let k = 0; k < count; k++) {
    const yr = rows[k]! * d;
    // products y_a y_b of every term, then their third-order sums with every entry of y
    let q = 0;
    for (let ti = 0; ti < T; ti++) {
      const t = terms[ti]!;
      const I = t.I, M = t.M, nI = I.length, nM = M.length;
      let off = t.t3;
      for (let i = 0; i < nI; i++) {
        const ya = y[yr + I[i]!]!;
        for (let j = 0; j < nM; j++) {
          const pab = ya * y[yr + M[j]!]!;
          work[q++] = pab;
          for (let c = 0; c < d; c++) out[off + c] += pab * y[yr + c]!;
          off += d;
        }
      }
    }
    // fourth-order sums of every pair of terms (a diagonal block only on and above its diagonal)
    for (let x = 0; x < pairs.length; x++) {
      const pr = pairs[x]!;
      const A = im.prodOff[pr.t]!, B = im.prodOff[pr.u]!, na = im.nProd[pr.t]!, nb = im.nProd[pr.u]!;
      if (pr.t === pr.u) {
        for (let i = 0; i < na; i++) {
          const wi = work[A + i]!, row = pr.off + i * nb;
          for (let j = i; j < nb; j++) out[row + j] += wi * work[B + j]!;
        }
      } else {
        let off = pr.off;
        for (let i = 0; i < na; i++) {
          const wi = work[A + i]!;
          for (let j = 0; j < nb; j++) out[off++] += wi * work[B + j]!;
        }
      }
    }
  }
  // mirror the diagonal blocks
  for (const pr of pairs) {
    if (pr.t !== pr.u) continue;
    const n = im.nProd[pr.t]!;
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) out[pr.off + i * n + j] = out[pr.off + j * n + i]!;
  }
}

export function workSize(im: InteractionMoments): number {
  return im.terms.reduce((s, t) => s + t.I.length * t.M.length, 0);
}

/**
 * Fills the interaction items' rows and columns of the group's correlation matrix S (P x P, leading dimension P)
 * and their raw means and sds, from the group's moment sums, its stage-1 weights w (standardized items), and its
 * items' means (centred units, as correlationFromSums returns them) and sds. coef: scratch of workSize numbers.
 */
export function interactionCorrelations(
  im: InteractionMoments, sums: Float64Array, n: number, w: Float64Array, cMeans: Float64Array, sds: Float64Array,
  p: number, S: Float64Array, P: number, means: Float64Array, outSds: Float64Array, coef: Float64Array,
): void {
  const { d, terms, pairs, oIdx, one } = im;
  const coefOf = (range: [number, number], entries: Int32Array, out: Float64Array) => scoreCoefficients(range, entries, oIdx, w, cMeans, sds, out, 0);
  const sumQ: number[] = [];
  const offs: number[] = [];
  let o = 0;
  for (const t of terms) {
    const u = new Float64Array(t.I.length), v = new Float64Array(t.M.length);
    coefOf(t.iv, t.I, u);
    coefOf(t.mod, t.M, v);
    offs.push(o);
    for (let i = 0; i < u.length; i++) for (let j = 0; j < v.length; j++) coef[o + i * v.length + j] = u[i]! * v[j]!;
    const nIJ = u.length * v.length;
    // sum q and sum q z_c
    let sq = 0;
    for (let ij = 0; ij < nIJ; ij++) sq += coef[o + ij]! * sums[t.t3 + ij * d + one]!;
    sumQ.push(sq);
    for (let c = 0; c < p; c++) {
      let s = 0;
      for (let ij = 0; ij < nIJ; ij++) {
        const b = t.t3 + ij * d;
        s += coef[o + ij]! * (sums[b + c]! - cMeans[c]! * sums[b + oIdx[c]!]!);
      }
      S[t.item * P + c] = s / sds[c]!; // sum q z_c for now
    }
    o += nIJ;
  }
  // sum q_t q_u
  const qq = new Float64Array(terms.length * terms.length);
  for (const pr of pairs) {
    const A = offs[pr.t]!, B = offs[pr.u]!;
    const na = terms[pr.t]!.I.length * terms[pr.t]!.M.length, nb = terms[pr.u]!.I.length * terms[pr.u]!.M.length;
    let s = 0, off = pr.off;
    for (let i = 0; i < na; i++) {
      const ci = coef[A + i]!;
      let t = 0;
      for (let j = 0; j < nb; j++) t += coef[B + j]! * sums[off++]!;
      s += ci * t;
    }
    qq[pr.t * terms.length + pr.u] = qq[pr.u * terms.length + pr.t] = s;
  }
  finishInteraction(terms, sumQ, qq, n, p, S, P, means, outSds);
}

/**
 * The last step of both routes: with S[t.item * P + c] = sum q_t z_c, the sums of q (sumQ) and of q_t q_u (qq, T x T),
 * the interaction items' means, sds and correlations with every item and with each other.
 */
function finishInteraction(
  terms: readonly Term[], sumQ: ArrayLike<number>, qq: ArrayLike<number>, n: number, p: number, S: Float64Array, P: number,
  means: Float64Array, outSds: Float64Array,
): void {
  const T = terms.length;
  for (let ti = 0; ti < T; ti++) {
    const t = terms[ti]!;
    const mean = sumQ[ti]! / n;
    const sd = Math.sqrt((qq[ti * T + ti]! - n * mean * mean) / (n - 1));
    if (!(sd > 0)) throw new Error(`interaction item '${t.item}' has zero variance`);
    means[t.item] = mean;
    outSds[t.item] = sd;
  }
  terms.forEach((t, ti) => {
    const sd = outSds[t.item]!;
    // the items z_c have mean 0 in the group, so cov(q, z_c) = sum q z_c / (n - 1)
    for (let c = 0; c < p; c++) S[c * P + t.item] = S[t.item * P + c] = S[t.item * P + c]! / ((n - 1) * sd);
    for (let ui = 0; ui < T; ui++) {
      const u = terms[ui]!;
      S[t.item * P + u.item] = ui === ti
        ? 1
        : (qq[ti * T + ui]! - n * means[t.item]! * means[u.item]!) / ((n - 1) * sd * outSds[u.item]!);
    }
  });
}

/** Coefficient of each augmented entry in a stage-1 score: z_a = (y[a] - m_a y[O_a]) / s_a, weighted by w_a. */
function scoreCoefficients(
  range: [number, number], entries: Int32Array, oIdx: Int32Array, w: Float64Array, cMeans: Float64Array, sds: Float64Array,
  out: Float64Array, off: number,
): void {
  for (let e = 0; e < entries.length; e++) out[off + e] = 0;
  for (let a = range[0]; a < range[1]; a++) {
    const c = w[a]! / sds[a]!;
    out[off + entries.indexOf(a)] += c;
    out[off + entries.indexOf(oIdx[a]!)] -= c * cMeans[a]!;
  }
}

/**
 * interactionCorrelations' outputs from the group's own rows (rows[0..n) of the pooled table) instead of moment
 * sums: per row the stage-1 scores u and v (linear in the row's augmented entries y), q = u v, and the sums of q y_e
 * and q_t q_u. O(n x (|I| + |M| + d)) per group, against the sums' O(smaller group x opsPerRow): cheaper when the
 * groups are small next to opsPerRow (a permutation test of a model with a moderator of several items).
 */
export function interactionFromRows(
  im: InteractionMoments, rows: Int32Array, n: number, w: Float64Array, cMeans: Float64Array, sds: Float64Array,
  p: number, S: Float64Array, P: number, means: Float64Array, outSds: Float64Array,
): void {
  const { d, terms, oIdx, y } = im;
  const T = terms.length;
  // scratch: per term its u and v coefficients, its sums q y_e (d), q_t q_u (T x T), then each row's q (T x n)
  let need = T * d + T * T + T * n;
  for (const t of terms) need += t.I.length + t.M.length;
  if (!im.rowScratch || im.rowScratch.length < need) im.rowScratch = new Float64Array(need);
  const z = im.rowScratch;
  const cu = new Int32Array(T), cv = new Int32Array(T);
  let o = 0;
  terms.forEach((t, ti) => {
    cu[ti] = o; scoreCoefficients(t.iv, t.I, oIdx, w, cMeans, sds, z, o); o += t.I.length;
    cv[ti] = o; scoreCoefficients(t.mod, t.M, oIdx, w, cMeans, sds, z, o); o += t.M.length;
  });
  const acc = o, qq = acc + T * d, qAt = qq + T * T;
  // each row's q and the sums of q y_e over the group's rows, reading each row once (rowSpace.productSums: the rows
  // lie scattered over the pooled table; summed in the order of the scalar loops, so the same numbers)
  const space = (im.rowSpace ??= rowSpace(y, y.length / d, d));
  space.rows.set(rows.subarray(0, n));
  for (let ti = 0; ti < T; ti++) {
    const { I, M } = terms[ti]!;
    const sums = space.productSums(n, I, z.subarray(cu[ti]!, cu[ti]! + I.length), M, z.subarray(cv[ti]!, cv[ti]! + M.length));
    z.set(space.q.subarray(0, n), qAt + ti * n);
    z.set(sums, acc + ti * d);
  }
  for (let ti = 0; ti < T; ti++) {
    for (let ui = ti; ui < T; ui++) {
      const qt = qAt + ti * n, qu = qAt + ui * n;
      let s = 0;
      for (let k = 0; k < n; k++) s += z[qt + k]! * z[qu + k]!;
      z[qq + ti * T + ui] = s;
    }
  }
  const sumQ = new Float64Array(T), qqs = new Float64Array(T * T);
  terms.forEach((t, ti) => {
    const a = acc + ti * d;
    sumQ[ti] = z[a + im.one]!;
    for (let c = 0; c < p; c++) S[t.item * P + c] = (z[a + c]! - cMeans[c]! * z[a + oIdx[c]!]!) / sds[c]!; // sum q z_c
    for (let ui = ti; ui < T; ui++) qqs[ti * T + ui] = qqs[ui * T + ti] = z[qq + ti * T + ui]!;
  });
  finishInteraction(terms, sumQ, qqs, n, p, S, P, means, outSds);
}

/**
 * The columns interactionFromWeights works on, in WebAssembly memory (f64-columns.ts): im.y's d columns (n rows),
 * then the frequency weights (column im.d, written by the caller per resample), u, v, ones, and per term its
 * weighted and unweighted products.
 */
export function interactionColumns(im: InteractionMoments, n: number): ColumnSpace {
  const { d, y } = im;
  const cs = columnSpace(d + 4 + 2 * im.terms.length, n);
  for (let e = 0; e < d; e++) {
    const col = cs.column(e);
    for (let r = 0; r < n; r++) col[r] = y[r * d + e]!;
  }
  cs.column(d + 3).fill(1, 0, n);
  return cs;
}

const dots = new Float64Array(4);

/**
 * interactionFromRows for a bootstrap resample given as frequency weights over all n pooled rows (column im.d of
 * cs = interactionColumns(im, n); 0: not drawn; N = their sum): the same sums, each a SIMD pass over whole columns
 * (nothing gathered), at the price of the rows not drawn.
 */
export function interactionFromWeights(
  im: InteractionMoments, cs: ColumnSpace, N: number, w: Float64Array, cMeans: Float64Array,
  sds: Float64Array, p: number, S: Float64Array, P: number, means: Float64Array, outSds: Float64Array,
): void {
  const { d, terms, oIdx } = im;
  const T = terms.length;
  const F = d, U = d + 1, V = d + 2, ONE = d + 3, Q = d + 4, QP = d + 4 + T;
  // scratch: per term its u and v coefficients, then the sums q y_e (d)
  let coefs = 0;
  for (const t of terms) coefs += t.I.length + t.M.length;
  const need = coefs + d;
  if (!im.rowScratch || im.rowScratch.length < need) im.rowScratch = new Float64Array(need);
  const z = im.rowScratch;
  const acc = coefs;
  const sumQ = new Float64Array(T), qqs = new Float64Array(T * T);
  let o = 0;
  for (let ti = 0; ti < T; ti++) {
    const t = terms[ti]!;
    const { I, M } = t;
    const cu = o; scoreCoefficients(t.iv, I, oIdx, w, cMeans, sds, z, o); o += I.length;
    const cv = o; scoreCoefficients(t.mod, M, oIdx, w, cMeans, sds, z, o); o += M.length;
    // every row's stage-1 scores u and v, then count x u v (0 for the rows not drawn) and u v
    cs.column(U).fill(0);
    cs.column(V).fill(0);
    for (let e = 0; e < I.length; e++) cs.axpy(z[cu + e]!, I[e]!, U);
    for (let e = 0; e < M.length; e++) cs.axpy(z[cv + e]!, M[e]!, V);
    cs.product3(F, U, V, Q + ti);
    cs.product3(ONE, U, V, QP + ti);
    // sum count q y_e for every entry e, four columns per pass
    for (let e = 0; e < d; e += 4) {
      const e1 = e + 1 < d ? e + 1 : e, e2 = e + 2 < d ? e + 2 : e, e3 = e + 3 < d ? e + 3 : e;
      cs.dots4(Q + ti, e, e1, e2, e3, dots);
      z[acc + e] = dots[0]!; z[acc + e1] = dots[1]!; z[acc + e2] = dots[2]!; z[acc + e3] = dots[3]!;
    }
    sumQ[ti] = z[acc + im.one]!;
    for (let c = 0; c < p; c++) S[t.item * P + c] = (z[acc + c]! - cMeans[c]! * z[acc + oIdx[c]!]!) / sds[c]!; // sum q z_c
  }
  // sum count q_t q_u = <count x q_t, q_u>
  for (let ti = 0; ti < T; ti++) {
    for (let ui = ti; ui < T; ui++) {
      cs.dots4(Q + ti, QP + ui, QP + ui, QP + ui, QP + ui, dots);
      qqs[ti * T + ui] = qqs[ui * T + ti] = dots[0]!;
    }
  }
  finishInteraction(terms, sumQ, qqs, N, p, S, P, means, outSds);
}
