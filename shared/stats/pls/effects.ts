// Total, total indirect and specific indirect effects from the path matrix (seminr's total_effects and
// specific_effect_significance; SEMINR-CONVENTIONS.md "Quality criteria").

/**
 * B + B² + B³ + ... for a K x K row-major path matrix (rows = source). For a recursive model some power is
 * exactly zero (every product contains a structural zero), which is where seminr's loop `while (sum(paths) != 0)`
 * ends; we stop at the first all-zero power, the same place barring an exact cancellation.
 * `work` (2 K² long) avoids allocations in the bootstrap's hot path.
 */
export function totalEffects(B: Float64Array, K: number, out = new Float64Array(K * K), work = new Float64Array(2 * K * K)): Float64Array {
  const KK = K * K;
  out.set(B.subarray(0, KK));
  let pw = work.subarray(0, KK);
  let next = work.subarray(KK, 2 * KK);
  pw.set(B.subarray(0, KK));
  for (let step = 0; step < K; step++) {
    next.fill(0);
    for (let i = 0; i < K; i++) {
      for (let m = 0; m < K; m++) {
        const a = pw[i * K + m]!;
        if (a === 0) continue;
        for (let j = 0; j < K; j++) next[i * K + j] += a * B[m * K + j]!;
      }
    }
    let any = false;
    for (let x = 0; x < KK; x++) {
      if (next[x] !== 0) any = true;
      out[x] += next[x]!;
    }
    if (!any) break;
    const t = pw; pw = next; next = t;
  }
  return out;
}

/** Structural reachability: reach[i * K + j] = 1 when a chain of one or more paths leads from i to j. */
export function reachability(paths: [number, number][], K: number): Uint8Array {
  const reach = new Uint8Array(K * K);
  for (const [f, t] of paths) reach[f * K + t] = 1;
  for (let m = 0; m < K; m++) {
    for (let i = 0; i < K; i++) {
      if (!reach[i * K + m]) continue;
      for (let j = 0; j < K; j++) if (reach[m * K + j]) reach[i * K + j] = 1;
    }
  }
  return reach;
}

/** Every chain of two or more paths (construct indices), by start construct, then depth-first in path order. */
export function indirectChains(paths: [number, number][], K: number): number[][] {
  const succ: number[][] = Array.from({ length: K }, () => []);
  for (const [f, t] of paths) succ[f]!.push(t);
  const out: number[][] = [];
  const walk = (chain: number[]): void => {
    for (const t of succ[chain[chain.length - 1]!]!) {
      const next = [...chain, t];
      if (next.length >= 3) out.push(next);
      walk(next);
    }
  };
  for (let k = 0; k < K; k++) walk([k]);
  return out;
}
