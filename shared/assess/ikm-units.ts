// The IKM of every unit the data holds: each branch and the network, per quarter and per year (a year pools its
// quarters' respondents, as an annual SKM does). Pure: answers in, figures out (shared/stats/ikm.ts computes).
import { comparePeriods, yearOf } from '../period';
import { computeIkm, sampleAdequacy, type IkmOptions, type IkmResult, type SampleAdequacy } from '../stats/ikm';
import { populationOf } from './units';

export const NETWORK_UNIT = 'network';

export interface IkmRows {
  branches: readonly string[];
  /** Quarters (`2024-Q3`) of the rows. */
  periods: readonly string[];
  /** Unsur names and their answer columns (1-4, NaN = no answer), one value per row. */
  unsur: readonly string[];
  cols: readonly ArrayLike<number>[];
}

export interface IkmUnit {
  branch: string;
  period: string;
  result: IkmResult;
  /** With the branch directory's populations (the network: their sum over the branches with data). */
  sample?: SampleAdequacy;
}

/**
 * `directory`: the branch directory (regions, populations); with it each unit gets the Krejcie-Morgan sample of its
 * population, summed for the network over every branch of the directory as the pipeline does (populationOf).
 */
export function ikmUnits(
  rows: IkmRows,
  opts: IkmOptions & { nbootAggregate?: number } = {},
  directory?: ReadonlyMap<string, { region?: string; population?: number }>,
): IkmUnit[] {
  // The network's n is large and its bootstrap SE small: fewer resamples, as the pipeline's SATMON_NBOOT_AGGREGATE.
  const { nbootAggregate, ...branchOpts } = opts;
  const aggregateOpts = nbootAggregate !== undefined ? { ...branchOpts, nboot: nbootAggregate } : branchOpts;
  const groups = new Map<string, { branch: string; period: string; idx: number[] }>();
  const add = (branch: string, period: string, i: number) => {
    const key = `${branch}\u0000${period}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { branch, period, idx: [] }));
    g.idx.push(i);
  };
  for (let i = 0; i < rows.branches.length; i++) {
    const b = rows.branches[i]!, q = rows.periods[i]!, y = String(yearOf(q));
    add(b, q, i); add(b, y, i); add(NETWORK_UNIT, q, i); add(NETWORK_UNIT, y, i);
  }
  const out: IkmUnit[] = [];
  for (const g of groups.values()) {
    const cols = rows.cols.map((c) => Float64Array.from(g.idx, (i) => c[i]!));
    const result = computeIkm(rows.unsur, cols, g.branch === NETWORK_UNIT ? aggregateOpts : branchOpts);
    const population = populationOf(g.branch === NETWORK_UNIT ? { kind: 'network' } : { kind: 'branch', id: g.branch }, directory);
    out.push({ branch: g.branch, period: g.period, result, ...(population !== undefined ? { sample: sampleAdequacy(population, result.n) } : {}) });
  }
  // branches by id, the network last; periods in time order, a year after its quarters
  const order = (u: IkmUnit) => (u.branch === NETWORK_UNIT ? '\uffff' : u.branch);
  const periodOrder = (a: string, b: string) => yearOf(a) - yearOf(b) || (a.length === 4 ? 1 : 0) - (b.length === 4 ? 1 : 0) || comparePeriods(a, b);
  return out.sort((a, b) => order(a).localeCompare(order(b)) || periodOrder(a.period, b.period));
}
