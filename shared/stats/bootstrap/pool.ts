// A pool of bootstrap worker threads kept between runs: starting a worker (loader, module compilation, JIT warm-up)
// costs about a quarter second, as much as a whole mobi bootstrap's share, and the pipeline bootstraps one model
// per branch and period in the same process. Idle workers are unref'd so they never keep the process alive.
// Jobs run one at a time; within a job the workers pull chunks of resamples until none are left.
import { Worker } from 'node:worker_threads';
import type { DataTable } from '../table';
import type { EstimatorRecipe } from './recipe';
import type { ResampleSourceSpec } from './resample-source';
import type { ResampleBatch } from './run-resamples';
import type { FromWorker, ToWorker } from './worker';

export interface PoolJob {
  recipe: EstimatorRecipe;
  /** layoutKey() of the caller's estimator. */
  key: string;
  /** The caller's estimate on `data`, which the rebuilt estimator must reproduce exactly (when it could estimate). */
  probe?: Float64Array;
  data: DataTable;
  source: ResampleSourceSpec;
  /** Resamples 0..count-1 of the source. */
  count: number;
  /** Workers to use (the pool grows to this size). */
  workers: number;
  chunkSize: number;
  onProgress?: (done: number, total: number) => void;
}

function workerScript(): { url: URL; execArgv?: string[] } {
  // From TypeScript sources the worker needs tsx's loader (the entry registers it); drop the parent's loader flags
  // so it is not registered twice. The compiled build (scripts/build.mjs) emits worker.ts as bootstrap-worker.js in
  // the flat dist/ folder, beside whichever chunk this code landed in.
  if (import.meta.url.endsWith('.ts')) return { url: new URL('./worker-entry.mjs', import.meta.url), execArgv: [] };
  return { url: new URL('./bootstrap-worker.js', import.meta.url) };
}

export class BootstrapWorkerPool {
  private readonly workers: Worker[] = [];
  private tail: Promise<unknown> = Promise.resolve();
  private jobSeq = 0;

  /** Runs a job after the ones already queued. */
  run(job: PoolJob): Promise<ResampleBatch[]> {
    const result = this.tail.then(() => this.execute(job));
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    const ws = this.workers.splice(0);
    await Promise.all(ws.map((w) => w.terminate()));
  }

  private grow(size: number): void {
    const script = workerScript();
    while (this.workers.length < size) {
      const w = new Worker(script.url, script.execArgv ? { execArgv: script.execArgv } : {});
      // A worker that dies leaves the pool; the job it was on fails through its own listeners.
      const drop = () => {
        const k = this.workers.indexOf(w);
        if (k >= 0) this.workers.splice(k, 1);
      };
      w.on('exit', drop);
      w.on('error', drop);
      w.unref();
      this.workers.push(w);
    }
  }

  private execute(job: PoolJob): Promise<ResampleBatch[]> {
    this.grow(job.workers);
    const team = this.workers.slice(0, job.workers);
    const id = ++this.jobSeq;
    const batches: ResampleBatch[] = [];
    let next = 0;
    let done = 0;

    return new Promise<ResampleBatch[]>((resolve, reject) => {
      let settled = false;
      const listeners = new Map<Worker, { message: (m: FromWorker) => void; error: (e: Error) => void; exit: (c: number) => void }>();
      const finish = (err?: Error) => {
        if (settled) return;
        settled = true;
        for (const [w, l] of listeners) {
          w.off('message', l.message);
          w.off('error', l.error);
          w.off('exit', l.exit);
          w.postMessage({ type: 'end', id } satisfies ToWorker);
          w.unref();
        }
        if (err) reject(err);
        else resolve(batches);
      };
      const dispatch = (w: Worker) => {
        if (next >= job.count) return;
        const start = next;
        next = Math.min(job.count, next + job.chunkSize);
        w.postMessage({ type: 'run', id, start, end: next } satisfies ToWorker);
      };
      for (const w of team) {
        const l = {
          message: (m: FromWorker) => {
            if (m.id !== id) return; // a late answer to an earlier, failed job
            if (m.type === 'fatal') return finish(new Error(`bootstrap worker: ${m.message}`));
            if (m.type === 'ready') return dispatch(w);
            batches.push({ start: m.start, end: m.end, values: m.values, ok: m.ok, failures: m.failures });
            done += m.end - m.start;
            job.onProgress?.(done, job.count);
            if (done === job.count) finish();
            else dispatch(w);
          },
          error: (e: Error) => finish(new Error(`bootstrap worker crashed: ${e.message}`)),
          exit: (code: number) => finish(new Error(`bootstrap worker exited (code ${code}) before the run finished`)),
        };
        listeners.set(w, l);
        w.on('message', l.message);
        w.on('error', l.error);
        w.on('exit', l.exit);
        w.ref();
        w.postMessage({
          type: 'job', id, recipe: job.recipe, key: job.key, data: job.data, source: job.source, ...(job.probe ? { probe: job.probe } : {}),
        } satisfies ToWorker);
      }
    });
  }
}

let shared: BootstrapWorkerPool | undefined;

/** The process-wide pool used when a run asks for workers without passing its own pool. */
export function sharedWorkerPool(): BootstrapWorkerPool {
  return (shared ??= new BootstrapWorkerPool());
}
