import type { PlsModelSpec } from '../../models/spec';
import type { IterationSettings } from './algorithm';
import type { MissingMethod } from './prepare';
import type { PlsOptions } from './types';

/** seminr's defaults: maxIt = 300, stopCriterion = 7 (i.e. 1e-7), mean replacement. */
export const DEFAULT_MAX_ITER = 300;
export const DEFAULT_STOP = 1e-7;

export function resolveSettings(spec: PlsModelSpec, opts: PlsOptions = {}): IterationSettings & { missing: MissingMethod } {
  const maxIter = opts.maxIter ?? DEFAULT_MAX_ITER;
  const stop = opts.stopCriterion ?? DEFAULT_STOP;
  if (!Number.isInteger(maxIter) || maxIter < 0) throw new Error(`PLS options: maxIter must be a non-negative integer (got ${maxIter})`);
  if (!(stop > 0)) throw new Error(`PLS options: stopCriterion must be positive (got ${stop})`);
  const missing = opts.missing ?? 'mean';
  if (missing !== 'mean' && missing !== 'listwise') throw new Error(`PLS options: missing must be 'mean' or 'listwise' (got ${String(missing)})`);
  return { scheme: spec.innerWeighting ?? 'path', maxIter, stop, missing };
}
