// regress() as R's lm / summary.lm in the cases issue 14 asks for: without an intercept (uncentred R², F and
// ANOVA), an aliased predictor (NA coefficient, the fit of the remaining columns, the later of dependent columns
// dropped), a constant predictor, an exact fit (computed and warned about), frequency weights, and the small fits
// lm answers (rows checked against the rank after aliasing; n = rank: no residual df). Expected values:
// test/fixtures/cli-options/regress.json, written by test/fixtures/cli-options/regress.R (base R 4.2.2) from
// regress-data.csv; the weighted cases are lm on the rows repeated weight times (what frequency weights mean).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNumericCsv } from '../../../../shared/stats/read-csv';
import { regress, type RegressionResult } from '../../../../shared/stats/regression';
import { repoRoot } from '../../../helpers/reference';

const dir = path.join(repoRoot, 'test/fixtures/cli-options');
const data = readNumericCsv(readFileSync(path.join(dir, 'regress-data.csv'), 'utf8'), 'regress-data.csv', {
  columns: ['y', 'x1', 'x2', 'x3', 'c3', 'yexact', 'yexact0', 'w', 'x4'],
});
const w = data.cols[data.names.indexOf('w')]!;

interface RCase {
  names: string[]; coef: (number | null)[] | number; se: Record<string, number | null> | number; t: Record<string, number | null> | number;
  p: Record<string, number | null> | number; aliased: string[] | string; rank: number; df_residual: number;
  r2: number; adj_r2: number; sigma: number; f: number | null; f_numdf: number | null; f_dendf: number | null; f_p: number | null;
  ss_regression: number; ss_residual: number; ss_total: number; vif: Record<string, number | null>; bp_koenker: number | null; warnings: string[] | string;
}
const ref = JSON.parse(readFileSync(path.join(dir, 'regress.json'), 'utf8')) as {
  cases: Record<string, RCase> & { weighted_lm_weights_coef: number[]; zero_df_printed: string };
};
/** The first m rows of the data (R: d[1:m, ]). */
const head = (m: number) => ({ names: data.names, cols: data.cols.map((c) => c.slice(0, m)), n: m });
const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);
/** R's name of a coefficient in ours. */
const rName = (name: string) => (name === '(Constant)' ? '(Intercept)' : name);

let maxDiff = 0;
function close(got: number, want: number, rel: number, label: string): void {
  const d = Math.abs(got - want);
  maxDiff = Math.max(maxDiff, d / Math.max(1, Math.abs(want)));
  if (!(d <= rel * Math.max(1, Math.abs(want)))) expect.fail(`${label}: ${got} vs R ${want} (diff ${d})`);
}

/** Every figure R gives, to a relative 1e-9 (coefficient-level figures, R², F, SS, VIF, Breusch-Pagan). */
function compare(r: RegressionResult, e: RCase, opts: { exact?: boolean } = {}): void {
  const names = list(e.names);
  const coef = list(e.coef);
  expect(r.coefficients.map((c) => rName(c.name))).toEqual(names);
  expect(r.aliased).toEqual(list(e.aliased));
  names.forEach((nm, j) => {
    const c = r.coefficients[j]!;
    const want = coef[j];
    if (want === null) {
      for (const v of [c.b, c.se, c.t, c.p]) expect(v).toBeNaN();
      return;
    }
    close(c.b, want!, 1e-9, `${nm} b`);
    if (opts.exact) return; // SEs, t and p of an exact fit are rounding noise (in R too)
    const at = (v: RCase['se']) => (typeof v === 'number' ? v : v[nm]!);
    close(c.se, at(e.se)!, 1e-9, `${nm} se`);
    close(c.t, at(e.t)!, 1e-9, `${nm} t`);
    close(c.p, at(e.p)!, 1e-9, `${nm} p`);
  });
  close(r.r2, e.r2, 1e-9, 'R²');
  if (opts.exact) return;
  close(r.adjR2, e.adj_r2, 1e-9, 'adjusted R²');
  close(r.residualSE, e.sigma, 1e-9, 'sigma');
  close(r.f, e.f!, 1e-9, 'F');
  close(r.fP, e.f_p!, 1e-9, 'F p');
  expect([r.df.regression, r.df.residual]).toEqual([e.f_numdf, e.f_dendf]);
  expect(r.df.residual).toBe(e.df_residual);
  close(r.anova.regression.sumSq, e.ss_regression, 1e-9, 'SS regression');
  close(r.anova.residual.sumSq, e.ss_residual, 1e-9, 'SS residual');
  close(r.anova.total.sumSq, e.ss_total, 1e-9, 'SS total');
  for (const [x, v] of Object.entries(e.vif)) {
    if (v === null) expect(r.vif[x]).toBeNaN();
    else close(r.vif[x]!, v, 1e-9, `VIF ${x}`);
  }
  close(r.breuschPagan!.statistic, e.bp_koenker!, 1e-8, 'Breusch-Pagan');
  expect(r.warnings).toEqual(list(e.aliased).map((a) => expect.stringContaining(`predictor '${a}'`)));
}

const cases = ref.cases;

describe('regress without an intercept (lm(y ~ 0 + x))', () => {
  it('two predictors: uncentred R², adjusted R², F(2, n - 2), ANOVA total = Σy², df total = n', () => {
    const r = regress(data, 'y', ['x1', 'x2'], { intercept: false });
    compare(r, cases.no_intercept);
    expect(r.intercept).toBe(false);
    expect(r.df.total).toBe(40);
    expect(r.anova.total.df).toBe(40);
    const y = data.cols[0]!;
    close(r.anova.total.sumSq, y.reduce((s, v) => s + v * v, 0), 1e-12, 'Σy²');
  });
  it('one predictor', () => compare(regress(data, 'y', ['x1'], { intercept: false }), cases.no_intercept_one));
  it('with an intercept, as before', () => {
    const r = regress(data, 'y', ['x1', 'x2']);
    compare(r, cases.intercept);
    expect(r.intercept).toBe(true);
    expect(r.df.total).toBe(39);
  });
  it('a constant predictor is the intercept in disguise: fine without one', () => {
    compare(regress(data, 'y', ['x1', 'c3'], { intercept: false }), cases.constant_no_intercept);
  });
});

describe('aliased predictors (R: coefficient NA, the fit of the other columns)', () => {
  it('x3 = x1 + x2 after x1, x2: x3 is NA', () => compare(regress(data, 'y', ['x1', 'x2', 'x3']), cases.aliased));
  it('without an intercept', () => compare(regress(data, 'y', ['x1', 'x2', 'x3'], { intercept: false }), cases.aliased_no_intercept));
  it('the later of the dependent columns is dropped: x3, x1, x2 gives x2 NA', () => {
    const r = regress(data, 'y', ['x3', 'x1', 'x2']);
    compare(r, cases.aliased_order);
    expect(r.warnings[0]).toMatch(/^predictor 'x2' is aliased: a linear combination of x3, x1; its coefficient is NA/);
    expect(r.coefficients[3]!.beta).toBeNaN();
    expect(r.tolerance.x2).toBeNaN();
  });
  it('a constant predictor with an intercept is NA', () => {
    const r = regress(data, 'y', ['x1', 'c3']);
    compare(r, cases.constant);
    expect(r.warnings[0]).toMatch(/predictor 'c3' is constant \(aliased with the intercept\)/);
  });
  it('a zero column is aliased; all-zero predictors without an intercept are refused', () => {
    const t = { names: ['y', 'x', 'z'], cols: [Float64Array.from([1, 3, 2, 5]), Float64Array.from([1, 2, 3, 4]), new Float64Array(4)], n: 4 };
    expect(regress(t, 'y', ['x', 'z'], { intercept: false }).warnings[0]).toMatch(/^predictor 'z' is 0 on every row; its coefficient is NA/);
    expect(() => regress(t, 'y', ['z'], { intercept: false })).toThrow(/every predictor is 0 on every row/);
  });
  it('JSON: the NA coefficient is null', () => {
    const json = JSON.parse(JSON.stringify(regress(data, 'y', ['x1', 'x2', 'x3'])));
    expect(json.coefficients[3]).toEqual({ name: 'x3', b: null, se: null, beta: null, t: null, p: null });
    expect(json.vif.x3).toBeNull();
  });
});

describe('an exact fit is computed and warned about (R: "essentially perfect fit: summary may be unreliable")', () => {
  for (const [name, y, intercept] of [['exact', 'yexact', true], ['exact_no_intercept', 'yexact0', false]] as const) {
    it(`${name}: coefficients and R² = 1 as R, the warning, no residual tests`, () => {
      const e = cases[name];
      expect(list(e.warnings)).toEqual(['essentially perfect fit: summary may be unreliable']);
      const r = regress(data, y, ['x1', 'x2'], { intercept });
      compare(r, e, { exact: true });
      expect(r.warnings).toEqual([expect.stringMatching(new RegExp(`^essentially perfect fit of '${y}': summary may be unreliable`))]);
      expect(r.durbinWatson).toBeNaN();
      expect(r.breuschPagan).toBeNull();
      expect(r.glejser).toBeNull();
    });
  }
  it('residuals at rounding level (y = 2·x on integers) do not throw', () => {
    const t = { names: ['y', 'x'], cols: [Float64Array.from([2, 4, 6, 8, 10]), Float64Array.from([1, 2, 3, 4, 5])], n: 5 };
    const r = regress(t, 'y', ['x'], { intercept: false });
    close(r.coefficients[0]!.b, 2, 1e-14, 'b');
    close(r.r2, 1, 1e-14, 'R²');
    expect(r.warnings[0]).toMatch(/essentially perfect fit/);
  });
});

describe('few rows: checked against the rank after aliasing; n = rank is fitted without residual df (as lm)', () => {
  it('4 rows, (Constant) + x1 + x2 + x4 with x4 = x1 + 2·x2 aliased: rank 3, 1 residual df, every figure as R', () => {
    const r = regress(head(4), 'y', ['x1', 'x2', 'x4']);
    compare(r, cases.small_aliased);
    expect(r.df.residual).toBe(1);
  });
  const noDf: [string, number, string[], boolean][] = [
    ['zero_df', 3, ['x1', 'x2'], true],
    ['zero_df_aliased', 3, ['x1', 'x2', 'x4'], true],
    ['zero_df_no_intercept', 2, ['x1', 'x2'], false],
    ['zero_df_wide', 2, ['x1', 'x2', 'x4'], true], // more columns than rows: x2 and x4 aliased
  ];
  for (const [name, m, x, intercept] of noDf) {
    it(`${name}: ${m} rows, coefficients as R, SE/t/p/sigma/adjusted R²/F NaN, a warning`, () => {
      const e = cases[name];
      expect(e.df_residual).toBe(0);
      const r = regress(head(m), 'y', x, { intercept });
      const names = list(e.names);
      expect(r.coefficients.map((c) => rName(c.name))).toEqual(names);
      expect(r.aliased).toEqual(list(e.aliased));
      names.forEach((nm, j) => {
        const c = r.coefficients[j]!;
        const want = list(e.coef)[j];
        if (want === null) expect(c.b).toBeNaN();
        else close(c.b, want!, 1e-9, `${nm} b`);
        // R: NA (NaN) where rss is exactly 0, Inf / NaN where it is rounding noise over 0 df: undefined either way
        expect(typeof e.se === 'number' ? e.se : e.se[nm]).toBeNull();
        for (const v of [c.se, c.t, c.p]) expect(v).toBeNaN();
      });
      close(r.r2, e.r2, 1e-9, 'R²');
      expect([e.adj_r2, e.sigma, e.f, e.f_p]).toEqual([null, null, null, null]);
      for (const v of [r.adjR2, r.residualSE, r.f, r.fP, r.anova.residual.meanSq, r.critical.t, r.critical.f, r.durbinWatson]) expect(v).toBeNaN();
      expect([r.df.regression, r.df.residual]).toEqual([e.f_numdf, e.f_dendf]);
      close(r.anova.regression.sumSq, e.ss_regression, 1e-9, 'SS regression');
      close(r.anova.residual.sumSq, e.ss_residual, 1e-9, 'SS residual');
      expect(r.breuschPagan).toBeNull();
      expect(r.glejser).toBeNull();
      if (intercept) {
        for (const [v, want] of Object.entries(e.vif)) {
          if (want === null) expect(r.vif[v]).toBeNaN();
          else close(r.vif[v]!, want, 1e-9, `VIF ${v}`);
        }
      }
      expect(r.warnings).toEqual([
        ...list(e.aliased).map((a) => expect.stringContaining(`predictor '${a}'`)),
        expect.stringMatching(new RegExp(`^no residual degrees of freedom: ${m} rows for ${m} coefficients, so the fit of 'y' is exact`)),
      ]);
    });
  }
  it('R prints the same condition', () => expect(ref.cases.zero_df_printed).toBe('ALL 3 residuals are 0: no residual degrees of freedom!'));
  it('frequency weights summing below the rank are refused (rows alone never fall below it)', () => {
    expect(() => regress(head(4), 'y', ['x1', 'x2', 'x4'], { weights: [0.5, 0.5, 0.5, 0.5] })).toThrow(/too few complete rows: n = 2 for 3 coefficients \(after the aliased ones\)/);
  });
});

describe('frequency weights = the rows repeated (lm on the repeated data)', () => {
  it('with an intercept', () => compare(regress(data, 'y', ['x1', 'x2'], { weights: w }), cases.weighted));
  it('without an intercept', () => {
    const r = regress(data, 'y', ['x1', 'x2'], { weights: w, intercept: false });
    compare(r, cases.weighted_no_intercept);
    // and R's lm(weights = w) has the same coefficients
    r.coefficients.forEach((c, j) => close(c.b, ref.cases.weighted_lm_weights_coef[j]!, 1e-9, `lm(weights) ${c.name}`));
  });
  it('aliased, without an intercept', () => {
    compare(regress(data, 'y', ['x1', 'x2', 'x3'], { weights: w, intercept: false }), cases.weighted_aliased_no_intercept);
  });
  it('largest relative difference from R over all cases is tiny', () => {
    expect(maxDiff).toBeLessThan(1e-9);
  });
});

describe('the loyalty model and the pipeline with an aliased dimension', () => {
  it('fitLoyaltyModel: NaN coefficient for the duplicate dimension, the rest as without it; recomputeUnit: status ok with the reason', async () => {
    const { cleanDrop, defaultInstrument, formatCleanHeader, formatCleanRow, simulateDrops } = await import('../../../../shared/survey');
    const { frameFromCleanCsv } = await import('../../../../shared/assess/frame');
    const { contextFromInstrument, recomputeUnit } = await import('../../../../shared/assess/recompute');
    const { fitLoyaltyModel } = await import('../../../../shared/stats/loyalty');
    const { loyaltyModel } = await import('../../../../shared/models');
    const sim = simulateDrops({ seed: 5, branches: 1, periods: '2025-Q1', n: 150, format: 'plain' });
    const d = sim.drops[0]!;
    let text = formatCleanHeader(defaultInstrument);
    await cleanDrop(d.text, { instrument: defaultInstrument, source: d.file, onClean: (r) => { text += formatCleanRow(defaultInstrument, r); }, onReject: () => {} });
    const frame = frameFromCleanCsv([{ text, source: d.file }], defaultInstrument);
    // DUP's sum score is ASR's: aliased, the later of the two
    const asr = loyaltyModel.predictors.find((p) => p.name === 'ASR')!;
    const spec = { ...loyaltyModel, predictors: [...loyaltyModel.predictors, { name: 'DUP', items: [...asr.items] }] };
    const fit = fitLoyaltyModel(spec, frame.items);
    const plain = fitLoyaltyModel(loyaltyModel, frame.items);
    expect(fit.regression.aliased).toEqual(['DUP']);
    expect(fit.regression.coefficients.at(-1)!.b).toBeNaN();
    plain.regression.coefficients.forEach((c, j) => close(fit.regression.coefficients[j]!.b, c.b, 1e-12, c.name));
    close(fit.regression.r2, plain.regression.r2, 1e-12, 'R²');
    const ctx = { ...contextFromInstrument(defaultInstrument, { kind: 'branch', id: 'BR01' }, '2025-Q1'), loyalty: spec };
    const settings = { nboot: 20, seed: 7, minN: 30, alpha: 0.05, workers: 1, bca: false, permutations: 0, restRows: 2000 };
    const r = await recomputeUnit(frame, ctx, settings);
    expect(r.status.loyalty.state).toBe('ok');
    expect(r.status.loyalty.reason).toMatch(/^predictor 'DUP' is aliased: a linear combination of .*ASR.*; its coefficient is NA/);
    expect(JSON.parse(JSON.stringify(r.loyalty!.regression.coefficients.at(-1)))).toMatchObject({ name: 'DUP', b: null });
  }, 60_000);
});
