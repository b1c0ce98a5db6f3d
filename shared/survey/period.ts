// Calendar dates as they arrive from survey tools and Excel, and the days of a quarter. Pure string/number
// functions: the cleaner wraps them in zod cell schemas (fields.ts), the simulator uses them too. Periods
// themselves (quarters, years, their survey spellings) are ../period.ts.
import { MAX_YEAR, MIN_YEAR, parseQuarter, quarterOfMonth } from '../period';

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

// ISO 8601: date, optional time (seconds and fraction optional), optional offset (Z, +07:00, +0700, +07).
const ISO_STAMP = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
// Locale: 03/07/2025, 3-7-25, 03.07.2025, optionally with a time (Google Forms: 31/03/2024 20:00:00, 3/31/2024 8:05:09).
const LOCAL_STAMP = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?:[ T,]\s*(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?$/;
const EXCEL_SERIAL = /^(\d{5})(?:[.,](\d+))?$/;

/** A date cell as written: the calendar date, the time of day if any, and the offset if the text states one. */
export interface Stamp extends CalendarDate {
  /** [hour, minute, second, millisecond] on the clocks the text was written on; null for a bare date. */
  time: [number, number, number, number] | null;
  /** Minutes east of UTC stated by the text (`Z` = 0); null when the text gives none. */
  offsetMinutes: number | null;
}

/**
 * A date or date-time from: ISO 8601 `2025-07-03`, `2025-07-03T14:05:09.123+07:00`, `2025-07-03 14:05` (with or
 * without an offset); locale `03/07/2025`, `3-7-2025`, `03.07.25` (day first unless order = 'MDY'; two-digit years
 * are 20yy), optionally followed by a time (Google Forms `31/03/2024 20:00:00`); an Excel serial day number (`45841`,
 * or `45841.75` = 18:00). Null for anything else or an impossible date or time (31/02, 25:00).
 */
export function parseStamp(raw: string, order: DateOrder = 'DMY'): Stamp | null {
  const s = raw.trim();
  let y: number, m: number, d: number;
  let time: Stamp['time'] = null;
  let offsetMinutes: number | null = null;
  let match = ISO_STAMP.exec(s);
  if (match) {
    y = Number(match[1]);
    m = Number(match[2]);
    d = Number(match[3]);
    if (match[4] !== undefined) {
      const ms = match[7] ? Math.floor(Number(`0.${match[7]}`) * 1000) : 0;
      time = [Number(match[4]), Number(match[5]), Number(match[6] ?? 0), ms];
    }
    const off = match[8];
    if (off !== undefined) {
      if (off.toUpperCase() === 'Z') offsetMinutes = 0;
      else {
        const digits = off.slice(1).replace(':', '');
        const hh = Number(digits.slice(0, 2));
        const mm = digits.length > 2 ? Number(digits.slice(2)) : 0;
        if (hh > 14 || mm > 59) return null;
        offsetMinutes = (off[0] === '-' ? -1 : 1) * (hh * 60 + mm);
      }
    }
  } else if ((match = LOCAL_STAMP.exec(s))) {
    const a = Number(match[1]);
    const b = Number(match[2]);
    y = match[3]!.length === 2 ? 2000 + Number(match[3]) : Number(match[3]);
    [d, m] = order === 'DMY' ? [a, b] : [b, a];
    if (match[4] !== undefined) time = [Number(match[4]), Number(match[5]), Number(match[6] ?? 0), 0];
  } else if ((match = EXCEL_SERIAL.exec(s))) {
    // Excel's 1900 date system: serial 1 = 1900-01-01 with the fictitious 1900-02-29, so day 0 is 1899-12-30
    // for every serial after 60 (five-digit serials are 1927 on). The fraction is the time of day, on no zone.
    const serial = Number(match[1]);
    const dt = new Date(Date.UTC(1899, 11, 30) + serial * 86_400_000);
    y = dt.getUTCFullYear();
    m = dt.getUTCMonth() + 1;
    d = dt.getUTCDate();
    if (match[2] !== undefined) {
      // Rounded to the millisecond, so 45382.833333333336 (20:00 as Excel stores it) gives 20:00:00.000.
      const msOfDay = Math.min(86_399_999, Math.round(Number(`0.${match[2]}`) * 86_400_000));
      time = [Math.floor(msOfDay / 3_600_000), Math.floor(msOfDay / 60_000) % 60, Math.floor(msOfDay / 1000) % 60, msOfDay % 1000];
    }
  } else {
    return null;
  }
  if (y < MIN_YEAR || y > MAX_YEAR || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
  if (time && (time[0] > 23 || time[1] > 59 || time[2] > 59)) return null;
  return { year: y, month: m, day: d, time, offsetMinutes };
}

/**
 * A calendar date from the texts parseStamp reads, taken as written (no time-zone shift; a time is ignored).
 * Returns null for anything else or an impossible date (31/02).
 */
export function parseCalendarDate(raw: string, order: DateOrder = 'DMY'): CalendarDate | null {
  const st = parseStamp(raw, order);
  return st === null ? null : { year: st.year, month: st.month, day: st.day };
}

// ------------------------------------------------------------------------------------------- time zones

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Local time minus UTC (ms) of a zone at an instant, from Intl's wall-clock parts (no tz tables of our own). */
function offsetAt(ms: number, timeZone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(whole)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - whole;
}

const QUARTER_HOUR = 900_000;
const offsetMemo = new Map<string, number>();

/**
 * offsetAt memoised per zone and quarter hour: offsets change only at quarter-hour-aligned instants (every zone's
 * offset is a whole number of quarter hours today), so a drop's timestamps cost one Intl call per quarter hour they
 * cover, not one per row.
 */
function zoneOffset(ms: number, timeZone: string): number {
  const bucket = Math.floor(ms / QUARTER_HOUR);
  const key = `${timeZone}|${bucket}`;
  let off = offsetMemo.get(key);
  if (off === undefined) {
    off = offsetAt(bucket * QUARTER_HOUR, timeZone);
    if (offsetMemo.size >= 100_000) offsetMemo.clear();
    offsetMemo.set(key, off);
  }
  return off;
}

/** The calendar date on the clocks of `timeZone` at an instant. */
export function localDate(ms: number, timeZone: string): CalendarDate {
  const dt = new Date(ms + zoneOffset(ms, timeZone));
  return { year: dt.getUTCFullYear(), month: dt.getUTCMonth() + 1, day: dt.getUTCDate() };
}

/**
 * The instant (ms) of a stamp with a time: its own offset if it states one, else its wall-clock time in `zone`
 * (a time skipped by a daylight-saving change lands after the gap; a repeated one is the earlier instant).
 * Null for a bare date (a date has no instant: it is taken as written).
 */
/**
 * A date-time stamp placed on a row's calendar: its instant (its own offset, else read on the clocks of dateZone)
 * seen on the clocks of `zone`, as an ISO date and quarter; null for a bare date (taken as written).
 */
export function placeStamp(st: Stamp, dateZone: string, zone: string): { iso: string; period: string } | null {
  const ms = stampInstant(st, dateZone);
  if (ms === null) return null;
  const d = localDate(ms, zone);
  return { iso: isoDate(d), period: quarterOfMonth(d.year, d.month) };
}

export function stampInstant(st: Stamp, zone: string): number | null {
  if (st.time === null) return null;
  const [h, mi, s, ms] = st.time;
  const wall = Date.UTC(st.year, st.month - 1, st.day, h, mi, s, ms);
  if (st.offsetMinutes !== null) return wall - st.offsetMinutes * 60_000;
  // The zone's offsets a day before and after (equal unless it changes in between); one fits unless the time is skipped.
  const offsets = [...new Set([zoneOffset(wall - 86_400_000, zone), zoneOffset(wall + 86_400_000, zone)])];
  const fits = offsets.map((o) => wall - o).filter((t) => zoneOffset(t, zone) === wall - t);
  return fits.length ? Math.min(...fits) : wall - offsets[0]!;
}
