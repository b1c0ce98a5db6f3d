// Clean rows of one unit and period, as the statistics read them: a numeric item table plus the categorical
// columns. Built from the clean CSV parts the ingest wrote (shared/survey/csv-out.ts layout).
import { parse } from 'csv-parse/sync';
import type { Instrument } from '../survey';
import type { DataTable } from '../stats/table';

export interface SurveyFrame {
  n: number;
  respondentIds: string[];
  branches: string[];
  periods: string[];
  /** programme, segment and demographics by name; null = missing */
  categories: Record<string, (string | null)[]>;
  /** Every Likert item of the instrument (NaN = missing). */
  items: DataTable;
}

/** Parses and concatenates clean CSV parts (each with its header row). */
export function frameFromCleanCsv(parts: readonly { text: string; source: string }[], instrument: Instrument): SurveyFrame {
  const itemNames = [...instrument.items];
  const catNames = instrument.categories.map((c) => c.name);
  const ids: string[] = [], branches: string[] = [], periods: string[] = [];
  const cats: Record<string, (string | null)[]> = Object.fromEntries(catNames.map((c) => [c, []]));
  const values: number[][] = itemNames.map(() => []);
  for (const part of parts) {
    const records = parse(part.text, { skip_empty_lines: true }) as string[][];
    if (records.length === 0) continue;
    const header = records[0]!;
    const at = (name: string) => {
      const j = header.indexOf(name);
      if (j < 0) throw new Error(`${part.source}: clean file has no column '${name}'`);
      return j;
    };
    const idJ = at('respondent_id'), brJ = at('branch_id'), peJ = at('period');
    const catJ = catNames.map(at), itemJ = itemNames.map(at);
    for (let r = 1; r < records.length; r++) {
      const rec = records[r]!;
      ids.push(rec[idJ]!); branches.push(rec[brJ]!); periods.push(rec[peJ]!);
      catNames.forEach((c, k) => cats[c]!.push(rec[catJ[k]!] || null));
      itemJ.forEach((j, k) => {
        const cell = rec[j]!;
        const v = cell === '' ? NaN : Number(cell);
        if (cell !== '' && !Number.isFinite(v)) throw new Error(`${part.source}: line ${r + 1}, column '${itemNames[k]}': '${cell}' is not a number`);
        values[k]!.push(v);
      });
    }
  }
  return {
    n: ids.length, respondentIds: ids, branches, periods, categories: cats,
    items: { names: itemNames, cols: values.map((v) => Float64Array.from(v)), n: ids.length },
  };
}

/** Rows of a frame where keep(i) is true. */
export function filterFrame(f: SurveyFrame, keep: (i: number) => boolean): SurveyFrame {
  const idx: number[] = [];
  for (let i = 0; i < f.n; i++) if (keep(i)) idx.push(i);
  const pick = <T>(a: readonly T[]) => idx.map((i) => a[i]!);
  return {
    n: idx.length,
    respondentIds: pick(f.respondentIds), branches: pick(f.branches), periods: pick(f.periods),
    categories: Object.fromEntries(Object.entries(f.categories).map(([k, v]) => [k, pick(v)])),
    items: { names: f.items.names, cols: f.items.cols.map((c) => Float64Array.from(idx, (i) => c[i]!)), n: idx.length },
  };
}
