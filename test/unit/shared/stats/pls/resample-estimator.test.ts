// createPlsEstimator: the bootstrap's flat-vector hot path. It must equal estimatePls, and on seminr's own resamples
// (indices and draws shipped with the references) reproduce seminr's bootstrap draws. The test replays the first 25
// resamples; a one-off replay of all 4 x 5000 gave max |estimate() - seminr draw| ≤ 1.0e-14 with no failed resample.
import { describe, expect, it } from 'vitest';
import { parsePlsModel } from '../../../../../shared/models/spec';
import { createPlsEstimator, estimatePls, type PlsResult } from '../../../../../shared/stats/pls';
import { selectRows } from '../../../../../shared/stats/table';
import { loadBootReplay, loadReference, REFERENCE_MODELS } from '../../../../helpers/reference';

/** The estimatePls figure for one layout entry. */
function fromResult(res: PlsResult, p: { kind: string; from: string; to: string }): number {
  const C = res.constructs;
  switch (p.kind) {
    case 'path': return res.paths.find((x) => x.from === p.from && x.to === p.to)!.estimate;
    case 'loading': return res.loadings.find((x) => x.item === p.from && x.construct === p.to)!.estimate;
    case 'weight': return res.weights.find((x) => x.item === p.from && x.construct === p.to)!.estimate;
    case 'htmt': return res.htmt.find((x) => x.a === p.from && x.b === p.to)!.value;
    case 'total': return res.totalEffects.values[C.indexOf(p.from)]![C.indexOf(p.to)]!;
    default: throw new Error(p.kind);
  }
}

const REPLAY = 25;

describe.each(REFERENCE_MODELS)('createPlsEstimator on %s', (name) => {
  const rc = loadReference(name);
  const est = createPlsEstimator(rc.spec);

  it('layout: paths as written, then loadings and weights in item order, HTMT pairs, reachable total effects', () => {
    const kinds = est.layout.map((p) => p.kind);
    const firstOf = (k: string) => kinds.indexOf(k as never);
    expect(firstOf('path')).toBe(0);
    expect([firstOf('loading'), firstOf('weight'), firstOf('htmt'), firstOf('total')]).toEqual(
      [...[firstOf('loading'), firstOf('weight'), firstOf('htmt'), firstOf('total')]].sort((a, b) => a - b));
    expect(est.layout.filter((p) => p.kind === 'path').map((p) => `${p.from}->${p.to}`)).toEqual(rc.spec.paths.map((p) => `${p.from}->${p.to}`));
    expect(est.layout.filter((p) => p.kind === 'loading').map((p) => p.from)).toEqual(rc.json.estimate.outer_loadings.rows);
    const K = rc.json.estimate.constructs.length;
    expect(kinds.filter((k) => k === 'htmt').length).toBe((K * (K - 1)) / 2);
    // total effects: exactly seminr's nonzero total effects (its bootstrap omits zero originals)
    const te = rc.json.estimate.total_effects;
    const nonzero: string[] = [];
    te.rows.forEach((a, i) => te.cols.forEach((b, j) => { if (te.values[i]![j] !== 0) nonzero.push(`${a}->${b}`); }));
    expect(est.layout.filter((p) => p.kind === 'total').map((p) => `${p.from}->${p.to}`)).toEqual(nonzero);
  });

  it('estimate() equals estimatePls on the same data (full data and a resample)', () => {
    const rows = Int32Array.from({ length: rc.data.n }, (_, i) => (i * 7919 + 13) % rc.data.n);
    for (const data of [rc.data, selectRows(rc.data, rows)]) {
      const v = est.estimate(data);
      const res = estimatePls(rc.spec, data);
      expect(v.length).toBe(est.layout.length);
      est.layout.forEach((p, k) => expect(Math.abs(v[k]! - fromResult(res, p)), `${p.kind} ${p.from} ${p.to}`).toBeLessThan(1e-13));
    }
  });

  it(`reproduces seminr's bootstrap draws of the first ${REPLAY} resamples (paths, loadings, weights)`, () => {
    const replay = loadBootReplay(name, REPLAY);
    const col = new Map(replay.columns.map((c, j) => [c, j]));
    const key = (p: { kind: string; from: string; to: string }) =>
      p.kind === 'path' ? `path:${p.from}->${p.to}` : `${p.kind}:${p.to}<-${p.from}`;
    let worst = 0;
    replay.indices.forEach((idx, b) => {
      const v = est.estimate(selectRows(rc.data, idx));
      est.layout.forEach((p, k) => {
        if (p.kind === 'htmt' || p.kind === 'total') return;
        const j = col.get(key(p));
        expect(j, key(p)).toBeDefined();
        worst = Math.max(worst, Math.abs(v[k]! - replay.draws[b]![j!]!));
      });
    });
    console.info(`[pls-estimator] ${name}: max |estimate() - seminr draw| over ${REPLAY} resamples = ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-10);
  });

  it('frequency weights give the estimate of the rows repeated that many times (what the bootstrap relies on)', () => {
    // A resample as the bootstrap draws it, and the same resample as its distinct rows with their counts.
    const rows = Int32Array.from({ length: rc.data.n }, (_, i) => (i * 7919 + 13) % rc.data.n);
    for (let i = 0; i < rows.length; i += 3) rows[i] = rows[(i * 5) % rows.length]!;
    const counts = new Map<number, number>();
    for (const r of rows) counts.set(r, (counts.get(r) ?? 0) + 1);
    const distinct = Int32Array.from([...counts.keys()].sort((a, b) => a - b));
    const weighted = { ...selectRows(rc.data, distinct), weights: Float64Array.from(distinct, (r) => counts.get(r)!) };
    expect(distinct.length).toBeLessThan(rows.length);
    const a = est.estimate(selectRows(rc.data, rows));
    const b = est.estimate(weighted);
    let worst = 0;
    a.forEach((x, k) => (worst = Math.max(worst, Math.abs(x - b[k]!))));
    expect(worst).toBeLessThan(1e-12);
    // rows of weight 0 change nothing
    const withZeros = { ...selectRows(rc.data, Int32Array.from({ length: rc.data.n }, (_, i) => i)), weights: Float64Array.from({ length: rc.data.n }, (_, i) => counts.get(i) ?? 0) };
    const c = est.estimate(withZeros);
    c.forEach((x, k) => expect(Math.abs(x - a[k]!)).toBeLessThan(1e-12));
  });

  it('is pure: a returned vector is not touched by later calls, repeated calls agree', () => {
    const a = est.estimate(rc.data);
    const copy = a.slice();
    const b = est.estimate(selectRows(rc.data, Int32Array.from({ length: rc.data.n }, (_, i) => (i * 31) % rc.data.n)));
    const c = est.estimate(rc.data);
    expect(a).toEqual(copy);
    expect(c).toEqual(a);
    expect(b).not.toEqual(a);
  });
});

describe('estimator errors and options', () => {
  const rc = loadReference('mobi_ecsi');

  it('throws on a zero-variance item in a resample, naming the item', () => {
    const est = createPlsEstimator(rc.spec);
    // a resample in which PERQ3 happens to be constant
    const cols = rc.data.cols.map((c, j) => (rc.data.names[j] === 'PERQ3' ? new Float64Array(c.length).fill(8) : c));
    expect(() => est.estimate({ ...rc.data, cols })).toThrow(/item 'PERQ3' has zero variance/);
    // every row the same respondent: the first item in model order is reported
    expect(() => est.estimate(selectRows(rc.data, new Int32Array(rc.data.n).fill(3)))).toThrow(/item 'IMAG1' has zero variance/);
    // and recovers on the next call
    expect(est.estimate(rc.data).length).toBe(est.layout.length);
  });

  it('frequency weights: listwise deletion, every interaction method, and bad weights', () => {
    const corp = loadReference('corp_rep_simple');
    const w = Float64Array.from({ length: corp.data.n }, (_, i) => i % 4);
    const expanded = Int32Array.from(Array.from(w).flatMap((k, i) => Array(k).fill(i)));
    for (const opts of [{ missing: 'listwise' as const }, { missing: 'mean' as const }]) {
      const est = createPlsEstimator(corp.spec, opts);
      const a = est.estimate(selectRows(corp.data, expanded));
      const b = est.estimate({ ...corp.data, weights: w });
      a.forEach((x, k) => expect(Math.abs(x - b[k]!), `${opts.missing} ${k}`).toBeLessThan(1e-12));
    }
    const mod = loadReference('corp_rep_moderation');
    for (const method of ['two-stage', 'product-indicator', 'orthogonal'] as const) {
      const spec = parsePlsModel({ ...mod.spec, interactions: mod.spec.interactions.map((i) => ({ ...i, method })) });
      const est = createPlsEstimator(spec);
      const wm = Float64Array.from({ length: mod.data.n }, (_, i) => (i * 7) % 3);
      const a = est.estimate(selectRows(mod.data, Int32Array.from(Array.from(wm).flatMap((k, i) => Array(k).fill(i)))));
      const b = est.estimate({ ...mod.data, weights: wm });
      a.forEach((x, k) => expect(Math.abs(x - b[k]!), `${method} ${k}`).toBeLessThan(1e-12));
    }
    const est = createPlsEstimator(rc.spec);
    expect(() => est.estimate({ ...rc.data, weights: new Float64Array(rc.data.n).fill(1).fill(-1, 0, 1) })).toThrow(/row 1 has weight -1/);
    expect(() => est.estimate({ ...rc.data, weights: new Float64Array(3) })).toThrow(/3 weights for 250 rows/);
    // estimatePls takes weights too now (issue 15; weighted.test.ts): all ones = the unweighted estimate
    expect(estimatePls(rc.spec, { ...rc.data, weights: new Float64Array(rc.data.n).fill(1) }).paths).toEqual(estimatePls(rc.spec, rc.data).paths);
  });

  it('throws naming a missing column', () => {
    const est = createPlsEstimator(rc.spec);
    const noCusco = { names: rc.data.names.filter((n) => n !== 'CUSCO'), cols: rc.data.cols.filter((_, j) => rc.data.names[j] !== 'CUSCO'), n: rc.data.n };
    expect(() => est.estimate(noCusco)).toThrow(/column 'CUSCO'/);
  });

  it('honours options (maxIter, listwise, factorial)', () => {
    const fac = parsePlsModel({ ...rc.spec, innerWeighting: 'factorial' });
    for (const [spec, opts] of [[rc.spec, { maxIter: 1 }], [fac, {}]] as const) {
      const v = createPlsEstimator(spec, opts).estimate(rc.data);
      const res = estimatePls(spec, rc.data, opts);
      expect(v[0]).toBeCloseTo(res.paths[0]!.estimate, 14);
    }
    const corp = loadReference('corp_rep_simple');
    const v = createPlsEstimator(corp.spec, { missing: 'listwise' }).estimate(corp.data);
    expect(v[0]).toBeCloseTo(estimatePls(corp.spec, corp.data, { missing: 'listwise' }).paths[0]!.estimate, 14);
  });
});
