// satmon: the command-line entry. Each subcommand lives in cli/commands/<name>.ts and exports
// `run(argv): Promise<number>` plus a one-line `summary`; they are imported lazily so `--help` stays fast.
// `--lang id|en` anywhere on the line chooses the language of what is printed for a person (cli/i18n.ts).
import { CliError } from './errors';
import { cliFormat, takeLangFlag } from './i18n';
import type { MessageKey } from '../shared/i18n/catalogue';

interface Command { run(argv: string[]): Promise<number> }

// Literal import() calls: esbuild (scripts/build.mjs) makes each command a chunk loaded only when it runs.
const COMMANDS: Record<string, { summary: MessageKey; load: () => Promise<Command> }> = {
  estimate: { summary: 'cli.command.estimate', load: () => import('./commands/estimate') },
  predict: { summary: 'cli.command.predict', load: () => import('./commands/predict') },
  mga: { summary: 'cli.command.mga', load: () => import('./commands/mga') },
  regress: { summary: 'cli.command.regress', load: () => import('./commands/regress') },
  items: { summary: 'cli.command.items', load: () => import('./commands/items') },
  ikm: { summary: 'ikm.commandSummary', load: () => import('./commands/ikm') },
  index: { summary: 'cli.command.index', load: () => import('./commands/index') },
  clean: { summary: 'cli.command.clean', load: () => import('./commands/clean') },
  instrument: { summary: 'cli.command.instrument', load: () => import('./commands/instrument') },
  simulate: { summary: 'cli.command.simulate', load: () => import('./commands/simulate') },
  pipeline: { summary: 'cli.command.pipeline', load: () => import('./commands/pipeline') },
  assess: { summary: 'cli.command.assess', load: () => import('./commands/assess') },
  forget: { summary: 'cli.command.forget', load: () => import('./commands/forget') },
};

function usage(): string {
  const { t } = cliFormat();
  const cite = { suryani: t('common.cite.suryani'), rufani: t('common.cite.rufani') };
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${t(c.summary, cite)}`);
  return [t('cli.usage'), '', t('cli.commands'), ...lines].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = takeLangFlag(argv);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name ? 0 : 2;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) throw new CliError(`unknown command '${name}' (try satmon --help)`);
  const mod = await command.load();
  return mod.run(rest);
}

/** SATMON_DEBUG (shared/config.ts), loaded only when a command fails so that starting stays fast. */
async function debugWanted(): Promise<boolean> {
  const { loadGroup } = await import('../shared/config');
  try {
    return loadGroup('cli').debug;
  } catch (e) {
    process.stderr.write(`satmon: ${(e as Error).message}\n`);
    return false;
  }
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  async (err: unknown) => {
    const msg = err instanceof Error ? err.message : String(err);
    process.stderr.write(`satmon: ${msg.split('\n')[0]}\n`);
    process.exitCode = err instanceof CliError ? 2 : 1;
    if (err instanceof Error && (await debugWanted())) process.stderr.write(`${err.stack}\n`);
  },
);
