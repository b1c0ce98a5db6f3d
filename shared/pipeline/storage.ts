// The one storage port of the pipeline: objects (S3 buckets) and items (the single DynamoDB table). Orchestration
// in shared/pipeline reads and writes only through it; lambdas/aws/storage.ts implements it with the AWS SDK
// (the same code on AWS and against the embedded DynamoDB Local and s3rver), memory-storage.ts in memory for unit
// tests. Every conditional write is an UpdatePlan: plain data built in the domain, applied by the adapter.

export type Item = Record<string, unknown>;
export interface ItemKey { pk: string; sk: string }

/** One Query: a partition of the table or of GSI1, optionally under a sort-key prefix. */
export interface QuerySpec {
  pk: string;
  skPrefix?: string;
  index?: 'gsi1';
  descending?: boolean;
  /** Attributes to return (all when omitted). */
  projection?: string[];
}

/** A condition on one attribute of the stored item (all of a plan's conditions must hold). */
export type Condition =
  | { attr: string; op: 'exists' | 'notExists' }
  | { attr: string; op: '=' | '<>' | '<' | '<=' | '>' | '>='; value: string | number | boolean };

/**
 * One UpdateItem as data. Applied to a missing item it creates it (with its key), as DynamoDB does, when the
 * conditions allow. `setIfAbsent` keeps a value already there; `add` unions string sets and adds numbers.
 */
export interface UpdatePlan {
  key: ItemKey;
  set?: Record<string, unknown>;
  setIfAbsent?: Record<string, unknown>;
  add?: Record<string, ReadonlySet<string> | number>;
  remove?: string[];
  when?: Condition[];
}

export interface ItemStore {
  get<T = Item>(key: ItemKey): Promise<T | undefined>;
  /** Items that exist among `keys` (any order). */
  batchGet<T = Item>(keys: readonly ItemKey[]): Promise<T[]>;
  /** Every item of a partition, sorted by sort key (descending on request). */
  query<T = Item>(q: QuerySpec): Promise<T[]>;
  /** Put (any item with its key); with ifAbsent only when no item has the key (false, and nothing written, when one does). */
  put(item: ItemKey & object, opts?: { ifAbsent?: boolean }): Promise<boolean>;
  /** Any number of puts and deletes (a key at most once per call). */
  batchWrite(ops: { puts?: readonly (ItemKey & object)[]; deletes?: readonly ItemKey[] }): Promise<void>;
  /** Apply a plan; false (and nothing written) when its conditions do not hold. */
  update(plan: UpdatePlan): Promise<boolean>;
  delete(key: ItemKey): Promise<void>;
}

export interface StoredObject { key: string; etag: string; size: number }

export interface ObjectStream {
  body: AsyncIterable<Buffer>;
  etag?: string;
  size?: number;
}

/** Which version of an object to read: a version id (versioned buckets), and/or the ETag the bytes must have. */
export interface ObjectPin {
  versionId?: string;
  etag?: string;
}

/** The object no longer has the version or ETag a read was pinned to (overwritten since the event, or in between). */
export class ObjectChangedError extends Error {
  override name = 'ObjectChangedError';
  constructor(readonly bucket: string, readonly key: string, readonly pin: ObjectPin, readonly found?: string) {
    super(`s3://${bucket}/${key}: the object changed (wanted ${pin.versionId ? `version ${pin.versionId}` : `ETag ${pin.etag}`}${found ? `, found ${found}` : ''})`);
  }
}

/** Same ETag whatever the quoting (S3 returns it quoted, events carry it bare). */
export const sameEtag = (a: string | undefined, b: string | undefined): boolean =>
  a !== undefined && b !== undefined && a.replace(/"/g, '') === b.replace(/"/g, '');

export interface ObjectStore {
  /**
   * The object's bytes as a stream; undefined when it (or the pinned version) does not exist. A `pin` reads exactly
   * that version, or throws ObjectChangedError: adapters check the ETag themselves (s3rver ignores If-Match).
   */
  stream(bucket: string, key: string, pin?: ObjectPin): Promise<ObjectStream | undefined>;
  /** The object as UTF-8 text; undefined when it does not exist. */
  text(bucket: string, key: string): Promise<string | undefined>;
  put(bucket: string, key: string, body: string | Uint8Array, contentType: string): Promise<void>;
  /** Every object under a prefix, in key order. */
  list(bucket: string, prefix: string): AsyncIterable<StoredObject>;
}

export interface Storage {
  items: ItemStore;
  objects: ObjectStore;
}

/** The object's text, or an error naming it when it does not exist. */
export async function requireText(objects: ObjectStore, bucket: string, key: string): Promise<string> {
  const t = await objects.text(bucket, key);
  if (t === undefined) throw new Error(`s3://${bucket}/${key}: no such object`);
  return t;
}

export async function listAll(objects: ObjectStore, bucket: string, prefix: string): Promise<StoredObject[]> {
  const out: StoredObject[] = [];
  for await (const o of objects.list(bucket, prefix)) out.push(o);
  return out;
}
