import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addQuarters, addYears, comparePeriods, firstQuarterOf, formatPeriod, isPeriod, isQuarter, isYear, kindTag, lastQuarterOf,
  MAX_YEAR, MIN_YEAR, normalizeQuarter, parseLocalDateTime, parsePeriod, parsePeriodList, parseQuarter, parseYear,
  PeriodError, periodFromIndex, periodIndex, periodKind, periodRange, quarterOf, quarterOfMonth, quarterPeriod, quartersOf,
  tryParsePeriod, yearOf, yearPeriod,
} from '../../../shared/period';

const SEED = { seed: 20251231, numRuns: 400 };

const ALL: string[] = [];
for (let y = MIN_YEAR; y <= MAX_YEAR; y++) ALL.push(String(y), `${y}-Q1`, `${y}-Q2`, `${y}-Q3`, `${y}-Q4`);

const anyPeriod = fc.constantFrom(...ALL);
const anyQuarter = fc.constantFrom(...ALL.filter((p) => p.includes('-Q')));

describe('parse and format', () => {
  it('round-trips every canonical quarter and year of 1990-2100', () => {
    for (const s of ALL) expect(formatPeriod(parsePeriod(s))).toBe(s);
    expect(parsePeriod('2025-Q3')).toEqual({ kind: 'quarter', year: 2025, quarter: 3 });
    expect(parsePeriod('2025')).toEqual({ kind: 'year', year: 2025 });
  });

  it('accepts nothing but canonical text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 9 }), (s) => {
      const p = tryParsePeriod(s);
      if (p) expect(formatPeriod(p)).toBe(s);
      expect(isPeriod(s)).toBe(p !== null);
    }), SEED);
  });

  it('refuses other spellings with a message that names the text', () => {
    for (const s of ['2025Q3', '2025-q3', ' 2025-Q3', '2025-Q3 ', '2025-Q5', '2025-Q0', '2025-3', '25', '', '2025-Q3x', '02025']) {
      expect(() => parsePeriod(s)).toThrow(`'${s}' is not a period like 2025-Q3 or 2025`);
    }
    expect(() => parsePeriod('1899-Q1')).toThrow("'1899-Q1': year 1899 is outside 1990-2100");
    expect(() => parsePeriod('2101')).toThrow("'2101': year 2101 is outside 1990-2100");
    try {
      parsePeriod('nope');
    } catch (e) {
      expect(e).toBeInstanceOf(PeriodError);
      expect((e as PeriodError).text).toBe('nope');
    }
  });

  it('parses one kind on request and says when the other kind was given', () => {
    expect(parseQuarter('2025-Q4')).toEqual({ kind: 'quarter', year: 2025, quarter: 4 });
    expect(parseYear('2025')).toEqual({ kind: 'year', year: 2025 });
    expect(() => parseQuarter('2025')).toThrow("'2025' is a year, not a quarter like 2025-Q3");
    expect(() => parseYear('2025-Q1')).toThrow("'2025-Q1' is a quarter, not a year like 2025");
    expect(() => parseQuarter('2025Q1')).toThrow("'2025Q1' is not a quarter like 2025-Q3");
    expect(() => parseYear('1800')).toThrow(/year 1800 is outside/);
  });

  it('builds periods from their parts, within the years', () => {
    expect(quarterPeriod(2025, 3)).toBe('2025-Q3');
    expect(yearPeriod(1990)).toBe('1990');
    expect(() => quarterPeriod(2025, 5)).toThrow(/no quarter 5 of year 2025/);
    expect(() => quarterPeriod(1989, 4)).toThrow(PeriodError);
    expect(() => yearPeriod(2101)).toThrow(/year 2101 is outside 1990-2100/);
  });
});

describe('kinds and parts', () => {
  it('tells quarters from years (text or value) without throwing on junk', () => {
    expect([isQuarter('2025-Q1'), isQuarter('2025'), isQuarter('junk'), isQuarter(parsePeriod('2025-Q2'))]).toEqual([true, false, false, true]);
    expect([isYear('2025'), isYear('2025-Q1'), isYear('1800'), isYear({ kind: 'year', year: 2025 })]).toEqual([true, false, false, true]);
    expect([kindTag('2025'), kindTag('2025-Q3')]).toEqual(['Y', 'Q']);
    expect([periodKind('2025'), periodKind('2025-Q3')]).toEqual(['year', 'quarter']);
    expect(() => kindTag('2025 Q3')).toThrow(/'2025 Q3' is not a period/);
  });

  it('gives the year and the quarters of a period', () => {
    expect(yearOf('2024-Q3')).toBe(2024);
    expect(yearOf('2024')).toBe(2024);
    expect(quartersOf('2025')).toEqual(['2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4']);
    expect(quartersOf('2025-Q2')).toEqual(['2025-Q2']);
    expect([firstQuarterOf('2025'), lastQuarterOf('2025'), firstQuarterOf('2025-Q2'), lastQuarterOf('2025-Q2')]).toEqual(['2025-Q1', '2025-Q4', '2025-Q2', '2025-Q2']);
  });

  it('quarters of a year are the year range of their year', () => {
    fc.assert(fc.property(anyPeriod, (p) => {
      const qs = quartersOf(p);
      expect(qs.every((q) => yearOf(q) === yearOf(p))).toBe(true);
      expect(qs).toEqual(periodRange(firstQuarterOf(p), lastQuarterOf(p)));
    }), SEED);
  });
});

describe('index arithmetic', () => {
  it('numbers quarters consecutively and only quarters', () => {
    expect(periodIndex('2025-Q1') - periodIndex('2024-Q4')).toBe(1);
    expect(periodIndex('2025-Q3')).toBe(2025 * 4 + 2);
    expect(() => periodIndex('2025')).toThrow("'2025' is a year, not a quarter like 2025-Q3");
    expect(() => periodIndex({ kind: 'year', year: 2025 })).toThrow(/only quarters have an index/);
    expect(() => periodFromIndex(8100.5)).toThrow(/not an integer/);
    expect(() => periodFromIndex(periodIndex('2100-Q4') + 1)).toThrow(/2101/);
  });

  it('periodFromIndex inverts periodIndex; addQuarters and addYears move along the calendar', () => {
    fc.assert(fc.property(anyQuarter, fc.integer({ min: -40, max: 40 }), (q, n) => {
      expect(periodFromIndex(periodIndex(q))).toBe(q);
      const i = periodIndex(q) + n;
      if (i >= periodIndex('1990-Q1') && i <= periodIndex('2100-Q4')) expect(periodIndex(addQuarters(q, n))).toBe(i);
    }), SEED);
    expect(addQuarters('2024-Q4', 1)).toBe('2025-Q1');
    expect(addQuarters('2025-Q1', -1)).toBe('2024-Q4');
    expect(addQuarters('2025-Q1', -5)).toBe('2023-Q4');
    expect(addYears('2025-Q3', -1)).toBe('2024-Q3');
    expect(addYears('2025', -1)).toBe('2024');
    expect(() => addYears('1990', -1)).toThrow(/1989 is outside/);
  });
});

describe('order of quarters and years together', () => {
  it('sorts a year right after its last quarter', () => {
    const mixed = ['2025', '2024-Q4', '2025-Q4', '2024', '2025-Q1', '2023-Q2'];
    expect([...mixed].sort(comparePeriods)).toEqual(['2023-Q2', '2024-Q4', '2024', '2025-Q1', '2025-Q4', '2025']);
    expect(comparePeriods('2025', '2025')).toBe(0);
    expect(comparePeriods('2024', '2025-Q1')).toBeLessThan(0);
    expect(comparePeriods(parsePeriod('2025-Q4'), '2025')).toBeLessThan(0);
  });

  it('agrees with the last quarters, and with text order within one kind', () => {
    fc.assert(fc.property(anyPeriod, anyPeriod, (a, b) => {
      const c = Math.sign(comparePeriods(a, b));
      expect(Math.sign(comparePeriods(b, a)) + c).toBe(0); // antisymmetric
      const byLast = Math.sign(periodIndex(lastQuarterOf(a)) - periodIndex(lastQuarterOf(b)));
      if (byLast !== 0) expect(c).toBe(byLast);
      if (periodKind(a) === periodKind(b)) expect(c).toBe(Math.sign(a.localeCompare(b)));
      expect(c === 0).toBe(a === b);
    }), SEED);
  });

  it('is transitive', () => {
    fc.assert(fc.property(anyPeriod, anyPeriod, anyPeriod, (a, b, c) => {
      if (comparePeriods(a, b) <= 0 && comparePeriods(b, c) <= 0) expect(comparePeriods(a, c)).toBeLessThanOrEqual(0);
    }), SEED);
  });
});

describe('ranges', () => {
  it('lists quarters or years from..to inclusive', () => {
    expect(periodRange('2024-Q3', '2025-Q2')).toEqual(['2024-Q3', '2024-Q4', '2025-Q1', '2025-Q2']);
    expect(periodRange('2023', '2025')).toEqual(['2023', '2024', '2025']);
    expect(periodRange('2025-Q1', '2025-Q1')).toEqual(['2025-Q1']);
  });

  it('refuses a backwards or mixed range, naming it', () => {
    expect(() => periodRange('2025-Q4', '2025-Q1')).toThrow('period range 2025-Q4..2025-Q1 runs backwards');
    expect(() => periodRange('2025', '2024')).toThrow('period range 2025..2024 runs backwards');
    expect(() => periodRange('2024', '2025-Q1')).toThrow('period range 2024..2025-Q1 mixes a year and a quarter');
  });

  it('has length and ends as the indices say', () => {
    fc.assert(fc.property(anyQuarter, anyQuarter, (a, b) => {
      const [x, y] = comparePeriods(a, b) <= 0 ? [a, b] : [b, a];
      const r = periodRange(x, y);
      expect(r.length).toBe(periodIndex(y) - periodIndex(x) + 1);
      expect([r[0], r.at(-1)]).toEqual([x, y]);
    }), SEED);
  });
});

describe('survey spellings', () => {
  it('normalises the accepted spellings of a quarter', () => {
    for (const s of ['2025-Q3', '2025Q3', '2025 q3', ' 2025/Q3 ', 'Q3-2025', 'q3 2025', '2025_Q3']) expect(normalizeQuarter(s)).toBe('2025-Q3');
  });

  it('refuses malformed quarters, quarters outside 1-4, implausible years and bare years', () => {
    for (const s of ['2025-Q5', '2025-Q0', '2025-3', '25-Q3', 'Q3', '', '1899-Q1', '2101-Q1', '2025-Q3x', '2025']) expect(normalizeQuarter(s)).toBeNull();
  });

  it('reads period lists and ranges', () => {
    expect(parsePeriodList('2024-Q1..2025-Q4')).toHaveLength(8);
    expect(parsePeriodList('2024q4 .. Q2 2025')).toEqual(['2024-Q4', '2025-Q1', '2025-Q2']);
    expect(parsePeriodList('2025-Q1, 2025q3')).toEqual(['2025-Q1', '2025-Q3']);
    expect(() => parsePeriodList('2025-Q4..2025-Q1')).toThrow(/backwards/);
    expect(() => parsePeriodList('2025-Q1..later')).toThrow("'2025-Q1..later' is not a period range like 2024-Q1..2025-Q4");
    expect(() => parsePeriodList('2025-Q1,nope')).toThrow("'nope' is not a period like 2025-Q3");
  });
});

describe('quarters of dates and instants', () => {
  it('maps calendar months to quarters', () => {
    expect([1, 3, 4, 6, 7, 9, 10, 12].map((m) => quarterOfMonth(2025, m))).toEqual(['2025-Q1', '2025-Q1', '2025-Q2', '2025-Q2', '2025-Q3', '2025-Q3', '2025-Q4', '2025-Q4']);
    expect(() => quarterOfMonth(2025, 13)).toThrow(/month 13 is not 1-12/);
  });

  it('reads an instant on the calendar of a time zone (Indonesia: WIB, WITA, WIT)', () => {
    const t = new Date('2024-03-31T20:00:00Z');
    expect(quarterOf(t, 'UTC')).toBe('2024-Q1');
    expect(quarterOf(t, 'Asia/Jakarta')).toBe('2024-Q2'); // 2024-04-01 03:00 WIB (UTC+7)
    expect(quarterOf(t, 'Asia/Makassar')).toBe('2024-Q2'); // 04:00 WITA (UTC+8)
    expect(quarterOf(t, 'Asia/Jayapura')).toBe('2024-Q2'); // 05:00 WIT (UTC+9)
    expect(quarterOf(new Date('2024-03-31T16:59:59Z'), 'Asia/Jakarta')).toBe('2024-Q1'); // 23:59:59 WIB
    expect(quarterOf(new Date('2024-03-31T17:00:00Z'), 'Asia/Jakarta')).toBe('2024-Q2'); // midnight WIB
    expect(quarterOf(new Date('2024-03-31T14:59:59Z'), 'Asia/Jayapura')).toBe('2024-Q1');
    expect(quarterOf(new Date('2024-03-31T15:00:00Z'), 'Asia/Jayapura')).toBe('2024-Q2');
    // New year: 2024-12-31T17:00Z is already 2025 in Jakarta, still 2024 in UTC.
    expect(quarterOf(new Date('2024-12-31T17:00:00Z'), 'Asia/Jakarta')).toBe('2025-Q1');
    expect(quarterOf(new Date('2024-12-31T17:00:00Z'), 'UTC')).toBe('2024-Q4');
    // West of UTC the other way round: 2025-01-01T03:00Z is still New Year's Eve in New York.
    expect(quarterOf(new Date('2025-01-01T03:00:00Z'), 'America/New_York')).toBe('2024-Q4');
  });

  it('agrees with fixed-offset arithmetic in the DST-free Indonesian zones', () => {
    const zones = [['UTC', 0], ['Asia/Jakarta', 7], ['Asia/Makassar', 8], ['Asia/Jayapura', 9], ['Etc/GMT-7', 7]] as const;
    const ms = fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2100, 11, 31, 14) });
    fc.assert(fc.property(ms, fc.constantFrom(...zones), (t, [zone, hours]) => {
      const local = new Date(t + hours * 3_600_000); // its UTC fields are the zone's wall clock
      expect(quarterOf(new Date(t), zone)).toBe(quarterOfMonth(local.getUTCFullYear(), local.getUTCMonth() + 1));
    }), SEED);
  });

  it('refuses an unknown time zone or an invalid date', () => {
    expect(() => quarterOf(new Date(), 'Asia/Atlantis')).toThrow("'Asia/Atlantis' is not a time zone");
    expect(() => quarterOf(new Date('nope'), 'UTC')).toThrow(/invalid Date/);
  });
});

describe('local date-times without an offset', () => {
  it('reads them on the clocks of a time zone', () => {
    expect(parseLocalDateTime('2024-04-01 03:00', 'Asia/Jakarta').toISOString()).toBe('2024-03-31T20:00:00.000Z');
    expect(parseLocalDateTime('2024-04-01T03:00:00', 'Asia/Makassar').toISOString()).toBe('2024-03-31T19:00:00.000Z');
    expect(parseLocalDateTime('2024-04-01T03:00:09.5', 'Asia/Jayapura').toISOString()).toBe('2024-03-31T18:00:09.500Z');
    expect(parseLocalDateTime('2024-04-01', 'Asia/Jakarta').toISOString()).toBe('2024-03-31T17:00:00.000Z');
    expect(parseLocalDateTime(' 2024-04-01 00:00 ', 'UTC').toISOString()).toBe('2024-04-01T00:00:00.000Z');
    // The quarter boundary in WIB, read back through quarterOf.
    expect(quarterOf(parseLocalDateTime('2024-03-31 23:59:59', 'Asia/Jakarta'), 'Asia/Jakarta')).toBe('2024-Q1');
    expect(quarterOf(parseLocalDateTime('2024-04-01 00:00', 'Asia/Jakarta'), 'Asia/Jakarta')).toBe('2024-Q2');
  });

  it('inverts the wall clock of fixed-offset zones', () => {
    const zones = [['UTC', 0], ['Asia/Jakarta', 7], ['Asia/Makassar', 8], ['Asia/Jayapura', 9]] as const;
    const ms = fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2100, 11, 31, 14) });
    fc.assert(fc.property(ms, fc.constantFrom(...zones), (t, [zone, hours]) => {
      const wall = new Date(t + hours * 3_600_000).toISOString().slice(0, 23); // 2024-04-01T03:00:00.000
      expect(parseLocalDateTime(wall, zone).getTime()).toBe(t);
    }), SEED);
  });

  it('resolves times skipped or repeated by a daylight-saving change', () => {
    // New York springs forward at 02:00 on 2025-03-09: 02:30 does not exist and is read as 03:30 EDT.
    expect(parseLocalDateTime('2025-03-09 02:30', 'America/New_York').toISOString()).toBe('2025-03-09T07:30:00.000Z');
    // It falls back at 02:00 on 2025-11-02: 01:30 happens twice, the first (EDT) is taken.
    expect(parseLocalDateTime('2025-11-02 01:30', 'America/New_York').toISOString()).toBe('2025-11-02T05:30:00.000Z');
    // Berlin falls back at 03:00 on 2025-10-26: 02:30 CEST comes first.
    expect(parseLocalDateTime('2025-10-26 02:30', 'Europe/Berlin').toISOString()).toBe('2025-10-26T00:30:00.000Z');
  });

  it('refuses other forms, impossible dates and times, naming the text', () => {
    for (const s of ['2025-07-03T14:05Z', '2025-07-03 14:05+07:00', '03/07/2025 14:05', '2025-7-3 14:05', '2025-07-03 14']) {
      expect(() => parseLocalDateTime(s, 'Asia/Jakarta')).toThrow(`'${s}' is not a local date-time like 2025-07-03 14:05`);
    }
    expect(() => parseLocalDateTime('2025-02-29 10:00', 'Asia/Jakarta')).toThrow(/no such date or time/);
    expect(() => parseLocalDateTime('2025-07-03 24:00', 'Asia/Jakarta')).toThrow(/no such date or time/);
    expect(() => parseLocalDateTime('1989-12-31 10:00', 'Asia/Jakarta')).toThrow(/year outside 1990-2100/);
    expect(() => parseLocalDateTime('2025-07-03 10:00', 'Mars/Olympus')).toThrow(/'Mars\/Olympus' is not a time zone/);
  });
});
