// lambdas/aws/observability.ts on Lambda with tracing on: what the X-Ray SDK sends to the daemon for one invocation.
// The Lambda environment is imitated (AWS_EXECUTION_ENV, LAMBDA_TASK_ROOT, _X_AMZN_TRACE_ID) and the daemon is a UDP
// socket of this test; an S3 call is answered by a stub request handler. A file of its own: loading the X-Ray SDK
// patches http/https and enables a process-wide async hook, which must not reach the other tests.
import { createSocket, type Socket } from 'node:dgram';
import { Readable } from 'node:stream';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createObservability, traceClient } from '../../../../lambdas/aws/observability';

const TRACE_ROOT = '1-5759e988-bd862e3fe1be46a994272793';

interface Doc { id: string; name: string; trace_id?: string; parent_id?: string; annotations?: Record<string, unknown>; aws?: Record<string, unknown>; subsegments?: Doc[] }

let daemon: Socket;
const received: Doc[] = [];

beforeAll(async () => {
  daemon = createSocket('udp4');
  // Each datagram: a header line, then one (sub)segment document.
  daemon.on('message', (m) => received.push(JSON.parse(m.toString('utf8').split('\n')[1]!) as Doc));
  await new Promise<void>((r) => daemon.bind(0, '127.0.0.1', r));
  vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'satmon-recompute');
  vi.stubEnv('AWS_EXECUTION_ENV', 'AWS_Lambda_nodejs24.x');
  vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
  vi.stubEnv('LAMBDA_TASK_ROOT', '/var/task');
  vi.stubEnv('_X_AMZN_TRACE_ID', `Root=${TRACE_ROOT};Parent=53995c3f42cd8ad8;Sampled=1`);
  vi.stubEnv('AWS_XRAY_DAEMON_ADDRESS', `127.0.0.1:${daemon.address().port}`);
});

afterAll(() => {
  daemon.close();
  vi.unstubAllEnvs();
});

/** Every document received, subsegments nested in others included. */
function flat(docs: Doc[]): Doc[] {
  return docs.flatMap((d) => [d, ...flat(d.subsegments ?? [])]);
}

async function until<T>(get: () => T | undefined): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = get();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`nothing after 2 s; received: ${JSON.stringify(received)}`);
}

describe('X-Ray on Lambda', () => {
  it('one subsegment per invocation, annotated, with the S3 call inside it', async () => {
    const o = createObservability('recompute');
    const xml = '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>curated</Name><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>';
    const s3 = new S3Client({
      region: 'ap-southeast-3',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      requestHandler: { handle: async () => ({ response: { statusCode: 200, headers: { 'x-amz-request-id': 'R1' }, body: Readable.from([Buffer.from(xml)]) } }) } as never,
    });
    const context = { awsRequestId: 'req-1', functionName: 'satmon-recompute', functionVersion: '$LATEST', memoryLimitInMB: '1769', invokedFunctionArn: 'arn:aws:lambda:ap-southeast-3:123456789012:function:satmon-recompute' } as Context;
    const out = await o.invoke(context, async () => {
      o.annotate('period', '2025-Q1');
      // Clients are created during an invocation (clients.ts), after the tracer is loaded.
      const traced = traceClient(s3);
      expect(traced.middlewareStack.identify().join(' ')).toMatch(/XRaySDKInstrumentation/);
      return (await traced.send(new ListObjectsV2Command({ Bucket: 'curated' }))).KeyCount;
    });
    expect(out).toBe(0);

    const handler = await until(() => flat(received).find((d) => d.name === '## satmon-recompute'));
    expect(handler.trace_id).toBe(TRACE_ROOT);
    expect(handler.annotations).toEqual({ ColdStart: true, Service: 'satmon-recompute', period: '2025-Q1' });
    const call = await until(() => flat(received).find((d) => d.name === 'S3'));
    expect(call.aws).toMatchObject({ operation: 'ListObjectsV2', region: 'ap-southeast-3' });
    const inside = call.parent_id === handler.id || flat(handler.subsegments ?? []).some((d) => d.id === call.id);
    expect(inside, 'the S3 subsegment belongs to the handler subsegment').toBe(true);
    s3.destroy();
  });
});
