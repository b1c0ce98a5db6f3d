// satmon mga: placeholder until the command lands (being written now).
import { CliError } from '../errors';
export const summary = 'mga';
export async function run(_argv: string[]): Promise<number> {
  throw new CliError('satmon mga is not available yet');
}
