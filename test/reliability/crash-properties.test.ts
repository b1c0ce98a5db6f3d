// Issue 13, property: for random drops and a random crash point, the final state equals an uninterrupted run.
// In memory (shared/pipeline/memory-storage.ts, the same orchestration as on AWS and the local stack): a sequence
// of deliveries of random small drops (branches, quarters, respondents shared across drops with the same or other
// answers, every kind of upload folder, redeliveries), once uninterrupted and once with the k-th storage call
// failing once (before or after it took effect). A failed delivery is retried, as SQS redelivers it after the
// visibility timeout (the clock moves past the lease), until it succeeds. Items and objects must come out equal,
// apart from timestamps and lease fields.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RAW_LAYOUT } from '../../shared/layout/keys';
import type { DropRecord } from '../../shared/pipeline/drops';
import { ingestObject, type IngestDeps } from '../../shared/pipeline/ingest';
import { memoryStorage, type MemoryStorage } from '../../shared/pipeline/memory-storage';
import type { ObjectStore, ItemStore, Storage } from '../../shared/pipeline/storage';
import { surveyCleaner } from '../../shared/pipeline/survey-cleaner';
import { defaultInstrument } from '../../shared/survey';
import { makeDrop } from '../integration/drops';
import { stable, stableObject } from './support';

const buckets = { raw: 'raw', curated: 'curated' };
const LEASE_MS = 60_000;
const START = Date.parse('2026-01-15T03:00:00Z');
const quiet = { info: () => {}, warn: () => {} };
const clean = surveyCleaner(defaultInstrument);

interface DropSpec {
  seed: number;
  idPrefix: string;
  rows: number;
  branches: string[];
  periods: string[];
  folder: string;
  name: string;
  redeliver: boolean;
}

const FOLDERS = [RAW_LAYOUT.headOfficePrefix, RAW_LAYOUT.branchPrefix('BR01'), RAW_LAYOUT.branchPrefix('BR02'), 'drops/elsewhere/'];
const dropArb: fc.Arbitrary<DropSpec> = fc.record({
  seed: fc.integer({ min: 1, max: 3 }),
  idPrefix: fc.constantFrom('A', 'B'),
  rows: fc.integer({ min: 1, max: 6 }),
  branches: fc.subarray(['BR01', 'BR02', 'BR03'], { minLength: 1 }),
  periods: fc.subarray(['2025-Q1', '2025-Q2'], { minLength: 1 }),
  folder: fc.constantFrom(...FOLDERS),
  name: fc.constantFrom('a.csv', 'b.csv'),
  redeliver: fc.boolean(),
});

/** A storage whose `at`-th call (items and objects together) fails once, before or after taking effect. */
function faulty(inner: Storage, fault: { at: number; after: boolean } | undefined): { storage: Storage; calls: () => number; fired: () => boolean } {
  let calls = 0;
  let fired = false;
  const call = async <T>(op: () => Promise<T>): Promise<T> => {
    if (++calls === fault?.at && !fired) {
      fired = true;
      if (fault.after) await op();
      throw new Error(`injected crash at storage call ${fault.at}`);
    }
    return op();
  };
  const i = inner.items;
  const items: ItemStore = {
    get: (k) => call(() => i.get(k)),
    batchGet: (k) => call(() => i.batchGet(k)),
    query: (q) => call(() => i.query(q)),
    put: (it, o) => call(() => i.put(it, o)),
    batchWrite: (ops) => call(() => i.batchWrite(ops)),
    update: (p) => call(() => i.update(p)),
    delete: (k) => call(() => i.delete(k)),
  };
  const o = inner.objects;
  const objects: ObjectStore = {
    stream: (b, k, pin) => call(() => o.stream(b, k, pin)),
    text: (b, k) => call(() => o.text(b, k)),
    put: (b, k, body, ct) => call(() => o.put(b, k, body, ct)),
    async *list(b, prefix) {
      await call(async () => undefined);
      yield* o.list(b, prefix);
    },
  };
  return { storage: { items, objects }, calls: () => calls, fired: () => fired };
}

/** Upload each drop, then deliver its event (retrying a failed delivery); redeliveries at the end. */
async function run(specs: DropSpec[], fault?: { at: number; after: boolean }) {
  const mem: MemoryStorage = memoryStorage();
  const f = faulty(mem, fault);
  let clock = START;
  const deps: IngestDeps = { storage: f.storage, buckets, clean, log: quiet, leaseMs: LEASE_MS, maxWaitMs: 0, now: () => new Date(clock) };
  const refs: { bucket: string; key: string; eventKey: string; etag: string }[] = [];
  const deliver = async (ref: (typeof refs)[number]) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await ingestObject(deps, ref);
      } catch (e) {
        if (attempt >= 5) throw e;
        clock += LEASE_MS + 1_000; // the message comes back after the visibility timeout
      }
    }
  };
  for (const s of specs) {
    const csv = makeDrop({ seed: s.seed, rows: s.rows, branches: s.branches, periods: s.periods, items: defaultInstrument.items, idPrefix: s.idPrefix }).csv;
    const key = `${s.folder}${s.name}`;
    await mem.objects.put(buckets.raw, key, csv, 'text/csv');
    const ref = { bucket: buckets.raw, key, eventKey: key, etag: createHash('md5').update(csv).digest('hex') };
    refs.push(ref);
    await deliver(ref);
    clock += 1_000;
  }
  for (const [j, s] of specs.entries()) if (s.redeliver) await deliver(refs[j]!);
  return { mem, calls: f.calls(), fired: f.fired() };
}

const stateOf = (m: MemoryStorage) => ({
  items: m.allItems().map(stable),
  objects: Object.fromEntries(Object.entries(m.allObjects()).map(([b, objs]) => [b, Object.fromEntries(Object.entries(objs).map(([k, v]) => [k, stableObject(k, v)]))])),
});

describe('property: a crash anywhere, then redelivery, ends as an uninterrupted run', () => {
  it('holds for random drops, folders and crash points', async () => {
    let crashes = 0;
    // What the scenarios exercised (so a generator that stopped producing a case would be noticed).
    const seen = { conflict: 0, wrongBranch: 0, priorExact: 0, outsideFolders: 0, versionSuperseded: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(dropArb, { minLength: 1, maxLength: 4 }), fc.nat(), fc.boolean(), async (specs, k, after) => {
        const reference = await run(specs);
        const items = reference.mem.allItems();
        const rejects = Object.entries(reference.mem.allObjects().curated ?? {}).filter(([k]) => k.startsWith('rejects/')).map(([, v]) => v).join('');
        if (items.some((i) => i.entity === 'conflict')) seen.conflict++;
        if (rejects.includes('WRONG_BRANCH')) seen.wrongBranch++;
        if (rejects.includes('DUPLICATE_PRIOR_EXACT')) seen.priorExact++;
        if (items.some((i) => i.sk === 'DROP' && i.uploader === 'none')) seen.outsideFolders++;
        if (items.some((i) => i.entity === 'superseded-upload')) seen.versionSuperseded++;
        const at = 1 + (k % reference.calls);
        const crashed = await run(specs, { at, after });
        expect(crashed.fired).toBe(true);
        crashes++;
        const [a, b] = [stateOf(crashed.mem), stateOf(reference.mem)];
        expect(a.items).toEqual(b.items);
        expect(a.objects).toEqual(b.objects);
        // Nothing left half done.
        const drops = crashed.mem.allItems().filter((i) => i.sk === 'DROP') as unknown as DropRecord[];
        expect(drops.every((d) => d.status === 'done' || d.status === 'rejected')).toBe(true);
      }),
      { seed: 20261203, numRuns: 200, endOnFailure: true },
    );
    expect(crashes).toBe(200);
    console.log(`[result] 200 scenarios: ${JSON.stringify(seen)}`);
    for (const [k, n] of Object.entries(seen)) expect(n, k).toBeGreaterThan(0);
  }, 120_000);
});
