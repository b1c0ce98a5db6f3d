import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvCell, safeFileName, toCsv } from '../../../../shared/api/csv';

describe('csvCell', () => {
  it('neutralizes text that a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell('+1+1')).toBe("'+1+1");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tcmd')).toBe("'\tcmd");
    expect(csvCell('\rcmd')).toBe(`"'\rcmd"`);
  });

  it('writes numbers as numbers: a negative figure is data, not a formula', () => {
    expect(csvCell(-1.25)).toBe('-1.25');
    expect(csvCell(0.000123)).toBe('0.000123');
    expect(csvCell(NaN)).toBe('');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(true)).toBe('TRUE');
  });

  it('quotes separators, quotes, line breaks and edge spaces (RFC 4180)', () => {
    expect(csvCell('Labuan Batu/Rantau Prapat')).toBe('Labuan Batu/Rantau Prapat');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(' pad')).toBe('" pad"');
  });
});

describe('toCsv', () => {
  it('UTF-8 BOM, CRLF after every line, and parses back to the same values', () => {
    const rows = [{ name: 'Medan Kota', v: -0.5, note: '=1+1' }, { name: 'Banda "Aceh", NAD', v: 94.9, note: null }];
    const text = toCsv([{ header: 'Name', value: (r) => r.name }, { header: 'Value', value: (r) => r.v }, { header: 'Note', value: (r) => r.note }], rows);
    expect(text.startsWith('\uFEFFName,Value,Note\r\n')).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n')).toHaveLength(4);
    const back = parse(text.slice(1), { columns: true }) as Record<string, string>[];
    expect(back).toEqual([
      { Name: 'Medan Kota', Value: '-0.5', Note: "'=1+1" },
      { Name: 'Banda "Aceh", NAD', Value: '94.9', Note: '' },
    ]);
  });

  it('file names are safe for Content-Disposition', () => {
    expect(safeFileName('satmon-ranking-2025-"x";y.csv')).toBe('satmon-ranking-2025-_x_y.csv');
  });
});
