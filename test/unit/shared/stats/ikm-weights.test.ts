// computeIkm with survey weights: integer weights = rows repeated (point estimates), all-ones weights = unweighted
// bit for bit (bootstrap draws included, packed-kernel and column paths), weight 0 = absent, bad weights named.
import { describe, expect, it } from 'vitest';
import { computeIkm } from '../../../../shared/stats/ikm';
import { StatsInputError } from '../../../../shared/stats/errors';
import { RRandom } from '../../../../shared/stats/bootstrap/r-rng';

const U = ['U1', 'U2', 'U3', 'U4', 'U5'];

function data(n: number, seed: number, integer = true): Float64Array[] {
  const rng = new RRandom(seed);
  const idx = new Int32Array(n);
  return U.map(() => {
    rng.fillIndices(4, idx); // 0-3
    return Float64Array.from(idx, (v, i) => ((i * 7 + v) % 11 === 0 ? NaN : integer ? v + 1 : v + 1.5));
  });
}

const repeat = (cols: Float64Array[], w: readonly number[]) =>
  cols.map((c) => Float64Array.from(w.flatMap((k, i) => new Array<number>(k).fill(c[i]!))));

describe('computeIkm with row weights', () => {
  const cols = data(60, 11);
  const w = Array.from({ length: 60 }, (_, i) => [2, 1, 0, 3, 1][i % 5]!);

  it('integer weights give the NRRs and IKM of the repeated rows', () => {
    const weighted = computeIkm(U, cols, { rowWeights: w, nboot: 0 });
    const repeated = computeIkm(U, repeat(cols, w), { nboot: 0 });
    weighted.unsur.forEach((u, j) => {
      expect(Math.abs(u.nrr - repeated.unsur[j]!.nrr)).toBeLessThanOrEqual(1e-12 * repeated.unsur[j]!.nrr);
      expect(Math.abs(u.weighted - repeated.unsur[j]!.weighted)).toBeLessThanOrEqual(1e-12);
    });
    expect(Math.abs(weighted.ikm - repeated.ikm)).toBeLessThanOrEqual(1e-12 * repeated.ikm);
    expect(weighted.band).toBe(repeated.band);
    expect(weighted.n).toBe(48); // rows of weight 0 are absent
    // Σw = 12·(2+1+3+1) = 84; Σw² = 12·(4+1+9+1) = 180; nEff = 84²/180 = 39.2
    expect(weighted.weighted).toEqual({ sum: 84, nEffective: (84 * 84) / 180 });
  });

  it('all-ones weights give exactly the unweighted result, bootstrap draws included (packed and column paths)', () => {
    for (const integer of [true, false]) {
      const c = data(80, 5, integer);
      const ones = computeIkm(U, c, { rowWeights: new Float64Array(80).fill(1), nboot: 200, seed: 3 });
      const plain = computeIkm(U, c, { nboot: 200, seed: 3 });
      const { weighted, ...rest } = ones;
      expect(rest).toEqual(plain);
      expect(weighted).toEqual({ sum: 80, nEffective: 80 });
      expect(plain.ciLow).toBeLessThan(plain.ciHigh);
    }
  });

  it('weights move the CI with the estimate and reject bad values naming the row', () => {
    const r = computeIkm(U, cols, { rowWeights: w, nboot: 300, seed: 9 });
    expect(r.ciLow).toBeLessThan(r.ikm);
    expect(r.ciHigh).toBeGreaterThan(r.ikm);
    const bad = new Float64Array(60).fill(1);
    bad[6] = -2;
    expect(() => computeIkm(U, cols, { rowWeights: bad })).toThrow(StatsInputError);
    expect(() => computeIkm(U, cols, { rowWeights: bad })).toThrow(/row 7: weight/);
    bad[6] = NaN;
    expect(() => computeIkm(U, cols, { rowWeights: bad })).toThrow(/row 7/);
  });
});
