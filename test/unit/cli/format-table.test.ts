// The CLI's tables and its language: numbers through shared/i18n (decimal comma in Indonesian), --lang taken out
// of the command line wherever it stands, SATMON_LOCALE otherwise.
import { afterEach, describe, expect, it } from 'vitest';
import { formatCell, formatNumber, formatTable } from '../../../cli/format-table';
import { cliFormat, takeLangFlag } from '../../../cli/i18n';
import { CliError } from '../../../cli/errors';
import { createFormat } from '../../../shared/i18n/format';

const ID = createFormat('id');
const EN = createFormat('en');

describe('formatCell / formatNumber', () => {
  it('fixed decimals in each language, a tiny negative unsigned, thousands grouped', () => {
    expect(formatCell(0.50412, 3, ID)).toBe('0,504');
    expect(formatCell(0.50412, 3, EN)).toBe('0.504');
    expect(formatCell(-0.0001, 3, ID)).toBe('0,000');
    expect(formatCell(-0.087, 3, EN)).toBe('\u22120.087');
    expect(formatCell(1368.9541, 3, ID)).toBe('1.368,954');
    expect(formatCell(1368.9541, 3, EN)).toBe('1,368.954');
    expect(formatCell(null, 3, EN)).toBe('');
    expect(formatCell('CUSA', 3, EN)).toBe('CUSA');
    expect(formatCell(Number.NaN, 3, EN)).toBe('NaN');
    expect(formatCell(-Infinity, 3, EN)).toBe('-Inf');
  });

  it('without decimals: as short as the number is written', () => {
    expect(formatNumber(0.05, ID)).toBe('0,05');
    expect(formatNumber(97.5, EN)).toBe('97.5');
    expect(formatNumber(1.5e-7, EN)).toBe('0.00000015');
    expect(formatNumber(5000, ID)).toBe('5.000');
    expect(formatCell(12, undefined, EN)).toBe('12');
  });
});

describe('formatTable', () => {
  it('aligns numbers right and text left, headers and footnotes as given', () => {
    const text = formatTable([{ header: 'Konstruk' }, { header: 'Indeks', decimals: 1 }], [['TRUST', 72.55], ['SAT', 8]], { title: 'Indeks', footnotes: ['catatan'], fmt: ID });
    expect(text).toBe(['Indeks', 'Konstruk  Indeks', '--------  ------', 'TRUST       72,6', 'SAT          8,0', 'catatan', ''].join('\n'));
  });
});

describe('--lang', () => {
  const saved = process.env.SATMON_LOCALE;
  afterEach(() => {
    if (saved === undefined) delete process.env.SATMON_LOCALE;
    else process.env.SATMON_LOCALE = saved;
  });

  it('is taken out of the arguments before or after the command, and sets the language', () => {
    delete process.env.SATMON_LOCALE;
    expect(cliFormat().locale).toBe('id');
    expect(takeLangFlag(['--lang', 'en', 'regress', '--data', 'd.csv'])).toEqual(['regress', '--data', 'd.csv']);
    expect(cliFormat().locale).toBe('en');
    expect(takeLangFlag(['items', '--lang=id-ID', '--format', 'table'])).toEqual(['items', '--format', 'table']);
    expect(cliFormat().locale).toBe('id');
    expect(cliFormat().num(0.5, 1)).toBe('0,5');
  });

  it('leaves arguments after -- alone and refuses an unknown language', () => {
    expect(takeLangFlag(['clean', '--', '--lang', 'xx'])).toEqual(['clean', '--', '--lang', 'xx']);
    expect(() => takeLangFlag(['--lang', 'fr'])).toThrow(CliError);
    expect(() => takeLangFlag(['regress', '--lang'])).toThrow(/--lang needs a value/);
  });

  it('without --lang: SATMON_LOCALE, and a clear error for a bad one', () => {
    process.env.SATMON_LOCALE = 'en';
    expect(cliFormat().locale).toBe('en');
    process.env.SATMON_LOCALE = 'xx';
    expect(() => cliFormat()).toThrow(/SATMON_LOCALE must be id or en/);
  });
});
