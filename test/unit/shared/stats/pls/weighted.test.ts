// Weighted PLS-SEM (survey weights read as frequency weights): the identity that defines it. With integer weights
// every figure of estimatePls equals estimatePls on the table with each row repeated weight times (to 1e-12,
// relative where a value is large), for plain, two-stage / product-indicator / orthogonal interaction models, mean
// replacement and listwise deletion; weights all 1 give today's unweighted result bit for bit, weights all c the
// same standardized figures.
import { describe, expect, it } from 'vitest';
import { parsePlsModel, type PlsModelSpec } from '../../../../../shared/models/spec';
import { satisfactionModel } from '../../../../../shared/models';
import { estimatePls, type PlsResult, type PlsOptions } from '../../../../../shared/stats/pls';
import { repeatRows, type DataTable } from '../../../../../shared/stats/table';
import { mulberry32 } from '../../../../helpers/random';
import { intWeights, withHoles } from '../../../../helpers/weights';
import { loadReference } from '../../../../helpers/reference';



/** Walks two results; numbers must agree to tol (relative above 1), NaN with NaN; other leaves exactly. */
function deviations(a: unknown, b: unknown, at: string, out: string[], tol = 1e-12): void {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) { if (!(Number.isNaN(a) && Number.isNaN(b))) out.push(`${at}: ${a} vs ${b}`); return; }
    if (Math.abs(a - b) > tol * Math.max(1, Math.abs(a), Math.abs(b))) out.push(`${at}: ${a} vs ${b} (diff ${Math.abs(a - b).toExponential(2)})`);
    return;
  }
  if (a instanceof Float64Array || b instanceof Float64Array) {
    deviations(Array.from(a as Float64Array), Array.from(b as Float64Array), at, out, tol);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) { out.push(`${at}: length ${a.length} vs ${b.length}`); return; }
    a.forEach((x, i) => deviations(x, b[i], `${at}[${i}]`, out, tol));
    return;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort(), kb = Object.keys(b).sort();
    if (ka.join() !== kb.join()) { out.push(`${at}: keys ${ka.join()} vs ${kb.join()}`); return; }
    for (const k of ka) deviations((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`, out, tol);
    return;
  }
  if (a !== b) out.push(`${at}: ${String(a)} vs ${String(b)}`);
}

/** Everything but the row-level parts (n, weighting, scores), which the identity maps differently. */
function figures(r: PlsResult): Omit<PlsResult, 'n' | 'weighting' | 'scores'> {
  const { n: _n, weighting: _w, scores: _s, ...rest } = r;
  return rest;
}

/** The weighted estimate against the repeated rows, scores included (row r <-> each of its copies). */
function checkIdentity(spec: PlsModelSpec, data: DataTable, weights: Float64Array, opts: PlsOptions = {}): { w: PlsResult; rep: PlsResult } {
  const weighted = { ...data, weights };
  const w = estimatePls(spec, weighted, opts);
  const rep = estimatePls(spec, repeatRows(weighted), opts);
  const dev: string[] = [];
  deviations(figures(w), figures(rep), 'result', dev);
  expect(dev.slice(0, 10)).toEqual([]);
  expect(w.weighting!.sumWeights).toBe(rep.n);

  // scores: the weighted result has a row per kept data row; the repeated one a row per kept copy
  const items = spec.constructs ? Object.values(spec.constructs).flatMap((c) => c.items) : [];
  const cols = items.map((it) => data.cols[data.names.indexOf(it)]!);
  const kept: number[] = [];
  for (let r = 0; r < data.n; r++) if (opts.missing !== 'listwise' || cols.every((c) => c[r] === c[r])) kept.push(r);
  expect(w.scores.n).toBe(kept.length);
  let copy = 0;
  kept.forEach((r, k) => {
    for (let j = 0; j < w.scores.cols.length; j++) {
      const a = w.scores.cols[j]![k]!;
      if (weights[r] === 0) { expect(a).toBeNaN(); continue; }
      for (let c = 0; c < weights[r]!; c++) {
        const b = rep.scores.cols[j]![copy + c]!;
        if (Math.abs(a - b) > 1e-12 * Math.max(1, Math.abs(a))) dev.push(`score ${r},${j}: ${a} vs ${b}`);
      }
    }
    copy += weights[r]!;
  });
  expect(copy).toBe(rep.scores.n);
  expect(dev.slice(0, 10)).toEqual([]);
  return { w, rep };
}

const ecsi = loadReference('mobi_ecsi');
const twoStage = loadReference('mobi_two_stage');
const moderation = loadReference('corp_rep_moderation');

function interactionModel(method: 'two-stage' | 'product-indicator' | 'orthogonal'): PlsModelSpec {
  return parsePlsModel({ ...twoStage.spec, interactions: twoStage.spec.interactions.map((i) => ({ ...i, method })) });
}

/** The satisfaction model's items on a 1-5 scale from a seeded latent structure with a TRUST x GOV effect. */
function satisfactionSurvey(n: number, seed: number): DataTable {
  const rnd = mulberry32(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const lat: Record<string, number[]> = { CRM: [], SQ: [], GOV: [], TRUST: [], SAT: [] };
  for (let r = 0; r < n; r++) {
    const crm = normal(), sq = 0.3 * crm + 0.95 * normal(), gov = normal();
    const trust = 0.45 * crm + 0.35 * sq + 0.7 * normal();
    lat.CRM!.push(crm); lat.SQ!.push(sq); lat.GOV!.push(gov); lat.TRUST!.push(trust);
    lat.SAT!.push(0.2 * crm + 0.15 * sq + 0.4 * trust + 0.15 * gov + 0.2 * trust * gov + 0.6 * normal());
  }
  const names: string[] = [], cols: Float64Array[] = [];
  for (const [c, spec] of Object.entries(satisfactionModel.constructs)) {
    for (const item of spec.items) {
      names.push(item);
      cols.push(Float64Array.from(lat[c]!, (v) => Math.min(5, Math.max(1, Math.round(3 + 1.1 * (0.8 * v + 0.6 * normal()))))));
    }
  }
  return { names, cols, n };
}

describe('weighted estimatePls = the rows repeated (integer weights 1..3)', () => {
  const mobiHoles = withHoles(ecsi.data, 0.02, 7);
  const cases: [string, PlsModelSpec, DataTable, PlsOptions][] = [
    ['mobi ECSI', ecsi.spec, ecsi.data, {}],
    ['mobi ECSI, 2% missing, mean replacement', ecsi.spec, mobiHoles, {}],
    ['mobi ECSI, 2% missing, listwise', ecsi.spec, mobiHoles, { missing: 'listwise' }],
    ['mobi ECSI, factorial scheme', parsePlsModel({ ...ecsi.spec, innerWeighting: 'factorial' }), ecsi.data, {}],
    ['mobi two-stage interaction', twoStage.spec, twoStage.data, {}],
    ['mobi two-stage interaction, missing, listwise', twoStage.spec, withHoles(twoStage.data, 0.02, 8), { missing: 'listwise' }],
    ['mobi product-indicator interaction, missing', interactionModel('product-indicator'), withHoles(twoStage.data, 0.02, 9), {}],
    ['mobi orthogonal interaction', interactionModel('orthogonal'), twoStage.data, {}],
    ['corp_rep moderation (mode B, two-stage, missing cells)', moderation.spec, moderation.data, {}],
    ['satisfaction model (TRUST x GOV), missing', satisfactionModel, withHoles(satisfactionSurvey(300, 15), 0.02, 10), {}],
  ];
  it.each(cases)('%s', (_name, spec, data, opts) => {
    const { w } = checkIdentity(spec, data, intWeights(data.n, 20240615), opts);
    expect(w.weighting!.deff).toBeGreaterThan(1);
    expect(w.weighting!.nEffective).toBeLessThan(w.weighting!.n);
  });

  it('rows of weight 0 count for nothing (their scores are NaN)', () => {
    const weights = intWeights(ecsi.data.n, 99, 0, 3);
    const { w } = checkIdentity(ecsi.spec, withHoles(ecsi.data, 0.02, 11), weights);
    const zeros = weights.filter((x) => x === 0).length;
    expect(zeros).toBeGreaterThan(10);
    expect(w.n).toBe(ecsi.data.n - zeros);
    expect(w.weighting!.n).toBe(w.n);
  });

  it('reports Kish effective n and design effect of the weights used', () => {
    const weights = intWeights(ecsi.data.n, 3);
    const w = estimatePls(ecsi.spec, { ...ecsi.data, weights });
    let s = 0, s2 = 0;
    for (const x of weights) { s += x; s2 += x * x; }
    expect(w.n).toBe(ecsi.data.n);
    expect(w.weighting).toEqual({ n: ecsi.data.n, sumWeights: s, nEffective: (s * s) / s2, deff: ecsi.data.n / ((s * s) / s2) });
  });
});

describe('special weights', () => {
  it('all 1: exactly the unweighted result (plus a weighting summary of deff 1)', () => {
    for (const [spec, data, opts] of [[ecsi.spec, withHoles(ecsi.data, 0.02, 7), {}], [twoStage.spec, twoStage.data, { missing: 'listwise' }]] as const) {
      const plain = estimatePls(spec, data, opts);
      const ones = estimatePls(spec, { ...data, weights: new Float64Array(data.n).fill(1) }, opts);
      const { weighting, ...rest } = ones;
      expect(rest).toEqual(plain);
      expect(weighting).toEqual({ n: plain.n, sumWeights: plain.n, nEffective: plain.n, deff: 1 });
    }
  });

  // (Not with an interaction term: seminr's adjust_interaction rescales its score by the raw sd of the product
  // item, which has N - 1 in it, so interaction paths and effects are not scale-free. Scores and item sds have
  // N - 1 in them too: they differ by the factor sqrt((c n - 1) / (c (n - 1))).)
  it('all c: the same standardized figures', () => {
    const data = withHoles(ecsi.data, 0.02, 12);
    const plain = estimatePls(ecsi.spec, data);
    const c = estimatePls(ecsi.spec, { ...data, weights: new Float64Array(data.n).fill(2.5) });
    const pick = (r: PlsResult) => ({
      weights: r.weights, loadings: r.loadings, paths: r.paths, r2: Object.values(r.rSquared).map((x) => x.r2),
      reliability: r.reliability, htmt: r.htmt, fl: r.fornellLarcker, vifA: r.vifAntecedents, vifI: r.vifItems, f2: r.fSquared,
      total: r.totalEffects, cross: r.crossLoadings, cor: r.constructCorrelations, means: r.itemMeans,
    });
    const dev: string[] = [];
    deviations(pick(c), pick(plain), 'result', dev);
    expect(dev).toEqual([]);
    expect(c.weighting).toMatchObject({ n: data.n, sumWeights: 2.5 * data.n, deff: 1 });
  });

  it('a column constant among the weighted rows is refused as zero variance, also with fractional weights', () => {
    // IMAG1 = 0.1 (not exact in binary) on every row of positive weight; fractional weights make the weighted mean
    // round away from 0.1, so the centred column is rounding noise, not 0: it must still be refused
    const j = ecsi.data.names.indexOf('IMAG1');
    const rnd = mulberry32(3);
    const weights = Float64Array.from({ length: ecsi.data.n }, (_, r) => (r % 7 === 0 ? 0 : 0.3 + rnd()));
    const cols = ecsi.data.cols.map((c, k) => (k === j ? c.map((v, r) => (weights[r]! > 0 ? 0.1 : v)) : c));
    expect(() => estimatePls(ecsi.spec, { ...ecsi.data, cols, weights })).toThrow(/item 'IMAG1' has zero variance/);
    // one differing value among them: estimated
    cols[j]![1] = 0.2;
    expect(estimatePls(ecsi.spec, { ...ecsi.data, cols, weights }).paths.length).toBeGreaterThan(0);
  });

  it('rejects negative or non-finite weights, naming the row', () => {
    const weights = new Float64Array(ecsi.data.n).fill(1);
    weights[4] = -1;
    expect(() => estimatePls(ecsi.spec, { ...ecsi.data, weights })).toThrow(/row 5 has weight -1/);
    weights[4] = NaN;
    expect(() => estimatePls(ecsi.spec, { ...ecsi.data, weights })).toThrow(/row 5 has weight NaN/);
  });
});
