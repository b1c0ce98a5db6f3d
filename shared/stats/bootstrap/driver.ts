// The bootstrap driver: estimates every resample in this thread or on worker threads and collects the draws.
// Each resample is independent (its own rows, its own estimate), so the draws, the failures and every statistic
// derived from them are identical whatever the number of workers or the chunking.
import type { ParamInfo, PlsEstimator, PlsOptions } from '../pls/types';
import { selectColumns, unitWeights, withoutWeights, type DataTable } from '../table';
import { layoutKey, plsRecipe, type EstimatorRecipe } from './recipe';
import { givenSource, jackknifeSource, limitSource, seededSource, type ResampleSource } from './resample-source';
import { runResampleRange, type Estimator, type Failure, type ResampleBatch } from './run-resamples';
import { sharedWorkerPool, type BootstrapWorkerPool } from './pool';

export type { Failure } from './run-resamples';

export interface RunOptions {
  /** Worker threads (default 1 = run in this thread). Results do not depend on it. Workers need the TypeScript
   * sources with tsx installed, or the build of scripts/build.mjs (dist/bootstrap-worker.js). */
  workers?: number;
  /** Called after each finished resample (one thread) or chunk of resamples (workers). */
  onProgress?: (done: number, total: number) => void;
  /** How workers rebuild the estimator. Default: createPlsEstimator(estimator.spec, plsOptions). */
  recipe?: EstimatorRecipe;
  /** Options the caller's PLS estimator was created with (used by the default recipe). */
  plsOptions?: PlsOptions;
  /** Resamples per worker task (default: about 8 tasks per worker, at most 50 resamples each). */
  chunkSize?: number;
  /** Worker pool to run on (default: the process-wide pool, whose idle threads stay for the next run). */
  pool?: BootstrapWorkerPool;
}

export interface BootstrapOptions extends RunOptions {
  /** Number of resamples. Default: all given indices; required with a seed. */
  nboot?: number;
  /** seminr-compatible seed: resample i = set.seed(seed + i); sample.int(n, replace = TRUE). */
  seed?: number;
  /** Explicit resamples as 0-based rows (e.g. parsed from seminr's boot_indices file) or a prepared source. */
  indices?: readonly ArrayLike<number>[] | ResampleSource;
}

export interface ResampleRun {
  layout: readonly ParamInfo[];
  /** Resamples attempted. */
  count: number;
  /** Successful resamples' estimates, row-major (rows x layout.length). */
  draws: Float64Array;
  /** 1-based resample number of each row of draws (jackknife: the 1-based left-out data row). */
  resamples: Int32Array;
  /** Dropped resamples, by resample number. */
  failures: Failure[];
}

export interface BootstrapRun extends ResampleRun {
  /** Estimate on the full data, in layout order. */
  original: Float64Array;
  seed?: number;
}

export type AnyEstimator = Estimator & { spec?: PlsEstimator['spec'] };

/**
 * seminr's bootstrap_model(): original estimate plus one estimate per resample (failed resamples dropped).
 * With survey weights (data.weights) resample i draws the same rows as without, each drawn row carrying its weight
 * (run-resamples.ts); weights all 1 are dropped, so they give exactly the unweighted run.
 */
export async function bootstrapPls(estimator: AnyEstimator, data: DataTable, opts: BootstrapOptions): Promise<BootstrapRun> {
  data = unitWeights(data) ? withoutWeights(data) : data;
  const src = bootstrapSource(data, opts);
  let original: Float64Array;
  try {
    original = estimator.estimate(data);
  } catch (e) {
    throw new Error(`bootstrap: the estimate on the full data failed: ${(e as Error).message}`);
  }
  const run = await runResamples(estimator, modelColumns(estimator, data), src, opts);
  return { ...run, original, ...(opts.seed !== undefined && !opts.indices ? { seed: opts.seed } : {}) };
}

/** Leave-one-out estimates over the rows (for the BCa acceleration); with survey weights the others keep theirs. */
export function jackknifePls(estimator: AnyEstimator, data: DataTable, opts: RunOptions = {}): Promise<ResampleRun> {
  data = unitWeights(data) ? withoutWeights(data) : data;
  if (data.n < 3) throw new Error(`jackknife: need at least 3 rows, have ${data.n}`);
  return runResamples(estimator, modelColumns(estimator, data), jackknifeSource(data.n), opts);
}

/**
 * Only the columns a PLS estimator reads (its constructs' items), so resampling copies and workers receive no more
 * than needed; a table without those columns, or any other estimator, is passed through whole.
 */
function modelColumns(est: AnyEstimator, data: DataTable): DataTable {
  if (!est.spec) return data;
  const wanted = new Set(Object.values(est.spec.constructs).flatMap((c) => c.items));
  const names = data.names.filter((nm) => wanted.has(nm));
  if (names.length !== wanted.size) return data;
  return selectColumns(data, names);
}

function bootstrapSource(data: DataTable, opts: BootstrapOptions): ResampleSource {
  if (opts.indices !== undefined && opts.seed !== undefined) throw new Error('bootstrap: give either a seed or indices, not both');
  if (opts.indices !== undefined) {
    const src = 'spec' in opts.indices ? opts.indices : givenSource(opts.indices, data.n);
    if ('spec' in opts.indices && src.spec.kind === 'given') checkGivenRows(src.spec.rows, data.n);
    return opts.nboot === undefined ? src : limitSource(src, opts.nboot);
  }
  if (opts.seed === undefined) throw new Error('bootstrap: a seed (or explicit indices) is required; runs must be reproducible');
  if (!Number.isInteger(opts.nboot) || opts.nboot! < 1) throw new Error(`bootstrap: nboot must be a positive integer, got ${opts.nboot}`);
  return seededSource(opts.seed, data.n, opts.nboot!);
}

function checkGivenRows(rows: Int32Array, n: number): void {
  for (let k = 0; k < rows.length; k++) {
    if (rows[k]! < 0 || rows[k]! >= n) throw new Error(`bootstrap: given resample rows include ${rows[k]}, outside 0..${n - 1}`);
  }
}

/** Estimates every resample of a source and keeps the successful ones in resample order. */
export async function runResamples(estimator: AnyEstimator, data: DataTable, src: ResampleSource, opts: RunOptions = {}): Promise<ResampleRun> {
  const workers = Math.max(1, Math.min(opts.workers ?? 1, src.count));
  if (!Number.isInteger(workers)) throw new Error(`workers must be an integer, got ${opts.workers}`);
  const batches =
    workers === 1 ? runInThread(estimator, data, src, opts.onProgress) : await runOnWorkers(estimator, data, src, workers, opts);
  return collect(estimator.layout, src.count, batches);
}

function runInThread(est: Estimator, data: DataTable, src: ResampleSource, onProgress?: (d: number, t: number) => void): ResampleBatch[] {
  return [runResampleRange(est, data, src, 0, src.count, onProgress && ((i) => onProgress(i, src.count)))];
}

function collect(layout: readonly ParamInfo[], count: number, batches: ResampleBatch[]): ResampleRun {
  const p = layout.length;
  batches.sort((a, b) => a.start - b.start);
  let nOk = 0;
  for (const b of batches) for (const o of b.ok) nOk += o;
  const draws = new Float64Array(nOk * p);
  const resamples = new Int32Array(nOk);
  const failures: Failure[] = [];
  let r = 0;
  for (const b of batches) {
    for (let k = 0; k < b.ok.length; k++) {
      if (!b.ok[k]) continue;
      draws.set(b.values.subarray(k * p, (k + 1) * p), r * p);
      resamples[r++] = b.start + k + 1;
    }
    failures.push(...b.failures);
  }
  return { layout, count, draws, resamples, failures };
}

function runOnWorkers(est: AnyEstimator, data: DataTable, src: ResampleSource, workers: number, opts: RunOptions): Promise<ResampleBatch[]> {
  const pool = opts.pool ?? sharedWorkerPool();
  return pool.run({
    recipe: opts.recipe ?? defaultRecipe(est, opts.plsOptions),
    key: layoutKey(est),
    probe: probeEstimate(est, data),
    data: { names: [...data.names], cols: data.cols, n: data.n, ...(data.weights ? { weights: data.weights } : {}) },
    source: src.spec,
    count: src.count,
    workers,
    chunkSize: opts.chunkSize ?? Math.max(1, Math.min(50, Math.ceil(src.count / (workers * 8)))),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
}

/** The caller's estimate on the whole table: each worker must reproduce it bit for bit (same options, same code). */
function probeEstimate(est: Estimator, data: DataTable): Float64Array | undefined {
  try {
    return est.estimate(data);
  } catch {
    return undefined;
  }
}

function defaultRecipe(est: AnyEstimator, plsOptions?: PlsOptions): EstimatorRecipe {
  if (!est.spec) throw new Error('bootstrap: workers need a recipe to rebuild this estimator (it has no PLS spec)');
  return plsRecipe(est.spec, plsOptions);
}
