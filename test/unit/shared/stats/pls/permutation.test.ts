// The permutation test of path differences and MICOM (shared/stats/pls/permutation.ts, micom.ts, group-pair.ts).
//  - Against R (test/fixtures/mga/mga.R → mga.json, seminr 2.3.1's estimate_pls on each group): R's own
//    sample.int draws, 40 permutations of mobi split by CUEX1 < 8 for the ECSI and the two-stage interaction model:
//    every permutation's path differences (measured max |ours - R| 6e-15), the p-values identical, the group
//    estimates, and MICOM's c, mean difference and log variance ratio (≤ 7e-15).
//  - The two engines (moments / gather) agree with each other and with estimatePls per group, with missing values,
//    and fail on the same permutations when an item is constant in a group (as estimatePls refuses it).
//  - Exact enumeration against a brute force over every assignment written here (estimatePls on each subset), and
//    the Monte-Carlo p converging to it.
//  - Type-I error at 5% in a simulation of two groups from one population, and power when they differ.
import { describe, expect, it } from 'vitest';
import { parsePlsModel } from '../../../../../shared/models/spec';
import { RRandom } from '../../../../../shared/stats/bootstrap/r-rng';
import { estimatePls } from '../../../../../shared/stats/pls';
import { permutationTest, sampleWithoutReplacement } from '../../../../../shared/stats/pls/permutation';
import { compositeCorrelation } from '../../../../../shared/stats/pls/micom';
import { selectRows, type DataTable } from '../../../../../shared/stats/table';
import { mulberry32 } from '../../../../helpers/random';
import { mgaFixture, MGA_MODELS, mgaSpec, mobiGroups } from './mga-fixture';

describe('sampleWithoutReplacement = R sample.int(n, k)', () => {
  it('draws what R 4.2.2 draws after set.seed(123 + i) (i = 1, 2; n = 250, k = 108) and restores its work array', () => {
    const rng = new RRandom(0);
    const x = Int32Array.from({ length: 250 }, (_, r) => r);
    const out = new Int32Array(108), js = new Int32Array(108);
    mgaFixture.sample_int_draws.forEach((draw, i) => {
      rng.setSeed(123 + i + 1);
      sampleWithoutReplacement(rng, 250, 108, x, out, js);
      expect(Array.from(out, (v) => v + 1)).toEqual(draw);
      expect(Array.from(x)).toEqual(Array.from({ length: 250 }, (_, r) => r));
    });
  });
});

describe.each(MGA_MODELS)('permutationTest reproduces R: %s', (file, key) => {
  const ref = mgaFixture[key];
  const { A, B } = mobiGroups();
  const spec = mgaSpec(file);
  const R = ref.permutation.permutations;

  // the moments engine with the two-stage terms from moment sums and from the rows (ECSI has none: same run twice)
  it.each([['moments', 'moments'], ['moments', 'rows'], ['gather', undefined]] as const)('%s engine (interactions: %s): group estimates, every permutation difference, p-values', (engine, interactions) => {
    const res = permutationTest(spec, A, B, { permutations: R, seed: ref.permutation.seed, keepDiffs: true, engine, ...(interactions ? { interactions } : {}) });
    expect(res.engine).toBe(engine);
    expect([res.nA, res.nB, res.permutations, res.failed]).toEqual([108, 142, R, 0]);
    const K = res.paths.length;
    let dev = 0;
    res.paths.forEach((p, k) => {
      dev = Math.max(dev, Math.abs(p.a - ref.groups.A.paths[k]!), Math.abs(p.b - ref.groups.B.paths[k]!), Math.abs(p.diff - ref.permutation.observed[k]!));
    });
    for (let i = 0; i < R; i++) for (let k = 0; k < K; k++) dev = Math.max(dev, Math.abs(res.diffs![i * K + k]! - ref.permutation.diffs[i]![k]!));
    expect(dev).toBeLessThan(1e-9);
    expect(res.paths.map((p) => Math.round(p.p * (R + 1)))).toEqual(ref.permutation.p.map((p) => Math.round(p * (R + 1))));
  });

  it('MICOM step 2 c and step 3 mean difference / log variance ratio equal R to 1e-9', () => {
    const res = permutationTest(spec, A, B, { permutations: 20, seed: 1 });
    const m = res.micom!;
    expect(m.compositional.map((c) => c.construct)).toEqual(Object.keys(ref.micom.c));
    for (const c of m.compositional) expect(Math.abs(c.c - ref.micom.c[c.construct]!)).toBeLessThan(1e-9);
    for (const x of m.means) expect(Math.abs(x.value - ref.micom.mean_diff[x.construct]!)).toBeLessThan(1e-9);
    for (const x of m.logVarianceRatios) expect(Math.abs(x.value - ref.micom.log_var_ratio[x.construct]!)).toBeLessThan(1e-9);
  });
});

describe('MICOM', () => {
  it('compositeCorrelation = cor of the two score vectors (by hand on a 2-item block)', () => {
    // P = [[1, .5], [.5, 1]], wa = (1, 0), wb = (0, 1): cor(x1, x2) = .5
    const P = Float64Array.from([1, 0.5, 0.5, 1]);
    const idx = Int32Array.from([0, 1]);
    expect(compositeCorrelation(P, 2, idx, Float64Array.from([1, 0]), Float64Array.from([0, 1]))).toBeCloseTo(0.5, 15);
    // wa = (1, 1), wb = (1, -1): cov = 1 - 1 + .5 - .5 = 0
    expect(compositeCorrelation(P, 2, idx, Float64Array.from([1, 1]), Float64Array.from([1, -1]))).toBeCloseTo(0, 15);
    // wa = (1, 1), wb = (2, 1): cov = wa'P wb = (1.5, 1.5)·(2, 1) = 4.5; var a = 3, var b = 4 + 1 + 2 = 7 → 4.5 / sqrt(21)
    expect(compositeCorrelation(P, 2, idx, Float64Array.from([1, 1]), Float64Array.from([2, 1]))).toBeCloseTo(4.5 / Math.sqrt(21), 15);
  });

  it('quantiles, p and verdicts follow from the permutation values (mobi ECSI, 199 permutations)', () => {
    const { A, B } = mobiGroups();
    const res = permutationTest(mgaSpec('mobi-ecsi'), A, B, { permutations: 199, seed: 7 });
    const m = res.micom!;
    expect(m.alpha).toBe(0.05);
    for (const c of m.compositional) {
      expect(c.c).toBeLessThanOrEqual(1 + 1e-12);
      expect(c.quantile).toBeLessThanOrEqual(1 + 1e-12);
      expect(c.invariant).toBe(c.c >= c.quantile);
      expect(c.p).toBeGreaterThanOrEqual(1 / 200);
    }
    for (const x of [...m.means, ...m.logVarianceRatios]) {
      expect(x.lower).toBeLessThan(x.upper);
      expect(x.equal).toBe(x.value >= x.lower && x.value <= x.upper);
    }
    // the split on an Expectation item shifts Expectation's mean: step 3 must see it
    const ex = m.means.find((x) => x.construct === 'Expectation')!;
    expect(ex.value).toBeLessThan(-1);
    expect(ex.p).toBe(1 / 200);
    expect(ex.equal).toBe(false);
  });
});

/** mobi with about 4% of the item cells missing (deterministic). */
function withMissing(t: DataTable, seed: number): DataTable {
  const rnd = mulberry32(seed);
  return { ...t, cols: t.cols.map((c) => c.map((v) => (rnd() < 0.04 ? NaN : v))) };
}

describe('engines', () => {
  const { A, B } = mobiGroups();
  for (const [file, label] of [['mobi-ecsi', 'ECSI'], ['mobi-two-stage', 'two-stage']] as const) {
    it(`agree with each other and with estimatePls per group, with missing values (${label}; A larger than B)`, () => {
      const spec = mgaSpec(file);
      // group A the larger one: the permuted (smaller) group is B
      const gA = withMissing(B, 11), gB = withMissing(A, 12);
      const g = permutationTest(spec, gA, gB, { permutations: 60, seed: 5, keepDiffs: true, engine: 'gather' });
      const ea = estimatePls(spec, gA).paths, eb = estimatePls(spec, gB).paths;
      for (const interactions of ['moments', 'rows'] as const) {
        const m = permutationTest(spec, gA, gB, { permutations: 60, seed: 5, keepDiffs: true, engine: 'moments', interactions });
        m.paths.forEach((p, k) => {
          expect(Math.abs(p.a - ea[k]!.estimate)).toBeLessThan(1e-12);
          expect(Math.abs(p.b - eb[k]!.estimate)).toBeLessThan(1e-12);
          expect(Math.abs(p.a - g.paths[k]!.a)).toBeLessThan(1e-12);
          expect(p.p).toBe(g.paths[k]!.p);
        });
        let dev = 0;
        m.diffs!.forEach((d, i) => { dev = Math.max(dev, Math.abs(d - g.diffs![i]!)); });
        expect(dev).toBeLessThan(1e-10);
        m.micom!.compositional.forEach((c, k) => expect(Math.abs(c.c - g.micom!.compositional[k]!.c)).toBeLessThan(1e-10));
        m.micom!.means.forEach((c, k) => expect(Math.abs(c.value - g.micom!.means[k]!.value)).toBeLessThan(1e-10));
      }
    });
  }

  // Survey items (whole numbers) take the exact integer sums (count-moments.ts); halves keep the floating-point ones.
  for (const [file, label] of [['mobi-ecsi', 'ECSI'], ['mobi-two-stage', 'two-stage']] as const) {
    it(`agree on values that are not whole numbers: the floating-point moment sums (${label})`, () => {
      const spec = mgaSpec(file);
      const { A, B } = mobiGroups();
      const halves = (t: DataTable) => ({ ...t, cols: t.cols.map((c) => c.map((v) => v + 0.5)) });
      const gA = withMissing(halves(A), 13), gB = withMissing(halves(B), 14);
      const g = permutationTest(spec, gA, gB, { permutations: 40, seed: 6, keepDiffs: true, engine: 'gather' });
      const m = permutationTest(spec, gA, gB, { permutations: 40, seed: 6, keepDiffs: true, engine: 'moments' });
      let dev = 0;
      m.diffs!.forEach((d, i) => { dev = Math.max(dev, Math.abs(d - g.diffs![i]!)); });
      expect(dev).toBeLessThan(1e-10);
      m.paths.forEach((p, k) => expect(p.p).toBe(g.paths[k]!.p));
    });
  }

  it('agree for a product-indicator interaction (rows path) and for group B the smaller one', () => {
    const base = mgaSpec('mobi-two-stage');
    const spec = parsePlsModel({ ...base, interactions: base.interactions.map((i) => ({ ...i, method: 'product-indicator' })) }, 'pi');
    const gA = withMissing(B, 31), gB = withMissing(A, 32);
    const m = permutationTest(spec, gA, gB, { permutations: 30, seed: 2, keepDiffs: true, engine: 'moments' });
    const g = permutationTest(spec, gA, gB, { permutations: 30, seed: 2, keepDiffs: true, engine: 'gather' });
    const ea = estimatePls(spec, gA).paths;
    m.paths.forEach((p, k) => {
      expect(Math.abs(p.a - ea[k]!.estimate)).toBeLessThan(1e-12);
      expect(p.p).toBe(g.paths[k]!.p);
    });
    let dev = 0;
    m.diffs!.forEach((d, i) => { dev = Math.max(dev, Math.abs(d - g.diffs![i]!)); });
    expect(dev).toBeLessThan(1e-10);
  });

  it('reflective (PLSc) and higher-order models use the gather engine: group estimates = estimatePls per group', () => {
    const base = mgaSpec('mobi-ecsi');
    const reflective = parsePlsModel({ ...base, constructs: { ...base.constructs, Image: { ...base.constructs.Image!, type: 'reflective' } } }, 'plsc');
    const hoc = parsePlsModel({
      constructs: { IMA: { items: ['IMAG1', 'IMAG2', 'IMAG3'] }, IMB: { items: ['IMAG4', 'IMAG5'] }, Satisfaction: base.constructs.Satisfaction!, Loyalty: base.constructs.Loyalty! },
      higherOrder: [{ name: 'IM', dimensions: ['IMA', 'IMB'] }],
      paths: [{ from: 'IM', to: 'Satisfaction' }, { from: 'Satisfaction', to: 'Loyalty' }, { from: 'IM', to: 'Loyalty' }],
    }, 'hoc');
    for (const spec of [reflective, hoc]) {
      const res = permutationTest(spec, A, B, { permutations: 10, seed: 1 });
      expect(res.engine).toBe('gather');
      expect(res.failed).toBe(0);
      const ea = estimatePls(spec, A).paths, eb = estimatePls(spec, B).paths;
      res.paths.forEach((p, k) => {
        expect(Math.abs(p.a - ea[k]!.estimate)).toBeLessThan(1e-12);
        expect(Math.abs(p.b - eb[k]!.estimate)).toBeLessThan(1e-12);
      });
    }
  });

  it('listwise deletion drops each group\'s incomplete rows before pooling', () => {
    const spec = mgaSpec('mobi-ecsi');
    const gA = withMissing(A, 21), gB = withMissing(B, 22);
    const res = permutationTest(spec, gA, gB, { permutations: 10, seed: 1, pls: { missing: 'listwise' } });
    const ea = estimatePls(spec, gA, { missing: 'listwise' }), eb = estimatePls(spec, gB, { missing: 'listwise' });
    expect([res.nA, res.nB]).toEqual([ea.n, eb.n]);
    expect(res.nA).toBeLessThan(A.n);
    res.paths.forEach((p, k) => {
      expect(Math.abs(p.a - ea.paths[k]!.estimate)).toBeLessThan(1e-12);
      expect(Math.abs(p.b - eb.paths[k]!.estimate)).toBeLessThan(1e-12);
    });
  });

  it('a group too small to estimate is a clear error; so are bad options', () => {
    const spec = mgaSpec('mobi-ecsi');
    expect(() => permutationTest(spec, selectRows(A, [0, 1]), B, { permutations: 10, seed: 1 })).toThrow(/observed groups failed: only 2 rows/);
    expect(() => permutationTest(spec, A, B, { permutations: 0, seed: 1 })).toThrow(/permutations must be a positive integer/);
    expect(() => permutationTest(spec, A, B, { permutations: 10, seed: 1.5 })).toThrow(/seed must be an integer/);
    expect(() => permutationTest(spec, A, B, { permutations: 10, seed: 1, exact: true })).toThrow(/exceed the limit/);
  });
});

// ---- an item constant within a group --------------------------------------------------------------------------

/** t with item `name`'s value on row r replaced by f(r, old value). */
function setItem(t: DataTable, name: string, f: (r: number, old: number) => number): DataTable {
  const j = t.names.indexOf(name);
  return { ...t, cols: t.cols.map((c, k) => (k === j ? c.map((v, r) => f(r, v)) : c)) };
}

describe('an item constant within a group fails in both engines, as estimatePls does', () => {
  const { A, B } = mobiGroups();
  const spec = mgaSpec('mobi-ecsi');
  const engines = ['moments', 'gather'] as const;

  // The moments engine's variance of a constant item is rounding noise (~1e-16) from the one-pass sums, so it once
  // standardized by noise where estimatePls and the gather engine refuse; it now counts distinct values.
  it('in the observed groups (the summed smaller group A, or the complement B; with missing cells too): the same error', () => {
    const seven = (_: number, v: number) => (v === v ? 7 : v);
    for (const [gA, gB] of [
      [setItem(A, 'IMAG1', () => 7), B],
      [A, setItem(B, 'IMAG1', () => 7)],
      [withMissing(A, 41), setItem(withMissing(B, 42), 'IMAG1', seven)], // mean replacement keeps it constant
      [selectRows(A, [...Array(20).keys()]), setItem(selectRows(B, [...Array(20).keys()]), 'IMAG1', () => 7)], // 40 rows, as the review found
    ] as const) {
      const constant = gA.cols[gA.names.indexOf('IMAG1')]!.every((v) => v !== v || v === 7) ? gA : gB;
      expect(() => estimatePls(spec, constant)).toThrow(/item 'IMAG1' has zero variance/);
      for (const engine of engines) {
        expect(() => permutationTest(spec, gA, gB, { permutations: 10, seed: 1, engine })).toThrow(/observed groups failed: .*item 'IMAG1' has zero variance/);
      }
    }
  });

  it('over permutations: the same permutations fail in both engines, exactly those leaving a group constant', () => {
    // IMAG1 = 7 except 1 on 3 rows (one in A, two in B), some cells missing: a permuted group is constant in IMAG1
    // iff it holds none of the 3 rows (about 18% of draws for the 108-row group, 8% for the 142-row one): 45 of 150.
    // (The old `variance > 0` check failed 4 of them: the noise variance of the rest was positive.)
    const odd = new Map([[5, 1], [A.n + 10, 1], [A.n + 100, 1]]);
    const pooled = { A: withMissing(A, 51), B: withMissing(B, 52) };
    const fix = (off: number) => (r: number, v: number) => (odd.has(off + r) ? odd.get(off + r)! : v === v ? 7 : v);
    const gA = setItem(pooled.A, 'IMAG1', fix(0)), gB = setItem(pooled.B, 'IMAG1', fix(A.n));
    for (const [r, v] of odd) expect((r < A.n ? gA : gB).cols[gA.names.indexOf('IMAG1')]![r < A.n ? r : r - A.n]).toBe(v);
    const R = 150, seed = 9;
    // the draws the test makes (R's sample.int after set.seed(seed + i)): group A = the 108 drawn rows
    const rng = new RRandom(0);
    const N = A.n + B.n, x = Int32Array.from({ length: N }, (_, r) => r), rows = new Int32Array(A.n), js = new Int32Array(A.n);
    let constantDraws = 0;
    for (let i = 1; i <= R; i++) {
      rng.setSeed(seed + i);
      sampleWithoutReplacement(rng, N, A.n, x, rows, js);
      const inA = [...odd.keys()].filter((r) => rows.includes(r)).length;
      if (inA === 0 || inA === odd.size) constantDraws++;
    }
    expect(constantDraws).toBe(45);
    const [m, g] = engines.map((engine) => permutationTest(spec, gA, gB, { permutations: R, seed, keepDiffs: true, engine }));
    expect([m!.engine, g!.engine]).toEqual(['moments', 'gather']);
    expect(m!.failed).toBe(constantDraws);
    expect(g!.failed).toBe(constantDraws);
    expect(m!.permutations).toBe(R - constantDraws);
    let dev = 0;
    m!.diffs!.forEach((d, i) => { dev = Math.max(dev, Math.abs(d - g!.diffs![i]!)); });
    expect(dev).toBeLessThan(1e-10);
    m!.paths.forEach((p, k) => expect(p.p).toBe(g!.paths[k]!.p));
  });
});

// ---- exact enumeration and simulations on small models ---------------------------------------------------------

const chain = parsePlsModel({
  constructs: { X: { items: ['x1', 'x2'] }, M: { items: ['m1', 'm2'] }, Y: { items: ['y1', 'y2'] } },
  paths: [{ from: 'X', to: 'M' }, { from: 'M', to: 'Y' }, { from: 'X', to: 'Y' }],
}, 'chain');

/** n rows of the chain model: X → M (beta) → Y, two items per construct (loadings .8), standard normal errors. */
function simulate(rnd: () => number, n: number, beta = 0.4, itemsPer = 2): DataTable {
  const normal = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const names: string[] = [];
  for (const c of ['x', 'm', 'y']) for (let j = 1; j <= itemsPer; j++) names.push(`${c}${j}`);
  const cols = names.map(() => new Float64Array(n));
  for (let r = 0; r < n; r++) {
    const x = normal();
    const m = beta * x + Math.sqrt(1 - beta * beta) * normal();
    const y = 0.3 * m + 0.2 * x + 0.9 * normal();
    [x, m, y].forEach((eta, c) => {
      for (let j = 0; j < itemsPer; j++) cols[c * itemsPer + j]![r] = 0.8 * eta + 0.6 * normal();
    });
  }
  return { names, cols, n };
}

/** Every k-subset of 0..n-1 (recursive, independent of the library's enumeration). */
function subsets(n: number, k: number): number[][] {
  if (k === 0) return [[]];
  if (n < k) return [];
  return [...subsets(n - 1, k), ...subsets(n - 1, k - 1).map((s) => [...s, n - 1])];
}

function bruteForceP(spec: typeof chain, pooled: DataTable, nA: number): number[] {
  const N = pooled.n;
  const est = (rows: number[]) => estimatePls(spec, selectRows(pooled, rows)).paths.map((p) => p.estimate);
  const diff = (aRows: number[]) => {
    const inA = new Set(aRows);
    const bRows = [...Array(N).keys()].filter((r) => !inA.has(r));
    const a = est(aRows), b = est(bRows);
    return a.map((v, k) => v - b[k]!);
  };
  const obs = diff([...Array(nA).keys()]);
  const all = subsets(N, nA);
  const hits = obs.map(() => 0);
  for (const s of all) {
    const d = diff(s);
    // the documented tie rule: >= within 1e-7 relative (at least 1e-7 absolute)
    d.forEach((v, k) => { if (Math.abs(v) >= Math.abs(obs[k]!) - 1e-7 * Math.max(1, Math.abs(obs[k]!))) hits[k]++; });
  }
  return hits.map((h) => h / all.length);
}

describe('exact enumeration', () => {
  for (const [nA, nB] of [[5, 5], [4, 7]] as const) {
    it(`equals a brute force over all C(${nA + nB}, ${nA}) assignments; Monte Carlo converges to it`, () => {
      const pooled = simulate(mulberry32(100 + nA), nA + nB);
      const A = selectRows(pooled, [...Array(nA).keys()]);
      const B = selectRows(pooled, [...Array(nB).keys()].map((r) => nA + r));
      const exact = permutationTest(chain, A, B, { permutations: 1, seed: 1, exact: true, micom: false });
      const brute = bruteForceP(chain, pooled, nA);
      const total = nA === 5 ? 252 : 330;
      expect(exact.permutations + exact.failed).toBe(total);
      expect(exact.failed).toBe(0);
      expect(exact.paths.map((p) => Math.round(p.p * total))).toEqual(brute.map((p) => Math.round(p * total)));
      // the observed assignment is one of them: p >= 1/total (and with equal groups its mirror too)
      for (const p of exact.paths) expect(p.p).toBeGreaterThanOrEqual((nA === nB ? 2 : 1) / total);
      const R = 20000;
      const mc = permutationTest(chain, A, B, { permutations: R, seed: 3, micom: false });
      mc.paths.forEach((p, k) => {
        const pe = exact.paths[k]!.p;
        expect(Math.abs(p.p - pe)).toBeLessThan(4 * Math.sqrt((pe * (1 - pe)) / R) + 2 / R);
      });
      // at least one path with a p well inside (0, 1), so the comparison means something
      expect(exact.paths.some((p) => p.p > 0.1 && p.p < 0.9)).toBe(true);
    });
  }
});

describe('type-I error and power', () => {
  // 400 data sets, groups of 30 and 50 from one population, 199 permutations each: with p = (1 + b) / (1 + 199),
  // P(p <= .05) = P(b <= 9) = 10 / 200 = .05 exactly under exchangeability, so each path's rejection count is
  // Binomial(400, .05): sd of the rate 0.0109. Tolerance: 3 sd per path ([0.017, 0.083]) and for the rate over
  // the 3 paths (correlated; its sd is at most that of one path). Measured rates are printed.
  it('rejects about 5% of true null hypotheses at alpha = .05 (400 data sets x 199 permutations)', () => {
    const D = 400, R = 199;
    const rnd = mulberry32(2026);
    const rejections = [0, 0, 0];
    for (let d = 0; d < D; d++) {
      const A = simulate(rnd, 30, 0.4, 3), B = simulate(rnd, 50, 0.4, 3);
      const res = permutationTest(chain3, A, B, { permutations: R, seed: d, micom: false });
      res.paths.forEach((p, k) => { if (p.p <= 0.05) rejections[k]!++; });
    }
    const rates = rejections.map((r) => r / D);
    const pooledRate = rejections.reduce((a, b) => a + b, 0) / (3 * D);
    console.info(`[permutation type-I] rejection rates per path ${rates.join(', ')}; over paths ${pooledRate}`);
    for (const r of rates) expect(Math.abs(r - 0.05)).toBeLessThan(3 * 0.0109);
    expect(Math.abs(pooledRate - 0.05)).toBeLessThan(3 * 0.0109);
  });

  it('detects a real difference (X -> M: 0.7 vs 0.0, groups of 60): rejection rate > 0.8', () => {
    const rnd = mulberry32(77);
    let rej = 0;
    const D = 30;
    for (let d = 0; d < D; d++) {
      const res = permutationTest(chain3, simulate(rnd, 60, 0.7, 3), simulate(rnd, 60, 0.0, 3), { permutations: 99, seed: d, micom: false });
      if (res.paths[0]!.p <= 0.05) rej++;
    }
    expect(rej / D).toBeGreaterThan(0.8);
  });
});

const chain3 = parsePlsModel({
  constructs: { X: { items: ['x1', 'x2', 'x3'] }, M: { items: ['m1', 'm2', 'm3'] }, Y: { items: ['y1', 'y2', 'y3'] } },
  paths: [{ from: 'X', to: 'M' }, { from: 'M', to: 'Y' }, { from: 'X', to: 'Y' }],
}, 'chain3');
