// PLSpredict benchmark (not a test): predictPls on seminr's mobi with the ECSI model, 10 folds x 10 repetitions,
// direct antecedents (100 fold estimates, each with its LM benchmarks), one core; and, when Rscript with seminr is
// installed, seminr's predict_pls(noFolds = 10, reps = 10) on the same model and data (seminr 2.3.1 repeats one
// shuffle, so its 10 reps redo the same 10 folds: the same amount of work). Printed: medians of the rounds.
// Run: npx tsx bench/pls-predict.ts [--rounds N]  (or through bench/run.ts).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { predictPls } from '../shared/stats/pls/predict';
import { loadReference } from '../test/helpers/reference';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const SEMINR_TIMING = `
suppressMessages(library(seminr))
mm <- constructs(
  composite("Image", multi_items("IMAG", 1:5)), composite("Expectation", multi_items("CUEX", 1:3)),
  composite("Quality", multi_items("PERQ", 1:7)), composite("Value", multi_items("PERV", 1:2)),
  composite("Satisfaction", multi_items("CUSA", 1:3)), composite("Complaints", single_item("CUSCO")),
  composite("Loyalty", multi_items("CUSL", 1:3)))
sm <- relationships(
  paths(from = "Image", to = c("Expectation", "Satisfaction", "Loyalty")),
  paths(from = "Expectation", to = c("Quality", "Value", "Satisfaction")),
  paths(from = "Quality", to = c("Value", "Satisfaction")), paths(from = "Value", to = c("Satisfaction")),
  paths(from = "Satisfaction", to = c("Complaints", "Loyalty")), paths(from = "Complaints", to = "Loyalty"))
m <- suppressMessages(estimate_pls(read.csv(file.path("test", "fixtures", "reference", "data", "mobi.csv")), mm, sm))
set.seed(123)
cat(system.time(suppressMessages(predict_pls(m, technique = predict_DA, noFolds = 10, reps = 10)))[["elapsed"]], "\\n")
`;

/** seminr's seconds for the job, or why it was not measured. */
function seminrSeconds(): { seconds: number } | { skipped: string } {
  const probe = spawnSync('Rscript', ['-e', 'cat(requireNamespace("seminr", quietly = TRUE))'], { encoding: 'utf8' });
  if (probe.error) return { skipped: 'Rscript not found' };
  if (probe.stdout.trim() !== 'TRUE') return { skipped: 'R package seminr not installed' };
  const r = spawnSync('Rscript', ['-e', SEMINR_TIMING], { cwd: ROOT, encoding: 'utf8' });
  const s = Number(r.stdout.trim());
  if (r.status !== 0 || !Number.isFinite(s)) return { skipped: `Rscript failed: ${r.stderr.trim().split('\n').pop() ?? ''}` };
  return { seconds: s };
}

export async function runPredictBench(opts: { rounds?: number; seminr?: boolean } = {}, log = (l: string) => console.log(l)): Promise<void> {
  const rounds = opts.rounds ?? 5;
  const rc = loadReference('mobi_ecsi');
  const job = () => predictPls(rc.spec, rc.data, { folds: 10, reps: 10, seed: 123, technique: 'direct' });
  job(); // warm-up (JIT)
  const ms: number[] = [], cpu: number[] = [];
  let check = 0;
  for (let i = 0; i < rounds; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    check = job().items[0]!.pls.rmse;
    ms.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const ours = median(ms);
  log(`pls-predict: mobi ECSI, 10 folds x 10 reps, direct antecedents (250 rows, 19 endogenous items)`);
  log(`  satmon predictPls   ${ours.toFixed(1).padStart(8)} ms wall, ${median(cpu).toFixed(1)} ms CPU  (median of ${rounds}; CUEX1 PLS RMSE ${check.toFixed(6)})`);
  if (opts.seminr === false) return;
  const s = seminrSeconds();
  if ('skipped' in s) log(`  seminr predict_pls  skipped: ${s.skipped}`);
  else log(`  seminr predict_pls  ${(s.seconds * 1000).toFixed(0).padStart(8)} ms  (one run, Rscript elapsed; ${(s.seconds * 1000 / ours).toFixed(0)}x our wall time)`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { rounds: { type: 'string' }, 'no-seminr': { type: 'boolean' } } });
  await runPredictBench({ rounds: values.rounds ? Number(values.rounds) : undefined, seminr: !values['no-seminr'] });
}
