// The embedded local stack: DynamoDB Local (Java child process) and s3rver (in this process) on 127.0.0.1,
// with the buckets, table, GSI and TTL of shared/layout/resources.ts, and s3rver's events routed per EVENT_ROUTES
// to the same handlers the Lambdas export. Used by `npm start` and by the integration tests.
//
//   const stack = await startLocalStack();        // in memory, free ports, process.env set for the handlers
//   await stack.s3.send(new PutObjectCommand({ Bucket: stack.names.buckets.raw, Key: 'drops/a.csv', Body }));
//   await stack.idle();                            // the ingest handler has run
//   await stack.stop();
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type GlobalSecondaryIndex,
} from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { S3Event } from 'aws-lambda';
import { makeDocClient, makeS3Client, type AwsConfig } from '../../lambdas/aws/clients';
import { loadGroup } from '../../shared/config';
import type { BucketNames } from '../../shared/layout/events';
import { BUCKETS, TABLE, type BucketKey, type HandlerName } from '../../shared/layout/resources';
import { pidAlive, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local';
import { defaultKeyFile, ensureKeyFile } from './pseudonym-key-file';
import { EventRouter, type LambdaHandler } from './router';
import { S3RVER_CREDENTIALS, startS3Local, type S3Local } from './s3-local';

export interface LocalStackOptions {
  /** Persist data here (DynamoDB in <dataDir>/dynamodb, objects in <dataDir>/s3). Default: in memory / a temp dir. */
  dataDir?: string;
  /** Fixed ports (e.g. for `npm start`); default: free ports. */
  ports?: { s3?: number; dynamodb?: number };
  region?: string;
  /** Set process.env to `env` (restored by stop()) so handlers running in this process talk to the stack. Default true. */
  applyEnv?: boolean;
  /** Handler loaders by name; default: every handler of EVENT_ROUTES from its module (today: ingest). */
  handlers?: Partial<Record<HandlerName, () => LambdaHandler | Promise<LambdaHandler>>>;
  /** Deliver s3rver events to handlers (default true). */
  routeEvents?: boolean;
  /** Attempts per event before it is dead-lettered (default 3). */
  maxAttempts?: number;
  /** Handler invocations running at once (default 4, like a bounded SQS event source). */
  concurrency?: number;
  jvmOptions?: string[];
  /** Where the stack reports dead-lettered events (default console.error). */
  log?: (msg: string) => void;
  /** Log level of the handlers (POWERTOOLS_LOG_LEVEL); default: the current value, else WARN. */
  handlerLogLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  /**
   * The pseudonym keyring file (created with a random key when absent). Default: SATMON_PSEUDONYM_KEY_FILE when set;
   * else with `dataDir` the persistent .satmon/pseudonym-key.json, without it a throwaway key in a temporary folder.
   */
  keyFile?: string;
}

export interface LocalStack {
  s3: S3Client;
  ddb: DynamoDBDocumentClient;
  endpoints: { s3: string; dynamodb: string };
  /** DynamoDB Local's Java process. */
  dynamodbPid: number;
  names: { buckets: BucketNames; table: string };
  /** The environment the handlers read: resource names, region, credentials, endpoint settings, the key file. */
  env: Record<string, string>;
  /** The pseudonym keyring file the handlers use (absolute). */
  keyFile: string;
  /** Observe every normalised S3 event (all buckets); returns an unsubscribe function. */
  onEvent(listener: (e: S3Event) => void): () => void;
  /** Deliver an event to the routed handlers by hand (e.g. a duplicate delivery); resolves when handled. */
  route(event: S3Event): Promise<void>;
  router: EventRouter;
  /** Resolves when no handler invocation is in flight. */
  idle(): Promise<void>;
  stop(): Promise<void>;
  timings: { dynamodbMs: number; s3Ms: number; resourcesMs: number; totalMs: number };
}

/**
 * A private directory for a non-persistent s3rver: on tmpfs (/dev/shm) where there is one, since s3rver writes
 * three files per object and is about 4x faster there. Named after this pid, so directories left behind by a
 * killed process are recognised and removed by the next start.
 */
function scratchDir(): string {
  const shm = '/dev/shm';
  const base = existsSync(shm) ? shm : tmpdir();
  for (const name of readdirSync(base)) {
    const m = /^satmon-s3-(\d+)-/.exec(name);
    if (m && Number(m[1]) !== process.pid && !pidAlive(Number(m[1]))) rmSync(path.join(base, name), { recursive: true, force: true });
  }
  try {
    return mkdtempSync(path.join(base, `satmon-s3-${process.pid}-`));
  } catch {
    return mkdtempSync(path.join(tmpdir(), `satmon-s3-${process.pid}-`));
  }
}


const defaultHandlers: Partial<Record<HandlerName, () => Promise<LambdaHandler>>> = {
  ingest: async () => (await import('../../lambdas/ingest/handler')).handler as LambdaHandler,
};

function localNames(): { buckets: BucketNames; table: string } {
  const buckets = {} as BucketNames;
  for (const k of Object.keys(BUCKETS) as BucketKey[]) buckets[k] = BUCKETS[k].localName;
  return { buckets, table: TABLE.localName };
}

/** The table of resources.ts: created if absent; GSIs added and TTL enabled where a persisted table lacks them. */
export async function ensureTable(client: DynamoDBClient, table: string): Promise<void> {
  const attrs = new Set<string>([TABLE.partitionKey, TABLE.sortKey]);
  for (const g of TABLE.gsis) attrs.add(g.partitionKey).add(g.sortKey);
  const gsi = (g: (typeof TABLE.gsis)[number]): GlobalSecondaryIndex => ({
    IndexName: g.name,
    KeySchema: [
      { AttributeName: g.partitionKey, KeyType: 'HASH' },
      { AttributeName: g.sortKey, KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: 'ALL' },
  });
  const definitions = [...attrs].map((a) => ({ AttributeName: a, AttributeType: 'S' as const }));
  let existing;
  try {
    existing = (await client.send(new DescribeTableCommand({ TableName: table }))).Table;
  } catch (e) {
    if ((e as Error).name !== 'ResourceNotFoundException') throw e;
  }
  if (!existing) {
    await client.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: definitions,
        KeySchema: [
          { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: TABLE.gsis.map(gsi),
      }),
    );
  } else {
    const have = new Set((existing.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName));
    for (const g of TABLE.gsis) {
      if (have.has(g.name)) continue;
      await client.send(
        new UpdateTableCommand({
          TableName: table,
          AttributeDefinitions: definitions,
          GlobalSecondaryIndexUpdates: [{ Create: gsi(g) }],
        }),
      );
    }
  }
  const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: table }));
  if (ttl.TimeToLiveDescription?.TimeToLiveStatus !== 'ENABLED') {
    await client.send(
      new UpdateTimeToLiveCommand({ TableName: table, TimeToLiveSpecification: { Enabled: true, AttributeName: TABLE.ttlAttribute } }),
    );
  }
}

export async function startLocalStack(opts: LocalStackOptions = {}): Promise<LocalStack> {
  const t0 = performance.now();
  const region = opts.region ?? 'us-east-1';
  const names = localNames();
  // Absolute: DynamoDB Local runs in its own working directory, where a relative -dbPath would land.
  const dataDir = opts.dataDir ? path.resolve(opts.dataDir) : undefined;
  const tempDir = dataDir ? undefined : scratchDir();
  const s3Dir = dataDir ? path.join(dataDir, 's3') : tempDir!;
  // A configured key file (SATMON_PSEUDONYM_KEY_FILE; the test suite sets its test keyring) applies to every stack.
  const keyDir = opts.keyFile || dataDir || loadGroup('privacy').keyFile ? undefined : mkdtempSync(path.join(tmpdir(), 'satmon-key-'));
  const keyFile = ensureKeyFile(path.resolve(opts.keyFile ?? (keyDir ? path.join(keyDir, 'pseudonym-key.json') : defaultKeyFile())));
  const removeTemp = () => {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    if (keyDir) rmSync(keyDir, { recursive: true, force: true });
  };
  process.on('exit', removeTemp);

  // Both servers start at once; DynamoDB Local dominates (about 1.5 s with the default JVM options).
  let dynamo: DynamoDbLocal | undefined;
  let s3srv: S3Local | undefined;
  let dynamodbMs = 0;
  let s3Ms = 0;
  const started = await Promise.allSettled([
    startDynamoDbLocal({
      port: opts.ports?.dynamodb,
      dbPath: dataDir ? path.join(dataDir, 'dynamodb') : undefined,
      jvmOptions: opts.jvmOptions,
    }).then((d) => ((dynamodbMs = performance.now() - t0), (dynamo = d))),
    startS3Local({
      port: opts.ports?.s3,
      directory: s3Dir,
      buckets: Object.values(names.buckets),
      region,
    }).then((s) => ((s3Ms = performance.now() - t0), (s3srv = s))),
  ]);
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed || !dynamo || !s3srv) {
    await Promise.allSettled([dynamo?.stop(), s3srv?.stop()]);
    removeTemp();
    process.off('exit', removeTemp);
    throw failed?.reason ?? new Error('local stack did not start');
  }
  const d = dynamo;
  const s = s3srv;

  const endpoints = { s3: s.endpoint, dynamodb: d.endpoint };
  const config: AwsConfig = {
    region,
    s3Endpoint: endpoints.s3,
    dynamodbEndpoint: endpoints.dynamodb,
    forcePathStyle: true,
    checksumWhenRequired: true,
    credentials: { ...S3RVER_CREDENTIALS },
  };
  const s3 = makeS3Client(config);
  const ddb = makeDocClient(config);

  const t1 = performance.now();
  const raw = new DynamoDBClient({ region, endpoint: endpoints.dynamodb, credentials: config.credentials });
  try {
    await ensureTable(raw, names.table);
  } catch (e) {
    await Promise.allSettled([d.stop(), s.stop()]);
    removeTemp();
    throw e;
  } finally {
    raw.destroy();
  }
  const resourcesMs = performance.now() - t1;

  const env: Record<string, string> = {
    [BUCKETS.raw.envVar]: names.buckets.raw,
    [BUCKETS.curated.envVar]: names.buckets.curated,
    [TABLE.envVar]: names.table,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    // s3rver checks signatures against this key pair; DynamoDB Local (-sharedDb) accepts any.
    AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    SATMON_S3_FORCE_PATH_STYLE: 'true',
    AWS_EC2_METADATA_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: opts.handlerLogLevel ?? loadGroup('logging').level ?? 'WARN',
    SATMON_PSEUDONYM_KEY_FILE: keyFile,
  };
  // Variables that would make the SDK ignore the env credentials above.
  const cleared = ['AWS_SESSION_TOKEN', 'AWS_PROFILE'];
  const saved = new Map<string, string | undefined>();
  if (opts.applyEnv !== false) {
    for (const k of [...Object.keys(env), ...cleared]) saved.set(k, process.env[k]);
    Object.assign(process.env, env);
    for (const k of cleared) delete process.env[k];
  }

  const router = new EventRouter({
    names: names.buckets,
    handlers: opts.handlers ?? defaultHandlers,
    maxAttempts: opts.maxAttempts,
    concurrency: opts.concurrency,
    log: opts.log ?? ((m) => console.error(m)),
  });
  const unrouted = opts.routeEvents === false ? undefined : (e: S3Event) => void router.route(e);
  if (unrouted) s.events.on('event', unrouted);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (unrouted) s.events.off('event', unrouted);
    // Let handler invocations in flight finish (bounded: a hung handler must not hang the shutdown).
    await Promise.race([router.idle(), new Promise((r) => setTimeout(r, 30_000).unref())]);
    s3.destroy();
    ddb.destroy();
    await Promise.allSettled([d.stop(), s.stop()]);
    removeTemp();
    process.off('exit', removeTemp);
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };

  return {
    s3,
    ddb,
    endpoints,
    dynamodbPid: d.pid,
    names,
    env,
    keyFile,
    onEvent(listener) {
      s.events.on('event', listener);
      return () => s.events.off('event', listener);
    },
    route: (e) => router.route(e),
    router,
    idle: () => router.idle(),
    stop,
    timings: { dynamodbMs, s3Ms, resourcesMs, totalMs: performance.now() - t0 },
  };
}
