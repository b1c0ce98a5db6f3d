// Reads a numeric CSV (analysis input, not a raw survey drop) into a DataTable.
// Non-numeric cells in the requested columns are an error naming file, line and column.
import { parse } from 'csv-parse/sync';
import type { DataTable } from './table';

export interface NumericCsvOptions {
  /** Cell texts that mean "missing" (the empty cell always does), e.g. ["-99"]. */
  missingCodes?: readonly string[];
  /** Only these columns (default: all). */
  columns?: readonly string[];
}

export function readNumericCsv(text: string, source: string, opts: NumericCsvOptions = {}): DataTable {
  const records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: false, trim: true }) as string[][];
  if (records.length === 0) throw new Error(`${source}: empty file`);
  const header = records[0]!;
  const wanted = opts.columns ?? header;
  const idx = wanted.map((name) => {
    const j = header.indexOf(name);
    if (j < 0) throw new Error(`${source}: column '${name}' not found in the header`);
    return j;
  });
  const missing = new Set(['', 'NA', ...(opts.missingCodes ?? [])]);
  const n = records.length - 1;
  const cols = idx.map(() => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const rec = records[i + 1]!;
    for (let k = 0; k < idx.length; k++) {
      const cell = rec[idx[k]!]!;
      if (missing.has(cell)) { cols[k]![i] = NaN; continue; }
      const v = Number(cell);
      if (!Number.isFinite(v)) throw new Error(`${source}: line ${i + 2}, column '${wanted[k]}': '${cell}' is not a number`);
      cols[k]![i] = v;
    }
  }
  return { names: [...wanted], cols, n };
}
