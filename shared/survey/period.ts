// Calendar dates as they arrive from survey tools and Excel, and the days of a quarter. Pure string/number
// functions: the cleaner wraps them in zod cell schemas (fields.ts), the simulator uses them too. Periods
// themselves (quarters, years, their survey spellings) are ../period.ts.
import { MAX_YEAR, MIN_YEAR, parseQuarter } from '../period';

/** First and last calendar day (as [y, m, d]) of a quarter (2025-Q3). */
export function periodBounds(period: string): [[number, number, number], [number, number, number]] {
  const { year: y, quarter } = parseQuarter(period);
  const m0 = (quarter - 1) * 3 + 1;
  return [[y, m0, 1], [y, m0 + 2, daysInMonth(y, m0 + 2)]];
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export interface CalendarDate { year: number; month: number; day: number }

export function isoDate(d: CalendarDate): string {
  return `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

/** Day order of slash/dot/dash dates: Indonesian (and most) locales write day first. */
export type DateOrder = 'DMY' | 'MDY';

const ISO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const LOCAL_DATE = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?:[ T]\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)?$/;
const EXCEL_SERIAL = /^\d{5}(?:[.,]\d+)?$/;

/**
 * A calendar date from: ISO `2025-07-03` (optionally with a time; the date is taken as written, no time-zone
 * shift), locale `03/07/2025`, `3-7-2025`, `03.07.25` (day first unless order = 'MDY'; two-digit years are 20yy),
 * optionally followed by a time, or an Excel serial day number (a date cell exported unformatted, e.g. `45841`).
 * Returns null for anything else or an impossible date (31/02).
 */
export function parseCalendarDate(raw: string, order: DateOrder = 'DMY'): CalendarDate | null {
  const s = raw.trim();
  let y: number;
  let m: number;
  let d: number;
  let match = ISO_DATE.exec(s);
  if (match) {
    y = Number(match[1]);
    m = Number(match[2]);
    d = Number(match[3]);
  } else if ((match = LOCAL_DATE.exec(s))) {
    const a = Number(match[1]);
    const b = Number(match[2]);
    y = match[3]!.length === 2 ? 2000 + Number(match[3]) : Number(match[3]);
    [d, m] = order === 'DMY' ? [a, b] : [b, a];
  } else if (EXCEL_SERIAL.test(s)) {
    // Excel's 1900 date system: serial 1 = 1900-01-01 with the fictitious 1900-02-29, so day 0 is 1899-12-30
    // for every serial after 60. Only plausible survey-era serials (1990-2100) are accepted.
    const serial = Math.floor(Number(s.replace(',', '.')));
    const ms = Date.UTC(1899, 11, 30) + serial * 86_400_000;
    const dt = new Date(ms);
    y = dt.getUTCFullYear();
    m = dt.getUTCMonth() + 1;
    d = dt.getUTCDate();
  } else {
    return null;
  }
  if (y < MIN_YEAR || y > MAX_YEAR || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
  return { year: y, month: m, day: d };
}
