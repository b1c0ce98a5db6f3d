// A region's or the network's recompute reads every branch's clean parts and draws: never all at once (all 300 at
// national scale overran the local S3 server's sockets and the aggregates failed with "socket hang up"), and the
// network's result is the same whatever the number of reads in flight.
import { describe, expect, it } from 'vitest';
import { plan, planItems, type AssessDeps } from '../../../../shared/pipeline/assess';
import { ingestObject, type IngestDeps } from '../../../../shared/pipeline/ingest';
import { memoryStorage } from '../../../../shared/pipeline/memory-storage';
import { recomputeOne, type RecomputeDeps } from '../../../../shared/pipeline/recompute';
import { surveyCleaner } from '../../../../shared/pipeline/survey-cleaner';
import { DEFAULT_SETTINGS } from '../../../../shared/assess/recompute';
import { defaultInstrument, parseBranchDirectory, simulateDrops } from '../../../../shared/survey';
import { RAW_LAYOUT } from '../../../../shared/layout/keys';
import type { Storage } from '../../../../shared/pipeline/storage';

describe('an aggregate of 40 branches', () => {
  it('reads at most 16 objects at a time', async () => {
    const sim = simulateDrops({ seed: 8, branches: 40, periods: '2025-Q1', n: 35, messy: 0 });
    const keyOf = (d: { branch: string | null; file: string }) => RAW_LAYOUT.branchPrefix(d.branch!) + d.file;
    const base = memoryStorage({ objects: { raw: Object.fromEntries(sim.drops.map((d) => [keyOf(d), d.text])) } });
    let inFlight = 0, most = 0;
    const storage: Storage = {
      items: base.items,
      objects: {
        ...base.objects,
        list: base.objects.list.bind(base.objects),
        stream: base.objects.stream.bind(base.objects),
        put: base.objects.put.bind(base.objects),
        async text(bucket, key) {
          most = Math.max(most, ++inFlight);
          try {
            await new Promise((r) => setTimeout(r, 1)); // a read takes time, as over the network
            return await base.objects.text(bucket, key);
          } finally {
            inFlight--;
          }
        },
      },
    };
    const branches = parseBranchDirectory(sim.branches, 'branches.json');
    const ingest: IngestDeps = { storage, buckets: { raw: 'raw', curated: 'curated' }, clean: surveyCleaner(defaultInstrument, branches), log: { info: () => {}, warn: () => {} } };
    for (const d of sim.drops) await ingestObject(ingest, { bucket: 'raw', key: keyOf(d), eventKey: keyOf(d) });
    const assess: AssessDeps = { storage, curatedBucket: 'curated', branches, alertMetrics: ['TRUST'], notify: async () => {} };
    const deps: RecomputeDeps = {
      storage, curatedBucket: 'curated', instrument: defaultInstrument, branches,
      settings: { ...DEFAULT_SETTINGS, nboot: 20, nbootAggregate: 20, permutations: 0 }, onLambda: false,
    };
    const pl = await plan(assess, '2025-Q1');
    for (const item of await planItems(assess, pl)) await recomputeOne(deps, { unit: { kind: 'branch', id: item.branch! }, period: item.period });
    most = 0;
    const net = await recomputeOne(deps, { unit: { kind: 'network' }, period: '2025-Q1' });
    expect(net.skipped).toBe(false);
    expect(net.parts).toBe(40);
    expect(most).toBeGreaterThan(1); // reads do overlap ...
    expect(most).toBeLessThanOrEqual(16); // ... but boundedly
  });
});
