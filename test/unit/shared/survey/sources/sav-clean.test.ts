// SPSS variable labels as column aliases: a .sav whose variables are named V1..Vn and labelled with the instrument's
// column names cleans to exactly the rows of the numeric CSV, and the manifest says each column was found by label.
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { writeSav, type SavCell, type SavColumn } from '../../../../../shared/survey/simulate/sav';
import { simulateDrops } from '../../../../../shared/survey/index';
import { clean } from '../helpers';

const NUMERIC = new Set(['age']);
const isItem = (c: string) => /^[A-Z]+\d+$/.test(c) || c === 'SAT_PROG';

/** The CSV's rows as a .sav: names V1..Vn, the CSV header as variable labels, items and age numeric, the date a date. */
function savOfCsv(text: string, opts: { labels?: boolean } = {}): Buffer {
  const [header, ...rows] = parse(text) as string[][];
  const columns: SavColumn[] = header!.map((h, j): SavColumn => {
    const type = NUMERIC.has(h) || isItem(h) ? 'number' : h === 'submitted_at' ? 'date' : 'string';
    return {
      name: `V${j + 1}`,
      type,
      ...(opts.labels !== false ? { label: h } : {}),
      ...(isItem(h) ? { valueLabels: [[1, 'Sangat Tidak Setuju'], [2, 'Tidak Setuju'], [3, 'Netral'], [4, 'Setuju'], [5, 'Sangat Setuju']] as [number, string][] } : {}),
    };
  });
  const cells = rows.map((r) => r.map((c, j): SavCell => (columns[j]!.type === 'number' ? (c === '' ? null : Number(c)) : c)));
  return writeSav(columns, cells, { compression: 'bytecode' });
}

describe('SPSS variable labels as column aliases', () => {
  const sim = simulateDrops({ seed: 'sav-labels', branches: 3, periods: '2024-Q1..2024-Q2', n: 20, headOffice: true, format: 'plain' });
  const text = sim.drops[0]!.text;

  it('V1..Vn labelled with the column names clean to the rows of the numeric CSV; the mapping says "label"', async () => {
    const base = await clean(text);
    expect(base.rejects).toEqual([]);
    const r = await clean(savOfCsv(text), { source: 'rekap.sav' });
    expect(r.rejects).toEqual([]);
    expect(r.clean.map(({ line, lines, ...rest }) => rest)).toEqual(base.clean.map(({ line, lines, ...rest }) => rest));
    expect(r.manifest.format.format).toBe('sav');
    expect(r.manifest.mapping.columns.respondent_id).toEqual({ header: 'V1', column: 1, via: 'label' });
    expect(r.manifest.mapping.columns.CRM1).toMatchObject({ header: 'V11', via: 'label' });
    expect(r.manifest.header.matched.SAT_PROG).toBe(`V${r.manifest.header.columns.length}`);
    expect(r.manifest.header.ignored).toEqual([]);
  });

  it('a column named as declared is not also matched by its label; two labels for one column are refused; no labels, no match', async () => {
    const [header, ...rows] = parse(text) as string[][];
    // Column 1 is named respondent_id but labelled branch_id: only column 2's label gives branch_id.
    const cols: SavColumn[] = [
      { name: 'respondent_id', type: 'string', label: 'branch_id' },
      { name: 'V2', type: 'string', label: 'branch_id' },
      ...header!.slice(2).map((h, j): SavColumn => ({ name: `V${j + 3}`, type: NUMERIC.has(h) || isItem(h) ? 'number' : 'string', label: h })),
    ];
    const body = rows.map((r) => r.map((c, j): SavCell => (cols[j]!.type === 'number' ? Number(c) : c)));
    const named = await clean(writeSav(cols, body));
    expect(named.rejects).toEqual([]);
    expect(named.manifest.mapping.columns.respondent_id).toEqual({ header: 'respondent_id', column: 1, via: 'name' });
    expect(named.manifest.mapping.columns.branch_id).toEqual({ header: 'V2', column: 2, via: 'label' });
    // Two labels naming one column are refused like two headers.
    cols[0] = { name: 'V1', type: 'string', label: 'branch_id' };
    await expect(clean(writeSav(cols, body))).rejects.toMatchObject({ code: 'DUPLICATE_COLUMNS' });
    await expect(clean(savOfCsv(text, { labels: false }))).rejects.toMatchObject({ code: 'MISSING_COLUMNS' });
  });
});

describe('SPSS value labels of categorical columns', () => {
  it('a gender stored as 1/2 with value labels "Laki-laki"/"Perempuan" is read through its labels', async () => {
    const sim = simulateDrops({ seed: 'sav-cats', branches: 2, periods: '2024-Q1', n: 20, headOffice: true, format: 'plain' });
    const text = sim.drops[0]!.text;
    const [header, ...rows] = parse(text) as string[][];
    const g = header!.indexOf('gender');
    const code: Record<string, number> = { M: 1, F: 2 };
    const columns: SavColumn[] = header!.map((h, j): SavColumn => (j === g
      ? { name: h, type: 'number', valueLabels: [[1, 'Laki-laki'], [2, 'Perempuan']] }
      : { name: h, type: NUMERIC.has(h) || isItem(h) ? 'number' : 'string' }));
    const cells = rows.map((r) => r.map((c, j): SavCell => (j === g ? (c === '' ? null : code[c]!) : columns[j]!.type === 'number' ? (c === '' ? null : Number(c)) : c)));
    const base = await clean(text);
    const r = await clean(writeSav(columns, cells), { source: 'rekap.sav' });
    expect(r.rejects).toEqual([]);
    expect(r.clean.map((x) => x.categories)).toEqual(base.clean.map((x) => x.categories));
    // Without the labels the codes 1/2 are not the instrument's: every row with a gender is BAD_CATEGORY.
    const bare = await clean(writeSav(columns.map((c, j) => (j === g ? { name: c.name, type: 'number' as const } : c)), cells), { source: 'bare.sav' });
    expect(bare.rejects.length).toBeGreaterThan(0);
    expect(bare.rejects.every((x) => x.reasons.includes('BAD_CATEGORY'))).toBe(true);
  });
});
