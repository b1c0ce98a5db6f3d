// Shared helpers of the reliability suite (issue 13): stacks whose ingest handler is bound to their own
// environment (so two stacks can run in one test process), drop identities, normalised state snapshots and the
// formula-cell check.
import { createHash } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../infra/local/stack';
import { S3RVER_CREDENTIALS } from '../../infra/local/s3-local';
import { depsFromEnv, makeHandler } from '../../lambdas/ingest/handler';
import { createObservability } from '../../lambdas/aws/observability';
import { storageFor } from '../../lambdas/aws/storage';
import { getItem, queryPartition } from '../../lambdas/aws/dynamo';
import { getObjectText } from '../../lambdas/aws/s3';
import { loadGroups } from '../../shared/config';
import { dropIdOf, type DropRecord } from '../../shared/pipeline/drops';
import type { IngestDeps, Logger } from '../../shared/pipeline/ingest';
import type { Storage } from '../../shared/pipeline/storage';
import { keys, uploaderOf } from '../../shared/layout/keys';
import { snapshot } from '../integration/helpers';

export const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
/** S3's ETag of a single-part upload, unquoted. */
export const md5 = (s: string | Buffer) => createHash('md5').update(s).digest('hex');
export const unquote = (etag: string | undefined) => (etag ?? '').replace(/"/g, '');

/** The drop id ingest gives these bytes uploaded at `key` (the uploader is the key's folder). */
export const dropIdFor = (body: string | Buffer, key: string) => dropIdOf(sha(body), uploaderOf(key));

/** A logger that keeps every line (to assert on warnings such as a lease takeover). */
export function memoryLog(): Logger & { lines: { level: 'info' | 'warn'; msg: string; extra?: Record<string, unknown> }[] } {
  const lines: { level: 'info' | 'warn'; msg: string; extra?: Record<string, unknown> }[] = [];
  return { lines, info: (msg, extra) => lines.push({ level: 'info', msg, extra }), warn: (msg, extra) => lines.push({ level: 'warn', msg, extra }) };
}

const silentObservability = createObservability('ingest', { POWERTOOLS_LOG_LEVEL: 'SILENT' });

export interface TestStack extends LocalStack {
  /** The storage port on this stack (the same adapter the handlers use). */
  storage: Storage;
  /** Every line the ingest handler logged. */
  log: ReturnType<typeof memoryLog>;
}

export interface TestStackOptions extends Omit<LocalStackOptions, 'handlers' | 'applyEnv'> {
  /**
   * Wrap the ingest Lambda's handler (lambdas/ingest/handler.ts makeHandler over depsFromEnv with this stack's
   * environment), e.g. to hold deliveries behind a gate or to fail them.
   */
  wrap?: (ingest: (e: S3Event) => Promise<unknown>) => (e: S3Event) => Promise<unknown>;
  /** Change the ingest dependencies of every delivery (fault injection). */
  deps?: (d: IngestDeps) => IngestDeps;
  /** Extra environment for the handler (e.g. SATMON_MAX_LINE_BYTES), read at every delivery. */
  env?: () => Record<string, string>;
}

/**
 * A local stack (DynamoDB Local + s3rver) whose ingest handler reads this stack's environment rather than
 * process.env, so that several stacks can live in one test file.
 */
export async function startTestStack(opts: TestStackOptions = {}): Promise<TestStack> {
  const log = memoryLog();
  let env: Record<string, string> | undefined;
  const ingest = makeHandler(async () => {
    const d = await depsFromEnv({ ...env!, ...(opts.env?.() ?? {}) });
    const withLog = { ...d, log };
    return opts.deps ? opts.deps(withLog) : withLog;
  }, () => silentObservability);
  const handler = (e: S3Event) => ingest(e);
  const { wrap, deps: _deps, env: _env, ...rest } = opts;
  // The SDK's default credential chain reads these; every local stack accepts s3rver's one key pair.
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey });
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  const stack = await startLocalStack({
    log: () => {},
    ...rest,
    applyEnv: false,
    handlers: { ingest: () => (wrap ? wrap(handler) : handler) },
  });
  env = stack.env;
  const storage = storageFor(loadGroups(['aws'], stack.env).aws, stack.names.table);
  return Object.assign(stack, { storage, log });
}

export const putRaw = (stack: LocalStack, key: string, body: string | Buffer) =>
  stack.s3.send(new PutObjectCommand({ Bucket: stack.names.buckets.raw, Key: key, Body: body }));

export const putCurated = (stack: LocalStack, key: string, body: string, contentType = 'application/json') =>
  stack.s3.send(new PutObjectCommand({ Bucket: stack.names.buckets.curated, Key: key, Body: body, ContentType: contentType }));

export const dropRecord = (stack: LocalStack, dropId: string) => getItem<DropRecord>(stack.ddb, stack.names.table, keys.drop(dropId));

export const curatedText = (stack: LocalStack, key: string) => getObjectText(stack.s3, stack.names.buckets.curated, key);

export const partition = <T = Record<string, unknown>>(stack: LocalStack, pk: string, skPrefix?: string) =>
  queryPartition<T>(stack.ddb, stack.names.table, pk, skPrefix ? { skPrefix } : undefined);

export const deliveriesOf = (stack: LocalStack, key: string) => stack.router.deliveries.filter((d) => d.key === key);

/** A JSON text of an item as stored (string sets as sorted arrays). */
export function itemJson(item: unknown): string {
  return JSON.stringify(item, (_k, v) => (v instanceof Set ? [...v].sort() : v));
}

/** Attributes that say when or by whom something ran, not what it wrote (expiresAt: from the drop's arrival). */
export const VOLATILE_ATTRS = ['receivedAt', 'completedAt', 'since', 'detectedAt', 'recordedAt', 'leaseOwner', 'leaseUntil', 'leaseHolder', 'expiresAt'];

/** Copy of an item without the volatile attributes. */
export function stable<T extends Record<string, unknown>>(item: T): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).filter(([k]) => !VOLATILE_ATTRS.includes(k)));
}

/**
 * A manifest's text without its arrival time (`ingest.receivedAt`); every other object as it is. Parsed, so two
 * runs of one drop compare equal whatever their clocks said.
 */
export function stableObject(key: string, body: string): unknown {
  if (!key.startsWith('manifests/')) return body;
  const m = JSON.parse(body) as { ingest?: Record<string, unknown> };
  if (m.ingest) delete m.ingest.receivedAt;
  return m;
}

/** Everything a stack's pipeline wrote (all items, every curated object's content), times and leases left out. */
export async function stableState(stack: LocalStack): Promise<{ table: Record<string, unknown>[]; curated: Record<string, unknown> }> {
  const s = await snapshot(stack);
  const curated: Record<string, unknown> = {};
  for (const o of s.curated) {
    curated[o.key] = o.key.startsWith('manifests/') ? stableObject(o.key, await curatedText(stack, o.key)) : { etag: o.etag, size: o.size };
  }
  return { table: s.table.map(stable), curated };
}

/** A text cell a spreadsheet would run as a formula: starts with = + - @ TAB or CR and is not a plain number. */
export function isFormulaCell(cell: string): boolean {
  return /^[=+\-@\t\r]/.test(cell) && !/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(cell);
}

/** One CSV line of a test drop (RFC 4180: fields with , " CR LF quoted). */
export function csvLineOf(fields: readonly string[], delimiter = ','): string {
  return fields.map((f) => (/[",\r\n;]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(delimiter);
}

/** Header and rows of a simulated drop file (BOM, `;`, CRLF: the simulator's excel-id format). */
export function splitSimDrop(text: string): { header: string[]; rows: string[][] } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n/).filter((l) => l !== '');
  return { header: lines[0]!.split(';'), rows: lines.slice(1).map((l) => l.split(';')) };
}

/** The same file again, with the rows replaced (the simulator's format). */
export function joinSimDrop(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return '\uFEFF' + [header, ...rows].map((r) => r.join(';')).join('\r\n') + '\r\n';
}

/** Recompute settings small enough for tests (bootstrap resamples) and in-process recomputes. */
export const SMALL_ASSESS_ENV = { SATMON_NBOOT: '40', SATMON_NBOOT_AGGREGATE: '20', SATMON_WORKERS: '1', SATMON_PATH_PERMUTATIONS: '0' };
