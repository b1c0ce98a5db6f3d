// The state machine's first state turns its input into {period} or {year}. Evaluated here with the jsonata
// library (the language Step Functions runs), binding $states as Step Functions does.
import fc from 'fast-check';
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { ASSESSMENT } from '../../../infra/config';
import { RESOLVE_PERIOD } from '../../../infra/constructs/assessment';
import {
  addQuarters, addYears, isPeriod, isQuarter, isYear, MAX_YEAR, MIN_YEAR, parseLocalDateTime, quarterOf, yearOf,
} from '../../../shared/period';

const expr = jsonata(RESOLVE_PERIOD);
const run = (input: Record<string, unknown>, startTime = '2025-05-05T00:00:00.000Z') =>
  expr.evaluate({}, { states: { input, context: { Execution: { Name: 'exec-1', StartTime: startTime } } } });

describe('RESOLVE_PERIOD', () => {
  it('passes a period or a year through', async () => {
    expect(await run({ period: '2025-Q3' })).toEqual({ period: '2025-Q3' });
    expect(await run({ year: '2024' })).toEqual({ year: '2024' });
    expect(await run({ year: 2024 })).toEqual({ year: '2024' });
  });

  it('rejects a malformed period or year with a clear message', async () => {
    await expect(run({ period: '2025Q3' })).rejects.toThrow(/period must look like 2025-Q1, got 2025Q3/);
    await expect(run({ period: '2025-Q5' })).rejects.toThrow(/period must look like/);
    await expect(run({ year: '25' })).rejects.toThrow(/year must look like 2025/);
    await expect(run({})).rejects.toThrow(/input needs period/);
    await expect(run({ cadence: 'monthly', scheduledTime: '2025-04-14T19:00:00Z' })).rejects.toThrow(/input needs period/);
  });

  // The quarterly cron fires at 02:00 WIB on the 15th of Jan/Apr/Jul/Oct, i.e. 19:00 UTC on the 14th.
  it.each([
    ['2025-01-14T19:00:00Z', '2024-Q4'],
    ['2025-04-14T19:00:00Z', '2025-Q1'],
    ['2025-07-14T19:00:00Z', '2025-Q2'],
    ['2025-10-14T19:00:00Z', '2025-Q3'],
    // Jakarta time decides: 17:30 UTC on 31 March is already 1 April in WIB.
    ['2025-03-31T17:30:00Z', '2025-Q1'],
    ['2025-03-31T16:30:00Z', '2024-Q4'],
  ])('quarterly at %s assesses %s', async (scheduledTime, period) => {
    expect(await run({ cadence: 'quarterly', scheduledTime })).toEqual({ period });
  });

  it.each([
    ['2025-01-30T20:00:00Z', '2024'], // the annual cron: 03:00 WIB on 31 January
    ['2024-12-31T17:00:00Z', '2024'], // 00:00 WIB on 1 January 2025 would assess 2024
    ['2024-12-31T16:59:59Z', '2023'],
  ])('annual at %s assesses %s', async (scheduledTime, year) => {
    expect(await run({ cadence: 'annual', scheduledTime })).toEqual({ year });
  });

  it('falls back to the execution start time for a cadence started by hand', async () => {
    expect(await run({ cadence: 'quarterly' }, '2025-05-05T00:00:00.000Z')).toEqual({ period: '2025-Q1' });
  });

  it('uses the configured WIB offset', () => {
    expect(ASSESSMENT.utcOffsetHours).toBe(7);
    expect(RESOLVE_PERIOD).toContain("'+0700'");
  });
});

// The same decisions made by shared/period.ts: the state machine's JSONata must not drift from the Period module.
describe('RESOLVE_PERIOD agrees with shared/period.ts', () => {
  const SEED = { seed: 7_2025, numRuns: 300 };
  const ZONE = 'Asia/Jakarta'; // the schedules' time zone; the JSONata uses its fixed offset (WIB, no DST)
  const outcome = async (input: Record<string, unknown>) => {
    try {
      return await run(input);
    } catch {
      return 'refused';
    }
  };
  const years = fc.integer({ min: MIN_YEAR, max: MAX_YEAR });
  const canonical = fc.oneof(years.map(String), fc.tuple(years, fc.integer({ min: 1, max: 4 })).map(([y, q]) => `${y}-Q${q}`));
  // Near misses of canonical text: other case, spaces, separators, digits, quarters 0 and 5-9.
  const nearMiss = fc.tuple(canonical, fc.constantFrom('lower', 'space', 'nodash', 'slash', 'q0', 'q5', 'short', 'suffix', 'prefix'))
    .map(([p, how]) => ({
      lower: p.toLowerCase(), space: ` ${p}`, nodash: p.replace('-', ''), slash: p.replace('-', '/'), q0: `${p.slice(0, 4)}-Q0`,
      q5: `${p.slice(0, 4)}-Q${5 + (p.length % 5)}`, short: p.slice(2), suffix: `${p}x`, prefix: `0${p}`,
    })[how]!);
  const text = fc.oneof(canonical, nearMiss, fc.string({ maxLength: 8 }));
  // Four leading digits outside 1990-2100 are the one known difference: the JSONata checks only the form, so such a
  // period starts a run and the assess handler (periodOf) refuses it. Left out here, shown below.
  const inYears = (s: string) => !/^\d{4}/.test(s) || (Number(s.slice(0, 4)) >= MIN_YEAR && Number(s.slice(0, 4)) <= MAX_YEAR);

  it('takes an explicit period exactly when it is a canonical quarter, and a year exactly when it is a year', async () => {
    await fc.assert(fc.asyncProperty(text, async (s) => {
      fc.pre(inYears(s));
      expect(await outcome({ period: s })).toEqual(isQuarter(s) ? { period: s } : 'refused');
      expect(await outcome({ year: s })).toEqual(isYear(s) ? { year: s } : 'refused');
    }), SEED);
  });

  it('checks only the form of the year (the assess handler applies 1990-2100)', async () => {
    expect(await run({ period: '1800-Q1' })).toEqual({ period: '1800-Q1' });
    expect(isPeriod('1800-Q1')).toBe(false);
  });

  // A cadence assesses the quarter (year) before the one scheduledTime falls in on Jakarta's calendar.
  const expected = (t: number) => {
    const q = quarterOf(new Date(t), ZONE);
    return { quarterly: { period: addQuarters(q, -1) }, annual: { year: addYears(String(yearOf(q)), -1) } };
  };
  const check = async (t: number) => {
    const scheduledTime = new Date(t).toISOString();
    const want = expected(t);
    expect(await run({ cadence: 'quarterly', scheduledTime })).toEqual(want.quarterly);
    expect(await run({ cadence: 'annual', scheduledTime })).toEqual(want.annual);
    expect(await run({ cadence: 'quarterly' }, scheduledTime)).toEqual(want.quarterly); // execution start time
  };

  it('resolves a cadence to the period shared/period.ts names, at any time', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: Date.UTC(1991, 0, 1), max: Date.UTC(2100, 11, 31) }), check), SEED);
  });

  it('resolves a cadence like shared/period.ts within two hours of every quarter and year boundary in Jakarta', async () => {
    const boundary = fc.tuple(fc.integer({ min: 1991, max: 2100 }), fc.constantFrom(1, 4, 7, 10), fc.integer({ min: -7_200_000, max: 7_200_000 }))
      .map(([y, m, dt]) => parseLocalDateTime(`${y}-${String(m).padStart(2, '0')}-01 00:00`, ZONE).getTime() + dt)
      .filter((t) => t >= Date.UTC(1991, 0, 1) && t <= Date.UTC(2100, 11, 31));
    await fc.assert(fc.asyncProperty(boundary, check), SEED);
    // The exact instants either side of a new year in WIB.
    for (const t of [Date.parse('2024-12-31T16:59:59.999Z'), Date.parse('2024-12-31T17:00:00.000Z')]) await check(t);
    expect(expected(Date.parse('2024-12-31T17:00:00.000Z'))).toEqual({ quarterly: { period: '2024-Q4' }, annual: { year: '2024' } });
  });
});
