// Erasure on request, end to end on the in-memory storage port: drops whose ids are participant numbers are
// ingested with pseudonyms, assessed, one participant is forgotten and the assessments are run again; every figure,
// model result and alert then equals a run on the same drops without that participant's rows.
import { describe, expect, it } from 'vitest';
import { close, plan, planItems, type AssessDeps } from '../../../../shared/pipeline/assess';
import { forgetRespondent, withoutRespondents } from '../../../../shared/pipeline/forget';
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
    expect(await a.storage.items.get(keys.erasureLock)).toBeUndefined();
    // The record says when, which drops and units and how many rows; never who.
    const [record] = await a.storage.items.query({ pk: keys.erasures });
    expect(record).toMatchObject({ erasureId: out.erasureId, cleanRows: 2, drops: out.drops });
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
    await forgetRespondent({ storage: a.storage, curatedBucket: 'curated' }, { pseudonyms: pseudonyms.knownAs(PERSON), branch: 'BR01' });
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
    const d = { storage: a.storage, curatedBucket: 'curated', now: () => at };
    await expect(forgetRespondent(d, { pseudonyms: pseudonyms.knownAs(PERSON) })).rejects.toThrow(/is being ingested/);
    expect(await a.storage.items.get(keys.erased(pseudonyms.of(PERSON)))).toBeDefined(); // listed already: new drops reject them
    expect(await a.storage.items.get(keys.erasureLock)).toBeUndefined();
    // Its lease ran out (the ingest stopped for good): the erasure goes ahead and cleans its chunks too.
    await a.storage.items.update({ key: keys.drop(dropId), set: { leaseUntil: at.getTime() - 1 } });
    expect((await forgetRespondent(d, { pseudonyms: pseudonyms.knownAs(PERSON) })).cleanRows).toBe(2);
  });

  it('one erasure at a time: a second one while the first holds the lock is refused', async () => {
    const a = await pipeline(true);
    const at = new Date('2025-01-05T00:00:00Z');
    const lock = { ...keys.erasureLock, erasureId: 'other', until: at.getTime() + 60_000 };
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

  it('withoutRespondents keeps every other line byte for byte', () => {
    const text = 'respondent_id,x\n"\'=a",1\nb,"two\nlines"\nc,3\n';
    expect(withoutRespondents(text, new Set(['b']))).toEqual({ text: 'respondent_id,x\n"\'=a",1\nc,3\n', removed: 1 });
    expect(withoutRespondents(text, new Set(['=a']))).toEqual({ text: 'respondent_id,x\nb,"two\nlines"\nc,3\n', removed: 1 });
    expect(withoutRespondents(text, new Set(['z']))).toBeUndefined();
  });
});
