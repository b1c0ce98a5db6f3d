// The assessment state machine, run locally with the same handlers: plan -> a bounded-concurrency map of
// branch recomputes (the Distributed Map on AWS) -> the aggregates (regions, network) -> close. Failed recomputes are tolerated and reported, as on AWS.
// A plan too large to pass inline writes its items to the curated bucket (itemsKey); they are read back from there,
// as the state machine's S3 item reader does.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { makeHandler as makeAssess, depsFromEnv as assessDeps } from '../../lambdas/assess/handler';
import { planItems, type CloseOutput, type PlanItem, type PlanOutput, type PlanSummary } from '../../shared/pipeline/assess';
import { makeHandler as makeRecompute, depsFromEnv as recomputeDeps } from '../../lambdas/recompute/handler';
import type { RecomputeOutcome } from '../../shared/pipeline/recompute';
import type { Alert } from '../../shared/assess/assessment';
import { childEnv } from '../../shared/config';

export interface AssessmentRun {
  /** The plan's output; `items` read back from the curated bucket when the plan put them there (`itemsKey`). */
  plan: PlanSummary & { items: PlanItem[]; aggregates: PlanItem[]; itemsKey?: string };
  recomputes: RecomputeOutcome[];
  failures: { item: PlanItem; error: string }[];
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
  /** The plan's inline limit (default MAX_INLINE_PLAN_BYTES, as on AWS); lower it to take the S3 item-list path. */
  maxInlinePlanBytes?: number;
  /** After each recompute: recomputes done and queued, over all the periods of the run. */
  onProgress?: (done: number, total: number) => void;
  /** After each period's close, in order. */
  onClosed?: (run: AssessmentRun) => void;
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
  // TypeScript sources: an entry that registers tsx first. Compiled (scripts/build.mjs): recompute-worker.js sits in
  // the flat dist/ folder beside whichever chunk this code landed in.
  const entry = new URL(import.meta.url.endsWith('.ts') ? './recompute-worker-entry.mjs' : './recompute-worker.js', import.meta.url);
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
  return (await runAssessments([period], opts))[0]!;
}

/**
 * Several assessments in one go (a backfill: `npm start`, `satmon pipeline`), with the result of running them one
 * after another: every period is planned first, their recomputes share one queue (so the cores never wait for a
 * period's slowest unit or for a close), and each period is closed, in the given order, as soon as its own
 * recomputes are done. A close reads only its period and earlier ones, so later recomputes running alongside do
 * not change it.
 */
export async function runAssessments(periods: readonly string[], opts: RunOptions = {}): Promise<AssessmentRun[]> {
  const env = opts.env ?? childEnv(); // handed to the handlers and the worker threads
  const deps = async () => {
    const d = await assessDeps(env, opts.notify);
    return opts.maxInlinePlanBytes === undefined ? d : { ...d, maxInlinePlanBytes: opts.maxInlinePlanBytes };
  };
  const assess = makeAssess(deps);
  const planMs: number[] = [];
  const plans = await Promise.all(periods.map(async (period, i) => {
    const t = performance.now();
    const out = (await assess({ action: 'plan', period, assessing: [...periods] })) as PlanOutput;
    const plan = 'items' in out ? out : { ...out, items: await planItems(await deps(), out) };
    planMs[i] = performance.now() - t;
    return plan;
  }));
  // One queue in period order: each period's branches, then its aggregates (regions and the network weight the
  // branches' results, as the state machine's second map does). A catch-up item that several plans carry (a late
  // drop of an earlier quarter) runs once.
  type Queued = { run: number; item: PlanItem; aggregate: boolean };
  const queue: Queued[] = [];
  const queued = new Set<string>();
  plans.forEach((pl, run) => {
    for (const [aggregate, items] of [[false, pl.items], [true, pl.aggregates]] as const) {
      for (const item of items) {
        const id = JSON.stringify([item.period, item.branch ?? null, item.unit ?? null]);
        if (queued.has(id)) continue;
        queued.add(id);
        queue.push({ run, item, aggregate });
      }
    }
  });
  const runs = plans.map((plan) => ({ plan, recomputes: [] as RecomputeOutcome[], failures: [] as AssessmentRun['failures'], started: 0, finished: 0 }));
  // Resolved when a period's last recompute has finished (Promise.withResolvers needs Node 22).
  const signal = () => { let resolve!: () => void; const promise = new Promise<void>((r) => (resolve = r)); return { promise, resolve }; };
  const branchesLeft = plans.map((_, i) => queue.filter((q) => q.run === i && !q.aggregate).length);
  const left = plans.map((_, i) => queue.filter((q) => q.run === i).length);
  const doneSignals = plans.map(signal);
  plans.forEach((_, i) => {
    if (left[i] === 0) doneSignals[i]!.resolve();
  });
  // An aggregate waits for the branches of its own run and of every earlier one (a catch-up aggregate of an old
  // quarter is queued in the first run that carries it, its late branch maybe in another).
  const branchesDone = (run: number) => branchesLeft.slice(0, run + 1).every((x) => x === 0);

  const concurrency = Math.max(1, Math.min(opts.concurrency ?? availableParallelism(), queue.length));
  const pool = concurrency > 1 ? recomputeThreads(concurrency, env) : undefined;
  const inProcess = pool ? undefined : makeRecompute(() => recomputeDeps(env));
  let done = 0;
  // One lane per worker thread (a thread runs one recompute at a time). A free lane takes the first queued item that
  // can run: an aggregate whose branches are still running is passed over for the next period's branches, so a lane
  // never idles at a period's end while another finishes its last branch. Failures are recorded, not thrown.
  const started = new Uint8Array(queue.length);
  let startedCount = 0;
  const waiting: (() => void)[] = [];
  const lane = async (k: number): Promise<void> => {
    for (;;) {
      const i = queue.findIndex((q, j) => !started[j] && (!q.aggregate || branchesDone(q.run)));
      if (i < 0) {
        if (startedCount === queue.length) return;
        await new Promise<void>((resolve) => waiting.push(resolve)); // until a recompute finishes
        continue;
      }
      started[i] = 1;
      startedCount++;
      const { run, item, aggregate } = queue[i]!;
      const r = runs[run]!;
      r.started ||= performance.now();
      try {
        r.recomputes.push(pool ? await pool.run(pool.threads[k]!, item) : await inProcess!(item));
      } catch (e) {
        r.failures.push({ item, error: (e as Error).message });
      }
      r.finished = performance.now();
      opts.onProgress?.(++done, queue.length);
      if (!aggregate) branchesLeft[run]!--;
      if (--left[run]! === 0) doneSignals[run]!.resolve();
      for (const wake of waiting.splice(0)) wake();
    }
  };
  const recomputing = Promise.all(Array.from({ length: concurrency }, (_, k) => lane(k)));
  const closer = async (): Promise<AssessmentRun[]> => {
    const out: AssessmentRun[] = [];
    for (const [i, r] of runs.entries()) {
      await doneSignals[i]!.promise;
      const t = performance.now();
      const close = (await assess({
        action: 'close', period: r.plan.period, failures: r.failures, branches: r.plan.branches, regions: r.plan.regions,
      })) as CloseOutput;
      out.push({
        plan: r.plan, recomputes: r.recomputes, failures: r.failures, close,
        ms: { plan: planMs[i]!, recompute: r.finished - r.started, close: performance.now() - t },
      });
      opts.onClosed?.(out.at(-1)!);
    }
    return out;
  };
  const [out] = await Promise.all([closer(), recomputing]);
  return out;
}
