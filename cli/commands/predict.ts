// satmon predict: PLSpredict of a model file on a CSV (k-fold cross-validated predictions of the endogenous items,
// against the linear-model benchmark and the training mean), as JSON or as a readable table.
import { readFile, writeFile } from 'node:fs/promises';
import { intFlag, parseFlags, required } from '../args';
import { CliError } from '../errors';
import { formatFlag, loadNumericCsv } from '../read-data';
import { formatTable } from '../format-table';
import { cliFormat } from '../i18n';
import { parsePlsModel, type PlsModelSpec } from '../../shared/models/spec';
import { assertPredictable, predictPls, type PredictResult, type PredictTechnique } from '../../shared/stats/pls/predict';

export const summary = 'PLSpredict: cross-validated prediction errors and Q²predict of a model on a CSV';

const HELP = `Usage: satmon predict --model M.json --data D.csv [--folds K] [--reps R] [--seed S] [--technique direct|earliest]
                     [--missing CODE] [--listwise] [--format json|table] [--out F]

PLSpredict (Shmueli et al. 2016, 2019) as seminr's predict_pls + summary(): the rows are shuffled (R's
set.seed(S); sample(n, n)), cut into K consecutive folds, and each fold is predicted by the model estimated on the
others. Reported per item of every endogenous construct: the PLS prediction's RMSE and MAE out of sample, Q²predict
(1 - SSE of PLS / SSE of the training-mean prediction), the linear-model benchmark's RMSE and MAE (each item
regressed on every model item outside its construct), and both in-sample errors.
Each repetition draws a fresh shuffle and the predictions are averaged over repetitions. With --reps 1 the figures
equal seminr's predict_pls(noFolds = K) after set.seed(S); seminr 2.3.1 repeats one shuffle, so its figures for any
reps are those of reps = 1. Missing values are mean-replaced on the whole data first (as seminr), or with --listwise
incomplete rows are dropped. Models with interaction terms or higher-order constructs are refused (as seminr).
Reflective constructs are estimated with consistent PLS in every fold, as seminr does: held-out rows are scored
with the PLS weights and predicted through the consistent paths and loadings.

Options:
  --model F          model JSON
  --data F           CSV with a header row
  --folds K          number of folds (default 10; K = number of rows is leave-one-out)
  --reps R           repetitions of the cross-validation (default 10)
  --seed S           seed of the shuffles (default 123)
  --technique T      direct (default: direct antecedents, seminr's predict_DA) or earliest (predict_EA)
  --missing CODE     a cell value that means missing (e.g. -99); empty cells and NA always do
  --listwise         listwise deletion instead of mean replacement
  --out F            write the output there instead of standard output
  --format F         json (default) or table`;

export interface PredictReport {
  n: number;
  settings: { folds: number; reps: number; seed: number; technique: PredictTechnique; missing: 'mean' | 'listwise' };
  notConverged: number;
  missing: PredictResult['missing'];
  items: PredictResult['items'];
}

async function loadModel(path: string): Promise<PlsModelSpec> {
  let text: string;
  try { text = await readFile(path, 'utf8'); } catch { throw new CliError(`${path}: cannot read the model file`); }
  let json: unknown;
  try { json = JSON.parse(text); } catch (e) { throw new CliError(`${path}: not valid JSON (${(e as Error).message})`); }
  let spec: PlsModelSpec;
  try { spec = parsePlsModel(json, path); } catch (e) { throw new CliError((e as Error).message); }
  try { assertPredictable(spec); } catch (e) { throw new CliError(`${path}: ${(e as Error).message}`); }
  return spec;
}

export async function run(argv: string[]): Promise<number> {
  const f = parseFlags(argv, {
    model: { type: 'string' }, data: { type: 'string' }, folds: { type: 'string' }, reps: { type: 'string' },
    seed: { type: 'string' }, technique: { type: 'string' }, missing: { type: 'string' }, listwise: { type: 'boolean' },
    out: { type: 'string' }, format: { type: 'string' },
  }, HELP);
  if (!f) return 0;
  const modelPath = required(f.model as string | undefined, 'model');
  const dataPath = required(f.data as string | undefined, 'data');
  const format = formatFlag(f.format as string | undefined);
  const folds = intFlag(f.folds as string | undefined, 'folds', 10);
  if (folds < 2) throw new CliError(`--folds must be at least 2, got ${folds}`);
  const reps = intFlag(f.reps as string | undefined, 'reps', 10);
  if (reps < 1) throw new CliError(`--reps must be at least 1, got ${reps}`);
  const seed = intFlag(f.seed as string | undefined, 'seed', 123);
  if (Math.abs(seed) > 2147483647) throw new CliError(`--seed must be an integer between -2147483647 and 2147483647, got ${seed}`);
  const technique = (f.technique as string | undefined) ?? 'direct';
  if (technique !== 'direct' && technique !== 'earliest') throw new CliError(`--technique must be direct or earliest, got '${technique}'`);
  const missing = f.listwise ? 'listwise' as const : 'mean' as const;

  const model = await loadModel(modelPath);
  const used = new Set(model.paths.flatMap((p) => [p.from, p.to]));
  const items = [...new Set(Object.entries(model.constructs).filter(([name]) => used.has(name)).flatMap(([, c]) => c.items))];
  const data = await loadNumericCsv(dataPath, items, f.missing ? [f.missing as string] : []);
  let res: PredictResult;
  try {
    res = predictPls(model, data, { folds, reps, seed, technique, missing, source: dataPath });
  } catch (e) {
    const msg = (e as Error).message.replace(/^predict: /, '');
    throw new CliError(msg.startsWith(dataPath) ? msg : `${dataPath}: ${msg}`);
  }
  const report: PredictReport = {
    n: res.n,
    settings: { folds, reps, seed, technique, missing },
    notConverged: res.notConverged,
    missing: res.missing,
    items: res.items,
  };
  const text = format === 'json' ? JSON.stringify(report, null, 2) + '\n' : table(report);
  if (f.out) await writeFile(f.out as string, text);
  else process.stdout.write(text);
  return 0;
}

function table(r: PredictReport): string {
  const fmt = cliFormat();
  const s = r.settings;
  const m = r.missing;
  const missing = !m.cellsMissing ? ''
    : m.method === 'mean' ? `; ${fmt.int(m.cellsMissing)} missing cells mean-replaced`
    : `; ${fmt.int(m.rowsDropped)} incomplete rows dropped`;
  const head = `PLSpredict: n = ${fmt.int(r.n)}, ${fmt.int(s.folds)} folds x ${fmt.int(s.reps)} repetition${s.reps === 1 ? '' : 's'} (seed ${s.seed}), `
    + `${s.technique === 'direct' ? 'direct' : 'earliest'} antecedents${missing}`;
  const out = [head];
  if (r.notConverged) out.push(`warning: ${fmt.int(r.notConverged)} fold estimates reached the iteration cap without converging`);
  out.push('');
  const d = 3;
  out.push(formatTable(
    [{ header: 'Item' }, { header: 'Construct' }, { header: 'PLS RMSE', decimals: d }, { header: 'PLS MAE', decimals: d }, { header: 'Q2predict', decimals: d },
     { header: 'LM RMSE', decimals: d }, { header: 'LM MAE', decimals: d }, { header: 'RMSE PLS-LM', decimals: d }],
    r.items.map((it) => [it.item, it.construct, it.pls.rmse, it.pls.mae, it.q2predict, it.lm.rmse, it.lm.mae, it.pls.rmse - it.lm.rmse]),
    {
      title: 'Out-of-sample prediction errors',
      footnotes: [
        'Q2predict > 0: PLS predicts better than the training mean; RMSE PLS-LM < 0: better than the linear-model benchmark.',
        `PLS RMSE below LM RMSE for ${fmt.int(r.items.filter((it) => it.pls.rmse < it.lm.rmse).length)} of ${fmt.int(r.items.length)} items.`,
      ],
      fmt,
    },
  ));
  out.push(formatTable(
    [{ header: 'Item' }, { header: 'Construct' }, { header: 'PLS RMSE', decimals: d }, { header: 'PLS MAE', decimals: d }, { header: 'LM RMSE', decimals: d }, { header: 'LM MAE', decimals: d }],
    r.items.map((it) => [it.item, it.construct, it.plsInSample.rmse, it.plsInSample.mae, it.lmInSample.rmse, it.lmInSample.mae]),
    { title: 'In-sample prediction errors', fmt },
  ));
  return out.join('\n');
}
