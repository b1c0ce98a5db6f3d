// satmon: the command-line entry. Each subcommand lives in cli/commands/<name>.ts and exports
// `run(argv): Promise<number>` plus a one-line `summary`; they are imported lazily so `--help` stays fast.
import { CliError } from './errors';

interface Command { run(argv: string[]): Promise<number> }

// Literal import() calls: esbuild (scripts/build.mjs) makes each command a chunk loaded only when it runs.
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  estimate: { summary: 'PLS-SEM estimate (and bootstrap) of a model on a CSV', load: () => import('./commands/estimate') },
  regress: { summary: 'OLS regression with SPSS-style diagnostics', load: () => import('./commands/regress') },
  items: { summary: 'item-total statistics and Cronbach alpha', load: () => import('./commands/items') },
  index: { summary: 'ACSI-style 0-100 indices of a PLS model (with bootstrap CI)', load: () => import('./commands/index') },
  clean: { summary: 'clean a survey drop into clean rows, rejects and a manifest', load: () => import('./commands/clean') },
  instrument: { summary: 'draft an instrument from a survey export (instrument draft --data EXPORT --out I.json)', load: () => import('./commands/instrument') },
  simulate: { summary: 'generate realistic survey drops from the seed-000 population model', load: () => import('./commands/simulate') },
  pipeline: { summary: 'run the whole pipeline on a folder of drops against the embedded stack', load: () => import('./commands/pipeline') },
  assess: { summary: 'run a quarterly or annual assessment against the embedded stack', load: () => import('./commands/assess') },
  forget: { summary: 'erase one participant on request (curated rows, rejects, duplicate index), then reassess', load: () => import('./commands/forget') },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return ['Usage: satmon <command> [options]   (satmon <command> --help for its options)', '', 'Commands:', ...lines].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
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
