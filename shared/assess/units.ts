// Which clean-row partitions make up a unit's period, and the settings a recompute runs with. Pure.
import { S3_LAYOUT, type Unit } from '../store/keys';
import { periodRange } from '../survey/period';
import { DEFAULT_SETTINGS, type RecomputeSettings } from './recompute';

/** The quarters a period covers: itself, or the four quarters of a year ("2025"). */
export function quartersOf(period: string): string[] {
  return /^\d{4}$/.test(period) ? periodRange(`${period}-Q1`, `${period}-Q4`) : [period];
}

/** The last quarter a period covers ('2025' -> '2025-Q4'): quarters and years compare correctly through it. */
export function lastQuarterOf(period: string): string {
  return quartersOf(period).at(-1)!;
}

/** Branch id from a clean-part key `clean/period=P/branch=B/drop=H.csv`. */
export function branchOfCleanKey(key: string): string | null {
  const m = /\/branch=([^/]+)\//.exec(key);
  return m ? m[1]! : null;
}

/** Prefixes to list for a unit's rows in a period, and a filter on the branch of each part found. */
export function partPrefixes(unit: Unit, period: string, regionOf: (branch: string) => string | undefined) {
  const quarters = quartersOf(period);
  if (unit.kind === 'branch') return { prefixes: quarters.map((q) => S3_LAYOUT.cleanPrefix(q, unit.id)), keep: () => true };
  const prefixes = quarters.map((q) => S3_LAYOUT.cleanPrefix(q));
  if (unit.kind === 'network') return { prefixes, keep: () => true };
  return { prefixes, keep: (branch: string) => regionOf(branch) === unit.id };
}

type Env = Record<string, string | undefined>;

function num(env: Env, name: string, fallback: number): number {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`environment variable ${name} must be a number, got '${v}'`);
  return n;
}

/**
 * Settings from the environment: SATMON_NBOOT (branches, default 5000), SATMON_NBOOT_AGGREGATE (regions and the
 * network, default 200, no BCa: their n is large and the bootstrap SE small), SATMON_SEED, SATMON_MIN_N,
 * SATMON_WORKERS (bootstrap worker threads; 1 on Lambda), SATMON_BCA=1 (BCa intervals for branches: a jackknife of
 * n more estimates, about 40 % more time; percentile intervals are always there).
 */
export function settingsFor(unit: Unit, env: Env): RecomputeSettings {
  const aggregate = unit.kind !== 'branch';
  return {
    ...DEFAULT_SETTINGS,
    nboot: aggregate ? num(env, 'SATMON_NBOOT_AGGREGATE', 200) : num(env, 'SATMON_NBOOT', DEFAULT_SETTINGS.nboot),
    seed: num(env, 'SATMON_SEED', DEFAULT_SETTINGS.seed),
    minN: num(env, 'SATMON_MIN_N', DEFAULT_SETTINGS.minN),
    // A Lambda bundle is one file without the worker module: bootstrap in the handler's own thread there.
    workers: env.AWS_LAMBDA_FUNCTION_NAME ? 1 : num(env, 'SATMON_WORKERS', 1),
    bca: !aggregate && env.SATMON_BCA === '1',
  };
}
