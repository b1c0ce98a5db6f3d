// PLS-SEM point estimation reproducing seminr (see test/fixtures/reference/SEMINR-CONVENTIONS.md).
export { estimatePls } from './estimate';
export { createPlsEstimator, parameterLayout } from './estimator';
export { compileModel } from './compile';
export type * from './types';
