// The IKM of Permenpan RB 14/2017: a worked example by hand, missing answers, the band boundaries exactly, the
// Krejcie-Morgan table, and the bootstrap CI against R (test/fixtures/ikm/ikm-ci.R wrote ikm-ci.json).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { bandOf, computeIkm, ikmFromNrr, krejcieMorgan, prioritiesOf, round2, sampleAdequacy, unsurWeight } from '../../../../shared/stats/ikm';

const U = ['U1', 'U2', 'U3', 'U4', 'U5', 'U6', 'U7', 'U8', 'U9'];
const fixtures = path.resolve(__dirname, '../../../fixtures/ikm');
const col = (...xs: number[]) => Float64Array.from(xs);

describe('IKM, worked by hand', () => {
  // Four respondents; NRR by hand: 3.0, 3.5, 2.5, 4.0, 3.0, 3.5, 3.75, 2.75, 2.75 (sum 28.75)
  const cols = [
    col(3, 3, 4, 2), col(3, 4, 4, 3), col(2, 3, 3, 2), col(4, 4, 4, 4), col(3, 3, 3, 3),
    col(3, 4, 3, 4), col(4, 4, 3, 4), col(3, 3, 2, 3), col(2, 3, 3, 3),
  ];

  it('NRR per unsur, NRR tertimbang = NRR/9, IKM = 28.75 / 9 × 25 = 79.86 (B, Baik)', () => {
    const r = computeIkm(U, cols, { nboot: 0 });
    expect(r.unsur.map((u) => u.nrr)).toEqual([3, 3.5, 2.5, 4, 3, 3.5, 3.75, 2.75, 2.75]);
    expect(r.unsur[1]!.weighted).toBeCloseTo(3.5 / 9, 15);
    expect(r.ikm).toBeCloseTo((28.75 / 9) * 25, 12);
    expect(r.ikmRounded).toBe(79.86);
    expect(r.band).toBe('B');
  });

  it("with the regulation's 0.111: 28.75 × 0.111 × 25 = 79.78125", () => {
    expect(unsurWeight(9, 'regulation')).toBe(0.111);
    const r = computeIkm(U, cols, { nboot: 0, weights: 'regulation' });
    expect(r.ikm).toBeCloseTo(79.78125, 12);
    expect(r.ikmRounded).toBe(79.78);
  });

  it('with missing answers: each NRR over its own valid answers', () => {
    const withGaps = cols.map((c) => Float64Array.from(c));
    withGaps[0]![1] = NaN; // U1: 3, –, 4, 2 → 9/3 = 3
    withGaps[3]![0] = NaN; withGaps[3]![2] = NaN; // U4: –, 4, –, 4 → 4
    withGaps[8]![3] = NaN; // U9: 2, 3, 3, – → 8/3
    const r = computeIkm(U, withGaps, { nboot: 0 });
    expect(r.unsur.map((u) => u.n)).toEqual([3, 4, 4, 2, 4, 4, 4, 4, 3]);
    expect(r.unsur[8]!.nrr).toBeCloseTo(8 / 3, 15);
    expect(r.ikm).toBeCloseTo(((3 + 3.5 + 2.5 + 4 + 3 + 3.5 + 3.75 + 2.75 + 8 / 3) / 9) * 25, 12);
    expect(r.n).toBe(4);
  });

  it('an unsur nobody answered leaves no IKM', () => {
    const r = computeIkm(U, [...cols.slice(0, 8), col(NaN, NaN, NaN, NaN)], { nboot: 50 });
    expect(r.ikm).toBeNaN();
    expect(r.band).toBeNull();
    expect(r.ciLow).toBeNaN();
  });

  it('all 4 gives 100, all 1 gives 25', () => {
    expect(ikmFromNrr(Array(9).fill(4))).toBeCloseTo(100, 12);
    expect(ikmFromNrr(Array(9).fill(1))).toBeCloseTo(25, 12);
  });
});

describe('mutu pelayanan', () => {
  it('closes the gaps between the published intervals at two decimals', () => {
    expect([88.31, 88.3, 76.61, 76.6, 65.0, 64.99].map(bandOf)).toEqual(['A', 'B', 'B', 'C', 'C', 'D']);
    expect([100, 25, 88.305, 88.3049, 76.605, 64.995, 64.9949].map(bandOf)).toEqual(['A', 'D', 'A', 'B', 'B', 'C', 'D']);
    expect(round2(88.305)).toBe(88.31);
    expect(bandOf(NaN)).toBeNull();
  });
});

describe('improvement priorities', () => {
  const f = (nrr: number[]) => nrr.map((x, j) => ({ unsur: U[j]!, n: 10, nrr: x, weighted: x / 9 }));
  it('the weakest unsur and those below 3.0, weakest first', () => {
    const p = prioritiesOf(f([3.2, 2.9, 3.4, 2.7, 3.1, 3.3, 3.5, 3.0, 3.6]), 'B');
    expect(p).toEqual([{ unsur: 'U4', nrr: 2.7, why: 'lowest' }, { unsur: 'U2', nrr: 2.9, why: 'below-cutoff' }]);
  });
  it('below 2.5 for a unit graded C', () => {
    const p = prioritiesOf(f([2.8, 2.4, 2.9, 2.6, 3.0, 2.7, 2.9, 2.45, 3.1]), 'C');
    expect(p.map((x) => x.unsur)).toEqual(['U2', 'U8']);
  });
  it('only the weakest when all are high', () => {
    expect(prioritiesOf(f([3.6, 3.7, 3.5, 3.8, 3.9, 3.6, 3.7, 3.55, 3.6]), 'A').map((x) => x.unsur)).toEqual(['U3']);
  });
});

describe('Krejcie-Morgan sample size', () => {
  it('matches their table', () => {
    expect([10, 100, 300, 1000, 2000, 10000, 100000, 1e9, Infinity].map((N) => krejcieMorgan(N))).toEqual([10, 80, 169, 278, 322, 370, 383, 384, 384]);
  });
  it('says whether n reaches it', () => {
    expect(sampleAdequacy(2000, 321)).toEqual({ population: 2000, required: 322, n: 321, enough: false });
    expect(sampleAdequacy(300, 169).enough).toBe(true);
  });
});

describe('bootstrap CI against R', () => {
  const expected = JSON.parse(readFileSync(path.join(fixtures, 'ikm-ci.json'), 'utf8'));
  const rows = parse(readFileSync(path.join(fixtures, 'skm-40.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  const cols = U.map((u) => Float64Array.from(rows, (r) => (r[u] === '' ? NaN : Number(r[u]))));
  for (const rule of ['exact', 'regulation'] as const) {
    it(`percentile CI, SE and point estimate (${rule} weights)`, () => {
      const r = computeIkm(U, cols, { nboot: expected.nboot, seed: expected.seed, weights: rule });
      const e = expected[rule];
      r.unsur.forEach((u, j) => expect(u.nrr).toBeCloseTo(e.nrr[j], 12));
      expect(r.ikm).toBeCloseTo(e.ikm, 10);
      expect(r.se).toBeCloseTo(e.se, 10);
      expect(r.ciLow).toBeCloseTo(e.ciLow, 10);
      expect(r.ciHigh).toBeCloseTo(e.ciHigh, 10);
      expect(r.moe).toBeCloseTo((e.ciHigh - e.ciLow) / 2, 10);
    });
  }
  it('the packed kernel (whole answers 1-255) and the column path (any other value) give the same draws', () => {
    // halving every answer is exact in binary: the column path on the halves must give exactly half the CI
    const packed = computeIkm(U, cols, { nboot: 300, seed: 7 });
    const columns = computeIkm(U, cols.map((c) => c.map((v) => v / 2)), { nboot: 300, seed: 7 });
    expect(columns.ciLow).toBe(packed.ciLow / 2);
    expect(columns.ciHigh).toBe(packed.ciHigh / 2);
    expect(columns.se).toBeCloseTo(packed.se / 2, 12);
  });

  it('is seeded: the same seed gives the same CI, another seed another', () => {
    const a = computeIkm(U, cols, { nboot: 200, seed: 1 }), b = computeIkm(U, cols, { nboot: 200, seed: 1 }), c = computeIkm(U, cols, { nboot: 200, seed: 5000 }); // resample b uses seed + b: seeds 200 apart share no draw
    expect(a.ciLow).toBe(b.ciLow);
    expect(a.ciLow).not.toBe(c.ciLow);
  });
});

describe('who the IKM counts', () => {
  it('only rows that answered at least one unsur (a row without the SKM is no respondent of it)', () => {
    const withBlank = U.map((_, j) => Float64Array.from([3, 4, NaN, 2].map((v, i) => (i === 2 ? NaN : v + (j % 2 ? 0 : 0)))));
    const r = computeIkm(U, withBlank, { nboot: 100, seed: 3 });
    const without = computeIkm(U, withBlank.map((c) => Float64Array.from([c[0]!, c[1]!, c[3]!])), { nboot: 100, seed: 3 });
    expect(r.n).toBe(3);
    expect(r.ikm).toBe(without.ikm);
    expect(r.ciLow).toBe(without.ciLow); // the resamples are drawn over the three respondents only
  });
});
