// The bootstrap with survey weights: resample i draws the same rows as without weights (seminr's seeded indices)
// and each drawn row carries its survey weight. With integer weights resample i equals the plain estimate on the
// rows drawn, each repeated weight times; weights all 1 give the unweighted run bit for bit; workers change nothing.
import { describe, expect, it } from 'vitest';
import { bootstrapPls, jackknifePls } from '../../../../../shared/stats/bootstrap/driver';
import { seminrResampleRows } from '../../../../../shared/stats/bootstrap/r-rng';
import { createPlsEstimator, estimatePls } from '../../../../../shared/stats/pls';
import { createUnitEstimator, unitEstimatorRecipe, type IndexPlan } from '../../../../../shared/assess/unit-estimator';
import { repeatRows, selectRows, type DataTable } from '../../../../../shared/stats/table';
import { intWeights, withHoles } from '../../../../helpers/weights';
import { loadReference } from '../../../../helpers/reference';

const ecsi = loadReference('mobi_ecsi');
const twoStage = loadReference('mobi_two_stage');

/** The rows `idx` of a weighted table, each repeated its (integer) weight times, as a plain table. */
function repeatedDraw(t: DataTable, idx: ArrayLike<number>): DataTable {
  const rows: number[] = [];
  for (let k = 0; k < idx.length; k++) for (let c = 0; c < t.weights![idx[k]!]!; c++) rows.push(idx[k]!);
  return selectRows({ names: t.names, cols: t.cols, n: t.n }, rows);
}
function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k]! - b[k]!) / Math.max(1, Math.abs(b[k]!)));
  return m;
}
const bits = (x: Float64Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);

describe('bootstrap with survey weights', () => {
  it('weights all 1 give exactly the unweighted run (original and draws)', async () => {
    const est = createPlsEstimator(ecsi.spec);
    const plain = await bootstrapPls(est, ecsi.data, { seed: 123, nboot: 40 });
    const ones = await bootstrapPls(est, { ...ecsi.data, weights: new Float64Array(ecsi.data.n).fill(1) }, { seed: 123, nboot: 40 });
    expect(bits(ones.original).equals(bits(plain.original))).toBe(true);
    expect(bits(ones.draws).equals(bits(plain.draws))).toBe(true);
  });

  for (const [name, rc, opts] of [
    ['mobi ECSI, missing cells, mean replacement', ecsi, {}],
    ['mobi ECSI, missing cells, listwise', ecsi, { missing: 'listwise' as const }],
    ['mobi two-stage interaction, missing cells', twoStage, {}],
  ] as const) {
    it(`integer weights: resample i = the rows drawn, repeated (${name})`, async () => {
      const data: DataTable = { ...withHoles(rc.data, 0.02, 5), weights: intWeights(rc.data.n, 42) };
      const est = createPlsEstimator(rc.spec, opts);
      const run = await bootstrapPls(est, data, { seed: 123, nboot: 25 });
      expect(run.failures).toEqual([]);
      const p = est.layout.length;
      let worst = 0;
      for (let i = 1; i <= 25; i++) {
        const expected = est.estimate(repeatedDraw(data, seminrResampleRows(123, i, data.n)));
        worst = Math.max(worst, maxRelDiff(run.draws.subarray((i - 1) * p, i * p), expected));
      }
      expect(worst).toBeLessThan(1e-12);
      // the original is the weighted estimate = the estimate on the repeated rows
      expect(maxRelDiff(run.original, est.estimate(repeatRows(data)))).toBeLessThan(1e-12);
      const full = estimatePls(rc.spec, data, opts);
      expect(maxRelDiff(run.original.subarray(0, full.paths.length), full.paths.map((x) => x.estimate))).toBeLessThan(1e-13);
    });
  }

  it('the jackknife leaves one row out, the others keeping their weights', async () => {
    const data: DataTable = { ...ecsi.data, weights: intWeights(ecsi.data.n, 43) };
    const est = createPlsEstimator(ecsi.spec);
    const jk = await jackknifePls(est, data);
    const p = est.layout.length;
    let worst = 0;
    for (const left of [0, 1, 117, data.n - 1]) {
      const others = Array.from({ length: data.n }, (_, r) => r).filter((r) => r !== left);
      worst = Math.max(worst, maxRelDiff(jk.draws.subarray(left * p, (left + 1) * p), est.estimate(repeatedDraw(data, others))));
    }
    expect(jk.resamples.length).toBe(data.n);
    expect(worst).toBeLessThan(1e-12);
  });

  it('workers 1 and 2 give identical draws (the weights reach the worker threads)', async () => {
    const data: DataTable = { ...withHoles(ecsi.data, 0.02, 6), weights: intWeights(ecsi.data.n, 44, 0, 4).map((w) => w * 0.75) };
    const est = createPlsEstimator(ecsi.spec);
    const one = await bootstrapPls(est, data, { seed: 9, nboot: 60 });
    const two = await bootstrapPls(est, data, { seed: 9, nboot: 60, workers: 2, chunkSize: 7 });
    expect([...two.resamples]).toEqual([...one.resamples]);
    expect(two.failures).toEqual(one.failures);
    expect(bits(two.draws).equals(bits(one.draws))).toBe(true);
    // and they differ from the unweighted draws
    const plain = await bootstrapPls(est, withHoles(ecsi.data, 0.02, 6), { seed: 9, nboot: 60 });
    expect(bits(plain.draws).equals(bits(one.draws))).toBe(false);
  }, 60_000);

  it('refuses survey weights for an estimator that does not take weights', async () => {
    const est = createPlsEstimator(ecsi.spec);
    const unweighted = { layout: est.layout, estimate: (t: DataTable) => est.estimate(t) };
    await expect(bootstrapPls(unweighted, { ...ecsi.data, weights: intWeights(ecsi.data.n, 1) }, { seed: 1, nboot: 3 }))
      .rejects.toThrow(/survey weights but the estimator does not take weights/);
  });
});

describe('unit estimator (indices) with survey weights', () => {
  const plan: IndexPlan = {
    pls: ['Image', 'Expectation', 'Quality', 'Value', 'Satisfaction', 'Loyalty'],
    unweighted: { Extra: ['CUSCO', 'CUSL2'] },
    scale: { min: 1, max: 10 },
  };
  const data: DataTable = { ...withHoles(ecsi.data, 0.02, 8), weights: intWeights(ecsi.data.n, 45) };

  it('index of a weighted table = index of the rows repeated', () => {
    const est = createUnitEstimator(ecsi.spec, {}, plan);
    const a = est.estimate(data), b = est.estimate(repeatRows(data));
    expect(maxRelDiff(a, b)).toBeLessThan(1e-12);
    // the indices move with the weights
    const plain = est.estimate({ ...data, weights: undefined as never });
    expect(Math.abs(a[a.length - 1]! - plain[plain.length - 1]!)).toBeGreaterThan(1e-6);
  });

  it('a PLS index is the ACSI rescaling of the weights by the raw item means and sds (mean replacement, listwise)', () => {
    // the index by its definition, from the columns: weights w_i / sd_i, then the weighted mean of the item means
    const byDefinition = (t: DataTable, weights: Map<string, number>) => {
      let sumU = 0, sumUm = 0;
      for (const [item, w] of weights) {
        const c = t.cols[t.names.indexOf(item)]!;
        const obs = Array.from(c).filter((v) => v === v);
        const m = obs.reduce((a, v) => a + v, 0) / obs.length;
        const sd = Math.sqrt(obs.reduce((a, v) => a + (v - m) ** 2, 0) / (t.n - 1)); // replaced cells sit at the mean
        sumU += w / sd; sumUm += (w / sd) * m;
      }
      return ((sumUm / sumU - 1) / 9) * 100;
    };
    const t: DataTable = withHoles(ecsi.data, 0.02, 8);
    for (const missing of ['mean', 'listwise'] as const) {
      const est = createUnitEstimator(ecsi.spec, { missing }, plan);
      const v = est.estimate(t);
      const k = est.layout.findIndex((q) => q.kind === 'index' && q.from === 'Quality');
      const w = new Map(est.layout.flatMap((q, j) => (q.kind === 'weight' && q.to === 'Quality' ? [[q.from, v[j]!] as const] : [])));
      // listwise: the PLS weights come from the complete rows, the means and sds still from every observed value
      expect(Math.abs(v[k]! - byDefinition(t, w))).toBeLessThan(1e-10);
    }
  });

  it('bootstrapped, on workers too: resample i = the rows drawn, repeated', async () => {
    const est = createUnitEstimator(ecsi.spec, {}, plan);
    const one = await bootstrapPls(est, data, { seed: 123, nboot: 20 });
    const two = await bootstrapPls(est, data, { seed: 123, nboot: 20, workers: 2, recipe: unitEstimatorRecipe(ecsi.spec, {}, plan) });
    expect(bits(two.draws).equals(bits(one.draws))).toBe(true);
    const p = est.layout.length;
    let worst = 0;
    for (let k = 0; k < one.resamples.length; k++) {
      const i = one.resamples[k]!;
      worst = Math.max(worst, maxRelDiff(one.draws.subarray(k * p, (k + 1) * p), est.estimate(repeatedDraw(data, seminrResampleRows(123, i, data.n)))));
    }
    expect(worst).toBeLessThan(1e-12);
  }, 60_000);
});
