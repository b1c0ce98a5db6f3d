// Reads an SPSS system file (.sav, also written by PSPP, R haven/ReadStat, Stata, ...) as the same records the CSV
// reader gives (csv-records.ts: RawRecord), so the cleaner reads a .sav drop like a CSV one.
//
// Why our own reader: the npm readers were not fit: `sav-reader` 2.0.8 decodes every 8-byte
// piece of a string on its own as UTF-8 (a character across a piece boundary is mangled, the file's encoding is
// ignored), reads little-endian files only and has no ZSAV; `@codious/sav-reader-writer` pins moment 2.28.0
// (CVE-2022-24785, CVE-2022-31129) and holds the whole file. The format is documented in the PSPP manual
// ("System File Format"); this reader follows it and is checked against files written by R haven (ReadStat).
//
// Shape:
//   const { header, records } = savRecords(input, opts);
//   for await (const rec of records) ...   // first the header row, then one record a case
//   const info = await header;              // resolves once the dictionary is read (before the first record)
// - records: RawRecord. The first is the header row (variable names, long names from extension 13, line 1); case
//   k (1-based) is `line` k + 1, `lines` 1. `fields` are the cells as text: a number as its shortest decimal text
//   (JavaScript's String), system-missing and user-missing as '' (SPSS and haven read both as missing; the
//   codes are in `info.missing`, opts.userMissing 'keep' keeps them), a string with its trailing blanks trimmed,
//   a number with a date format (DATE, ADATE, EDATE, SDATE, JDATE, MOYR, QYR, WKYR) as YYYY-MM-DD and with a
//   date-time format (DATETIME, YMDHMS) as YYYY-MM-DDTHH:MM:SS (no offset: SPSS stores wall-clock time). Codes
//   with value labels stay codes (the instrument's scale reads codes); the labels are in `info.valueLabels`.
//   `text` is the cells as a CSV line (csv-write.ts, numbers unquoted), the row's raw_text when rejected.
// - info (SavHeader below): variable labels (column aliases for the cleaner), value labels, missing values, kinds,
//   the text encoding, compression, byte order, the case count the file declares.
// - A case whose CSV text is over maxLineBytes, or with a string over maxFieldBytes, comes out as LINE_TOO_LONG
//   (its first KEPT_BYTES kept); in a UTF-8 file a string with invalid bytes comes out as BAD_ENCODING.
//
// Supported: $FL2 uncompressed and bytecode-compressed (compression 1), $FL3 (ZSAV: bytecode data in zlib
// blocks), either byte order (from the layout code), very long strings (extension 14, segments merged), long
// names (13), the encoding (20, else the code page of extension 3), system-missing from extension 4. Ignored:
// display (11), multiple-response sets, long string value labels/missing values (21, 22) and other extensions.
//
// Memory: the dictionary is held; the data are streamed (one input chunk, one case, and for ZSAV one zlib block).
// A truncated or corrupt file throws a SavError naming the byte offset.
import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';
import { inflateSync } from 'node:zlib';
import { csvRow, type Cell } from '../../csv-write';
import { DEFAULT_MAX_FIELD_BYTES, DEFAULT_MAX_LINE_BYTES, KEPT_BYTES, type RawRecord } from '../csv-records';

export interface SavOptions {
  /** A case whose CSV text is longer is LINE_TOO_LONG. Default: the CSV reader's (1 MiB). */
  maxLineBytes?: number;
  /** A string cell longer is LINE_TOO_LONG. Default: the CSV reader's (64 KiB). */
  maxFieldBytes?: number;
  /** 'blank' (default): a user-missing value reads as '', as in SPSS and haven. 'keep': as its code. */
  userMissing?: 'blank' | 'keep';
  /** Name used in error messages. */
  source?: string;
}

export interface SavMissing {
  /** Discrete missing values (numbers as shortest decimal text, strings trimmed). */
  values: string[];
  /** A missing range, inclusive (numeric variables only). */
  range?: [number, number];
}

export interface SavHeader {
  /** Column names (long names), one per column; the header record's fields. */
  names: string[];
  /** Variable labels (null: none), one per column: usable as column aliases. */
  labels: (string | null)[];
  /** Column name → code text (as in the fields) → label. Only columns with value labels. */
  valueLabels: Record<string, Record<string, string>>;
  /** Column name → user-missing values. Only columns that declare some. */
  missing: Record<string, SavMissing>;
  /** One per column: how its cells are written. */
  kinds: ('number' | 'string' | 'date' | 'datetime')[];
  /** Print formats as SPSS shows them (F8.2, A300, DATE11, ...), one per column. */
  formats: string[];
  /** The encoding the strings were decoded with (WHATWG label, e.g. 'utf-8', 'windows-1252'). */
  encoding: string;
  compression: 'none' | 'bytecode' | 'zlib';
  byteOrder: 'little' | 'big';
  /** Cases the file header declares (null when it does not). */
  cases: number | null;
  product: string;
  fileLabel: string;
  documents: string[];
}

export interface SavRecords {
  header: Promise<SavHeader>;
  records: AsyncIterable<RawRecord>;
}

/** A file that cannot be read as .sav: says where (byte offset, 0-based) and why. */
export class SavError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'SavError';
  }
}

/** The magic bytes of a system file ($FL2, or $FL3 for ZSAV): for format detection by content. */
export function looksLikeSav(start: Uint8Array): boolean {
  return start.length >= 4 && start[0] === 0x24 && start[1] === 0x46 && start[2] === 0x4c && (start[3] === 0x32 || start[3] === 0x33);
}

export function savRecords(input: AsyncIterable<Uint8Array> | Uint8Array, opts: SavOptions = {}): SavRecords {
  const src = input instanceof Uint8Array ? once(input) : input;
  const reader = new SavReader(src[Symbol.asyncIterator](), opts);
  let resolve!: (h: SavHeader) => void;
  let reject!: (e: unknown) => void;
  const header = new Promise<SavHeader>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A caller that only iterates records must not get an unhandled rejection from the header promise.
  header.catch(() => undefined);
  let started = false;
  const records: AsyncIterable<RawRecord> = {
    [Symbol.asyncIterator]() {
      if (started) throw new Error('savRecords: the records can be iterated once');
      started = true;
      return reader.read(resolve, reject)[Symbol.asyncIterator]();
    },
  };
  return { header, records };
}

/** Reads the dictionary only (e.g. to draft an instrument): the data are not read. */
export async function savHeader(input: AsyncIterable<Uint8Array> | Uint8Array, opts: SavOptions = {}): Promise<SavHeader> {
  const { header, records } = savRecords(input, opts);
  const it = records[Symbol.asyncIterator]();
  try {
    await it.next();
  } finally {
    await it.return?.();
  }
  return header;
}

async function* once(b: Uint8Array): AsyncGenerator<Uint8Array> {
  yield b;
}

// ---------------------------------------------------------------------------------------------------------------
// Bytes: a window on a stream of chunks, with the file offset of its position.

class Bytes {
  buf: Buffer = Buffer.alloc(0);
  off = 0;
  /** File offset of buf[0]. */
  base = 0;
  done = false;
  constructor(
    private readonly it: AsyncIterator<Uint8Array>,
    private readonly where: (pos: number) => string,
  ) {}

  get pos(): number {
    return this.base + this.off;
  }
  get avail(): number {
    return this.buf.length - this.off;
  }
  /** Pulls chunks until n bytes are available; false when the input ends first. */
  async fill(n: number): Promise<boolean> {
    while (this.avail < n && !this.done) {
      const r = await this.it.next();
      if (r.done) {
        this.done = true;
        break;
      }
      const c = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
      if (c.length === 0) continue;
      if (this.avail === 0) {
        this.base += this.buf.length;
        this.buf = c;
      } else {
        this.base += this.off;
        this.buf = Buffer.concat([this.buf.subarray(this.off), c]);
      }
      this.off = 0;
    }
    return this.avail >= n;
  }
  async take(n: number, what: string): Promise<Buffer> {
    if (!(await this.fill(n))) {
      throw new SavError(`truncated .sav file: ${what} needs ${n} bytes at ${this.where(this.pos)}, the file has ${this.avail} more`, this.pos);
    }
    const b = this.buf.subarray(this.off, this.off + n);
    this.off += n;
    return b;
  }
  async end(): Promise<void> {
    await this.it.return?.();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The dictionary.

interface VarRecord {
  /** 1-based index of the record's first 8-byte slot (what value-label records point at). */
  slot: number;
  width: number; // 0 numeric, 1..255 string
  name: Buffer;
  label: Buffer | null;
  nMissing: number;
  missing: Buffer | null;
  print: number;
}

interface Column {
  name: string;
  label: string | null;
  width: number;
  kind: SavHeader['kinds'][number];
  format: string;
  /** Slot offsets (0-based) and bytes used of each string segment; a numeric column has one slot. */
  segments: { slot: number; bytes: number }[];
  missing: SavMissing | null;
  missingSet: Set<string> | null;
}

const SYSMIS_DEFAULT = -Number.MAX_VALUE;
/** Seconds from the SPSS epoch (1582-10-14) to the Unix epoch. */
const SPSS_EPOCH_SECONDS = 12219379200;
/** Print format types (PSPP manual, "Variable Record") read as dates and date-times. */
const DATE_FORMATS = new Set([20, 23, 24, 28, 29, 30, 38, 39]);
const DATETIME_FORMATS = new Set([22, 41]);
const FORMAT_NAMES: Record<number, string> = {
  1: 'A', 2: 'AHEX', 3: 'COMMA', 4: 'DOLLAR', 5: 'F', 6: 'IB', 7: 'PIBHEX', 8: 'P', 9: 'PIB', 10: 'PK', 11: 'RB',
  12: 'RBHEX', 15: 'Z', 16: 'N', 17: 'E', 20: 'DATE', 21: 'TIME', 22: 'DATETIME', 23: 'ADATE', 24: 'JDATE',
  25: 'DTIME', 26: 'WKDAY', 27: 'MONTH', 28: 'MOYR', 29: 'QYR', 30: 'WKYR', 31: 'PCT', 32: 'DOT', 33: 'CCA',
  34: 'CCB', 35: 'CCC', 36: 'CCD', 37: 'CCE', 38: 'EDATE', 39: 'SDATE', 40: 'MTIME', 41: 'YMDHMS',
};
/** Windows code pages of extension 3's character code, as WHATWG labels. */
const CODE_PAGES: Record<number, string> = { 2: 'utf-8', 1252: 'windows-1252', 28591: 'iso-8859-1', 20127: 'utf-8', 65001: 'utf-8', 874: 'windows-874', 1250: 'windows-1250', 1251: 'windows-1251', 1253: 'windows-1253', 1254: 'windows-1254', 1255: 'windows-1255', 1256: 'windows-1256', 1257: 'windows-1257', 1258: 'windows-1258', 932: 'shift_jis', 936: 'gbk', 949: 'euc-kr', 950: 'big5' };
/** One extension record over this is refused (a corrupt size would otherwise be allocated). */
const MAX_DICT_RECORD = 64 << 20;
const MAX_VARIABLES = 1 << 20;

class SavReader {
  private readonly bytes: Bytes;
  private le = true;
  private zlibData = false;
  private readonly maxLine: number;
  private readonly maxField: number;
  private readonly source: string;

  constructor(
    it: AsyncIterator<Uint8Array>,
    private readonly opts: SavOptions,
  ) {
    this.maxLine = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.maxField = opts.maxFieldBytes ?? DEFAULT_MAX_FIELD_BYTES;
    this.source = opts.source ? `${opts.source}: ` : '';
    this.bytes = new Bytes(it, (p) => `byte offset ${p}`);
  }

  private err(msg: string, at: number): SavError {
    return new SavError(`${this.source}${msg}`, at);
  }
  private i32(b: Buffer, o: number): number {
    return this.le ? b.readInt32LE(o) : b.readInt32BE(o);
  }
  private f64(b: Buffer, o: number): number {
    return this.le ? b.readDoubleLE(o) : b.readDoubleBE(o);
  }
  private i64(b: Buffer, o: number): number {
    return Number(this.le ? b.readBigInt64LE(o) : b.readBigInt64BE(o));
  }

  async *read(onHeader: (h: SavHeader) => void, onError: (e: unknown) => void): AsyncGenerator<RawRecord> {
    let dict: Dictionary;
    try {
      dict = await this.readDictionary();
    } catch (e) {
      onError(e);
      await this.bytes.end();
      throw e;
    }
    const info = dict.info;
    onHeader(info);
    try {
      yield { line: 1, lines: 1, fields: info.names.slice(), text: this.csvText(info.names) };
      yield* this.readCases(dict);
    } finally {
      await this.bytes.end();
    }
  }

  // --- dictionary -------------------------------------------------------------------------------------------

  private async readDictionary(): Promise<Dictionary> {
    const b = this.bytes;
    const h = Buffer.from(await b.take(176, 'the file header'));
    const magic = h.toString('latin1', 0, 4);
    if (magic !== '$FL2' && magic !== '$FL3') {
      throw this.err(`not an SPSS system file: it starts with ${JSON.stringify(magic)}, not "$FL2" or "$FL3"`, 0);
    }
    const layout = h.readInt32LE(64);
    if (layout === 2 || layout === 3) this.le = true;
    else if (h.readInt32BE(64) === 2 || h.readInt32BE(64) === 3) this.le = false;
    else throw this.err(`bad layout code ${layout} at byte offset 64 (expected 2 or 3)`, 64);
    const caseSize = this.i32(h, 68);
    const compression = this.i32(h, 72);
    const nCases = this.i32(h, 80);
    const bias = this.f64(h, 84);
    if (magic === '$FL3' ? compression !== 2 : compression !== 0 && compression !== 1) {
      throw this.err(`compression code ${compression} at byte offset 72 does not go with ${magic}`, 72);
    }
    const vars: VarRecord[] = [];
    const valueLabels: { value: Buffer; label: Buffer }[][] = [];
    const labelTargets: number[][] = [];
    const documents: Buffer[] = [];
    const ext = new Map<number, Buffer>();
    let sysmis = SYSMIS_DEFAULT;
    let slots = 0;
    let last: VarRecord | null = null;
    for (;;) {
      const at = b.pos;
      const type = this.i32(await b.take(4, 'a record type'), 0);
      if (type === 2) {
        const r = await b.take(28, 'a variable record');
        const width = this.i32(r, 0);
        const hasLabel = this.i32(r, 4);
        const nMissing = this.i32(r, 8);
        const print = this.i32(r, 12);
        const name = Buffer.from(r.subarray(20, 28));
        if (width < -1 || width > 255) throw this.err(`variable record at byte offset ${at}: bad type/width ${width}`, at);
        if (nMissing < -3 || nMissing > 3 || nMissing === -1) throw this.err(`variable record at byte offset ${at}: bad missing-value count ${nMissing}`, at);
        let label: Buffer | null = null;
        if (hasLabel === 1) {
          const len = this.i32(await b.take(4, 'a variable label length'), 0);
          if (len < 0 || len > 65535) throw this.err(`variable record at byte offset ${at}: bad label length ${len}`, at);
          label = Buffer.from((await b.take((len + 3) & ~3, 'a variable label')).subarray(0, len));
        }
        const missing = nMissing !== 0 ? Buffer.from(await b.take(Math.abs(nMissing) * 8, 'missing values')) : null;
        slots++;
        if (slots > MAX_VARIABLES) throw this.err(`more than ${MAX_VARIABLES} variable records`, at);
        if (width === -1) {
          if (!last || last.width === 0) throw this.err(`variable record at byte offset ${at}: a string continuation without a string variable before it`, at);
          continue;
        }
        last = { slot: slots, width, name, label, nMissing, missing, print };
        vars.push(last);
      } else if (type === 3) {
        const n = this.i32(await b.take(4, 'a value label count'), 0);
        if (n < 0 || n > MAX_DICT_RECORD / 16) throw this.err(`value label record at byte offset ${at}: bad count ${n}`, at);
        const set: { value: Buffer; label: Buffer }[] = [];
        for (let k = 0; k < n; k++) {
          const value = Buffer.from(await b.take(8, 'a labelled value'));
          const len = (await b.take(1, 'a value label length'))[0]!;
          const label = Buffer.from((await b.take(((len + 8) & ~7) - 1, 'a value label')).subarray(0, len));
          set.push({ value, label });
        }
        const at4 = b.pos;
        if (this.i32(await b.take(4, 'a record type'), 0) !== 4) throw this.err(`value label record at byte offset ${at} is not followed by its variable list (record type 4) at byte offset ${at4}`, at4);
        const nv = this.i32(await b.take(4, 'a value label variable count'), 0);
        if (nv < 0 || nv > MAX_VARIABLES) throw this.err(`value label variables at byte offset ${at4}: bad count ${nv}`, at4);
        const idx = await b.take(nv * 4, 'value label variables');
        const targets: number[] = [];
        for (let k = 0; k < nv; k++) targets.push(this.i32(idx, k * 4));
        valueLabels.push(set);
        labelTargets.push(targets);
      } else if (type === 6) {
        const n = this.i32(await b.take(4, 'a document line count'), 0);
        if (n < 0 || n * 80 > MAX_DICT_RECORD) throw this.err(`document record at byte offset ${at}: bad line count ${n}`, at);
        const d = await b.take(n * 80, 'document lines');
        for (let k = 0; k < n; k++) documents.push(Buffer.from(d.subarray(k * 80, k * 80 + 80)));
      } else if (type === 7) {
        const r = await b.take(12, 'an extension record');
        const sub = this.i32(r, 0);
        const size = this.i32(r, 4);
        const count = this.i32(r, 8);
        const total = size * count;
        if (size < 0 || count < 0 || total > MAX_DICT_RECORD) throw this.err(`extension record ${sub} at byte offset ${at}: bad size ${size} x ${count}`, at);
        const data = Buffer.from(await b.take(total, `extension record ${sub}`));
        if (sub === 4 && total >= 8) sysmis = this.f64(data, 0);
        else if (sub === 3 || sub === 4 || sub === 13 || sub === 14 || sub === 20) ext.set(sub, data);
      } else if (type === 999) {
        await b.take(4, 'the dictionary terminator');
        break;
      } else {
        throw this.err(`unknown record type ${type} at byte offset ${at}`, at);
      }
    }
    if (caseSize !== -1 && caseSize !== slots) throw this.err(`the file header says ${caseSize} slots a case, the variable records have ${slots}`, 68);
    if (vars.length === 0) throw this.err('the file has no variables', 0);

    const encoding = this.encodingOf(ext);
    const dec = makeDecoder(encoding);
    const text = (x: Buffer): string => dec.decode(x);
    const trimEnd = (s: string): string => s.replace(/[ \0]+$/, '');

    // Long names (13): SHORT=Long pairs separated by tabs. Very long strings (14): SHORT=width\0 pairs.
    const longNames = new Map<string, string>();
    for (const pair of text(ext.get(13) ?? Buffer.alloc(0)).split('\t')) {
      const eq = pair.indexOf('=');
      if (eq > 0) longNames.set(pair.slice(0, eq).toUpperCase(), pair.slice(eq + 1));
    }
    const veryLong = new Map<string, number>();
    for (const pair of text(ext.get(14) ?? Buffer.alloc(0)).split(/[\t\0]+/)) {
      const eq = pair.indexOf('=');
      if (eq > 0) veryLong.set(pair.slice(0, eq).toUpperCase(), Number.parseInt(pair.slice(eq + 1), 10));
    }

    const columns: Column[] = [];
    const bySlot = new Map<number, Column>();
    const missingText = (v: VarRecord, c: Column): SavMissing => {
      const n = Math.abs(v.nMissing);
      const m = v.missing!;
      const values: string[] = [];
      let range: [number, number] | undefined;
      let k = 0;
      if (v.nMissing < 0) {
        range = [this.f64(m, 0), this.f64(m, 8)];
        k = 2;
      }
      for (; k < n; k++) values.push(c.width === 0 ? numText(this.f64(m, k * 8)) : trimEnd(text(m.subarray(k * 8, k * 8 + 8))));
      return range ? { values, range } : { values };
    };
    for (let i = 0; i < vars.length; i++) {
      const v = vars[i]!;
      const short = trimEnd(v.name.toString('latin1')).toUpperCase();
      const fmtType = (v.print >> 16) & 0xff;
      const fmtW = (v.print >> 8) & 0xff;
      const fmtD = v.print & 0xff;
      const kind: Column['kind'] = v.width > 0 ? 'string' : DATE_FORMATS.has(fmtType) ? 'date' : DATETIME_FORMATS.has(fmtType) ? 'datetime' : 'number';
      const col: Column = {
        name: longNames.get(short) ?? trimEnd(text(v.name)),
        label: v.label ? text(v.label) : null,
        width: v.width,
        kind,
        format: `${FORMAT_NAMES[fmtType] ?? `?${fmtType}`}${fmtW}${fmtD > 0 && v.width === 0 ? `.${fmtD}` : ''}`,
        segments: [{ slot: v.slot - 1, bytes: v.width }],
        missing: null,
        missingSet: null,
      };
      const full = veryLong.get(short);
      if (full !== undefined && v.width > 0 && full > 255) {
        // Segments: ceil(width / 252) variables, each but the last 255 wide (256 bytes a case), the last
        // width - 252 * (n - 1) wide; each holds up to 255 bytes of the value (PSPP's sfm_segment_used_bytes;
        // what ReadStat writes and reads too, checked on the R fixture).
        const nSeg = Math.ceil(full / 252);
        col.width = full;
        col.format = `A${full}`;
        col.segments = [];
        for (let s = 0; s < nSeg; s++) {
          const sv = vars[i + s];
          if (!sv || sv.width === 0) throw this.err(`very long string ${col.name}: segment ${s + 1} of ${nSeg} is missing`, 0);
          col.segments.push({ slot: sv.slot - 1, bytes: Math.max(0, Math.min(full - 255 * s, 255)) });
        }
        i += nSeg - 1;
      }
      if (v.missing) {
        col.missing = missingText(v, col);
        col.missingSet = new Set(col.missing.values);
      }
      columns.push(col);
      bySlot.set(v.slot, col);
    }

    const info: SavHeader = {
      names: columns.map((c) => c.name),
      labels: columns.map((c) => c.label),
      valueLabels: {},
      missing: {},
      kinds: columns.map((c) => c.kind),
      formats: columns.map((c) => c.format),
      encoding,
      compression: compression === 0 ? 'none' : compression === 1 ? 'bytecode' : 'zlib',
      byteOrder: this.le ? 'little' : 'big',
      cases: nCases >= 0 ? nCases : null,
      product: trimEnd(h.toString('latin1', 4, 64)),
      fileLabel: trimEnd(text(h.subarray(109, 173))),
      documents: documents.map((d) => trimEnd(text(d))),
    };
    for (const c of columns) if (c.missing) info.missing[c.name] = c.missing;
    for (let k = 0; k < valueLabels.length; k++) {
      for (const slot of labelTargets[k]!) {
        const c = bySlot.get(slot);
        if (!c) continue; // points at a continuation slot: ignored, as PSPP does
        const m = (info.valueLabels[c.name] ??= {});
        for (const { value, label } of valueLabels[k]!) {
          const key = c.width === 0 ? numText(this.f64(value, 0)) : trimEnd(text(value));
          m[key] = text(label);
        }
      }
    }
    return { info, columns, slots, nCases, bias, sysmis, compression, decoder: dec };
  }

  private encodingOf(ext: Map<number, Buffer>): string {
    const named = ext.get(20);
    let label: string | null = null;
    if (named) label = named.toString('latin1').replace(/\0+$/, '').trim();
    else {
      const ints = ext.get(3);
      const code = ints && ints.length >= 32 ? this.i32(ints, 28) : 0;
      label = CODE_PAGES[code] ?? (code === 0 ? 'windows-1252' : `cp${code}`);
    }
    try {
      return new TextDecoder(label).encoding;
    } catch {
      throw this.err(`the file's character encoding ${JSON.stringify(label)} is not supported`, 0);
    }
  }

  // --- data ------------------------------------------------------------------------------------------------

  private async *readCases(d: Dictionary): AsyncGenerator<RawRecord> {
    let src: Bytes = this.bytes;
    if (d.compression === 2) src = await this.zlibSource();
    const caseBytes = d.slots * 8;
    const cur = Buffer.alloc(caseBytes);
    const cmd = { block: Buffer.alloc(8), i: 8 };
    const sysmisBytes = Buffer.alloc(8);
    if (this.le) sysmisBytes.writeDoubleLE(d.sysmis);
    else sysmisBytes.writeDoubleBE(d.sysmis);
    const where = (): string => (this.zlibData ? `byte ${src.pos} of the decompressed data` : `byte offset ${src.pos}`);
    for (let n = 0; d.nCases < 0 || n < d.nCases; n++) {
      const start = src.pos;
      if (d.compression === 0) {
        if (!(await src.fill(caseBytes))) {
          if (src.avail === 0 && d.nCases < 0) return;
          throw this.err(`truncated .sav file: case ${n + 1} starts at ${where()} and needs ${caseBytes} bytes, the file has ${src.avail}${this.declared(d, n)}`, src.pos);
        }
        src.buf.copy(cur, 0, src.off, src.off + caseBytes);
        src.off += caseBytes;
      } else {
        // Bytecode: blocks of 8 command bytes, each followed by the 8-byte values its 253 codes announce.
        // The decoder runs on the bytes at hand and is rerun, from the case's start, after more are pulled.
        for (let want = 8 + caseBytes; ; want *= 2) {
          await src.fill(want);
          const r = decodeCase(src.buf, src.off, cmd, cur, d.slots, d.bias, sysmisBytes, this.le);
          if (r >= 0) {
            src.off = r;
            break;
          }
          if (r === CUT) throw this.err(`case ${n + 1} starting at ${where()} is cut by the end-of-data code 252`, start);
          if (r === END) {
            if (d.nCases >= 0 && n < d.nCases) throw this.err(`the data end (code 252) at ${where()} after ${n} cases${this.declared(d, n)}`, src.pos);
            return;
          }
          if (src.done) {
            if (r === EMPTY && d.nCases < 0) return;
            throw this.err(`truncated .sav file: case ${n + 1} starting at ${where()} is cut by the end of the ${this.zlibData ? 'decompressed data' : 'file'}${this.declared(d, n)}`, start);
          }
        }
      }
      yield this.caseRecord(d, cur, n + 2);
    }
  }

  private declared(d: Dictionary, n: number): string {
    return d.nCases >= 0 ? ` (the header declares ${d.nCases} cases; ${n} were read)` : '';
  }

  /** ZSAV: the zlib header, then the data as a stream of decompressed blocks (ends at the trailer). */
  private async zlibSource(): Promise<Bytes> {
    const b = this.bytes;
    const at = b.pos;
    const zh = await b.take(24, 'the ZSAV header');
    const zheaderOfs = this.i64(zh, 0);
    const ztrailerOfs = this.i64(zh, 8);
    if (zheaderOfs !== at || ztrailerOfs < at + 24) throw this.err(`bad ZSAV header at byte offset ${at} (says it is at ${zheaderOfs}, trailer at ${ztrailerOfs})`, at);
    this.zlibData = true;
    const self = this;
    async function* blocks(): AsyncGenerator<Buffer> {
      while (b.pos < ztrailerOfs) {
        const blockAt = b.pos;
        // A block's compressed size is not known before it is inflated: try with the bytes at hand, doubling.
        for (let want = Math.min(1 << 16, ztrailerOfs - blockAt); ; want = Math.min(want * 2, ztrailerOfs - blockAt)) {
          const have = await b.fill(want);
          const n = Math.min(b.avail, ztrailerOfs - blockAt);
          try {
            const r = inflateSync(b.buf.subarray(b.off, b.off + n), { info: true }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
            b.off += r.engine.bytesWritten;
            yield r.buffer;
            break;
          } catch (e) {
            const cut = (e as { code?: string }).code === 'Z_BUF_ERROR';
            if (!cut) throw self.err(`ZSAV block at byte offset ${blockAt} cannot be inflated: ${(e as Error).message}`, blockAt);
            if (!have || n >= ztrailerOfs - blockAt) throw self.err(`truncated .sav file: the ZSAV block at byte offset ${blockAt} is cut by the end of the ${have ? 'data (trailer offset)' : 'file'}`, blockAt);
          }
        }
      }
    }
    const z = new Bytes(blocks(), (p) => `byte ${p} of the decompressed data`);
    return z;
  }

  private caseRecord(d: Dictionary, cur: Buffer, line: number): RawRecord {
    const cells: Cell[] = [];
    const fields: string[] = [];
    let badAt = -1;
    let longAt = -1;
    const keepMissing = this.opts.userMissing === 'keep';
    for (let j = 0; j < d.columns.length; j++) {
      const c = d.columns[j]!;
      if (c.width === 0) {
        const x = this.f64(cur, c.segments[0]!.slot * 8);
        let s = x === d.sysmis || Number.isNaN(x) ? '' : c.kind === 'date' ? dateText(x, false) : c.kind === 'datetime' ? dateText(x, true) : numText(x);
        if (s !== '' && !keepMissing && c.missing && isMissing(c, x)) s = '';
        fields.push(s);
        cells.push(c.kind === 'number' && s !== '' ? x : s);
        continue;
      }
      let bytes: Buffer;
      if (c.segments.length === 1) bytes = cur.subarray(c.segments[0]!.slot * 8, c.segments[0]!.slot * 8 + c.width);
      else bytes = Buffer.concat(c.segments.map((g) => cur.subarray(g.slot * 8, g.slot * 8 + g.bytes)));
      let end = bytes.length;
      while (end > 0 && (bytes[end - 1] === 0x20 || bytes[end - 1] === 0)) end--;
      bytes = bytes.subarray(0, end);
      if (d.info.encoding === 'utf-8' && badAt < 0 && !isUtf8(bytes)) badAt = j;
      let s = d.decoder.decode(bytes);
      if (!keepMissing && c.missingSet?.has(s)) s = '';
      if (longAt < 0 && end > this.maxField) longAt = j;
      fields.push(s);
      cells.push(s);
    }
    const text = this.csvText(cells);
    const rec: RawRecord = { line, lines: 1, fields, text };
    const textBytes = Buffer.byteLength(text);
    if (longAt >= 0 || textBytes > this.maxLine) {
      const cut = (s: string): string => {
        const b = Buffer.from(s);
        return b.length <= KEPT_BYTES ? s : `${d.decoder.decode(b.subarray(0, KEPT_BYTES)).replace(/\uFFFD$/, '')}...[${b.length - KEPT_BYTES} bytes cut]`;
      };
      rec.fields = fields.map((f) => (Buffer.byteLength(f) > this.maxField ? cut(f) : f));
      rec.text = cut(text);
      rec.issue = {
        code: 'LINE_TOO_LONG',
        detail:
          longAt >= 0
            ? `column ${longAt + 1} (${d.columns[longAt]!.name}) is ${Buffer.byteLength(fields[longAt]!)} bytes, over the limit of ${this.maxField} bytes a field`
            : `the case is ${textBytes} bytes as a CSV line, over the limit of ${this.maxLine} bytes`,
      };
    } else if (badAt >= 0) {
      rec.issue = { code: 'BAD_ENCODING', detail: `column ${badAt + 1} (${d.columns[badAt]!.name}) has bytes that are not UTF-8; the file declares UTF-8` };
    }
    return rec;
  }

  private csvText(cells: Cell[]): string {
    const s = csvRow(cells);
    return s.slice(0, -1);
  }
}

interface Dictionary {
  info: SavHeader;
  columns: Column[];
  slots: number;
  nCases: number;
  bias: number;
  sysmis: number;
  compression: number;
  /** Decodes the strings of every case (the file's encoding). */
  decoder: Decoder;
}

interface Decoder {
  decode(b: Uint8Array): string;
}

/**
 * Windows-1252's bytes 0x80-0x9F (WHATWG Encoding table; the five unassigned bytes map to U+0081 etc.). Node 20's
 * TextDecoder('windows-1252') decodes them as Latin-1 control characters (0x80 -> U+0080, not the euro sign).
 */
export const CP1252_HIGH = '\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F' +
  '\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178';

function makeDecoder(encoding: string): Decoder {
  const td = new TextDecoder(encoding);
  if (encoding !== 'windows-1252') return td;
  return { decode: (b) => td.decode(b).replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]!) };
}

function isMissing(c: Column, x: number): boolean {
  const m = c.missing!;
  if (m.range && x >= m.range[0] && x <= m.range[1]) return true;
  return c.missingSet!.has(numText(x));
}

/** Shortest decimal text that reads back as the same double (and 0 for -0). */
export function numText(x: number): string {
  return Object.is(x, -0) ? '0' : String(x);
}

function dateText(seconds: number, withTime: boolean): string {
  const ms = (seconds - SPSS_EPOCH_SECONDS) * 1000;
  const d = new Date(Math.round(ms));
  if (Number.isNaN(d.getTime())) return numText(seconds);
  const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ (years 0..9999)
  if (!withTime) return iso.slice(0, 10);
  return d.getUTCMilliseconds() === 0 ? iso.slice(0, 19) : iso.slice(0, 23);
}

const END = -1;
const NEED = -2;
/** Input ended before any byte of a case (only padding commands left): a clean end. */
const EMPTY = -3;
/** The end code (252) in the middle of a case. */
const CUT = -4;

/**
 * Decodes one bytecode-compressed case from buf at off into cur (uncompressed layout, the file's byte order).
 * Returns the offset after the case, END (code 252 before the case's first value), or NEED/EMPTY when the bytes
 * at hand do not hold the whole case; the command state is only updated on success.
 */
function decodeCase(
  buf: Buffer, off: number, cmd: { block: Buffer; i: number }, cur: Buffer, slots: number, bias: number, sysmis: Buffer, le: boolean,
): number {
  let p = off;
  let block = cmd.block;
  let i = cmd.i;
  let copied = false;
  for (let s = 0; s < slots; ) {
    if (i === 8) {
      if (p + 8 > buf.length) return s === 0 && p === buf.length ? EMPTY : NEED;
      block = buf.subarray(p, p + 8);
      copied = false;
      p += 8;
      i = 0;
    }
    const code = block[i++]!;
    if (code === 0) continue;
    if (code === 252) return s === 0 ? END : CUT;
    const o = s * 8;
    if (code === 253) {
      if (p + 8 > buf.length) return NEED;
      buf.copy(cur, o, p, p + 8);
      p += 8;
    } else if (code === 254) cur.fill(0x20, o, o + 8);
    else if (code === 255) sysmis.copy(cur, o);
    else if (le) cur.writeDoubleLE(code - bias, o);
    else cur.writeDoubleBE(code - bias, o);
    s++;
  }
  // The block may be a view on an input chunk that is dropped later: keep a copy.
  if (!copied && block !== cmd.block) cmd.block = Buffer.from(block);
  cmd.i = i;
  return p;
}
