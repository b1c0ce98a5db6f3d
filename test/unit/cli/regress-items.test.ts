// `satmon regress` and `satmon items` end to end through bin/satmon.mjs. The numeric expectations are the
// R values of test/unit/shared/stats/regression.test.ts and items.test.ts (R 4.2.2, see the R code there); here
// they check the plumbing (flags, CSV reading, missing codes, output formats) and the one-line errors.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { referenceDir } from '../../helpers/reference';
import { expectClose } from '../shared/stats/expect-close';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const MOBI = join(referenceDir, 'data', 'mobi.csv');
const CORP = join(referenceDir, 'data', 'corp_rep_data.csv');

interface Run { code: number; stdout: string; stderr: string }
/** SATMON_LOCALE blank (unset) unless a test sets it: the default language (id) is what these runs see. */
function satmon(...args: string[]): Promise<Run> {
  return satmonEnv({}, ...args);
}

function satmonEnv(env: Record<string, string>, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/satmon.mjs', ...args], { cwd: ROOT, env: { ...process.env, SATMON_DEBUG: '', SATMON_LOCALE: '', ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** A failed run: non-zero exit, nothing on stdout, exactly one line on stderr. */
function expectOneLineError(r: Run, pattern: RegExp): void {
  expect(r.code, r.stderr).not.toBe(0);
  expect(r.stdout).toBe('');
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('npm warn'));
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^satmon: /);
  expect(lines[0]).toMatch(pattern);
}

const tmp = mkdtempSync(join(tmpdir(), 'satmon-cli-'));

describe('satmon regress', () => {
  it('prints the JSON result (R values of regression.test.ts)', async () => {
    const r = await satmon('regress', '--data', MOBI, '--y', 'CUSL1', '--x', 'CUSA1,CUSA2,CUSA3,PERQ1,IMAG1');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.coefficients.map((c: { name: string }) => c.name)).toEqual(['(Constant)', 'CUSA1', 'CUSA2', 'CUSA3', 'PERQ1', 'IMAG1']);
    expect(Object.keys(j.coefficients[1])).toEqual(['name', 'b', 'se', 'beta', 't', 'p']);
    expectClose(j.coefficients[3].b, 0.460763062961638);
    expectClose(j.r2, 0.222151838958316);
    expectClose(j.f, 13.9371798818007);
    expectClose(j.fP, 5.4965876584908e-12);
    expect(j.df).toEqual({ regression: 5, residual: 244, total: 249 });
    expectClose(j.vif.CUSA3, 1.92610687618685);
    expectClose(j.durbinWatson, 1.98518078301125);
    expectClose(j.ks.lillieforsP, 3.34303052140266e-11);
    expectClose(j.breuschPagan.statistic, 1.43842580013572);
    expectClose(j.glejser.f, 1.23064648186592);
  });

  it('applies --missing codes listwise and writes --out', async () => {
    const out = join(tmp, 'corp.json');
    const r = await satmon('regress', '--data', CORP, '--y', 'cusl_1', '--x', 'cusa,comp_1,like_1,qual_1', '--missing', '-99', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    const j = JSON.parse(readFileSync(out, 'utf8'));
    expect(j.n).toBe(340);
    expect(j.missing.excludedRows).toEqual([178, 204, 218, 282]);
    expectClose(j.coefficients[1].b, 0.422924791350986);
    expectClose(j.fP, 3.66817109354774e-35);
  });

  it('prints SPSS-like tables with --format table', async () => {
    const r = await satmon('regress', '--data', MOBI, '--y', 'CUSL1', '--x', 'CUSA1,CUSA2,CUSA3,PERQ1,IMAG1', '--format', 'table', '--lang', 'en');
    expect(r.code, r.stderr).toBe(0);
    for (const title of ['Model Summary', 'ANOVA', 'Coefficients', 'One-Sample Kolmogorov-Smirnov Test', 'Heteroscedasticity']) {
      expect(r.stdout).toContain(title);
    }
    expect(r.stdout).toMatch(/^1\s+0\.471\s+0\.222\s+0\.206\s+2\.36864\s+1\.985$/m); // R, R², adj R², SE, DW
    expect(r.stdout).toMatch(/^\s+CUSA3\s+0\.461\s+0\.119\s+0\.303\s+3\.864\s+0\.000\s+0\.519\s+1\.926$/m);
    expect(r.stdout).toMatch(/^1 Regression\s+390\.970\s+5\s+78\.194\s+13\.937\s+0\.000$/m);
    expect(r.stdout).toMatch(/^ {2}Residual\s+1,368\.954\s+244\s+5\.610$/m); // thousands grouped
    expect(r.stdout).toContain('a. Predictors: (Constant), CUSA1, CUSA2, CUSA3, PERQ1, IMAG1');
  });

  it('prints the tables in Indonesian by default (SATMON_LOCALE unset), with decimal commas', async () => {
    const r = await satmon('regress', '--data', MOBI, '--y', 'CUSL1', '--x', 'CUSA1,CUSA2,CUSA3,PERQ1,IMAG1', '--format', 'table');
    expect(r.code, r.stderr).toBe(0);
    for (const title of ['Ringkasan Model', 'ANOVA', 'Koefisien', 'Uji Kolmogorov-Smirnov Satu Sampel', 'Heteroskedastisitas']) {
      expect(r.stdout).toContain(title);
    }
    expect(r.stdout).not.toContain('Model Summary');
    expect(r.stdout).toMatch(/^1\s+0,471\s+0,222\s+0,206\s+2,36864\s+1,985$/m);
    expect(r.stdout).toMatch(/^1 Regresi\s+390,970\s+5\s+78,194\s+13,937\s+0,000$/m);
    expect(r.stdout).toMatch(/^ {2}Residual\s+1\.368,954\s+244\s+5,610$/m);
    expect(r.stdout).toMatch(/^ {2}IMAG1\s+\u22120,087\s/m); // a negative with the minus sign
    expect(r.stdout).toContain('a. Prediktor: (Konstanta), CUSA1, CUSA2, CUSA3, PERQ1, IMAG1');
    expect(r.stdout).toContain('t tabel (dua sisi, alpha = 0,05, df = 244) = 1,970');
  });

  it('takes the language from SATMON_LOCALE, and --lang (anywhere on the line) over it', async () => {
    const args = ['regress', '--data', MOBI, '--y', 'CUSL1', '--x', 'CUSA1', '--format', 'table'];
    const en = await satmonEnv({ SATMON_LOCALE: 'en' }, ...args);
    expect(en.stdout).toContain('Model Summary');
    const id = await satmonEnv({ SATMON_LOCALE: 'en' }, '--lang', 'id', ...args);
    expect(id.stdout).toContain('Ringkasan Model');
    expectOneLineError(await satmon(...args, '--lang', 'fr'), /--lang must be id or en, got 'fr'/);
    expectOneLineError(await satmonEnv({ SATMON_LOCALE: 'de' }, ...args), /SATMON_LOCALE must be id or en/);
  });

  it('keeps the JSON language-neutral', async () => {
    const args = ['regress', '--data', MOBI, '--y', 'CUSL1', '--x', 'CUSA1,CUSA2'];
    const [id, en] = await Promise.all([satmon(...args, '--lang', 'id'), satmon(...args, '--lang', 'en')]);
    expect(id.stdout).toBe(en.stdout);
    expect(JSON.parse(id.stdout).coefficients[0].name).toBe('(Constant)');
  });

  it('rejects bad input with one line and a non-zero exit', async () => {
    expectOneLineError(await satmon('regress', '--data', MOBI, '--y', 'CUSL1', '--x', 'CUSA1,NOPE'), /mobi\.csv: column 'NOPE' not found/);
    expectOneLineError(await satmon('regress', '--data', join(tmp, 'absent.csv'), '--y', 'a', '--x', 'b'), /absent\.csv: no such file/);
    expectOneLineError(await satmon('regress', '--data', MOBI, '--x', 'CUSA1'), /missing required option --y/);
    expectOneLineError(await satmon('regress', '--data', MOBI, '--y', 'CUSL1', '--x', 'CUSA1', '--format', 'xml'), /--format must be json or table/);
    expectOneLineError(await satmon('regress', '--data', MOBI, '--y', 'CUSL1', '--x', 'CUSA1', '--bogus'), /bogus/);

    const bad = join(tmp, 'bad.csv');
    writeFileSync(bad, 'y,x1,x2\n1,2,3\n2,3,1\n3,abc,2\n4,1,5\n5,2,2\n');
    expectOneLineError(await satmon('regress', '--data', bad, '--y', 'y', '--x', 'x1,x2'), /bad\.csv: line 4, column 'x1': 'abc' is not a number/);

    const sing = join(tmp, 'singular.csv');
    writeFileSync(sing, 'y,a,b,s\n1,2,3,5\n2,3,1,4\n3,1,2,3\n4,1,5,6\n5,2,2,4\n6,4,4,8\n');
    // an aliased predictor is not an error (R's lm answers): coefficient NA, a warning on stderr
    const aliased = await satmon('regress', '--data', sing, '--y', 'y', '--x', 'a,b,s');
    expect(aliased.code, aliased.stderr).toBe(0);
    expect(aliased.stderr).toMatch(/^satmon regress: warning: predictor 's' is aliased: a linear combination of a, b; its coefficient is NA/);
    expect(JSON.parse(aliased.stdout).coefficients[3]).toEqual({ name: 's', b: null, se: null, beta: null, t: null, p: null });
    expectOneLineError(await satmon('regress', '--data', sing, '--y', 'y', '--x', 'a,b,s,a'), /listed twice/);

    const tiny = join(tmp, 'tiny.csv');
    writeFileSync(tiny, 'y,a,b\n1,2,3\n2,3,1\n-99,1,1\n4,1,5\n');
    // 3 complete rows, b = 7 - 2a aliased: R's lm gives (Intercept) 4.3333 (SE 2.4944), a -1 (SE 1.1547), b NA
    const small = await satmon('regress', '--data', tiny, '--y', 'y', '--x', 'a,b', '--missing', '-99');
    expect(small.code, small.stderr).toBe(0);
    expect(small.stderr).toMatch(/predictor 'b' is aliased/);
    const coef = JSON.parse(small.stdout).coefficients;
    expect(coef[0].b).toBeCloseTo(13 / 3, 10);
    expect(coef[0].se).toBeCloseTo(2.4944, 4);
    expect(coef[1].b).toBeCloseTo(-1, 10);
    expect(coef[1].se).toBeCloseTo(1.1547, 4);
    expect(coef[2].b).toBeNull();
  });
});

describe('satmon items', () => {
  it('prints the JSON item analysis (R values of items.test.ts)', async () => {
    const r = await satmon('items', '--data', MOBI, '--items', 'PERQ1,PERQ2,PERQ3,PERQ4,PERQ5,PERQ6,PERQ7');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expectClose(j.alpha, 0.872406371429888);
    expectClose(j.alphaStandardized, 0.877010245240235);
    expect(j.band).toBe('Very reliable');
    expectClose(j.rTable.twoSided, 0.124101345527899);
    expectClose(j.itemTotal[1].correctedItemTotalCorrelation, 0.535616673008151);
    expectClose(j.itemTotal[1].alphaIfDeleted, 0.871814693546205);
    expect(j.itemTotal.map((x: { valid: boolean }) => x.valid)).toEqual(Array(7).fill(true));
  });

  it('prints SPSS-like tables with --format table, honouring --missing and --validity', async () => {
    const r = await satmon('items', '--lang', 'en', '--data', CORP, '--items', 'cusl_1,cusl_2,cusl_3', '--missing', '-99', '--validity', 'one-sided', '--format', 'table');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Reliability Statistics');
    expect(r.stdout).toContain('Item-Total Statistics');
    expect(r.stdout).toMatch(/^\s+0\.834\s+0\.833\s+3\s+Very reliable$/m);
    expect(r.stdout).toMatch(/^cusl_2\s+10\.7887\s+7\.564\s+0\.787\s+0\.671\s+0\.090\s+yes$/m);
    expect(r.stdout).toContain('N = 336 (listwise; 8 of 344 rows excluded for missing values)');
    expect(r.stdout).toContain('validity uses the one-sided value');
  });

  it('prints the item tables in Indonesian', async () => {
    const r = await satmon('items', '--data', CORP, '--items', 'cusl_1,cusl_2,cusl_3', '--missing', '-99', '--validity', 'one-sided', '--format', 'table', '--lang=id');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Statistik Reliabilitas');
    expect(r.stdout).toContain('Statistik Item-Total');
    expect(r.stdout).toMatch(/^\s+0,834\s+0,833\s+3\s+Sangat reliabel$/m);
    expect(r.stdout).toMatch(/^cusl_2\s+10,7887\s+7,564\s+0,787\s+0,671\s+0,090\s+ya$/m);
    expect(r.stdout).toContain('N = 336 (listwise; 8 dari 344 baris dikeluarkan karena nilai hilang)');
    expect(r.stdout).toContain('r tabel pada alpha = 0,05, df = 334: dua sisi 0,107, satu sisi 0,090; validitas memakai nilai satu sisi.');
  });

  it('rejects bad input with one line and a non-zero exit', async () => {
    expectOneLineError(await satmon('items', '--data', MOBI, '--items', 'PERQ1'), /at least 2 items/);
    expectOneLineError(await satmon('items', '--data', MOBI, '--items', 'PERQ1,PERQ9'), /column 'PERQ9' not found/);
    expectOneLineError(await satmon('items', '--data', MOBI, '--items', ' , '), /--items needs a comma-separated list/);
    expectOneLineError(await satmon('items', '--data', MOBI, '--items', 'PERQ1,PERQ2', '--validity', 'both'), /--validity must be/);
    const bad = join(tmp, 'items-bad.csv');
    writeFileSync(bad, 'i1,i2,i3\n1,2,3\n2,3,x3\n');
    expectOneLineError(await satmon('items', '--data', bad, '--items', 'i1,i2,i3'), /items-bad\.csv: line 3, column 'i3': 'x3' is not a number/);
  });
});
