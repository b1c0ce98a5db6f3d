// National assessment benchmark: 300 branches x 400 respondents in one quarter on the embedded stack, 1000
// resamples per branch (regions and network: SATMON_NBOOT_AGGREGATE, default 200). Prints the time of each stage.
// Baseline in the same run: the same recompute of a sample of branches with one bootstrap thread.
// Run: npx tsx bench/national.ts [--branches 300] [--n 400] [--nboot 1000]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { runAssessment } from '../infra/local/assessment-runner';
import { startLocalStack } from '../infra/local/stack';
import { makeHandler as makeRecompute, depsFromEnv } from '../lambdas/recompute/handler';
import { putObject } from '../lambdas/aws/s3';
import { S3_LAYOUT, RAW_LAYOUT } from '../shared/layout/keys';
import { simulateDrops } from '../shared/survey';

export async function runNationalBench(opts: { branches?: number; n?: number; nboot?: number } = {}): Promise<void> {
  const branches = opts.branches ?? 300, n = opts.n ?? 400, nboot = opts.nboot ?? 1000;
  const period = '2025-Q4';
  const dir = mkdtempSync(path.join(tmpdir(), 'satmon-national-'));
  const t0 = performance.now();
  const sim = simulateDrops({ seed: 300, branches, periods: period, n, format: 'plain' });
  for (const d of sim.drops) writeFileSync(path.join(dir, d.file), d.text);
  const tSim = performance.now();
  const stack = await startLocalStack();
  const log = (s: string) => process.stdout.write(s + '\n');
  try {
    const tStack = performance.now();
    await putObject(stack.s3, stack.names.buckets.curated, S3_LAYOUT.branches, JSON.stringify(sim.branches), 'application/json');
    for (const d of sim.drops) await putObject(stack.s3, stack.names.buckets.raw, RAW_LAYOUT.branchPrefix(d.branch!) + d.file, d.text, 'text/csv');
    await stack.idle();
    const tIngest = performance.now();
    const env = { ...stack.env, SATMON_NBOOT: String(nboot) };

    // Baseline in the same run: 5 branches recomputed one after the other in this thread (one core, no workers).
    const sample = sim.branches.slice(0, 5).map((b) => b.id);
    const recompute = makeRecompute(() => depsFromEnv({ ...env, SATMON_WORKERS: '1', SATMON_SEED: '11' }));
    const tb = performance.now();
    for (const b of sample) await recompute({ period, branch: b });
    const oneCore = (performance.now() - tb) / sample.length;

    const run = await runAssessment(period, { env });
    const tEnd = performance.now();
    const perBranch = run.ms.recompute / run.plan.items.length;
    log(`national assessment: ${branches} branches x ${n} respondents, ${nboot} resamples per branch (2 cores)`);
    log(`  simulate drops        ${((tSim - t0) / 1000).toFixed(1)} s`);
    log(`  start stack           ${((tStack - tSim) / 1000).toFixed(1)} s`);
    log(`  upload + ingest       ${((tIngest - tStack) / 1000).toFixed(1)} s  (${branches * n} rows)`);
    log(`  assessment: plan      ${(run.ms.plan / 1000).toFixed(1)} s`);
    log(`  assessment: recompute ${(run.ms.recompute / 1000).toFixed(1)} s  (${run.plan.items.length} units, ${perBranch.toFixed(0)} ms each, ${run.failures.length} failed)`);
    for (const f of run.failures) log(`    failed: ${JSON.stringify(f.item)}: ${f.error}`);
    log(`  assessment: close     ${(run.ms.close / 1000).toFixed(1)} s`);
    log(`  assessment total      ${((run.ms.plan + run.ms.recompute + run.ms.close) / 1000).toFixed(1)} s  (goal <= 60 s)`);
    log(`  baseline (same run): a branch recomputed alone on one core takes ${oneCore.toFixed(0)} ms; the assessment's ${branches} branches`);
    log(`    would take ${((oneCore * branches) / 1000).toFixed(1)} s that way; its recompute stage (branches, regions, network) ran x${((oneCore * branches) / run.ms.recompute).toFixed(2)} faster`);
    log(`  everything            ${((tEnd - t0) / 1000).toFixed(1)} s`);
  } finally {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { branches: { type: 'string' }, n: { type: 'string' }, nboot: { type: 'string' } } });
  await runNationalBench({
    ...(values.branches ? { branches: Number(values.branches) } : {}),
    ...(values.n ? { n: Number(values.n) } : {}),
    ...(values.nboot ? { nboot: Number(values.nboot) } : {}),
  });
}
