// Numbers and periods in the reader's language (Intl), as the issue spells them out.
import { describe, expect, it } from 'vitest';
import { createFormat, stars } from '../../../../shared/i18n/format';
import { parseLocale } from '../../../../shared/i18n/locale';

const id = createFormat('id'), en = createFormat('en');

describe('format', () => {
  it('writes 72,6 and "Triwulan III 2025" in Indonesian, 72.6 and "2025 Q3" in English', () => {
    expect(id.index(72.6)).toBe('72,6');
    expect(en.index(72.6)).toBe('72.6');
    expect(id.period('2025-Q3')).toBe('Triwulan III 2025');
    expect(en.period('2025-Q3')).toBe('2025 Q3');
    expect(id.period('2025')).toBe('2025');
  });

  it('groups thousands, signs with a true minus, and shows a dash for a missing figure', () => {
    expect(id.int(12345.4)).toBe('12.345');
    expect(en.int(12345.4)).toBe('12,345');
    expect(id.signed(-2.34)).toBe('−2,3');
    expect(en.signed(2.34)).toBe('+2.3');
    expect(en.signed(-0.01)).toBe('0.0');
    for (const f of [id, en]) for (const v of [null, undefined, NaN, Infinity]) expect(f.index(v)).toBe('–');
  });

  it('writes p-values, shares and CIs', () => {
    expect(id.p(0.0004)).toBe('<0,001');
    expect(en.p(0.0123)).toBe('0.012');
    expect(id.pct(0.4567)).toBe('45,7%');
    expect(id.ci(70.12, 75.2)).toBe('70,1 s.d. 75,2');
    expect(en.ci(70.12, 75.2)).toBe('70.1 to 75.2');
    expect(stars(0.004)).toBe('**');
  });

  it('parses locales', () => {
    expect(parseLocale('id-ID')).toBe('id');
    expect(parseLocale('EN')).toBe('en');
    expect(parseLocale('fr')).toBeUndefined();
    expect(parseLocale(undefined)).toBeUndefined();
  });
});
