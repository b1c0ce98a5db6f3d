// `satmon estimate` end to end (a real child process): the CLI contract's fields, reproduced against seminr's
// reference bootstrap of corp_rep_simple (nboot 5000, seed 123) from the seed alone, and one-line errors.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { referenceDir as ref } from '../../helpers/reference';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../../..');
const satmon = (args: string[]) => run(process.execPath, [path.join(root, 'bin/satmon.mjs'), ...args], { cwd: root, maxBuffer: 32 << 20 });
const model = path.join(root, 'test/fixtures/models/corp_rep_simple.json');
const data = path.join(ref, 'data/corp_rep_data.csv');

describe('satmon estimate', () => {
  it('reproduces seminr bootstrap_model(nboot = 5000, seed = 123) from the seed', async () => {
    const { stdout } = await satmon(['estimate', '--model', model, '--data', data, '--missing', '-99', '--bootstrap', '5000', '--seed', '123', '--workers', '2']);
    const out = JSON.parse(stdout);
    const expected = JSON.parse(readFileSync(path.join(ref, 'results/corp_rep_simple.json'), 'utf8'));
    expect(out.n).toBe(344);
    expect(out.bootstrap.nSuccessful).toBe(5000);
    for (const e of expected.bootstrap.paths) {
      const p = out.paths.find((x: { from: string; to: string }) => x.from === e.from && x.to === e.to);
      expect(p.estimate).toBeCloseTo(e.original, 10);
      expect(p.bootMean).toBeCloseTo(e.boot_mean, 10);
      expect(p.bootSd).toBeCloseTo(e.boot_sd, 10);
      expect(p.t).toBeCloseTo(e.t_stat, 8);
      expect(p.ciLow).toBeCloseTo(e.ci_lower, 10);
      expect(p.ciHigh).toBeCloseTo(e.ci_upper, 10);
      expect(p.p).toBeGreaterThanOrEqual(0);
    }
    for (const key of ['loadings', 'weights', 'htmt', 'indirect']) expect(Array.isArray(out[key])).toBe(true);
    expect(out.rSquared.CUSL.r2).toBeCloseTo(expected.estimate.r_squared.CUSL.r2, 10);
    expect(out.reliability.COMP.rhoA).toBeCloseTo(expected.estimate.reliability.COMP.rhoA, 10);
    const ind = out.indirect.find((x: { from: string; through: string[]; to: string }) => x.from === 'COMP' && x.through.join() === 'CUSA' && x.to === 'CUSL');
    const refInd = expected.bootstrap.specific_indirect.find((x: { from: string; through: string; to: string }) => x.from === 'COMP' && x.to === 'CUSL');
    expect(ind.estimate).toBeCloseTo(refInd.original, 10);
    expect(ind.bootSd).toBeCloseTo(refInd.boot_sd, 10);
  }, 120_000);

  it('prints readable tables, in English with --lang en and in Indonesian by default', async () => {
    const args = ['estimate', '--model', model, '--data', data, '--missing', '-99', '--format', 'table'];
    const en = (await satmon([...args, '--lang', 'en'])).stdout;
    expect(en).toMatch(/^PLS-SEM estimate: n = 344, converged after \d+ iterations; 11 missing cells \(0\.3%\) mean-replaced$/m);
    expect(en).toMatch(/Structural paths/);
    expect(en).toMatch(/CUSA {2}-> {2}CUSL\s+0\.504/);
    const id = (await run(process.execPath, [path.join(root, 'bin/satmon.mjs'), ...args], { cwd: root, env: { ...process.env, SATMON_LOCALE: '' } })).stdout;
    expect(id).toMatch(/^Estimasi PLS-SEM: n = 344, konvergen setelah \d+ iterasi; 11 sel kosong \(0,3%\) diganti rata-rata$/m);
    expect(id).toMatch(/Jalur struktural/);
    expect(id).toMatch(/CUSA {2}-> {2}CUSL\s+0,504/);
    expect(id).toMatch(/Reliabilitas dan validitas konstruk/);
  });

  it('fails with one line naming the problem', async () => {
    const bad = satmon(['estimate', '--model', model, '--data', path.join(ref, 'data/mobi.csv')]);
    await expect(bad).rejects.toMatchObject({ code: 2 });
    const err: string = await bad.then(() => '', (e: { stderr: string }) => e.stderr);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toMatch(/mobi\.csv: column 'comp_1' not found/);
    await expect(satmon(['estimate', '--data', data])).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/--model/) });
  });
});
