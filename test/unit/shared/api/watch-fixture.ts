// The API fixture (./fixture.ts) with issue 15's new items on top, for the API tests and the browser test
// (test/e2e/watches.test.ts): watch episodes (keys.watch, open ones in the WATCHES#OPEN index), an annual alert, and
// the 2025 network and region SUMUT weighted by population (summary `weighting`, each index's method and effective
// n, the metric items alike), BR01's 2025 figures post-stratified by segment. Every other item is as stored before
// weighting existed (no weighting fields), so the same store also shows how old items read.
import { memoryBackend, type Item } from '../../../../shared/api/backend';
import { DashboardStore, type StoredWatch } from '../../../../shared/api/store';
import type { AlertItem, MetricItem, SummaryItem } from '../../../../shared/assess/records';
import type { WeightingInfo, WeightingMethod } from '../../../../shared/assess/weighting';
import { keys, unitPk, type Unit } from '../../../../shared/layout/keys';
import type { Fixture } from './fixture';

/** The directory's active participants per branch (population year 2024). */
// (no branch holds more than 3/4 of the others' population: the disclosure rule's dominance test would withhold the network)
export const POPULATION: Record<string, number> = { BR01: 45_000, BR02: 31_000, BR03: 17_000 };
export const POPULATION_YEAR = '2024';

/** Kish's effective n of a population-weighted aggregate: 1 / Σ share² / n_b. */
export const kishOfShares = (members: { share: number; n: number }[]) => 1 / members.reduce((s, m) => s + (m.share * m.share) / m.n, 0);

function watch(w: { branch: string; region: string; metric: string; since: string; lastPeriod: string; open: boolean; resolvedIn?: string; resolvedBy?: 'alert'; decline: number; p: number; bhThreshold: number }): StoredWatch {
  return {
    ...keys.watch(w.branch, w.since, w.metric),
    ...(w.open ? keys.openWatchIndex(w.branch, w.since, w.metric) : {}),
    entity: 'watch', branch: w.branch, region: w.region, metric: w.metric, since: w.since, lastPeriod: w.lastPeriod,
    status: w.open ? 'open' : 'resolved', ...(w.resolvedIn ? { resolvedIn: w.resolvedIn } : {}), ...(w.resolvedBy ? { resolvedBy: w.resolvedBy } : {}),
    notified: true, decline: w.decline, declineCi: [w.decline - 2.5, w.decline + 2.5], baseline: 74.2, current: 74.2 - w.decline,
    p: w.p, bhThreshold: w.bhThreshold, test: 'abrupt', drivers: [{ construct: 'CRM', change: -1.4 }],
  };
}

/** BR01 trust (open, 2025-Q3), BR03 satisfaction (open, 2025-Q4), BR01 loyalty (2025-Q1, became an alert in 2025-Q2). */
export const WATCHES: StoredWatch[] = [
  watch({ branch: 'BR01', region: 'ACEH', metric: 'TRUST', since: '2025-Q3', lastPeriod: '2025-Q4', open: true, decline: 3.4, p: 0.021, bhThreshold: 0.0083 }),
  watch({ branch: 'BR03', region: 'SUMUT', metric: 'SAT', since: '2025-Q4', lastPeriod: '2025-Q4', open: true, decline: 2.6, p: 0.038, bhThreshold: 0.0125 }),
  watch({ branch: 'BR01', region: 'ACEH', metric: 'LOY', since: '2025-Q1', lastPeriod: '2025-Q1', open: false, resolvedIn: '2025-Q2', resolvedBy: 'alert', decline: 2.2, p: 0.044, bhThreshold: 0.01 }),
];

/** A year-over-year decline raised by the annual assessment of 2025 (BR03's trust). */
export const ANNUAL_ALERT: AlertItem = {
  ...keys.alert('BR03', '2025', 'TRUST'), ...keys.openAlertIndex('BR03', '2025', 'TRUST'),
  entity: 'alert', branch: 'BR03', region: 'SUMUT', metric: 'TRUST', since: '2025', lastPeriod: '2025', status: 'open', notified: true,
  decline: 4.1, declineCi: [1.9, 6.3], baseline: 73.0, current: 68.9, p: 0.0004, bhThreshold: 0.0167,
  test: 'annual' as AlertItem['test'], drivers: [],
};

export interface WatchFixture {
  items: Item[];
  objects: Record<string, string>;
  store(): DashboardStore;
  /** The weighting written into a unit's 2025 summary. */
  weighting: Record<'network' | 'SUMUT' | 'BR01', WeightingInfo>;
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

export function watchFixture(f: Fixture, period = '2025'): WatchFixture {
  const items = clone(f.items);
  const n = (b: string) => f.summary({ kind: 'branch', id: b }, period).n;
  const populationInfo = (branches: string[]): WeightingInfo => {
    const total = branches.reduce((s, b) => s + POPULATION[b]!, 0);
    const members = branches.map((b) => ({ branch: b, population: POPULATION[b]!, share: POPULATION[b]! / total, n: n(b) }));
    const nAll = members.reduce((s, m) => s + m.n, 0);
    const nEffective = kishOfShares(members);
    return { method: 'population', n: nAll, nEffective, deff: nAll / nEffective, populationYear: POPULATION_YEAR, members };
  };
  const weighting = {
    network: populationInfo(['BR01', 'BR02', 'BR03']),
    SUMUT: populationInfo(['BR02', 'BR03']),
    BR01: { method: 'post-stratified', n: n('BR01'), nEffective: n('BR01') * 0.91, deff: 1 / 0.91, margins: ['segment'], trimmed: 0 } as WeightingInfo,
  };
  const units: [Unit, WeightingInfo][] = [
    [{ kind: 'network' }, weighting.network], [{ kind: 'region', id: 'SUMUT' }, weighting.SUMUT], [{ kind: 'branch', id: 'BR01' }, weighting.BR01],
  ];
  for (const [u, w] of units) {
    const pk = unitPk(u);
    // IKM pooled where a unit has it (to show a line of two methods); the questionnaire's indices as the unit.
    const methodOf = (metric: string): WeightingMethod => (metric === 'IKM' && u.kind !== 'branch' ? 'pooled' : w.method);
    const nEffOf = (metric: string, nm: number) => (methodOf(metric) === 'pooled' ? nm : (w.nEffective * nm) / w.n);
    for (const it of items as unknown as (SummaryItem | MetricItem)[]) {
      if (it.pk !== pk) continue;
      if (it.entity === 'summary' && it.period === period) {
        it.weighting = w;
        for (const [m, iv] of Object.entries(it.indices)) Object.assign(iv, { weighting: methodOf(m), nEffective: nEffOf(m, iv.n) });
      }
      if (it.entity === 'metric' && it.period === period) Object.assign(it, { weighting: methodOf(it.metric), nEffective: nEffOf(it.metric, it.n) });
    }
  }
  items.push(...(WATCHES as unknown as Item[]), ANNUAL_ALERT as unknown as Item);
  const objects = { ...f.objects };
  return { items, objects, weighting, store: () => new DashboardStore(memoryBackend(items, objects)) };
}
