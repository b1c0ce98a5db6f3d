// Frequency-weighted regression and loyalty model: integer weights against the data with each row repeated in place
// (every reported figure to 1e-12), non-integer weights against R's lm(weights = w) (test/fixtures/weights/wls.R).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readNumericCsv } from '../../../../shared/stats/read-csv';
import { regress } from '../../../../shared/stats/regression';
import { fitLoyaltyModel } from '../../../../shared/stats/loyalty';
import { loyaltyModel } from '../../../../shared/models';
import type { DataTable } from '../../../../shared/stats/table';
import { StatsInputError } from '../../../../shared/stats/errors';
import { expectClose } from './expect-close';

const table = readNumericCsv(readFileSync('test/fixtures/loyalty-likert.csv', 'utf8'), 'loyalty-likert.csv');
const wls = JSON.parse(readFileSync('test/fixtures/weights/wls.json', 'utf8')) as Record<string, number[] | number>;

/** Each row repeated w times in place (weight 0: dropped). */
function replicate(t: DataTable, w: readonly number[]): DataTable {
  const idx: number[] = [];
  w.forEach((k, i) => { for (let c = 0; c < k; c++) idx.push(i); });
  return { names: t.names, cols: t.cols.map((c) => Float64Array.from(idx, (i) => c[i]!)), n: idx.length };
}

/** Every number in `a` equals the one in `b` to rel 1e-12 (abs 1e-12 for values that are 0 up to rounding). */
function expectSameFigures(a: unknown, b: unknown, path = ''): void {
  if (typeof b === 'number') {
    expect(typeof a, path).toBe('number');
    if (Number.isNaN(b)) expect(a, path).toBeNaN();
    else if (Math.abs((a as number) - b) > 1e-12 * Math.abs(b) + 1e-12) expect.fail(`${path}: ${a as number} vs ${b}`);
  } else if (Array.isArray(b)) {
    expect((a as unknown[]).length, path).toBe(b.length);
    b.forEach((v, i) => expectSameFigures((a as unknown[])[i], v, `${path}[${i}]`));
  } else if (b && typeof b === 'object') {
    expect(Object.keys(a as object).sort(), path).toEqual(Object.keys(b).sort());
    for (const [k, v] of Object.entries(b)) expectSameFigures((a as Record<string, unknown>)[k], v, `${path}.${k}`);
  } else expect(a, path).toEqual(b);
}

const x = ['TAN1', 'REL1', 'RES1', 'ASR1', 'EMP1'];
const intWeights = Array.from({ length: table.n }, (_, i) => [1, 3, 0, 2, 1, 4][i % 6]!);

describe('regress with frequency weights', () => {
  it('integer weights = rows repeated in place: every figure to 1e-12 (rows of weight 0 absent)', () => {
    const weighted = regress(table, 'LOY1', x, { weights: intWeights });
    const repeated = regress(replicate(table, intWeights), 'LOY1', x);
    const { missing: _m, weights, ...figures } = weighted;
    const { missing: _r, ...reference } = repeated;
    expectSameFigures(figures, reference);
    expect(weighted.n).toBe(repeated.n);
    const excluded = weighted.missing.excludedRows;
    expect(excluded.length).toBeGreaterThan(0);
    expect(weights!.n).toBe(intWeights.filter((w, i) => w > 0 && !excluded.includes(i + 1)).length);
    expect(weights!.sum).toBe(repeated.n);
  });

  it('all-ones weights give the unweighted fit', () => {
    const ones = regress(table, 'LOY1', x, { weights: new Float64Array(table.n).fill(1) });
    const { weights, ...rest } = ones;
    expectSameFigures(rest, regress(table, 'LOY1', x));
    expect(weights).toMatchObject({ n: ones.n, sum: ones.n, nEffective: ones.n, deff: 1 });
  });

  it("matches R's lm(weights = w) with weights of mean 1 (wls.R)", () => {
    const { names } = table;
    const dims: Record<string, string[]> = { LOY: ['LOY1', 'LOY2', 'LOY3'], TAN: ['TAN1', 'TAN2', 'TAN3'], REL: ['REL1', 'REL2', 'REL3'],
      RES: ['RES1', 'RES2', 'RES3'], ASR: ['ASR1', 'ASR2'], EMP: ['EMP1', 'EMP2'] };
    const col = (nm: string) => table.cols[names.indexOf(nm)]!;
    const scores: DataTable = { names: Object.keys(dims), n: table.n,
      cols: Object.values(dims).map((it) => Float64Array.from({ length: table.n }, (_, i) => it.reduce((s, nm) => s + col(nm)[i]!, 0))) };
    const ids = wls.ids as number[];
    const byId = new Map(ids.map((id, k) => [id, k]));
    const weightsFor = (w: number[]) => Array.from(col('id'), (id) => (byId.has(id) ? w[byId.get(id)!]! : 1));
    const r = regress(scores, 'LOY', ['TAN', 'REL', 'RES', 'ASR', 'EMP'], { weights: weightsFor(wls.w as number[]) });
    r.coefficients.forEach((c, j) => {
      expectClose(c.b, (wls.b as number[])[j]!, 1e-12);
      expectClose(c.se, (wls.se as number[])[j]!, 1e-12);
      expectClose(c.t, (wls.t as number[])[j]!, 1e-12);
      expectClose(c.p, (wls.p as number[])[j]!, 1e-9);
    });
    expectClose(r.r2, wls.r2 as number, 1e-12);
    expectClose(r.adjR2, wls.adjR2 as number, 1e-12);
    expectClose(r.f, wls.f as number, 1e-12);
    expectClose(r.residualSE, wls.sigma as number, 1e-12);
    expectClose(r.n, 100, 1e-13);
    const ri = regress(scores, 'LOY', ['TAN', 'REL', 'RES', 'ASR', 'EMP'], { weights: weightsFor(wls.wInt as number[]) });
    ri.coefficients.forEach((c, j) => expectClose(c.b, (wls.bInt as number[])[j]!, 1e-12));
  });

  it('rejects bad weights naming the row', () => {
    const w = new Float64Array(table.n).fill(1);
    w[4] = -1;
    expect(() => regress(table, 'LOY1', x, { weights: w })).toThrow(/row 5: weight must be a finite number >= 0, got -1/);
    w[4] = NaN;
    expect(() => regress(table, 'LOY1', x, { weights: w })).toThrow(StatsInputError);
    w[4] = Infinity;
    expect(() => regress(table, 'LOY1', x, { weights: w })).toThrow(/row 5/);
    expect(() => regress(table, 'LOY1', x, { weights: [1, 2] })).toThrow(/2 weights for 103 rows/);
  });
});

describe('fitLoyaltyModel with frequency weights', () => {
  it('integer weights = rows repeated: the regression and the score descriptives to 1e-12', () => {
    const weighted = fitLoyaltyModel(loyaltyModel, table, { weights: intWeights });
    const repeated = fitLoyaltyModel(loyaltyModel, replicate(table, intWeights));
    const { missing: _m, weights: _w, ...figures } = weighted.regression;
    const { missing: _r, ...reference } = repeated.regression;
    expectSameFigures(figures, reference);
    weighted.dimensions.forEach((d, j) => expectSameFigures(d.score, repeated.dimensions[j]!.score));
    // the item analysis stays the sample's (unweighted)
    expect(weighted.dimensions[0]!.itemAnalysis).toEqual(fitLoyaltyModel(loyaltyModel, table).dimensions[0]!.itemAnalysis);
  });
});
