// The state machine's first state turns its input into {period} or {year}. Evaluated here with the jsonata
// library (the language Step Functions runs), binding $states as Step Functions does.
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { ASSESSMENT } from '../../../infra/config';
import { RESOLVE_PERIOD } from '../../../infra/constructs/assessment';

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
