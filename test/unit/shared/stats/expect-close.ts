// Comparison with reference values printed by R with sprintf('%.15g'): relative tolerance (default 1e-8)
// plus a tiny absolute floor for values that are zero up to rounding (e.g. the mean of OLS residuals).
import { expect } from 'vitest';

export function expectClose(actual: number | null | undefined, expected: number, rel = 1e-8, abs = 1e-12): void {
  expect(actual, `expected ${expected}`).toBeTypeOf('number');
  const a = actual as number;
  const ok = Math.abs(a - expected) <= rel * Math.abs(expected) + abs;
  if (!ok) expect.fail(`${a} differs from ${expected} by ${Math.abs(a - expected)} (rel tol ${rel})`);
}

export function expectAllClose(actual: readonly (number | null)[], expected: readonly number[], rel = 1e-8, abs = 1e-12): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expectClose(actual[i], e, rel, abs));
}
