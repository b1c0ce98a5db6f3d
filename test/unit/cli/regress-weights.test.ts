// `satmon regress --weights COL` end to end through bin/satmon.mjs: R's lm(weights = w) coefficients
// (test/fixtures/weights/wls.R, weights of mean 1), the JSON weights block, the table's effective-n line in both
// languages, and the one-line errors for a blank or negative weight.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readNumericCsv } from '../../../shared/stats/read-csv';
import { expectClose } from '../shared/stats/expect-close';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
interface Run { code: number; stdout: string; stderr: string }
function satmon(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/satmon.mjs', ...args], { cwd: ROOT, env: { ...process.env, SATMON_DEBUG: '', SATMON_LOCALE: '' } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

const tmp = mkdtempSync(join(tmpdir(), 'satmon-regress-w-'));
const wls = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/weights/wls.json'), 'utf8')) as { ids: number[]; w: number[]; b: number[]; se: number[] };
// the loyalty model's sum scores of the complete rows, with wls.R's weights (printed with 17 digits: exact)
const raw = readNumericCsv(readFileSync(join(ROOT, 'test/fixtures/loyalty-likert.csv'), 'utf8'), 'loyalty-likert.csv');
const dims: Record<string, string[]> = { LOY: ['LOY1', 'LOY2', 'LOY3'], TAN: ['TAN1', 'TAN2', 'TAN3'], REL: ['REL1', 'REL2', 'REL3'],
  RES: ['RES1', 'RES2', 'RES3'], ASR: ['ASR1', 'ASR2'], EMP: ['EMP1', 'EMP2'] };
const col = (nm: string) => raw.cols[raw.names.indexOf(nm)]!;
const lines = ['id,LOY,TAN,REL,RES,ASR,EMP,w'];
wls.ids.forEach((id, k) => {
  const i = col('id').indexOf(id);
  lines.push([id, ...Object.values(dims).map((it) => it.reduce((s, nm) => s + col(nm)[i]!, 0)), wls.w[k]!.toPrecision(17)].join(','));
});
const DATA = join(tmp, 'scores.csv');
writeFileSync(DATA, lines.join('\n') + '\n');
const X = 'TAN,REL,RES,ASR,EMP';

describe('satmon regress --weights', () => {
  it("gives R's weighted coefficients and SEs and reports the weights in the JSON", async () => {
    const r = await satmon('regress', '--data', DATA, '--y', 'LOY', '--x', X, '--weights', 'w');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    j.coefficients.forEach((c: { b: number; se: number }, k: number) => {
      expectClose(c.b, wls.b[k]!, 1e-12);
      expectClose(c.se, wls.se[k]!, 1e-12);
    });
    expect(Object.keys(j.weights)).toEqual(['column', 'n', 'sum', 'nEffective', 'deff']);
    expect(j.weights.column).toBe('w');
    expect(j.weights.n).toBe(100);
    expectClose(j.weights.sum, 100, 1e-13);
    const s2 = wls.w.reduce((a, v) => a + v * v, 0);
    expectClose(j.weights.nEffective, 100 ** 2 / s2, 1e-12);
    expectClose(j.weights.deff, s2 / 100, 1e-12);
  });

  it('prints the effective n under the Model Summary (en and id)', async () => {
    const en = await satmon('regress', '--data', DATA, '--y', 'LOY', '--x', X, '--weights', 'w', '--format', 'table', '--lang', 'en');
    expect(en.code, en.stderr).toBe(0);
    expect(en.stdout).toMatch(/Weighted by w \(frequency weights\): 100 rows, sum of weights 100\.00, effective n = \d+\.\d, design effect \d\.\d{3}/);
    const id = await satmon('regress', '--data', DATA, '--y', 'LOY', '--x', X, '--weights', 'w', '--format', 'table', '--lang', 'id');
    expect(id.stdout).toMatch(/Dibobot dengan w \(bobot frekuensi\): 100 baris, .*n efektif = /);
    const plain = await satmon('regress', '--data', DATA, '--y', 'LOY', '--x', X, '--format', 'table', '--lang', 'en');
    expect(plain.stdout).not.toContain('Weighted by');
  });

  it('rejects a blank or negative weight naming the line and column, and a weight column that is also a variable', async () => {
    const bad = lines.slice();
    bad[5] = bad[5]!.replace(/,[^,]*$/, ',');
    writeFileSync(join(tmp, 'blank.csv'), bad.join('\n') + '\n');
    let r = await satmon('regress', '--data', join(tmp, 'blank.csv'), '--y', 'LOY', '--x', X, '--weights', 'w');
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^satmon: .*blank\.csv: line 6, column 'w': the weight is missing\n$/);
    bad[5] = bad[5]! + '-1';
    writeFileSync(join(tmp, 'neg.csv'), bad.join('\n') + '\n');
    r = await satmon('regress', '--data', join(tmp, 'neg.csv'), '--y', 'LOY', '--x', X, '--weights', 'w');
    expect(r.stderr).toMatch(/neg\.csv: line 6, column 'w': weight -1 is negative/);
    r = await satmon('regress', '--data', DATA, '--y', 'LOY', '--x', X, '--weights', 'TAN');
    expect(r.stderr).toMatch(/--weights TAN is also a predictor/);
  });
});
