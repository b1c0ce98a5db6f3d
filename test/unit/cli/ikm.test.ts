// satmon ikm: the CLI contract on an SKM-only export with the regulation's answer labels (the issue's
// skm-2024 instrument as written), checked against NRRs computed here from the codes that were written.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../../..');
const exec = promisify(execFile);
const satmon = (args: string[]) => exec(process.execPath, [path.join(root, 'bin/satmon.mjs'), ...args], { cwd: root, maxBuffer: 32 << 20 });
const instrument = path.join(root, 'test/fixtures/instruments/skm-2024.json');
const spec = JSON.parse(readFileSync(instrument, 'utf8')) as { itemScales: Record<string, { labels: Record<string, number> }> };
const U = ['U1', 'U2', 'U3', 'U4', 'U5', 'U6', 'U7', 'U8', 'U9'];

/** code of respondent r's answer to unsur j (deterministic, every code used); 0 = no answer */
const code = (r: number, j: number) => ((r * 7 + j * 3 + ((r * j) % 5)) % 11 === 0 ? 0 : 1 + ((r * 5 + j * 2 + (r % 3)) % 4 === 0 ? 1 : (r + j) % 3) + ((r + 2 * j) % 4 === 0 ? 1 : 0));
const labelOf = (u: string, c: number) => Object.entries(spec.itemScales[u]!.labels).find(([, v]) => v === c)![0];

let dir: string;
type Unit = { branch: string; period: string; n: number; ikm: number; ikmLow: number; ikmHigh: number; band: string; nrr: Record<string, number> };
let units: Unit[];
const rows: { branch: string; period: string; codes: number[] }[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'satmon-ikm-'));
  const lines = ['no_responden,kantor,triwulan,' + U.join(',')];
  let id = 0;
  for (const branch of ['KC01', 'KC02']) for (const period of ['2024-Q1', '2024-Q2']) for (let r = 0; r < 45; r++) {
    const codes = U.map((_, j) => code(id, j));
    rows.push({ branch, period, codes });
    lines.push([++id, branch, period, ...U.map((u, j) => (codes[j] ? labelOf(u, codes[j]!) : ''))].join(','));
  }
  lines.push(`${++id},KC01,2024-Q1,Sesuai,bukan jawaban,,,,,,,`); // rejected: not an answer label
  writeFileSync(path.join(dir, 'skm.csv'), lines.join('\n') + '\n');
  const out = path.join(dir, 'r.json');
  await satmon(['ikm', '--data', path.join(dir, 'skm.csv'), '--instrument', instrument, '--out', out, '--bootstrap', '200']);
  units = (JSON.parse(readFileSync(out, 'utf8')) as { units: Unit[] }).units;
}, 60_000);

/** NRR and IKM by hand from the written codes (a row with 2 or more of the 9 unsur blank, over 20%, is rejected) */
function expected(keep: (r: (typeof rows)[number]) => boolean) {
  const sel = rows.filter(keep).filter((r) => r.codes.filter((c) => c === 0).length <= 1);
  const nrr = U.map((_, j) => { const v = sel.map((r) => r.codes[j]!).filter((c) => c > 0); return v.reduce((a, c) => a + c, 0) / v.length; });
  return { n: sel.length, nrr, ikm: (nrr.reduce((a, x) => a + x, 0) / 9) * 25 };
}

describe('satmon ikm', () => {
  it('gives every branch x quarter, branch x year and the network, with the contract fields', () => {
    expect(units.map((u) => `${u.branch} ${u.period}`)).toEqual([
      'KC01 2024-Q1', 'KC01 2024-Q2', 'KC01 2024', 'KC02 2024-Q1', 'KC02 2024-Q2', 'KC02 2024', 'network 2024-Q1', 'network 2024-Q2', 'network 2024',
    ]);
    for (const u of units) {
      expect(Object.keys(u)).toEqual(expect.arrayContaining(['branch', 'period', 'n', 'ikm', 'ikmLow', 'ikmHigh', 'band', 'nrr']));
      expect(Object.keys(u.nrr)).toEqual(U);
      expect(u.ikmLow).toBeLessThan(u.ikm);
      expect(u.ikmHigh).toBeGreaterThan(u.ikm);
    }
  });

  it('equals the NRRs and IKM computed by hand from the codes (labels read, blanks left out, the bad row rejected)', () => {
    const cases: [string, string, (r: (typeof rows)[number]) => boolean][] = [
      ['KC01', '2024-Q1', (r) => r.branch === 'KC01' && r.period === '2024-Q1'],
      ['KC02', '2024', (r) => r.branch === 'KC02'],
      ['network', '2024-Q2', (r) => r.period === '2024-Q2'],
      ['network', '2024', () => true],
    ];
    for (const [branch, period, keep] of cases) {
      const u = units.find((x) => x.branch === branch && x.period === period)!;
      const e = expected(keep);
      expect(u.n).toBe(e.n);
      U.forEach((k, j) => expect(u.nrr[k]).toBeCloseTo(e.nrr[j]!, 12));
      expect(u.ikm).toBeCloseTo(e.ikm, 10);
      expect(u.band).toBe(e.ikm >= 88.31 ? 'A' : e.ikm >= 76.61 ? 'B' : e.ikm >= 65 ? 'C' : 'D');
    }
  });

  it('prints a table in Indonesian and in English', async () => {
    const id = (await satmon(['ikm', '--data', path.join(dir, 'skm.csv'), '--instrument', instrument, '--format', 'table', '--bootstrap', '0', '--lang', 'id'])).stdout;
    expect(id).toContain('Indeks Kepuasan Masyarakat');
    expect(id).toContain('Triwulan I 2024');
    expect(id).toMatch(/\d,\d\d/);
    const en = (await satmon(['ikm', '--data', path.join(dir, 'skm.csv'), '--instrument', instrument, '--format', 'table', '--bootstrap', '0', '--lang', 'en'])).stdout;
    expect(en).toContain('2024 Q1');
    expect(en).toContain('Network');
  });

  it('refuses an instrument without an ikm section, saying what is missing', async () => {
    const err = await satmon(['ikm', '--data', path.join(dir, 'skm.csv'), '--instrument', path.join(root, 'test/fixtures/instruments/kobo-2024.json')]).catch((e: { code: number; stderr: string }) => e);
    expect((err as { code: number }).code).toBe(2);
    expect((err as { stderr: string }).stderr).toMatch(/no "ikm" section/);
  });
});
