// Clean rows of one unit and period, as the statistics read them: a numeric item table plus the categorical
// columns. Built from the clean CSV parts the ingest wrote (shared/survey/csv-out.ts layout).
import { parse } from 'csv-parse/sync';
import { unprotectCell } from '../csv-write';
import type { Instrument } from '../survey';
import { CLEAN_WEIGHT_COLUMN } from '../survey/instrument';
import { selectRows, type DataTable } from '../stats/table';

export interface SurveyFrame {
  n: number;
  respondentIds: string[];
  branches: string[];
  periods: string[];
  /** programme, segment and demographics by name; null = missing */
  categories: Record<string, (string | null)[]>;
  /** Every Likert item of the instrument with at least one observed value (NaN = missing). */
  items: DataTable;
  /** Rows left out because the same respondent (branch, period, id) came earlier in another part. */
  duplicatesDropped: number;
  /**
   * Survey weights (> 0, row-aligned with every other column) when the instrument has a weightColumn; absent
   * without one (unweighted, not all ones).
   */
  weights?: Float64Array;
}

/**
 * Parses and concatenates clean CSV parts (each with its header row), in the order given.
 * - A respondent already met (same branch, period and id) in an earlier part is left out and counted: two drops
 *   ingested at the same moment can both pass the cross-drop duplicate check, and a respondent must count once.
 *   Callers pass parts in a fixed order (by key), so which copy stays does not depend on timing.
 * - A part written under an older instrument may lack some columns: its rows get missing values there, and an item
 *   with no observed value in any part is left out of the table (a model that needs it is then "skipped").
 * - With the instrument's weightColumn, the `weight` column gives SurveyFrame.weights. A part without it was written
 *   before the instrument had a weight column: its rows weigh 1 (the design they were drawn under). A weight cell
 *   that is blank, not a number or not > 0 cannot come from the cleaner: the part is refused with line and column.
 */
export function frameFromCleanCsv(parts: readonly { text: string; source: string }[], instrument: Instrument): SurveyFrame {
  const itemNames = [...instrument.items];
  const catNames = instrument.categories.map((c) => c.name);
  const ids: string[] = [], branches: string[] = [], periods: string[] = [];
  const cats: Record<string, (string | null)[]> = Object.fromEntries(catNames.map((c) => [c, []]));
  const values: number[][] = itemNames.map(() => []);
  const seen = new Set<string>();
  let duplicatesDropped = 0;
  const weighted = instrument.weightColumn !== undefined;
  const weights: number[] = [];
  for (const part of parts) {
    const records = parse(part.text, { skip_empty_lines: true }) as string[][];
    if (records.length === 0) continue;
    const header = records[0]!.map(unprotectCell); // text cells were formula-protected when written (csv-write.ts)
    const required = (name: string) => {
      const j = header.indexOf(name);
      if (j < 0) throw new Error(`${part.source}: clean file has no column '${name}'`);
      return j;
    };
    const idJ = required('respondent_id'), brJ = required('branch_id'), peJ = required('period');
    const catJ = catNames.map((c) => header.indexOf(c)), itemJ = itemNames.map((c) => header.indexOf(c));
    const weightJ = weighted ? header.indexOf(CLEAN_WEIGHT_COLUMN) : -1;
    for (let r = 1; r < records.length; r++) {
      const rec = records[r]!;
      const id = unprotectCell(rec[idJ]!);
      const key = `${rec[brJ]}\u0000${rec[peJ]}\u0000${id}`;
      if (seen.has(key)) { duplicatesDropped++; continue; }
      seen.add(key);
      ids.push(id); branches.push(rec[brJ]!); periods.push(rec[peJ]!);
      catNames.forEach((c, k) => cats[c]!.push(catJ[k]! >= 0 ? unprotectCell(rec[catJ[k]!]!) || null : null));
      itemJ.forEach((j, k) => {
        const cell = j >= 0 ? rec[j]! : '';
        const v = cell === '' ? NaN : Number(cell);
        if (cell !== '' && !Number.isFinite(v)) throw new Error(`${part.source}: line ${r + 1}, column '${itemNames[k]}': '${cell}' is not a number`);
        values[k]!.push(v);
      });
      if (weighted) {
        if (weightJ < 0) weights.push(1);
        else {
          const cell = rec[weightJ]!;
          const w = cell === '' ? NaN : Number(cell);
          if (!(w > 0 && Number.isFinite(w))) throw new Error(`${part.source}: line ${r + 1}, column '${CLEAN_WEIGHT_COLUMN}': '${cell}' is not a weight > 0`);
          weights.push(w);
        }
      }
    }
  }
  const observed = itemNames.map((_, k) => values[k]!.some((v) => !Number.isNaN(v)));
  return {
    n: ids.length, respondentIds: ids, branches, periods, categories: cats, duplicatesDropped,
    ...(weighted ? { weights: Float64Array.from(weights) } : {}),
    items: {
      names: itemNames.filter((_, k) => observed[k] || ids.length === 0),
      cols: values.filter((_, k) => observed[k] || ids.length === 0).map((v) => Float64Array.from(v)),
      n: ids.length,
    },
  };
}

/** Rows of a frame where keep(i) is true. */
export function filterFrame(f: SurveyFrame, keep: (i: number) => boolean): SurveyFrame {
  const idx: number[] = [];
  for (let i = 0; i < f.n; i++) if (keep(i)) idx.push(i);
  const pick = <T>(a: readonly T[]) => idx.map((i) => a[i]!);
  return {
    n: idx.length, duplicatesDropped: f.duplicatesDropped,
    respondentIds: pick(f.respondentIds), branches: pick(f.branches), periods: pick(f.periods),
    categories: Object.fromEntries(Object.entries(f.categories).map(([k, v]) => [k, pick(v)])),
    items: selectRows(f.items, idx),
    ...(f.weights ? { weights: Float64Array.from(idx, (i) => f.weights![i]!) } : {}),
  };
}
