// Plain-text tables for CLI output: a title, column headers, aligned cells, footnotes, in the CLI's language
// (cli/i18n.ts): numbers through shared/i18n/format, so 0,504 in Indonesian and 0.504 in English.
// Numbers are printed with the column's fixed decimals; null/undefined cells stay blank.
import type { Format } from '../shared/i18n/format';
import { cliFormat } from './i18n';

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
  /** The language's formats (default: the CLI's, cli/i18n.ts). */
  fmt?: Format;
}

/** A number as short as it is written (0.05 -> "0,05" in Indonesian), integers grouped (1.234 / 1,234). */
export function formatNumber(value: number, fmt: Format = cliFormat()): string {
  if (Number.isInteger(value)) return fmt.int(value);
  const m = /^-?\d+(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(value));
  const digits = Math.min(12, (m?.[1]?.length ?? 0) - Number(m?.[2] ?? 0));
  return fmt.num(value, Math.max(0, digits));
}

export function formatCell(value: TableCell, decimals?: number, fmt: Format = cliFormat()): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Inf' : '-Inf';
  if (decimals === undefined) return formatNumber(value, fmt);
  // A tiny negative rounds to "-0.000"; print it unsigned.
  return fmt.num(Number(value.toFixed(decimals)) === 0 ? 0 : value, decimals);
}

export function formatTable(columns: readonly TableColumn[], rows: readonly (readonly TableCell[])[], opts: TableOptions = {}): string {
  const fmt = opts.fmt ?? cliFormat();
  const text = rows.map((r) => columns.map((c, j) => formatCell(r[j], c.decimals, fmt)));
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
