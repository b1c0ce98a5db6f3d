// satmon forget: erasure on request (README "Personal data"), with the same code as the AWS forget Lambda, against
// configured endpoints or the embedded stack over a persisted data folder (default .satmon/data). Then the
// assessments the erasure affects run again, so every figure and alert is as if the participant had never answered.
// The participant number is only turned into pseudonyms; it is never printed or stored.
import { readFileSync } from 'node:fs';
import { parseFlags } from '../args';
import { openData } from '../data-folder';
import { CliError } from '../errors';
import { cliFormat } from '../i18n';
import { runAssessments } from '../../infra/local/assessment-runner';
import { depsFromEnv, makeHandler } from '../../lambdas/forget/handler';

export const summary = 'erase one participant on request (curated rows, rejects, duplicate index), then reassess';

const HELP = `Usage: satmon forget --id PARTICIPANT_NUMBER [--data-dir DIR] [--no-reassess] [--json]
       echo PARTICIPANT_NUMBER | satmon forget --id - ...   (the number stays out of the shell history and ps)

Finds the participant's rows in every branch through their pseudonym (the key in .satmon/pseudonym-key.json, or
SATMON_PSEUDONYM_KEY_FILE), puts them on the erasure list (a later delivery of their rows, up to the quarter after
this one, is refused: ERASED), removes them from the clean rows, the rejects and the duplicate index, records the
erasure (when, which drops and units, how many rows; never who) and runs again every assessed period from the first
affected quarter on. Raw drops are not touched: they are deleted when their retention ends (README "Personal data").

Options:
  --id N           the participant number as the drops carry it in their id column (- : read it from stdin)
  --data-dir DIR   the embedded stack's data folder (default .satmon/data, which npm start fills)
  --no-reassess    only erase and mark the units for recompute (run satmon assess later)
  --json           print the result as JSON`;

export async function run(argv: string[]): Promise<number> {
  let f;
  try {
    f = parseFlags(argv, { id: { type: 'string' }, 'data-dir': { type: 'string' }, 'no-reassess': { type: 'boolean' }, json: { type: 'boolean' } }, HELP);
  } catch (e) {
    // The message may quote an argument, which may be the participant number (`satmon forget 31500001234`).
    throw new CliError(`${(e as Error).message.replace(/'[^']*'/g, "'…'")} (usage: satmon forget --id N; see --help)`);
  }
  if (!f) return 0;
  const id = (f.id === '-' ? readFileSync(0, 'utf8').split(/\r?\n/)[0]! : ((f.id as string | undefined) ?? '')).trim();
  if (!id) throw new CliError('--id: give the participant number to erase');
  const t0 = performance.now();
  const { stack, env } = await openData(f['data-dir'] as string | undefined);
  const t1 = performance.now();
  try {
    const forget = makeHandler(() => depsFromEnv(env));
    const out = await forget({ id });
    const t2 = performance.now();
    const runs = f['no-reassess'] || !out.reassess.length ? [] : await runAssessments(out.reassess, { env });
    const ms = { open: Math.round(t1 - t0), erase: Math.round(t2 - t1), reassess: Math.round(performance.now() - t2) };
    const failures = runs.flatMap((r) => r.failures);
    if (f.json) process.stdout.write(JSON.stringify({ ...out, reassessed: runs.map((r) => r.plan.period), failures, ms }, null, 2) + '\n');
    else {
      const fmt = cliFormat();
      const { t } = fmt;
      const say = (line: string) => process.stdout.write(`${line}\n`);
      const periods = (ps: string[]) => ps.map(fmt.period).join(', ');
      if (!out.units.length && !out.rejectedRows) say(t('cli.forget.none'));
      else {
        say(t('cli.forget.erasure', {
          id: out.erasureId, clean: fmt.int(out.cleanRows), rejected: fmt.int(out.rejectedRows), entries: fmt.int(out.indexEntries), drops: fmt.int(out.drops.length),
        }));
        for (const u of out.units) say(t('cli.forget.unit', { branch: u.branch, period: fmt.period(u.period), rows: fmt.int(u.rows) }));
        say(runs.length ? t('cli.forget.reassessed', { periods: periods(runs.map((r) => r.plan.period)) }) : t('cli.forget.toReassess', { periods: periods(out.reassess) }));
      }
      for (const x of failures) say(t('cli.recomputeFailed', { unit: JSON.stringify(x.item), error: x.error }));
    }
    return failures.length ? 1 : 0;
  } finally {
    await stack?.stop();
  }
}
