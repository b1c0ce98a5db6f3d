// One test (or more) per cleaning rule. Fixtures: test/fixtures/survey/ (made by hand-checked rows; each line's
// expected outcome is written next to it below).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defaultInstrument, DropRejectedError, loadInstrument, messageText, REASONS, showCell } from '../../../../shared/survey/index';
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
    expect(r.manifest.format).toEqual({ format: 'csv', encoding: 'utf-8', bom: true, delimiter: ';', lineBreak: 'CRLF' });
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
    // (the fixture predates the occupation column: it is absent, null in every row)
    expect(cats(2)).toEqual(['JHT', 'PU', '31-40', 'M', 'SMA', null]); // age 35, gender L(aki-laki)
    expect(cats(19)).toEqual(['JHT', 'PU', '41-50', 'F', 'S2S3', null]); // "41 – 50", Perempuan, S2
    expect(cats(20).slice(0, 2)).toEqual(['JP', 'BPU']); // jaminan pensiun, bukan penerima upah
    expect(r.byLine.get(19)!.clean!.items.slice(0, 4)).toEqual([4, 4, 5, 4]); // "4,0"
  });
  it('turns a declared missing code into a missing value', () => {
    const row = r.byLine.get(5)!.clean!;
    // (the drop has no SKM columns: the nine unsur are absent, a block it does not carry)
    const unsur = new Set(defaultInstrument.spec.ikm!.unsur);
    expect(row.items.filter((v, i) => Number.isNaN(v) && !unsur.has(defaultInstrument.items[i]!))).toHaveLength(1);
    expect(r.manifest.header.absent).toEqual(expect.arrayContaining([...unsur]));
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
    expect(r.manifest.instrument).toMatchObject({ id: 'bpjstk-satisfaction', version: '1.1.0' });
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

describe('uploads to a branch folder (uploaderBranch): WRONG_BRANCH', () => {
  const rows = [ok('a', 'BR07'), ok('b', 'br07'), ok('c', 'BR01'), ok('d', ''), ok('e', 'BR 1'), ok('f', 'BR99')];
  it('rejects well-formed ids of other branches, naming both; other branch findings stay as they were', async () => {
    const asked: string[] = [];
    const r = await clean(minimalCsv(rows), { instrument: minimalInstrument, uploaderBranch: 'br07', seen: (b, p) => (asked.push(`${b} ${p}`), new Map()) });
    expect(r.clean.map((x) => x.respondentId)).toEqual(['a', 'b']);
    expect(r.rejects.map((x) => [x.respondentId, x.reasons])).toEqual([
      ['c', ['WRONG_BRANCH']], ['d', ['MISSING_BRANCH']], ['e', ['BAD_BRANCH']], ['f', ['WRONG_BRANCH']],
    ]);
    expect(r.rejects[0]!.details).toEqual(['WRONG_BRANCH branch_id="BR01": the row is for BR01, the file was uploaded to the folder of BR07']);
    // Another branch's rows are not grouped: its stored respondents are never looked up.
    expect(asked).toEqual(['BR07 2025-Q1']);
    expect(r.manifest.groups.map((g) => [g.branch, g.clean, g.rejected])).toEqual([['BR07', 2, 0]]);
    expect(r.manifest.ungroupedRejected).toBe(4);
  });
  it('an id that is also unknown gets both reasons', async () => {
    const r = await clean(minimalCsv(rows), { instrument: minimalInstrument, uploaderBranch: 'BR07', knownBranches: new Set(['BR01', 'BR07']) });
    expect(r.rejects.map((x) => [x.respondentId, x.reasons])).toEqual([
      ['c', ['WRONG_BRANCH']], ['d', ['MISSING_BRANCH']], ['e', ['BAD_BRANCH']], ['f', ['UNKNOWN_BRANCH', 'WRONG_BRANCH']],
    ]);
  });
  it('unset (head office, the CLI without --branch): no check', async () => {
    const r = await clean(minimalCsv(rows), { instrument: minimalInstrument });
    expect(r.clean.map((x) => x.branch)).toEqual(['BR07', 'BR07', 'BR01', 'BR99']);
  });
  it('a malformed uploaderBranch is the caller\'s bug: RangeError before any row', async () => {
    for (const bad of ['', 'BR 07', 'BR07..', '../BR07']) {
      let calls = 0;
      const err = await clean(minimalCsv(rows), { instrument: minimalInstrument, uploaderBranch: bad, onHeader: () => void calls++ }).catch((e) => e);
      expect(err, bad).toBeInstanceOf(RangeError);
      expect(calls).toBe(0);
    }
  });
});

describe('periods and dates after the quarter following the upload: FUTURE_PERIOD', () => {
  const periods = ['2024-Q1', '2025-Q3', '2025-Q4', '2026-Q1', '2099-Q1', '2100-Q4'];
  const run = (receivedAt: Date, timeZone?: string) =>
    clean(minimalCsv(periods.map((p, i) => ok(`r${i}`, 'BR01', p))), { instrument: minimalInstrument, receivedAt, timeZone });
  const accepted = async (receivedAt: Date, timeZone?: string) => (await run(receivedAt, timeZone)).clean.map((x) => x.period);

  it('a drop received in 2025-Q3 holds periods up to 2025-Q4; later ones are rejected with the limit named', async () => {
    const r = await run(new Date('2025-08-15T03:00:00Z'));
    expect(r.clean.map((x) => x.period)).toEqual(['2024-Q1', '2025-Q3', '2025-Q4']);
    expect(r.rejects.map((x) => x.reasons)).toEqual([['FUTURE_PERIOD'], ['FUTURE_PERIOD'], ['FUTURE_PERIOD']]);
    expect(r.rejects[1]!.details).toEqual([
      'FUTURE_PERIOD period="2099-Q1": later than 2025-Q4, the quarter after the upload\'s (received 2025-08-15T03:00:00.000Z, 2025-Q3 in Asia/Jakarta)',
    ]);
    // Rejected future rows are not grouped (no bogus 2099-Q1 group in the manifest).
    expect(r.manifest.groups.map((g) => g.period)).toEqual(['2024-Q1', '2025-Q3', '2025-Q4']);
    expect(r.manifest.ungroupedRejected).toBe(3);
  });
  it('the boundary is the upload quarter on the Jakarta calendar (UTC+7), to the second', async () => {
    // 2025-09-30 23:59:59 in Jakarta is still 2025-Q3 there: 2026-Q1 is too late.
    expect(await accepted(new Date('2025-09-30T16:59:59Z'))).toEqual(['2024-Q1', '2025-Q3', '2025-Q4']);
    // One second later it is 2025-10-01 00:00 in Jakarta (2025-Q4): 2026-Q1 is the quarter after.
    expect(await accepted(new Date('2025-09-30T17:00:00Z'))).toEqual(['2024-Q1', '2025-Q3', '2025-Q4', '2026-Q1']);
    // The same instant in UTC is still 2025-Q3.
    expect(await accepted(new Date('2025-09-30T17:00:00Z'), 'UTC')).toEqual(['2024-Q1', '2025-Q3', '2025-Q4']);
    // Year end: received in 2025-Q4, 2026-Q1 passes, 2026-Q2 would not.
    expect(await accepted(new Date('2025-12-31T16:59:59Z'))).toEqual(['2024-Q1', '2025-Q3', '2025-Q4', '2026-Q1']);
  });
  it('unset: no check (2099-Q1 passes the library; the callers pass the upload time)', async () => {
    expect((await clean(minimalCsv([ok('a', 'BR01', '2099-Q1')]), { instrument: minimalInstrument })).clean).toHaveLength(1);
  });
  it('a submission date by the same rule: up to the last day of the quarter after the upload', async () => {
    const ins = loadInstrument({ ...minimalInstrument.spec, dateColumn: 'date' }, 'd');
    const head = `${MIN_HEADER},date`;
    const csv = [head, `${ok('a', 'BR01', '')},31/12/2025`, `${ok('b', 'BR01', '')},01/01/2026`, `${ok('c', 'BR01', '2025-Q3')},2099-01-01`,
      `${ok('d', 'BR01', '2026-Q1')},2026-01-01`, `${ok('e', 'BR01', '2025-Q4')},15/08/2025`].join('\n');
    const r = await clean(csv, { instrument: ins, receivedAt: new Date('2025-08-15T03:00:00Z') });
    expect(r.clean.map((x) => [x.respondentId, x.period, x.date])).toEqual([['a', '2025-Q4', '2025-12-31'], ['e', '2025-Q4', '2025-08-15']]);
    expect(r.rejects.map((x) => [x.respondentId, x.reasons])).toEqual([['b', ['FUTURE_PERIOD']], ['c', ['FUTURE_PERIOD']], ['d', ['FUTURE_PERIOD']]]);
    expect(r.rejects[1]!.details[0]).toMatch(/^FUTURE_PERIOD date="2099-01-01": in 2099-Q1, later than 2025-Q4/);
    expect(r.rejects[2]!.details).toHaveLength(2); // both the period and the date are too late
  });
});

describe('branch ids with .. or a final .', () => {
  it('are BAD_BRANCH; single dots inside stay valid', async () => {
    const ids = ['BR01..', 'BR..01', '..', 'BR01.', '.BR01', 'BR.01', 'BR-01_A', 'br.7'];
    const r = await clean(minimalCsv(ids.map((b, i) => ok(`r${i}`, b))), { instrument: minimalInstrument });
    expect(r.rejects.map((x) => [x.fields[1], x.reasons])).toEqual(ids.slice(0, 5).map((b) => [b, ['BAD_BRANCH']]));
    expect(r.clean.map((x) => x.branch)).toEqual(['BR.01', 'BR-01_A', 'BR.7']);
  });
});

describe('input text in messages: escaped and capped', () => {
  const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/;
  it('row details show NULs, control characters and bidi overrides escaped; each cell at most 40 characters', async () => {
    const r = await clean(minimalCsv([ok('a\u0000b'), ok('c', 'BR\u0007'), ok('d', 'BR01', '2025\u202eQ1'), ok('e', 'BR01', 'x'.repeat(600))]), { instrument: minimalInstrument });
    expect(r.rejects.map((x) => x.details[0])).toEqual([
      'BAD_ID respondent_id="a\\u0000b": has control characters',
      'BAD_BRANCH branch_id="BR\\u0007": not a well-formed branch id',
      'BAD_PERIOD period="2025\\u202eQ1": not a quarter like 2025-Q3',
      `BAD_PERIOD period="${'x'.repeat(40)}…": not a quarter like 2025-Q3`,
    ]);
    for (const d of r.rejects.flatMap((x) => x.details)) expect(CONTROL.test(d), d).toBe(false);
  });
  it('showCell: JSON-style quoting, DEL, C1 and line separators escaped too, no split surrogate pair', () => {
    expect(showCell('a\tb\n"c"\u007f\u0085\u2028')).toBe('"a\\tb\\n\\"c\\"\\u007f\\u0085\\u2028"');
    expect(showCell(`${'x'.repeat(39)}😀tail`)).toBe(`"${'x'.repeat(39)}…"`);
  });
  it('messageText: escapes, caps in UTF-8 bytes with the count cut, and leaves its own output unchanged', () => {
    expect(messageText('a\u0000b\r\n')).toBe('a\\u0000b\\r\\n');
    const long = messageText('é'.repeat(10_000), 100);
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(100);
    expect(long).toMatch(/^é+… \(\d+ bytes cut\)$/);
    expect(messageText(long, 100)).toBe(long);
    expect(messageText('\ud800x')).toBe('\\ud800x'); // a lone surrogate
  });
  it('a long header line without delimiters: a refusal under 1 KB that names file and line', async () => {
    const header = 'x'.repeat(60_000);
    const err = await clean(`${header}\n${'y'.repeat(100)}\n`, { instrument: minimalInstrument, source: 'drops/branch=BR07/big.csv' }).catch((e) => e);
    expect(err).toBeInstanceOf(DropRejectedError);
    expect(err.code).toBe('MISSING_COLUMNS');
    expect(Buffer.byteLength(err.message)).toBeLessThan(1024);
    expect(err.message).toMatch(/^drops\/branch=BR07\/big\.csv: line 1: required columns 'respondent_id', 'branch_id', 'period'/);
    expect(err.message).toMatch(/the header has: x+… \(\d+ bytes cut\)\)$/);
  });
  it('a 600 KB header line without delimiters (over the reader\'s field limit): still under 1 KB, file and line named', async () => {
    const err = await clean(`${'x'.repeat(600_000)}\n${'y'.repeat(100)}\n`, { instrument: minimalInstrument, source: 'drops/branch=BR07/big.csv' }).catch((e) => e);
    expect(err).toBeInstanceOf(DropRejectedError);
    expect(Buffer.byteLength(err.message)).toBeLessThan(1024);
    expect(err.message).toMatch(/^drops\/branch=BR07\/big\.csv: line \d+: /);
  });
  it('a 600 KB header of many columns: the list is cut to a few hundred bytes', async () => {
    const header = Array.from({ length: 15 }, (_, i) => `${i}${'x'.repeat(40_000)}`).join(',');
    const err = await clean(`${header}\n`, { instrument: minimalInstrument, source: 'big.csv' }).catch((e) => e);
    expect(err.code).toBe('MISSING_COLUMNS');
    expect(Buffer.byteLength(err.message)).toBeLessThan(1024);
    expect(err.message).toMatch(/^big\.csv: line 1: required columns 'respondent_id', .*'TRUST4' not found in the header .*the header has: 0x+… \(\d+ bytes cut\), 1x+/);
  });
  it('NULs and control characters in the header, the source and duplicate columns are escaped; every refusal stays under 1 KB', async () => {
    const cols = Array.from({ length: 20 }, (_, i) => `c\u0000${i}\n${'z'.repeat(40_000)}`);
    const e1 = await clean(cols.map((c) => `"${c}"`).join(',') + '\n', { instrument: minimalInstrument, source: 'drops/\u0000evil\u202e.csv' }).catch((e) => e);
    expect(e1.code).toBe('MISSING_COLUMNS');
    expect(e1.message.startsWith('drops/\\u0000evil\\u202e.csv: line 1: ')).toBe(true);
    expect(e1.message).toContain('c\\u00000\\nzzz');
    expect(CONTROL.test(e1.message)).toBe(false);
    expect(Buffer.byteLength(e1.message)).toBeLessThan(1024);
    const e2 = await clean(`${MIN_HEADER},"Respondent\u000b\u2028${' '.repeat(60_000)} ID"\n`, { instrument: minimalInstrument }).catch((e) => e);
    expect(e2.code).toBe('DUPLICATE_COLUMNS');
    expect(CONTROL.test(e2.message)).toBe(false);
    expect(Buffer.byteLength(e2.message)).toBeLessThan(1024);
    const e3 = await clean(`"${'\u0000'.repeat(600_000)}\n`, { instrument: minimalInstrument, source: 's'.repeat(5000) }).catch((e) => e);
    expect(e3).toBeInstanceOf(DropRejectedError);
    expect(CONTROL.test(e3.message)).toBe(false);
    expect(Buffer.byteLength(e3.message)).toBeLessThanOrEqual(1024);
    expect(e3.message).toMatch(/^s+… \(\d+ bytes cut\): /);
  });
});

describe('reason codes', () => {
  it('are documented', () => {
    for (const [code, text] of Object.entries(REASONS)) expect(text.length, code).toBeGreaterThan(10);
  });
});
