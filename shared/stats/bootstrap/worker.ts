// Worker thread of the bootstrap pool: for each job, rebuilds the estimator from its recipe (cached across jobs),
// then estimates the resample ranges the driver sends.
import { parentPort } from 'node:worker_threads';
import type { DataTable } from '../table';
import { buildFromRecipe, layoutKey, type EstimatorRecipe } from './recipe';
import { sourceFromSpec, type ResampleSource, type ResampleSourceSpec } from './resample-source';
import { runResampleRange, type Estimator, type ResampleBatch } from './run-resamples';

export type ToWorker =
  | { type: 'job'; id: number; recipe: EstimatorRecipe; key: string; data: DataTable; source: ResampleSourceSpec; probe?: Float64Array }
  | { type: 'run'; id: number; start: number; end: number }
  | { type: 'end'; id: number };
export type FromWorker =
  | { type: 'ready'; id: number }
  | ({ type: 'batch'; id: number } & ResampleBatch)
  | { type: 'fatal'; id: number; message: string };

const port = parentPort!;
const post = (m: FromWorker, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer);
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Estimators by recipe, so a pool serving the same model again skips the rebuild and keeps its JIT state. */
const estimators = new Map<string, Promise<Estimator>>();
const MAX_CACHED = 8;
const jobs = new Map<number, Promise<{ est: Estimator; data: DataTable; src: ResampleSource }>>();

function estimatorFor(recipe: EstimatorRecipe): Promise<Estimator> {
  const k = JSON.stringify(recipe);
  let est = estimators.get(k);
  if (!est) {
    est = buildFromRecipe(recipe);
    estimators.set(k, est);
    est.catch(() => estimators.delete(k));
    if (estimators.size > MAX_CACHED) estimators.delete(estimators.keys().next().value!);
  }
  return est;
}

function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'job') {
    const job = estimatorFor(m.recipe).then(
      (est) => {
        if (layoutKey(est) !== m.key) throw new Error(`the estimator rebuilt from ${m.recipe.module} has a different parameter layout than the caller's`);
        if (m.probe && !sameBits(est.estimate(m.data), m.probe)) {
          throw new Error(`the estimator rebuilt from ${m.recipe.module} estimates differently than the caller's (different options? pass plsOptions or a recipe)`);
        }
        return { est, data: m.data, src: sourceFromSpec(m.source) };
      },
      (e) => {
        throw new Error(`worker could not build the estimator: ${message(e)}`);
      },
    );
    jobs.set(m.id, job);
    job.then(
      () => post({ type: 'ready', id: m.id }),
      (e) => post({ type: 'fatal', id: m.id, message: message(e) }),
    );
  } else if (m.type === 'run') {
    void jobs.get(m.id)?.then((j) => {
      try {
        const b = runResampleRange(j.est, j.data, j.src, m.start, m.end);
        post({ type: 'batch', id: m.id, ...b }, [b.values.buffer as ArrayBuffer, b.ok.buffer as ArrayBuffer]);
      } catch (e) {
        post({ type: 'fatal', id: m.id, message: message(e) });
      }
    });
  } else {
    jobs.delete(m.id);
  }
});
