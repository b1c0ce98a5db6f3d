// `satmon regress --no-intercept`, an aliased predictor and an exact fit, run in-process (no build), against R's lm
// (test/fixtures/cli-options/regress.json from regress.R): the JSON's figures, the warnings on stderr, and the table
// (Uncentered Total, the through-the-origin footnote, NA for the aliased coefficient) in English.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run as regress } from '../../../cli/commands/regress';
import { repoRoot } from '../../helpers/reference';

const dir = path.join(repoRoot, 'test/fixtures/cli-options');
const DATA = path.join(dir, 'regress-data.csv');
const ref = JSON.parse(readFileSync(path.join(dir, 'regress.json'), 'utf8')).cases;

let out = '';
let err = '';
beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => { out += String(s); return true; });
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => { err += String(s); return true; });
});
afterEach(() => { vi.restoreAllMocks(); vi.unstubAllEnvs(); });

const close = (got: number, want: number, label: string) => {
  if (!(Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)))) expect.fail(`${label}: ${got} vs R ${want}`);
};

describe('satmon regress --no-intercept', () => {
  it("JSON: lm(y ~ 0 + x1 + x2)'s coefficients, R², adjusted R², F and df", async () => {
    await regress(['--data', DATA, '--y', 'y', '--x', 'x1,x2', '--no-intercept']);
    const r = JSON.parse(out);
    const e = ref.no_intercept;
    expect(r.intercept).toBe(false);
    expect(r.coefficients.map((c: { name: string }) => c.name)).toEqual(['x1', 'x2']);
    r.coefficients.forEach((c: { name: string; b: number; se: number }, j: number) => {
      close(c.b, e.coef[j], `b ${c.name}`);
      close(c.se, e.se[c.name], `se ${c.name}`);
    });
    close(r.r2, e.r2, 'R²');
    close(r.adjR2, e.adj_r2, 'adjusted R²');
    close(r.f, e.f, 'F');
    expect(r.df).toEqual({ regression: 2, residual: 38, total: 40 });
    expect(r.warnings).toEqual([]);
    expect(err).toBe('');
  });

  it('table: no (Constant) row, Uncentered Total, the through-the-origin footnote', async () => {
    vi.stubEnv('SATMON_LOCALE', 'en');
    await regress(['--data', DATA, '--y', 'y', '--x', 'x1,x2', '--no-intercept', '--format', 'table']);
    expect(out).toMatch(/^a\. Predictors: x1, x2$/m);
    expect(out).toMatch(/^Regression through the origin \(no constant\)/m);
    expect(out).toMatch(/^ {2}Uncentered Total\s+757\.736\s+40$/m);
    expect(out).toMatch(/^1 x1\s+0\.859\s+0\.061/m);
    expect(out).not.toMatch(/^1 \(Constant\)/m); // (the Glejser auxiliary regression keeps its constant)
  });
});

describe('satmon regress: aliased predictor and exact fit', () => {
  it('an aliased predictor: null in the JSON, NA in the table, a warning naming it on stderr', async () => {
    await regress(['--data', DATA, '--y', 'y', '--x', 'x1,x2,x3']);
    const r = JSON.parse(out);
    expect(r.aliased).toEqual(['x3']);
    expect(r.coefficients[3]).toEqual({ name: 'x3', b: null, se: null, beta: null, t: null, p: null });
    close(r.coefficients[1].b, ref.aliased.coef[1], 'b x1');
    close(r.r2, ref.aliased.r2, 'R²');
    expect(r.df.regression).toBe(2);
    expect(err).toMatch(/^satmon regress: warning: predictor 'x3' is aliased: a linear combination of x1, x2; its coefficient is NA/);
    out = '';
    vi.stubEnv('SATMON_LOCALE', 'en');
    await regress(['--data', DATA, '--y', 'y', '--x', 'x1,x2,x3', '--format', 'table']);
    expect(out).toMatch(/^ {2}x3\s+NA\s+NA\s+NA\s+NA\s+NA\s*$/m);
  });

  it('an exact fit: computed, warned about, no Durbin-Watson', async () => {
    await regress(['--data', DATA, '--y', 'yexact', '--x', 'x1,x2']);
    const r = JSON.parse(out);
    ref.exact.coef.forEach((b: number, j: number) => close(r.coefficients[j].b, b, `b ${j}`));
    close(r.r2, 1, 'R²');
    expect(r.durbinWatson).toBeNull();
    expect(r.breuschPagan).toBeNull();
    expect(err).toMatch(/^satmon regress: warning: essentially perfect fit of 'yexact': summary may be unreliable/);
  });
});
