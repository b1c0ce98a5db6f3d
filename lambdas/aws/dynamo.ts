// DynamoDB access of the storage adapter (storage.ts) and the tests: document client (plain JS values in and out),
// paginated queries, batch reads and writes with one retry policy for unprocessed items.
import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { mapLimit } from '../../shared/pipeline/concurrency';

export type Item = Record<string, unknown>;
export type Key = { pk: string; sk: string };

export function isConditionalCheckFailed(e: unknown): boolean {
  return (e as { name?: string })?.name === 'ConditionalCheckFailedException';
}

export async function getItem<T = Item>(ddb: DynamoDBDocumentClient, table: string, key: Key, consistent = true): Promise<T | undefined> {
  const r = await ddb.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: consistent }));
  return r.Item as T | undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface BatchWriteOptions {
  /** Batches in flight at once. */
  concurrency?: number;
  /** Attempts per batch before giving up on its unprocessed items. */
  maxAttempts?: number;
  /** First backoff in ms (doubles per attempt, full jitter). */
  baseDelayMs?: number;
}

type WriteRequest = { PutRequest: { Item: Item } } | { DeleteRequest: { Key: Key } };

/**
 * The one retry policy for DynamoDB's partial batch answers: send the pending requests, keep what comes back
 * unprocessed, back off exponentially with full jitter, give up after maxAttempts naming the operation.
 */
async function untilProcessed<P>(what: string, pending: P[], send: (pending: P[]) => Promise<P[]>, maxAttempts: number, baseDelayMs: number): Promise<void> {
  for (let attempt = 1; pending.length > 0; attempt++) {
    pending = await send(pending);
    if (pending.length === 0) return;
    if (attempt >= maxAttempts) throw new Error(`${what}: ${pending.length} requests still unprocessed after ${attempt} attempts`);
    await sleep(Math.random() * baseDelayMs * 2 ** (attempt - 1));
  }
}

/** Write one batch of at most 25 requests, resubmitting UnprocessedItems. */
function writeBatch(ddb: DynamoDBDocumentClient, table: string, requests: WriteRequest[], o: Required<BatchWriteOptions>): Promise<void> {
  return untilProcessed(`BatchWriteItem on ${table}`, requests, async (pending) => {
    const r = await ddb.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
    return (r.UnprocessedItems?.[table] ?? []) as WriteRequest[];
  }, o.maxAttempts, o.baseDelayMs);
}

/**
 * Put and delete any number of items: chunks of 25 (the BatchWriteItem limit), a few chunks in flight,
 * unprocessed items retried. A key must not appear twice in one call (DynamoDB rejects such a batch).
 */
export async function batchWrite(
  ddb: DynamoDBDocumentClient,
  table: string,
  ops: { puts?: Item[]; deletes?: Key[] },
  opts: BatchWriteOptions = {},
): Promise<void> {
  const o: Required<BatchWriteOptions> = { concurrency: 8, maxAttempts: 8, baseDelayMs: 50, ...opts };
  const requests: WriteRequest[] = [
    ...(ops.puts ?? []).map((Item) => ({ PutRequest: { Item } })),
    ...(ops.deletes ?? []).map((Key) => ({ DeleteRequest: { Key } })),
  ];
  const batches: WriteRequest[][] = [];
  for (let i = 0; i < requests.length; i += 25) batches.push(requests.slice(i, i + 25));
  await mapLimit(batches, o.concurrency, (b) => writeBatch(ddb, table, b, o));
}

/** Every item a query returns, page after page (LastEvaluatedKey -> ExclusiveStartKey). */
export async function* queryAll<T = Item>(ddb: DynamoDBDocumentClient, input: QueryCommandInput): AsyncGenerator<T> {
  let start: Record<string, unknown> | undefined = input.ExclusiveStartKey;
  do {
    const r = await ddb.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    for (const it of r.Items ?? []) yield it as T;
    start = r.LastEvaluatedKey;
  } while (start);
}

/** All items of one partition (of the table, or of GSI1), optionally under a sort-key prefix. */
export async function queryPartition<T = Item>(
  ddb: DynamoDBDocumentClient,
  table: string,
  pk: string,
  opts: { skPrefix?: string; consistent?: boolean; projection?: string[]; pageSize?: number; index?: 'gsi1'; descending?: boolean } = {},
): Promise<T[]> {
  const [pkName, skName] = opts.index === 'gsi1' ? ['gsi1pk', 'gsi1sk'] : ['pk', 'sk'];
  const names: Record<string, string> = { '#pk': pkName };
  const values: Record<string, unknown> = { ':pk': pk };
  let cond = '#pk = :pk';
  if (opts.skPrefix) {
    names['#sk'] = skName;
    values[':skp'] = opts.skPrefix;
    cond += ' AND begins_with(#sk, :skp)';
  }
  let projection: string | undefined;
  if (opts.projection) {
    projection = opts.projection.map((a, i) => {
      names[`#p${i}`] = a;
      return `#p${i}`;
    }).join(', ');
  }
  const out: T[] = [];
  for await (const it of queryAll<T>(ddb, {
    TableName: table,
    ...(opts.index ? { IndexName: opts.index } : {}),
    ScanIndexForward: !opts.descending,
    KeyConditionExpression: cond,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    // GSIs offer only eventually consistent reads.
    ConsistentRead: opts.index ? false : opts.consistent ?? true,
    ProjectionExpression: projection,
    Limit: opts.pageSize,
  })) out.push(it);
  return out;
}

/** Items that exist among `keys` (any order): BatchGetItem in chunks of 100, unprocessed keys retried (untilProcessed). */
export async function batchGet(ddb: DynamoDBDocumentClient, table: string, keys: readonly Key[], maxAttempts = 8, baseDelayMs = 50): Promise<Item[]> {
  const out: Item[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    await untilProcessed(`BatchGetItem on ${table}`, keys.slice(i, i + 100).map((k) => ({ pk: k.pk, sk: k.sk })), async (pending) => {
      const r = await ddb.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }));
      out.push(...((r.Responses?.[table] ?? []) as Item[]));
      return (r.UnprocessedKeys?.[table]?.Keys ?? []) as Key[];
    }, maxAttempts, baseDelayMs);
  }
  return out;
}
