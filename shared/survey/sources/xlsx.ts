// Excel .xlsx drops as the same records the CSV reader gives (csv-records.ts RawRecord): one per worksheet row,
// `line` = the row number (header = row 1 of a sheet starting there; rows Excel does not store, or stores
// empty, are skipped and keep the numbering), `fields` = the cells, gaps as '', `text` = the cells as a
// formula-safe CSV line (csvRow), which a rejected row shows as its raw_text.
//
// Reading: the archive (zip.ts over spool.ts), its relationships to find the workbook, the sheet and the parts
// it uses; the sheet's XML is streamed through saxes (a SAX parser that checks well-formedness), a row at a
// time, so memory holds one row, the shared strings table (every distinct text of the workbook, which Excel
// keeps in one part and may write after the sheets) and the styles' number formats, never the sheet.
//
// Values: numbers as JavaScript writes them (`4`, `4.5`), shared and inline strings (rich-text runs joined,
// phonetic runs left out, `_x000D_` escapes undone), booleans TRUE/FALSE, errors as shown (`#N/A`), formulas as
// their cached value. A number whose cell style has a date or time number format is the date it shows, as ISO
// text the cleaner's date rule reads (`2024-03-31`, `2024-03-31T20:00:00`, `08:30:00`): see xlsx-values.ts.
// A number without a date format stays a number (`45841`, which the date rule reads as an Excel serial).
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { csvRow, type Cell } from '../../csv-write';
import type { RawRecord } from '../csv-records';
import { DEFAULT_MAX_FIELD_BYTES, DEFAULT_MAX_LINE_BYTES, KEPT_BYTES } from '../csv-records';
import type { Spooled } from './spool';
import { openZip, type ZipArchive } from './zip';
import { builtinKind, columnOf, formatKind, serialToIso, unescapeXstring, type NumberKind } from './xlsx-values';

export interface XlsxOptions {
  /** The worksheet to read (the instrument's `sheet`): matched by name, then case- and space-insensitively. Default: the first worksheet. */
  sheet?: string;
  maxLineBytes?: number;
  maxFieldBytes?: number;
}

/** A workbook that cannot be read as a whole (the caller turns it into a refusal of the drop). */
export class XlsxError extends Error {
  override name = 'XlsxError';
  constructor(readonly code: 'UNREADABLE_FILE' | 'MISSING_SHEET' | 'UNSUPPORTED_FORMAT', message: string) {
    super(message);
  }
}

export interface XlsxInfo {
  /** The worksheet read. */
  sheet: string;
  /** Every worksheet's name, in workbook order. */
  sheets: string[];
  date1904: boolean;
  /** Last row number stored in the sheet (empty rows included). */
  lines: number;
  /** Row numbers up to `lines` that gave no record (not stored, or every cell empty). */
  blankLines: number;
}

/** Distinct shared strings (characters in all) over which the workbook is refused rather than held. */
export const MAX_SHARED_STRING_CHARS = 256 << 20;
/** Columns of a row over which the workbook is refused (Excel's own limit is 16,384, column XFD). */
const MAX_COLUMNS = 16_384;

const local = (name: string) => {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
};
const attr = (tag: SaxesTagPlain, name: string): string | undefined => {
  const a = tag.attributes as Record<string, string>;
  if (a[name] !== undefined) return a[name];
  for (const k in a) if (local(k) === name) return a[k];
  return undefined;
};

interface XmlHandlers {
  open?(name: string, tag: SaxesTagPlain): void;
  close?(name: string): void;
  text?(t: string): void;
}

/** Streams one part through saxes, yielding after each chunk (so the caller can hand over what it produced). */
async function* parseChunks(zip: ZipArchive, part: string, h: XmlHandlers): AsyncGenerator<void> {
  let stream: Readable;
  try {
    stream = await zip.open(part);
  } catch (e) {
    throw new XlsxError('UNREADABLE_FILE', `the workbook part ${part} cannot be read: ${(e as Error).message}`);
  }
  const p = new SaxesParser({ xmlns: false, position: false });
  if (h.open) p.on('opentag', (t) => h.open!(local(t.name), t));
  if (h.close) p.on('closetag', (t) => h.close!(local(t.name)));
  if (h.text) {
    p.on('text', h.text);
    p.on('cdata', h.text);
  }
  const dec = new StringDecoder('utf8');
  const fail = (e: unknown): never => {
    stream.destroy();
    if (e instanceof XlsxError) throw e;
    throw new XlsxError('UNREADABLE_FILE', `the workbook part ${part} is not readable XML: ${(e as Error).message.split('\n')[0]}`);
  };
  try {
    for await (const chunk of stream) {
      try {
        p.write(dec.write(chunk as Buffer));
      } catch (e) {
        fail(e);
      }
      yield;
    }
    p.write(dec.end());
    p.close();
  } catch (e) {
    fail(e);
  } finally {
    stream.destroy();
  }
}

async function parsePart(zip: ZipArchive, part: string, h: XmlHandlers): Promise<void> {
  for await (const _ of parseChunks(zip, part, h));
}

interface Rel { type: string; target: string }

function resolvePart(base: string, target: string): string {
  const parts = (target.startsWith('/') ? target.slice(1) : base.split('/').slice(0, -1).concat(target).join('/')).split('/');
  const out: string[] = [];
  for (const s of parts) {
    if (s === '..') out.pop();
    else if (s !== '.' && s !== '') out.push(s);
  }
  return out.join('/');
}

async function readRels(zip: ZipArchive, part: string): Promise<Map<string, Rel>> {
  const slash = part.lastIndexOf('/');
  const relsPart = `${part.slice(0, slash + 1)}_rels/${part.slice(slash + 1)}.rels`;
  const rels = new Map<string, Rel>();
  if (!zip.has(relsPart)) return rels;
  await parsePart(zip, relsPart, {
    open(name, t) {
      if (name !== 'Relationship') return;
      const id = attr(t, 'Id');
      const target = attr(t, 'Target');
      if (id && target && attr(t, 'TargetMode') !== 'External') rels.set(id, { type: attr(t, 'Type') ?? '', target: resolvePart(part, target) });
    },
  });
  return rels;
}

const relOfType = (rels: Map<string, Rel>, suffix: string) => [...rels.values()].find((r) => r.type.endsWith(suffix))?.target;
const sheetKey = (s: string) => s.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();

interface Workbook {
  sheets: { name: string; part: string | undefined }[];
  date1904: boolean;
  styles?: string;
  sharedStrings?: string;
}

async function readWorkbook(zip: ZipArchive): Promise<Workbook> {
  const root = await readRels(zip, '');
  let wbPart = relOfType(root, '/officeDocument');
  if (!wbPart && zip.has('xl/workbook.xml')) wbPart = 'xl/workbook.xml';
  if (!wbPart || !zip.has(wbPart)) {
    if (zip.has('mimetype') || zip.has('content.xml')) {
      throw new XlsxError('UNSUPPORTED_FORMAT', 'the file is an OpenDocument (.ods) or another zip archive, not an Excel .xlsx workbook: save it as .xlsx or CSV');
    }
    throw new XlsxError('UNSUPPORTED_FORMAT', 'the file is a zip archive but not an Excel .xlsx workbook (it has no workbook part)');
  }
  const rels = await readRels(zip, wbPart);
  const sheets: { name: string; rid: string }[] = [];
  let date1904 = false;
  await parsePart(zip, wbPart, {
    open(name, t) {
      if (name === 'sheet') sheets.push({ name: attr(t, 'name') ?? '', rid: attr(t, 'id') ?? '' });
      else if (name === 'workbookPr') {
        const v = attr(t, 'date1904');
        date1904 = v === '1' || v === 'true';
      }
    },
  });
  return {
    sheets: sheets.map((s) => {
      const r = rels.get(s.rid);
      return { name: s.name, part: r && r.type.endsWith('/worksheet') ? r.target : undefined };
    }),
    date1904,
    styles: relOfType(rels, '/styles'),
    sharedStrings: relOfType(rels, '/sharedStrings'),
  };
}

/** Number kind of every cell style (cellXfs index), from the styles part's number formats. */
async function readStyles(zip: ZipArchive, part: string | undefined): Promise<NumberKind[]> {
  const kinds: NumberKind[] = [];
  if (!part || !zip.has(part)) return kinds;
  const custom = new Map<number, NumberKind>();
  let inXfs = false;
  await parsePart(zip, part, {
    open(name, t) {
      if (name === 'numFmt') custom.set(Number(attr(t, 'numFmtId')), formatKind(attr(t, 'formatCode') ?? ''));
      else if (name === 'cellXfs') inXfs = true;
      else if (name === 'xf' && inXfs) {
        const id = Number(attr(t, 'numFmtId') ?? 0);
        kinds.push(custom.get(id) ?? builtinKind(id));
      }
    },
    close(name) {
      if (name === 'cellXfs') inXfs = false;
    },
  });
  return kinds;
}

/** Text of `<t>` in `<si>` / `<is>` items, rich-text runs joined, phonetic runs (`<rPh>`) left out. */
class RichText {
  private parts: string[] = [];
  private inT = false;
  private inPh = 0;
  open(name: string): void {
    if (name === 't' && this.inPh === 0) this.inT = true;
    else if (name === 'rPh') this.inPh++;
  }
  close(name: string): void {
    if (name === 't') this.inT = false;
    else if (name === 'rPh') this.inPh--;
  }
  text(t: string): void {
    if (this.inT) this.parts.push(t);
  }
  take(): string {
    const s = this.parts.length === 1 ? this.parts[0]! : this.parts.join('');
    this.parts = [];
    return unescapeXstring(s);
  }
}

async function readSharedStrings(zip: ZipArchive, part: string | undefined): Promise<string[]> {
  const out: string[] = [];
  if (!part || !zip.has(part)) return out;
  const rich = new RichText();
  let chars = 0;
  await parsePart(zip, part, {
    open(name) {
      rich.open(name);
    },
    close(name) {
      rich.close(name);
      if (name === 'si') {
        const s = rich.take();
        chars += s.length;
        if (chars > MAX_SHARED_STRING_CHARS) {
          throw new XlsxError('UNREADABLE_FILE', `the workbook's shared strings exceed ${MAX_SHARED_STRING_CHARS >> 20} M characters: save the sheet as CSV`);
        }
        out.push(s);
      }
    },
    text(t) {
      rich.text(t);
    },
  });
  return out;
}

const fmt = (n: number) => n.toLocaleString('en');

/** Reads the chosen worksheet of a spooled .xlsx drop as RawRecord batches. */
export class XlsxRecords {
  readonly info: XlsxInfo = { sheet: '', sheets: [], date1904: false, lines: 0, blankLines: 0 };
  /** Called with the header row's cells (the first row with a value), before any data row. */
  onHeader?: (fields: string[], line: number) => void;
  private readonly maxLineBytes: number;
  private readonly maxFieldBytes: number;

  constructor(private readonly opts: XlsxOptions = {}) {
    this.maxLineBytes = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.maxFieldBytes = opts.maxFieldBytes ?? DEFAULT_MAX_FIELD_BYTES;
  }

  async *batches(src: Spooled): AsyncGenerator<RawRecord[]> {
    let zip: ZipArchive;
    try {
      zip = await openZip(src);
    } catch (e) {
      throw new XlsxError('UNREADABLE_FILE', `the file starts like an .xlsx workbook (a zip archive) but cannot be opened: ${(e as Error).message}`);
    }
    try {
      yield* this.read(zip);
    } finally {
      zip.close();
    }
  }

  private async *read(zip: ZipArchive): AsyncGenerator<RawRecord[]> {
    const wb = await readWorkbook(zip);
    const worksheets = wb.sheets.filter((s) => s.part !== undefined);
    this.info.sheets = worksheets.map((s) => s.name);
    this.info.date1904 = wb.date1904;
    if (worksheets.length === 0) throw new XlsxError('UNREADABLE_FILE', 'the workbook has no worksheet');
    let chosen = worksheets[0]!;
    const want = this.opts.sheet;
    if (want !== undefined) {
      const found = worksheets.find((s) => s.name === want) ?? worksheets.find((s) => sheetKey(s.name) === sheetKey(want));
      if (!found) {
        const names = worksheets.map((s) => JSON.stringify(s.name)).join(', ');
        throw new XlsxError('MISSING_SHEET', `the instrument names the sheet ${JSON.stringify(want)}; the workbook has ${names}`);
      }
      chosen = found;
    }
    if (!zip.has(chosen.part!)) throw new XlsxError('UNREADABLE_FILE', `the worksheet ${JSON.stringify(chosen.name)} (${chosen.part}) is missing from the archive`);
    this.info.sheet = chosen.name;
    const kinds = await readStyles(zip, wb.styles);
    const sst = await readSharedStrings(zip, wb.sharedStrings);
    yield* this.readSheet(zip, chosen.part!, kinds, sst, wb.date1904);
  }

  private async *readSheet(zip: ZipArchive, part: string, kinds: NumberKind[], sst: string[], date1904: boolean): AsyncGenerator<RawRecord[]> {
    const maxField = this.maxFieldBytes;
    let out: RawRecord[] = [];
    let inData = false;
    let rowNum = 0;
    let lastRowNum = 0;
    let cells: Cell[] = [];
    let lastCol = -1;
    let emitted = 0;
    let headerWidth = -1;
    // The cell being read
    let col = -1;
    let type = 'n';
    let style = 0;
    let inV = false;
    let inIs = false;
    let v: string[] = [];
    let vChars = 0;
    let cut = 0; // characters of the cell's text not kept (over the field limit)
    let rowCut = false;
    const rich = new RichText();

    const keep = (t: string, into: string[]) => {
      if (vChars >= maxField) {
        cut += t.length;
        return;
      }
      const room = maxField - vChars;
      if (t.length > room) {
        cut += t.length - room;
        t = t.slice(0, room);
      }
      into.push(t);
      vChars += t.length;
    };

    const endCell = () => {
      let value: Cell;
      const raw = v.length === 1 ? v[0]! : v.join('');
      switch (type) {
        case 's':
          value = raw === '' ? '' : (sst[Number(raw)] ?? '');
          break;
        case 'inlineStr':
          value = rich.take();
          break;
        case 'b':
          value = raw === '' ? '' : raw.trim() === '1' || raw.trim() === 'true' ? 'TRUE' : 'FALSE';
          break;
        case 'str':
          value = unescapeXstring(raw);
          break;
        case 'e':
        case 'd':
          value = raw;
          break;
        default: {
          if (raw === '') {
            value = '';
            break;
          }
          const kind = kinds[style] ?? 'number';
          const n = Number(raw);
          const iso = kind !== 'number' ? serialToIso(n, kind, date1904) : null;
          value = iso ?? (raw.trim() !== '' && Number.isFinite(n) ? n : raw);
        }
      }
      if (cut > 0) {
        rowCut = true;
        value = `${String(value)}…[${fmt(cut)} characters cut]`;
      }
      if (value !== '' && col >= 0 && col < MAX_COLUMNS) {
        while (cells.length < col) cells.push('');
        cells[col] = value;
      }
    };

    const endRow = () => {
      lastRowNum = rowNum;
      let width = cells.length;
      while (width > 0 && cells[width - 1] === '') width--;
      if (width === 0) return; // an empty row (styled, or cleared cells): a blank line
      const line = rowNum;
      if (headerWidth < 0) {
        cells.length = width;
        headerWidth = width;
        const fields = cells.map(cellText);
        this.onHeader?.(fields, line);
        out.push({ line, lines: 1, fields, text: csvLine(cells) });
      } else {
        while (cells.length < headerWidth) cells.push('');
        if (width < cells.length && width >= headerWidth) cells.length = width;
        const fields = cells.map(cellText);
        const rec: RawRecord = { line, lines: 1, fields, text: csvLine(cells) };
        this.checkLimits(rec, rowCut);
        out.push(rec);
      }
      emitted++;
    };

    const chunks = parseChunks(zip, part, {
      open: (name, t) => {
        if (!inData) {
          if (name === 'sheetData') inData = true;
          return;
        }
        switch (name) {
          case 'row': {
            const r = Number(attr(t, 'r'));
            rowNum = Number.isSafeInteger(r) && r > lastRowNum ? r : lastRowNum + 1;
            cells = [];
            lastCol = -1;
            rowCut = false;
            break;
          }
          case 'c': {
            const ref = attr(t, 'r');
            const c = ref ? columnOf(ref) : -1;
            col = c >= 0 ? c : lastCol + 1;
            lastCol = col;
            type = attr(t, 't') ?? 'n';
            style = Number(attr(t, 's') ?? 0) || 0;
            v = [];
            vChars = 0;
            cut = 0;
            break;
          }
          case 'v':
            inV = true;
            break;
          case 'is':
            inIs = true;
            break;
          default:
            if (inIs) rich.open(name);
        }
      },
      close: (name) => {
        if (!inData) return;
        switch (name) {
          case 'v':
            inV = false;
            break;
          case 'is':
            inIs = false;
            break;
          case 'c':
            endCell();
            col = -1;
            break;
          case 'row':
            endRow();
            break;
          case 'sheetData':
            inData = false;
            break;
          default:
            if (inIs) rich.close(name);
        }
      },
      text: (t) => {
        if (inV) keep(t, v);
        else if (inIs) {
          const before = vChars;
          const kept: string[] = [];
          keep(t, kept);
          if (vChars > before) rich.text(kept[0]!);
        }
      },
    });
    for await (const _ of chunks) {
      if (out.length) {
        yield out;
        out = [];
      }
    }
    if (out.length) yield out;
    this.info.lines = lastRowNum;
    this.info.blankLines = lastRowNum - emitted;
  }

  /** Row or field over the limits: LINE_TOO_LONG, as the CSV reader does (fields cut, the text's start kept). */
  private checkLimits(rec: RawRecord, cellCut: boolean): void {
    const fields = rec.fields!;
    const over = cellCut ? fields.findIndex((f) => f.includes(' characters cut]')) : fields.findIndex((f) => f.length * 3 > this.maxFieldBytes && Buffer.byteLength(f) > this.maxFieldBytes);
    const lineBytes = rec.text.length * 3 > this.maxLineBytes ? Buffer.byteLength(rec.text) : 0;
    if (over < 0 && lineBytes <= this.maxLineBytes) return;
    const keptText = rec.text.slice(0, Math.min(KEPT_BYTES, this.maxLineBytes));
    const total = Buffer.byteLength(rec.text);
    rec.text = keptText + (total > keptText.length ? `…[${fmt(total - Buffer.byteLength(keptText))} bytes cut]` : '');
    rec.fields = fields.map((f) => (Buffer.byteLength(f) > this.maxFieldBytes ? f.slice(0, KEPT_BYTES) + '…[cut]' : f));
    rec.issue = {
      code: 'LINE_TOO_LONG',
      detail: over >= 0
        ? `cell ${over + 1} is longer than the limit of ${fmt(this.maxFieldBytes)} bytes a field`
        : `the row is ${fmt(lineBytes)} bytes, over the limit of ${fmt(this.maxLineBytes)} bytes a row`,
    };
  }
}

const cellText = (c: Cell): string => (typeof c === 'number' ? String(c) : (c as string));
/** The row as a CSV line without its line break (numbers unprefixed, text formula-protected). */
const csvLine = (cells: Cell[]): string => csvRow(cells).slice(0, -1);
