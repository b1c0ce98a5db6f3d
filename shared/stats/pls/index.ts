// PLS-SEM point estimation reproducing seminr (see test/fixtures/reference/SEMINR-CONVENTIONS.md).
// estimatePls and createPlsEstimator are the entry points for every caller (the bootstrap workers included): a
// model with a higher-order composite in a path goes to higher-order.ts, which runs its two stages on the
// first-order engines below; any other model goes to them directly.
import type { PlsModelSpec } from '../../models/spec';
import type { DataTable } from '../table';
import { estimatePls as estimateFirstOrder } from './full-estimate';
import { createPlsEstimator as createFirstOrderEstimator } from './resample-estimator';
import { createHigherOrderEstimator, estimateHigherOrder, usesHigherOrder } from './higher-order';
import type { PlsEstimator as Estimator, PlsOptions as Options, PlsResult as Result } from './types';

export function estimatePls(spec: PlsModelSpec, data: DataTable, opts: Options = {}): Result {
  return usesHigherOrder(spec) ? estimateHigherOrder(estimateFirstOrder, spec, data, opts) : estimateFirstOrder(spec, data, opts);
}

export function createPlsEstimator(spec: PlsModelSpec, opts: Options = {}): Estimator {
  return usesHigherOrder(spec) ? createHigherOrderEstimator(spec, opts) : createFirstOrderEstimator(spec, opts);
}

export { parameterLayout } from './resample-estimator';
export { higherOrderLayout, planHigherOrder, usesHigherOrder } from './higher-order';
export { compileModel } from './compile';
export { assertPredictable, predictPls, type PredictOptions, type PredictResult, type ItemPrediction, type PredictTechnique } from './predict';
export type * from './types';
