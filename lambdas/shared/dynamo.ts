// DynamoDB access the handlers share (document client: plain JS values in, plain JS values out).
import {
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { UpdatePlan } from '../../shared/store/drops';

export type Item = Record<string, unknown>;
export type Key = { pk: string; sk: string };

export function isConditionalCheckFailed(e: unknown): boolean {
  return (e as { name?: string })?.name === 'ConditionalCheckFailedException';
}

export async function getItem<T = Item>(ddb: DynamoDBDocumentClient, table: string, key: Key, consistent = true): Promise<T | undefined> {
  const r = await ddb.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: consistent }));
  return r.Item as T | undefined;
}

/** Put an item only if no item with its key exists; false (table unchanged) when one does. */
export async function putIfAbsent<T extends Key>(ddb: DynamoDBDocumentClient, table: string, item: T): Promise<boolean> {
  try {
    await ddb.send(new PutCommand({ TableName: table, Item: item as unknown as Item, ConditionExpression: 'attribute_not_exists(pk)' }));
    return true;
  } catch (e) {
    if (isConditionalCheckFailed(e)) return false;
    throw e;
  }
}

/** UpdateItem; returns false instead of throwing when its condition does not hold. */
export async function updateIf(ddb: DynamoDBDocumentClient, input: UpdateCommandInput): Promise<boolean> {
  try {
    await ddb.send(new UpdateCommand(input));
    return true;
  } catch (e) {
    if (isConditionalCheckFailed(e)) return false;
    throw e;
  }
}

/** Run a plain UpdatePlan (shared/store) with the document client; false when its condition does not hold. */
export function applyUpdate(ddb: DynamoDBDocumentClient, table: string, p: UpdatePlan): Promise<boolean> {
  return updateIf(ddb, {
    TableName: table,
    Key: p.key,
    UpdateExpression: p.update,
    ConditionExpression: p.condition,
    ExpressionAttributeNames: p.names,
    ExpressionAttributeValues: p.values,
  });
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

/** Write one batch of at most 25 requests, resubmitting UnprocessedItems with exponential backoff. */
async function writeBatch(ddb: DynamoDBDocumentClient, table: string, requests: WriteRequest[], o: Required<BatchWriteOptions>) {
  let pending = requests;
  for (let attempt = 1; pending.length > 0; attempt++) {
    const r = await ddb.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
    pending = (r.UnprocessedItems?.[table] ?? []) as WriteRequest[];
    if (pending.length === 0) return;
    if (attempt >= o.maxAttempts) {
      throw new Error(`BatchWriteItem on ${table}: ${pending.length} items still unprocessed after ${attempt} attempts`);
    }
    await sleep(Math.random() * o.baseDelayMs * 2 ** (attempt - 1));
  }
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
  let next = 0;
  const worker = async () => {
    while (next < batches.length) await writeBatch(ddb, table, batches[next++], o);
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, batches.length) }, worker));
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

/** All items of one partition, optionally under a sort-key prefix. */
export async function queryPartition<T = Item>(
  ddb: DynamoDBDocumentClient,
  table: string,
  pk: string,
  opts: { skPrefix?: string; consistent?: boolean; projection?: string[]; pageSize?: number } = {},
): Promise<T[]> {
  const names: Record<string, string> = { '#pk': 'pk' };
  const values: Record<string, unknown> = { ':pk': pk };
  let cond = '#pk = :pk';
  if (opts.skPrefix) {
    names['#sk'] = 'sk';
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
    KeyConditionExpression: cond,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ConsistentRead: opts.consistent ?? true,
    ProjectionExpression: projection,
    Limit: opts.pageSize,
  })) out.push(it);
  return out;
}
