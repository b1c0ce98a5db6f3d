// An Excel workbook dropped in the local raw bucket is ingested like a CSV: the same clean parts, rejects and
// counts as the same rows cleaned as CSV (by the cleaner directly), with the manifest saying it was an .xlsx.
import { createHash } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../infra/local/stack';
import { getItem } from '../../lambdas/aws/dynamo';
import { getObjectText } from '../../lambdas/aws/s3';
import type { DropRecord } from '../../shared/pipeline/drops';
import { keys, S3_LAYOUT } from '../../shared/layout/keys';
import { cleanDrop, defaultInstrument, formatCleanRow, type CleanRow, type RejectedRow } from '../../shared/survey';
import { xlsxOf, type XCell } from '../helpers/xlsx-writer';
import { makeDrop, toCsv } from './drops';

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
    // Named .XLSX (suffix in any case) under the head-office folder.
    const key = 'drops/head-office/2025/rekap cabang.XLSX';
    await stack.s3.send(new PutObjectCommand({ Bucket: stack.names.buckets.raw, Key: key, Body: xlsx }));
    await stack.idle();

    // What the cleaner makes of the same rows as CSV.
    const expectClean = new Map<string, string[]>();
    const expectRejects: RejectedRow[] = [];
    const csvManifest = await cleanDrop(csv, {
      instrument: defaultInstrument, source: 'same.csv', receivedAt: new Date(), collectNewRespondents: false,
      onClean: (r: CleanRow) => {
        const k = `${r.period}/${r.branch}`;
        expectClean.set(k, [...(expectClean.get(k) ?? []), formatCleanRow(defaultInstrument, r)]);
      },
      onReject: (r) => void expectRejects.push(r),
    });

    const h = createHash('sha256').update(xlsx).digest('hex');
    const rec = await getItem<DropRecord>(stack.ddb, stack.names.table, keys.drop(h));
    expect(rec).toMatchObject({ status: 'done', counts: { rows: rows.length, clean: csvManifest.cleanRows, rejected: csvManifest.rejectedRows } });
    expect(csvManifest.rejectedRows).toBe(3);
    for (const p of rec!.partitions!) {
      const body = await getObjectText(stack.s3, stack.names.buckets.curated, p.key);
      const lines = body.split('\n').filter(Boolean).slice(1);
      expect(lines.map((l) => l + '\n')).toEqual(expectClean.get(`${p.period}/${p.branch}`));
    }
    expect(rec!.partitions!.length).toBe(expectClean.size);

    const rejects = parse(await getObjectText(stack.s3, stack.names.buckets.curated, S3_LAYOUT.rejects(h)), { columns: true }) as Record<string, string>[];
    expect(rejects.map((r) => [Number(r.line), r.reasons])).toEqual(expectRejects.map((r) => [r.line, r.reasons.join(';')]));
    // raw_text: the cells as a formula-safe CSV line (the formula-looking id quoted and protected inside it).
    const f = rejects.find((r) => r.reasons.includes('OUT_OF_RANGE') && r.raw_text.includes('HYPERLINK'))!;
    expect(f.raw_text.startsWith(`"'=HYPERLINK(""http://x"")",`)).toBe(true);

    const manifest = JSON.parse(await getObjectText(stack.s3, stack.names.buckets.curated, S3_LAYOUT.manifest(h)));
    expect(manifest).toMatchObject({
      sha256: h, bytes: xlsx.length, inputRows: rows.length, cleanRows: csvManifest.cleanRows, rejectedRows: 3,
      format: { format: 'xlsx', sheet: 'Sheet1', delimiter: null }, reasons: csvManifest.reasons,
      ingest: { status: 'done', uploader: 'head-office' },
    });
  });
});
