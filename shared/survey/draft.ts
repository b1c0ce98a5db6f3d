// A draft instrument from an export as a branch office sends it (Google Forms, KoboToolbox/ODK, Qualtrics, an Excel
// recap saved as CSV): which columns are the respondent id, the office and the date or period (each with the reason),
// which answer labels occur and which codes they propose, which question columns name an item of the model, which
// columns hold free text, and, in plain words, what could not be decided. The draft is an instrument file (the
// format of instrument.ts, with `scale.labels`, `itemScales`, `timezone`, `dateTimezone`, `headerRows`,
// `textColumns` and `branches: [{id, name, aliases}]`) plus a `draft` section the loader ignores. Undecided
// required parts are left empty ("") so that the draft fails to load until a person fills them.
//
// Pure: the caller hands in the bytes; readExportSample reads them through the drop reader the cleaner uses
// (sources/index.ts DropReader: CSV in any of its encodings, .xlsx; .sav is refused there for now).
import { normalizeQuarter } from '../period';
import type { DropInput, ReaderOptions } from './csv-records';
import { DropReader } from './sources/index';
import { BRANCH_ID_PATTERN } from './fields';
import { normalizeHeader } from './instrument';
import { parseCalendarDate, type DateOrder } from './period';

// ── Reading a sample ──────────────────────────────────────────────────────────────────────────────────────────

export interface ExportSample {
  columns: string[];
  /** Data rows with as many cells as the header (others are counted in `skipped`). */
  rows: string[][];
  /** Header rows after the first (Qualtrics: question texts, ImportId JSON): their count, and the question texts. */
  extraHeaderRows: number;
  questionTexts: string[] | null;
  /** Data rows looked at (the sample), and whether the file has more. */
  rowsRead: number;
  truncated: boolean;
  /** Rows not usable as they are (broken quoting, too long, bad encoding, wrong field count). */
  skipped: number;
  delimiter: string;
  encoding: string;
}

export const DEFAULT_SAMPLE_ROWS = 20_000;

/** The header and the first `sample` data rows of an export (records read by the cleaner's own reader). */
export async function readExportSample(
  input: DropInput, opts: { sample?: number; reader?: ReaderOptions; sheet?: string; source?: string } = {},
): Promise<ExportSample> {
  const sample = opts.sample ?? DEFAULT_SAMPLE_ROWS;
  const reader = new DropReader({ ...opts.reader, source: opts.source ?? 'export', ...(opts.sheet !== undefined ? { sheet: opts.sheet } : {}) });
  let headerLine = -1;
  reader.onHeader = (_fields, line) => { headerLine = line; };
  let columns: string[] | null = null;
  const rows: string[][] = [];
  let rowsRead = 0;
  let skipped = 0;
  let truncated = false;
  outer: for await (const batch of reader.batches(input)) {
    for (const rec of batch) {
      if (columns === null) {
        if (rec.line === headerLine && rec.fields) columns = rec.fields.map((f) => f.replace(/\uFEFF/g, '').trim());
        continue;
      }
      if (rowsRead >= sample) { truncated = true; break outer; }
      rowsRead++;
      if (rec.issue || rec.fields === null || rec.fields.length !== columns.length) { skipped++; continue; }
      if (rec.fields.every((f) => f.trim() === '')) continue;
      rows.push(rec.fields);
    }
  }
  if (columns === null) throw new Error('the export is empty (no header line)');
  // Qualtrics: row 2 holds the question texts, row 3 the ImportId JSON of each column.
  let extraHeaderRows = 0;
  let questionTexts: string[] | null = null;
  const importRow = rows.slice(0, 2).findIndex((r) => r.some((c) => /^\s*\{\s*"ImportId"/.test(c)));
  if (importRow >= 0) {
    extraHeaderRows = importRow + 1;
    if (importRow === 1) questionTexts = rows[0]!.map((c) => c.trim());
    rows.splice(0, extraHeaderRows);
    rowsRead -= extraHeaderRows;
  }
  return {
    columns, rows, extraHeaderRows, questionTexts, rowsRead, truncated, skipped,
    delimiter: reader.info.delimiter, encoding: reader.info.encoding,
  };
}

// ── Models ────────────────────────────────────────────────────────────────────────────────────────────────────

/** Constructs and their items from a PLS model file, a regression model file or an instrument. */
export function modelConstructs(json: unknown, source: string): Record<string, string[]> {
  const m = json as Record<string, unknown> | null;
  const itemsOf = (e: unknown): string[] | null => {
    const list = Array.isArray(e) ? e : (e as { items?: unknown } | null)?.items;
    return Array.isArray(list) && list.every((x) => typeof x === 'string' && x !== '') ? (list as string[]) : null;
  };
  const out: Record<string, string[]> = {};
  if (m && typeof m.constructs === 'object' && m.constructs !== null) {
    for (const [name, e] of Object.entries(m.constructs as Record<string, unknown>)) {
      const items = itemsOf(e);
      if (!items) throw new Error(`${source}: construct ${name} has no list of items`);
      out[name] = items;
    }
  } else if (m && m.dependent && Array.isArray(m.predictors)) {
    for (const e of [m.dependent, ...(m.predictors as unknown[])]) {
      const name = (e as { name?: unknown }).name;
      const items = itemsOf(e);
      if (typeof name !== 'string' || !items) throw new Error(`${source}: a predictor or the dependent has no name or items`);
      out[name] = items;
    }
  }
  if (Object.keys(out).length === 0) throw new Error(`${source}: no constructs (expected a model file with "constructs", or "dependent" and "predictors")`);
  return out;
}

// ── Answer scales ─────────────────────────────────────────────────────────────────────────────────────────────

/** Case-, space-, dash- and accent-insensitive form of an answer label. */
export function labelKey(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[\s_\-–—]+/g, ' ').trim();
}

interface ScaleTemplate {
  family: string;
  name: string;
  /** Labels from the lowest code up; each position: the spelling written into the draft, then synonyms. */
  labels: string[][];
}

// Families are tried in this order; within a family, the first variant holding every label seen wins (5-point
// Likert is the common case; the SKM's 4-point sets come second).
const TEMPLATES: ScaleTemplate[] = [
  { family: 'agree-id', name: 'agreement (Indonesian, 5-point)', labels: [['Sangat Tidak Setuju'], ['Tidak Setuju'], ['Netral', 'Ragu-ragu', 'Ragu', 'Cukup Setuju', 'Biasa Saja', 'Kurang Setuju'], ['Setuju'], ['Sangat Setuju']] },
  { family: 'agree-id', name: 'agreement (Indonesian, 4-point, SKM)', labels: [['Tidak Setuju'], ['Kurang Setuju'], ['Setuju'], ['Sangat Setuju']] },
  { family: 'agree-id', name: 'agreement (Indonesian, 4-point, no middle)', labels: [['Sangat Tidak Setuju'], ['Tidak Setuju'], ['Setuju'], ['Sangat Setuju']] },
  { family: 'agree-en', name: 'agreement (English, 5-point)', labels: [['Strongly disagree'], ['Disagree'], ['Neutral', 'Neither agree nor disagree', 'Undecided'], ['Agree'], ['Strongly agree']] },
  { family: 'agree-en', name: 'agreement (English, 4-point)', labels: [['Strongly disagree'], ['Disagree'], ['Agree'], ['Strongly agree']] },
  { family: 'puas-id', name: 'satisfaction (Indonesian, 5-point)', labels: [['Sangat Tidak Puas'], ['Tidak Puas'], ['Cukup Puas', 'Netral', 'Biasa Saja', 'Kurang Puas'], ['Puas'], ['Sangat Puas']] },
  { family: 'puas-id', name: 'satisfaction (Indonesian, 4-point, SKM)', labels: [['Tidak Puas'], ['Kurang Puas'], ['Puas'], ['Sangat Puas']] },
  { family: 'sat-en', name: 'satisfaction (English, 5-point)', labels: [['Very dissatisfied'], ['Dissatisfied'], ['Neutral', 'Neither satisfied nor dissatisfied'], ['Satisfied'], ['Very satisfied']] },
  { family: 'freq-id', name: 'frequency (Indonesian, 5-point)', labels: [['Tidak Pernah'], ['Jarang'], ['Kadang-kadang', 'Kadang', 'Kadang kadang'], ['Sering'], ['Selalu']] },
  { family: 'freq-en', name: 'frequency (English, 5-point)', labels: [['Never'], ['Rarely'], ['Sometimes'], ['Often'], ['Always']] },
  { family: 'baik-id', name: 'quality (Indonesian, 5-point)', labels: [['Sangat Buruk'], ['Buruk'], ['Cukup', 'Sedang', 'Cukup Baik', 'Biasa Saja'], ['Baik'], ['Sangat Baik']] },
  { family: 'baik-id', name: 'quality (Indonesian, 4-point, SKM)', labels: [['Tidak Baik'], ['Kurang Baik'], ['Baik'], ['Sangat Baik']] },
  { family: 'baik-id', name: 'quality (Indonesian, 4-point, SKM facilities)', labels: [['Buruk'], ['Cukup'], ['Baik'], ['Sangat Baik']] },
  { family: 'good-en', name: 'quality (English, 5-point)', labels: [['Very poor'], ['Poor'], ['Fair', 'Average'], ['Good'], ['Very good', 'Excellent']] },
  ...['mudah', 'sesuai', 'cepat', 'kompeten'].map((w): ScaleTemplate => ({
    family: `skm-${w}`, name: `SKM 4-point (${w})`,
    labels: [[`Tidak ${w}`], [`Kurang ${w}`], [w], [`Sangat ${w}`]].map((p) => p.map((s) => s.replace(/(^|\s)\S/g, (c) => c.toUpperCase()))),
  })),
  { family: 'skm-sopan', name: 'SKM 4-point (sopan dan ramah)', labels: [['Tidak sopan dan ramah'], ['Kurang sopan dan ramah'], ['Sopan dan ramah'], ['Sangat sopan dan ramah']] },
  { family: 'skm-biaya', name: 'SKM 4-point (biaya)', labels: [['Sangat mahal'], ['Cukup mahal'], ['Murah'], ['Gratis']] },
];
const TEMPLATE_KEYS = TEMPLATES.map((t) => t.labels.map((p) => new Set(p.map(labelKey))));

function codeIn(t: number, key: string): number | null {
  const k = TEMPLATE_KEYS[t]!.findIndex((s) => s.has(key));
  return k < 0 ? null : k + 1;
}

/** A label that carries its code: `5 - Sangat Setuju`, `1. Sangat tidak setuju`, `(4) Setuju`, `Setuju (4)`. */
const CODED_LABEL = [/^\(?(\d{1,2})\)?\s*[-.:=)]\s*\S/, /^\((\d{1,2})\)\s*\S/, /\S\s*\((\d{1,2})\)$/];
function carriedCode(label: string): number | null {
  for (const re of CODED_LABEL) {
    const m = re.exec(label.trim());
    if (m) return Number(m[1]);
  }
  return null;
}

const NUMBER = /^[+-]?\d+(?:[.,]\d+)?$/;
const INTEGER = /^[+-]?\d+(?:[.,]0+)?$/;
/** Texts that commonly mean "no answer" in a question column. */
const MISSING_TEXTS = new Set(['na', 'n/a', 'n.a.', '-', 'tidak tahu', 'tidak menjawab', 'tt', 'tj', 'dont know', "don't know"]);
const MISSING_NUMBERS = new Set([9, 99, 999, -9, -99, -999]);

// ── Header words ──────────────────────────────────────────────────────────────────────────────────────────────

/** Lower case, accents stripped, anything but letters and digits as one space: `Nomor Kartu Peserta (KPJ)` -> `nomor kartu peserta kpj`. */
function words(header: string): string {
  return header.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}
/** The last segment of a group path (`grp_identitas/kpj` -> `kpj`). */
const lastSegment = (h: string) => h.slice(h.lastIndexOf('/') + 1);
function hasPhrase(header: string, phrases: readonly string[]): string | null {
  const w = ` ${words(header)} `;
  const last = ` ${words(lastSegment(header))} `;
  for (const p of phrases) if (w.includes(` ${p} `) || last.includes(` ${p} `)) return p;
  return null;
}

const ID_WORDS = ['nomor kartu peserta', 'kartu peserta', 'kpj', 'no kpj', 'id responden', 'no responden', 'nomor responden',
  'kode responden', 'respondent id', 'respondent', 'responden', 'nomor peserta', 'id peserta', 'no peserta', 'participant id', 'nik'];
const SUBMISSION_ID_WORDS = ['id', 'uuid', 'responseid', 'response id', 'instanceid', 'instance id', 'key'];
const BRANCH_WORDS = ['kantor cabang', 'kode cabang', 'cabang', 'kc', 'kcp', 'branch id', 'branch code', 'branch', 'kantor',
  'unit kerja', 'office', 'kantor wilayah'];
const DATE_WORDS = ['submission time', 'submissiondate', 'submission date', 'timestamp', 'tanggal pengisian', 'tanggal survei',
  'tanggal survey', 'tanggal', 'tgl', 'waktu pengisian', 'waktu', 'submitted at', 'submitted', 'date', 'recordeddate', 'enddate', 'end', 'today', 'start'];
const NOT_DATE_WORDS = ['lahir', 'birth', 'dob'];
const PERIOD_WORDS = ['triwulan', 'periode', 'period', 'kuartal', 'quarter', 'tw'];
/**
 * Headers of columns that identify a person (name, address, phone, e-mail, NIK, birth date, account): never proposed
 * as free text, so they are never read; they stay in the raw drop only (README "Personal data").
 */
const PERSONAL_WORDS = ['nama', 'nama lengkap', 'name', 'full name', 'alamat', 'address', 'domisili', 'email', 'e mail', 'surel',
  'no hp', 'nomor hp', 'hp', 'handphone', 'ponsel', 'telepon', 'telp', 'tlp', 'phone', 'whatsapp', 'wa', 'no wa', 'nik', 'ktp',
  'tanggal lahir', 'tgl lahir', 'tempat lahir', 'lahir', 'birth', 'npwp', 'rekening', 'no rekening', 'ibu kandung'];
const TEXT_WORDS = ['saran', 'masukan', 'komentar', 'kritik', 'keluhan', 'alasan', 'comment', 'comments', 'suggestion', 'feedback', 'remarks'];
/** Survey-tool metadata (Kobo/ODK, Qualtrics, Google Forms), compared without case, spaces, `_`, `-` and `.`. */
const METADATA = new Set(['start', 'end', 'today', 'deviceid', 'subscriberid', 'simserial', 'phonenumber', 'username', 'version',
  'instanceid', 'startdate', 'enddate', 'status', 'ipaddress', 'progress', 'durationinseconds', 'finished', 'recordeddate',
  'responseid', 'recipientlastname', 'recipientfirstname', 'recipientemail', 'externalreference', 'externaldatareference',
  'locationlatitude', 'locationlongitude', 'distributionchannel', 'userlanguage', 'emailaddress', 'alamatemail', 'score', 'skor',
  'totalscore', 'submittedby', 'validationstatus', 'notes', 'tags', 'geolocation']);
const isMetadata = (h: string) => lastSegment(h).trim().startsWith('_') || METADATA.has(normalizeHeader(lastSegment(h)).replace(/[^a-z0-9]/g, ''));

// ── Column statistics ─────────────────────────────────────────────────────────────────────────────────────────

interface ColumnStats {
  index: number;
  header: string;
  nonEmpty: number;
  /** Trimmed answer -> count (empty cells not counted). */
  counts: Map<string, number>;
  numeric: number;
  integers: number;
  quarters: number;
  dates: { DMY: number; MDY: number };
  /** Slash/dot dates with the first number over 12 (day first) or the second (month first). */
  dayFirst: number;
  monthFirst: number;
  /** Date cells that carry an offset or Z. */
  withOffset: number;
  meanLength: number;
}

function columnStats(index: number, header: string, rows: readonly string[][]): ColumnStats {
  const s: ColumnStats = {
    index, header, nonEmpty: 0, counts: new Map(), numeric: 0, integers: 0, quarters: 0, dates: { DMY: 0, MDY: 0 },
    dayFirst: 0, monthFirst: 0, withOffset: 0, meanLength: 0,
  };
  let length = 0;
  for (const r of rows) {
    const v = r[index]!.trim();
    if (v === '') continue;
    s.nonEmpty++;
    length += v.length;
    s.counts.set(v, (s.counts.get(v) ?? 0) + 1);
  }
  s.meanLength = s.nonEmpty ? length / s.nonEmpty : 0;
  // Per distinct value (answers repeat), weighted by its count.
  for (const [v, n] of s.counts) {
    if (NUMBER.test(v)) s.numeric += n;
    if (INTEGER.test(v)) s.integers += n;
    if (normalizeQuarter(v) !== null) s.quarters += n;
    if (!NUMBER.test(v) || /^\d{5}(?:[.,]\d+)?$/.test(v)) {
      if (parseCalendarDate(v, 'DMY')) s.dates.DMY += n;
      if (parseCalendarDate(v, 'MDY')) s.dates.MDY += n;
    }
    const m = /^(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}\b/.exec(v);
    if (m) {
      if (Number(m[1]) > 12) s.dayFirst += n;
      if (Number(m[2]) > 12) s.monthFirst += n;
    }
    if (/\d[T ]\d{1,2}:\d{2}.*(?:Z|[+-]\d{2}:?\d{2})$/i.test(v)) s.withOffset += n;
  }
  return s;
}

const share = (n: number, of: number) => (of > 0 ? n / of : 0);
const fmtList = (xs: readonly string[], max = 6) => xs.slice(0, max).map((x) => `'${x}'`).join(', ') + (xs.length > max ? `, … (${xs.length} in all)` : '');

// ── The draft ─────────────────────────────────────────────────────────────────────────────────────────────────

export type ColumnRole = 'id' | 'branch' | 'date' | 'period' | 'question' | 'text' | 'personal' | 'metadata' | 'other';

export interface ColumnGuess {
  column: string;
  /** 1-based position in the header. */
  position: number;
  role: ColumnRole;
  /** The item the header names (question columns). */
  item?: string;
  reason: string;
}

export interface LabelSet {
  name: string;
  scale: string;
  min: number;
  max: number;
  columns: string[];
  /** Proposed code per label (labels seen, with counts; then the scale's labels not seen, count 0). */
  labels: { text: string; code: number; count: number }[];
}

export interface AliasCandidate {
  column: string;
  position: number;
  answers: string;
  /** Only when the unassigned columns and the unassigned items are as many: the item at the same position. */
  byPosition?: string;
}

export interface DraftSection {
  source: string;
  rowsRead: number;
  sampled: boolean;
  skippedRows: number;
  delimiter: string;
  encoding: string;
  columns: ColumnGuess[];
  labelSets: LabelSet[];
  columnAliasCandidates: AliasCandidate[];
  otherColumns: { column: string; answers: string }[];
  undecided: string[];
}

export interface DraftOptions {
  /** Name of the export (file path) for the id and messages. */
  source: string;
  /** Constructs of the model: name -> items. */
  constructs: Record<string, string[]>;
  id?: string;
}

export type DraftInstrument = Record<string, unknown> & { draft: DraftSection };

interface ItemMatch { item: string; how: string }

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The item a header (or its question text) names: its name, a group path ending in it, `CRM1.`/`CRM1 -` prefixes, a `[CRM1]` grid row. */
function itemNamed(header: string, text: string | undefined, items: readonly string[]): ItemMatch | null {
  const key = normalizeHeader(header);
  for (const it of items) if (normalizeHeader(it) === key) return { item: it, how: 'the header is the item name' };
  if (header.includes('/')) {
    const last = normalizeHeader(lastSegment(header));
    for (const it of items) if (normalizeHeader(it) === last) return { item: it, how: `the group path ends in ${it}` };
  }
  for (const [t, where] of [[header, 'header'], [text, 'question text']] as const) {
    if (!t) continue;
    for (const it of items) {
      const e = escapeRe(it);
      if (new RegExp(`^\\s*[\\[(]?${e}[\\])]?(?:\\s*[.:)\\-–—]|\\s)`, 'i').test(t)) return { item: it, how: `the ${where} starts with '${it}'` };
      if (new RegExp(`\\[\\s*${e}\\s*\\]\\s*$`, 'i').test(t)) return { item: it, how: `the ${where} ends in the grid row [${it}]` };
    }
  }
  return null;
}

interface QuestionColumn {
  stats: ColumnStats;
  /** Numeric codes seen (after missing codes). */
  codes: number[];
  /** Non-numeric answers that are labels (trimmed as seen) -> count. */
  labels: Map<string, number>;
  missing: Set<string>;
  template: number | null;
  carried: boolean;
  item?: ItemMatch;
}

/** Is the column a question column: small whole numbers and/or labels of a known scale (or labels carrying codes)? */
function asQuestion(s: ColumnStats): QuestionColumn | null {
  if (s.nonEmpty === 0) return null;
  const q: QuestionColumn = { stats: s, codes: [], labels: new Map(), missing: new Set(), template: null, carried: false };
  const texts: string[] = [];
  for (const [v, n] of s.counts) {
    if (INTEGER.test(v)) q.codes.push(parseInt(v, 10));
    else if (MISSING_TEXTS.has(v.toLowerCase())) q.missing.add(v);
    else { texts.push(v); q.labels.set(v, n); }
  }
  // 9/99/-99 beside answers of a short scale are missing codes.
  const core = q.codes.filter((c) => !MISSING_NUMBERS.has(c));
  const coreMax = Math.max(...core, 0);
  for (const c of q.codes) if (MISSING_NUMBERS.has(c) && (c < 0 || c > coreMax + 1) && coreMax <= 7 && core.length > 0) q.missing.add(String(c));
  q.codes = q.codes.filter((c) => !q.missing.has(String(c)));
  if (q.codes.some((c) => c < 0 || c > 10)) return null;
  if (texts.length === 0) return q.codes.length > 0 ? q : null;
  if (texts.length > 12) return null;
  if (texts.every((t) => carriedCode(t) !== null)) {
    q.carried = true;
    return q;
  }
  const keys = texts.map(labelKey);
  for (let t = 0; t < TEMPLATES.length; t++) if (keys.every((k) => codeIn(t, k) !== null)) { q.template = t; return q; }
  return null;
}

/** One template per family: the first variant that holds every label seen in the family's columns. */
function settleTemplates(questions: QuestionColumn[], undecided: string[]): void {
  const byFamily = new Map<string, QuestionColumn[]>();
  for (const q of questions) {
    if (q.template === null) continue;
    const f = TEMPLATES[q.template]!.family;
    byFamily.set(f, [...(byFamily.get(f) ?? []), q]);
  }
  for (const [family, cols] of byFamily) {
    const keys = [...new Set(cols.flatMap((q) => [...q.labels.keys()].map(labelKey)))];
    const fits = TEMPLATES.map((_, t) => t).filter((t) => TEMPLATES[t]!.family === family && keys.every((k) => codeIn(t, k) !== null));
    if (fits.length === 0) {
      // Columns of one family fit different variants (e.g. 'Netral' in one, 'Kurang Setuju' as 2 in another): each keeps its own.
      undecided.push(`The answers of ${family} columns fit no single scale; each column keeps the first scale its own answers fit. Check the codes in scale.labels / itemScales.`);
      continue;
    }
    const chosen = fits[0]!;
    for (const q of cols) q.template = chosen;
    const others = fits.slice(1).filter((t) => TEMPLATE_KEYS[t]!.length !== TEMPLATE_KEYS[chosen]!.length || keys.some((k) => codeIn(t, k) !== codeIn(chosen, k)));
    if (others.length) {
      undecided.push(`The labels seen (${fmtList(keys)}) fit ${TEMPLATES[chosen]!.name} and also ${others.map((t) => TEMPLATES[t]!.name).join(', ')}; ` +
        `the first was assumed: check the codes in scale.labels.`);
    }
  }
}

function slug(s: string): string {
  const base = s.replace(/^.*[/\\]/, '').replace(/\.[^.]*$/, '');
  return base.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'survey';
}

const BRANCH_NAME_PREFIX = /^(?:kantor\s+cabang(?:\s+pembantu)?|kc(?:p)?|cabang|kantor)\s+/i;

/** Builds the draft instrument from an export's header and sample rows. */
export function draftInstrument(sample: ExportSample, opts: DraftOptions): DraftInstrument {
  const { columns, rows } = sample;
  const undecided: string[] = [];
  const guesses: ColumnGuess[] = columns.map((c, j) => ({ column: c, position: j + 1, role: 'other', reason: '' }));
  const stats = columns.map((c, j) => columnStats(j, c, rows));
  const n = rows.length;
  const taken = new Set<number>();
  const allItems = Object.values(opts.constructs).flat();

  // Question columns first: a header naming an item is a question whatever the header words say.
  const questions = new Map<number, QuestionColumn>();
  for (const s of stats) {
    const item = itemNamed(s.header, sample.questionTexts?.[s.index], allItems);
    if (!item && isMetadata(s.header)) continue;
    const q = asQuestion(s);
    if (q && item) q.item = item;
    if (q) questions.set(s.index, q);
    else if (item) {
      // Named as an item but its answers are no scale: still a question column (the person decides).
      questions.set(s.index, { stats: s, codes: [], labels: new Map(s.counts), missing: new Set(), template: null, carried: false, item });
    }
  }
  const named = (j: number) => questions.get(j)?.item !== undefined;

  // ── Roles: id, branch, date, period ──
  const choose = (role: 'id' | 'branch' | 'date' | 'period', score: (s: ColumnStats) => { score: number; reason: string } | null): ColumnStats | null => {
    let best: { s: ColumnStats; score: number; reason: string } | null = null;
    for (const s of stats) {
      if (taken.has(s.index) || named(s.index)) continue;
      const r = score(s);
      if (r && r.score > 0 && (!best || r.score > best.score)) best = { s, ...r };
    }
    if (!best) return null;
    taken.add(best.s.index);
    Object.assign(guesses[best.s.index]!, { role, reason: best.reason });
    return best.s;
  };
  const unique = (s: ColumnStats) => n > 0 && s.nonEmpty === n && s.counts.size === n;
  const dateShare = (s: ColumnStats) => share(Math.max(s.dates.DMY, s.dates.MDY), s.nonEmpty);

  const date = choose('date', (s) => {
    if (s.nonEmpty === 0 || dateShare(s) < 0.9 || hasPhrase(s.header, NOT_DATE_WORDS)) return null;
    const w = hasPhrase(s.header, DATE_WORDS);
    const pct = Math.round(dateShare(s) * 100);
    if (w) return { score: 10 + DATE_WORDS.length - DATE_WORDS.indexOf(w), reason: `the header says '${w}'; ${pct}% of the answers are dates` };
    return { score: 1, reason: `${pct}% of the answers are dates (no header word)` };
  });
  const period = choose('period', (s) => {
    const ok = share(s.quarters, s.nonEmpty) >= 0.9;
    const w = hasPhrase(s.header, PERIOD_WORDS);
    if (!ok) return null;
    return { score: w ? 10 : 1, reason: `${w ? `the header says '${w}'; ` : ''}${Math.round(share(s.quarters, s.nonEmpty) * 100)}% of the answers are quarters like 2024-Q1` };
  });
  const id = choose('id', (s) => {
    const w = hasPhrase(s.header, ID_WORDS);
    const u = unique(s);
    const free = s.meanLength > 40;
    if (w) return { score: u ? 20 : n <= 1 ? 15 : 8, reason: `the header says '${w}'${u ? '; unique in every row' : n > 1 ? `; NOT unique (${s.counts.size} distinct in ${n} rows)` : ''}` };
    if (isMetadata(s.header) && hasPhrase(s.header, SUBMISSION_ID_WORDS) && u) return { score: 5, reason: `the survey tool's submission id (unique in every row; it names the submission, not the participant)` };
    if (u && !free && dateShare(s) < 0.5 && !isMetadata(s.header)) return { score: 2, reason: 'unique in every row (no header word)' };
    return null;
  });
  const branch = choose('branch', (s) => {
    const w = hasPhrase(s.header, BRANCH_WORDS);
    if (s.nonEmpty === 0 || share(s.numeric, s.nonEmpty) > 0.5 && !w) return null;
    const few = s.counts.size <= Math.max(1, Math.min(500, Math.floor(s.nonEmpty / 2)));
    const fewText = `${s.counts.size} distinct answer${s.counts.size === 1 ? '' : 's'} in ${s.nonEmpty} rows`;
    if (w) return { score: few ? 20 : 10, reason: `the header says '${w}'; ${fewText}` };
    return null;
  });
  if (!id) undecided.push('idColumn: no column looks like a respondent id (header words such as KPJ, Nomor Kartu Peserta, ID Responden, or a column unique in every row); set idColumn to the header of that column.');
  else if (guesses[id.index]!.reason.includes('no header word') || guesses[id.index]!.reason.includes('submission id') || guesses[id.index]!.reason.includes('NOT unique')) {
    undecided.push(`idColumn: '${id.header}' was chosen (${guesses[id.index]!.reason}); check that it identifies the participant.`);
  }
  if (!branch) undecided.push('branchColumn: no column looks like the office (header words such as Kantor Cabang, Cabang, Branch); set branchColumn to the header of that column.');
  if (!date && !period) undecided.push('periodColumn / dateColumn: no column holds dates or quarters; set periodColumn (answers like 2024-Q1) or dateColumn (dates) to the header of that column.');

  // ── Metadata, free text, questions, others ──
  for (const s of stats) {
    const g = guesses[s.index]!;
    if (taken.has(s.index)) continue;
    const q = questions.get(s.index);
    if (q) {
      g.role = 'question';
      if (q.item) { g.item = q.item.item; g.reason = `names item ${q.item.item}: ${q.item.how}`; }
      else g.reason = 'answers on a scale; no item of the model named';
      continue;
    }
    const personal = hasPhrase(s.header, PERSONAL_WORDS);
    if (personal) {
      Object.assign(g, { role: 'personal', reason: `identifies a person (the header says '${personal}'): not read; it stays in the raw drop` });
      continue;
    }
    if (isMetadata(s.header)) { Object.assign(g, { role: 'metadata', reason: 'survey-tool metadata' }); continue; }
    const text = share(s.nonEmpty - s.numeric, s.nonEmpty) >= 0.8;
    const w = hasPhrase(s.header, TEXT_WORDS);
    const varied = s.counts.size >= Math.max(2, 0.5 * s.nonEmpty);
    if (text && s.nonEmpty > 0 && (varied && s.meanLength >= 15 || w && s.counts.size > 12)) {
      Object.assign(g, { role: 'text', reason: `free text: ${s.counts.size} distinct answers in ${s.nonEmpty} rows, ${Math.round(s.meanLength)} characters on average${w ? `; the header says '${w}'` : ''}` });
      continue;
    }
    Object.assign(g, { role: 'other', reason: s.nonEmpty === 0 ? 'empty in the sample' : `${s.counts.size} distinct answers, not on a known scale` });
  }

  // ── Scales and labels ──
  const qcols = [...questions.entries()].filter(([j]) => !taken.has(j)).sort((a, b) => a[0] - b[0]).map(([, q]) => q);
  settleTemplates(qcols, undecided);
  const missingCodes = new Set<string>(['']);
  for (const q of qcols) for (const m of q.missing) missingCodes.add(m);
  /** min/max and label -> code of a question column. */
  const scaleOf = (q: QuestionColumn): { min: number; max: number; labels: Map<string, number>; name: string } => {
    const labels = new Map<string, number>();
    if (q.template !== null) {
      const t = q.template;
      for (const l of q.labels.keys()) labels.set(l, codeIn(t, labelKey(l))!);
      const k = TEMPLATES[t]!.labels.length;
      return { min: 1, max: Math.max(k, ...q.codes), labels, name: TEMPLATES[t]!.name };
    }
    for (const l of q.labels.keys()) {
      const c = carriedCode(l);
      if (c !== null) labels.set(l, c);
    }
    const codes = [...q.codes, ...labels.values()];
    const lo = Math.min(...codes);
    const hi = Math.max(...codes);
    return { min: lo <= 0 ? lo : 1, max: hi < 4 ? Math.max(hi, lo + 1) : hi, labels, name: q.carried ? 'labels that carry their code' : 'numeric codes' };
  };
  const scales = qcols.map(scaleOf);
  // The main scale: the most common min-max; its labels are the union of its columns' (a label with two codes goes per item).
  const tally = new Map<string, number>();
  for (const s of scales) tally.set(`${s.min}:${s.max}`, (tally.get(`${s.min}:${s.max}`) ?? 0) + 1);
  const mainKey = [...tally.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '1:5';
  const [mainMin, mainMax] = mainKey.split(':').map(Number) as [number, number];
  const mainLabels = new Map<string, number>(); // labelKey -> code
  const mainText = new Map<string, string>(); // labelKey -> spelling written
  const itemScales: Record<string, { min: number; max: number; labels?: Record<string, number> }> = {};
  const perColumnScale: string[] = [];
  const addTemplateLabels = (t: number | null, into: Map<string, number>, spell: Map<string, string>) => {
    if (t === null) return;
    TEMPLATES[t]!.labels.forEach((p, k) => {
      const key = labelKey(p[0]!);
      if (!into.has(key)) { into.set(key, k + 1); spell.set(key, p[0]!); }
    });
  };
  qcols.forEach((q, i) => {
    const s = scales[i]!;
    const fitsMain = s.min === mainMin && s.max === mainMax && [...s.labels].every(([l, c]) => (mainLabels.get(labelKey(l)) ?? c) === c) &&
      (q.template === null || TEMPLATES[q.template]!.labels.every((p, k) => (mainLabels.get(labelKey(p[0]!)) ?? k + 1) === k + 1));
    if (fitsMain) {
      for (const [l, c] of s.labels) if (!mainLabels.has(labelKey(l))) { mainLabels.set(labelKey(l), c); mainText.set(labelKey(l), l); }
      addTemplateLabels(q.template, mainLabels, mainText);
      return;
    }
    const labels = new Map<string, number>();
    const text = new Map<string, string>();
    for (const [l, c] of s.labels) { labels.set(labelKey(l), c); text.set(labelKey(l), l); }
    addTemplateLabels(q.template, labels, text);
    const spec = { min: s.min, max: s.max, ...(labels.size ? { labels: Object.fromEntries([...labels].sort((a, b) => a[1] - b[1]).map(([k, c]) => [text.get(k)!, c])) } : {}) };
    if (q.item) itemScales[q.item.item] = spec;
    else perColumnScale.push(q.stats.header);
  });
  if (perColumnScale.length) {
    undecided.push(`Columns ${fmtList(perColumnScale)} use another scale than scale (${mainMin}-${mainMax}); once assigned to items, give those items itemScales (see draft.labelSets).`);
  }

  // Label sets for people: by scale name, with counts.
  const sets = new Map<string, LabelSet & { keys: Map<string, { text: string; code: number; count: number }> }>();
  qcols.forEach((q, i) => {
    const s = scales[i]!;
    if (s.labels.size === 0) return;
    const key = `${s.name}|${s.min}:${s.max}`;
    let set = sets.get(key);
    if (!set) {
      set = { name: String.fromCharCode(65 + sets.size), scale: s.name, min: s.min, max: s.max, columns: [], labels: [], keys: new Map() };
      sets.set(key, set);
    }
    set.columns.push(q.stats.header);
    for (const [l, c] of s.labels) {
      const k = labelKey(l);
      const e = set.keys.get(k) ?? { text: l, code: c, count: 0 };
      if (e.count === 0) e.text = l; // the spelling seen rather than the scale's
      e.count += q.labels.get(l) ?? 0;
      set.keys.set(k, e);
    }
    if (q.template !== null) {
      TEMPLATES[q.template]!.labels.forEach((p, k) => {
        const kk = labelKey(p[0]!);
        if (![...TEMPLATE_KEYS[q.template!]![k]!].some((x) => set!.keys.has(x))) set!.keys.set(kk, { text: p[0]!, code: k + 1, count: 0 });
      });
    }
  });
  const labelSets: LabelSet[] = [...sets.values()].map(({ keys, ...s }) => ({
    ...s, labels: [...keys.values()].sort((a, b) => a.code - b.code || b.count - a.count),
  }));

  // ── Items and constructs ──
  const byItem = new Map<string, QuestionColumn>();
  const columnAliases: Record<string, string[]> = {};
  for (const q of qcols) {
    if (!q.item) continue;
    const prev = byItem.get(q.item.item);
    if (prev) {
      undecided.push(`${q.item.item} is named by two columns, '${prev.stats.header}' and '${q.stats.header}'; the first was taken: keep one.`);
      guesses[q.stats.index]!.item = undefined;
      q.item = undefined;
      continue;
    }
    byItem.set(q.item.item, q);
    if (normalizeHeader(q.stats.header) !== normalizeHeader(q.item.item)) columnAliases[q.item.item] = [q.stats.header];
  }
  const constructs: Record<string, string[]> = {};
  const someNamed = byItem.size > 0;
  const missingItems: string[] = [];
  const leftOut: string[] = [];
  for (const [name, items] of Object.entries(opts.constructs)) {
    if (someNamed && !items.some((it) => byItem.has(it))) { leftOut.push(name); continue; }
    constructs[name] = items;
    for (const it of items) if (!byItem.has(it)) missingItems.push(it);
  }
  const unassigned = qcols.filter((q) => !q.item);
  const candidates: AliasCandidate[] = unassigned.map((q, k) => {
    const s = scales[qcols.indexOf(q)]!;
    return {
      column: q.stats.header, position: q.stats.index + 1,
      answers: s.labels.size ? `${s.name}: ${fmtList([...s.labels.keys()], 5)}` : `numbers ${Math.min(...q.codes)}-${Math.max(...q.codes)}`,
      ...(unassigned.length === missingItems.length ? { byPosition: missingItems[k] } : {}),
    };
  });
  if (leftOut.length) undecided.push(`Constructs ${leftOut.join(', ')} of the model were left out: no column names any of their items.`);
  if (missingItems.length) {
    const hint = candidates.length
      ? `; ${candidates.length} question column${candidates.length === 1 ? '' : 's'} name${candidates.length === 1 ? 's' : ''} no item (draft.columnAliasCandidates${candidates.length === missingItems.length ? ', with the item at the same position as byPosition: check the wording' : ''})`
      : '';
    undecided.push(`Items ${fmtList(missingItems, 8)}: no column names them. Add each one's column header to columnAliases (e.g. "columnAliases": {"${missingItems[0]}": ["<header>"]}), or remove the item from constructs${hint}.`);
  } else if (candidates.length) {
    undecided.push(`Question columns ${fmtList(candidates.map((c) => c.column))} name no item of the model: add them to constructs (and columnAliases), or leave them out (they are then ignored).`);
  }

  // ── Branches ──
  let branches: { id: string; name: string; aliases?: string[] }[] | undefined;
  if (branch) {
    const answers = [...branch.counts.keys()];
    const idLike = answers.every((a) => BRANCH_ID_PATTERN.test(a.toUpperCase()) && /\d/.test(a));
    if (idLike) {
      guesses[branch.index]!.reason += '; the answers are branch ids';
    } else {
      const byName = new Map<string, { name: string; aliases: Set<string> }>();
      for (const a of answers.sort()) {
        const name = a.replace(BRANCH_NAME_PREFIX, '').trim() || a;
        const k = labelKey(name);
        const e = byName.get(k) ?? { name, aliases: new Set<string>() };
        if (a !== e.name) e.aliases.add(a);
        byName.set(k, e);
      }
      branches = [...byName.values()].map((e) => ({ id: '', name: e.name, ...(e.aliases.size ? { aliases: [...e.aliases] } : {}) }));
      guesses[branch.index]!.reason += '; the answers are office names';
      undecided.push(`branches: the branch column holds ${branches.length} office name${branches.length === 1 ? '' : 's'} (${fmtList(branches.map((b) => b.name))}); give each entry of branches its branch id (e.g. "BR07").`);
    }
  }

  // ── Dates ──
  let dateOrder: DateOrder | undefined;
  let dateTimezone: string | undefined;
  if (date) {
    const g = guesses[date.index]!;
    if (date.dayFirst > 0 && date.monthFirst > 0) {
      dateOrder = 'DMY';
      undecided.push(`dateOrder: '${date.header}' has dates with the day first and others with the month first; DMY assumed: check the export's locale.`);
    } else if (date.monthFirst > 0) {
      dateOrder = 'MDY';
      g.reason += '; month first (a second number over 12)';
    } else {
      dateOrder = 'DMY';
      if (date.dayFirst > 0) g.reason += '; day first (a first number over 12)';
      else if (date.dates.DMY > 0 && share(date.dates.DMY, date.nonEmpty) > 0 && [...date.counts.keys()].some((v) => /^\d{1,2}[/.-]/.test(v))) {
        undecided.push(`dateOrder: every date in '${date.header}' reads both day-first and month-first; DMY (the Indonesian order) assumed.`);
      }
    }
    const utc = /submission ?(time|date)/.test(words(lastSegment(date.header))) || words(lastSegment(date.header)) === 'submissiondate';
    if (utc && date.withOffset < date.nonEmpty) {
      dateTimezone = 'UTC';
      g.reason += '; KoboToolbox/ODK write it in UTC without an offset (dateTimezone UTC)';
    } else if (date.withOffset === date.nonEmpty) g.reason += '; the stamps carry their offset';
    else g.reason += '; read as Asia/Jakarta time (WIB; set timezone to Asia/Makassar or Asia/Jayapura for WITA/WIT offices)';
  }

  const textColumns = guesses.filter((g) => g.role === 'text').map((g) => g.column);
  const otherColumns = guesses.filter((g) => g.role === 'other').map((g) => {
    const s = stats[g.position - 1]!;
    const top = [...s.counts.entries()].sort((a, b) => b[1] - a[1]);
    return { column: g.column, answers: s.nonEmpty === 0 ? 'empty' : top.slice(0, 6).map(([v, c]) => `${v} (${c})`).join(', ') + (top.length > 6 ? `, … (${top.length} distinct)` : '') };
  });
  if (n === 0) undecided.push('The export has no data rows: the guesses rest on the header alone.');

  const scale: Record<string, unknown> = { min: mainMin, max: mainMax };
  if (mainLabels.size) scale.labels = Object.fromEntries([...mainLabels].sort((a, b) => a[1] - b[1]).map(([k, c]) => [mainText.get(k)!, c]));
  const out: DraftInstrument = {
    id: opts.id ?? slug(opts.source),
    version: '1',
    label: `Draft from ${opts.source.replace(/^.*[/\\]/, '')} (satmon instrument draft)`,
    idColumn: id?.header ?? '',
    branchColumn: branch?.header ?? '',
    ...(period ? { periodColumn: period.header } : {}),
    ...(date ? { dateColumn: date.header, dateOrder, timezone: 'Asia/Jakarta', ...(dateTimezone ? { dateTimezone } : {}) } : {}),
    ...(!date && !period ? { periodColumn: '' } : {}),
    ...(sample.extraHeaderRows ? { headerRows: 1 + sample.extraHeaderRows } : {}),
    scale,
    ...(Object.keys(itemScales).length ? { itemScales } : {}),
    missingCodes: [...missingCodes],
    columnAliases,
    constructs,
    ...(textColumns.length ? { textColumns } : {}),
    ...(branches ? { branches } : {}),
    draft: {
      source: opts.source,
      rowsRead: sample.rowsRead,
      sampled: sample.truncated,
      skippedRows: sample.skipped,
      delimiter: sample.delimiter,
      encoding: sample.encoding,
      columns: guesses,
      labelSets,
      columnAliasCandidates: candidates,
      otherColumns,
      undecided,
    },
  };
  return out;
}

/** A few lines for people: the roles chosen, items assigned, label sets, undecided points. */
export function draftSummary(d: DraftInstrument): string {
  const s = d.draft;
  const lines = [`draft from ${s.source}: ${s.rowsRead} row${s.rowsRead === 1 ? '' : 's'} read${s.sampled ? ' (a sample: the file has more)' : ''}, ${s.columns.length} columns${s.skippedRows ? `, ${s.skippedRows} unreadable rows skipped` : ''}`];
  for (const role of ['id', 'branch', 'date', 'period'] as const) {
    const g = s.columns.find((c) => c.role === role);
    lines.push(`  ${role.padEnd(8)} ${g ? `'${g.column}': ${g.reason}` : '(not found)'}`);
  }
  const q = s.columns.filter((c) => c.role === 'question');
  lines.push(`  items    ${q.filter((c) => c.item).length} of ${q.length} question columns name an item of the model`);
  for (const l of s.labelSets) lines.push(`  labels   ${l.name}: ${l.scale}, ${l.columns.length} column${l.columns.length === 1 ? '' : 's'}: ${l.labels.map((x) => `${x.text}=${x.code} (${x.count})`).join(', ')}`);
  const text = s.columns.filter((c) => c.role === 'text');
  if (text.length) lines.push(`  text     ${text.map((c) => `'${c.column}'`).join(', ')}`);
  const personal = s.columns.filter((c) => c.role === 'personal');
  if (personal.length) lines.push(`  personal ${personal.map((c) => `'${c.column}'`).join(', ')} (not read: names, contacts and numbers stay in the raw drop)`);
  if (s.undecided.length) {
    lines.push(`  undecided (${s.undecided.length}):`);
    for (const u of s.undecided) lines.push(`    - ${u}`);
  } else lines.push('  nothing undecided: the draft loads as it is');
  return lines.join('\n');
}
