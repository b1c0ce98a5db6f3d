// Consistent PLS (PLSc) for "type": "reflective" constructs against seminr 2.3.1's reflective() (estimate_pls +
// summary), expected values from test/fixtures/plsc/plsc.R (Rscript test/fixtures/plsc/plsc.R from the repo root):
// mobi ECSI all reflective (seminr's own PLSc example), mobi mixed (composites of mode A and B beside reflective
// constructs), mobi with a product-indicator interaction and the factorial scheme, corp_rep simple and the corp_rep
// moderation model with its two-stage interaction (formative drivers, reflective outcomes). Every figure summary()
// reports, f² included (seminr re-estimates each reduced model with PLSc). Measured max |ours - seminr|: 3.6e-14
// (an item VIF of 31: 7.9e-13); paths, loadings, R², rhoC, AVE and total effects ≤ 5.3e-15.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePlsModel, type PlsModelInput, type PlsModelSpec } from '../../../../../shared/models/spec';
import { estimatePls, type PlsResult } from '../../../../../shared/stats/pls';
import { repeatRows, type DataTable } from '../../../../../shared/stats/table';
import { maxDeviation, referenceDeviations } from '../../../../helpers/pls-deviations';
import { at, loadCsv, loadReference, repoRoot, type RefMatrix, type ReferenceEstimate } from '../../../../helpers/reference';
import { mulberry32 } from '../../../../helpers/random';

const TOL = 1e-10;

interface PlscCase {
  data: string;
  missing_value: string | null;
  spec: PlsModelInput;
  estimate: ReferenceEstimate & { plsc_rhoA: Record<string, number>; plsc_correlations: RefMatrix };
}
const fixture = JSON.parse(readFileSync(path.join(repoRoot, 'test/fixtures/plsc/plsc.json'), 'utf8')) as { cases: Record<string, PlscCase> };
const CASES = Object.keys(fixture.cases);

function load(name: string): { spec: PlsModelSpec; data: DataTable; ref: PlscCase['estimate'] } {
  const c = fixture.cases[name]!;
  return { spec: parsePlsModel(c.spec, name), data: loadCsv(c.data, c.missing_value === null ? [] : [c.missing_value]), ref: c.estimate };
}

/** The same model with every construct a composite (plain PLS). */
function asComposite(spec: PlsModelSpec): PlsModelSpec {
  return { ...spec, constructs: Object.fromEntries(Object.entries(spec.constructs).map(([k, c]) => [k, { ...c, type: 'composite' as const }])) };
}

const path_ = (r: PlsResult, a: string, b: string) => r.paths.find((p) => p.from === a && p.to === b)!.estimate;

describe.each(CASES)('PLSc reproduces seminr reflective(): %s', (name) => {
  const { spec, data, ref } = load(name);
  const res = estimatePls(spec, data);
  const dev = referenceDeviations(res, ref);

  it.each([
    'weights', 'loadings', 'paths', 'r2', 'adjR2', 'alpha', 'rhoA', 'rhoC', 'AVE', 'htmt', 'fornellLarcker', 'vifAntecedents',
    'vifItems', 'fSquared', 'totalEffects', 'totalIndirect', 'crossLoadings', 'constructCorrelations', 'scores',
  ])('%s within 1e-10 (NA where seminr has NA)', (fig) => {
    expect(dev[fig], `${fig} not compared`).toBeDefined();
    expect(dev[fig]!).toBeLessThan(TOL);
  });

  it('iterations and the max deviation', () => {
    expect(res.iterations).toBe(ref.iterations);
    const m = maxDeviation(dev);
    console.info(`[plsc] ${name}: max |ours - seminr| = ${m.toExponential(2)}`);
    expect(m).toBeLessThan(TOL);
  });

  it("reports PLSc's rhoA and disattenuated construct correlations", () => {
    const c = res.consistent!;
    expect(c).toBeDefined();
    expect(c.reflective).toEqual(Object.entries(spec.constructs).filter(([, v]) => v.type === 'reflective').map(([k]) => k).filter((k) => res.constructs.includes(k)));
    for (const [k, v] of Object.entries(ref.plsc_rhoA)) expect(Math.abs(c.rhoA[k]! - v), k).toBeLessThan(TOL);
    for (const a of res.constructs) {
      for (const b of res.constructs) {
        expect(Math.abs(c.correlations.values[res.constructs.indexOf(a)]![res.constructs.indexOf(b)]! - at(ref.plsc_correlations, a, b))).toBeLessThan(TOL);
      }
    }
    expect(c.notes.length > 0).toBe(spec.interactions.length > 0);
  });

  it('changes paths and loadings, not weights or scores (against the same model estimated as composites)', () => {
    const plain = estimatePls(asComposite(spec), data);
    expect(plain.consistent).toBeUndefined();
    expect(res.weights).toEqual(plain.weights);
    expect(res.scores).toEqual(plain.scores);
    expect(res.htmt).toEqual(plain.htmt);
    const moved = res.paths.map((p, i) => Math.abs(p.estimate - plain.paths[i]!.estimate));
    expect(Math.max(...moved)).toBeGreaterThan(0.02);
    for (const l of res.loadings) {
      const p = plain.loadings.find((x) => x.item === l.item)!.estimate;
      if (!c(spec, l.construct)) expect(l.estimate, l.item).toBe(p);
      else if (res.items[l.construct]!.length > 1) expect(Math.abs(l.estimate - p), l.item).toBeGreaterThan(1e-4);
      else expect(Math.abs(l.estimate - 1), l.item).toBeLessThan(1e-14); // single item: 1 either way
    }
  });
});

const c = (spec: PlsModelSpec, k: string) => spec.constructs[k]?.type === 'reflective';

describe('PLSc details', () => {
  it('a composite model (type composite, or no type) is plain PLS, bit for bit', () => {
    const { spec, data } = load('mobi_ecsi_reflective');
    const composite = estimatePls(asComposite(spec), data);
    const rc = loadReference('mobi_ecsi'); // seminr's composite() ECSI model, type left out
    expect(Object.values(rc.spec.constructs).every((x) => x.type === 'composite')).toBe(true);
    const untyped = estimatePls(rc.spec, rc.data);
    expect(composite).toEqual(untyped);
    expect(maxDeviation(referenceDeviations(untyped, rc.json.estimate))).toBeLessThan(TOL);
  });

  it('the consistent loading is w sqrt(rhoA) / w\'w and the consistent path solves the disattenuated correlations', () => {
    const { spec, data } = load('mobi_ecsi_reflective');
    const res = estimatePls(spec, data);
    const w = res.weights.filter((x) => x.construct === 'Quality').map((x) => x.estimate);
    const ww = w.reduce((s, x) => s + x * x, 0);
    const rho = res.reliability.Quality!.rhoA;
    res.loadings.filter((x) => x.construct === 'Quality').forEach((l, i) => expect(l.estimate).toBeCloseTo((w[i]! * Math.sqrt(rho)) / ww, 14));
    // Value <- Expectation, Quality: 2 x 2 system on the disattenuated correlations
    const C = res.consistent!.correlations;
    const r = (a: string, b: string) => C.values[C.rows.indexOf(a)]![C.cols.indexOf(b)]!;
    const [e, q, v] = ['Expectation', 'Quality', 'Value'];
    const det = 1 - r(e!, q!) ** 2;
    expect(path_(res, e!, v!)).toBeCloseTo((r(e!, v!) - r(e!, q!) * r(q!, v!)) / det, 13);
    expect(path_(res, q!, v!)).toBeCloseTo((r(q!, v!) - r(e!, q!) * r(e!, v!)) / det, 13);
    expect(r(e!, q!)).toBeCloseTo(res.constructCorrelations.values[1]![2]! / Math.sqrt(res.reliability.Expectation!.rhoA * rho), 14);
  });

  it('with survey weights: integer weights equal the repeated rows (two-stage interaction model)', () => {
    const { spec, data } = load('corp_rep_moderation_reflective');
    const rnd = mulberry32(14);
    const weights = Float64Array.from({ length: data.n }, () => Math.floor(rnd() * 4)); // 0..3, some rows dropped
    const wres = estimatePls(spec, { ...data, weights });
    const rep = estimatePls(spec, repeatRows({ ...data, weights }));
    let worst = 0;
    const cmp = (a: number, b: number) => { worst = Math.max(worst, Number.isNaN(a) && Number.isNaN(b) ? 0 : Math.abs(a - b)); };
    wres.paths.forEach((p, i) => cmp(p.estimate, rep.paths[i]!.estimate));
    wres.loadings.forEach((p, i) => cmp(p.estimate, rep.loadings[i]!.estimate));
    for (const k of Object.keys(wres.rSquared)) { cmp(wres.rSquared[k]!.r2, rep.rSquared[k]!.r2); cmp(wres.rSquared[k]!.adjR2, rep.rSquared[k]!.adjR2); }
    for (const k of Object.keys(wres.reliability)) for (const f of ['rhoA', 'rhoC', 'ave'] as const) cmp(wres.reliability[k]![f], rep.reliability[k]![f]);
    wres.fSquared.values.forEach((row, i) => row.forEach((v, j) => cmp(v, rep.fSquared.values[i]![j]!)));
    wres.consistent!.correlations.values.forEach((row, i) => row.forEach((v, j) => cmp(v, rep.consistent!.correlations.values[i]![j]!)));
    expect(worst).toBeLessThan(1e-12);
    // and the weights matter: not the unweighted estimate
    const un = estimatePls(spec, data);
    expect(Math.abs(path_(wres, 'CUSA', 'CUSL') - path_(un, 'CUSA', 'CUSL'))).toBeGreaterThan(1e-3);
  });

  it('a reflective construct whose rhoA is not positive is refused, naming it', () => {
    // x1 = f + 2a, x2 = f - 2a: both load positively on what Y measures (f), but correlate negatively (about -0.6)
    // with each other, so w'(S - diag)w < 0 and rhoA < 0.
    const rnd = mulberry32(7);
    const n = 400;
    const g = () => { let s = 0; for (let k = 0; k < 12; k++) s += rnd(); return s - 6; };
    const cols: Float64Array[] = [new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n)];
    for (let r = 0; r < n; r++) {
      const f = g(), a = g();
      cols[0]![r] = f + 2 * a;
      cols[1]![r] = f - 2 * a;
      cols[2]![r] = f + 0.5 * g();
      cols[3]![r] = f + 0.5 * g();
    }
    const data: DataTable = { names: ['x1', 'x2', 'y1', 'y2'], cols, n };
    const spec = parsePlsModel({
      constructs: { X: { items: ['x1', 'x2'], type: 'reflective' }, Y: { items: ['y1', 'y2'], type: 'reflective' } },
      paths: [{ from: 'X', to: 'Y' }],
    });
    const plain = estimatePls(asComposite(spec), data);
    expect(plain.reliability.X!.rhoA).toBeLessThan(0);
    expect(() => estimatePls(spec, data)).toThrow(/construct 'X': rhoA = -[0-9.e-]+ is not positive/);
  });
});
