// An SPSS .sav dropped in the local raw bucket is ingested like a CSV: the same clean parts, rejects and counts as
// the same rows cleaned as CSV (by the cleaner directly), with the manifest saying it was a .sav.
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
import { writeSav, type SavCell, type SavColumn } from '../../shared/survey/simulate/sav';
import { makeDrop, toCsv } from './drops';

const BRANCHES = ['BR01', 'BR02', 'BR03'];
const PERIODS = ['2025-Q1', '2025-Q2'];
const AGREEMENT: [number, string][] = [[1, 'Sangat Tidak Setuju'], [2, 'Tidak Setuju'], [3, 'Netral'], [4, 'Setuju'], [5, 'Sangat Setuju']];

describe('a .sav drop on the local stack', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({ handlerLogLevel: 'SILENT' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  // 600 rows, then an out-of-range answer, a formula-looking id with a 0 answer and an in-drop duplicate.
  const drop = makeDrop({ seed: 11, rows: 600, branches: BRANCHES, periods: PERIODS, items: defaultInstrument.items, idPrefix: 'S' });
  const bad = [...drop.rows[0]!];
  bad[0] = 'SBAD';
  bad[4] = '9';
  const formula = [...drop.rows[1]!];
  formula[0] = '=HYPERLINK("http://x")';
  formula[5] = '0';
  const rows = [...drop.rows, bad, formula, drop.rows[2]!];
  const csv = toCsv(drop.header, rows.map((r) => r.map((c) => (/[",]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c))));
  // What a head-office SPSS file holds: id, branch and period as strings, items numeric with the agreement labels.
  const columns: SavColumn[] = drop.header.map((h, j) =>
    j < 3 ? { name: h, type: 'string', label: h } : { name: h, type: 'number', label: `Item ${h}`, valueLabels: AGREEMENT });
  const cells = rows.map((r) => r.map((c, j): SavCell => (j < 3 ? c : Number(c))));

  it('ends as curated clean parts, rejects and a manifest like the same rows as CSV', async () => {
    const sav = writeSav(columns, cells, { compression: 'zlib' });
    // Named .SAV (suffix in any case) under the head-office folder.
    const key = 'drops/head-office/2025/rekap kantor pusat.SAV';
    await stack.s3.send(new PutObjectCommand({ Bucket: stack.names.buckets.raw, Key: key, Body: sav }));
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

    const h = createHash('sha256').update(sav).digest('hex');
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
    // raw_text: the cells as a formula-safe CSV line.
    const f = rejects.find((r) => r.reasons.includes('OUT_OF_RANGE') && r.raw_text.includes('HYPERLINK'))!;
    expect(f.raw_text.startsWith(`"'=HYPERLINK(""http://x"")",`)).toBe(true);

    const manifest = JSON.parse(await getObjectText(stack.s3, stack.names.buckets.curated, S3_LAYOUT.manifest(h)));
    expect(manifest).toMatchObject({
      sha256: h, bytes: sav.length, inputRows: rows.length, cleanRows: csvManifest.cleanRows, rejectedRows: 3,
      format: { format: 'sav', encoding: 'utf-8', delimiter: null }, reasons: csvManifest.reasons,
      ingest: { status: 'done', uploader: 'head-office' },
    });
  });
});
