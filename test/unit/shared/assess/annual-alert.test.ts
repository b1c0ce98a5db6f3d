// The annual assessment: a year-over-year test of each branch's annual index (its four quarters pooled) with its
// own Benjamini-Hochberg, alerts that name the year, and episodes that never meet the quarterly ones.
import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_RULE, testYearOverYear, type Observation } from '../../../../shared/assess/alert-rule';
import { alertLine, alertSubject, alertText } from '../../../../shared/assess/alert-text';
import { closeAssessment, type AssessmentInput, type UnitSeries } from '../../../../shared/assess/assessment';
import { createFormat } from '../../../../shared/i18n/format';

const year = (period: string, value: number, se = 0.6, n = 800): Observation => ({ period, value, se, n });

function network(br001: number, count: number): AssessmentInput['branches'] {
  const out: AssessmentInput['branches'] = {};
  for (let i = 1; i <= count; i++) {
    const id = `BR${String(i).padStart(3, '0')}`;
    out[id] = { series: { TRUST: [year('2023', 70), year('2024', 70), year('2025', id === 'BR001' ? br001 : 70)] } as UnitSeries };
  }
  return out;
}
const assess = (branches: AssessmentInput['branches'], openAlerts = new Map<string, string>(), period = '2025') =>
  closeAssessment({ period, metrics: ['TRUST'], drivers: {}, branches, network: {}, openAlerts, openWatches: new Map() });

describe('testYearOverYear', () => {
  it('is a one-sided z-test of the year against the year before with the stored SEs', () => {
    const r = testYearOverYear('BR001', 'TRUST', [year('2024', 70), year('2025', 68)], { ...DEFAULT_ALERT_RULE, tau: 0 });
    // Confirmed in R: pnorm(-2/sqrt(0.36+0.36)) = 0.0092110627270495
    expect(r).toMatchObject({ eligible: true, test: 'annual', period: '2025', baseline: 70, current: 68 });
    expect(r.p).toBeCloseTo(0.0092110627270495, 13);
    expect(r.decline).toBeCloseTo(2, 12);
  });

  it('needs the calendar year before and n >= minN in both years', () => {
    expect(testYearOverYear('B', 'TRUST', [year('2023', 70), year('2025', 60)]).reason).toBe('no 2024');
    expect(testYearOverYear('B', 'TRUST', [year('2024', 70, 0.6, 20), year('2025', 60)]).eligible).toBe(false);
    expect(testYearOverYear('B', 'TRUST', [year('2024', 70), year('2025', 60, 0.6, 20)]).eligible).toBe(false);
  });
});

describe('annual assessment', () => {
  it('allows for the quarters\' movement beyond sampling (tauFloor), which the short annual histories cannot show', () => {
    const branches = network(65, 300);
    expect(assess(branches).newAlerts).toHaveLength(1); // 5 points, p = pnorm(-5/sqrt(0.72)) = 1.9e-9 with tau 0
    const out = closeAssessment({ period: '2025', metrics: ['TRUST'], drivers: {}, branches, network: {}, openAlerts: new Map(), openWatches: new Map(), tauFloor: { TRUST: 1.5 } });
    expect(out.tau['TRUST']).toBe(1.5);
    // SE sqrt(0.72 + 2 x 2.25) = 2.28, p = pnorm(-5/2.28) = 0.014: above BH's 0.05/300 among stable branches
    expect(out.newAlerts).toEqual([]);
  });

  it('alerts a branch whose year fell; the alert is the year\'s (period and since 2025, test annual) and its text names it', () => {
    const out = assess(network(65, 300));
    expect(out.newAlerts).toHaveLength(1);
    const a = out.newAlerts[0]!;
    // Confirmed in R: pnorm(-5/sqrt(0.72)) = 1.90132994362969e-09
    expect(a).toMatchObject({ branch: 'BR001', period: '2025', since: '2025', test: 'annual', baseline: 70, current: 65 });
    expect(a.p / 1.90132994362969e-09).toBeCloseTo(1, 10);
    expect(out.newWatches).toEqual([]); // no watch tier for the annual test
    const en = createFormat('en'), id = createFormat('id');
    expect(alertSubject(a, en)).toBe('Trust alert: BR001 Trust down 5.0 points in 2025 against 2024');
    expect(alertText(a, en)).toContain('year-over-year test of the four quarters pooled (2025 against 2024)');
    expect(alertSubject(a, id)).toContain('pada 2025 dibanding 2024');
    expect(alertLine(a, en)).toContain('2025');
  });

  it('runs its own Benjamini-Hochberg over the branches: p = 0.0092 alerts among 2 branches, not among 300', () => {
    expect(assess(network(68, 2)).newAlerts.map((a) => a.branch)).toEqual(['BR001']);
    expect(assess(network(68, 300)).newAlerts).toEqual([]);
    // the quarterly watch level plays no part in a year
    expect(assess(network(68, 300)).newWatches).toEqual([]);
  });

  it('never meets quarterly episodes: an open quarterly alert is neither continued nor resolved by a year', () => {
    const quarterly = new Map([['BR001#TRUST', '2025-Q3']]);
    const falling = assess(network(65, 300), quarterly);
    expect(falling.newAlerts.map((a) => a.since)).toEqual(['2025']);
    expect(falling.continuing).toEqual([]);
    const stable = assess(network(70, 300), quarterly);
    expect(stable.resolved).toEqual([]);
    // an open annual episode continues at the next year and resolves when the year is no longer down
    const annual = new Map([['BR001#TRUST', '2024']]);
    expect(assess(network(65, 300), annual).continuing.map((a) => a.since)).toEqual(['2024']);
    expect(assess(network(70, 300), annual).resolved).toEqual([{ branch: 'BR001', metric: 'TRUST', since: '2024' }]);
  });

  it('an annual episode does not bear on a quarterly assessment', () => {
    const branches: AssessmentInput['branches'] = {
      BR001: { series: { TRUST: ['2024-Q1', '2024-Q2', '2024-Q3', '2024-Q4', '2025-Q1'].map((p) => ({ period: p, value: 70, se: 1, n: 400 })) } },
    };
    const out = closeAssessment({ period: '2025-Q1', metrics: ['TRUST'], drivers: {}, branches, network: {}, openAlerts: new Map([['BR001#TRUST', '2024']]) });
    expect(out.resolved).toEqual([]);
  });
});
