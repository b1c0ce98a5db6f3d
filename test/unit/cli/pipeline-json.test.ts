// `satmon pipeline --json`: the watches this run opened are listed beside the alerts, in the same short form.
import { describe, expect, it } from 'vitest';
import { pipelineJson, pipelineWatches } from '../../../cli/commands/pipeline';
import type { Watch } from '../../../shared/assess/assessment';
import type { PipelineSummary } from '../../../infra/local/pipeline';

const watch = (branch: string, period: string, decline: number, p: number): Watch => ({
  branch, period, metric: 'TRUST', decline, declineCi: [decline - 2, decline + 2], baseline: 70, current: 70 - decline, p, bhThreshold: 0.0002,
  test: 'abrupt', drivers: [], since: period, status: 'open',
});

function summary(): PipelineSummary {
  const run = (period: string, raisedWatches: Watch[], newWatches = raisedWatches) => ({
    plan: { period, kind: 'quarter' as const, branches: [], regions: [], lateQuarters: [], items: [] },
    recomputes: [], failures: [], ms: { plan: 0, recompute: 0, close: 0 },
    close: {
      period, failures: [], branches: 3, tested: 3, newAlerts: [], raised: [], continuing: 0, resolved: 0,
      newWatches, raisedWatches, continuingWatches: 0, resolvedWatches: 0, resultKey: '', heldConflictRows: 0,
    },
  });
  return {
    periods: ['2025-Q1', '2025-Q2'], years: [], branches: ['BR01', 'BR02', 'BR03'],
    alerts: [{ branch: 'BR03', period: '2025-Q2', metric: 'TRUST', decline: 9.1, p: 1e-6 }],
    rejectedRows: 0, cleanRows: 10, drops: 2, ms: { ingest: 1, assess: 2, total: 3 },
    // 2025-Q2's watch was opened by an earlier run (newWatches only): not listed, as alerts are not
    runs: [run('2025-Q1', [watch('BR01', '2025-Q1', 3.2, 0.011)]), run('2025-Q2', [], [watch('BR02', '2025-Q2', 2.5, 0.03)])] as unknown as PipelineSummary['runs'],
  };
}

describe('satmon pipeline --json', () => {
  it('lists the watches the run opened beside the alerts: branch, period, metric, decline, p', () => {
    const json = pipelineJson(summary());
    expect(json.watches).toEqual([{ branch: 'BR01', period: '2025-Q1', metric: 'TRUST', decline: 3.2, p: 0.011 }]);
    expect(json.alerts).toEqual(summary().alerts);
    expect(Object.keys(json).slice(0, 5)).toEqual(['periods', 'years', 'branches', 'alerts', 'watches']);
    expect(json).not.toHaveProperty('runs');
    expect(json.failures).toEqual([]);
    expect(pipelineWatches(summary().runs)).toEqual(json.watches);
  });
});
