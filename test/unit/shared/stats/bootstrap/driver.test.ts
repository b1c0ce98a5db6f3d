// The driver with a stand-in estimator: worker threads give identical results, failed resamples are dropped and
// counted the same way everywhere, given indices reproduce a seeded run, progress reaches the total.
import { describe, expect, it } from 'vitest';
import { bootstrapPls, jackknifePls, type BootstrapRun } from '../../../../../shared/stats/bootstrap/driver';
import { seminrResampleRows } from '../../../../../shared/stats/bootstrap/r-rng';
import { summarizeBootstrap } from '../../../../../shared/stats/bootstrap/summary';
import type { EstimatorRecipe } from '../../../../../shared/stats/bootstrap/recipe';
import { countRows, gatherRows } from '../../../../../shared/stats/bootstrap/run-resamples';
import { selectRows, tableFromRows, type DataTable } from '../../../../../shared/stats/table';
import { createStandInEstimator, ROW_ID, type StandInOptions } from './standin';

/** 60 rows of three correlated variables made from a fixed formula, plus the row id column. */
function makeData(n = 60): DataTable {
  const rows = Array.from({ length: n }, (_, i) => {
    const a = Math.sin(i * 1.7) * 3 + (i % 7);
    const b = a * 0.6 + Math.cos(i * 2.3) * 2;
    const c = b * 0.5 + Math.sin(i * 0.9 + 1) * 2;
    return [a, b, c, i];
  });
  return tableFromRows(['a', 'b', 'c', ROW_ID], rows);
}

const standIn = (o: Partial<StandInOptions> = {}) => {
  const opts: StandInOptions = { x: 'a', m: 'b', y: 'c', ...o };
  const recipe: EstimatorRecipe = { module: new URL('./standin.ts', import.meta.url).href, exportName: 'createStandInEstimator', args: [opts] };
  return { est: createStandInEstimator(opts), recipe };
};

const same = (a: BootstrapRun, b: BootstrapRun) => {
  expect([...b.resamples]).toEqual([...a.resamples]);
  expect(b.failures).toEqual(a.failures);
  expect(Buffer.from(b.draws.buffer).equals(Buffer.from(a.draws.buffer))).toBe(true);
};

describe('gatherRows', () => {
  it('fills buffers exactly like selectRows', () => {
    const data = makeData(9);
    const rows = Int32Array.of(8, 0, 0, 3, 7, 7, 1, 2, 5);
    const out = data.cols.map(() => new Float64Array(rows.length));
    gatherRows(data.cols, rows, out);
    expect(out).toEqual(selectRows(data, rows).cols);
  });
});

describe('bootstrapPls with a stand-in estimator', () => {
  const data = makeData();

  it('gives identical draws, failures and statistics on 1, 2 and 3 worker threads', async () => {
    // Row 0 drawn 3+ times throws, row 1 drawn 3+ times gives NaN: both dropped.
    const { est, recipe } = standIn({ throwRow: 0, nanRow: 1, times: 2 });
    const one = await bootstrapPls(est, data, { seed: 7, nboot: 300 });
    const two = await bootstrapPls(est, data, { seed: 7, nboot: 300, workers: 2, recipe });
    const three = await bootstrapPls(est, data, { seed: 7, nboot: 300, workers: 3, recipe, chunkSize: 7 });
    same(one, two);
    same(one, three);
    expect(summarizeBootstrap(two)).toEqual(summarizeBootstrap(one));
  });

  it('drops and counts resamples that throw or give non-finite values', async () => {
    const { est } = standIn({ throwRow: 0, nanRow: 1, times: 2 });
    const nboot = 300;
    const run = await bootstrapPls(est, data, { seed: 7, nboot });
    // Expected from the resample rows themselves.
    const rows = new Int32Array(data.n);
    const thrown: number[] = [];
    const nan: number[] = [];
    for (let i = 1; i <= nboot; i++) {
      seminrResampleRows(7, i, data.n, rows);
      const count = (r: number) => rows.filter((v) => v === r).length;
      if (count(0) > 2) thrown.push(i);
      else if (count(1) > 2) nan.push(i);
    }
    expect(thrown.length).toBeGreaterThan(0);
    expect(nan.length).toBeGreaterThan(0);
    expect(run.failures.map((f) => f.resample)).toEqual([...thrown, ...nan].sort((a, b) => a - b));
    expect(run.failures.find((f) => f.resample === thrown[0])!.reason).toBe('row 0 drawn too often');
    expect(run.failures.find((f) => f.resample === nan[0])!.reason).toMatch(/^non-finite path X -> M/);
    expect(run.resamples.length).toBe(nboot - thrown.length - nan.length);
    expect(run.draws.length).toBe(run.resamples.length * run.layout.length);
    const s = summarizeBootstrap(run);
    expect([s.nboot, s.nSuccessful, s.nFailed, s.df]).toEqual([nboot, run.resamples.length, thrown.length + nan.length, run.resamples.length - 1]);
  });

  it('replays given indices exactly like the seeded run they came from', async () => {
    const { est } = standIn();
    const seeded = await bootstrapPls(est, data, { seed: 99, nboot: 40 });
    const indices = Array.from({ length: 50 }, (_, i) => seminrResampleRows(99, i + 1, data.n));
    const given = await bootstrapPls(est, data, { indices, nboot: 40 });
    same(seeded, given);
    expect(seeded.seed).toBe(99);
    expect(given.seed).toBeUndefined();
  });

  it('reports progress up to the total, in one thread and on workers', async () => {
    const { est, recipe } = standIn();
    for (const workers of [1, 2]) {
      const seen: [number, number][] = [];
      await bootstrapPls(est, data, { seed: 1, nboot: 64, workers, recipe, chunkSize: 10, onProgress: (d, t) => seen.push([d, t]) });
      expect(seen.at(-1)).toEqual([64, 64]);
      expect(seen.every(([d], k) => k === 0 || d > seen[k - 1]![0])).toBe(true);
      expect(seen.length).toBe(workers === 1 ? 64 : 7);
    }
  });

  it('jackknife leaves each row out once, identically on workers', async () => {
    const { est, recipe } = standIn();
    const one = await jackknifePls(est, data);
    const two = await jackknifePls(est, data, { workers: 2, recipe });
    expect([...one.resamples]).toEqual(Array.from({ length: data.n }, (_, i) => i + 1));
    expect(Buffer.from(two.draws.buffer).equals(Buffer.from(one.draws.buffer))).toBe(true);
    const without0 = est.estimate(tableFromRows(data.names, Array.from({ length: data.n - 1 }, (_, k) => data.cols.map((c) => c[k + 1]!))));
    expect([...one.draws.subarray(0, one.layout.length)]).toEqual([...without0]);
  });

  it('refuses unreproducible or inconsistent requests with clear errors', async () => {
    const { est, recipe } = standIn();
    await expect(bootstrapPls(est, data, { nboot: 10 })).rejects.toThrow(/seed .* is required/);
    await expect(bootstrapPls(est, data, { seed: 1, indices: [[0]] })).rejects.toThrow(/either a seed or indices/);
    await expect(bootstrapPls(est, data, { indices: [[0, 60]] })).rejects.toThrow(/resample 1, position 2: row 60/);
    await expect(bootstrapPls(est, data, { seed: 1, nboot: 0 })).rejects.toThrow(/nboot must be a positive integer/);
    await expect(bootstrapPls(est, data, { seed: 1, nboot: 4, workers: 2 })).rejects.toThrow(/need a recipe/);
    const wrong = { ...recipe, args: [{ x: 'a', m: 'b', y: 'c' }], exportName: 'nope' };
    await expect(bootstrapPls(est, data, { seed: 1, nboot: 4, workers: 2, recipe: wrong })).rejects.toThrow(/no exported function 'nope'/);
    // A rebuilt estimator must estimate like the caller's (here: other columns, same layout).
    const other = { ...recipe, args: [{ x: 'c', m: 'b', y: 'a' }] };
    await expect(bootstrapPls(est, data, { seed: 1, nboot: 4, workers: 2, recipe: other })).rejects.toThrow(/estimates differently than the caller's/);
    // The pool's threads survive a failed job.
    expect((await bootstrapPls(est, data, { seed: 1, nboot: 4, workers: 2, recipe })).resamples).toHaveLength(4);
    const broken = { layout: est.layout, estimate: () => { throw new Error('singular'); } };
    await expect(bootstrapPls(broken, data, { seed: 1, nboot: 4 })).rejects.toThrow('bootstrap: the estimate on the full data failed: singular');
  });
});

describe('countRows (a draw as its distinct rows and their counts)', () => {
  it('lists each drawn row once, ascending, with how often it was drawn, and leaves the counters at 0', () => {
    const counts = new Float64Array(6);
    const distinct = new Int32Array(7);
    const weights = new Float64Array(7);
    const k = countRows(Int32Array.of(4, 1, 4, 0, 4, 1, 5), counts, distinct, weights);
    expect(k).toBe(4);
    expect([...distinct.subarray(0, k)]).toEqual([0, 1, 4, 5]);
    expect([...weights.subarray(0, k)]).toEqual([1, 2, 3, 1]);
    expect([...counts]).toEqual([0, 0, 0, 0, 0, 0]);
  });
});
