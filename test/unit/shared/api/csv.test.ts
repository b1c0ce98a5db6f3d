import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvCell, EXCEL_ID_CSV, safeFileName, toCsv } from '../../../../shared/api/csv';

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

  it('the Indonesian Excel form: `;` between cells, decimal comma, formulas still neutralised', () => {
    const rows = [{ name: 'Medan; Kota', v: 72.6, n: 120, d: -0.5, note: '=HYPERLINK("http://x","y")' }, { name: 'Aceh, NAD', v: null, n: 3, d: 1e-7, note: '+1' }];
    const text = toCsv([
      { header: 'Nama', value: (r) => r.name }, { header: 'Indeks', value: (r) => r.v }, { header: 'n', value: (r) => r.n },
      { header: 'Selisih', value: (r) => r.d }, { header: 'Catatan', value: (r) => r.note },
    ], rows, EXCEL_ID_CSV);
    expect(text.startsWith('\uFEFFNama;Indeks;n;Selisih;Catatan\r\n')).toBe(true);
    expect(text.split('\r\n')[1]).toBe(`"Medan; Kota";72,6;120;-0,5;"'=HYPERLINK(""http://x"",""y"")"`);
    expect(text.split('\r\n')[2]).toBe(`"Aceh, NAD";;3;1e-7;'+1`);
    const back = parse(text.slice(1), { columns: true, delimiter: ';' }) as Record<string, string>[];
    expect(back[0]).toEqual({ Nama: 'Medan; Kota', Indeks: '72,6', n: '120', Selisih: '-0,5', Catatan: `'=HYPERLINK("http://x","y")` });
    expect(csvCell(72.6, EXCEL_ID_CSV)).toBe('72,6');
    expect(csvCell('@SUM(1)', EXCEL_ID_CSV)).toBe("'@SUM(1)");
  });

  it('file names are safe for Content-Disposition', () => {
    expect(safeFileName('satmon-ranking-2025-"x";y.csv')).toBe('satmon-ranking-2025-_x_y.csv');
  });
});
