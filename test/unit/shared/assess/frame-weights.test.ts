// SurveyFrame.weights: read from clean.csv's `weight` column when the instrument has a weightColumn (issue 15).
import { describe, expect, it } from 'vitest';
import { filterFrame, frameFromCleanCsv } from '../../../../shared/assess/frame';
import { cleanDrop, DropCsvWriter, loadInstrument, type InstrumentInput } from '../../../../shared/survey';

const BASE: InstrumentInput = {
  id: 'mini', idColumn: 'respondent_id', branchColumn: 'branch_id', periodColumn: 'period',
  scale: { min: 1, max: 5 }, missingCodes: [''],
  constructs: { CRM: ['CRM1', 'CRM2'], TRUST: ['TRUST1', 'TRUST2'] },
};
const weighted = loadInstrument({ ...BASE, weightColumn: 'bobot' }, 'test');
const plain = loadInstrument(BASE, 'test');

const HEADER = 'respondent_id,branch_id,period,CRM1,CRM2,TRUST1,TRUST2';
const newPart = (rows: string[]) => [`${HEADER},weight`, ...rows].join('\n') + '\n';
const oldPart = (rows: string[]) => [HEADER, ...rows].join('\n') + '\n';

describe('frameFromCleanCsv weights', () => {
  it('reads the weight column, keeping the weight of the copy it keeps', () => {
    const f = frameFromCleanCsv([
      { text: newPart(['r1,BR01,2025-Q1,4,4,5,5,1.25', 'r2,BR01,2025-Q1,3,3,3,3,0.5']), source: 'a' },
      { text: newPart(['r2,BR01,2025-Q1,1,1,1,1,9', 'r3,BR01,2025-Q1,2,2,2,2,1e-3']), source: 'b' },
    ], weighted);
    expect(f.respondentIds).toEqual(['r1', 'r2', 'r3']);
    expect(f.weights).toBeInstanceOf(Float64Array);
    expect(Array.from(f.weights!)).toEqual([1.25, 0.5, 0.001]);
    expect(f.duplicatesDropped).toBe(1);
  });

  it('gives weight 1 to the rows of a part written before the instrument had a weight column', () => {
    const f = frameFromCleanCsv([
      { text: oldPart(['r1,BR01,2025-Q1,4,4,5,5', 'r2,BR01,2025-Q1,3,3,3,3']), source: 'old' },
      { text: newPart(['r3,BR01,2025-Q1,2,2,2,2,2.5']), source: 'new' },
    ], weighted);
    expect(Array.from(f.weights!)).toEqual([1, 1, 2.5]);
  });

  it('has no weights without a weightColumn, even when a part carries the column', () => {
    const f = frameFromCleanCsv([{ text: newPart(['r1,BR01,2025-Q1,4,4,5,5,3']), source: 'a' }], plain);
    expect(f.weights).toBeUndefined();
    expect('weights' in f).toBe(false);
    expect(frameFromCleanCsv([], weighted).weights).toEqual(new Float64Array(0));
  });

  it('names file, line and column of a weight cell the cleaner could not have written', () => {
    for (const cell of ['', '0', '-1', 'x']) {
      expect(() => frameFromCleanCsv([{ text: newPart(['r1,BR01,2025-Q1,4,4,5,5,1', `r2,BR01,2025-Q1,4,4,5,5,${cell}`]), source: 'clean/p.csv' }], weighted))
        .toThrow(`clean/p.csv: line 3, column 'weight': '${cell}' is not a weight > 0`);
    }
  });

  it('filterFrame keeps the weights aligned with the rows it keeps', () => {
    const f = frameFromCleanCsv([{ text: newPart([
      'r1,BR01,2025-Q1,4,4,5,5,1', 'r2,BR02,2025-Q1,3,3,3,3,2', 'r3,BR01,2025-Q1,2,2,2,2,3', 'r4,BR02,2025-Q1,1,1,1,1,4',
    ]), source: 'a' }], weighted);
    const br02 = filterFrame(f, (i) => f.branches[i] === 'BR02');
    expect(br02.respondentIds).toEqual(['r2', 'r4']);
    expect(Array.from(br02.weights!)).toEqual([2, 4]);
    expect(Array.from(br02.items.cols[0]!)).toEqual([3, 1]);
    expect(filterFrame(f, () => false).weights).toEqual(new Float64Array(0));
    const unweighted = frameFromCleanCsv([{ text: oldPart(['r1,BR01,2025-Q1,4,4,5,5']), source: 'a' }], plain);
    expect('weights' in filterFrame(unweighted, () => true)).toBe(false);
  });

  it('reads back exactly the weights the cleaner wrote (decimal comma in the drop, shortest form in clean.csv)', async () => {
    const drop = ['respondent_id,branch_id,period,CRM1,CRM2,TRUST1,TRUST2,Bobot',
      'r1,BR01,2025-Q1,4,4,5,5,"1,25"', 'r2,BR01,2025-Q1,3,4,3,3,0.1', 'r3,BR01,2025-Q1,2,2,2,2,""', 'r4,BR01,2025-Q1,2,2,4,4,0.30000000000000004'].join('\n');
    let text = '';
    const w = new DropCsvWriter(weighted, { write: (c) => { text += c.toString(); } }, { write: () => {} });
    await cleanDrop(drop, { instrument: weighted, source: 'd.csv', ...w });
    await w.finish();
    const f = frameFromCleanCsv([{ text, source: 'clean.csv' }], weighted);
    expect(f.respondentIds).toEqual(['r1', 'r2', 'r4']);
    expect(Array.from(f.weights!)).toEqual([1.25, 0.1, 0.30000000000000004]);
  });
});
