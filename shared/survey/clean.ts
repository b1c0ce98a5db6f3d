// cleanDrop: one pass over a raw survey drop that sends every data row to exactly one of onClean / onReject as
// soon as it is decided, and returns the drop's manifest. See index.ts for the contract.
import { parse } from 'csv-parse/sync';
import { addQuarters, comparePeriods, periodIndex, quarterOf } from '../period';
import type { DropInput, ReaderOptions, RawRecord } from './csv-records';
import { DropReader, type DropFormat } from './sources/index';
import { branchIdSchema, buildCellRules, Invalid, messageText, MISSING, showCell, UnknownBranchName, type CellRules } from './fields';
import { Hash64, hex8 } from './hash';
import { IdTable } from './id-table';
import { branchLookupOf, normalizeHeader, type BranchInfo, type Instrument } from './instrument';
import { placeStamp } from './period';
import { REASON_CODES, type ReasonCode } from './reasons';
import { weightRule } from './weight';

export interface CleanRow {
  /** First physical line of the row in the input (header = line 1). */
  line: number;
  /** Physical lines the row spans (more than 1 only when an undeclared free-text column holds line breaks). */
  lines: number;
  respondentId: string;
  /** Upper-case branch id. */
  branch: string;
  /** `YYYY-Qn`, from the period column or derived from the submission date. */
  period: string;
  /** ISO date when the instrument has a date column and the cell is filled, else null. */
  date: string | null;
  /** Canonical codes in instrument.categories order (programme, segment, demographics); null = missing. */
  categories: (string | null)[];
  /** Codes in instrument.items order; NaN = missing (left for mean replacement downstream). */
  items: number[];
  /** 16 hex digits over the item and categorical answers (not id, branch, period, date, texts or weight). */
  answerHash: string;
  /** The survey weight (> 0, finite) when the instrument has a weightColumn; absent otherwise (weight.ts). */
  weight?: number;
  /**
   * Free text of instrument.textColumns in order ('' when blank or the column is absent), trimmed and cut to
   * TEXT_MAX_CHARS characters. Absent when the instrument has no text columns.
   */
  texts?: string[];
}

/** Characters of free text kept per cell (CleanRow.texts); longer answers are cut (not rejected). */
export const TEXT_MAX_CHARS = 2000;

export interface RejectedRow {
  line: number;
  /** Physical lines the row spans (1 unless a quoted field held line breaks). */
  lines: number;
  /** Trimmed respondent id cell when it could be read, else '' (under RowPrivacy its pseudonym; '' when ERASED). */
  respondentId: string;
  /** Set when the row's branch and period were valid (its group in the manifest). */
  branch: string | null;
  period: string | null;
  /** Distinct codes in REASONS order. */
  reasons: ReasonCode[];
  /** One human-readable finding each, e.g. `OUT_OF_RANGE TRUST3="7": outside 1-5`. */
  details: string[];
  /** Fields as parsed; for BAD_QUOTING the text split at the delimiter with quotes taken literally (best effort). */
  fields: string[];
  /** The original text of the row (without its final line break); '' under RowPrivacy and when ERASED. */
  text: string;
}

export interface DropHeader {
  /** The header as read (trimmed). */
  columns: string[];
  /** Declared column -> index in `columns`. */
  index: Record<string, number>;
  /** Header columns the instrument does not declare (kept only in rejects). */
  ignored: string[];
  /** Optional declared columns absent from the drop: categorical, period/date when the other is present, text, and the items of a block it does not carry (itemBlocks: the SKM beside a questionnaire, or the questionnaire beside the SKM). */
  absent: string[];
  /** Format (csv / xlsx / sav), encoding, BOM, delimiter, line break and worksheet found (sources/index.ts). */
  format: DropFormat;
  /** Physical line of the header. */
  line: number;
  /**
   * How each declared column was found: its own name, an alias, the last segment of a group path (`grp/kpj`), or
   * (SPSS .sav) the column's variable label.
   */
  via?: Record<string, HeaderVia>;
}

/** How a declared column was found in the header (DropHeader.via, the manifest's mapping). */
export type HeaderVia = 'name' | 'alias' | 'path' | 'label';

/** Answers of one item read through its scale's labels, among the clean rows. */
export interface ItemLabelMapping {
  /** Declared label -> its code and how many clean rows gave it (any case, spacing or accents). */
  labels: Record<string, { code: number; count: number }>;
  /** Clean rows that gave a plain code instead of a label. */
  codes: number;
}

export interface GroupManifest {
  branch: string;
  period: string;
  clean: number;
  rejected: number;
  /** Respondent id -> answer hash of the rows accepted for this branch and period (unless disabled). */
  newRespondents?: Record<string, string>;
}

export interface DropManifest {
  kind: 'satmon.drop-manifest';
  formatVersion: 1;
  source: string;
  /** sha256 of the input bytes, computed while streaming. */
  sha256: string;
  bytes: number;
  instrument: { id: string; version: string; source: string };
  format: DropHeader['format'];
  header: {
    line: number; columns: string[]; matched: Record<string, string>; ignored: string[]; absent: string[];
    /** Header lines after the first that were skipped (instrument headerRows - 1 when present, e.g. Qualtrics' two). */
    extraRows: number;
  };
  /**
   * The mapping used: for each declared column (id, branch, period/date, categories, items, text columns) the header
   * column it was read from and how it was recognised; for each item with labels, which label became which code and
   * how often among the clean rows.
   */
  mapping: {
    columns: Record<string, { header: string; column: number; via: HeaderVia }>;
    labels: Record<string, ItemLabelMapping>;
  };
  /** Physical lines, including the header and blank lines. */
  lines: number;
  blankLines: number;
  /** Data rows read; always cleanRows + rejectedRows. */
  inputRows: number;
  cleanRows: number;
  rejectedRows: number;
  /** Rejected rows carrying each reason (a row may carry several). */
  reasons: Record<ReasonCode, number>;
  /** Per (branch, period), sorted by period then branch. Rejected rows without a valid branch and period are in `ungroupedRejected`. */
  groups: GroupManifest[];
  ungroupedRejected: number;
  /** Missing item answers among the clean rows (what mean replacement will fill). */
  missing: { cells: number; share: number; byItem: Record<string, number> };
  rules: { maxMissingShare: number; straightLiningMinItems: number | null; knownBranches: number | null };
}

export interface CleanOptions {
  instrument: Instrument;
  /** Name of the input in messages and the manifest (file path or S3 key). */
  source: string;
  /** Respondents already stored for a (branch, period), id -> answer hash; called once per group met. */
  seen?: (branch: string, period: string) => Promise<ReadonlyMap<string, string>> | ReadonlyMap<string, string>;
  /** Known branch ids (upper case); overrides the instrument's list. Without either, any well-formed id passes. */
  knownBranches?: ReadonlySet<string> | ReadonlyMap<string, unknown>;
  onClean(row: CleanRow): void | Promise<void>;
  onReject(rej: RejectedRow): void | Promise<void>;
  /** Called once with the header, before any row (e.g. to write the rejects header). */
  onHeader?(header: DropHeader): void | Promise<void>;
  /** Put the accepted ids and answer hashes per group into the manifest (default true; off for huge drops). */
  collectNewRespondents?: boolean;
  reader?: ReaderOptions;
  /**
   * The branch whose folder the drop was uploaded to (case-insensitive). A row with a well-formed branch id other
   * than this one is rejected with WRONG_BRANCH (and is not grouped, so no other branch's respondents are looked
   * up). Unset (head-office uploads, the CLI without --branch): no check. A malformed value throws a RangeError.
   */
  uploaderBranch?: string;
  /**
   * When the drop was received. Set: a row whose period, or whose submission date's quarter, is later than the
   * quarter after the quarter of receivedAt (on the calendar of `timeZone`) is rejected with FUTURE_PERIOD: a
   * drop received on 2025-08-15 (2025-Q3) may hold rows up to 2025-Q4 and dates up to 2025-12-31. Unset: no check.
   */
  receivedAt?: Date;
  /**
   * IANA time zone of the upload's calendar quarter for FUTURE_PERIOD. Default: the zone the row's quarter is cut
   * in (its branch's directory timezone, else the instrument's timezone, Asia/Jakarta unless it says otherwise).
   */
  timeZone?: string;
  /**
   * Personal-data handling (ingest always sets it): see RowPrivacy. Without it ids and texts are kept as read (the
   * CLI cleaning a file its user already holds).
   */
  privacy?: RowPrivacy;
  /**
   * Participants erased on request (`satmon forget`): pseudonym (under any key) -> the last quarter erased. A row
   * of theirs for that quarter or earlier, or whose period cannot be read, is rejected as ERASED with nothing kept
   * but its line: a re-delivery (a cumulative export) does not bring them back; answers given after the erasure
   * count. Only read with `privacy`.
   */
  erased?: ReadonlyMap<string, string>;
}

/**
 * How the cleaner keeps participants' identities out of everything it emits (UU 27/2022; README "Personal data"):
 * - the respondent id becomes `pseudonym(id)` before any callback sees it (clean rows, rejects, the seen lookup,
 *   duplicates); a person stored under an earlier key is recognised through `earlier(id)`;
 * - free-text answers pass through `maskText` (phone numbers, e-mail addresses, NIK, URLs, long numbers);
 * - a rejected row keeps only what explains its rejection: the declared columns' fields (the id column as the
 *   pseudonym, text and every other field masked), the undeclared columns (names, phone numbers a form may also ask)
 *   as HIDDEN_FIELD, no original text (`text` is ''), and no fields at all when the row could not be aligned with the
 *   header. The original row stays in the raw drop, at its line, for the data stewards.
 */
export interface RowPrivacy {
  pseudonym(id: string): string;
  /** The id's pseudonyms under the keyring's earlier keys (none without a rotation). */
  earlier(id: string): readonly string[];
  /** Every key id of the ring (an erasure list naming another key cannot be honoured: the clean refuses to run). */
  keyIds: readonly string[];
  maskText(text: string): string;
}

/** A field of a rejected row that is not kept under RowPrivacy (an undeclared column, e.g. a name or phone). */
export const HIDDEN_FIELD = '[disembunyikan]';
/** The respondent id in a rejected row's details under RowPrivacy. */
export const HIDDEN_ID = '[identitas]';

/** The time zone in which the upload's quarter is taken unless CleanOptions.timeZone says otherwise. */
export const DEFAULT_UPLOAD_TIME_ZONE = 'Asia/Jakarta';

export type DropErrorCode = 'EMPTY_DROP' | 'UNREADABLE_HEADER' | 'HEADER_TOO_LONG' | 'MISSING_COLUMNS' | 'DUPLICATE_COLUMNS'
  // The file as a whole (sources/): a format not read (.xls, .sav, .ods, PDF), a broken workbook, the instrument's sheet absent.
  | 'UNSUPPORTED_FORMAT' | 'UNREADABLE_FILE' | 'MISSING_SHEET';

/** Bytes of a DropRejectedError message: the source (at most SOURCE_BYTES) and the text together. */
export const DROP_ERROR_MAX_BYTES = 1024;
const SOURCE_BYTES = 200;

/**
 * The whole drop is refused (nothing was sent to the callbacks): the message names the file, line and columns.
 * The message goes into drop records, manifests and logs, so the constructor passes source and text through
 * messageText (control characters escaped, at most DROP_ERROR_MAX_BYTES UTF-8 bytes in all, the source first).
 */
export class DropRejectedError extends Error {
  override name = 'DropRejectedError';
  constructor(readonly code: DropErrorCode, readonly source: string, message: string) {
    const where = messageText(source, SOURCE_BYTES);
    super(`${where}: ${messageText(message, DROP_ERROR_MAX_BYTES - 2 - Buffer.byteLength(where))}`);
  }
}

interface Group {
  branch: string;
  period: string;
  table: IdTable;
  seen: ReadonlyMap<string, string> | null;
  clean: number;
  rejected: number;
  newIds: string[] | null;
  newHashes: string[] | null;
}

const ABSENT = -1;
const MAX_HEADER_LIST = 12;
/** Bytes of the lists in a MISSING_COLUMNS message (the required names first); a header column at most 40. */
const MISSING_LIST_BYTES = 560;
const HEADER_LIST_BYTES = 200;
const clipColumn = (c: string): string => messageText(c, 40);

/** `'a', 'b', 'c'` within maxBytes, ending `... and N more` when the names do not fit. */
function nameList(names: readonly string[], maxBytes: number): string {
  const quoted = names.map((n) => `'${messageText(n, 64)}'`);
  let out = '';
  for (let i = 0; i < quoted.length; i++) {
    const next = (i > 0 ? ', ' : '') + quoted[i];
    if (Buffer.byteLength(out + next) > maxBytes - 24) return `${out}, ... and ${quoted.length - i} more`;
    out += next;
  }
  return out;
}


/**
 * The instrument's item blocks: the questionnaire (construct items and other standalone items) and the SKM's unsur
 * (instrument "ikm"); one block when it has no SKM or nothing else. Each block is all-or-nothing in a drop.
 */
export function itemBlocks(instrument: Instrument): string[][] {
  const unsur = new Set(instrument.spec.ikm?.unsur ?? []);
  const rest = instrument.items.filter((it) => !unsur.has(it));
  const skm = instrument.items.filter((it) => unsur.has(it));
  return [rest, skm].filter((b) => b.length > 0);
}

/**
 * Resolves the drop's header against the instrument; throws DropRejectedError when it cannot be used. `labels`
 * (an SPSS .sav's variable labels, one per column, null = none) are tried last, for a declared column that no
 * header name, alias or group path matches: SPSS names are often V1, V2, ... with the question in the label.
 */
export function matchHeader(
  instrument: Instrument, columns: string[], source: string, line: number, labels?: readonly (string | null)[],
  /** Under RowPrivacy: a refusal names no header cell (a file without its header row would show a participant's row). */
  hideCells = false,
): Omit<DropHeader, 'format'> {
  const spec = instrument.spec;
  const keyToIndex = new Map<string, number[]>();
  columns.forEach((c, j) => {
    const k = normalizeHeader(c);
    if (k === '') return;
    const list = keyToIndex.get(k);
    if (list) list.push(j);
    else keyToIndex.set(k, [j]);
  });
  // Group paths (Kobo/ODK `grp_identitas/kpj`): a header that matches no declared name or alias in full is also
  // tried by its last path segment.
  const declaredNames = [
    spec.idColumn, spec.branchColumn, spec.periodColumn, spec.dateColumn, ...instrument.categories.map((c) => c.column),
    ...instrument.items, ...instrument.textColumns, instrument.weightColumn,
  ].filter((n): n is string => n !== undefined);
  const declaredKeys = new Set(declaredNames.flatMap((n) => [n, ...(spec.columnAliases[n] ?? [])].map(normalizeHeader)));
  const segmentToIndex = new Map<string, number[]>();
  columns.forEach((c, j) => {
    const slash = c.lastIndexOf('/');
    if (slash < 0 || declaredKeys.has(normalizeHeader(c))) return;
    const k = normalizeHeader(c.slice(slash + 1));
    if (k === '') return;
    const list = segmentToIndex.get(k);
    if (list) list.push(j);
    else segmentToIndex.set(k, [j]);
  });
  // Variable labels, normalised like headers; a column whose own name is declared is not also matched by its label.
  const labelToIndex = new Map<string, number[]>();
  labels?.forEach((l, j) => {
    if (l === null || j >= columns.length || declaredKeys.has(normalizeHeader(columns[j]!))) return;
    const k = normalizeHeader(l);
    if (k === '') return;
    const list = labelToIndex.get(k);
    if (list) list.push(j);
    else labelToIndex.set(k, [j]);
  });
  const index: Record<string, number> = {};
  const via: Record<string, HeaderVia> = {};
  const duplicates: string[] = [];
  const find = (name: string): number => {
    const keys = [name, ...(spec.columnAliases[name] ?? [])].map(normalizeHeader);
    const hits = new Set<number>();
    for (const k of keys) for (const j of keyToIndex.get(k) ?? []) hits.add(j);
    let how: 'name' | 'path' | 'label' = 'name';
    if (hits.size === 0) {
      for (const k of keys) for (const j of segmentToIndex.get(k) ?? []) hits.add(j);
      how = 'path';
    }
    if (hits.size === 0) {
      for (const k of keys) for (const j of labelToIndex.get(k) ?? []) hits.add(j);
      how = 'label';
    }
    if (hits.size > 1) duplicates.push(`'${name}' (header columns ${[...hits].map((j) => `${j + 1} '${clipColumn(columns[j]!)}'`).join(', ')})`);
    const j = hits.size ? Math.min(...hits) : ABSENT;
    if (j !== ABSENT) {
      index[name] = j;
      const full = normalizeHeader(columns[j]!);
      via[name] = how !== 'name' ? how : full === keys[0] ? 'name' : 'alias';
    }
    return j;
  };
  // Declared columns in reading order: identity, period/date, categorical answers, items.
  const missing = [spec.idColumn, spec.branchColumn].filter((c) => find(c) === ABSENT);
  const absent: string[] = [];
  const periodAt = spec.periodColumn ? find(spec.periodColumn) : ABSENT;
  const dateAt = spec.dateColumn ? find(spec.dateColumn) : ABSENT;
  if (periodAt === ABSENT && dateAt === ABSENT) {
    missing.push([spec.periodColumn, spec.dateColumn].filter(Boolean).join("' or '"));
  } else {
    if (spec.periodColumn && periodAt === ABSENT) absent.push(spec.periodColumn);
    if (spec.dateColumn && dateAt === ABSENT) absent.push(spec.dateColumn);
  }
  for (const c of instrument.categories) if (find(c.column) === ABSENT) absent.push(c.column);
  // Items come in blocks (itemBlocks): each is all-or-nothing, at least one must be there. A drop may carry the
  // questionnaire, the SKM, or both; a block with some of its columns is missing the others.
  const blocks = itemBlocks(instrument).map((b) => ({ items: b, gone: b.filter((it) => find(it) === ABSENT) }));
  const anyWhole = blocks.some((b) => b.gone.length === 0);
  for (const b of blocks) {
    if (anyWhole && b.gone.length === b.items.length && blocks.length > 1) absent.push(...b.items);
    else missing.push(...b.gone);
  }
  for (const t of instrument.textColumns) if (find(t) === ABSENT) absent.push(t);
  // A declared weight column is required: a drop without it cannot be weighted (and must not pass as weight 1).
  if (instrument.weightColumn !== undefined && find(instrument.weightColumn) === ABSENT) missing.push(instrument.weightColumn);
  if (duplicates.length) {
    throw new DropRejectedError('DUPLICATE_COLUMNS', source, `line ${line}: more than one header column matches ${duplicates.join('; ')}`);
  }
  if (missing.length) {
    // The header is input: each column is clipped and the list capped, so that a huge header line (a file without
    // the expected delimiter) still gives a short message; the required names come first.
    const shown = columns.slice(0, MAX_HEADER_LIST).map(clipColumn).join(', ');
    const have = hideCells
      ? `${columns.length} columns, not shown here (the first line may be a participant's row; see it in the raw drop)`
      : messageText(columns.length > MAX_HEADER_LIST ? `${shown}, ... (${columns.length} columns)` : shown, HEADER_LIST_BYTES);
    throw new DropRejectedError(
      'MISSING_COLUMNS',
      source,
      `line ${line}: required column${missing.length > 1 ? 's' : ''} ${nameList(missing, MISSING_LIST_BYTES)} not found in the header ` +
        `(instrument ${messageText(instrument.id, 64)}; names match case- and space-insensitively; the header has: ${have})`,
    );
  }
  const used = new Set(Object.values(index));
  const ignored = columns.filter((_, j) => !used.has(j));
  return { columns, index, ignored, absent, line, via };
}

/** Streams a drop through the cleaning rules. Resolves with the manifest once the input is exhausted. */
export async function cleanDrop(input: DropInput, opts: CleanOptions): Promise<DropManifest> {
  const { instrument, source } = opts;
  const spec = instrument.spec;
  const known: { has(id: string): boolean; size: number } | null = opts.knownBranches ?? instrument.branches;
  // A directory passed as knownBranches (branches.json) brings its own names, aliases and time zones, on top of the
  // instrument's (which ids are known is still knownBranches' say).
  const passed = directoryOf(opts.knownBranches);
  const own = instrument.branches ? [...instrument.branches.values()] : null;
  const directory = passed || own ? [...(own ?? []), ...(passed ?? [])] : null;
  const rules: CellRules = buildCellRules(instrument, directory ? branchLookupOf(directory, source) : null);
  // Quarters are cut on the branch's calendar (directory timezone), else the instrument's.
  const zoneOf = new Map<string, string>();
  for (const b of directory ?? []) if (b.timezone) zoneOf.set(b.id, b.timezone);
  const dateZone = instrument.dateTimezone;
  // Any supported format, recognised by content (sources/index.ts); an .xlsx drop is read from the instrument's sheet.
  const sheet = (spec as { sheet?: unknown }).sheet;
  const reader = new DropReader({ ...opts.reader, source, ...(typeof sheet === 'string' && sheet !== '' ? { sheet } : {}) });
  const uploader = uploaderBranchOf(opts.uploaderBranch);
  const future = futureRule(opts.receivedAt, opts.timeZone);
  const nTexts = instrument.textColumns.length;
  const weightColumn = instrument.weightColumn;
  const weightCell = weightColumn !== undefined ? weightRule() : null;
  // Label counts for the manifest: per item with labels, clean rows per label index, and rows with a plain code.
  const labelCounts = instrument.itemScales.map((sc) => (sc.labels.length ? new Float64Array(sc.labels.length) : null));
  const plainCodes = new Float64Array(instrument.items.length);
  const rowLabels = new Int32Array(instrument.items.length);
  const hasLabels = labelCounts.some((c) => c !== null);
  const collect = opts.collectNewRespondents !== false;
  const maxShare = instrument.rules.maxMissingShare;
  const slMin = instrument.rules.straightLiningMinItems;
  const nItems = instrument.items.length;
  const nCats = instrument.categories.length;
  const constructItems = instrument.constructs.map((c) => c.items);
  const constructOf = new Int32Array(nItems).fill(-1);
  instrument.constructs.forEach((c, k) => c.items.forEach((i) => (constructOf[i] = k)));
  const missingPerConstruct = new Int32Array(instrument.constructs.length);
  // Item blocks (itemBlocks): 0 = the questionnaire, 1 = the SKM's unsur; per-row tallies of each.
  const unsurSet = new Set(instrument.spec.ikm?.unsur ?? []);
  const SKM_BLOCK = 1;
  const blockOf = Uint8Array.from(instrument.items, (it) => (unsurSet.has(it) ? SKM_BLOCK : 0));
  const nUnsur = unsurSet.size;
  const bAnswered = new Int32Array(2), bMissing = new Int32Array(2), bSame = new Uint8Array(2), bSamePos = new Uint8Array(2);
  const bFirstPos = new Float64Array(2), bFirstRaw = new Float64Array(2), bFirstItem = new Int32Array(2);
  /** The drop carries the SKM and not the questionnaire (set with the header). */
  let skmAlone = false;
  /** The last category whose column the drop has (-1: none), for the fingerprint. */
  let lastCatPresent = -1;
  const itemMin = Float64Array.from(instrument.itemScales, (sc) => sc.min);
  const itemSpan = Float64Array.from(instrument.itemScales, (sc) => sc.max - sc.min);
  const missingByItem = new Float64Array(nItems);

  let header: DropHeader | null = null;
  let headerError: unknown = null;
  let idAt = 0, branchAt = 0, periodAt = ABSENT, dateAt = ABSENT;
  let itemAt: Int32Array = new Int32Array(0);
  let catAt: Int32Array = new Int32Array(0);
  /** Per category: the .sav value labels of its column (code text -> label), when the drop has them. */
  let catLabels: (Record<string, string> | undefined)[] = [];
  let textAt: Int32Array = new Int32Array(0);
  let weightAt = ABSENT;
  /** Header columns the instrument declares (a rejected row keeps only these under RowPrivacy). */
  let declaredAt: ReadonlySet<number> = new Set();
  let headerId = '';
  let headerBranch = '';

  reader.onHeader = (fields, line) => {
    try {
      const cols = fields.map((f) => f.trim());
      // An SPSS drop's variable labels (its dictionary is read before the first record) are aliases too.
      const m = matchHeader(instrument, cols, source, line, reader.sav?.header?.labels, opts.privacy !== undefined);
      idAt = m.index[spec.idColumn]!;
      branchAt = m.index[spec.branchColumn]!;
      periodAt = spec.periodColumn ? m.index[spec.periodColumn] ?? ABSENT : ABSENT;
      dateAt = spec.dateColumn ? m.index[spec.dateColumn] ?? ABSENT : ABSENT;
      // An item of a block the drop does not carry (itemBlocks) is ABSENT: missing in every row, not hashed.
      itemAt = Int32Array.from(instrument.items, (it) => m.index[it] ?? ABSENT);
      skmAlone = nUnsur > 0 && instrument.items.every((it, i) => unsurSet.has(it) ? itemAt[i] !== ABSENT : itemAt[i] === ABSENT);
      catAt = Int32Array.from(instrument.categories, (c) => m.index[c.column] ?? ABSENT);
      lastCatPresent = catAt.findLastIndex((j) => j !== ABSENT);
      const savLabels = reader.sav?.header?.valueLabels;
      catLabels = Array.from(catAt, (j) => (j !== ABSENT && savLabels ? savLabels[cols[j]!] : undefined));
      textAt = Int32Array.from(instrument.textColumns, (t) => m.index[t] ?? ABSENT);
      weightAt = weightColumn !== undefined ? m.index[weightColumn] ?? ABSENT : ABSENT;
      declaredAt = new Set(Object.values(m.index));
      // Free text may hold line breaks; every other declared column is one line.
      reader.singleLineColumns = Object.entries(m.index).filter(([k]) => !instrument.textColumns.includes(k)).map(([, j]) => j);
      headerId = fields[idAt]!;
      headerBranch = fields[branchAt]!;
      header = { ...m, format: reader.format() };
    } catch (e) {
      headerError = e;
    }
  };

  const groups = new Map<string, Group>();
  const reasonCounts = Object.fromEntries(REASON_CODES.map((c) => [c, 0])) as Record<ReasonCode, number>;
  let inputRows = 0, cleanRows = 0, rejectedRows = 0, ungroupedRejected = 0, missingCells = 0;
  const answerHasher = new Hash64(0);
  const keyHasher = new Hash64(0x9e3779b9);
  const digest = new Uint32Array(2);
  const minCode = instrument.scale.min;

  let lastGroup: Group | null = null; // rows of one group usually come together
  const getGroup = async (branch: string, period: string): Promise<Group> => {
    const key = `${branch}\u0000${period}`;
    let g = groups.get(key);
    if (g) return g;
    const seenMap = opts.seen ? await opts.seen(branch, period) : null;
    g = {
      branch, period, table: new IdTable(), seen: seenMap && seenMap.size ? seenMap : null, clean: 0, rejected: 0,
      newIds: collect ? [] : null, newHashes: collect ? [] : null,
    };
    groups.set(key, g);
    return g;
  };

  // Under RowPrivacy: what a rejected row may keep (see RowPrivacy). `aligned`: the fields are the header's columns.
  const privacy = opts.privacy ?? null;
  const pseudonymOf = (raw: string): string => (privacy && raw !== '' ? privacy.pseudonym(raw) : raw);
  const keptFields = (fields: string[], aligned: boolean, id: string): string[] => {
    if (!privacy || !aligned) return privacy ? [] : fields;
    return fields.map((v, j) => (j === idAt ? id : !declaredAt.has(j) ? (v.trim() === '' ? '' : HIDDEN_FIELD) : privacy.maskText(v)));
  };
  // Erased participants: the last quarter erased, under the current or an earlier key's pseudonym of the id.
  const erasedList = privacy && opts.erased && opts.erased.size ? opts.erased : null;
  if (erasedList) {
    const kids = new Set(privacy!.keyIds);
    for (const p of erasedList.keys()) {
      const kid = p.slice(0, p.indexOf('.'));
      if (!kids.has(kid)) {
        throw new Error(`the erasure list holds participants under key "${kid}", which the pseudonym keyring no longer has: their rows could not be recognised; put the key back (keep every key as long as the raw drops: README "Personal data")`);
      }
    }
  }
  const erasedFor = (rawId: string, pseudonym: string, period: string | null): boolean => {
    if (erasedList === null || rawId === '') return false;
    let through = erasedList.get(pseudonym);
    if (through === undefined) for (const alias of privacy!.earlier(rawId)) if ((through = erasedList.get(alias)) !== undefined) break;
    return through !== undefined && (period === null || comparePeriods(period, through) <= 0);
  };
  /** A row of an erased participant: only its line and the reason are kept. */
  const rejectErased = (rec: RawRecord, group: Group | null) =>
    reject(rec, '', ['ERASED'], ['ERASED the participant was erased on request; nothing of the row is kept'], group);
  const reject = async (
    rec: RawRecord, respondentId: string, reasons: ReasonCode[], details: string[], group: Group | null,
    fields: string[] = rec.fields ?? [], aligned = false,
  ): Promise<void> => {
    rejectedRows++;
    for (const r of reasons) reasonCounts[r]++;
    if (group) group.rejected++;
    else ungroupedRejected++;
    const erased = reasons[0] === 'ERASED';
    const p = opts.onReject({
      line: rec.line, lines: rec.lines, respondentId: erased ? '' : respondentId, branch: group?.branch ?? null, period: group?.period ?? null,
      reasons, details: privacy ? details.map((d) => privacy.maskText(d)) : details,
      fields: erased ? [] : keptFields(fields, aligned, respondentId), text: privacy || erased ? '' : rec.text,
    });
    if (p !== undefined) await p;
  };

  // Findings of the row being judged (reused; copied when the row is rejected).
  const reasons: ReasonCode[] = [];
  const details: string[] = [];
  const add = (code: ReasonCode, detail: string): void => {
    if (reasons[reasons.length - 1] !== code) reasons.push(code);
    details.push(`${code} ${detail}`);
  };

  let first = true;
  let extraHeaderRows = instrument.headerRows - 1;
  let extraRows = 0;
  for await (const batch of reader.batches(input)) {
    for (const rec of batch) {
      // Header lines after the first (Qualtrics: question texts, ImportIds) are not data: skipped and counted.
      if (!first && extraHeaderRows > 0) {
        extraHeaderRows--;
        extraRows++;
        continue;
      }
      if (first) {
        first = false;
        if (rec.issue?.code === 'LINE_TOO_LONG') {
          throw new DropRejectedError('HEADER_TOO_LONG', source, `line ${rec.line}: the header line is too long: ${rec.issue.detail}`);
        }
        if (rec.fields === null) {
          throw new DropRejectedError('UNREADABLE_HEADER', source, `line ${rec.line}: the header line has broken quoting${opts.privacy ? '' : `: ${showCell(rec.text)}`}`);
        }
        if (headerError) throw headerError;
        const h = header as DropHeader | null;
        if (!h) throw new Error('internal error: header not matched');
        h.format = reader.format();
        if (opts.onHeader) await opts.onHeader(h);
        continue;
      }
      inputRows++;
      const f = rec.fields;
      // Records whose fields cannot be aligned with the header get their one structural reason.
      if (rec.issue) {
        // LINE_TOO_LONG (fields: the kept start, or the fields cut), BAD_ENCODING (bad bytes read as U+FFFD).
        const cells = f ?? [];
        const raw = cells.length > idAt ? cells[idAt]!.trim() : '';
        const rid = pseudonymOf(raw);
        if (erasedFor(raw, rid, null)) { await rejectErased(rec, null); continue; }
        await reject(rec, rid, [rec.issue.code], [`${rec.issue.code} ${rec.issue.detail}`], null);
        continue;
      }
      if (f === null) {
        const literal = splitLiteral(rec.text, reader.info.delimiter);
        const raw = literal.length > idAt ? literal[idAt]!.trim() : '';
        const rid = pseudonymOf(raw);
        if (erasedFor(raw, rid, null)) { await rejectErased(rec, null); continue; }
        await reject(rec, rid, ['BAD_QUOTING'], ['BAD_QUOTING a quote opened on this line is not closed on it (or closes in a way that breaks the row)'], null, literal);
        continue;
      }
      const nCols = header!.columns.length;
      if (f.length !== nCols) {
        const raw = f.length > idAt ? f[idAt]!.trim() : '';
        const rid = pseudonymOf(raw);
        if (erasedFor(raw, rid, null)) { await rejectErased(rec, null); continue; }
        await reject(rec, rid, ['BAD_FIELD_COUNT'], [`BAD_FIELD_COUNT ${f.length} fields, the header has ${nCols}`], null);
        continue;
      }
      let empty = true;
      for (let j = 0; j < f.length; j++) if (f[j]!.trim() !== '') { empty = false; break; }
      if (empty) {
        await reject(rec, '', ['EMPTY_ROW'], ['EMPTY_ROW every field is empty'], null);
        continue;
      }
      // Concatenated exports repeat their header verbatim.
      if (f[idAt] === headerId && f[branchAt] === headerBranch) {
        await reject(rec, '', ['REPEATED_HEADER'], ['REPEATED_HEADER the row repeats the header'], null);
        continue;
      }

      reasons.length = 0;
      details.length = 0;

      // Identity: respondent, branch, period.
      const rawId = f[idAt]!;
      const idv = rules.id.read(rawId); // not memoised: ids are all distinct
      let id = '';
      let readId = '';
      if (idv === MISSING) add('MISSING_ID', `${spec.idColumn}=${privacy ? HIDDEN_ID : showCell(rawId)}`);
      else if (idv instanceof Invalid) add('BAD_ID', `${spec.idColumn}=${privacy ? HIDDEN_ID : showCell(rawId)}: ${idv.message}`);
      else id = pseudonymOf((readId = idv));
      const rawBranch = f[branchAt]!;
      const bv = rules.branch.read(rawBranch);
      let branch: string | null = null;
      if (bv === MISSING) add('MISSING_BRANCH', `${spec.branchColumn}=${showCell(rawBranch)}`);
      else if (bv instanceof UnknownBranchName) add('UNKNOWN_BRANCH', `${spec.branchColumn}=${showCell(rawBranch)}: ${bv.message}`);
      else if (bv instanceof Invalid) add('BAD_BRANCH', `${spec.branchColumn}=${showCell(rawBranch)}: ${bv.message}`);
      else {
        branch = bv;
        if (known && !known.has(bv)) {
          add('UNKNOWN_BRANCH', `${spec.branchColumn}=${showCell(rawBranch)}: not among the ${known.size} known branches`);
          branch = null;
        }
        // Not grouped: a row for another branch must not reach that branch's stored respondents (seen).
        if (uploader !== null && bv !== uploader) {
          add('WRONG_BRANCH', `${spec.branchColumn}=${showCell(rawBranch)}: the row is for ${bv}, the file was uploaded to the folder of ${uploader}`);
          branch = null;
        }
      }
      let period: string | null = null;
      let periodBad = false;
      let columnPeriod: string | null = null;
      if (periodAt !== ABSENT) {
        const pv = rules.period.read(f[periodAt]!);
        if (pv instanceof Invalid) {
          add('BAD_PERIOD', `${spec.periodColumn}=${showCell(f[periodAt]!)}: ${pv.message}`);
          periodBad = true;
        } else if (pv !== MISSING) period = columnPeriod = pv;
      }
      let date: string | null = null;
      let dateQuarter: string | null = null;
      // The calendar of this row: its branch's zone (directory), else the instrument's.
      const zone = (bv !== MISSING && !(bv instanceof Invalid) ? zoneOf.get(bv) : undefined) ?? instrument.timezone;
      if (dateAt !== ABSENT) {
        const dv = rules.date.read(f[dateAt]!);
        if (dv instanceof Invalid) {
          add('BAD_DATE', `${spec.dateColumn}=${showCell(f[dateAt]!)}: ${dv.message}`);
          periodBad = true;
        } else if (dv !== MISSING) {
          const local = placeStamp(dv.stamp, dateZone, zone) ?? dv; // a bare date as written
          date = local.iso;
          dateQuarter = local.period;
          // The period column wins; the date only fills a blank one (answers may arrive after their wave's quarter).
          if (period === null && !periodBad) period = local.period;
        }
      }
      if (period === null && !periodBad) {
        const cols = [periodAt !== ABSENT ? spec.periodColumn : null, dateAt !== ABSENT ? spec.dateColumn : null].filter(Boolean);
        add('MISSING_PERIOD', `${cols.join(' and ')} empty`);
      }
      // A period or date after the quarter following the upload's is a typo (2099-Q1), not an answer; one rule for
      // both: the quarter of the period or date against the upload's quarter + 1. Such rows are not grouped.
      if (future !== null) {
        if (columnPeriod !== null && future.after(columnPeriod, zone)) {
          add('FUTURE_PERIOD', `${spec.periodColumn}=${showCell(f[periodAt]!)}: ${future.why(zone)}`);
          periodBad = true;
        }
        if (dateQuarter !== null && future.after(dateQuarter, zone)) {
          add('FUTURE_PERIOD', `${spec.dateColumn}=${showCell(f[dateAt]!)}: in ${dateQuarter}, ${future.why(zone)}`);
          periodBad = true;
        }
      }
      if (periodBad) period = null;

      // The survey weight (weight.ts): required when declared, not an answer (not fingerprinted below).
      let weight = NaN;
      if (weightAt !== ABSENT) {
        const raw = f[weightAt]!;
        const wv = weightCell!.read(raw);
        if (wv === MISSING) add('MISSING_WEIGHT', `${weightColumn}=${showCell(raw)}`);
        else if (wv instanceof Invalid) add('BAD_WEIGHT', `${weightColumn}=${showCell(raw)}: ${wv.message}`);
        else weight = wv;
      }

      // Categorical answers.
      const cats: (string | null)[] = new Array(nCats);
      for (let k = 0; k < nCats; k++) {
        const j = catAt[k]!;
        if (j === ABSENT) { cats[k] = null; continue; }
        let cv = rules.categories[k]!.read(f[j]!);
        // An SPSS file stores a category as a numeric code with a value label ("1" = "Laki-laki"): when the code
        // is not one of the instrument's, its label is read instead.
        if (cv instanceof Invalid && catLabels[k]) {
          const label = catLabels[k]![f[j]!.trim()];
          if (label !== undefined) {
            const lv = rules.categories[k]!.read(label);
            if (!(lv instanceof Invalid)) cv = lv;
          }
        }
        if (cv === MISSING) cats[k] = null;
        else if (cv instanceof Invalid) {
          cats[k] = null;
          add('BAD_CATEGORY', `${instrument.categories[k]!.column}=${showCell(f[j]!)}: ${cv.message}`);
        } else cats[k] = cv;
      }

      // Likert items, fingerprinted as they are read (then the categorical codes).
      const items: number[] = new Array(nItems);
      missingPerConstruct.fill(0);
      answerHasher.reset();
      let nMissing = 0;
      // Straight-lining is judged per block (the questionnaire, the SKM): the same code everywhere in it (the same
      // column of every grid), or the same point of every item's own scale ("the top answer" is 5 of 5 and 4 of 4).
      bAnswered.fill(0); bMissing.fill(0); bSame.fill(1); bSamePos.fill(1);
      for (let i = 0; i < nItems; i++) {
        const at = itemAt[i]!;
        if (at === ABSENT) {
          // not in this drop (a block it does not carry): no answer, and the fingerprint is the one the drop had
          // before the block existed
          items[i] = NaN;
          if (hasLabels) rowLabels[i] = -1;
          continue;
        }
        const raw = f[at]!;
        const v = rules.items[i]!.read(raw);
        const b = blockOf[i]!;
        if (typeof v === 'number') {
          items[i] = v;
          if (hasLabels) {
            const lr = rules.itemLabels[i];
            rowLabels[i] = lr ? (lr.read(raw) as number) : -1;
          }
          answerHasher.int((v - minCode) & 0xffff);
          const pos = (v - itemMin[i]!) / itemSpan[i]!;
          if (bAnswered[b] === 0) { bFirstPos[b] = pos; bFirstRaw[b] = v; bFirstItem[b] = i; }
          else {
            if (v !== bFirstRaw[b]) bSame[b] = 0;
            if (pos !== bFirstPos[b]) bSamePos[b] = 0;
          }
          bAnswered[b]!++;
        } else if (v === MISSING) {
          items[i] = NaN;
          answerHasher.int(0x1ffff);
          nMissing++;
          bMissing[b]!++;
          const k = constructOf[i]!;
          if (k >= 0) missingPerConstruct[k]!++;
        } else {
          items[i] = NaN;
          answerHasher.int(0x1ffff);
          add('OUT_OF_RANGE', `${instrument.items[i]}=${showCell(raw)}: ${v.message}`);
        }
      }
      if (nMissing > 0) {
        for (let k = 0; k < constructItems.length; k++) {
          const m = missingPerConstruct[k]!;
          const size = constructItems[k]!.length;
          if (m > 0 && m / size > maxShare) {
            add('TOO_MANY_MISSING', `${instrument.constructs[k]!.name}: ${m} of ${size} items missing (more than ${Math.round(maxShare * 100)}%)`);
          }
        }
        // A row whose only answers are the SKM's (an SKM-only survey, or a drop carrying only the SKM) is judged on
        // its unsur as a construct would be; beside the questionnaire an unsur left blank is only a missing answer.
        const m = bMissing[SKM_BLOCK]!;
        if (skmAlone && m / nUnsur > maxShare) {
          add('TOO_MANY_MISSING', `SKM: ${m} of ${nUnsur} unsur missing (more than ${Math.round(maxShare * 100)}%)`);
        }
      }
      if (slMin !== null) {
        for (let b = 0; b < 2; b++) {
          if (bAnswered[b]! < slMin || !(bSame[b] || bSamePos[b])) continue;
          const pos = bFirstPos[b]!, n = bAnswered[b]!;
          add('STRAIGHT_LINING', bSame[b] ? `all ${n} answered items${b === SKM_BLOCK && nUnsur < nItems ? ' of the SKM' : ''} are ${bFirstRaw[b]}`
            : `all ${n} answered items are at the same point of their scales (${pos === 1 ? 'the top' : pos === 0 ? 'the bottom' : `${bFirstRaw[b]} on ${instrument.items[bFirstItem[b]!]}`})`);
          break;
        }
      }

      // Categories up to the last one the drop carries (an absent one before it as a blank answer, as always): the
      // categories an instrument gains go at the end, so a drop from before them keeps its fingerprint.
      for (let k = 0; k <= lastCatPresent; k++) answerHasher.str(cats[k] ?? '\u0000');
      answerHasher.digest(digest);
      const answer32 = digest[0]!;
      const answerHash = hex8(digest[0]!) + hex8(digest[1]!);

      // Duplicates need a valid identity.
      let group: Group | null = null;
      let ka = 0, kb = 0;
      if (branch !== null && period !== null) {
        group = lastGroup !== null && lastGroup.branch === branch && lastGroup.period === period
          ? lastGroup
          : (groups.get(`${branch}\u0000${period}`) ?? (await getGroup(branch, period)));
        lastGroup = group;
        if (id !== '') {
          keyHasher.reset().str(id).digest(digest);
          ka = digest[0]!;
          kb = digest[1]!;
          const prev = group.table.get(ka, kb);
          if (prev) {
            if (prev.answer32 === answer32) add('DUPLICATE_EXACT', `same id and answers as line ${prev.line}`);
            else add('DUPLICATE_CONFLICT', `same id as line ${prev.line}, different answers (kept line ${prev.line})`);
          } else if (group.seen) {
            let h = group.seen.get(id);
            // Stored before a key rotation: under an earlier key's pseudonym.
            if (h === undefined && privacy) for (const alias of privacy.earlier(readId)) if ((h = group.seen.get(alias)) !== undefined) break;
            if (h !== undefined) {
              // (Under RowPrivacy the row's respondent_id says who; a pseudonym in a detail would only be masked apart.)
              const who = privacy ? 'respondent' : `respondent ${showCell(id)}`;
              if (h === answerHash) add('DUPLICATE_PRIOR_EXACT', `${who} already stored for ${branch} ${period}, same answers`);
              else add('DUPLICATE_PRIOR_CONFLICT', `${who} already stored for ${branch} ${period}, different answers (kept the stored one)`);
            }
          }
        }
      }

      const rawTrim = readId || rawId.trim();
      const stored = id || pseudonymOf(rawTrim);
      if (erasedFor(rawTrim, stored, period)) {
        await rejectErased(rec, group);
        continue;
      }
      if (reasons.length > 0) {
        await reject(rec, stored, [...reasons], [...details], group, f, true);
        continue;
      }
      const g = group!;
      g.table.add(ka, kb, answer32, rec.line);
      g.clean++;
      if (g.newIds) {
        g.newIds.push(id);
        g.newHashes!.push(answerHash);
      }
      cleanRows++;
      if (hasLabels) {
        for (let i = 0; i < nItems; i++) {
          const c = labelCounts[i];
          if (c === null || items[i] !== items[i]) continue;
          const k = rowLabels[i]!;
          if (k >= 0) c[k]!++;
          else plainCodes[i]!++;
        }
      }
      let texts: string[] | undefined;
      if (nTexts > 0) {
        texts = new Array<string>(nTexts);
        // Masked before the cut, so a cut cannot leave the start of an e-mail address or number behind.
        for (let k = 0; k < nTexts; k++) texts[k] = textAt[k] === ABSENT ? '' : capText(privacy ? privacy.maskText(f[textAt[k]!]!) : f[textAt[k]!]!);
      }
      if (nMissing > 0) {
        missingCells += nMissing;
        for (let i = 0; i < nItems; i++) if (items[i] !== items[i]) missingByItem[i]!++;
      }
      const row: CleanRow = { line: rec.line, lines: rec.lines, respondentId: id, branch: branch!, period: period!, date, categories: cats, items, answerHash };
      if (texts) row.texts = texts;
      if (weightAt !== ABSENT) row.weight = weight;
      const p = opts.onClean(row);
      if (p !== undefined) await p;
    }
  }

  if (first) {
    throw new DropRejectedError('EMPTY_DROP', source, 'the drop is empty (no header line)');
  }
  const h = header as DropHeader | null;
  if (!h) throw new Error('internal error: header not matched');
  if (inputRows !== cleanRows + rejectedRows) {
    throw new Error(`internal error: ${inputRows} rows read but ${cleanRows} clean + ${rejectedRows} rejected`);
  }
  const info = reader.info;
  const groupList = [...groups.values()]
    .sort((a, b) => comparePeriods(a.period, b.period) || (a.branch < b.branch ? -1 : a.branch > b.branch ? 1 : 0))
    .map((g): GroupManifest => {
      const out: GroupManifest = { branch: g.branch, period: g.period, clean: g.clean, rejected: g.rejected };
      if (g.newIds) {
        const rec: Record<string, string> = {};
        g.newIds.forEach((id, i) => (rec[id] = g.newHashes![i]!));
        out.newRespondents = rec;
      }
      return out;
    });
  const byItem: Record<string, number> = {};
  instrument.items.forEach((it, i) => (byItem[it] = missingByItem[i]!));
  return {
    kind: 'satmon.drop-manifest',
    formatVersion: 1,
    source,
    sha256: info.sha256,
    bytes: info.bytes,
    instrument: { id: instrument.id, version: instrument.version, source: instrument.source },
    format: h.format,
    header: {
      line: h.line,
      columns: h.columns,
      matched: Object.fromEntries(Object.entries(h.index).map(([k, j]) => [k, h.columns[j]!])),
      ignored: h.ignored,
      absent: h.absent,
      extraRows,
    },
    mapping: {
      columns: Object.fromEntries(Object.entries(h.index).map(([k, j]) => [k, { header: h.columns[j]!, column: j + 1, via: h.via?.[k] ?? 'name' }])),
      labels: Object.fromEntries(instrument.items.flatMap((it, i) => {
        const c = labelCounts[i];
        if (!c) return [];
        const labels = Object.fromEntries(instrument.itemScales[i]!.labels.map((l, k) => [l.text, { code: l.code, count: c[k]! }]));
        return [[it, { labels, codes: plainCodes[i]! }]];
      })),
    },
    lines: info.lines,
    blankLines: info.blankLines,
    inputRows,
    cleanRows,
    rejectedRows,
    reasons: reasonCounts,
    groups: groupList,
    ungroupedRejected,
    missing: { cells: missingCells, share: cleanRows ? missingCells / (cleanRows * nItems) : 0, byItem },
    rules: {
      maxMissingShare: maxShare,
      straightLiningMinItems: slMin,
      knownBranches: known ? known.size : null,
    },
  };
}

/** CleanOptions.uploaderBranch in canonical form (null = no check); a malformed value is a caller's bug. */
function uploaderBranchOf(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const r = branchIdSchema.safeParse(raw.trim());
  if (!r.success) throw new RangeError(`uploaderBranch ${showCell(raw)} is not a well-formed branch id`);
  return r.data;
}

/**
 * The FUTURE_PERIOD rule for a drop received at `receivedAt`: a quarter is too late when it comes after the quarter
 * following the upload's quarter (on the calendar of `timeZone`). Null when there is no receivedAt, or when that
 * limit is past the last supported quarter (then no quarter can be later).
 */
function futureRule(
  receivedAt: Date | undefined, fixedZone: string | undefined,
): { after(quarter: string, zone: string): boolean; why(zone: string): string } | null {
  if (receivedAt === undefined) return null;
  // The upload's quarter on the row's calendar (fixedZone when the caller set one); a handful of zones per drop.
  const limits = new Map<string, { uploaded: string; limit: string | null; index: number }>();
  const limitIn = (rowZone: string) => {
    const zone = fixedZone ?? rowZone;
    let l = limits.get(zone);
    if (!l) {
      const uploaded = quarterOf(receivedAt, zone); // RangeError for an invalid Date or time zone
      let limit: string | null = null;
      try {
        limit = addQuarters(uploaded, 1);
      } catch {
        // past the last supported quarter: no quarter can be later
      }
      l = { uploaded, limit, index: limit === null ? Infinity : periodIndex(limit) };
      limits.set(zone, l);
    }
    return { zone, ...l };
  };
  // A bad receivedAt or timeZone is the caller's bug: a RangeError before any row, not on the first row with a date.
  if (fixedZone !== undefined) limitIn(fixedZone);
  else quarterOf(receivedAt, DEFAULT_UPLOAD_TIME_ZONE);
  const memo = new Map<string, boolean>(); // a drop holds a handful of distinct quarters and zones
  return {
    after(quarter, rowZone) {
      const key = `${quarter}|${fixedZone ?? rowZone}`;
      let v = memo.get(key);
      if (v === undefined) memo.set(key, (v = periodIndex(quarter) > limitIn(rowZone).index));
      return v;
    },
    why(rowZone) {
      const l = limitIn(rowZone);
      return `later than ${l.limit}, the quarter after the upload's (received ${receivedAt.toISOString()}, ${l.uploaded} in ${l.zone})`;
    },
  };
}

/** The branch directory carried by CleanOptions.knownBranches when it is a Map of BranchInfo (branches.json). */
function directoryOf(known: CleanOptions['knownBranches']): BranchInfo[] | null {
  if (!known || !(known instanceof Map)) return null;
  const out: BranchInfo[] = [];
  for (const [id, v] of known) {
    const info = typeof v === 'object' && v !== null ? (v as Partial<BranchInfo>) : {};
    out.push({
      id,
      name: typeof info.name === 'string' ? info.name : undefined,
      aliases: Array.isArray(info.aliases) ? info.aliases.filter((a): a is string => typeof a === 'string') : undefined,
      timezone: typeof info.timezone === 'string' ? info.timezone : undefined,
    });
  }
  return out;
}

/** A free-text cell as kept: trimmed, at most TEXT_MAX_CHARS characters (a surrogate pair is not split). */
function capText(raw: string): string {
  const t = raw.trim();
  if (t.length <= TEXT_MAX_CHARS) return t;
  const end = (t.charCodeAt(TEXT_MAX_CHARS - 1) & 0xfc00) === 0xd800 ? TEXT_MAX_CHARS - 1 : TEXT_MAX_CHARS;
  return t.slice(0, end);
}

/** A broken line's cells for the rejects file: csv-parse with quoting off, so quotes stay literal text. */
function splitLiteral(text: string, delimiter: string): string[] {
  try {
    const rows = parse(text, { delimiter, quote: false, relax_column_count: true, record_delimiter: ['\r\n', '\n', '\r'] });
    return rows.length === 1 ? rows[0]! : [];
  } catch {
    return [];
  }
}
