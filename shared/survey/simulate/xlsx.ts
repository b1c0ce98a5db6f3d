// A small streaming .xlsx writer: an .xlsx is a zip of XML parts (ECMA-376). Used by the simulator (Kobo .xlsx
// exports), the tests and the bench. Hand-written rather than a library so that the caller controls exactly what is
// in the file (shared vs inline strings, date styles, gaps, row numbers, the 1904 flag, part order), and so that a
// 50 MB workbook streams to disk without being held (exceljs would bring unzipper, archiver and jszip).
//
//   xlsxBuffer(spec) -> Buffer        xlsxOf(rows, opts) one sheet, in memory
//   writeXlsxFile(path, spec)         streamed to a file
//
// Zip: deflated entries with a data descriptor (sizes after the data, so parts stream), central directory at the
// end; CRC-32 by node:zlib. No zip64: every part must stay under 4 GiB.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { crc32, createDeflateRaw } from 'node:zlib';

/** A cell: text (shared string unless the sheet says inline), number, boolean, or one of the tagged forms. */
export type XCell =
  | string
  | number
  | boolean
  | null
  | undefined
  /** A number shown with a number format: a built-in id (14 = date) or a format code (`dd/mm/yyyy hh:mm`). */
  | { n: number; fmt: number | string }
  | { inline: string }
  /** Rich text: runs joined, plus a phonetic run that readers must leave out. */
  | { rich: string[]; phonetic?: string }
  /** A formula with its cached text result. */
  | { formula: string; str: string }
  | { error: string }
  /** An ISO date (t="d", strict OOXML). */
  | { isoDate: string };

/** Rows in order; `{ r, cells }` places a row at a given row number (later rows must have higher numbers). */
export type XRow = XCell[] | { r: number; cells: XCell[] };

export interface XSheet {
  name: string;
  rows: Iterable<XRow> | AsyncIterable<XRow>;
}

export interface XlsxSpec {
  sheets: XSheet[];
  /** Strings inline in the sheet (`t="inlineStr"`) instead of the shared strings table. */
  inlineStrings?: boolean;
  date1904?: boolean;
  /** Leave out the `r` attributes of rows and cells (some writers do). */
  noRefs?: boolean;
  /** Write the shared strings part before the sheets (Excel writes it after). */
  sharedStringsFirst?: boolean;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** SpreadsheetML's escape for characters XML 1.0 cannot carry (and CR, which XML would normalise). */
const xstr = (s: string) => esc(s.replace(/_x[0-9A-Fa-f]{4}_/g, (m) => `_x005F${m.slice(1)}`).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\r]/g, (c) => `_x${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}_`));
const tText = (s: string) => `<t xml:space="preserve">${xstr(s)}</t>`;

export function colName(c: number): string {
  let s = '';
  for (let n = c + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

type Sink = { write(b: Buffer): Promise<void> | void };

class ZipOut {
  private offset = 0;
  private central: Buffer[] = [];
  private count = 0;
  constructor(private readonly sink: Sink) {}

  async add(name: string, parts: Iterable<string> | AsyncIterable<string>): Promise<void> {
    const nameBuf = Buffer.from(name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0808, 6); // data descriptor, UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(0x00210000, 10); // 1980-01-01 00:00
    local.writeUInt16LE(nameBuf.length, 26);
    const start = this.offset;
    await this.put(Buffer.concat([local, nameBuf]));
    let crc = 0;
    let size = 0;
    let csize = 0;
    const deflate = createDeflateRaw({ level: 1 });
    const outChunks: Buffer[] = [];
    deflate.on('data', (b: Buffer) => outChunks.push(b));
    const drain = async () => {
      for (const b of outChunks.splice(0)) {
        csize += b.length;
        await this.put(b);
      }
    };
    for await (const s of parts as AsyncIterable<string>) {
      const b = Buffer.from(s, 'utf8');
      crc = crc32(b, crc);
      size += b.length;
      if (!deflate.write(b)) await once(deflate, 'drain');
      await drain();
    }
    deflate.end();
    await once(deflate, 'end');
    await drain();
    const dd = Buffer.alloc(16);
    dd.writeUInt32LE(0x08074b50, 0);
    dd.writeUInt32LE(crc >>> 0, 4);
    dd.writeUInt32LE(csize, 8);
    dd.writeUInt32LE(size, 12);
    await this.put(dd);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(0x0808, 8);
    cd.writeUInt16LE(8, 10);
    cd.writeUInt32LE(0x00210000, 12);
    cd.writeUInt32LE(crc >>> 0, 16);
    cd.writeUInt32LE(csize, 20);
    cd.writeUInt32LE(size, 24);
    cd.writeUInt16LE(nameBuf.length, 28);
    cd.writeUInt32LE(start, 42);
    this.central.push(cd, nameBuf);
    this.count++;
  }

  async end(): Promise<void> {
    const cdStart = this.offset;
    const cd = Buffer.concat(this.central);
    await this.put(cd);
    const eocd = Buffer.alloc(22);
    eocd.writeUInt32LE(0x06054b50, 0);
    eocd.writeUInt16LE(this.count, 8);
    eocd.writeUInt16LE(this.count, 10);
    eocd.writeUInt32LE(cd.length, 12);
    eocd.writeUInt32LE(cdStart, 16);
    await this.put(eocd);
  }

  private async put(b: Buffer): Promise<void> {
    this.offset += b.length;
    await this.sink.write(b);
  }
}

/** Writes the workbook to a sink; returns nothing (the sink has the bytes). */
async function writeTo(spec: XlsxSpec, sink: Sink): Promise<void> {
  const zip = new ZipOut(sink);
  const sst: string[] = [];
  const sstIndex = new Map<string, number>();
  const richSst: string[] = []; // raw <si> bodies, parallel to sst
  const formats = new Map<string, number>(); // format code or builtin id -> xf index
  const xfs: { numFmtId: number; code?: string }[] = [{ numFmtId: 0 }];
  let nextFmtId = 164;
  const xfOf = (fmt: number | string): number => {
    const key = String(fmt);
    let i = formats.get(key);
    if (i === undefined) {
      if (typeof fmt === 'number') xfs.push({ numFmtId: fmt });
      else xfs.push({ numFmtId: nextFmtId++, code: fmt });
      formats.set(key, (i = xfs.length - 1));
    }
    return i;
  };
  const shared = (key: string, body: string): number => {
    let i = sstIndex.get(key);
    if (i === undefined) {
      sstIndex.set(key, (i = sst.length));
      sst.push(key);
      richSst.push(body);
    }
    return i;
  };
  const cellXml = (c: XCell, ref: string): string => {
    if (c === null || c === undefined) return '';
    const r = spec.noRefs ? '' : ` r="${ref}"`;
    if (typeof c === 'number') return `<c${r}><v>${c}</v></c>`;
    if (typeof c === 'boolean') return `<c${r} t="b"><v>${c ? 1 : 0}</v></c>`;
    if (typeof c === 'string') {
      if (spec.inlineStrings) return `<c${r} t="inlineStr"><is>${tText(c)}</is></c>`;
      return `<c${r} t="s"><v>${shared(c, tText(c))}</v></c>`;
    }
    if ('n' in c) return `<c${r} s="${xfOf(c.fmt)}"><v>${c.n}</v></c>`;
    if ('inline' in c) return `<c${r} t="inlineStr"><is>${tText(c.inline)}</is></c>`;
    if ('rich' in c) {
      const body = c.rich.map((t, i) => `<r>${i % 2 ? '<rPr><b/></rPr>' : ''}${tText(t)}</r>`).join('') + (c.phonetic ? `<rPh sb="0" eb="1">${tText(c.phonetic)}</rPh>` : '');
      return `<c${r} t="s"><v>${shared(`\u0000rich${c.rich.join('\u0001')}${c.phonetic ?? ''}`, body)}</v></c>`;
    }
    if ('formula' in c) return `<c${r} t="str"><f>${esc(c.formula)}</f><v>${xstr(c.str)}</v></c>`;
    if ('error' in c) return `<c${r} t="e"><v>${esc(c.error)}</v></c>`;
    return `<c${r} t="d"><v>${esc(c.isoDate)}</v></c>`;
  };
  async function* sheetXml(rows: Iterable<XRow> | AsyncIterable<XRow>): AsyncGenerator<string> {
    yield '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheetData>';
    let rowNum = 0;
    let buf = '';
    for await (const row of rows as AsyncIterable<XRow>) {
      const cells = Array.isArray(row) ? row : row.cells;
      rowNum = Array.isArray(row) ? rowNum + 1 : row.r;
      let s = spec.noRefs ? '<row>' : `<row r="${rowNum}">`;
      for (let j = 0; j < cells.length; j++) s += cellXml(cells[j], `${colName(j)}${rowNum}`);
      buf += s + '</row>';
      if (buf.length > 1 << 16) {
        yield buf;
        buf = '';
      }
    }
    yield buf + '</sheetData></worksheet>';
  }

  const sheetNames = spec.sheets.map((s) => s.name);
  await zip.add('[Content_Types].xml', [
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
      sheetNames.map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join('') +
      '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
      '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
  ]);
  await zip.add('_rels/.rels', [
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
  ]);
  await zip.add('xl/workbook.xml', [
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
      (spec.date1904 ? '<workbookPr date1904="1"/>' : '<workbookPr/>') +
      '<sheets>' + sheetNames.map((n, i) => `<sheet name="${esc(n)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('') + '</sheets></workbook>',
  ]);
  const n = sheetNames.length;
  await zip.add('xl/_rels/workbook.xml.rels', [
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      sheetNames.map((_, i) => `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join('') +
      `<Relationship Id="rId${n + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
      `<Relationship Id="rId${n + 2}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="/xl/sharedStrings.xml"/></Relationships>`,
  ]);
  // Shared strings and styles depend on the sheets' cells: render the sheets to memory first when they must come
  // first; otherwise stream the sheets and write those parts after them (as Excel does).
  const sstXml = function* () {
    yield `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${sst.length}" uniqueCount="${sst.length}">`;
    for (let i = 0; i < richSst.length; i += 1000) yield richSst.slice(i, i + 1000).map((b) => `<si>${b}</si>`).join('');
    yield '</sst>';
  };
  const stylesXml = () => [
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
      `<numFmts count="${xfs.filter((x) => x.code).length}">` + xfs.filter((x) => x.code).map((x) => `<numFmt numFmtId="${x.numFmtId}" formatCode="${esc(x.code!)}"/>`).join('') + '</numFmts>' +
      '<fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs>' +
      `<cellXfs count="${xfs.length}">` + xfs.map((x) => `<xf numFmtId="${x.numFmtId}" fontId="0" fillId="0" borderId="0" xfId="0"${x.numFmtId ? ' applyNumberFormat="1"' : ''}/>`).join('') + '</cellXfs></styleSheet>',
  ];
  if (spec.sharedStringsFirst) {
    const rendered: string[][] = [];
    for (const s of spec.sheets) {
      const parts: string[] = [];
      for await (const p of sheetXml(s.rows)) parts.push(p);
      rendered.push(parts);
    }
    await zip.add('xl/sharedStrings.xml', sstXml());
    await zip.add('xl/styles.xml', stylesXml());
    for (let i = 0; i < n; i++) await zip.add(`xl/worksheets/sheet${i + 1}.xml`, rendered[i]!);
  } else {
    for (let i = 0; i < n; i++) await zip.add(`xl/worksheets/sheet${i + 1}.xml`, sheetXml(spec.sheets[i]!.rows));
    await zip.add('xl/styles.xml', stylesXml());
    await zip.add('xl/sharedStrings.xml', sstXml());
  }
  await zip.end();
}

/** The workbook in memory. */
export async function xlsxBuffer(spec: XlsxSpec): Promise<Buffer> {
  const out: Buffer[] = [];
  await writeTo(spec, { write: (b) => void out.push(b) });
  return Buffer.concat(out);
}

/** The workbook streamed to a file (bench: large sheets never held). */
export async function writeXlsxFile(path: string, spec: XlsxSpec): Promise<void> {
  const ws = createWriteStream(path);
  await writeTo(spec, {
    write: async (b) => {
      if (!ws.write(b)) await once(ws, 'drain');
    },
  });
  ws.end();
  await once(ws, 'finish');
}

/** One sheet of rows, shorthand for tests. */
export const xlsxOf = (rows: XRow[], opts: Omit<XlsxSpec, 'sheets'> & { sheet?: string } = {}) =>
  xlsxBuffer({ ...opts, sheets: [{ name: opts.sheet ?? 'Sheet1', rows }] });

