// The plan's two output shapes: items inline, or (past MAX_INLINE_PLAN_BYTES of output JSON) the same list as a
// JSON array in the curated bucket under S3_LAYOUT.assessmentItems(period, runId), returned as itemsKey. On the
// in-memory storage; clean-part objects may be empty, since plan only lists their keys.
import { describe, expect, it } from 'vitest';
import { MAX_INLINE_PLAN_BYTES, plan, planItems, runSegment, type AssessDeps, type PlanOutput } from '../../../../shared/pipeline/assess';
import { memoryStorage, type MemoryStorage } from '../../../../shared/pipeline/memory-storage';
import { keys, S3_LAYOUT } from '../../../../shared/layout/keys';
import type { BranchInfo } from '../../../../shared/survey';

const period = '2025-Q1';
const ITEMS = 'assessments/items/';

/** A network of `n` branches with clean rows in `period` (ids B00001...), in five regions, and one late drop. */
function network(n: number, regions = true): { storage: MemoryStorage; deps: AssessDeps } {
  const ids = Array.from({ length: n }, (_, i) => `B${String(i + 1).padStart(5, '0')}`);
  const storage = memoryStorage({
    objects: { curated: Object.fromEntries(ids.map((id) => [S3_LAYOUT.cleanPart(period, id, 'h'), ''])) },
    items: [{ ...keys.dirty('2024-Q4', 'B00003'), period: '2024-Q4', branch: 'B00003' }],
  });
  const branches = regions ? new Map<string, BranchInfo>(ids.map((id, i) => [id, { id, region: `R${i % 5}` }])) : undefined;
  const deps: AssessDeps = { storage, curatedBucket: 'curated', ...(branches ? { branches } : {}), alertMetrics: ['TRUST'], notify: async () => {} };
  return { storage, deps };
}

const bytes = (x: unknown) => Buffer.byteLength(JSON.stringify(x));
const itemObjects = (s: MemoryStorage) => Object.entries(s.allObjects().curated ?? {}).filter(([k]) => k.startsWith(ITEMS));
function inlineOf(p: PlanOutput) {
  if (!('items' in p)) throw new Error('expected items inline');
  return p;
}
function inS3(p: PlanOutput) {
  if (!('itemsKey' in p)) throw new Error('expected itemsKey');
  return p;
}

describe('plan: items inline or in S3', () => {
  it('writes the inline list to the curated bucket when the output would pass the limit, and returns its key', async () => {
    const { storage, deps } = network(30);
    const inline = inlineOf(await plan(deps, period));
    expect(inline.lateQuarters).toEqual(['2024-Q4']);
    expect(itemObjects(storage)).toEqual([]);

    const out = inS3(await plan({ ...deps, maxInlinePlanBytes: 1_000 }, period, [], 'exec-42'));
    expect(out.itemsKey).toBe(S3_LAYOUT.assessmentItems(period, 'exec-42'));
    expect('items' in out).toBe(false); // the state machine's Choice looks for itemsKey first; no list travels inline
    const { items, ...summary } = inline;
    expect(out).toEqual({ ...summary, itemsKey: out.itemsKey }); // branches, regions, lateQuarters: passed on to close
    // The S3 item reader's shape: a JSON array, each element the recompute Lambda's event as is.
    const written = itemObjects(storage);
    expect(written.map(([k]) => k)).toEqual([out.itemsKey]);
    expect(JSON.parse(written[0]![1])).toEqual(items);
    expect(items.every((i) => i.branch !== undefined)).toBe(true); // the branches only: aggregates come after them
    expect(items.at(-1)).toEqual({ period: '2024-Q4', branch: 'B00003' }); // the catch-up travels with the rest
    // regions and the network, always inline (a few dozen at most), the network first; the late quarter's network too
    expect(out.aggregates[0]).toEqual({ period, unit: { kind: 'network' } });
    expect(out.aggregates).toContainEqual({ period: '2024-Q4', unit: { kind: 'network' } });
    expect(out.aggregates.every((i) => i.unit !== undefined)).toBe(true);
    expect(await planItems(deps, out)).toEqual(items);
    expect(await planItems(deps, inline)).toBe(items);
  });

  it('keeps the items inline up to the limit, byte for byte', async () => {
    const { deps } = network(12);
    const size = bytes(await plan(deps, period));
    expect('items' in (await plan({ ...deps, maxInlinePlanBytes: size }, period, [], 'r'))).toBe(true);
    expect('itemsKey' in (await plan({ ...deps, maxInlinePlanBytes: size - 1 }, period, [], 'r'))).toBe(true);
  });

  it('crosses the real limit at about 4,300 branches, leaving an output far below 256 KiB', async () => {
    expect(MAX_INLINE_PLAN_BYTES).toBe(200 * 1024);
    const below = inlineOf(await plan(network(4_000, false).deps, period));
    expect(bytes(below)).toBeLessThanOrEqual(MAX_INLINE_PLAN_BYTES);
    const { storage, deps } = network(4_500, false);
    const out = inS3(await plan(deps, period, [], 'big-run'));
    const items = await planItems(deps, out);
    expect(items).toHaveLength(4_500 + 1); // the branches and the late quarter's branch
    expect(out.aggregates).toHaveLength(2); // the network and the late quarter's network
    expect(bytes({ ...out, itemsKey: undefined, items })).toBeGreaterThan(MAX_INLINE_PLAN_BYTES);
    expect(bytes(out)).toBeLessThan(64 * 1024);
    expect(itemObjects(storage).map(([k]) => k)).toEqual(['assessments/items/period=2025-Q1/big-run.json']);
  });

  it('without a run id names the list after its content, so planning again writes the same object', async () => {
    const { storage, deps } = network(30);
    const low = { ...deps, maxInlinePlanBytes: 1_000 };
    const a = inS3(await plan(low, period));
    const b = inS3(await plan(low, period));
    expect(a.itemsKey).toMatch(/^assessments\/items\/period=2025-Q1\/local-[0-9a-f]{16}\.json$/);
    expect(b.itemsKey).toBe(a.itemsKey);
    expect(itemObjects(storage)).toHaveLength(1);
    // another list (one more branch) is another object
    await storage.objects.put('curated', S3_LAYOUT.cleanPart(period, 'B99999', 'h'), '', 'text/csv');
    expect(inS3(await plan(low, period)).itemsKey).not.toBe(a.itemsKey);
  });

  it('keeps an execution name that is safe in a key, and makes any other one safe and distinct', () => {
    expect(runSegment('3f2a9c1e-7b4d-4e8a-9f00-1234567890ab', '[]')).toBe('3f2a9c1e-7b4d-4e8a-9f00-1234567890ab');
    const odd = runSegment('by hand: 2025 Q1', '[]');
    expect(odd).toMatch(/^by_hand__2025_Q1-[0-9a-f]{8}$/);
    expect(runSegment('by hand+2025 Q1', '[]')).not.toBe(odd);
    expect(runSegment(undefined, '[1]')).not.toBe(runSegment(undefined, '[2]'));
    expect(runSegment('', '[1]')).toBe(runSegment(undefined, '[1]'));
  });

  it('reading the list back names the object when it is missing or not an array', async () => {
    const { storage, deps } = network(1);
    const summary = { period, kind: 'quarter' as const, branches: [], regions: [], lateQuarters: [], aggregates: [] };
    await expect(planItems(deps, { ...summary, itemsKey: 'assessments/items/period=2025-Q1/gone.json' }))
      .rejects.toThrow('s3://curated/assessments/items/period=2025-Q1/gone.json: no such object');
    await storage.objects.put('curated', 'assessments/items/period=2025-Q1/obj.json', '{"items":[]}', 'application/json');
    await expect(planItems(deps, { ...summary, itemsKey: 'assessments/items/period=2025-Q1/obj.json' }))
      .rejects.toThrow('s3://curated/assessments/items/period=2025-Q1/obj.json: expected a JSON array of plan items');
    await storage.objects.put('curated', 'assessments/items/period=2025-Q1/bad.json', '[{', 'application/json');
    await expect(planItems(deps, { ...summary, itemsKey: 'assessments/items/period=2025-Q1/bad.json' }))
      .rejects.toThrow(/bad\.json: not JSON \(/);
  });
});
