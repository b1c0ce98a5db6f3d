// The IKM of every unit the data holds: each branch and the network, per quarter and per year (a year pools its
// quarters' respondents, as an annual SKM does). Pure: answers in, figures out (shared/stats/ikm.ts computes).
import { comparePeriods, yearOf } from '../period';
import { computeIkm, sampleAdequacy, type IkmOptions, type IkmResult, type SampleAdequacy } from '../stats/ikm';
import { populationOf } from './units';
import { populationWeighted, weightedIkm } from './aggregate';
import type { IndexValue } from './recompute';

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
  /** The network with a population for every branch: its branches weighted by population (else pooled). */
  weighting?: 'population';
}

/** A branch's IKM and NRRs as index figures (the pipeline's IKM and NRR_<unsur> series: NRR SE = sd/√n). */
function figuresOf(r: IkmResult): Record<string, IndexValue> {
  const out: Record<string, IndexValue> = { IKM: { value: r.ikm, se: r.se, ciLow: r.ciLow, ciHigh: r.ciHigh, moe: r.moe, n: r.n, method: 'ikm' } };
  for (const u of r.unsur) out[`NRR_${u.unsur}`] = { value: u.nrr, se: NaN, ciLow: NaN, ciHigh: NaN, moe: NaN, n: u.n, method: 'nrr' };
  return out;
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
  // The network as the pipeline computes it (./aggregate.ts): with a population for every branch with data, the
  // population-weighted IKM and NRRs of its branches (normal CI from their SEs); else the pooled respondents.
  if (directory) {
    const alpha = opts.alpha ?? 0.05;
    for (const u of out) {
      if (u.branch !== NETWORK_UNIT) continue;
      const members = out.filter((b) => b.branch !== NETWORK_UNIT && b.period === u.period);
      if (!members.length || members.some((b) => !(directory.get(b.branch)?.population! > 0))) continue;
      const agg = populationWeighted(members.map((b) => ({
        branch: b.branch, population: directory.get(b.branch)!.population!, n: b.result.n, indices: figuresOf(b.result),
      })).sort((a, b) => a.branch.localeCompare(b.branch)), { alpha });
      u.result = { ...weightedIkm(u.result, agg.indices), nboot: u.result.nboot };
      u.weighting = 'population';
    }
  }
  // branches by id, the network last; periods in time order, a year after its quarters
  const order = (u: IkmUnit) => (u.branch === NETWORK_UNIT ? '\uffff' : u.branch);
  const periodOrder = (a: string, b: string) => yearOf(a) - yearOf(b) || (a.length === 4 ? 1 : 0) - (b.length === 4 ? 1 : 0) || comparePeriods(a, b);
  return out.sort((a, b) => order(a).localeCompare(order(b)) || periodOrder(a.period, b.period));
}
