// The storage port's two adapters agree: every write plan the pipeline uses (drop life cycle, recompute marks,
// alert episodes), applied to DynamoDB Local through the SDK adapter and to the in-memory adapter, leaves the same
// items and answers the same true/false; queries (table, GSI1, prefixes, descending, projection) agree too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../infra/local/stack';
import { awsStorage } from '../../lambdas/aws/storage';
import { memoryStorage } from '../../shared/pipeline/memory-storage';
import { ObjectChangedError, type Item, type Storage, type UpdatePlan } from '../../shared/pipeline/storage';
import { alertItem, alertNotified, refreshAlert, resolveAlert } from '../../shared/assess/records';
import type { Alert } from '../../shared/assess/assessment';
import { addObjectKey, claimRecord, completeDrop, dirtyMark, releaseLease, renewLease, takeoverLease } from '../../shared/pipeline/drops';
import { keys } from '../../shared/layout/keys';

let stack: LocalStack;
let aws: Storage;
let mem: Storage;

beforeAll(async () => {
  stack = await startLocalStack({ routeEvents: false });
  aws = awsStorage({ ddb: stack.ddb, s3: stack.s3, table: stack.names.table });
  mem = memoryStorage();
});
afterAll(async () => {
  await stack?.stop();
});

const plain = (v: unknown): unknown =>
  v instanceof Set ? [...v].sort() : Array.isArray(v) ? v.map(plain) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, plain(x)])) : v;

/** Apply to both; both must answer the same and hold the same item afterwards. */
async function both(plan: UpdatePlan): Promise<boolean> {
  const [a, m] = [await aws.items.update(plan), await mem.items.update(plan)];
  expect(a, `${plan.key.pk} ${plan.key.sk}`).toBe(m);
  expect(plain(await aws.items.get(plan.key))).toEqual(plain(await mem.items.get(plan.key)));
  return a;
}
async function put(item: Item & { pk: string; sk: string }, ifAbsent = false): Promise<boolean> {
  const [a, m] = [await aws.items.put(item, { ifAbsent }), await mem.items.put(item, { ifAbsent })];
  expect(a).toBe(m);
  return a;
}

describe('storage adapters: the same plans, the same items', () => {
  it('drop life cycle: claim once, add keys, take over only an expired lease, release, complete once', async () => {
    const t0 = new Date('2025-04-02T01:00:00Z');
    const o1 = { id: 'owner-1', holder: 'host 1' };
    const o2 = { id: 'owner-2', holder: 'host 2' };
    const claim = claimRecord('abc', 'sha', 'head-office', { bucket: 'raw', key: 'drops/a.csv', etag: '"e"', size: 10 }, o1, t0, 60_000);
    expect(await put(claim as never, true)).toBe(true);
    expect(await put({ ...claim, leaseOwner: 'other' } as never, true)).toBe(false);
    expect(await both(addObjectKey('abc', 'drops/b.csv'))).toBe(true);
    expect(await both(addObjectKey('missing', 'x'))).toBe(false); // condition: the record exists
    expect(await both(takeoverLease('abc', o2, t0, 60_000))).toBe(false); // lease still live
    expect(await both(renewLease('abc', 'owner-1', new Date(t0.getTime() + 30_000), 60_000))).toBe(true); // the owner renews
    expect(await both(takeoverLease('abc', o2, new Date(t0.getTime() + 60_000), 60_000))).toBe(false); // renewed: live until +90 s
    expect(await both(takeoverLease('abc', o2, t0, 60_000, 'someone-else'))).toBe(false); // a stopped owner that is not the holder
    expect(await both(takeoverLease('abc', o2, t0, 60_000, 'owner-1'))).toBe(true); // the holder's process is gone
    expect(await both(renewLease('abc', 'owner-1', t0, 60_000))).toBe(false); // the old owner lost it
    expect(await both(releaseLease('abc', 'owner-1'))).toBe(false); // not the owner any more
    expect(await both(releaseLease('abc', 'owner-2'))).toBe(true);
    const done = completeDrop('abc', 'owner-2', {
      status: 'done', completedAt: t0, manifestKey: 'manifests/drop=abc.json', counts: { rows: 3, clean: 2, rejected: 1 },
      partitions: [{ period: '2025-Q1', branch: 'BR01', rows: 2, key: 'clean/x.csv' }],
    });
    expect(await both(done)).toBe(true);
    expect(await both(done)).toBe(false); // completed once
    const rec = await aws.items.get<Item>(keys.drop('abc'));
    expect(rec).not.toHaveProperty('leaseOwner');
    expect(rec).toMatchObject({ status: 'done', objectKeys: new Set(['drops/a.csv', 'drops/b.csv']) });
  });

  it('recompute marks: created by the first drop, since kept, drops added', async () => {
    expect(await both(dirtyMark('2025-Q1', 'BR01', 'h1', new Date('2025-04-01T00:00:00Z')))).toBe(true);
    expect(await both(dirtyMark('2025-Q1', 'BR01', 'h2', new Date('2025-04-03T00:00:00Z')))).toBe(true);
    expect(await aws.items.get(keys.dirty('2025-Q1', 'BR01'))).toMatchObject({ since: '2025-04-01T00:00:00.000Z', drops: new Set(['h1', 'h2']) });
  });

  it('alert episodes: put once, refresh only forward in time, notified, resolved once', async () => {
    const a: Alert = {
      branch: 'BR07', period: '2025-Q2', metric: 'TRUST', decline: 9.6, declineCi: [6, 13], baseline: 72, current: 62.4, p: 1e-9,
      bhThreshold: 0.004, test: 'abrupt', drivers: [{ construct: 'CRM', change: -1 }], since: '2025-Q2', status: 'open',
    };
    const item = alertItem(a, 'ACEH') as unknown as Item & { pk: string; sk: string };
    expect(await put(item, true)).toBe(true);
    expect(await put(item, true)).toBe(false);
    expect(await both(refreshAlert({ ...a, period: '2025-Q3', decline: 10 }))).toBe(true);
    expect(await both(refreshAlert({ ...a, period: '2025-Q2', decline: 1 }))).toBe(false); // an earlier period: not back in time
    expect(await both(alertNotified('BR07', '2025-Q2', 'TRUST'))).toBe(true);
    expect(await both(resolveAlert({ branch: 'BR07', since: '2025-Q2', metric: 'TRUST' }, '2025-Q4'))).toBe(true);
    expect(await both(resolveAlert({ branch: 'BR07', since: '2025-Q2', metric: 'TRUST' }, '2025-Q4'))).toBe(false);
    expect(await both(refreshAlert({ ...a, period: '2025-Q4' }))).toBe(true);
    const stored = await aws.items.get<Item>(keys.alert('BR07', '2025-Q2', 'TRUST'));
    expect(stored).toMatchObject({ status: 'resolved', resolvedIn: '2025-Q4', notified: true, lastPeriod: '2025-Q4' });
    expect(stored).not.toHaveProperty('gsi1pk');
  });

  it('queries agree: prefixes, UTF-8 order, GSI1, descending, projection; batch reads and deletes', async () => {
    const rows = ['METRIC#TRUST#Q#2025-Q1', 'METRIC#TRUST#Q#2024-Q4', 'METRIC#SAT#Q#2025-Q1', 'METRIC#TRUST#Y#2024', 'PERIOD#2025-Q1#SUMMARY', 'METRIC#TRUST#Q#é', 'METRIC#TRUST#Q#z']
      .map((sk, i) => ({ pk: 'BRANCH#BR01', sk, value: i, gsi1pk: `G#${i % 2}`, gsi1sk: `S#${9 - i}` }));
    for (const r of rows) await put(r);
    for (const q of [
      { pk: 'BRANCH#BR01' }, { pk: 'BRANCH#BR01', skPrefix: 'METRIC#TRUST#Q#' }, { pk: 'BRANCH#BR01', skPrefix: 'METRIC#', descending: true },
      { pk: 'G#0', index: 'gsi1' as const }, { pk: 'G#1', index: 'gsi1' as const, descending: true },
      { pk: 'BRANCH#BR01', skPrefix: 'METRIC#SAT', projection: ['sk', 'value'] }, { pk: 'NONE' },
    ]) {
      expect(plain(await aws.items.query(q)), JSON.stringify(q)).toEqual(plain(await mem.items.query(q)));
    }
    const want = [{ pk: 'BRANCH#BR01', sk: rows[0]!.sk }, { pk: 'BRANCH#BR01', sk: 'missing' }, { pk: 'BRANCH#BR01', sk: rows[4]!.sk }];
    const sortSk = (xs: Item[]) => plain(xs.sort((x, y) => String(x.sk).localeCompare(String(y.sk))));
    expect(sortSk(await aws.items.batchGet(want))).toEqual(sortSk(await mem.items.batchGet(want)));
    for (const s of [aws, mem]) await s.items.batchWrite({ deletes: [{ pk: 'BRANCH#BR01', sk: rows[0]!.sk }] });
    for (const s of [aws, mem]) await s.items.delete({ pk: 'BRANCH#BR01', sk: rows[1]!.sk });
    expect(plain(await aws.items.query({ pk: 'BRANCH#BR01' }))).toEqual(plain(await mem.items.query({ pk: 'BRANCH#BR01' })));
  });

  it('objects: put, text, stream pinned to its ETag, list in key order, absent ones undefined', async () => {
    const bucket = stack.names.buckets.curated;
    const m = memoryStorage();
    for (const s of [aws, m]) {
      await s.objects.put(bucket, 'x/b.csv', 'b', 'text/csv');
      await s.objects.put(bucket, 'x/a.csv', 'ä', 'text/csv');
      expect(await s.objects.text(bucket, 'x/a.csv')).toBe('ä');
      expect(await s.objects.text(bucket, 'x/none')).toBeUndefined();
      expect(await s.objects.stream(bucket, 'x/none')).toBeUndefined();
      const st = (await s.objects.stream(bucket, 'x/b.csv'))!;
      const chunks: Buffer[] = [];
      for await (const c of st.body) chunks.push(c);
      expect(Buffer.concat(chunks).toString()).toBe('b');
      await s.objects.put(bucket, 'x/b.csv', 'b2', 'text/csv');
      // A read pinned to the old ETag fails once the object changed (S3 answers 412; s3rver ignores If-Match, so the
      // adapter checks the ETag it gets back): both adapters throw ObjectChangedError.
      await expect(s.objects.stream(bucket, 'x/b.csv', { etag: st.etag! })).rejects.toBeInstanceOf(ObjectChangedError);
      // Quoted or bare, the current ETag still reads.
      const cur = (await s.objects.stream(bucket, 'x/b.csv'))!;
      for await (const _ of cur.body) void _;
      const pinned = (await s.objects.stream(bucket, 'x/b.csv', { etag: cur.etag!.replace(/"/g, '') }))!;
      const got: Buffer[] = [];
      for await (const c of pinned.body) got.push(c);
      expect(Buffer.concat(got).toString()).toBe('b2');
    }
    const keysOf = async (s: Storage) => { const out: string[] = []; for await (const o of s.objects.list(bucket, 'x/')) out.push(o.key); return out; };
    expect(await keysOf(aws)).toEqual(['x/a.csv', 'x/b.csv']);
    expect(await keysOf(m)).toEqual(['x/a.csv', 'x/b.csv']);
  });
});
