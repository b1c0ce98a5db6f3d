// Smoke test of the built-in satisfaction model (shared/models/satisfaction.json) on seeded synthetic survey data
// with a known structure: it must estimate, converge and recover the signs and rough sizes of the true effects.
import { describe, expect, it } from 'vitest';
import { satisfactionModel } from '../../../../../shared/models';
import { createPlsEstimator, estimatePls } from '../../../../../shared/stats/pls';
import type { DataTable } from '../../../../../shared/stats/table';
import { mulberry32 } from '../../../../helpers/random';


/**
 * Latent scores: CRM, SQ, GOV standard normal (CRM-SQ correlated .3); TRUST = .45 CRM + .35 SQ + e;
 * SAT = .2 CRM + .15 SQ + .4 TRUST + .15 GOV + .2 TRUST*GOV + e. Items = .8 latent + .6 noise, cut to a 1-5 scale.
 * A few cells are missing (NaN) to exercise mean replacement.
 */
function syntheticSurvey(n: number, seed: number): DataTable {
  const rnd = mulberry32(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const latent: Record<string, number[]> = { CRM: [], SQ: [], GOV: [], TRUST: [], SAT: [] };
  for (let r = 0; r < n; r++) {
    const crm = normal();
    const sq = 0.3 * crm + Math.sqrt(1 - 0.09) * normal();
    const gov = normal();
    const trust = 0.45 * crm + 0.35 * sq + 0.7 * normal();
    const sat = 0.2 * crm + 0.15 * sq + 0.4 * trust + 0.15 * gov + 0.2 * trust * gov + 0.6 * normal();
    latent.CRM!.push(crm); latent.SQ!.push(sq); latent.GOV!.push(gov); latent.TRUST!.push(trust); latent.SAT!.push(sat);
  }
  const names: string[] = [];
  const cols: Float64Array[] = [];
  for (const [construct, spec] of Object.entries(satisfactionModel.constructs)) {
    const xi = latent[construct]!;
    const m = xi.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(xi.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1));
    for (const item of spec.items) {
      names.push(item);
      cols.push(Float64Array.from(xi, (v) => {
        const x = (0.8 * (v - m)) / sd + 0.6 * normal();
        const likert = Math.min(5, Math.max(1, Math.round(3 + 1.1 * x)));
        return rnd() < 0.01 ? NaN : likert;
      }));
    }
  }
  return { names, cols, n };
}

describe('built-in satisfaction model on synthetic data', () => {
  const data = syntheticSurvey(400, 2024);
  const res = estimatePls(satisfactionModel, data);
  const path = (a: string, b: string) => res.paths.find((p) => p.from === a && p.to === b)!.estimate;

  it('estimates and converges, in seminr construct order', () => {
    expect(res.converged).toBe(true);
    expect(res.iterations).toBeLessThan(20);
    expect(res.constructs).toEqual(['CRM', 'SQ', 'TRUST', 'GOV', 'TRUST*GOV', 'SAT']);
    expect(res.endogenous).toEqual(['TRUST', 'SAT']);
    expect(res.items['TRUST*GOV']).toEqual(['TRUST*GOV_intxn']);
    expect(res.missing.cellsMissing).toBeGreaterThan(0);
    expect(res.n).toBe(400);
  });

  it('recovers the structure: signs and rough sizes of the paths, good measurement', () => {
    expect(path('CRM', 'TRUST')).toBeGreaterThan(0.3);
    expect(path('SQ', 'TRUST')).toBeGreaterThan(0.2);
    expect(path('TRUST', 'SAT')).toBeGreaterThan(0.25);
    expect(path('GOV', 'SAT')).toBeGreaterThan(0.05);
    expect(path('TRUST*GOV', 'SAT')).toBeGreaterThan(0.05);
    expect(res.rSquared.TRUST!.r2).toBeGreaterThan(0.3);
    expect(res.rSquared.SAT!.r2).toBeGreaterThan(0.4);
    for (const c of ['CRM', 'SQ', 'TRUST', 'GOV', 'SAT']) {
      expect(res.reliability[c]!.alpha).toBeGreaterThan(0.7);
      expect(res.reliability[c]!.rhoC).toBeGreaterThan(0.8);
      for (const l of res.loadings.filter((x) => x.construct === c)) expect(l.estimate).toBeGreaterThan(0.5);
    }
    for (const h of res.htmt.filter((x) => !x.a.includes('*') && !x.b.includes('*'))) expect(h.value).toBeLessThan(0.85);
  });

  it('reports the indirect effects through TRUST and the f² seminr reports', () => {
    const crm = res.specificIndirect.find((e) => e.from === 'CRM' && e.to === 'SAT')!;
    expect(crm.through).toEqual(['TRUST']);
    expect(crm.estimate).toBeCloseTo(path('CRM', 'TRUST') * path('TRUST', 'SAT'), 15);
    expect(res.specificIndirect.map((e) => `${e.from}>${e.through.join('>')}>${e.to}`)).toEqual(['CRM>TRUST>SAT', 'SQ>TRUST>SAT']);
    const f2 = (a: string, b: string) => res.fSquared.values[res.constructs.indexOf(a)]![res.constructs.indexOf(b)]!;
    expect(f2('TRUST', 'SAT')).toBeNaN(); // components of TRUST*GOV, as seminr
    expect(f2('GOV', 'SAT')).toBeNaN();
    expect(f2('CRM', 'TRUST')).toBeGreaterThan(0);
    expect(f2('TRUST*GOV', 'SAT')).toBeGreaterThan(0);
  });

  it('the bootstrap estimator agrees with estimatePls', () => {
    const est = createPlsEstimator(satisfactionModel);
    const v = est.estimate(data);
    est.layout.forEach((p, k) => {
      if (p.kind === 'path') expect(v[k]).toBeCloseTo(path(p.from, p.to), 13);
      if (p.kind === 'weight') expect(v[k]).toBeCloseTo(res.weights.find((w) => w.item === p.from)!.estimate, 13);
    });
  });
});
