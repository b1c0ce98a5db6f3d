// Max |ours - seminr| per reported figure, for a PlsResult against a reference JSON's `estimate`.
import type { PlsResult } from '../../shared/stats/pls';
import { at, num, type ReferenceEstimate } from './reference';

export type Deviations = Record<string, number>;

/** Largest absolute difference; NA must pair with NaN (a mismatch counts as Infinity). */
function track(dev: Deviations, key: string, ours: number, ref: number): void {
  let d: number;
  if (Number.isNaN(ref) || Number.isNaN(ours)) d = Number.isNaN(ref) && Number.isNaN(ours) ? 0 : Infinity;
  else d = Math.abs(ours - ref);
  dev[key] = Math.max(dev[key] ?? 0, d);
}

export function referenceDeviations(res: PlsResult, ref: ReferenceEstimate): Deviations {
  const dev: Deviations = {};
  const C = res.constructs;
  track(dev, 'iterations', res.iterations, ref.iterations);
  track(dev, 'n', res.n, ref.n_obs);
  for (const w of res.weights) track(dev, 'weights', w.estimate, at(ref.outer_weights, w.item, w.construct));
  for (const l of res.loadings) track(dev, 'loadings', l.estimate, at(ref.outer_loadings, l.item, l.construct));
  for (const p of res.paths) track(dev, 'paths', p.estimate, at(ref.path_coef, p.from, p.to));
  for (const [c, r] of Object.entries(ref.r_squared)) {
    track(dev, 'r2', res.rSquared[c]?.r2 ?? NaN, r.r2);
    track(dev, 'adjR2', res.rSquared[c]?.adjR2 ?? NaN, r.adj_r2);
  }
  for (const [c, r] of Object.entries(ref.reliability)) {
    const o = res.reliability[c];
    track(dev, 'alpha', o?.alpha ?? NaN, r.alpha);
    track(dev, 'rhoA', o?.rhoA ?? NaN, r.rhoA);
    track(dev, 'rhoC', o?.rhoC ?? NaN, r.rhoC);
    track(dev, 'AVE', o?.ave ?? NaN, r.AVE);
  }
  for (const h of ref.htmt_pairs) {
    const o = res.htmt.find((x) => x.a === h.a && x.b === h.b);
    track(dev, 'htmt', o?.value ?? NaN, h.htmt);
  }
  for (const a of C) {
    for (const b of C) {
      const i = C.indexOf(a), j = C.indexOf(b);
      track(dev, 'fornellLarcker', res.fornellLarcker.values[i]![j]!, at(ref.fornell_larcker, a, b));
      track(dev, 'fSquared', res.fSquared.values[i]![j]!, at(ref.f_squared, a, b));
      track(dev, 'totalEffects', res.totalEffects.values[i]![j]!, at(ref.total_effects, a, b));
      track(dev, 'totalIndirect', res.totalIndirectEffects.values[i]![j]!, at(ref.total_indirect_effects, a, b));
      track(dev, 'constructCorrelations', res.constructCorrelations.values[i]![j]!, at(ref.construct_correlations, a, b));
    }
  }
  for (const [dv, m] of Object.entries(ref.vif_antecedents)) {
    for (const [iv, v] of Object.entries(m)) track(dev, 'vifAntecedents', res.vifAntecedents[dv]?.[iv] ?? -1, num(v));
  }
  for (const [c, m] of Object.entries(ref.vif_items)) {
    for (const [it, v] of Object.entries(m)) track(dev, 'vifItems', res.vifItems[c]?.[it] ?? NaN, v);
  }
  res.crossLoadings.rows.forEach((it, i) => {
    res.crossLoadings.cols.forEach((c, j) => track(dev, 'crossLoadings', res.crossLoadings.values[i]![j]!, at(ref.cross_loadings, it, c)));
  });
  for (const [it, v] of Object.entries(ref.indicator_mean)) track(dev, 'itemMeans', res.itemMeans[it] ?? NaN, v);
  for (const [it, v] of Object.entries(ref.indicator_sd)) track(dev, 'itemSds', res.itemSds[it] ?? NaN, v);
  // all rows or the first few, by position
  const sc = ref.construct_scores;
  sc.cols.forEach((c, j) => {
    const col = res.scores.cols[res.scores.names.indexOf(c)];
    for (let r = 0; r < sc.rows.length; r++) track(dev, 'scores', col ? col[r]! : NaN, num(sc.values[r]![j]));
  });
  return dev;
}

export function maxDeviation(dev: Deviations): number {
  return Math.max(...Object.entries(dev).filter(([k]) => k !== 'iterations' && k !== 'n').map(([, v]) => v));
}
