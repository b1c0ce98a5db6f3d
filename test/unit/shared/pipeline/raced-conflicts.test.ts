// Two drops with the same respondents and other answers, ingested at the same moment (an SQS batch, the local
// router's 4 lanes): each loads the stored respondents before the other has written its own, so neither holds the
// other's rows. The re-check after writing records the conflict anyway, on both drops' records, so it is counted
// and shown instead of being settled silently by key order (found in review).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ingestObject, type IngestDeps } from '../../../../shared/pipeline/ingest';
import { memoryStorage } from '../../../../shared/pipeline/memory-storage';
import { surveyCleaner } from '../../../../shared/pipeline/survey-cleaner';
import { defaultInstrument } from '../../../../shared/survey';
import { keys } from '../../../../shared/layout/keys';
import type { DropRecord } from '../../../../shared/pipeline/drops';
import { makeDrop } from '../../../integration/drops';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

describe('conflicts between drops ingested at the same time', () => {
  it('are recorded although neither drop held the other one\'s rows', async () => {
    const mem = memoryStorage();
    const deps: IngestDeps = {
      storage: mem, buckets: { raw: 'raw', curated: 'curated' }, clean: surveyCleaner(defaultInstrument),
      log: { info() {}, warn() {} }, now: () => new Date('2025-04-10T00:00:00Z'),
    };
    const a = makeDrop({ seed: 1, rows: 10, branches: ['BR01'], periods: ['2025-Q1'], items: defaultInstrument.items });
    const flipped = a.rows.map((r) => r.map((v, j) => (j >= 3 ? String(6 - Number(v)) : v)));
    const bCsv = [a.header, ...flipped].map((r) => r.join(',')).join('\n') + '\n';
    const up = async (key: string, csv: string) => {
      await mem.objects.put('raw', key, csv, 'text/csv');
      return { bucket: 'raw', key, eventKey: key, etag: md5(csv) };
    };
    const refs = [await up('drops/branch=BR01/a.csv', a.csv), await up('drops/head-office/b.csv', bCsv)];
    const res = await Promise.all(refs.map((r) => ingestObject(deps, r)));
    // Both accepted all ten rows (they could not see each other while cleaning)...
    expect(res.map((r) => (r as { counts?: { clean: number } }).counts?.clean)).toEqual([10, 10]);
    // ...and the conflict is on record: an item naming the other drop, and the rows counted on a drop record.
    const conflicts = mem.allItems().filter((i) => i.entity === 'conflict');
    expect(conflicts.length).toBeGreaterThan(0);
    const ids = res.map((r) => (r as { dropId: string }).dropId);
    for (const c of conflicts) {
      expect(c).toMatchObject({ branch: 'BR01', period: '2025-Q1', rows: 10 });
      expect([...(c.withDrops as Set<string>)]).toEqual(ids.filter((x) => x !== c.dropId));
    }
    const records = await Promise.all(ids.map((id) => mem.items.get<DropRecord>(keys.drop(id))));
    expect(records.some((r) => r!.conflictRows === 10)).toBe(true);
    expect(records.some((r) => r!.conflictedBy && r!.conflictedBy.size > 0)).toBe(true);
  });
});
