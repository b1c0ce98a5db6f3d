// The few storage reads the dashboard API needs, as an interface: DynamoDB + S3 on AWS (lambdas/api/aws-backend.ts),
// an in-memory copy of the same items and objects in tests. Everything above it (./store.ts) is shared.
export type Item = Record<string, unknown>;
export interface ItemKey { pk: string; sk: string }

export interface QuerySpec {
  /** Omitted: the table's primary key; 'gsi1': the overloaded GSI (gsi1pk / gsi1sk). */
  index?: 'gsi1';
  pk: string;
  skPrefix?: string;
  /** Sort key descending (ScanIndexForward=false). */
  descending?: boolean;
}

export interface Backend {
  query(q: QuerySpec): Promise<Item[]>;
  /** Items that exist among `keys` (any order). */
  batchGet(keys: readonly ItemKey[]): Promise<Item[]>;
  get(key: ItemKey): Promise<Item | undefined>;
  /** A JSON object of the curated bucket, parsed; undefined when absent. */
  getJson(key: string): Promise<unknown>;
  /** Keys of the curated bucket under a prefix. */
  listKeys(prefix: string): Promise<string[]>;
}

/** An in-memory Backend over plain items and objects, with DynamoDB's key-order semantics. */
export function memoryBackend(items: readonly Item[], objects: Readonly<Record<string, string>>): Backend {
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  // DynamoDB orders string sort keys by UTF-8 bytes; for the ASCII keys used here that is code-unit order.
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return {
    async query(q) {
      const [pkName, skName] = q.index === 'gsi1' ? ['gsi1pk', 'gsi1sk'] : ['pk', 'sk'];
      const out = items.filter((it) => it[pkName] === q.pk && str(it[skName]) !== undefined && (!q.skPrefix || str(it[skName])!.startsWith(q.skPrefix)));
      out.sort((a, b) => cmp(str(a[skName])!, str(b[skName])!));
      if (q.descending) out.reverse();
      return structuredClone(out);
    },
    async batchGet(keys) {
      const wanted = new Set(keys.map((k) => `${k.pk}\u0000${k.sk}`));
      return structuredClone(items.filter((it) => wanted.has(`${it.pk}\u0000${it.sk}`)));
    },
    async get(key) {
      const it = items.find((x) => x.pk === key.pk && x.sk === key.sk);
      return it ? structuredClone(it) : undefined;
    },
    async getJson(key) {
      const body = objects[key];
      return body === undefined ? undefined : JSON.parse(body);
    },
    async listKeys(prefix) {
      return Object.keys(objects).filter((k) => k.startsWith(prefix)).sort();
    },
  };
}
