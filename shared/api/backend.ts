// The few storage reads the dashboard API needs: a read-only view of the pipeline's storage port
// (shared/pipeline/storage.ts) on the curated bucket. On AWS the port is the SDK adapter (lambdas/aws/storage.ts),
// in tests the in-memory one. Everything above it (./store.ts) is shared.
import { memoryStorage } from '../pipeline/memory-storage';
import { listAll, type Item, type ItemKey, type QuerySpec, type Storage } from '../pipeline/storage';

export type { Item, ItemKey, QuerySpec };

export interface Backend {
  query(q: QuerySpec): Promise<Item[]>;
  /** Items that exist among `keys` (any order). */
  batchGet(keys: readonly ItemKey[]): Promise<Item[]>;
  get(key: ItemKey): Promise<Item | undefined>;
  /** A JSON object of the curated bucket, parsed; undefined when absent. */
  getJson(key: string): Promise<unknown>;
  /** A text object of the curated bucket (a clean CSV part); undefined when absent. */
  getText(key: string): Promise<string | undefined>;
  /** Keys of the curated bucket under a prefix. */
  listKeys(prefix: string): Promise<string[]>;
}

/** The dashboard's reads of a storage: the table, and the curated bucket's objects. */
export function storageBackend(storage: Storage, curatedBucket: string): Backend {
  const { items, objects } = storage;
  return {
    query: (q) => items.query(q),
    batchGet: (keys) => items.batchGet(keys),
    get: (key) => items.get(key),
    async getJson(key) {
      const text = await objects.text(curatedBucket, key);
      if (text === undefined) return undefined;
      try {
        return JSON.parse(text);
      } catch (e) {
        throw new Error(`s3://${curatedBucket}/${key}: not valid JSON: ${(e as Error).message}`);
      }
    },
    getText: (key) => objects.text(curatedBucket, key),
    listKeys: async (prefix) => (await listAll(objects, curatedBucket, prefix)).map((o) => o.key),
  };
}

/** An in-memory Backend over plain items and curated objects (the in-memory storage, DynamoDB's key order). */
export function memoryBackend(items: readonly Item[], objects: Readonly<Record<string, string>>): Backend {
  return storageBackend(memoryStorage({ items, objects: { curated: { ...objects } } }), 'curated');
}
