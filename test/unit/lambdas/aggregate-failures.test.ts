// close's list of failed units on AWS also holds the aggregates map's failures: its Catch turns a failed region or
// network recompute into {failed: true, item, error} (infra/constructs/assessment.ts); the outcomes pass through.
import { describe, expect, it } from 'vitest';
import { aggregateFailures } from '../../../lambdas/assess/handler';

describe('aggregateFailures', () => {
  it('keeps the caught failures with their item and error, and nothing else', () => {
    const item = { period: '2025-Q1', unit: { kind: 'network' } };
    expect(aggregateFailures([
      { unit: { kind: 'region', id: 'R1' }, period: '2025-Q1', n: 900, skipped: false, parts: 4 },
      { failed: true, item, error: 'Error: boom' },
      null,
      { failed: 'yes' },
    ])).toEqual([{ item, error: 'Error: boom' }]);
    expect(aggregateFailures(undefined)).toEqual([]);
  });
});
