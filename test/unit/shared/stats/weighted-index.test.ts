// weightedSimpleIndex: a hand example, all-ones weights = recompute.ts simpleIndex bit for bit, integer weights =
// repeated rows for the value, rows with no answer or weight 0 skipped.
import { describe, expect, it } from 'vitest';
import { rowScores, weightedSimpleIndex } from '../../../../shared/stats/weighted-index';
import { simpleIndex } from '../../../../shared/assess/recompute';
import { StatsInputError } from '../../../../shared/stats/errors';
import { RRandom } from '../../../../shared/stats/bootstrap/r-rng';

const scale = { min: 1, max: 5 };
const col = (...xs: number[]) => Float64Array.from(xs);

describe('weightedSimpleIndex', () => {
  it('hand example', () => {
    // rows (items A, B): (5,5) → 100; (3,NaN) → 50; (1,3) → 2 → 25; (NaN,NaN) skipped; weights 1, 2, 1, 9
    // m = (100 + 2·50 + 25) / 4 = 56.25
    // Σw²(x−m)² = 43.75² + 4·6.25² + 31.25² = 1914.0625 + 156.25 + 976.5625 = 3046.875
    // se = √3046.875 / 4 · √(3/2) = 55.19850... / 4 · 1.2247449 = 16.90036...
    const cols = [col(5, 3, 1, NaN), col(5, NaN, 3, NaN)];
    expect(Array.from(rowScores(cols, scale))).toEqual([100, 50, 25, NaN]);
    const r = weightedSimpleIndex(cols, col(1, 2, 1, 9), scale, 0.05);
    expect(r.value).toBeCloseTo(56.25, 12);
    expect(r.se).toBeCloseTo((Math.sqrt(3046.875) / 4) * Math.sqrt(1.5), 12);
    expect(r.n).toBe(3);
    expect(r.nEffective).toBeCloseTo(16 / 6, 14); // (1+2+1)² / (1+4+1)
    expect(r.moe).toBeCloseTo(1.959963984540054 * r.se, 12);
    expect([r.ciLow, r.ciHigh]).toEqual([r.value - r.moe, r.value + r.moe]);
  });

  it('all-ones weights (and no weights) equal simpleIndex exactly', () => {
    const rng = new RRandom(4);
    const idx = new Int32Array(137);
    const cols = ['A', 'B', 'C'].map(() => { rng.fillIndices(5, idx); return Float64Array.from(idx, (v, i) => (i % 13 === v ? NaN : v + 1)); });
    const t = { names: ['A', 'B', 'C'], cols, n: 137 };
    const ref = simpleIndex(t, ['A', 'B', 'C'], scale, 0.05);
    for (const w of [undefined, new Float64Array(137).fill(1)]) {
      const r = weightedSimpleIndex(cols, w, scale, 0.05);
      expect([r.value, r.se, r.ciLow, r.ciHigh, r.moe, r.n]).toEqual([ref.value, ref.se, ref.ciLow, ref.ciHigh, ref.moe, ref.n]);
      expect(r.nEffective).toBe(r.n);
    }
  });

  it('integer weights give the value of the repeated rows; weight 0 is absent; bad weights named', () => {
    const cols = [col(5, 3, 1, 4, 2), col(4, NaN, 3, 4, 1)];
    const w = [3, 1, 0, 2, 1];
    const rep = cols.map((c) => Float64Array.from(w.flatMap((k, i) => new Array<number>(k).fill(c[i]!))));
    const a = weightedSimpleIndex(cols, Float64Array.from(w), scale, 0.05);
    const b = weightedSimpleIndex(rep, undefined, scale, 0.05);
    expect(Math.abs(a.value - b.value)).toBeLessThanOrEqual(1e-12 * b.value);
    expect(a.n).toBe(4);
    expect(() => weightedSimpleIndex(cols, col(1, 1, -1, 1, 1), scale, 0.05)).toThrow(StatsInputError);
    expect(() => weightedSimpleIndex(cols, col(1, 1, 1, NaN, 1), scale, 0.05)).toThrow(/row 4/);
  });
});
