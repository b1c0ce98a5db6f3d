// satmon estimate: PLS-SEM estimate of a model file on a CSV, optionally bootstrapped (seminr-compatible draws
// from --seed, or seminr's own resample indices from --boot-indices), as JSON or as readable tables.
import { readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { intFlag, parseFlags, required } from '../args';
import { CliError } from '../errors';
import { loadNumericCsv } from '../read-data';
import { formatNumber, formatTable, type TableCell } from '../format-table';
import { cliFormat } from '../i18n';
import { parsePlsModel, type PlsModelSpec } from '../../shared/models/spec';
import type { DataTable } from '../../shared/stats/table';
import type { PlsOptions, PlsResult } from '../../shared/stats/pls/types';
import { DEFAULT_MAX_ITER, DEFAULT_STOP } from '../../shared/stats/pls/settings';
import { csvDocument, MACHINE_CSV, type Cell } from '../../shared/csv-write';
import { parse } from 'csv-parse/sync';
import { createPlsEstimator, estimatePls } from '../../shared/stats/pls';
import { estimateReport, type BootFields, type EstimateReport, type EstimateSettings } from '../../shared/stats/pls/report';
import { bootstrapPls, jackknifePls, readResampleIndicesFile, summarizeBootstrap } from '../../shared/stats/bootstrap';

export const summary = 'PLS-SEM estimate (and bootstrap) of a model on a CSV';

const HELP = `Usage: satmon estimate --model M.json --data D.csv [--missing CODE] [--weights COL] [--bootstrap N] [--seed S]
                      [--boot-indices F.csv.gz] [--bca] [--alpha A] [--max-iter N] [--stop S] [--scores F.csv [--id COL]]
                      [--workers W] [--listwise] [--out R.json] [--format json|table]

Estimates the model (README "Model file format") with seminr's conventions: mode A/B composites, path or factorial
inner weighting, stop criterion 1e-7, 300 iterations, mean replacement of missing values, two-stage interactions.
With --bootstrap N (and --seed S, default 123) resample i draws rows as R's set.seed(S + i); sample.int(n, TRUE),
so the draws equal seminr's bootstrap_model(seed = S). --boot-indices replays given resamples (row i = 1-based rows
of resample i, e.g. seminr's exported indices). --bca adds BCa intervals (a jackknife over the rows).
With --weights COL each row counts as many times as its survey weight says (weighted PLS, as SmartPLS and cSEM:
integer weights give exactly the estimate of the rows repeated); the bootstrap draws the same rows, each carrying its
weight. The output adds the weighting: n, sum of weights, Kish's effective n and design effect.
The JSON's "settings" records what the run used (missing-value handling, iteration cap, stop criterion, inner
weighting, bootstrap size, seed, CI level, weights, scores file). A warning goes to standard error when the
algorithm stops at --max-iter without meeting the stop criterion (the estimates are then those of the last pass).

Options:
  --model F          model JSON
  --data F           CSV with a header row
  --missing CODE     a cell value that means missing (e.g. -99); empty cells and NA always do
  --listwise         listwise deletion instead of mean replacement
  --weights COL      survey weights from this column of the data (a number >= 0 on every row; not an item)
  --max-iter N       iteration cap of the PLS algorithm (default 300, seminr's maxIt)
  --stop S           stop criterion: a number >= 1 is seminr's exponent (stopCriterion = 7 means 1e-7, the default),
                     a number below 1 is the threshold itself (1e-5); the algorithm stops when the summed absolute
                     change of the outer weights falls below it
  --bootstrap N      number of resamples
  --seed S           bootstrap seed (default 123)
  --boot-indices F   resample indices file (.csv or .csv.gz)
  --alpha A          1 - the level of the bootstrap intervals: 0.05 (default) gives 95% intervals (2.5% and 97.5%),
                     0.1 gives 90%, as seminr's summary(boot, alpha = A); percentile and BCa alike; below 0.5
  --bca              BCa intervals as well as percentile
  --scores F         write the construct scores to this CSV: one row per respondent used (with --listwise only the
                     complete rows; with --weights only rows of positive weight), the id column first
  --id COL           the respondent id column for --scores (default: a column named id or respondent..., else
                     'row', the 1-based data row)
  --workers W        worker threads (default: all cores; results do not depend on it)
  --out F            write the JSON there instead of standard output
  --format F         json (default) or table`;

async function loadModel(path: string): Promise<PlsModelSpec> {
  let text: string;
  try { text = await readFile(path, 'utf8'); } catch { throw new CliError(`${path}: cannot read the model file`); }
  let json: unknown;
  try { json = JSON.parse(text); } catch (e) { throw new CliError(`${path}: not valid JSON (${(e as Error).message})`); }
  try { return parsePlsModel(json, path); } catch (e) { throw new CliError((e as Error).message); }
}

export async function run(argv: string[]): Promise<number> {
  const f = parseFlags(argv, {
    model: { type: 'string' }, data: { type: 'string' }, missing: { type: 'string' }, listwise: { type: 'boolean' },
    bootstrap: { type: 'string' }, seed: { type: 'string' }, 'boot-indices': { type: 'string' }, bca: { type: 'boolean' },
    workers: { type: 'string' }, out: { type: 'string' }, format: { type: 'string' }, weights: { type: 'string' },
    alpha: { type: 'string' }, 'max-iter': { type: 'string' }, stop: { type: 'string' }, scores: { type: 'string' }, id: { type: 'string' },
  }, HELP);
  if (!f) return 0;
  const model = await loadModel(required(f.model as string | undefined, 'model'));
  const dataPath = required(f.data as string | undefined, 'data');
  const format = (f.format as string | undefined) ?? 'json';
  if (format !== 'json' && format !== 'table') throw new CliError(`--format must be json or table, got '${format}'`);
  const maxIter = intFlag(f['max-iter'] as string | undefined, 'max-iter', DEFAULT_MAX_ITER);
  if (maxIter < 0) throw new CliError(`--max-iter must be 0 or more, got ${maxIter}`);
  const stopCriterion = f.stop !== undefined ? stopFlag(f.stop as string) : DEFAULT_STOP;
  const alpha = f.alpha !== undefined ? alphaFlag(f.alpha as string) : undefined;
  const nboot = f.bootstrap !== undefined ? intFlag(f.bootstrap as string, 'bootstrap', 0) : undefined;
  const indicesFile = f['boot-indices'] as string | undefined;
  const booting = nboot !== undefined || indicesFile !== undefined;
  if (alpha !== undefined && !booting) throw new CliError('--alpha sets the level of the bootstrap intervals: it needs --bootstrap N or --boot-indices F');
  const scoresFile = f.scores as string | undefined;
  if (f.id !== undefined && !scoresFile) throw new CliError('--id names the id column of the --scores file: it needs --scores F.csv');
  const items = [...new Set(Object.values(model.constructs).flatMap((c) => c.items))];
  const missingCodes = f.missing ? [f.missing as string] : [];
  const options: PlsOptions & { missing: 'mean' | 'listwise' } = { missing: f.listwise ? 'listwise' : 'mean', maxIter, stopCriterion };
  const weightCol = f.weights as string | undefined;
  const idCol = scoresFile ? await scoresIdColumn(dataPath, f.id as string | undefined, items, weightCol) : undefined;
  const data = await loadWeightedData(dataPath, items, missingCodes, weightCol, options.missing);
  let est;
  try { est = estimatePls(model, data, options); } catch (e) { throw new CliError(`${dataPath}: ${(e as Error).message}`); }
  if (!est.converged) {
    process.stderr.write(`satmon estimate: warning: the PLS algorithm did not converge within ${maxIter} iterations (--max-iter): `
      + `the last change of the outer weights was ${est.weightDiff.toPrecision(3)}, the stop criterion ${stopCriterion}; the estimates are those of the last iteration\n`);
  }

  const settings: EstimateSettings = {
    missing: options.missing, missingCodes, maxIter, stopCriterion, innerWeighting: model.innerWeighting ?? 'path',
    ...(weightCol ? { weights: weightCol } : {}),
  };
  let report: EstimateReport;
  if (booting) {
    if (nboot !== undefined && nboot < 2) throw new CliError('--bootstrap needs at least 2 resamples');
    const estimator = createPlsEstimator(model, options);
    const workers = intFlag(f.workers as string | undefined, 'workers', availableParallelism());
    const seed = intFlag(f.seed as string | undefined, 'seed', 123);
    let indices;
    if (indicesFile) {
      try { indices = readResampleIndicesFile(indicesFile).resamples; } catch (e) { throw new CliError(`${indicesFile}: ${(e as Error).message}`); }
    }
    const progress = process.stderr.isTTY ? (d: number, t: number) => process.stderr.write(`\rbootstrap ${d}/${t}`) : undefined;
    const run = await bootstrapPls(estimator, data, {
      ...(indices ? { indices } : { seed }), ...(nboot !== undefined ? { nboot } : {}),
      workers, plsOptions: options, ...(progress ? { onProgress: progress } : {}),
    });
    if (progress) process.stderr.write('\n');
    const jackknife = f.bca ? await jackknifePls(estimator, data, { workers, plsOptions: options }) : undefined;
    const summary = summarizeBootstrap(run, { ...(alpha !== undefined ? { alpha } : {}), ...(jackknife ? { jackknife } : {}) });
    report = estimateReport(est, summary, { ...(indices ? { indicesFile } : { seed }), bca: !!f.bca });
    Object.assign(settings, { nboot: summary.nboot, ...(indices ? { indicesFile } : { seed }), alpha: summary.alpha, bca: !!f.bca });
  } else {
    report = estimateReport(est);
  }
  if (scoresFile) {
    const ids = await scoreIds(dataPath, idCol!, data, items, options.missing);
    if (ids.length !== est.scores.n) throw new Error(`internal: ${ids.length} score rows expected, the estimate has ${est.scores.n}`);
    await writeFile(scoresFile, scoresCsv(est.scores, idCol!.name, ids));
    settings.scores = { file: scoresFile, id: idCol!.name };
  }
  report = { ...report, settings, ...(weightCol ? { weighting: weightingOf(weightCol, est) } : {}) };
  const text = format === 'json' ? JSON.stringify(report, null, 2) + '\n' : tables(report);
  if (f.out) await writeFile(f.out as string, text);
  else process.stdout.write(text);
  return 0;
}

/** --stop: an exponent >= 1 as seminr's stopCriterion (7 -> 1e-7), or the threshold itself in (0, 1). */
export function stopFlag(text: string): number {
  const s = Number(text);
  const bad = () => new CliError(`--stop must be seminr's exponent (a number >= 1: 7 means 1e-7) or the threshold itself (a number between 0 and 1, e.g. 1e-5), got '${text}'`);
  if (text.trim() === '' || !Number.isFinite(s) || s <= 0) throw bad();
  if (s < 1) return s;
  // R's 10^(-stopCriterion) is the correctly rounded power; V8's 10 ** -5 is not (9.999999999999999e-6), 1 / 10 ** 5 is
  const threshold = Number.isInteger(s) && s <= 22 ? 1 / 10 ** s : 10 ** -s;
  if (!(threshold > 0)) throw bad();
  return threshold;
}

/** --alpha: 1 - the CI level, in (0, 0.5) (0.95 would be a 5% interval: a likely mix-up with the level). */
export function alphaFlag(text: string): number {
  const a = Number(text);
  if (text.trim() === '' || !(a > 0 && a < 0.5)) {
    throw new CliError(`--alpha is 1 minus the level of the intervals, a number between 0 and 0.5 (0.05 for 95% intervals, 0.1 for 90%), got '${text}'`);
  }
  return a;
}

/** The id column of the scores file: the data column it comes from (index in the header) or the row number. */
interface IdColumn { name: string; index: number | null }

/** A header name that looks like a respondent id: id, respondent, respondent_id, resp_id, ... (case-insensitive). */
const ID_LIKE = /^(id|respondent([ _.-]?(id|no|nr|number))?|resp[ _.-]?id)$/i;

function readHeader(path: string, text: string): string[] {
  const head = parse(text, { bom: true, skip_empty_lines: true, trim: true, to_line: 1 }) as string[][];
  if (head.length === 0) throw new CliError(`${path}: empty file`);
  return head[0]!;
}

async function readText(path: string): Promise<string> {
  try { return await readFile(path, 'utf8'); } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${code ?? (e as Error).message})`);
  }
}

/** --id COL, else the first header column named like a respondent id that is not an item or the weight, else 'row'. */
async function scoresIdColumn(path: string, id: string | undefined, items: readonly string[], weightCol?: string): Promise<IdColumn> {
  const header = readHeader(path, await readText(path));
  if (id !== undefined) {
    const j = header.indexOf(id);
    if (j < 0) throw new CliError(`${path}: --id column '${id}' not found in the header`);
    return { name: id, index: j };
  }
  const j = header.findIndex((h) => ID_LIKE.test(h) && !items.includes(h) && h !== weightCol);
  return j >= 0 ? { name: header[j]!, index: j } : { name: 'row', index: null };
}

/**
 * The id of every row the estimate has scores for, in order: the rows missing-value handling kept (listwise
 * deletion: complete in the model's items) with, under survey weights, a positive weight.
 */
async function scoreIds(path: string, id: IdColumn, data: DataTable, items: readonly string[], missing: 'mean' | 'listwise'): Promise<(string | number)[]> {
  let cells: string[] | null = null;
  if (id.index !== null) {
    // the same parse options as readNumericCsv, so record i is data row i
    const records = parse(await readText(path), { bom: true, skip_empty_lines: true, trim: true, relax_column_count: false }) as string[][];
    cells = records.slice(1).map((r) => r[id.index!]!);
  }
  const cols = items.map((it) => data.cols[data.names.indexOf(it)]!);
  const out: (string | number)[] = [];
  for (let r = 0; r < data.n; r++) {
    if (missing === 'listwise' && cols.some((c) => c[r] !== c[r])) continue;
    out.push(cells ? cells[r]! : r + 1);
  }
  return out;
}

/**
 * The construct scores as CSV (csvDocument: formula-safe text cells, RFC 4180 quoting); rows whose scores are NaN
 * (survey weight 0: nobody) are left out.
 */
export function scoresCsv(scores: DataTable, idName: string, ids: readonly (string | number)[]): string {
  const rows: Cell[][] = [[idName, ...scores.names]];
  for (let r = 0; r < scores.n; r++) {
    const v = scores.cols.map((c) => c[r]!);
    if (v.some((x) => x !== x)) continue;
    rows.push([ids[r]!, ...v]);
  }
  return csvDocument(rows, MACHINE_CSV);
}

/**
 * The model's item columns of a numeric CSV and, with a weight column, the survey weights as DataTable.weights
 * (frequency-weight semantics). A weight must be a finite number >= 0 on every row used: with listwise deletion a
 * row that is dropped anyway may lack one (it weighs 0). Errors name the file, line and column.
 */
export async function loadWeightedData(
  path: string, items: readonly string[], missingCodes: readonly string[], weightCol?: string, missing: 'mean' | 'listwise' = 'mean',
): Promise<DataTable> {
  if (!weightCol) return loadNumericCsv(path, items, missingCodes);
  if (items.includes(weightCol)) throw new CliError(`--weights: column '${weightCol}' is an item of the model, not a weight`);
  const t = await loadNumericCsv(path, [...items, weightCol], missingCodes);
  const raw = t.cols[items.length]!;
  const cols = t.cols.slice(0, items.length);
  const weights = new Float64Array(t.n);
  for (let r = 0; r < t.n; r++) {
    const w = raw[r]!;
    if (w >= 0) { weights[r] = w; continue; } // finite: readNumericCsv refuses anything else but missing cells
    if (missing === 'listwise' && cols.some((c) => c[r] !== c[r])) continue; // dropped anyway
    const line = `${path}: line ${r + 2}, column '${weightCol}'`;
    throw new CliError(w !== w ? `${line}: the survey weight is missing` : `${line}: the survey weight ${w} is negative`);
  }
  return { names: t.names.slice(0, items.length), cols, n: t.n, weights };
}

/** The JSON's top-level `weighting`: the weight column and Kish's summary of the weights used. */
export function weightingOf(column: string, est: PlsResult): NonNullable<EstimateReport['weighting']> {
  const w = est.weighting!;
  return { column, n: w.n, sumWeights: w.sumWeights, nEffective: w.nEffective, deff: w.deff };
}

function stars(p: number | undefined): string {
  if (p === undefined || Number.isNaN(p)) return '';
  return p < 0.001 ? '***' : p < 0.01 ? '**' : p < 0.05 ? '*' : '';
}

function bootCells(b: BootFields): TableCell[] {
  return [b.bootMean, b.bootSd, b.t, b.p, b.ciLow, b.ciHigh, stars(b.p)];
}

function tables(r: EstimateReport): string {
  const fmt = cliFormat();
  const { t } = fmt;
  const booted = !!r.bootstrap;
  const ci = (x: number) => t('cli.estimate.ci', { level: formatNumber(+(x * 100).toFixed(2), fmt) });
  const bootCols = booted
    ? [{ header: t('cli.estimate.bootMean'), decimals: 3 }, { header: t('cli.estimate.bootSd'), decimals: 3 }, { header: t('cli.estimate.tStat'), decimals: 3 },
       { header: 'p', decimals: 3 }, { header: ci(r.bootstrap!.alpha / 2), decimals: 3 }, { header: ci(1 - r.bootstrap!.alpha / 2), decimals: 3 }, { header: '' }]
    : [];
  const out: string[] = [];
  const m = r.missing;
  const missing = !m.cellsMissing ? ''
    : m.method === 'mean' ? t('cli.estimate.missingMean', { cells: fmt.int(m.cellsMissing), share: fmt.pct(m.share) })
    : t('cli.estimate.missingListwise', { cells: fmt.int(m.cellsMissing), share: fmt.pct(m.share), rows: fmt.int(m.rowsDropped) });
  const wt = r.weighting;
  const weighted = !wt ? '' : t('cli.estimate.weighted', {
    column: wt.column, nEff: formatNumber(+wt.nEffective.toFixed(1), fmt), deff: formatNumber(+wt.deff.toFixed(2), fmt), sum: formatNumber(+wt.sumWeights.toFixed(2), fmt),
  });
  out.push(t('cli.estimate.head', {
    n: fmt.int(r.n),
    convergence: r.converged ? t('cli.estimate.converged', { iterations: fmt.int(r.iterations) }) : t('cli.estimate.notConverged', { iterations: fmt.int(r.iterations + 1) }),
  }) + missing + weighted);
  if (r.consistent) {
    out.push(t('cli.estimate.consistent', { constructs: r.consistent.reflective.join(', ') }));
    for (const note of r.consistent.notes) out.push(note);
  }
  const ho = r.higherOrder;
  if (ho) {
    const hocs = [...new Set(ho.dimensions.map((d) => d.hoc))];
    const list = hocs.map((h) => `${h} = ${ho.dimensions.filter((d) => d.hoc === h).map((d) => d.name).join(' + ')}`).join('; ');
    const convergence = ho.stage1.converged ? t('cli.estimate.converged', { iterations: fmt.int(ho.stage1.iterations) }) : t('cli.estimate.notConverged', { iterations: fmt.int(ho.stage1.iterations + 1) });
    out.push(t('cli.estimate.higherOrder', { list, convergence }));
  }
  const b = r.bootstrap;
  if (b) {
    const counts = { ok: fmt.int(b.nSuccessful), n: fmt.int(b.nboot) };
    out.push(b.seed !== undefined ? t('cli.estimate.bootstrapSeed', { ...counts, seed: b.seed }) : t('cli.estimate.bootstrap', counts));
  }
  out.push('');
  const row = (a: TableCell[], b: BootFields) => (booted ? [...a, ...bootCells(b)] : a);
  const construct = { header: t('cli.construct') };
  const item = { header: t('cli.item') };
  const estimate = { header: t('cli.estimate'), decimals: 3 };
  out.push(formatTable([{ header: t('cli.estimate.path') }, estimate, ...bootCols], r.paths.map((p) => row([`${p.from}  ->  ${p.to}`, p.estimate], p)), { title: t('cli.estimate.paths'), fmt }));
  out.push(formatTable([construct, { header: 'R^2', decimals: 3 }, { header: 'AdjR^2', decimals: 3 }], Object.entries(r.rSquared).map(([c, v]) => [c, v.r2, v.adjR2]), { title: 'R^2', fmt }));
  out.push(formatTable([construct, { header: 'alpha', decimals: 3 }, { header: 'rhoC', decimals: 3 }, { header: 'AVE', decimals: 3 }, { header: 'rhoA', decimals: 3 }],
    Object.entries(r.reliability).map(([c, v]) => [c, v.alpha, v.rhoC, v.ave, v.rhoA]), { title: t('cli.estimate.reliability'), fmt }));
  out.push(formatTable([item, construct, { header: t('cli.estimate.loading'), decimals: 3 }, ...bootCols], r.loadings.map((l) => row([l.item, l.construct, l.estimate], l)), { title: t('cli.estimate.loadings'), fmt }));
  out.push(formatTable([item, construct, { header: t('cli.estimate.weight'), decimals: 3 }, ...bootCols], r.weights.map((w) => row([w.item, w.construct, w.estimate], w)), { title: t('cli.estimate.weights'), fmt }));
  out.push(formatTable([{ header: t('cli.estimate.pair') }, { header: 'HTMT', decimals: 3 }, ...bootCols], r.htmt.map((h) => row([`${h.a} / ${h.b}`, h.value], h)), { title: 'HTMT', fmt }));
  if (r.indirect.length) out.push(formatTable([{ header: t('cli.estimate.indirect') }, estimate, ...bootCols],
    r.indirect.map((s) => row([[s.from, ...s.through, s.to].join('  ->  '), s.estimate], s)), { title: t('cli.estimate.indirects'), fmt }));
  out.push(formatTable([{ header: t('cli.estimate.effect') }, { header: t('cli.estimate.total'), decimals: 3 }, ...bootCols], r.totalEffects.map((p) => row([`${p.from}  ->  ${p.to}`, p.estimate], p)), { title: t('cli.estimate.totals'), fmt }));
  if (booted) out.push(t('cli.estimate.significance', { p05: formatNumber(0.05, fmt), p01: formatNumber(0.01, fmt), p001: formatNumber(0.001, fmt) }));
  return out.join('\n') + '\n';
}
