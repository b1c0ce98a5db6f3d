// Seeded survey drops for the default instrument (test data only; the product's simulator is shared/survey/simulate).
import { mulberry32 } from '../helpers/random';
export interface DropSpec {
  seed: number;
  rows: number;
  branches: string[];
  periods: string[];
  /** Items of the instrument, in any order (columns are written in this order). */
  items: readonly string[];
  /** Respondent id prefix (ids are <prefix><n>). */
  idPrefix?: string;
  /** Leave these columns out of the header. */
  omit?: string[];
}


export interface Drop {
  csv: string;
  header: string[];
  /** Data rows as field arrays (header order). */
  rows: string[][];
}

/** Rows spread round-robin over branches x periods; Likert codes 1-5 (SKM unsur 1-4) around a per-row level. */
export function makeDrop(s: DropSpec): Drop {
  const rand = mulberry32(s.seed);
  const all = ['respondent_id', 'branch_id', 'period', ...s.items];
  const header = all.filter((c) => !s.omit?.includes(c));
  const rows: string[][] = [];
  for (let i = 0; i < s.rows; i++) {
    const level = 2 + rand() * 3;
    const v: Record<string, string> = {
      respondent_id: `${s.idPrefix ?? 'R'}${i + 1}`,
      branch_id: s.branches[i % s.branches.length],
      period: s.periods[Math.floor(i / s.branches.length) % s.periods.length],
    };
    // the SKM's unsur (U1-U9) are answered 1-4, the questionnaire's items 1-5
    for (const it of s.items) v[it] = String(Math.min(/^U\d$/.test(it) ? 4 : 5, Math.max(1, Math.round(level + (rand() - 0.5) * 2.5))));
    rows.push(header.map((c) => v[c]));
  }
  return { header, rows, csv: toCsv(header, rows) };
}

export function toCsv(header: string[], rows: string[][]): string {
  return [header, ...rows].map((r) => r.join(',')).join('\n') + '\n';
}
