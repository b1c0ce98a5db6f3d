// Issue 13, finding 2 (high): a head-office export never completed. 300 branches x 12 quarters x 2 respondents
// (7,200 rows, 3,600 branch-quarters) failed on every attempt with DynamoDB's ValidationException (the drop
// record's partition list over the 400 KB item limit), went to the dead-letter queue and stayed 'processing'; a
// 600 KB header without delimiters failed the same way (the whole header copied into `error`). Fixed behaviour,
// on the local stack: the export is ingested in one attempt, its record small (partitions in the manifest), and
// the bad header refused at once with a short error naming file and line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RAW_LAYOUT } from '../../shared/layout/keys';
import type { DropPartition } from '../../shared/pipeline/drops';
import { simulateDrops } from '../../shared/survey';
import { listing } from '../integration/helpers';
import { curatedText, deliveriesOf, dropIdFor, dropRecord, itemJson, partition, putRaw, startTestStack, type TestStack } from './support';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

describe('finding 2: head-office exports complete', () => {
  it('ingests the 300-branch, 12-quarter export in one attempt with a small drop record', async () => {
    // The full size (about 45 s of this test on a 2-core machine, most of it s3rver writing 3,600 parts).
    const sim = simulateDrops({ seed: 1, branches: 300, periods: '2023-Q1..2025-Q4', n: 2, headOffice: true });
    expect(sim.drops).toHaveLength(1);
    const text = sim.drops[0]!.text;
    const key = `${RAW_LAYOUT.headOfficePrefix}${sim.drops[0]!.file}`;
    const t0 = performance.now();
    await putRaw(stack, key, text);
    await stack.idle();
    console.log(`[timing] head-office export of 7,200 rows / 3,600 partitions (${(text.length / 1e6).toFixed(2)} MB), upload to done: ${Math.round(performance.now() - t0)} ms`);

    expect(deliveriesOf(stack, key)).toMatchObject([{ ok: true, attempts: 1 }]);
    const rec = (await dropRecord(stack, dropIdFor(text, key)))!;
    expect(rec).toMatchObject({ status: 'done', counts: { rows: 7200, clean: 7200, rejected: 0 }, partitionCount: 3600 });
    expect(rec.partitions).toBeUndefined(); // too many to keep inline
    const size = Buffer.byteLength(itemJson(rec));
    console.log(`[result] drop record: ${size} bytes of JSON`);
    expect(size).toBeLessThan(50_000);

    const manifest = JSON.parse(await curatedText(stack, rec.manifestKey!)) as { ingest: { status: string; partitions: DropPartition[] } };
    expect(manifest.ingest.status).toBe('done');
    expect(manifest.ingest.partitions).toHaveLength(3600);
    expect(new Set(manifest.ingest.partitions.map((p) => `${p.period}/${p.branch}`)).size).toBe(3600);
    expect(manifest.ingest.partitions.every((p) => p.rows === 2)).toBe(true);
    const parts = (await listing(stack.s3, stack.names.buckets.curated)).filter((o) => o.key.startsWith('clean/'));
    expect(parts.map((o) => o.key).sort()).toEqual(manifest.ingest.partitions.map((p) => p.key).sort());
    expect(await partition(stack, 'DIRTY')).toHaveLength(3600);
  }, 180_000);

  it('refuses a 600 KB header without delimiters at once, with a short error naming file and line', async () => {
    const header = 'respondent id branch id period '.repeat(20_000).slice(0, 600_000);
    const text = `${header}\nR1 BR01 2025-Q1 1 2 3\n`;
    const key = `${RAW_LAYOUT.headOfficePrefix}no-delimiters.csv`;
    await putRaw(stack, key, text);
    await stack.idle();

    expect(deliveriesOf(stack, key)).toMatchObject([{ ok: true, attempts: 1 }]);
    const rec = (await dropRecord(stack, dropIdFor(text, key)))!;
    expect(rec.status).toBe('rejected');
    expect(Buffer.byteLength(rec.error ?? '')).toBeLessThan(2048);
    expect(rec.error).toContain(`s3://${stack.names.buckets.raw}/${key}`);
    expect(rec.error).toMatch(/line 1\b/);
    expect(Buffer.byteLength(itemJson(rec))).toBeLessThan(50_000);
    console.log(`[result] refusal (${Buffer.byteLength(rec.error!)} bytes): ${rec.error!.slice(0, 160)}...`);
  });
});
