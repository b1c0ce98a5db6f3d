// Higher-order composites (spec.higherOrder, two-stage) against seminr's higher_composite(method = two_stage):
// test/fixtures/higher-order/hoc.json, written by hoc.R (seminr 2.3.1) from the model files beside it.
// Point estimates of every case to 1e-6 (measured: <= 3.2e-14; f² 1.5e-12), the bootstrap (seed 123, 200 resamples,
// seminr's resamples drawn from the seed) summary records (mean, SD, CI; relative above 1) and the first five
// resamples' draws to 1e-9 (measured: <= 5e-15; PLSc's ill-conditioned paths 8e-12 relative; t 8e-12 relative).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parsePlsModel, type PlsModelInput, type PlsModelSpec } from '../../../../../shared/models/spec';
import { bootstrapPls } from '../../../../../shared/stats/bootstrap/driver';
import { summarizeBootstrap } from '../../../../../shared/stats/bootstrap/summary';
import { createPlsEstimator, estimatePls, planHigherOrder, usesHigherOrder, type PlsResult } from '../../../../../shared/stats/pls';
import { readNumericCsv } from '../../../../../shared/stats/read-csv';
import { repeatRows, type DataTable } from '../../../../../shared/stats/table';
import { repoRoot } from '../../../../helpers/reference';
import type { ParamSummary } from '../../../../../shared/stats/bootstrap/summary';

const dir = path.join(repoRoot, 'test', 'fixtures', 'higher-order');
const TOL = 1e-6;
const BOOT_TOL = 1e-9;

type Mat = { rows: string[]; cols: string[]; values: (number | null)[][] };
interface RefEstimate {
  n_obs: number;
  constructs: string[];
  items: string[];
  paths: { from: string; to: string; estimate: number }[];
  loadings: { construct: string; item: string; estimate: number }[];
  weights: { construct: string; item: string; estimate: number }[];
  r_squared: Record<string, { r2: number; adj_r2: number }>;
  reliability: Record<string, { alpha: number; rhoC: number; AVE: number; rhoA: number }>;
  htmt: { a: string; b: string; value: number }[];
  fornell_larcker: Mat;
  vif_items: Record<string, Record<string, number>>;
  vif_antecedents: Record<string, Record<string, number | null>>;
  f_squared: Mat;
  total_effects: Mat;
  cross_loadings: Mat;
  construct_correlations: Mat;
  stage1_paths: { from: string; to: string; estimate: number }[];
  scores_head: Mat;
}
interface RefRecord { from: string; to: string; original: number; boot_mean: number; boot_sd: number; t_stat: number | null; ci_lower: number; ci_upper: number }
type Section = 'paths' | 'loadings' | 'weights' | 'htmt' | 'total_paths';
const KIND = { paths: 'path', loadings: 'loading', weights: 'weight', htmt: 'htmt', total_paths: 'total' } as const;

/** Largest difference per statistic between our summary of one kind and seminr's records (relative above 1; t relative). */
function compareRecords(params: ParamSummary[], section: Section, records: RefRecord[]) {
  const ours = new Map(params.filter((p) => p.kind === KIND[section]).map((p) => [`${p.from}|${p.to}`, p]));
  const worst = { original: 0, mean: 0, sd: 0, t: 0, ci: 0 };
  const missing: string[] = [];
  for (const r of records) {
    const p = ours.get(`${r.from}|${r.to}`);
    if (!p) { missing.push(`${r.from}|${r.to}`); continue; }
    // relative to the value where it exceeds 1: mobi_reflective has resamples where PLSc's disattenuated correlation
    // of Expectation and Quality nears 1, so their paths' bootstrap SD is 40 (the last digits then differ at 1e-11)
    const d = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));
    worst.original = Math.max(worst.original, d(p.original, r.original));
    worst.mean = Math.max(worst.mean, d(p.bootMean, r.boot_mean));
    worst.sd = Math.max(worst.sd, d(p.bootSd, r.boot_sd));
    // null: seminr's draws are constant up to rounding (a single item's weight), so its t is rounding noise
    if (r.t_stat !== null) worst.t = Math.max(worst.t, Math.abs(p.t - r.t_stat) / Math.abs(r.t_stat));
    worst.ci = Math.max(worst.ci, d(p.ciLower, r.ci_lower), d(p.ciUpper, r.ci_upper));
  }
  return { worst, missing, extra: ours.size - records.length + missing.length };
}
interface RefBoot extends Record<Section, RefRecord[]> {
  nboot_requested: number;
  nboot_successful: number;
  seed: number;
  first_draws: { paths: number[]; loadings: number[]; weights: number[] }[];
}
interface RefCase { model: string; data: 'mobi' | 'servqual' | 'servqual_freq'; estimate: RefEstimate; bootstrap?: RefBoot }

const ref = JSON.parse(readFileSync(path.join(dir, 'hoc.json'), 'utf8')) as { cases: Record<string, RefCase> };
const modelFile = (f: string): PlsModelSpec => parsePlsModel(JSON.parse(readFileSync(path.join(dir, f), 'utf8')), f);

function servqual(): DataTable {
  const text = readFileSync(path.join(dir, 'servqual.csv'), 'utf8');
  const columns = text.slice(0, text.indexOf('\n')).split(',').filter((c) => c !== 'respondent_id');
  return readNumericCsv(text, 'servqual.csv', { columns });
}
const mobi = (): DataTable => readNumericCsv(readFileSync(path.join(repoRoot, 'test/fixtures/reference/data/mobi.csv'), 'utf8'), 'mobi.csv');
/** servqual_freq: seminr estimated the rows repeated freq times; we give the rows with freq as frequency weights. */
function dataFor(c: RefCase): DataTable {
  if (c.data === 'mobi') return mobi();
  const d = servqual();
  return c.data === 'servqual' ? d : { ...d, weights: d.cols[d.names.indexOf('freq')]! };
}

const num = (v: number | null) => (v === null ? NaN : v);
/** Largest |ours - theirs| over a reference matrix (NA where ours is NaN counts as equal). */
function matrixDiff(ours: { rows: string[]; cols: string[]; values: number[][] }, theirs: Mat): number {
  let worst = 0;
  theirs.rows.forEach((r, i) => theirs.cols.forEach((c, j) => {
    const a = ours.rows.indexOf(r), b = ours.cols.indexOf(c);
    if (a < 0 || b < 0) { worst = Infinity; return; }
    const x = ours.values[a]![b]!, y = num(theirs.values[i]![j]!);
    worst = Math.max(worst, Number.isNaN(y) ? (Number.isNaN(x) ? 0 : Infinity) : Math.abs(x - y));
  }));
  return worst;
}

const estimates = new Map<string, PlsResult>();
function estimateOf(name: string): PlsResult {
  if (!estimates.has(name)) { const c = ref.cases[name]!; estimates.set(name, estimatePls(modelFile(c.model), dataFor(c))); }
  return estimates.get(name)!;
}

describe("higher-order composites reproduce seminr's estimate_pls + summary()", () => {
  it.each(Object.keys(ref.cases))('%s', (name) => {
    const e = ref.cases[name]!.estimate;
    const r = estimateOf(name);
    // the union: stage-2 constructs then the dimensions; stage-2 items then the dimensions' items
    expect(r.constructs).toEqual(e.constructs);
    expect(r.loadings.map((l) => l.item)).toEqual(e.items);
    expect(r.weights.map((l) => l.item)).toEqual(e.items);
    if (ref.cases[name]!.data !== 'servqual_freq') expect(r.n).toBe(e.n_obs);

    const diff = (a: number | undefined, b: number) => (a === undefined ? Infinity : Math.abs(a - b));
    const worst = (xs: number[]) => Math.max(0, ...xs);
    expect(r.paths.length).toBe(e.paths.length);
    expect(worst(e.paths.map((p) => diff(r.paths.find((q) => q.from === p.from && q.to === p.to)?.estimate, p.estimate)))).toBeLessThan(TOL);
    expect(r.loadings.length).toBe(e.loadings.length);
    expect(worst(e.loadings.map((l) => diff(r.loadings.find((q) => q.construct === l.construct && q.item === l.item)?.estimate, l.estimate)))).toBeLessThan(TOL);
    expect(worst(e.weights.map((l) => diff(r.weights.find((q) => q.construct === l.construct && q.item === l.item)?.estimate, l.estimate)))).toBeLessThan(TOL);
    expect(Object.keys(r.rSquared)).toEqual(Object.keys(e.r_squared));
    for (const [k, v] of Object.entries(e.r_squared)) {
      expect(Math.abs(r.rSquared[k]!.r2 - v.r2), `R² ${k}`).toBeLessThan(TOL);
      expect(Math.abs(r.rSquared[k]!.adjR2 - v.adj_r2), `adjusted R² ${k}`).toBeLessThan(TOL);
    }
    expect(Object.keys(r.reliability).sort()).toEqual(Object.keys(e.reliability).sort());
    for (const [k, v] of Object.entries(e.reliability)) {
      const o = r.reliability[k]!;
      for (const [a, b] of [[o.alpha, v.alpha], [o.rhoC, v.rhoC], [o.ave, v.AVE], [o.rhoA, v.rhoA]] as const) expect(Math.abs(a - b), `reliability ${k}`).toBeLessThan(TOL);
    }
    expect(r.htmt.map((h) => `${h.a}|${h.b}`)).toEqual(e.htmt.map((h) => `${h.a}|${h.b}`));
    expect(worst(e.htmt.map((h, k) => Math.abs(r.htmt[k]!.value - h.value)))).toBeLessThan(TOL);
    expect(matrixDiff(r.fornellLarcker, e.fornell_larcker)).toBeLessThan(TOL);
    expect(matrixDiff(r.fSquared, e.f_squared)).toBeLessThan(TOL);
    expect(matrixDiff(r.totalEffects, e.total_effects)).toBeLessThan(TOL);
    expect(matrixDiff(r.constructCorrelations, e.construct_correlations)).toBeLessThan(TOL);
    expect(matrixDiff(r.crossLoadings, e.cross_loadings)).toBeLessThan(TOL);
    for (const [k, v] of Object.entries(e.vif_items)) {
      for (const [it, x] of Object.entries(v)) expect(Math.abs(r.vifItems[k]![it]! - x), `VIF ${k} ${it}`).toBeLessThan(TOL);
    }
    for (const [k, v] of Object.entries(e.vif_antecedents)) {
      for (const [c, x] of Object.entries(v)) {
        const o = r.vifAntecedents[k]![c]!;
        if (x === null) expect(o).toBeNaN();
        else expect(Math.abs(o - x), `antecedent VIF ${k} ${c}`).toBeLessThan(TOL);
      }
    }
    const s1 = r.higherOrder!.stage1.paths;
    expect(s1.length).toBe(e.stage1_paths.length);
    expect(worst(e.stage1_paths.map((p) => diff(s1.find((q) => q.from === p.from && q.to === p.to)?.estimate, p.estimate)))).toBeLessThan(TOL);
    if (ref.cases[name]!.data !== 'servqual_freq') {
      // construct scores (the dimensions' from stage 1), first rows
      const sh = e.scores_head;
      let ws = 0;
      sh.cols.forEach((c, j) => sh.rows.forEach((_, i) => { ws = Math.max(ws, Math.abs(r.scores.cols[r.scores.names.indexOf(c)]![i]! - num(sh.values[i]![j]!))); }));
      expect(ws).toBeLessThan(TOL);
    }
  });

  it('the bootstrap estimator gives the full estimate on the full data, and frequency weights = the rows repeated', () => {
    const spec = modelFile('servqual-hoc.json');
    const d = dataFor(ref.cases.servqual_freq!);
    const est = createPlsEstimator(spec);
    const r = estimateOf('servqual_freq');
    const v = est.estimate(d);
    const byKey = new Map<string, number>([
      ...r.paths.map((p) => [`path:${p.from}>${p.to}`, p.estimate] as const),
      ...r.loadings.map((l) => [`loading:${l.item}>${l.construct}`, l.estimate] as const),
      ...r.weights.map((l) => [`weight:${l.item}>${l.construct}`, l.estimate] as const),
      ...r.htmt.map((h) => [`htmt:${h.a}>${h.b}`, h.value] as const),
    ]);
    let worst = 0;
    est.layout.forEach((p, j) => {
      const x = p.kind === 'total' ? r.totalEffects.values[r.totalEffects.rows.indexOf(p.from)]![r.totalEffects.cols.indexOf(p.to)]! : byKey.get(`${p.kind}:${p.from}>${p.to}`);
      worst = Math.max(worst, x === undefined ? Infinity : Math.abs(v[j]! - x));
    });
    expect(worst).toBeLessThan(1e-12);
    const rep = est.estimate(repeatRows(d));
    expect(Math.max(...rep.map((x, j) => Math.abs(x - v[j]!)))).toBeLessThan(1e-12);
  });
});

describe("higher-order composites: seminr's bootstrap_model(nboot = 200, seed = 123)", () => {
  const booted = Object.keys(ref.cases).filter((k) => ref.cases[k]!.bootstrap);
  it.each(booted)('%s', async (name) => {
    const c = ref.cases[name]!;
    const b = c.bootstrap!;
    const est = createPlsEstimator(modelFile(c.model));
    const run = await bootstrapPls(est, dataFor(c), { seed: b.seed, nboot: b.nboot_requested });
    expect(run.failures).toEqual([]);
    expect(run.resamples.length).toBe(b.nboot_successful);
    const s = summarizeBootstrap(run);
    for (const section of ['paths', 'loadings', 'weights', 'htmt', 'total_paths'] as const) {
      const { worst, missing, extra } = compareRecords(s.params, section, b[section]);
      expect(missing, `${section}: records we do not produce`).toEqual([]);
      expect(extra, `${section}: parameters seminr does not list`).toBe(0);
      expect(b[section].length).toBeGreaterThan(0);
      for (const [stat, d] of Object.entries(worst)) expect(d, `${section} ${stat} (${b[section].length} records)`).toBeLessThan(BOOT_TOL);
    }
    // the first five resamples draw by draw, in seminr's order of the nonzero entries
    const e = c.estimate;
    const p = run.layout.length;
    const col = (kind: string, from: string, to: string) => run.layout.findIndex((q) => q.kind === kind && q.from === from && q.to === to);
    const cols = {
      paths: e.paths.map((x) => col('path', x.from, x.to)),
      loadings: e.loadings.map((x) => col('loading', x.item, x.construct)),
      weights: e.weights.map((x) => col('weight', x.item, x.construct)),
    };
    let worst = 0;
    b.first_draws.forEach((row, r) => {
      for (const k of ['paths', 'loadings', 'weights'] as const) {
        expect(row[k].length).toBe(cols[k].length);
        row[k].forEach((x, q) => { worst = Math.max(worst, cols[k][q]! < 0 ? Infinity : Math.abs(run.draws[r * p + cols[k][q]!]! - x)); });
      }
    });
    expect(worst).toBeLessThan(BOOT_TOL);
  });
});

describe('higher-order model files', () => {
  const base = (): PlsModelInput => JSON.parse(readFileSync(path.join(dir, 'servqual-hoc.json'), 'utf8')) as PlsModelInput;

  it("stage 1 replaces the HOC by its dimensions as seminr's substitute_dimensions_for_HOC does", () => {
    const plan = planHigherOrder(modelFile('servqual-hoc-mode-b.json'));
    // TRUST -> SQ becomes TRUST -> each dimension; SQ -> SAT becomes each dimension -> SAT (appended, in that order)
    expect(plan.stage1.paths.map((p) => `${p.from}>${p.to}`)).toEqual([
      'TRUST>SAT', 'SAT>LOY', 'TRUST>TAN', 'TRUST>REL', 'TRUST>RES', 'TRUST>ASR', 'TRUST>EMP',
      'TAN>SAT', 'REL>SAT', 'RES>SAT', 'ASR>SAT', 'EMP>SAT',
    ]);
    expect(plan.stage2.constructs.SQ).toMatchObject({ items: ['TAN', 'REL', 'RES', 'ASR', 'EMP'], mode: 'B' });
  });

  it('a HOC in no path leaves the model first-order (seminr ignores it)', () => {
    const m = base();
    m.paths = [{ from: 'TRUST', to: 'SAT' }, { from: 'SAT', to: 'LOY' }];
    const spec = parsePlsModel(m);
    expect(usesHigherOrder(spec)).toBe(false);
    const plain = parsePlsModel({ ...m, higherOrder: [] });
    const d = servqual();
    expect(estimatePls(spec, d).paths).toEqual(estimatePls(plain, d).paths);
  });

  it('refuses a dimension that is also in a path, or shared by two HOCs, or used by an interaction', () => {
    const inPath = base();
    inPath.paths = [...inPath.paths, { from: 'TAN', to: 'LOY' }];
    expect(() => estimatePls(parsePlsModel(inPath), servqual())).toThrow(/'TAN' is a dimension of the higher-order construct 'SQ' and cannot be in a path/);
    const shared = base();
    shared.higherOrder = [...shared.higherOrder!, { name: 'SQ2', dimensions: ['TAN', 'EMP'] }];
    shared.paths = [...shared.paths, { from: 'SQ2', to: 'LOY' }];
    expect(() => createPlsEstimator(parsePlsModel(shared))).toThrow(/'TAN' is a dimension of both 'SQ' and 'SQ2'/);
    const intx = base();
    intx.interactions = [{ name: 'TAN*TRUST', between: ['TAN', 'TRUST'], method: 'two-stage' }];
    intx.paths = [...intx.paths, { from: 'TAN*TRUST', to: 'SAT' }];
    expect(() => estimatePls(parsePlsModel(intx), servqual())).toThrow(/interaction 'TAN\*TRUST' uses 'TAN', a dimension/);
  });

  it('the sample model shared/models/servqual-hoc.json is the SERVQUAL fixture model and estimates on the simulator data', () => {
    const sample = parsePlsModel(JSON.parse(readFileSync(path.join(repoRoot, 'shared/models/servqual-hoc.json'), 'utf8')), 'servqual-hoc.json');
    const fixture = modelFile('servqual-hoc.json');
    expect({ ...sample, id: undefined, label: undefined }).toEqual({ ...fixture, id: undefined, label: undefined });
    expect(estimatePls(sample, servqual()).paths).toEqual(estimateOf('servqual').paths);
  });

  it('names the missing column of a dimension item', () => {
    const d = servqual();
    const j = d.names.indexOf('EMP2');
    const without: DataTable = { names: d.names.filter((_, k) => k !== j), cols: d.cols.filter((_, k) => k !== j), n: d.n };
    expect(() => estimatePls(modelFile('servqual-hoc.json'), without)).toThrow(/column 'EMP2'/);
  });
});

describe('satmon estimate with a higher-order model (a real child process, the compiled CLI, 2 worker threads)', () => {
  it("gives seminr's estimate and bootstrap of the SERVQUAL HOC model", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      path.join(repoRoot, 'bin/satmon.mjs'), 'estimate', '--model', path.join(dir, 'servqual-hoc.json'), '--data', path.join(dir, 'servqual.csv'),
      '--bootstrap', '200', '--seed', '123', '--workers', '2',
    ], { cwd: repoRoot, maxBuffer: 32 << 20 });
    const out = JSON.parse(stdout) as {
      n: number; constructs: string[];
      paths: { from: string; to: string; estimate: number; bootSd: number; ciLow: number; ciHigh: number }[];
      loadings: { construct: string; item: string; estimate: number; bootSd: number }[];
      htmt: { a: string; b: string; value: number; bootSd: number; ciHigh: number }[];
      reliability: Record<string, { rhoA: number }>;
    };
    const c = ref.cases.servqual!;
    expect(out.n).toBe(300);
    expect(out.constructs).toEqual(c.estimate.constructs);
    let worst = 0;
    for (const r of c.bootstrap!.paths) {
      const p = out.paths.find((x) => x.from === r.from && x.to === r.to)!;
      worst = Math.max(worst, Math.abs(p.estimate - r.original), Math.abs(p.bootSd - r.boot_sd), Math.abs(p.ciLow - r.ci_lower), Math.abs(p.ciHigh - r.ci_upper));
    }
    for (const r of c.bootstrap!.loadings) {
      const l = out.loadings.find((x) => x.item === r.from && x.construct === r.to)!;
      worst = Math.max(worst, Math.abs(l.estimate - r.original), Math.abs(l.bootSd - r.boot_sd));
    }
    for (const r of c.bootstrap!.htmt) {
      const h = out.htmt.find((x) => x.a === r.from && x.b === r.to)!;
      worst = Math.max(worst, Math.abs(h.value - r.original), Math.abs(h.bootSd - r.boot_sd), Math.abs(h.ciHigh - r.ci_upper));
    }
    expect(worst).toBeLessThan(BOOT_TOL);
    expect(Math.abs(out.reliability.TAN!.rhoA - c.estimate.reliability.TAN!.rhoA)).toBeLessThan(TOL);
  }, 120_000);
});
