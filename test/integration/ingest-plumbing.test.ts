// Ingest plumbing with a tiny stand-in cleaner (the real one is exercised in ingest.test.ts): claims, leases,
// duplicates, crash recovery. Real servers throughout.
import { createHash } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Event } from 'aws-lambda';
import { startLocalStack, type LocalStack } from '../../infra/local/stack';
import { depsFromEnv, makeHandler } from '../../lambdas/ingest/handler';
import type { CleanOutcome, CleanRequest, IngestDeps } from '../../lambdas/ingest/ingest';
import { getItem } from '../../lambdas/shared/dynamo';
import { keys } from '../../shared/store/keys';
import { snapshot } from './helpers';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** Stand-in: columns id, branch, period, q1; a repeated id (in the drop or seen before) is rejected. */
async function standInClean(req: CleanRequest): Promise<CleanOutcome> {
  let text = '';
  for await (const c of req.body) text += c.toString('utf8');
  const rows = parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const header = text.split('\n')[0].split(',');
  const missing = ['id', 'branch', 'period', 'q1'].filter((c) => !header.includes(c));
  if (missing.length) return { status: 'rejected', error: `${req.source}: missing required column(s) ${missing.join(', ')}`, instrument: 'stand-in' };
  const parts = new Map<string, { period: string; branch: string; lines: string[]; fresh: { id: string; answerHash: string }[]; seen: Map<string, string> }>();
  const rejects: string[] = [];
  for (const r of rows) {
    const k = `${r.period}#${r.branch}`;
    let p = parts.get(k);
    if (!p) parts.set(k, (p = { period: r.period, branch: r.branch, lines: [], fresh: [], seen: await req.seen(r.branch, r.period) }));
    if (p.seen.has(r.id)) {
      rejects.push(`${r.id},duplicate`);
      continue;
    }
    p.seen.set(r.id, sha(r.q1));
    p.fresh.push({ id: r.id, answerHash: sha(r.q1) });
    p.lines.push(`${r.id},${r.q1}`);
  }
  const partitions = [...parts.values()]
    .filter((p) => p.lines.length)
    .map((p) => ({ period: p.period, branch: p.branch, csv: `id,q1\n${p.lines.join('\n')}\n`, rows: p.lines.length, newRespondents: p.fresh }));
  const clean = partitions.reduce((s, p) => s + p.rows, 0);
  return {
    status: 'clean',
    partitions,
    rejectsCsv: rejects.length ? `id,reason\n${rejects.join('\n')}\n` : undefined,
    counts: { rows: rows.length, clean, rejected: rejects.length },
    manifest: { cleaner: 'stand-in' },
    instrument: 'stand-in',
  };
}

describe('ingest plumbing', () => {
  let stack: LocalStack;
  // Fault injection: make the next N runs fail right after the curated objects are written.
  let failAfterCurated = 0;
  const deps = async (): Promise<IngestDeps> => {
    const d = await depsFromEnv();
    d.clean = async (req) => {
      const out = await standInClean(req);
      return out;
    };
    if (failAfterCurated > 0) {
      const ddb = d.ddb;
      const send = ddb.send.bind(ddb);
      // Fail the first BatchWrite (respondent ids) of this run: curated objects exist, nothing else.
      let armed = true;
      d.ddb = Object.assign(Object.create(ddb), {
        send: (cmd: { constructor: { name: string } }, ...rest: unknown[]) => {
          if (armed && cmd.constructor.name === 'BatchWriteCommand') {
            armed = false;
            failAfterCurated--;
            return Promise.reject(new Error('injected crash'));
          }
          return (send as (...a: unknown[]) => unknown)(cmd, ...rest);
        },
      });
    }
    return d;
  };
  const handler = makeHandler(deps);

  beforeAll(async () => {
    stack = await startLocalStack({ handlers: { ingest: () => handler as (e: S3Event) => Promise<unknown> }, maxAttempts: 3, log: () => {} });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const put = (key: string, body: string) => stack.s3.send(new PutObjectCommand({ Bucket: stack.names.buckets.raw, Key: key, Body: body }));

  it('ingests, and a second upload of the same bytes only adds its key', async () => {
    const body = 'id,branch,period,q1\n1,B1,2025-01,5\n2,B1,2025-01,4\n3,B2,2025-01,3\n';
    await put('drops/one.csv', body);
    await stack.idle();
    const before = await snapshot(stack);
    const rec = await getItem(stack.ddb, stack.names.table, keys.drop(sha(body)));
    expect(rec).toMatchObject({ status: 'done', counts: { rows: 3, clean: 3, rejected: 0 } });
    expect(before.curated.map((o) => o.key)).toEqual([
      `clean/period=2025-01/branch=B1/drop=${sha(body)}.csv`,
      `clean/period=2025-01/branch=B2/drop=${sha(body)}.csv`,
      `manifests/drop=${sha(body)}.json`,
    ]);
    await put('drops/copy of one.csv', body);
    await stack.idle();
    const after = await snapshot(stack);
    expect(after.curated).toEqual(before.curated);
    const norm = (t: Record<string, unknown>[]) => t.map((i) => (i.pk === keys.drop(sha(body)).pk ? { ...i, objectKeys: undefined } : i));
    expect(norm(after.table)).toEqual(norm(before.table));
    const rec2 = await getItem<{ objectKeys: Set<string> }>(stack.ddb, stack.names.table, keys.drop(sha(body)));
    expect([...rec2!.objectKeys].sort()).toEqual(['drops/copy of one.csv', 'drops/one.csv']);
  });

  it('recovers from a crash mid-way: the retry ends in the state of an uninterrupted run', async () => {
    const body = 'id,branch,period,q1\n10,B3,2025-02,5\n11,B3,2025-02,2\n';
    failAfterCurated = 1;
    await put('drops/crashy.csv', body);
    await stack.idle();
    expect(failAfterCurated).toBe(0);
    const d = stack.router.deliveries.find((x) => x.key === 'drops/crashy.csv')!;
    expect(d).toMatchObject({ ok: true, attempts: 2 });
    const rec = await getItem(stack.ddb, stack.names.table, keys.drop(sha(body)));
    expect(rec).toMatchObject({ status: 'done', counts: { rows: 2, clean: 2, rejected: 0 } });
    expect(rec).not.toHaveProperty('leaseOwner');
    // The retry did not count the drop's own respondent ids as seen before.
    const resp = (await snapshot(stack)).table.filter((i) => i.pk === keys.respondentsOf('B3', '2025-02'));
    expect(resp.map((i) => i.sk)).toEqual(['10', '11']);
  });

  it('rejects a drop without its required columns, once, with the reason', async () => {
    const body = 'id,branch,q1\n1,B1,5\n';
    await put('drops/bad.csv', body);
    await stack.idle();
    const rec = await getItem(stack.ddb, stack.names.table, keys.drop(sha(body)));
    expect(rec).toMatchObject({ status: 'rejected', error: expect.stringMatching(/missing required column\(s\) period/) });
    expect(stack.router.deliveries.filter((x) => x.key === 'drops/bad.csv')).toMatchObject([{ ok: true, attempts: 1 }]);
  });
});
