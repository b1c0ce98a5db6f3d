// Estimation variants against seminr values computed in R: fixtures/pls-seminr-extra.json, made by
// fixtures/pls-seminr-extra.R with R 4.2.2 and seminr's R sources at commit 937f306 (see the script's header).
// Measured max |ours - seminr|: all seven cases ≤ 2.5e-14.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parsePlsModel, type PlsModelSpec } from '../../../../../shared/models/spec';
import { estimatePls, type PlsResult } from '../../../../../shared/stats/pls';
import { maxDeviation, referenceDeviations } from '../../../../helpers/pls-deviations';
import { loadReference, type ReferenceEstimate } from '../../../../helpers/reference';

const here = path.dirname(fileURLToPath(import.meta.url));
const extra = JSON.parse(readFileSync(path.join(here, 'fixtures', 'pls-seminr-extra.json'), 'utf8')) as Record<string, ReferenceEstimate>;

const ecsi = loadReference('mobi_ecsi');
const twoStage = loadReference('mobi_two_stage');
const corp = loadReference('corp_rep_simple');

function withModes(spec: PlsModelSpec, modes: Record<string, 'A' | 'B'>): PlsModelSpec {
  const constructs = Object.fromEntries(Object.entries(spec.constructs).map(([k, v]) => [k, { ...v, mode: modes[k] ?? v.mode }]));
  return parsePlsModel({ ...spec, constructs });
}
function interactionModel(method: 'two-stage' | 'product-indicator' | 'orthogonal', innerWeighting: 'path' | 'factorial' = 'path'): PlsModelSpec {
  return parsePlsModel({ ...twoStage.spec, innerWeighting, interactions: twoStage.spec.interactions.map((i) => ({ ...i, method })) });
}

const cases: Record<string, () => PlsResult> = {
  mobi_ecsi_factorial: () => estimatePls(parsePlsModel({ ...ecsi.spec, innerWeighting: 'factorial' }), ecsi.data),
  mobi_ecsi_mode_b: () => estimatePls(withModes(ecsi.spec, { Image: 'B', Quality: 'B' }), ecsi.data),
  mobi_ecsi_maxit1: () => estimatePls(ecsi.spec, ecsi.data, { maxIter: 1 }),
  corp_rep_simple_listwise: () => estimatePls(corp.spec, corp.data, { missing: 'listwise' }),
  mobi_two_stage_factorial: () => estimatePls(interactionModel('two-stage', 'factorial'), twoStage.data),
  mobi_product_indicator: () => estimatePls(interactionModel('product-indicator'), twoStage.data),
  mobi_orthogonal: () => estimatePls(interactionModel('orthogonal'), twoStage.data),
};

describe.each(Object.keys(cases))('seminr variant %s', (name) => {
  const res = cases[name]!();
  const ref = extra[name]!;
  it('matches seminr in every figure to 1e-10 (iterations exact)', () => {
    const dev = referenceDeviations(res, ref);
    expect(res.iterations).toBe(ref.iterations);
    expect(res.n).toBe(ref.n_obs);
    for (const [fig, d] of Object.entries(dev)) expect(d, fig).toBeLessThan(1e-10);
    console.info(`[pls-variants] ${name}: max |ours - seminr| = ${maxDeviation(dev).toExponential(2)}`);
  });
});

describe('variant specifics', () => {
  it('maxIter = 1 stops after two passes without converging (seminr is silent; we report it)', () => {
    const res = cases.mobi_ecsi_maxit1!();
    expect(res.iterations).toBe(1);
    expect(res.converged).toBe(false);
    expect(res.weightDiff).toBeGreaterThan(1e-7);
    // maxIter = 0: a single pass from unit weights
    const zero = estimatePls(ecsi.spec, ecsi.data, { maxIter: 0 });
    expect(zero.iterations).toBe(0);
    expect(zero.converged).toBe(false);
  });

  it('a looser stop criterion stops earlier', () => {
    const res = estimatePls(ecsi.spec, ecsi.data, { stopCriterion: 1e-3 });
    expect(res.converged).toBe(true);
    expect(res.iterations).toBeLessThan(6);
    expect(res.weightDiff).toBeLessThan(1e-3);
  });

  it('listwise deletion drops incomplete rows and equals a fit on the complete rows', () => {
    const res = cases.corp_rep_simple_listwise!();
    expect(res.missing.method).toBe('listwise');
    expect(res.missing.rowsDropped).toBe(344 - 336);
    // the same data with the incomplete rows removed by hand: nothing left to replace
    const items = Object.values(corp.spec.constructs).flatMap((c) => c.items);
    const cols = items.map((it) => corp.data.cols[corp.data.names.indexOf(it)]!);
    const keep: number[] = [];
    for (let r = 0; r < corp.data.n; r++) if (cols.every((c) => !Number.isNaN(c[r]!))) keep.push(r);
    const complete = { names: items, cols: cols.map((c) => Float64Array.from(keep, (r) => c[r]!)), n: keep.length };
    const byHand = estimatePls(corp.spec, complete);
    expect(byHand.missing.cellsMissing).toBe(0);
    res.paths.forEach((p, k) => expect(p.estimate).toBeCloseTo(byHand.paths[k]!.estimate, 14));
    res.weights.forEach((w, k) => expect(w.estimate).toBeCloseTo(byHand.weights[k]!.estimate, 14));
    // and differs from mean replacement
    const mean = estimatePls(corp.spec, corp.data);
    expect(Math.abs(mean.paths[0]!.estimate - res.paths[0]!.estimate)).toBeGreaterThan(1e-4);
  });

  it('mode B: rhoA is 1 and the weights are regression weights on the inner proxy', () => {
    const res = cases.mobi_ecsi_mode_b!();
    expect(res.reliability.Image!.rhoA).toBe(1);
    expect(res.reliability.Quality!.rhoA).toBe(1);
    expect(res.reliability.Value!.rhoA).not.toBe(1);
  });

  it('product-indicator items are named iv item * moderator item, iv item varying slowest', () => {
    const res = cases.mobi_product_indicator!();
    expect(res.items['Image*Value']).toEqual(['IMAG1*PERV1', 'IMAG1*PERV2', 'IMAG2*PERV1', 'IMAG2*PERV2', 'IMAG3*PERV1', 'IMAG3*PERV2', 'IMAG4*PERV1', 'IMAG4*PERV2', 'IMAG5*PERV1', 'IMAG5*PERV2']);
  });
});
