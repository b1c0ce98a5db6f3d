// satmon instrument draft, the pure part: role guesses with their reasons, answer-label sets and their codes, items
// named by headers, free text, and a draft that loads once its undecided parts are filled (as it is when the export
// names everything).
import { describe, expect, it } from 'vitest';
import { draftInstrument, labelKey, modelConstructs, readExportSample, type DraftInstrument } from '../../../../shared/survey/draft';
import { loadInstrument } from '../../../../shared/survey/index';
import { clean } from './helpers';

const MODEL = { CRM: ['CRM1', 'CRM2', 'CRM3', 'CRM4'], TRUST: ['TRUST1', 'TRUST2', 'TRUST3', 'TRUST4'], SAT: ['SAT1', 'SAT2'] };

async function draftOf(csv: string, constructs: Record<string, string[]> = MODEL): Promise<DraftInstrument> {
  return draftInstrument(await readExportSample(csv), { source: 'exports/survey.csv', constructs });
}
const roleOf = (d: DraftInstrument, column: string) => d.draft.columns.find((c) => c.column === column);
const withoutDraft = (d: DraftInstrument) => { const { draft: _, ...rest } = d; return rest; };

// Google Forms: question texts as headers (numbered with the item), answer labels, Timestamp dd/MM/yyyy HH:mm:ss,
// the office chosen by name, a free-text question.
const GOOGLE_FORMS = [
  'Timestamp,Nomor Kartu Peserta (KPJ),Kantor Cabang,CRM1. Petugas rutin memberi informasi terbaru,CRM2. Pelayanan sesuai kebutuhan saya,' +
    'CRM3 - Petugas memahami kebutuhan saya,CRM4. Mudah menghubungi BPJS,Seberapa sering Anda datang ke kantor?,Saran dan masukan',
  '31/03/2024 20:00:00,KPJ-0001,Kantor Cabang Langsa,Setuju,Sangat Setuju,Netral,Setuju,Jarang,Pelayanan sudah bagus sekali terima kasih',
  '01/04/2024 08:15:00,KPJ-0002,Kantor Cabang Langsa,Sangat Setuju,setuju,Setuju,Tidak Setuju,Sering,Antrian terlalu panjang di pagi hari',
  '15/04/2024 10:00:00,KPJ-0003,Kantor Cabang Medan,Tidak Setuju,Netral,Sangat Tidak Setuju,Setuju,Kadang-kadang,Mohon petugas lebih ramah kepada peserta',
  '16/04/2024 11:30:00,KPJ-0004,Kantor Cabang Medan,Setuju,Setuju,Sangat Setuju,Netral,Jarang,',
].join('\n');

describe('draft of a Google Forms export', () => {
  it('guesses id, branch and date with their reasons', async () => {
    const d = await draftOf(GOOGLE_FORMS);
    expect(d.idColumn).toBe('Nomor Kartu Peserta (KPJ)');
    expect(roleOf(d, 'Nomor Kartu Peserta (KPJ)')!.reason).toBe("the header says 'nomor kartu peserta'; unique in every row");
    expect(d.branchColumn).toBe('Kantor Cabang');
    expect(roleOf(d, 'Kantor Cabang')!.reason).toMatch(/^the header says 'kantor cabang'; 2 distinct answers in 4 rows; the answers are office names$/);
    expect(d.dateColumn).toBe('Timestamp');
    expect(d.dateOrder).toBe('DMY'); // 31/03 has a first number over 12
    expect(d.timezone).toBe('Asia/Jakarta');
    expect(d.dateTimezone).toBeUndefined();
    expect(roleOf(d, 'Timestamp')!.reason).toMatch(/^the header says 'timestamp'; 100% of the answers are dates; day first/);
  });
  it('finds the agreement labels with counts and codes in scale order, and the frequency set as another scale', async () => {
    const d = await draftOf(GOOGLE_FORMS);
    expect(d.scale).toEqual({ min: 1, max: 5, labels: { 'Sangat Tidak Setuju': 1, 'Tidak Setuju': 2, Netral: 3, Setuju: 4, 'Sangat Setuju': 5, 'Tidak Pernah': 1, Jarang: 2, 'Kadang-kadang': 3, Sering: 4, Selalu: 5 } });
    const agree = d.draft.labelSets.find((s) => s.scale === 'agreement (Indonesian, 5-point)')!;
    expect(agree.columns).toHaveLength(4);
    // 'setuju' (lower case) counts with 'Setuju': labels match case-insensitively.
    expect(agree.labels.map((l) => [l.text, l.code, l.count])).toEqual([
      ['Sangat Tidak Setuju', 1, 1], ['Tidak Setuju', 2, 2], ['Netral', 3, 3], ['Setuju', 4, 7], ['Sangat Setuju', 5, 3],
    ]);
    const freq = d.draft.labelSets.find((s) => s.scale === 'frequency (Indonesian, 5-point)')!;
    expect(freq.labels.map((l) => [l.text, l.code, l.count])).toEqual([['Jarang', 2, 2], ['Kadang-kadang', 3, 1], ['Sering', 4, 1], ['Tidak Pernah', 1, 0], ['Selalu', 5, 0]].sort((a, b) => (a[1] as number) - (b[1] as number)));
  });
  it('assigns items named by a prefix of the question text; the rest are alias candidates; free text goes to textColumns', async () => {
    const d = await draftOf(GOOGLE_FORMS);
    expect(d.columnAliases).toEqual({
      CRM1: ['CRM1. Petugas rutin memberi informasi terbaru'], CRM2: ['CRM2. Pelayanan sesuai kebutuhan saya'],
      CRM3: ['CRM3 - Petugas memahami kebutuhan saya'], CRM4: ['CRM4. Mudah menghubungi BPJS'],
    });
    expect(roleOf(d, 'CRM3 - Petugas memahami kebutuhan saya')).toMatchObject({ role: 'question', item: 'CRM3', reason: "names item CRM3: the header starts with 'CRM3'" });
    expect(d.constructs).toEqual({ CRM: MODEL.CRM }); // TRUST and SAT: no column names their items
    expect(d.draft.columnAliasCandidates).toEqual([{ column: 'Seberapa sering Anda datang ke kantor?', position: 8, answers: expect.stringMatching(/^frequency/) }]);
    expect(d.textColumns).toEqual(['Saran dan masukan']);
    expect(d.draft.undecided.join('\n')).toMatch(/Constructs TRUST, SAT of the model were left out/);
  });
  it('leaves the office ids undecided: the draft loads once they are filled', async () => {
    const d = await draftOf(GOOGLE_FORMS);
    expect(d.branches).toEqual([{ id: '', name: 'Langsa', aliases: ['Kantor Cabang Langsa'] }, { id: '', name: 'Medan', aliases: ['Kantor Cabang Medan'] }]);
    expect(d.draft.undecided.some((u) => u.startsWith('branches: the branch column holds 2 office names'))).toBe(true);
    expect(() => loadInstrument(JSON.parse(JSON.stringify(d)), 'draft.json')).toThrow(/branches/);
    const filled = JSON.parse(JSON.stringify(d));
    filled.branches[0].id = 'BR07';
    filled.branches[1].id = 'BR01';
    const inst = loadInstrument(filled, 'draft.json');
    expect(inst.items).toEqual(['CRM1', 'CRM2', 'CRM3', 'CRM4']);
    expect(inst.textColumns).toEqual(['Saran dan masukan']);
  });
});

// KoboToolbox: `;`, group paths, metadata columns, _submission_time in UTC without an offset, branch ids as choice names.
const KOBO = [
  'start;end;grp_identitas/kpj;grp_identitas/cabang;grp_crm/CRM1;grp_crm/CRM2;grp_crm/CRM3;grp_crm/CRM4;grp_trust/trust1;grp_trust/trust2;grp_trust/trust3;grp_trust/trust4;_id;_uuid;_submission_time;_index',
  '2024-03-31T19:40:00.000+07:00;2024-03-31T19:55:00.000+07:00;11111;br07;4;5;4;4;3;4;4;5;901;u-1;2024-03-31T20:00:00;1',
  '2024-04-02T09:00:00.000+07:00;2024-04-02T09:10:00.000+07:00;22222;br07;5;5;4;3;4;4;5;5;902;u-2;2024-04-02T02:10:00;2',
  '2024-04-03T10:00:00.000+07:00;2024-04-03T10:12:00.000+07:00;33333;br01;2;3;3;2;3;2;9;3;903;u-3;2024-04-03T03:12:00;3',
].join('\n');

describe('draft of a KoboToolbox export', () => {
  it('reads group paths, the UTC submission time and branch ids; metadata is left out', async () => {
    const d = await draftOf(KOBO);
    expect(d.idColumn).toBe('grp_identitas/kpj');
    expect(d.branchColumn).toBe('grp_identitas/cabang');
    expect(roleOf(d, 'grp_identitas/cabang')!.reason).toMatch(/the answers are branch ids$/);
    expect(d.branches).toBeUndefined();
    expect(d.dateColumn).toBe('_submission_time');
    expect(d.dateTimezone).toBe('UTC');
    expect(roleOf(d, '_submission_time')!.reason).toMatch(/^the header says 'submission time'.*UTC without an offset/);
    expect(roleOf(d, '_uuid')!.role).toBe('metadata');
    expect(roleOf(d, 'start')!.role).toBe('metadata');
    expect(roleOf(d, 'grp_crm/CRM2')).toMatchObject({ item: 'CRM2', reason: 'names item CRM2: the group path ends in CRM2' });
    expect((d.columnAliases as Record<string, string[]>).TRUST1).toEqual(['grp_trust/trust1']);
    expect(d.constructs).toEqual({ CRM: MODEL.CRM, TRUST: MODEL.TRUST });
    // 9 beside answers of a 1-5 scale is a missing code.
    expect(d.missingCodes).toEqual(['', '9']);
    expect(d.scale).toEqual({ min: 1, max: 5 });
    expect(d.draft.undecided).toEqual([expect.stringMatching(/^Constructs SAT of the model were left out/)]);
    expect(() => loadInstrument(withoutDraft(d), 'kobo.json')).not.toThrow();
  });
});

describe('draft of a fully named numeric export', () => {
  const header = 'respondent_id,branch_id,period,CRM1,CRM2,CRM3,CRM4,TRUST1,TRUST2,TRUST3,TRUST4,SAT1,SAT2';
  const rows = Array.from({ length: 30 }, (_, i) => `R${i + 1},BR0${1 + (i % 3)},2025-Q${1 + (i % 2)},${[...Array(10)].map((_, k) => 1 + ((i + k) % 5)).join(',')}`);
  const csv = [header, ...rows].join('\n');
  it('decides everything, loads as it is and cleans every row', async () => {
    const d = await draftOf(csv);
    expect(d.draft.undecided).toEqual([]);
    expect(d).toMatchObject({ idColumn: 'respondent_id', branchColumn: 'branch_id', periodColumn: 'period', scale: { min: 1, max: 5 }, columnAliases: {}, constructs: MODEL });
    expect(roleOf(d, 'period')!.reason).toBe("the header says 'period'; 100% of the answers are quarters like 2024-Q1");
    const inst = loadInstrument(JSON.parse(JSON.stringify(d)), 'draft.json');
    const out = await clean(csv, { instrument: inst });
    expect(out.manifest.cleanRows).toBe(30);
  });
  it('accepts a regression model or an instrument as the model', () => {
    expect(modelConstructs({ dependent: { name: 'LOY', items: ['LOY1'] }, predictors: [{ name: 'TAN', items: ['TAN1', 'TAN2'] }] }, 'm')).toEqual({ LOY: ['LOY1'], TAN: ['TAN1', 'TAN2'] });
    expect(modelConstructs({ constructs: { CRM: ['CRM1'], SQ: { items: ['SQ1'] } } }, 'm')).toEqual({ CRM: ['CRM1'], SQ: ['SQ1'] });
    expect(() => modelConstructs({ paths: [] }, 'm.json')).toThrow(/^m\.json: no constructs/);
  });
});

describe('label sets', () => {
  it('SKM 4-point labels, labels carrying their code, English agreement; a set that fits two scales is undecided', async () => {
    const csv = [
      'id responden,cabang,triwulan,U1,U2,Q1,Q2',
      'a,BR01,2025-Q1,Mudah,Sangat Mudah,5 - Sangat Setuju,Agree',
      'b,BR01,2025-Q1,Kurang Mudah,Mudah,4 - Setuju,Strongly agree',
      'c,BR02,2025-Q1,Tidak Mudah,Mudah,1 - Sangat Tidak Setuju,Disagree',
    ].join('\n');
    const d = await draftOf(csv, { SKM: ['U1', 'U2'], X: ['Q1', 'Q2'] });
    expect(d.periodColumn).toBe('triwulan');
    const byScale = Object.fromEntries(d.draft.labelSets.map((s) => [s.scale, s.labels.map((l) => `${l.text}=${l.code}`)]));
    expect(byScale['SKM 4-point (mudah)']).toEqual(['Tidak Mudah=1', 'Kurang Mudah=2', 'Mudah=3', 'Sangat Mudah=4']);
    expect(byScale['labels that carry their code']).toEqual(['1 - Sangat Tidak Setuju=1', '4 - Setuju=4', '5 - Sangat Setuju=5']);
    // The main scale is the first most common one (1-4, the SKM items); the 1-5 items get their own scales.
    expect(d.scale).toEqual({ min: 1, max: 4, labels: { 'Tidak Mudah': 1, 'Kurang Mudah': 2, Mudah: 3, 'Sangat Mudah': 4 } });
    expect(d.itemScales).toEqual({
      Q1: { min: 1, max: 5, labels: { '1 - Sangat Tidak Setuju': 1, '4 - Setuju': 4, '5 - Sangat Setuju': 5 } },
      Q2: { min: 1, max: 5, labels: { 'Strongly disagree': 1, Disagree: 2, Neutral: 3, Agree: 4, 'Strongly agree': 5 } },
    });
    // Agree / Strongly agree / Disagree fit the 5-point and the 4-point English sets (Agree = 4 or 3).
    expect(d.draft.undecided.join('\n')).toMatch(/fit agreement \(English, 5-point\) and also agreement \(English, 4-point\)/);
    expect(() => loadInstrument(withoutDraft(d), 'skm.json')).not.toThrow();
  });
  it('label keys ignore case, spaces, dashes and accents', () => {
    expect(labelKey('  SANGAT  setuju ')).toBe(labelKey('Sangat Setuju'));
    expect(labelKey('Kadang-kadang')).toBe(labelKey('kadang kadang'));
    expect(labelKey('Nétral')).toBe('netral');
  });
});

describe('nothing recognisable', () => {
  it('leaves the required columns empty and says why', async () => {
    const d = await draftOf('a,b\nx,1\ny,1\n');
    expect(d.branchColumn).toBe('');
    expect(d.periodColumn).toBe('');
    expect(d.draft.undecided.join('\n')).toMatch(/branchColumn: no column looks like the office/);
    expect(d.draft.undecided.join('\n')).toMatch(/periodColumn \/ dateColumn: no column holds dates or quarters/);
    expect(() => loadInstrument(withoutDraft(d), 'x.json')).toThrow(/branchColumn/);
  });
});

describe('draft from an SPSS file', () => {
  it('reads a .sav export (R haven fixture) like a CSV one: id, branch, date and text columns, items by name', async () => {
    const { readFileSync } = await import('node:fs');
    const bytes = readFileSync(new URL('../../../fixtures/sav/survey-byte.sav', import.meta.url));
    const d = draftInstrument(await readExportSample(bytes, { source: 'survey-byte.sav' }), { source: 'survey-byte.sav', constructs: MODEL });
    expect(d).toMatchObject({ idColumn: 'kpj', branchColumn: 'cabang', dateColumn: 'Timestamp', textColumns: ['saran'] });
    expect((d.constructs as Record<string, string[]>).CRM).toEqual(['CRM1', 'CRM2', 'CRM3', 'CRM4']);
    expect(d.draft.undecided.join(' ')).toContain("'CRM3', 'CRM4'");
  });
});

describe('draft: columns that identify a person', () => {
  it('are never proposed as free text (names, addresses, phone numbers stay in the raw drop)', async () => {
    const rows = GOOGLE_FORMS.split('\n');
    const names = ['Budi Santoso', 'Siti Aminah Lubis', 'Agus Salim', 'Rina Marlina Siregar'];
    const streets = ['Jl. Merdeka No. 12, Langsa', 'Jl. Sudirman Gg. Melati 4, Langsa', 'Jl. Gatot Subroto 88, Medan', 'Komplek Asri Blok C/7, Medan'];
    const csv = [`${rows[0]},Nama Lengkap,Alamat Rumah,No HP`, ...rows.slice(1).map((r, i) => `${r},${names[i]},"${streets[i]}",08123456789${i}`)].join('\n');
    const d = await draftOf(csv);
    for (const c of ['Nama Lengkap', 'Alamat Rumah', 'No HP']) expect(roleOf(d, c)!.role, c).toBe('personal');
    expect(roleOf(d, 'Nama Lengkap')!.reason).toMatch(/identifies a person \(the header says 'nama'\)/);
    expect(d.textColumns).toEqual(['Saran dan masukan']);
  });
});
