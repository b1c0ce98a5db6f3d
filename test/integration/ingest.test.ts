// The ingest Lambda end to end on the local stack: upload to s3rver -> normalised S3 event -> the exported
// handler -> shared/survey's cleaner -> curated objects in s3rver and items in DynamoDB Local.
import { createHash } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse/sync';
import type { S3Event, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../infra/local/stack';
import { depsFromEnv, handler, makeHandler } from '../../lambdas/ingest/handler';
import { getItem, queryPartition } from '../../lambdas/aws/dynamo';
import { getObjectText } from '../../lambdas/aws/s3';
import { seenFromItems, type DropRecord, type RespondentChunkItem } from '../../shared/pipeline/drops';
import { decodeEventKey } from '../../shared/layout/events';
import { keys, S3_LAYOUT } from '../../shared/layout/keys';
import { defaultInstrument } from '../../shared/survey';
import { makeDrop, toCsv } from './drops';
import { snapshot } from './helpers';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
/** S3's ETag of a single-part upload, as events carry it (unquoted). */
const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const BRANCHES = Array.from({ length: 12 }, (_, i) => `BR${String(i + 1).padStart(2, '0')}`);
const PERIODS = ['2025-Q1', '2025-Q2'];

describe('ingest on the local stack', () => {
  let stack: LocalStack;
  const events = new Map<string, S3Event>();

  // Fault injection: while armed, the next invocation fails once, either on its first BatchWriteItem (after the
  // curated objects, before the respondent ids) or on its first recompute mark (after the respondent ids).
  let crash: 'none' | 'before-ids' | 'after-ids' = 'none';
  const crashing = makeHandler(async () => {
    const d = await depsFromEnv();
    const { items } = d.storage;
    const fail = () => {
      crash = 'none';
      return Promise.reject(new Error('injected crash'));
    };
    d.storage = {
      ...d.storage,
      items: {
        ...items,
        batchWrite: (ops) => (crash === 'before-ids' ? fail() : items.batchWrite(ops)),
        update: (plan) => (crash === 'after-ids' && plan.key.pk === 'DIRTY' ? fail() : items.update(plan)),
      },
    };
    return d;
  });

  beforeAll(async () => {
    // Deliveries go to the handler the Lambda exports, except while a crash is armed.
    stack = await startLocalStack({
      handlerLogLevel: 'SILENT',
      handlers: { ingest: () => (e: S3Event) => (crash !== 'none' ? crashing(e) : handler(e)) },
    });
    stack.onEvent((e) => events.set(decodeEventKey(e.Records[0].s3.object.key), e));
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const put = (key: string, body: string) => stack.s3.send(new PutObjectCommand({ Bucket: stack.names.buckets.raw, Key: key, Body: body }));
  const record = (body: string) => getItem<DropRecord>(stack.ddb, stack.names.table, keys.drop(sha(body)));
  /** Respondent ids stored for a branch and quarter, over every drop's index chunks. */
  const respondentsStored = async (branch: string, period: string) =>
    seenFromItems(await queryPartition<RespondentChunkItem>(stack.ddb, stack.names.table, keys.respondentsOf(branch, period)), '').size;

  // 10,000 good rows over 12 branches x 2 periods, then 3 bad ones: out of range, no id, an in-drop duplicate.
  const big = makeDrop({ seed: 1, rows: 10_000, branches: BRANCHES, periods: PERIODS, items: defaultInstrument.items });
  const bad = [...big.rows[0]];
  bad[0] = 'BAD1';
  bad[3] = '7';
  const noId = [...big.rows[1]];
  noId[0] = '';
  const bigCsv = toCsv(big.header, [...big.rows, bad, noId, big.rows[2]]);
  const bigKey = 'drops/head-office/2025 Q1/Cabang Jakarta Selatan (final).csv';

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
    expect(manifest).toMatchObject({ kind: 'satmon.drop-manifest', sha256: h, inputRows: 10_003, cleanRows: 10_000, ingest: { status: 'done', dropId: h, uploader: 'head-office' } });

    // Respondent ids per (branch, period), and one recompute mark each.
    const chunks = await queryPartition<RespondentChunkItem>(stack.ddb, stack.names.table, keys.respondentsOf('BR01', '2025-Q1'));
    expect(chunks.every((c) => c.dropHash === h)).toBe(true);
    const ids = seenFromItems(chunks, 'another drop');
    expect(ids.size).toBe(rec!.partitions!.find((p) => p.branch === 'BR01' && p.period === '2025-Q1')!.rows);
    expect([...ids.values()].every((a) => /^[0-9a-f]{16}$/.test(a))).toBe(true);
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
    await put('drops/head-office/copia/Cabang Jakarta Selatan.csv', bigCsv);
    await stack.idle();
    const after = await snapshot(stack);
    expect(after.curated).toEqual(before.curated);
    const h = sha(bigCsv);
    const withoutKeys = (t: Record<string, unknown>[]) => t.map((i) => (i.pk === `DROP#${h}` ? { ...i, objectKeys: null } : i));
    expect(withoutKeys(after.table)).toEqual(withoutKeys(before.table));
    expect([...(await record(bigCsv))!.objectKeys].sort()).toEqual(['drops/head-office/copia/Cabang Jakarta Selatan.csv', bigKey].sort());
  });

  it('handles duplicate deliveries racing the first one', async () => {
    const d = makeDrop({ seed: 2, rows: 500, branches: ['BR20'], periods: ['2025-Q3'], items: defaultInstrument.items, idPrefix: 'X' });
    const key = 'drops/head-office/race.csv';
    const fired: Promise<void>[] = [];
    const off = stack.onEvent((e) => {
      if (decodeEventKey(e.Records[0].s3.object.key) === key) for (let i = 0; i < 10; i++) fired.push(stack.route(e));
    });
    await put(key, d.csv);
    await stack.idle();
    await Promise.all(fired);
    off();
    expect(await record(d.csv)).toMatchObject({ status: 'done', counts: { rows: 500, clean: 500, rejected: 0 } });
    expect(await respondentsStored('BR20', '2025-Q3')).toBe(500);
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
    await put('drops/head-office/late.csv', csv);
    await stack.idle();
    expect(await record(csv)).toMatchObject({ status: 'done', counts: { rows: 10, clean: 5, rejected: 5 } });
    const rejects = parse(await getObjectText(stack.s3, stack.names.buckets.curated, S3_LAYOUT.rejects(sha(csv))), { columns: true }) as Record<string, string>[];
    expect(rejects.map((r) => r.reasons)).toEqual(Array(5).fill('DUPLICATE_PRIOR_EXACT'));
  });

  for (const [when, seed] of [['before-ids', 5], ['after-ids', 6]] as const) {
    it(`recovers from a crash ${when === 'before-ids' ? 'before' : 'after'} the respondent ids are stored: the retry ends as one clean run`, async () => {
      const d = makeDrop({ seed, rows: 40, branches: [`C${seed}A`, `C${seed}B`], periods: ['2025-Q4'], items: defaultInstrument.items });
      const key = `drops/head-office/crash-${when}.csv`;
      crash = when;
      await put(key, d.csv);
      await stack.idle();
      expect(crash).toBe('none'); // the fault fired
      expect(stack.router.deliveries.filter((x) => x.key === key)).toMatchObject([{ ok: true, attempts: 2 }]);
      const rec = await record(d.csv);
      // Every row clean: the retry did not take ids its first attempt stored for an earlier drop's.
      expect(rec).toMatchObject({ status: 'done', counts: { rows: 40, clean: 40, rejected: 0 } });
      expect(rec).not.toHaveProperty('leaseOwner');
      for (const b of [`C${seed}A`, `C${seed}B`]) {
        expect(await respondentsStored(b, '2025-Q4')).toBe(20);
      }
      const before = await snapshot(stack);
      await stack.route(events.get(key)!);
      expect(await snapshot(stack)).toEqual(before);
    });
  }

  it('takes the AWS route too: SQS messages wrapping EventBridge "Object Created" events, failures per message', async () => {
    const d = makeDrop({ seed: 7, rows: 30, branches: ['BR50'], periods: ['2025-Q4'], items: defaultInstrument.items, idPrefix: 'Q' });
    const key = 'drops/head-office/via sqs+eb.csv'; // sent below without URL-encoding: read through the raw-key fallback
    await stack.s3.send(new PutObjectCommand({ Bucket: 'satmon-curated', Key: 'x/not-routed.csv', Body: d.csv })); // no event routed
    await stack.s3.send(new PutObjectCommand({ Bucket: stack.names.buckets.raw, Key: key, Body: d.csv }));
    await stack.idle(); // the local route ingests it once; the SQS delivery below is a duplicate
    const before = await snapshot(stack);
    const eb = (k: string) => ({
      version: '0', id: 'x', 'detail-type': 'Object Created', source: 'aws.s3', account: '123456789012', time: '2025-10-01T00:00:00Z',
      region: 'us-east-1', resources: [], detail: { version: '0', bucket: { name: stack.names.buckets.raw }, object: { key: k, size: 1, etag: md5(d.csv) }, reason: 'PutObject' },
    });
    const msg = (id: string, body: string) => ({
      messageId: id, receiptHandle: 'r', body, attributes: {}, messageAttributes: {}, md5OfBody: '', eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:q', awsRegion: 'us-east-1',
    });
    const res = await handler({ Records: [msg('ok', JSON.stringify(eb(key))), msg('garbled', '{not json')] } as unknown as SQSEvent);
    expect(res).toEqual({ batchItemFailures: [{ itemIdentifier: 'garbled' }] });
    expect(await snapshot(stack)).toEqual(before);
    expect([...(await record(d.csv))!.objectKeys]).toEqual([key]);
  });

  it('records a drop without a required column as rejected, with the reason, without retrying', async () => {
    const d = makeDrop({ seed: 4, rows: 20, branches: ['BR01'], periods: ['2025-Q1'], items: defaultInstrument.items, omit: ['branch_id'] });
    const key = 'drops/head-office/no-branch.csv';
    await put(key, d.csv);
    await stack.idle();
    const rec = await record(d.csv);
    expect(rec).toMatchObject({ status: 'rejected', manifestKey: S3_LAYOUT.manifest(sha(d.csv)) });
    expect(rec!.error).toMatch(/s3:\/\/satmon-raw\/drops\/head-office\/no-branch\.csv: line 1: required column 'branch_id' not found in the header/);
    expect(stack.router.deliveries.filter((x) => x.key === key)).toMatchObject([{ ok: true, attempts: 1 }]);
    const manifest = JSON.parse(await getObjectText(stack.s3, stack.names.buckets.curated, S3_LAYOUT.manifest(sha(d.csv))));
    expect(manifest).toMatchObject({ ingest: { status: 'rejected' }, error: { code: 'MISSING_COLUMNS' } });
    const curated = (await snapshot(stack)).curated.map((o) => o.key);
    expect(curated.filter((k) => k.includes(sha(d.csv)))).toEqual([S3_LAYOUT.manifest(sha(d.csv))]);
  });
});
