// Options, bad input, and internal consistency checks that recompute the PLS fixed point from the reported scores
// with plain row-level arithmetic (independent of the engine's correlation-matrix formulation).
import { Matrix, solve } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { parsePlsModel, type PlsModelSpec } from '../../../../../shared/models/spec';
import { estimatePls, type PlsResult } from '../../../../../shared/stats/pls';
import type { DataTable } from '../../../../../shared/stats/table';
import { loadReference } from '../../../../helpers/reference';

const ecsi = loadReference('mobi_ecsi');

function standardized(data: DataTable, item: string): Float64Array {
  const c = data.cols[data.names.indexOf(item)]!;
  const obs = c.filter((v) => !Number.isNaN(v));
  const m0 = obs.reduce((a, b) => a + b, 0) / obs.length;
  const x = c.map((v) => (Number.isNaN(v) ? m0 : v));
  const m = x.reduce((a, b) => a + b, 0) / x.length;
  const sd = Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1));
  return x.map((v) => (v - m) / sd);
}
const cov = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let r = 0; r < a.length; r++) s += a[r]! * b[r]!;
  return s / (a.length - 1);
};
const score = (res: PlsResult, c: string) => res.scores.cols[res.scores.names.indexOf(c)]!;

/**
 * One more pass of the PLS iteration from the reported scores (inner weighting per scheme, mode A/B outer update,
 * unit-variance scaling): at convergence it must return the reported weights.
 */
function nextWeights(spec: PlsModelSpec, data: DataTable, res: PlsResult): Map<string, number> {
  const C = res.constructs;
  const Y = new Map(C.map((c) => [c, score(res, c)]));
  const corr = (a: string, b: string) => cov(Y.get(a)!, Y.get(b)!);
  const out = new Map<string, number>();
  for (const c of C) {
    const n = res.n;
    const z = new Float64Array(n);
    const preds = spec.paths.filter((p) => p.to === c).map((p) => p.from);
    const succs = spec.paths.filter((p) => p.from === c).map((p) => p.to);
    if (spec.innerWeighting === 'factorial') {
      for (const o of [...preds, ...succs]) { const e = corr(c, o), y = Y.get(o)!; for (let r = 0; r < n; r++) z[r] += e * y[r]!; }
    } else {
      for (const o of succs) { const e = corr(c, o), y = Y.get(o)!; for (let r = 0; r < n; r++) z[r] += e * y[r]!; }
      if (preds.length > 0) {
        const A = new Matrix(preds.map((a) => preds.map((b) => corr(a, b))));
        const beta = solve(A, Matrix.columnVector(preds.map((a) => corr(a, c)))).to1DArray();
        preds.forEach((o, k) => { const y = Y.get(o)!; for (let r = 0; r < n; r++) z[r] += beta[k]! * y[r]!; });
      }
    }
    const items = res.items[c]!;
    const X = items.map((it) => standardized(data, it));
    let w = X.map((x) => cov(x, z));
    if (spec.constructs[c]!.mode === 'B') {
      const R = new Matrix(X.map((a) => X.map((b) => cov(a, b))));
      w = solve(R, Matrix.columnVector(w)).to1DArray();
    }
    const comp = new Float64Array(n);
    X.forEach((x, k) => { for (let r = 0; r < n; r++) comp[r] += w[k]! * x[r]!; });
    const s = Math.sqrt(cov(comp, comp));
    items.forEach((it, k) => out.set(it, w[k]! / s));
  }
  return out;
}

function checkConsistency(spec: PlsModelSpec, data: DataTable, res: PlsResult, fixedPointTol: number): void {
  expect(res.converged).toBe(true);
  for (const c of res.constructs) {
    const s = score(res, c);
    const mean = s.reduce((a, b) => a + b, 0) / s.length;
    expect(Math.abs(mean)).toBeLessThan(1e-12);
    expect(cov(s, s)).toBeCloseTo(1, 12);
    // scores are the weighted sums of the standardized items; loadings are item-score covariances
    const z = new Float64Array(res.n);
    for (const it of res.items[c]!) {
      const x = standardized(data, it);
      const w = res.weights.find((q) => q.item === it)!.estimate;
      for (let r = 0; r < res.n; r++) z[r] += w * x[r]!;
      expect(res.loadings.find((q) => q.item === it)!.estimate).toBeCloseTo(cov(x, s), 12);
    }
    for (let r = 0; r < res.n; r++) expect(z[r]).toBeCloseTo(s[r]!, 12);
  }
  // paths: OLS of each endogenous score on its predecessors; R² = 1 - SSE/SST
  for (const dv of res.endogenous) {
    const preds = spec.paths.filter((p) => p.to === dv).map((p) => p.from);
    const Xm = new Matrix(res.n, preds.length);
    preds.forEach((p, k) => score(res, p).forEach((v, r) => Xm.set(r, k, v)));
    const y = Matrix.columnVector(Array.from(score(res, dv)));
    const beta = solve(Xm.transpose().mmul(Xm), Xm.transpose().mmul(y)).to1DArray();
    preds.forEach((p, k) => expect(res.paths.find((q) => q.from === p && q.to === dv)!.estimate).toBeCloseTo(beta[k]!, 12));
    const resid = y.sub(Xm.mmul(Matrix.columnVector(beta))).to1DArray();
    const sse = resid.reduce((a, b) => a + b * b, 0);
    expect(res.rSquared[dv]!.r2).toBeCloseTo(1 - sse / ((res.n - 1) * cov(score(res, dv), score(res, dv))), 12);
  }
  // the reported weights are (to the stop criterion) a fixed point of the iteration
  const next = nextWeights(spec, data, res);
  for (const w of res.weights) expect(Math.abs(next.get(w.item)! - w.estimate), w.item).toBeLessThan(fixedPointTol);
}

describe('inner weighting schemes and modes (internal consistency)', () => {
  it('factorial scheme: converged, and its weights are the factorial fixed point', () => {
    const spec = parsePlsModel({ ...ecsi.spec, innerWeighting: 'factorial' });
    const res = estimatePls(spec, ecsi.data);
    checkConsistency(spec, ecsi.data, res, 1e-7);
    // and it is a different fixed point from path weighting
    const path = estimatePls(ecsi.spec, ecsi.data);
    expect(Math.abs(res.weights[0]!.estimate - path.weights[0]!.estimate)).toBeGreaterThan(1e-5);
    checkConsistency(ecsi.spec, ecsi.data, path, 1e-7);
  });

  it('mode B blocks (corp_rep_moderation: QUAL, PERF, CSOR, ATTR) are regression-weight fixed points', () => {
    const rc = loadReference('corp_rep_moderation');
    // the model without its interaction term, so every construct is an ordinary composite
    const spec = parsePlsModel({ ...rc.spec, interactions: [], paths: rc.spec.paths.filter((p) => !p.from.includes('*')) });
    const res = estimatePls(spec, rc.data);
    checkConsistency(spec, rc.data, res, 1e-7);
    const fac = parsePlsModel({ ...spec, innerWeighting: 'factorial' });
    checkConsistency(fac, rc.data, estimatePls(fac, rc.data), 1e-7);
  });
});

describe('f² special cases', () => {
  it('with exactly two constructs f² = R² / (1 - R²) (seminr cannot re-estimate an empty model)', () => {
    const spec = parsePlsModel({ constructs: { Image: ecsi.spec.constructs.Image!, Loyalty: ecsi.spec.constructs.Loyalty! }, paths: [{ from: 'Image', to: 'Loyalty' }] });
    const res = estimatePls(spec, ecsi.data);
    const r2 = res.rSquared.Loyalty!.r2;
    expect(res.fSquared.values[0]![1]).toBeCloseTo(r2 / (1 - r2), 15);
    expect(res.fSquared.values[1]![0]).toBe(0);
    expect(res.vifAntecedents.Loyalty!.Image).toBeNaN();
  });
});

describe('bad input', () => {
  const withColumn = (name: string, f: (c: Float64Array) => Float64Array): DataTable => ({
    ...ecsi.data,
    cols: ecsi.data.cols.map((c, j) => (ecsi.data.names[j] === name ? f(c) : c)),
  });

  it('a zero-variance item is an error naming the item', () => {
    const data = withColumn('PERV2', (c) => new Float64Array(c.length).fill(7));
    expect(() => estimatePls(ecsi.spec, data)).toThrow(/item 'PERV2' has zero variance/);
  });

  it('an item with no observed value is an error naming it', () => {
    const data = withColumn('CUSA2', (c) => new Float64Array(c.length).fill(NaN));
    expect(() => estimatePls(ecsi.spec, data)).toThrow(/item 'CUSA2' has no observed values/);
  });

  it('a missing column is an error naming it', () => {
    const data = { names: ecsi.data.names.map((n) => (n === 'IMAG3' ? 'IMAG3x' : n)), cols: ecsi.data.cols, n: ecsi.data.n };
    expect(() => estimatePls(ecsi.spec, data)).toThrow(/column 'IMAG3'/);
  });

  it('invalid options are rejected', () => {
    expect(() => estimatePls(ecsi.spec, ecsi.data, { maxIter: -1 })).toThrow(/maxIter/);
    expect(() => estimatePls(ecsi.spec, ecsi.data, { maxIter: 2.5 })).toThrow(/maxIter/);
    expect(() => estimatePls(ecsi.spec, ecsi.data, { stopCriterion: 0 })).toThrow(/stopCriterion/);
    expect(() => estimatePls(ecsi.spec, ecsi.data, { missing: 'pairwise' as 'mean' })).toThrow(/missing/);
  });

  it('model errors: cycles, shared items, duplicate paths, interactions as targets or without main effects', () => {
    const base = ecsi.spec;
    expect(() => estimatePls(parsePlsModel({ ...base, paths: [...base.paths, { from: 'Loyalty', to: 'Image' }] }), ecsi.data)).toThrow(/cycle \(Image -> .* -> Image\)/);
    expect(() => estimatePls(parsePlsModel({ ...base, paths: [...base.paths, base.paths[0]!] }), ecsi.data)).toThrow(/given twice/);
    const shared = { ...base.constructs, Value: { items: ['PERV1', 'PERV2', 'PERQ1'], mode: 'A' as const } };
    expect(() => estimatePls(parsePlsModel({ ...base, constructs: shared }), ecsi.data)).toThrow(/item 'PERQ1' is used by both/);
    const two = loadReference('mobi_two_stage').spec;
    expect(() => estimatePls(parsePlsModel({ ...two, paths: [...two.paths, { from: 'Image', to: 'Image*Value' }] }), ecsi.data)).toThrow(/cannot be a path target/);
    const noValue = parsePlsModel({ ...two, paths: two.paths.filter((p) => p.from !== 'Value') });
    expect(() => estimatePls(noValue, ecsi.data)).toThrow(/interaction 'Image\*Value' uses construct 'Value', which is in no path/);
  });

  it('an infinite value is an error naming the item', () => {
    const data = withColumn('CUSL2', (c) => c.map((v, r) => (r === 7 ? Infinity : v)));
    expect(() => estimatePls(ecsi.spec, data)).toThrow(/item 'CUSL2' has infinite/);
  });

  it('too few usable rows after listwise deletion', () => {
    const data = withColumn('CUEX1', (c) => c.map((v, r) => (r < c.length - 2 ? NaN : v)));
    expect(() => estimatePls(ecsi.spec, data, { missing: 'listwise' })).toThrow(/only 2 usable rows/);
  });
});

describe('standardization precision', () => {
  it('a large offset (mean 1e6, sd ~2) does not change the estimate', () => {
    const shifted = { ...ecsi.data, cols: ecsi.data.cols.map((c) => c.map((v) => v + 1e6)) };
    const a = estimatePls(ecsi.spec, ecsi.data);
    const b = estimatePls(ecsi.spec, shifted);
    a.weights.forEach((w, k) => expect(Math.abs(w.estimate - b.weights[k]!.estimate)).toBeLessThan(1e-9));
    a.paths.forEach((p, k) => expect(Math.abs(p.estimate - b.paths[k]!.estimate)).toBeLessThan(1e-9));
  });
});
