// An Excel workbook dropped in the local raw bucket is ingested like a CSV: the same clean parts, rejects and
// counts as the same rows cleaned as CSV (by the cleaner directly), with the manifest saying it was an .xlsx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../infra/local/stack';
import { defaultInstrument } from '../../shared/survey';
import { xlsxOf, type XCell } from '../helpers/xlsx-writer';
import { makeDrop, toCsv } from './drops';
import { expectIngestedLikeCsv } from './same-as-csv';

const BRANCHES = ['BR01', 'BR02', 'BR03'];
const PERIODS = ['2025-Q1', '2025-Q2'];

describe('an .xlsx drop on the local stack', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({ handlerLogLevel: 'SILENT' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  // 600 rows, then an out-of-range answer, a formula-looking id and an in-drop duplicate.
  const drop = makeDrop({ seed: 7, rows: 600, branches: BRANCHES, periods: PERIODS, items: defaultInstrument.items, idPrefix: 'X' });
  const bad = [...drop.rows[0]!];
  bad[0] = 'XBAD';
  bad[4] = '9';
  const formula = [...drop.rows[1]!];
  formula[0] = '=HYPERLINK("http://x")';
  formula[5] = '0';
  const rows = [...drop.rows, bad, formula, drop.rows[2]!];
  const csv = toCsv(drop.header, rows.map((r) => r.map((c) => (/[",]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c))));
  const cell = (c: string): XCell => (/^\d+$/.test(c) ? Number(c) : c);

  it('ends as curated clean parts, rejects and a manifest like the same rows as CSV', async () => {
    const xlsx = await xlsxOf([drop.header, ...rows.map((r) => r.map(cell))]);
    // Named with the suffix in another case, under the head-office folder.
    const { sha256: h, csvManifest, rejects, manifest } = await expectIngestedLikeCsv(stack, 'drops/head-office/2025/rekap cabang.XLSX', xlsx, csv, rows.length);
    expect(csvManifest.rejectedRows).toBe(3);
    // raw_text: the cells as a formula-safe CSV line (the formula-looking id quoted and protected inside it).
    const f = rejects.find((r) => r.reasons.includes('OUT_OF_RANGE') && r.raw_text!.includes('HYPERLINK'))!;
    expect(f.raw_text!.startsWith(`"'=HYPERLINK(""http://x"")",`)).toBe(true);
    expect(manifest).toMatchObject({
      sha256: h, bytes: xlsx.length, inputRows: rows.length, cleanRows: csvManifest.cleanRows, rejectedRows: 3,
      format: { format: 'xlsx', sheet: 'Sheet1', delimiter: null }, reasons: csvManifest.reasons,
      ingest: { status: 'done', uploader: 'head-office' },
    });
  });
});
