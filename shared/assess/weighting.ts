// How a unit's figures are weighted (issue 15), carried on every unit result and summary item so the report can
// say which weighting each figure uses and show the effective n beside n.
//  - unweighted:       every respondent counts once (no weights, no population figures);
//  - column:           the respondents' own survey weights (the instrument's weightColumn);
//  - post-stratified:  weighted to the branch directory's population counts of one margin (segment or programme);
//  - raked:            weighted to two margins at once (iterative proportional fitting);
//  - population:       a region or the network: its branches' figures weighted by the population each stands for;
//  - pooled:           a region or the network without population figures for every branch: all respondents pooled.

export type WeightingMethod = 'unweighted' | 'column' | 'post-stratified' | 'raked' | 'population' | 'pooled';

export interface WeightingMember {
  branch: string;
  /** Active participants the branch serves (the directory's figure). */
  population: number;
  /** population / the unit's total over the branches with data. */
  share: number;
  /** The branch's respondents in the period. */
  n: number;
}

export interface WeightingInfo {
  method: WeightingMethod;
  /** Respondents (rows). */
  n: number;
  /** Kish's effective n, (Σw)² / Σw² (= n when unweighted; for a population-weighted aggregate 1 / Σ share² / n_b). */
  nEffective: number;
  /** Kish's design effect n / nEffective. */
  deff: number;
  /** post-stratified / raked: the margins used. */
  margins?: string[];
  /** post-stratified / raked: respondents whose weight was trimmed to the bounds. */
  trimmed?: number;
  /** population: the year of the directory's population figures (when it gives one). */
  populationYear?: string;
  /** population: the branches and their shares. */
  members?: WeightingMember[];
  /** pooled: the branches with rows but no population figure or no result of their own (why it is pooled). */
  withoutPopulation?: string[];
}

/** The year of population figures as shown: the one year, or the range when branches' figures differ. */
export function populationYearOf(years: readonly (string | undefined)[]): string | undefined {
  const ys = [...new Set(years.filter((y): y is string => !!y))].sort();
  return ys.length ? (ys.length === 1 ? ys[0] : `${ys[0]}-${ys.at(-1)}`) : undefined;
}

/** The weighting of a unit with no weights at all. */
export function unweighted(n: number): WeightingInfo {
  return { method: 'unweighted', n, nEffective: n, deff: 1 };
}
