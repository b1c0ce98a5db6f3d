// Issue 13, finding 6 (medium): formula injection survived into clean.csv and rejects.csv: ids such as
// =HYPERLINK(...), +cmd|' /C calc'!A0, @SUM(...) were written unchanged, and in rejects.csv also branch cells and
// raw_text. Fixed behaviour, on the local stack: every CSV the product writes (the curated clean parts and
// rejects, and the dashboard's exports) prefixes a text cell starting with = + - @ TAB CR with `'`.
import { testPseudonyms } from '../helpers/pseudonyms';
import { HIDDEN_FIELD } from '../../shared/survey';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAssessment } from '../../infra/local/assessment-runner';
import { storageBackend } from '../../shared/api/backend';
import { EXPORT_TABLES, exportCsv } from '../../shared/api/exports';
import { ApiError } from '../../shared/api/params';
import { DashboardStore } from '../../shared/api/store';
import type { Principal } from '../../shared/auth';
import { RAW_LAYOUT, S3_LAYOUT } from '../../shared/layout/keys';
import type { DropPartition } from '../../shared/pipeline/drops';
import { defaultInstrument } from '../../shared/survey';
import { makeDrop } from '../integration/drops';
import {
  csvLineOf, curatedText, deliveriesOf, dropIdFor, dropRecord, isFormulaCell, putCurated, putRaw, SMALL_ASSESS_ENV, startTestStack, type TestStack,
} from './support';

const PERIOD = '2025-Q1';
const FORMULA_IDS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", '@SUM(1)', '-2+3'];
const BRANCHES = [
  { id: 'BR01', region: 'JAWA', name: '=HYPERLINK("http://evil","branch")' },
  { id: 'BR02', region: 'JAWA', name: '@SUM(1)' },
];

// Branch first, so that a row's raw text starts with its branch cell; a free-text `note` column the instrument
// does not declare (kept in rejects.csv only).
const base = makeDrop({ seed: 7, rows: 80, branches: ['BR01', 'BR02'], periods: [PERIOD], items: defaultInstrument.items, idPrefix: 'F' });
const header = ['branch_id', 'respondent_id', 'period', ...defaultInstrument.items, 'note'];
const at = (h: string) => base.header.indexOf(h);
const reorder = (r: string[], note: string) => [r[at('branch_id')]!, r[at('respondent_id')]!, r[at('period')]!, ...defaultInstrument.items.map((it) => r[at(it)]!), note];
const rows: string[][] = base.rows.map((r) => reorder(r, 'fine'));
// Accepted rows with formula ids (answers copied from BR01's rows).
const br01 = base.rows.filter((r) => r[at('branch_id')] === 'BR01');
FORMULA_IDS.forEach((id, i) => rows.push(reorder([...br01[i]!.slice(0, at('respondent_id')), id, ...br01[i]!.slice(at('respondent_id') + 1)], 'fine')));
// Rejected rows: a formula as branch (BAD_BRANCH, and the raw text starts with it), and a formula id with an
// out-of-range answer; their notes are formulas too, one starting with a TAB.
rows.push(['=1+2', 'R-BAD-1', PERIOD, ...defaultInstrument.items.map(() => '3'), '-1+1']);
rows.push(['BR01', '=evil()', PERIOD, ...defaultInstrument.items.map((_, j) => (j === 0 ? '7' : String(1 + (j % 5)))), '\t=cmd']);
const text = [header, ...rows].map((r) => csvLineOf(r)).join('\n') + '\n';
const key = `${RAW_LAYOUT.headOfficePrefix}=formulas.csv`;

const headOffice: Principal = { sub: 'test', role: 'head-office' };
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
  await putCurated(stack, S3_LAYOUT.branches, JSON.stringify(BRANCHES));
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const cellsOf = (csv: string) => (parse(csv, { bom: true, relax_column_count: true }) as string[][]).flat();
const unsafe = (csv: string) => cellsOf(csv).filter(isFormulaCell);

describe('finding 6: formula-safe CSV files everywhere', () => {
  it('prefixes formula cells in the curated clean parts and rejects.csv', async () => {
    expect(unsafe(text).length).toBeGreaterThanOrEqual(FORMULA_IDS.length + 4); // the check sees them in the raw drop
    await putRaw(stack, key, text);
    await stack.idle();
    expect(deliveriesOf(stack, key)).toMatchObject([{ ok: true, attempts: 1 }]);
    const rec = (await dropRecord(stack, dropIdFor(text, key)))!;
    expect(rec).toMatchObject({ status: 'done', counts: { rows: rows.length } });
    expect(rec.counts!.rejected).toBeGreaterThanOrEqual(2);

    const parts: DropPartition[] = rec.partitions ?? (JSON.parse(await curatedText(stack, rec.manifestKey!)) as { ingest: { partitions: DropPartition[] } }).ingest.partitions;
    const cleanIds: string[] = [];
    for (const p of parts) {
      const csv = await curatedText(stack, p.key);
      expect(unsafe(csv), p.key).toEqual([]);
      cleanIds.push(...(parse(csv, { columns: true }) as Record<string, string>[]).map((r) => r.respondent_id!));
    }
    // Ids are stored as pseudonyms (README "Personal data"), which can never start with a trigger.
    for (const id of FORMULA_IDS) expect(cleanIds).toContain(testPseudonyms.of(id));

    const rejectsCsv = await curatedText(stack, rec.rejectsKey!);
    expect(unsafe(rejectsCsv)).toEqual([]);
    const rejects = parse(rejectsCsv, { columns: true }) as Record<string, string>[];
    const badBranch = rejects.find((r) => r.respondent_id === testPseudonyms.of('R-BAD-1'))!;
    expect(badBranch.reasons).toMatch(/UNKNOWN_BRANCH|BAD_BRANCH/); // with a directory, an answer is also looked up as an office name
    expect(badBranch.branch_id).toBe("'=1+2");
    // The original row stays in the raw drop; an undeclared column is not kept (README "Personal data").
    expect(badBranch.raw_text).toBe('');
    expect(badBranch.note).toBe(HIDDEN_FIELD);
    const badId = rejects.find((r) => r.respondent_id === testPseudonyms.of('=evil()'))!;
    expect(badId.reasons).toMatch(/OUT_OF_RANGE/);
    expect(badId.note).toBe(HIDDEN_FIELD);
  });

  it("prefixes formula cells in the dashboard's CSV exports", async () => {
    const run = await runAssessment(PERIOD, { env: { ...stack.env, ...SMALL_ASSESS_ENV }, concurrency: 1 });
    expect(run.failures).toEqual([]);
    const store = new DashboardStore(storageBackend(stack.storage, stack.names.buckets.curated));
    const written: string[] = [];
    for (const table of EXPORT_TABLES) {
      let out;
      try {
        out = await exportCsv(table, store, headOffice, { period: PERIOD, branch: 'BR01' });
      } catch (e) {
        if (e instanceof ApiError) continue; // nothing to export for this table here (e.g. no alerts)
        throw e;
      }
      written.push(table);
      expect(unsafe(out.csv), table).toEqual([]);
    }
    console.log(`[result] exports checked: ${written.join(', ')}`);
    expect(written).toEqual(expect.arrayContaining(['ranking', 'drops', 'series']));
    const ranking = parse((await exportCsv('ranking', store, headOffice, { period: PERIOD })).csv, { bom: true, columns: true }) as Record<string, string>[];
    expect(ranking.map((r) => r.Name).sort()).toEqual(["'=HYPERLINK(\"http://evil\",\"branch\")", "'@SUM(1)"]);
  }, 120_000);
});
