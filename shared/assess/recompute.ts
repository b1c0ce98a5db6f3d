// Recompute one unit (branch, region or the network) for one period from its clean rows: the satisfaction model
// with bootstrap, the 0-100 indices with CIs, the loyalty regression, the per-programme table, IPMA, and the
// simple indices. Never throws for statistical reasons: a model that cannot be estimated gets a status and the
// unit still gets its simple indices.
import { loyaltyModel, satisfactionModel, type PlsModelSpec, type RegressionModelSpec } from '../models';
import { bootstrapPls, summarizeBootstrap, jackknifePls, type BootstrapSummary, type ParamSummary } from '../stats/bootstrap';
import { estimatePls } from '../stats/pls';
import type { PlsResult } from '../stats/pls/types';
import { ipma, type IpmaRow, type Scale } from '../stats/indices';
import { fitLoyaltyModel, type LoyaltyModelResult } from '../stats/loyalty';
import { summarizeItem, type ItemSummary } from '../stats/simple-indices';
import { computeIkm, sampleAdequacy, type IkmResult, type SampleAdequacy, type WeightRule } from '../stats/ikm';
import { selectColumns, selectRows, type DataTable } from '../stats/table';
import { sd } from '../stats/moments';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import type { Unit } from '../layout/keys';
import { filterFrame, type SurveyFrame } from './frame';
import { programmeTable, type ProgrammeRow } from './programme-table';
import { NOT_ANSWERED } from './profile';
import { unweighted, type WeightingInfo, type WeightingMethod } from './weighting';
import { weightedSimpleIndex, type IntervalEstimate } from '../stats/weighted-index';
import { weightSummary } from '../stats/survey-weights';
import type { UnitDraws } from './aggregate';
import { createUnitEstimator, unitEstimatorRecipe, type IndexPlan } from './unit-estimator';
import { branchesVersusRest, yearVersusYear, type PathComparison } from './path-tests';

export interface RecomputeSettings {
  nboot: number;
  seed: number;
  /** Below this n the models are not estimated (status 'too-small'); simple indices still are. */
  minN: number;
  alpha: number;
  /** Worker threads for the bootstrap (results do not depend on it). */
  workers: number;
  /** BCa intervals need n leave-one-out estimates; off for large aggregates. */
  bca: boolean;
  /** Permutations of the path tests (./path-tests.ts; 0: none) and the largest rest-of-network group they use. */
  permutations: number;
  restRows: number;
}

export const DEFAULT_SETTINGS: RecomputeSettings = { nboot: 5000, seed: 20240101, minN: 30, alpha: 0.05, workers: 1, bca: false, permutations: 200, restRows: 1000 };

/** The constructs that get an index, with the model that supplies their weights. */
export const INDEX_CONSTRUCTS = ['TRUST', 'SAT', 'LOY', 'CRM', 'SQ', 'GOV'] as const;

export type ModelState = 'ok' | 'skipped' | 'too-small' | 'not-converged' | 'failed';
export interface ModelStatus { state: ModelState; reason?: string }

export interface IndexValue extends IntervalEstimate {
  /** pls: ACSI rescaling of the PLS weights, bootstrap CI; unweighted: equal item weights, bootstrap CI;
   *  simple: equal item weights, normal CI from the row scores (when the model was not estimated);
   *  ikm: the IKM of Permenpan RB 14/2017 (25-100), bootstrap CI; nrr: an unsur's mean answer (1-4), normal CI. */
  method: 'pls' | 'unweighted' | 'simple' | 'ikm' | 'nrr';
  /** How the respondents (or, for a region or the network, its branches) are weighted; absent = unweighted. */
  weighting?: WeightingMethod;
  /** Kish's effective n when weighted (see ./weighting.ts). */
  nEffective?: number;
}

export interface UnitResult {
  schema: 1;
  unit: Unit;
  period: string;
  n: number;
  /** Respondents delivered twice by drops ingested at the same moment, counted once (see frame.ts). */
  duplicatesDropped: number;
  settings: RecomputeSettings;
  status: { satisfaction: ModelStatus; loyalty: ModelStatus };
  indices: Record<string, IndexValue>;
  satisfaction?: {
    estimate: Omit<PlsResult, 'scores'>;
    bootstrap: Omit<BootstrapSummary, 'params'> & { paths: ParamSummary[]; loadings: ParamSummary[]; weights: ParamSummary[]; htmt: ParamSummary[]; specificIndirect: ParamSummary[]; totalIndirect: ParamSummary[]; totalEffects: ParamSummary[] };
    ipma: { SAT: IpmaRow[]; TRUST: IpmaRow[] };
  };
  loyalty?: LoyaltyModelResult;
  programmes: { overall: ProgrammeRow; rows: ProgrammeRow[] } | null;
  /** Simple indices per segment value (PU/BPU) and per programme, for the dashboard's filters. */
  breakdowns: Record<string, Record<string, { n: number; indices: Record<string, IndexValue> }>>;
  items: ItemSummary[];
  /** The SKM of Permenpan RB 14/2017, when the instrument declares its unsur and the unit's rows answer them. */
  ikm?: UnitIkm;
  /** Respondents by each categorical column (programme, segment, demographics): code -> count; NOT_ANSWERED = not answered. */
  profile: Record<string, Record<string, number>>;
  /** How the unit's respondents or branches are weighted (issue 15); absent in results written before it. */
  weighting?: WeightingInfo;
  /** A branch's year: its structural paths against its year before (./path-tests.ts). */
  pathTests?: { vsPreviousYear?: PathComparison };
  /**
   * The network only, until the pipeline stores each entry beside its branch's result: every branch's paths against
   * the rest of the network's.
   */
  branchPathTests?: Record<string, PathComparison>;
  /** The network: branches whose path test could not be estimated, and why. */
  pathTestsSkipped?: Record<string, string>;
}

/** The unit's SKM figures (its IKM and NRR series are also in `indices` as IKM and NRR_<unsur>). */
export type UnitIkm = Omit<IkmResult, 'nboot'> & { sample?: SampleAdequacy };

/** Metric name of an unsur's NRR series. */
export const nrrMetric = (unsur: string) => `NRR_${unsur}`;

export interface RecomputeContext {
  unit: Unit;
  period: string;
  scale: Scale;
  /** Items of every construct the instrument declares. */
  constructItems: Record<string, readonly string[]>;
  /** Codes of the programme variable, in order (for the programme table). */
  programmeCodes?: readonly string[];
  /** Name of the per-programme satisfaction item. */
  programmeItem?: string;
  satisfaction?: PlsModelSpec;
  loyalty?: RegressionModelSpec;
  /** The instrument's SKM unsur and weight rule (no IKM without it). */
  ikm?: { unsur: readonly string[]; weights: WeightRule };
  /** Active participants the unit serves (branch directory), for the SKM's Krejcie-Morgan sample size. */
  population?: number;
  /** How the frame's rows are weighted (frame.weights; ./unit-weights.ts); none = every respondent counts once. */
  weighting?: WeightingInfo;
  /** Receives the bootstrap draws of the unit's indices (a branch's draws make its aggregates' CIs: ./aggregate.ts). */
  onDraws?: (draws: UnitDraws) => void;
  /** The same unit's rows of the year before (a branch's year): its paths are tested against them. */
  previousYear?: { period: string; frame: SurveyFrame };
  /** The network: test every branch's paths against the rest of the network's. */
  branchPathTests?: boolean;
}

const hasAll = (t: DataTable, items: readonly string[]) => items.every((i) => t.names.includes(i));

/** Why a model cannot be estimated on this unit's rows (its items absent, or too few rows), or null. */
function unfit(t: DataTable, spec: PlsModelSpec | RegressionModelSpec, minN: number): ModelStatus | null {
  const items = 'constructs' in spec
    ? Object.values(spec.constructs).flatMap((c) => c.items)
    : [...spec.dependent.items, ...spec.predictors.flatMap((p) => p.items)];
  const missing = items.filter((i) => !t.names.includes(i));
  if (missing.length) return { state: 'skipped', reason: `the instrument lacks ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}` };
  if (t.n < minN) return { state: 'too-small', reason: `n=${t.n} below ${minN}` };
  return null;
}

/** Who answered (Suryani et al. Tables 1-3; the SKM report's respondent profile): counts per code of each category. */
function profileOf(frame: SurveyFrame): UnitResult['profile'] {
  return Object.fromEntries(Object.entries(frame.categories).map(([name, values]) => {
    const counts: Record<string, number> = {};
    for (const v of values) counts[v ?? NOT_ANSWERED] = (counts[v ?? NOT_ANSWERED] ?? 0) + 1;
    return [name, counts];
  }));
}


/**
 * The unit's IKM (bootstrap CI from the same seed and number of resamples as its other indices) and the NRR of each
 * unsur with a normal CI (mean ± z·sd/√n over its valid answers); adds IKM and NRR_<unsur> to `indices`.
 */
function unitIkm(t: DataTable, ctx: RecomputeContext, settings: RecomputeSettings, indices: Record<string, IndexValue>): { ikm: UnitIkm } {
  const { unsur, weights } = ctx.ikm!;
  const cols = unsur.map((u) => t.cols[t.names.indexOf(u)]!);
  const w = t.weights;
  const { nboot: _nboot, weighted, ...r } = computeIkm(unsur, cols, { weights, nboot: settings.nboot, seed: settings.seed, alpha: settings.alpha, ...(w ? { rowWeights: w } : {}) });
  indices['IKM'] = labelled({ value: r.ikm, se: r.se, ciLow: r.ciLow, ciHigh: r.ciHigh, moe: r.moe, n: r.n, method: 'ikm' }, ctx, weighted?.nEffective);
  const z = normalQuantile(1 - settings.alpha / 2, 0, 1);
  unsur.forEach((u, j) => {
    if (w) {
      // an NRR is the weighted mean answer: weightedSimpleIndex on the scale 0-100 leaves the answers as they are
      const x = weightedSimpleIndex([cols[j]!], w, { min: 0, max: 100 }, settings.alpha);
      indices[nrrMetric(u)] = labelled({ value: x.value, se: x.se, ciLow: x.ciLow, ciHigh: x.ciHigh, moe: x.moe, n: x.n, method: 'nrr' }, ctx, x.nEffective);
      return;
    }
    const valid = Array.from(cols[j]!).filter((v) => !Number.isNaN(v));
    const se = sd(valid) / Math.sqrt(valid.length);
    const m = r.unsur[j]!.nrr;
    indices[nrrMetric(u)] = { value: m, se, ciLow: m - z * se, ciHigh: m + z * se, moe: z * se, n: valid.length, method: 'nrr' };
  });
  return { ikm: { ...r, ...(ctx.population !== undefined ? { sample: sampleAdequacy(ctx.population, r.n) } : {}) } };
}

/** A figure of a weighted unit says how it is weighted and its effective n. */
function labelled(v: IndexValue, ctx: Pick<RecomputeContext, 'weighting'>, nEffective?: number): IndexValue {
  const method = ctx.weighting?.method;
  if (!method || method === 'unweighted') return v;
  return { ...v, weighting: method, ...(nEffective !== undefined ? { nEffective } : {}) };
}

/**
 * Equal-weight 0-100 index with a normal CI from the per-row scores (rows with all items missing skipped); with
 * the table's survey weights the weighted mean and its linearized SE (shared/stats/weighted-index.ts).
 */
export function simpleIndex(t: DataTable, items: readonly string[], scale: Scale, alpha: number): IndexValue {
  const cols = items.map((i) => t.cols[t.names.indexOf(i)]!);
  const { nEffective, ...x } = weightedSimpleIndex(cols, t.weights, scale, alpha);
  return { ...x, method: 'simple', ...(t.weights ? { nEffective } : {}) };
}

/** The index columns of a bootstrap run's draws (resamples x layout, row-major; failed resamples are not in it). */
function indexDraws(layout: readonly { kind: string; from: string }[], draws: Float64Array): UnitDraws {
  const cols = layout.flatMap((q, j) => (q.kind === 'index' ? [{ metric: q.from, j }] : []));
  const count = draws.length / layout.length;
  const values = new Float64Array(count * cols.length);
  for (let r = 0; r < count; r++) cols.forEach((c, k) => { values[r * cols.length + k] = draws[r * layout.length + c.j]!; });
  return { metrics: cols.map((c) => c.metric), count, values };
}

function byKind(params: ParamSummary[], kind: ParamSummary['kind']) {
  return params.filter((p) => p.kind === kind);
}

/** The rows that answered at least one of `items` (the whole frame when they all did). */
function rowsAnswering(frame: SurveyFrame, items: (name: string) => boolean): SurveyFrame {
  const cols = frame.items.cols.filter((_, j) => items(frame.items.names[j]!));
  const answered = (i: number) => cols.some((c) => c[i] === c[i]);
  for (let i = 0; i < frame.n; i++) if (!answered(i)) return filterFrame(frame, answered);
  return frame;
}

/**
 * The rows that answered the questionnaire (any item outside the SKM): the models, indices and tables are theirs. A
 * respondent of a drop that carried only the SKM counts in the IKM and the profile, not in the models' n. Without an
 * SKM, or with nothing but the SKM, every row is the unit's.
 */
function questionnaireRows(frame: SurveyFrame, unsur: readonly string[]): SurveyFrame {
  if (!unsur.length || frame.items.names.every((n) => unsur.includes(n))) return frame;
  return rowsAnswering(frame, (n) => !unsur.includes(n));
}

export async function recomputeUnit(allRows: SurveyFrame, ctx: RecomputeContext, settings: RecomputeSettings = DEFAULT_SETTINGS): Promise<UnitResult> {
  const frame = questionnaireRows(allRows, ctx.ikm?.unsur ?? []);
  // Survey weights travel with the item table (the PLS, the bootstrap, the regressions and selectRows read them there).
  const withWeights = (f: SurveyFrame): DataTable => (f.weights ? { ...f.items, weights: f.weights } : f.items);
  const t = withWeights(frame);
  const nEffective = frame.weights ? weightSummary(frame.weights).nEffective : undefined;
  const satisfaction = ctx.satisfaction ?? satisfactionModel;
  const loyalty = ctx.loyalty ?? loyaltyModel;
  const indexable = INDEX_CONSTRUCTS.filter((c) => ctx.constructItems[c] && hasAll(t, ctx.constructItems[c]!));
  const result: UnitResult = {
    schema: 1, unit: ctx.unit, period: ctx.period, n: allRows.n, duplicatesDropped: allRows.duplicatesDropped, settings,
    status: { satisfaction: { state: 'ok' }, loyalty: { state: 'ok' } },
    // the profile is the SKM report's: its respondents' when the instrument has the SKM, else every row's
    indices: {}, programmes: null, breakdowns: {}, profile: profileOf(ctx.ikm ? rowsAnswering(allRows, (n) => ctx.ikm!.unsur.includes(n)) : allRows),
    items: t.names.map((name, j) => summarizeItem(name, t.cols[j]!, ctx.scale, 1 - settings.alpha)),
    weighting: ctx.weighting ?? unweighted(allRows.n),
  };
  // Simple indices first: every unit has them, whatever happens to the models.
  for (const c of indexable) {
    const v = simpleIndex(t, ctx.constructItems[c]!, ctx.scale, settings.alpha);
    result.indices[c] = labelled(v, ctx, v.nEffective);
  }
  if (ctx.ikm && hasAll(allRows.items, ctx.ikm.unsur)) Object.assign(result, unitIkm(withWeights(allRows), ctx, settings, result.indices));

  // Satisfaction model with bootstrap; PLS-weighted indices replace the simple ones.
  const satUnfit = unfit(t, satisfaction, settings.minN);
  if (satUnfit) {
    result.status.satisfaction = satUnfit;
  } else {
    try {
      const est = estimatePls(satisfaction, t);
      if (!est.converged) {
        result.status.satisfaction = { state: 'not-converged', reason: `no convergence in ${est.iterations + 1} iterations` };
      } else {
        const plsConstructs = Object.keys(satisfaction.constructs).filter((c) => indexable.includes(c as never));
        const unweighted = Object.fromEntries(indexable.filter((c) => !plsConstructs.includes(c)).map((c) => [c, [...ctx.constructItems[c]!]]));
        const plan: IndexPlan = { pls: plsConstructs, unweighted, scale: ctx.scale };
        const cols = [...new Set([...Object.values(satisfaction.constructs).flatMap((c) => c.items), ...Object.values(unweighted).flat()])];
        const data = selectColumns(t, cols);
        const estimator = createUnitEstimator(satisfaction, {}, plan);
        const runOpts = { workers: settings.workers, recipe: unitEstimatorRecipe(satisfaction, {}, plan) };
        const run = await bootstrapPls(estimator, data, { nboot: settings.nboot, seed: settings.seed, ...runOpts });
        const jackknife = settings.bca ? await jackknifePls(estimator, data, runOpts) : undefined;
        const summary = summarizeBootstrap(run, { alpha: settings.alpha, ...(jackknife ? { jackknife } : {}) });
        if (ctx.onDraws) ctx.onDraws(indexDraws(estimator.layout, run.draws));
        for (const p of byKind(summary.params, 'index')) {
          result.indices[p.from] = labelled({
            value: p.original, se: p.bootSd, ciLow: p.ciLower, ciHigh: p.ciUpper,
            moe: (p.ciUpper - p.ciLower) / 2, n: frame.n, method: plsConstructs.includes(p.from) ? 'pls' : 'unweighted',
          }, ctx, nEffective);
        }
        const { scores: _scores, ...estimate } = est;
        const indexInputs = Object.fromEntries(plsConstructs.map((c) => [c, {
          weights: Object.fromEntries(est.weights.filter((w) => w.construct === c).map((w) => [w.item, w.estimate])),
          itemMeans: est.itemMeans, itemSds: est.itemSds,
        }]));
        const mainPaths = satisfaction.paths.filter((p) => p.from in satisfaction.constructs);
        const { params, ...bootMeta } = summary;
        result.satisfaction = {
          estimate,
          bootstrap: {
            ...bootMeta,
            paths: byKind(params, 'path'), loadings: byKind(params, 'loading'), weights: byKind(params, 'weight'),
            htmt: byKind(params, 'htmt'), specificIndirect: byKind(params, 'specific_indirect'),
            totalIndirect: byKind(params, 'total_indirect'), totalEffects: byKind(params, 'total'),
          },
          ipma: {
            SAT: ipma('SAT', mainPaths, indexInputs, t, ctx.scale),
            TRUST: ipma('TRUST', mainPaths, indexInputs, t, ctx.scale),
          },
        };
        const testSettings = { permutations: settings.permutations, seed: settings.seed, minN: settings.minN, restRows: settings.restRows };
        if (ctx.previousYear) {
          const vs = yearVersusYear(frame, questionnaireRows(ctx.previousYear.frame, ctx.ikm?.unsur ?? []), ctx.previousYear.period, satisfaction, testSettings);
          if (vs) result.pathTests = { vsPreviousYear: vs };
        }
        if (ctx.branchPathTests) {
          const { tests, skipped } = branchesVersusRest(frame, satisfaction, testSettings);
          result.branchPathTests = tests;
          if (Object.keys(skipped).length) result.pathTestsSkipped = skipped;
        }
      }
    } catch (e) {
      result.status.satisfaction = { state: 'failed', reason: (e as Error).message };
    }
  }

  // Loyalty regression (seed 003).
  const loyUnfit = unfit(t, loyalty, settings.minN);
  if (loyUnfit) {
    result.status.loyalty = loyUnfit;
  } else {
    try {
      result.loyalty = fitLoyaltyModel(loyalty, t, t.weights ? { weights: t.weights } : {});
      // an aliased dimension (coefficient NaN, stored as null) or an essentially perfect fit: estimated, with the reason
      const warnings = result.loyalty.regression.warnings;
      if (warnings.length > 0) result.status.loyalty = { state: 'ok', reason: warnings.join('; ') };
    } catch (e) {
      result.status.loyalty = { state: 'failed', reason: (e as Error).message };
    }
  }

  // Per-programme table and breakdowns by segment and programme.
  const prog = frame.categories['programme'];
  if (prog && ctx.programmeItem && t.names.includes(ctx.programmeItem)) {
    const col = t.cols[t.names.indexOf(ctx.programmeItem)]!;
    result.programmes = programmeTable(prog, col, ctx.scale, ctx.programmeCodes ?? []);
  }
  for (const dim of ['segment', 'programme']) {
    const values = frame.categories[dim];
    if (!values) continue;
    const groups: Record<string, { n: number; indices: Record<string, IndexValue> }> = {};
    for (const g of [...new Set(values.filter((v): v is string => v !== null))].sort()) {
      const idx = values.flatMap((v, i) => (v === g ? [i] : []));
      const sub = selectRows(t, idx);
      const indices: Record<string, IndexValue> = {};
      if (idx.length >= 2) {
        for (const c of indexable) { const v = simpleIndex(sub, ctx.constructItems[c]!, ctx.scale, settings.alpha); indices[c] = labelled(v, ctx, v.nEffective); }
      }
      groups[g] = { n: idx.length, indices };
    }
    result.breakdowns[dim] = groups;
  }
  return result;
}

/** The recompute context an instrument implies (its constructs, programme codes and per-programme item). */
export function contextFromInstrument(
  instrument: {
    items: readonly string[]; constructs: readonly { name: string; items: readonly number[] }[]; categories: readonly { name: string; codes: readonly string[] }[]; scale: Scale;
    spec?: { ikm?: { unsur: readonly string[]; weights: WeightRule } };
  },
  unit: Unit,
  period: string,
  population?: number,
): RecomputeContext {
  const constructItems = Object.fromEntries(instrument.constructs.map((c) => [c.name, c.items.map((i) => instrument.items[i]!)]));
  const programme = instrument.categories.find((c) => c.name === 'programme');
  const programmeItem = instrument.items.find((i) => i === 'SAT_PROG');
  return {
    unit, period, scale: instrument.scale, constructItems,
    ...(programme ? { programmeCodes: programme.codes } : {}),
    ...(programmeItem ? { programmeItem } : {}),
    ...(instrument.spec?.ikm ? { ikm: { unsur: instrument.spec.ikm.unsur, weights: instrument.spec.ikm.weights } } : {}),
    ...(population !== undefined ? { population } : {}),
  };
}
