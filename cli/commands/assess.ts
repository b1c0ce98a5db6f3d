// satmon assess: a quarterly (--period 2025-Q4) or annual (--year 2025) assessment with the same handlers as the
// AWS state machine, against configured endpoints (TABLE_NAME, CURATED_BUCKET and endpoint variables set) or the
// embedded stack over a persisted data folder (default .satmon/data, which `npm start` and
// `satmon pipeline --data-dir` fill). Do not run it on a data folder another process has open.
import { parseFlags } from '../args';
import { openData } from '../data-folder';
import { CliError } from '../errors';
import { cliFormat } from '../i18n';
import { alertLine } from '../../shared/assess/alert-text';
import { runAssessment } from '../../infra/local/assessment-runner';
import { isQuarter, isYear } from '../../shared/period';

export const summary = 'run a quarterly or annual assessment against the embedded stack';

const HELP = `Usage: satmon assess (--period 2025-Q4 | --year 2025) [--data-dir DIR] [--json]

Runs plan -> recompute of every branch, region and the network -> close (decline tests, alerts, the assessment
record), as the AWS state machine does. Uses configured endpoints when TABLE_NAME and CURATED_BUCKET are set,
else starts the embedded stack on the persisted data folder (default .satmon/data).`;

export async function run(argv: string[]): Promise<number> {
  const f = parseFlags(argv, { period: { type: 'string' }, year: { type: 'string' }, 'data-dir': { type: 'string' }, json: { type: 'boolean' } }, HELP);
  if (!f) return 0;
  const period = (f.period ?? f.year) as string | undefined;
  if (!period || (f.period && f.year)) throw new CliError('give exactly one of --period 2025-Q4 or --year 2025');
  if (f.period && !isQuarter(period)) throw new CliError(`--period must look like 2025-Q4, got '${period}'`);
  if (f.year && !isYear(period)) throw new CliError(`--year must look like 2025, got '${period}'`);
  const { stack, env } = await openData(f['data-dir'] as string | undefined);
  try {
    const r = await runAssessment(period, { env }); // configured, or set by the embedded stack
    const out = { ...r.close, branches: r.plan.branches.length, units: r.plan.items.length, failures: r.failures, ms: r.ms };
    if (f.json) process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    else {
      const fmt = cliFormat();
      const { t } = fmt;
      const say = (line: string) => process.stdout.write(`${line}\n`);
      say(t('cli.assess.head', { period: fmt.period(period), branches: fmt.int(out.branches), units: fmt.int(out.units), tested: fmt.int(out.tested) }));
      for (const a of r.close.newAlerts) say(alertLine(a, fmt));
      say(t('cli.assess.tail', { continuing: fmt.int(r.close.continuing), resolved: fmt.int(r.close.resolved), key: r.close.resultKey }));
    }
    return r.failures.length ? 1 : 0;
  } finally {
    await stack?.stop();
  }
}
