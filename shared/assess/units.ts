// Which clean-row partitions make up a unit's period, and the settings a recompute runs with. Pure.
import { quartersOf } from '../period';
import type { RecomputeEnvSettings } from '../config';
import { S3_LAYOUT, type Unit } from '../layout/keys';
import { DEFAULT_SETTINGS, type RecomputeSettings } from './recompute';

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

/**
 * A unit's recompute settings from the configured ones (shared/config.ts, group `recompute`): SATMON_NBOOT for
 * branches, SATMON_NBOOT_AGGREGATE for regions and the network (no BCa: their n is large and the bootstrap SE
 * small), SATMON_SEED, SATMON_MIN_N, SATMON_WORKERS (1 on Lambda), SATMON_BCA (branches only).
 */
export function settingsFor(unit: Unit, s: RecomputeEnvSettings, onLambda: boolean): RecomputeSettings {
  const aggregate = unit.kind !== 'branch';
  return {
    ...DEFAULT_SETTINGS,
    nboot: aggregate ? s.nbootAggregate : s.nboot,
    seed: s.seed,
    minN: s.minN,
    // A Lambda bundle is one file without the worker module: bootstrap in the handler's own thread there.
    workers: onLambda ? 1 : s.workers,
    bca: !aggregate && s.bca,
    permutations: s.permutations,
    restRows: s.restRows,
  };
}

/**
 * Active participants a unit serves, from the branch directory: a branch's own, a region's or the network's the sum
 * over the directory's branches in it; unknown when any of them lacks a figure.
 */
export function populationOf(unit: Unit, branches: ReadonlyMap<string, { region?: string; population?: number }> | undefined): number | undefined {
  if (!branches) return undefined;
  const members = unit.kind === 'branch' ? [branches.get(unit.id)] : [...branches.values()].filter((b) => unit.kind === 'network' || b.region === unit.id);
  if (!members.length || members.some((b) => b?.population === undefined)) return undefined;
  return members.reduce((a, b) => a + b!.population!, 0);
}
