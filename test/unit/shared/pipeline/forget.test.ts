// Erasure on request, end to end on the in-memory storage port: drops whose ids are participant numbers are
// ingested with pseudonyms, assessed, one participant is forgotten and the assessments are run again; every figure,
// model result and alert then equals a run on the same drops without that participant's rows.
import { describe, expect, it } from 'vitest';
import { close, plan, planItems, type AssessDeps } from '../../../../shared/pipeline/assess';
import { forgetRespondent, MAX_INGEST_MS, withoutRespondents } from '../../../../shared/pipeline/forget';
import { ingestObject, type IngestDeps } from '../../../../shared/pipeline/ingest';
import { memoryStorage, type MemoryStorage } from '../../../../shared/pipeline/memory-storage';
import { recomputeOne, type RecomputeDeps } from '../../../../shared/pipeline/recompute';
import { surveyCleaner } from '../../../../shared/pipeline/survey-cleaner';
import { DEFAULT_SETTINGS } from '../../../../shared/assess/recompute';
import { rowPrivacyOf } from '../../../../shared/privacy/row-privacy';
import { parseKeyring, pseudonymsOf } from '../../../../shared/privacy/pseudonym';
import { defaultInstrument, parseBranchDirectory, simulateDrops } from '../../../../shared/survey';
import { keys, RAW_LAYOUT, S3_LAYOUT } from '../../../../shared/layout/keys';
import type { DropRecord } from '../../../../shared/pipeline/drops';

const ring = parseKeyring(JSON.stringify({ current: 'k1', k1: 'test-key-'.repeat(5) }), 'test ring');
const pseudonyms = pseudonymsOf(ring);
const PERSON = '31599990001';
const PERIODS = ['2024-Q1', '2024-Q2', '2024-Q3'];

/** The simulated drops with participant numbers as ids; PERSON answers in BR01's 2024-Q1 and 2024-Q2 drops. */
function drops(withPerson: boolean) {
  const sim = simulateDrops({ seed: 11, branches: 2, periods: '2024-Q1..2024-Q3', n: 60, messy: 0, format: 'plain' });
  let next = 31500000000;
  const out = sim.drops.map((d) => {
    const lines = d.text.split('\n');
    const rows = lines.slice(1).filter(Boolean).map((l, i) => {
      const id = d.branch === 'BR01' && d.period !== '2024-Q3' && i === 3 ? PERSON : String(++next);
      return id + l.slice(l.indexOf(','));
    });
    return { key: RAW_LAYOUT.branchPrefix(d.branch!) + d.file, text: [lines[0], ...rows.filter((r) => withPerson || !r.startsWith(PERSON))].join('\n') + '\n' };
  });
  return { files: out, branches: parseBranchDirectory(sim.branches, 'branches.json') };
}

async function assessAll(storage: MemoryStorage, branches: ReturnType<typeof parseBranchDirectory>, periods: readonly string[]) {
  const assessDeps: AssessDeps = { storage, curatedBucket: 'curated', branches, alertMetrics: ['TRUST'], notify: async () => {} };
  const recomputeDeps: RecomputeDeps = {
    storage, curatedBucket: 'curated', instrument: defaultInstrument, branches, settings: { ...DEFAULT_SETTINGS, nboot: 60, nbootAggregate: 30 }, onLambda: false,
  };
  for (const p of periods) {
    const pl = await plan(assessDeps, p);
    for (const item of await planItems(assessDeps, pl)) await recomputeOne(recomputeDeps, { unit: item.unit ?? { kind: 'branch', id: item.branch! }, period: item.period });
    await close(assessDeps, p, [], pl);
  }
}

async function pipeline(withPerson: boolean, privacy = true) {
  const { files, branches } = drops(withPerson);
  const storage = memoryStorage({ objects: { raw: Object.fromEntries(files.map((f) => [f.key, f.text])) } });
  const deps: IngestDeps = {
    storage, buckets: { raw: 'raw', curated: 'curated' }, clean: surveyCleaner(defaultInstrument, branches, privacy ? { privacy: rowPrivacyOf(ring) } : {}),
    log: { info() {}, warn() {} }, now: () => new Date('2024-11-01T00:00:00Z'), curatedDays: 1827,
  };
  for (const f of files) expect((await ingestObject(deps, { bucket: 'raw', key: f.key, eventKey: f.key })).outcome).toBe('ingested');
  await assessAll(storage, branches, PERIODS);
  return { storage, deps, files, branches };
}

/**
 * Figures, model results, summaries and alerts of every unit (what the dashboard and the alerts read). Without
 * `inputHash`, the fingerprint of the input objects: their keys name the drops, whose ids differ between the runs.
 */
const figures = (s: MemoryStorage) => s.allItems()
  .filter((i) => /^(BRANCH|REGION|NETWORK)#/.test(String(i.pk)) && /^(METRIC|PERIOD|ALERT)#/.test(String(i.sk)))
  .map(({ inputHash: _, ...rest }) => rest);

describe('pseudonyms change no figure', () => {
  it('the same drops cleaned with and without pseudonyms give the same figures, model results and alerts', async () => {
    const before = await pipeline(true, false); // ids stored as they came (the cleaner before pseudonyms)
    const after = await pipeline(true, true);
    expect(JSON.stringify(before.storage.allObjects().curated)).toContain(PERSON);
    expect(JSON.stringify(after.storage.allObjects().curated)).not.toContain(PERSON);
    expect(figures(after.storage)).toEqual(figures(before.storage));
  });
});

describe('satmon forget on the in-memory storage', () => {
  it('removes the participant everywhere, and the reassessed figures equal a run without them', async () => {
    const a = await pipeline(true);
    const b = await pipeline(false);
    const inA = JSON.stringify(a.storage.allObjects().curated);
    expect(inA).toContain(pseudonyms.of(PERSON)); // stored under the pseudonym...
    expect(JSON.stringify([a.storage.allObjects().curated, a.storage.allItems()])).not.toContain(PERSON); // ...never the number
    expect(figures(a.storage)).not.toEqual(figures(b.storage));
    expect(await a.storage.items.query({ pk: keys.activeDrops })).toEqual([]); // every ingest deregistered its drop

    const out = await forgetRespondent({ storage: a.storage, curatedBucket: 'curated', listDays: 2557, now: () => new Date('2025-01-05T00:00:00Z') }, { pseudonyms: pseudonyms.knownAs(PERSON) });
    expect(out.units).toEqual([{ branch: 'BR01', period: '2024-Q1', rows: 1 }, { branch: 'BR01', period: '2024-Q2', rows: 1 }]);
    expect(out).toMatchObject({ cleanRows: 2, rejectedRows: 0, indexEntries: 2, reassess: ['2024-Q1', '2024-Q2', '2024-Q3'] });
    expect(out.drops).toHaveLength(2);
    // The pseudonym stays only on the erasure list (so a re-delivery is refused).
    expect(a.storage.allItems().filter((i) => JSON.stringify(i).includes(pseudonyms.of(PERSON))).map((i) => i.pk)).toEqual([keys.erasedList]);
    expect(JSON.stringify(a.storage.allObjects().curated)).not.toContain(pseudonyms.of(PERSON));
    expect(await a.storage.items.get(keys.erasureLock)).toMatchObject({ until: 0 }); // given back
    // The record says when, which drops and units and how many rows; never who.
    const [record] = await a.storage.items.query({ pk: keys.erasures });
    expect(record).toMatchObject({ erasureId: out.erasureId, status: 'done', cleanRows: 2, drops: out.drops, through: '2025-Q2' });
    expect(JSON.stringify(record)).not.toContain(pseudonyms.of(PERSON));
    expect((await a.storage.items.query<{ sk: string }>({ pk: 'DIRTY' })).map((m) => m.sk)).toEqual(['2024-Q1#BR01', '2024-Q2#BR01']);

    await assessAll(a.storage, a.branches, out.reassess);
    expect(figures(a.storage)).toEqual(figures(b.storage));
    expect(await a.storage.items.query({ pk: 'DIRTY' })).toEqual([]);

    // Forgetting again finds nothing (idempotent).
    const again = await forgetRespondent({ storage: a.storage, curatedBucket: 'curated' }, { pseudonyms: pseudonyms.knownAs(PERSON) });
    expect(again).toMatchObject({ units: [], cleanRows: 0, rejectedRows: 0, reassess: [] });
  });

  it('a later delivery of the same rows (a cumulative export) is refused as ERASED, nothing kept', async () => {
    const a = await pipeline(true);
    await forgetRespondent({ storage: a.storage, curatedBucket: 'curated' }, { pseudonyms: pseudonyms.knownAs(PERSON) });
    const q1 = a.files.find((f) => f.key.includes('BR01') && f.text.includes(`\n${PERSON},`) && f.text.includes('2024-Q1'))!;
    const key = `${q1.key.replace(/\.csv$/, '')}-again.csv`;
    await a.storage.objects.put('raw', key, q1.text + '\n', 'text/csv'); // other bytes: a new drop
    const r = await ingestObject(a.deps, { bucket: 'raw', key, eventKey: key });
    expect(r).toMatchObject({ outcome: 'ingested', counts: { clean: 0 } });
    const rec = await a.storage.items.get<DropRecord>(keys.drop((r as { dropId: string }).dropId));
    const rejects = a.storage.allObjects().curated![S3_LAYOUT.rejects(rec!.dropId)]!;
    const erased = rejects.split('\n').filter((l) => l.includes('ERASED'));
    expect(erased).toHaveLength(1);
    expect(erased[0]).not.toContain(pseudonyms.of(PERSON));
    expect(rejects).not.toContain(pseudonyms.of(PERSON));
  });

  it('waits for a drop being ingested (it may hold the participant); a drop that stopped for good does not block', async () => {
    const a = await pipeline(true);
    const [someDrop] = (await a.storage.items.query<{ dropHash: string }>({ pk: keys.respondentsOf('BR01', '2024-Q1') }));
    const dropId = someDrop!.dropHash;
    const at = new Date('2025-01-05T00:00:00Z');
    await a.storage.items.put({ ...keys.activeDrop(dropId) });
    await a.storage.items.update({ key: keys.drop(dropId), set: { status: 'processing', leaseUntil: at.getTime() + 30_000 } });
    let waited = 0;
    const d = { storage: a.storage, curatedBucket: 'curated', now: () => at, waitMs: 10_000, sleep: async (ms: number) => { waited += ms; } };
    await expect(forgetRespondent(d, { pseudonyms: pseudonyms.knownAs(PERSON) })).rejects.toThrow(/still being ingested/);
    expect(waited).toBeGreaterThan(0); // it waited before giving up
    expect(await a.storage.items.get(keys.erased(pseudonyms.of(PERSON)))).toBeDefined(); // listed already: new drops reject them
    expect(await a.storage.items.get(keys.erasureLock)).toMatchObject({ until: 0 }); // given back
    // A lapsed lease alone is not enough (the attempt may still run for up to MAX_INGEST_MS)...
    await a.storage.items.update({ key: keys.drop(dropId), set: { leaseUntil: at.getTime() - 1 } });
    await a.storage.items.update({ key: keys.activeDrop(dropId), set: { startedAt: new Date(at.getTime() - 60_000).toISOString() } });
    await expect(forgetRespondent(d, { pseudonyms: pseudonyms.knownAs(PERSON) })).rejects.toThrow(/still being ingested/);
    // ...an attempt older than that stopped for good: the erasure goes ahead and cleans its chunks too.
    await a.storage.items.update({ key: keys.activeDrop(dropId), set: { startedAt: new Date(at.getTime() - MAX_INGEST_MS - 1).toISOString() } });
    expect((await forgetRespondent(d, { pseudonyms: pseudonyms.knownAs(PERSON) })).cleanRows).toBe(2);
  });

  it('one erasure at a time: a second one while the first holds the lock is refused', async () => {
    const a = await pipeline(true);
    const at = new Date('2025-01-05T00:00:00Z');
    const lock = { ...keys.erasureLock, holder: 'other', until: at.getTime() + 60_000 };
    await a.storage.items.put(lock);
    await expect(forgetRespondent({ storage: a.storage, curatedBucket: 'curated', now: () => at }, { pseudonyms: pseudonyms.knownAs(PERSON) }))
      .rejects.toThrow(/another erasure is running/);
    // A lock left by a crashed erasure is taken over once it has run out.
    await a.storage.items.update({ key: keys.erasureLock, set: { until: at.getTime() - 1 } });
    expect((await forgetRespondent({ storage: a.storage, curatedBucket: 'curated', now: () => at }, { pseudonyms: pseudonyms.knownAs(PERSON) })).cleanRows).toBe(2);
  });

  it('a participant found only among rejected rows (or not at all) is still listed: a later delivery is refused', async () => {
    const a = await pipeline(true);
    const other = '31577770001'; // never delivered yet
    const out = await forgetRespondent({ storage: a.storage, curatedBucket: 'curated' }, { pseudonyms: pseudonyms.knownAs(other) });
    expect(out).toMatchObject({ units: [], cleanRows: 0, reassess: [] });
    const f = a.files.find((x) => x.key.includes('BR02') && x.text.includes('2024-Q3'))!;
    const row = f.text.split('\n')[1]!;
    const key = 'drops/branch=BR02/late.csv';
    await a.storage.objects.put('raw', key, `${f.text.split('\n')[0]}\n${other}${row.slice(row.indexOf(','))}\n`, 'text/csv');
    expect(await ingestObject(a.deps, { bucket: 'raw', key, eventKey: key })).toMatchObject({ outcome: 'ingested', counts: { clean: 0, rejected: 1 } });
  });

  it('lists the participant through the quarter after the erasure on the easternmost calendar (WIT)', async () => {
    const a = await pipeline(true);
    // 2025-03-31 15:30 UTC is already 2025-04-01 00:30 in Jayapura: Q2 there, so rows up to 2025-Q3 are refused.
    await forgetRespondent({ storage: a.storage, curatedBucket: 'curated', now: () => new Date('2025-03-31T15:30:00Z') }, { pseudonyms: pseudonyms.knownAs(PERSON) });
    expect(await a.storage.items.get(keys.erased(pseudonyms.of(PERSON)))).toMatchObject({ through: '2025-Q3' });
  });

  it('a lock is given back only by its holder; a stalled erasure whose lock was taken over stops before rewriting', async () => {
    const a = await pipeline(true);
    let t = new Date('2025-01-05T00:00:00Z').getTime();
    let steal: (() => Promise<void>) | undefined;
    // The first erasure stalls after writing its list (its lock expires and another erasure takes it over).
    const storage = { ...a.storage, items: { ...a.storage.items, query: async (q: Parameters<typeof a.storage.items.query>[0]) => {
      if (q.pk === keys.activeDrops && steal) { const s = steal; steal = undefined; await s(); }
      return a.storage.items.query(q);
    } } };
    steal = async () => {
      t += 6 * 60_000; // past LOCK_MS without a renewal
      await a.storage.items.update({ key: keys.erasureLock, set: { holder: 'second', until: t + 5 * 60_000 } });
    };
    await expect(forgetRespondent({ storage: storage as typeof a.storage, curatedBucket: 'curated', now: () => new Date(t) }, { pseudonyms: pseudonyms.knownAs(PERSON) }))
      .rejects.toThrow(/another erasure is running/);
    expect(await a.storage.items.get(keys.erasureLock)).toMatchObject({ holder: 'second' }); // not freed by the stalled one
    expect(JSON.stringify(a.storage.allObjects().curated)).toContain(pseudonyms.of(PERSON)); // it rewrote nothing
    // Run again after the second one gave the lock back: it resumes its pending record and finishes.
    await a.storage.items.update({ key: keys.erasureLock, set: { until: 0 } });
    const out = await forgetRespondent({ storage: a.storage, curatedBucket: 'curated', now: () => new Date(t) }, { pseudonyms: pseudonyms.knownAs(PERSON) });
    expect(out.cleanRows).toBe(2);
    expect(await a.storage.items.query({ pk: keys.erasures })).toHaveLength(1);
  });

  it('a run that stopped after cleaning the index is resumed: its units are still reassessed', async () => {
    const a = await pipeline(true);
    let failed = false;
    const storage = { ...a.storage, items: { ...a.storage.items, put: async (item: Parameters<typeof a.storage.items.put>[0], o?: { ifAbsent?: boolean }) => {
      if ((item as { status?: string }).status === 'done' && !failed) { failed = true; throw new Error('injected: the record write failed'); }
      return a.storage.items.put(item, o);
    } } };
    await expect(forgetRespondent({ storage: storage as typeof a.storage, curatedBucket: 'curated' }, { pseudonyms: pseudonyms.knownAs(PERSON) })).rejects.toThrow(/injected/);
    const again = await forgetRespondent({ storage: a.storage, curatedBucket: 'curated' }, { pseudonyms: pseudonyms.knownAs(PERSON) });
    expect(again.cleanRows).toBe(0); // removed by the first run
    expect(again.units.map((u) => `${u.branch} ${u.period}`)).toEqual(['BR01 2024-Q1', 'BR01 2024-Q2']);
    expect(again.reassess).toEqual(['2024-Q1', '2024-Q2', '2024-Q3']);
    const records = await a.storage.items.query<{ status: string; erasureId: string }>({ pk: keys.erasures });
    expect(records).toMatchObject([{ status: 'done', erasureId: again.erasureId }]);
  });

  it('an ingest that read the list before an erasure listed someone starts over instead of completing', async () => {
    const a = await pipeline(true);
    const f = a.files.find((x) => x.key.includes('BR02') && x.text.includes('2024-Q3'))!;
    const key = 'drops/branch=BR02/again.csv';
    await a.storage.objects.put('raw', key, f.text + '\n', 'text/csv');
    const someone = f.text.split('\n')[1]!.split(',')[0]!;
    let listed = false;
    const deps = { ...a.deps, storage: { ...a.storage, objects: { ...a.storage.objects, put: async (b: string, k: string, body: string | Uint8Array, ct: string) => {
      // While the drop writes its output, an erasure lists one of its participants (its lease had lapsed).
      if (!listed && (k.startsWith('clean/') || k.startsWith('rejects/'))) {
        listed = true;
        const entry = { ...keys.erased(pseudonyms.of(someone)), through: '2099-Q1' };
        await a.storage.items.put(entry);
      }
      return a.storage.objects.put(b, k, body, ct);
    } } } };
    await expect(ingestObject(deps, { bucket: 'raw', key, eventKey: key })).rejects.toThrow(/erasure list changed/);
    expect(await a.storage.items.query({ pk: keys.activeDrops })).toEqual([]); // released and deregistered
    expect(await ingestObject(a.deps, { bucket: 'raw', key, eventKey: key })).toMatchObject({ outcome: 'ingested' });
  });

  it('an erasure list naming a key the ring no longer has stops the ingest (the rows could not be recognised)', async () => {
    const a = await pipeline(true);
    const entry = { ...keys.erased('k0.0123456789abcdef0123456789abcdef'), through: '2099-Q1' };
    await a.storage.items.put(entry);
    const key = 'drops/branch=BR01/x.csv';
    await a.storage.objects.put('raw', key, a.files[0]!.text + '\n', 'text/csv');
    await expect(ingestObject(a.deps, { bucket: 'raw', key, eventKey: key })).rejects.toThrow(/key "k0", which the pseudonym keyring no longer has/);
  });

  it('withoutRespondents keeps every other line byte for byte', () => {
    const text = 'respondent_id,x\n"\'=a",1\nb,"two\nlines"\nc,3\n';
    expect(withoutRespondents(text, new Set(['b']))).toEqual({ text: 'respondent_id,x\n"\'=a",1\nc,3\n', removed: 1 });
    expect(withoutRespondents(text, new Set(['=a']))).toEqual({ text: 'respondent_id,x\nb,"two\nlines"\nc,3\n', removed: 1 });
    expect(withoutRespondents(text, new Set(['z']))).toBeUndefined();
  });
});
