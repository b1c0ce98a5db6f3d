// The clean and rejects CSV files, written the same way by the CLI and the ingest Lambda.
//
// clean.csv   : respondent_id, branch_id, period, [date], [programme, segment, demographics...], items..., answer_hash, line
//               (comma-separated, LF, UTF-8 without BOM; a missing answer is an empty cell)
// rejects.csv : line, respondent_id, reasons (`;`-separated codes), the drop's own header columns with the row's
//               original fields (short rows padded with empty cells, extra fields only in raw_text), then
//               detail (the findings, ` | `-separated) and raw_text (the row's original text, exactly).
// Writing CSV is only quoting (RFC 4180: fields with a comma, quote, CR or LF are quoted, quotes doubled);
// reading is always csv-parse. A property test round-trips these lines through csv-parse.
import type { CleanRow, DropHeader, RejectedRow } from './clean';
import type { Instrument } from './instrument';

const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(v: string): string {
  return NEEDS_QUOTES.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** One CSV line with its LF. */
export function csvLine(fields: readonly string[]): string {
  let s = '';
  for (let i = 0; i < fields.length; i++) {
    if (i > 0) s += ',';
    s += csvField(fields[i]!);
  }
  return s + '\n';
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
    'answer_hash',
    'line',
  ];
}

export function cleanRowFields(instrument: Instrument, row: CleanRow): string[] {
  const out: string[] = [row.respondentId, row.branch, row.period];
  if (instrument.spec.dateColumn) out.push(row.date ?? '');
  for (const c of row.categories) out.push(c ?? '');
  for (const v of row.items) out.push(v === v ? String(v) : '');
  out.push(row.answerHash, String(row.line));
  return out;
}

export function formatCleanHeader(instrument: Instrument): string {
  return csvLine(CLEAN_COLUMNS(instrument));
}

const SMALL_INTS = Array.from({ length: 201 }, (_, i) => String(i - 100));

/** Same text as csvLine(cleanRowFields(...)), built directly: it runs once per clean row. */
export function formatCleanRow(instrument: Instrument, row: CleanRow): string {
  // Branch, period, date and the hash are validated/generated forms that never need quoting.
  let s = csvField(row.respondentId) + ',' + row.branch + ',' + row.period;
  if (instrument.spec.dateColumn) s += ',' + (row.date ?? '');
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
  return s + ',' + row.answerHash + ',' + row.line + '\n';
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

/** `nColumns` = the drop's header length. */
export function rejectRowFields(rej: RejectedRow, nColumns: number): string[] {
  const out: string[] = [String(rej.line), rej.respondentId, rej.reasons.join(';')];
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

  constructor(instrument: Instrument) {
    this.hasDate = instrument.spec.dateColumn !== undefined;
    this.buf.write(formatCleanHeader(instrument), 0, 'utf8');
    this.pos = Buffer.byteLength(formatCleanHeader(instrument));
  }

  get size(): number {
    return this.pos;
  }

  push(row: CleanRow): void {
    let room = 64 + 12 * row.items.length + 6 * row.respondentId.length;
    for (const c of row.categories) room += c === null ? 1 : 6 * c.length + 3;
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

  /** A field: short ASCII without quoting needs is copied by hand (cheaper than a call into C++ per field). */
  private text(s: string): void {
    const buf = this.buf;
    let p = this.pos;
    if (s.length <= 32) {
      let ok = true;
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c >= 128 || c === 44 || c === 34 || c === 10 || c === 13) {
          ok = false;
          break;
        }
        buf[p + i] = c;
      }
      if (ok) {
        this.pos = p + s.length;
        return;
      }
    }
    this.pos = p + buf.write(csvField(s), p, 'utf8');
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
