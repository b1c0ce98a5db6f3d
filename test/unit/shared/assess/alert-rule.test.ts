import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_RULE, decideAlerts, estimateTau, testDecline, type Observation, type TestResult } from '../../../../shared/assess/alert-rule';

const obs = (period: string, value: number, se: number, n = 400): Observation => ({ period, value, se, n });

describe('testDecline', () => {
  it('abrupt test: z against the inverse-variance baseline of the last four periods', () => {
    const series = [obs('2024-Q1', 74, 1.2), obs('2024-Q2', 74, 1.1), obs('2024-Q3', 74, 1.3), obs('2024-Q4', 74, 1.0), obs('2025-Q1', 70, 1.5)];
    const r = testDecline('BR01', 'TRUST', series);
    expect(r.eligible).toBe(true);
    expect(r.decline).toBeCloseTo(4, 12);
    // Confirmed in R: 2*pnorm(-(74-70)/sqrt(1.5^2 + 1/sum(1/c(1.2,1.1,1.3,1.0)^2))) = 0.0126130045236889
    // (the sustained test gives a larger p here, so the abrupt one is reported, Bonferroni x2)
    expect(r.test).toBe('abrupt');
    expect(r.p).toBeCloseTo(0.0126130045236889, 12);
    expect(r.declineCi[0]).toBeLessThan(4);
    expect(r.declineCi[1]).toBeGreaterThan(4);
  });

  it('sustained test catches a decline spread over two quarters', () => {
    const series = [70, 70, 70, 70, 68, 66].map((v, i) => obs(`2024-Q${(i % 4) + 1}-${i}`, v, 0.8));
    const r = testDecline('BR01', 'TRUST', series);
    expect(r.test).toBe('sustained');
    expect(r.decline).toBeCloseTo(3, 12);
  });

  it('a small branch is not eligible, nor one without a baseline', () => {
    expect(testDecline('B', 'TRUST', [obs('a', 70, 1), obs('b', 70, 1), obs('c', 50, 5, 12)]).eligible).toBe(false);
    expect(testDecline('B', 'TRUST', [obs('a', 70, 1), obs('b', 50, 1)]).eligible).toBe(false);
  });

  it('a rise never gives a small p', () => {
    const r = testDecline('B', 'TRUST', [obs('a', 70, 1), obs('b', 70, 1), obs('c', 70, 1), obs('d', 80, 1)]);
    expect(r.p).toBe(1);
  });
});

describe('decideAlerts (Benjamini-Hochberg)', () => {
  it('matches R p.adjust(p, "BH") <= q', () => {
    // Confirmed in R: p.adjust(c(0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216), "BH") <= 0.05
    //   -> TRUE TRUE FALSE FALSE FALSE FALSE FALSE FALSE FALSE FALSE
    const ps = [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216];
    const tests: TestResult[] = ps.map((p, i) => ({
      unit: `BR${i}`, metric: 'TRUST', period: '2025-Q1', eligible: true, decline: 5, declineCi: [1, 9],
      baseline: 75, current: 70, z: -2, p, test: 'abrupt',
    }));
    const shuffled = [...tests].reverse();
    const d = decideAlerts(shuffled);
    const flagged = d.filter((x) => x.alert).map((x) => x.unit).sort();
    expect(flagged).toEqual(['BR0', 'BR1']);
  });

  it('a significant but tiny decline does not alert', () => {
    const t: TestResult = { unit: 'B', metric: 'TRUST', period: 'p', eligible: true, decline: DEFAULT_ALERT_RULE.minDecline / 2, declineCi: [0.1, 2], baseline: 70, current: 69, z: -5, p: 1e-6, test: 'abrupt' };
    expect(decideAlerts([t])[0]!.alert).toBe(false);
  });

  it('ineligible tests never alert and do not count in m', () => {
    const sig: TestResult = { unit: 'A', metric: 'TRUST', period: 'p', eligible: true, decline: 6, declineCi: [2, 10], baseline: 70, current: 64, z: -3, p: 0.04, test: 'abrupt' };
    const small: TestResult = { ...sig, unit: 'B', eligible: false, p: 1 };
    const d = decideAlerts([sig, small]);
    expect(d[0]!.alert).toBe(true);
    expect(d[1]!.alert).toBe(false);
  });
});

describe('estimateTau', () => {
  // Deterministic normal draws (Box-Muller on a fixed LCG) so the test does not depend on Math.random.
  function normals(seed: number) {
    let x = seed >>> 0;
    const u = () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
    return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  }
  const histories = (units: number, quarters: number, se: number, tau: number, seed: number) => {
    const z = normals(seed);
    return Array.from({ length: units }, (_, b) =>
      Array.from({ length: quarters }, (_, q) => obs(`P${q}`, 70 + b * 0.1 + tau * z() + se * z(), se)));
  };

  it('is about 0 when quarters move by sampling noise only', () => {
    expect(estimateTau(histories(300, 8, 1, 0, 1))).toBeLessThan(0.35);
  });

  it('recovers a between-quarter SD of 1.5 points on top of an SE of 1', () => {
    expect(estimateTau(histories(300, 8, 1, 1.5, 2))).toBeGreaterThan(1.2);
    expect(estimateTau(histories(300, 8, 1, 1.5, 2))).toBeLessThan(1.8);
  });

  it('is 0 with too few units', () => {
    expect(estimateTau(histories(3, 8, 1, 3, 3))).toBe(0);
  });
});

describe('calendar windows', () => {
  it('a quarter without data shortens the baseline instead of reaching further back', () => {
    // 2024-Q1 is five quarters before 2025-Q2: outside the t-4..t-1 baseline even though 2025-Q1 is missing.
    const series = [obs('2024-Q1', 90, 1), obs('2024-Q2', 70, 1), obs('2024-Q3', 70, 1), obs('2024-Q4', 70, 1), obs('2025-Q2', 70, 1)];
    const r = testDecline('B', 'TRUST', series);
    expect(r.baseline).toBeCloseTo(70, 12);
    expect(r.test).toBe('abrupt'); // no observation at t-1, so no sustained test
  });
});
