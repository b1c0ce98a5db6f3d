// s3rver in this process, with its events made to look like what S3 sends.
import { AsyncLocalStorage } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import { encodeEventKey } from '../../shared/layout/events';
import { installDesShim } from './des-shim';

/** The access key pair s3rver accepts (it checks signatures against this one account). */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

// The parts of s3rver 3.7 used here (it ships no types).
interface S3rverInstance extends EventEmitter {
  middleware: ((ctx: KoaContext, next: () => Promise<void>) => Promise<void>)[];
  httpServer?: Server;
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
interface KoaContext {
  method: string;
  url: string;
}
type S3rverCtor = new (opts: Record<string, unknown>) => S3rverInstance;

export interface S3LocalOptions {
  port?: number;
  /** Where s3rver keeps objects (a directory of files); kept after stop. */
  directory: string;
  buckets: string[];
  region: string;
}

export interface S3Local {
  endpoint: string;
  port: number;
  /** Normalised S3Event per created/removed object, for every bucket (notification configuration is not modelled). */
  events: EventEmitter<{ event: [S3Event] }>;
  stop(): Promise<void>;
}

let sequence = 0n;
/** S3 sequencers are hex strings that grow per key; time in microseconds plus a counter keeps them growing here. */
function nextSequencer(): string {
  sequence += 1n;
  return (BigInt(Date.now()) * 1000n + (sequence % 1000n)).toString(16).toUpperCase().padStart(18, '0');
}

interface RawRecord {
  eventName: string;
  eventTime: string;
  requestParameters?: { sourceIPAddress?: string };
  responseElements?: Record<string, string>;
  userIdentity?: { principalId: string };
  s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string } };
}

/**
 * What AWS sends for the same operation: key URL-encoded ('+' for spaces), the real bucket ARN, eventName
 * ObjectCreated:CompleteMultipartUpload for a completed multipart upload (s3rver says Post), the stack's region.
 */
export function normaliseS3rverRecord(r: RawRecord, region: string, request?: { method: string; url: string }): S3EventRecord {
  let eventName = r.eventName;
  if (eventName === 'ObjectCreated:Post' && request && request.method === 'POST' && /[?&]uploadId=/.test(request.url)) {
    eventName = 'ObjectCreated:CompleteMultipartUpload';
  }
  const o = r.s3.object;
  const bucket = r.s3.bucket.name;
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: region,
    eventTime: r.eventTime,
    eventName,
    userIdentity: { principalId: r.userIdentity?.principalId ?? 'AWS:LOCAL' },
    requestParameters: { sourceIPAddress: r.requestParameters?.sourceIPAddress ?? '127.0.0.1' },
    responseElements: {
      'x-amz-request-id': r.responseElements?.['x-amz-request-id'] ?? '0',
      'x-amz-id-2': r.responseElements?.['x-amz-id-2'] ?? '0',
    },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'satmon-local',
      bucket: { name: bucket, ownerIdentity: { principalId: 'LOCAL' }, arn: `arn:aws:s3:::${bucket}` },
      object: {
        key: encodeEventKey(o.key),
        size: o.size ?? 0,
        eTag: o.eTag ?? '',
        sequencer: nextSequencer(),
      },
    },
  };
}

export async function startS3Local(opts: S3LocalOptions): Promise<S3Local> {
  installDesShim();
  mkdirSync(opts.directory, { recursive: true });
  const S3rver = createRequire(import.meta.url)('s3rver') as S3rverCtor;
  const server = new S3rver({
    address: '127.0.0.1',
    port: opts.port ?? 0,
    silent: true,
    directory: opts.directory,
    vhostBuckets: false,
    configureBuckets: opts.buckets.map((name) => ({ name })),
  });
  // s3rver reports a completed multipart upload as ObjectCreated:Post; remember which request emitted the event.
  const request = new AsyncLocalStorage<{ method: string; url: string }>();
  server.middleware.unshift((ctx, next) => request.run({ method: ctx.method, url: ctx.url }, next));

  const events = new EventEmitter<{ event: [S3Event] }>();
  server.on('event', (raw: { Records: RawRecord[] }) => {
    const req = request.getStore();
    for (const r of raw.Records) {
      // One record per event, as S3 delivers them.
      events.emit('event', { Records: [normaliseS3rverRecord(r, opts.region, req)] });
    }
  });

  const addr = await server.run();
  const endpoint = `http://127.0.0.1:${addr.port}`;
  let stopped = false;
  return {
    endpoint,
    port: addr.port,
    events,
    async stop() {
      if (stopped) return;
      stopped = true;
      const http = server.httpServer;
      // Idle keep-alive sockets are closed by close(); cut any request still open after a grace period.
      const cut = setTimeout(() => http?.closeAllConnections(), 1_000);
      await server.close();
      clearTimeout(cut);
      events.removeAllListeners();
    },
  };
}
