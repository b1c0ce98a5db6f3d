// "What participants wrote": the instrument's free-text columns (textColumns) of a branch's clean rows, read back
// from the clean CSV parts of the period (every drop, every chunk). The texts are data, never markup or formulas:
// the JSON carries them as plain strings (the dashboard shows them as text nodes) and the CSV export writes them
// through the one CSV writer, which formula-protects every text cell. Respondent ids stay out of both.
import { parse } from 'csv-parse/sync';
import { assertBranch, type Principal } from '../auth';
import { unprotectCell } from '../csv-write';
import { quartersOf } from '../period';
import type { DashboardStore } from './store';
import type { CommentsResponse, CommentView } from './types';
import { branchInfo } from './views';

/** Characters kept per answer: the cleaner's cap (TEXT_MAX_CHARS), applied again to whatever the file holds. */
export const COMMENT_MAX_CHARS = 2000;

/** Trimmed and cut to COMMENT_MAX_CHARS without splitting a surrogate pair. */
export function capComment(raw: string): string {
  const t = raw.trim();
  if (t.length <= COMMENT_MAX_CHARS) return t;
  const end = (t.charCodeAt(COMMENT_MAX_CHARS - 1) & 0xfc00) === 0xd800 ? COMMENT_MAX_CHARS - 1 : COMMENT_MAX_CHARS;
  return t.slice(0, end);
}

/**
 * The non-empty free texts of one clean part, in row order. A respondent already met (same period and id, e.g. two
 * drops ingested at the same moment) is left out, as the statistics do (../assess/frame.ts).
 */
export function commentsOfPart(text: string, source: string, textColumns: readonly string[], seen: Set<string>): CommentView[] {
  let records: string[][];
  try {
    records = parse(text, { skip_empty_lines: true, relax_column_count: true }) as string[][];
  } catch (e) {
    throw new Error(`${source}: clean file is not valid CSV: ${(e as Error).message}`);
  }
  if (records.length === 0) return [];
  const header = records[0]!.map(unprotectCell); // the writer protects every text cell (../csv-write.ts)
  const idJ = header.indexOf('respondent_id'), peJ = header.indexOf('period');
  // A part written under an older instrument may lack a column: nothing to read there.
  const cols = textColumns.map((name) => ({ name, j: header.indexOf(name) })).filter((c) => c.j >= 0);
  if (cols.length === 0) return [];
  const out: CommentView[] = [];
  for (let r = 1; r < records.length; r++) {
    const rec = records[r]!;
    if (idJ >= 0) {
      const key = `${rec[peJ] ?? ''}\u0000${unprotectCell(rec[idJ] ?? '')}`;
      if (seen.has(key)) continue;
      seen.add(key);
    }
    for (const c of cols) {
      const t = capComment(unprotectCell(rec[c.j] ?? ''));
      if (t) out.push({ column: c.name, text: t });
    }
  }
  return out;
}

/** A branch's free texts in a quarter (or the quarters of a year): quarter order, oldest drop first, chunks in order. */
export async function commentsView(store: DashboardStore, p: Principal, branch: string, period: string): Promise<CommentsResponse> {
  assertBranch(p, branch);
  const info = await branchInfo(store, branch);
  const textColumns = await store.textColumns();
  if (textColumns.length === 0) return { branch: info, period, comments: [] };
  const parts = await store.cleanParts(branch, quartersOf(period));
  const keys = parts.flatMap((x) => x.keys);
  const texts = await Promise.all(keys.map((k) => store.objectText(k)));
  const seen = new Set<string>();
  const comments = keys.flatMap((k, i) => (texts[i] === undefined ? [] : commentsOfPart(texts[i]!, k, textColumns, seen)));
  return { branch: info, period, comments };
}
