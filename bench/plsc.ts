// PLSc benchmark (not a test): 5000 seminr-identical resamples (seed 123) of mobi ECSI with every construct
// reflective (consistent PLS), one thread, against the same bootstrap of the composite model measured in the same run
// (the baseline: what PLSc costs on top), and, when Rscript with seminr is installed, seminr's bootstrap_model() of the
// reflective model on one core (nboot 200, scaled to 5000: seminr's time per resample is flat).
// Run: npx tsx bench/plsc.ts [--nboot N] [--no-seminr]  (or npm run bench -- plsc).
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { PlsModelSpec } from '../shared/models/spec';
import { createPlsEstimator } from '../shared/stats/pls';
import { bootstrapPls } from '../shared/stats/bootstrap';
import { loadReference } from '../test/helpers/reference';
import { mobiModelR, seminrSeconds } from './seminr';

const SEMINR_NBOOT = 200;

const SEMINR_TIMING = `${mobiModelR('reflective')}
m <- suppressMessages(estimate_pls(read.csv(file.path("test", "fixtures", "reference", "data", "mobi.csv")), mm, sm))
t <- system.time(suppressMessages(bootstrap_model(m, nboot = ${SEMINR_NBOOT}, cores = 1, seed = 123)))[["elapsed"]]
cat(t)
`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function time(spec: PlsModelSpec, nboot: number, rounds: number): Promise<{ ms: number; cpuMs: number; failed: number }> {
  const { data } = loadReference('mobi_ecsi');
  const est = createPlsEstimator(spec);
  await bootstrapPls(est, data, { seed: 123, nboot: 300 }); // JIT warm-up
  const ms: number[] = [], cpu: number[] = [];
  let failed = 0;
  for (let i = 0; i < rounds; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const run = await bootstrapPls(est, data, { seed: 123, nboot });
    ms.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    failed = run.failures.length;
  }
  return { ms: median(ms), cpuMs: median(cpu), failed };
}

export async function runPlscBench(opts: { nboot?: number; rounds?: number; seminr?: boolean } = {}, log = (l: string) => console.log(l)): Promise<void> {
  const nboot = opts.nboot ?? 5000, rounds = opts.rounds ?? 3;
  const composite = loadReference('mobi_ecsi').spec;
  const reflective: PlsModelSpec = {
    ...composite,
    constructs: Object.fromEntries(Object.entries(composite.constructs).map(([k, c]) => [k, { ...c, type: 'reflective' as const }])),
  };
  const base = await time(composite, nboot, rounds);
  const plsc = await time(reflective, nboot, rounds);
  log(`plsc: mobi ECSI, ${nboot} resamples (seed 123), one thread, median of ${rounds}`);
  log(`  composite (baseline)  ${base.ms.toFixed(0).padStart(6)} ms wall, ${base.cpuMs.toFixed(0)} ms CPU`);
  log(`  reflective (PLSc)     ${plsc.ms.toFixed(0).padStart(6)} ms wall, ${plsc.cpuMs.toFixed(0)} ms CPU  (${(plsc.ms / base.ms).toFixed(2)}x the composite bootstrap${plsc.failed ? `; ${plsc.failed} resamples dropped` : ''})`);
  if (opts.seminr === false) return;
  const s = seminrSeconds(SEMINR_TIMING);
  if ('skipped' in s) { log(`  seminr bootstrap_model skipped: ${s.skipped}`); return; }
  const scaled = s.seconds * (nboot / SEMINR_NBOOT);
  log(`  seminr bootstrap_model (reflective, 1 core): ${s.seconds.toFixed(1)} s for ${SEMINR_NBOOT} resamples, ~${scaled.toFixed(0)} s for ${nboot}: ${(scaled * 1000 / plsc.ms).toFixed(0)}x our wall time`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { nboot: { type: 'string' }, rounds: { type: 'string' }, 'no-seminr': { type: 'boolean' } } });
  await runPlscBench({ ...(values.nboot ? { nboot: Number(values.nboot) } : {}), ...(values.rounds ? { rounds: Number(values.rounds) } : {}), seminr: !values['no-seminr'] });
}
