/** Bad input to a statistic (too few rows, a singular design, a constant variable): the caller's data, not a bug. */
export class StatsInputError extends Error {
  override name = 'StatsInputError';
}
