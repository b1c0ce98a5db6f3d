// The simulated branch network. The first twelve are the branches of seed-003 Table 1 (Aceh and North Sumatra)
// in the table's order, grouped into three regions; further branches get generic names, regions round-robin.
import type { BranchInfo } from '../instrument';

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

/** BR01..BRnn (two digits, three beyond 99). */
export function branchDirectory(count: number): SimBranch[] {
  if (!Number.isInteger(count) || count < 1 || count > 999) throw new Error(`branch count must be 1..999, got ${count}`);
  const width = count > 99 ? 3 : 2;
  return Array.from({ length: count }, (_, i) => {
    const id = `BR${String(i + 1).padStart(width, '0')}`;
    const known = SEED003_BRANCHES[i];
    return known ? { id, name: known[0], region: known[1] } : { id, name: `Branch ${i + 1}`, region: REGIONS[i % REGIONS.length]! };
  });
}
