// Parsed clean parts kept between recomputes (shared/pipeline/part-cache.ts): found by bucket, key, ETag and the
// instrument's columns; the frames built from kept parts equal freshly parsed ones, and no frame shares arrays with
// the kept parts; a whole pipeline stores exactly the same objects and items with the cache as without it.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { frameFromCleanCsv, frameFromParts } from '../../../../shared/assess/frame';
import { CleanPartCache } from '../../../../shared/pipeline/part-cache';
import { plan, planItems, type AssessDeps } from '../../../../shared/pipeline/assess';
import { ingestObject, type IngestDeps } from '../../../../shared/pipeline/ingest';
import { memoryStorage } from '../../../../shared/pipeline/memory-storage';
import { recomputeOne, type RecomputeDeps } from '../../../../shared/pipeline/recompute';
import { surveyCleaner } from '../../../../shared/pipeline/survey-cleaner';
import { DEFAULT_SETTINGS } from '../../../../shared/assess/recompute';
import { defaultInstrument, loadInstrument, parseBranchDirectory, simulateDrops } from '../../../../shared/survey';
import { RAW_LAYOUT } from '../../../../shared/layout/keys';

const mini = (constructs: Record<string, string[]>) => loadInstrument({
  id: 'mini', idColumn: 'respondent_id', branchColumn: 'branch_id', periodColumn: 'period',
  scale: { min: 1, max: 5 }, missingCodes: [''], constructs,
}, 'test');
const instrument = mini({ CRM: ['CRM1', 'CRM2'], TRUST: ['TRUST1', 'TRUST2'] });
const csv = (rows: string[]) => ['respondent_id,branch_id,period,CRM1,CRM2,TRUST1,TRUST2', ...rows].join('\n') + '\n';
const A = csv(['r1,BR01,2025-Q1,4,4,5,5', 'r2,BR01,2025-Q1,3,,3,3']);
const B = csv(['r2,BR01,2025-Q1,1,1,1,1', 'r3,BR01,2025-Q1,2,2,2,2']);

describe('CleanPartCache', () => {
  it('parses a part once per bucket, key, ETag and instrument columns; another ETag or instrument parses again', async () => {
    const cache = new CleanPartCache();
    let reads = 0;
    const text = (t: string) => async () => { reads++; return t; };
    const a = { bucket: 'c', key: 'clean/a.csv', etag: '"1"' };
    const first = await cache.get(a, instrument, text(A));
    expect(await cache.get(a, instrument, text(A))).toBe(first);
    expect(reads).toBe(1);
    await cache.get({ ...a, etag: '"2"' }, instrument, text(A));
    await cache.get({ ...a, bucket: 'other' }, instrument, text(A));
    const narrower = mini({ CRM: ['CRM1', 'CRM2'] });
    expect((await cache.get(a, narrower, text(A))).values).toHaveLength(2);
    expect(reads).toBe(4);
    expect([cache.hits, cache.misses]).toEqual([1, 4]);
  });

  it('drops the least recently used parts beyond its row budget, and keeps no part larger than the budget', async () => {
    const cache = new CleanPartCache(3);
    let reads = 0;
    const get = (key: string, t: string) => cache.get({ bucket: 'c', key, etag: 'e' }, instrument, async () => { reads++; return t; });
    await get('a', A); // 2 rows
    await get('b', B); // 2 rows: over 3, so a goes
    await get('b', B);
    expect(reads).toBe(2);
    await get('a', A);
    expect(reads).toBe(3); // read again; b goes
    await get('b', B);
    expect(reads).toBe(4);
    const big = csv(['x1,BR01,2025-Q1,1,1,1,1', 'x2,BR01,2025-Q1,1,1,1,1', 'x3,BR01,2025-Q1,1,1,1,1', 'x4,BR01,2025-Q1,1,1,1,1']);
    await get('big', big);
    await get('big', big);
    expect(reads).toBe(6);
    await get('b', B); // still kept: the part over budget did not push it out
    expect(reads).toBe(6);
  });

  it('a frame built from kept parts equals a freshly parsed one and shares no array with the kept parts', async () => {
    const cache = new CleanPartCache();
    const parts = async () => Promise.all([['a', A], ['b', B]].map(([key, t]) => cache.get({ bucket: 'c', key: key!, etag: 'e' }, instrument, async () => t!)));
    const fresh = frameFromCleanCsv([{ text: A, source: 'a' }, { text: B, source: 'b' }], instrument);
    const first = frameFromParts(await parts(), instrument);
    expect(first).toEqual(fresh);
    first.items.cols[0]![0] = 99;
    first.respondentIds[0] = 'changed';
    const again = frameFromParts(await parts(), instrument);
    expect(cache.hits).toBe(2);
    expect(again).toEqual(fresh);
  });
});

describe('recompute with the part cache', () => {
  const keyOf = (d: { branch: string | null; file: string }) => RAW_LAYOUT.branchPrefix(d.branch!) + d.file;
  afterEach(() => { vi.useRealTimers(); });
  const run = async (partCache?: CleanPartCache) => {
    // The same clock for both runs: records carry the time they were written.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-05T00:00:00Z'));
    const sim = simulateDrops({ seed: 9, branches: 3, periods: '2025-Q1..2025-Q2', n: 80, messy: 0.02 });
    const storage = memoryStorage({ objects: { raw: Object.fromEntries(sim.drops.map((d) => [keyOf(d), d.text])) } });
    const branches = parseBranchDirectory(sim.branches, 'branches.json');
    const ingestDeps: IngestDeps = { storage, buckets: { raw: 'raw', curated: 'curated' }, clean: surveyCleaner(defaultInstrument, branches), log: { info: () => {}, warn: () => {} } };
    for (const d of sim.drops) await ingestObject(ingestDeps, { bucket: 'raw', key: keyOf(d), eventKey: keyOf(d) });
    const assessDeps: AssessDeps = { storage, curatedBucket: 'curated', branches, alertMetrics: ['TRUST'], notify: async () => {} };
    const deps: RecomputeDeps = {
      storage, curatedBucket: 'curated', instrument: defaultInstrument, branches,
      settings: { ...DEFAULT_SETTINGS, nboot: 30, nbootAggregate: 20, permutations: 20 }, onLambda: false,
      ...(partCache ? { partCache } : {}),
    };
    for (const p of ['2025-Q1', '2025-Q2', '2025']) {
      const pl = await plan(assessDeps, p);
      for (const item of [...(await planItems(assessDeps, pl)), ...pl.aggregates]) {
        await recomputeOne(deps, { unit: item.unit ?? { kind: 'branch', id: item.branch! }, period: item.period });
      }
    }
    return { items: storage.allItems(), objects: storage.allObjects() };
  };

  it('stores exactly what it stores without the cache, reading each part once', async () => {
    const cache = new CleanPartCache();
    const [without, withCache] = [await run(), await run(cache)];
    expect(withCache.objects).toEqual(without.objects);
    expect(withCache.items).toEqual(without.items);
    const parts = Object.keys(without.objects.curated!).filter((k) => k.startsWith('clean/')).length;
    expect(cache.misses).toBe(parts);
    expect(cache.hits).toBeGreaterThan(parts);
  });
});
