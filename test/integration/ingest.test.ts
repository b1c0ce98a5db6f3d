// The ingest Lambda end to end on the local stack: upload to s3rver -> normalised S3 event -> the exported
// handler -> shared/survey's cleaner -> curated objects in s3rver and items in DynamoDB Local.
import { createHash } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse/sync';
import type { S3Event } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../infra/local/stack';
import { getItem, queryPartition } from '../../lambdas/shared/dynamo';
import { getObjectText } from '../../lambdas/shared/s3';
import type { DropRecord } from '../../shared/store/drops';
import { decodeEventKey } from '../../shared/store/events';
import { keys, S3_LAYOUT } from '../../shared/store/keys';
import { defaultInstrument } from '../../shared/survey/default-instrument'; // TEMP
import { makeDrop, toCsv } from './drops';
import { snapshot } from './helpers';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const BRANCHES = Array.from({ length: 12 }, (_, i) => `BR${String(i + 1).padStart(2, '0')}`);
const PERIODS = ['2025-Q1', '2025-Q2'];

describe('ingest on the local stack', () => {
  let stack: LocalStack;
  const events = new Map<string, S3Event>();

  beforeAll(async () => {
    stack = await startLocalStack({ handlerLogLevel: 'SILENT' });
    stack.onEvent((e) => events.set(decodeEventKey(e.Records[0].s3.object.key), e));
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const put = (key: string, body: string) => stack.s3.send(new PutObjectCommand({ Bucket: stack.names.buckets.raw, Key: key, Body: body }));
  const record = (body: string) => getItem<DropRecord>(stack.ddb, stack.names.table, keys.drop(sha(body)));

  // 10,000 good rows over 12 branches x 2 periods, then 3 bad ones: out of range, no id, an in-drop duplicate.
  const big = makeDrop({ seed: 1, rows: 10_000, branches: BRANCHES, periods: PERIODS, items: defaultInstrument.items });
  const bad = [...big.rows[0]];
  bad[0] = 'BAD1';
  bad[3] = '7';
  const noId = [...big.rows[1]];
  noId[0] = '';
  const bigCsv = toCsv(big.header, [...big.rows, bad, noId, big.rows[2]]);
  const bigKey = 'drops/2025 Q1/Cabang Jakarta Selatan (final).csv';

  it('turns an uploaded drop into curated parts, rejects, a manifest, respondent ids and recompute marks', async () => {
    const t0 = performance.now();
    await put(bigKey, bigCsv);
    await stack.idle();
    console.log(`[timing] ingest of a ${big.rows.length + 3}-row drop (${(bigCsv.length / 1e6).toFixed(2)} MB), upload to done: ${Math.round(performance.now() - t0)} ms`);
    const h = sha(bigCsv);

    const rec = await record(bigCsv);
    expect(rec).toMatchObject({
      status: 'done',
      bucket: 'satmon-raw',
      firstKey: bigKey,
      size: Buffer.byteLength(bigCsv),
      counts: { rows: 10_003, clean: 10_000, rejected: 3 },
      manifestKey: S3_LAYOUT.manifest(h),
      rejectsKey: S3_LAYOUT.rejects(h),
      instrument: `${defaultInstrument.id}@${defaultInstrument.version}`,
    });
    expect([...rec!.objectKeys]).toEqual([bigKey]);
    expect(rec).not.toHaveProperty('leaseOwner');
    expect(rec!.partitions).toHaveLength(24);

    // One clean part per (period, branch), holding exactly that part's rows.
    const curated = (await snapshot(stack)).curated.map((o) => o.key);
    const parts = PERIODS.flatMap((p) => BRANCHES.map((b) => S3_LAYOUT.cleanPart(p, b, h)));
    expect(curated.sort()).toEqual([...parts, S3_LAYOUT.rejects(h), S3_LAYOUT.manifest(h)].sort());
    let total = 0;
    for (const p of rec!.partitions!) {
      const rows = parse(await getObjectText(stack.s3, stack.names.buckets.curated, p.key), { columns: true }) as Record<string, string>[];
      expect(rows.length).toBe(p.rows);
      expect(new Set(rows.map((r) => `${r.period}/${r.branch_id}`))).toEqual(new Set([`${p.period}/${p.branch}`]));
      total += rows.length;
    }
    expect(total).toBe(10_000);

    const rejects = parse(await getObjectText(stack.s3, stack.names.buckets.curated, S3_LAYOUT.rejects(h)), { columns: true }) as Record<string, string>[];
    expect(rejects.map((r) => r.reasons).sort()).toEqual(['DUPLICATE_EXACT', 'MISSING_ID', 'OUT_OF_RANGE']);

    const manifest = JSON.parse(await getObjectText(stack.s3, stack.names.buckets.curated, S3_LAYOUT.manifest(h)));
    expect(manifest).toMatchObject({ kind: 'satmon.drop-manifest', sha256: h, inputRows: 10_003, cleanRows: 10_000, ingest: { status: 'done', dropHash: h } });

    // Respondent ids per (branch, period), and one recompute mark each.
    const ids = await queryPartition(stack.ddb, stack.names.table, keys.respondentsOf('BR01', '2025-Q1'));
    expect(ids.length).toBe(rec!.partitions!.find((p) => p.branch === 'BR01' && p.period === '2025-Q1')!.rows);
    expect(ids[0]).toMatchObject({ dropHash: h, answerHash: expect.stringMatching(/^[0-9a-f]{16}$/) });
    const dirty = await queryPartition<{ sk: string; drops: Set<string> }>(stack.ddb, stack.names.table, 'DIRTY');
    expect(dirty.map((d) => d.sk).sort()).toEqual(PERIODS.flatMap((p) => BRANCHES.map((b) => `${p}#${b}`)).sort());
    expect(dirty.every((d) => d.drops.has(h))).toBe(true);
  });

  it('leaves the same state when the same event is delivered 10 more times', async () => {
    const before = await snapshot(stack);
    const ev = events.get(bigKey)!;
    await Promise.all(Array.from({ length: 10 }, () => stack.route(ev)));
    expect(await snapshot(stack)).toEqual(before);
    expect(stack.router.deliveries.filter((d) => d.key === bigKey).every((d) => d.ok)).toBe(true);
  });

  it('changes nothing but the key list when the same bytes arrive under another key', async () => {
    const before = await snapshot(stack);
    await put('drops/copia/Cabang Jakarta Selatan.csv', bigCsv);
    await stack.idle();
    const after = await snapshot(stack);
    expect(after.curated).toEqual(before.curated);
    const h = sha(bigCsv);
    const withoutKeys = (t: Record<string, unknown>[]) => t.map((i) => (i.pk === `DROP#${h}` ? { ...i, objectKeys: null } : i));
    expect(withoutKeys(after.table)).toEqual(withoutKeys(before.table));
    expect([...(await record(bigCsv))!.objectKeys].sort()).toEqual(['drops/copia/Cabang Jakarta Selatan.csv', bigKey].sort());
  });

  it('handles duplicate deliveries racing the first one', async () => {
    const d = makeDrop({ seed: 2, rows: 500, branches: ['BR20'], periods: ['2025-Q3'], items: defaultInstrument.items, idPrefix: 'X' });
    const key = 'drops/race.csv';
    const fired: Promise<void>[] = [];
    const off = stack.onEvent((e) => {
      if (decodeEventKey(e.Records[0].s3.object.key) === key) for (let i = 0; i < 10; i++) fired.push(stack.route(e));
    });
    await put(key, d.csv);
    await stack.idle();
    await Promise.all(fired);
    off();
    expect(await record(d.csv)).toMatchObject({ status: 'done', counts: { rows: 500, clean: 500, rejected: 0 } });
    expect((await queryPartition(stack.ddb, stack.names.table, keys.respondentsOf('BR20', '2025-Q3'))).length).toBe(500);
    const runs = stack.router.deliveries.filter((x) => x.key === key);
    expect(runs).toHaveLength(11);
    expect(runs.every((x) => x.ok)).toBe(true);
    const before = await snapshot(stack);
    await stack.route(events.get(key)!);
    expect(await snapshot(stack)).toEqual(before);
  });

  it('flags respondents stored by an earlier drop as prior duplicates', async () => {
    // Five respondents of the big drop again (same answers), five new ones.
    const again = big.rows.filter((r) => r[1] === 'BR05' && r[2] === '2025-Q1').slice(0, 5);
    const fresh = makeDrop({ seed: 3, rows: 5, branches: ['BR05'], periods: ['2025-Q1'], items: defaultInstrument.items, idPrefix: 'N' }).rows;
    const csv = toCsv(big.header, [...again, ...fresh]);
    await put('drops/late.csv', csv);
    await stack.idle();
    expect(await record(csv)).toMatchObject({ status: 'done', counts: { rows: 10, clean: 5, rejected: 5 } });
    const rejects = parse(await getObjectText(stack.s3, stack.names.buckets.curated, S3_LAYOUT.rejects(sha(csv))), { columns: true }) as Record<string, string>[];
    expect(rejects.map((r) => r.reasons)).toEqual(Array(5).fill('DUPLICATE_PRIOR_EXACT'));
  });

  it('records a drop without a required column as rejected, with the reason, without retrying', async () => {
    const d = makeDrop({ seed: 4, rows: 20, branches: ['BR01'], periods: ['2025-Q1'], items: defaultInstrument.items, omit: ['branch_id'] });
    const key = 'drops/no-branch.csv';
    await put(key, d.csv);
    await stack.idle();
    const rec = await record(d.csv);
    expect(rec).toMatchObject({ status: 'rejected', manifestKey: S3_LAYOUT.manifest(sha(d.csv)) });
    expect(rec!.error).toMatch(/s3:\/\/satmon-raw\/drops\/no-branch\.csv: line 1: required column 'branch_id' not found in the header/);
    expect(stack.router.deliveries.filter((x) => x.key === key)).toMatchObject([{ ok: true, attempts: 1 }]);
    const manifest = JSON.parse(await getObjectText(stack.s3, stack.names.buckets.curated, S3_LAYOUT.manifest(sha(d.csv))));
    expect(manifest).toMatchObject({ ingest: { status: 'rejected' }, error: { code: 'MISSING_COLUMNS' } });
    const curated = (await snapshot(stack)).curated.map((o) => o.key);
    expect(curated.filter((k) => k.includes(sha(d.csv)))).toEqual([S3_LAYOUT.manifest(sha(d.csv))]);
  });
});
