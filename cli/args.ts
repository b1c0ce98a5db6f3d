// Thin wrapper over node:util parseArgs that turns its exceptions into one-line CliErrors.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './errors';

export type Options = NonNullable<ParseArgsConfig['options']>;

export function parseFlags<O extends Options>(argv: string[], options: O, help: string) {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(help.trimEnd() + '\n');
    return null;
  }
  try {
    return parseArgs({ args: glueNegativeNumbers(argv, options), options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw new CliError((e as Error).message.split('\n')[0]);
  }
}

export function required<T>(value: T | undefined, flag: string): T {
  if (value === undefined || value === '') throw new CliError(`missing required option --${flag}`);
  return value;
}

export function intFlag(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new CliError(`--${flag} must be an integer, got '${value}'`);
  return n;
}


/**
 * parseArgs reads "--missing -99" as two flags. A string option followed by a negative number takes it as its
 * value ("--missing=-99"), so missing codes and negative values work as users type them.
 */
function glueNegativeNumbers(argv: readonly string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const opt = a.startsWith('--') ? options[a.slice(2)] : undefined;
    if (opt?.type === 'string' && /^-\d/.test(argv[i + 1] ?? '')) out.push(`${a}=${argv[++i]}`);
    else out.push(a);
  }
  return out;
}
