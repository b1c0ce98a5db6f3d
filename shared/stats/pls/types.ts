// The PLS-SEM engine's public contract. Conventions follow test/fixtures/reference/SEMINR-CONVENTIONS.md.
import type { DataTable, WeightingSummary } from '../table';
import type { PlsModelSpec } from '../../models/spec';

export interface PlsOptions {
  /** 'mean' (default, seminr's mean_replacement) or 'listwise' deletion of rows with a missing model item. */
  missing?: 'mean' | 'listwise';
  /** Default 300. */
  maxIter?: number;
  /** Stop when sum |W_new - W_old| < stopCriterion. Default 1e-7 (seminr's stopCriterion = 7). */
  stopCriterion?: number;
}

/** A labelled matrix; NaN stands for R's NA. values[i][j] is (rows[i], cols[j]). */
export interface LabelledMatrix {
  rows: string[];
  cols: string[];
  values: number[][];
}

export interface OuterEstimate { construct: string; item: string; estimate: number }
export interface PathEstimate { from: string; to: string; estimate: number }
export interface IndirectEffect { from: string; through: string[]; to: string; estimate: number }

export interface PlsResult {
  /** Data rows used (after listwise deletion; with survey weights, those with a positive weight). */
  n: number;
  /**
   * With DataTable.weights: Kish's summary of the weights of the rows used (sumWeights = N, the observations the
   * figures stand for; adjusted R² uses it). Absent without weights.
   */
  weighting?: WeightingSummary;
  /** seminr's 0-based iteration count of the pass that met the stop criterion. */
  iterations: number;
  /** false when maxIter was reached without meeting the stop criterion (seminr stays silent; we report it). */
  converged: boolean;
  weightDiff: number;
  /** Construct order as seminr: path sources in order written, then targets; interaction terms included. */
  constructs: string[];
  endogenous: string[];
  /** Items of each construct as estimated (interaction terms: their generated item names). */
  items: Record<string, string[]>;
  weights: OuterEstimate[];
  loadings: OuterEstimate[];
  paths: PathEstimate[];
  rSquared: Record<string, { r2: number; adjR2: number }>;
  reliability: Record<string, { alpha: number; rhoA: number; rhoC: number; ave: number }>;
  /** Every pair in construct order (a before b). */
  htmt: { a: string; b: string; value: number }[];
  fornellLarcker: LabelledMatrix;
  /** Per endogenous construct, per predictor; NaN when it has a single predictor. */
  vifAntecedents: Record<string, Record<string, number>>;
  vifItems: Record<string, Record<string, number>>;
  /** rows = source, cols = target (seminr's f_squared layout). */
  fSquared: LabelledMatrix;
  totalEffects: LabelledMatrix;
  totalIndirectEffects: LabelledMatrix;
  /** Every chain of two or more paths. */
  specificIndirect: IndirectEffect[];
  crossLoadings: LabelledMatrix;
  /** Correlations of the construct scores (with PLSc too: seminr's Fornell-Larcker and antecedent VIFs use them). */
  constructCorrelations: LabelledMatrix;
  /**
   * Consistent PLS (PLSc), present when a construct in the model is reflective: the reflective constructs, the rhoA
   * of every construct used to disattenuate (1 for mode B, single items, interaction terms) and the disattenuated
   * construct correlations cor / sqrt(rhoA_a rhoA_b) the paths and R² come from.
   */
  consistent?: { reflective: string[]; rhoA: Record<string, number>; correlations: LabelledMatrix; notes: string[] };
  /**
   * rows x constructs, column-major like DataTable: one row per data row kept by missing-value handling (the
   * standardized items of the row times the outer weights). With survey weights a row of weight 0 has NaN scores.
   */
  scores: DataTable;
  /**
   * What missing-value handling did: per item count and share of missing cells in the model items. With survey
   * weights the counts (cellsMissing, rowsDropped, perItem) are weighted: those of the rows repeated.
   */
  missing: { method: 'mean' | 'listwise'; cellsMissing: number; share: number; rowsDropped: number; perItem: Record<string, number> };
  /** Raw (unstandardized) item means and sds of the estimation data, for indices and IPMA. */
  itemMeans: Record<string, number>;
  itemSds: Record<string, number>;
  /**
   * Models with higher-order composites (spec.higherOrder, two-stage): the dimensions in the model (each with its
   * HOC) and the first stage's iteration outcome and paths. The other fields are the second stage extended by the
   * dimensions (higher-order.ts).
   */
  higherOrder?: {
    dimensions: { name: string; hoc: string }[];
    stage1: { iterations: number; converged: boolean; weightDiff: number; paths: PathEstimate[] };
  };
}

/** Layout of one parameter in a flat estimate vector (what the bootstrap resamples). */
export interface ParamInfo {
  /** 'index' entries are added by composite estimators (shared/assess/unit-estimator.ts), never by PLS itself. */
  kind: 'path' | 'loading' | 'weight' | 'htmt' | 'total' | 'index';
  /** path/total: source construct; loading/weight: item; htmt: first construct; index: construct */
  from: string;
  /** path/total: target; loading/weight: construct; htmt: second construct; index: 'INDEX' */
  to: string;
}

/**
 * A compiled estimator: validates the spec once, then estimates flat parameter vectors fast.
 * The bootstrap calls estimate() once per resample; it must be pure (no shared mutable state visible to callers).
 */
export interface PlsEstimator {
  readonly spec: PlsModelSpec;
  readonly layout: readonly ParamInfo[];
  /** Flat vector in `layout` order. Throws on a failed estimate (e.g. a zero-variance item in a resample). */
  estimate(data: DataTable): Float64Array;
  /**
   * True when estimate() reads DataTable.weights as frequency weights (the same result as the rows repeated):
   * the bootstrap then hands it each resample's distinct rows with their counts instead of gathering every draw.
   */
  readonly weighted?: boolean;
  /**
   * The bootstrap's count route for this table, or null where it does not apply: a function estimating the resample
   * that repeats row r counts[r] times, each time with its survey weight (the same figures as estimate() on those
   * rows, to rounding) without its rows being gathered. Valid while the table is unchanged.
   */
  byCounts?(data: DataTable): ((counts: ArrayLike<number>) => Float64Array) | null;
  /**
   * The raw means and sds (n - 1, after missing-value handling) of the measured items in the last estimate() call,
   * in `items` order: what the model standardized by, for callers that need them too (the unit's indices).
   * Valid until the next call. Absent for estimators that do not keep them (higher-order).
   */
  itemMoments?(): { items: readonly string[]; means: Float64Array; sds: Float64Array };
}
