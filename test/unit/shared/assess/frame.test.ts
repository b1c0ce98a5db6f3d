import { describe, expect, it } from 'vitest';
import { frameFromCleanCsv } from '../../../../shared/assess/frame';
import { loadInstrument } from '../../../../shared/survey';

const instrument = loadInstrument({
  id: 'mini', idColumn: 'respondent_id', branchColumn: 'branch_id', periodColumn: 'period',
  scale: { min: 1, max: 5 }, missingCodes: [''],
  constructs: { CRM: ['CRM1', 'CRM2'], TRUST: ['TRUST1', 'TRUST2'] },
}, 'test');

const part = (rows: string[]) => ['respondent_id,branch_id,period,CRM1,CRM2,TRUST1,TRUST2', ...rows].join('\n') + '\n';

describe('frameFromCleanCsv', () => {
  it('counts a respondent delivered by two drops once, keeping the copy of the earlier part', () => {
    const f = frameFromCleanCsv([
      { text: part(['r1,BR01,2025-Q1,4,4,5,5', 'r2,BR01,2025-Q1,3,3,3,3']), source: 'a' },
      { text: part(['r2,BR01,2025-Q1,1,1,1,1', 'r3,BR01,2025-Q1,2,2,2,2']), source: 'b' },
    ], instrument);
    expect(f.respondentIds).toEqual(['r1', 'r2', 'r3']);
    expect(f.duplicatesDropped).toBe(1);
    expect(Array.from(f.items.cols[0]!)).toEqual([4, 3, 2]);
  });

  it('the same id in another period or branch is another respondent', () => {
    const f = frameFromCleanCsv([{ text: part(['r1,BR01,2025-Q1,4,4,5,5', 'r1,BR01,2025-Q2,4,4,5,5', 'r1,BR02,2025-Q1,4,4,5,5']), source: 'a' }], instrument);
    expect(f.n).toBe(3);
    expect(f.duplicatesDropped).toBe(0);
  });

  it('reads a part of an older instrument: its absent items are missing, an item never observed is left out', () => {
    const old = ['respondent_id,branch_id,period,CRM1,CRM2,TRUST1', 'r1,BR01,2025-Q1,4,4,5'].join('\n');
    const f = frameFromCleanCsv([{ text: old, source: 'old' }], instrument);
    expect(f.items.names).toEqual(['CRM1', 'CRM2', 'TRUST1']);
    const g = frameFromCleanCsv([{ text: old, source: 'old' }, { text: part(['r2,BR01,2025-Q1,3,3,3,2']), source: 'new' }], instrument);
    expect(g.items.names).toEqual(['CRM1', 'CRM2', 'TRUST1', 'TRUST2']);
    expect(Number.isNaN(g.items.cols[3]![0]!)).toBe(true);
    expect(g.items.cols[3]![1]).toBe(2);
  });

  it('refuses a corrupted part even where its bad row repeats a respondent of an earlier part', () => {
    // Clean parts come from the cleaner: a cell that is not a number means the file was damaged, duplicate or not.
    expect(() => frameFromCleanCsv([
      { text: part(['r1,BR01,2025-Q1,4,4,5,5']), source: 'clean/a.csv' },
      { text: part(['r1,BR01,2025-Q1,x,4,5,5']), source: 'clean/b.csv' },
    ], instrument)).toThrow("clean/b.csv: line 2, column 'CRM1': 'x' is not a number");
  });

  it('names file, line and column of a cell that is not a number', () => {
    expect(() => frameFromCleanCsv([{ text: part(['r1,BR01,2025-Q1,4,x,5,5']), source: 'clean/p.csv' }], instrument))
      .toThrow("clean/p.csv: line 2, column 'CRM2': 'x' is not a number");
  });
});
