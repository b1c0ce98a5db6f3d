// Ingest's memory stays bounded: the cleaner hands its buffered output over in chunks once a budget is passed.
// A drop cleaned with a tiny budget must give the same rows, rejects, respondent index and recomputed figures as
// one cleaned in a single chunk; only the number of objects differs.
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../../shared/assess/recompute';
import { DashboardStore } from '../../../../shared/api/store';
import { storageBackend } from '../../../../shared/api/backend';
import { ingestObject, type IngestDeps } from '../../../../shared/pipeline/ingest';
import { memoryStorage } from '../../../../shared/pipeline/memory-storage';
import { recomputeOne } from '../../../../shared/pipeline/recompute';
import { surveyCleaner } from '../../../../shared/pipeline/survey-cleaner';
import { defaultInstrument, parseBranchDirectory, simulateDrops } from '../../../../shared/survey';
import { keys, RAW_LAYOUT } from '../../../../shared/layout/keys';
import type { DropRecord } from '../../../../shared/pipeline/drops';

const sim = simulateDrops({ seed: 21, branches: 3, periods: '2025-Q1..2025-Q2', n: 150, messy: 0.05, headOffice: true });
const drop = sim.drops[0]!;
const key = `${RAW_LAYOUT.headOfficePrefix}${drop.file}`;
const branches = parseBranchDirectory(sim.branches, 'branches.json');
const quiet = { info: () => {}, warn: () => {} };

async function ingestWith(budgetChars?: number) {
  const storage = memoryStorage({ objects: { raw: { [key]: drop.text } } });
  const deps: IngestDeps = {
    storage, buckets: { raw: 'raw', curated: 'curated' }, log: quiet,
    clean: surveyCleaner(defaultInstrument, branches, budgetChars ? { budgetChars } : {}),
  };
  const r = await ingestObject(deps, { bucket: 'raw', key, eventKey: key });
  expect(r.outcome).toBe('ingested');
  return { storage, dropId: (r as { dropId: string }).dropId };
}

/** Data rows of every object under a prefix (headers dropped), sorted: what the chunks hold together. */
function rowsUnder(objects: Record<string, string>, prefix: string): string[][] {
  return Object.entries(objects)
    .filter(([k]) => k.startsWith(prefix))
    .flatMap(([, text]) => (parse(text) as string[][]).slice(1))
    .sort((a, b) => a.join(',').localeCompare(b.join(',')));
}

describe('bounded ingest output', () => {
  it('a tiny budget writes many chunks holding exactly the rows of one chunk; figures and index unchanged', async () => {
    const one = await ingestWith();
    const many = await ingestWith(2_000);
    expect(many.dropId).toBe(one.dropId);
    const objOne = one.storage.allObjects().curated!;
    const objMany = many.storage.allObjects().curated!;
    const cleanKeys = (o: Record<string, string>) => Object.keys(o).filter((k) => k.startsWith('clean/'));
    expect(cleanKeys(objOne)).toHaveLength(6); // 3 branches x 2 quarters
    expect(cleanKeys(objMany).length).toBeGreaterThan(20);
    expect(Object.keys(objMany).filter((k) => k.startsWith('rejects/')).length).toBeGreaterThan(1);
    expect(rowsUnder(objMany, 'clean/')).toEqual(rowsUnder(objOne, 'clean/'));
    expect(rowsUnder(objMany, 'rejects/')).toEqual(rowsUnder(objOne, 'rejects/'));

    const recOne = (await one.storage.items.get<DropRecord>(keys.drop(one.dropId)))!;
    const recMany = (await many.storage.items.get<DropRecord>(keys.drop(many.dropId)))!;
    expect(recMany.counts).toEqual(recOne.counts);
    expect(recMany.partitions!.map((p) => p.rows)).toEqual(recOne.partitions!.map((p) => p.rows));
    expect(recMany.partitions!.every((p) => (p.chunks ?? 1) > 1)).toBe(true);
    // The respondent index holds the same ids and hashes per (branch, quarter), in more items (written with each
    // hand-over, so ingest does not keep every id of a huge drop in memory).
    const index = (s: typeof one.storage) => {
      const out: Record<string, string[]> = {};
      for (const i of s.allItems().filter((x) => String(x.pk).startsWith('RESP#'))) {
        (out[String(i.pk)] ??= []).push(...String(i.respondents).split('\n'));
      }
      for (const k of Object.keys(out)) out[k]!.sort();
      return out;
    };
    expect(index(many.storage)).toEqual(index(one.storage));
    expect(many.storage.allItems().filter((x) => String(x.pk).startsWith('RESP#')).length)
      .toBeGreaterThan(one.storage.allItems().filter((x) => String(x.pk).startsWith('RESP#')).length);

    // Recompute reads every chunk of a part: the same n and indices.
    const settings = { ...DEFAULT_SETTINGS, nboot: 30, nbootAggregate: 20 };
    const unit = { kind: 'branch', id: recOne.partitions![0]!.branch } as const;
    const period = recOne.partitions![0]!.period;
    const res = await Promise.all([one, many].map((x) => recomputeOne(
      { storage: x.storage, curatedBucket: 'curated', instrument: defaultInstrument, branches, settings, onLambda: false }, { unit, period })));
    expect(res[1]!.n).toBe(res[0]!.n);
    const summary = async (x: typeof one) => (await x.storage.items.get<{ indices: unknown }>(keys.periodSummary(unit, period)))!.indices;
    expect(await summary(many)).toEqual(await summary(one));

    // The dashboard finds the drop once, with every chunk of the branch's parts.
    const store = new DashboardStore(storageBackend(many.storage, 'curated'));
    const found = await store.branchDrops(unit.id, ['2025-Q1', '2025-Q2']);
    expect(found).toHaveLength(1);
    expect(found[0]!.branchKeys.length).toBe(recMany.partitions!.filter((p) => p.branch === unit.id).reduce((a, p) => a + (p.chunks ?? 1), 0));
  });
});
