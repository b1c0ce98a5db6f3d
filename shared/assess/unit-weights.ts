// The respondent weights a unit's figures use (issue 15). Pure.
//  - a branch: its respondents' own weights (the instrument's weightColumn, scaled to mean 1); else, when the branch directory gives
//    the branch's active participants by segment and/or programme (populationBy), its rows post-stratified to that
//    margin or raked to both (shared/stats/survey-weights.ts: mean 1, trimmed to [0.2, 5] x the mean); else none;
//  - a region or the network with a population figure for every branch in it: design weights that give each branch
//    its population share (a branch's rows keep their within-branch weights, scaled so they sum to share x n), so
//    its models, breakdowns and IKM stand for the population, not for whoever sampled most. Its headline indices
//    are the population-weighted means of the branches' own (./aggregate.ts); without every population, none.
import type { Unit } from '../layout/keys';
import { rake, weightSummary, type RakingMargin } from '../stats/survey-weights';
import type { BranchInfo } from '../survey';
import type { SurveyFrame } from './frame';
import { populationYearOf, unweighted, type WeightingInfo } from './weighting';

export interface UnitWeights {
  /** One weight per frame row (mean 1), or undefined when every respondent counts once. */
  weights?: Float64Array;
  info: WeightingInfo;
}

type DirectoryEntry = Pick<BranchInfo, 'population' | 'populationBy' | 'populationYear'>;
type Directory = ReadonlyMap<string, DirectoryEntry>;

const MARGINS = ['segment', 'programme'] as const;

/** A branch's weights for its rows (frame.weights = the weight column's when the instrument has one). */
export function branchWeights(frame: Pick<SurveyFrame, 'n' | 'categories' | 'weights'>, info?: DirectoryEntry): UnitWeights {
  if (frame.weights && frame.n > 0) {
    // Scaled to mean 1: survey weights are relative (expansion weights that sum to the population would otherwise
    // make every degree of freedom Σw − p a population's, and the SEs far too small). Kish's figures do not change.
    const s = weightSummary(frame.weights);
    const weights = frame.weights.map((w) => (w * frame.n) / s.sum);
    return { weights, info: { method: 'column', n: frame.n, nEffective: s.nEffective, deff: s.deff } };
  }
  const margins: RakingMargin[] = MARGINS.flatMap((m) => {
    const population = info?.populationBy?.[m];
    const values = frame.categories[m];
    return population && values && Object.values(population).some((x) => x > 0) ? [{ name: m, values, population }] : [];
  });
  if (!margins.length || frame.n === 0) return { info: unweighted(frame.n) };
  const r = rake(margins);
  return {
    weights: r.weights,
    info: {
      method: margins.length > 1 ? 'raked' : 'post-stratified', n: frame.n, nEffective: r.summary.nEffective, deff: r.summary.deff,
      margins: margins.map((m) => m.name), trimmed: r.trimmed,
    },
  };
}

/** The weights of a unit's rows: a branch's own (branchWeights), or an aggregate's design weights. */
export function unitWeights(frame: SurveyFrame, unit: Unit, directory: Directory | undefined): UnitWeights {
  if (unit.kind === 'branch') return branchWeights(frame, directory?.get(unit.id));
  const members = [...new Set(frame.branches)].sort();
  const pop = (b: string) => directory?.get(b)?.population;
  if (!members.length || members.some((b) => !(pop(b)! > 0))) return { info: { method: 'pooled', n: frame.n, nEffective: frame.n, deff: 1 } };
  const total = members.reduce((a, b) => a + pop(b)!, 0);
  const weights = new Float64Array(frame.n);
  for (const b of members) {
    const idx: number[] = [];
    frame.branches.forEach((x, i) => { if (x === b) idx.push(i); });
    const sub = {
      n: idx.length,
      categories: Object.fromEntries(Object.entries(frame.categories).map(([k, v]) => [k, idx.map((i) => v[i]!)])),
      ...(frame.weights ? { weights: Float64Array.from(idx, (i) => frame.weights![i]!) } : {}),
    };
    const within = branchWeights(sub, directory!.get(b)).weights;
    const sum = within ? within.reduce((a, w) => a + w, 0) : idx.length;
    const scale = ((pop(b)! / total) * frame.n) / sum;
    idx.forEach((i, k) => { weights[i] = (within ? within[k]! : 1) * scale; });
  }
  const s = weightSummary(weights);
  const year = populationYearOf(members.map((b) => directory!.get(b)!.populationYear));
  return {
    weights,
    info: {
      method: 'population', n: frame.n, nEffective: s.nEffective, deff: s.deff,
      ...(year ? { populationYear: year } : {}),
    },
  };
}
