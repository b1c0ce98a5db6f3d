// The pipeline's orchestration on the in-memory storage port, no servers: drops ingested by ingestObject, each
// quarter planned, its units recomputed and closed. The declining branch is alerted once; ingesting the same
// bytes again and re-running the assessments change nothing (the integration tests do the same on DynamoDB Local
// and s3rver).
import { describe, expect, it } from 'vitest';
import { close, plan, planItems, type AssessDeps } from '../../../../shared/pipeline/assess';
import { ingestObject, type IngestDeps } from '../../../../shared/pipeline/ingest';
import { memoryStorage } from '../../../../shared/pipeline/memory-storage';
import { recomputeOne, type RecomputeDeps } from '../../../../shared/pipeline/recompute';
import { surveyCleaner } from '../../../../shared/pipeline/survey-cleaner';
import { DEFAULT_SETTINGS } from '../../../../shared/assess/recompute';
import type { Alert } from '../../../../shared/assess/assessment';
import { defaultInstrument, parseBranchDirectory, simulateDrops } from '../../../../shared/survey';
import { keys, RAW_LAYOUT } from '../../../../shared/layout/keys';
import type { DropRecord } from '../../../../shared/pipeline/drops';

const buckets = { raw: 'raw', curated: 'curated' };
/** Each office's file in its own upload folder, as an office delivers it. */
const keyOf = (d: { branch: string | null; file: string }) => RAW_LAYOUT.branchPrefix(d.branch!) + d.file;

describe('pipeline on the in-memory storage', () => {
  const sim = simulateDrops({
    seed: 5, branches: 4, periods: '2024-Q1..2025-Q2', n: 120, messy: 0.01,
    drifts: [{ branch: 'BR03', construct: 'TRUST', delta: -0.9, from: '2025-Q2' }],
  });
  const storage = memoryStorage({ objects: { raw: Object.fromEntries(sim.drops.map((d) => [keyOf(d), d.text])) } });
  const branches = parseBranchDirectory(sim.branches, 'branches.json');
  const quiet = { info: () => {}, warn: () => {} };
  const ingestDeps: IngestDeps = { storage, buckets, clean: surveyCleaner(defaultInstrument, branches), log: quiet };
  const notified: Alert[] = [];
  const assessDeps: AssessDeps = { storage, curatedBucket: 'curated', branches, alertMetrics: ['TRUST'], notify: async (a) => { notified.push(a); } };
  const recomputeDeps: RecomputeDeps = {
    storage, curatedBucket: 'curated', instrument: defaultInstrument, branches,
    settings: { ...DEFAULT_SETTINGS, nboot: 60, nbootAggregate: 30 }, onLambda: false,
  };
  const ref = (key: string) => ({ bucket: 'raw', key, eventKey: key });

  it('ingests every drop once; the same bytes again are a duplicate', async () => {
    for (const d of sim.drops) expect((await ingestObject(ingestDeps, ref(keyOf(d)))).outcome).toBe('ingested');
    const first = sim.drops[0]!;
    expect((await ingestObject(ingestDeps, ref(keyOf(first)))).outcome).toBe('duplicate');
    const dirty = await storage.items.query({ pk: 'DIRTY' });
    expect(dirty).toHaveLength(4 * 6);
    const rec = await storage.items.get<DropRecord>(keys.drop((await ingestObject(ingestDeps, ref(keyOf(first))) as { dropId: string }).dropId));
    expect(rec).toMatchObject({ status: 'done' });
  });

  it('assesses every quarter in order and alerts the declining branch once', async () => {
    const periods = ['2024-Q1', '2024-Q2', '2024-Q3', '2024-Q4', '2025-Q1', '2025-Q2'];
    for (const p of periods) {
      const pl = await plan(assessDeps, p);
      const items = [...(await planItems(assessDeps, pl)), ...pl.aggregates];
      // every branch with rows, then the aggregates (they weight the branches' results): the network first, the regions
      expect(items.map((i) => i.branch ?? i.unit?.kind)).toEqual(['BR01', 'BR02', 'BR03', 'BR04', 'network', ...pl.regions.map(() => 'region')]);
      expect(pl.regions.length).toBeGreaterThan(0);
      for (const item of items) await recomputeOne(recomputeDeps, { unit: item.unit ?? { kind: 'branch', id: item.branch! }, period: item.period });
      await close(assessDeps, p, [], pl);
    }
    expect(notified.map((a) => `${a.branch} ${a.metric} ${a.period}`)).toEqual(['BR03 TRUST 2025-Q2']);
    expect(await storage.items.query({ pk: 'ALERTS#OPEN', index: 'gsi1' })).toHaveLength(1);
    expect(await storage.items.query({ pk: 'DIRTY' })).toEqual([]);
  });

  it('re-running an assessment leaves every item and object as it was', async () => {
    const before = { items: storage.allItems(), objects: storage.allObjects() };
    const pl = await plan(assessDeps, '2025-Q2');
    for (const item of [...(await planItems(assessDeps, pl)), ...pl.aggregates]) {
      expect((await recomputeOne(recomputeDeps, { unit: item.unit ?? { kind: 'branch', id: item.branch! }, period: item.period })).skipped).toBe(true);
    }
    const out = await close(assessDeps, '2025-Q2', [], pl);
    expect(out.raised).toEqual([]);
    expect(notified).toHaveLength(1);
    expect(storage.allItems()).toEqual(before.items);
    expect(storage.allObjects()).toEqual(before.objects);
  });
});
