// Higher-order composite benchmark (not a test): 5000 seminr-identical resamples (seed 123) of the SERVQUAL HOC model
// (test/fixtures/higher-order/servqual-hoc.json on servqual.csv, both stages in every resample), one thread, against
// the bootstrap of its first stage alone (the five dimensions as first-order constructs) measured in the same run,
// and, when Rscript with seminr is installed, seminr's bootstrap_model() of the HOC model on one core (nboot 200,
// scaled to 5000: seminr's time per resample is flat).
// Run: npx tsx bench/pls-hoc.ts [--nboot N] [--no-seminr]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parsePlsModel, type PlsModelSpec } from '../shared/models/spec';
import { bootstrapPls } from '../shared/stats/bootstrap';
import { createPlsEstimator, planHigherOrder } from '../shared/stats/pls';
import { readNumericCsv } from '../shared/stats/read-csv';
import { seminrSeconds } from './seminr';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIR = path.join(ROOT, 'test', 'fixtures', 'higher-order');
const SEMINR_NBOOT = 200;

const SEMINR_TIMING = `
d <- read.csv(file.path("test", "fixtures", "higher-order", "servqual.csv"))
mm <- constructs(
  composite("TAN", multi_items("TAN", 1:3)), composite("REL", multi_items("REL", 1:3)),
  composite("RES", multi_items("RES", 1:3)), composite("ASR", multi_items("ASR", 1:2)),
  composite("EMP", multi_items("EMP", 1:2)), composite("TRUST", multi_items("TRUST", 1:4)),
  composite("SAT", multi_items("SAT", 1:4)), composite("LOY", multi_items("LOY", 1:3)),
  higher_composite("SQ", c("TAN", "REL", "RES", "ASR", "EMP"), method = two_stage, weights = mode_A))
sm <- relationships(paths(from = "SQ", to = c("TRUST", "SAT")), paths(from = "TRUST", to = "SAT"),
  paths(from = "SQ", to = "LOY"), paths(from = "SAT", to = "LOY"))
m <- suppressMessages(estimate_pls(d, mm, sm))
t <- system.time(suppressMessages(bootstrap_model(m, nboot = ${SEMINR_NBOOT}, cores = 1, seed = 123)))[["elapsed"]]
cat(t)
`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function runHocBench(opts: { nboot?: number; seminr?: boolean } = {}): Promise<void> {
  const nboot = opts.nboot ?? 5000;
  const text = readFileSync(path.join(DIR, 'servqual.csv'), 'utf8');
  const data = readNumericCsv(text, 'servqual.csv', { columns: text.slice(0, text.indexOf('\n')).split(',').slice(1) });
  const hoc = parsePlsModel(JSON.parse(readFileSync(path.join(DIR, 'servqual-hoc.json'), 'utf8')));
  const stage1 = planHigherOrder(hoc).stage1;
  const time = async (spec: PlsModelSpec) => {
    const est = createPlsEstimator(spec);
    await bootstrapPls(est, data, { seed: 123, nboot: 300 }); // JIT warm-up
    const ms: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const run = await bootstrapPls(est, data, { seed: 123, nboot });
      ms.push(performance.now() - t0);
      if (run.failures.length) throw new Error(`${run.failures.length} resamples failed`);
    }
    return median(ms);
  };
  const msHoc = await time(hoc);
  const msFirst = await time(stage1);
  console.log(`SERVQUAL HOC bootstrap, n = ${data.n}, ${nboot} resamples, one thread (median of 3):`);
  console.log(`  two stages per resample:        ${msHoc.toFixed(0)} ms (${((msHoc / nboot) * 1000).toFixed(0)} µs per resample)`);
  console.log(`  its first stage alone:          ${msFirst.toFixed(0)} ms (HOC / first stage = ${(msHoc / msFirst).toFixed(2)})`);
  if (opts.seminr === false) return;
  const r = seminrSeconds(SEMINR_TIMING);
  if ('skipped' in r) { console.log(`  seminr: skipped (${r.skipped})`); return; }
  const scaled = (r.seconds * nboot) / SEMINR_NBOOT;
  console.log(`  seminr bootstrap_model, 1 core: ${r.seconds.toFixed(1)} s for ${SEMINR_NBOOT}, ~${scaled.toFixed(0)} s for ${nboot} (${((scaled * 1000) / msHoc).toFixed(0)}x ours)`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const { values } = parseArgs({ options: { nboot: { type: 'string' }, 'no-seminr': { type: 'boolean' } } });
  await runHocBench({ nboot: values.nboot ? Number(values.nboot) : undefined, seminr: !values['no-seminr'] });
}
