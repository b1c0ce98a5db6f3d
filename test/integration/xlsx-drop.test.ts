// An Excel workbook dropped in the local raw bucket is ingested like a CSV: the same clean parts, rejects and
// counts as the same rows cleaned as CSV (by the cleaner directly), with the manifest saying it was an .xlsx.
import { testPseudonyms } from '../helpers/pseudonyms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../infra/local/stack';
import { xlsxOf, type XCell } from '../helpers/xlsx-writer';
import { awkwardDrop, expectIngestedLikeCsv } from './same-as-csv';


describe('an .xlsx drop on the local stack', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({ handlerLogLevel: 'SILENT' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const { header, rows, csv } = awkwardDrop(7, 'X');
  const cell = (c: string): XCell => (/^\d+$/.test(c) ? Number(c) : c);

  it('ends as curated clean parts, rejects and a manifest like the same rows as CSV', async () => {
    const xlsx = await xlsxOf([header, ...rows.map((r) => r.map(cell))]);
    // Named with the suffix in another case, under the head-office folder.
    const { sha256: h, csvManifest, rejects, manifest } = await expectIngestedLikeCsv(stack, 'drops/head-office/2025/rekap cabang.XLSX', xlsx, csv, rows.length);
    expect(csvManifest.rejectedRows).toBe(3);
    // The formula-looking id is stored as its pseudonym; the original row stays in the raw drop (README "Personal data").
    const f = rejects.find((r) => r.reasons.includes('OUT_OF_RANGE') && r.respondent_id === testPseudonyms.of('=HYPERLINK("http://x")'))!;
    expect(f.raw_text).toBe('');
    expect(manifest).toMatchObject({
      sha256: h, bytes: xlsx.length, inputRows: rows.length, cleanRows: csvManifest.cleanRows, rejectedRows: 3,
      format: { format: 'xlsx', sheet: 'Sheet1', delimiter: null }, reasons: csvManifest.reasons,
      ingest: { status: 'done', uploader: 'head-office' },
    });
  });
});
