// Regions and the network as population-weighted aggregates of their branches (issue 15). Pooling every respondent
// lets a branch that interviewed twice as many people count twice; national indices (ACSI, EPSI) instead weight each
// unit by the population it stands for:
//   I_agg = Σ_b π_b I_b,   π_b = N_b / Σ N   (N_b: the directory's active participants of branch b)
// over the branches with a figure for the metric in the period. The CI combines the branches' own bootstrap draws
// with the same weights (draw r of the aggregate = Σ π_b draw_r of b, each branch's draws in their own order:
// independentOrder; percentile CI as R's quantile type 7, SE =
// their SD); a metric some branch has no draws for (an index from the simple fallback, an NRR) gets the normal CI of
// SE = sqrt(Σ π_b² SE_b²). The branches' samples are independent, so both are the variance of the weighted sum.
// Effective n of the aggregate: 1 / Σ π_b² / n_b (the n of a simple random sample as precise, for equal unit
// variances). Pure.
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { quantileType7 } from '../stats/bootstrap/quantile';
import { Rng } from '../survey/simulate/prng';
import { bandOf, prioritiesOf, round2, type IkmResult } from '../stats/ikm';
import type { IndexValue } from './recompute';
import type { WeightingInfo, WeightingMember } from './weighting';

/** A branch's bootstrap draws of its indices: `count` resamples x `metrics`, row-major. */
export interface UnitDraws {
  metrics: string[];
  count: number;
  values: Float64Array;
}

export interface MemberFigures {
  branch: string;
  /** Active participants (the directory's figure). */
  population: number;
  /** Respondents in the period. */
  n: number;
  indices: Record<string, IndexValue>;
  draws?: UnitDraws;
}

export interface PopulationWeighted {
  indices: Record<string, IndexValue>;
  weighting: WeightingInfo;
}

const usable = (v: IndexValue | undefined): v is IndexValue => !!v && Number.isFinite(v.value) && v.n > 0;

/** The metric's column of a member's draws, or undefined. */
function drawColumn(d: UnitDraws | undefined, metric: string): Float64Array | undefined {
  const j = d?.metrics.indexOf(metric) ?? -1;
  if (!d || j < 0 || d.count < 2) return undefined;
  const out = new Float64Array(d.count);
  for (let r = 0; r < d.count; r++) out[r] = d.values[r * d.metrics.length + j]!;
  return out.some((x) => !Number.isFinite(x)) ? undefined : out;
}

/**
 * A branch's draws (whole resamples, rows kept together) in an order of their own, from a stream seeded by the
 * branch id. Every branch's resample r comes from set.seed(seed + r) (seminr's draws), so branches of similar n
 * share most of their resampled row positions: pairing draw r of one with draw r of another would correlate
 * branches whose files list rows in a similar order (by segment, by date) and widen the aggregate's CI. A fixed
 * per-branch permutation makes the pairing independent, and the result reproducible.
 */
export function independentOrder(d: UnitDraws, branch: string): UnitDraws {
  const k = d.metrics.length;
  const order = Int32Array.from({ length: d.count }, (_, i) => i);
  const rng = new Rng(`aggregate-draws|${branch}`);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = order[i]!; order[i] = order[j]!; order[j] = t;
  }
  const values = new Float64Array(d.values.length);
  order.forEach((from, to) => values.set(d.values.subarray(from * k, (from + 1) * k), to * k));
  return { ...d, values };
}

/** The most common of the members' methods (they are all one method in practice). */
function commonMethod(vs: readonly IndexValue[]): IndexValue['method'] {
  const count = new Map<IndexValue['method'], number>();
  for (const v of vs) count.set(v.method, (count.get(v.method) ?? 0) + 1);
  return [...count].sort((a, b) => b[1] - a[1])[0]![0];
}

/**
 * Population-weighted indices of an aggregate from its member branches' figures. `metrics` limits which are
 * aggregated (default: every metric some member has). Throws when a member has no positive population: the
 * caller decides between this and the pooled estimate.
 */
export function populationWeighted(members: readonly MemberFigures[], opts: { alpha: number; populationYear?: string; metrics?: readonly string[] }): PopulationWeighted {
  for (const m of members) {
    if (!(m.population > 0)) throw new Error(`branch ${m.branch}: no population figure to weight by`);
  }
  const metrics = opts.metrics ?? [...new Set(members.flatMap((m) => Object.keys(m.indices)))].sort();
  const z = normalQuantile(1 - opts.alpha / 2, 0, 1);
  const indices: Record<string, IndexValue> = {};
  for (const metric of metrics) {
    const have = members.filter((m) => usable(m.indices[metric]));
    if (!have.length) continue;
    const total = have.reduce((a, m) => a + m.population, 0);
    const share = have.map((m) => m.population / total);
    const vs = have.map((m) => m.indices[metric]!);
    const value = vs.reduce((a, v, i) => a + share[i]! * v.value, 0);
    const n = vs.reduce((a, v) => a + v.n, 0);
    const nEffective = 1 / vs.reduce((a, v, i) => a + (share[i]! * share[i]!) / v.n, 0);
    const cols = have.map((m) => drawColumn(m.draws, metric));
    let se: number, ciLow: number, ciHigh: number;
    if (cols.every((c): c is Float64Array => c !== undefined)) {
      // Draw r of the aggregate from draw r of every branch; branches whose failed resamples left fewer draws set
      // the count (the draws of different branches are independent, so which ones are paired does not matter).
      const count = Math.min(...cols.map((c) => c.length));
      const agg = new Float64Array(count);
      cols.forEach((c, i) => { for (let r = 0; r < count; r++) agg[r]! += share[i]! * c[r]!; });
      let s = 0, ss = 0;
      for (const x of agg) s += x;
      const mean = s / count;
      for (const x of agg) ss += (x - mean) ** 2;
      se = Math.sqrt(ss / (count - 1));
      agg.sort();
      ciLow = quantileType7(agg, opts.alpha / 2);
      ciHigh = quantileType7(agg, 1 - opts.alpha / 2);
    } else {
      se = Math.sqrt(vs.reduce((a, v, i) => a + (share[i]! * v.se) ** 2, 0));
      ciLow = value - z * se;
      ciHigh = value + z * se;
    }
    indices[metric] = {
      value, se, ciLow, ciHigh, moe: (ciHigh - ciLow) / 2, n, method: commonMethod(vs), weighting: 'population', nEffective,
    };
  }
  const total = members.reduce((a, m) => a + m.population, 0);
  const n = members.reduce((a, m) => a + m.n, 0);
  const memberRows: WeightingMember[] = members
    .map((m) => ({ branch: m.branch, population: m.population, share: m.population / total, n: m.n }))
    .sort((a, b) => a.branch.localeCompare(b.branch));
  const nEffective = 1 / memberRows.reduce((a, m) => a + (m.n > 0 ? (m.share * m.share) / m.n : 0), 0);
  return {
    indices,
    weighting: {
      method: 'population', n, nEffective, deff: n / nEffective, members: memberRows,
      ...(opts.populationYear ? { populationYear: opts.populationYear } : {}),
    },
  };
}

/**
 * An aggregate's SKM block from its population-weighted IKM and NRR_<unsur> figures, so the published IKM, its
 * grade and priorities are the ones of the series: NRR_u = Σ π_b NRR_b,u, IKM = Σ π_b IKM_b (the IKM is linear in
 * the NRRs), CI as populationWeighted gives it. `base` is the pooled computation (kept where no figure replaces it).
 */
export function weightedIkm<T extends Omit<IkmResult, 'nboot'>>(base: T, indices: Record<string, IndexValue>): T {
  const v = indices['IKM'];
  if (!v) return base;
  const unsur = base.unsur.map((u) => {
    const a = indices[`NRR_${u.unsur}`];
    return a ? { ...u, nrr: a.value, weighted: a.value * base.weight, n: a.n } : u;
  });
  const band = bandOf(v.value);
  return {
    ...base, n: v.n, unsur, ikm: v.value, ikmRounded: round2(v.value), band,
    se: v.se, ciLow: v.ciLow, ciHigh: v.ciHigh, moe: v.moe, priorities: prioritiesOf(unsur, band),
  };
}

/** The label of an aggregate that pools its respondents (no population figure for some branch). */
export function pooledWeighting(n: number): WeightingInfo {
  return { method: 'pooled', n, nEffective: n, deff: 1 };
}

// Draws travel between the branch's recompute and its aggregates as JSON with the Float64 values in base64
// (exact, and a third of the size of decimal text).

/** `inputHash`: the summary the draws belong to (an aggregate uses draws only of the result it reads). */
export function encodeDraws(d: UnitDraws, inputHash: string): string {
  return JSON.stringify({ schema: 1, inputHash, metrics: d.metrics, count: d.count, values: Buffer.from(d.values.buffer, d.values.byteOffset, d.values.byteLength).toString('base64') });
}

export function decodeDraws(text: string, source: string): UnitDraws & { inputHash: string } {
  let o: { schema?: number; inputHash?: string; metrics?: string[]; count?: number; values?: string } | null;
  try {
    o = JSON.parse(text) as typeof o;
  } catch (e) {
    throw new Error(`${source}: not a draws file (${(e as Error).message})`);
  }
  if (o?.schema !== 1 || !Array.isArray(o.metrics) || typeof o.count !== 'number' || typeof o.values !== 'string') {
    throw new Error(`${source}: not a draws file (schema 1)`);
  }
  const bytes = Buffer.from(o.values, 'base64');
  // checked before the Float64Array, which refuses a byte length not a multiple of 8 without naming the file
  if (bytes.byteLength !== 8 * o.count * o.metrics.length) {
    throw new Error(`${source}: ${bytes.byteLength / 8} values for ${o.count} x ${o.metrics.length} draws`);
  }
  const values = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return { metrics: o.metrics, count: o.count, values, inputHash: String(o.inputHash ?? '') };
}
