// CSV for Excel: UTF-8 with a byte-order mark (so Excel reads it as UTF-8), CRLF line ends, RFC 4180 quoting,
// and no formula injection: a text cell that starts with = + - @ TAB or CR is prefixed with a single quote, so
// a spreadsheet shows it as text instead of evaluating it (OWASP "CSV injection"). Numbers are written as
// numbers (a negative number is data, not a formula) with a '.' decimal point.

export type Cell = string | number | boolean | null | undefined;

export interface CsvColumn<T> {
  header: string;
  value: (row: T) => Cell;
}

const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell's text: formula-neutralized, then quoted when it holds a separator, a quote or a line break. */
export function csvCell(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  let s = v;
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export const CSV_BOM = '\uFEFF';

export function toCsv<T>(columns: readonly CsvColumn<T>[], rows: readonly T[]): string {
  const lines = [columns.map((c) => csvCell(c.header)).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvCell(c.value(r))).join(','));
  return CSV_BOM + lines.join('\r\n') + '\r\n';
}

/** A file name safe for Content-Disposition (letters, digits, dot, dash, underscore). */
export function safeFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 120) || 'export.csv';
}
