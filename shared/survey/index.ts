// shared/survey: the survey instrument as data, the cleaning of raw drops (nothing lost), and the simulator.
// Pure TypeScript (Node built-ins, csv-parse, zod); no AWS.
//
// ── Instrument ───────────────────────────────────────────────────────────────────────────────────────────────
//   loadInstrument(json, source): Instrument       validates (zod) and compiles; format in instrument.ts
//   defaultInstrument                               instruments/default.json (seed-000 + seed-003 items, SAT_PROG)
//   parseBranchDirectory(json, source)              simulator's branches.json or a list of ids -> Map<id, info>
//
// ── Cleaning ─────────────────────────────────────────────────────────────────────────────────────────────────
//   cleanDrop(input, opts): Promise<DropManifest>
//     input   AsyncIterable<Buffer | string> | NodeJS.ReadableStream | string | Buffer (e.g. an S3 Body stream)
//     opts    { instrument, source,
//               seen?(branch, period) => Map<respondentId, answerHash> | Promise<...>   (called once per group met)
//               knownBranches?: Set<string> | Map<string, unknown>                     (else instrument.branches)
//               onClean(row: CleanRow), onReject(rej: RejectedRow)                     (awaited when they return a promise)
//               onHeader?(header: DropHeader)                                          (once, before any row)
//               collectNewRespondents? = true, reader?: { delimiter?, maxRecordLines?, maxLineBytes?, maxFieldBytes? },
//               uploaderBranch?: string     the folder's branch: rows of other branches -> WRONG_BRANCH (unset: no check)
//               receivedAt?: Date, timeZone? (default: the row's calendar: branch zone, else instrument.timezone)
//                                           rows whose period or date's quarter is after the quarter following
//                                           receivedAt's -> FUTURE_PERIOD (unset: no check) }
//   Real exports: answer labels (scale.labels, itemScales), office names/aliases -> directory ids, date-times cut
//   into quarters on the branch's zone, group-path headers, headerRows, free-text columns (CleanRow.texts); the
//   manifest's `mapping` says which header became which column and which label which code, how often.
//   Streaming: rows are decided and handed to the callbacks one by one, so memory does not grow with the drop
//   (apart from 16 bytes per accepted respondent for duplicate detection and, unless collectNewRespondents is
//   false, the new-respondent lists in the manifest). Every data row goes to exactly one callback; the
//   manifest has inputRows = cleanRows + rejectedRows, the sha256 of the input bytes, counts per reason and per
//   (branch, period), and for each group the newly accepted respondent ids with their answer hashes (the same
//   hash is on each CleanRow) for the caller to store and pass back through `seen` for the next drop.
//   A drop whose header lacks a required column (id, branch, period or date, every Likert item), has two
//   columns matching one declared column, or is empty, is refused as a whole: DropRejectedError (code,
//   message naming file, line and columns); no callback has been called then. Input text in messages (row
//   details, DropRejectedError) is escaped and capped: showCell, messageText; a DropRejectedError message is at
//   most DROP_ERROR_MAX_BYTES (1 KB).
//   Reason codes and their meaning: REASONS in reasons.ts.
//
// ── Reading a drop of any format ─────────────────────────────────────────────────────────────────────────────
//   new DropReader({ source, sheet?, ...ReaderOptions }): what cleanDrop reads with; the format is recognised by
//     content (first bytes), not by the file name: CSV (UTF-8 with or without BOM, UTF-16 LE/BE with or without
//     BOM, Windows-1252), .xlsx (the instrument's `sheet`, else the first), SPSS .sav (uncompressed, bytecode or
//     ZSAV). reader.batches(input) yields RawRecord batches like RecordReader; onHeader(fields, line) once;
//     reader.format(): DropFormat, what the manifest records { format: 'csv'|'xlsx'|'sav', encoding, bom,
//     delimiter (null for a workbook or .sav), lineBreak, sheet? }; reader.sav.header: the .sav dictionary
//     (variable names and labels, value labels, user-missing values). A .sav's variable labels are aliases:
//     matchHeader tries them for a declared column no name, alias or group path matches (mapping via 'label').
//
// ── Writing the files the CLI writes ─────────────────────────────────────────────────────────────────────────
//   CLEAN_COLUMNS(instrument), formatCleanHeader/formatCleanRow, rejectColumns(header), formatRejectHeader/
//   formatRejectRow, and DropCsvWriter (onHeader/onClean/onReject for cleanDrop over two TextSinks). Layout in
//   csv-out.ts; cells by the product's one CSV writer, ../csv-write.ts (formula-protected text cells: readers of
//   these files apply unprotectCell to text columns).
//
// ── Simulator ────────────────────────────────────────────────────────────────────────────────────────────────
//   simulateDrops(options), simulateRows(options), simulateCsv(options, onTruth?), simulateDropFiles(options),
//   parseSimulateOptions, parseDrift('BR07:TRUST:-0.4:2025-Q3'), branchDirectory(n). See simulate/index.ts.
//   simulateExport(options, format) (async): the same respondents as a real tool's export (EXPORT_FORMATS:
//   google-forms, kobo, qualtrics, windows-1252, kobo-xlsx, sav) with the instrument that reads it (simulate/exports.ts).
export {
  loadInstrument, parseBranchDirectory, normalizeHeader, normalizeLabel, branchKey, DEFAULT_PROGRAMME_CODES, DEFAULT_SEGMENT_CODES, DEFAULT_TIME_ZONE,
} from './instrument';
export type { Instrument, InstrumentSpec, InstrumentInput, CategoryVar, ConstructDef, BranchInfo, ItemScale } from './instrument';
export { defaultInstrument, DEFAULT_INSTRUMENT_PATH } from './default-instrument';
export { DropReader, type DropFormat } from './sources/index';
export { cleanDrop, matchHeader, DropRejectedError, DROP_ERROR_MAX_BYTES, DEFAULT_UPLOAD_TIME_ZONE, TEXT_MAX_CHARS, HIDDEN_FIELD, HIDDEN_ID } from './clean';
export { showCell, messageText, BRANCH_ID_PATTERN } from './fields';
export type { CleanRow, RejectedRow, DropManifest, GroupManifest, DropHeader, CleanOptions, DropErrorCode, ItemLabelMapping, HeaderVia, RowPrivacy } from './clean';
export { REASONS, REASON_CODES, STRUCTURAL_REASONS, type ReasonCode } from './reasons';
export {
  CLEAN_COLUMNS, cleanRowFields, formatCleanHeader, formatCleanRow, rejectColumns, rejectRowFields, formatRejectHeader,
  formatRejectRow, csvField, csvLine, DropCsvWriter, CleanRowEncoder, REJECT_LEAD_COLUMNS, REJECT_TAIL_COLUMNS, type TextSink,
} from './csv-out';
export { unprotectCell } from '../csv-write';
export {
  RecordReader, sniffDelimiter, DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_FIELD_BYTES,
  type RawRecord, type RecordIssue, type ReaderOptions, type ReaderInfo, type DropInput,
} from './csv-records';
export { normalizeQuarter, periodRange, parsePeriodList, periodIndex, comparePeriods, quarterOfMonth } from '../period';
export { parseCalendarDate, parseStamp, stampInstant, localDate, type Stamp } from './period';
export { hashString } from './hash';
export * from './simulate/index';
