// The embedded local stack against its real servers: DynamoDB Local (Java) and s3rver.
import { createHash, randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HeadBucketCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import { startLocalStack, type LocalStack } from '../../infra/local/stack';
import { pidAlive } from '../../infra/local/dynamodb-local';
import { findJava } from '../../infra/local/java';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { getItem } from '../../lambdas/aws/dynamo';
import { getObjectBytes, getObjectText, listKeys, uploadStream } from '../../lambdas/aws/s3';
import { decodeEventKey } from '../../shared/layout/events';
import { TABLE } from '../../shared/layout/resources';

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

const alive = pidAlive;

async function waitFor<T>(get: () => T | undefined, what: string, ms = 5_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('local stack', () => {
  const dataDir = mkdtempSync(path.join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'satmon-stack-test-'));
  let stack: LocalStack;
  const events: S3EventRecord[] = [];
  const handled: S3Event[] = [];

  beforeAll(async () => {
    // A recording handler stands in for ingest: this file tests the stack, not the pipeline. The data directory
    // makes it persistent, which the last test checks with a restart.
    stack = await startLocalStack({ dataDir, handlers: { ingest: () => async (e: S3Event) => void handled.push(e) } });
    stack.onEvent((e) => events.push(...e.Records));
    console.log(`[timing] local stack start: ${JSON.stringify(Object.fromEntries(Object.entries(stack.timings).map(([k, v]) => [k, Math.round(v)])))} ms`);
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates the table with its GSI and TTL, and the buckets', async () => {
    const raw = new DynamoDBClient({ region: stack.env.AWS_REGION, endpoint: stack.endpoints.dynamodb, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const t = (await raw.send(new DescribeTableCommand({ TableName: stack.names.table }))).Table!;
    expect(t.KeySchema).toEqual([
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
    ]);
    expect(t.GlobalSecondaryIndexes?.map((g) => [g.IndexName, g.KeySchema?.map((k) => k.AttributeName)])).toEqual(
      TABLE.gsis.map((g) => [g.name, [g.partitionKey, g.sortKey]]),
    );
    const ttl = await raw.send(new DescribeTimeToLiveCommand({ TableName: stack.names.table }));
    expect(ttl.TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: TABLE.ttlAttribute });
    raw.destroy();
    await stack.ddb.send(new PutCommand({ TableName: stack.names.table, Item: { pk: 'P', sk: 'S', v: 1 } })); // read after the restart
    for (const b of Object.values(stack.names.buckets)) await stack.s3.send(new HeadBucketCommand({ Bucket: b }));
    expect(stack.env).toMatchObject({ RAW_BUCKET: 'satmon-raw', CURATED_BUCKET: 'satmon-curated', TABLE_NAME: 'satmon' });
    expect(process.env.AWS_ENDPOINT_URL_S3).toBe(stack.endpoints.s3);
  });

  it('round-trips streamed uploads byte for byte (no aws-chunked framing stored)', async () => {
    const bucket = stack.names.buckets.curated;
    // Single PutObject with a stream body of known length: the request the checksum trap corrupts.
    const small = randomBytes(300_000);
    await stack.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'trap/put.bin', Body: Readable.from([small.subarray(0, 1000), small.subarray(1000)]), ContentLength: small.length }),
    );
    expect(md5(await getObjectBytes(stack.s3, bucket, 'trap/put.bin'))).toBe(md5(small));
    // Multipart via lib-storage (stream of unknown length, 3 parts).
    const big = randomBytes(11 * 1024 * 1024 + 123);
    const chunks = Array.from({ length: Math.ceil(big.length / 65536) }, (_, i) => big.subarray(i * 65536, (i + 1) * 65536));
    await uploadStream(stack.s3, bucket, 'trap/multipart.bin', Readable.from(chunks), { partSize: 5 * 1024 * 1024 });
    const head = await stack.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'trap/multipart.bin' }));
    expect(head.ContentLength).toBe(big.length);
    expect(md5(await getObjectBytes(stack.s3, bucket, 'trap/multipart.bin'))).toBe(md5(big));
    const mp = await waitFor(() => events.find((r) => decodeEventKey(r.s3.object.key) === 'trap/multipart.bin'), 'multipart event');
    expect(mp.eventName).toBe('ObjectCreated:CompleteMultipartUpload');
    expect(mp.s3.object.size).toBe(big.length);
  });

  it('lists more than 1000 keys across continuation tokens', async () => {
    const bucket = stack.names.buckets.curated;
    const keys = Array.from({ length: 1005 }, (_, i) => `many/k${String(i).padStart(5, '0')}.txt`);
    for (let i = 0; i < keys.length; i += 50) {
      await Promise.all(keys.slice(i, i + 50).map((Key) => stack.s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: Key }))));
    }
    const listed = await listKeys(stack.s3, bucket, 'many/');
    expect(listed).toEqual(keys); // S3 lists in UTF-8 binary order, which the zero padding makes insertion order
  });

  it('turns s3rver events into S3 notifications and routes only matching objects', async () => {
    const key = 'drops/Agência Central/março 2024 (v2)+final=1.csv';
    const body = 'a,b\n1,2\n';
    const before = handled.length;
    await stack.s3.send(new PutObjectCommand({ Bucket: stack.names.buckets.raw, Key: key, Body: body }));
    await stack.s3.send(new PutObjectCommand({ Bucket: stack.names.buckets.raw, Key: 'drops/readme.md', Body: 'x' })); // wrong suffix
    await stack.s3.send(new PutObjectCommand({ Bucket: stack.names.buckets.curated, Key: 'drops/x.csv', Body: 'x' })); // wrong bucket
    const rec = await waitFor(() => events.find((r) => r.s3.bucket.name === 'satmon-raw' && decodeEventKey(r.s3.object.key) === key), 'event');
    // What AWS sends: form-URL-encoded UTF-8, '+' for space, '/' kept, a literal '+' as %2B.
    expect(rec.s3.object.key).toBe('drops/Ag%C3%AAncia+Central/mar%C3%A7o+2024+%28v2%29%2Bfinal%3D1.csv');
    expect(rec).toMatchObject({
      eventSource: 'aws:s3',
      eventName: 'ObjectCreated:Put',
      awsRegion: 'us-east-1',
      s3: { bucket: { name: 'satmon-raw', arn: 'arn:aws:s3:::satmon-raw' }, object: { size: Buffer.byteLength(body), eTag: md5(Buffer.from(body)) } },
    });
    expect(rec.s3.object.sequencer).toMatch(/^[0-9A-F]{18}$/);
    await stack.idle();
    const routed = handled.slice(before).map((e) => decodeEventKey(e.Records[0].s3.object.key));
    expect(routed).toEqual([key]);
    // The decoded key reads the object back.
    expect((await getObjectBytes(stack.s3, 'satmon-raw', decodeEventKey(rec.s3.object.key))).toString()).toBe(body);
  });

  it('says how to install Java when it is missing', () => {
    expect(() => findJava({ PATH: '/nonexistent' })).toThrow(/openjdk-17-jre-headless/);
  });

  it('leaves no DynamoDB Local behind when its parent process is killed', async () => {
    // A child process starts a stack, prints Java's pid and SIGKILLs itself (no exit handlers run).
    const script = [
      "import { startDynamoDbLocal } from './infra/local/dynamodb-local';",
      'const d = await startDynamoDbLocal();',
      "console.log('JAVA ' + d.pid);",
      "process.kill(process.pid, 'SIGKILL');",
    ].join('\n');
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (b) => (out += b));
    await new Promise((r) => child.on('exit', r));
    const pid = Number(/JAVA (\d+)/.exec(out)?.[1]);
    expect(pid).toBeGreaterThan(0);
    const end = Date.now() + 5_000;
    while (alive(pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(alive(pid)).toBe(false);
  });

  it('stops: Java exits, both ports close, the environment is restored', async () => {
    const javaPid = stack.dynamodbPid;
    expect(alive(javaPid)).toBe(true);
    await stack.stop();
    expect(alive(javaPid)).toBe(false);
    for (const url of Object.values(stack.endpoints)) {
      const port = Number(new URL(url).port);
      await expect(new Promise((resolve, reject) => {
        const s = connect(port, '127.0.0.1', () => (s.destroy(), resolve('open')));
        s.on('error', reject);
      })).rejects.toThrow(/ECONNREFUSED/);
    }
    expect(process.env.AWS_ENDPOINT_URL_S3).toBeUndefined();
  });

  it('keeps tables, items and objects across a restart with the same data directory', async () => {
    const again = await startLocalStack({ dataDir, routeEvents: false });
    try {
      expect(await getItem(again.ddb, again.names.table, { pk: 'P', sk: 'S' })).toEqual({ pk: 'P', sk: 'S', v: 1 });
      expect(await getObjectText(again.s3, again.names.buckets.raw, 'drops/readme.md')).toBe('x');
      expect(await listKeys(again.s3, again.names.buckets.curated, 'many/')).toHaveLength(1005);
    } finally {
      await again.stop();
    }
  });
});
