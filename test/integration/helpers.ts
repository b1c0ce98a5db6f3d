// Shared helpers of the integration tests: whole-state snapshots for idempotency checks.
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { listObjects } from '../../lambdas/aws/s3';
import type { LocalStack } from '../../infra/local/stack';

export async function scanAll(ddb: DynamoDBDocumentClient, table: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const r = await ddb.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }));
    out.push(...(r.Items ?? []));
    start = r.LastEvaluatedKey;
  } while (start);
  // Sets come back as Set objects: make them sorted arrays so snapshots compare by value.
  const plain = (v: unknown): unknown =>
    v instanceof Set ? [...v].sort() : Array.isArray(v) ? v.map(plain) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)])) : v;
  return out.map((i) => plain(i) as Record<string, unknown>).sort((a, b) => `${a.pk}\u0000${a.sk}`.localeCompare(`${b.pk}\u0000${b.sk}`));
}

export async function listing(s3: S3Client, bucket: string): Promise<{ key: string; etag: string; size: number }[]> {
  const out: { key: string; etag: string; size: number }[] = [];
  for await (const o of listObjects(s3, bucket)) out.push({ key: o.Key!, etag: o.ETag!, size: o.Size! });
  return out;
}

/** Everything the pipeline can have written: all table items and the curated bucket (keys, ETags, sizes). */
export async function snapshot(stack: LocalStack) {
  return { table: await scanAll(stack.ddb, stack.names.table), curated: await listing(stack.s3, stack.names.buckets.curated) };
}
