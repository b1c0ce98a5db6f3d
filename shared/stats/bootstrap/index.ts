// Bootstrap for the PLS estimator: seminr-compatible resamples, worker threads, seminr's statistics plus p and BCa.
//
//   const est = createPlsEstimator(spec);
//   const run = await bootstrapPls(est, data, { seed: 123, nboot: 5000, workers: 2 }); // = seminr's resamples
//   const summary = summarizeBootstrap(run, { jackknife: await jackknifePls(est, data) }); // jackknife: for BCa
//
// Replaying given resamples: bootstrapPls(est, data, { indices: readResampleIndicesFile(path).resamples }).
export { RRandom, seminrResampleRows } from './r-rng';
export {
  seededSource, givenSource, jackknifeSource, limitSource, sourceFromSpec, parseResampleIndicesCsv,
  type ResampleSource, type ResampleSourceSpec, type ParsedIndices,
} from './resample-source';
export { readResampleIndicesFile } from './indices-file';
export {
  bootstrapPls, jackknifePls, runResamples,
  type BootstrapOptions, type BootstrapRun, type ResampleRun, type RunOptions, type Failure,
} from './driver';
export { plsRecipe, type EstimatorRecipe } from './recipe';
export { BootstrapWorkerPool, sharedWorkerPool } from './pool';
export { findChains, indirectParams, type Chain, type DerivedParam } from './indirect';
export { quantileType7, normInter } from './quantile';
export { bcaInterval, jackknifeAcceleration } from './bca';
export { summarizeBootstrap, type BootstrapSummary, type ParamSummary, type ParamKind, type SummaryOptions } from './summary';
