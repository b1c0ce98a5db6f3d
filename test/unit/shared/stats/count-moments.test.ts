// The bootstrap's count route (shared/stats/count-moments.ts, its WebAssembly kernels wasm/count-gram.wat and
// wasm/f64-columns.wat, and PlsEstimator.byCounts): exact integer moment sums from row counts, and resample estimates equal to the gather
// route's (estimate() on the drawn rows) to rounding, with missing cells, listwise deletion, two-stage terms, a
// constant item in some resamples, and the unit's indices.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileWat, moduleFileOf, moduleSource, WASM_DIR } from '../../../../scripts/build-wasm.mjs';
import { countMoments } from '../../../../shared/stats/count-moments';
import { columnSpace } from '../../../../shared/stats/f64-columns';
import { emptySums, type MomentSums } from '../../../../shared/stats/pls/group-moments';
import { bootstrapPls } from '../../../../shared/stats/bootstrap/driver';
import { createPlsEstimator } from '../../../../shared/stats/pls';
import type { PlsEstimator } from '../../../../shared/stats/pls/types';
import { createUnitEstimator, type IndexPlan } from '../../../../shared/assess/unit-estimator';
import type { DataTable } from '../../../../shared/stats/table';
import { loadReference } from '../../../helpers/reference';
import { mulberry32 } from '../../../helpers/random';

describe('the WebAssembly kernels', () => {
  for (const name of ['count-gram', 'f64-columns']) {
    it(`the committed bytes are those scripts/build-wasm.mjs compiles from ${name}.wat`, async () => {
      const wat = path.join(WASM_DIR, `${name}.wat`);
      const bytes = await compileWat(wat);
      expect(readFileSync(moduleFileOf(wat), 'utf8')).toBe(moduleSource(wat, bytes));
    });
  }

  it('f64-columns: axpy, product3 and dots4 on an odd number of rows (the padding row stays out)', () => {
    const rand = mulberry32(3);
    const n = 37;
    const cs = columnSpace(6, n);
    expect(cs.rows).toBe(38);
    const cols = [0, 1, 2, 3].map((j) => { const c = cs.column(j); for (let r = 0; r < n; r++) c[r] = rand() * 4 - 2; return Float64Array.from(c.subarray(0, n)); });
    cs.axpy(0.75, 0, 1);
    cols[1] = cols[1]!.map((v, r) => v + 0.75 * cols[0]![r]!);
    cs.product3(0, 1, 2, 4);
    const q = cols[0]!.map((v, r) => v * cols[1]![r]! * cols[2]![r]!);
    const out = new Float64Array(4);
    cs.dots4(4, 0, 1, 2, 3, out);
    cols.forEach((c, j) => {
      const want = c.reduce((s, v, r) => s + v * q[r]!, 0);
      expect(Math.abs(out[j]! - want)).toBeLessThan(1e-12 * Math.max(1, Math.abs(want)));
    });
    expect(cs.column(4)[n]).toBe(0);
  });
});

/** The sums by their definition, row by row in doubles (exact for these whole numbers). */
function naiveSums(cols: Float64Array[], rows: number[], counts: ArrayLike<number>): MomentSums {
  const p = cols.length;
  const miss = cols.some((c) => rows.some((r) => c[r] !== c[r]));
  const s = emptySums(p, miss);
  const x = (i: number, r: number) => (cols[i]![r] === cols[i]![r] ? cols[i]![r]! : 0);
  const o = (i: number, r: number) => (cols[i]![r] === cols[i]![r] ? 1 : 0);
  for (const r of rows) {
    const c = counts[r]!;
    s.n += c;
    for (let i = 0; i < p; i++) {
      s.sx[i] += c * x(i, r);
      if (miss) s.so[i] += c * o(i, r);
      for (let j = 0; j <= i; j++) {
        s.xx[i * p + j] += c * x(i, r) * x(j, r);
        if (miss) s.oo[i * p + j] += c * o(i, r) * o(j, r);
      }
      if (miss) for (let j = 0; j < p; j++) s.xo[i * p + j] += c * x(i, r) * o(j, r);
    }
  }
  for (let i = 0; i < p; i++) {
    const vals = new Set(rows.filter((r) => counts[r]! > 0 && o(i, r)).map((r) => x(i, r)));
    s.distinct[i] = Math.min(vals.size, 2);
  }
  return s;
}

function expectSums(got: MomentSums, want: MomentSums) {
  expect(got.n).toBe(want.n);
  const p = want.sx.length;
  expect(Array.from(got.sx)).toEqual(Array.from(want.sx));
  expect(Array.from(got.distinct)).toEqual(Array.from(want.distinct));
  for (let i = 0; i < p; i++) for (let j = 0; j <= i; j++) expect(got.xx[i * p + j], `xx ${i} ${j}`).toBe(want.xx[i * p + j]);
  if (want.so.length) {
    expect(Array.from(got.so)).toEqual(Array.from(want.so));
    expect(Array.from(got.xo)).toEqual(Array.from(want.xo));
    for (let i = 0; i < p; i++) for (let j = 0; j <= i; j++) expect(got.oo[i * p + j], `oo ${i} ${j}`).toBe(want.oo[i * p + j]);
  }
}

describe('countMoments: exact sums', () => {
  const rand = mulberry32(7);
  const n = 203, p = 11; // neither a multiple of the kernel's 8 rows nor of its 4 columns
  const table = (lo: number, hi: number, holes: number) => Array.from({ length: p }, (_, i) => Float64Array.from({ length: n }, () =>
    (i % 3 === 1 && rand() < holes ? NaN : lo + Math.floor(rand() * (hi - lo + 1)))));
  const draw = (big = 0) => {
    const c = new Float64Array(n);
    for (let k = 0; k < n; k++) c[Math.floor(rand() * n)]++;
    if (big) c[6] = big; // a row of weight 2.25 in the strata test
    return c;
  };
  const all = Array.from({ length: n }, (_, r) => r);

  it('Likert items, no missing cell: the sums of every resample, the kernel and the JavaScript route alike', () => {
    const cols = table(1, 5, 0);
    const cm = countMoments(cols, n)!;
    expect(cm.missing).toBe(false);
    const out = emptySums(p, false);
    // a count of 7000 makes 16-bit products overflow: the exact JavaScript route takes that resample
    for (const counts of [draw(), draw(), draw(7000)]) {
      cm.sums(counts, out);
      expectSums(out, naiveSums(cols, all, counts));
    }
  });

  it('survey weights: each stratum exact, added times its weight; weight-0 rows left out', () => {
    const cols = table(1, 7, 0.1);
    const levels = [0.5, 0, 2.25, 1];
    const weights = Float64Array.from({ length: n }, (_, r) => levels[r % 4]!);
    const cm = countMoments(cols, n, undefined, weights)!;
    expect(cm.rows.length).toBe(n - Math.ceil((n - 1) / 4));
    const out = emptySums(p, true);
    for (const counts of [draw(), draw(7000)]) {
      cm.sums(counts, out);
      const want = naiveSums(cols, all.filter((r) => weights[r]! > 0), counts);
      const weighted = naiveSums(cols, all, Float64Array.from(counts, (c, r) => c * weights[r]!));
      expect(Array.from(out.distinct)).toEqual(Array.from(want.distinct));
      expect(out.n).toBeCloseTo(weighted.n, 9);
      for (const k of ['sx', 'xx', 'so', 'xo', 'oo'] as const) {
        out[k].forEach((v, x) => { if (k !== 'xx' && k !== 'oo' || x % p <= Math.floor(x / p)) expect(Math.abs(v - weighted[k][x]!), `${k}[${x}]`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(weighted[k][x]!))); });
      }
    }
  });

  it('missing cells (mean replacement), negative and large values, a row subset (listwise deletion)', () => {
    const cols = table(-3, 900, 0.2);
    const rows = all.filter((r) => r % 5 !== 0);
    const cm = countMoments(cols, n, Int32Array.from(rows))!;
    expect(cm.missing).toBe(true);
    const out = emptySums(p, true);
    for (const counts of [draw(), draw(40)]) {
      cm.sums(counts, out);
      expectSums(out, naiveSums(cols, rows, counts));
    }
  });

  it('flags a constant item (1) and one never observed (0) exactly', () => {
    const cols = table(1, 5, 0.3);
    cols[0]!.fill(4);
    cols[1]!.fill(NaN);
    cols[2]![3] = NaN;
    const cm = countMoments(cols, n)!;
    const out = emptySums(p, true);
    const counts = draw();
    cm.sums(counts, out);
    expect(out.distinct[0]).toBe(1);
    expect(out.distinct[1]).toBe(0);
    expectSums(out, naiveSums(cols, all, counts));
  });

  it('declines values that are not small whole numbers, and refuses fractional counts', () => {
    const cols = table(1, 5, 0);
    expect(countMoments([...cols.slice(1), Float64Array.from(cols[0]!, (v) => v + 0.5)], n)).toBeNull();
    expect(countMoments([...cols.slice(1), Float64Array.from(cols[0]!, (v) => v * 1000)], n)).toBeNull();
    const cm = countMoments(cols, n)!;
    expect(() => cm.sums(Float64Array.from({ length: n }, () => 1.5), emptySums(p, false))).toThrow(/row 1 has count 1.5/);
  });
});

/** The estimator with the count route hidden: resamples go through estimate() on the gathered rows. */
const gatherOnly = (e: PlsEstimator | ReturnType<typeof createUnitEstimator>) => ({ layout: e.layout, weighted: e.weighted, estimate: (d: DataTable) => e.estimate(d) });

async function compareRoutes(est: PlsEstimator | ReturnType<typeof createUnitEstimator>, data: DataTable, nboot: number) {
  expect(est.byCounts?.(data)).toBeTruthy();
  const a = await bootstrapPls(est, data, { seed: 123, nboot });
  const b = await bootstrapPls(gatherOnly(est), data, { seed: 123, nboot });
  expect(Array.from(a.resamples)).toEqual(Array.from(b.resamples));
  expect(a.failures).toEqual(b.failures);
  let worst = 0;
  for (let k = 0; k < b.draws.length; k++) worst = Math.max(worst, Math.abs(a.draws[k]! - b.draws[k]!) / Math.max(1, Math.abs(b.draws[k]!)));
  return { worst, failures: a.failures.length };
}

describe('PlsEstimator.byCounts: the same resample estimates as the gather route', () => {
  const ecsi = loadReference('mobi_ecsi');
  const twoStage = loadReference('mobi_two_stage');
  const withHoles = (t: DataTable, share: number, seed: number): DataTable => {
    const rand = mulberry32(seed);
    return { ...t, cols: t.cols.map((c) => Float64Array.from(c, (v) => (rand() < share ? NaN : v))) };
  };

  it('mobi ECSI (measured: max relative difference 2e-12 over 300 resamples)', async () => {
    expect((await compareRoutes(createPlsEstimator(ecsi.spec), ecsi.data, 300)).worst).toBeLessThan(1e-10);
  });

  it('mobi two-stage interactions, with missing cells (mean replacement)', async () => {
    expect((await compareRoutes(createPlsEstimator(twoStage.spec), withHoles(twoStage.data, 0.03, 1), 200)).worst).toBeLessThan(1e-10);
  });

  it('listwise deletion with missing cells', async () => {
    const est = createPlsEstimator(twoStage.spec, { missing: 'listwise' });
    expect((await compareRoutes(est, withHoles(twoStage.data, 0.01, 2), 200)).worst).toBeLessThan(1e-10);
  });

  it('an item constant in some resamples fails those resamples with the same reason', async () => {
    const data = { ...ecsi.data, cols: ecsi.data.cols.map((c) => c.slice()) };
    const j = data.names.indexOf('CUEX1');
    data.cols[j]!.fill(7);
    for (let r = 0; r < 3; r++) data.cols[j]![r * 40] = 8;
    const { worst, failures } = await compareRoutes(createPlsEstimator(ecsi.spec), data, 100);
    expect(failures).toBeGreaterThan(0);
    expect(worst).toBeLessThan(1e-10);
  });

  it('the unit estimator: paths and indices (PLS-weighted and unweighted), with missing cells', async () => {
    const plan: IndexPlan = { pls: ['Satisfaction', 'Image'], unweighted: { Loyalty: ['CUSL1', 'CUSL2', 'CUSL3'] }, scale: { min: 1, max: 10 } };
    const est = createUnitEstimator(twoStage.spec, {}, plan);
    const data = withHoles({ ...twoStage.data }, 0.02, 3);
    expect((await compareRoutes(est, data, 200)).worst).toBeLessThan(1e-10);
  });

  it('survey weights of a few distinct values (strata), two-stage terms and missing cells: the unit estimator', async () => {
    const plan: IndexPlan = { pls: ['Satisfaction', 'Image'], unweighted: { Loyalty: ['CUSL1', 'CUSL2', 'CUSL3'] }, scale: { min: 1, max: 10 } };
    const est = createUnitEstimator(twoStage.spec, {}, plan);
    const levels = [0.37, 1.25, 2, 0.8, 3.1];
    const data = { ...withHoles(twoStage.data, 0.02, 4), weights: Float64Array.from({ length: twoStage.data.n }, (_, r) => levels[r % 5]!) };
    expect((await compareRoutes(est, data, 200)).worst).toBeLessThan(1e-10);
  });

  it('survey weights with rows of weight 0 and listwise deletion', async () => {
    const est = createPlsEstimator(ecsi.spec, { missing: 'listwise' });
    const data = { ...withHoles(ecsi.data, 0.005, 5), weights: Float64Array.from({ length: ecsi.data.n }, (_, r) => [0, 1.5, 0.5][r % 3]!) };
    expect((await compareRoutes(est, data, 200)).worst).toBeLessThan(1e-10);
  });

  it('takes the gather route where the count route does not apply: per-respondent weights, fractional values', () => {
    const est = createPlsEstimator(ecsi.spec);
    expect(est.byCounts!({ ...ecsi.data, weights: Float64Array.from({ length: ecsi.data.n }, (_, r) => 1 + r / 1000) })).toBeNull();
    expect(est.byCounts!({ ...ecsi.data, cols: ecsi.data.cols.map((c) => Float64Array.from(c, (v) => v / 3)) })).toBeNull();
  });
});
