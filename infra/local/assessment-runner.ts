// The assessment state machine, run locally with the same handlers: plan -> a bounded-concurrency map of
// recomputes (the Distributed Map on AWS) -> close. Failed recomputes are tolerated and reported, as on AWS.
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
  /** Recomputes in flight (I/O overlaps; the CPU work uses the bootstrap's worker threads). */
  concurrency?: number;
  notify?: (a: Alert) => Promise<void>;
  onProgress?: (done: number, total: number) => void;
}

export async function runAssessment(period: string, opts: RunOptions = {}): Promise<AssessmentRun> {
  const env = opts.env ?? process.env;
  const assess = makeAssess(() => assessDeps(env, opts.notify));
  const recompute = makeRecompute(() => recomputeDeps(env));
  let t = performance.now();
  const plan = (await assess({ action: 'plan', period })) as PlanOutput;
  const ms = { plan: performance.now() - t, recompute: 0, close: 0 };
  t = performance.now();
  const recomputes: RecomputeOutcome[] = [];
  const failures: AssessmentRun['failures'] = [];
  let next = 0, done = 0;
  const worker = async () => {
    while (next < plan.items.length) {
      const item = plan.items[next++]!;
      try {
        recomputes.push(await recompute(item));
      } catch (e) {
        failures.push({ item, error: (e as Error).message });
      }
      opts.onProgress?.(++done, plan.items.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 2) }, worker));
  ms.recompute = performance.now() - t;
  t = performance.now();
  const close = (await assess({ action: 'close', period, failures })) as CloseOutput;
  ms.close = performance.now() - t;
  return { plan, recomputes, failures, close, ms };
}
