// The hand-written kernels in shared/stats/kernels.ts against plain loops and ml-matrix.
import fc from 'fast-check';
import { Matrix, solve } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { choleskyInPlace, choleskySolveInPlace, gramUpdate, standardizeColumn } from '../../../../shared/stats/kernels';
import { mulberry32 as mulberry } from '../../../helpers/random';

const arb = (n: number, p: number) => fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: n * p, maxLength: n * p });

describe('gramUpdate', () => {
  it('equals the naive cross-product for any shape (odd p, whole matrix and appended columns)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 2, max: 17 }), fc.integer({ min: 0, max: 8 }), (p, n, from0) => {
      const X = Float64Array.from({ length: n * p }, (_, k) => Math.sin(k * 1.7 + p) * 3 + (k % 5));
      const ld = p + 1;
      const S = new Float64Array(ld * ld).fill(NaN);
      gramUpdate(X, n, p, 0, S, ld, 0.5);
      const from = Math.min(from0, p);
      // recompute the columns from `from` on top of a filled matrix
      for (let j = from; j < p; j++) for (let i = 0; i < p; i++) { S[i * ld + j] = NaN; S[j * ld + i] = NaN; }
      if (from > 0) gramUpdate(X, n, p, from, S, ld, 0.5);
      else gramUpdate(X, n, p, 0, S, ld, 0.5);
      for (let i = 0; i < p; i++) {
        for (let j = 0; j < p; j++) {
          let s = 0;
          for (let r = 0; r < n; r++) s += X[i * n + r]! * X[j * n + r]!;
          expect(S[i * ld + j]).toBeCloseTo(0.5 * s, 10);
        }
      }
    }), { numRuns: 60, seed: 7 });
  });
});

describe('standardizeColumn', () => {
  it('gives mean 0 and sd 1 (n-1) and returns the raw mean and sd', () => {
    fc.assert(fc.property(arb(12, 1), (vals) => {
      const X = Float64Array.from(vals);
      const m = vals.reduce((a, b) => a + b, 0) / 12;
      const sd = Math.sqrt(vals.reduce((a, b) => a + (b - m) ** 2, 0) / 11);
      fc.pre(sd > 1e-6);
      const out = { mean: 0, sd: 0 };
      standardizeColumn(X, 12, 0, out);
      expect(out.mean).toBeCloseTo(m, 10);
      expect(out.sd).toBeCloseTo(sd, 10);
      const mm = X.reduce((a, b) => a + b, 0) / 12;
      expect(Math.abs(mm)).toBeLessThan(1e-12);
      expect(X.reduce((a, b) => a + b * b, 0) / 11).toBeCloseTo(1, 12);
    }), { numRuns: 100, seed: 11 });
  });

  it('reports sd 0 for a constant column', () => {
    const out = { mean: 0, sd: 1 };
    standardizeColumn(new Float64Array(5).fill(3.3), 5, 0, out);
    expect(out.sd).toBe(0);
  });
});

describe('Cholesky solve', () => {
  it('solves SPD systems like ml-matrix (also at an offset)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 1000 }), (k, seed) => {
      const G = Matrix.rand(k + 3, k, { random: mulberry(seed) });
      const A = G.transpose().mmul(G).add(Matrix.eye(k).mul(0.1));
      const b = Array.from({ length: k }, (_, i) => Math.cos(i + seed));
      const L = Float64Array.from(A.to1DArray());
      expect(choleskyInPlace(L, k)).toBe(true);
      const x = new Float64Array(k + 2);
      x.set(b, 2);
      choleskySolveInPlace(L, k, x, 2);
      const ref = solve(A, Matrix.columnVector(b)).to1DArray();
      ref.forEach((v, i) => expect(x[i + 2]).toBeCloseTo(v, 8));
    }), { numRuns: 60, seed: 3 });
  });

  it('rejects a singular matrix', () => {
    expect(choleskyInPlace(Float64Array.from([1, 1, 1, 1]), 2)).toBe(false);
  });
});

