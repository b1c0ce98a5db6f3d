import { describe, expect, it } from 'vitest';
import { acsiIndex, ipma, relativeWeights, rescaledScores } from '../../../../shared/stats/indices';
import { summarizeItem, wilson } from '../../../../shared/stats/simple-indices';
import { tableFromRows } from '../../../../shared/stats/table';

const scale = { min: 1, max: 5 };

describe('ACSI index', () => {
  it('is (mean - 1) / 4 * 100 when every item has the same mean', () => {
    const input = { weights: { a: 0.4, b: 0.7 }, itemMeans: { a: 4, b: 4 }, itemSds: { a: 1, b: 0.5 } };
    expect(acsiIndex('C', input, scale)).toBeCloseTo(75, 12);
  });

  it('rescales standardized weights by the item sd before normalising', () => {
    // u = w / sd = [0.5/1, 0.5/0.5] = [0.5, 1] -> w~ = [1/3, 2/3]; index = (1/3*2 + 2/3*5 - 1)/4*100
    const input = { weights: { a: 0.5, b: 0.5 }, itemMeans: { a: 2, b: 5 }, itemSds: { a: 1, b: 0.5 } };
    const rel = relativeWeights('C', input);
    expect(rel.get('a')).toBeCloseTo(1 / 3, 14);
    expect(acsiIndex('C', input, scale)).toBeCloseTo(((2 / 3 + 10 / 3 - 1) / 4) * 100, 12);
  });

  it('refuses a negative weight with a message naming the item', () => {
    const input = { weights: { a: 0.9, b: -0.1 }, itemMeans: { a: 3, b: 3 }, itemSds: { a: 1, b: 1 } };
    expect(() => acsiIndex('TRUST', input, scale)).toThrow(/TRUST.*b.*positive/);
  });

  it('equals the mean of the per-row 0-100 scores', () => {
    const rows = [[1, 2], [3, 5], [4, 4], [5, 3], [2, 2]];
    const t = tableFromRows(['a', 'b'], rows);
    const mean = (k: number) => rows.reduce((s, r) => s + r[k]!, 0) / rows.length;
    const sd = (k: number) => Math.sqrt(rows.reduce((s, r) => s + (r[k]! - mean(k)) ** 2, 0) / (rows.length - 1));
    const input = { weights: { a: 0.6, b: 0.5 }, itemMeans: { a: mean(0), b: mean(1) }, itemSds: { a: sd(0), b: sd(1) } };
    const s = rescaledScores('C', input, t, scale);
    expect(s.reduce((x, y) => x + y, 0) / s.length).toBeCloseTo(acsiIndex('C', input, scale), 12);
  });
});

describe('IPMA', () => {
  it('importance of a single predictor is the OLS slope of the rescaled scores; chains multiply', () => {
    // X -> M -> Y with single-item constructs: rescaled scores are (x-1)/4*100.
    const rows = [[1, 2, 2], [2, 2, 3], [3, 4, 3], [4, 4, 5], [5, 5, 4], [2, 3, 3], [4, 3, 4]];
    const t = tableFromRows(['x', 'm', 'y'], rows);
    const one = (item: string, k: number) => {
      const m = rows.reduce((s, r) => s + r[k]!, 0) / rows.length;
      return { weights: { [item]: 1 }, itemMeans: { [item]: m }, itemSds: { [item]: 1 } };
    };
    const inputs = { X: one('x', 0), M: one('m', 1), Y: one('y', 2) };
    const slope = (a: number, b: number) => {
      const xa = rows.map((r) => r[a]!), xb = rows.map((r) => r[b]!);
      const ma = xa.reduce((s, v) => s + v, 0) / xa.length, mb = xb.reduce((s, v) => s + v, 0) / xb.length;
      let sxy = 0, sxx = 0;
      xa.forEach((v, i) => { sxy += (v - ma) * (xb[i]! - mb); sxx += (v - ma) ** 2; });
      return sxy / sxx;
    };
    const rowsOut = ipma('Y', [{ from: 'X', to: 'M' }, { from: 'M', to: 'Y' }], inputs, t, scale);
    const byName = Object.fromEntries(rowsOut.map((r) => [r.construct, r]));
    expect(byName.M!.importance).toBeCloseTo(slope(1, 2), 10);
    expect(byName.X!.importance).toBeCloseTo(slope(0, 1) * slope(1, 2), 10);
    expect(byName.X!.performance).toBeCloseTo(((rows.reduce((s, r) => s + r[0]!, 0) / rows.length - 1) / 4) * 100, 10);
  });
});

describe('simple indices', () => {
  it('Wilson interval matches R prop.test(correct=FALSE) bounds', () => {
    // Confirmed in R 4.2: print(prop.test(37, 50, correct = FALSE)$conf.int, digits = 15)
    //   -> 0.604468427351512 0.841284725064476 (the Wilson score interval)
    const w = wilson(37, 50);
    expect(w.low).toBeCloseTo(0.604468427351512, 12);
    expect(w.high).toBeCloseTo(0.841284725064476, 12);
  });

  it('summarizes an item ignoring missing values', () => {
    const s = summarizeItem('x', [5, 4, NaN, 2, 4], scale);
    expect(s.n).toBe(4);
    expect(s.mean).toBeCloseTo(3.75, 12);
    expect(s.top2.share).toBeCloseTo(0.75, 12);
  });
});
