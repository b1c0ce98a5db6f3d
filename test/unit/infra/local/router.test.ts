// The local S3 -> SQS -> Lambda stand-in: bounded concurrency (like an SQS event source), every event delivered.
import type { S3Event } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { EventRouter } from '../../../../infra/local/router';

const names = { raw: 'raw', curated: 'curated', site: 'site', logs: 'logs' } as never;
const event = (key: string): S3Event => ({
  Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'raw' }, object: { key } } }],
} as unknown as S3Event);

describe('EventRouter', () => {
  it('runs at most `concurrency` handler invocations at once and delivers every event once', async () => {
    let running = 0, peak = 0;
    const seen: string[] = [];
    const router = new EventRouter({
      names, concurrency: 3,
      handlers: { ingest: () => async (e: S3Event) => {
        running++; peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5));
        seen.push(e.Records[0]!.s3.object.key);
        running--;
      } },
    });
    const delivered: string[] = [];
    router.onDelivered((d) => delivered.push(d.key));
    await Promise.all(Array.from({ length: 20 }, (_, i) => router.route(event(`drops/${i}.csv`))));
    await router.idle();
    expect(peak).toBe(3);
    expect(seen.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `drops/${i}.csv`).sort());
    expect(delivered.sort()).toEqual(seen);
    expect(router.deliveries.every((d) => d.ok && d.attempts === 1)).toBe(true);
  });

  it('gives a failing invocation its retries inside its slot, then dead-letters it', async () => {
    const logs: string[] = [];
    const router = new EventRouter({
      names, concurrency: 1, maxAttempts: 2, retryDelayMs: 1, log: (m) => logs.push(m),
      handlers: { ingest: () => async (e: S3Event) => { if (e.Records[0]!.s3.object.key.includes('bad')) throw new Error('boom'); } },
    });
    await Promise.all([router.route(event('drops/bad.csv')), router.route(event('drops/good.csv'))]);
    expect(router.deliveries.map((d) => [d.key, d.ok, d.attempts])).toEqual([['drops/bad.csv', false, 2], ['drops/good.csv', true, 1]]);
    expect(logs).toHaveLength(1);
  });
});
