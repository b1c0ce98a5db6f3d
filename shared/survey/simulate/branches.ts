// The simulated branch network. The first twelve are the branches of seed-003 Table 1 (Aceh and North Sumatra)
// in the table's order, grouped into three regions; further branches get generic names, regions round-robin.
// Each has a simulated `population` (active participants served, the SKM's N for the sample size): log-uniform
// between 2,000 and 60,000, rounded to hundreds, drawn from the branch id alone (the same whatever the seed).
import type { BranchInfo } from '../instrument';
import { Rng } from './prng';

const SEED003_BRANCHES: readonly [name: string, region: string][] = [
  ['Meulaboh', 'ACEH'],
  ['Padang Sidempuan', 'SUMUT'],
  ['Pematang Siantar', 'SUMUT'],
  ['Tanjung Morawa', 'MEDAN'],
  ['Banda Aceh', 'ACEH'],
  ['Medan Kota', 'MEDAN'],
  ['Langsa', 'ACEH'],
  ['Binjai', 'MEDAN'],
  ['Kisaran', 'SUMUT'],
  ['Lhokseumawe', 'ACEH'],
  ['Labuan Batu/Rantau Prapat', 'SUMUT'],
  ['Medan Utara/Belawan', 'MEDAN'],
];
const REGIONS = ['ACEH', 'MEDAN', 'SUMUT'] as const;

export interface SimBranch extends BranchInfo { region: string; name: string }

export const SIM_POPULATION_RANGE = { min: 2_000, max: 60_000 } as const;

/** Active participants of a simulated branch: log-uniform in SIM_POPULATION_RANGE, by id. */
export function simulatedPopulation(id: string): number {
  const { min, max } = SIM_POPULATION_RANGE;
  const n = min * (max / min) ** new Rng(`population|${id}`).next();
  return Math.min(max, Math.max(min, Math.round(n / 100) * 100));
}

/** BR01..BRnn (two digits, three beyond 99). */
export function branchDirectory(count: number): SimBranch[] {
  if (!Number.isInteger(count) || count < 1 || count > 999) throw new Error(`branch count must be 1..999, got ${count}`);
  const width = count > 99 ? 3 : 2;
  return Array.from({ length: count }, (_, i) => {
    const id = `BR${String(i + 1).padStart(width, '0')}`;
    const known = SEED003_BRANCHES[i];
    const population = simulatedPopulation(id);
    return known ? { id, name: known[0], region: known[1], population } : { id, name: `Branch ${i + 1}`, region: REGIONS[i % REGIONS.length]!, population };
  });
}
