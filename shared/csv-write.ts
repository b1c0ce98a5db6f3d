// The one CSV writer of the product: every CSV file we write (clean.csv and rejects.csv from the cleaner, the
// dashboard's Excel exports) goes through csvCell. Pure, no dependencies. Reading is always csv-parse.
//
// A cell is written in two steps:
// 1. Formula neutralizing (OWASP "CSV injection"): a text cell that starts with = + - @ TAB or CR would be run as
//    a formula by a spreadsheet (`=HYPERLINK(...)`, `+cmd|' /C calc'!A0`, `@SUM(1)`), so it gets a leading `'`,
//    which spreadsheets show as text. A text cell that already starts with `'` gets one too, so the step is
//    exactly reversible: unprotectCell (drop one leading `'`) gives back the original text of every cell, which
//    is what code reading our own files back must apply to text columns. Numbers are written as numbers (a
//    negative number is data, not a formula) and never prefixed.
// 2. RFC 4180 quoting: a cell with a comma, a double quote, CR or LF, or with white space or a control character
//    at either end (some readers trim unquoted cells), is put in double quotes with its quotes doubled.
//
// Three dialects, all UTF-8:
//   MACHINE_CSV   files the pipeline and analysts' scripts read (clean.csv, rejects.csv): LF, no byte-order mark
//   EXCEL_CSV     downloads meant for Excel: a byte-order mark (so Excel reads UTF-8) and CRLF line ends
//   EXCEL_ID_CSV  the same for Excel set to Indonesian (or any locale with a decimal comma): `;` between cells and
//                 numbers with a decimal comma (72,6), which such an Excel reads as numbers; a cell with `;` or
//                 `,` is quoted

export type Cell = string | number | boolean | null | undefined;

export interface CsvDialect {
  /** Line end after every row, the last one included. */
  readonly lineBreak: '\n' | '\r\n';
  /** Start the document with U+FEFF. */
  readonly bom: boolean;
  /** Between cells (default ','). */
  readonly separator?: ',' | ';';
  /** Numbers with a decimal comma (72,6) instead of a point (default false). */
  readonly decimalComma?: boolean;
}

export const MACHINE_CSV: CsvDialect = { lineBreak: '\n', bom: false };
export const EXCEL_CSV: CsvDialect = { lineBreak: '\r\n', bom: true };
export const EXCEL_ID_CSV: CsvDialect = { lineBreak: '\r\n', bom: true, separator: ';', decimalComma: true };

export const CSV_BOM = '\uFEFF';

/** First characters that make a text cell a formula (= + - @ TAB CR), plus `'` so that protection can be undone. */
const TRIGGER = /^[=+\-@\t\r']/;
const NEEDS_QUOTES = /[",\r\n]/;
const NEEDS_QUOTES_SEMICOLON = /[",;\r\n]/;

/** True when the text starts with a character that protectCell prefixes. */
export function startsWithTrigger(s: string): boolean {
  return TRIGGER.test(s);
}

/** The text as a spreadsheet shows it without evaluating: `'` in front of a trigger character (see the header). */
export function protectCell(s: string): string {
  return TRIGGER.test(s) ? `'${s}` : s;
}

/**
 * Inverse of protectCell, for text cells of files this product wrote: drops one leading `'`. Apply it only to such
 * cells (every protected cell starts with `'` and every unprotected one does not, so the round trip is exact).
 */
export function unprotectCell(s: string): string {
  return s.charCodeAt(0) === 39 ? s.slice(1) : s;
}

/** RFC 4180 quoting of an already protected text: quotes when a reader could otherwise split or trim it. */
export function quoteCell(s: string, separator: ',' | ';' = ','): string {
  return (separator === ';' ? NEEDS_QUOTES_SEMICOLON : NEEDS_QUOTES).test(s) || (s.length > 0 && (s.charCodeAt(0) <= 32 || s.charCodeAt(s.length - 1) <= 32 || s !== s.trim()))
    ? `"${s.replace(/"/g, '""')}"`
    : s;
}

/**
 * One cell's text: empty for null/undefined and non-finite numbers, numbers as numbers (with the dialect's decimal
 * mark), text protected then quoted.
 */
export function csvCell(v: Cell, dialect?: CsvDialect): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return !Number.isFinite(v) ? '' : dialect?.decimalComma ? String(v).replace('.', ',') : String(v);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  return quoteCell(protectCell(v), dialect?.separator);
}

/** One row with its line end. */
export function csvRow(cells: readonly Cell[], dialect: CsvDialect = MACHINE_CSV): string {
  const sep = dialect.separator ?? ',';
  const plain = sep === ',' && !dialect.decimalComma; // the cleaner's hot path: no dialect lookups per cell
  let s = '';
  for (let i = 0; i < cells.length; i++) {
    if (i > 0) s += sep;
    s += plain ? csvCell(cells[i]) : csvCell(cells[i], dialect);
  }
  return s + dialect.lineBreak;
}

/** A whole document: the dialect's byte-order mark, then every row with its line end. */
export function csvDocument(rows: Iterable<readonly Cell[]>, dialect: CsvDialect = MACHINE_CSV): string {
  const out: string[] = dialect.bom ? [CSV_BOM] : [];
  for (const r of rows) out.push(csvRow(r, dialect));
  return out.join('');
}

/**
 * Fast check for hot loops that write cells by hand: true when csvCell(s) === s, i.e. s is printable ASCII with
 * no comma or quote, does not start with a trigger or white space and does not end with white space. Conservative:
 * false sends the caller to csvCell.
 */
export function isPlainCell(s: string): boolean {
  const n = s.length;
  if (n === 0) return true;
  if (!plainEnds(s, n)) return false;
  for (let i = 0; i < n; i++) if (!plainInner(s.charCodeAt(i), i)) return false;
  return true;
}

/**
 * isPlainCell(s) and, when true, s copied as ASCII bytes into out at `at` (the caller leaves room for s.length
 * bytes). When false, out may hold part of s: the caller writes csvCell(s) over it.
 */
export function writePlainCell(s: string, out: Uint8Array, at: number): boolean {
  const n = s.length;
  if (n > 0 && !plainEnds(s, n)) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (!plainInner(c, i)) return false;
    out[at + i] = c;
  }
  return true;
}

/** First character not a trigger (= + - @ ', TAB and CR are <= 32) and last not white space or control. */
const plainEnds = (s: string, n: number): boolean => {
  const first = s.charCodeAt(0);
  return first !== 61 && first !== 43 && first !== 45 && first !== 64 && first !== 39 && s.charCodeAt(n - 1) > 32;
};
/** Printable ASCII other than comma and quote; a space only after the first character. */
const plainInner = (c: number, i: number): boolean => (c <= 32 ? i > 0 && c === 32 : c < 127 && c !== 44 && c !== 34);
