// Indirect effects evaluated per resample from the estimate vector:
// - specific indirect effect of a chain a -> b -> ... -> z (two or more paths) = product of its path coefficients
//   (seminr's specific_effect_significance, which multiplies the path draws resample by resample);
// - total indirect effect a -> z = total effect - direct path (seminr's total_indirect_ci), for pairs joined by
//   at least one chain of two or more paths.
import type { ParamInfo } from '../pls/types';

export interface Chain {
  /** Constructs along the chain: from, through..., to. */
  constructs: string[];
  /** Layout indices of its paths, in order. */
  pathIdx: number[];
}

export type DerivedParam =
  | { kind: 'specific_indirect'; from: string; to: string; through: string[]; pathIdx: number[] }
  | { kind: 'total_indirect'; from: string; to: string; totalIdx: number; directIdx: number };

/**
 * Every directed chain of two or more structural paths (no construct repeated), shorter chains first; chains of one
 * length in the order of their first path, then of the following paths, as written in the model (seminr's order).
 */
export function findChains(layout: readonly ParamInfo[]): Chain[] {
  const paths = layout.flatMap((p, idx) => (p.kind === 'path' ? [{ from: p.from, to: p.to, idx }] : []));
  const out: Chain[] = [];
  const extend = (chain: Chain) => {
    const last = chain.constructs[chain.constructs.length - 1]!;
    for (const q of paths) {
      if (q.from !== last || chain.constructs.includes(q.to)) continue;
      const next = { constructs: [...chain.constructs, q.to], pathIdx: [...chain.pathIdx, q.idx] };
      out.push(next);
      extend(next);
    }
  };
  for (const p of paths) extend({ constructs: [p.from, p.to], pathIdx: [p.idx] });
  // Stable sort keeps the generation order within each length.
  return out.sort((a, b) => a.pathIdx.length - b.pathIdx.length);
}

/** The indirect-effect parameters a layout supports: one per chain, then one per (from, to) with a chain and a total. */
export function indirectParams(layout: readonly ParamInfo[]): DerivedParam[] {
  const chains = findChains(layout);
  const specific: DerivedParam[] = chains.map((c) => ({
    kind: 'specific_indirect',
    from: c.constructs[0]!,
    to: c.constructs[c.constructs.length - 1]!,
    through: c.constructs.slice(1, -1),
    pathIdx: c.pathIdx,
  }));
  const linked = new Set(chains.map((c) => pairKey(c.constructs[0]!, c.constructs[c.constructs.length - 1]!)));
  const total: DerivedParam[] = [];
  layout.forEach((p, totalIdx) => {
    if (p.kind !== 'total' || !linked.has(pairKey(p.from, p.to))) return;
    const directIdx = layout.findIndex((q) => q.kind === 'path' && q.from === p.from && q.to === p.to);
    total.push({ kind: 'total_indirect', from: p.from, to: p.to, totalIdx, directIdx });
  });
  return [...specific, ...total];
}

/**
 * The derived parameters of each row of a row-major rows x p matrix of estimate vectors (one resample's estimates a
 * row), as a row-major rows x derived.length matrix: a chain's product of its paths (in chain order), a total
 * indirect effect's total minus its direct path. Each parameter is first flattened to the positions it reads, which
 * keeps the loop over thousands of draws free of lookups on two shapes of objects.
 */
export function derivedMatrix(derived: readonly DerivedParam[], matrix: ArrayLike<number>, rows: number, p: number): Float64Array {
  const nd = derived.length;
  const isChain = Uint8Array.from(derived, (d) => (d.kind === 'specific_indirect' ? 1 : 0));
  const start = new Int32Array(nd + 1);
  const reads: number[] = [];
  derived.forEach((d, k) => {
    reads.push(...(d.kind === 'specific_indirect' ? d.pathIdx : [d.totalIdx, d.directIdx]));
    start[k + 1] = reads.length;
  });
  const pos = Int32Array.from(reads);
  const out = new Float64Array(rows * nd);
  for (let r = 0, o = 0; r < rows; r++) {
    const base = r * p;
    for (let k = 0; k < nd; k++, o++) {
      const a = start[k]!;
      if (isChain[k]) {
        let prod = 1;
        for (let i = a; i < start[k + 1]!; i++) prod *= matrix[base + pos[i]!]!;
        out[o] = prod;
      } else {
        const direct = pos[a + 1]!;
        out[o] = matrix[base + pos[a]!]! - (direct >= 0 ? matrix[base + direct]! : 0);
      }
    }
  }
  return out;
}

const pairKey = (a: string, b: string) => `${a}\u0000${b}`;
