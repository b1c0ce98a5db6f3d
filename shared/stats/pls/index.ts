// PLS-SEM point estimation reproducing seminr (see test/fixtures/reference/SEMINR-CONVENTIONS.md).
export { estimatePls } from './full-estimate';
export { createPlsEstimator, parameterLayout } from './resample-estimator';
export { compileModel } from './compile';
export type * from './types';
