// Bootstrap statistics: R's quantile type 7, boot's BCa, p-values, and seminr's summary records recomputed from
// seminr's own stored draws (no estimator involved).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { columnQuantilePairsType7, quantilePairType7, quantileType7, selectInPlace } from '../../../../../shared/stats/bootstrap/quantile';
import { summarizeBootstrap } from '../../../../../shared/stats/bootstrap/summary';
import { bootstrapPls, jackknifePls } from '../../../../../shared/stats/bootstrap/driver';
import { findChains } from '../../../../../shared/stats/bootstrap/indirect';
import type { BootstrapRun } from '../../../../../shared/stats/bootstrap/driver';
import type { ParamInfo } from '../../../../../shared/stats/pls/types';
import { readNumericCsv } from '../../../../../shared/stats/read-csv';
import { createStandInEstimator } from './standin';
import { compareSection, readDraws, refPath, type RefRecord } from './helpers';

describe('quantilePairType7 (selection instead of a sort)', () => {
  it('gives exactly what quantileType7 of the sorted draws gives, for any draws and probabilities (ties, tiny n included)', () => {
    fc.assert(fc.property(
      fc.array(fc.oneof(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), fc.integer({ min: -3, max: 3 })), { minLength: 1, maxLength: 300 }),
      fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }),
      (xs, a, b) => {
        const [p1, p2] = a <= b ? [a, b] : [b, a];
        const sorted = Float64Array.from(xs).sort();
        const got = quantilePairType7(Float64Array.from(xs), p1, p2);
        expect(got).toEqual([quantileType7(sorted, p1), quantileType7(sorted, p2)]);
      },
    ), { numRuns: 2000, seed: 7 });
  });
  it('reads the tails of large draw sets (bounded heaps) exactly as a sort does: random, sorted, reversed, tied', () => {
    fc.assert(fc.property(
      fc.integer({ min: 64, max: 6000 }), fc.constantFrom('random', 'ascending', 'descending', 'ties'), fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      fc.double({ min: 0, max: 0.06, noNaN: true }), fc.double({ min: 0.94, max: 1, noNaN: true }),
      (n, order, seed, p1, p2) => {
        let s = seed;
        const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
        const xs = Float64Array.from({ length: n }, () => (order === 'ties' ? Math.floor(rnd() * 5) : rnd() * 2 - 1));
        if (order === 'ascending') xs.sort();
        if (order === 'descending') xs.sort().reverse();
        const sorted = xs.slice().sort();
        expect(quantilePairType7(xs.slice(), p1, p2)).toEqual([quantileType7(sorted, p1), quantileType7(sorted, p2)]);
      },
    ), { numRuns: 300, seed: 11 });
  });
  it('selectInPlace puts the k-th smallest at k with smaller ones before and larger ones after', () => {
    const a = Float64Array.from({ length: 1001 }, (_, i) => (i * 7919) % 1001);
    selectInPlace(a, 500);
    expect(a[500]).toBe(500);
    expect(a.subarray(0, 500).every((v) => v <= 500)).toBe(true);
    expect(a.subarray(501).every((v) => v >= 500)).toBe(true);
  });
  it('is NaN for no draws and rejects probabilities out of order', () => {
    expect(quantilePairType7(new Float64Array(0), 0.025, 0.975)).toEqual([NaN, NaN]);
    expect(() => quantilePairType7(Float64Array.of(1, 2), 0.9, 0.1)).toThrow(/outside/);
  });
});

describe('every column of a draws matrix at once (row after row)', () => {
  /** A rows x cols row-major matrix whose columns differ in kind: random, sorted, reversed, tied, constant, NaN. */
  const matrix = (rows: number, cols: number, seed: number) => {
    let s = seed;
    const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const m = new Float64Array(rows * cols);
    for (let j = 0; j < cols; j++) {
      const kind = j % 7;
      const col = Float64Array.from({ length: rows }, () => (kind === 3 ? Math.floor(rnd() * 4) : kind === 4 ? 0.25 : 1e3 * (rnd() - 0.5)));
      if (kind === 1) col.sort();
      if (kind === 2) col.sort().reverse();
      // a slow drift: the first rows, the sample the thresholds come from, are not like the rest
      if (kind === 5) col.forEach((v, r) => (col[r] = v + r));
      if (kind === 6 && rows > 3) col[Math.floor(rnd() * rows)] = NaN;
      col.forEach((v, r) => (m[r * cols + j] = v));
    }
    return m;
  };
  const column = (m: Float64Array, rows: number, cols: number, j: number) => Float64Array.from({ length: rows }, (_, r) => m[r * cols + j]!);

  it('columnQuantilePairsType7 gives what quantilePairType7 gives column by column, value for value', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 6000 }), fc.integer({ min: 1, max: 15 }), fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      fc.oneof(fc.constant(0.05), fc.constant(0.01), fc.double({ min: 0, max: 1, noNaN: true })),
      fc.double({ min: 0, max: 0.02, noNaN: true }),
      (rows, cols, seed, alpha, skew) => {
        const m = matrix(rows, cols, seed);
        // an asymmetric pair too, so the two tails need different numbers of values
        const [p1, p2] = [alpha / 2, Math.min(1, 1 - alpha / 2 + skew)];
        const got = columnQuantilePairsType7(m, rows, cols, p1, p2);
        for (let j = 0; j < cols; j++) {
          const [lo, hi] = quantilePairType7(column(m, rows, cols, j), p1, p2);
          expect([got.lower[j], got.upper[j]]).toEqual([lo, hi]);
        }
      },
    ), { numRuns: 250, seed: 13 });
  });
  it('columnQuantilePairsType7 falls back to selection when a tail collected one value too few', () => {
    // 2000 rows, alpha 0.05: each tail needs the 51 most extreme values. The thresholds come from the first 512 rows
    // (alternately r and -r): the 41st smallest, -430, and the 41st largest, 431. Nine more values below -430 and 29
    // above 431 follow: the low tail holds 50 values, one too few. The second column is the first negated (the high
    // tail one short).
    const rows = 2000;
    const col = new Float64Array(rows);
    for (let r = 0; r < 512; r++) col[r] = r % 2 ? r : -r;
    for (let r = 512; r < rows; r++) col[r] = r < 521 ? -600 - r : r < 550 ? 600 + r : (r % 2 ? 1 : -1) * (r % 200);
    const m = Float64Array.from([...col].flatMap((v) => [v, -v]));
    const got = columnQuantilePairsType7(m, rows, 2, 0.025, 0.975);
    for (let j = 0; j < 2; j++) expect([got.lower[j], got.upper[j]]).toEqual(quantilePairType7(column(m, rows, 2, j), 0.025, 0.975));
    expect(Number.isFinite(got.lower[0]!) && Number.isFinite(got.upper[0]!)).toBe(true);
  });
  it('columnQuantilePairsType7 orders -0 before 0 where it reads a zero, as a sort does', () => {
    // 5000 rows, alpha 0.05: the lower bound reads the 126th and 127th smallest, here two of six zeros of both signs.
    const rows = 5000;
    for (let seed = 1; seed <= 20; seed++) {
      let s = seed;
      const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
      const col = Float64Array.from({ length: rows }, (_, r) => (r < 122 ? -1 - rnd() : r < 128 ? (rnd() < 0.5 ? -0 : 0) : 1 + rnd()));
      for (let r = rows - 1; r > 0; r--) {
        const k = Math.floor(rnd() * (r + 1));
        [col[r], col[k]] = [col[k]!, col[r]!];
      }
      const sorted = col.slice().sort();
      const got = columnQuantilePairsType7(col, rows, 1, 0.025, 0.975);
      expect([got.lower[0], got.upper[0]]).toEqual([quantileType7(sorted, 0.025), quantileType7(sorted, 0.975)]);
    }
  });
});

describe('quantileType7', () => {
  // Expected values: R 4.2.2, quantile(x, probs, type = 7) as printed by test/unit/shared/stats/bootstrap/reference.R.
  const q = (x: number[], probs: number[]) => {
    const s = Float64Array.from(x).sort();
    return probs.map((p) => quantileType7(s, p));
  };
  it('matches R', () => {
    expect(q([3, 1, 2], [0, 0.025, 0.5, 0.975, 1])).toEqual([1, 1.05, 2, 2.9500000000000002, 3]);
    expect(q([1.5], [0.025, 0.975])).toEqual([1.5, 1.5]);
    expect(q([2, 2, 2, 5], [0.1, 0.5, 0.9])).toEqual([2, 2, 4.1000000000000005]);
    const sq = Array.from({ length: 10 }, (_, i) => ((i + 1) / 10) ** 2);
    expect(q(sq, [0.025, 0.33, 0.975])).toEqual([0.016750000000000004, 0.15790000000000004, 0.95725000000000005]);
  });
  it('is NaN for no draws and rejects probabilities outside [0, 1]', () => {
    expect(quantileType7(new Float64Array(0), 0.5)).toBeNaN();
    expect(() => quantileType7(Float64Array.of(1), 1.2)).toThrow(/outside/);
  });
});

describe('stand-in statistic against R (boot::boot.ci type "bca" with jackknife L)', () => {
  // R: test/unit/shared/stats/bootstrap/reference.R, section "Stand-in statistic": seminr-style resamples (set.seed(123 + i);
  // sample.int(250, replace = TRUE)), R = 2000, on mobi's IMAG1 (X), CUSA1 (M), CUSL1 (Y); per statistic
  // c(t0, mean(t), sd(t), t0 / sd(t), 2 * pt(-abs(t0 / sd(t)), R - 1), quantile(t, c(.025, .975)),
  //   boot.ci(b, type = "bca", index = j, L = (n - 1) * (mean(jk) - jk))$bca[4:5]).
  const R: Record<string, number[]> = {
    'path X->M': [0.45177292964866944, 0.45238133351671733, 0.070271444826123602, 6.4289688473961988, 1.6022632868414066e-10, 0.31129791364546178, 0.58350973182456101, 0.29168884114144994, 0.56961782878498823],
    'path M->Y': [0.3432921876642549, 0.34358020506305442, 0.069371507542998478, 4.9486049795223552, 8.1004070227452425e-07, 0.19627377103734836, 0.47283684318182939, 0.18542032505308248, 0.46013065460535635],
    'path X->Y': [0.23608387687548643, 0.237764161223323, 0.072670199603422359, 3.2487027442314638, 0.0011785489647573703, 0.094602237507806913, 0.37851052689907494, 0.089909537389072341, 0.37560748670578781],
    'loading x->X': [2.8899598393574295, 2.8744332771084338, 0.34078585606415046, 8.4802810560700479, 4.3000512695229204e-17, 2.2354152610441766, 3.5816417670682728, 2.3456243800673384, 3.7313241658001997],
    'specific_indirect X->Y': [0.15509011734658126, 0.15620019976028787, 0.042737396656465143, 3.6289088592184955, 0.00029176872093646393, 0.077431516126895125, 0.24469895072350864, 0.077539321871823774, 0.24535819673084439],
    'total_indirect X->Y': [0.15509011734658124, 0.15620019976028787, 0.042737396656465143, 3.6289088592184946, 0.00029176872093646523, 0.077431516126895125, 0.24469895072350867, 0.077539321871823774, 0.24535819673084433],
  };

  it('mean, SD, t, p, percentile and BCa bounds', async () => {
    const data = readNumericCsv(readFileSync(refPath('data/mobi.csv'), 'utf8'), 'mobi.csv');
    const est = createStandInEstimator({ x: 'IMAG1', m: 'CUSA1', y: 'CUSL1' });
    const run = await bootstrapPls(est, data, { seed: 123, nboot: 2000 });
    const jackknife = await jackknifePls(est, data);
    const s = summarizeBootstrap(run, { jackknife });
    expect(s.df).toBe(1999);
    const byKey = new Map(s.params.map((p) => [`${p.kind} ${p.from}->${p.to}`, p]));
    for (const [key, [orig, mean, sd, t, p, lo, hi, bl, bu]] of Object.entries(R)) {
      const got = byKey.get(key)!;
      expect(got, key).toBeDefined();
      const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-300, Math.abs(b));
      for (const [g, w, tol] of [
        [got.original, orig, 1e-13], [got.bootMean, mean, 1e-13], [got.bootSd, sd, 1e-12], [got.t, t, 1e-12],
        [got.p, p, 1e-9], [got.ciLower, lo, 1e-13], [got.ciUpper, hi, 1e-13], [got.bcaLower, bl, 1e-12], [got.bcaUpper, bu, 1e-12],
      ] as const) {
        expect(rel(g, w!), `${key}: got ${g}, R ${w}`).toBeLessThan(tol);
      }
    }
    // total X->M and M->Y have no chain: no total indirect for them; the derived ones are the only extras.
    expect(s.params.filter((p) => p.kind === 'total_indirect').map((p) => `${p.from}->${p.to}`)).toEqual(['X->Y']);
  });
});

/** A BootstrapRun from seminr's stored draws: paths, loadings, weights, plus totals B + B^2 + ... per resample. */
function runFromSeminrDraws(model: string): BootstrapRun {
  const ref = JSON.parse(readFileSync(refPath(`results/${model}.json`), 'utf8'));
  const { header, rows } = readDraws(`${model}_boot_draws.csv.gz`);
  const layout: ParamInfo[] = header.slice(1).map((h) => {
    const [kind, rest] = h.split(':') as [string, string];
    if (kind === 'path') {
      const [from, to] = rest.split('->') as [string, string];
      return { kind: 'path', from, to };
    }
    const [construct, item] = rest.split('<-') as [string, string];
    return { kind: kind as 'loading' | 'weight', from: item, to: construct };
  });
  const constructs: string[] = ref.estimate.total_effects.rows;
  const pathCols = layout.flatMap((p, j) => (p.kind === 'path' ? [{ i: constructs.indexOf(p.from), k: constructs.indexOf(p.to), j }] : []));
  const c = constructs.length;
  for (let a = 0; a < c; a++) for (let b = 0; b < c; b++) layout.push({ kind: 'total', from: constructs[a]!, to: constructs[b]! });
  const totals = (pathValue: (j: number) => number) => {
    const B = new Float64Array(c * c);
    for (const { i, k, j } of pathCols) B[i * c + k] = pathValue(j);
    const T = Float64Array.from(B);
    let P = Float64Array.from(B);
    for (let step = 0; step < c; step++) {
      const next = new Float64Array(c * c);
      for (let a = 0; a < c; a++) for (let m = 0; m < c; m++) for (let b = 0; b < c; b++) next[a * c + b]! += P[a * c + m]! * B[m * c + b]!;
      P = next;
      for (let q = 0; q < c * c; q++) T[q]! += P[q]!;
    }
    return T;
  };
  const p = layout.length;
  const draws = new Float64Array(rows.length * p);
  rows.forEach((r, i) => {
    draws.set(r.slice(1), i * p);
    draws.set(totals((j) => r[j + 1]!), i * p + header.length - 1);
  });
  const original = new Float64Array(p);
  const est = ref.estimate;
  layout.forEach((par, j) => {
    if (par.kind === 'path') original[j] = est.paths.find((x: { from: string; to: string }) => x.from === par.from && x.to === par.to).coef;
    else if (par.kind === 'total') original[j] = est.total_effects.values[constructs.indexOf(par.from)][constructs.indexOf(par.to)];
    else {
      const m = est.measurement.find((x: { item: string; construct: string }) => x.item === par.from && x.construct === par.to);
      original[j] = par.kind === 'loading' ? m.loading : m.weight;
    }
  });
  return { layout, count: rows.length, draws, resamples: Int32Array.from(rows, (r) => r[0]!), failures: [], original };
}

describe("summary of seminr's own draws equals seminr's bootstrap records", () => {
  it.each(['mobi_ecsi', 'corp_rep_simple', 'corp_rep_moderation', 'mobi_two_stage'])('%s', (model) => {
    const ref = JSON.parse(readFileSync(refPath(`results/${model}.json`), 'utf8'));
    const run = runFromSeminrDraws(model);
    const s = summarizeBootstrap(run);
    expect(s.nSuccessful).toBe(ref.bootstrap.nboot_successful);
    for (const section of ['paths', 'loadings', 'weights', 'total_paths', 'specific_indirect', 'total_indirect'] as const) {
      const { worst, missing, extra, count } = compareSection(s.params, section, ref.bootstrap[section]);
      expect(missing, `${model} ${section}`).toEqual([]);
      expect(extra, `${model} ${section}: parameters seminr does not list`).toBe(0);
      // Reference JSON and draws carry 15 significant digits.
      for (const [stat, d] of Object.entries(worst)) expect(d, `${model} ${section} ${stat} (${count} records)`).toBeLessThan(1e-12);
    }
    // seminr lists one specific indirect effect per chain of two paths, in this order.
    const ours2 = s.params.filter((p) => p.kind === 'specific_indirect' && p.through!.length === 1).map((p) => `${p.from}>${p.through![0]}>${p.to}`);
    expect(ours2).toEqual(ref.bootstrap.specific_indirect.map((r: RefRecord) => `${r.from}>${r.through}>${r.to}`));
  });
});

describe('findChains', () => {
  it('lists every chain of two or more paths, shorter first, without cycles', () => {
    const layout: ParamInfo[] = [
      { kind: 'path', from: 'A', to: 'B' }, { kind: 'path', from: 'B', to: 'C' }, { kind: 'path', from: 'A', to: 'C' },
      { kind: 'path', from: 'C', to: 'D' }, { kind: 'loading', from: 'a1', to: 'A' },
    ];
    expect(findChains(layout).map((c) => c.constructs.join('>'))).toEqual(['A>B>C', 'B>C>D', 'A>C>D', 'A>B>C>D']);
  });
});
