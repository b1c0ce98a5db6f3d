// The `satmon estimate` result: PLS estimate plus (optionally) bootstrap statistics, flattened into the tables a
// PLS researcher reads (paths, loadings, weights, R², reliability, HTMT, indirect effects), JSON-serialisable.
import type { BootstrapSummary, ParamSummary } from '../bootstrap';
import type { PlsResult } from './types';

export interface BootFields { bootMean?: number; bootSd?: number; t?: number; p?: number; ciLow?: number; ciHigh?: number; bcaLow?: number; bcaHigh?: number }
export type PathRow = { from: string; to: string; estimate: number } & BootFields;
export type OuterRow = { construct: string; item: string; estimate: number } & BootFields;
export type IndirectRow = { from: string; through: string[]; to: string; estimate: number } & BootFields;

export interface EstimateReport {
  n: number;
  iterations: number;
  converged: boolean;
  constructs: string[];
  paths: PathRow[];
  loadings: OuterRow[];
  weights: OuterRow[];
  rSquared: Record<string, { r2: number; adjR2: number }>;
  reliability: PlsResult['reliability'];
  htmt: ({ a: string; b: string; value: number } & BootFields)[];
  fornellLarcker: PlsResult['fornellLarcker'];
  fSquared: PlsResult['fSquared'];
  vifAntecedents: PlsResult['vifAntecedents'];
  vifItems: PlsResult['vifItems'];
  totalEffects: PathRow[];
  indirect: IndirectRow[];
  totalIndirect: PathRow[];
  missing: PlsResult['missing'];
  /** Reflective constructs estimated consistently (PLSc): their rho_A, the corrected construct correlations, notes. */
  consistent?: PlsResult['consistent'];
  /** Higher-order composites: which dimension forms which, and the first stage's convergence and paths. */
  higherOrder?: PlsResult['higherOrder'];
  /** What the run used (satmon estimate fills it in; see EstimateSettings). */
  settings?: EstimateSettings;
  /** With survey weights: the column and Kish's summary of the weights used (PlsResult.weighting). */
  weighting?: { column: string; n: number; sumWeights: number; nEffective: number; deff: number };
  bootstrap?: { nboot: number; nSuccessful: number; nFailed: number; alpha: number; seed?: number; indicesFile?: string };
}

/**
 * The settings of a `satmon estimate` run, as the JSON's `settings`. stopCriterion is the threshold itself (seminr's
 * stopCriterion = 7 is 1e-7): the iteration stops when the summed absolute change of the outer weights falls below it.
 * The bootstrap fields are present only when the run bootstrapped.
 */
export interface EstimateSettings {
  missing: 'mean' | 'listwise';
  /** Cell texts read as missing besides the empty cell and NA (--missing). */
  missingCodes: string[];
  maxIter: number;
  stopCriterion: number;
  innerWeighting: 'path' | 'factorial';
  /** Survey weight column (--weights). */
  weights?: string;
  nboot?: number;
  seed?: number;
  indicesFile?: string;
  /** Level of the bootstrap intervals: 1 - alpha. */
  alpha?: number;
  bca?: boolean;
  /** Construct scores file (--scores) and the id column it carries ('row': the 1-based data row). */
  scores?: { file: string; id: string };
}

function boot(p: ParamSummary | undefined, bca: boolean): BootFields {
  if (!p) return {};
  return {
    bootMean: p.bootMean, bootSd: p.bootSd, t: p.t, p: p.p, ciLow: p.ciLower, ciHigh: p.ciUpper,
    ...(bca ? { bcaLow: p.bcaLower, bcaHigh: p.bcaUpper } : {}),
  };
}

export function estimateReport(est: PlsResult, summary?: BootstrapSummary, meta?: { seed?: number; indicesFile?: string; bca?: boolean }): EstimateReport {
  const bca = !!meta?.bca;
  const find = (kind: ParamSummary['kind'], from: string, to: string, through?: string[]) =>
    summary?.params.find((p) => p.kind === kind && p.from === from && p.to === to && (!through || p.through?.join('>') === through.join('>')));
  const matrixRows = (m: PlsResult['totalEffects'], kind: 'total' | 'total_indirect') =>
    m.rows.flatMap((r, i) => m.cols.flatMap((c, j) => {
      const v = m.values[i]![j]!;
      return v === 0 || Number.isNaN(v) ? [] : [{ from: r, to: c, estimate: v, ...boot(find(kind, r, c), bca) }];
    }));
  return {
    n: est.n, iterations: est.iterations, converged: est.converged, constructs: est.constructs,
    paths: est.paths.map((p) => ({ ...p, ...boot(find('path', p.from, p.to), bca) })),
    loadings: est.loadings.map((l) => ({ ...l, ...boot(find('loading', l.item, l.construct), bca) })),
    weights: est.weights.map((w) => ({ ...w, ...boot(find('weight', w.item, w.construct), bca) })),
    rSquared: est.rSquared,
    reliability: est.reliability,
    htmt: est.htmt.map((h) => ({ ...h, ...boot(find('htmt', h.a, h.b), bca) })),
    fornellLarcker: est.fornellLarcker, fSquared: est.fSquared, vifAntecedents: est.vifAntecedents, vifItems: est.vifItems,
    totalEffects: matrixRows(est.totalEffects, 'total'),
    indirect: est.specificIndirect.map((s) => ({ ...s, ...boot(find('specific_indirect', s.from, s.to, s.through), bca) })),
    totalIndirect: matrixRows(est.totalIndirectEffects, 'total_indirect'),
    missing: est.missing,
    ...(est.consistent ? { consistent: est.consistent } : {}),
    ...(est.higherOrder ? { higherOrder: est.higherOrder } : {}),
    ...(summary ? { bootstrap: {
      nboot: summary.nboot, nSuccessful: summary.nSuccessful, nFailed: summary.nFailed, alpha: summary.alpha,
      ...(meta?.seed !== undefined ? { seed: meta.seed } : {}), ...(meta?.indicesFile ? { indicesFile: meta.indicesFile } : {}),
    } } : {}),
  };
}
