// The CLI contract of `satmon simulate` and `satmon clean`, run in-process on temporary folders.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run as clean } from '../../../cli/commands/clean';
import { run as simulate } from '../../../cli/commands/simulate';
import { CliError } from '../../../cli/errors';
import type { DropManifest, SimTruth } from '../../../shared/survey/index';
import defaultJson from '../../../shared/survey/instruments/default.json';
import { FIXTURES } from '../shared/survey/helpers';

/** An instrument JSON without its SKM unsur (the ikm section, their itemScales and standalone items). */
function withoutUnsur(json: typeof defaultJson): Record<string, unknown> {
  const unsur = new Set(json.ikm.unsur);
  const { ikm: _, itemScales: __, ...rest } = json;
  return { ...rest, standaloneItems: json.standaloneItems.filter((it) => !unsur.has(it)) };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'satmon-cli-'));
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterAll(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

const readCsv = async (p: string) => parse(await readFile(p, 'utf8'), { bom: true }) as string[][];

describe('satmon simulate', () => {
  it('writes one drop per branch and period, truth.json and branches.json', async () => {
    const out = join(dir, 'sim');
    expect(await simulate(['--out', out, '--branches', '3', '--periods', '2025-Q1..2025-Q2', '--n', '40', '--seed', 's1', '--messy', '0.1', '--drift', 'BR02:TRUST:-0.4:2025-Q2'])).toBe(0);
    const files = (await readdir(out)).sort();
    // (messy drops get a header style: exact, upper case or spaced)
    const header = (await readFile(join(out, 'drop_BR01_2025-Q1.csv'), 'utf8')).split('\r\n')[0]!.split(';');
    expect(header.slice(8, 11).map((h) => h.toLowerCase())).toEqual(['education', 'occupation', 'crm1']);
    expect(files).toEqual(['branches.json', 'drop_BR01_2025-Q1.csv', 'drop_BR01_2025-Q2.csv', 'drop_BR02_2025-Q1.csv', 'drop_BR02_2025-Q2.csv', 'drop_BR03_2025-Q1.csv', 'drop_BR03_2025-Q2.csv', 'truth.json']);
    const truth = JSON.parse(await readFile(join(out, 'truth.json'), 'utf8')) as SimTruth;
    expect(truth.files).toHaveLength(6);
    expect(truth.options.drifts).toEqual([{ branch: 'BR02', construct: 'TRUST', delta: -0.4, from: '2025-Q2' }]);
    expect(truth.shifts.BR02!['2025-Q2']!.TRUST! - truth.shifts.BR02!['2025-Q1']!.TRUST!).toBeCloseTo(-0.4, 6);
    const directory = JSON.parse(await readFile(join(out, 'branches.json'), 'utf8')) as { population: number }[];
    expect(directory[0]).toEqual({ id: 'BR01', name: 'Meulaboh', region: 'ACEH', population: expect.any(Number) });
    // Active participants per branch (the SKM's population N), 2,000-60,000, deterministic.
    for (const b of directory) expect(b.population >= 2000 && b.population <= 60000 && b.population % 100 === 0, JSON.stringify(b)).toBe(true);
  });
  it('is deterministic by seed', async () => {
    const a = join(dir, 'seed-a'), b = join(dir, 'seed-b');
    await simulate(['--out', a, '--branches', '2', '--periods', '2025-Q1', '--n', '20', '--seed', '7', '--messy', '0.2']);
    await simulate(['--out', b, '--branches', '2', '--periods', '2025-Q1', '--n', '20', '--seed', '7', '--messy', '0.2']);
    for (const f of ['drop_BR01_2025-Q1.csv', 'drop_BR02_2025-Q1.csv', 'truth.json']) {
      expect(await readFile(join(a, f), 'utf8')).toBe(await readFile(join(b, f), 'utf8'));
    }
  });
  it('writes one head-office file with --head-office', async () => {
    const out = join(dir, 'office');
    await simulate(['--out', out, '--branches', '2', '--periods', '2025-Q1..2025-Q2', '--n', '10', '--head-office', '--format', 'plain']);
    expect((await readdir(out)).sort()).toEqual(['branches.json', 'headoffice_2025-Q1_2025-Q2.csv', 'truth.json']);
    expect(await readCsv(join(out, 'headoffice_2025-Q1_2025-Q2.csv'))).toHaveLength(41);
  });
  it('refuses bad options with a CliError naming the flag', async () => {
    await expect(simulate([])).rejects.toThrow(/--out/);
    await expect(simulate(['--out', dir, '--n', 'many'])).rejects.toThrow(/--n must be an integer/);
    await expect(simulate(['--out', dir, '--drift', 'BR07:TRUST'])).rejects.toThrow(CliError);
    await expect(simulate(['--out', dir, '--mess-kinds', 'typos'])).rejects.toThrow(/unknown kind 'typos'/);
    await expect(simulate(['--out', dir, '--bogus'])).rejects.toThrow(CliError);
  });
});

describe('satmon clean', () => {
  it('writes clean.csv, rejects.csv and manifest.json; rows conserved and the truth found', async () => {
    const sim = join(dir, 'sim');
    const out = join(dir, 'clean-br02');
    expect(await clean(['--data', join(sim, 'drop_BR02_2025-Q2.csv'), '--out', out, '--branches', join(sim, 'branches.json')])).toBe(0);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as DropManifest;
    const truth = (JSON.parse(await readFile(join(sim, 'truth.json'), 'utf8')) as SimTruth).files.find((f) => f.file === 'drop_BR02_2025-Q2.csv')!;
    const cleanCsv = await readCsv(join(out, 'clean.csv'));
    const rejects = await readCsv(join(out, 'rejects.csv'));
    expect(manifest.inputRows).toBe(truth.rows);
    expect(manifest.inputRows).toBe(manifest.cleanRows + manifest.rejectedRows);
    expect(cleanCsv.length - 1).toBe(manifest.cleanRows);
    expect(rejects.length - 1).toBe(manifest.rejectedRows);
    expect(cleanCsv[0]!.slice(0, 4)).toEqual(['respondent_id', 'branch_id', 'period', 'date']);
    expect(cleanCsv[0]!.at(-1)).toBe('line');
    expect(rejects[0]!.slice(0, 3)).toEqual(['line', 'respondent_id', 'reasons']);
    expect(rejects[0]!.slice(-2)).toEqual(['detail', 'raw_text']);
    const expected = truth.messy.filter((e) => e.expect === 'reject').map((e) => [String(e.line), e.reasons.join(';')]);
    expect(rejects.slice(1).map((r) => [r[0], r[2]])).toEqual(expected);
    expect(manifest.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.instrument.id).toBe('bpjstk-satisfaction');
    expect(manifest.groups).toEqual([{ branch: 'BR02', period: '2025-Q2', clean: manifest.cleanRows, rejected: expect.any(Number) }]);
    // Occupation (pekerjaan) goes through: a clean.csv column of the default instrument's codes, the simulated mix.
    const occ = cleanCsv[0]!.indexOf('occupation');
    expect(occ).toBe(cleanCsv[0]!.indexOf('education') + 1);
    const codes = new Set(cleanCsv.slice(1).map((r) => r[occ]));
    expect([...codes].every((c) => Object.keys(defaultJson.demographics.occupation.codes).includes(c!))).toBe(true);
    expect(codes.size).toBeGreaterThanOrEqual(4);
  });
  it('rejects.csv keeps the original fields and the exact original text', async () => {
    const out = join(dir, 'clean-fixture');
    // The fixture predates the SKM unsur (issue 10): read it with the default instrument without them.
    const preSkm = join(dir, 'pre-skm-instrument.json');
    await writeFile(preSkm, JSON.stringify(withoutUnsur(defaultJson)));
    await clean(['--data', join(FIXTURES, 'excel-id-branch.csv'), '--out', out, '--instrument', preSkm]);
    const rejects = await readCsv(join(out, 'rejects.csv'));
    const header = rejects[0]!;
    expect(header.slice(3, 5)).toEqual(['ID Responden', 'Kode Cabang']);
    const r22 = rejects.find((r) => r[0] === '22')!;
    expect(r22[2]).toBe('BAD_BRANCH;OUT_OF_RANGE');
    expect(r22[4]).toBe('BR 07!');
    const original = (await readFile(join(FIXTURES, 'excel-id-branch.csv'), 'utf8')).split('\r\n')[21];
    expect(r22.at(-1)).toBe(original);
  });
  it('accepts the minimal instrument file as it is', async () => {
    const out = join(dir, 'clean-minimal');
    await clean(['--data', join(FIXTURES, 'headoffice-minimal.csv'), '--out', out, '--instrument', join(FIXTURES, 'minimal-instrument.json')]);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as DropManifest;
    expect(manifest.instrument).toMatchObject({ id: 'minimal', version: '1' });
    expect([manifest.cleanRows, manifest.rejectedRows, manifest.groups.length]).toEqual([5, 4, 5]);
    expect((await readCsv(join(out, 'clean.csv')))[0]).toEqual(['respondent_id', 'branch_id', 'period', 'CRM1', 'CRM2', 'CRM3', 'CRM4', 'TRUST1', 'TRUST2', 'TRUST3', 'TRUST4', 'answer_hash', 'line']);
  });
  it('cleans a simulated head-office drop with the minimal instrument (other columns ignored)', async () => {
    const out = join(dir, 'clean-office');
    await clean(['--data', join(dir, 'office', 'headoffice_2025-Q1_2025-Q2.csv'), '--out', out, '--instrument', join(FIXTURES, 'minimal-instrument.json')]);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as DropManifest;
    expect(manifest.inputRows).toBe(40);
    expect(manifest.groups).toHaveLength(4);
    expect(manifest.header.ignored).toContain('SAT_PROG');
  });
  it('refuses a drop without the required columns, naming file, line and columns (exit 2 via CliError)', async () => {
    const bad = join(dir, 'bad.csv');
    await writeFile(bad, 'respondent_id;branch_id;period;CRM1\nr1;BR01;2025-Q1;4\n');
    const err = await clean(['--data', bad, '--out', join(dir, 'bad-out'), '--instrument', join(FIXTURES, 'minimal-instrument.json')]).catch((e) => e);
    expect(err).toBeInstanceOf(CliError);
    expect(err.message).toMatch(/bad\.csv: line 1: required columns 'CRM2', .*'TRUST4' not found/);
  });
  it('refuses missing files, bad instruments and bad flags', async () => {
    await expect(clean(['--out', dir])).rejects.toThrow(/missing required option --data/);
    await expect(clean(['--data', join(dir, 'nope.csv'), '--out', dir])).rejects.toThrow(/cannot read --data .*nope\.csv: ENOENT/);
    const badIns = join(dir, 'ins.json');
    await writeFile(badIns, '{"id": "x"}');
    await expect(clean(['--data', join(FIXTURES, 'headoffice-minimal.csv'), '--out', dir, '--instrument', badIns])).rejects.toThrow(/ins\.json: invalid instrument: idColumn/);
    await writeFile(badIns, '{oops');
    await expect(clean(['--data', join(FIXTURES, 'headoffice-minimal.csv'), '--out', dir, '--instrument', badIns])).rejects.toThrow(/not valid JSON/);
  });
});
