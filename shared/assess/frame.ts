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
 * One clean CSV part, parsed: its rows in file order and the columns the instrument reads. Parts are content-addressed
 * (a drop's hash in the key), so a parsed part can be kept and reused (shared/pipeline/part-cache.ts); frameFromParts
 * copies what it takes, never handing out a part's own arrays.
 */
export interface CleanPart {
  n: number;
  ids: readonly string[];
  branches: readonly string[];
  periods: readonly string[];
  /** Per category of the instrument, in its order; null = missing (also where the part lacks the column). */
  categories: readonly (readonly (string | null)[])[];
  /** Per item of the instrument, in its order; NaN = missing (also where the part lacks the column). */
  values: readonly Float64Array[];
  /** With the instrument's weightColumn only: each row's weight, 1 where the part predates the weight column. */
  weights?: Float64Array;
}

/**
 * Parses one clean part (with its header row). A part written under an older instrument may lack some columns: its
 * rows get missing values there. With the instrument's weightColumn, the `weight` column gives the weights; a part
 * without it was written before the instrument had a weight column, and its rows weigh 1 (the design they were drawn
 * under). A weight cell that is blank, not a number or not > 0, or an item cell that is not a number, cannot come
 * from the cleaner: the part is refused with line and column.
 */
export function parseCleanPart(text: string, source: string, instrument: Instrument): CleanPart {
  const itemNames = instrument.items;
  const catNames = instrument.categories.map((c) => c.name);
  const weighted = instrument.weightColumn !== undefined;
  const records = parse(text, { skip_empty_lines: true }) as string[][];
  const n = Math.max(0, records.length - 1);
  const ids: string[] = [], branches: string[] = [], periods: string[] = [];
  const categories = catNames.map(() => new Array<string | null>(n));
  const values = itemNames.map(() => new Float64Array(n));
  const weights = weighted ? new Float64Array(n).fill(1) : undefined;
  if (records.length === 0) return { n: 0, ids, branches, periods, categories, values, ...(weights ? { weights } : {}) };
  const header = records[0]!.map(unprotectCell); // text cells were formula-protected when written (csv-write.ts)
  const required = (name: string) => {
    const j = header.indexOf(name);
    if (j < 0) throw new Error(`${source}: clean file has no column '${name}'`);
    return j;
  };
  const idJ = required('respondent_id'), brJ = required('branch_id'), peJ = required('period');
  const catJ = catNames.map((c) => header.indexOf(c)), itemJ = itemNames.map((c) => header.indexOf(c));
  const weightJ = weighted ? header.indexOf(CLEAN_WEIGHT_COLUMN) : -1;
  for (let r = 1; r < records.length; r++) {
    const rec = records[r]!, i = r - 1;
    ids.push(unprotectCell(rec[idJ]!)); branches.push(rec[brJ]!); periods.push(rec[peJ]!);
    catJ.forEach((j, k) => { categories[k]![i] = j >= 0 ? unprotectCell(rec[j]!) || null : null; });
    itemJ.forEach((j, k) => {
      const cell = j >= 0 ? rec[j]! : '';
      const v = cell === '' ? NaN : Number(cell);
      if (cell !== '' && !Number.isFinite(v)) throw new Error(`${source}: line ${r + 1}, column '${itemNames[k]}': '${cell}' is not a number`);
      values[k]![i] = v;
    });
    if (weights && weightJ >= 0) {
      const cell = rec[weightJ]!;
      const w = cell === '' ? NaN : Number(cell);
      if (!(w > 0 && Number.isFinite(w))) throw new Error(`${source}: line ${r + 1}, column '${CLEAN_WEIGHT_COLUMN}': '${cell}' is not a weight > 0`);
      weights[i] = w;
    }
  }
  return { n, ids, branches, periods, categories, values, ...(weights ? { weights } : {}) };
}

/**
 * Concatenates parsed clean parts, in the order given, into the frame the statistics read.
 * - A respondent already met (same branch, period and id) in an earlier part is left out and counted: two drops
 *   ingested at the same moment can both pass the cross-drop duplicate check, and a respondent must count once.
 *   Callers pass parts in a fixed order (by key), so which copy stays does not depend on timing.
 * - An item with no observed value in any part is left out of the table (a model that needs it is then "skipped").
 * - With the instrument's weightColumn, SurveyFrame.weights holds the rows' weights.
 */
export function frameFromParts(parts: readonly CleanPart[], instrument: Instrument): SurveyFrame {
  const itemNames = [...instrument.items];
  const catNames = instrument.categories.map((c) => c.name);
  const weighted = instrument.weightColumn !== undefined;
  // The rows kept, as (part, row) pairs.
  const keptPart: number[] = [], keptRow: number[] = [];
  const seen = new Set<string>();
  let duplicatesDropped = 0;
  parts.forEach((part, p) => {
    for (let i = 0; i < part.n; i++) {
      const key = `${part.branches[i]}\u0000${part.periods[i]}\u0000${part.ids[i]}`;
      if (seen.has(key)) { duplicatesDropped++; continue; }
      seen.add(key);
      keptPart.push(p); keptRow.push(i);
    }
  });
  const n = keptRow.length;
  const take = <T>(col: (part: CleanPart) => ArrayLike<T>): T[] => keptRow.map((i, r) => col(parts[keptPart[r]!]!)[i]!);
  const values = itemNames.map((_, k) => Float64Array.from(keptRow, (i, r) => parts[keptPart[r]!]!.values[k]![i]!));
  const observed = values.map((v) => v.some((x) => !Number.isNaN(x)));
  return {
    n, respondentIds: take((p) => p.ids), branches: take((p) => p.branches), periods: take((p) => p.periods),
    categories: Object.fromEntries(catNames.map((c, k) => [c, take((p) => p.categories[k]!)])),
    duplicatesDropped,
    ...(weighted ? { weights: Float64Array.from(keptRow, (i, r) => parts[keptPart[r]!]!.weights![i]!) } : {}),
    items: {
      names: itemNames.filter((_, k) => observed[k] || n === 0),
      cols: values.filter((_, k) => observed[k] || n === 0),
      n,
    },
  };
}

/** Parses and concatenates clean CSV parts (each with its header row): parseCleanPart, then frameFromParts. */
export function frameFromCleanCsv(parts: readonly { text: string; source: string }[], instrument: Instrument): SurveyFrame {
  return frameFromParts(parts.map((p) => parseCleanPart(p.text, p.source, instrument)), instrument);
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
