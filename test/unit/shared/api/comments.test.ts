// "What participants wrote" (issue 9, textColumns) through the API handler and the CSV export, on clean parts
// written by the cleaner's own writer (formatCleanHeader / formatCleanRow) under an instrument with two free-text
// columns: every drop and chunk of the period is read, oldest drop first; texts come back exactly as written
// (markup and formulas are data), capped, blanks left out; the CSV formula-protects them; a manager of another
// branch gets 403; respondent ids never leave the API.
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { handleApiRequest } from '../../../../shared/api/app';
import { memoryBackend, type Item } from '../../../../shared/api/backend';
import { capComment, COMMENT_MAX_CHARS } from '../../../../shared/api/comments';
import { DashboardStore } from '../../../../shared/api/store';
import type { CommentsResponse } from '../../../../shared/api/types';
import { keys, S3_LAYOUT } from '../../../../shared/layout/keys';
import { BUCKETS, TABLE } from '../../../../shared/layout/resources';
import { storeFromEnv } from '../../../../lambdas/api/handler';
import defaultJson from '../../../../shared/survey/instruments/default.json';
import { formatCleanHeader, formatCleanRow, loadInstrument } from '../../../../shared/survey';
import type { CleanRow } from '../../../../shared/survey/clean';

const TEXTS = ['Saran dan masukan', 'Keluhan'];
const instrument = loadInstrument({ ...defaultJson, textColumns: TEXTS }, 'comments.test');

const HEAD = { sub: 'u-head', 'cognito:groups': '[head-office]' };
const MANAGER = (b: string) => ({ sub: `u-${b}`, 'cognito:groups': '[branch-manager]', 'custom:branch': b });

const EVIL_LINK = '=HYPERLINK("http://evil","klik")';
const SCRIPT = '<script>alert(1)</script><img src=x onerror=alert(2)>';
const LONG = 'x'.repeat(COMMENT_MAX_CHARS + 500);

let line = 1;
function row(id: string, branch: string, period: string, texts: string[]): CleanRow {
  return {
    line: ++line, lines: 1, respondentId: id, branch, period, date: null,
    categories: instrument.categories.map(() => null), items: instrument.items.map(() => 4), answerHash: '0123456789abcdef', texts,
  };
}
const part = (rows: CleanRow[]) => formatCleanHeader(instrument) + rows.map((r) => formatCleanRow(instrument, r)).join('');
const drop = (id: string, receivedAt: string): Item => ({ ...keys.drop(id), dropId: id, sha256: id, receivedAt, status: 'done' });

// Drop A arrived first and wrote BR01's 2025-Q1 rows in two chunks; drop B came later. Their hashes sort the other
// way round (b… < a…), so key order alone would put B first.
const A = 'f'.repeat(64), B = 'b'.repeat(64), C = 'c'.repeat(64);
const objects: Record<string, string> = {
  [S3_LAYOUT.cleanPart('2025-Q1', 'BR01', A, 0)]: part([
    row('R1', 'BR01', '2025-Q1', [SCRIPT, '']),
    row('=R2', 'BR01', '2025-Q1', ['', EVIL_LINK]),
  ]),
  [S3_LAYOUT.cleanPart('2025-Q1', 'BR01', A, 1)]: part([
    row('R3', 'BR01', '2025-Q1', ["'already quoted", '-5 poin, "antrian" lama,\nbaris dua']),
    row('R4', 'BR01', '2025-Q1', ['   ', '']),
  ]),
  [S3_LAYOUT.cleanPart('2025-Q1', 'BR01', B, 0)]: part([
    row('R5', 'BR01', '2025-Q1', [LONG, '']),
    row('R1', 'BR01', '2025-Q1', ['the same respondent again: counted once', '']),
  ]),
  [S3_LAYOUT.cleanPart('2025-Q2', 'BR01', C, 0)]: part([row('R6', 'BR01', '2025-Q2', ['kuartal dua', '@SUM(1)'])]),
  [S3_LAYOUT.cleanPart('2025-Q1', 'BR02', C, 0)]: part([row('S1', 'BR02', '2025-Q1', ['cabang lain', ''])]),
  [S3_LAYOUT.branches]: JSON.stringify([{ id: 'BR01', name: 'Satu', region: 'ACEH' }, { id: 'BR02', name: 'Dua', region: 'ACEH' }]),
};
const items: Item[] = [drop(A, '2025-04-02T08:00:00Z'), drop(B, '2025-04-20T08:00:00Z'), drop(C, '2025-07-02T08:00:00Z')];

const storeWith = (textColumns: readonly string[] | undefined) =>
  new DashboardStore(memoryBackend(items, objects), textColumns ? { textColumns: async () => textColumns } : {});

async function call(path: string, claims: Record<string, unknown>, query: Record<string, string>, store = storeWith(TEXTS)) {
  const res = await handleApiRequest({ method: 'GET', path, query, claims }, store);
  return { ...res, json: res.headers['content-type']?.startsWith('application/json') ? JSON.parse(res.body) : undefined };
}

const Q1 = [
  { column: TEXTS[0], text: SCRIPT },
  { column: TEXTS[1], text: EVIL_LINK },
  { column: TEXTS[0], text: "'already quoted" },
  { column: TEXTS[1], text: '-5 poin, "antrian" lama,\nbaris dua' },
  { column: TEXTS[0], text: LONG.slice(0, COMMENT_MAX_CHARS) },
];

describe('GET /api/branches/{id}/comments', () => {
  it('reads every chunk of every drop of the quarter, oldest drop first, texts exactly as written, blanks left out', async () => {
    const r = await call('/api/branches/BR01/comments', HEAD, { period: '2025-Q1' });
    expect(r.status).toBe(200);
    const c = r.json as CommentsResponse;
    expect(c.branch).toEqual({ id: 'BR01', name: 'Satu', region: 'ACEH' });
    expect(c.period).toBe('2025-Q1');
    expect(c.comments).toEqual(Q1);
    // no respondent id, not even a formula-looking one, and nothing of the other branch
    for (const id of ['R1', 'R2', 'R3', 'R5', '=R2']) expect(r.body).not.toContain(`"${id}"`);
    expect(r.body).not.toContain('respondent');
    expect(r.body).not.toContain('cabang lain');
  });

  it('a year reads its quarters in order; a branch manager reads their own branch', async () => {
    const c = (await call('/api/branches/br01/comments', MANAGER('BR01'), { period: '2025' })).json as CommentsResponse;
    expect(c.comments).toEqual([...Q1, { column: TEXTS[0], text: 'kuartal dua' }, { column: TEXTS[1], text: '@SUM(1)' }]);
  });

  it("refuses a manager of another branch (403), in JSON and CSV, and says nothing of the branch's texts", async () => {
    for (const r of [
      await call('/api/branches/BR01/comments', MANAGER('BR02'), { period: '2025-Q1' }),
      await call('/api/export/comments.csv', MANAGER('BR02'), { branch: 'BR01', period: '2025-Q1' }),
    ]) {
      expect(r.status).toBe(403);
      expect(r.body).not.toContain('script');
    }
    expect((await call('/api/branches/BR01/comments', {}, { period: '2025-Q1' })).status).toBe(401);
  });

  it('needs a period, and an instrument without free-text columns gives an empty list', async () => {
    expect((await call('/api/branches/BR01/comments', HEAD, {})).status).toBe(400);
    const c = (await call('/api/branches/BR01/comments', HEAD, { period: '2025-Q1' }, storeWith(undefined))).json as CommentsResponse;
    expect(c.comments).toEqual([]);
    // a declared column missing from older parts reads as nothing there
    const only = (await call('/api/branches/BR01/comments', HEAD, { period: '2025-Q1' }, storeWith(['Keluhan', 'Pertanyaan baru']))).json as CommentsResponse;
    expect(only.comments.map((x) => x.column)).toEqual(['Keluhan', 'Keluhan']);
  });
});

describe('comments CSV export', () => {
  it('writes the texts formula-protected (Excel shows =HYPERLINK as text) and reads back to what was written', async () => {
    const r = await call('/api/export/comments.csv', HEAD, { branch: 'BR01', period: '2025', lang: 'en' });
    expect(r.status).toBe(200);
    expect(r.headers['content-disposition']).toBe('attachment; filename="satmon-comments-BR01-2025.csv"');
    const records = parse(r.body.replace(/^\uFEFF/, ''), { relax_column_count: false }) as string[][];
    expect(records[0]).toEqual(['Question', 'What the participant wrote']);
    const cells = records.slice(1).map((x) => x[1]!);
    // no cell a spreadsheet would run as a formula
    for (const cell of records.flat()) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(cells).toContain(`'${EVIL_LINK}`);
    expect(cells).toContain("'@SUM(1)");
    expect(cells).toContain("''already quoted");
    expect(cells).toContain(SCRIPT);
    expect(cells).toContain("'-5 poin, \"antrian\" lama,\nbaris dua"); // a line break inside a quoted cell stays
    expect(r.body).not.toContain('R5');
  });

  it('in Indonesian for Excel (`;` between cells) the texts are just as protected', async () => {
    const r = await call('/api/export/comments.csv', HEAD, { branch: 'BR01', period: '2025', lang: 'id', format: 'excel-id' });
    expect(r.status).toBe(200);
    const records = parse(r.body.replace(/^\uFEFF/, ''), { delimiter: ';', relax_column_count: false }) as string[][];
    expect(records[0]).toEqual(['Pertanyaan', 'Yang ditulis peserta']);
    for (const cell of records.flat()) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    const cells = records.slice(1).map((x) => x[1]!);
    expect(cells).toContain(`'${EVIL_LINK}`);
    expect(cells).toContain("'-5 poin, \"antrian\" lama,\nbaris dua");
  });
});

describe('capComment', () => {
  it('trims and cuts at 2,000 characters without splitting a surrogate pair', () => {
    expect(capComment('  ok \n')).toBe('ok');
    expect(capComment('y'.repeat(3000))).toHaveLength(2000);
    const emoji = 'a'.repeat(COMMENT_MAX_CHARS - 1) + '😀' + 'b';
    expect(capComment(emoji)).toBe('a'.repeat(COMMENT_MAX_CHARS - 1));
  });
});

describe("the API Lambda's store", () => {
  it('takes the free-text columns from the configured instrument (SATMON_INSTRUMENT_JSON), none by default', async () => {
    const base = { [TABLE.envVar]: 't-comments', [BUCKETS.curated.envVar]: 'b-comments', AWS_REGION: 'ap-southeast-3' };
    expect(await storeFromEnv({ ...base, SATMON_INSTRUMENT_JSON: JSON.stringify({ ...defaultJson, textColumns: TEXTS }) }).textColumns()).toEqual(TEXTS);
    expect(await storeFromEnv(base).textColumns()).toEqual([]);
  });
});
