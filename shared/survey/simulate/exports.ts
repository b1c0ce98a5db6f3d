// The same simulated respondents as the files real survey tools export, for testing that each goes in as it is:
//
//   google-forms  question-text headers, answer labels ("Sangat Setuju"; the SKM unsur their own, "Gratis"; occupation
//                 "Pengemudi/Ojek/Sopir"),
//                 `Timestamp` dd/MM/yyyy HH:mm:ss (WIB),
//                 the office chosen by name ("Kantor Cabang Langsa"); `,`, CRLF, UTF-8
//   kobo          KoboToolbox CSV: `;`, every field quoted, group-path headers (grp_crm/CRM1), choice names as
//                 answers (br07, jht, m), metadata _id, _uuid, _submission_time (UTC, no offset), _index, ...
//   qualtrics     three header rows (names, question texts, ImportId JSON), numeric codes, RecordedDate in WIB
//   windows-1252  the excel-id layout plus a `nama` column with é/è, encoded in Windows-1252 (Indonesian Excel's CSV)
//   kobo-xlsx     the kobo layout as KoboToolbox's .xlsx download: one sheet, answers and _id/_index as numbers,
//                 the times as text (as Kobo writes them)
//   sav           a head-office SPSS file (ZSAV): the default instrument's names, items numeric with the agreement
//                 value labels (the unsur: their own) and the question texts as variable labels, the submission date
//                 an SPSS date, occupation a numeric code 1-7 whose value label the cleaner reads
//
// Each comes with the instrument that reads it (exportInstrument): the gforms-2024 / kobo-2024 instruments of issue 9
// plus the programme, segment and demographic columns, the SKM unsur U1-U9 (itemScales 1-4, ikm) and SAT_PROG, or
// the default instrument with headerRows 3 / a text column (sav: the default instrument). No messiness: these files test the mapping, and must clean to exactly the rows of the numeric CSV.
// The time of day of a submission is drawn from its own stream (`${seed}|time|${id}`), so the respondents, their
// answers and dates are those of the numeric formats.
import defaultJson from '../instruments/default.json';
import { decodeWindows1252 } from '../csv-records';
import type { SimBranch } from './branches';
import { SIM_ITEMS, type SimRespondent } from './generate';
import { Rng } from './prng';
import { writeSav, type SavCell, type SavColumn } from './sav';
import { xlsxOf, type XCell } from './xlsx';
import { dropRespondents, parseSimulateOptions, type SimulateOptions, type SimulateOptionsInput } from './index';

export const EXPORT_FORMATS = ['google-forms', 'kobo', 'qualtrics', 'windows-1252', 'kobo-xlsx', 'sav'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Indonesian question texts of the default items, numbered as on the form (Google Forms headers). */
export const ITEM_QUESTIONS_ID: Readonly<Record<string, string>> = {
  CRM1: '1. Petugas BPJS Ketenagakerjaan rutin memberi informasi terbaru kepada saya',
  CRM2: '2. Layanan yang saya terima disesuaikan dengan kebutuhan saya',
  CRM3: '3. BPJS Ketenagakerjaan memahami dan menanggapi kebutuhan saya sebagai peserta',
  CRM4: '4. BPJS Ketenagakerjaan memudahkan saya untuk berkomunikasi (kanal layanan, tindak lanjut)',
  SQ1: '5. Kantor, fasilitas dan kanal layanan memadai dan terawat',
  SQ2: '6. Layanan diberikan dengan tepat dan sesuai janji',
  SQ3: '7. Petugas cepat menanggapi permintaan dan keluhan saya',
  SQ4: '8. Petugas kompeten dan sopan sehingga saya merasa aman',
  SQ5: '9. Petugas memberi perhatian pribadi dan memahami kebutuhan saya',
  TRUST1: '10. Saya yakin BPJS Ketenagakerjaan membayar manfaat tepat waktu',
  TRUST2: '11. BPJS Ketenagakerjaan terbuka tentang aturan, manfaat dan prosedurnya',
  TRUST3: '12. BPJS Ketenagakerjaan memberikan layanan secara konsisten',
  TRUST4: '13. Secara keseluruhan, saya percaya BPJS Ketenagakerjaan melindungi kepentingan saya',
  GOV1: '14. Kebijakan pemerintah mendukung kepesertaan jaminan sosial bagi pekerja seperti saya',
  GOV2: '15. Regulasi pemerintah memperjelas standar layanan BPJS Ketenagakerjaan',
  GOV3: '16. Pemerintah mengawasi BPJS Ketenagakerjaan agar akuntabel',
  GOV4: '17. Pemerintah menjamin manfaat yang menjadi hak saya',
  GOV5: '18. Sosialisasi pemerintah membantu saya menjangkau layanan BPJS, juga di daerah terpencil',
  GOV6: '19. Pemerintah menginformasikan program BPJS Ketenagakerjaan kepada masyarakat',
  SAT1: '20. Secara keseluruhan, saya puas dengan layanan BPJS Ketenagakerjaan',
  SAT2: '21. Layanan efektif memenuhi kebutuhan saya',
  SAT3: '22. Layanan mudah diakses',
  SAT4: '23. Saya puas dengan bantuan yang diberikan petugas BPJS',
  TAN1: '24. Penampilan petugas rapi',
  TAN2: '25. Fasilitas fisik (ruang tunggu, parkir, musala, toilet) memadai',
  TAN3: '26. Sarana dan peralatan layanan (formulir, terminal, alat tulis, Wi-Fi) memadai',
  REL1: '27. Saya mendapat pelayanan yang baik dari awal sampai akhir',
  REL2: '28. Petugas melayani saya dengan teliti',
  REL3: '29. Pelayanan diberikan sesuai dengan yang dijanjikan',
  RES1: '30. Petugas memberikan pelayanan yang cepat dan tepat',
  RES2: '31. Pegawai bersedia membantu masalah saya dengan cepat',
  RES3: '32. Pegawai meluangkan waktu untuk menanggapi keluhan',
  ASR1: '33. Petugas ramah dalam memberikan pelayanan',
  ASR2: '34. Petugas membuat saya yakin (percaya) pada pelayanan',
  EMP1: '35. Petugas memberikan perhatian secara pribadi kepada saya',
  EMP2: '36. Petugas memperhatikan kebutuhan saya',
  LOY1: '37. Layanan klaim sangat memuaskan',
  LOY2: '38. Saya mengatakan hal-hal positif tentang BPJS Ketenagakerjaan',
  LOY3: '39. Saya merekomendasikan BPJS Ketenagakerjaan kepada orang lain',
  // The SKM section (Permenpan RB 14/2017's questionnaire), numbered as its own section of the form.
  U1: 'U1. Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?',
  U2: 'U2. Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?',
  U3: 'U3. Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?',
  U4: 'U4. Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?',
  U5: 'U5. Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang tercantum dalam standar pelayanan dengan hasil yang diberikan?',
  U6: 'U6. Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?',
  U7: 'U7. Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?',
  U8: 'U8. Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?',
  U9: 'U9. Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?',
  SAT_PROG: '40. Secara keseluruhan, saya puas dengan layanan program yang saya gunakan',
};

/** The five-point agreement labels of the Google Forms questionnaire, code 1..5. */
export const AGREEMENT_LABELS_ID = ['Sangat Tidak Setuju', 'Tidak Setuju', 'Netral', 'Setuju', 'Sangat Setuju'] as const;

/** The default instrument's own scales (the SKM unsur U1-U9, 1-4 with the regulation's labels). */
const ITEM_SCALES = defaultJson.itemScales as Record<string, { min: number; max: number; labels: Record<string, number> }>;
/** The SKM unsur of the default instrument, U1-U9. */
const UNSUR_ITEMS: readonly string[] = defaultJson.ikm.unsur;

/** Answer labels of an item by code (index = code - 1): its own scale's, else the agreement labels. */
export function answerLabels(item: string): readonly string[] {
  const own = ITEM_SCALES[item];
  if (!own) return AGREEMENT_LABELS_ID;
  const out: string[] = [];
  for (const [text, code] of Object.entries(own.labels)) out[code - own.min] = text;
  return out;
}
const LABELS_BY_ITEM: readonly (readonly string[])[] = SIM_ITEMS.map(answerLabels);

/** Google Forms headers of the identity and profile questions, and the answer labels of the choices. */
const GF = {
  id: 'Nomor Kartu Peserta (KPJ)',
  branch: 'Kantor Cabang',
  timestamp: 'Timestamp',
  programme: 'Program yang digunakan',
  segment: 'Jenis kepesertaan',
  age: 'Usia',
  gender: 'Jenis kelamin',
  education: 'Pendidikan terakhir',
  occupation: 'Pekerjaan utama',
} as const;
const PROGRAMME_LABELS: Record<string, string> = {
  JHT: 'Jaminan Hari Tua', JKK: 'Jaminan Kecelakaan Kerja', JKM: 'Jaminan Kematian', JP: 'Jaminan Pensiun', JKP: 'Jaminan Kehilangan Pekerjaan',
};
const SEGMENT_LABELS: Record<string, string> = { PU: 'Penerima Upah', BPU: 'Bukan Penerima Upah' };
const GENDER_LABELS: Record<string, string> = { M: 'Laki-laki', F: 'Perempuan' };
const EDUCATION_LABELS: Record<string, string> = { SD: 'SD/MI', SMP: 'SMP/MTs', SMA: 'SMA/SMK', DIPLOMA: 'Diploma', S1: 'Sarjana', S2S3: 'Magister' };
/** The occupation choices as the form words them (each an alias of the default instrument), in code order. */
const OCCUPATION_LABELS: Record<string, string> = {
  PNS: 'PNS/ASN/TNI/POLRI', SWASTA: 'Pegawai Swasta', BUMN: 'Pegawai BUMN/BUMD', WIRAUSAHA: 'Wiraswasta',
  PETANI: 'Petani/Nelayan/Peternak', PENGEMUDI: 'Pengemudi/Ojek/Sopir', LAINNYA: 'Lainnya',
};
/** The occupation codes in the default instrument's order; in the .sav file a code's number is its place (1-based). */
const OCCUPATION_CODES: readonly string[] = Object.keys(defaultJson.demographics.occupation.codes);

/** Kobo group of each construct's items (`grp_crm/CRM1`), the identity and profile groups. */
const koboGroup = (item: string) =>
  `grp_${item === 'SAT_PROG' ? 'program' : UNSUR_ITEMS.includes(item) ? 'skm' : item.replace(/\d+$/, '').toLowerCase()}`;
const KOBO_META_BEFORE = ['start', 'end'];
const KOBO_META_AFTER = ['_id', '_uuid', '_submission_time', '_validation_status', '_notes', '_status', '_submitted_by', '__version__', '_tags', '_index'];

/** Names with é and è (and plain ones) for the Windows-1252 file's `nama` column. */
const NAMES_1252 = ['Andé Saputra', 'Hélène Siregar', 'Rènata Lubis', 'Désy Nasution', 'Budi Santoso', 'Siti Aisyah', 'Josè Harahap', 'Réza Pratama'];

type Json = Record<string, unknown>;

const constructItems = (): Record<string, string[]> =>
  Object.fromEntries(Object.entries(defaultJson.constructs).map(([k, v]) => [k, [...v.items]]));

/** Programme, segment and demographics of the default instrument, with extra column aliases. */
function profileSpec(aliases: Record<string, string[]>): Json {
  return {
    programme: { ...defaultJson.programme },
    segment: { ...defaultJson.segment },
    demographics: defaultJson.demographics,
    columnAliases: aliases,
  };
}

/** The unsur as the exports' instruments declare them: standalone before SAT_PROG, own scales, the ikm section. */
function unsurSpec(withLabels: boolean): Json {
  const itemScales = Object.fromEntries(UNSUR_ITEMS.map((u) => {
    const sc = ITEM_SCALES[u]!;
    return [u, withLabels ? { ...sc, labels: { ...sc.labels } } : { min: sc.min, max: sc.max }];
  }));
  return { itemScales, standaloneItems: [...UNSUR_ITEMS, 'SAT_PROG'], ikm: { unsur: [...UNSUR_ITEMS] } };
}

/**
 * The instrument that reads a format's files. google-forms and kobo: issue 9's gforms-2024 / kobo-2024 (the same
 * keys, lists filled in) plus the SKM unsur, SAT_PROG and the profile columns (Google Forms writes the unsur's
 * answer labels, Kobo their codes); qualtrics and windows-1252: the default instrument with headerRows 3 / the
 * free-text column `nama`.
 */
export function exportInstrument(format: ExportFormat, branches: readonly SimBranch[]): Json {
  if (format === 'google-forms') {
    const aliases: Record<string, string[]> = Object.fromEntries(Object.entries(ITEM_QUESTIONS_ID).map(([k, q]) => [k, [q]]));
    const labels = Object.fromEntries(AGREEMENT_LABELS_ID.map((l, i) => [l, i + 1]));
    return {
      id: 'gforms-2024', idColumn: GF.id, branchColumn: GF.branch, dateColumn: GF.timestamp, timezone: 'Asia/Jakarta',
      scale: { min: 1, max: 5, labels }, missingCodes: [''],
      constructs: constructItems(),
      branches: branches.map((b) => ({ id: b.id, name: b.name, aliases: [`Kantor Cabang ${b.name}`] })),
      ...unsurSpec(true),
      ...profileSpec({
        ...aliases,
        programme: [GF.programme], segment: [GF.segment], age: [GF.age], gender: [GF.gender], education: [GF.education],
        occupation: [GF.occupation],
      }),
    };
  }
  if (format === 'kobo' || format === 'kobo-xlsx') {
    return {
      id: 'kobo-2024', idColumn: 'kpj', branchColumn: 'cabang', dateColumn: '_submission_time',
      dateTimezone: 'UTC', timezone: 'Asia/Jakarta', scale: { min: 1, max: 5 }, missingCodes: [''],
      constructs: constructItems(),
      branches: branches.map((b) => ({ id: b.id, name: b.name })),
      ...unsurSpec(false),
      ...profileSpec({ programme: ['program'], segment: ['segmen'], age: ['usia'], gender: ['jenis_kelamin'], education: ['pendidikan'], occupation: ['pekerjaan'] }),
    };
  }
  const base = JSON.parse(JSON.stringify(defaultJson)) as Json;
  if (format === 'qualtrics') return { ...base, id: 'qualtrics-2024', headerRows: 3 };
  if (format === 'sav') return { ...base, id: 'spss-2024' };
  return { ...base, id: 'excel-1252', textColumns: ['nama'] };
}

/** Wall-clock submission time in WIB: the respondent's date and a time of day from its own stream. */
function submission(o: SimulateOptions, r: SimRespondent): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const t = new Rng(`${o.seed}|time|${r.respondentId}`).int(86_400);
  return { y: r.date.year, mo: r.date.month, d: r.date.day, h: Math.floor(t / 3600), mi: Math.floor(t / 60) % 60, s: t % 60 };
}

const p2 = (n: number) => String(n).padStart(2, '0');
/** WIB is UTC+7 all year (no daylight saving since 1964). */
const WIB_MS = 7 * 3_600_000;

/** A CSV field as export tools write it: quoted when it holds the delimiter, a quote or a line break (or always). */
function field(v: string, delimiter: string, always = false): string {
  return always || v.includes(delimiter) || /["\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

interface Layout {
  header: string[][];
  row(r: SimRespondent, index: number): string[];
  delimiter: string;
  lineBreak: string;
  bom: boolean;
  quoteAll: boolean;
}

/** The formats written as delimited text (the others are binary: kobo-xlsx, sav). */
type TextFormat = Exclude<ExportFormat, 'kobo-xlsx' | 'sav'>;

function layout(o: SimulateOptions, format: TextFormat): Layout {
  const items = SIM_ITEMS;
  const byId = new Map(o.branches.map((b) => [b.id, b]));
  if (format === 'google-forms') {
    return {
      header: [[GF.timestamp, GF.id, GF.branch, GF.programme, GF.segment, GF.age, GF.gender, GF.education, GF.occupation, ...items.map((it) => ITEM_QUESTIONS_ID[it]!)]],
      row(r) {
        const t = submission(o, r);
        return [
          `${p2(t.d)}/${p2(t.mo)}/${t.y} ${p2(t.h)}:${p2(t.mi)}:${p2(t.s)}`, r.respondentId, `Kantor Cabang ${byId.get(r.branch)?.name ?? r.branch}`,
          PROGRAMME_LABELS[r.programme]!, SEGMENT_LABELS[r.segment]!, String(r.age), GENDER_LABELS[r.gender]!, EDUCATION_LABELS[r.education]!,
          OCCUPATION_LABELS[r.occupation]!, ...Array.from(r.items, (v, i) => LABELS_BY_ITEM[i]![v - 1]!),
        ];
      },
      delimiter: ',', lineBreak: '\r\n', bom: false, quoteAll: false,
    };
  }
  if (format === 'kobo') {
    const profile = ['program', 'segmen', 'usia', 'jenis_kelamin', 'pendidikan', 'pekerjaan'].map((c) => `grp_profil/${c}`);
    return {
      header: [[...KOBO_META_BEFORE, 'grp_identitas/kpj', 'grp_identitas/cabang', ...profile, ...items.map((it) => `${koboGroup(it)}/${it}`), ...KOBO_META_AFTER]],
      row(r, index) {
        const t = submission(o, r);
        const utc = new Date(Date.UTC(t.y, t.mo - 1, t.d, t.h, t.mi, t.s) - WIB_MS);
        const iso = utc.toISOString().slice(0, 19); // UTC, no offset, as Kobo writes _submission_time
        const started = new Date(utc.getTime() - 300_000).toISOString().replace('Z', '+00:00');
        const rng = new Rng(`${o.seed}|uuid|${r.respondentId}`);
        const hex = (n: number) => Array.from({ length: n }, () => rng.int(16).toString(16)).join('');
        return [
          started, utc.toISOString().replace('Z', '+00:00'), r.respondentId, r.branch.toLowerCase(),
          r.programme.toLowerCase(), r.segment.toLowerCase(), String(r.age), r.gender.toLowerCase(), r.education.toLowerCase(),
          r.occupation.toLowerCase(), ...Array.from(r.items, String),
          String(100000 + index), `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`, iso, '', '[]', 'submitted_via_web', '', 'vPj3kYx2', '[]', String(index),
        ];
      },
      delimiter: ';', lineBreak: '\n', bom: false, quoteAll: true,
    };
  }
  const base = ['respondent_id', 'branch_id', 'submitted_at', 'programme', 'segment', 'age', 'gender', 'education', 'occupation'];
  if (format === 'qualtrics') {
    const texts: Record<string, string> = {
      respondent_id: 'Nomor Kartu Peserta (KPJ)', branch_id: 'Kantor cabang', submitted_at: 'Recorded Date', programme: 'Program yang digunakan',
      segment: 'Jenis kepesertaan', age: 'Usia', gender: 'Jenis kelamin', education: 'Pendidikan terakhir', occupation: GF.occupation,
      ...(defaultJson.itemText as Record<string, string>),
    };
    const names = [...base, ...items];
    // Question ids in the order the questions were added to the survey: occupation came last, so it has the
    // highest QID and the others keep theirs.
    const questions = [...base.slice(3).filter((n) => n !== 'occupation'), ...items, 'occupation'];
    return {
      header: [names, names.map((n) => texts[n] ?? n), names.map((n, i) => (i < 3 ? `{"ImportId":"${n === 'submitted_at' ? 'recordedDate' : n}"}` : `{"ImportId":"QID${questions.indexOf(n) + 1}"}`))],
      row(r) {
        const t = submission(o, r);
        return [
          r.respondentId, r.branch, `${t.y}-${p2(t.mo)}-${p2(t.d)} ${p2(t.h)}:${p2(t.mi)}:${p2(t.s)}`, r.programme, r.segment, String(r.age), r.gender,
          r.education, r.occupation, ...Array.from(r.items, String),
        ];
      },
      delimiter: ',', lineBreak: '\r\n', bom: true, quoteAll: false,
    };
  }
  return {
    header: [[...base.slice(0, 2), 'nama', ...base.slice(2), ...items]],
    row(r) {
      const name = NAMES_1252[new Rng(`${o.seed}|name|${r.respondentId}`).int(NAMES_1252.length)]!;
      const d = r.date;
      return [
        r.respondentId, r.branch, name, `${p2(d.day)}/${p2(d.month)}/${d.year}`, r.programme, r.segment, String(r.age), r.gender, r.education,
        r.occupation, ...Array.from(r.items, String),
      ];
    },
    delimiter: ';', lineBreak: '\r\n', bom: false, quoteAll: false,
  };
}

// Windows-1252 encoding: the inverse of csv-records' decoder (every byte's character, looked up backwards).
let cp1252: Map<string, number> | null = null;
/** Text as Windows-1252 bytes; a character the code page lacks is written as `?` (as Excel does). */
export function encodeWindows1252(text: string): Buffer {
  if (!cp1252) {
    cp1252 = new Map();
    const all = decodeWindows1252(Buffer.from(Array.from({ length: 256 }, (_, b) => b)));
    for (let b = 0; b < 256; b++) cp1252.set(all[b]!, b);
  }
  const out = Buffer.allocUnsafe(text.length);
  let n = 0;
  for (const ch of text) out[n++] = cp1252.get(ch) ?? 0x3f;
  return out.subarray(0, n);
}

export interface ExportFile {
  /** Branch and period of a per-drop file; null for the head-office file. */
  branch: string | null;
  period: string | null;
  file: string;
  bytes: Buffer;
  rows: number;
}

export function exportFileName(format: ExportFormat, branch: string | null, period: string | null, o: SimulateOptions): string {
  const stem = branch && period ? `drop_${branch}_${period}` : `headoffice_${o.periods[0]}_${o.periods[o.periods.length - 1]}`;
  if (format === 'kobo-xlsx') return `${stem}.kobo.xlsx`;
  if (format === 'sav') return `${stem}.sav`;
  return `${stem}.${format}.csv`;
}

/** Kobo's .xlsx download: the CSV export's cells on one sheet, numbers where Kobo writes numbers. */
async function koboXlsx(o: SimulateOptions, respondents: Iterable<SimRespondent>): Promise<Buffer> {
  const lay = layout(o, 'kobo');
  const header = lay.header[0]!;
  const numeric = new Set(['grp_profil/usia', '_id', '_index', ...SIM_ITEMS.map((it) => `${koboGroup(it)}/${it}`)]);
  const isNumber = header.map((h) => numeric.has(h));
  const rows: XCell[][] = [header];
  let index = 0;
  for (const r of respondents) rows.push(lay.row(r, ++index).map((c, j) => (isNumber[j] && c !== '' ? Number(c) : c)));
  return xlsxOf(rows, { sheet: 'Survei Kepuasan Peserta' });
}

/** A head-office SPSS file: codes with value labels, question texts as variable labels, dates as SPSS dates. */
function spssFile(respondents: Iterable<SimRespondent>): Buffer {
  const itemText = defaultJson.itemText as Record<string, string>;
  const valueLabels = (it: string): [number, string][] => answerLabels(it).map((l, i) => [(ITEM_SCALES[it]?.min ?? 1) + i, l]);
  const columns: SavColumn[] = [
    { name: 'respondent_id', type: 'string', label: 'Nomor Kartu Peserta (KPJ)' },
    { name: 'branch_id', type: 'string', label: 'Kantor cabang' },
    { name: 'submitted_at', type: 'date', label: 'Tanggal pengisian' },
    { name: 'programme', type: 'string', label: 'Program yang digunakan' },
    { name: 'segment', type: 'string', label: 'Jenis kepesertaan' },
    { name: 'age', type: 'number', label: 'Usia' },
    { name: 'gender', type: 'string', label: 'Jenis kelamin' },
    { name: 'education', type: 'string', label: 'Pendidikan terakhir' },
    // A numeric code with value labels, as SPSS users code a category; the cleaner reads the label (an alias).
    { name: 'occupation', type: 'number', label: GF.occupation, valueLabels: OCCUPATION_CODES.map((c, i) => [i + 1, OCCUPATION_LABELS[c]!]) },
    ...SIM_ITEMS.map((it): SavColumn => ({ name: it, type: 'number', label: ITEM_QUESTIONS_ID[it] ?? itemText[it] ?? it, valueLabels: valueLabels(it) })),
  ];
  const rows: SavCell[][] = [];
  for (const r of respondents) {
    const d = r.date;
    rows.push([
      r.respondentId, r.branch, `${d.year}-${p2(d.month)}-${p2(d.day)}`, r.programme, r.segment, r.age, r.gender, r.education,
      OCCUPATION_CODES.indexOf(r.occupation) + 1, ...Array.from(r.items),
    ]);
  }
  return writeSav(columns, rows, { compression: 'zlib', fileLabel: 'Survei kepuasan peserta' });
}

/**
 * The export files of a simulation: one per (branch, period), or one head-office file (options.headOffice), with
 * the same respondents as simulateDrops (messiness is not applied). In memory: for tests and moderate sizes.
 */
export async function simulateExport(options: SimulateOptionsInput | SimulateOptions, format: ExportFormat): Promise<{ files: ExportFile[]; instrument: Json }> {
  const o = parseSimulateOptions(options);
  const text = (fmt: TextFormat) => {
    const lay = layout(o, fmt);
    const line = (cells: string[]) => cells.map((c) => field(c, lay.delimiter, lay.quoteAll)).join(lay.delimiter) + lay.lineBreak;
    const head = (lay.bom ? '\uFEFF' : '') + lay.header.map(line).join('');
    const encode = (t: string) => (fmt === 'windows-1252' ? encodeWindows1252(t) : Buffer.from(t, 'utf8'));
    return (respondents: SimRespondent[]) => encode(head + respondents.map((r, i) => line(lay.row(r, i + 1))).join(''));
  };
  const write: (respondents: SimRespondent[]) => Buffer | Promise<Buffer> =
    format === 'kobo-xlsx' ? (rs) => koboXlsx(o, rs) : format === 'sav' ? spssFile : text(format);
  const files: ExportFile[] = [];
  const render = async (drops: [string, string][], branch: string | null, period: string | null) => {
    const respondents = drops.flatMap(([b, p]) => [...dropRespondents(o, b, p)]);
    files.push({ branch, period, file: exportFileName(format, branch, period, o), bytes: await write(respondents), rows: respondents.length });
  };
  if (o.headOffice) await render(o.periods.flatMap((p) => o.branches.map((b): [string, string] => [b.id, p])), null, null);
  else for (const p of o.periods) for (const b of o.branches) await render([[b.id, p]], b.id, p);
  return { files, instrument: exportInstrument(format, o.branches) };
}
