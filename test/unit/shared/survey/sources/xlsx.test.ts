// The .xlsx record source and the reading of drops by content (sources/). Workbooks are written by
// test/helpers/xlsx-writer.ts, so every test says exactly what is in the file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DropReader, serialToIso, formatKind, sniffFormat } from '../../../../../shared/survey/sources/index';
import { DropRejectedError, loadInstrument, type RawRecord } from '../../../../../shared/survey/index';
import { unprotectCell } from '../../../../../shared/csv-write';
import { parse } from 'csv-parse/sync';
import { savRecords } from '../../../../../shared/survey/sources/sav';
import { xlsxBuffer, xlsxOf, type XCell, type XRow } from '../../../../helpers/xlsx-writer';
import { chunked, clean, MIN_HEADER, minimalCsv, minimalInstrument } from '../helpers';

async function read(input: Buffer | string | Buffer[], opts: { sheet?: string; maxFieldBytes?: number } = {}) {
  const r = new DropReader({ source: 'test.xlsx', ...opts });
  const headers: { fields: string[]; line: number }[] = [];
  r.onHeader = (fields, line) => void headers.push({ fields, line });
  const recs: RawRecord[] = [];
  for await (const b of r.batches(input)) recs.push(...b);
  return { recs, info: r.info, format: r.format(), headers };
}

describe('serialToIso (Excel date serials)', () => {
  it('reads the 1900 system with its leap-year bug, times and the 1904 system', () => {
    // Values as Excel 365 shows them with the format yyyy-mm-dd hh:mm:ss (checked by hand against its documentation:
    // serial 1 = 1900-01-01, 60 = the fictitious 1900-02-29, 61 = 1900-03-01; 45383 = 2024-04-01).
    expect(serialToIso(1, 'date')).toBe('1900-01-01');
    expect(serialToIso(59, 'date')).toBe('1900-02-28');
    expect(serialToIso(60, 'date')).toBe('1900-02-29'); // not a real day: the cleaner's date rule rejects it
    expect(serialToIso(61, 'date')).toBe('1900-03-01');
    expect(serialToIso(45383, 'date')).toBe('2024-04-01');
    expect(serialToIso(45383.5, 'date')).toBe('2024-04-01T12:00:00'); // a date format holding a time keeps it
    expect(serialToIso(45383, 'datetime')).toBe('2024-04-01T00:00:00');
    expect(serialToIso(45382.8333333333, 'datetime')).toBe('2024-03-31T20:00:00'); // rounded to the second
    expect(serialToIso(45382.99999999, 'datetime')).toBe('2024-04-01T00:00:00'); // rounding carries into the next day
    expect(serialToIso(0.3541666667, 'time')).toBe('08:30:00');
    expect(serialToIso(1.25, 'time')).toBe('1900-01-01T06:00:00');
    expect(serialToIso(0, 'date', true)).toBe('1904-01-01');
    expect(serialToIso(43921, 'date', true)).toBe('2024-04-01'); // 1904 serial = 1900 serial - 1462
    expect(serialToIso(-1, 'date')).toBeNull();
    expect(serialToIso(3e6, 'date')).toBeNull();
  });

  it('tells date, time and plain number formats apart', () => {
    expect(formatKind('dd/mm/yyyy')).toBe('date');
    expect(formatKind('[$-421]d mmmm yyyy;@')).toBe('date');
    expect(formatKind('mmm-yy')).toBe('date');
    expect(formatKind('dd/mm/yyyy hh:mm:ss')).toBe('datetime');
    expect(formatKind('h:mm AM/PM')).toBe('time');
    expect(formatKind('[h]:mm:ss')).toBe('time');
    expect(formatKind('0.00')).toBe('number');
    expect(formatKind('#,##0;[Red]-#,##0')).toBe('number');
    expect(formatKind('"Day "0')).toBe('number'); // quoted text is not a format token
    expect(formatKind('General')).toBe('number');
    expect(formatKind('[$Rp-421]#,##0')).toBe('number');
  });
});

describe('xlsx records', () => {
  it('reads numbers, shared, inline and rich strings, booleans, errors, formulas and date cells as what they are', async () => {
    const buf = await xlsxOf([
      ['id', 'n', 'when', 'time', 'text', 'flag', 'err', 'formula', 'iso'],
      ['A1', 4, { n: 45382.8333333333, fmt: 'dd/mm/yyyy hh:mm:ss' }, { n: 0.5, fmt: 20 }, { rich: ['Sangat ', 'Setuju'], phonetic: 'x' }, true, { error: '#N/A' }, { formula: 'A2&"x"', str: 'A1x' }, { isoDate: '2024-03-31T20:00:00Z' }],
      ['A2', 4.5, { n: 45383, fmt: 14 }, { n: 45383, fmt: 0 }, { inline: 'line\r\nbreak' }, false, '', { formula: '1', str: '_x' }, null],
    ]);
    const { recs, headers, format, info } = await read(buf);
    expect(headers).toEqual([{ fields: ['id', 'n', 'when', 'time', 'text', 'flag', 'err', 'formula', 'iso'], line: 1 }]);
    expect(recs.map((r) => r.fields)).toEqual([
      ['id', 'n', 'when', 'time', 'text', 'flag', 'err', 'formula', 'iso'],
      ['A1', '4', '2024-03-31T20:00:00', '12:00:00', 'Sangat Setuju', 'TRUE', '#N/A', 'A1x', '2024-03-31T20:00:00Z'],
      // 45383 without a date format stays a number (the cleaner's date rule reads it as a serial)
      ['A2', '4.5', '2024-04-01', '45383', 'line\r\nbreak', 'FALSE', '', '_x', ''],
    ]);
    expect(format).toEqual({ format: 'xlsx', encoding: 'utf-8', bom: false, delimiter: null, lineBreak: 'none', sheet: 'Sheet1' });
    expect(info.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(info.bytes).toBe(buf.length);
  });

  it('numbers rows as the worksheet does and fills gaps with empty cells', async () => {
    const rows: XRow[] = [
      { r: 1, cells: ['a', 'b', 'c', 'd'] },
      { r: 2, cells: [1, null, 3] }, // D2 and B2 absent
      { r: 5, cells: [null, null, null, 'x'] }, // rows 3-4 absent
      { r: 6, cells: [null, null] }, // stored but empty: a blank line
      { r: 7, cells: [1, 2, 3, 4, 'beyond'] }, // a cell past the header: kept, the cleaner counts the fields
    ];
    for (const noRefs of [false, true]) {
      const { recs, info } = await read(await xlsxOf(rows, { noRefs }));
      if (noRefs) {
        // Without references, rows follow each other and cells fill from column A.
        expect(recs.map((r) => r.line)).toEqual([1, 2, 3, 5]);
        continue;
      }
      expect(recs.map((r) => [r.line, r.fields])).toEqual([
        [1, ['a', 'b', 'c', 'd']],
        [2, ['1', '', '3', '']],
        [5, ['', '', '', 'x']],
        [7, ['1', '2', '3', '4', 'beyond']],
      ]);
      expect(info.lines).toBe(7);
      expect(info.blankLines).toBe(3);
    }
  });

  it('writes raw text as a formula-safe CSV line that gives back the cells', async () => {
    const cells = ['=HYPERLINK("http://x","y")', '+1', '-2', '@SUM(1)', "'quoted", 'a,b', 'say "hi"', ' pad '];
    const { recs } = await read(await xlsxOf([['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7', 'h8'], cells, [-2, 1.5, 'x', '', '', '', '', '']]));
    const text = recs[1]!.text;
    expect(text.startsWith('"\'=HYPERLINK')).toBe(true);
    expect((parse(text) as string[][])[0]!.map(unprotectCell)).toEqual(cells);
    expect(recs[2]!.text).toBe('-2,1.5,x,,,,,'); // numbers are not prefixed
  });

  it('reads the first worksheet, or the one named (exactly, then ignoring case and spaces)', async () => {
    const buf = await xlsxBuffer({
      sheets: [
        { name: 'Cover', rows: [['about'], ['this file']] },
        { name: 'Data  2024', rows: [['id'], ['x']] },
      ],
    });
    expect((await read(buf)).recs.map((r) => r.fields)).toEqual([['about'], ['this file']]);
    const named = await read(buf, { sheet: 'data 2024' });
    expect(named.recs.map((r) => r.fields)).toEqual([['id'], ['x']]);
    expect(named.format.sheet).toBe('Data  2024');
    const err = await read(buf, { sheet: 'Responses' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DropRejectedError);
    expect((err as DropRejectedError).code).toBe('MISSING_SHEET');
    expect((err as Error).message).toContain('"Cover", "Data  2024"');
  });

  it('reads shared strings written before or after the sheet, the 1904 system, and any chunking', async () => {
    const rows: XRow[] = [['id', 'd'], ['x', { n: 43921, fmt: 'yyyy-mm-dd' }]];
    for (const sharedStringsFirst of [false, true]) {
      const buf = await xlsxOf(rows, { sharedStringsFirst, date1904: true });
      for (const input of [buf, chunked(buf, [1, 3, 100, 777])]) {
        expect((await read(input)).recs[1]!.fields).toEqual(['x', '2024-04-01']);
      }
    }
  });

  it('cuts an over-long cell as the CSV reader does (LINE_TOO_LONG), keeping the row', async () => {
    const long = 'x'.repeat(5000);
    const { recs } = await read(await xlsxOf([['a', 'b'], ['1', long], ['2', 'ok']], { inlineStrings: true }), { maxFieldBytes: 1000 });
    expect(recs[1]!.issue?.code).toBe('LINE_TOO_LONG');
    expect(recs[1]!.fields![1]!.length).toBeLessThan(1100);
    expect(recs[2]!.issue).toBeUndefined();
  });

  it('refuses broken workbooks and other zip files with a clear reason', async () => {
    const buf = await xlsxOf([['a'], ['1']]);
    const cut = await read(buf.subarray(0, buf.length - 30)).catch((e: unknown) => e);
    expect((cut as DropRejectedError).code).toBe('UNREADABLE_FILE');
    const ods = Buffer.from('PK\u0003\u0004not really a zip');
    expect(((await read(ods).catch((e: unknown) => e)) as DropRejectedError).code).toBe('UNREADABLE_FILE');
  });
});

describe('recognised by content', () => {
  it('tells the formats apart from their first bytes', () => {
    expect(sniffFormat(Buffer.from('PK\u0003\u0004'))).toEqual({ format: 'xlsx' });
    expect(sniffFormat(Buffer.from('$FL2@(#) IBM SPSS'))).toMatchObject({ format: 'sav' });
    expect(sniffFormat(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))).toMatchObject({ format: 'unsupported' });
    expect(sniffFormat(Buffer.from('a,b\n1,2\n'))).toEqual({ format: 'csv' });
    expect(sniffFormat(Buffer.from('a,b\n1,2\n', 'utf16le'))).toEqual({ format: 'csv', utf16: { endian: 'le', bom: false } });
    expect(sniffFormat(Buffer.from('a,b\n1,2\n', 'utf16le').swap16())).toEqual({ format: 'csv', utf16: { endian: 'be', bom: false } });
    expect(sniffFormat(Buffer.from([0xfe, 0xff, 0, 0x61]))).toEqual({ format: 'csv', utf16: { endian: 'be', bom: true } });
    expect(sniffFormat(Buffer.from('Agência,ação\n1,2\n', 'latin1'))).toEqual({ format: 'csv' });
  });

  const rows = ['R1,BR01,2025-Q1,4,4,5,3,4,4,4,5', 'R2,BR01,2025-Q1,5,4,9,3,4,4,4,5', 'R3,BR02,2025-Q1,3,3,3,3,3,3,3,3'];
  const xlsxRows = (): XRow[] => [MIN_HEADER.split(','), ...rows.map((r) => r.split(',').map((c, j): XCell => (j >= 3 ? Number(c) : c)))];
  const summary = (r: Awaited<ReturnType<typeof clean>>) => ({
    clean: r.clean.map((c) => [c.line, c.respondentId, c.branch, c.period, c.items, c.answerHash]),
    rejects: r.rejects.map((x) => [x.line, x.reasons, x.fields]),
    counts: [r.manifest.inputRows, r.manifest.cleanRows, r.manifest.rejectedRows, r.manifest.lines],
  });

  it('cleans an .xlsx named .csv, and UTF-16 without a BOM (either order), to the same rows as the CSV', async () => {
    const opts = { instrument: minimalInstrument, source: 'drop.csv' };
    const csv = await clean(minimalCsv(rows), opts);
    expect(csv.manifest.format.format).toBe('csv');
    const xl = await clean(await xlsxOf(xlsxRows()), opts);
    expect(summary(xl)).toEqual(summary(csv));
    expect(xl.manifest.format).toMatchObject({ format: 'xlsx', sheet: 'Sheet1' });
    const le = Buffer.from(minimalCsv(rows).replace(/\n/g, '\r\n'), 'utf16le');
    const u16 = await clean(chunked(le, [1, 513, 1025]), opts);
    expect(summary(u16).clean).toEqual(summary(csv).clean);
    expect(u16.manifest.format).toEqual({ format: 'csv', encoding: 'utf-16le', bom: false, delimiter: ',', lineBreak: 'CRLF' });
    expect(u16.manifest.bytes).toBe(le.length);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(minimalCsv(rows), 'utf16le').swap16()]);
    const u16be = await clean(be, opts);
    expect(summary(u16be).clean).toEqual(summary(csv).clean);
    expect(u16be.manifest.format).toMatchObject({ encoding: 'utf-16be', bom: true });
  });

  it('reads the sheet the instrument names, and a date cell fills the period', async () => {
    const instrument = loadInstrument({
      id: 'x', idColumn: 'respondent_id', branchColumn: 'branch_id', dateColumn: 'tanggal', sheet: 'Data', scale: { min: 1, max: 5 },
      missingCodes: [''], constructs: { CRM: ['CRM1', 'CRM2', 'CRM3', 'CRM4'], TRUST: ['TRUST1', 'TRUST2', 'TRUST3', 'TRUST4'] },
    }, 'test');
    const header = MIN_HEADER.replace('period', 'tanggal').split(',');
    const data = (d: XCell, id: string): XCell[] => [id, 'BR01', d, 4, 4, 5, 3, 4, 4, 4, 5];
    const buf = await xlsxBuffer({
      sheets: [
        { name: 'Petunjuk', rows: [['Isi sheet Data']] },
        { name: 'Data', rows: [header, data({ n: 45382.8333333333, fmt: 'dd/mm/yyyy hh:mm' }, 'R1'), data(45474, 'R2'), data({ n: 60, fmt: 14 }, 'R3')] },
      ],
    });
    const r = await clean(buf, { instrument, source: 'drop.xlsx' });
    expect(r.clean.map((c) => [c.line, c.period])).toEqual([[2, '2024-Q1'], [3, '2024-Q3']]);
    expect(r.rejects.map((x) => [x.line, x.reasons])).toEqual([[4, ['BAD_DATE']]]);
    expect(r.rejects[0]!.text).toContain('1900-02-29');
    expect(r.manifest.format.sheet).toBe('Data');
  });

  it('reads SPSS by content (a broken one is refused naming it) and refuses old .xls workbooks naming the format', async () => {
    const sav = await clean(Buffer.from('$FL2@(#) SPSS DATA FILE'), { instrument: minimalInstrument }).catch((e: unknown) => e);
    expect((sav as DropRejectedError).code).toBe('UNREADABLE_FILE');
    expect((sav as Error).message).toContain('SPSS .sav');
    const xls = await clean(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), { instrument: minimalInstrument }).catch((e: unknown) => e);
    expect((xls as Error).message).toContain('.xls');
  });
});

describe('an SPSS drop, recognised by content', () => {
  it('is read by sav.ts through the same entry point, whatever its name', async () => {
    const buf = readFileSync(join(import.meta.dirname, '../../../../fixtures/sav/survey-byte.sav'));
    const direct: RawRecord[] = [];
    for await (const rec of savRecords(buf).records) direct.push(rec);
    const { recs, format, info, headers } = await read(chunked(buf, [2, 700]));
    expect(recs).toEqual(direct);
    expect(headers[0]!.fields).toEqual(direct[0]!.fields);
    expect(format).toMatchObject({ format: 'sav', delimiter: null });
    expect(info.bytes).toBe(buf.length);
    expect(info.lines).toBe(direct.length);
  });
});

describe('property: random small sheets', () => {
  const cell: fc.Arbitrary<XCell> = fc.oneof(
    fc.constant(null),
    fc.string({ maxLength: 8 }),
    fc.constantFrom('=1+1', '-x', 'a,b', '"q"', ' ', 'Setuju'),
    fc.integer({ min: -5, max: 10 }),
    fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.record({ n: fc.double({ min: 0, max: 80000, noNaN: true }), fmt: fc.constantFrom<number | string>(14, 22, 20, 'dd/mm/yyyy') }),
  );
  it('every stored non-empty row is one record with its row number; the cleaner conserves rows; nothing crashes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ gap: fc.nat(3), cells: fc.array(cell, { maxLength: 12 }) }), { maxLength: 25 }),
        fc.boolean(),
        async (spec, inline) => {
          let r = 0;
          const rows = spec.map((s) => ({ r: (r += 1 + s.gap), cells: s.cells }));
          const nonEmpty = rows.filter((x) => x.cells.some((c) => c !== null && c !== undefined && c !== ''));
          const buf = await xlsxOf([{ r: 1, cells: MIN_HEADER.split(',') }, ...rows.map((x) => ({ r: x.r + 1, cells: x.cells }))], { inlineStrings: inline });
          const { recs, info } = await read(buf);
          expect(recs.map((x) => x.line)).toEqual([1, ...nonEmpty.map((x) => x.r + 1)]);
          for (const rec of recs.slice(1)) {
            expect(rec.fields!.length).toBeGreaterThanOrEqual(11);
            expect((parse(rec.text, { relax_column_count: true }) as string[][])[0]!.map(unprotectCell).slice(0, rec.fields!.length)).toEqual(
              rec.fields!.map((f) => f).slice(0, (parse(rec.text) as string[][])[0]!.length),
            );
          }
          expect(info.lines - info.blankLines).toBe(recs.length);
          const c = await clean(buf, { instrument: minimalInstrument, source: 'p.xlsx' });
          expect(c.manifest.inputRows).toBe(nonEmpty.length);
          expect(c.clean.length + c.rejects.length).toBe(nonEmpty.length);
        },
      ),
      { seed: 20240331, numRuns: 60 },
    );
  });
});
