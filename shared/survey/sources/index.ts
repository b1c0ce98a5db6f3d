// The one way a drop is read, whatever it is: recognised by its first bytes (detect.ts), then read as records
// of one shape (csv-records.ts RawRecord) by the matching reader:
//   csv   csv-records.ts RecordReader: UTF-8 (BOM or not), UTF-16LE with BOM, Windows-1252; UTF-16BE, and UTF-16
//         without a BOM (recognised by its NUL bytes), are turned into UTF-8 here first
//   xlsx  xlsx.ts (the instrument's `sheet`, else the first worksheet)
//   sav   sav.ts (SPSS system files; codes kept, the dictionary in `sav.header`)
// `info` has the sha256 and size of the input bytes as they came, whatever the reader; `format()` is what the
// manifest records (format, encoding, BOM, delimiter, line break, sheet).
import { createHash } from 'node:crypto';
import { TextDecoder } from 'node:util';
import type { DropInput, RawRecord, ReaderInfo, ReaderOptions } from '../csv-records';
import { RecordReader } from '../csv-records';
import { DropRejectedError } from '../clean';
import { sniffFormat, SNIFF_HEAD_BYTES, type DropFormatName, type Sniffed } from './detect';
import { spool, type Spooled } from './spool';
import { XlsxError, XlsxRecords } from './xlsx';
import { SavError, savRecords, type SavHeader } from './sav';

export { sniffFormat, utf16WithoutBom, SNIFF_HEAD_BYTES, type DropFormatName, type Sniffed } from './detect';
export { XlsxRecords, XlsxError, type XlsxOptions, type XlsxInfo } from './xlsx';
export { serialToIso, formatKind, builtinKind } from './xlsx-values';

export type DropEncoding = ReaderInfo['encoding'] | 'utf-16be';

/** How a drop was read, as its manifest records it. */
export interface DropFormat {
  format: DropFormatName;
  /** Text encoding of a CSV or of a .sav's strings (a workbook's XML is UTF-8). */
  encoding: DropEncoding | string;
  bom: boolean;
  /** The CSV delimiter; null for a workbook. */
  delimiter: string | null;
  lineBreak: ReaderInfo['lineBreak'];
  /** The worksheet read (xlsx). */
  sheet?: string;
}

export interface DropReaderOptions extends ReaderOptions {
  /** Worksheet of an .xlsx drop (the instrument's `sheet`). */
  sheet?: string;
  /** Names the drop in refusals. */
  source: string;
}

export interface DropInfo extends Omit<ReaderInfo, 'encoding'> {
  encoding: DropEncoding;
}

/** Reads a drop of any supported format as RawRecord batches; the same surface as RecordReader. */
export class DropReader {
  /** Called synchronously with the header's fields, before any data record. */
  onHeader?: (fields: string[], line: number) => void;
  private csv: RecordReader | null = null;
  private xlsx: XlsxRecords | null = null;
  private slc: readonly number[] = [];
  private kind: DropFormatName = 'csv';
  private utf16: { endian: 'le' | 'be'; bom: boolean } | null = null;
  private own: { bytes: number; sha256: string } | null = null;
  /** An SPSS drop: its text encoding, records read, and dictionary (variable and value labels) once read. */
  sav: { encoding: string; lines: number; header: SavHeader | null } | null = null;

  constructor(private readonly opts: DropReaderOptions) {
    // Checks the limits and the delimiter now, as RecordReader's constructor does.
    this.csv = new RecordReader(this.readerOptions());
    this.csv.onHeader = (f, l) => this.onHeader?.(f, l);
  }

  /** Columns that can never hold a line break (CSV only). */
  get singleLineColumns(): readonly number[] {
    return this.slc;
  }
  set singleLineColumns(v: readonly number[]) {
    this.slc = v;
    if (this.csv) this.csv.singleLineColumns = v;
  }

  get info(): DropInfo {
    if (this.sav) {
      return { encoding: 'utf-8', bom: false, delimiter: ',', lineBreak: 'none', bytes: this.own?.bytes ?? 0, sha256: this.own?.sha256 ?? '', lines: this.sav.lines, blankLines: 0 };
    }
    if (this.xlsx) {
      const x = this.xlsx.info;
      return { encoding: 'utf-8', bom: false, delimiter: ',', lineBreak: 'none', bytes: this.own?.bytes ?? 0, sha256: this.own?.sha256 ?? '', lines: x.lines, blankLines: x.blankLines };
    }
    const i = this.csv!.info;
    const out: DropInfo = { ...i };
    if (this.utf16) {
      out.encoding = this.utf16.endian === 'le' ? 'utf-16le' : 'utf-16be';
      out.bom = this.utf16.bom;
    }
    if (this.own) {
      out.bytes = this.own.bytes;
      out.sha256 = this.own.sha256;
    }
    return out;
  }

  /** What the manifest records. */
  format(): DropFormat {
    const i = this.info;
    if (this.kind === 'sav') return { format: 'sav', encoding: this.sav?.encoding ?? 'utf-8', bom: false, delimiter: null, lineBreak: 'none' };
    if (this.kind === 'xlsx') return { format: 'xlsx', encoding: 'utf-8', bom: false, delimiter: null, lineBreak: 'none', sheet: this.xlsx!.info.sheet };
    return { format: this.kind, encoding: i.encoding, bom: i.bom, delimiter: i.delimiter, lineBreak: i.lineBreak };
  }

  async *batches(input: DropInput): AsyncGenerator<RawRecord[]> {
    const { head, rest } = await peek(chunksOf(input), SNIFF_HEAD_BYTES);
    const sniffed: Sniffed = sniffFormat(head);
    const src = this.opts.source;
    switch (sniffed.format) {
      case 'unsupported':
        throw new DropRejectedError('UNSUPPORTED_FORMAT', src, `the file is ${sniffed.name}, which cannot be read: save the sheet as .xlsx or CSV`);
      case 'sav':
        yield* this.readSav(rest);
        return;
      case 'xlsx':
        yield* this.readXlsx(rest);
        return;
      case 'csv':
        if (sniffed.utf16) {
          this.utf16 = sniffed.utf16;
          yield* this.csv!.batches(this.transcode(rest, sniffed.utf16.endian));
        } else yield* this.csv!.batches(rest);
    }
  }

  private async *readXlsx(chunks: AsyncIterable<Buffer>): AsyncGenerator<RawRecord[]> {
    this.kind = 'xlsx';
    this.csv = null;
    const x = (this.xlsx = new XlsxRecords({
      ...(this.opts.sheet !== undefined ? { sheet: this.opts.sheet } : {}),
      ...(this.opts.maxLineBytes !== undefined ? { maxLineBytes: this.opts.maxLineBytes } : {}),
      ...(this.opts.maxFieldBytes !== undefined ? { maxFieldBytes: this.opts.maxFieldBytes } : {}),
    }));
    x.onHeader = (f, l) => this.onHeader?.(f, l);
    let spooled: Spooled | null = null;
    try {
      spooled = await spool(chunks);
      this.own = { bytes: spooled.bytes, sha256: spooled.sha256 };
      yield* x.batches(spooled);
    } catch (e) {
      if (e instanceof XlsxError) throw new DropRejectedError(e.code, this.opts.source, e.message);
      throw e;
    } finally {
      await spooled?.dispose();
    }
  }

  private async *readSav(chunks: AsyncIterable<Buffer>): AsyncGenerator<RawRecord[]> {
    this.kind = 'sav';
    this.csv = null;
    const hash = createHash('sha256');
    let bytes = 0;
    const hashed = (async function* () {
      for await (const c of chunks) {
        hash.update(c);
        bytes += c.length;
        yield c;
      }
    })();
    const { header, records } = savRecords(hashed, {
      source: this.opts.source,
      ...(this.opts.maxLineBytes !== undefined ? { maxLineBytes: this.opts.maxLineBytes } : {}),
      ...(this.opts.maxFieldBytes !== undefined ? { maxFieldBytes: this.opts.maxFieldBytes } : {}),
    });
    const sav = (this.sav = { encoding: 'utf-8', lines: 0, header: null as SavHeader | null });
    let batch: RawRecord[] = [];
    try {
      for await (const rec of records) {
        if (sav.lines++ === 0) {
          sav.header = await header;
          sav.encoding = sav.header.encoding;
          this.onHeader?.(rec.fields ?? [], rec.line);
        }
        batch.push(rec);
        if (batch.length >= 1024) {
          yield batch;
          batch = [];
        }
      }
    } catch (e) {
      if (e instanceof SavError) throw new DropRejectedError('UNREADABLE_FILE', this.opts.source, `the SPSS .sav file cannot be read: ${e.message} (byte ${e.offset})`);
      throw e;
    }
    if (batch.length) yield batch;
    this.own = { bytes, sha256: hash.digest('hex') };
  }

  /** UTF-16 (big-endian, or without a BOM) as UTF-8 for the CSV reader; hashes the bytes as they came. */
  private async *transcode(chunks: AsyncIterable<Buffer>, endian: 'le' | 'be'): AsyncGenerator<Buffer> {
    const hash = createHash('sha256');
    let bytes = 0;
    const dec = new TextDecoder(endian === 'le' ? 'utf-16le' : 'utf-16be'); // drops a leading BOM
    for await (const c of chunks) {
      hash.update(c);
      bytes += c.length;
      const s = dec.decode(c, { stream: true });
      if (s) yield Buffer.from(s, 'utf8');
    }
    const s = dec.decode();
    if (s) yield Buffer.from(s, 'utf8');
    this.own = { bytes, sha256: hash.digest('hex') };
  }

  private readerOptions(): ReaderOptions {
    const { sheet: _s, source: _src, ...r } = this.opts;
    return r;
  }
}

async function* chunksOf(input: DropInput): AsyncGenerator<Buffer> {
  if (typeof input === 'string') {
    if (input.length) yield Buffer.from(input, 'utf8');
    return;
  }
  if (input instanceof Uint8Array) {
    if (input.length) yield Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    return;
  }
  for await (const c of input as AsyncIterable<Buffer | Uint8Array | string>) {
    const b = typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
    if (b.length) yield b;
  }
}

/** The first `n` bytes (fewer at the end of the input), and the whole input again as a stream. */
async function peek(it: AsyncGenerator<Buffer>, n: number): Promise<{ head: Buffer; rest: AsyncGenerator<Buffer> }> {
  const held: Buffer[] = [];
  let len = 0;
  while (len < n) {
    const r = await it.next();
    if (r.done) break;
    held.push(r.value);
    len += r.value.length;
  }
  const head = Buffer.concat(held).subarray(0, n);
  async function* rest(): AsyncGenerator<Buffer> {
    yield* held;
    yield* it;
  }
  return { head, rest: rest() };
}
