// satmon index: ACSI-style 0-100 indices of a PLS model's constructs, with bootstrap CIs, and the
// importance-performance map (IPMA) of a target construct.
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { intFlag, parseFlags, required } from '../args';
import { CliError } from '../errors';
import { listFlag } from '../read-data';
import { loadWeightedData, weightingOf } from './estimate';
import { formatNumber, formatTable } from '../format-table';
import { cliFormat } from '../i18n';
import { parsePlsModel } from '../../shared/models/spec';
import { estimatePls } from '../../shared/stats/pls';
import { bootstrapPls, summarizeBootstrap } from '../../shared/stats/bootstrap';
import { acsiIndex, ipma, type Scale } from '../../shared/stats/indices';
import { createUnitEstimator, unitEstimatorRecipe } from '../../shared/assess/unit-estimator';

export const summary = 'ACSI-style 0-100 indices of a PLS model (with bootstrap CI)';

const HELP = `Usage: satmon index --model M.json --data D.csv --scale MIN-MAX [--constructs A,B] [--target C]
                   [--weights COL] [--bootstrap N] [--seed S] [--missing CODE] [--format json|table]

Index of a construct = (sum of w~_i * mean_i - MIN) / (MAX - MIN) * 100, w~ = the PLS outer weights rescaled to the
raw item scale (w_i / sd_i) and normalised to sum 1. A negative weight is an error (the index would be meaningless).
With --target, also the importance-performance map: importance = unstandardized total effect on the target,
performance = index. With --weights COL the indices are weighted (weighted PLS weights, item means and sds) and the
bootstrap draws the same rows, each carrying its weight; the output adds n, Kish's effective n and design effect.

Options:
  --scale MIN-MAX    the items' scale, e.g. 1-5 or 1-10
  --constructs L     constructs to index (default: every construct of the model that is not an interaction)
  --target C         IPMA target construct (not with --weights)
  --weights COL      survey weights from this column of the data (a number >= 0 on every row; not an item)
  --bootstrap N      resamples for the CIs (default 1000; 0 for none)
  --seed S           bootstrap seed (default 123)
  --missing CODE     a cell value that means missing (e.g. -99); empty cells and NA always do
  --workers W        worker threads (default: all cores; results do not depend on it)
  --format F         json (default) or table`;

function parseScale(s: string): Scale {
  const m = /^(-?\d+(?:\.\d+)?)-(-?\d+(?:\.\d+)?)$/.exec(s);
  if (!m || !(Number(m[2]) > Number(m[1]))) throw new CliError(`--scale must look like 1-5, got '${s}'`);
  return { min: Number(m[1]), max: Number(m[2]) };
}

export async function run(argv: string[]): Promise<number> {
  const f = parseFlags(argv, {
    model: { type: 'string' }, data: { type: 'string' }, scale: { type: 'string' }, constructs: { type: 'string' },
    target: { type: 'string' }, bootstrap: { type: 'string' }, seed: { type: 'string' }, missing: { type: 'string' },
    format: { type: 'string' }, workers: { type: 'string' }, weights: { type: 'string' },
  }, HELP);
  if (!f) return 0;
  const modelPath = required(f.model as string | undefined, 'model');
  let model;
  try { model = parsePlsModel(JSON.parse(await readFile(modelPath, 'utf8')), modelPath); } catch (e) { throw new CliError((e as Error).message); }
  const scale = parseScale(required(f.scale as string | undefined, 'scale'));
  const constructs = f.constructs ? listFlag(f.constructs as string, 'constructs') : Object.keys(model.constructs);
  for (const c of constructs) if (!(c in model.constructs)) throw new CliError(`--constructs: ${c} is not a construct of ${modelPath}`);
  const items = [...new Set(Object.values(model.constructs).flatMap((c) => c.items))];
  const dataPath = required(f.data as string | undefined, 'data');
  const weightCol = f.weights as string | undefined;
  // The IPMA's regressions on rescaled scores (shared/stats/indices.ts) are unweighted: refuse rather than mix.
  if (weightCol && f.target) throw new CliError('--target cannot be combined with --weights yet (the importance-performance map is not weighted)');
  const data = await loadWeightedData(dataPath, items, f.missing ? [f.missing as string] : [], weightCol);
  let est;
  try { est = estimatePls(model, data); } catch (e) { throw new CliError(`${dataPath}: ${(e as Error).message}`); }
  const inputs = Object.fromEntries(Object.keys(model.constructs).map((c) => [c, {
    weights: Object.fromEntries(est.weights.filter((w) => w.construct === c).map((w) => [w.item, w.estimate])),
    itemMeans: est.itemMeans, itemSds: est.itemSds,
  }]));
  const rows: { construct: string; index: number; ciLow?: number; ciHigh?: number; se?: number }[] = [];
  try {
    for (const c of constructs) rows.push({ construct: c, index: acsiIndex(c, inputs[c]!, scale) });
  } catch (e) { throw new CliError((e as Error).message); }
  const nboot = intFlag(f.bootstrap as string | undefined, 'bootstrap', 1000);
  if (nboot > 0) {
    const plan = { pls: constructs, unweighted: {}, scale };
    const run = await bootstrapPls(createUnitEstimator(model, {}, plan), data, {
      nboot, seed: intFlag(f.seed as string | undefined, 'seed', 123),
      workers: intFlag(f.workers as string | undefined, 'workers', availableParallelism()), recipe: unitEstimatorRecipe(model, {}, plan),
    });
    const s = summarizeBootstrap(run);
    for (const r of rows) {
      const p = s.params.find((q) => q.kind === 'index' && q.from === r.construct)!;
      Object.assign(r, { se: p.bootSd, ciLow: p.ciLower, ciHigh: p.ciUpper });
    }
  }
  let map;
  if (f.target) {
    if (!(f.target in model.constructs)) throw new CliError(`--target: ${f.target} is not a construct of ${modelPath}`);
    try { map = ipma(f.target as string, model.paths.filter((p) => p.from in model.constructs), inputs, data, scale); } catch (e) { throw new CliError(`IPMA of ${f.target}: ${(e as Error).message}`); }
  }
  const weighting = weightCol ? weightingOf(weightCol, est) : undefined;
  if ((f.format ?? 'json') === 'table') {
    const fmt = cliFormat();
    const { t } = fmt;
    let text = !weighting ? '' : t('cli.index.weighted', {
      column: weighting.column, n: fmt.int(weighting.n), nEff: formatNumber(+weighting.nEffective.toFixed(1), fmt), deff: formatNumber(+weighting.deff.toFixed(2), fmt),
    }) + '\n\n';
    text += formatTable([{ header: t('cli.construct') }, { header: t('cli.index.index'), decimals: 1 }, { header: 'SE', decimals: 2 },
      { header: `${formatNumber(2.5, fmt)}%`, decimals: 1 }, { header: `${formatNumber(97.5, fmt)}%`, decimals: 1 }],
    rows.map((r) => [r.construct, r.index, r.se, r.ciLow, r.ciHigh]), { title: t('cli.index.title', { min: formatNumber(scale.min, fmt), max: formatNumber(scale.max, fmt) }), fmt });
    if (map) text += '\n' + formatTable([{ header: t('cli.index.driver') }, { header: t('cli.index.importance'), decimals: 3 }, { header: t('cli.index.performance'), decimals: 1 }],
      map.map((m) => [m.construct, m.importance, m.performance]), { title: t('cli.index.ipma', { target: f.target as string }), fmt });
    process.stdout.write(text + '\n');
  } else {
    process.stdout.write(JSON.stringify({
      n: est.n, scale, ...(weighting ? { settings: { weights: weightCol }, weighting } : {}), indices: rows,
      ...(map ? { ipma: { target: f.target, drivers: map } } : {}),
    }, null, 2) + '\n');
  }
  return 0;
}
