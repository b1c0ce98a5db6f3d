// Loading a numeric CSV for a CLI command: every failure becomes a one-line CliError naming the file
// (and, from readNumericCsv, the line and column of a bad cell).
import { readFile } from 'node:fs/promises';
import { readNumericCsv } from '../shared/stats/read-csv';
import type { DataTable } from '../shared/stats/table';
import { CliError } from './errors';

export async function loadNumericCsv(path: string, columns: readonly string[], missingCodes: readonly string[] = []): Promise<DataTable> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${code ?? (e as Error).message})`);
  }
  try {
    return readNumericCsv(text, path, { columns, missingCodes });
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0]!;
    throw new CliError(msg.startsWith(`${path}:`) ? msg : `${path}: ${msg}`);
  }
}

/** "A,B, C" → ["A", "B", "C"]; an empty list is an error. */
export function listFlag(value: string, flag: string): string[] {
  const items = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (items.length === 0) throw new CliError(`--${flag} needs a comma-separated list of column names`);
  return items;
}

export function formatFlag(value: string | undefined): 'json' | 'table' {
  if (value === undefined || value === 'json' || value === 'table') return value ?? 'json';
  throw new CliError(`--format must be json or table, got '${value}'`);
}

/** A JSON file a command is given (an instrument, a branch directory): one-line errors naming the file. */
export async function readJsonFile(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`${path}: not valid JSON: ${(e as Error).message}`);
  }
}
