// Hand-written numeric kernels for hot loops (the PLS bootstrap calls them thousands of times).
// Matrices are flat Float64Arrays: data tables column-major (column j at j*n), square matrices row-major.
// Everything else (VIFs, one-off regressions) uses ml-matrix.

/**
 * Centre and scale column j of X (n rows, column-major) in place: mean 0, sd 1 with the n-1 denominator (R's scale()).
 * Returns the column's raw mean and sd; sd 0 (or NaN) is left to the caller to report.
 * With frequency weights (pls/prepare.ts) the column holds sqrt(w) x: pass sqrtW and N = the sum of the weights; the
 * mean and sd are then x's weighted ones (N - 1 denominator) and the column becomes sqrt(w) (x - mean) / sd.
 */
export function standardizeColumn(
  X: Float64Array, n: number, j: number, out: { mean: number; sd: number }, weights?: { sqrtW: Float64Array; N: number },
): void {
  const o = j * n;
  const sw = weights?.sqrtW;
  const N = weights ? weights.N : n;
  // sum w x = sum sqrt(w) (sqrt(w) x)
  let s = 0;
  for (let r = 0; r < n; r++) s += (sw ? sw[r]! : 1) * X[o + r]!;
  let mean = s / N;
  // second pass as R's mean() does, so the centring error is O(eps * sd) rather than O(eps * |mean|)
  let t = 0;
  for (let r = 0; r < n; r++) { const w = sw ? sw[r]! : 1; t += w * (X[o + r]! - w * mean); }
  mean += t / N;
  let ss = 0;
  for (let r = 0; r < n; r++) {
    const d = X[o + r]! - (sw ? sw[r]! : 1) * mean;
    X[o + r] = d;
    ss += d * d;
  }
  const sd = Math.sqrt(ss / (N - 1));
  out.mean = mean;
  out.sd = sd;
  if (sd > 0) {
    const inv = 1 / sd;
    for (let r = 0; r < n; r++) X[o + r] = X[o + r]! * inv;
  }
}

/**
 * S[i, j] = S[j, i] = scale * <X_i, X_j> for every column j in [from, p) and i <= j (X column-major, n rows;
 * S row-major with leading dimension ld). from = 0 gives the whole Gram matrix; from = p0 adds the rows and
 * columns of columns appended after p0.
 */
export function gramUpdate(X: Float64Array, n: number, p: number, from: number, S: Float64Array, ld: number, scale: number): void {
  if (from === 0) {
    gramBlocked(X, n, p, S, ld, scale);
    return;
  }
  // each appended column against four columns per pass over the rows (sums in registers, each in row order)
  for (let j = from; j < p; j++) {
    const oj = j * n;
    let i = 0;
    for (; i + 3 <= j; i += 4) {
      const o0 = i * n, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
      let a = 0, b = 0, c = 0, d = 0;
      for (let r = 0; r < n; r++) {
        const x = X[oj + r]!;
        a += X[o0 + r]! * x;
        b += X[o1 + r]! * x;
        c += X[o2 + r]! * x;
        d += X[o3 + r]! * x;
      }
      S[i * ld + j] = S[j * ld + i] = a * scale;
      S[(i + 1) * ld + j] = S[j * ld + i + 1] = b * scale;
      S[(i + 2) * ld + j] = S[j * ld + i + 2] = c * scale;
      S[(i + 3) * ld + j] = S[j * ld + i + 3] = d * scale;
    }
    for (; i <= j; i++) {
      const oi = i * n;
      let s = 0;
      for (let r = 0; r < n; r++) s += X[oi + r]! * X[oj + r]!;
      S[i * ld + j] = S[j * ld + i] = s * scale;
    }
  }
}

/**
 * The whole Gram matrix in 2 x 2 blocks: each pass over the rows loads four columns and feeds four sums
 * (measured fastest in V8 among 1x4, 2x2, 2x4, 3x3 and 4x2 blockings: about 2x the plain dot-product loop).
 * Blocks that straddle the diagonal compute a pair twice; the writes agree.
 */
function gramBlocked(X: Float64Array, n: number, p: number, S: Float64Array, ld: number, scale: number): void {
  for (let j = 0; j < p; j += 2) {
    const j2 = j + 1 < p ? j + 1 : j;
    const oj = j * n, oj2 = j2 * n;
    for (let i = 0; i <= j2; i += 2) {
      const i2 = i + 1 < p ? i + 1 : i;
      const oi = i * n, oi2 = i2 * n;
      let a = 0, b = 0, c = 0, d = 0;
      for (let r = 0; r < n; r++) {
        const x = X[oj + r]!, y = X[oj2 + r]!, u = X[oi + r]!, v = X[oi2 + r]!;
        a += u * x;
        b += v * x;
        c += u * y;
        d += v * y;
      }
      S[i * ld + j] = S[j * ld + i] = a * scale;
      S[i2 * ld + j] = S[j * ld + i2] = b * scale;
      S[i * ld + j2] = S[j2 * ld + i] = c * scale;
      S[i2 * ld + j2] = S[j2 * ld + i2] = d * scale;
    }
  }
}

/** Column j of the first `rows` rows of a row-major matrix with `cols` columns (bootstrap draws), into `out`. */
export function columnOf(matrix: Float64Array, rows: number, cols: number, j: number, out = new Float64Array(rows)): Float64Array {
  for (let r = 0; r < rows; r++) out[r] = matrix[r * cols + j]!;
  return out;
}

/**
 * In-place Cholesky factor (lower triangle, row-major k x k at offset 0) of a symmetric positive definite matrix.
 * Returns false when the matrix is not numerically positive definite.
 */
export function choleskyInPlace(A: Float64Array, k: number): boolean {
  for (let j = 0; j < k; j++) {
    let d = A[j * k + j]!;
    for (let m = 0; m < j; m++) d -= A[j * k + m]! * A[j * k + m]!;
    if (!(d > 0)) return false;
    const l = Math.sqrt(d);
    A[j * k + j] = l;
    for (let i = j + 1; i < k; i++) {
      let s = A[i * k + j]!;
      for (let m = 0; m < j; m++) s -= A[i * k + m]! * A[j * k + m]!;
      A[i * k + j] = s / l;
    }
  }
  return true;
}

/** Solves L L' x = b in place (b[off .. off + k) overwritten by x), L from choleskyInPlace. */
export function choleskySolveInPlace(L: Float64Array, k: number, b: Float64Array, off = 0): void {
  for (let i = 0; i < k; i++) {
    let s = b[off + i]!;
    for (let m = 0; m < i; m++) s -= L[i * k + m]! * b[off + m]!;
    b[off + i] = s / L[i * k + i]!;
  }
  for (let i = k - 1; i >= 0; i--) {
    let s = b[off + i]!;
    for (let m = i + 1; m < k; m++) s -= L[m * k + i]! * b[off + m]!;
    b[off + i] = s / L[i * k + i]!;
  }
}
