// The permutation test of path differences between two groups (Chin & Dibbern 2010) and MICOM's permutation steps
// (Henseler, Ringle & Sarstedt 2016; micom.ts), from one set of permutations.
//
// Permutation i (1..permutations) pools the rows (group A's, then group B's) and, as R would,
//   set.seed(seed + i); idx <- sample.int(nA + nB, min(nA, nB))
// gives the smaller group's rows (group A's when nA <= nB); the other rows form the other group. Group sizes stay
// nA and nB. Both groups are re-estimated and diff = a - b is recorded per path.
//
// p-value convention (Monte Carlo): p = (1 + #{|diff_perm| >= |diff_obs|}) / (1 + R) over the R permutations that
// could be estimated: the observed labelling counts as one of the equally likely assignments (Phipson & Smyth 2010),
// so p is never 0 and P(p <= alpha) <= alpha exactly under exchangeability; with R = 199 or 999, P(p <= 0.05) = 0.05.
// With `exact: true` every assignment of min(nA, nB) rows to the smaller group is enumerated once (the observed one
// included) and p = #{|diff| >= |diff_obs|} / #assignments: the exact permutation p-value.
// A permuted statistic counts as >= the observed one when it is within 1e-7 (relative, at least 1e-7 absolute) below
// it: the PLS iteration stops at a weight change of 1e-7, so closer values are the same statistic up to the
// iteration's own precision (e.g. the mirror assignment of equal-sized groups gives -diff_obs).
//
// Cost per permutation: drawing min(nA, nB) rows (O(min(nA, nB)): the draw array is restored, not refilled), then
// the group pair's estimates (group-pair.ts). Composite models without survey weights (the moments engine):
// O(min(nA, nB) P²) for the smaller group's moment sums, the larger group's = total - them, plus two PLS fits on
// P x P matrices, whatever the larger group's size; two-stage interaction terms add third/fourth moment sums over the
// smaller group (or the rows of both groups, O((nA + nB) P), when that is cheaper); product-indicator terms the rows.
// Reflective (PLSc) or higher-order models and survey weights (the gather engine): O((nA + nB) P²).
// MICOM adds O(P²) (step 2) and O(min(nA, nB) K) (step 3) per permutation. Memory: the pooled table (twice with
// two-stage terms) plus permutations x (3 K) numbers for MICOM (x paths more with keepDiffs).
// Measured (bench/pls-mga.ts): mobi 108 vs 142 rows, 1000 permutations + MICOM ≈ 0.3-0.5 s on one core; 100 vs
// 30,000 rows: ~1 ms per permutation for the ECSI model (gather engine: ~16-40 ms).
import type { PlsModelSpec } from '../../models/spec';
import type { DataTable } from '../table';
import { RRandom } from '../bootstrap/r-rng';
import { createGroupPair, newEstimates, type GroupPair } from './group-pair';
import { micomBlocks, micomSummary, MicomAccumulator, type MicomResult } from './micom';
import type { PlsOptions } from './types';

export interface PermutationOptions {
  /** Number of random permutations (ignored with exact). */
  permutations: number;
  seed: number;
  /** Significance level for MICOM's quantiles and verdicts (default 0.05). */
  alpha?: number;
  /** Enumerate every assignment instead of sampling (small data only; at most `maxAssignments`). */
  exact?: boolean;
  /** Limit for exact enumeration (default 1e6). */
  maxAssignments?: number;
  /** MICOM steps 2 and 3 (default true). */
  micom?: boolean;
  /** Keep every permutation's path differences (row-major, permutations x paths) in the result. */
  keepDiffs?: boolean;
  /** PLS settings (missing: 'listwise' drops each group's incomplete rows before pooling). */
  pls?: PlsOptions;
  /** Force an engine (tests); default: the moments engine whenever the model allows it. */
  engine?: 'moments' | 'gather';
  /** Force how the moments engine handles two-stage interaction terms (tests); default: the cheaper. */
  interactions?: 'moments' | 'rows';
}

export interface PathPermutation {
  from: string;
  to: string;
  /** Estimate in group A, in group B, and a - b. */
  a: number;
  b: number;
  diff: number;
  /** Two-sided permutation p-value of the difference. */
  p: number;
}

export interface PermutationResult {
  paths: PathPermutation[];
  /** Permutations (or assignments, with exact) estimated successfully: the denominator's count. */
  permutations: number;
  /** Permutations whose estimate failed in a group (e.g. an item constant in a permuted group); left out. */
  failed: number;
  exact: boolean;
  nA: number;
  nB: number;
  seed: number;
  engine: 'moments' | 'gather';
  micom?: MicomResult;
  /** With keepDiffs: permutations x paths, in permutation order (failed ones left out). */
  diffs?: Float64Array;
}

/** Relative tolerance under which a permuted statistic counts as equal to the observed one (see above). */
export const TIE_TOLERANCE = 1e-7;
export const atLeast = (perm: number, obs: number): boolean =>
  Math.abs(perm) >= Math.abs(obs) - TIE_TOLERANCE * Math.max(1, Math.abs(obs));

/**
 * R's sample.int(n, k) without replacement (R >= 3.6, sample.kind "Rejection", n <= 1e7): x = 0..n-1; k times
 * j = R_unif_index(remaining); take x[j]; x[j] = x[last]. `x` must hold 0..n-1 on entry and does again on return
 * (the k swaps are undone in reverse), so a permutation costs O(k), not O(n). Writes 0-based rows to out[0..k).
 */
export function sampleWithoutReplacement(rng: RRandom, n: number, k: number, x: Int32Array, out: Int32Array, js: Int32Array): void {
  let m = n;
  for (let i = 0; i < k; i++) {
    const j = rng.unifIndex(m);
    js[i] = j;
    out[i] = x[j]!;
    x[j] = x[--m]!;
  }
  for (let i = k - 1; i >= 0; i--) x[js[i]!] = out[i]!;
}

/** Rows of a table without a missing cell in the given columns (listwise deletion before pooling). */
function completeRows(t: DataTable, items: readonly string[]): DataTable {
  const cols = items.map((it) => t.cols[t.names.indexOf(it)]).filter((c): c is Float64Array => !!c);
  const keep: number[] = [];
  for (let r = 0; r < t.n; r++) if (cols.every((c) => c[r] === c[r])) keep.push(r);
  if (keep.length === t.n) return t;
  const pick = (c: Float64Array) => Float64Array.from(keep, (r) => c[r]!);
  return { names: t.names, cols: t.cols.map(pick), n: keep.length, ...(t.weights ? { weights: pick(t.weights) } : {}) };
}

function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return Math.round(c);
}

/**
 * Permutation test of every structural path between group A and group B (tables with the model's item columns),
 * with MICOM steps 2 (compositional invariance) and 3 (equal composite means and variances).
 */
export function permutationTest(spec: PlsModelSpec, groupA: DataTable, groupB: DataTable, opts: PermutationOptions): PermutationResult {
  const alpha = opts.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) throw new Error(`alpha must be in (0, 1), got ${alpha}`);
  if (!Number.isInteger(opts.seed)) throw new Error(`seed must be an integer, got ${opts.seed}`);
  const exact = !!opts.exact;
  if (!exact && (!Number.isInteger(opts.permutations) || opts.permutations < 1)) {
    throw new Error(`permutations must be a positive integer, got ${opts.permutations}`);
  }
  if (opts.pls?.missing === 'listwise') {
    const items = [...new Set(Object.values(spec.constructs).flatMap((c) => c.items))];
    groupA = completeRows(groupA, items);
    groupB = completeRows(groupB, items);
  }
  const pair = createGroupPair(spec, groupA, groupB, { ...opts.pls, missing: 'mean', ...(opts.engine ? { engine: opts.engine } : {}), ...(opts.interactions ? { interactions: opts.interactions } : {}), runs: opts.exact ? 1000 : opts.permutations });
  const { nA, nB } = pair;
  const N = nA + nB;
  const nSmall = Math.min(nA, nB);
  const smallIsA = nA <= nB;
  const K = pair.paths.length;

  // observed: group A = pooled rows 0..nA-1
  const estA = newEstimates(K, pair.items.length), estB = newEstimates(K, pair.items.length);
  const obsRows = smallIsA ? Int32Array.from({ length: nA }, (_, r) => r) : Int32Array.from({ length: nB }, (_, r) => nA + r);
  try {
    pair.run(obsRows, nSmall, smallIsA, estA, estB);
  } catch (e) {
    throw new Error(`the estimate in the observed groups failed: ${(e as Error).message}`);
  }
  const a = estA.paths.slice(), b = estB.paths.slice();
  const obsDiff = Float64Array.from(a, (v, k) => v - b[k]!);

  const micom = opts.micom === false ? null : new MicomAccumulator(pair, micomBlocks(spec, pair.items), estA.weights, estB.weights);

  const total = exact ? binomial(N, nSmall) : opts.permutations;
  if (exact && total > (opts.maxAssignments ?? 1e6)) throw new Error(`exact enumeration: ${total} assignments exceed the limit of ${opts.maxAssignments ?? 1e6}`);
  const count = new Int32Array(K);
  const diffs = opts.keepDiffs ? new Float64Array(total * K) : undefined;
  let ok = 0, failed = 0;
  const rows = new Int32Array(nSmall);
  const step = (): void => {
    try {
      pair.run(rows, nSmall, smallIsA, estA, estB);
    } catch {
      failed++;
      return;
    }
    for (let k = 0; k < K; k++) {
      const d = estA.paths[k]! - estB.paths[k]!;
      if (atLeast(d, obsDiff[k]!)) count[k]++;
      if (diffs) diffs[ok * K + k] = d;
    }
    micom?.add(rows, nSmall, smallIsA, estA.weights, estB.weights);
    ok++;
  };

  if (exact) {
    // every k-subset of 0..N-1 in lexicographic order
    for (let i = 0; i < nSmall; i++) rows[i] = i;
    for (;;) {
      step();
      let i = nSmall - 1;
      while (i >= 0 && rows[i] === N - nSmall + i) i--;
      if (i < 0) break;
      rows[i]++;
      for (let j = i + 1; j < nSmall; j++) rows[j] = rows[j - 1]! + 1;
    }
  } else {
    const rng = new RRandom(opts.seed);
    const x = Int32Array.from({ length: N }, (_, r) => r);
    const js = new Int32Array(nSmall);
    for (let i = 1; i <= total; i++) {
      rng.setSeed(opts.seed + i);
      sampleWithoutReplacement(rng, N, nSmall, x, rows, js);
      step();
    }
  }
  if (ok === 0) throw new Error(`permutation test: every one of the ${total} permutations failed to estimate`);

  const paths = pair.paths.map((p, k) => ({
    from: p.from, to: p.to, a: a[k]!, b: b[k]!, diff: obsDiff[k]!,
    p: exact ? count[k]! / ok : (1 + count[k]!) / (1 + ok),
  }));
  return {
    paths, permutations: ok, failed, exact, nA, nB, seed: opts.seed, engine: pair.engine,
    ...(micom ? { micom: micomSummary(micom, alpha, exact) } : {}),
    ...(diffs ? { diffs: diffs.subarray(0, ok * K) } : {}),
  };
}

export type { GroupPair };
