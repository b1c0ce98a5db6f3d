// `satmon estimate --weights COL` and `satmon index --weights COL`, run in-process (no build): the weighted
// estimate equals estimatePls on the rows repeated weight times, the JSON carries settings.weights and the
// weighting summary, the tables show the effective n, and bad weights fail naming the line and column.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run as estimate } from '../../../cli/commands/estimate';
import { run as index } from '../../../cli/commands/index';
import { parsePlsModel } from '../../../shared/models/spec';
import { estimatePls } from '../../../shared/stats/pls';
import { readNumericCsv } from '../../../shared/stats/read-csv';
import { repeatRows, type DataTable } from '../../../shared/stats/table';
import { mulberry32 } from '../../helpers/random';
import { referenceDir as ref, repoRoot } from '../../helpers/reference';

const modelFile = path.join(repoRoot, 'test/fixtures/models/corp_rep_simple.json');
const spec = parsePlsModel(JSON.parse(readFileSync(modelFile, 'utf8')), modelFile);
const items = [...new Set(Object.values(spec.constructs).flatMap((c) => c.items))];
const csvText = readFileSync(path.join(ref, 'data/corp_rep_data.csv'), 'utf8');
const lines = csvText.trim().split(/\r?\n/);
const rnd = mulberry32(15);
const weights = lines.slice(1).map(() => 1 + Math.floor(rnd() * 3));
const dir = mkdtempSync(path.join(tmpdir(), 'satmon-weights-'));

/** The reference CSV with a weight column `w` (cells from `cell`, default the integer weights). */
function writeCsv(name: string, cell: (r: number) => string = (r) => String(weights[r])): string {
  const file = path.join(dir, name);
  writeFileSync(file, [`${lines[0]},"w"`, ...lines.slice(1).map((l, r) => `${l},${cell(r)}`)].join('\n') + '\n');
  return file;
}
const weightedCsv = writeCsv('weighted.csv');
/** The same data as a plain table with each row repeated weight times (what the weights stand for). */
const data: DataTable = { ...readNumericCsv(csvText, 'corp_rep', { columns: items, missingCodes: ['-99'] }), weights: Float64Array.from(weights) };
const repeated = repeatRows(data);

let out = '';
beforeEach(() => {
  out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => { out += String(s); return true; });
});
afterEach(() => { vi.restoreAllMocks(); vi.unstubAllEnvs(); });

const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(1e-12 * Math.max(1, Math.abs(b)));

describe('satmon estimate --weights', () => {
  it('equals estimatePls on the rows repeated; JSON has settings.weights and the weighting', async () => {
    await estimate(['--model', modelFile, '--data', weightedCsv, '--missing', '-99', '--weights', 'w']);
    const res = JSON.parse(out);
    const rep = estimatePls(spec, repeated);
    expect(res.settings).toEqual({ missing: 'mean', missingCodes: ['-99'], maxIter: 300, stopCriterion: 1e-7, innerWeighting: 'path', weights: 'w' });
    let s = 0, s2 = 0;
    for (const w of weights) { s += w; s2 += w * w; }
    expect(res.weighting).toEqual({ column: 'w', n: weights.length, sumWeights: s, nEffective: (s * s) / s2, deff: weights.length / ((s * s) / s2) });
    expect(res.n).toBe(weights.length);
    expect(rep.n).toBe(s);
    rep.paths.forEach((p, k) => close(res.paths[k].estimate, p.estimate));
    rep.loadings.forEach((p, k) => close(res.loadings[k].estimate, p.estimate));
    rep.weights.forEach((p, k) => close(res.weights[k].estimate, p.estimate));
    for (const [c, v] of Object.entries(rep.rSquared)) { close(res.rSquared[c].r2, v.r2); close(res.rSquared[c].adjR2, v.adjR2); }
    for (const [c, v] of Object.entries(rep.reliability)) for (const k of ['alpha', 'rhoA', 'rhoC', 'ave'] as const) close(res.reliability[c][k], v[k]);
    rep.htmt.forEach((h, k) => close(res.htmt[k].value, h.value));
    expect(res.missing.cellsMissing).toBe(rep.missing.cellsMissing); // weighted counts = those of the rows repeated
  });

  it('bootstraps with the weights and shows the effective n in the table', async () => {
    vi.stubEnv('SATMON_LOCALE', 'en');
    await estimate(['--model', modelFile, '--data', weightedCsv, '--missing', '-99', '--weights', 'w', '--bootstrap', '20', '--workers', '1', '--format', 'table']);
    // the missing cells are weighted counts (those of the rows repeated: 11 cells in rows of weight 1-3)
    expect(out).toMatch(/^PLS-SEM estimate: n = 344, converged after \d+ iterations; 21 missing cells \(0\.3%\) mean-replaced; weighted by w: effective n = [\d.,]+ \(design effect 1\.\d+\), sum of weights \d+/m);
    expect(out).toMatch(/Bootstrap: 20 of 20 resamples succeeded, seed 123/);
  });

  it('without --weights: no weighting, no settings.weights', async () => {
    await estimate(['--model', modelFile, '--data', weightedCsv, '--missing', '-99']);
    const res = JSON.parse(out);
    expect(res.settings.weights).toBeUndefined();
    expect(res.weighting).toBeUndefined();
    close(res.paths[0].estimate, estimatePls(spec, { ...data, weights: undefined as never }).paths[0]!.estimate);
  });

  it('bad weights fail naming the line and the column', async () => {
    const neg = writeCsv('neg.csv', (r) => (r === 6 ? '-1' : String(weights[r])));
    await expect(estimate(['--model', modelFile, '--data', neg, '--missing', '-99', '--weights', 'w'])).rejects.toThrow(/neg\.csv: line 8, column 'w': the survey weight -1 is negative/);
    const empty = writeCsv('empty.csv', (r) => (r === 2 ? '' : String(weights[r])));
    await expect(estimate(['--model', modelFile, '--data', empty, '--missing', '-99', '--weights', 'w'])).rejects.toThrow(/empty\.csv: line 4, column 'w': the survey weight is missing/);
    const text = writeCsv('text.csv', (r) => (r === 0 ? 'heavy' : String(weights[r])));
    await expect(estimate(['--model', modelFile, '--data', text, '--missing', '-99', '--weights', 'w'])).rejects.toThrow(/text\.csv: line 2, column 'w': 'heavy' is not a number/);
    await expect(estimate(['--model', modelFile, '--data', weightedCsv, '--missing', '-99', '--weights', 'comp_1'])).rejects.toThrow(/'comp_1' is an item of the model/);
    await expect(estimate(['--model', modelFile, '--data', weightedCsv, '--missing', '-99', '--weights', 'nope'])).rejects.toThrow(/column 'nope' not found/);
  });

  it('lists --weights in --help', async () => {
    await estimate(['--help']);
    expect(out).toMatch(/--weights COL\s+survey weights/);
    out = '';
    await index(['--help']);
    expect(out).toMatch(/--weights COL\s+survey weights/);
  });
});

describe('satmon index --weights', () => {
  it('indices equal those of the rows repeated; JSON has settings.weights and the weighting', async () => {
    const repeatedCsv = path.join(dir, 'repeated.csv');
    writeFileSync(repeatedCsv, [lines[0], ...lines.slice(1).flatMap((l, r) => Array<string>(weights[r]!).fill(l))].join('\n') + '\n');
    await index(['--model', modelFile, '--data', repeatedCsv, '--missing', '-99', '--scale', '1-7', '--bootstrap', '0']);
    const plain = JSON.parse(out);
    out = '';
    await index(['--model', modelFile, '--data', weightedCsv, '--missing', '-99', '--scale', '1-7', '--bootstrap', '0', '--weights', 'w']);
    const res = JSON.parse(out);
    expect(res.settings).toEqual({ weights: 'w' });
    expect(res.weighting.column).toBe('w');
    expect(res.weighting.sumWeights).toBe(plain.n);
    res.indices.forEach((x: { construct: string; index: number }, k: number) => {
      expect(x.construct).toBe(plain.indices[k].construct);
      close(x.index, plain.indices[k].index);
    });
  });

  it('bootstraps and prints the weighting above the table; refuses --target with --weights', async () => {
    vi.stubEnv('SATMON_LOCALE', 'en');
    await index(['--model', modelFile, '--data', weightedCsv, '--missing', '-99', '--scale', '1-7', '--bootstrap', '20', '--workers', '1', '--weights', 'w', '--format', 'table']);
    expect(out).toMatch(/^Weighted by w: n = 344, effective n = [\d.]+ \(design effect 1\.\d+\)/);
    await expect(index(['--model', modelFile, '--data', weightedCsv, '--missing', '-99', '--scale', '1-7', '--weights', 'w', '--target', 'CUSL'])).rejects.toThrow(/--target cannot be combined with --weights/);
  });
});
