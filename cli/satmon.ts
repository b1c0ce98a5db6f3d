// satmon: the command-line entry. Each subcommand lives in cli/commands/<name>.ts and exports
// `run(argv): Promise<number>` plus a one-line `summary`; they are imported lazily so `--help` stays fast.
import { CliError } from './errors';

const COMMANDS = {
  estimate: 'PLS-SEM estimate (and bootstrap) of a model on a CSV',
  regress: 'OLS regression with SPSS-style diagnostics',
  items: 'item-total statistics and Cronbach alpha',
  index: 'ACSI-style 0-100 indices of a PLS model (with bootstrap CI)',
  clean: 'clean a survey drop into clean rows, rejects and a manifest',
  simulate: 'generate realistic survey drops from the seed-000 population model',
  pipeline: 'run the whole pipeline on a folder of drops against the embedded stack',
  assess: 'run a quarterly or annual assessment against the embedded stack',
} as const;

type CommandName = keyof typeof COMMANDS;

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, text]) => `  ${name.padEnd(10)} ${text}`);
  return ['Usage: satmon <command> [options]   (satmon <command> --help for its options)', '', 'Commands:', ...lines].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name ? 0 : 2;
  }
  if (!(name in COMMANDS)) throw new CliError(`unknown command '${name}' (try satmon --help)`);
  let mod: { run(argv: string[]): Promise<number> };
  try {
    mod = await import(`./commands/${name as CommandName}.ts`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String(e).includes(`commands/${name}`)) {
      throw new CliError(`command '${name}' is not available in this build`);
    }
    throw e;
  }
  return mod.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    const msg = err instanceof Error ? err.message : String(err);
    process.stderr.write(`satmon: ${msg.split('\n')[0]}\n`);
    if (process.env.SATMON_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    process.exitCode = err instanceof CliError ? 2 : 1;
  },
);
