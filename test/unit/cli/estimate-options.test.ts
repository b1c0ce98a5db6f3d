// `satmon estimate --max-iter --stop --alpha --scores --id`, run in-process (no build), against seminr 2.3.1:
// test/fixtures/cli-options/options.json, written by test/fixtures/cli-options/options.R (estimate_pls with maxIt /
// stopCriterion / missing = na.omit, bootstrap_model(nboot = 300, seed = 123) with summary(boot, alpha = 0.1), and
// boot::boot.ci(conf = 0.9, type = "bca") on seminr's draws with the leave-one-out estimates).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { alphaFlag, run as estimate, stopFlag } from '../../../cli/commands/estimate';
import { CliError } from '../../../cli/errors';
import { referenceDir as ref, repoRoot } from '../../helpers/reference';

const fixtures = path.join(repoRoot, 'test/fixtures/cli-options');
const mobiModel = path.join(fixtures, 'mobi_ecsi.model.json');
const corpModel = path.join(repoRoot, 'test/fixtures/models/corp_rep_simple.json');
const mobi = path.join(ref, 'data/mobi.csv');
const expected = JSON.parse(readFileSync(path.join(fixtures, 'options.json'), 'utf8')).cases;
const dir = mkdtempSync(path.join(tmpdir(), 'satmon-options-'));

interface Pair { from: string; to: string; value: number }
interface Outer { item: string; construct: string; value: number }
interface CiRow { label: string; original: number; boot_mean: number; boot_sd: number; t: number; ci_low: number; ci_high: number }

let out = '';
let err = '';
beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => { out += String(s); return true; });
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => { err += String(s); return true; });
});
afterEach(() => { vi.restoreAllMocks(); vi.unstubAllEnvs(); });

let maxDiff = 0;
function close(got: number, want: number, tol: number, label: string): void {
  const d = Math.abs(got - want);
  maxDiff = Math.max(maxDiff, d);
  if (!(d <= tol)) expect.fail(`${label}: ${got} vs seminr ${want} (diff ${d})`);
}

/** Paths, outer weights and loadings of the JSON against one of options.json's point cases. */
function comparePoint(res: any, e: any, tol = 1e-10): void {
  expect(res.iterations).toBe(e.iterations);
  for (const p of e.paths as Pair[]) close(res.paths.find((q: any) => q.from === p.from && q.to === p.to).estimate, p.value, tol, `path ${p.from} -> ${p.to}`);
  for (const w of e.weights as Outer[]) close(res.weights.find((q: any) => q.item === w.item).estimate, w.value, tol, `weight ${w.item}`);
  for (const l of e.loadings as Outer[]) close(res.loadings.find((q: any) => q.item === l.item).estimate, l.value, tol, `loading ${l.item}`);
  for (const [c, r2] of Object.entries(e.r2 as Record<string, number>)) if (r2 !== 0) close(res.rSquared[c].r2, r2, tol, `R² ${c}`);
}

describe('--max-iter and --stop', () => {
  it('--max-iter 5 --stop 3 equals estimate_pls(maxIt = 5, stopCriterion = 3); settings record them', async () => {
    await estimate(['--model', mobiModel, '--data', mobi, '--max-iter', '5', '--stop', '3']);
    const res = JSON.parse(out);
    comparePoint(res, expected.mobi_maxit5_stop3);
    expect(res.converged).toBe(true);
    expect(err).toBe('');
    expect(res.settings).toEqual({ missing: 'mean', missingCodes: [], maxIter: 5, stopCriterion: 1e-3, innerWeighting: 'path' });
  });

  it('--max-iter 2 stops before convergence as seminr does, and warns on stderr', async () => {
    await estimate(['--model', mobiModel, '--data', mobi, '--max-iter', '2']);
    const res = JSON.parse(out);
    comparePoint(res, expected.mobi_maxit2);
    expect(res.converged).toBe(false);
    expect(err).toMatch(/^satmon estimate: warning: the PLS algorithm did not converge within 2 iterations \(--max-iter\): the last change of the outer weights was 0\.00141, the stop criterion 1e-7/);
    expect(res.settings).toMatchObject({ maxIter: 2, stopCriterion: 1e-7 });
  });

  it('--stop 5 (seminr\'s exponent) and --stop 1e-5 (the threshold) are the same run, = stopCriterion = 5', async () => {
    await estimate(['--model', mobiModel, '--data', mobi, '--stop', '5']);
    const a = JSON.parse(out);
    out = '';
    await estimate(['--model', mobiModel, '--data', mobi, '--stop', '1e-5']);
    const b = JSON.parse(out);
    comparePoint(a, expected.mobi_stop5);
    expect(b.paths).toEqual(a.paths);
    expect(a.settings.stopCriterion).toBe(1e-5);
    expect(b.settings.stopCriterion).toBe(1e-5);
  });

  it('validates the flags', async () => {
    expect(stopFlag('7')).toBe(1e-7);
    expect(stopFlag('0.001')).toBe(0.001);
    expect(stopFlag('1')).toBe(0.1);
    for (const bad of ['0', '-3', 'abc', '', 'Infinity']) expect(() => stopFlag(bad), bad).toThrow(/--stop must be seminr's exponent/);
    expect(alphaFlag('0.1')).toBe(0.1);
    for (const bad of ['0.95', '0', '1', '5', 'x']) expect(() => alphaFlag(bad), bad).toThrow(/--alpha is 1 minus the level/);
    const fails = async (args: string[], re: RegExp) => {
      await expect(estimate(['--model', mobiModel, '--data', mobi, ...args])).rejects.toThrow(re);
      await expect(estimate(['--model', mobiModel, '--data', mobi, ...args])).rejects.toBeInstanceOf(CliError);
    };
    await fails(['--max-iter', '-1'], /--max-iter must be 0 or more/);
    await fails(['--max-iter', '2.5'], /--max-iter must be an integer/);
    await fails(['--alpha', '0.1'], /--alpha sets the level of the bootstrap intervals: it needs --bootstrap/);
    await fails(['--id', 'x'], /--id names the id column of the --scores file: it needs --scores/);
    await fails(['--scores', path.join(dir, 'never.csv'), '--id', 'nope'], /mobi\.csv: --id column 'nope' not found in the header/);
  });
});

describe('--scores', () => {
  it('writes seminr\'s construct scores, one row per respondent, the 1-based row number without an id column', async () => {
    const file = path.join(dir, 'mobi-scores.csv');
    await estimate(['--model', mobiModel, '--data', mobi, '--max-iter', '5', '--stop', '3', '--scores', file]);
    const rows = parse(readFileSync(file, 'utf8')) as string[][];
    const e = expected.mobi_maxit5_stop3.scores;
    expect(rows[0]).toEqual(['row', ...e.cols]);
    expect(rows.length - 1).toBe(250);
    e.values.forEach((v: number[], i: number) => {
      expect(rows[i + 1]![0]).toBe(String(e.rows[i]));
      v.forEach((x, j) => close(Number(rows[i + 1]![j + 1]), x, 1e-10, `score row ${i + 1} ${e.cols[j]}`));
    });
    expect(JSON.parse(out).settings.scores).toEqual({ file, id: 'row' });
  });

  it('with --listwise: only the rows used, with their respondent ids (seminr na.omit row names); text ids formula-safe', async () => {
    // corp_rep with a respondent_id column first; one id looks like a formula
    const lines = readFileSync(path.join(ref, 'data/corp_rep_data.csv'), 'utf8').trim().split(/\r?\n/);
    const ids = lines.slice(1).map((_, r) => (r === 1 ? '=HYPERLINK("x")' : `C${String(r + 1).padStart(4, '0')}`));
    const data = path.join(dir, 'corp-ids.csv');
    writeFileSync(data, [`respondent_id,${lines[0]}`, ...lines.slice(1).map((l, r) => `"${ids[r]!.replace(/"/g, '""')}",${l}`)].join('\n') + '\n');
    const file = path.join(dir, 'corp-scores.csv');
    await estimate(['--model', corpModel, '--data', data, '--missing', '-99', '--listwise', '--scores', file]);
    const res = JSON.parse(out);
    const e = expected.corp_listwise;
    comparePoint(res, e);
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n')[2]).toMatch(/^"'=HYPERLINK\(""x""\)",/); // csvCell: ' in front of the formula, then quoted
    const rows = parse(text) as string[][];
    expect(rows[0]).toEqual(['respondent_id', ...e.scores.cols]);
    expect(rows.length - 1).toBe(e.scores.rows.length);
    expect(rows.length - 1).toBe(336);
    e.scores.values.forEach((v: number[], i: number) => {
      const r = e.scores.rows[i] - 1; // seminr's row name: the 1-based data row
      expect(rows[i + 1]![0]!.replace(/^'/, '')).toBe(ids[r]);
      v.forEach((x, j) => close(Number(rows[i + 1]![j + 1]), x, 1e-10, `score of data row ${r + 1} ${e.scores.cols[j]}`));
    });
    expect(res.settings).toEqual({
      missing: 'listwise', missingCodes: ['-99'], maxIter: 300, stopCriterion: 1e-7, innerWeighting: 'path', scores: { file, id: 'respondent_id' },
    });
  });

  it('with --weights: rows of weight 0 stand for nobody and get no row', async () => {
    const data = path.join(dir, 'mobi-w.csv');
    const lines = readFileSync(mobi, 'utf8').trim().split(/\r?\n/);
    const wt = (r: number) => (r % 10 === 3 ? 0 : 1 + (r % 3));
    writeFileSync(data, [`ID,${lines[0]},wt`, ...lines.slice(1).map((l, r) => `m${r + 1},${l},${wt(r)}`)].join('\n') + '\n');
    const file = path.join(dir, 'mobi-w-scores.csv');
    await estimate(['--model', mobiModel, '--data', data, '--weights', 'wt', '--scores', file]);
    const rows = parse(readFileSync(file, 'utf8')) as string[][];
    const kept = Array.from({ length: 250 }, (_, r) => r).filter((r) => wt(r) > 0);
    expect(rows[0]![0]).toBe('ID');
    expect(rows.slice(1).map((r) => r[0])).toEqual(kept.map((r) => `m${r + 1}`));
    expect(rows.slice(1).every((r) => r.slice(1).every((c) => Number.isFinite(Number(c)) && c !== ''))).toBe(true);
    expect(JSON.parse(out).settings).toMatchObject({ weights: 'wt', scores: { file, id: 'ID' } });
  });

  it('--id picks any column', async () => {
    const data = path.join(dir, 'mobi-id.csv');
    const lines = readFileSync(mobi, 'utf8').trim().split(/\r?\n/);
    writeFileSync(data, [`code,${lines[0]}`, ...lines.slice(1).map((l, r) => `k${r + 1},${l}`)].join('\n') + '\n');
    const file = path.join(dir, 'mobi-id-scores.csv');
    await estimate(['--model', mobiModel, '--data', data, '--scores', file, '--id', 'code']);
    const rows = parse(readFileSync(file, 'utf8')) as string[][];
    expect(rows[0]![0]).toBe('code');
    expect(rows[250]![0]).toBe('k250');
  });
});

describe('--alpha (bootstrap interval level)', () => {
  it('--alpha 0.1 gives seminr\'s summary(boot, alpha = 0.1) 5%/95% limits and boot.ci(conf = 0.9) BCa', async () => {
    const e = expected.mobi_boot_alpha10;
    await estimate(['--model', mobiModel, '--data', mobi, '--bootstrap', String(e.nboot), '--seed', String(e.seed), '--alpha', '0.1', '--bca', '--workers', '2']);
    const res = JSON.parse(out);
    expect(res.bootstrap).toMatchObject({ nboot: 300, nSuccessful: 300, alpha: 0.1, seed: 123 });
    expect(res.settings).toEqual({
      missing: 'mean', missingCodes: [], maxIter: 300, stopCriterion: 1e-7, innerWeighting: 'path', nboot: 300, seed: 123, alpha: 0.1, bca: true,
    });
    const byLabel = (rows: any[], label: (r: any) => string) => new Map(rows.map((r) => [label(r), r]));
    const check = (got: Map<string, any>, want: CiRow[], what: string) => {
      expect(want.length).toBeGreaterThan(0);
      for (const w of want) {
        const g = got.get(w.label);
        expect(g, `${what} ${w.label}`).toBeDefined();
        close(g.bootMean, w.boot_mean, 1e-10, `${what} ${w.label} mean`);
        close(g.bootSd, w.boot_sd, 1e-10, `${what} ${w.label} sd`);
        close(g.ciLow, w.ci_low, 1e-10, `${what} ${w.label} 5%`);
        close(g.ciHigh, w.ci_high, 1e-10, `${what} ${w.label} 95%`);
      }
    };
    check(byLabel(res.paths, (p) => `${p.from}  ->  ${p.to}`), e.paths, 'path');
    check(byLabel(res.loadings, (l) => `${l.item}  ->  ${l.construct}`), e.loadings.filter((l: CiRow) => l.boot_sd > 1e-9), 'loading');
    check(byLabel(res.weights, (w) => `${w.item}  ->  ${w.construct}`), e.weights.filter((w: CiRow) => w.boot_sd > 1e-9), 'weight');
    const paths = byLabel(res.paths, (p) => `${p.from} -> ${p.to}`);
    for (const b of e.bca_paths as { label: string; bca_low: number; bca_high: number }[]) {
      close(paths.get(b.label).bcaLow, b.bca_low, 1e-9, `BCa ${b.label} low`);
      close(paths.get(b.label).bcaHigh, b.bca_high, 1e-9, `BCa ${b.label} high`);
    }
  }, 60_000);

  it('the table heads the interval columns with the level', async () => {
    vi.stubEnv('SATMON_LOCALE', 'en');
    await estimate(['--model', mobiModel, '--data', mobi, '--bootstrap', '20', '--alpha', '0.1', '--workers', '1', '--format', 'table']);
    expect(out).toMatch(/Path\s+Estimate\s+.*\s5% CI\s+95% CI\n/);
  });

  it('largest difference from seminr in this file is tiny', () => {
    expect(maxDiff).toBeLessThan(1e-9);
  });
});
