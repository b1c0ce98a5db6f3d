import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { postStratify, rake, weightSummary, type RakingMargin } from '../../../../shared/stats/survey-weights';
import { StatsInputError } from '../../../../shared/stats/errors';
import { expectClose } from './expect-close';

const ref = JSON.parse(readFileSync('test/fixtures/weights/rake.json', 'utf8')) as {
  sex: string[]; age: (string | null)[];
  plain: Run; trim: Run; infeasible: Run; post: Run;
};
interface Run { weights: number[]; iterations: number; converged: boolean }

const margins: RakingMargin[] = [
  { name: 'sex', values: ref.sex, population: { M: 4800, F: 5200 } },
  { name: 'age', values: ref.age, population: { Y: 3000, M: 4000, O: 2500, Z: 500 } },
];

function totals(values: readonly (string | null)[], w: Float64Array): Record<string, number> {
  const out: Record<string, number> = {};
  values.forEach((v, i) => { if (v !== null) out[v] = (out[v] ?? 0) + w[i]!; });
  return out;
}

describe('weightSummary', () => {
  it('Kish effective n and design effect on a hand example', () => {
    // w = 1, 1, 2, 4: Σw = 8, Σw² = 1 + 1 + 4 + 16 = 22; nEff = 64/22 = 2.909..., deff = 4·22/64 = 1.375
    const s = weightSummary([1, 1, 2, 4]);
    expect(s).toMatchObject({ n: 4, sum: 8, min: 1, max: 4 });
    expect(s.nEffective).toBe(64 / 22);
    expect(s.deff).toBe(1.375);
    const ones = weightSummary(new Float64Array(7).fill(1));
    expect([ones.nEffective, ones.deff]).toEqual([7, 1]);
  });
});

describe('postStratify', () => {
  it('hand-worked: 6 PU + 4 BPU sampled, population 700 / 300', () => {
    // Population shares 0.7 / 0.3, sample shares 0.6 / 0.4. Weight = population share / sample share, i.e.
    // N_c/n_c · (n/N): PU 700/6 · (10/1000) = 7/6 = 1.1666..., BPU 300/4 · (10/1000) = 3/4. Σw = 6·7/6 + 4·3/4 = 10 = n.
    const cells = ['PU', 'PU', 'PU', 'PU', 'PU', 'PU', 'BPU', 'BPU', 'BPU', 'BPU'];
    const r = postStratify(cells, { PU: 700, BPU: 300 }, { name: 'programme' });
    for (let i = 0; i < 6; i++) expectClose(r.weights[i], 7 / 6, 1e-15);
    for (let i = 6; i < 10; i++) expectClose(r.weights[i], 0.75, 1e-15);
    expect([r.iterations, r.converged, r.trimmed]).toEqual([1, true, 0]);
    expect(r.emptyCells).toEqual([]);
    expect(r.unknownCodes).toEqual([]);
    // Σw = 10, Σw² = 6·49/36 + 4·9/16 = 8.1667 + 2.25 = 10.41667; nEff = 100/10.41667 = 9.6; deff = 10.41667/10
    expectClose(r.summary.sum, 10, 1e-15);
    expectClose(r.summary.nEffective, 9.6, 1e-14);
    expectClose(r.summary.deff, 10 / 9.6, 1e-14);
  });

  it('missing and unknown codes keep factor 1; an empty population cell is spread over the others', () => {
    // 6 PU, 3 BPU, 1 null, 1 'XX' (not in the population), population PU 600 / BPU 300 / BPK 100 (no BPK sampled).
    // BPK is dropped: shares PU 600/900 = 2/3, BPU 1/3 over the 9 known rows (total weight 9 kept):
    // PU 6 → 2/3·9 = 6 (factor 1), BPU 3 → 3 (factor 1). Raw weights all 1; mean 1 already.
    const cells = ['PU', 'PU', 'PU', 'PU', 'PU', 'PU', 'BPU', 'BPU', 'BPU', null, 'XX'];
    const r = postStratify(cells, { PU: 600, BPU: 300, BPK: 100 }, { name: 'programme' });
    expect(Array.from(r.weights)).toEqual(new Array(11).fill(1));
    expect(r.emptyCells).toEqual([{ margin: 'programme', code: 'BPK' }]);
    expect(r.unknownCodes).toEqual([{ margin: 'programme', code: 'XX' }]);
    // population 700/200: known rows (9) get PU 7/9·9 = 7 → 7/6 each, BPU 2 → 2/3 each; null and XX stay 1; Σ = 11
    const s = postStratify(cells, { PU: 700, BPU: 200 });
    for (let i = 0; i < 6; i++) expectClose(s.weights[i], 7 / 6, 1e-15);
    for (let i = 6; i < 9; i++) expectClose(s.weights[i], 2 / 3, 1e-15);
    expect([s.weights[9], s.weights[10]]).toEqual([1, 1]);
    expectClose(s.summary.sum, 11, 1e-15);
  });

  it('trims to the bounds relative to the mean and rejects bad input', () => {
    // 1 PU in 10, population 90% PU: untrimmed PU 9, BPU 1/9 each. Trimmed (total kept): PU 5, BPU 5/9; the next
    // sweep undoes it, so the bounds and the margin cannot both hold: unconverged, weights within the bounds
    const cells = ['PU', ...new Array<string>(9).fill('BPU')];
    const r = postStratify(cells, { PU: 900, BPU: 100 });
    expect(r.summary.max / (r.summary.sum / 10)).toBeLessThanOrEqual(5 + 1e-9);
    expect(r.summary.min / (r.summary.sum / 10)).toBeGreaterThanOrEqual(0.2 - 1e-9);
    expect(r.trimmed).toBeGreaterThan(0);
    expect(r.converged).toBe(false);
    expectClose(r.weights[0], 5, 1e-12);
    expectClose(r.weights[1], 5 / 9, 1e-12);
    const free = postStratify(cells, { PU: 900, BPU: 100 }, { bounds: false });
    expectClose(free.weights[0], 9, 1e-14);
    expectClose(free.weights[1], 1 / 9, 1e-14);
    expect(() => postStratify(['a'], { a: -1 })).toThrow(StatsInputError);
    expect(() => rake([margins[0]!, { ...margins[1]!, values: ['Y'] }])).toThrow(/1 values for 20/);
  });
});

describe('rake (2 x 3 with a missing, an unknown code and an empty cell), against plain R IPF (rake.R)', () => {
  it('untrimmed: equals R to 1e-12, matches every margin, product form', () => {
    const r = rake(margins, { bounds: false });
    ref.plain.weights.forEach((w, i) => expectClose(r.weights[i], w, 1e-12));
    expect([r.iterations, r.converged]).toEqual([ref.plain.iterations, true]);
    expect(r.emptyCells).toEqual([{ margin: 'age', code: 'Z' }]);
    expect(r.unknownCodes).toEqual([{ margin: 'age', code: 'X' }]);
    expectClose(r.summary.sum, 20, 1e-14);
    const sex = totals(ref.sex, r.weights);
    expectClose(sex.M!, 20 * 0.48, 1e-10);
    expectClose(sex.F!, 20 * 0.52, 1e-10);
    // age over the 18 rows with a listed code, shares 3000/9500, 4000/9500, 2500/9500 (Z dropped)
    const age = totals(ref.age, r.weights);
    const known = age.Y! + age.M! + age.O!;
    expectClose(age.Y! / known, 3000 / 9500, 1e-10);
    expectClose(age.M! / known, 4000 / 9500, 1e-10);
    // raking is multiplicative: w(M,Y)·w(F,O) = w(M,O)·w(F,Y)
    expectClose(r.weights[0]! * r.weights[17]!, r.weights[9]! * r.weights[12]!, 1e-12);
  });

  it('trimmed to [0.7, 1.4]: equals R, within the bounds, margins matched', () => {
    const r = rake(margins, { bounds: { lower: 0.7, upper: 1.4 } });
    ref.trim.weights.forEach((w, i) => expectClose(r.weights[i], w, 1e-12));
    expect([r.iterations, r.converged, r.trimmed]).toEqual([ref.trim.iterations, true, 7]);
    expect(r.summary.min).toBeGreaterThanOrEqual(0.7 - 1e-9);
    expect(r.summary.max).toBeLessThanOrEqual(1.4 + 1e-9);
    const sex = totals(ref.sex, r.weights);
    expectClose(sex.F! / 20, 0.52, 1e-9);
  });

  it('infeasible bounds stop after maxIter, unconverged, as in R', () => {
    const r = rake(margins, { bounds: { lower: 0.75, upper: 1.4 } });
    expect([r.iterations, r.converged]).toEqual([100, false]);
    ref.infeasible.weights.forEach((w, i) => expectClose(r.weights[i], w, 1e-9));
    expect(ref.infeasible.converged).toBe(false);
  });

  it('post-stratification on one margin is one sweep (R: the same)', () => {
    const r = postStratify(ref.sex, { M: 4800, F: 5200 });
    ref.post.weights.forEach((w, i) => expectClose(r.weights[i], w, 1e-14));
    expect(r.iterations).toBe(ref.post.iterations);
  });
});
