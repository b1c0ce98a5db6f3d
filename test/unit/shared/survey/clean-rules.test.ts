// One test (or more) per cleaning rule. Fixtures: test/fixtures/survey/ (made by hand-checked rows; each line's
// expected outcome is written next to it below).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DropRejectedError, loadInstrument, REASONS } from '../../../../shared/survey/index';
import { clean, fixture, MIN_HEADER, minimalCsv, minimalInstrument } from './helpers';

const ok = (id: string, branch = 'BR01', period = '2025-Q1', answers = '4,4,5,4,3,4,4,5') => `${id},${branch},${period},${answers}`;

describe('an Excel export from a branch (BOM, ;, CRLF, Indonesian headers)', async () => {
  const r = await clean(fixture('excel-id-branch.csv'));
  const expectLine = (line: number, reasons: string[] | 'clean') => {
    const got = r.byLine.get(line);
    if (reasons === 'clean') expect(got?.clean, `line ${line}: ${got?.reject?.details.join(' | ')}`).toBeDefined();
    else expect(got?.reject?.reasons, `line ${line}`).toEqual(reasons);
  };

  it('reads the format and matches the header through aliases and case', () => {
    expect(r.manifest.format).toEqual({ encoding: 'utf-8', bom: true, delimiter: ';', lineBreak: 'CRLF' });
    expect(r.manifest.header.matched.respondent_id).toBe('ID Responden');
    expect(r.manifest.header.matched.TRUST1).toBe('trust1');
    expect(r.manifest.header.ignored).toEqual(['Catatan']);
  });
  it('keeps valid rows, deriving the period from the date when it is blank', () => {
    for (const line of [2, 3, 5, 16, 19, 20, 23, 25]) expectLine(line, 'clean');
    const row3 = r.byLine.get(3)!.clean!;
    expect([row3.period, row3.date]).toEqual(['2025-Q3', '2025-08-15']);
    const row20 = r.byLine.get(20)!.clean!; // Excel serial 45871 in the date column
    expect([row20.period, row20.date]).toEqual(['2025-Q3', '2025-08-02']);
  });
  it('normalises codes: aliases, bands from ages, comma decimals', () => {
    const cats = (line: number) => r.byLine.get(line)!.clean!.categories;
    expect(cats(2)).toEqual(['JHT', 'PU', '31-40', 'M', 'SMA']); // age 35, gender L(aki-laki)
    expect(cats(19)).toEqual(['JHT', 'PU', '41-50', 'F', 'S2S3']); // "41 – 50", Perempuan, S2
    expect(cats(20).slice(0, 2)).toEqual(['JP', 'BPU']); // jaminan pensiun, bukan penerima upah
    expect(r.byLine.get(19)!.clean!.items.slice(0, 4)).toEqual([4, 4, 5, 4]); // "4,0"
  });
  it('turns a declared missing code into a missing value', () => {
    const row = r.byLine.get(5)!.clean!;
    expect(row.items.filter((v) => Number.isNaN(v))).toHaveLength(1);
    expect(r.manifest.missing.byItem.GOV3).toBe(1);
  });
  it('rejects each bad row with its reason', () => {
    expectLine(4, ['OUT_OF_RANGE']);
    expectLine(6, ['TOO_MANY_MISSING']);
    expectLine(7, ['STRAIGHT_LINING']);
    expectLine(8, ['DUPLICATE_EXACT']);
    expectLine(9, ['DUPLICATE_CONFLICT']);
    expectLine(10, ['MISSING_BRANCH']);
    expectLine(11, ['BAD_PERIOD']);
    expectLine(12, ['BAD_DATE']);
    expectLine(13, ['BAD_FIELD_COUNT']);
    expectLine(14, ['BAD_CATEGORY']);
    expectLine(15, ['BAD_QUOTING']);
    expectLine(18, ['EMPTY_ROW']);
    expectLine(21, ['MISSING_ID']);
    expectLine(22, ['BAD_BRANCH', 'OUT_OF_RANGE']);
  });
  it('keeps the original text, line numbers and every reason of a rejected row', () => {
    const rej = r.byLine.get(22)!.reject!;
    expect(rej.text.startsWith('R020;BR 07!;2025-Q3;14/08/2025;JHT;')).toBe(true);
    expect(rej.details).toEqual(['BAD_BRANCH branch_id="BR 07!": not a well-formed branch id', 'OUT_OF_RANGE REL2="0": outside 1-5']);
    const broken = r.byLine.get(15)!.reject!;
    expect(broken.respondentId).toBe('R014'); // read from the line with quotes taken literally
    expect(broken.fields[4]).toBe('"JHT');
  });
  it('reads a quoted multi-line comment as one row and counts every line', () => {
    const multi = r.byLine.get(23)!.clean!;
    expect(multi.respondentId).toBe('R021');
    expect(r.manifest.lines).toBe(25);
    expect(r.manifest.blankLines).toBe(1); // line 17
    expect(r.manifest.inputRows).toBe(r.manifest.cleanRows + r.manifest.rejectedRows);
    expect([r.manifest.cleanRows, r.manifest.rejectedRows]).toEqual([8, 14]);
  });
  it('counts per reason and per branch and period, and hashes the input bytes', () => {
    expect(r.manifest.reasons.OUT_OF_RANGE).toBe(2);
    expect(r.manifest.groups.map((g) => [g.branch, g.period, g.clean, g.rejected])).toEqual([['BR07', '2025-Q3', 8, 7]]);
    expect(r.manifest.ungroupedRejected).toBe(7);
    expect(r.manifest.sha256).toBe(createHash('sha256').update(fixture('excel-id-branch.csv')).digest('hex'));
    expect(r.manifest.bytes).toBe(fixture('excel-id-branch.csv').length);
    expect(r.manifest.instrument).toMatchObject({ id: 'bpjstk-satisfaction', version: '1.0.0' });
  });
  it('lists the new respondents with the answer hash of their clean row', () => {
    const g = r.manifest.groups[0]!;
    expect(Object.keys(g.newRespondents!)).toEqual(['R001', 'R002', 'R004', 'R015', 'R017', 'R018', 'R021', 'R022']);
    expect(g.newRespondents!.R001).toBe(r.byLine.get(2)!.clean!.answerHash);
  });
});

describe('a head-office export with the minimal instrument', async () => {
  const r = await clean(fixture('headoffice-minimal.csv'), { instrument: minimalInstrument });
  it('groups by branch and period; the same id in another branch or period is not a duplicate', () => {
    expect(r.manifest.groups.map((g) => `${g.branch} ${g.period} ${g.clean}/${g.rejected}`)).toEqual([
      'BR01 2025-Q1 2/1', 'BR02 2025-Q1 1/0', 'BR01 2025-Q2 1/0', 'BR02 2025-Q2 1/0', 'BR03 2025-Q2 0/2',
    ]);
  });
  it('ignores columns the instrument does not declare (SQ1 holds 9 and x here)', () => {
    expect(r.manifest.header.ignored).toEqual(['SQ1']);
    expect(r.byLine.get(2)!.clean).toBeDefined();
    expect(r.byLine.get(9)!.clean).toBeDefined();
  });
  it('uses only the missing codes the instrument lists', () => {
    expect(r.byLine.get(6)!.reject!.reasons).toEqual(['OUT_OF_RANGE']); // 9 is not declared missing here
    expect(r.byLine.get(7)!.reject!.reasons).toEqual(['TOO_MANY_MISSING']); // 1 of 4 blank is 25% > 20%
  });
  it('rejects a repeated header and a later exact copy', () => {
    expect(r.byLine.get(8)!.reject!.reasons).toEqual(['REPEATED_HEADER']);
    expect(r.byLine.get(10)!.reject!.reasons).toEqual(['DUPLICATE_EXACT']);
    expect(r.manifest.format.lineBreak).toBe('LF'); // one CRLF line inside is read too (line 9)
  });
});

describe('rules one by one (minimal instrument)', () => {
  const run = (rows: string[], opts = {}) => clean(minimalCsv(rows), { instrument: minimalInstrument, ...opts });

  it('wrong field count, too few or too many', async () => {
    const r = await run([ok('a'), 'b,BR01,2025-Q1,4,4,4', `${ok('c')},extra`]);
    expect(r.rejects.map((x) => [x.line, x.reasons[0], x.respondentId])).toEqual([[3, 'BAD_FIELD_COUNT', 'b'], [4, 'BAD_FIELD_COUNT', 'c']]);
  });
  it('missing, malformed and unknown branch ids; branch ids are case-insensitive', async () => {
    const rows = [ok('a', ''), ok('b', 'BR 1'), ok('c', 'br02'), ok('d', 'BR99')];
    const noList = await run(rows);
    expect(noList.rejects.map((x) => x.reasons[0])).toEqual(['MISSING_BRANCH', 'BAD_BRANCH']);
    expect(noList.clean.map((x) => x.branch)).toEqual(['BR02', 'BR99']);
    const withList = await run(rows, { knownBranches: new Set(['BR01', 'BR02']) });
    expect(withList.rejects.map((x) => x.reasons[0])).toEqual(['MISSING_BRANCH', 'BAD_BRANCH', 'UNKNOWN_BRANCH']);
    const fromInstrument = await clean(minimalCsv(rows), { instrument: loadInstrument({ ...minimalInstrument.spec, branches: ['BR02'] }, 'x') });
    expect(fromInstrument.rejects.map((x) => x.reasons[0])).toEqual(['MISSING_BRANCH', 'BAD_BRANCH', 'UNKNOWN_BRANCH']);
  });
  it('missing and bad periods', async () => {
    const r = await run([ok('a', 'BR01', ''), ok('b', 'BR01', '2025-Q5'), ok('c', 'BR01', 'q2 2025')]);
    expect(r.rejects.map((x) => x.reasons)).toEqual([['MISSING_PERIOD'], ['BAD_PERIOD']]);
    expect(r.clean[0]!.period).toBe('2025-Q2');
  });
  it('an instrument with only a date column derives the period', async () => {
    const ins = loadInstrument({ ...minimalInstrument.spec, periodColumn: undefined, dateColumn: 'date' }, 'd');
    const csv = ['respondent_id,branch_id,date,CRM1,CRM2,CRM3,CRM4,TRUST1,TRUST2,TRUST3,TRUST4',
      'a,BR01,30/09/2025,4,4,5,4,3,4,4,5', 'b,BR01,2025-10-01,4,4,5,4,3,4,4,5', 'c,BR01,,4,4,5,4,3,4,4,5', 'd,BR01,32/01/2025,4,4,5,4,3,4,4,5'].join('\n');
    const r = await clean(csv, { instrument: ins });
    expect(r.clean.map((x) => [x.period, x.date])).toEqual([['2025-Q3', '2025-09-30'], ['2025-Q4', '2025-10-01']]);
    expect(r.rejects.map((x) => x.reasons)).toEqual([['MISSING_PERIOD'], ['BAD_DATE']]);
  });
  it('item codes outside the scale, not whole, or not numbers', async () => {
    const r = await run([ok('a', 'BR01', '2025-Q1', '0,4,5,4,3,4,4,5'), ok('b', 'BR01', '2025-Q1', '4.5,4,5,4,3,4,4,x'), ok('c', 'BR01', '2025-Q1', '4.0, 4 ,+5,04,3,4,4,5')]);
    expect(r.rejects.map((x) => x.details)).toEqual([
      ['OUT_OF_RANGE CRM1="0": outside 1-5'],
      ['OUT_OF_RANGE CRM1="4.5": not a whole number', 'OUT_OF_RANGE TRUST4="x": not a whole number'],
    ]);
    expect(r.clean[0]!.items).toEqual([4, 4, 5, 4, 3, 4, 4, 5]);
  });
  it('declared missing codes become missing values; above the threshold the row is rejected', async () => {
    const ins = loadInstrument({ ...minimalInstrument.spec, missingCodes: ['', '9', '99', '-99'], constructs: { SQ: ['S1', 'S2', 'S3', 'S4', 'S5'], TRUST: ['T1', 'T2', 'T3', 'T4'] } }, 'm');
    const csv = ['respondent_id,branch_id,period,S1,S2,S3,S4,S5,T1,T2,T3,T4',
      'a,BR01,2025-Q1,99,4,5,4,3,4,4,5,4', // 1 of 5 = 20%: kept
      'b,BR01,2025-Q1,-99,9,5,4,3,4,4,5,4', // 2 of 5 = 40%: rejected
      'c,BR01,2025-Q1,4,4,5,4,3,,4,5,4'].join('\n'); // 1 of 4 = 25%: rejected
    const r = await clean(csv, { instrument: ins });
    expect(r.clean.map((x) => x.respondentId)).toEqual(['a']);
    expect(Number.isNaN(r.clean[0]!.items[0])).toBe(true);
    expect(r.rejects.map((x) => x.details)).toEqual([['TOO_MANY_MISSING SQ: 2 of 5 items missing (more than 20%)'], ['TOO_MANY_MISSING TRUST: 1 of 4 items missing (more than 20%)']]);
    const lenient = await clean(csv, { instrument: loadInstrument({ ...ins.spec, rules: { maxMissingShare: 0.4 } }, 'm') });
    expect(lenient.clean.map((x) => x.respondentId)).toEqual(['a', 'b', 'c']);
  });
  it('blank is missing only when declared', async () => {
    const ins = loadInstrument({ ...minimalInstrument.spec, missingCodes: ['99'], rules: { maxMissingShare: 0.5 } }, 'm');
    const r = await clean(minimalCsv([ok('a', 'BR01', '2025-Q1', ',4,5,4,3,4,4,5'), ok('b', 'BR01', '2025-Q1', '99,4,5,4,3,4,4,5')]), { instrument: ins });
    expect(r.rejects.map((x) => x.details[0])).toEqual(['OUT_OF_RANGE CRM1="": not a whole number']);
    expect(r.clean.map((x) => x.respondentId)).toEqual(['b']);
  });
  it('straight-lining: the same answer everywhere, with enough answers; can be switched off', async () => {
    const rows = [ok('a', 'BR01', '2025-Q1', '3,3,3,3,3,3,3,3'), ok('b', 'BR01', '2025-Q1', '3,3,3,3,3,3,3,4'), ok('c', 'BR01', '2025-Q1', '5,5,5,5,5,5,5,')];
    const r = await run(rows);
    // c has 7 answers but one TRUST item missing (25%): TOO_MANY_MISSING, and 7 < 8 answered so no straight line
    expect(r.rejects.map((x) => [x.respondentId, x.reasons])).toEqual([['a', ['STRAIGHT_LINING']], ['c', ['TOO_MANY_MISSING']]]);
    const off = await clean(minimalCsv(rows), { instrument: loadInstrument({ ...minimalInstrument.spec, rules: { straightLining: false } }, 'o') });
    expect(off.rejects.map((x) => x.respondentId)).toEqual(['c']);
  });
  it('duplicates within a drop: exact vs conflicting copies, the first is kept', async () => {
    const r = await run([ok('a'), ok('a'), ok('a', 'BR01', '2025-Q1', '1,4,5,4,3,4,4,5'), ok(' a ')]);
    expect(r.clean.map((x) => x.line)).toEqual([2]);
    expect(r.rejects.map((x) => [x.line, x.reasons[0], x.details[0]])).toEqual([
      [3, 'DUPLICATE_EXACT', 'DUPLICATE_EXACT same id and answers as line 2'],
      [4, 'DUPLICATE_CONFLICT', 'DUPLICATE_CONFLICT same id as line 2, different answers (kept line 2)'],
      [5, 'DUPLICATE_EXACT', 'DUPLICATE_EXACT same id and answers as line 2'],
    ]);
  });
  it('a rejected first copy does not hide a valid later one', async () => {
    const r = await run([ok('a', 'BR01', '2025-Q1', '9,4,5,4,3,4,4,5'), ok('a')]);
    expect(r.rejects.map((x) => x.line)).toEqual([2]);
    expect(r.clean.map((x) => x.line)).toEqual([3]);
  });
  it('duplicates across earlier drops of the same branch and period, through the seen lookup', async () => {
    const first = await run([ok('a'), ok('b')]);
    const stored = new Map(Object.entries(first.manifest.groups[0]!.newRespondents!));
    const asked: string[] = [];
    const seen = async (b: string, p: string) => {
      asked.push(`${b} ${p}`);
      return b === 'BR01' && p === '2025-Q1' ? stored : new Map<string, string>();
    };
    const second = await run([ok('a'), ok('b', 'BR01', '2025-Q1', '1,1,1,1,1,1,1,2'), ok('c'), ok('a', 'BR01', '2025-Q2'), ok('c', 'BR02')], { seen });
    expect(second.rejects.map((x) => [x.respondentId, x.reasons[0]])).toEqual([['a', 'DUPLICATE_PRIOR_EXACT'], ['b', 'DUPLICATE_PRIOR_CONFLICT']]);
    expect(second.clean.map((x) => `${x.respondentId} ${x.branch} ${x.period}`)).toEqual(['c BR01 2025-Q1', 'a BR01 2025-Q2', 'c BR02 2025-Q1']);
    expect(asked).toEqual(['BR01 2025-Q1', 'BR01 2025-Q2', 'BR02 2025-Q1']); // once per group
    expect(Object.keys(second.manifest.groups.find((g) => g.branch === 'BR01' && g.period === '2025-Q1')!.newRespondents!)).toEqual(['c']);
  });
  it('empty rows, repeated headers and blank lines', async () => {
    const r = await run([ok('a'), ',,,,,,,,,,', '', '   ', MIN_HEADER, ok('b')]);
    expect(r.rejects.map((x) => [x.line, x.reasons[0]])).toEqual([[3, 'EMPTY_ROW'], [6, 'REPEATED_HEADER']]);
    expect(r.manifest.blankLines).toBe(2);
    expect(r.manifest.lines).toBe(7);
  });
  it('an unclosed quote is confined to its line and parsing resumes on the next', async () => {
    const r = await run([ok('a'), 'b,BR01,"2025-Q1,4,4,5,4,3,4,4,5', ok('c'), ok('d', 'BR01', '"2025-Q1"'), ok('e')]);
    expect(r.rejects.map((x) => [x.line, x.reasons[0], x.respondentId])).toEqual([[3, 'BAD_QUOTING', 'b']]);
    expect(r.clean.map((x) => x.respondentId)).toEqual(['a', 'c', 'd', 'e']);
  });
  it('an unclosed quote on the last line', async () => {
    const r = await clean(`${MIN_HEADER}\n${ok('a')}\nb,BR01,"2025-Q1,4`, { instrument: minimalInstrument });
    expect(r.rejects.map((x) => [x.line, x.reasons[0], x.text])).toEqual([[3, 'BAD_QUOTING', 'b,BR01,"2025-Q1,4']]);
  });
  it('categorical answers outside the codes are rejected; blanks are missing', async () => {
    const ins = loadInstrument({ ...minimalInstrument.spec, programme: {}, demographics: { gender: { codes: { M: ['l'], F: ['p'] } } } }, 'c');
    const csv = [`${MIN_HEADER},programme,gender`, `${ok('a')},JHT,L`, `${ok('b')},,`, `${ok('c')},JKN,M`, `${ok('d')},jkp,X`].join('\n');
    const r = await clean(csv, { instrument: ins });
    expect(r.clean.map((x) => x.categories)).toEqual([['JHT', 'M'], [null, null]]);
    expect(r.rejects.map((x) => x.details)).toEqual([
      ['BAD_CATEGORY programme="JKN": not one of JHT, JKM, JP, JKK, JKP'],
      ['BAD_CATEGORY gender="X": not one of M, F'],
    ]);
  });
  it('header names are matched case- and space-insensitively; extra columns are ignored', async () => {
    const csv = ['Respondent ID ; BRANCH-ID;Period;crm 1;CRM2;CRM3;CRM4;Trust1;TRUST2;TRUST3;TRUST4;Notes', 'a;BR01;2025-Q1;4;4;5;4;3;4;4;5;free text'].join('\r\n');
    const r = await clean(csv, { instrument: minimalInstrument });
    expect(r.clean).toHaveLength(1);
    expect(r.manifest.header.ignored).toEqual(['Notes']);
    expect(r.manifest.format.delimiter).toBe(';');
  });
});

describe('the streaming API', () => {
  it('awaits asynchronous callbacks one row at a time, in input order', async () => {
    const order: string[] = [];
    let inFlight = 0;
    const slow = (tag: string) => async (r: { line: number }) => {
      inFlight++;
      expect(inFlight).toBe(1);
      await new Promise((res) => setImmediate(res));
      order.push(`${tag}${r.line}`);
      inFlight--;
    };
    const { cleanDrop } = await import('../../../../shared/survey/index');
    await cleanDrop(minimalCsv([ok('a'), ok('b', ''), ok('c')]), { instrument: minimalInstrument, source: 's', onClean: slow('C'), onReject: slow('R') });
    expect(order).toEqual(['C2', 'R3', 'C4']);
  });
  it('reads an async iterable of strings, and a synchronous seen map', async () => {
    async function* parts() {
      yield `${MIN_HEADER}\n${ok('a')}`;
      yield `\n${ok('b')}\n`;
    }
    const r = await clean(parts(), { instrument: minimalInstrument, seen: () => new Map([['b', 'x']]) });
    expect(r.clean.map((x) => x.respondentId)).toEqual(['a']);
    expect(r.rejects[0]!.reasons).toEqual(['DUPLICATE_PRIOR_CONFLICT']);
  });
  it('leaves the new-respondent lists out of the manifest on request', async () => {
    const r = await clean(minimalCsv([ok('a')]), { instrument: minimalInstrument, collectNewRespondents: false });
    expect(r.manifest.groups).toEqual([{ branch: 'BR01', period: '2025-Q1', clean: 1, rejected: 0 }]);
  });
});

describe('drops refused as a whole', () => {
  it('names the file, the line and every missing required column', async () => {
    const err = await clean('respondent_id,branch,period,CRM1\nr,BR01,2025-Q1,4\n', { instrument: minimalInstrument, source: 'drops/x.csv' }).catch((e) => e);
    expect(err).toBeInstanceOf(DropRejectedError);
    expect(err.code).toBe('MISSING_COLUMNS');
    expect(err.message).toMatch(/^drops\/x\.csv: line 1: required columns 'branch_id', 'CRM2', 'CRM3', 'CRM4', 'TRUST1', 'TRUST2', 'TRUST3', 'TRUST4' not found/);
  });
  it('a header with two columns for one declared column', async () => {
    const err = await clean(`${MIN_HEADER},Respondent ID\n`, { instrument: minimalInstrument }).catch((e) => e);
    expect(err.code).toBe('DUPLICATE_COLUMNS');
    expect(err.message).toMatch(/'respondent_id' \(header columns 1 'respondent_id', 12 'Respondent ID'\)/);
  });
  it('an empty drop, or only blank lines', async () => {
    for (const input of ['', '\r\n\r\n', '\uFEFF']) {
      const err = await clean(input, { instrument: minimalInstrument }).catch((e) => e);
      expect(err.code).toBe('EMPTY_DROP');
    }
  });
  it('no row reaches the callbacks of a refused drop', async () => {
    let calls = 0;
    await clean(`respondent_id\n${'x\n'.repeat(100)}`, { instrument: minimalInstrument, onHeader: () => void calls++ }).catch(() => undefined);
    expect(calls).toBe(0);
  });
});

describe('reason codes', () => {
  it('are documented', () => {
    for (const [code, text] of Object.entries(REASONS)) expect(text.length, code).toBeGreaterThan(10);
  });
});
