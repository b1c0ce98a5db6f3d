// The SKM report (GET /api/skm, shared/api/skm.ts) and its exports (shared/api/skm-export.ts) on the simulated
// network of ./fixture.ts (ACEH: BR01; SUMUT: BR02, BR03), whose instrument has the nine unsur: every figure is the
// stored summary's / metric items', head office sees everything, a branch manager their own branch and what the
// disclosure rule lets out of an aggregate; the CSV in both languages and both forms; the .xlsx read back with the
// product's own .xlsx reader.
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { handleApiRequest } from '../../../../shared/api/app';
import { memoryBackend, type Item } from '../../../../shared/api/backend';
import { WITHHELD } from '../../../../shared/api/disclosure';
import { skmView, type SkmResponse } from '../../../../shared/api/skm';
import { skmBlocks, skmCsv, skmExport, skmXlsx } from '../../../../shared/api/skm-export';
import { DashboardStore } from '../../../../shared/api/store';
import { AuthError, type Principal } from '../../../../shared/auth';
import type { SummaryItem } from '../../../../shared/assess/records';
import { createFormat } from '../../../../shared/i18n/format';
import { BAND_FLOORS, bandOf, round2 } from '../../../../shared/stats/ikm';
import { spool } from '../../../../shared/survey/sources/spool';
import { XlsxRecords } from '../../../../shared/survey/sources/xlsx';
import { fixture, QUARTERS, type Fixture } from './fixture';

let f: Fixture;
beforeAll(async () => {
  f = await fixture();
}, 60_000);

const HEAD: Principal = { sub: 'u-head', role: 'head-office' };
const MANAGER = (b: string): Principal => ({ sub: `u-${b}`, role: 'branch-manager', branch: b });
const NET = { kind: 'network' } as const;
const branch = (id: string) => ({ kind: 'branch', id }) as const;

/** The fixture's items with one summary changed (a copy: the shared fixture stays as built). */
function storeWith(pk: string, sk: string, change: (s: SummaryItem) => void): DashboardStore {
  const items = f.items.map((it) => {
    if (it.pk !== pk || it.sk !== sk) return it;
    const copy = structuredClone(it) as unknown as SummaryItem;
    change(copy);
    return copy as unknown as Item;
  });
  return new DashboardStore(memoryBackend(items, f.objects));
}

const csvRows = (text: string, delimiter = ',') => parse(text.replace(/^\uFEFF/, ''), { delimiter, relax_column_count: true, skip_empty_lines: false }) as string[][];
/** The rows of one block of the CSV: from its title row to the next empty row. */
function block(rows: string[][], title: string): string[][] {
  const i = rows.findIndex((r) => r[0]!.startsWith(title));
  expect(i, `block ${title}`).toBeGreaterThanOrEqual(0);
  const end = rows.findIndex((r, j) => j > i && r.length === 1 && r[0] === '');
  return rows.slice(i + 1, end < 0 ? undefined : end);
}

describe('the report of head office', () => {
  it('shows the network\'s stored SKM: IKM, CI, grade, unsur NRR, priorities, profile', async () => {
    const v = await skmView(f.store(), HEAD, { period: '2025' });
    const s = f.summary(NET, '2025');
    expect(s.ikm, 'the fixture\'s instrument has the nine unsur').toBeDefined();
    expect(v.unit).toEqual({ kind: 'network' });
    expect(v.kind).toBe('year');
    expect(v.n).toBe(s.n);
    expect(v.withheld).toEqual({});
    const k = v.ikm!;
    expect(k.ikm).toBe(s.ikm!.ikm);
    expect(k.ikmRounded).toBe(s.ikm!.ikmRounded);
    expect(k.ikmRounded).toBe(round2(s.ikm!.ikm));
    expect([k.ciLow, k.ciHigh, k.moe, k.se, k.band]).toEqual([s.ikm!.ciLow, s.ikm!.ciHigh, s.ikm!.moe, s.ikm!.se, s.ikm!.band]);
    expect(k.weights).toBe('exact');
    expect(k.weight).toBeCloseTo(1 / 9, 15);
    expect(k.unsur.map((u) => u.unsur)).toEqual(['U1', 'U2', 'U3', 'U4', 'U5', 'U6', 'U7', 'U8', 'U9']);
    expect(k.unsur.map((u) => u.nrr)).toEqual(s.ikm!.unsur.map((u) => u.nrr));
    expect(k.unsur.map((u) => u.weighted)).toEqual(s.ikm!.unsur.map((u) => u.weighted));
    // the IKM is the weighted NRR summed x 25, and the stored NRR series are the same means
    expect(k.unsur.reduce((a, u) => a + u.weighted!, 0) * 25).toBeCloseTo(k.ikm!, 10);
    for (const u of k.unsur) expect(f.metric(NET, `NRR_${u.unsur}`, '2025').value).toBe(u.nrr);
    expect(k.priorities).toEqual(s.ikm!.priorities);
    expect(k.priorities[0]!.why).toBe('lowest');
    expect(k.priorities[0]!.nrr).toBe(Math.min(...k.unsur.map((u) => u.nrr!)));
    expect(k.sample).toBeNull(); // the fixture's directory gives no populations
    // profile: every stored category with its count, shares of the unit's respondents; Suryani's order first
    expect(v.profile.map((p) => p.dimension).slice(0, 3)).toEqual(['gender', 'education', 'age']);
    for (const p of v.profile) {
      const stored = s.profile![p.dimension]!;
      expect(Object.fromEntries(p.rows.map((r) => [r.code, r.n]))).toEqual(stored);
      expect(p.total).toBe(s.n);
      for (const r of p.rows) expect(r.share).toBeCloseTo(r.n! / s.n, 12);
    }
    expect(v.bands).toEqual(BAND_FLOORS.map((b) => ({ band: b.band, floor: b.floor })));
  });

  it('draws the trend from the IKM metric items of the same kind, up to the period', async () => {
    const v = await skmView(f.store(), HEAD, { period: '2025-Q3' });
    expect(v.trend.map((x) => x.period)).toEqual(QUARTERS.filter((q) => q <= '2025-Q3'));
    for (const x of v.trend) {
      const m = f.metric(NET, 'IKM', x.period);
      expect([x.value, x.ciLow, x.ciHigh, x.n]).toEqual([m.value, m.ciLow, m.ciHigh, m.n]);
      expect(x.band).toBe(bandOf(m.value!));
      expect(x.band).toBe(f.summary(NET, x.period).ikm!.band);
    }
  });

  it('ranks every branch by its stored IKM, with the grade of its rounded IKM', async () => {
    const v = await skmView(f.store(), HEAD, { period: '2025' });
    expect(v.rankingOwnOnly).toBe(false);
    expect(v.ranking.map((r) => r.rank)).toEqual([1, 2, 3]);
    const values = v.ranking.map((r) => r.ikm!);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    for (const r of v.ranking) {
      const m = f.metric(branch(r.branch), 'IKM', '2025');
      expect([r.ikm, r.ciLow, r.ciHigh, r.n]).toEqual([m.value, m.ciLow, m.ciHigh, m.n]);
      expect(r.band).toBe(f.summary(branch(r.branch), '2025').ikm!.band);
      expect(r.ikmRounded).toBe(f.summary(branch(r.branch), '2025').ikm!.ikmRounded);
    }
    // a region's report ranks the region's branches
    const sumut = await skmView(f.store(), HEAD, { period: '2025', region: 'SUMUT' });
    expect(sumut.ranking.map((r) => r.branch).sort()).toEqual(['BR02', 'BR03']);
    expect(sumut.ikm!.ikm).toBe(f.summary({ kind: 'region', id: 'SUMUT' }, '2025').ikm!.ikm);
  });

  it('says which weight rule and sample adequacy the unit has', async () => {
    const key = f.summary(NET, '2025');
    const store = storeWith(key.pk, key.sk, (s) => {
      s.ikm!.weights = 'regulation';
      s.ikm!.weight = 0.111;
      s.ikm!.sample = { population: 2000, required: 322, n: s.n, enough: s.n >= 322 };
    });
    const v = await skmView(store, HEAD, { period: '2025' });
    expect(v.ikm!.weights).toBe('regulation');
    expect(v.ikm!.sample).toEqual({ population: 2000, required: 322, n: key.n, enough: key.n >= 322 });
    const rows = csvRows(skmCsv(skmBlocks(v, createFormat('en'))));
    const summary = block(rows, 'Public satisfaction survey report');
    expect(summary).toContainEqual(['Weight of each unsur', '0.111, as the regulation\'s tables print 1/9']);
    expect(summary).toContainEqual(['Population', '2000']);
    expect(summary).toContainEqual(['Required sample (Krejcie-Morgan)', '322']);
    const plain = csvRows(skmCsv(skmBlocks(await skmView(f.store(), HEAD, { period: '2025' }), createFormat('en'))));
    expect(block(plain, 'Public satisfaction survey report')).toContainEqual(['Weight of each unsur', 'exact 1/9 (0.1111)']);
    expect(block(plain, 'Public satisfaction survey report')).toContainEqual(['Sample size (Krejcie-Morgan)', 'The population served is not known, so the required sample size cannot be computed.']);
  });
});

describe('a branch manager', () => {
  it('gets their own branch in full and cannot read another one', async () => {
    const v = await skmView(f.store(), MANAGER('BR02'), { period: '2025-Q3', branch: 'BR02' });
    const s = f.summary(branch('BR02'), '2025-Q3');
    expect(v.withheld).toEqual({});
    expect(v.ikm!.ikm).toBe(s.ikm!.ikm);
    expect(v.unit).toEqual({ kind: 'branch', id: 'BR02', name: 'Padang Sidempuan', region: 'SUMUT' });
    for (const p of v.profile) expect(Object.fromEntries(p.rows.map((r) => [r.code, r.n]))).toEqual(s.profile![p.dimension]);
    // own position only: no rank, no other branch
    expect(v.rankingOwnOnly).toBe(true);
    expect(v.ranking).toEqual([expect.objectContaining({ branch: 'BR02', rank: null, ikm: s.ikm!.ikm })]);
    await expect(skmView(f.store(), MANAGER('BR02'), { period: '2025', branch: 'BR01' })).rejects.toBeInstanceOf(AuthError);
  });

  it('does not see a region of two branches: the figures, n, profile and trend are withheld with the reason', async () => {
    const v = await skmView(f.store(), MANAGER('BR02'), { period: '2025', region: 'SUMUT' });
    const region = f.summary({ kind: 'region', id: 'SUMUT' }, '2025');
    expect(v.ikm).toBeNull();
    expect(v.n).toBeNull();
    expect(v.profile).toEqual([]);
    expect(v.trend).toEqual([]);
    expect(v.withheld).toMatchObject({ ikm: WITHHELD.branches, 'trend.2024': WITHHELD.branches, 'trend.2025': WITHHELD.branches });
    const body = JSON.stringify(v);
    expect(body).not.toContain(String(region.ikm!.ikm));
    expect(body).not.toContain(String(region.ikm!.unsur[0]!.nrr));
    expect(v.ranking.map((r) => r.branch)).toEqual(['BR02']);
    // the CSV says why, and holds no figure of the region
    const csv = (await skmExport(f.store(), MANAGER('BR02'), { period: '2025', region: 'SUMUT', lang: 'en' })).body as string;
    expect(csv).toContain('Withheld,fewer than 3 branches');
    expect(csv).not.toContain(String(region.ikm!.ikm));
  });

  it('sees the network (three branches) with each profile category only where the rule lets it out', async () => {
    const v = await skmView(f.store(), MANAGER('BR02'), { period: '2025' });
    const s = f.summary(NET, '2025');
    expect(v.ikm!.ikm).toBe(s.ikm!.ikm);
    let shown = 0, hidden = 0;
    for (const p of v.profile) {
      for (const r of p.rows) {
        const why = v.withheld[`profile.${p.dimension}.${r.code}`];
        if (r.n === null) {
          hidden++;
          expect(why, `${p.dimension}.${r.code}`).toBeDefined();
        } else {
          shown++;
          expect(why).toBeUndefined();
          expect(r.n).toBe(s.profile![p.dimension]![r.code]);
          // a shown category pools at least 30 respondents of other branches
          const own = f.summary(branch('BR02'), '2025').profile![p.dimension]![r.code] ?? 0;
          if (r.code !== '') expect(r.n - own).toBeGreaterThanOrEqual(30);
        }
      }
    }
    expect(shown).toBeGreaterThan(0);
    expect(hidden).toBeGreaterThan(0); // the fixture's small categories (SD, >50, JKP)
    expect(v.withheld['profile.education.SD']).toBe(WITHHELD.respondents);
    // head office sees them all
    const h = await skmView(f.store(), HEAD, { period: '2025' });
    expect(h.profile.flatMap((p) => p.rows).every((r) => r.n !== null)).toBe(true);
  });
});

describe('exports', () => {
  let v: SkmResponse;
  beforeAll(async () => {
    v = await skmView(f.store(), HEAD, { period: '2025' });
  });

  it('writes the CSV with English or Indonesian headers, comma and decimal point', async () => {
    const en = (await skmExport(f.store(), HEAD, { period: '2025', lang: 'en' })).body as string;
    expect(en.startsWith('\uFEFF')).toBe(true);
    expect(en).toContain('\r\n');
    const rows = csvRows(en);
    const unsur = block(rows, 'Value per service element (unsur)');
    expect(unsur[0]).toEqual(['Code', 'Service element (unsur)', 'Answers', 'NRR', 'Weighted NRR']);
    expect(unsur[1]).toEqual(['U1', 'Requirements', String(v.ikm!.unsur[0]!.n), String(v.ikm!.unsur[0]!.nrr), String(v.ikm!.unsur[0]!.weighted)]);
    expect(unsur.at(-1)).toEqual(['', 'IKM (sum x 25)', '', '', String(v.ikm!.ikmRounded)]);
    const summary = block(rows, 'Public satisfaction survey report');
    expect(summary).toContainEqual(['IKM (25-100)', String(v.ikm!.ikmRounded)]);
    expect(summary).toContainEqual(['Service quality', v.ikm!.band!]);
    expect(summary).toContainEqual(['Unit performance', 'Good']);
    const profile = block(rows, 'Respondents (Suryani et al. (2024))');
    expect(profile[0]).toEqual(['Characteristic', 'Code', 'Category', 'Respondents', 'Share (%)']);
    expect(profile).toContainEqual(['gender', 'F', 'Female', String(v.profile[0]!.rows.find((r) => r.code === 'F')!.n), String(v.profile[0]!.rows.find((r) => r.code === 'F')!.share! * 100)]);
    const ranking = block(rows, 'Branches ranked by IKM');
    expect(ranking.slice(1).map((r) => r[1])).toEqual(v.ranking.map((r) => r.branch));

    const id = (await skmExport(f.store(), HEAD, { period: '2025', lang: 'id' })).body as string;
    const idRows = csvRows(id);
    expect(block(idRows, 'Nilai per unsur pelayanan')[0]).toEqual(['Kode', 'Unsur pelayanan', 'Jumlah jawaban', 'NRR', 'NRR tertimbang']);
    expect(block(idRows, 'Nilai per unsur pelayanan')[2]![1]).toBe('Sistem, mekanisme dan prosedur');
    expect(block(idRows, 'Laporan Survei Kepuasan Masyarakat')).toContainEqual(['Kinerja unit pelayanan', 'Baik']);
    expect(block(idRows, 'Prioritas perbaikan')[1]).toEqual(['U9', 'Penanganan pengaduan, saran dan masukan', String(v.ikm!.priorities[0]!.nrr), 'NRR terendah']);
  });

  it('writes the Indonesian Excel form: `;` between cells and a decimal comma', async () => {
    const out = await skmExport(f.store(), HEAD, { period: '2025', lang: 'id', format: 'excel-id' });
    expect(out.fileName).toBe('satmon-skm-network-2025-id.csv');
    const text = out.body as string;
    expect(text).toContain(`IKM (25-100);${String(v.ikm!.ikmRounded).replace('.', ',')}\r\n`);
    const rows = csvRows(text, ';');
    const unsur = block(rows, 'Nilai per unsur pelayanan');
    expect(unsur[1]![3]).toBe(String(v.ikm!.unsur[0]!.nrr).replace('.', ','));
    expect(Number(unsur[1]![3]!.replace(',', '.'))).toBe(v.ikm!.unsur[0]!.nrr);
    // a text cell with a comma needs no quotes but one with `;` would; numbers never have a point
    expect(unsur.slice(1).every((r) => !/\d\.\d/.test(r.join(';')))).toBe(true);
  });

  it('writes an .xlsx whose sheets the product\'s .xlsx reader reads back with the figures', async () => {
    const out = await skmExport(f.store(), HEAD, { period: '2025', lang: 'id', format: 'xlsx' });
    expect(out.fileName).toBe('satmon-skm-network-2025-id.xlsx');
    const buf = out.body as Buffer;
    expect(buf.subarray(0, 2).toString('latin1')).toBe('PK');
    const read = async (sheet: string) => {
      const r = new XlsxRecords({ sheet });
      let header: string[] = [];
      r.onHeader = (h) => { header = h; };
      const rows: string[][] = [];
      const src = await spool((async function* () { yield buf; })());
      for await (const batch of r.batches(src)) for (const rec of batch) rows.push(rec.fields!.map(String));
      // the reader gives the first row (the title) as the header and as the first record
      expect(rows[0]).toEqual(header);
      return { header, rows: rows.slice(1), sheets: r.info.sheets };
    };
    const unsur = await read('Unsur');
    expect(unsur.sheets).toEqual(['Ringkasan', 'Unsur', 'Responden', 'Prioritas', 'Tren', 'Peringkat']);
    expect(unsur.header).toEqual(['Nilai per unsur pelayanan']);
    expect(unsur.rows[0]).toEqual(['Kode', 'Unsur pelayanan', 'Jumlah jawaban', 'NRR', 'NRR tertimbang']);
    for (const [i, u] of v.ikm!.unsur.entries()) {
      const r = unsur.rows[1 + i]!;
      expect(r[0]).toBe(u.unsur);
      expect(Number(r[3])).toBe(u.nrr);
      expect(Number(r[4])).toBe(u.weighted);
    }
    const summary = await read('Ringkasan');
    expect(summary.rows).toContainEqual(['IKM (25-100)', String(v.ikm!.ikmRounded)]);
    expect(summary.rows).toContainEqual(['Mutu pelayanan', v.ikm!.band!]);
    const ranking = await read('Peringkat');
    expect(ranking.rows.slice(1).map((r) => [r[1], Number(r[5])])).toEqual(v.ranking.map((r) => [r.branch, r.ikmRounded]));
    const en = await skmXlsx(skmBlocks(v, createFormat('en')));
    const rEn = new XlsxRecords({ sheet: 'Summary' });
    const srcEn = await spool((async function* () { yield en; })());
    const got: string[][] = [];
    for await (const batch of rEn.batches(srcEn)) for (const rec of batch) got.push(rec.fields!.map(String));
    expect(got).toContainEqual(['Unit performance', 'Good']);
  });

  it('is served by the API with the file\'s type, name and (for .xlsx) base64 body', async () => {
    const claims = { sub: 'u-head', 'cognito:groups': '[head-office]' };
    const csv = await handleApiRequest({ method: 'GET', path: '/api/skm/export', query: { period: '2025', format: 'excel-id', lang: 'id' }, claims }, f.store());
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="satmon-skm-network-2025-id.csv"');
    const x = await handleApiRequest({ method: 'GET', path: '/api/skm/export', query: { period: '2025', format: 'xlsx' }, claims }, f.store(), { defaultLocale: 'en' });
    expect(x.status).toBe(200);
    expect(x.isBase64Encoded).toBe(true);
    expect(Buffer.from(x.body, 'base64').subarray(0, 2).toString('latin1')).toBe('PK');
    const j = await handleApiRequest({ method: 'GET', path: '/api/skm', query: { period: '2025', branch: 'br01' }, claims }, f.store());
    expect(j.status).toBe(200);
    expect((JSON.parse(j.body) as SkmResponse).ikm!.ikm).toBe(f.summary(branch('BR01'), '2025').ikm!.ikm);
    const mgr = { sub: 'u-BR02', 'cognito:groups': '[branch-manager]', 'custom:branch': 'BR02' };
    const denied = await handleApiRequest({ method: 'GET', path: '/api/skm', query: { period: '2025', branch: 'BR01' }, claims: mgr }, f.store());
    expect(denied.status).toBe(403);
    const deniedExport = await handleApiRequest({ method: 'GET', path: '/api/skm/export', query: { period: '2025', branch: 'BR01', format: 'xlsx' }, claims: mgr }, f.store());
    expect(deniedExport.status).toBe(403);
  });
});
