// Shared check of the integration tests for non-CSV drops (.xlsx, .sav): a drop uploaded to the local raw bucket
// must end as the clean parts, rejects and counts the cleaner makes of the same rows as CSV.
import { rowPrivacyOf } from '../../shared/privacy/row-privacy';
import { testKeyring } from '../helpers/pseudonyms';
import { createHash } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse/sync';
import { expect } from 'vitest';
import type { LocalStack } from '../../infra/local/stack';
import { getItem } from '../../lambdas/aws/dynamo';
import { getObjectText } from '../../lambdas/aws/s3';
import type { DropRecord } from '../../shared/pipeline/drops';
import { keys, S3_LAYOUT } from '../../shared/layout/keys';
import { cleanDrop, defaultInstrument, formatCleanRow, type CleanRow, type DropManifest, type RejectedRow } from '../../shared/survey';
import { makeDrop, toCsv } from './drops';

/**
 * 600 rows of three branches and two quarters, then an out-of-range answer, a formula-looking id with a 0 answer
 * and an in-drop duplicate (three rejects); the rows as cells and as the CSV they would be.
 */
export function awkwardDrop(seed: number, idPrefix: string): { header: string[]; rows: string[][]; csv: string } {
  const drop = makeDrop({ seed, rows: 600, branches: ['BR01', 'BR02', 'BR03'], periods: ['2025-Q1', '2025-Q2'], items: defaultInstrument.items, idPrefix });
  const bad = [...drop.rows[0]!];
  bad[0] = `${idPrefix}BAD`;
  bad[4] = '9';
  const formula = [...drop.rows[1]!];
  formula[0] = '=HYPERLINK("http://x")';
  formula[5] = '0';
  const rows = [...drop.rows, bad, formula, drop.rows[2]!];
  const csv = toCsv(drop.header, rows.map((r) => r.map((c) => (/[",]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c))));
  return { header: drop.header, rows, csv };
}

export interface IngestedLikeCsv {
  sha256: string;
  csvManifest: DropManifest;
  /** rejects.csv of the ingested drop, by column name. */
  rejects: Record<string, string>[];
  /** The curated manifest of the ingested drop. */
  manifest: Record<string, unknown>;
}

/** Uploads `bytes` under `key`, waits for ingest, and checks record, clean parts and rejects against `csv`. */
export async function expectIngestedLikeCsv(stack: LocalStack, key: string, bytes: Buffer, csv: string, rows: number): Promise<IngestedLikeCsv> {
  await stack.s3.send(new PutObjectCommand({ Bucket: stack.names.buckets.raw, Key: key, Body: bytes }));
  await stack.idle();

  // What the cleaner makes of the same rows as CSV.
  const expectClean = new Map<string, string[]>();
  const expectRejects: RejectedRow[] = [];
  const csvManifest = await cleanDrop(csv, {
    instrument: defaultInstrument, source: 'same.csv', receivedAt: new Date(), collectNewRespondents: false,
    privacy: rowPrivacyOf(testKeyring), // as ingest cleans (the suite's keyring)
    onClean: (r: CleanRow) => {
      const k = `${r.period}/${r.branch}`;
      expectClean.set(k, [...(expectClean.get(k) ?? []), formatCleanRow(defaultInstrument, r)]);
    },
    onReject: (r) => void expectRejects.push(r),
  });

  const sha256 = createHash('sha256').update(bytes).digest('hex'); // a head-office drop's id is its content hash
  const rec = await getItem<DropRecord>(stack.ddb, stack.names.table, keys.drop(sha256));
  expect(rec).toMatchObject({ status: 'done', counts: { rows, clean: csvManifest.cleanRows, rejected: csvManifest.rejectedRows } });
  for (const p of rec!.partitions!) {
    const body = await getObjectText(stack.s3, stack.names.buckets.curated, p.key);
    const lines = body.split('\n').filter(Boolean).slice(1);
    expect(lines.map((l) => l + '\n')).toEqual(expectClean.get(`${p.period}/${p.branch}`));
  }
  expect(rec!.partitions!.length).toBe(expectClean.size);

  const rejects = parse(await getObjectText(stack.s3, stack.names.buckets.curated, S3_LAYOUT.rejects(sha256)), { columns: true }) as Record<string, string>[];
  expect(rejects.map((r) => [Number(r.line), r.reasons])).toEqual(expectRejects.map((r) => [r.line, r.reasons.join(';')]));
  const manifest = JSON.parse(await getObjectText(stack.s3, stack.names.buckets.curated, S3_LAYOUT.manifest(sha256))) as Record<string, unknown>;
  return { sha256, csvManifest, rejects, manifest };
}
