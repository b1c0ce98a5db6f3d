// Survey weights from a column of the drop (issue 15): the instrument's weightColumn, the cleaner's rule, clean.csv's
// `weight` column, and the fingerprint that ignores it.
import { describe, expect, it } from 'vitest';
import { explainDrop } from '../../../../shared/survey/explain';
import {
  cleanDrop, CleanRowEncoder, cleanRowFields, csvLine, DropCsvWriter, DropRejectedError, formatCleanHeader, formatCleanRow,
  loadInstrument, REASONS, type InstrumentInput,
} from '../../../../shared/survey/index';
import { weightSchema } from '../../../../shared/survey/weight';
import { clean } from './helpers';

const BASE: InstrumentInput = {
  id: 'w', idColumn: 'respondent_id', branchColumn: 'branch_id', periodColumn: 'period', scale: { min: 1, max: 5 }, missingCodes: [''],
  constructs: { CRM: ['CRM1', 'CRM2'], TRUST: ['TRUST1', 'TRUST2'] }, programme: {}, textColumns: ['saran'],
};
const plain = loadInstrument(BASE, 'w.json');
const weighted = loadInstrument({ ...BASE, weightColumn: 'Bobot' }, 'w.json');

// The drop of the pinned output below: r1 repeated at line 5 with the same answers and another weight.
const DROP = ['respondent_id,branch_id,period,programme,CRM1,CRM2,TRUST1,TRUST2,saran,bobot',
  'r1,BR01,2025-Q1,JHT,4,5,3,4,bagus,"1,25"',
  'r2,BR01,2025-Q1,JP,2,3,5,1,=cmd,0.5',
  'r3,BR02,2025-Q1,,5,5,4,4,,2',
  'r1,BR01,2025-Q1,JHT,4,5,3,4,lain,3',
].join('\n') + '\n';

// What this drop cleaned to before weightColumn existed: produced by the code of commit c9e55f7 (git archive of
// shared/, the same DropCsvWriter run), so an instrument without weightColumn must still write exactly these bytes.
const PINNED_CLEAN = 'respondent_id,branch_id,period,programme,CRM1,CRM2,TRUST1,TRUST2,saran,answer_hash,line\n'
  + 'r1,BR01,2025-Q1,JHT,4,5,3,4,bagus,0b89c792817faa58,2\n'
  + "r2,BR01,2025-Q1,JP,2,3,5,1,'=cmd,c43fc1bff45526bd,3\n"
  + 'r3,BR02,2025-Q1,,5,5,4,4,,d315fe1184ec4df7,4\n';
const PINNED_REJECTS = 'line,respondent_id,reasons,respondent_id,branch_id,period,programme,CRM1,CRM2,TRUST1,TRUST2,saran,bobot,detail,raw_text\n'
  + '5,r1,DUPLICATE_EXACT,r1,BR01,2025-Q1,JHT,4,5,3,4,lain,3,DUPLICATE_EXACT same id and answers as line 2,"r1,BR01,2025-Q1,JHT,4,5,3,4,lain,3"\n';

async function writeCsv(instrument: typeof plain, drop: string) {
  let cleanText = '', rejects = '';
  const w = new DropCsvWriter(instrument, { write: (c) => { cleanText += c.toString(); } }, { write: (c) => { rejects += c.toString(); } });
  const manifest = await cleanDrop(drop, { instrument, source: 'w.csv', ...w });
  await w.finish();
  return { clean: cleanText, rejects, manifest };
}

const row = (id: string, weight: string, answers = '4,5,3,4') => `${id},BR01,2025-Q1,JHT,${answers},,"${weight}"`;
const drop = (rows: string[], header = 'respondent_id,branch_id,period,programme,CRM1,CRM2,TRUST1,TRUST2,saran,bobot') => [header, ...rows].join('\n') + '\n';

describe('instrument weightColumn', () => {
  it('is compiled when declared and absent otherwise', () => {
    expect(weighted.weightColumn).toBe('Bobot');
    expect(weighted.spec.weightColumn).toBe('Bobot');
    expect(plain.weightColumn).toBeUndefined();
    expect('weightColumn' in plain).toBe(false);
  });
  it('refuses a weight column that is another declared column once headers are normalised', () => {
    expect(() => loadInstrument({ ...BASE, weightColumn: 'Respondent ID' }, 'x.json'))
      .toThrow(/^x\.json: invalid instrument: weightColumn: column 'Respondent ID' clashes with 'respondent_id'/);
    expect(() => loadInstrument({ ...BASE, weightColumn: 'saran' }, 'x.json')).toThrow(/weightColumn: column 'saran' clashes/);
  });
  it('refuses another output column named weight, but only when there is a weight', () => {
    expect(() => loadInstrument({ ...BASE, textColumns: ['weight'], weightColumn: 'bobot' }, 'x.json'))
      .toThrow(/textColumns\.0: 'weight' is the clean\.csv column of the survey weight/);
    expect(() => loadInstrument({ ...BASE, demographics: { weight: { bands: [{ code: 'L', min: 0, max: 50 }] } }, weightColumn: 'bobot' }, 'x.json'))
      .toThrow(/demographics\.weight/);
    expect(loadInstrument({ ...BASE, textColumns: ['weight'] }, 'x.json').textColumns).toEqual(['weight']);
    // The weight column itself may be called `weight` in the drop.
    expect(loadInstrument({ ...BASE, weightColumn: 'weight' }, 'x.json').weightColumn).toBe('weight');
  });
});

describe('weightSchema', () => {
  const read = (s: string) => weightSchema.safeParse(s);
  it('reads decimals with a point or a comma, and exponents', () => {
    expect(['1.25', '1,25', '2', '.5', ',5', '+3', '1.5E-3', '1e2', '0.0001', '1234.5', '2.'].map((s) => read(s).data))
      .toEqual([1.25, 1.25, 2, 0.5, 0.5, 3, 0.0015, 100, 0.0001, 1234.5, 2]);
  });
  it('refuses zero, negatives, infinities, text and thousands grouping', () => {
    const msg = (s: string) => read(s).error?.issues[0]?.message;
    expect(msg('0')).toBe('not greater than 0');
    expect(msg('0,0')).toBe('not greater than 0');
    expect(msg('-1.5')).toBe('not greater than 0');
    expect(msg('1e999')).toBe('not a finite number');
    for (const s of ['abc', '1.234,5', '1,234.5', '1 234', 'NaN', 'Infinity', '1.2.3', '--1', '']) {
      expect(msg(s), s).toMatch(/^not a number/);
    }
  });
});

describe('cleaning with a weight column', () => {
  it('keeps valid weights on the clean rows and in clean.csv as `weight`, the decimal comma read', async () => {
    const out = await writeCsv(weighted, DROP);
    expect(out.clean).toBe(
      'respondent_id,branch_id,period,programme,CRM1,CRM2,TRUST1,TRUST2,weight,saran,answer_hash,line\n'
      + 'r1,BR01,2025-Q1,JHT,4,5,3,4,1.25,bagus,0b89c792817faa58,2\n'
      + "r2,BR01,2025-Q1,JP,2,3,5,1,0.5,'=cmd,c43fc1bff45526bd,3\n"
      + 'r3,BR02,2025-Q1,,5,5,4,4,2,,d315fe1184ec4df7,4\n');
    expect(out.manifest.header.matched.Bobot).toBe('bobot');
    expect(out.manifest.mapping.columns.Bobot).toEqual({ header: 'bobot', column: 10, via: 'name' });
    const r = await clean(DROP, { instrument: weighted });
    expect(r.clean.map((c) => c.weight)).toEqual([1.25, 0.5, 2]);
  });

  it('finds the column through an alias', async () => {
    const ins = loadInstrument({ ...BASE, weightColumn: 'Bobot', columnAliases: { Bobot: ['Bobot Sampel'] } }, 'w.json');
    const r = await clean(drop([row('r1', '0,75')], 'respondent_id,branch_id,period,programme,CRM1,CRM2,TRUST1,TRUST2,saran,BOBOT_SAMPEL'), { instrument: ins });
    expect(r.clean[0]!.weight).toBe(0.75);
    expect(r.manifest.mapping.columns.Bobot!.via).toBe('alias');
  });

  it('rejects a blank or bad weight with the row and the column named', async () => {
    const r = await clean(drop([row('r1', ''), row('r2', '0'), row('r3', 'satu'), row('r4', '-2'), row('r5', '1.234,5'), row('r6', '1,5')]), { instrument: weighted });
    expect(r.clean.map((c) => [c.line, c.weight])).toEqual([[7, 1.5]]);
    const rej = Object.fromEntries(r.rejects.map((x) => [x.line, [x.reasons, x.details]]));
    expect(rej[2]).toEqual([['MISSING_WEIGHT'], ['MISSING_WEIGHT Bobot=""']]);
    expect(rej[3]).toEqual([['BAD_WEIGHT'], ['BAD_WEIGHT Bobot="0": not greater than 0']]);
    expect(rej[4]).toEqual([['BAD_WEIGHT'], ['BAD_WEIGHT Bobot="satu": not a number (write a weight like 1.25 or 1,25, without thousands separators)']]);
    expect(rej[5]![1]).toEqual(['BAD_WEIGHT Bobot="-2": not greater than 0']);
    expect(rej[6]![0]).toEqual(['BAD_WEIGHT']);
    expect(r.manifest.reasons.MISSING_WEIGHT).toBe(1);
    expect(r.manifest.reasons.BAD_WEIGHT).toBe(4);
    expect(r.manifest.groups).toEqual([expect.objectContaining({ branch: 'BR01', period: '2025-Q1', clean: 1, rejected: 5 })]);
    expect(REASONS.MISSING_WEIGHT).toMatch(/weight/);
    expect(REASONS.BAD_WEIGHT).toMatch(/greater than 0/);
  });

  it("does not read the instrument's missing codes in the weight: 9 is a weight, blank is missing", async () => {
    const ins = loadInstrument({ ...BASE, missingCodes: ['', '9'], weightColumn: 'bobot' }, 'w.json');
    const r = await clean(drop([row('r1', '9'), row('r2', ' ')]), { instrument: ins });
    expect(r.clean.map((c) => c.weight)).toEqual([9]);
    expect(r.rejects[0]!.reasons).toEqual(['MISSING_WEIGHT']);
  });

  it('lists a weight finding in REASONS order beside the other findings of the row', async () => {
    const r = await clean(drop(['r1,BR01,2025-Q9,JHT,4,7,3,4,,x']), { instrument: weighted });
    expect(r.rejects[0]!.reasons).toEqual(['BAD_PERIOD', 'BAD_WEIGHT', 'OUT_OF_RANGE']);
  });

  it('refuses a drop without the declared weight column, naming the file and the column', async () => {
    const noWeight = drop([row('r1', '1')].map((l) => l.slice(0, l.lastIndexOf(','))), 'respondent_id,branch_id,period,programme,CRM1,CRM2,TRUST1,TRUST2,saran');
    const err = await clean(noWeight, { instrument: weighted, source: 'drops/BR01/januari.csv' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DropRejectedError);
    expect((err as DropRejectedError).code).toBe('MISSING_COLUMNS');
    expect((err as Error).message).toMatch(/^drops\/BR01\/januari\.csv: line 1: required column 'Bobot' not found in the header/);
    // Without weightColumn the same drop is clean.
    expect((await clean(noWeight, { instrument: plain })).clean).toHaveLength(1);
  });

  it('writes the same bytes through formatCleanRow, cleanRowFields and the encoder', async () => {
    const r = await clean(drop([row('r1', '1,25'), row('r2', '1e-7'), row('r3', '123456.789'), row('r4', '0.1')]), { instrument: weighted });
    expect(r.clean.map((c) => c.weight)).toEqual([1.25, 1e-7, 123456.789, 0.1]);
    const enc = new CleanRowEncoder(weighted);
    let text = formatCleanHeader(weighted);
    for (const c of r.clean) {
      expect(formatCleanRow(weighted, c)).toBe(csvLine(cleanRowFields(weighted, c)));
      text += formatCleanRow(weighted, c);
      enc.push(c);
    }
    expect(enc.take().toString()).toBe(text);
    expect(text.split('\n')[2]).toContain(',1e-7,');
  });
});

describe('fingerprint and duplicates', () => {
  it('a row hashes the same with or without a weight column, whatever its weight', async () => {
    const a = await clean(DROP, { instrument: weighted });
    const b = await clean(DROP, { instrument: plain });
    expect(a.clean.map((c) => c.answerHash)).toEqual(b.clean.map((c) => c.answerHash));
    const other = await clean(DROP.replace('"1,25"', '7'), { instrument: weighted });
    expect(other.clean[0]!.answerHash).toBe(a.clean[0]!.answerHash);
  });
  it('a re-delivery that differs only in its weight is an exact duplicate; the first copy and its weight are kept', async () => {
    const r = await clean(DROP, { instrument: weighted });
    expect(r.rejects.map((x) => [x.line, x.reasons])).toEqual([[5, ['DUPLICATE_EXACT']]]);
    expect(r.clean[0]!.weight).toBe(1.25);
    const hash = r.clean[0]!.answerHash;
    const later = await clean(drop([row('r1', '9.5')]), { instrument: weighted, seen: () => new Map([['r1', hash]]) });
    expect(later.rejects[0]!.reasons).toEqual(['DUPLICATE_PRIOR_EXACT']);
  });
  it('an instrument without weightColumn writes exactly what it wrote before', async () => {
    const out = await writeCsv(plain, DROP);
    expect(out.clean).toBe(PINNED_CLEAN);
    expect(out.rejects).toBe(PINNED_REJECTS);
    expect((await clean(DROP, { instrument: plain })).clean.every((c) => !('weight' in c))).toBe(true);
  });
});

describe('explain', () => {
  it('shows how each weight cell is read', async () => {
    const e = await explainDrop(drop([row('r1', '1,25'), row('r2', '')]), { instrument: weighted, source: 'w.csv', rows: 2 });
    expect(e.header.find((h) => h.role === 'weight')).toEqual({ declared: 'Bobot', role: 'weight', position: 10, header: 'bobot', via: 'name' });
    const cell = (k: number) => e.rows[k]!.cells.find((c) => c.role === 'weight');
    expect(cell(0)).toEqual({ declared: 'Bobot', role: 'weight', raw: '1,25', result: 'weight 1.25', ok: true });
    expect(cell(1)).toMatchObject({ ok: false, result: 'refused: MISSING_WEIGHT (blank)' });
  });
});
