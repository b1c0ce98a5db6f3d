// The clean and rejects CSV files, written the same way by the CLI and the ingest Lambda.
//
// clean.csv   : respondent_id, branch_id, period, [date], [programme, segment, demographics...], items...,
//               [weight], [text columns...], answer_hash, line
//               (comma-separated, LF, UTF-8 without BOM; a missing answer is an empty cell; `weight` only when the
//               instrument has a weightColumn: a number > 0 as JavaScript writes it (shortest round-trip form, `1.25`,
//               `1e-7`), never a trigger character; the instrument's free-text columns, under their declared names,
//               at most TEXT_MAX_CHARS characters each, formula-protected)
// rejects.csv : line, respondent_id, reasons (`;`-separated codes), the drop's own header columns with the row's
//               original fields (short rows padded with empty cells, extra fields only in raw_text), then
//               detail (the findings, ` | `-separated) and raw_text (the row's original text).
// Both are the MACHINE_CSV dialect of the product's one CSV writer (../csv-write.ts): every text cell is
// formula-neutralized (`'` in front of = + - @ TAB CR and ') and RFC 4180-quoted; item codes and line numbers are
// numbers. Code reading these files back applies unprotectCell to text cells (respondent id, categories, the
// rejects' original fields and raw_text) to get the exact original text. A property test round-trips these
// lines through csv-parse and unprotectCell.
import { csvCell, csvRow, MACHINE_CSV, writePlainCell, type Cell } from '../csv-write';
import type { CleanRow, DropHeader, RejectedRow } from './clean';
import { CLEAN_WEIGHT_COLUMN, type Instrument } from './instrument';

/** One text cell of clean.csv / rejects.csv (protected and quoted): csvCell of ../csv-write.ts. */
export function csvField(v: string): string {
  return csvCell(v);
}

/** One CSV line of the machine dialect, with its LF. */
export function csvLine(fields: readonly Cell[]): string {
  return csvRow(fields, MACHINE_CSV);
}

/** Columns of clean.csv for an instrument. */
export function CLEAN_COLUMNS(instrument: Instrument): string[] {
  return [
    'respondent_id',
    'branch_id',
    'period',
    ...(instrument.spec.dateColumn ? ['date'] : []),
    ...instrument.categories.map((c) => c.name),
    ...instrument.items,
    ...(instrument.weightColumn !== undefined ? [CLEAN_WEIGHT_COLUMN] : []),
    ...instrument.textColumns,
    'answer_hash',
    'line',
  ];
}

/** The cells of a clean row: text cells as strings, item codes and the line number as numbers (NaN = missing). */
export function cleanRowFields(instrument: Instrument, row: CleanRow): Cell[] {
  const out: Cell[] = [row.respondentId, row.branch, row.period];
  if (instrument.spec.dateColumn) out.push(row.date ?? '');
  for (const c of row.categories) out.push(c ?? '');
  for (const v of row.items) out.push(v);
  if (instrument.weightColumn !== undefined) out.push(row.weight ?? NaN);
  for (let k = 0; k < instrument.textColumns.length; k++) out.push(row.texts?.[k] ?? '');
  out.push(row.answerHash, row.line);
  return out;
}

export function formatCleanHeader(instrument: Instrument): string {
  return csvLine(CLEAN_COLUMNS(instrument));
}

const SMALL_INTS = Array.from({ length: 201 }, (_, i) => String(i - 100));

/** Same text as csvLine(cleanRowFields(...)), built directly: it runs once per clean row. */
export function formatCleanRow(instrument: Instrument, row: CleanRow): string {
  // Every text cell goes through csvField. Branch (`[A-Z0-9]...`), period and date (`YYYY...`) and the hex hash can
  // never start with a trigger or need quotes, but the respondent id and the categories (instrument codes) can.
  let s = csvField(row.respondentId) + ',' + csvField(row.branch) + ',' + csvField(row.period);
  if (instrument.spec.dateColumn) s += ',' + (row.date === null ? '' : csvField(row.date));
  const cats = row.categories;
  for (let k = 0; k < cats.length; k++) {
    const c = cats[k];
    s += c === null || c === undefined ? ',' : ',' + csvField(c);
  }
  const items = row.items;
  for (let i = 0; i < items.length; i++) {
    const v = items[i]!;
    s += v !== v ? ',' : ',' + (SMALL_INTS[v + 100] ?? String(v));
  }
  // A number: no formula protection needed (> 0, so never `-`; String() never writes `+`).
  if (instrument.weightColumn !== undefined) s += ',' + weightText(row.weight);
  // Free text is input: through csvField like every text cell (formula-protected, quoted when needed).
  for (let k = 0; k < instrument.textColumns.length; k++) s += ',' + csvField(row.texts?.[k] ?? '');
  return s + ',' + csvField(row.answerHash) + ',' + row.line + '\n';
}

/** The weight cell: csvCell's text of a number (empty when absent or not finite, which the cleaner never emits). */
function weightText(w: number | undefined): string {
  return w === undefined || !Number.isFinite(w) ? '' : String(w);
}

export const REJECT_LEAD_COLUMNS = ['line', 'respondent_id', 'reasons'] as const;
export const REJECT_TAIL_COLUMNS = ['detail', 'raw_text'] as const;

/** Columns of rejects.csv: the lead columns, the drop's header columns as they were, the tail columns. */
export function rejectColumns(header: DropHeader | readonly string[]): string[] {
  const cols = Array.isArray(header) ? header : (header as DropHeader).columns;
  return [...REJECT_LEAD_COLUMNS, ...cols, ...REJECT_TAIL_COLUMNS];
}

export function formatRejectHeader(header: DropHeader | readonly string[]): string {
  return csvLine(rejectColumns(header));
}

/** `nColumns` = the drop's header length. Every cell but the line number is text (protected when written). */
export function rejectRowFields(rej: RejectedRow, nColumns: number): Cell[] {
  const out: Cell[] = [rej.line, rej.respondentId, rej.reasons.join(';')];
  for (let j = 0; j < nColumns; j++) out.push(rej.fields[j] ?? '');
  out.push(rej.details.join(' | '), rej.text);
  return out;
}

export function formatRejectRow(rej: RejectedRow, nColumns: number): string {
  return csvLine(rejectRowFields(rej, nColumns));
}

/**
 * Where the CSV goes: a file, an S3 multipart upload, a buffer. Receives UTF-8 bytes (clean rows) or strings;
 * a returned promise is awaited (backpressure).
 */
export interface TextSink {
  write(chunk: string | Uint8Array): void | Promise<void>;
}

/**
 * Encodes clean rows straight into a byte buffer: the same bytes as formatCleanRow (a property test checks it)
 * without building a string per row, which matters at a million rows.
 */
export class CleanRowEncoder {
  private buf: Buffer = Buffer.allocUnsafe(1 << 17);
  private pos = 0;
  private readonly hasDate: boolean;
  private readonly nTexts: number;
  private readonly hasWeight: boolean;

  constructor(instrument: Instrument) {
    this.hasDate = instrument.spec.dateColumn !== undefined;
    this.hasWeight = instrument.weightColumn !== undefined;
    this.nTexts = instrument.textColumns.length;
    this.buf.write(formatCleanHeader(instrument), 0, 'utf8');
    this.pos = Buffer.byteLength(formatCleanHeader(instrument));
  }

  get size(): number {
    return this.pos;
  }

  push(row: CleanRow): void {
    // Worst case per text cell: 3 UTF-8 bytes per UTF-16 unit, quotes doubled, the `'` prefix and two quotes.
    let room = 64 + 12 * row.items.length + (this.hasWeight ? 32 : 0) +
      6 * (row.respondentId.length + row.branch.length + row.period.length + row.answerHash.length + (row.date?.length ?? 0)) + 16;
    for (const c of row.categories) room += c === null ? 1 : 6 * c.length + 4;
    for (let k = 0; k < this.nTexts; k++) room += 6 * (row.texts?.[k]?.length ?? 0) + 5;
    if (this.pos + room > this.buf.length) this.grow(this.pos + room);
    this.text(row.respondentId);
    this.byte(44);
    this.text(row.branch);
    this.byte(44);
    this.text(row.period);
    if (this.hasDate) {
      this.byte(44);
      if (row.date !== null) this.text(row.date);
    }
    const cats = row.categories;
    for (let k = 0; k < cats.length; k++) {
      this.byte(44);
      const c = cats[k];
      if (c !== null && c !== undefined) this.text(c);
    }
    const buf = this.buf;
    const items = row.items;
    let p = this.pos;
    for (let i = 0; i < items.length; i++) {
      buf[p++] = 44;
      const v = items[i]!;
      if (v !== v) continue;
      if (v >= 0 && v <= 9 && (v | 0) === v) buf[p++] = 48 + v;
      else p += buf.write(String(v), p, 'latin1');
    }
    this.pos = p;
    if (this.hasWeight) {
      this.byte(44);
      this.pos += this.buf.write(weightText(row.weight), this.pos, 'latin1');
    }
    for (let k = 0; k < this.nTexts; k++) {
      this.byte(44);
      this.text(row.texts?.[k] ?? '');
    }
    this.byte(44);
    this.text(row.answerHash);
    this.byte(44);
    this.text(String(row.line));
    this.byte(10);
  }

  /** The encoded bytes so far (a copy), emptying the buffer. */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.pos));
    this.pos = 0;
    return out;
  }

  private byte(b: number): void {
    this.buf[this.pos++] = b;
  }

  /**
   * A text cell: a short one that csvField would leave as it is (writePlainCell) is copied by hand (cheaper than a
   * call into C++ per field); anything else is written as csvField(s).
   */
  private text(s: string): void {
    const p = this.pos;
    if (s.length <= 32 && writePlainCell(s, this.buf, p)) {
      this.pos = p + s.length;
      return;
    }
    this.pos = p + this.buf.write(csvField(s), p, 'utf8');
  }

  private grow(min: number): void {
    let size = this.buf.length * 2;
    while (size < min) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
}

/**
 * Callbacks for cleanDrop that write clean.csv and rejects.csv through two sinks, batching small writes.
 * Call `finish()` after cleanDrop resolves (it writes the rejects header when the drop had no header callback).
 */
export class DropCsvWriter {
  private readonly encoder: CleanRowEncoder;
  private rejectBuf = '';
  private nColumns = 0;
  private rejectHeaderWritten = false;

  constructor(
    instrument: Instrument,
    private readonly cleanSink: TextSink,
    private readonly rejectSink: TextSink,
    private readonly batchChars = 1 << 16,
  ) {
    this.encoder = new CleanRowEncoder(instrument);
  }

  readonly onHeader = (header: DropHeader): void => {
    this.nColumns = header.columns.length;
    this.rejectBuf += formatRejectHeader(header);
    this.rejectHeaderWritten = true;
  };

  readonly onClean = (row: CleanRow): void | Promise<void> => {
    this.encoder.push(row);
    if (this.encoder.size >= this.batchChars) return this.flushClean();
  };

  readonly onReject = (rej: RejectedRow): void | Promise<void> => {
    this.rejectBuf += formatRejectRow(rej, this.nColumns);
    if (this.rejectBuf.length >= this.batchChars) return this.flushRejects();
  };

  async finish(): Promise<void> {
    if (!this.rejectHeaderWritten) this.rejectBuf = csvLine([...REJECT_LEAD_COLUMNS, ...REJECT_TAIL_COLUMNS]) + this.rejectBuf;
    this.rejectHeaderWritten = true;
    await this.flushClean();
    await this.flushRejects();
  }

  private async flushClean(): Promise<void> {
    if (this.encoder.size > 0) await this.cleanSink.write(this.encoder.take());
  }

  private async flushRejects(): Promise<void> {
    const t = this.rejectBuf;
    this.rejectBuf = '';
    if (t) await this.rejectSink.write(t);
  }
}
