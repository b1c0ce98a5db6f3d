import { describe, expect, it } from 'vitest';
import { parseCalendarDate, periodBounds } from '../../../../shared/survey/period';

// Periods themselves (spellings, order, ranges, quarters of dates) are tested in test/unit/shared/period.test.ts.
describe('days of a quarter', () => {
  it('gives the first and last calendar day', () => {
    expect(periodBounds('2024-Q1')).toEqual([[2024, 1, 1], [2024, 3, 31]]);
    expect(periodBounds('2024-Q4')).toEqual([[2024, 10, 1], [2024, 12, 31]]);
    expect(() => periodBounds('2024')).toThrow(/'2024' is a year, not a quarter/);
  });
});

describe('calendar dates', () => {
  it('reads ISO dates (time and zone ignored) and day-first locale dates', () => {
    expect(parseCalendarDate('2025-07-03')).toEqual({ year: 2025, month: 7, day: 3 });
    expect(parseCalendarDate('2025-07-03T23:59:00+07:00')).toEqual({ year: 2025, month: 7, day: 3 });
    expect(parseCalendarDate('03/07/2025')).toEqual({ year: 2025, month: 7, day: 3 });
    expect(parseCalendarDate('3-7-2025 14:05')).toEqual({ year: 2025, month: 7, day: 3 });
    expect(parseCalendarDate('03.07.25')).toEqual({ year: 2025, month: 7, day: 3 });
    expect(parseCalendarDate('07/03/2025', 'MDY')).toEqual({ year: 2025, month: 7, day: 3 });
  });
  it('reads Excel serial day numbers (1900 system)', () => {
    // 45658 is 2025-01-01 in Excel (=DATE(2025,1,1) shown as a number); 45871 is 2025-08-02.
    expect(parseCalendarDate('45658')).toEqual({ year: 2025, month: 1, day: 1 });
    expect(parseCalendarDate('45871')).toEqual({ year: 2025, month: 8, day: 2 });
  });
  it('refuses impossible or unreadable dates', () => {
    for (const s of ['31/02/2025', '29/02/2025', '2025-13-01', '00/01/2025', 'yesterday', '', '1/1', '2025-02-30']) {
      expect(parseCalendarDate(s)).toBeNull();
    }
    expect(parseCalendarDate('29/02/2024')).toEqual({ year: 2024, month: 2, day: 29 });
  });
});
