// satmon instrument draft end to end (writes the draft, exit 2 on a missing file, --help) and satmon clean --explain.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run as instrument } from '../../../cli/commands/instrument';
import { run as clean } from '../../../cli/commands/clean';
import { CliError } from '../../../cli/errors';
import { explainDrop, formatExplanation } from '../../../shared/survey/explain';
import { loadInstrument } from '../../../shared/survey/index';

const ROOT = join(import.meta.dirname, '../../..');
let dir: string;
let stdout: string[];
let stderr: string[];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'satmon-draft-'));
});
afterAll(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});
function capture() {
  stdout = [];
  stderr = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => (stdout.push(String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => (stderr.push(String(s)), true));
}

const NAMED = [
  'respondent_id,branch_id,period,CRM1,CRM2,CRM3,CRM4,SQ1,SQ2,SQ3,SQ4,SQ5,TRUST1,TRUST2,TRUST3,TRUST4,GOV1,GOV2,GOV3,GOV4,GOV5,GOV6,SAT1,SAT2,SAT3,SAT4',
  ...Array.from({ length: 12 }, (_, i) => `R${i + 1},BR0${1 + (i % 3)},2025-Q1,${[...Array(23)].map((_, k) => 1 + ((i * 7 + k) % 5)).join(',')}`),
].join('\n');

function satmon(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'cli/satmon.ts', ...args], { cwd: ROOT, env: { ...process.env, SATMON_DEBUG: '' } }, (err, _o, stderr) => {
      resolve({ code: err ? (err as { code?: number }).code ?? 1 : 0, stderr });
    });
  });
}

describe('satmon instrument draft', () => {
  it('writes a draft that loads as it is for a fully named export, with a summary on stderr', async () => {
    const data = join(dir, 'named.csv');
    await writeFile(data, NAMED);
    const out = join(dir, 'named.json');
    capture();
    expect(await instrument(['draft', '--data', data, '--out', out])).toBe(0);
    vi.restoreAllMocks();
    const d = JSON.parse(await readFile(out, 'utf8'));
    expect(d.draft.undecided).toEqual([]);
    expect(Object.keys(d.constructs)).toEqual(['CRM', 'SQ', 'TRUST', 'GOV', 'SAT']); // the default model
    expect(loadInstrument(d, out).items).toHaveLength(23);
    const text = stderr.join('');
    expect(text).toMatch(/^draft from .*named\.csv: 12 rows read, 26 columns/);
    expect(text).toMatch(/items {4}23 of 23 question columns name an item of the model/);
    expect(text).toMatch(/nothing undecided/);
  });
  it('--sample reads the first N rows only', async () => {
    const data = join(dir, 'named.csv');
    const out = join(dir, 'sample.json');
    capture();
    await instrument(['draft', '--data', data, '--out', out, '--sample', '5']);
    vi.restoreAllMocks();
    const d = JSON.parse(await readFile(out, 'utf8'));
    expect(d.draft).toMatchObject({ rowsRead: 5, sampled: true });
  });
  it('refuses a missing file, a bad model and a bad subcommand with a CliError; exit 2 from the shell', async () => {
    const missing = join(dir, 'nope.csv');
    await expect(instrument(['draft', '--data', missing, '--out', join(dir, 'x.json')])).rejects.toThrow(CliError);
    await expect(instrument(['draft', '--data', missing, '--out', join(dir, 'x.json')])).rejects.toThrow(/^cannot read --data .*nope\.csv: ENOENT$/);
    await expect(instrument(['draft', '--data', join(dir, 'named.csv'), '--out', join(dir, 'x.json'), '--model', join(dir, 'nomodel.json')])).rejects.toThrow(/^cannot read --model .*ENOENT/);
    await expect(instrument(['drafts'])).rejects.toThrow(/unknown subcommand 'instrument drafts'/);
    await expect(instrument(['draft', '--out', 'x.json'])).rejects.toThrow(/missing required option --data/);
    const r = await satmon(['instrument', 'draft', '--data', missing, '--out', join(dir, 'x.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^satmon: cannot read --data .*ENOENT/);
  }, 60_000);
  it('--help prints the usage', async () => {
    capture();
    expect(await instrument(['draft', '--help'])).toBe(0);
    expect(await instrument(['--help'])).toBe(0);
    vi.restoreAllMocks();
    expect(stdout.join('')).toMatch(/^Usage: satmon instrument draft --data EXPORT\.\(csv\|xlsx\) --out I\.json/);
    expect(stdout.join('')).toMatch(/draft\.undecided/);
  });
});

describe('satmon clean --explain', () => {
  const INSTRUMENT = {
    id: 'gforms-2024', idColumn: 'Nomor Kartu Peserta (KPJ)', branchColumn: 'Kantor Cabang', dateColumn: 'Timestamp', timezone: 'Asia/Jakarta',
    scale: { min: 1, max: 5, labels: { 'Sangat Tidak Setuju': 1, 'Tidak Setuju': 2, Netral: 3, Setuju: 4, 'Sangat Setuju': 5 } },
    missingCodes: [''],
    columnAliases: { CRM1: ['1. Petugas rutin memberi informasi'], CRM2: ['2. Pelayanan sesuai kebutuhan'] },
    constructs: { CRM: ['CRM1', 'CRM2'] },
    branches: [{ id: 'BR07', name: 'Langsa', aliases: ['Kantor Cabang Langsa'] }],
    rules: { straightLining: false },
  };
  const CSV = [
    'Timestamp,Nomor Kartu Peserta (KPJ),Kantor Cabang,1. Petugas rutin memberi informasi,2. Pelayanan sesuai kebutuhan,Email',
    '31/03/2024 20:00:00,KPJ-1,Kantor Cabang Langsa,Setuju,sangat  setuju,a@b.c',
    '01/04/2024 08:00:00,KPJ-2,Kantor Cabang Medan,7,Netral,',
    '02/04/2024 08:00:00,KPJ-3,br07,4,,',
  ].join('\n');

  it('explains header matching and each cell with the cleaner\'s rules', async () => {
    const inst = loadInstrument(INSTRUMENT, 'gforms.json');
    const e = await explainDrop(CSV, { instrument: inst, source: 'gf.csv', rows: 2 });
    expect(e.header.find((h) => h.declared === 'CRM1')).toEqual({ declared: 'CRM1', role: 'item', position: 4, header: '1. Petugas rutin memberi informasi', via: 'alias' });
    expect(e.ignored).toEqual(['Email']);
    expect(e.rows.map((r) => r.line)).toEqual([2, 3]);
    const cell = (line: number, col: string) => e.rows.find((r) => r.line === line)!.cells.find((c) => c.declared === col)!;
    expect(cell(2, 'CRM1').result).toBe("4 (label 'Setuju')");
    expect(cell(2, 'CRM2').result).toBe("5 (label 'Sangat Setuju')");
    expect(cell(2, 'Kantor Cabang').result).toBe('BR07 (a name or alias in the directory)');
    // A Google Forms stamp without an offset is Jakarta time: 31 March 20:00 WIB is still Q1.
    expect(cell(2, 'Timestamp').result).toBe('2024-03-31 20:00:00 (Asia/Jakarta) -> 2024-03-31 in Asia/Jakarta -> 2024-Q1');
    expect(cell(3, 'CRM1')).toMatchObject({ ok: false, result: expect.stringMatching(/^refused: .*1-5/) });
    expect(cell(3, 'Kantor Cabang')).toMatchObject({ ok: false, result: expect.stringMatching(/UNKNOWN_BRANCH/) });
    const text = formatExplanation(e, new Map([[2, 'clean']]));
    expect(text).toMatch(/^Header -> declared columns\n/);
    expect(text).toMatch(/\nline 2: clean\n/);
    expect(text).toMatch(/CRM1 +"Setuju" +4 \(label 'Setuju'\)/);
    expect(text).toMatch(/!! refused/);
  });

  it('the CLI prints the table with the cleaner\'s verdicts and still writes the files', async () => {
    const data = join(dir, 'gf.csv');
    await writeFile(data, CSV);
    const inst = join(dir, 'gforms.json');
    await writeFile(inst, JSON.stringify(INSTRUMENT));
    const out = join(dir, 'out-explain');
    capture();
    const code = await clean(['--data', data, '--out', out, '--instrument', inst, '--explain', '--received-at', '2024-05-01']).catch((e) => e);
    vi.restoreAllMocks();
    expect(code).toBe(0);
    const text = stdout.join('');
    expect(text).toMatch(/\nline 2: clean\n/);
    expect(text).toMatch(/\nline 3: rejected: .*OUT_OF_RANGE/);
    expect(text).toMatch(/\nline 4: /);
    expect(await readFile(join(out, 'clean.csv'), 'utf8')).toMatch(/KPJ-1/);
  });

  it('--explain takes a count; a bad one is a CliError', async () => {
    const data = join(dir, 'gf.csv');
    const inst = join(dir, 'gforms.json');
    capture();
    await clean(['--data', data, '--out', join(dir, 'o2'), '--instrument', inst, '--explain', '1']).catch(() => undefined);
    vi.restoreAllMocks();
    expect(stdout.join('')).toMatch(/\nline 2/);
    expect(stdout.join('')).not.toMatch(/\nline 3/);
    await expect(clean(['--data', data, '--out', join(dir, 'o3'), '--instrument', inst, '--explain', '0'])).rejects.toThrow(/--explain must be a whole number/);
  });
});
