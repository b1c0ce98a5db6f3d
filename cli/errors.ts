/** A user-facing error: bad flags or bad input. The CLI prints its message on one line and exits 2. */
export class CliError extends Error {
  override name = 'CliError';
}
