// The PLS bootstrap of models with reflective constructs (PLSc in every resample) against seminr 2.3.1's
// bootstrap_model(nboot = 200, seed = 123, cores = 1) (test/fixtures/plsc/plsc.R): mobi ECSI all reflective and the
// corp_rep moderation model (two-stage interaction, formative drivers, reflective outcomes). Our bootstrap draws the
// same resamples from the seed (R's generator), so every stored draw of the consistent paths, loadings and total
// effects must agree, and so must seminr's summary records (original, mean, SD, t, percentile CI) of the paths,
// loadings, weights, HTMT and total paths.
// Total effects: seminr 2.3.1 stops the series B + B² + ... early when a power's elements sum to <= 0 (fixed in its
// develop version, which the engine follows; SEMINR-CONVENTIONS.md), in 55 of these 200 mobi resamples; the fixture's
// total-effect draws and records are the whole series on seminr's path draws (plsc.R total_series).
// Measured: draws 4.2e-12 relative (mobi resample 194, paths of 355) and 1.3e-14 (corp_rep); summaries below 1e-9.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePlsModel, type PlsModelInput } from '../../../../../shared/models/spec';
import { bootstrapPls } from '../../../../../shared/stats/bootstrap/driver';
import { summarizeBootstrap } from '../../../../../shared/stats/bootstrap/summary';
import { createPlsEstimator } from '../../../../../shared/stats/pls';
import type { ParamInfo } from '../../../../../shared/stats/pls/types';
import { loadCsv, repoRoot } from '../../../../helpers/reference';
import { compareSection, type RefRecord } from './helpers';

const TOL = 1e-9;

interface BootRef {
  nboot_requested: number;
  nboot_successful: number;
  seed: number;
  paths: RefRecord[];
  loadings: RefRecord[];
  weights: RefRecord[];
  htmt: RefRecord[];
  total_paths: RefRecord[];
  draws: { columns: string[]; rows: number[][] };
}
const fixture = JSON.parse(readFileSync(path.join(repoRoot, 'test/fixtures/plsc/plsc.json'), 'utf8')) as {
  cases: Record<string, { data: string; missing_value: string | null; spec: PlsModelInput; bootstrap?: BootRef }>;
};

/** Layout index of each draws column ("path:A->B", "loading:C<-item", "total:A->B"). */
function drawColumns(columns: string[], layout: readonly ParamInfo[]): number[] {
  return columns.map((h) => {
    const [kind, rest] = h.split(':') as [string, string];
    const [a, b] = (kind === 'loading' ? rest.split('<-').reverse() : rest.split('->')) as [string, string];
    const j = layout.findIndex((p) => p.kind === kind && p.from === a && p.to === b);
    if (j < 0) throw new Error(`draws column ${h} has no parameter in the estimator's layout`);
    return j;
  });
}

describe("PLSc bootstrap replays seminr's resamples", () => {
  it.each(['mobi_ecsi_reflective', 'corp_rep_moderation_reflective'])('%s, 200 resamples of seed 123', async (name) => {
    const c = fixture.cases[name]!;
    const ref = c.bootstrap!;
    const data = loadCsv(c.data, c.missing_value === null ? [] : [c.missing_value]);
    const est = createPlsEstimator(parsePlsModel(c.spec, name));
    const run = await bootstrapPls(est, data, { seed: ref.seed, nboot: ref.nboot_requested });
    expect(run.failures).toEqual([]);
    expect(run.resamples.length).toBe(ref.nboot_successful);

    // every draw of the consistent paths and loadings and of the total effects, relative above 1: in a few mobi
    // resamples the disattenuated correlations are nearly singular (Expectation's rhoA is 0.46) and paths reach 355
    const cols = drawColumns(ref.draws.columns, run.layout);
    const p = run.layout.length;
    expect(ref.draws.rows.length).toBe(ref.nboot_successful);
    let worst = 0;
    ref.draws.rows.forEach((row, r) => cols.forEach((j, k) => {
      worst = Math.max(worst, Math.abs(run.draws[r * p + j]! - row[k]!) / Math.max(1, Math.abs(row[k]!)));
    }));
    console.info(`[plsc-boot] ${name}: max |draw - seminr| / max(1, |seminr|) = ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(TOL);

    // seminr's summary records
    const s = summarizeBootstrap(run);
    let summaryWorst = 0;
    for (const section of ['paths', 'loadings', 'weights', 'htmt', 'total_paths'] as const) {
      const { worst: w, missing, extra, count } = compareSection(s.params, section, ref[section]);
      expect(missing, `${section}: records we do not produce`).toEqual([]);
      expect(extra, `${section}: parameters seminr does not list`).toBe(0);
      for (const [stat, d] of Object.entries(w)) {
        expect(d, `${section} ${stat} (${count} records)`).toBeLessThan(TOL);
        summaryWorst = Math.max(summaryWorst, d);
      }
    }
    console.info(`[plsc-boot] ${name}: summaries max deviation ${summaryWorst.toExponential(2)}`);
  });

  it('corrects every resample: the draws differ from a composite bootstrap of the same model', async () => {
    const c = fixture.cases.mobi_ecsi_reflective!;
    const data = loadCsv(c.data);
    const spec = parsePlsModel(c.spec);
    const composite = { ...spec, constructs: Object.fromEntries(Object.entries(spec.constructs).map(([k, v]) => [k, { ...v, type: 'composite' as const }])) };
    const a = await bootstrapPls(createPlsEstimator(spec), data, { seed: 1, nboot: 20 });
    const b = await bootstrapPls(createPlsEstimator(composite), data, { seed: 1, nboot: 20 });
    const j = a.layout.findIndex((q) => q.kind === 'path' && q.from === 'Expectation' && q.to === 'Quality');
    const w = a.layout.findIndex((q) => q.kind === 'weight');
    for (let r = 0; r < 20; r++) {
      expect(Math.abs(a.draws[r * a.layout.length + j]! - b.draws[r * b.layout.length + j]!)).toBeGreaterThan(0.05);
      expect(a.draws[r * a.layout.length + w]).toBe(b.draws[r * b.layout.length + w]); // weights are plain PLS's
    }
  });
});
