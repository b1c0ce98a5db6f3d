// Funnel plot (Spiegelhalter 2005): control limits around the network value that narrow as a branch's sample
// grows, so a small branch's extreme value is read as the noise it may be. Limits at a branch size n are
// centre ± z·σ/√n, σ the respondent-level SD of the index (network SE·√n). z = 1.96 (95%) and 3.09 (99.8%).
export const FUNNEL_Z = { inner: 1.959963984540054, outer: 3.090232306167813 } as const;

export function funnelLimits(centre: number, sigma: number, n: number, z: number): [number, number] {
  const h = (z * sigma) / Math.sqrt(n);
  return [centre - h, centre + h];
}

export type FunnelZone = 'above-outer' | 'above-inner' | 'inside' | 'below-inner' | 'below-outer';

/** Where a branch's value falls among the limits for its n. */
export function funnelZone(value: number, n: number, centre: number, sigma: number): FunnelZone {
  const [lo95, hi95] = funnelLimits(centre, sigma, n, FUNNEL_Z.inner);
  const [lo998, hi998] = funnelLimits(centre, sigma, n, FUNNEL_Z.outer);
  if (value > hi998) return 'above-outer';
  if (value > hi95) return 'above-inner';
  if (value < lo998) return 'below-outer';
  if (value < lo95) return 'below-inner';
  return 'inside';
}

/** Points of the limit curves over [nMin, nMax], denser at small n where they bend (for drawing). */
export function funnelCurve(centre: number, sigma: number, nMin: number, nMax: number, z: number, steps = 40): { n: number; low: number; high: number }[] {
  const a = Math.max(2, nMin), b = Math.max(a + 1, nMax);
  const out: { n: number; low: number; high: number }[] = [];
  for (let i = 0; i <= steps; i++) {
    const n = a * (b / a) ** (i / steps); // log spacing
    const [low, high] = funnelLimits(centre, sigma, n, z);
    out.push({ n, low, high });
  }
  return out;
}
