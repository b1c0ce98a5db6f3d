// The IKM in the assessment: a grade drop (B to C) is an alert of its own, continues while the grade stays down,
// resolves when it is back; the IKM as an ordinary alert metric names the unsur (NRR) that fell most.
import { describe, expect, it } from 'vitest';
import { closeAssessment, IKM_BAND_METRIC, type AssessmentInput } from '../../../../shared/assess/assessment';
import type { Observation } from '../../../../shared/assess/alert-rule';

const Q = ['2024-Q1', '2024-Q2', '2024-Q3', '2024-Q4', '2025-Q1', '2025-Q2'];
const obs = (values: number[], n = 100, se = 0.8): Observation[] => values.map((value, i) => ({ period: Q[i]!, value, se, n }));
const nrr = (values: number[]) => obs(values, 100, 0.05);

function input(period: string, ikm: Record<string, Observation[]>, openAlerts: Map<string, string> = new Map()): AssessmentInput {
  return {
    period, metrics: [], drivers: {}, network: {}, openAlerts, bandAlerts: true, bandDrivers: ['NRR_U1', 'NRR_U4'],
    branches: Object.fromEntries(Object.entries(ikm).map(([b, s]) => [b, { series: { IKM: s, NRR_U1: nrr([3.2, 3.2, 3.2, 3.2, 3.2, 3.2]), NRR_U4: nrr([3.1, 3.1, 2.7, 2.7, 3.1, 3.1]) } }])),
  };
}

describe('IKM band alerts', () => {
  const series = { KC01: obs([80, 79, 76, 75.5, 78, 79]), KC02: obs([90, 89, 88.4, 85, 85.2, 87]), KC03: obs([70, 72, 77, 78, 78, 78]) };

  it('raises one when the grade drops (B 79 → C 76), with the grades, the p of the drop and the unsur that fell', () => {
    const out = closeAssessment(input('2024-Q3', series));
    expect(out.newAlerts.map((a) => a.branch)).toEqual(['KC01']);
    const a = out.newAlerts[0]!;
    expect(a).toMatchObject({ metric: IKM_BAND_METRIC, test: 'band', bands: { from: 'B', to: 'C' }, baseline: 79, current: 76, since: '2024-Q3' });
    expect(a.decline).toBeCloseTo(3, 12);
    expect(a.p).toBeCloseTo(0.004005, 5); // Φ(−3/√(0.8² + 0.8²)) = Φ(−2.6517)
    expect(a.bhThreshold).toBeCloseTo(0.05 / 3, 12); // the smallest of three branches' p
    expect(a.drivers[0]).toEqual({ construct: 'NRR_U4', change: expect.closeTo(-0.4, 12) });
  });

  it('continues while the grade stays below the one before the episode, and resolves when it is back', () => {
    const open = new Map([['KC01#IKM_BAND', '2024-Q3']]);
    const q4 = closeAssessment(input('2024-Q4', { KC01: series.KC01 }, open));
    expect(q4.newAlerts).toEqual([]);
    expect(q4.continuing.map((a) => [a.branch, a.since, a.baseline])).toEqual([['KC01', '2024-Q3', 79]]);
    const q1 = closeAssessment(input('2025-Q1', { KC01: series.KC01 }, open));
    expect(q1.resolved).toEqual([{ branch: 'KC01', metric: IKM_BAND_METRIC, since: '2024-Q3' }]);
  });

  it('A → B alerts too (88.4 → 85.0); a rise or the same grade does not', () => {
    expect(closeAssessment(input('2024-Q4', series)).newAlerts.map((a) => [a.branch, a.bands])).toEqual([['KC02', { from: 'A', to: 'B' }]]);
    expect(closeAssessment(input('2024-Q3', { KC03: series.KC03 })).newAlerts).toEqual([]);
  });

  it('not for a grade that flickers at a boundary (76.7 → 76.5 is B → C, but no real decline)', () => {
    expect(closeAssessment(input('2024-Q2', { KC09: obs([76.7, 76.5]) })).newAlerts).toEqual([]);
  });

  it('needs n >= minN in both periods, and can be switched off', () => {
    const small = { KC01: obs([80, 79, 76], 20) };
    expect(closeAssessment(input('2024-Q3', small)).newAlerts).toEqual([]);
    expect(closeAssessment({ ...input('2024-Q3', series), bandAlerts: false }).newAlerts).toEqual([]);
  });
});

describe('IKM as an alert metric', () => {
  it('is tested like any index and names the NRR drivers', () => {
    // a steady IKM with tight SEs, then a 6-point fall
    const steady = (v: number) => obs([v, v + 0.2, v - 0.1, v, v + 0.1, v - 6], 150, 0.8);
    const branches: Record<string, Observation[]> = { KC01: steady(80) };
    for (let i = 2; i <= 9; i++) branches[`KC0${i}`] = obs([80, 80.2, 79.9, 80, 80.1, 80], 150, 0.8);
    const out = closeAssessment({ ...input('2025-Q2', branches), bandAlerts: false, metrics: ['IKM'], drivers: { IKM: ['NRR_U1', 'NRR_U4'] } });
    expect(out.newAlerts.map((a) => [a.branch, a.metric])).toEqual([['KC01', 'IKM']]);
    expect(out.newAlerts[0]!.drivers.map((d) => d.construct)).toEqual(['NRR_U1', 'NRR_U4']);
  });
});
