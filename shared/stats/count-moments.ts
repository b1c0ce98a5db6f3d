// Exact moment sums of a bootstrap resample from its row counts, for survey items (small whole numbers).
//
// A resample repeats row r of the table counts[r] times. Its item correlation matrix after mean replacement follows
// from sums over the rows, each row's terms times its count (pls/group-moments.ts has the formulas):
// sum x~_i x~_j, sum x~_i O_j, sum O_i O_j, sum x~_i, sum O_i and sum 1 (x~ = the value, 0 where missing; O = the
// observed flag). For whole-number items and counts every one of them is a whole number, so they are all entries of
// one integer Gram matrix G = A' diag(counts) A of the columns A = (x~, O of the items with missing cells, 1),
// computed exactly by a WebAssembly SIMD kernel (wasm/count-gram.wat, 16-bit products, 32-bit sums) instead of the
// floating-point route (gather the drawn rows, standardize them, their Gram matrix): mobi's 5000 resamples run about
// twice as fast (README, Benchmarks), and a constant item is exactly constant (no rounding-noise variance).
import type { MomentSums } from './pls/group-moments';
import { WASM_BASE64 } from './wasm/count-gram.wasm';
import { instantiateWasm, type WasmMemory } from './wasm-module';

/** Largest |value| of an item the integer route takes (Likert, NPS and 0-100 scales are far below it). */
const MAX_ABS = 1000;
/**
 * Most distinct survey weights the route takes (one stratum each: a region's or the network's branches, a branch's
 * post-stratification cells): each stratum costs a kernel call and a pass over the sums per resample, so more than
 * one per ROWS_PER_STRATUM rows (per-respondent weights) is left to the floating-point route.
 */
const MIN_STRATA = 16;
const ROWS_PER_STRATUM = 16;
const I16 = 32767;
const I32 = 2147483647;

export interface CountMoments {
  /** Items. */
  readonly p: number;
  /** Rows of the table the counts refer to (one count per row). */
  readonly n: number;
  /** Whether an item has a missing cell among the rows used (the sums then include the observed-flag ones). */
  readonly missing: boolean;
  /** The rows used (the table's, or those given, without weight-0 rows), grouped by survey weight. */
  readonly rows: Int32Array;
  /** Survey weight of each used row (1 without weights). */
  readonly rowWeight: Float64Array;
  /**
   * out = the sums over the rows used, row r weighted by counts[r] x its survey weight (counts: whole numbers >= 0,
   * one per table row; the table's other rows are ignored); out.distinct[i] is 0 when item i has no observed value
   * among the rows drawn, 1 when its observed values there are all equal, else 2.
   */
  sums(counts: ArrayLike<number>, out: MomentSums): void;
  /**
   * out = the plain sums over the table rows rows[0..count) (each once; without survey weights only): the rows are
   * copied next to each other first, so the cost follows count, not the table's rows (a permuted group).
   */
  rowSums(rows: ArrayLike<number>, count: number, out: MomentSums): void;
  /** Counts of the rows used in the last sums() call (rows[k] has count used[k]). */
  readonly used: Float64Array;
}

type GramFn = (q: number, n: number, stride: number, a: number, c: number, y: number, g: number) => void;

/**
 * The integer route for these columns (NaN = missing) restricted to `rows` (default: all n rows), with survey
 * `weights` per table row (default: none). Null when an observed value is not a whole number of at most MAX_ABS in
 * size, or the weights take too many distinct values: the caller then takes the floating-point route.
 * With weights, the rows of each distinct weight are a stratum summed exactly in integers; the strata's sums are
 * then added times their weight (one rounding per stratum).
 */
export function countMoments(cols: readonly Float64Array[], n: number, rows?: Int32Array, weights?: Float64Array): CountMoments | null {
  const p = cols.length;
  const candidates = rows ?? Int32Array.from({ length: n }, (_, r) => r);
  // strata: the used rows grouped by weight (rows of weight 0 are not used: they weigh nothing in any resample)
  const byWeight = new Map<number, number[]>();
  const maxStrata = Math.max(MIN_STRATA, candidates.length / ROWS_PER_STRATUM);
  for (const r of candidates) {
    const w = weights ? weights[r]! : 1;
    if (!(w >= 0) || !Number.isFinite(w)) return null; // the floating-point route reports bad weights
    if (w === 0) continue;
    let list = byWeight.get(w);
    if (!list) {
      if (byWeight.size >= maxStrata) return null;
      byWeight.set(w, (list = []));
    }
    list.push(r);
  }
  const strata = [...byWeight].sort((a, b) => a[0] - b[0]);
  const use = Int32Array.from(strata.flatMap(([, list]) => list));
  const m = use.length;
  let maxAbs = 1;
  const hasMissing = new Uint8Array(p);
  for (let i = 0; i < p; i++) {
    const c = cols[i]!;
    for (let k = 0; k < m; k++) {
      const v = c[use[k]!]!;
      if (v !== v) { hasMissing[i] = 1; continue; }
      if (!Number.isInteger(v) || Math.abs(v) > MAX_ABS) return null;
      if (Math.abs(v) > maxAbs) maxAbs = Math.abs(v);
    }
  }
  // columns: the p items, the observed flags of the items with missing cells, the ones
  const flagOf = new Int32Array(p).fill(-1);
  let q = p;
  for (let i = 0; i < p; i++) if (hasMissing[i]) flagOf[i] = q++;
  const one = q++;
  const qpad = Math.ceil(q / 4) * 4;
  // each stratum's rows from a multiple of 8 on (the kernel sums 8 rows at a time), zero rows between
  const segStart = new Int32Array(strata.length), segRows = new Int32Array(strata.length), segPad = new Int32Array(strata.length);
  const segWeight = Float64Array.from(strata, ([w]) => w);
  const segFirst = new Int32Array(strata.length); // the stratum's first used row (used rows are grouped by stratum)
  let stride = 0;
  strata.forEach(([, list], s) => {
    segStart[s] = stride;
    segFirst[s] = s === 0 ? 0 : segFirst[s - 1]! + segRows[s - 1]!;
    segRows[s] = list.length;
    segPad[s] = Math.ceil(list.length / 8) * 8;
    stride += segPad[s]!;
  });
  stride = Math.max(8, stride);
  const rowWeight = new Float64Array(m);
  const slot = new Int32Array(m); // position of used row k in the kernel's rows
  {
    let k = 0;
    strata.forEach(([w, list], s) => { list.forEach((_, x) => { rowWeight[k] = w; slot[k++] = segStart[s]! + x; }); });
  }

  // memory: a (qpad x stride i16) | c (stride i16) | y (qpad x stride i16) | g (qpad x qpad i32) | rowSums' copy of
  // its rows (qpad x stride i16) and its counts (stride i16, all 1), 16-byte aligned
  const colBytes = stride * 2;
  const aOff = 0, cOff = aOff + qpad * colBytes, yOff = cOff + colBytes, gOff = yOff + qpad * colBytes;
  const rOff = gOff + qpad * qpad * 4, r1Off = rOff + qpad * colBytes;
  const bytes = r1Off + colBytes;
  const { memory, gram } = instantiateWasm<{ memory: WasmMemory; gram: GramFn }>(WASM_BASE64, bytes);
  const A = new Int16Array(memory.buffer, aOff, qpad * stride);
  const C = new Int16Array(memory.buffer, cOff, stride);
  const G = new Int32Array(memory.buffer, gOff, qpad * qpad);
  for (let i = 0; i < p; i++) {
    const c = cols[i]!, o = i * stride, f = flagOf[i]! * stride;
    for (let k = 0; k < m; k++) {
      const v = c[use[k]!]!;
      if (v === v) { A[o + slot[k]!] = v; if (f >= 0) A[f + slot[k]!] = 1; }
    }
  }
  for (let k = 0; k < m; k++) A[one * stride + slot[k]!] = 1;
  const R = new Int16Array(memory.buffer, rOff, qpad * stride);
  new Int16Array(memory.buffer, r1Off, stride).fill(1);
  const slotOfRow = new Int32Array(n).fill(-1); // table row -> its slot (a used row)
  for (let k = 0; k < m; k++) slotOfRow[use[k]!] = slot[k]!;
  const copied = new Int32Array(m); // rowSums: the slots of its rows
  const used = new Float64Array(m);
  const maxSq = maxAbs * maxAbs;
  const single = strata.length === 1 && segWeight[0] === 1;
  // per stratum: its exact sums (kernel or JavaScript); over the strata: the weighted sums and the plain ones
  const Gs = new Float64Array(qpad * qpad), Gw = new Float64Array(qpad * qpad), Gi = new Float64Array(qpad * qpad);
  const segN = new Float64Array(strata.length), segMax = new Float64Array(strata.length);
  /** Stratum s's exact sums for the counts in C / used: the kernel, or the JavaScript loop when they could overflow it. */
  const stratumGram = (s: number): Int32Array | Float64Array => {
    if (segMax[s]! * maxAbs <= I16 && segN[s]! * maxSq <= I32) {
      gram(qpad, segPad[s]!, stride, aOff + 2 * segStart[s]!, cOff + 2 * segStart[s]!, yOff + 2 * segStart[s]!, gOff);
      return G;
    }
    exactGram(A, stride, segStart[s]!, segFirst[s]!, segRows[s]!, q, qpad, used, Gs);
    return Gs;
  };

  return {
    p, n, missing: q > p + 1, rows: use, rowWeight, used,
    sums(counts, out) {
      segN.fill(0);
      segMax.fill(0);
      for (let k = 0; k < m; k++) {
        const c = counts[use[k]!]!;
        if (!(c >= 0) || c !== Math.floor(c)) throw new Error(`count-moments: row ${use[k]! + 1} has count ${c} (whole numbers >= 0 only)`);
        used[k] = c;
        C[slot[k]!] = c <= I16 ? c : 0; // a larger count takes the JavaScript route below
      }
      for (let s = 0, k = 0; s < strata.length; s++) {
        for (let x = 0; x < segRows[s]!; x++, k++) {
          const c = used[k]!;
          segN[s] += c;
          if (c > segMax[s]!) segMax[s] = c;
        }
      }
      if (single && segN[0]! > 0) {
        const g = stratumGram(0);
        readSums(g, g, qpad, p, flagOf, one, segN[0]!, out);
        return;
      }
      let N = 0;
      Gw.fill(0);
      Gi.fill(0);
      for (let s = 0; s < strata.length; s++) {
        if (segN[s] === 0) continue;
        const g = stratumGram(s);
        N += segN[s]! * segWeight[s]!;
        const w = segWeight[s]!;
        for (let i = 0; i < q; i++) {
          for (let j = i; j < q; j++) {
            const x = g[i * qpad + j]!;
            Gw[i * qpad + j] += w * x;
            Gi[i * qpad + j] += x;
          }
        }
      }
      readSums(Gw, Gi, qpad, p, flagOf, one, N, out);
    },
    rowSums(rows, count, out) {
      if (!single) throw new Error('count-moments: rowSums sums plain rows (no survey weights)');
      const cpad = Math.ceil(count / 8) * 8;
      if (count * maxSq > I32) {
        // sums too large for 32 bits: as counts of the whole table, exact in doubles
        const counts = new Float64Array(n);
        for (let k = 0; k < count; k++) counts[rows[k]!]!++;
        this.sums(counts, out);
        return;
      }
      for (let k = 0; k < count; k++) {
        const at = slotOfRow[rows[k]!]!;
        if (at < 0) throw new Error(`count-moments: row ${rows[k]! + 1} is not one of the rows used`);
        copied[k] = at;
      }
      for (let i = 0; i < q; i++) {
        const o = i * stride; // R's columns sit as A's do
        for (let k = 0; k < count; k++) R[o + k] = A[o + copied[k]!]!;
        for (let k = count; k < cpad; k++) R[o + k] = 0;
      }
      gram(qpad, cpad, stride, rOff, r1Off, yOff, gOff);
      readSums(G, G, qpad, p, flagOf, one, count, out);
    },
  };
}

/**
 * G[i][j] (i <= j) = sum over the stratum's rows of count x A[i] x A[j] in doubles: exact while the sums stay below
 * 2^53. The stratum's x-th row sits at A[.. start + x] and is used row first + x (count used[first + x]).
 */
function exactGram(
  A: Int16Array, stride: number, start: number, first: number, rows: number, q: number, qpad: number, used: Float64Array, G: Float64Array,
): void {
  G.fill(0);
  for (let x = 0; x < rows; x++) {
    const at = start + x;
    const c = used[first + x]!;
    if (c === 0) continue;
    for (let i = 0; i < q; i++) {
      const ci = c * A[i * stride + at]!;
      if (ci === 0) continue;
      for (let j = i; j < q; j++) G[i * qpad + j] += ci * A[j * stride + at]!;
    }
  }
}

/**
 * The moment sums (group-moments.ts layout) from the upper triangle of the weighted Gram matrix G, and whether each
 * item is constant from the plain (unweighted, exact) one: a positive weight does not change which values occur.
 */
function readSums(
  G: Int32Array | Float64Array, plain: Int32Array | Float64Array, qpad: number, p: number, flagOf: Int32Array, one: number, N: number,
  out: MomentSums,
): void {
  const at = (i: number, j: number) => (i <= j ? G[i * qpad + j]! : G[j * qpad + i]!);
  const exact = (i: number, j: number) => (i <= j ? plain[i * qpad + j]! : plain[j * qpad + i]!);
  out.n = N;
  const { sx, xx, distinct } = out;
  const miss = out.so.length > 0;
  for (let i = 0; i < p; i++) {
    sx[i] = at(i, one);
    for (let j = 0; j <= i; j++) xx[i * p + j] = at(j, i);
  }
  for (let i = 0; i < p; i++) {
    if (miss) out.so[i] = flagOf[i]! >= 0 ? at(flagOf[i]!, one) : N;
    distinct[i] = distinctOf(flagOf[i]! >= 0 ? exact(flagOf[i]!, one) : exact(one, one), exact(i, one), exact(i, i));
  }
  if (!miss) return;
  const { xo, oo } = out;
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) xo[i * p + j] = flagOf[j]! >= 0 ? at(i, flagOf[j]!) : sx[i]!;
    for (let j = 0; j <= i; j++) {
      const fi = flagOf[i]!, fj = flagOf[j]!;
      oo[i * p + j] = fi >= 0 && fj >= 0 ? at(fi, fj) : fi >= 0 ? at(fi, one) : fj >= 0 ? at(fj, one) : N;
    }
  }
}

/**
 * out.distinct from exact unweighted sums (whole numbers, e.g. a group's = the total's minus the other group's):
 * 0 when the item has no observed value, 1 when its observed values are all equal, else 2.
 */
export function distinctFromExactSums(out: MomentSums): void {
  const p = out.sx.length;
  for (let i = 0; i < p; i++) out.distinct[i] = distinctOf(out.so.length > 0 ? out.so[i]! : out.n, out.sx[i]!, out.xx[i * p + i]!);
}

/**
 * From an item's exact unweighted sums over the observed cells (k cells, sum s, sum of squares ss): 0 when k = 0,
 * 1 when the values are all equal (k ss = s², every term a whole number below 2^53, so exact), else 2.
 */
function distinctOf(k: number, s: number, ss: number): number {
  return k === 0 ? 0 : k * ss === s * s ? 1 : 2;
}
