// `dataDir` keeps tables and objects across restarts (what `npm start` uses).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalStack } from '../../infra/local/stack';
import { getItem } from '../../lambdas/shared/dynamo';
import { getObjectText } from '../../lambdas/shared/s3';

describe('persistent local stack', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'satmon-persist-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps items and objects across a restart', async () => {
    const first = await startLocalStack({ dataDir: dir, routeEvents: false });
    await first.ddb.send(new PutCommand({ TableName: first.names.table, Item: { pk: 'P', sk: 'S', v: 1 } }));
    await first.s3.send(new PutObjectCommand({ Bucket: first.names.buckets.curated, Key: 'k.txt', Body: 'kept' }));
    await first.stop();

    const second = await startLocalStack({ dataDir: dir, routeEvents: false });
    try {
      expect(await getItem(second.ddb, second.names.table, { pk: 'P', sk: 'S' })).toEqual({ pk: 'P', sk: 'S', v: 1 });
      expect(await getObjectText(second.s3, second.names.buckets.curated, 'k.txt')).toBe('kept');
    } finally {
      await second.stop();
    }
  });
});
