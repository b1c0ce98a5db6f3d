// How a worker thread rebuilds the estimator: a module to import, a factory exported by it, and structured-cloneable
// arguments. Closures cannot cross threads, so the estimator is reconstructed from its recipe in each worker.
import type { PlsModelSpec } from '../../models/spec';
import type { PlsOptions } from '../pls/types';
import type { Estimator } from './run-resamples';

export interface EstimatorRecipe {
  /** Absolute file URL (or path) of the module. */
  module: string;
  /** Name of the exported factory; called as factory(...args). */
  exportName: string;
  args: unknown[];
}

// From TypeScript sources, the .ts file; the compiled build (scripts/build.mjs) emits shared/stats/pls as the entry
// point pls-estimator.js in the flat dist/ folder, beside whichever chunk this code landed in.
const PLS_MODULE = import.meta.url.endsWith('.ts') ? '../pls/index.ts' : './pls-estimator.js';

/** The default: createPlsEstimator(spec, options) from shared/stats/pls. */
export function plsRecipe(spec: PlsModelSpec, options: PlsOptions = {}): EstimatorRecipe {
  return { module: new URL(PLS_MODULE, import.meta.url).href, exportName: 'createPlsEstimator', args: [spec, options] };
}

export async function buildFromRecipe(r: EstimatorRecipe): Promise<Estimator> {
  const mod = (await import(r.module)) as Record<string, unknown>;
  const factory = mod[r.exportName];
  if (typeof factory !== 'function') throw new Error(`${r.module} has no exported function '${r.exportName}'`);
  return (factory as (...a: unknown[]) => Estimator)(...r.args);
}

/** A fingerprint of a layout, to check that a rebuilt estimator estimates the same parameters. */
export function layoutKey(est: Estimator): string {
  return est.layout.map((p) => `${p.kind}:${p.from}->${p.to}`).join('|');
}
