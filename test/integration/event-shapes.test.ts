// The event shapes the ingest handler accepts, reduced to (bucket, key, etag, size). No servers needed; it sits
// with the integration tests because it describes the AWS side of the same route (S3 -> EventBridge -> SQS).
import { describe, expect, it } from 'vitest';
import type { S3Event, SQSEvent } from 'aws-lambda';
import { decodeEventKey, encodeEventKey, eventItems, routesFor } from '../../shared/layout/events';

const names = { raw: 'raw-bkt', curated: 'cur-bkt' };

function eventBridge(key: string) {
  return {
    version: '0',
    id: 'e1',
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: '123456789012',
    time: '2025-01-01T00:00:00Z',
    region: 'eu-west-1',
    resources: ['arn:aws:s3:::raw-bkt'],
    detail: { version: '0', bucket: { name: 'raw-bkt' }, object: { key, size: 42, etag: 'abc', sequencer: '01' }, reason: 'PutObject' },
  };
}

function sqs(...bodies: string[]): SQSEvent {
  return {
    Records: bodies.map((body, i) => ({
      messageId: `m${i}`,
      receiptHandle: 'r',
      body,
      attributes: {} as SQSEvent['Records'][number]['attributes'],
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:q',
      awsRegion: 'eu-west-1',
    })),
  };
}

describe('event keys', () => {
  it('encodes like S3 notifications and decodes back', () => {
    const key = 'drops/Agência Central/março 2024 (v2)+final=1.csv';
    expect(encodeEventKey(key)).toBe('drops/Ag%C3%AAncia+Central/mar%C3%A7o+2024+%28v2%29%2Bfinal%3D1.csv');
    expect(decodeEventKey(encodeEventKey(key))).toBe(key);
    expect(decodeEventKey('red+flower.jpg')).toBe('red flower.jpg');
    expect(decodeEventKey('100%.csv')).toBe('100%.csv'); // malformed escape kept as is
  });
});

describe('eventItems', () => {
  it('reads SQS messages wrapping EventBridge "Object Created" events, keeping message ids', () => {
    const { items, unreadable } = eventItems(sqs(JSON.stringify(eventBridge('drops/a+b.csv')), 'not json', JSON.stringify({ Event: 's3:TestEvent' })));
    expect(items).toEqual([
      { messageId: 'm0', ref: { bucket: 'raw-bkt', key: 'drops/a b.csv', eventKey: 'drops/a+b.csv', etag: 'abc', size: 42, sequencer: '01' } },
    ]);
    expect(unreadable).toEqual([{ messageId: 'm1', error: 'SQS message m1: body is not JSON' }]);
  });

  it('reads S3Event records (direct, or as an SQS body) and skips removals', () => {
    const s3: S3Event = {
      Records: [
        { eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'raw-bkt' }, object: { key: 'drops/x%C3%A9.csv', size: 3, eTag: 'e' } } },
        { eventSource: 'aws:s3', eventName: 'ObjectRemoved:Delete', s3: { bucket: { name: 'raw-bkt' }, object: { key: 'drops/y.csv' } } },
      ] as unknown as S3Event['Records'],
    };
    expect(eventItems(s3).items.map((i) => i.ref.key)).toEqual(['drops/xé.csv']);
    expect(eventItems(sqs(JSON.stringify(s3))).items.map((i) => [i.messageId, i.ref.key])).toEqual([['m0', 'drops/xé.csv']]);
    expect(eventItems(eventBridge('drops/z.csv')).items.map((i) => i.ref.key)).toEqual(['drops/z.csv']);
  });

  it('routes by EVENT_ROUTES on the decoded key', () => {
    expect(routesFor('raw-bkt', 'drops/a b.csv', names)).toEqual(['ingest']);
    expect(routesFor('raw-bkt', 'drops/a.md', names)).toEqual([]);
    // Workbooks, SPSS files and text exports too, suffixes in any case; the prefix still counts.
    for (const k of ['drops/a.XLSX', 'drops/b.Sav', 'drops/c.txt', 'drops/d.CSV']) expect(routesFor('raw-bkt', k, names)).toEqual(['ingest']);
    expect(routesFor('raw-bkt', 'other/a.xlsx', names)).toEqual([]);
    expect(routesFor('cur-bkt', 'drops/a.csv', names)).toEqual([]);
  });
});
