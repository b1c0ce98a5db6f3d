// CSV for Excel: the dashboard's exports, written by the product's one CSV writer (../csv-write.ts) in its Excel
// dialect: UTF-8 with a byte-order mark (so Excel reads it as UTF-8), CRLF line ends, RFC 4180 quoting, and no
// formula injection (a text cell starting with = + - @ TAB CR or ' gets a leading '). Numbers are written as
// numbers (a negative number is data, not a formula) with a '.' decimal point, or in the Indonesian Excel form
// (EXCEL_ID_CSV: `;` between cells, decimal comma).
import { csvDocument, EXCEL_CSV, type Cell, type CsvDialect } from '../csv-write';

export { csvCell, CSV_BOM, EXCEL_CSV, EXCEL_ID_CSV, type Cell } from '../csv-write';

export interface CsvColumn<T> {
  header: string;
  value: (row: T) => Cell;
}

export function toCsv<T>(columns: readonly CsvColumn<T>[], rows: readonly T[], dialect: CsvDialect = EXCEL_CSV): string {
  return csvDocument([columns.map((c) => c.header), ...rows.map((r) => columns.map((c) => c.value(r)))], dialect);
}

/** A file name safe for Content-Disposition (letters, digits, dot, dash, underscore). */
export function safeFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 120) || 'export.csv';
}
