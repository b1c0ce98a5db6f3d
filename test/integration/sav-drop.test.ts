// An SPSS .sav dropped in the local raw bucket is ingested like a CSV: the same clean parts, rejects and counts as
// the same rows cleaned as CSV (by the cleaner directly), with the manifest saying it was a .sav.
import { testPseudonyms } from '../helpers/pseudonyms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../infra/local/stack';
import { writeSav, type SavCell, type SavColumn } from '../../shared/survey/simulate/sav';
import { awkwardDrop, expectIngestedLikeCsv } from './same-as-csv';

const AGREEMENT: [number, string][] = [[1, 'Sangat Tidak Setuju'], [2, 'Tidak Setuju'], [3, 'Netral'], [4, 'Setuju'], [5, 'Sangat Setuju']];

describe('a .sav drop on the local stack', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({ handlerLogLevel: 'SILENT' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const { header, rows, csv } = awkwardDrop(11, 'S');
  // What a head-office SPSS file holds: id, branch and period as strings, items numeric with the agreement labels.
  const columns: SavColumn[] = header.map((h, j) =>
    j < 3 ? { name: h, type: 'string', label: h } : { name: h, type: 'number', label: `Item ${h}`, valueLabels: AGREEMENT });
  const cells = rows.map((r) => r.map((c, j): SavCell => (j < 3 ? c : Number(c))));

  it('ends as curated clean parts, rejects and a manifest like the same rows as CSV', async () => {
    const sav = writeSav(columns, cells, { compression: 'zlib' });
    // Named with the suffix in another case, under the head-office folder.
    const { sha256: h, csvManifest, rejects, manifest } = await expectIngestedLikeCsv(stack, 'drops/head-office/2025/rekap kantor pusat.SAV', sav, csv, rows.length);
    expect(csvManifest.rejectedRows).toBe(3);
    // The formula-looking id is stored as its pseudonym; the original row stays in the raw drop (README "Personal data").
    const f = rejects.find((r) => r.reasons.includes('OUT_OF_RANGE') && r.respondent_id === testPseudonyms.of('=HYPERLINK("http://x")'))!;
    expect(f.raw_text).toBe('');
    expect(manifest).toMatchObject({
      sha256: h, bytes: sav.length, inputRows: rows.length, cleanRows: csvManifest.cleanRows, rejectedRows: 3,
      format: { format: 'sav', encoding: 'utf-8', delimiter: null }, reasons: csvManifest.reasons,
      ingest: { status: 'done', uploader: 'head-office' },
    });
  });
});
