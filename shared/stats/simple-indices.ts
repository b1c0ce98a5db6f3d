// Model-free indices for small samples: item means and top-2-box shares with Wilson score intervals.
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import type { Scale } from './indices';

export interface Proportion { share: number; low: number; high: number; n: number }

/** Wilson score interval for k successes in n trials (better coverage than Wald at small n or extreme p). */
export function wilson(k: number, n: number, confidence = 0.95): Proportion {
  if (n === 0) return { share: NaN, low: NaN, high: NaN, n };
  const z = normalQuantile(1 - (1 - confidence) / 2, 0, 1);
  const p = k / n;
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  return { share: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half), n };
}

export interface ItemSummary { item: string; n: number; mean: number; sd: number; top2: Proportion }

/** Mean, sd and top-2-box share (the two highest scale points) of an item, ignoring missing values. */
export function summarizeItem(item: string, values: ArrayLike<number>, scale: Scale, confidence = 0.95): ItemSummary {
  let n = 0, sum = 0, sumSq = 0, top = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    n++; sum += v; sumSq += v * v;
    if (v >= scale.max - 1) top++;
  }
  const mean = n ? sum / n : NaN;
  const sd = n > 1 ? Math.sqrt((sumSq - n * mean * mean) / (n - 1)) : NaN;
  return { item, n, mean, sd, top2: wilson(top, n, confidence) };
}
