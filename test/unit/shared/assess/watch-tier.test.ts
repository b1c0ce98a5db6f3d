// The watch tier of closeAssessment: a branch whose own test is significant (p < watchP, decline >= minDecline) but
// does not survive Benjamini-Hochberg across the network is watched, with episodes like an alert's.
import { describe, expect, it } from 'vitest';
import { closeAssessment, IKM_BAND_METRIC, type AssessmentInput, type UnitSeries } from '../../../../shared/assess/assessment';
import type { Observation } from '../../../../shared/assess/alert-rule';

const QUARTERS = ['2024-Q1', '2024-Q2', '2024-Q3', '2024-Q4', '2025-Q1', '2025-Q2'];
const obs = (period: string, value: number, se = 1, n = 400): Observation => ({ period, value, se, n });

/** 300 flat branches (70, se 1); BR001's values by quarter override theirs (undefined: no data that quarter). */
function network(br001: Record<string, number | undefined>, count = 300): AssessmentInput['branches'] {
  const out: AssessmentInput['branches'] = {};
  for (let i = 1; i <= count; i++) {
    const id = `BR${String(i).padStart(3, '0')}`;
    const series = QUARTERS.flatMap((q) => {
      const v = id === 'BR001' ? (q in br001 ? br001[q] : 70) : 70;
      return v === undefined ? [] : [obs(q, v)];
    });
    out[id] = { region: 'R1', series: { TRUST: series } as UnitSeries };
  }
  return out;
}

const assess = (period: string, branches: AssessmentInput['branches'], openWatches = new Map<string, string>(), openAlerts = new Map<string, string>()) =>
  closeAssessment({ period, metrics: ['TRUST'], drivers: {}, branches, network: {}, openAlerts, openWatches });

describe('watch tier', () => {
  it('a branch significant on its own but not after BH among 300 is watched, not alerted', () => {
    const out = assess('2025-Q1', network({ '2025-Q1': 67 }));
    expect(out.newAlerts).toEqual([]);
    expect(out.newWatches).toHaveLength(1);
    const w = out.newWatches[0]!;
    // Confirmed in R: 2*pnorm(-3/sqrt(1+1/4)) = 0.00729035809153564 (abrupt test; baseline of four quarters at se 1)
    expect(w).toMatchObject({ branch: 'BR001', metric: 'TRUST', period: '2025-Q1', since: '2025-Q1', test: 'abrupt', status: 'open' });
    expect(w.p).toBeCloseTo(0.00729035809153564, 12);
    expect(w.decline).toBeCloseTo(3, 12);
    // the BH threshold it missed: rank 1 of 300 at q = 0.05
    expect(w.bhThreshold).toBeCloseTo(0.05 / 300, 15);
    expect(out.continuingWatches).toEqual([]);
    expect(out.resolvedWatches).toEqual([]);
  });

  it('the same decline alone (no network to correct for) is an alert, not a watch', () => {
    const out = assess('2025-Q1', network({ '2025-Q1': 67 }, 1));
    expect(out.newAlerts.map((a) => a.branch)).toEqual(['BR001']);
    expect(out.newWatches).toEqual([]);
  });

  it('a decline below minDecline, or p >= watchP, is not a watch', () => {
    expect(assess('2025-Q1', network({ '2025-Q1': 68.5 })).newWatches).toEqual([]); // p = 0.18
    const rule = { q: 0.05, minN: 30, minBaseline: 2, baselinePeriods: 4, minDecline: 4, tau: 0, tauFromData: true, watchP: 0.05 };
    expect(closeAssessment({ period: '2025-Q1', metrics: ['TRUST'], drivers: {}, branches: network({ '2025-Q1': 67 }), network: {}, openAlerts: new Map(), rule }).newWatches).toEqual([]);
    expect(closeAssessment({ period: '2025-Q1', metrics: ['TRUST'], drivers: {}, branches: network({ '2025-Q1': 67 }), network: {}, openAlerts: new Map(), rule: { ...rule, minDecline: 2, watchP: 0.005 } }).newWatches).toEqual([]);
  });

  it('continues while still flagged at watch level, and is not raised again', () => {
    const open = new Map([['BR001#TRUST', '2025-Q1']]);
    const out = assess('2025-Q2', network({ '2025-Q1': 67, '2025-Q2': 67 }), open);
    expect(out.newWatches).toEqual([]);
    expect(out.continuingWatches).toHaveLength(1);
    expect(out.continuingWatches[0]).toMatchObject({ branch: 'BR001', since: '2025-Q1', period: '2025-Q2', test: 'sustained' });
    expect(out.resolvedWatches).toEqual([]);
    // re-running the opening quarter reports the episode as new again (the same way)
    expect(assess('2025-Q1', network({ '2025-Q1': 67 }), open).newWatches).toHaveLength(1);
  });

  it('is resolved by a later eligible test that no longer flags it, and left open by a quarter without data', () => {
    const open = new Map([['BR001#TRUST', '2025-Q1']]);
    const back = assess('2025-Q2', network({ '2025-Q1': 67, '2025-Q2': 70 }), open);
    expect(back.resolvedWatches).toEqual([{ branch: 'BR001', metric: 'TRUST', since: '2025-Q1' }]);
    expect(back.newWatches).toEqual([]);
    const missing = assess('2025-Q2', network({ '2025-Q1': 67, '2025-Q2': undefined }), open);
    expect(missing.resolvedWatches).toEqual([]);
    expect(missing.continuingWatches).toEqual([]);
  });

  it('is superseded by an alert of the same branch and metric (resolvedBy alert)', () => {
    const open = new Map([['BR001#TRUST', '2025-Q1']]);
    const out = assess('2025-Q2', network({ '2025-Q1': 67, '2025-Q2': 60 }), open);
    expect(out.newAlerts.map((a) => [a.branch, a.since])).toEqual([['BR001', '2025-Q2']]);
    expect(out.resolvedWatches).toEqual([{ branch: 'BR001', metric: 'TRUST', since: '2025-Q1', resolvedBy: 'alert' }]);
    expect(out.newWatches).toEqual([]);
    expect(out.continuingWatches).toEqual([]);
  });

  it('an alert episode that resolves while the branch is still significant on its own becomes a watch', () => {
    // (the alert is network-controlled; the branch's own evidence is still told to its manager)
    const out = assess('2025-Q2', network({ '2025-Q1': 67, '2025-Q2': 67 }), new Map(), new Map([['BR001#TRUST', '2025-Q1']]));
    expect(out.resolved).toEqual([{ branch: 'BR001', metric: 'TRUST', since: '2025-Q1' }]);
    expect(out.newWatches.map((w) => w.branch)).toEqual(['BR001']);
  });

  it('IKM band alerts have no watch tier (a grade drop B -> C with one-sided p = 0.049 among 300: neither)', () => {
    const ikm = (values: number[]) => ({ IKM: values.map((v, i) => obs(QUARTERS[i]!, v, 1.5, 100)) });
    const branches: AssessmentInput['branches'] = {};
    for (let i = 1; i <= 300; i++) branches[`K${i}`] = { series: ikm(i === 1 ? [80, 80, 80, 80, 76.5] : [80, 80, 80, 80, 80]) };
    const out = closeAssessment({ period: '2025-Q1', metrics: [], drivers: {}, branches, network: {}, openAlerts: new Map(), openWatches: new Map(), bandAlerts: true });
    expect(out.newWatches).toEqual([]);
    expect(out.newAlerts.filter((a) => a.metric === IKM_BAND_METRIC)).toEqual([]);
  });
});
