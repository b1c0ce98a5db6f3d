// estimatePls against seminr 2.3.1.9000 (commit 937f306) on the four shared reference models, every reported figure.
// Measured max |ours - seminr| over all figures: mobi_ecsi 1.4e-14, corp_rep_simple 3.6e-14,
// corp_rep_moderation 7.9e-13 (an item VIF of 31; everything else ≤ 1.1e-14), mobi_two_stage 3.4e-14;
// iteration counts identical.
import { describe, expect, it } from 'vitest';
import { estimatePls } from '../../../../../shared/stats/pls';
import { maxDeviation, referenceDeviations } from '../../../../helpers/pls-deviations';
import { loadReference, REFERENCE_MODELS } from '../../../../helpers/reference';

const TOL = 1e-10;

describe.each(REFERENCE_MODELS)('estimatePls reproduces seminr: %s', (name) => {
  const rc = loadReference(name);
  const ref = rc.json.estimate;
  const res = estimatePls(rc.spec, rc.data);
  const dev = referenceDeviations(res, ref);

  it('has seminr construct order, n and iteration count', () => {
    expect(res.constructs).toEqual(ref.constructs);
    expect(res.n).toBe(ref.n_obs);
    expect(res.iterations).toBe(ref.iterations);
    expect(res.converged).toBe(true);
    expect(res.weightDiff).toBeLessThan(1e-7);
    expect(Math.abs(res.weightDiff - ref.weight_diff_at_stop)).toBeLessThan(1e-12);
  });

  it('reports items in seminr order (interaction items included)', () => {
    expect(res.weights.map((w) => w.item)).toEqual(ref.outer_weights.rows);
    expect(res.weights.map((w) => w.construct)).toEqual(ref.measurement.map((m) => m.construct));
  });

  const figures = [
    'weights', 'loadings', 'paths', 'r2', 'adjR2', 'alpha', 'rhoA', 'rhoC', 'AVE', 'htmt', 'fornellLarcker',
    'vifAntecedents', 'vifItems', 'fSquared', 'totalEffects', 'totalIndirect', 'crossLoadings',
    'constructCorrelations', 'itemMeans', 'itemSds', 'scores',
  ];
  it.each(figures)('%s within 1e-10 (NA where seminr has NA)', (fig) => {
    expect(dev[fig], `${fig} not compared`).toBeDefined();
    expect(dev[fig]!).toBeLessThan(TOL);
  });

  it('max deviation over all figures', () => {
    const m = maxDeviation(dev);
    console.info(`[pls-reference] ${name}: max |ours - seminr| = ${m.toExponential(2)}`);
    expect(m).toBeLessThan(TOL);
  });
});

describe('reference details', () => {
  it('two-stage interaction: loading = sd of the product, score = centred product (not standardized)', () => {
    const rc = loadReference('mobi_two_stage');
    const res = estimatePls(rc.spec, rc.data);
    const l = res.loadings.find((x) => x.item === 'Image*Expectation_intxn')!;
    expect(l.estimate).toBeCloseTo(rc.json.estimate.indicator_sd['Image*Expectation_intxn']!, 12);
    expect(res.weights.find((x) => x.item === 'Image*Expectation_intxn')!.estimate).toBeCloseTo(1, 14);
    const s = res.scores.cols[res.scores.names.indexOf('Image*Expectation')]!;
    const mean = s.reduce((a, b) => a + b, 0) / s.length;
    const sd = Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) / (s.length - 1));
    expect(Math.abs(mean)).toBeLessThan(1e-12);
    expect(sd).toBeCloseTo(l.estimate, 12);
    // f² is NA for the interaction's components, computed for the interaction term itself
    const f2 = res.fSquared;
    const at = (a: string, b: string) => f2.values[f2.rows.indexOf(a)]![f2.cols.indexOf(b)]!;
    expect(at('Image', 'Satisfaction')).toBeNaN();
    expect(at('Value', 'Satisfaction')).toBeNaN();
    expect(at('Image*Expectation', 'Satisfaction')).toBeGreaterThan(0);
  });

  it('specific indirect effects: every chain of two or more paths, products of the path coefficients', () => {
    const rc = loadReference('mobi_ecsi');
    const res = estimatePls(rc.spec, rc.data);
    const p = (a: string, b: string) => res.paths.find((x) => x.from === a && x.to === b)!.estimate;
    const chain = res.specificIndirect.find((e) => e.from === 'Image' && e.to === 'Loyalty' && e.through.join() === 'Expectation,Quality,Satisfaction')!;
    expect(chain.estimate).toBeCloseTo(p('Image', 'Expectation') * p('Expectation', 'Quality') * p('Quality', 'Satisfaction') * p('Satisfaction', 'Loyalty'), 15);
    // all chains from a source to a target add up to the total indirect effect
    const C = res.constructs;
    for (const a of C) {
      for (const b of C) {
        const sum = res.specificIndirect.filter((e) => e.from === a && e.to === b).reduce((s, e) => s + e.estimate, 0);
        expect(sum).toBeCloseTo(res.totalIndirectEffects.values[C.indexOf(a)]![C.indexOf(b)]!, 13);
      }
    }
    // the 2-step chains are the ones seminr bootstraps (specific_indirect records)
    const twoStep = res.specificIndirect.filter((e) => e.through.length === 1).length;
    expect(twoStep).toBe((rc.json as unknown as { bootstrap: { specific_indirect: unknown[] } }).bootstrap.specific_indirect.length);
  });

  it('missing report for corp_rep (-99 coded), mean replacement', () => {
    const rc = loadReference('corp_rep_simple');
    const res = estimatePls(rc.spec, rc.data);
    expect(res.missing.method).toBe('mean');
    expect(res.missing.rowsDropped).toBe(0);
    // counted independently from the table
    let cells = 0;
    for (const it of Object.keys(res.missing.perItem)) {
      const col = rc.data.cols[rc.data.names.indexOf(it)]!;
      const m = col.filter((v) => Number.isNaN(v)).length;
      expect(res.missing.perItem[it]).toBe(m);
      cells += m;
    }
    expect(cells).toBeGreaterThan(0);
    expect(res.missing.cellsMissing).toBe(cells);
    expect(res.missing.share).toBeCloseTo(cells / (344 * 10), 15);
  });
});
