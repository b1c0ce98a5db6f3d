import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { describe, expect, it } from 'vitest';
import { FUNNEL_Z, funnelCurve, funnelLimits, funnelZone } from '../../../../shared/api/funnel';

describe('funnel plot limits', () => {
  it('centre ± z·σ/√n; z are the 97.5% and 99.9% normal quantiles (qnorm(0.975), qnorm(0.999) in R)', () => {
    expect(FUNNEL_Z.inner).toBeCloseTo(normalQuantile(0.975, 0, 1), 14);
    expect(FUNNEL_Z.outer).toBeCloseTo(normalQuantile(0.999, 0, 1), 14);
    const [lo, hi] = funnelLimits(80, 20, 100, FUNNEL_Z.inner);
    expect(hi - 80).toBeCloseTo((1.959963984540054 * 20) / 10, 12);
    expect(80 - lo).toBeCloseTo(hi - 80, 12);
  });

  it('a small branch needs a bigger gap to fall outside', () => {
    // 6 points below a centre of 80 with sigma 20: outside at n = 400 (limit 1.96), inside at n = 25 (limit 7.8)
    expect(funnelZone(74, 400, 80, 20)).toBe('below-outer');
    expect(funnelZone(74, 25, 80, 20)).toBe('inside');
    expect(funnelZone(84, 100, 80, 20)).toBe('above-inner');
    expect(funnelZone(87, 100, 80, 20)).toBe('above-outer');
  });

  it('the curve narrows with n, log-spaced between the bounds', () => {
    const c = funnelCurve(80, 20, 20, 2000, FUNNEL_Z.inner, 10);
    expect(c).toHaveLength(11);
    expect(c[0]!.n).toBeCloseTo(20, 10);
    expect(c.at(-1)!.n).toBeCloseTo(2000, 8);
    for (let i = 1; i < c.length; i++) expect(c[i]!.high - c[i]!.low).toBeLessThan(c[i - 1]!.high - c[i - 1]!.low);
  });
});
