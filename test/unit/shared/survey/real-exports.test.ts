// Real survey exports go in as they are (issue 9, part 2): the simulator writes the same respondents as a Google
// Forms, KoboToolbox (CSV and .xlsx), Qualtrics, Windows-1252 and SPSS .sav export; each, cleaned with its instrument, must give exactly the
// clean rows of the numeric CSV. Plus the rules one by one: time zones, labels, branch names, group paths, header
// rows, free text, the manifest's mapping.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import {
  CleanRowEncoder, defaultInstrument, EXPORT_FORMATS, formatCleanHeader, formatCleanRow, loadInstrument, simulateDrops, simulateExport,
  unprotectCell, type CleanRow, type Instrument, type InstrumentInput,
} from '../../../../shared/survey/index';
import { TEXT_MAX_CHARS } from '../../../../shared/survey/clean';
import { frameFromCleanCsv } from '../../../../shared/assess/frame';
import { run as simulateCli } from '../../../../cli/commands/simulate';
import { clean } from './helpers';

const FIX = join(import.meta.dirname, '../../../fixtures/instruments');
const fixtureJson = (name: string) => JSON.parse(readFileSync(join(FIX, name), 'utf8')) as Record<string, unknown>;
const gforms = loadInstrument(fixtureJson('gforms-2024.json'), 'gforms-2024.json');
const kobo = loadInstrument(fixtureJson('kobo-2024.json'), 'kobo-2024.json');

const SIM = { seed: 'real-exports', branches: 4, periods: '2024-Q1..2024-Q2', n: 30, headOffice: true };
const key = (r: CleanRow, items: readonly string[], inst: Instrument) =>
  JSON.stringify([r.respondentId, r.branch, r.period, r.date, items.map((it) => r.items[inst.items.indexOf(it)])]);

async function numericBaseline() {
  const sim = simulateDrops({ ...SIM, format: 'plain' });
  const r = await clean(sim.drops[0]!.text);
  expect(r.rejects).toEqual([]);
  // Every category answered (occupation included), so the exports' rows are compared on all of them.
  expect(r.clean.every((c) => c.categories.length === defaultInstrument.categories.length && !c.categories.includes(null))).toBe(true);
  return r.clean;
}

describe('the fixtures of issue 9 load as written', () => {
  it('gforms-2024 and kobo-2024: every construct item of the default instrument, labels, zones, branch names', () => {
    const constructItems = defaultInstrument.items.filter((it) => !defaultInstrument.spec.standaloneItems.includes(it));
    for (const inst of [gforms, kobo]) {
      expect(inst.items).toEqual(constructItems);
      expect(inst.timezone).toBe('Asia/Jakarta');
      expect(inst.branches!.get('BR07')).toMatchObject({ id: 'BR07', name: 'Langsa' });
    }
    expect(gforms.dateTimezone).toBe('Asia/Jakarta');
    expect(kobo.dateTimezone).toBe('UTC');
    expect(gforms.itemScales[0]!.labels.map((l) => l.text)).toEqual(['Sangat Tidak Setuju', 'Tidak Setuju', 'Netral', 'Setuju', 'Sangat Setuju']);
    expect(gforms.branchLookup!.get('kantorcabanglangsa')).toBe('BR07');
    // Every top-level key is one the issue quotes (the `...` were lists of the same shape).
    expect(Object.keys(fixtureJson('gforms-2024.json'))).toEqual(['id', 'idColumn', 'branchColumn', 'dateColumn', 'timezone', 'scale', 'missingCodes', 'columnAliases', 'constructs', 'branches']);
    expect(Object.keys(fixtureJson('kobo-2024.json'))).toEqual(['id', 'idColumn', 'branchColumn', 'dateColumn', 'dateTimezone', 'timezone', 'scale', 'missingCodes', 'constructs', 'branches']);
  });

  it('the simulator\'s instruments contain the fixtures (plus the SKM unsur, SAT_PROG and the profile columns)', async () => {
    const sim = (await simulateExport({ ...SIM, branches: 12 }, 'google-forms')).instrument;
    const fx = fixtureJson('gforms-2024.json');
    for (const [k, v] of Object.entries(fx)) {
      if (k === 'columnAliases') for (const [c, a] of Object.entries(v as object)) expect((sim.columnAliases as Record<string, unknown>)[c]).toEqual(a);
      else expect(sim[k]).toEqual(v);
    }
    for (const fmt of ['kobo', 'kobo-xlsx'] as const) {
      const kb = (await simulateExport({ ...SIM, branches: 12 }, fmt)).instrument;
      for (const [k, v] of Object.entries(fixtureJson('kobo-2024.json'))) expect(kb[k]).toEqual(v);
    }
  });

  it('instrument format: itemScales, headerRows, textColumns, per-branch zones, constructs {} with standalone items', () => {
    const skm = loadInstrument({
      id: 'skm', idColumn: 'id', branchColumn: 'unit', dateColumn: 'tanggal', scale: { min: 1, max: 4 }, constructs: {},
      standaloneItems: ['U1', 'U4'], itemScales: { U4: { min: 1, max: 4, labels: { 'Sangat mahal': 1, 'Cukup mahal': 2, Murah: 3, Gratis: 4 } } },
      headerRows: 2, textColumns: ['Saran dan masukan'],
      branches: [{ id: 'MKS', name: 'Makassar', timezone: 'Asia/Makassar' }],
    }, 'skm.json');
    expect(skm.items).toEqual(['U1', 'U4']);
    expect(skm.constructs).toEqual([]);
    expect(skm.itemScales[1]!.labels).toHaveLength(4);
    expect(skm.headerRows).toBe(2);
    expect(skm.textColumns).toEqual(['Saran dan masukan']);
    const bad = (patch: Record<string, unknown>) => () => loadInstrument({ id: 'x', idColumn: 'id', branchColumn: 'b', periodColumn: 'p', scale: { min: 1, max: 5 }, constructs: { A: ['A1'] }, ...patch }, 'x.json');
    expect(bad({ constructs: {} })).toThrow(/needs at least one construct/);
    expect(bad({ timezone: 'Asia/Atlantis' })).toThrow(/timezone: not an IANA time zone/);
    expect(bad({ scale: { min: 1, max: 5, labels: { Setuju: 6 } } })).toThrow(/outside min-max/);
    expect(bad({ scale: { min: 1, max: 5, labels: { Setuju: 4, SETUJU: 5 } } })).toThrow(/label 'SETUJU' maps to both 4 and 5/);
    expect(bad({ itemScales: { Z9: { min: 1, max: 4 } } })).toThrow(/itemScales.Z9/);
    expect(bad({ textColumns: ['line'] })).toThrow(/column name of clean.csv/);
    expect(bad({ branches: [{ id: 'A', name: 'Kota' }, { id: 'B', aliases: ['kota'] }] })).toThrow(/'kota' names both A and B/);
  });
});

describe('each export cleans to exactly the rows of the numeric CSV', () => {
  for (const format of EXPORT_FORMATS) {
    it(`${format}, with the simulator's instrument: ids, branch, period, date, categories, items, hashes`, async () => {
      const base = await numericBaseline();
      const ex = await simulateExport(SIM, format);
      const inst = loadInstrument(ex.instrument, `${format}.json`);
      const r = await clean(ex.files[0]!.bytes, { instrument: inst, source: ex.files[0]!.file });
      expect(r.rejects).toEqual([]);
      expect(r.clean.map(({ line, lines, texts, ...rest }) => rest)).toEqual(base.map(({ line, lines, texts, ...rest }) => rest));
      if (format === 'windows-1252') {
        expect(r.manifest.format.encoding).toBe('windows-1252');
        expect(r.clean.some((c) => /[éè]/.test(c.texts![0]!))).toBe(true);
      }
      if (format === 'qualtrics') expect(r.manifest.header.extraRows).toBe(2);
      if (format === 'kobo-xlsx') {
        expect(ex.files[0]!.file).toMatch(/\.kobo\.xlsx$/);
        expect(r.manifest.format).toMatchObject({ format: 'xlsx', sheet: 'Survei Kepuasan Peserta' });
        expect(r.manifest.mapping.columns.CRM1).toEqual({ header: 'grp_crm/CRM1', column: 11, via: 'path' });
        expect(r.manifest.mapping.columns.occupation).toEqual({ header: 'grp_profil/pekerjaan', column: 10, via: 'path' });
      }
      if (format === 'sav') {
        expect(ex.files[0]!.file).toMatch(/\.sav$/);
        expect(r.manifest.format).toMatchObject({ format: 'sav', encoding: 'utf-8' });
        expect(r.manifest.mapping.columns.CRM1).toEqual({ header: 'CRM1', column: 10, via: 'name' });
        expect(r.manifest.mapping.columns.occupation).toEqual({ header: 'occupation', column: 9, via: 'name' });
      }
    });
  }

  it('google-forms and kobo (CSV and .xlsx) with the issue\'s instruments exactly as written: the same rows on the construct items', async () => {
    const base = await numericBaseline();
    const items = gforms.items;
    for (const [format, inst] of [['google-forms', gforms], ['kobo', kobo], ['kobo-xlsx', kobo]] as const) {
      const ex = await simulateExport(SIM, format);
      const r = await clean(ex.files[0]!.bytes, { instrument: inst });
      expect(r.rejects).toEqual([]);
      expect(r.clean.map((c) => key(c, items, inst))).toEqual(base.map((c) => key(c, items, defaultInstrument)));
    }
  });

  it('per-drop files too (every branch and period), and the manifest maps every header and label', async () => {
    const ex = await simulateExport({ ...SIM, headOffice: false, branches: 2, periods: '2024-Q1', n: 12 }, 'google-forms');
    expect(ex.files.map((f) => f.file)).toEqual(['drop_BR01_2024-Q1.google-forms.csv', 'drop_BR02_2024-Q1.google-forms.csv']);
    const inst = loadInstrument(ex.instrument, 'gf.json');
    const r = await clean(ex.files[1]!.bytes, { instrument: inst, uploaderBranch: 'BR02' });
    expect(r.clean).toHaveLength(12);
    expect(r.clean.every((c) => c.branch === 'BR02')).toBe(true);
    const m = r.manifest.mapping;
    expect(m.columns.CRM1).toEqual({ header: '1. Petugas BPJS Ketenagakerjaan rutin memberi informasi terbaru kepada saya', column: 10, via: 'alias' });
    expect(m.columns.occupation).toEqual({ header: 'Pekerjaan utama', column: 9, via: 'alias' });
    expect(m.columns['Nomor Kartu Peserta (KPJ)']).toMatchObject({ via: 'name', column: 2 });
    // Each item's label counts add up to the clean rows and agree with the codes written.
    for (const [i, it] of inst.items.entries()) {
      const lab = m.labels[it]!;
      expect(Object.values(lab.labels).reduce((a, b) => a + b.count, 0) + lab.codes).toBe(12);
      for (const { code, count } of Object.values(lab.labels)) expect(r.clean.filter((c) => c.items[i] === code).length).toBe(count);
    }
    expect(m.labels.SAT1!.labels['Sangat Setuju']!.code).toBe(5);
  });
});

/** A small gforms-style instrument for rule tests. */
function miniInstrument(patch: Partial<InstrumentInput> = {}): Instrument {
  return loadInstrument({
    id: 'mini', idColumn: 'kpj', branchColumn: 'cabang', dateColumn: 'waktu', missingCodes: [''],
    scale: { min: 1, max: 5, labels: { 'Sangat Tidak Setuju': 1, 'Tidak Setuju': 2, Netral: 3, Setuju: 4, 'Sangat Setuju': 5 } },
    constructs: { A: ['A1', 'A2'] },
    branches: [
      { id: 'BR07', name: 'Langsa', aliases: ['Kantor Cabang Langsa'] },
      { id: 'MKS', name: 'Makassar', timezone: 'Asia/Makassar' },
      { id: 'JAP', name: 'Jayapura', timezone: 'Asia/Jayapura' },
    ],
    rules: { straightLining: false },
    ...patch,
  }, 'mini.json');
}
const csv = (header: string, rows: string[]) => [header, ...rows].join('\n') + '\n';

describe('time zones', () => {
  it('a Kobo _submission_time 2024-03-31T20:00:00 (UTC, no offset) is 2024-Q2 in Asia/Jakarta', async () => {
    const r = await clean(csv('kpj;cabang;_submission_time;A1;A2', ['k1;BR07;2024-03-31T20:00:00;4;5', 'k2;BR07;2024-03-31T16:59:59;4;5']), { instrument: miniInstrument({ dateColumn: '_submission_time', dateTimezone: 'UTC' }) });
    expect(r.clean.map((c) => [c.period, c.date])).toEqual([['2024-Q2', '2024-04-01'], ['2024-Q1', '2024-03-31']]);
  });

  it('the branch\'s zone cuts the quarter: 16:30 UTC on 31 March is Q2 in Makassar (WITA) and Jayapura (WIT), Q1 in Jakarta', async () => {
    const rows = ['1,Langsa,2024-03-31T16:30:00Z,4,5', '2,Makassar,2024-03-31T16:30:00Z,4,5', '3,Jayapura,2024-03-31T16:30:00Z,4,5', '4,jayapura,2024-03-31 23:30:00,4,5'];
    const r = await clean(csv('kpj,cabang,waktu,A1,A2', rows), { instrument: miniInstrument() });
    // Row 4 has no offset: read in dateTimezone (= Asia/Jakarta), 16:30Z, which is 01:30 on 1 April in Jayapura.
    expect(r.clean.map((c) => [c.branch, c.period, c.date])).toEqual([
      ['BR07', '2024-Q1', '2024-03-31'], ['MKS', '2024-Q2', '2024-04-01'], ['JAP', '2024-Q2', '2024-04-01'], ['JAP', '2024-Q2', '2024-04-01'],
    ]);
  });

  it('Google Forms dd/MM/yyyy HH:mm:ss and d/M/yyyy H:mm:ss, ISO with offsets, Excel serials with a fraction; a bare date as written', async () => {
    const rows = [
      '1,BR07,31/03/2024 23:59:59,4,5', // WIB wall clock: still Q1
      '2,BR07,1/4/2024 0:00:01,4,5',
      '3,BR07,2024-03-31T17:00:00+00:00,4,5', // = 00:00 WIB on 1 April
      '4,BR07,2024-03-31T23:30:00+0900,4,5', // = 21:30 WIB on 31 March
      '5,BR07,45382.99,4,5', // Excel: 2024-03-31 23:45:36 (no zone: read in WIB)
      '6,BR07,45383,4,5', // bare serial date 2024-04-01
      '7,Makassar,2024-03-31,4,5', // a bare date is taken as written, whatever the zone
      '8,BR07,31/02/2024 10:00:00,4,5', // impossible date
      '9,BR07,2024-03-31 25:00,4,5', // impossible time
    ];
    const r = await clean(csv('kpj,cabang,waktu,A1,A2', rows), { instrument: miniInstrument() });
    expect(r.clean.map((c) => [c.respondentId, c.period, c.date])).toEqual([
      ['1', '2024-Q1', '2024-03-31'], ['2', '2024-Q2', '2024-04-01'], ['3', '2024-Q2', '2024-04-01'], ['4', '2024-Q1', '2024-03-31'],
      ['5', '2024-Q1', '2024-03-31'], ['6', '2024-Q2', '2024-04-01'], ['7', '2024-Q1', '2024-03-31'],
    ]);
    expect(r.rejects.map((x) => [x.respondentId, x.reasons])).toEqual([['8', ['BAD_DATE']], ['9', ['BAD_DATE']]]);
  });

  it('FUTURE_PERIOD takes the upload\'s quarter on the same calendar as the row', async () => {
    // Received 2024-09-30T16:30Z: 23:30 WIB (Q3, limit Q4) but 00:30/01:30 on 1 October in WITA/WIT (Q4, limit 2025-Q1).
    const receivedAt = new Date('2024-09-30T16:30:00Z');
    const rows = ['1,Langsa,2025-01-05,4,5', '2,Makassar,2025-01-05,4,5', '3,Jayapura,2025-01-05,4,5'];
    const r = await clean(csv('kpj,cabang,waktu,A1,A2', rows), { instrument: miniInstrument(), receivedAt });
    expect(r.clean.map((c) => c.branch)).toEqual(['MKS', 'JAP']);
    expect(r.rejects.map((x) => x.reasons)).toEqual([['FUTURE_PERIOD']]);
    expect(r.rejects[0]!.details[0]).toContain('2024-Q3 in Asia/Jakarta');
    // An explicit timeZone is the upload's calendar for every row, as before.
    const fixed = await clean(csv('kpj,cabang,waktu,A1,A2', rows), { instrument: miniInstrument(), receivedAt, timeZone: 'Asia/Jakarta' });
    expect(fixed.rejects).toHaveLength(3);
  });
});

describe('answer labels', () => {
  it('case-, space- and accent-insensitive; plain in-range codes still pass; an unknown label is OUT_OF_RANGE naming it', async () => {
    const rows = [
      '1,BR07,2024-05-01,sangat setuju,  TIDAK   setuju ',
      '2,BR07,2024-05-01,Nétral,Sàngat Setujú',
      '3,BR07,2024-05-01,4,2',
      '4,BR07,2024-05-01,Agak Setuju,6',
    ];
    const r = await clean(csv('kpj,cabang,waktu,A1,A2', rows), { instrument: miniInstrument() });
    expect(r.clean.map((c) => c.items)).toEqual([[5, 2], [3, 5], [4, 2]]);
    expect(r.rejects[0]!.reasons).toEqual(['OUT_OF_RANGE']);
    expect(r.rejects[0]!.details[0]).toBe('OUT_OF_RANGE A1="Agak Setuju": not a label of the scale (Sangat Tidak Setuju, Tidak Setuju, Netral, Setuju, Sangat Setuju) nor a whole number in 1-5');
    expect(r.rejects[0]!.details[1]).toBe('OUT_OF_RANGE A2="6": outside 1-5');
    // Mapping counts: per declared label, among clean rows.
    const m = r.manifest.mapping.labels;
    expect(m.A1).toEqual({ labels: { 'Sangat Tidak Setuju': { code: 1, count: 0 }, 'Tidak Setuju': { code: 2, count: 0 }, Netral: { code: 3, count: 1 }, Setuju: { code: 4, count: 0 }, 'Sangat Setuju': { code: 5, count: 1 } }, codes: 1 });
    expect(m.A2!.labels['Tidak Setuju']!.count).toBe(1);
  });

  it('an item with its own scale and labels (SKM U4: 1-4)', async () => {
    const inst = miniInstrument({ itemScales: { A2: { min: 1, max: 4, labels: { 'Sangat mahal': 1, 'Cukup mahal': 2, Murah: 3, Gratis: 4 } } } });
    const r = await clean(csv('kpj,cabang,waktu,A1,A2', ['1,BR07,2024-05-01,Setuju,gratis', '2,BR07,2024-05-01,5,5', '3,BR07,2024-05-01,Setuju,Setuju']), { instrument: inst });
    expect(r.clean.map((c) => c.items)).toEqual([[4, 4]]);
    expect(r.rejects.map((x) => x.details)).toEqual([['OUT_OF_RANGE A2="5": outside 1-4'], [expect.stringMatching(/^OUT_OF_RANGE A2="Setuju": not a label of the scale \(Sangat mahal/)]]);
  });
});

describe('branch directory answers', () => {
  it('id, name or alias, case- and space-insensitively, written as the id; unknown offices are UNKNOWN_BRANCH; WRONG_BRANCH on the id', async () => {
    const rows = ['1,br07', '2,Kantor Cabang Langsa', '3,  KANTOR  cabang  langsa ', '4,langsa', '5,BR 07', '6,Kantor Cabang Sabang', '7,BR99', '8,makassar'];
    const body = rows.map((r) => `${r},2024-05-01,4,5`);
    const r = await clean(csv('kpj,cabang,waktu,A1,A2', body), { instrument: miniInstrument() });
    expect(r.clean.map((c) => [c.respondentId, c.branch])).toEqual([['1', 'BR07'], ['2', 'BR07'], ['3', 'BR07'], ['4', 'BR07'], ['5', 'BR07'], ['8', 'MKS']]);
    expect(r.rejects.map((x) => [x.respondentId, x.reasons])).toEqual([['6', ['UNKNOWN_BRANCH']], ['7', ['UNKNOWN_BRANCH']]]);
    const up = await clean(csv('kpj,cabang,waktu,A1,A2', body.slice(0, 4).concat(body[7]!)), { instrument: miniInstrument(), uploaderBranch: 'br07' });
    expect(up.clean).toHaveLength(4);
    expect(up.rejects.map((x) => x.reasons)).toEqual([['WRONG_BRANCH']]);
  });

  it('a directory passed as knownBranches (branches.json) brings its names, aliases and zones', async () => {
    const known = new Map([['BR07', { id: 'BR07', name: 'Langsa', aliases: ['KC Langsa'] }], ['MKS', { id: 'MKS', name: 'Makassar', timezone: 'Asia/Makassar' }]]);
    const inst = miniInstrument({ branches: undefined });
    const r = await clean(csv('kpj,cabang,waktu,A1,A2', ['1,kc langsa,2024-03-31T16:30:00Z,4,5', '2,Makassar,2024-03-31T16:30:00Z,4,5', '3,Sabang,2024-05-01,4,5']), { instrument: inst, knownBranches: known });
    expect(r.clean.map((c) => [c.branch, c.period])).toEqual([['BR07', '2024-Q1'], ['MKS', '2024-Q2']]);
    expect(r.rejects.map((x) => x.reasons)).toEqual([['UNKNOWN_BRANCH']]);
  });
});

describe('headers', () => {
  it('group paths match by their last segment, only when the full header does not match; two paths to one column are refused', async () => {
    const r = await clean(csv('start;grp_identitas/kpj;grp_identitas/cabang;waktu;grp_a/A1;grp_a/A2;_id', ['x;1;BR07;2024-05-01;4;5;99']), { instrument: miniInstrument() });
    expect(r.clean.map((c) => c.respondentId)).toEqual(['1']);
    expect(r.manifest.mapping.columns.kpj).toEqual({ header: 'grp_identitas/kpj', column: 2, via: 'path' });
    expect(r.manifest.header.ignored).toEqual(['start', '_id']);
    // The full header wins over a path that ends the same way.
    const both = await clean(csv('kpj,grp_x/kpj,cabang,waktu,A1,A2', ['1,2,BR07,2024-05-01,4,5']), { instrument: miniInstrument() });
    expect(both.clean[0]!.respondentId).toBe('1');
    await expect(clean(csv('grp_a/kpj,grp_b/kpj,cabang,waktu,A1,A2', ['1,2,BR07,2024-05-01,4,5']), { instrument: miniInstrument() }))
      .rejects.toMatchObject({ code: 'DUPLICATE_COLUMNS' });
  });

  it('headerRows: the next rows after the names are skipped and counted, not data', async () => {
    const text = csv('kpj,cabang,waktu,A1,A2', ['"KPJ","Kantor, cabang",Tanggal,"Q1, ""A""",Q2', '{"ImportId":"kpj"},{"ImportId":"c"},{"ImportId":"w"},{"ImportId":"QID1"},{"ImportId":"QID2"}', '1,BR07,2024-05-01,4,5']);
    const r = await clean(text, { instrument: miniInstrument({ headerRows: 3 }) });
    expect(r.manifest.header.extraRows).toBe(2);
    expect(r.manifest.inputRows).toBe(1);
    expect(r.clean.map((c) => c.line)).toEqual([4]);
  });
});

describe('free text', () => {
  it('kept with the clean row, capped, formula-safe in clean.csv, readable back exactly', async () => {
    const inst = miniInstrument({ textColumns: ['Saran dan masukan'] });
    const long = 'x'.repeat(TEXT_MAX_CHARS + 50);
    const rows = ['1,BR07,2024-05-01,4,5,"=HYPERLINK(""http://evil"",""klik"")"', `2,BR07,2024-05-01,4,5,${long}`, '3,BR07,2024-05-01,4,5,"Antri lama,\nAC mati"', '4,BR07,2024-05-01,4,5,'];
    const r = await clean(csv('kpj,cabang,waktu,A1,A2,Saran dan masukan', rows), { instrument: inst });
    expect(r.clean.map((c) => c.texts![0]!.length)).toEqual([32, TEXT_MAX_CHARS, 19, 0]);
    expect(r.clean[0]!.texts).toEqual(['=HYPERLINK("http://evil","klik")']);
    const header = formatCleanHeader(inst);
    expect(header).toBe('respondent_id,branch_id,period,date,A1,A2,Saran dan masukan,answer_hash,line\n');
    const text = header + r.clean.map((c) => formatCleanRow(inst, c)).join('');
    const enc = new CleanRowEncoder(inst);
    for (const c of r.clean) enc.push(c);
    expect(enc.take().toString('utf8')).toBe(text);
    const recs = parse(text) as string[][];
    expect(recs[1]![6]).toBe(`'=HYPERLINK("http://evil","klik")`); // shown as text by a spreadsheet
    expect(recs.slice(1).map((x) => unprotectCell(x[6]!))).toEqual(r.clean.map((c) => c.texts![0]));
    // The statistics read items by name: the text column is not an item.
    const frame = frameFromCleanCsv([{ text, source: 'clean.csv' }], inst);
    expect(frame.items.names).toEqual(['A1', 'A2']);
    expect(frame.n).toBe(4);
  });

  it('an absent text column is optional; the instrument without text columns writes clean.csv as before', async () => {
    const inst = miniInstrument({ textColumns: ['Saran dan masukan'] });
    const r = await clean(csv('kpj,cabang,waktu,A1,A2', ['1,BR07,2024-05-01,4,5']), { instrument: inst });
    expect(r.clean[0]!.texts).toEqual(['']);
    expect(r.manifest.header.absent).toEqual(['Saran dan masukan']);
    const plain = await clean(csv('kpj,cabang,waktu,A1,A2', ['1,BR07,2024-05-01,4,5']), { instrument: miniInstrument() });
    expect(plain.clean[0]!.texts).toBeUndefined();
  });
});

describe('satmon simulate --format', () => {
  it('writes the export files and the instrument.json that reads them', async () => {
    const out = mkdtempSync(join(tmpdir(), 'satmon-export-'));
    try {
      const write = process.stdout.write;
      process.stdout.write = (() => true) as typeof process.stdout.write;
      try {
        expect(await simulateCli(['--out', out, '--format', 'kobo', '--branches', '2', '--periods', '2024-Q1', '--n', '7', '--seed', 'cli'])).toBe(0);
      } finally {
        process.stdout.write = write;
      }
      const inst = loadInstrument(JSON.parse(readFileSync(join(out, 'instrument.json'), 'utf8')), 'instrument.json');
      expect(inst.id).toBe('kobo-2024');
      const file = readFileSync(join(out, 'drop_BR02_2024-Q1.kobo.csv'));
      expect(file.toString('utf8').split('\n')[0]).toContain('"grp_crm/CRM1";');
      const r = await clean(file, { instrument: inst });
      expect(r.clean).toHaveLength(7);
      expect(r.clean.every((c) => c.branch === 'BR02' && c.period === '2024-Q1')).toBe(true);
      // The binary formats: files named for what they are, read back by content.
      const quiet = async (argv: string[]) => {
        const w = process.stdout.write;
        process.stdout.write = (() => true) as typeof process.stdout.write;
        try {
          return await simulateCli(argv);
        } finally {
          process.stdout.write = w;
        }
      };
      for (const [fmt, name, kind] of [['sav', 'headoffice_2024-Q1_2024-Q1.sav', 'sav'], ['kobo-xlsx', 'headoffice_2024-Q1_2024-Q1.kobo.xlsx', 'xlsx']] as const) {
        expect(await quiet(['--out', out, '--format', fmt, '--head-office', '--branches', '2', '--periods', '2024-Q1', '--n', '5', '--seed', 'cli'])).toBe(0);
        const bin = await clean(readFileSync(join(out, name)), { instrument: loadInstrument(JSON.parse(readFileSync(join(out, 'instrument.json'), 'utf8')), 'instrument.json') });
        expect(bin.manifest.format.format).toBe(kind);
        expect(bin.clean).toHaveLength(10);
      }
      await expect(simulateCli(['--out', out, '--format', 'kobo', '--messy', '0.1'])).rejects.toThrow(/--messy applies to the excel-id and plain formats/);
      await expect(simulateCli(['--out', out, '--format', 'spss'])).rejects.toThrow(/unknown format 'spss'/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
