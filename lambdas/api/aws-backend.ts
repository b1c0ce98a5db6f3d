// The dashboard store's Backend on AWS: the single table (document client) and the curated bucket.
import type { S3Client } from '@aws-sdk/client-s3';
import { BatchGetCommand, GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Backend, Item, ItemKey } from '../../shared/api/backend';
import { queryAll } from '../shared/dynamo';
import { getObjectText, isNotFound, listKeys } from '../shared/s3';

export interface AwsBackendConfig {
  ddb: DynamoDBDocumentClient;
  s3: S3Client;
  table: string;
  curatedBucket: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function awsBackend(c: AwsBackendConfig): Backend {
  return {
    async query(q) {
      const [pk, sk] = q.index === 'gsi1' ? ['gsi1pk', 'gsi1sk'] : ['pk', 'sk'];
      const names: Record<string, string> = { '#pk': pk };
      const values: Record<string, unknown> = { ':pk': q.pk };
      let cond = '#pk = :pk';
      if (q.skPrefix) {
        names['#sk'] = sk;
        values[':skp'] = q.skPrefix;
        cond += ' AND begins_with(#sk, :skp)';
      }
      const out: Item[] = [];
      for await (const it of queryAll(c.ddb, {
        TableName: c.table,
        ...(q.index ? { IndexName: q.index } : {}),
        KeyConditionExpression: cond,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ScanIndexForward: !q.descending,
      })) out.push(it);
      return out;
    },
    async batchGet(keys: readonly ItemKey[]) {
      const out: Item[] = [];
      let pending: ItemKey[] = keys.map((k) => ({ pk: k.pk, sk: k.sk }));
      // UnprocessedKeys come back under throttling: retry them with a short backoff.
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= 8) throw new Error(`BatchGetItem on ${c.table}: ${pending.length} keys unprocessed after ${attempt} attempts`);
        if (attempt > 0) await sleep(Math.random() * 50 * 2 ** attempt);
        const r = await c.ddb.send(new BatchGetCommand({ RequestItems: { [c.table]: { Keys: pending } } }));
        out.push(...((r.Responses?.[c.table] ?? []) as Item[]));
        pending = (r.UnprocessedKeys?.[c.table]?.Keys ?? []) as ItemKey[];
      }
      return out;
    },
    async get(key) {
      const r = await c.ddb.send(new GetCommand({ TableName: c.table, Key: { pk: key.pk, sk: key.sk } }));
      return r.Item as Item | undefined;
    },
    async getJson(key) {
      let text: string;
      try {
        text = await getObjectText(c.s3, c.curatedBucket, key);
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
      try {
        return JSON.parse(text);
      } catch (e) {
        throw new Error(`s3://${c.curatedBucket}/${key}: not valid JSON: ${(e as Error).message}`);
      }
    },
    listKeys: (prefix) => listKeys(c.s3, c.curatedBucket, prefix),
  };
}
