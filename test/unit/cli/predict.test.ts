// `satmon predict` end to end through bin/satmon.mjs on mobi (ECSI): the JSON's figures are seminr's
// (test/fixtures/predict/predict.json, written by predict.R; the engine's own test compares every figure), the
// table prints them, and bad input fails with one line naming the file, line and column.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { referenceDir } from '../../helpers/reference';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const MOBI = join(referenceDir, 'data', 'mobi.csv');
const MODEL = join(ROOT, 'test/fixtures/predict/mobi_ecsi.model.json');
const expected = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/predict/predict.json'), 'utf8')) as {
  cases: { model: string; technique: string; reps: number; items: Record<string, { pls_oos_rmse: number; lm_oos_mae: number; q2predict: number; pls_is_rmse: number }> }[];
};
const refCase = (technique: string, reps: number) => expected.cases.find((c) => c.model === 'mobi_ecsi' && c.technique === technique && c.reps === reps)!;

interface Run { code: number; stdout: string; stderr: string }
function satmon(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/satmon.mjs', ...args], { cwd: ROOT, env: { ...process.env, SATMON_DEBUG: '', SATMON_LOCALE: '' } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('satmon predict', () => {
  it("gives seminr's predict_pls figures for mobi (10 folds, seed 123, reps 1)", async () => {
    const r = await satmon('predict', '--model', MODEL, '--data', MOBI, '--reps', '1');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.n).toBe(250);
    expect(out.settings).toEqual({ folds: 10, reps: 1, seed: 123, technique: 'direct', missing: 'mean' });
    const ref = refCase('direct', 1).items;
    expect(out.items.map((x: { item: string }) => x.item)).toEqual(Object.keys(ref));
    const cusa2 = out.items.find((x: { item: string }) => x.item === 'CUSA2');
    expect(cusa2.construct).toBe('Satisfaction');
    expect(Math.abs(cusa2.pls.rmse - ref.CUSA2!.pls_oos_rmse)).toBeLessThan(1e-10);
    expect(Math.abs(cusa2.lm.mae - ref.CUSA2!.lm_oos_mae)).toBeLessThan(1e-10);
    expect(Math.abs(cusa2.q2predict - ref.CUSA2!.q2predict)).toBeLessThan(1e-10);
    expect(Math.abs(cusa2.plsInSample.rmse - ref.CUSA2!.pls_is_rmse)).toBeLessThan(1e-10);
  });

  it('takes --technique earliest and --reps (a fresh shuffle per rep)', async () => {
    const r = await satmon('predict', '--model', MODEL, '--data', MOBI, '--reps', '3', '--technique', 'earliest', '--folds', '10', '--seed', '123');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    const ref = refCase('earliest', 3).items;
    for (const it of out.items) expect(Math.abs(it.pls.rmse - ref[it.item]!.pls_oos_rmse), it.item).toBeLessThan(1e-10);
  });

  it('prints a readable table', async () => {
    const r = await satmon('predict', '--model', MODEL, '--data', MOBI, '--reps', '1', '--format', 'table', '--lang', 'en');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^PLSpredict: n = 250, 10 folds x 1 repetition \(seed 123\), direct antecedents$/m);
    const rmse = refCase('direct', 1).items.CUSA2!.pls_oos_rmse.toFixed(3);
    expect(r.stdout).toMatch(new RegExp(`^CUSA2\\s+Satisfaction\\s+${rmse.replace('.', '\\.')}\\s`, 'm'));
    expect(r.stdout).toMatch(/In-sample prediction errors/);
  });

  it('fails with one line naming the problem', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'satmon-predict-'));
    const lines = readFileSync(MOBI, 'utf8').split('\n');
    const header = lines[0]!.split(',').map((h) => h.replace(/"/g, ''));
    const cells = lines[3]!.split(',');
    cells[header.indexOf('CUSA2')] = 'abc';
    lines[3] = cells.join(',');
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, lines.join('\n'));
    const cases: [string[], RegExp][] = [
      [['--data', bad], /bad\.csv: line 4, column 'CUSA2'/],
      [['--data', MOBI, '--folds', '1'], /--folds must be at least 2/],
      [['--data', MOBI, '--folds', '251'], /mobi\.csv: 251 folds for 250 rows/],
      [['--data', MOBI, '--technique', 'late'], /--technique must be direct or earliest/],
    ];
    for (const [args, re] of cases) {
      const r = await satmon('predict', '--model', MODEL, ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(re);
    }
    const moderated = join(dir, 'moderated.json');
    writeFileSync(moderated, JSON.stringify({
      constructs: { Image: { items: ['IMAG1', 'IMAG2'] }, Value: { items: ['PERV1', 'PERV2'] }, Satisfaction: { items: ['CUSA1', 'CUSA2'] } },
      interactions: [{ name: 'IxV', between: ['Image', 'Value'] }],
      paths: [{ from: 'Image', to: 'Satisfaction' }, { from: 'Value', to: 'Satisfaction' }, { from: 'IxV', to: 'Satisfaction' }],
    }));
    const r = await satmon('predict', '--model', moderated, '--data', MOBI);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/moderated\.json: .*interaction term.*moderated models/);
  });
});
