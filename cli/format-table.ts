// Plain-text tables for CLI output: a title, column headers, aligned cells, footnotes.
// Numbers are printed with the column's fixed decimals; null/undefined cells stay blank.

export interface TableColumn {
  header: string;
  /** Fixed decimals for numeric cells (default: the number's shortest representation). */
  decimals?: number;
  /** Default: right for numbers, left otherwise (decided per column from its first non-blank cell). */
  align?: 'left' | 'right';
}

export type TableCell = string | number | null | undefined;

export interface TableOptions {
  title?: string;
  footnotes?: readonly string[];
}

export function formatCell(value: TableCell, decimals?: number): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Inf' : '-Inf';
  const s = decimals === undefined ? String(value) : value.toFixed(decimals);
  // A tiny negative rounds to "-0.000"; print it unsigned.
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

export function formatTable(columns: readonly TableColumn[], rows: readonly (readonly TableCell[])[], opts: TableOptions = {}): string {
  const text = rows.map((r) => columns.map((c, j) => formatCell(r[j], c.decimals)));
  const align = columns.map((c, j) => {
    if (c.align) return c.align;
    const first = rows.find((r) => r[j] !== null && r[j] !== undefined)?.[j];
    return typeof first === 'number' ? 'right' : 'left';
  });
  const width = columns.map((c, j) => Math.max(c.header.length, ...text.map((r) => r[j]!.length)));
  const pad = (s: string, j: number) => (align[j] === 'right' ? s.padStart(width[j]!) : s.padEnd(width[j]!));
  const line = (cells: string[]) => cells.map(pad).join('  ').trimEnd();
  const out: string[] = [];
  if (opts.title) out.push(opts.title);
  out.push(line(columns.map((c) => c.header)));
  out.push(width.map((w) => '-'.repeat(w)).join('  '));
  for (const r of text) out.push(line(r));
  for (const f of opts.footnotes ?? []) out.push(f);
  return out.join('\n') + '\n';
}
