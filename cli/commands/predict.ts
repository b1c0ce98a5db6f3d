// satmon predict: placeholder until the command lands (being written now).
import { CliError } from '../errors';
export const summary = 'predict';
export async function run(_argv: string[]): Promise<number> {
  throw new CliError('satmon predict is not available yet');
}
