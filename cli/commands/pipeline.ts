// satmon pipeline: the whole pipeline on a folder of drops against the embedded stack (or configured endpoints).
import { stat } from 'node:fs/promises';
import { intFlag, parseFlags, required } from '../args';
import { CliError } from '../errors';
import { cliFormat } from '../i18n';
import { runPipeline, type PipelineSummary } from '../../infra/local/pipeline';
import { alertLine, watchLine } from '../../shared/assess/alert-text';

export const summary = 'run the whole pipeline on a folder of drops against the embedded stack';

const HELP = `Usage: satmon pipeline --drops DIR [--instrument I.json] [--json] [--annual] [--nboot N] [--seed S]
                      [--data-dir DIR] [--keep]

Starts the embedded S3 + DynamoDB stack, uploads every CSV under DIR as a drop (a branches.json in DIR becomes the
branch directory), runs ingest, the per-branch recomputes and the quarterly assessment of every period present,
in order, and prints a summary: periods, branches, alerts and watches (branch, period, metric, decline, p; a watch
is a branch's own decline that does not survive the network-wide control, sent to its manager only), rejected rows.
Files under DIR/branch=BR07/ are uploaded as office BR07's (rows of any other branch are rejected, WRONG_BRANCH);
every other file as a head-office drop. A drop whose ingest fails every attempt stops the run (exit 1, named).

Options:
  --drops DIR        folder of survey drops (*.csv, searched recursively)
  --instrument F     instrument JSON (default: the built-in instrument of Suryani et al. (2024) and Rufani et al. (2023))
  --json             print the summary as JSON
  --annual           also run the annual assessment of every year present
  --nboot N          bootstrap resamples per branch (default 5000; regions and network: 200)
  --seed S           bootstrap seed (default 20240101)
  --data-dir DIR     persist the stack's data there (then 'satmon assess --data-dir DIR' can run later)
  --webhook URL      also POST new alerts as JSON to this URL`;

/** A watch as the summary lists it. */
export interface WatchSummary { branch: string; period: string; metric: string; decline: number; p: number }

/** The watches this run's assessments opened (created and published by this run, like `alerts`), in period order. */
export function pipelineWatches(runs: PipelineSummary['runs']): WatchSummary[] {
  return runs.flatMap((r) => (r.close.raisedWatches ?? []).map((w) => ({ branch: w.branch, period: w.period, metric: w.metric, decline: w.decline, p: w.p })));
}

/** The --json summary: the pipeline's figures with the watches beside the alerts and the failed recomputes. */
export function pipelineJson(s: PipelineSummary): Record<string, unknown> {
  const { runs, alerts, ...rest } = s;
  const { periods, years, branches, ...others } = rest;
  return { periods, years, branches, alerts, watches: pipelineWatches(runs), ...others, failures: runs.flatMap((r) => r.failures) };
}

export async function run(argv: string[]): Promise<number> {
  const f = parseFlags(argv, {
    drops: { type: 'string' }, instrument: { type: 'string' }, json: { type: 'boolean' }, annual: { type: 'boolean' },
    nboot: { type: 'string' }, seed: { type: 'string' }, 'data-dir': { type: 'string' }, webhook: { type: 'string' },
  }, HELP);
  if (!f) return 0;
  const drops = required(f.drops as string | undefined, 'drops');
  const isDir = await stat(drops).then((s) => s.isDirectory(), () => false);
  if (!isDir) throw new CliError(`--drops ${drops}: not a folder`);
  const env: Record<string, string> = {};
  if (f.nboot !== undefined) env.SATMON_NBOOT = String(intFlag(f.nboot as string, 'nboot', 5000));
  if (f.seed !== undefined) env.SATMON_SEED = String(intFlag(f.seed as string, 'seed', 20240101));
  if (f.webhook) env.SATMON_ALERT_WEBHOOK = f.webhook as string;
  const log = f.json ? () => {} : (m: string) => process.stderr.write(`${m}\n`);
  const { summary: s } = await runPipeline({
    dropsDir: drops, env, log, annual: !!f.annual,
    ...(f.instrument ? { instrumentFile: f.instrument as string } : {}),
    ...(f['data-dir'] ? { dataDir: f['data-dir'] as string } : {}),
  });
  const failures = s.runs.flatMap((r) => r.failures);
  if (f.json) {
    process.stdout.write(JSON.stringify(pipelineJson(s), null, 2) + '\n');
  } else {
    const fmt = cliFormat();
    const { t } = fmt;
    const say = (line: string) => process.stdout.write(`${line}\n`);
    say(t('cli.pipeline.rows', { drops: fmt.int(s.drops), clean: fmt.int(s.cleanRows), rejected: fmt.int(s.rejectedRows) }));
    say(t('cli.pipeline.periods', { branches: fmt.int(s.branches.length), periods: s.periods.map(fmt.period).join(', ') }));
    for (const a of s.alerts) say(alertLine(a, fmt));
    if (!s.alerts.length) say(t('cli.pipeline.noAlerts'));
    for (const w of pipelineWatches(s.runs)) say(watchLine(w, fmt));
    for (const x of failures) say(t('cli.recomputeFailed', { unit: JSON.stringify(x.item), error: x.error }));
    say(t('cli.pipeline.times', { ingest: fmt.num(s.ms.ingest / 1000, 1), assess: fmt.num(s.ms.assess / 1000, 1) }));
  }
  return failures.length ? 1 : 0;
}
