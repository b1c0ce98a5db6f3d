// Two-pass sample moments (n − 1 denominators, as R's var/sd/cor and SPSS print them).

export function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  const m = s / x.length;
  // One correction pass keeps the mean exact to rounding even for large offsets.
  let c = 0;
  for (let i = 0; i < x.length; i++) c += x[i]! - m;
  return m + c / x.length;
}

/** Sum of squared deviations from the mean. */
export function sumSq(x: ArrayLike<number>, m = mean(x)): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i]! - m;
    s += d * d;
  }
  return s;
}

export const variance = (x: ArrayLike<number>): number => sumSq(x) / (x.length - 1);
export const sd = (x: ArrayLike<number>): number => Math.sqrt(variance(x));

/** Pearson correlation. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}
