// Bootstrap benchmark: 5000 seminr-identical resamples (seed 123) of mobi ECSI (n = 250) and of the corp_rep
// moderation model (two-stage interaction, n = 344, -99 missing), in one thread and on 2 worker threads, against
// seminr's bootstrap_model() times on this kind of machine (test/fixtures/reference/README.md: mobi 148 s on one core,
// 88 s on two; corp_rep moderation: the reference JSON's meta.elapsed_seconds, on two cores).
// Run: npx tsx bench/bootstrap.ts [nboot] [repeats]. Not a test: it prints, it does not assert.
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { createPlsEstimator } from '../shared/stats/pls';
import { bootstrapPls, BootstrapWorkerPool } from '../shared/stats/bootstrap';
import { loadReference } from '../test/helpers/reference';

export interface BootstrapBenchRow {
  model: string;
  n: number;
  params: number;
  nboot: number;
  workers: number;
  /** Median wall time of the repeats, whole bootstrapPls() call (workers: on the warm pool). */
  ms: number;
  /** Median process CPU time (user + system, all threads) of the repeats: robust to other load on the machine. */
  cpuMs: number;
  /** Workers: the first run on a fresh pool (thread start, module loading and JIT warm-up included). */
  coldMs?: number;
  msPerResample: number;
  seminrSeconds: number;
  seminrCores: number;
  /** seminr time / our time. */
  speedup: number;
}

export const CASES = [
  // seminr seconds by cores, from test/fixtures/reference/README.md (mobi) and corp_rep_moderation.json meta (2 cores).
  { model: 'mobi_ecsi', seminr: { 1: 148, 2: 88 } as Record<number, number> },
  { model: 'corp_rep_moderation', seminr: { 2: 304.974 } as Record<number, number> },
];

/** mobi ECSI goal: 5000 resamples on one core within this many ms. */
export const MOBI_GOAL_MS = 750;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Timings of one model and worker count: medians of the repeats (see BootstrapBenchRow). */
export interface BootstrapTiming {
  n: number;
  params: number;
  ms: number;
  cpuMs: number;
  coldMs?: number;
  /** Resamples dropped (failed estimates) in the last repeat. */
  failed: number;
}

/**
 * Times `repeats` bootstraps (seed 123, seminr's resamples) of a reference model in this process, after a JIT
 * warm-up; with workers, on a new pool whose first run (thread start, module loading) is timed apart as coldMs.
 */
export async function timeBootstrap(model: string, nboot: number, workers: number, repeats: number): Promise<BootstrapTiming> {
  const rc = loadReference(model);
  const est = createPlsEstimator(rc.spec);
  await bootstrapPls(est, rc.data, { seed: 123, nboot: Math.min(nboot, 300) }); // JIT warm-up
  const pool = new BootstrapWorkerPool();
  const times: number[] = [];
  const cpu: number[] = [];
  let failed = 0;
  let coldMs: number | undefined;
  for (let r = workers > 1 ? -1 : 0; r < repeats; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const run = await bootstrapPls(est, rc.data, { seed: 123, nboot, workers, pool });
    const wall = performance.now() - t0;
    const c = process.cpuUsage(c0);
    if (r >= 0) {
      times.push(wall);
      cpu.push((c.user + c.system) / 1000);
    } else coldMs = wall;
    failed = run.failures.length;
  }
  await pool.close();
  return { n: rc.data.n, params: est.layout.length, ms: median(times), cpuMs: median(cpu), failed, ...(coldMs !== undefined ? { coldMs } : {}) };
}

export async function runBootstrapBench(opts: { nboot?: number; repeats?: number; log?: (line: string) => void } = {}): Promise<BootstrapBenchRow[]> {
  const nboot = opts.nboot ?? 5000;
  const repeats = opts.repeats ?? 3;
  const log = opts.log ?? ((l: string) => console.log(l));
  const rows: BootstrapBenchRow[] = [];
  log(`bootstrap: ${nboot} resamples, seed 123 (seminr's resamples), median of ${repeats}`);
  for (const c of CASES) {
    for (const workers of [1, 2]) {
      const { n, params, ms, cpuMs, coldMs, failed } = await timeBootstrap(c.model, nboot, workers, repeats);
      // Compare with seminr on the same number of cores where known, else with its one-core time.
      const cores = c.seminr[workers] !== undefined ? workers : Number(Object.keys(c.seminr)[0]);
      const seminrSeconds = c.seminr[cores]! * (nboot / 5000);
      const row: BootstrapBenchRow = {
        model: c.model, n, params, nboot, workers, ms, msPerResample: ms / nboot, cpuMs,
        seminrSeconds, seminrCores: cores, speedup: (seminrSeconds * 1000) / ms, ...(coldMs !== undefined ? { coldMs } : {}),
      };
      rows.push(row);
      log(
        `  ${c.model.padEnd(20)} n=${row.n} params=${row.params} ${workers === 1 ? 'single thread ' : `${workers} workers     `}` +
          `${ms.toFixed(0).padStart(6)} ms  ${(row.msPerResample * 1000).toFixed(1).padStart(6)} µs/resample  ` +
          `(CPU ${row.cpuMs.toFixed(0)} ms)  ` +
          `seminr ${seminrSeconds.toFixed(0)} s on ${cores} core${cores > 1 ? 's' : ''}: ${row.speedup.toFixed(0)}x faster` +
          (coldMs !== undefined ? `  (first run on new threads: ${coldMs.toFixed(0)} ms)` : '') +
          (failed ? `  (${failed} resamples dropped)` : ''),
      );
    }
  }
  const mobi = rows.find((r) => r.model === 'mobi_ecsi' && r.workers === 1);
  if (mobi && nboot === 5000) {
    const verdict = (ms: number) => `${ms.toFixed(0)} ms ${ms <= MOBI_GOAL_MS ? 'met' : 'NOT met'}`;
    log(`  goal: mobi 5000 resamples on one core <= ${MOBI_GOAL_MS} ms: wall ${verdict(mobi.ms)}, CPU ${verdict(mobi.cpuMs)}`);
    log(`  machine load average while running: ${loadavg()[0]!.toFixed(1)} (2 cores); wall times rise with other load, CPU times much less`);
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const nboot = process.argv[2] ? Number(process.argv[2]) : undefined;
  const repeats = process.argv[3] ? Number(process.argv[3]) : undefined;
  await runBootstrapBench({ ...(nboot ? { nboot } : {}), ...(repeats ? { repeats } : {}) });
}
