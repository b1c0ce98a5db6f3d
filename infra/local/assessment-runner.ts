// The assessment state machine, run locally with the same handlers: plan -> a bounded-concurrency map of
// recomputes (the Distributed Map on AWS) -> close. Failed recomputes are tolerated and reported, as on AWS.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { makeHandler as makeAssess, depsFromEnv as assessDeps } from '../../lambdas/assess/handler';
import type { CloseOutput, PlanOutput } from '../../lambdas/assess/assess';
import { makeHandler as makeRecompute, depsFromEnv as recomputeDeps } from '../../lambdas/recompute/handler';
import type { RecomputeOutcome } from '../../lambdas/recompute/recompute';
import type { Alert } from '../../shared/assess/assessment';

export interface AssessmentRun {
  plan: PlanOutput;
  recomputes: RecomputeOutcome[];
  failures: { item: PlanOutput['items'][number]; error: string }[];
  close: CloseOutput;
  ms: { plan: number; recompute: number; close: number };
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  /**
   * Recomputes in flight. Above 1 each runs the recompute handler in its own worker thread (a local stand-in for
   * one Lambda per map item, with single-threaded bootstraps); default: the number of cores.
   */
  concurrency?: number;
  notify?: (a: Alert) => Promise<void>;
  onProgress?: (done: number, total: number) => void;
}

interface RecomputeThreads {
  threads: Worker[];
  run(w: Worker, item: unknown): Promise<RecomputeOutcome>;
}

// Threads are kept for the next assessment of the same process and environment (starting one costs about a
// second of loading); they are unref'd, so they never keep the process alive.
let kept: { key: string; pool: RecomputeThreads } | undefined;

/** Recompute handlers on worker threads: one item at a time per thread. */
function recomputeThreads(count: number, env: Record<string, string | undefined>): RecomputeThreads {
  const key = JSON.stringify([count, env]);
  if (kept?.key === key) return kept.pool;
  if (kept) for (const t of kept.pool.threads) void t.terminate();
  const entry = import.meta.url.endsWith('.ts') ? new URL('./recompute-worker-entry.mjs', import.meta.url) : new URL('./recompute-worker.js', import.meta.url);
  const threads = Array.from({ length: count }, () => {
    const w = new Worker(entry, { workerData: { env: { ...env, SATMON_WORKERS: '1' } }, execArgv: [] });
    w.unref();
    return w;
  });
  let seq = 0;
  const run = (w: Worker, item: unknown) => new Promise<RecomputeOutcome>((resolve, reject) => {
    const id = ++seq;
    const onError = (e: Error) => { w.off('message', onMessage); if (kept?.pool.threads.includes(w)) kept = undefined; reject(e); };
    const onMessage = (m: { id: number; ok: boolean; out?: RecomputeOutcome; error?: string }) => {
      if (m.id !== id) return;
      w.off('message', onMessage); w.off('error', onError);
      if (m.ok) resolve(m.out!); else reject(new Error(m.error));
    };
    w.on('message', onMessage);
    w.once('error', onError);
    w.postMessage({ id, item });
  });
  const pool = { threads, run };
  kept = { key, pool };
  return pool;
}

export async function runAssessment(period: string, opts: RunOptions = {}): Promise<AssessmentRun> {
  const env = opts.env ?? process.env;
  const assess = makeAssess(() => assessDeps(env, opts.notify));
  let t = performance.now();
  const plan = (await assess({ action: 'plan', period })) as PlanOutput;
  const ms = { plan: performance.now() - t, recompute: 0, close: 0 };
  t = performance.now();
  const recomputes: RecomputeOutcome[] = [];
  const failures: AssessmentRun['failures'] = [];
  const concurrency = Math.max(1, Math.min(opts.concurrency ?? availableParallelism(), plan.items.length));
  const pool = concurrency > 1 ? recomputeThreads(concurrency, env) : undefined;
  const inProcess = pool ? undefined : makeRecompute(() => recomputeDeps(env));
  let next = 0, done = 0;
  const lane = async (k: number) => {
    while (next < plan.items.length) {
      const item = plan.items[next++]!;
      try {
        recomputes.push(pool ? await pool.run(pool.threads[k]!, item) : await inProcess!(item));
      } catch (e) {
        failures.push({ item, error: (e as Error).message });
      }
      opts.onProgress?.(++done, plan.items.length);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, k) => lane(k)));
  ms.recompute = performance.now() - t;
  t = performance.now();
  const close = (await assess({ action: 'close', period, failures, branches: plan.branches, regions: plan.regions })) as CloseOutput;
  ms.close = performance.now() - t;
  return { plan, recomputes, failures, close, ms };
}
