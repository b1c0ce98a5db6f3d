// Periods: quarters (`2025-Q3`) and years (`2025`). The canonical strings are the storage and API form (keys,
// JSON, DynamoDB items, S3 prefixes); `Period` is the parsed value for code that needs the parts. Every function
// that takes a period accepts either. Pure (Intl for time zones only), so the dashboard bundles it too.
//
// Order: a year compares through its last quarter (2025 with 2025-Q4), and sorts right after it, so mixed lists
// of quarters and years sort by when their data end.

/** Plausible survey years: anything outside is a typo or a mis-read cell, not a period. */
export const MIN_YEAR = 1990;
export const MAX_YEAR = 2100;

export type Quarter = 1 | 2 | 3 | 4;
export type QuarterPeriod = { readonly kind: 'quarter'; readonly year: number; readonly quarter: Quarter };
export type YearPeriod = { readonly kind: 'year'; readonly year: number };
export type Period = QuarterPeriod | YearPeriod;
/** A period as stored (`2025-Q3`, `2025`) or parsed. */
export type PeriodLike = string | Period;

/** Bad period text or arithmetic leaving the supported years; `text` is what was refused. */
export class PeriodError extends Error {
  override name = 'PeriodError';
  constructor(readonly text: string, message: string) {
    super(message);
  }
}

const CANONICAL = /^(\d{4})(?:-Q([1-4]))?$/;

const inYears = (year: number) => Number.isInteger(year) && year >= MIN_YEAR && year <= MAX_YEAR;

/** The parsed period of canonical text, or null (wrong form or a year outside 1990-2100). */
export function tryParsePeriod(text: string): Period | null {
  const m = CANONICAL.exec(text);
  if (!m || !inYears(Number(m[1]))) return null;
  const year = Number(m[1]);
  return m[2] ? { kind: 'quarter', year, quarter: Number(m[2]) as Quarter } : { kind: 'year', year };
}

function refuse(text: string, what: string): PeriodError {
  const m = CANONICAL.exec(text);
  if (m && !inYears(Number(m[1]))) return new PeriodError(text, `'${text}': year ${m[1]} is outside ${MIN_YEAR}-${MAX_YEAR}`);
  return new PeriodError(text, `'${text}' is not ${what}`);
}

/** Strict: canonical `2025-Q3` or `2025` only (no spaces, no lower case); throws a PeriodError naming the text. */
export function parsePeriod(text: string): Period {
  const p = tryParsePeriod(text);
  if (!p) throw refuse(text, 'a period like 2025-Q3 or 2025');
  return p;
}

/** Strict quarter `2025-Q3`; a year is refused with a message that says so. */
export function parseQuarter(text: string): QuarterPeriod {
  const p = tryParsePeriod(text);
  if (p?.kind === 'quarter') return p;
  throw p ? new PeriodError(text, `'${text}' is a year, not a quarter like 2025-Q3`) : refuse(text, 'a quarter like 2025-Q3');
}

/** Strict year `2025`; a quarter is refused with a message that says so. */
export function parseYear(text: string): YearPeriod {
  const p = tryParsePeriod(text);
  if (p?.kind === 'year') return p;
  throw p ? new PeriodError(text, `'${text}' is a quarter, not a year like 2025`) : refuse(text, 'a year like 2025');
}

const value = (p: PeriodLike): Period => (typeof p === 'string' ? parsePeriod(p) : p);

export function formatPeriod(p: Period): string {
  return p.kind === 'year' ? String(p.year) : `${p.year}-Q${p.quarter}`;
}

/** A quarter from its parts (checked: quarter 1-4, year 1990-2100). */
export function quarterPeriod(year: number, quarter: number): string {
  if (!inYears(year) || !(quarter >= 1 && quarter <= 4 && Number.isInteger(quarter))) {
    throw new PeriodError(`${year}-Q${quarter}`, `no quarter ${quarter} of year ${year} (quarters 1-4 of ${MIN_YEAR}-${MAX_YEAR})`);
  }
  return `${year}-Q${quarter}`;
}

/** A year from its number (checked: 1990-2100). */
export function yearPeriod(year: number): string {
  if (!inYears(year)) throw new PeriodError(String(year), `year ${year} is outside ${MIN_YEAR}-${MAX_YEAR}`);
  return String(year);
}

/** Canonical period text (a quarter or a year within 1990-2100)? */
export function isPeriod(text: string): boolean {
  return tryParsePeriod(text) !== null;
}

/** A canonical quarter (text) or a quarter value; false for anything else, never throws. */
export function isQuarter(p: PeriodLike): boolean {
  return (typeof p === 'string' ? tryParsePeriod(p) : p)?.kind === 'quarter';
}

/** A canonical year (text) or a year value; false for anything else, never throws. */
export function isYear(p: PeriodLike): boolean {
  return (typeof p === 'string' ? tryParsePeriod(p) : p)?.kind === 'year';
}

export function periodKind(p: PeriodLike): Period['kind'] {
  return value(p).kind;
}

/** 'Q' for a quarter, 'Y' for a year: the tag that keeps a metric's quarterly and annual series apart in keys. */
export function kindTag(p: PeriodLike): 'Q' | 'Y' {
  return value(p).kind === 'year' ? 'Y' : 'Q';
}

/** The calendar year of a quarter, or the year itself. */
export function yearOf(p: PeriodLike): number {
  return value(p).year;
}

/** The quarters a period covers: itself, or the four quarters of a year. */
export function quartersOf(p: PeriodLike): string[] {
  const v = value(p);
  return v.kind === 'quarter' ? [formatPeriod(v)] : [1, 2, 3, 4].map((q) => `${v.year}-Q${q}`);
}

export function firstQuarterOf(p: PeriodLike): string {
  const v = value(p);
  return v.kind === 'quarter' ? formatPeriod(v) : `${v.year}-Q1`;
}

/** The last quarter a period covers ('2025' -> '2025-Q4'): quarters and years compare through it. */
export function lastQuarterOf(p: PeriodLike): string {
  const v = value(p);
  return v.kind === 'quarter' ? formatPeriod(v) : `${v.year}-Q4`;
}

/** Sortable number of a quarter: year * 4 + (quarter - 1). Consecutive quarters differ by 1. Years have none. */
export function periodIndex(q: PeriodLike): number {
  const v = typeof q === 'string' ? parseQuarter(q) : q;
  if (v.kind !== 'quarter') throw new PeriodError(formatPeriod(v), `'${formatPeriod(v)}' is a year; only quarters have an index`);
  return v.year * 4 + v.quarter - 1;
}

/** The quarter of an index (inverse of periodIndex). */
export function periodFromIndex(i: number): string {
  if (!Number.isInteger(i)) throw new PeriodError(String(i), `quarter index ${i} is not an integer`);
  return quarterPeriod(Math.floor(i / 4), (i % 4) + 1);
}

/** The quarter n quarters after q (n < 0: before). */
export function addQuarters(q: PeriodLike, n: number): string {
  return periodFromIndex(periodIndex(q) + n);
}

/** The same period n years later (n < 0: earlier): 2025-Q3 -> 2024-Q3, 2025 -> 2024 for n = -1. */
export function addYears(p: PeriodLike, n: number): string {
  const v = value(p);
  return v.kind === 'year' ? yearPeriod(v.year + n) : quarterPeriod(v.year + n, v.quarter);
}

/** Order of quarters and years together: by last quarter, a year right after its own last quarter. */
export function comparePeriods(a: PeriodLike, b: PeriodLike): number {
  const va = value(a), vb = value(b);
  return periodIndex(lastQuarterOf(va)) - periodIndex(lastQuarterOf(vb)) || (va.kind === vb.kind ? 0 : va.kind === 'quarter' ? -1 : 1);
}

/** Every period from `from` to `to` inclusive: quarters to quarters or years to years. */
export function periodRange(from: PeriodLike, to: PeriodLike): string[] {
  const a = value(from), b = value(to);
  const name = `${formatPeriod(a)}..${formatPeriod(b)}`;
  if (a.kind !== b.kind) throw new PeriodError(name, `period range ${name} mixes a ${a.kind} and a ${b.kind}`);
  if (comparePeriods(a, b) > 0) throw new PeriodError(name, `period range ${name} runs backwards`);
  if (a.kind === 'year') return Array.from({ length: b.year - a.year + 1 }, (_, i) => String(a.year + i));
  const first = periodIndex(a);
  return Array.from({ length: periodIndex(b) - first + 1 }, (_, i) => periodFromIndex(first + i));
}

// ------------------------------------------------------------------------------- survey spellings (lenient)

const QUARTER_SPELLINGS: readonly RegExp[] = [
  /^(\d{4})\s*[-/ _.]?\s*Q([1-4])$/i, // 2025-Q3, 2025Q3, 2025 Q3, 2025/Q3
  /^Q([1-4])\s*[-/ _.]?\s*(\d{4})$/i, // Q3-2025, Q3 2025 (year second)
]; // `2025-3` is deliberately not accepted: it reads as a month as easily as a quarter.

/** `2025-Q3` from the spellings survey tools and Excel use (case-insensitive), or null. Years outside 1990-2100 are refused. */
export function normalizeQuarter(raw: string): string | null {
  const s = raw.trim();
  let m = QUARTER_SPELLINGS[0]!.exec(s);
  let year: number;
  let q: string;
  if (m) {
    year = Number(m[1]);
    q = m[2]!;
  } else {
    m = QUARTER_SPELLINGS[1]!.exec(s);
    if (!m) return null;
    year = Number(m[2]);
    q = m[1]!;
  }
  if (!inYears(year)) return null;
  return `${year}-Q${q}`;
}

/** `2024-Q1..2025-Q4` or a comma list `2024-Q1,2024-Q3`, in survey spellings. Throws with the offending text. */
export function parsePeriodList(text: string): string[] {
  const t = text.trim();
  const range = /^(.+?)\.\.(.+)$/.exec(t);
  if (range) {
    const a = normalizeQuarter(range[1]!);
    const b = normalizeQuarter(range[2]!);
    if (!a || !b) throw new PeriodError(text, `'${text}' is not a period range like 2024-Q1..2025-Q4`);
    return periodRange(a, b);
  }
  return t.split(',').map((p) => {
    const n = normalizeQuarter(p);
    if (!n) throw new PeriodError(p.trim(), `'${p.trim()}' is not a period like 2025-Q3`);
    return n;
  });
}

// ------------------------------------------------------------------------------------------- time zones

/** The quarter of a calendar month (1-12). */
export function quarterOfMonth(year: number, month: number): string {
  if (!(Number.isInteger(month) && month >= 1 && month <= 12)) throw new PeriodError(String(month), `month ${month} is not 1-12`);
  return quarterPeriod(year, Math.floor((month - 1) / 3) + 1);
}

interface WallClock { year: number; month: number; day: number; hour: number; minute: number; second: number }

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
      });
    } catch {
      throw new RangeError(`'${timeZone}' is not a time zone (an IANA name like Asia/Jakarta)`);
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** Date and time on the clocks of a time zone at an instant (whole seconds). */
function wallClock(ms: number, timeZone: string): WallClock {
  const out: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(ms)) if (part.type !== 'literal') out[part.type] = Number(part.value);
  return { year: out.year!, month: out.month!, day: out.day!, hour: out.hour!, minute: out.minute!, second: out.second! };
}

function checkedTime(instant: Date): number {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError('quarterOf: invalid Date');
  return ms;
}

/** The quarter an instant falls in on the calendar of a time zone: 2024-03-31T20:00Z is 2024-Q2 in Asia/Jakarta. */
export function quarterOf(instant: Date, timeZone: string): string {
  const w = wallClock(checkedTime(instant), timeZone);
  return quarterOfMonth(w.year, w.month);
}

/** Local time minus UTC at an instant, in ms. */
function offsetMs(ms: number, timeZone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  const w = wallClock(whole, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - whole;
}

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/;

/**
 * The instant of a local date-time written without an offset (`2025-07-03 14:05`, `2025-07-03T14:05:09.5`,
 * `2025-07-03` = midnight) on the clocks of a time zone. For a zone with daylight saving, a time the change skips
 * is read with the offset before it (so it lands after the gap), a time it repeats as the earlier instant.
 * Throws naming the text.
 */
export function parseLocalDateTime(text: string, timeZone: string): Date {
  const m = LOCAL_DATE_TIME.exec(text.trim());
  const bad = (why: string) => new PeriodError(text, `'${text}' is not a local date-time like 2025-07-03 14:05${why}`);
  if (!m) throw bad('');
  const [y, mo, d, h = 0, mi = 0, s = 0] = m.slice(1, 7).map((x) => (x === undefined ? undefined : Number(x))) as number[];
  const ms = m[7] ? Number(m[7].padEnd(3, '0')) : 0;
  if (!inYears(y!)) throw bad(` (year outside ${MIN_YEAR}-${MAX_YEAR})`);
  const wall = Date.UTC(y!, mo! - 1, d!, h, mi, s, ms);
  const back = new Date(wall);
  if (back.getUTCMonth() !== mo! - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) throw bad(' (no such date or time)');
  // The zone's offsets a day before and after (equal unless its offset changes in between); an offset fits if
  // the clocks show the wall time at wall - offset. Two fit in a repeated hour, none in a skipped one.
  const offsets = [...new Set([offsetMs(wall - DAY_MS, timeZone), offsetMs(wall + DAY_MS, timeZone)])];
  const fits = offsets.map((o) => wall - o).filter((t) => offsetMs(t, timeZone) === wall - t);
  return new Date(fits.length ? Math.min(...fits) : wall - offsets[0]!);
}

const DAY_MS = 86_400_000;
