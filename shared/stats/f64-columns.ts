// Columns of doubles in WebAssembly memory and the SIMD passes over them (wasm/f64-columns.wat): the count route's
// two-stage interaction sums (pls/group-interaction.ts interactionFromWeights) run over every row of a table, so
// their loops are plain column passes, two rows per instruction. A row space holds a row-major table instead, for
// sums over a subset of its rows (interactionFromRows: a path test's group), two entries per instruction.
import { WASM_BASE64 } from './wasm/f64-columns.wasm';
import { instantiateWasm, type WasmMemory } from './wasm-module';

interface Exports {
  memory: WasmMemory;
  axpy(n: number, alpha: number, x: number, y: number): void;
  product3(n: number, f: number, u: number, v: number, q: number): void;
  dots4(n: number, q: number, c0: number, c1: number, c2: number, c3: number, out: number): void;
  productSums(
    n: number, rows: number, y: number, stride: number, d2: number,
    nI: number, iIdx: number, cu: number, nM: number, mIdx: number, cv: number, q: number, acc: number,
  ): void;
}

export interface ColumnSpace {
  /** Rows per column (the table's rows, padded to an even number with zero rows). */
  readonly rows: number;
  /** Column j's values (a view into the WebAssembly memory). */
  column(j: number): Float64Array;
  /** y += alpha x, columns by number. */
  axpy(alpha: number, x: number, y: number): void;
  /** q = f u v, element by element. */
  product3(f: number, u: number, v: number, q: number): void;
  /** The dot products of column q with columns c0..c3, into out[0..4). */
  dots4(q: number, c0: number, c1: number, c2: number, c3: number, out: Float64Array): void;
}

/** Room for `columns` columns of `n` rows (n rounded up to even), all 0. */
export function columnSpace(columns: number, n: number): ColumnSpace {
  const rows = n + (n & 1);
  const colBytes = rows * 8;
  const outOff = columns * colBytes;
  const ex = instantiateWasm<Exports>(WASM_BASE64, outOff + 32);
  const views = Array.from({ length: columns }, (_, j) => new Float64Array(ex.memory.buffer, j * colBytes, rows));
  const out = new Float64Array(ex.memory.buffer, outOff, 4);
  const at = (j: number) => j * colBytes;
  return {
    rows,
    column: (j) => views[j]!,
    axpy: (alpha, x, y) => ex.axpy(rows, alpha, at(x), at(y)),
    product3: (f, u, v, q) => ex.product3(rows, at(f), at(u), at(v), at(q)),
    dots4(q, c0, c1, c2, c3, o) {
      ex.dots4(rows, at(q), at(c0), at(c1), at(c2), at(c3), outOff);
      o[0] = out[0]!; o[1] = out[1]!; o[2] = out[2]!; o[3] = out[3]!;
    },
  };
}

export interface RowSpace {
  /** The rows to sum over: their indices in rows[0..n), set by the caller. */
  readonly rows: Int32Array;
  /** Each row's q, written by productSums. */
  readonly q: Float64Array;
  /**
   * For the rows rows[0..n): u = sum_e cu[e] y[I[e]], v = sum_e cv[e] y[M[e]], q = u v (into q[0..n)), and the sums
   * over the rows of q times each entry (returned, d entries), each summed in the order a scalar loop would.
   */
  productSums(n: number, I: Int32Array, cu: ArrayLike<number>, M: Int32Array, cv: ArrayLike<number>): Float64Array;
}

/** A copy of the row-major table y (nRows x d) in WebAssembly memory, each row padded to an even number of entries. */
export function rowSpace(y: Float64Array, nRows: number, d: number): RowSpace {
  const d2 = (d + 1) >> 1;
  const stride = d2 * 16;
  const at16 = (bytes: number) => Math.ceil(bytes / 16) * 16;
  // y, rows, q, acc, then I / M indices and coefficients (at most d each)
  const rowsOff = nRows * stride;
  const qOff = rowsOff + at16(nRows * 4);
  const accOff = qOff + at16(nRows * 8);
  const iIdxOff = accOff + stride, mIdxOff = iIdxOff + at16(d * 4);
  const cuOff = mIdxOff + at16(d * 4), cvOff = cuOff + d * 8;
  const ex = instantiateWasm<Exports>(WASM_BASE64, cvOff + d * 8);
  const buf = ex.memory.buffer;
  for (let r = 0; r < nRows; r++) new Float64Array(buf, r * stride, d).set(y.subarray(r * d, (r + 1) * d));
  const acc = new Float64Array(buf, accOff, 2 * d2);
  const iIdx = new Int32Array(buf, iIdxOff, d), mIdx = new Int32Array(buf, mIdxOff, d);
  const cuV = new Float64Array(buf, cuOff, d), cvV = new Float64Array(buf, cvOff, d);
  return {
    rows: new Int32Array(buf, rowsOff, nRows),
    q: new Float64Array(buf, qOff, nRows),
    productSums(n, I, cu, M, cv) {
      iIdx.set(I);
      mIdx.set(M);
      for (let e = 0; e < I.length; e++) cuV[e] = cu[e]!;
      for (let e = 0; e < M.length; e++) cvV[e] = cv[e]!;
      acc.fill(0);
      ex.productSums(n, rowsOff, 0, stride, d2, I.length, iIdxOff, cuOff, M.length, mIdxOff, cvOff, qOff, accOff);
      return acc.subarray(0, d);
    },
  };
}
