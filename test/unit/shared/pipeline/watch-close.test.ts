// close() on the in-memory storage with stored metric series (no recomputes): a watch is stored with the fixed
// shape (keys.watch, WATCHES#OPEN while open, entity 'watch') and published once, to notifyWatch only; an alert
// supersedes it; a year's annual alert is stored beside the quarterly episodes without touching them.
import { describe, expect, it } from 'vitest';
import type { Alert, Watch } from '../../../../shared/assess/assessment';
import type { AlertItem, MetricItem, WatchItem } from '../../../../shared/assess/records';
import { keys } from '../../../../shared/layout/keys';
import { close, type AssessDeps } from '../../../../shared/pipeline/assess';
import { memoryStorage } from '../../../../shared/pipeline/memory-storage';

const BRANCHES = Array.from({ length: 300 }, (_, i) => `BR${String(i + 1).padStart(3, '0')}`);
const QUARTERS = ['2024-Q1', '2024-Q2', '2024-Q3', '2024-Q4', '2025-Q1', '2025-Q2'];

function metric(branch: string, period: string, value: number, se: number, n: number): MetricItem {
  return {
    ...keys.metric({ kind: 'branch', id: branch }, 'TRUST', period), entity: 'metric', unit: branch, metric: 'TRUST', period,
    value, se, ciLow: value - 1.96 * se, ciHigh: value + 1.96 * se, moe: 1.96 * se, n, method: 'pls', region: 'R1',
  };
}

/** BR001: 67 in 2025-Q1 (a watch among 300), 60 in 2025-Q2 (an alert); annual 2024 70, 2025 65. */
function seeded() {
  const items: MetricItem[] = [];
  for (const b of BRANCHES) {
    for (const q of QUARTERS) items.push(metric(b, q, b === 'BR001' ? ({ '2025-Q1': 67, '2025-Q2': 60 } as Record<string, number>)[q] ?? 70 : 70, 1, 400));
    items.push(metric(b, '2024', 70, 0.6, 1600), metric(b, '2025', b === 'BR001' ? 65 : 70, 0.6, 1600));
  }
  return memoryStorage({ items: items as unknown as Record<string, unknown>[] });
}

describe('close(): watches in storage', () => {
  const storage = seeded();
  const alerts: Alert[] = [], watches: Watch[] = [];
  const d: AssessDeps = {
    storage, curatedBucket: 'curated', branches: new Map(BRANCHES.map((id) => [id, { id, region: 'R1' }])), alertMetrics: ['TRUST'], alertBand: false,
    notify: async (a) => { alerts.push(a); }, notifyWatch: async (w) => { watches.push(w); },
  };
  const planned = { branches: BRANCHES, regions: [] };

  it('stores a new watch with the fixed shape and publishes it once, to notifyWatch only', async () => {
    const out = await close(d, '2025-Q1', [], planned);
    expect(out.newAlerts).toEqual([]);
    expect(out.newWatches.map((w) => w.branch)).toEqual(['BR001']);
    expect(out.raisedWatches).toEqual(out.newWatches);
    expect(alerts).toEqual([]);
    expect(watches.map((w) => [w.branch, w.period])).toEqual([['BR001', '2025-Q1']]);
    const item = await storage.items.get<WatchItem>(keys.watch('BR001', '2025-Q1', 'TRUST'));
    expect(item).toEqual({
      pk: 'BRANCH#BR001', sk: 'WATCH#2025-Q1#TRUST', gsi1pk: 'WATCHES#OPEN', gsi1sk: '2025-Q1#BR001#TRUST',
      entity: 'watch', branch: 'BR001', region: 'R1', metric: 'TRUST', since: '2025-Q1', lastPeriod: '2025-Q1', status: 'open', notified: true,
      decline: expect.closeTo(3, 12), declineCi: [expect.any(Number), expect.any(Number)], baseline: 70, current: 67,
      p: expect.closeTo(0.00729035809153564, 12), bhThreshold: expect.closeTo(0.05 / 300, 15), test: 'abrupt', drivers: [],
    });
    expect(await storage.items.query({ pk: keys.openWatches, index: 'gsi1' })).toHaveLength(1);
    expect(await storage.items.query({ pk: keys.openAlerts, index: 'gsi1' })).toEqual([]);
  });

  it('a re-run of the assessment publishes nothing again and leaves the items as they were', async () => {
    const before = storage.allItems();
    const out = await close(d, '2025-Q1', [], planned);
    expect(out.newWatches).toHaveLength(1);
    expect(out.raisedWatches).toEqual([]);
    expect(watches).toHaveLength(1);
    expect(storage.allItems()).toEqual(before);
  });

  it('an alert of the next quarter supersedes the watch (resolved, resolvedBy alert, out of the open index)', async () => {
    const out = await close(d, '2025-Q2', [], planned);
    expect(out.raised.map((a) => [a.branch, a.since])).toEqual([['BR001', '2025-Q2']]);
    expect(out.resolvedWatches).toBe(1);
    expect(alerts).toHaveLength(1);
    expect(watches).toHaveLength(1);
    const item = await storage.items.get<WatchItem>(keys.watch('BR001', '2025-Q1', 'TRUST'));
    expect(item).toMatchObject({ status: 'resolved', resolvedIn: '2025-Q2', resolvedBy: 'alert' });
    expect(item).not.toHaveProperty('gsi1pk');
    expect(await storage.items.query({ pk: keys.openWatches, index: 'gsi1' })).toEqual([]);
  });

  it('a year\'s annual alert is its own episode (ALERT#2025#TRUST) beside the open quarterly one', async () => {
    const out = await close(d, '2025', [], planned);
    expect(out.raised.map((a) => [a.branch, a.period, a.since, a.test])).toEqual([['BR001', '2025', '2025', 'annual']]);
    expect(out.newWatches).toEqual([]);
    expect(await storage.items.get<AlertItem>(keys.alert('BR001', '2025', 'TRUST'))).toMatchObject({ test: 'annual', since: '2025', lastPeriod: '2025', status: 'open', notified: true });
    // the quarterly episode is untouched
    expect(await storage.items.get<AlertItem>(keys.alert('BR001', '2025-Q2', 'TRUST'))).toMatchObject({ status: 'open', lastPeriod: '2025-Q2' });
    expect(await storage.items.query({ pk: keys.openAlerts, index: 'gsi1' })).toHaveLength(2);
    // the year's record counts both open alerts
    expect(await storage.items.get(keys.assessment('2025'))).toMatchObject({ newAlerts: 1, openAlerts: 2 });
  });
});
