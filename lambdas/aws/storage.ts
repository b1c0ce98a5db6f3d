// The pipeline's storage port (shared/pipeline/storage.ts) on AWS: the single table through the DynamoDB document
// client and the buckets through S3. The same code runs against DynamoDB Local and s3rver locally. UpdatePlans are
// compiled into UpdateItem expressions here and nowhere else; batch reads and writes retry unprocessed keys with
// one backoff policy (dynamo.ts).
import type { S3Client } from '@aws-sdk/client-s3';
import { DeleteCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AwsSettings } from '../../shared/config';
import { ObjectChangedError, sameEtag, type Condition, type ItemKey, type ObjectStore, type Storage, type UpdatePlan } from '../../shared/pipeline/storage';
import { clientsFor } from './clients';
import { batchGet, batchWrite, getItem, isConditionalCheckFailed, queryPartition } from './dynamo';
import { getObjectStream, getObjectText, isNotFound, isPreconditionFailed, listObjects, putObject } from './s3';

/** An UpdatePlan as UpdateItem's expression parts (placeholders #a0.. for names, :v0.. for values). */
export function compileUpdate(p: UpdatePlan) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const name = (attr: string) => {
    const existing = Object.entries(names).find(([, a]) => a === attr)?.[0];
    if (existing) return existing;
    const ph = `#a${Object.keys(names).length}`;
    names[ph] = attr;
    return ph;
  };
  const value = (v: unknown) => {
    const ph = `:v${Object.keys(values).length}`;
    values[ph] = v;
    return ph;
  };
  const sets = [
    ...Object.entries(p.set ?? {}).filter(([, v]) => v !== undefined).map(([k, v]) => `${name(k)} = ${value(v)}`),
    ...Object.entries(p.setIfAbsent ?? {}).filter(([, v]) => v !== undefined).map(([k, v]) => `${name(k)} = if_not_exists(${name(k)}, ${value(v)})`),
  ];
  const adds = Object.entries(p.add ?? {}).map(([k, v]) => `${name(k)} ${value(v)}`);
  const removes = (p.remove ?? []).map(name);
  const clauses = [sets.length ? `SET ${sets.join(', ')}` : '', adds.length ? `ADD ${adds.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : '']
    .filter(Boolean);
  if (clauses.length === 0) throw new Error(`update of ${p.key.pk} ${p.key.sk}: the plan changes nothing`);
  const cond = (c: Condition) => ('value' in c
    ? `${name(c.attr)} ${c.op} ${value(c.value)}`
    : `${c.op === 'exists' ? 'attribute_exists' : 'attribute_not_exists'}(${name(c.attr)})`);
  const condition = (p.when ?? []).map(cond).join(' AND ');
  return {
    Key: { pk: p.key.pk, sk: p.key.sk },
    UpdateExpression: clauses.join(' '),
    ...(condition ? { ConditionExpression: condition } : {}),
    ExpressionAttributeNames: names,
    ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
  };
}

export function awsStorage(c: { ddb: DynamoDBDocumentClient; s3: S3Client; table: string }): Storage {
  const { ddb, s3, table } = c;
  const objects: ObjectStore = {
    async stream(bucket, key, pin) {
      try {
        const o = await getObjectStream(s3, bucket, key, pin);
        // s3rver ignores If-Match and version ids: the ETag it returns is checked here, the same on AWS.
        if (pin?.etag !== undefined && !sameEtag(pin.etag, o.etag)) {
          (o.body as { destroy?: () => void }).destroy?.();
          throw new ObjectChangedError(bucket, key, pin, o.etag);
        }
        const body = (async function* () { for await (const chunk of o.body) yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk); })();
        return { body, ...(o.etag !== undefined ? { etag: o.etag } : {}), ...(o.size !== undefined ? { size: o.size } : {}) };
      } catch (e) {
        if (isNotFound(e)) return undefined;
        if (pin && isPreconditionFailed(e)) throw new ObjectChangedError(bucket, key, pin);
        throw e;
      }
    },
    async text(bucket, key) {
      try {
        return await getObjectText(s3, bucket, key);
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    },
    async put(bucket, key, body, contentType) {
      await putObject(s3, bucket, key, body, contentType);
    },
    async *list(bucket, prefix) {
      for await (const o of listObjects(s3, bucket, prefix)) yield { key: o.Key!, etag: o.ETag ?? '', size: o.Size ?? 0 };
    },
  };
  return {
    objects,
    items: {
      get: <T>(key: ItemKey) => getItem<T>(ddb, table, { pk: key.pk, sk: key.sk }),
      batchGet: <T>(keys: readonly ItemKey[]) => batchGet(ddb, table, keys) as Promise<T[]>,
      query: <T>(q: Parameters<Storage['items']['query']>[0]) => queryPartition<T>(ddb, table, q.pk, {
        ...(q.skPrefix ? { skPrefix: q.skPrefix } : {}), ...(q.projection ? { projection: q.projection } : {}),
        ...(q.index ? { index: q.index, consistent: false } : {}), ...(q.descending ? { descending: true } : {}),
      }),
      async put(item, opts) {
        try {
          await ddb.send(new PutCommand({ TableName: table, Item: item as Record<string, unknown>, ...(opts?.ifAbsent ? { ConditionExpression: 'attribute_not_exists(pk)' } : {}) }));
          return true;
        } catch (e) {
          if (opts?.ifAbsent && isConditionalCheckFailed(e)) return false;
          throw e;
        }
      },
      batchWrite: (ops) => batchWrite(ddb, table, { puts: (ops.puts ?? []).map((it) => it as Record<string, unknown>), deletes: [...(ops.deletes ?? [])] }),
      async update(plan: UpdatePlan) {
        try {
          await ddb.send(new UpdateCommand({ TableName: table, ...compileUpdate(plan) }));
          return true;
        } catch (e) {
          if (isConditionalCheckFailed(e)) return false;
          throw e;
        }
      },
      async delete(key) {
        await ddb.send(new DeleteCommand({ TableName: table, Key: { pk: key.pk, sk: key.sk } }));
      },
    },
  };
}

/** The storage of the configured endpoints and table (clients cached per configuration, as a Lambda keeps them). */
export function storageFor(aws: AwsSettings, table: string): Storage {
  return awsStorage({ ...clientsFor(aws), table });
}
