// Issue 13, finding 4 (medium): two uploads to one key before the first event was handled gave two events but one
// drop record; the first version was never ingested and nothing said so. Fixed behaviour, on the local stack
// (s3rver keeps no versions, as an unversioned bucket): ingest reads the version its event names (ETag); the first
// event finds its bytes gone and records an UPLOADS#SUPERSEDED item naming key and ETag, the second ingests the
// second version. Every event is accounted for.
import type { S3Event } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEventKey } from '../../shared/layout/events';
import { keys, RAW_LAYOUT } from '../../shared/layout/keys';
import type { DropRecord, SupersededUpload } from '../../shared/pipeline/drops';
import { defaultInstrument } from '../../shared/survey';
import { makeDrop } from '../integration/drops';
import { scanAll } from '../integration/helpers';
import { deliveriesOf, dropIdFor, dropRecord, md5, partition, putRaw, startTestStack, unquote, type TestStack } from './support';

// Deliveries wait behind this gate until the test opens it (the queue held while both uploads land).
let gate: Promise<void> = Promise.resolve();
let open = () => {};
const hold = () => { gate = new Promise<void>((r) => (open = r)); };

let stack: TestStack;
const events: S3Event[] = [];
beforeAll(async () => {
  stack = await startTestStack({ wrap: (ingest) => async (e) => { await gate; return ingest(e); } });
  stack.onEvent((e) => events.push(e));
}, 120_000);
afterAll(async () => {
  open();
  await stack?.stop();
});

describe('finding 4: every version of a key is ingested or recorded as superseded', () => {
  it('ingests the second of two uploads to one key and records the first as superseded', async () => {
    const key = `${RAW_LAYOUT.branchPrefix('BR03')}2025-Q1/BR03.csv`;
    const v1 = makeDrop({ seed: 1, rows: 30, branches: ['BR03'], periods: ['2025-Q1'], items: defaultInstrument.items, idPrefix: 'V1-' }).csv;
    const v2 = makeDrop({ seed: 2, rows: 40, branches: ['BR03'], periods: ['2025-Q1'], items: defaultInstrument.items, idPrefix: 'V2-' }).csv;
    hold();
    await putRaw(stack, key, v1);
    await putRaw(stack, key, v2);
    const mine = events.filter((e) => decodeEventKey(e.Records[0]!.s3.object.key) === key);
    expect(mine.map((e) => unquote(e.Records[0]!.s3.object.eTag))).toEqual([md5(v1), md5(v2)]);
    open();
    await stack.idle();

    // Both events delivered once, neither failed.
    expect(deliveriesOf(stack, key)).toMatchObject([{ ok: true, attempts: 1 }, { ok: true, attempts: 1 }]);
    // The second version: ingested.
    const rec = (await dropRecord(stack, dropIdFor(v2, key)))!;
    expect(rec).toMatchObject({ status: 'done', counts: { rows: 40, clean: 40, rejected: 0 }, firstKey: key });
    expect(unquote(rec.etag)).toBe(md5(v2));
    // The first: recorded as superseded, naming key and ETag (and what was found instead).
    const superseded = await partition<SupersededUpload>(stack, keys.supersededUploads);
    expect(superseded).toHaveLength(1);
    expect(superseded[0]).toMatchObject({
      ...keys.supersededUpload(stack.names.buckets.raw, key, md5(v1)),
      entity: 'superseded-upload', bucket: stack.names.buckets.raw, key, etag: md5(v1), uploader: 'branch=BR03',
    });
    expect(unquote(superseded[0]!.foundEtag)).toBe(md5(v2));
    expect(await dropRecord(stack, dropIdFor(v1, key))).toBeUndefined();

    // Nothing lost silently: every event's ETag is a finished drop record's or a superseded upload's.
    const table = await scanAll(stack.ddb, stack.names.table);
    const drops = table.filter((i) => i.sk === 'DROP') as unknown as DropRecord[];
    const accounted = new Set([
      ...drops.filter((d) => d.status === 'done' || d.status === 'rejected').map((d) => unquote(d.etag)),
      ...(table.filter((i) => i.entity === 'superseded-upload') as unknown as SupersededUpload[]).map((s) => unquote(s.etag)),
    ]);
    for (const e of mine) expect(accounted.has(unquote(e.Records[0]!.s3.object.eTag))).toBe(true);
    expect(drops).toHaveLength(1);
  });

  it('changes nothing when the superseded event is delivered again', async () => {
    const key = `${RAW_LAYOUT.branchPrefix('BR03')}2025-Q1/BR03.csv`;
    const before = await scanAll(stack.ddb, stack.names.table);
    const first = events.find((e) => decodeEventKey(e.Records[0]!.s3.object.key) === key)!;
    await stack.route(first);
    const strip = (t: Record<string, unknown>[]) => t.map(({ recordedAt: _r, ...rest }) => rest);
    expect(strip(await scanAll(stack.ddb, stack.names.table))).toEqual(strip(before));
  });
});
