// The storage port in memory, with DynamoDB's semantics where the pipeline relies on them: sort keys in UTF-8 byte
// order, conditional writes, UpdateItem creating a missing item, string sets, GSI1 queries. For unit tests of the
// orchestration; test/integration checks the AWS adapter against DynamoDB Local with the same plans.
import { createHash } from 'node:crypto';
import { ObjectChangedError, sameEtag, type Condition, type Item, type ItemKey, type ItemStore, type ObjectStore, type QuerySpec, type Storage, type StoredObject, type UpdatePlan } from './storage';

const keyOf = (k: ItemKey) => `${k.pk}\u0000${k.sk}`;

/** DynamoDB's order of string keys: by UTF-8 bytes. */
function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function compare(a: unknown, b: unknown): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return compareUtf8(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : undefined;
  return undefined; // different types: DynamoDB's comparison is false
}

export function holds(item: Item | undefined, c: Condition): boolean {
  const v = item?.[c.attr];
  if (!('value' in c)) return c.op === 'exists' ? v !== undefined : v === undefined;
  if (v === undefined) return false;
  const d = compare(v, c.value);
  if (d === undefined) return c.op === '<>';
  switch (c.op) {
    case '=': return d === 0;
    case '<>': return d !== 0;
    case '<': return d < 0;
    case '<=': return d <= 0;
    case '>': return d > 0;
    case '>=': return d >= 0;
  }
}

/** The item a plan leaves (undefined when its conditions fail). Pure: the input is not changed. */
export function applyPlan(item: Item | undefined, plan: UpdatePlan): Item | undefined {
  if (!(plan.when ?? []).every((c) => holds(item, c))) return undefined;
  const out: Item = structuredClone(item ?? { pk: plan.key.pk, sk: plan.key.sk });
  for (const [k, v] of Object.entries(plan.set ?? {})) if (v !== undefined) out[k] = structuredClone(v);
  for (const [k, v] of Object.entries(plan.setIfAbsent ?? {})) if (out[k] === undefined && v !== undefined) out[k] = structuredClone(v);
  for (const [k, v] of Object.entries(plan.add ?? {})) {
    if (typeof v === 'number') out[k] = ((out[k] as number | undefined) ?? 0) + v;
    else out[k] = new Set([...((out[k] as Set<string> | undefined) ?? []), ...v]);
  }
  for (const k of plan.remove ?? []) delete out[k];
  return out;
}

export interface MemoryStorage extends Storage {
  /** Every item, sorted by key (for snapshots). */
  allItems(): Item[];
  /** Every object: bucket -> key -> body. */
  allObjects(): Record<string, Record<string, string>>;
}

export function memoryStorage(seed: { items?: readonly Item[]; objects?: Record<string, Record<string, string | Uint8Array>> } = {}): MemoryStorage {
  const table = new Map<string, Item>();
  for (const it of seed.items ?? []) table.set(keyOf(it as unknown as ItemKey), structuredClone(it));
  const buckets = new Map<string, Map<string, Buffer>>();
  const bucket = (b: string) => buckets.get(b) ?? buckets.set(b, new Map()).get(b)!;
  for (const [b, objs] of Object.entries(seed.objects ?? {})) for (const [k, v] of Object.entries(objs)) bucket(b).set(k, Buffer.from(v));
  // S3's ETag of a single-part upload: the MD5 of the bytes, quoted.
  const etag = (body: Buffer) => `"${createHash('md5').update(body).digest('hex')}"`;

  const items: ItemStore = {
    async get<T>(key: ItemKey) {
      const it = table.get(keyOf(key));
      return (it ? structuredClone(it) : undefined) as T | undefined;
    },
    async batchGet<T>(keys: readonly ItemKey[]) {
      return keys.map((k) => table.get(keyOf(k))).filter((x): x is Item => !!x).map((x) => structuredClone(x)) as T[];
    },
    async query<T>(q: QuerySpec) {
      const [pkName, skName] = q.index === 'gsi1' ? ['gsi1pk', 'gsi1sk'] : ['pk', 'sk'];
      const out = [...table.values()].filter((it) =>
        it[pkName] === q.pk && typeof it[skName] === 'string' && (!q.skPrefix || (it[skName] as string).startsWith(q.skPrefix)));
      out.sort((a, b) => compareUtf8(a[skName] as string, b[skName] as string));
      if (q.descending) out.reverse();
      return out.map((it) => {
        const c = structuredClone(it);
        return q.projection ? Object.fromEntries(q.projection.filter((a) => c[a] !== undefined).map((a) => [a, c[a]])) : c;
      }) as T[];
    },
    async put(item, opts) {
      const k = keyOf(item);
      if (opts?.ifAbsent && table.has(k)) return false;
      table.set(k, structuredClone(Object.fromEntries(Object.entries(item).filter(([, v]) => v !== undefined))) as Item);
      return true;
    },
    async batchWrite(ops) {
      for (const it of ops.puts ?? []) await items.put(it);
      for (const k of ops.deletes ?? []) table.delete(keyOf(k));
    },
    async update(plan) {
      const next = applyPlan(table.get(keyOf(plan.key)), plan);
      if (!next) return false;
      table.set(keyOf(plan.key), next);
      return true;
    },
    async delete(key) {
      table.delete(keyOf(key));
    },
  };

  const objects: ObjectStore = {
    async stream(b, key, pin) {
      const body = buckets.get(b)?.get(key);
      if (!body) return undefined;
      // No versions kept here: a pinned read succeeds only while the object still has the pinned ETag.
      if (pin && (pin.etag !== undefined || pin.versionId !== undefined) && !sameEtag(pin.etag, etag(body))) throw new ObjectChangedError(b, key, pin, etag(body));
      return { body: (async function* () { yield Buffer.from(body); })(), etag: etag(body), size: body.length };
    },
    async text(b, key) {
      return buckets.get(b)?.get(key)?.toString('utf8');
    },
    async put(b, key, body) {
      bucket(b).set(key, Buffer.from(body));
    },
    async *list(b, prefix) {
      const m = buckets.get(b);
      if (!m) return;
      const keys = [...m.keys()].filter((k) => k.startsWith(prefix)).sort(compareUtf8);
      for (const key of keys) {
        const body = m.get(key);
        if (body) yield { key, etag: etag(body), size: body.length } satisfies StoredObject;
      }
    },
  };

  return {
    items,
    objects,
    allItems: () => [...table.values()].map((x) => structuredClone(x)).sort((a, b) => compareUtf8(keyOf(a as unknown as ItemKey), keyOf(b as unknown as ItemKey))),
    allObjects: () => Object.fromEntries([...buckets].map(([b, m]) => [b, Object.fromEntries([...m].map(([k, v]) => [k, v.toString('utf8')]))])),
  };
}

