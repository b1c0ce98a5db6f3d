// Reads a survey drop as CSV records with their physical line numbers, in linear time and bounded memory, and
// never loses a line.
//
// csv-parse parses the fields. What this module adds:
//
// - Record boundaries found by its own scan of the bytes, which follows csv-parse's quoting rules (relax_quotes:
//   a quote opens a quoted field only as a field's first character; inside one, `""` is a quote and any other
//   quote closes it). The scan keeps its position and quote state across input chunks, so no text is looked at
//   twice; complete one-line records are handed to csv-parse's synchronous entry in groups (one call per group),
//   a record spanning lines on its own.
// - Containment of broken quoting (csv-parse alone, given an unclosed quote, swallows the rest of the file): a
//   quoted span that runs over `maxRecordLines` lines or `maxLineBytes` bytes, ends the file still open, or parses
//   into a record that cannot be right (field count unlike the header's, or a line break in a column the caller
//   declared single-line) has its FIRST physical line set aside as a BAD_QUOTING record (that line holds the
//   quote that opened the span) and the lines after it scanned again on their own. More than 16 set-aside lines
//   in a row switch to reading line by line (a quote left open at a line's end sets that line aside) until a line
//   reads as a record, so even a file where every line is broken is read in linear time.
// - Limits: a record longer than `maxLineBytes`, or with a field longer than `maxFieldBytes`, comes out as a
//   LINE_TOO_LONG record that keeps its line number and its first KEPT_BYTES bytes (plus a marker saying how many
//   were cut). A line that goes over the line limit is not held: from there on only its end is looked for, and
//   that end is its next line break, inside quotes or not (a quoted field over the limit cannot be told from an
//   unclosed quote, and a limit that waited for a closing quote would not bound anything). The lines after it are
//   read as usual. So a record over the line limit is always one physical line; a quoted span that goes over it
//   on a later line is broken quoting (above). The field limit is checked on parsed records (they are at most
//   maxLineBytes long), and counts the field's text, without its quotes.
// - Encoding: UTF-8 (BOM or not), UTF-16LE with its BOM, and Windows-1252 (Excel's "CSV" on a Western Windows)
//   when the first SNIFF_BYTES of the file are not valid UTF-8 (a character cut by the window's end is allowed).
//   In a file read as UTF-8, a record with invalid UTF-8 bytes is still parsed (the bytes become U+FFFD) and
//   comes out flagged BAD_ENCODING rather than silently mangled. UTF-16 text is converted to UTF-8 before the
//   scan, so there the limits count UTF-8 bytes. The scan looks for ASCII bytes only (quote, delimiter, CR, LF):
//   in UTF-8 they are never part of a longer character, and Windows-1252 has one byte a character.
// - Line breaks CRLF / LF / CR (the header line's decides), the delimiter (`;` as Excel writes in the Indonesian
//   locale, `,`, tab or `|`, sniffed from the header line), and the sha256 of the input bytes, computed while
//   streaming.
//
// Memory: the bytes of the record being scanned (at most maxLineBytes), one group of complete records (at most
// GROUP_BYTES plus one record) and the input chunk. Input chunks are referenced, not copied, until their records
// are parsed: a caller must not reuse a chunk's memory after handing it over.
//
// Invariant (tested, and checked at the end of every read): the header, the emitted records and the blank lines
// cover the physical lines 1..N of the input exactly once, in order.
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { TextDecoder } from 'node:util';
import { parse, type Options as CsvParseOptions } from 'csv-parse/sync';

export interface RawRecord {
  /** First physical line (1-based; the header line is 1 in a file without leading blank lines). */
  line: number;
  /** Physical lines spanned (more than 1 only with quoted line breaks). */
  lines: number;
  /**
   * Parsed fields, or null when the line was set aside for broken quoting. With `issue` LINE_TOO_LONG: the
   * cells of the kept start of the line (the last one cut), or the fields with the over-long ones cut.
   */
  fields: string[] | null;
  /** Original text of the record without its final line break (LINE_TOO_LONG: its start and a marker). */
  text: string;
  /** Set when the record cannot be used as it is; `fields` then are for showing only. */
  issue?: RecordIssue;
}

export interface RecordIssue {
  code: 'LINE_TOO_LONG' | 'BAD_ENCODING';
  /** For people: the sizes and the limit, or where the bad bytes are. */
  detail: string;
}

export interface ReaderOptions {
  /** Force the delimiter (one ASCII character); default: sniffed from the header line. */
  delimiter?: string;
  /** A quoted field may hold line breaks; a record over this many lines is treated as broken quoting. Default 50. */
  maxRecordLines?: number;
  /** A record (a line, or a quoted span of lines) over this many bytes is not read: see the file header. Default 1 MiB. */
  maxLineBytes?: number;
  /** A field over this many bytes makes its record LINE_TOO_LONG. Default 64 KiB. */
  maxFieldBytes?: number;
}

/**
 * Defaults of the limits. A survey row is a few hundred bytes; a free-text comment a few KB. 64 KiB a field is
 * ten pages of text, far above any real answer, and keeps a rejects file readable; 1 MiB a line leaves room for
 * a wide instrument with many such comments while bounding what one line can cost.
 */
export const DEFAULT_MAX_LINE_BYTES = 1 << 20;
export const DEFAULT_MAX_FIELD_BYTES = 64 << 10;
/** Bytes of an over-long line kept in its record's text. */
export const KEPT_BYTES = 1024;
/** The start of the file that decides between UTF-8 and Windows-1252. */
export const SNIFF_BYTES = 64 << 10;

export interface ReaderInfo {
  encoding: 'utf-8' | 'utf-16le' | 'windows-1252';
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
/** Past this many set-aside lines in a row, lines are read one by one (keeps a pathological file linear). */
const MAX_BLAME_STREAK = 16;
/** Complete one-line records are parsed together once this many bytes are waiting (and at each chunk's end). */
const GROUP_BYTES = 256 << 10;
const LF = 10;
const CR = 13;
const QUOTE = 34;

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

/** Offset of the first byte that is not valid UTF-8 (a truncated sequence at the end counts), or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  const n = b.length;
  for (let i = 0; i < n; ) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      else if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      else if (c === 0xf4) hi = 0x8f;
    } else return i;
    if (i + need >= n) return i; // cut short
    const c1 = b[i + 1]!;
    if (c1 < lo || c1 > hi) return i;
    for (let k = 2; k <= need; k++) if ((b[i + k]! & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return -1;
}

/** True when `b` is valid UTF-8 but maybe for an incomplete character at its very end (cut by a window). */
function utf8Head(b: Buffer, complete: boolean): boolean {
  if (isUtf8(b)) return true;
  if (complete) return false;
  let i = b.length - 1;
  while (i >= 0 && b.length - i <= 3 && (b[i]! & 0xc0) === 0x80) i--;
  if (i < 0 || b[i]! < 0xc2 || b.length - i > 3) return false;
  return isUtf8(b.subarray(0, i));
}

/**
 * Whether the bytes hold at least one well-formed multi-byte UTF-8 sequence (2-4 bytes, no overlong forms or
 * surrogates). A file with such a sequence is UTF-8 even if a stray invalid byte follows (that row is rejected
 * BAD_ENCODING); Windows-1252 text practically never forms one (it would read as mojibake like "Ã©").
 */
function hasUtf8MultiByte(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c < 0xc2 || c > 0xf4) continue;
    const n = c < 0xe0 ? 1 : c < 0xf0 ? 2 : 3; // continuation bytes
    if (i + n >= b.length) continue;
    let ok = true;
    for (let k = 1; ok && k <= n; k++) ok = (b[i + k]! & 0xc0) === 0x80;
    if (!ok) continue;
    const c1 = b[i + 1]!;
    if ((c === 0xe0 && c1 < 0xa0) || (c === 0xed && c1 > 0x9f) || (c === 0xf0 && c1 < 0x90) || (c === 0xf4 && c1 > 0x8f)) continue;
    return true;
  }
  return false;
}

type InputChunk = Buffer | Uint8Array | string;
export type DropInput = AsyncIterable<InputChunk> | Iterable<InputChunk> | NodeJS.ReadableStream | string | Uint8Array;

function toAsyncIterable(input: DropInput): AsyncIterable<InputChunk> | Iterable<InputChunk> {
  if (typeof input === 'string' || input instanceof Uint8Array) return [input];
  return input as AsyncIterable<InputChunk>;
}

const fmt = (n: number) => n.toLocaleString('en');

// Windows-1252 is Latin-1 but for 0x80-0x9F. Node's TextDecoder('windows-1252') decodes those as Latin-1's C1
// controls (Node 20.20: 0x80 gives U+0080, not €), so they are mapped here (WHATWG's table; 0x81, 0x8D, 0x8F,
// 0x90 and 0x9D have no character and stay U+0081 etc., as WHATWG says).
const CP1252_80_9F = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';
const C1 = /[\u0080-\u009f]/g;
const fromC1 = (c: string) => CP1252_80_9F[c.charCodeAt(0) - 0x80]!;
/** Windows-1252 bytes as text (checked against Python's cp1252 codec for 0x80-0x9F). */
export function decodeWindows1252(b: Buffer): string {
  return b.toString('latin1').replace(C1, fromC1);
}

/** Takes the first `n` bytes off a list of buffers (n <= their total). */
function takeBytes(parts: Buffer[], n: number): Buffer {
  if (n === 0) return Buffer.alloc(0);
  let k = 0;
  let got = 0;
  while (got + parts[k]!.length <= n) {
    got += parts[k]!.length;
    k++;
    if (got === n) break;
  }
  const head = parts.splice(0, k);
  if (got < n) {
    const p = parts[0]!;
    head.push(p.subarray(0, n - got));
    parts[0] = p.subarray(n - got);
  }
  return head.length === 1 ? head[0]! : Buffer.concat(head, n);
}

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
  /**
   * Bytes looked at: by the record scan (each search counted over the span it covered, re-reads after a
   * set-aside line included) and by csv-parse. Linear in the input; exposed so tests can prove it.
   */
  work = 0;

  private readonly maxLines: number;
  private readonly maxLineBytes: number;
  private readonly maxFieldBytes: number;
  /** Bytes a record may reach before its bytes stop being held: one more in LF mode, for the CR of a CRLF. */
  private limit = 0;
  /** Bytes of an over-long line or field kept: KEPT_BYTES, or less under smaller limits. */
  private readonly kept: number;
  private headerSeen = false;
  private out: RawRecord[] = [];
  private nextLine = 1;
  private breaksSeen = 0; // independent count of line breaks, for the coverage check
  private endsWithBreak = true;
  private sawBytes = false;

  // Encoding
  private utf8 = true; // read as UTF-8: records are checked for invalid bytes
  private cp1252 = false;
  private utf16: TextDecoder | null = null;

  // Before the header line: the first non-blank line decides line break and delimiter.
  private configured = false;
  private pre: Buffer[] = []; // the line so far (without its break), at most maxLineBytes + 2 bytes of it
  private preLen = 0;
  private preSkipped = 0; // bytes of that line not held
  private preCR = false; // the last chunk ended with a CR: CRLF or CR?
  private skipBonus = 0; // bytes of an over-long header line never handed to the scan

  // Parsing set-up
  private sep = LF; // the physical line break byte (CR only for old Mac files)
  private delim = 44;
  private parseOpts: CsvParseOptions = {};
  private skipped = 0;

  // The scan. Bytes not parsed yet: `pend`, then the chunk being scanned from `bStart`. The first `recOff` of
  // them are complete one-line records (`groupCount` of them); the rest is the record being scanned.
  private queue: Buffer[] = []; // chunks to scan, in order (a set-aside line's followers come back here)
  private pend: Buffer[] = [];
  private pendLen = 0;
  private bStart = 0;
  private recOff = 0;
  private groupCount = 0;
  private inQuotes = false;
  private quoteAtEnd = false; // inside quotes, a chunk ended with a quote: escape or close depends on the next byte
  private prevByte = -1; // last byte of the previous chunk, while the record is not empty
  private recLines = 0; // line breaks inside the record so far
  private firstBreak = -1; // offset in the record of its first line break
  private skipping = false; // over the line limit: looking for the line's end only
  private tooLongHead: Buffer = Buffer.alloc(0);
  private tooLongBytes = 0;
  private lastSkippedCR = false;
  private streak = 0; // set-aside lines in a row
  private lineMode = false;

  constructor(private readonly opts: ReaderOptions = {}) {
    this.maxLines = opts.maxRecordLines ?? 50;
    this.maxLineBytes = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.maxFieldBytes = opts.maxFieldBytes ?? DEFAULT_MAX_FIELD_BYTES;
    for (const [k, v] of [['maxRecordLines', this.maxLines], ['maxLineBytes', this.maxLineBytes], ['maxFieldBytes', this.maxFieldBytes]] as const) {
      if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`ReaderOptions.${k} must be a whole number >= 1, got ${v}`);
    }
    this.kept = Math.min(KEPT_BYTES, this.maxLineBytes, this.maxFieldBytes);
    const d = opts.delimiter;
    if (d !== undefined && (d.length !== 1 || d.charCodeAt(0) > 127 || d === '"' || d === '\r' || d === '\n')) {
      throw new RangeError(`the delimiter must be one ASCII character other than a quote or a line break, got ${JSON.stringify(d)}`);
    }
  }

  async *batches(input: DropInput): AsyncGenerator<RawRecord[]> {
    const hash = createHash('sha256');
    let head: Buffer[] | null = []; // chunks held until the encoding is known
    let headLen = 0;
    for await (const c of toAsyncIterable(input)) {
      const buf = typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
      if (buf.length === 0) continue;
      hash.update(buf);
      this.info.bytes += buf.length;
      if (head !== null) {
        head.push(buf);
        headLen += buf.length;
        if (headLen < SNIFF_BYTES) continue;
        this.startWith(head, false);
        head = null;
      } else this.feed(buf);
      if (this.out.length) yield this.take();
    }
    if (head !== null) this.startWith(head, true);
    if (this.utf16) this.feedBytes(Buffer.from(this.utf16.decode(), 'utf8'));
    this.finish();
    if (this.out.length) yield this.take();
    this.info.sha256 = hash.digest('hex');
    this.finishLineCount();
  }

  private take(): RawRecord[] {
    const o = this.out;
    this.out = [];
    return o;
  }

  /** Decides the encoding from the first chunks, then reads them (in the same pieces, so chunking never matters). */
  private startWith(head: Buffer[], complete: boolean): void {
    const all = Buffer.concat(head);
    let skip = 0;
    if (all[0] === 0xff && all[1] === 0xfe) {
      this.info.encoding = 'utf-16le';
      this.info.bom = true;
      this.utf16 = new TextDecoder('utf-16le'); // strips the BOM; the text is scanned as UTF-8
      this.utf8 = false;
    } else if (all[0] === 0xef && all[1] === 0xbb && all[2] === 0xbf) {
      this.info.bom = true;
      skip = 3;
    } else if (!utf8Head(all.subarray(0, SNIFF_BYTES), complete && all.length <= SNIFF_BYTES) && !hasUtf8MultiByte(all.subarray(0, SNIFF_BYTES))) {
      // Not UTF-8 and no sign of it: Windows-1252 (Indonesian Excel's "CSV" save). A UTF-8 file with a stray bad
      // byte stays UTF-8, and the row holding that byte is rejected BAD_ENCODING rather than the file mangled.
      this.info.encoding = 'windows-1252';
      this.cp1252 = true;
      this.utf8 = false;
    }
    for (const b of head) {
      const k = Math.min(skip, b.length);
      skip -= k;
      this.feed(k ? b.subarray(k) : b);
    }
  }

  private decode(b: Buffer): string {
    return this.cp1252 ? decodeWindows1252(b) : b.toString('utf8');
  }

  /** Input bytes of decoded text (UTF-16 input: its UTF-8 bytes). */
  private byteLength(s: string): number {
    return this.cp1252 ? s.length : Buffer.byteLength(s);
  }

  private feed(raw: Buffer): void {
    this.feedBytes(this.utf16 ? Buffer.from(this.utf16.decode(raw, { stream: true }), 'utf8') : raw);
  }

  private feedBytes(b: Buffer): void {
    if (b.length === 0) return;
    if (!this.configured) {
      const rest = this.configure(b, false);
      if (rest === null) return;
      for (const r of rest) this.scanInput(r);
    } else this.scanInput(b);
    this.flushGroup();
  }

  /** A chunk of the input proper (not a re-read): its line breaks are counted for the coverage check, then scanned. */
  private scanInput(b: Buffer): void {
    if (b.length === 0) return;
    const sep = this.sep;
    for (let i = b.indexOf(sep); i >= 0; i = b.indexOf(sep, i + 1)) this.breaksSeen++;
    this.endsWithBreak = b[b.length - 1] === sep;
    this.sawBytes = true;
    this.queue.push(b);
    this.pump();
  }

  private pump(): void {
    while (this.queue.length > 0) this.scan(this.queue.shift()!);
  }

  // ---- Before the header ---------------------------------------------------------------------------------------

  /**
   * Looks for the first non-blank line (blank lines before it are counted here, each with its own line break);
   * once its line break is known, sets up the scan and returns the bytes to scan from that line on. Null while
   * more input is needed.
   */
  private configure(b: Buffer, final: boolean): Buffer[] | null {
    let pos = 0;
    for (;;) {
      let kind: ReaderInfo['lineBreak'];
      let breakEnd: number; // just after the line break in b
      if (this.preCR) {
        this.preCR = false;
        kind = b[0] === LF ? 'CRLF' : 'CR';
        breakEnd = kind === 'CRLF' ? 1 : 0;
      } else {
        let i = pos;
        while (i < b.length && b[i] !== LF && b[i] !== CR) i++;
        this.work += i - pos + 1;
        this.holdPre(b.subarray(pos, i));
        if (i === b.length) {
          if (!final) return null;
          if (this.preLen === 0) return [];
          return this.startScan('none', Buffer.alloc(0));
        }
        if (b[i] === LF) kind = 'LF';
        else if (i + 1 < b.length) kind = b[i + 1] === LF ? 'CRLF' : 'CR';
        else if (final) kind = 'CR';
        else {
          this.preCR = true;
          return null;
        }
        breakEnd = i + (kind === 'CRLF' ? 2 : 1);
      }
      if (this.preSkipped > 0 || this.decode(Buffer.concat(this.pre)).trim() !== '') {
        return this.startScan(kind, b.subarray(breakEnd));
      }
      // A blank line before the header.
      this.nextLine++;
      this.info.blankLines++;
      this.breaksSeen++;
      this.pre = [];
      this.preLen = 0;
      pos = breakEnd;
    }
  }

  private holdPre(part: Buffer): void {
    const room = this.maxLineBytes + 2 - this.preLen;
    if (part.length <= room) {
      if (part.length) this.pre.push(part);
      this.preLen += part.length;
    } else {
      if (room > 0) {
        this.pre.push(part.subarray(0, room));
        this.preLen += room;
      }
      this.preSkipped += part.length - Math.max(room, 0);
    }
  }

  /** Sets line break and delimiter from the header line held in `pre`; returns what to scan from it on. */
  private startScan(kind: ReaderInfo['lineBreak'], rest: Buffer): Buffer[] {
    const held = Buffer.concat(this.pre);
    this.setup(this.decode(held), kind);
    this.configured = true;
    this.skipBonus = this.preSkipped;
    this.pre = [];
    const brk = kind === 'CRLF' ? [CR, LF] : kind === 'CR' ? [CR] : kind === 'LF' ? [LF] : [];
    return [held, Buffer.from(brk), rest];
  }

  private setup(headerLine: string, kind: ReaderInfo['lineBreak']): void {
    this.sep = kind === 'CR' ? CR : LF;
    this.limit = this.maxLineBytes + (this.sep === LF ? 1 : 0);
    this.info.lineBreak = kind;
    const delimiter = this.opts.delimiter ?? sniffDelimiter(headerLine);
    this.info.delimiter = delimiter;
    this.delim = delimiter.charCodeAt(0);
    this.parseOpts = {
      delimiter,
      quote: '"',
      escape: '"',
      bom: false,
      relax_quotes: true,
      relax_column_count: true,
      skip_records_with_error: true,
      // CRLF files may have LF-only lines (concatenated exports); an LF file needs only '\n' (cheaper per byte).
      record_delimiter: kind === 'CR' ? ['\r'] : kind === 'CRLF' ? ['\r\n', '\n'] : ['\n'],
      on_skip: () => {
        this.skipped++;
        return undefined;
      },
    };
  }

  // ---- The scan ------------------------------------------------------------------------------------------------

  /**
   * Scans one chunk for record ends, following csv-parse's quoting. Stops early when a line was set aside:
   * the bytes to read again and the chunk's rest are then at the front of the queue.
   */
  private scan(b: Buffer): void {
    const n = b.length;
    const sep = this.sep;
    let i = 0;
    this.bStart = 0;
    // Next line break / quote at or after i (n when none); searched again only once i has passed them.
    let sepAt = -1;
    let quoteAt = -1;
    if (this.quoteAtEnd && n > 0) {
      this.quoteAtEnd = false;
      if (b[0] === QUOTE) i = 1; // `""` across chunks: still quoted
      else this.inQuotes = false;
    }
    while (i < n) {
      if (sepAt < i) {
        const j = b.indexOf(sep, i);
        sepAt = j < 0 ? n : j;
        this.work += sepAt - i + 1;
      }
      const e = sepAt;
      if (this.skipping) {
        if (e > i) this.lastSkippedCR = b[e - 1] === CR;
        this.tooLongBytes += e - i;
        i = e;
        this.bStart = e;
        if (e === n) break;
        this.endTooLong();
        i = this.bStart = e + 1;
        continue;
      }
      if (quoteAt < i) {
        const j = b.indexOf(QUOTE, i);
        quoteAt = j < 0 ? n : j;
        this.work += quoteAt - i + 1;
      }
      const q = quoteAt;
      const x = e < q ? e : q; // the next byte that matters
      const recLen = this.pendLen + (i - this.bStart) - this.recOff; // bytes of the record before i
      if (recLen + (x - i) > this.limit) {
        // Over the line limit before x: stop holding the record's bytes there.
        const p = i + this.limit + 1 - recLen;
        if (this.overLimit(b, p)) return;
        i = p;
        continue;
      }
      if (x === n) break;
      if (!this.inQuotes) {
        if (q < e) {
          // A quote opens a quoted field only as the field's first character.
          if (recLen + (q - i) === 0 || (q > 0 ? b[q - 1] : this.prevByte) === this.delim) this.inQuotes = true;
          i = q + 1;
          continue;
        }
        // A line break outside quotes: the record ends.
        const len = recLen + (e - i);
        if (len > this.maxLineBytes && (e > 0 ? b[e - 1] : this.prevByte) !== CR) {
          // One byte over (LF mode), without a CR to discount.
          if (this.overLimit(b, e)) return;
          i = e;
          continue;
        }
        i = e + 1;
        if (this.recLines > 0) {
          if (this.endMultiLine(b, i)) return;
          continue;
        }
        this.groupCount++;
        this.recOff = this.pendLen + (i - this.bStart);
        this.endRecord();
        this.streak = 0;
        this.lineMode = false;
        if (this.recOff >= GROUP_BYTES) {
          this.materialize(b, i);
          this.flushGroup();
        }
        continue;
      }
      if (e < q) {
        // A line break inside quotes.
        if (this.recLines === 0) this.firstBreak = recLen + (e - i);
        i = e + 1;
        if (this.lineMode) {
          // Reading line by line: a quote still open at the line's end sets the line aside.
          this.materialize(b, i);
          this.flushGroup();
          this.endRecord();
          this.setAside(takeBytes(this.pend, this.pendLen));
          this.pendLen = 0;
          continue;
        }
        this.recLines++;
        if (this.recLines >= this.maxLines) {
          // The span runs over maxRecordLines lines.
          this.blame(b, i);
          return;
        }
        continue;
      }
      // A quote inside quotes: `""` is a quote, anything else after it closes the field.
      if (q + 1 === n) {
        this.quoteAtEnd = true;
        i = n;
        break;
      }
      if (b[q + 1] === QUOTE) i = q + 2;
      else {
        this.inQuotes = false;
        i = q + 1;
      }
    }
    if (!this.skipping) this.materialize(b, n);
    if (n > 0 && this.pendLen > this.recOff) this.prevByte = b[n - 1]!;
  }

  /** Moves b[bStart, i) into pend. */
  private materialize(b: Buffer, i: number): void {
    if (i > this.bStart) {
      this.pend.push(b.subarray(this.bStart, i));
      this.pendLen += i - this.bStart;
      this.bStart = i;
    }
  }

  private endRecord(): void {
    this.inQuotes = false;
    this.quoteAtEnd = false;
    this.prevByte = -1;
    this.recLines = 0;
    this.firstBreak = -1;
  }

  /**
   * The record is over the line limit at `p` (its bytes from there on are not held). Still on its first line:
   * it becomes LINE_TOO_LONG and the scan looks for the line's end only (returns false: go on at p). A quoted
   * span over several lines: broken quoting (returns true: the scan of b stops, see blame).
   */
  private overLimit(b: Buffer, p: number): boolean {
    if (this.recLines > 0) {
      this.blame(b, p);
      return true;
    }
    this.materialize(b, p);
    this.flushGroup();
    const len = this.pendLen;
    const last = this.pend[this.pend.length - 1];
    this.lastSkippedCR = last !== undefined && last[last.length - 1] === CR;
    this.tooLongHead = takeBytes(this.pend, Math.min(len, this.kept + 4));
    this.pend = [];
    this.pendLen = 0;
    this.recOff = 0;
    this.tooLongBytes = len;
    this.skipping = true;
    this.endRecord();
    return false;
  }

  /** The over-long line has ended (at a line break, or at the end of the input). */
  private endTooLong(): void {
    let bytes = this.tooLongBytes + this.skipBonus;
    this.skipBonus = 0;
    if (this.sep === LF && this.lastSkippedCR) bytes--; // the CR of a CRLF is not part of the line
    const h = this.tooLongHead;
    let k = Math.min(this.kept, h.length, bytes);
    if (!this.cp1252) while (k > 0 && k < h.length && (h[k]! & 0xc0) === 0x80) k--; // whole characters
    const start = this.decode(h.subarray(0, k));
    const mark = this.marker(bytes - k);
    this.skipping = false;
    this.tooLongHead = Buffer.alloc(0);
    this.tooLongBytes = 0;
    this.lastSkippedCR = false;
    const cells = this.cellsOf(start);
    cells[cells.length - 1] += mark;
    this.emit({
      line: this.nextLine++, lines: 1, fields: cells, text: start + mark,
      issue: {
        code: 'LINE_TOO_LONG',
        detail: `the line is ${fmt(bytes)} bytes, over the limit of ${fmt(this.maxLineBytes)} bytes a line (its first ${fmt(k)} bytes kept)`,
      },
    });
    this.streak = 0;
    this.lineMode = false;
  }

  private marker(cut: number): string {
    return cut > 0 ? `…[${fmt(cut)} bytes cut]` : '';
  }

  /** Best-effort cells of the start of a line (quotes taken literally when it does not parse). */
  private cellsOf(text: string): string[] {
    this.skipped = 0;
    const recs = parse(text, this.parseOpts) as string[][];
    if (this.skipped === 0 && recs.length === 1) return recs[0]!;
    return text.split(this.info.delimiter);
  }

  /**
   * Sets the first line of the current record aside (BAD_QUOTING) and queues the bytes after it, up to `p`, to
   * be read again, then the rest of `b`. The caller stops scanning b.
   */
  private blame(b: Buffer, p: number): void {
    this.materialize(b, p);
    this.flushGroup();
    const rec = takeBytes(this.pend, this.pendLen);
    this.pendLen = 0;
    const cut = this.firstBreak < 0 ? rec.length : this.firstBreak + 1;
    this.endRecord();
    this.setAside(rec.subarray(0, cut));
    if (p < b.length) this.queue.unshift(b.subarray(p));
    if (cut < rec.length) this.queue.unshift(rec.subarray(cut));
  }

  /** Emits one line (with or without its break) as BAD_QUOTING. */
  private setAside(line: Buffer): void {
    this.emit({ line: this.nextLine++, lines: 1, fields: null, text: this.stripBreak(this.decode(line)) });
    if (++this.streak > MAX_BLAME_STREAK) this.lineMode = true;
  }

  /** A record spanning lines ended just before `i`: parse it alone and judge it. True when the scan of b must stop. */
  private endMultiLine(b: Buffer, i: number): boolean {
    this.materialize(b, i);
    this.flushGroup();
    const bytes = takeBytes(this.pend, this.pendLen);
    this.pendLen = 0;
    const lines = this.recLines + 1;
    const firstBreak = this.firstBreak;
    this.endRecord();
    const raw = this.decode(bytes);
    this.work += bytes.length;
    this.skipped = 0;
    const recs = parse(raw, this.parseOpts) as string[][];
    const fields = recs[0];
    if (this.skipped === 0 && recs.length === 1 && this.multilineOk(fields!)) {
      const rec: RawRecord = { line: this.nextLine, lines, fields: fields!, text: this.stripBreak(raw) };
      this.nextLine += lines;
      if (this.utf8 && !isUtf8(bytes)) this.flagEncoding(rec, bytes);
      else this.checkFields(rec);
      this.emit(rec);
      this.streak = 0;
      this.lineMode = false;
      return false;
    }
    // A span that cannot be one record: its first line holds the quote that opened it.
    this.setAside(bytes.subarray(0, firstBreak + 1));
    if (i < b.length) this.queue.unshift(b.subarray(i));
    this.queue.unshift(bytes.subarray(firstBreak + 1));
    return true;
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

  /** Parses the complete one-line records waiting (one csv-parse call) and emits them. */
  private flushGroup(): void {
    const count = this.groupCount;
    if (count === 0) return;
    if (this.recOff > this.pendLen) throw new Error('internal error: group not materialized');
    const bytes = takeBytes(this.pend, this.recOff);
    this.pendLen -= this.recOff;
    this.recOff = 0;
    this.groupCount = 0;
    const text = this.decode(bytes);
    this.work += bytes.length;
    this.skipped = 0;
    let recs: (string[] | null)[] = parse(text, this.parseOpts) as string[][];
    const sep = this.sep === LF ? '\n' : '\r';
    if (this.skipped !== 0 || recs.length !== count) {
      // Not expected (every record is one line with its quotes closed): parse the lines one by one.
      recs = [];
      for (let pos = 0, k = 0; k < count; k++) {
        const j = text.indexOf(sep, pos);
        this.skipped = 0;
        const r = parse(j < 0 ? text.slice(pos) : text.slice(pos, j + 1), this.parseOpts) as string[][];
        recs.push(this.skipped === 0 && r.length === 1 ? r[0]! : null);
        pos = j + 1;
      }
    }
    const badBytes = this.utf8 && !isUtf8(bytes);
    const lf = this.sep === LF;
    let start = 0;
    let at = 0; // byte offset of the line, only tracked when some bytes are bad
    for (let k = 0; k < count; k++) {
      const j = text.indexOf(sep, start);
      let end = j < 0 ? text.length : j;
      const next = end + 1;
      if (lf && end > start && text.charCodeAt(end - 1) === 13) end--;
      const fields = recs[k]!;
      const line = this.nextLine++;
      const lineText = text.slice(start, end);
      start = next;
      let lineBytes: Buffer | null = null;
      if (badBytes) {
        const jb = bytes.indexOf(this.sep, at);
        lineBytes = bytes.subarray(at, jb < 0 ? bytes.length : jb);
        at = jb + 1;
      }
      if (fields === null) {
        this.emit({ line, lines: 1, fields: null, text: lineText });
        continue;
      }
      if (fields.length === 1 && lineText.trim() === '') {
        this.info.blankLines++;
        continue;
      }
      const rec: RawRecord = { line, lines: 1, fields, text: lineText };
      if (lineBytes !== null && !isUtf8(lineBytes)) this.flagEncoding(rec, lineBytes);
      else if (lineText.length * 3 > this.maxFieldBytes) this.checkFields(rec);
      this.emit(rec);
    }
  }

  private flagEncoding(rec: RawRecord, bytes: Buffer): void {
    const at = firstInvalidUtf8(bytes);
    const shown = [...bytes.subarray(at, at + 3)].map((x) => `0x${x.toString(16).toUpperCase().padStart(2, '0')}`).join(' ');
    const why = this.info.bom ? 'it starts with a UTF-8 byte-order mark' : `its first ${fmt(SNIFF_BYTES)} bytes are valid UTF-8`;
    rec.issue = { code: 'BAD_ENCODING', detail: `bytes that are not UTF-8 at byte ${fmt(at + 1)} of the row (${shown}); the file is read as UTF-8 because ${why}` };
  }

  /** A field over maxFieldBytes makes the record LINE_TOO_LONG (its text and the long fields cut). */
  private checkFields(rec: RawRecord): void {
    const fields = rec.fields!;
    const size = (f: string) => (f.length * 3 > this.maxFieldBytes ? this.byteLength(f) : 0);
    const over = fields.findIndex((f) => size(f) > this.maxFieldBytes);
    if (over < 0) return;
    const start = this.cutText(rec.text, this.kept);
    const kept = this.byteLength(start);
    const overBytes = size(fields[over]!);
    rec.text = start + this.marker(this.byteLength(rec.text) - kept);
    rec.fields = fields.map((f) => {
      const bytes = size(f);
      if (bytes <= this.maxFieldBytes) return f;
      const s = this.cutText(f, this.kept);
      return s + this.marker(bytes - this.byteLength(s));
    });
    rec.issue = {
      code: 'LINE_TOO_LONG',
      detail: `field ${over + 1} is ${fmt(overBytes)} bytes, over the limit of ${fmt(this.maxFieldBytes)} bytes a field (the row's first ${fmt(kept)} bytes kept)`,
    };
  }

  /** The longest start of `s` of at most `max` bytes, not splitting a character. */
  private cutText(s: string, max: number): string {
    let t = s.length > max ? s.slice(0, max) : s;
    for (let over = this.byteLength(t) - max; over > 0; over = this.byteLength(t) - max) t = t.slice(0, t.length - Math.ceil(over / 3));
    const last = t.charCodeAt(t.length - 1);
    if (t.length < s.length && last >= 0xd800 && last <= 0xdbff) t = t.slice(0, -1);
    return t;
  }

  private emit(rec: RawRecord): void {
    if (!this.headerSeen && rec.fields !== null && rec.issue?.code !== 'LINE_TOO_LONG') {
      this.headerSeen = true;
      this.expectFields = rec.fields.length;
      this.onHeader?.(rec.fields, rec.line);
    }
    this.out.push(rec);
  }

  private stripBreak(raw: string): string {
    let end = raw.length;
    if (this.sep === LF) {
      if (end > 0 && raw.charCodeAt(end - 1) === 10) end--;
      if (end > 0 && raw.charCodeAt(end - 1) === 13) end--;
    } else if (end > 0 && raw.charCodeAt(end - 1) === 13) end--;
    return end === raw.length ? raw : raw.slice(0, end);
  }

  /** End of input: the record still being scanned ends here. */
  private finish(): void {
    if (!this.configured) {
      const rest = this.configure(Buffer.alloc(0), true);
      if (rest) for (const r of rest) this.scanInput(r);
    }
    const none = Buffer.alloc(0);
    for (;;) {
      this.pump();
      this.bStart = 0;
      if (this.skipping) {
        this.endTooLong();
        break;
      }
      if (this.quoteAtEnd) {
        this.quoteAtEnd = false;
        this.inQuotes = false;
      }
      const len = this.pendLen - this.recOff;
      if (len === 0) break;
      const last = this.pend[this.pend.length - 1]!;
      if (len - (this.sep === LF && last[last.length - 1] === CR ? 1 : 0) > this.maxLineBytes) {
        this.overLimit(none, 0); // one byte over (LF mode); a quoted span over several lines: set aside
        continue;
      }
      if (this.inQuotes) {
        this.blame(none, 0); // a quote still open at the end of the file
        continue;
      }
      if (this.recLines > 0) {
        this.endMultiLine(none, 0);
        continue;
      }
      this.groupCount++;
      this.recOff = this.pendLen;
      this.endRecord();
      break;
    }
    this.flushGroup();
  }

  private finishLineCount(): void {
    const lines = this.breaksSeen + (this.sawBytes && !this.endsWithBreak ? 1 : 0);
    this.info.lines = lines;
    if (this.nextLine - 1 !== lines) {
      throw new Error(`internal error: records cover lines 1..${this.nextLine - 1} but the input has ${lines} lines`);
    }
  }
}
