// PLSpredict benchmark (not a test): predictPls on seminr's mobi with the ECSI model, 10 folds x 10 repetitions,
// direct antecedents (100 fold estimates, each with its LM benchmarks), one core; and, when Rscript with seminr is
// installed, seminr's predict_pls(noFolds = 10, reps = 10) on the same model and data (seminr 2.3.1 repeats one
// shuffle, so its 10 reps redo the same 10 folds: the same amount of work). Printed: medians of the rounds.
// Run: npx tsx bench/pls-predict.ts [--rounds N]  (or through bench/run.ts).
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { predictPls } from '../shared/stats/pls/predict';
import { loadReference } from '../test/helpers/reference';
import { mobiModelR, seminrSeconds } from './seminr';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const SEMINR_TIMING = `${mobiModelR()}
m <- suppressMessages(estimate_pls(read.csv(file.path("test", "fixtures", "reference", "data", "mobi.csv")), mm, sm))
set.seed(123)
cat(system.time(suppressMessages(predict_pls(m, technique = predict_DA, noFolds = 10, reps = 10)))[["elapsed"]], "\\n")
`;

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
  const s = seminrSeconds(SEMINR_TIMING);
  if ('skipped' in s) log(`  seminr predict_pls  skipped: ${s.skipped}`);
  else log(`  seminr predict_pls  ${(s.seconds * 1000).toFixed(0).padStart(8)} ms  (one run, Rscript elapsed; ${(s.seconds * 1000 / ours).toFixed(0)}x our wall time)`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { rounds: { type: 'string' }, 'no-seminr': { type: 'boolean' } } });
  await runPredictBench({ rounds: values.rounds ? Number(values.rounds) : undefined, seminr: !values['no-seminr'] });
}
