// Estimates a model in two groups of one pooled table, for the permutation test and MICOM (permutation.ts): group A
// = given rows, group B = the others (or the reverse), returning each group's path coefficients and outer weights.
//
// Two engines give the same figures (to rounding; test/unit/shared/stats/pls/permutation.test.ts):
//  - moments (composite models without survey weights, the usual case): each group's item correlation matrix from
//    additive moment sums (group-moments.ts), summed over the smaller group's rows only, the other's = total - it;
//    then seminr's iteration on the two matrices. Cost per call O(min(nA, nB) P²) + two fits on P x P matrices.
//    Survey items (small whole numbers) have the smaller group's sums computed exactly by the bootstrap's integer
//    kernel (count-moments.ts rowSums: the same O(min(nA, nB) P²) in SIMD integer work, several times less).
//    Interaction terms: two-stage ones from third/fourth moment sums over the smaller group (group-interaction.ts,
//    O(min(nA, nB) x opsPerRow)) or from the scores of both groups' rows (O((nA + nB)(|I| + |M| + P))), whichever costs less;
//    product-indicator and orthogonal ones from the rows.
//  - gather (anything createPlsEstimator estimates: reflective constructs, higher-order constructs, survey weights):
//    copies both groups' rows and estimates each from its table, O((nA + nB) P²) per call.
import type { PlsModelSpec } from '../../models/spec';
import type { DataTable } from '../table';
import { compileModel, type CompiledModel } from './compile';
import { fitModel, makeFitPlan, STAGE1_MAX_ITER, STAGE1_STOP, type FitPlan } from './fit';
import { iterateWeights } from './algorithm';
import { interactionCorrelations, interactionFromRows, interactionMoments, sumInteractionRows, workSize } from './group-interaction';
import { correlationFromSums, emptySums, poolItems, subtractSums, sumRows, type MomentSums, type PooledItems } from './group-moments';
import { countMoments, distinctFromExactSums, type CountMoments } from '../count-moments';
import type { Prepared } from './prepare';
import { createPlsEstimator } from './index';
import { resolveSettings } from './settings';
import type { IterationSettings } from './algorithm';
import type { PlsEstimator, PlsOptions } from './types';

export interface GroupEstimates {
  /** Path coefficients in spec.paths order. */
  paths: Float64Array;
  /** Outer weights of the pooled columns (`items`), NaN for a column the model gives no weight. */
  weights: Float64Array;
}

export interface GroupPair {
  readonly engine: 'moments' | 'gather';
  readonly paths: readonly { from: string; to: string }[];
  /** The pooled columns (the model's measured items). */
  readonly items: readonly string[];
  readonly nA: number;
  readonly nB: number;
  /** Pooled rows: group A's rows, then group B's, as moment data (also used by MICOM). */
  readonly pool: PooledItems;
  /** Sums over every pooled row. */
  readonly total: MomentSums;
  /**
   * Estimates both groups when the rows rows[0..count) (0-based pooled rows, 0..nA-1 = group A's own) form group A
   * (smallIsA) or group B, the remaining rows the other group. Throws when either estimate fails.
   */
  run(rows: Int32Array, count: number, smallIsA: boolean, a: GroupEstimates, b: GroupEstimates): void;
  /** The estimate on all pooled rows. */
  runPooled(out: GroupEstimates): void;
}

/** Spec features only createPlsEstimator handles (the moments engine reimplements the plain composite fit). */
function needsGather(spec: PlsModelSpec, A: DataTable, B: DataTable): boolean {
  const reflective = Object.values(spec.constructs).some((c) => c.type === 'reflective');
  const weighted = (t: DataTable) => !!t.weights && t.weights.some((w) => w !== 1);
  return reflective || (spec.higherOrder?.length ?? 0) > 0 || weighted(A) || weighted(B);
}

export function newEstimates(nPaths: number, nItems: number): GroupEstimates {
  return { paths: new Float64Array(nPaths), weights: new Float64Array(nItems) };
}

export function createGroupPair(
  spec: PlsModelSpec, A: DataTable, B: DataTable, opts: PlsOptions & { engine?: 'moments' | 'gather'; interactions?: 'moments' | 'rows'; runs?: number } = {},
): GroupPair {
  const gather = opts.engine === 'gather' || needsGather(spec, A, B);
  if (opts.engine === 'moments' && gather) throw new Error('the moments engine handles composite models without survey weights only');
  let items: string[];
  let model: CompiledModel | null = null;
  if (gather) {
    items = [...new Set(Object.values(spec.constructs).flatMap((c) => c.items))];
  } else {
    model = compileModel(spec);
    items = model.items.slice(0, model.p0);
  }
  const nA = A.n, nB = B.n, N = nA + nB;
  const colsOf = (t: DataTable, what: string) => items.map((it) => {
    const j = t.names.indexOf(it);
    if (j < 0) throw new Error(`${what}: column '${it}' (an item of the model) not found`);
    return t.cols[j]!;
  });
  const ca = colsOf(A, 'group A'), cb = colsOf(B, 'group B');
  const pooledCols = items.map((_, i) => {
    const c = new Float64Array(N);
    c.set(ca[i]!.subarray(0, nA), 0);
    c.set(cb[i]!.subarray(0, nB), nA);
    return c;
  });
  const pool = poolItems(pooledCols, N);
  const total = emptySums(items.length, pool.obs !== null);
  const all = Int32Array.from({ length: N }, (_, r) => r);
  sumRows(pool, all, N, total);
  // survey items (small whole numbers): each permuted group's sums exactly, by the bootstrap's integer kernel
  const counts = gather ? null : countMoments(pooledCols, N);
  const paths = spec.paths.map((p) => ({ from: p.from, to: p.to }));
  const base = { paths, items, nA, nB, pool, total };
  if (gather) {
    const weights = A.weights || B.weights
      ? (() => { const w = new Float64Array(N).fill(1); if (A.weights) w.set(A.weights, 0); if (B.weights) w.set(B.weights, nA); return w; })()
      : null;
    return { ...base, engine: 'gather', ...gatherEngine(spec, opts, items, pooledCols, weights, nA, nB, all) };
  }
  return { ...base, engine: 'moments', ...momentsEngine(model!, resolveSettings(spec, opts), pool, total, nA, nB, all, counts, opts.interactions, opts.runs) };
}

type Runs = Pick<GroupPair, 'run' | 'runPooled'>;

/** Marks rows[0..count) in flags and lists the other rows in ascending order into rest; returns how many. */
function complement(rows: Int32Array, count: number, N: number, flags: Uint8Array, rest: Int32Array): number {
  flags.fill(0);
  for (let k = 0; k < count; k++) flags[rows[k]!] = 1;
  let m = 0;
  for (let r = 0; r < N; r++) if (!flags[r]) rest[m++] = r;
  return m;
}

function gatherEngine(
  spec: PlsModelSpec, opts: PlsOptions, items: string[], pooledCols: Float64Array[], weights: Float64Array | null,
  nA: number, nB: number, all: Int32Array,
): Runs {
  const N = nA + nB;
  const plsOpts: PlsOptions = { ...(opts.missing ? { missing: opts.missing } : {}), ...(opts.maxIter !== undefined ? { maxIter: opts.maxIter } : {}), ...(opts.stopCriterion !== undefined ? { stopCriterion: opts.stopCriterion } : {}) };
  // one estimator per group size, so each keeps buffers of its size
  const estA = createPlsEstimator(spec, plsOpts), estB = createPlsEstimator(spec, plsOpts), estP = createPlsEstimator(spec, plsOpts);
  const layout = estA.layout;
  const pathIdx = spec.paths.map((p) => layout.findIndex((l) => l.kind === 'path' && l.from === p.from && l.to === p.to));
  const weightIdx = items.map((it) => layout.findIndex((l) => l.kind === 'weight' && l.from === it));
  const names = items; // one names array per table shape, so the estimators' column caches hold
  const tableOf = (n: number) => ({
    names, n, cols: items.map(() => new Float64Array(n)), ...(weights ? { weights: new Float64Array(n) } : {}),
  });
  const tA = tableOf(nA), tB = tableOf(nB);
  const flags = new Uint8Array(N);
  const rest = new Int32Array(N);
  const fill = (t: { cols: Float64Array[]; weights?: Float64Array }, rows: Int32Array, count: number) => {
    for (let i = 0; i < items.length; i++) {
      const src = pooledCols[i]!, dst = t.cols[i]!;
      for (let k = 0; k < count; k++) dst[k] = src[rows[k]!]!;
    }
    if (weights) for (let k = 0; k < count; k++) t.weights![k] = weights[rows[k]!]!;
  };
  const extract = (est: PlsEstimator, t: DataTable, out: GroupEstimates) => {
    const v = est.estimate(t);
    pathIdx.forEach((x, k) => { out.paths[k] = v[x]!; });
    weightIdx.forEach((x, k) => { out.weights[k] = x >= 0 ? v[x]! : NaN; });
  };
  const pooled: DataTable = { names, n: N, cols: pooledCols, ...(weights ? { weights } : {}) };
  return {
    run(rows, count, smallIsA, a, b) {
      // rows in ascending order, as the group's own table has them
      const sorted = rows.slice(0, count).sort();
      const m = complement(sorted, count, N, flags, rest);
      fill(smallIsA ? tA : tB, sorted, count);
      fill(smallIsA ? tB : tA, rest, m);
      extract(estA, tA, a);
      extract(estB, tB, b);
    },
    runPooled(out) {
      void all;
      extract(estP, pooled, out);
    },
  };
}

function momentsEngine(
  model: CompiledModel, set: IterationSettings & { missing: 'mean' | 'listwise' }, pool: PooledItems, total: MomentSums,
  nA: number, nB: number, all: Int32Array, counts: CountMoments | null, interactions?: 'moments' | 'rows', runs = 1000,
): Runs {
  if (set.missing === 'listwise' && pool.obs) {
    throw new Error('listwise deletion: drop the incomplete rows before pooling (permutationTest does)');
  }
  const N = nA + nB, p = model.p0, P = model.items.length;
  // Two-stage interaction terms (group-interaction.ts) from third and fourth moment sums over the smaller group
  // (about opsPerRow per row of the smaller group per run, and per pooled row once) or from each group's own rows
  // (about |I| + |M| + d per row of both groups per run): the cheaper for the expected number of runs, unless the
  // caller says which. Product-indicator and orthogonal terms from the standardized rows of both groups.
  const im = model.interactions.length > 0 && model.interactions.every((ci) => ci.method === 'two-stage') ? interactionMoments(model, pool) : null;
  let direct = false;
  if (im) {
    const directOps = N * im.terms.reduce((s, t) => s + t.I.length + t.M.length + im.d, 0);
    direct = interactions === 'rows' || (interactions === undefined && (N + runs * Math.min(nA, nB)) * im.opsPerRow > runs * directOps);
  }
  const withRows = model.interactions.length > 0 && !im;
  const groupRows = withRows || direct;
  const imTotal = im && !direct ? new Float64Array(im.size) : null;
  const imWork = im && !direct ? new Float64Array(workSize(im)) : new Float64Array(0);
  if (imTotal) sumInteractionRows(im!, all, N, imTotal, imWork);
  const itemName = (i: number) => model.items[i]!;
  // The count route's sums are of the raw values (exact); the others of the values centred by pool.centre.
  const rawTotal = counts ? emptySums(p, counts.missing) : null;
  if (rawTotal) counts!.sums(new Float64Array(N).fill(1), rawTotal);
  interface Side { plan: FitPlan; noInt: FitPlan; prep: Prepared; sums: MomentSums; raw: boolean; rows: Int32Array; im: Float64Array | null }
  const side = (n: number): Side => {
    const plan = makeFitPlan(model, model.paths);
    return {
      plan,
      // the main fit once the interaction items' correlations are in S (their scores rescaled afterwards)
      noInt: { ...plan, ints: [], stage1: null },
      prep: {
        n, N: n, P, X: new Float64Array(withRows ? n * P : 0), S: new Float64Array(P * P), means: new Float64Array(P), sds: new Float64Array(P),
        missing: { method: 'mean', cellsMissing: 0, share: 0, rowsDropped: 0, perItem: {} },
      },
      sums: emptySums(p, pool.obs !== null),
      raw: counts !== null,
      rows: new Int32Array(groupRows ? n : 0),
      im: imTotal ? new Float64Array(im!.size) : null,
    };
  };
  const sA = side(nA), sB = side(nB), sP = side(0);
  sP.prep.n = sP.prep.N = N;
  sP.sums = total;
  sP.raw = false;
  sP.im = imTotal;
  const flags = new Uint8Array(N);
  const isInt = new Uint8Array(model.constructs.length);
  for (const ci of model.interactions) isInt[ci.construct] = 1;

  const fit = (s: Side, out: GroupEstimates) => {
    const { prep } = s;
    correlationFromSums(s.sums, p, prep.S, P, prep.means, prep.sds, itemName);
    if (s.raw) for (let i = 0; i < p; i++) prep.means[i] = prep.means[i]! - pool.centre[i]!; // centred units, as below
    if (im) {
      const st1 = s.plan.stage1!;
      iterateWeights(st1, prep.S, { scheme: set.scheme, maxIter: STAGE1_MAX_ITER, stop: STAGE1_STOP });
      if (direct) interactionFromRows(im, s.rows, prep.n, st1.w, prep.means, prep.sds, p, prep.S, P, prep.means, prep.sds);
      else interactionCorrelations(im, s.im!, prep.n, st1.w, prep.means, prep.sds, p, prep.S, P, prep.means, prep.sds, imWork);
    } else if (withRows) {
      const { x, obs } = pool;
      const n = prep.n;
      for (let i = 0; i < p; i++) {
        const m = prep.means[i]!, inv = 1 / prep.sds[i]!, o = i * n;
        for (let k = 0; k < n; k++) {
          const q = s.rows[k]! * p + i;
          prep.X[o + k] = obs && !obs[q] ? 0 : (x[q]! - m) * inv;
        }
      }
    }
    for (let i = 0; i < p; i++) prep.means[i] = prep.means[i]! + pool.centre[i]!;
    const f = fitModel(im ? s.noInt : s.plan, prep, set);
    const Ka = f.Ka;
    // seminr's adjust_interaction: the two-stage score is the centred product, sd(q) times the standardized one,
    // so its path coefficients are the standardized ones divided by sd(q) (the other coefficients do not change)
    model.paths.forEach(([from, to], k) => {
      out.paths[k] = im && isInt[from] ? f.B[from * Ka + to]! / prep.sds[model.start[from]!]! : f.B[from * Ka + to]!;
    });
    for (let i = 0; i < p; i++) out.weights[i] = f.w[i]!;
  };

  return {
    run(rows, count, smallIsA, a, b) {
      const small = smallIsA ? sA : sB, large = smallIsA ? sB : sA;
      if (counts) {
        counts.rowSums(rows, count, small.sums);
        subtractSums(rawTotal!, small.sums, large.sums);
        distinctFromExactSums(large.sums);
      } else {
        sumRows(pool, rows, count, small.sums);
        subtractSums(total, small.sums, large.sums);
      }
      if (imTotal) {
        sumInteractionRows(im!, rows, count, small.im!, imWork);
        const t = imTotal!, sm = small.im!, lg = large.im!;
        for (let q = 0; q < t.length; q++) lg[q] = t[q]! - sm[q]!;
      }
      if (groupRows) {
        for (let k = 0; k < count; k++) small.rows[k] = rows[k]!;
        complement(rows, count, N, flags, large.rows);
      }
      fit(sA, a);
      fit(sB, b);
    },
    runPooled(out) {
      if (groupRows) sP.rows = all;
      if (withRows) sP.prep.X = new Float64Array(N * P);
      fit(sP, out);
    },
  };
}
