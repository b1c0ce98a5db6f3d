// The product's one CSV writer: formula neutralizing (every trigger character), exact undo, RFC 4180 quoting, and
// the two dialects, checked by reading the output back with csv-parse.
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import {
  CSV_BOM, csvCell, csvDocument, csvRow, EXCEL_CSV, isPlainCell, MACHINE_CSV, protectCell, quoteCell, startsWithTrigger, unprotectCell,
} from '../../../shared/csv-write';

const TRIGGERS = ['=', '+', '-', '@', '\t', '\r'];

describe('protectCell / unprotectCell', () => {
  it('prefixes every formula trigger, and a leading quote so that the prefix can be undone', () => {
    for (const t of [...TRIGGERS, "'"]) {
      expect(startsWithTrigger(`${t}x`), JSON.stringify(t)).toBe(true);
      expect(protectCell(`${t}x`)).toBe(`'${t}x`);
      expect(unprotectCell(protectCell(`${t}x`))).toBe(`${t}x`);
    }
    expect(protectCell('=HYPERLINK("http://x","y")')).toBe(`'=HYPERLINK("http://x","y")`);
    expect(protectCell("+cmd|' /C calc'!A0")).toBe("'+cmd|' /C calc'!A0");
    expect(protectCell('@SUM(1)')).toBe("'@SUM(1)");
    expect(protectCell("''")).toBe("'''");
  });
  it('leaves other text alone: letters, digits, a later trigger, a leading space or line feed', () => {
    for (const s of ['', 'R001', '4', 'a=1', 'x+y', ' =1', '\n=1', '"=1"', 'é', '＝1']) {
      expect(protectCell(s), JSON.stringify(s)).toBe(s);
      expect(unprotectCell(s), JSON.stringify(s)).toBe(s);
    }
  });
  it('unprotectCell(protectCell(s)) === s for any text', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => void expect(unprotectCell(protectCell(s))).toBe(s)), { numRuns: 1000, seed: 1 });
  });
});

describe('csvCell', () => {
  it('protects, then quotes (RFC 4180: comma, quote, CR, LF; white space or a control character at an end)', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell('\tcmd')).toBe("'\tcmd");
    expect(csvCell('\rcmd')).toBe(`"'\rcmd"`);
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(' pad')).toBe('" pad"');
    expect(csvCell('pad ')).toBe('"pad "');
    expect(csvCell('\u0000x')).toBe('"\u0000x"');
    expect(csvCell('Labuan Batu/Rantau Prapat')).toBe('Labuan Batu/Rantau Prapat');
  });
  it('numbers as numbers (never prefixed), booleans as TRUE/FALSE, nothing as an empty cell', () => {
    expect(csvCell(-1.25)).toBe('-1.25');
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(NaN)).toBe('');
    expect(csvCell(Infinity)).toBe('');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(false)).toBe('FALSE');
    expect(csvCell('-3')).toBe("'-3"); // the same as text is protected
  });
  it('isPlainCell is true only when csvCell leaves the text as it is', () => {
    const text = fc.oneof(
      fc.string({ unit: 'grapheme-ascii' }),
      fc.string({ unit: 'binary' }),
      fc.tuple(fc.constantFrom(...TRIGGERS, "'", ' ', ',', '"', 'a', '\n'), fc.string({ unit: 'grapheme-ascii', maxLength: 6 })).map(([a, b]) => a + b),
    );
    fc.assert(fc.property(text, (s) => {
      if (isPlainCell(s)) expect(csvCell(s)).toBe(s);
    }), { numRuns: 3000, seed: 2 });
    for (const s of ['R001', 'BR07', '2025-Q3', '2025-12-31', 'a b', '31-40']) expect(isPlainCell(s), s).toBe(true);
    for (const s of ['-1', "'a", 'a,b', ' a', 'a ', 'é', 'a\tb']) expect(isPlainCell(s), s).toBe(false);
  });
  it('quoteCell does not protect (only quotes)', () => {
    expect(quoteCell('=1')).toBe('=1');
    expect(quoteCell('=1,2')).toBe('"=1,2"');
  });
});

describe('dialects', () => {
  const rows = [
    ['id', 'note', 'v'],
    ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", -2],
    ['@SUM(1)', '\t\r\n', 3.5],
    ["'quoted", '-', null],
  ] as const;
  const original = rows.map((r) => r.map((c) => (c === null ? '' : String(c))));

  it('machine: comma, LF after every row, no byte-order mark; reads back exactly through csv-parse + unprotectCell', () => {
    const text = csvDocument(rows, MACHINE_CSV);
    expect(text.startsWith('id,note,v\n')).toBe(true);
    expect(text.endsWith('\n')).toBe(true);
    expect(text.replace(/"(?:[^"]|"")*"/g, '"…"').includes('\r')).toBe(false); // CR only inside quoted cells
    expect(text.charCodeAt(0)).not.toBe(0xfeff);
    const back = parse(text) as string[][];
    expect(back.map((r) => r.map(unprotectCell))).toEqual(original);
    // What a spreadsheet sees: no cell starts with a trigger (the number -2 is a number).
    for (const c of back.flat()) if (c !== '-2') expect(TRIGGERS.includes(c.charAt(0)), c).toBe(false);
  });
  it('Excel: byte-order mark and CRLF; reads back exactly through csv-parse (bom) + unprotectCell', () => {
    const text = csvDocument(rows, EXCEL_CSV);
    expect(text.startsWith(`${CSV_BOM}id,note,v\r\n`)).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    const back = parse(text, { bom: true }) as string[][];
    expect(back.map((r) => r.map(unprotectCell))).toEqual(original);
  });
  it('csvRow defaults to the machine dialect', () => {
    expect(csvRow(['a', 1])).toBe('a,1\n');
    expect(csvRow(['a', 1], EXCEL_CSV)).toBe('a,1\r\n');
  });
  it('any text round-trips in either dialect', () => {
    const cell = fc.oneof(fc.string({ unit: 'grapheme' }), fc.tuple(fc.constantFrom(...TRIGGERS, "'", '"', ','), fc.string()).map(([a, b]) => a + b));
    fc.assert(fc.property(fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 5 }), fc.boolean(), (table, excel) => {
      const text = csvDocument(table, excel ? EXCEL_CSV : MACHINE_CSV);
      const back = parse(text, { bom: true, relax_column_count: false }) as string[][];
      expect(back.map((r) => r.map(unprotectCell))).toEqual(table);
    }), { numRuns: 500, seed: 3 });
  });
});
