import { describe, expect, it } from 'vitest';
import {
  normalizePeriod, parseCalendarDate, parsePeriodList, periodBounds, periodIndex, periodOfDate, periodRange,
} from '../../../shared/survey/period';

describe('periods', () => {
  it('normalises the accepted spellings to YYYY-Qn', () => {
    for (const s of ['2025-Q3', '2025Q3', '2025 q3', ' 2025/Q3 ', 'Q3-2025', 'q3 2025', '2025_Q3']) expect(normalizePeriod(s)).toBe('2025-Q3');
  });
  it('refuses malformed periods, quarters outside 1-4 and implausible years', () => {
    for (const s of ['2025-Q5', '2025-Q0', '2025-3', '25-Q3', 'Q3', '', '1899-Q1', '2101-Q1', '2025-Q3x']) expect(normalizePeriod(s)).toBeNull();
  });
  it('orders, ranges and lists periods', () => {
    expect(periodIndex('2025-Q1') - periodIndex('2024-Q4')).toBe(1);
    expect(periodRange('2024-Q3', '2025-Q2')).toEqual(['2024-Q3', '2024-Q4', '2025-Q1', '2025-Q2']);
    expect(parsePeriodList('2024-Q1..2025-Q4')).toHaveLength(8);
    expect(parsePeriodList('2025-Q1, 2025q3')).toEqual(['2025-Q1', '2025-Q3']);
    expect(() => parsePeriodList('2025-Q4..2025-Q1')).toThrow(/backwards/);
    expect(() => parsePeriodList('2025-Q1,nope')).toThrow(/'nope'/);
  });
  it('maps dates to quarters and quarters to their days', () => {
    expect(periodOfDate(2025, 3)).toBe('2025-Q1');
    expect(periodOfDate(2025, 4)).toBe('2025-Q2');
    expect(periodOfDate(2025, 12)).toBe('2025-Q4');
    expect(periodBounds('2024-Q1')).toEqual([[2024, 1, 1], [2024, 3, 31]]);
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
