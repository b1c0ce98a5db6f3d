// Reads a survey drop as CSV records with their physical line numbers, in bounded memory, and never loses a line.
//
// csv-parse does the parsing. What this module adds is containment of broken quoting: csv-parse's stream parser,
// given an unclosed quote, swallows the rest of the file into one record (or, with skip_records_with_error, drops
// it). So the input is cut into line-aligned chunks and each chunk goes through csv-parse's synchronous entry
// (same parser core, same options) with `raw` on. A record still open at the end of a chunk is carried into the
// next one; when it spans more than `maxRecordLines` lines or `maxRecordChars` characters, or ends the file
// still open, or comes back as a multi-line record that cannot be right (wrong field count, or a line break
// inside a column the caller declared single-line), its FIRST physical line is set aside as a BAD_QUOTING record
// (that line holds the quote that opened the span) and the following lines are parsed again on their own.
//
// Invariant (tested, and checked at the end of every read): the header, the emitted records and the blank lines
// cover the physical lines 1..N of the input exactly once, in order.
//
// Also handled here: UTF-8 and UTF-16LE byte-order marks, CRLF / LF / CR line breaks, the delimiter (`;` as
// Excel writes in the Indonesian locale, `,`, tab or `|`, sniffed from the header line), and the sha256 of the
// input bytes computed while streaming. Invalid UTF-8 bytes decode to U+FFFD (the hash is over the raw bytes).
import { createHash } from 'node:crypto';
import { TextDecoder } from 'node:util';
import { parse, type Options as CsvParseOptions } from 'csv-parse/sync';

export interface RawRecord {
  /** First physical line (1-based; the header line is 1 in a file without leading blank lines). */
  line: number;
  /** Physical lines spanned (more than 1 only with quoted line breaks). */
  lines: number;
  /** Parsed fields, or null when the line was set aside for broken quoting. */
  fields: string[] | null;
  /** Original text of the record without its final line break. */
  text: string;
}

export interface ReaderOptions {
  /** Force the delimiter; default: sniffed from the header line. */
  delimiter?: string;
  /** A quoted field may hold line breaks; a record over this many lines is treated as broken quoting. Default 50. */
  maxRecordLines?: number;
  /** Same, in characters. Default 1 MiB. */
  maxRecordChars?: number;
}

export interface ReaderInfo {
  encoding: 'utf-8' | 'utf-16le';
  bom: boolean;
  delimiter: string;
  lineBreak: 'CRLF' | 'LF' | 'CR' | 'none';
  bytes: number;
  sha256: string;
  /** Physical lines in the input (a final line without a line break counts). */
  lines: number;
  blankLines: number;
}

const DELIMITERS = [';', ',', '\t', '|'] as const;
/** Past this many broken lines in one chunk, lines are read one by one (keeps a pathological file linear). */
const MAX_BLAMES_PER_CHUNK = 16;

/** The candidate delimiter occurring most often in the header line (outside quotes); `,` on a tie or none. */
export function sniffDelimiter(headerLine: string): string {
  let best = ',';
  let bestCount = 0;
  const counts = new Map<string, number>();
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (DELIMITERS as readonly string[]).includes(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  for (const d of DELIMITERS) {
    const c = counts.get(d) ?? 0;
    if (c > bestCount) {
      best = d;
      bestCount = c;
    }
  }
  return best;
}

type InputChunk = Buffer | Uint8Array | string;
export type DropInput = AsyncIterable<InputChunk> | Iterable<InputChunk> | NodeJS.ReadableStream | string | Uint8Array;

function toAsyncIterable(input: DropInput): AsyncIterable<InputChunk> | Iterable<InputChunk> {
  if (typeof input === 'string' || input instanceof Uint8Array) return [input];
  return input as AsyncIterable<InputChunk>;
}

interface ParsedRec { record: string[]; raw: string }

/**
 * Streams RawRecord batches (one array per input chunk). The first non-blank, readable record is the header:
 * `onHeader` sees it first (set `singleLineColumns` there) so the records after it are judged knowing it.
 */
export class RecordReader {
  readonly info: ReaderInfo = {
    encoding: 'utf-8', bom: false, delimiter: ',', lineBreak: 'none', bytes: 0, sha256: '', lines: 0, blankLines: 0,
  };
  /** Field count of the header; records spanning lines with another count are broken quoting. */
  expectFields = -1;
  /** Column indices that can never hold a line break (every column the instrument declares). */
  singleLineColumns: readonly number[] = [];
  /** Called synchronously with the header's fields, before any data record is judged. */
  onHeader?: (fields: string[], line: number) => void;
  private headerSeen = false;

  private readonly maxLines: number;
  private readonly maxChars: number;
  private sep = '\n'; // the physical line break character ('\r' only for old Mac files)
  private parseOpts: CsvParseOptions = {};
  private fastOpts: CsvParseOptions = {};
  private readonly ends: number[] = [];
  private nextLine = 1;
  private carry = '';
  private skipped: { code: string; raw: string }[] = [];
  private breaksSeen = 0; // independent count of line breaks, for the coverage check

  constructor(private readonly opts: ReaderOptions = {}) {
    this.maxLines = opts.maxRecordLines ?? 50;
    this.maxChars = opts.maxRecordChars ?? 1 << 20;
  }

  async *batches(input: DropInput): AsyncGenerator<RawRecord[]> {
    const hash = createHash('sha256');
    let decoder: TextDecoder | null = null;
    let head: Buffer | null = Buffer.alloc(0); // bytes held until the BOM / encoding is known
    let pending = ''; // decoded text after the last line-aligned cut
    let configured = false;

    const feed = (text: string, final: boolean): RawRecord[] => {
      pending += text;
      if (!configured) {
        if (!this.configure(pending, final)) return [];
        configured = true;
      }
      const out: RawRecord[] = [];
      let cut: number;
      if (final) cut = pending.length;
      else {
        const i = pending.lastIndexOf(this.sep);
        if (i < 0) return out;
        cut = i + 1;
      }
      const chunk = pending.slice(0, cut);
      pending = pending.slice(cut);
      this.countBreaks(chunk);
      const text2 = this.carry + chunk;
      this.carry = '';
      this.consume(text2, final, out);
      return out;
    };

    for await (const c of toAsyncIterable(input)) {
      const buf = typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
      if (buf.length === 0) continue;
      hash.update(buf);
      this.info.bytes += buf.length;
      let text: string;
      if (decoder === null) {
        head = Buffer.concat([head!, buf]);
        if (head.length < 3) continue;
        decoder = this.startDecoder(head);
        text = decoder.decode(head, { stream: true });
        head = null;
      } else {
        text = decoder.decode(buf, { stream: true });
      }
      const batch = feed(text, false);
      if (batch.length) yield batch;
    }
    let tail = '';
    if (decoder === null) {
      decoder = this.startDecoder(head!);
      tail = decoder.decode(head!);
    } else tail = decoder.decode();
    const last = feed(tail, true);
    if (last.length) yield last;
    this.info.sha256 = hash.digest('hex');
    this.finishLineCount();
  }

  private startDecoder(head: Buffer): TextDecoder {
    if (head[0] === 0xff && head[1] === 0xfe) {
      this.info.encoding = 'utf-16le';
      this.info.bom = true;
      return new TextDecoder('utf-16le');
    }
    this.info.bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
    return new TextDecoder('utf-8'); // strips a UTF-8 BOM, replaces invalid bytes with U+FFFD
  }

  /** Decides line break and delimiter from the first non-blank line; false while more text is needed. */
  private configure(text: string, final: boolean): boolean {
    let start = 0;
    let sep = '\n';
    let kind: ReaderInfo['lineBreak'] = 'none';
    for (;;) {
      const m = /[\r\n]/.exec(start === 0 ? text : text.slice(start));
      if (!m) {
        if (!final) return false;
        this.setup(text.slice(start), sep, kind); // no line break after the last non-blank text
        return true;
      }
      const at = start + m.index;
      if (text[at] === '\r') {
        if (at + 1 >= text.length && !final) return false; // \r or \r\n? wait for the next character
        if (text[at + 1] === '\n') {
          sep = '\n';
          kind = 'CRLF';
        } else {
          sep = '\r';
          kind = 'CR';
        }
      } else {
        sep = '\n';
        kind = 'LF';
      }
      const line = text.slice(start, at);
      if (line.trim() !== '') {
        this.setup(line, sep, kind);
        return true;
      }
      start = at + (kind === 'CRLF' ? 2 : 1); // a blank line before the header: look at the next one
    }
  }

  private setup(headerLine: string, sep: string, kind: ReaderInfo['lineBreak']): void {
    this.sep = sep;
    this.info.lineBreak = kind;
    const delimiter = this.opts.delimiter ?? sniffDelimiter(headerLine);
    this.info.delimiter = delimiter;
    this.parseOpts = {
      delimiter,
      quote: '"',
      escape: '"',
      bom: false,
      relax_quotes: true,
      relax_column_count: true,
      skip_records_with_error: true,
      raw: true,
      // CRLF files may have LF-only lines (concatenated exports); an LF file needs only '\n' (cheaper per byte).
      record_delimiter: sep === '\r' ? ['\r'] : kind === 'CRLF' ? ['\r\n', '\n'] : ['\n'],
      on_skip: (err: { code?: string } | undefined, raw: string | undefined) => {
        this.skipped.push({ code: err?.code ?? 'UNKNOWN', raw: raw ?? '' });
        return undefined;
      },
    };
    this.fastOpts = { ...this.parseOpts, raw: false };
  }

  /**
   * The common case, without csv-parse's per-byte `raw` bookkeeping: when the text has as many records as
   * physical lines and nothing was skipped, record k is line k. False (nothing emitted) otherwise.
   */
  private tryOneRecordPerLine(text: string, out: RawRecord[]): boolean {
    this.skipped = [];
    const recs = parse(text, this.fastOpts) as string[][];
    if (this.skipped.length > 0) return false;
    const ends = this.ends;
    ends.length = 0;
    const sep = this.sep;
    for (let pos = 0; pos < text.length; ) {
      const i = text.indexOf(sep, pos);
      if (i < 0) {
        ends.push(text.length);
        break;
      }
      ends.push(i);
      pos = i + 1;
    }
    if (ends.length !== recs.length) return false;
    const crlf = sep === '\n';
    let start = 0;
    for (let k = 0; k < recs.length; k++) {
      let end = ends[k]!;
      const next = end + 1;
      if (crlf && end > start && text.charCodeAt(end - 1) === 13) end--;
      const fields = recs[k]!;
      const line = this.nextLine++;
      const lineText = text.slice(start, end);
      start = next;
      if (fields.length === 1 && lineText.trim() === '') {
        this.info.blankLines++;
        continue;
      }
      this.push({ line, lines: 1, fields, text: lineText }, out);
    }
    return true;
  }

  /** Parses line-aligned text (the whole rest of the file when final); appends records; may leave a carry. */
  private consume(text: string, final: boolean, out: RawRecord[]): void {
    if (this.tryOneRecordPerLine(text, out)) return;
    let t = text;
    let blamed = 0;
    outer: while (t.length > 0) {
      if (blamed > MAX_BLAMES_PER_CHUNK) {
        this.lineByLine(t, out); // a text this broken: stop pairing quotes across lines at all
        return;
      }
      this.skipped = [];
      const recs = parse(t, this.parseOpts) as unknown as ParsedRec[];
      const skips = this.skipped;
      let linesDone = 0;
      for (const r of recs) {
        const n = this.emit(r.record, r.raw, out);
        if (n === 0) {
          // Its first line was set aside: read again from the next line, through the end of the text, so a
          // record that the misplaced quote cut short is read whole this time.
          blamed++;
          t = t.slice(this.offsetAfterLines(t, linesDone + 1));
          continue outer;
        }
        linesDone += n;
      }
      if (skips.length === 0) return;
      // With relax_quotes and relax_column_count the only error csv-parse reports is a quote still open at
      // the end of the text; any other would be a record it dropped, which we must not lose either.
      for (let k = 0; k < skips.length - 1; k++) this.setAside(skips[k]!.raw, out);
      const last = skips[skips.length - 1]!;
      const open = last.raw;
      if (!final && last.code === 'CSV_QUOTE_NOT_CLOSED' && this.physicalLines(open) <= this.maxLines && open.length <= this.maxChars) {
        this.carry = open; // may still close in the next chunk
        return;
      }
      blamed++;
      t = this.setAsideFirstLine(open, out);
    }
  }

  /** Every physical line on its own: a line that is not one complete record is set aside. */
  private lineByLine(text: string, out: RawRecord[]): void {
    let pos = 0;
    while (pos < text.length) {
      const i = text.indexOf(this.sep, pos);
      const end = i < 0 ? text.length : i;
      const line = this.stripBreak(text.slice(pos, i < 0 ? end : end + 1));
      pos = i < 0 ? text.length : end + 1;
      this.skipped = [];
      const recs = parse(line, this.fastOpts) as string[][];
      if (this.skipped.length === 0 && recs.length === 1) {
        const n = this.nextLine++;
        if (recs[0]!.length === 1 && line.trim() === '') this.info.blankLines++;
        else this.push({ line: n, lines: 1, fields: recs[0]!, text: line }, out);
      } else if (line.trim() === '') {
        this.nextLine++;
        this.info.blankLines++;
      } else {
        out.push({ line: this.nextLine++, lines: 1, fields: null, text: line });
      }
    }
  }

  /** Offset just after the k-th line break of `text` (k >= 1), or the text's length. */
  private offsetAfterLines(text: string, k: number): number {
    let pos = 0;
    for (let n = 0; n < k; n++) {
      const i = text.indexOf(this.sep, pos);
      if (i < 0) return text.length;
      pos = i + 1;
    }
    return pos;
  }

  /** Emits a record (or counts a blank line); returns the lines it covered, or 0 when it had to be blamed. */
  private emit(fields: string[], raw: string, out: RawRecord[]): number {
    const text = this.stripBreak(raw);
    const firstBreak = text.indexOf(this.sep);
    if (firstBreak < 0) {
      const line = this.nextLine++;
      if (fields.length === 1 && text.trim() === '') this.info.blankLines++;
      else this.push({ line, lines: 1, fields, text }, out);
      return 1;
    }
    const lines = this.physicalLines(text);
    if (lines <= this.maxLines && text.length <= this.maxChars && this.multilineOk(fields)) {
      this.push({ line: this.nextLine, lines, fields, text }, out);
      this.nextLine += lines;
      return lines;
    }
    // A span that cannot be one record: its first line holds the quote that opened it.
    this.setAsideFirstLine(text, out);
    return 0;
  }

  private push(rec: RawRecord, out: RawRecord[]): void {
    if (!this.headerSeen && rec.fields !== null) {
      this.headerSeen = true;
      this.expectFields = rec.fields.length;
      this.onHeader?.(rec.fields, rec.line);
    }
    out.push(rec);
  }

  private multilineOk(fields: string[]): boolean {
    if (this.expectFields < 0) return true;
    if (fields.length !== this.expectFields) return false;
    for (const j of this.singleLineColumns) {
      const f = fields[j];
      if (f !== undefined && (f.includes('\n') || f.includes('\r'))) return false;
    }
    return true;
  }

  /** Emits the first physical line of `text` as BAD_QUOTING and returns the text after it. */
  private setAsideFirstLine(text: string, out: RawRecord[]): string {
    const i = text.indexOf(this.sep);
    const first = i < 0 ? text : text.slice(0, i);
    out.push({ line: this.nextLine++, lines: 1, fields: null, text: this.stripBreak(first) });
    return i < 0 ? '' : text.slice(i + 1);
  }

  /** A whole dropped span as BAD_QUOTING lines (defensive; see consume). */
  private setAside(raw: string, out: RawRecord[]): void {
    let t = this.stripBreak(raw);
    while (t.length > 0) t = this.setAsideFirstLine(t, out);
  }

  private stripBreak(raw: string): string {
    let end = raw.length;
    if (this.sep === '\n') {
      if (end > 0 && raw.charCodeAt(end - 1) === 10) end--;
      if (end > 0 && raw.charCodeAt(end - 1) === 13) end--;
    } else if (end > 0 && raw.charCodeAt(end - 1) === 13) end--;
    return end === raw.length ? raw : raw.slice(0, end);
  }

  /** Lines of a text that may or may not end with a line break. */
  private physicalLines(text: string): number {
    if (text.length === 0) return 0;
    let n = 0;
    for (let i = text.indexOf(this.sep); i >= 0; i = text.indexOf(this.sep, i + 1)) n++;
    return text.endsWith(this.sep) ? n : n + 1;
  }

  private lastChunkEndedWithBreak = true;
  private sawText = false;
  private countBreaks(chunk: string): void {
    if (chunk.length === 0) return;
    for (let i = chunk.indexOf(this.sep); i >= 0; i = chunk.indexOf(this.sep, i + 1)) this.breaksSeen++;
    this.lastChunkEndedWithBreak = chunk.endsWith(this.sep);
    this.sawText = true;
  }

  private finishLineCount(): void {
    const lines = this.breaksSeen + (this.sawText && !this.lastChunkEndedWithBreak ? 1 : 0);
    this.info.lines = lines;
    if (this.nextLine - 1 !== lines) {
      throw new Error(`internal error: records cover lines 1..${this.nextLine - 1} but the input has ${lines} lines`);
    }
  }
}
