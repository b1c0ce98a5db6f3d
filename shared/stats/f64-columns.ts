// Columns of doubles in WebAssembly memory and the SIMD passes over them (wasm/f64-columns.wat): the count route's
// two-stage interaction sums (pls/group-interaction.ts interactionFromWeights) run over every row of a table, so
// their loops are plain column passes, two rows per instruction.
import { WASM_BASE64 } from './wasm/f64-columns.wasm';
import { instantiateWasm, type WasmMemory } from './wasm-module';

interface Exports {
  memory: WasmMemory;
  axpy(n: number, alpha: number, x: number, y: number): void;
  product3(n: number, f: number, u: number, v: number, q: number): void;
  dots4(n: number, q: number, c0: number, c1: number, c2: number, c3: number, out: number): void;
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
  const ex = instantiateWasm<Exports>(WASM_BASE64);
  const need = outOff + 32;
  const pages = Math.ceil(need / 65536) - ex.memory.buffer.byteLength / 65536;
  if (pages > 0) ex.memory.grow(pages);
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
