// Henseler's PLS-MGA against seminr 2.3.1's estimate_pls_mga(pls_model, mobi$CUEX1 < 8, nboot = 200, seed = 123)
// (test/fixtures/mga/mga.R → mga.json). The group bootstraps draw seminr's resamples (set.seed(123 + i) in each
// group), so the p-values must be identical: the count of positive comparisons among the J² = 40,000 pairs is
// compared exactly. Measured: group estimates and bootstrap means max |ours - seminr| 1.2e-15 (ECSI) and 5e-16
// (two-stage model); every p-value's count identical.
import { describe, expect, it } from 'vitest';
import { henselerP, plsMga } from '../../../../../shared/stats/pls/mga';
import { mgaFixture, MGA_MODELS, mgaSpec, mobiGroups } from './mga-fixture';

describe.each(MGA_MODELS)('plsMga reproduces seminr estimate_pls_mga: %s', (file, key) => {
  const ref = mgaFixture[key].pls_mga;
  const { A, B } = mobiGroups();
  const spec = mgaSpec(file);
  const run = plsMga(spec, A, B, { nboot: mgaFixture.meta.nboot, seed: mgaFixture.meta.seed });

  it('uses every resample of both groups (J = nboot)', async () => {
    const r = await run;
    expect([r.nA, r.nB, r.okA, r.okB, r.used]).toEqual([108, 142, 200, 200, 200]);
  });

  it('group estimates, differences and bootstrap means to 1e-9', async () => {
    const r = await run;
    expect(r.paths.map((p) => `${p.from}->${p.to}`)).toEqual(ref.map((p) => `${p.from}->${p.to}`));
    let dev = 0;
    r.paths.forEach((p, k) => {
      const s = ref[k]!;
      for (const [ours, theirs] of [[p.a, s.group1_beta], [p.b, s.group2_beta], [p.diff, s.diff], [p.bootMeanA, s.group1_beta_mean], [p.bootMeanB, s.group2_beta_mean]] as const) {
        dev = Math.max(dev, Math.abs(ours - theirs));
      }
    });
    expect(dev).toBeLessThan(1e-9);
  });

  it('PLS-MGA p-values identical (count of positive pairs out of J²)', async () => {
    const r = await run;
    const J2 = r.used * r.used;
    expect(r.paths.map((p) => Math.round((1 - p.p) * J2))).toEqual(ref.map((s) => Math.round((1 - s.pls_mga_p) * J2)));
    r.paths.forEach((p, k) => expect(Math.abs(p.p - ref[k]!.pls_mga_p)).toBeLessThan(1e-12));
    r.paths.forEach((p) => expect(p.pTwoSided).toBeCloseTo(2 * Math.min(p.p, 1 - p.p), 15));
  });
});

describe('henselerP', () => {
  it('counts 2 mA - a_i - 2 mB + b_j > 0 over all pairs (worked by hand)', () => {
    // a = (1, 3): mA = 2; b = (0, 4): mB = 2. Terms 4 - a_i - 4 + b_j = b_j - a_i = -1, -3, 3, 1
    // → 2 positive of J² = 4 → p = 1 - 2/4 = 0.5.
    expect(henselerP([1, 3], [0, 4], 2).p).toBe(0.5);
    // a = (5, 7) mA = 6, b = (0, 2) mB = 1: 12 - a_i - 2 + b_j = 10 - a_i + b_j: 5, 3, 7, 5 → all positive → p = 0
    expect(henselerP([5, 7], [0, 2], 2).p).toBe(0);
    // the reverse: group A smaller → p = 1
    expect(henselerP([0, 2], [5, 7], 2).p).toBe(1);
  });

  it('reads strided columns of row-major draw matrices and the first J rows only', () => {
    // two parameters per row; parameter 1 of A = (1, 3, 100), of B = (0, 4, -100); J = 2 ignores the third rows
    const a = [9, 1, 9, 3, 9, 100], b = [9, 0, 9, 4, 9, -100];
    const h = henselerP(a, b, 2, 1, 1, 2, 2);
    expect(h).toEqual({ p: 0.5, meanA: 2, meanB: 2 });
  });

  it('an exact zero is not positive (seminr Theta(s) = s > 0)', () => {
    // a = (1, 1), b = (1, 1): every term 0 → p = 1
    expect(henselerP([1, 1], [1, 1], 2).p).toBe(1);
  });
});

describe('plsMga errors', () => {
  it('refuses nboot < 2 and names the group whose estimate fails', async () => {
    const { A, B } = mobiGroups();
    const spec = mgaSpec('mobi-ecsi');
    await expect(plsMga(spec, A, B, { nboot: 1, seed: 1 })).rejects.toThrow(/nboot must be an integer >= 2/);
    const tiny = { names: A.names, cols: A.cols.map((c) => c.slice(0, 2)), n: 2 };
    await expect(plsMga(spec, tiny, B, { nboot: 10, seed: 1 })).rejects.toThrow(/group A/);
  });
});
