// Times createPlsEstimator().estimate() (the bootstrap's hot path) on seminr's reference models, one core.
// Run: npx tsx bench/pls-estimate.ts [calls]. Resamples are drawn up front with a seeded generator, so only
// estimate() is timed. Prints wall time and process CPU time per call (the latter is steadier on a shared machine).
import { performance } from 'node:perf_hooks';
import { createPlsEstimator } from '../shared/stats/pls';
import { selectRows, type DataTable } from '../shared/stats/table';
import { loadReference, REFERENCE_MODELS } from '../test/helpers/reference';
import { mulberry32 } from '../test/helpers/random';


const calls = Number(process.argv[2] ?? 5000);
for (const name of REFERENCE_MODELS) {
  const rc = loadReference(name);
  const est = createPlsEstimator(rc.spec);
  const rnd = mulberry32(123);
  const n = rc.data.n;
  const resamples: DataTable[] = [];
  for (let b = 0; b < Math.min(calls, 500); b++) {
    const idx = Int32Array.from({ length: n }, () => Math.floor(rnd() * n));
    resamples.push(selectRows(rc.data, idx));
  }
  for (let b = 0; b < 300; b++) est.estimate(resamples[b % resamples.length]!); // warm-up (JIT)
  let sink = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let b = 0; b < calls; b++) sink += est.estimate(resamples[b % resamples.length]!)[0]!;
  const us = ((performance.now() - t0) * 1000) / calls;
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / calls;
  // CPU time is the steadier figure when other processes share the cores
  console.log(`${name.padEnd(20)} n=${n} params=${String(est.layout.length).padStart(3)}  ${us.toFixed(1).padStart(6)} µs wall, ${cpu.toFixed(1).padStart(6)} µs CPU per estimate()  (${calls} calls; checksum ${sink.toFixed(3)})`);
}
