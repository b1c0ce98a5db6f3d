// OLS (with an intercept by default) and the diagnostics an SPSS "Linear Regression" run prints (Model Summary,
// ANOVA, Coefficients with collinearity statistics, Durbin-Watson, a one-sample KS test of the unstandardized
// residuals) plus the heteroscedasticity tests the seed-003 paper only eyeballs on a scatterplot.
// Solved by Householder QR (ml-matrix) of the design [1, X]; (X'X)⁻¹ = R⁻¹R⁻ᵀ is never formed from X'X.
//
// As R's lm / summary.lm (checked in test/unit/shared/stats/regression-options.test.ts against
// test/fixtures/cli-options/regress.R):
// - without an intercept (opts.intercept = false, lm(y ~ 0 + x)) R², adjusted R², F and the ANOVA use the
//   uncentred total Σy² (SPSS's "Uncentered Total"), the regression df is the number of coefficients, the total df n;
// - an aliased column (numerically a linear combination of earlier columns, the intercept included: lm's dqrdc2
//   with tol = 1e-7 moves it to the end) gets coefficient NaN (R's NA), is named in `aliased` and `warnings`, and the
//   fit is that of the remaining columns (its rank sets the df);
// - an essentially perfect fit (residual variance below 1e-30 of the fitted values' scale, summary.lm's test) is
//   computed and warned about ("essentially perfect fit: summary may be unreliable"); Durbin-Watson (NaN) and the
//   heteroscedasticity tests (null) are then left out: they would describe rounding noise.
// - the rows need only exceed the rank after aliasing (lm fits 4 rows with 4 columns when one is aliased); with
//   as many rows as the rank (no residual df) the coefficients are computed and warned about, and what needs a
//   residual variance (SE, t, p, sigma, adjusted R², F and the residual tests) is NaN / null (summary.lm: "ALL
//   residuals are 0: no residual degrees of freedom!").
//
// Optional frequency weights (opts.weights): a row of weight k counts as k copies of it, N = Σw, residual df = N − p,
// so integer weights give every figure of the data with each row repeated in place (tested to 1e-12), Durbin-Watson
// and the KS test included. Solved as the QR of √w·[1, X]. Rows of weight 0 are absent. R's lm(weights = w) has the
// same coefficients; its SEs use n − p df (rows), equal to ours when the weights have mean 1 (Σw = n).
import { Matrix, QrDecomposition } from 'ml-matrix';
import type { DataTable } from './table';
import { column } from './table';
import { StatsInputError } from './errors';
import { weightSummary } from './survey-weights';
import { mean, sd, sumSq } from './moments';
import { chisqSf, fQuantile, fSf, kolmogorovSf, normalCdf, tQuantile, tTwoSidedP } from './distributions';

export const CONSTANT = '(Constant)';

/** A column whose part orthogonal to the earlier columns is below this fraction of its norm is aliased (R's lm.fit tol). */
const COLLINEARITY_TOL = 1e-7;

export interface Coefficient {
  name: string;
  b: number;
  se: number;
  /** Standardized coefficient b·sd(x)/sd(y); null for the constant (SPSS leaves the cell blank). */
  beta: number | null;
  t: number;
  p: number;
}

export interface KsNormality {
  test: string;
  n: number;
  mean: number;
  sd: number;
  mostExtremeDifferences: { absolute: number; positive: number; negative: number };
  /** √n·D, SPSS's "Kolmogorov-Smirnov Z". */
  ksZ: number;
  /** Asymptotic two-sided p from the Kolmogorov distribution (no correction for the estimated mean and sd). */
  asympP: number;
  /** Lilliefors-corrected p (Dallal-Wilkinson approximation, as nortest::lillie.test); null when n < 5. */
  lillieforsP: number | null;
}

export interface BreuschPagan {
  variant: 'koenker';
  note: string;
  /** Koenker's studentized statistic n·R² of e² on the predictors (lmtest::bptest default, studentize = TRUE). */
  statistic: number;
  df: number;
  p: number;
  /** The original Breusch-Pagan (1979) statistic ESS/(2σ̂⁴), σ̂² = SSE/n (bptest(studentize = FALSE)). */
  original: { statistic: number; df: number; p: number };
}

export interface Glejser {
  note: string;
  r2: number;
  f: number;
  df: { regression: number; residual: number };
  fP: number;
  coefficients: Omit<Coefficient, 'beta'>[];
}

export interface RegressionResult {
  dependent: string;
  predictors: string[];
  /** false: regression through the origin (R's lm(y ~ 0 + x)). */
  intercept: boolean;
  /** Predictors whose coefficient is NaN (R's NA): linearly dependent on earlier columns, left out of the fit. */
  aliased: string[];
  /** Warnings in English (aliased predictors, an essentially perfect fit); the CLI prints them on stderr. */
  warnings: string[];
  /** Complete rows used (with weights: Σw over them, the rows they stand for). */
  n: number;
  /** With frequency weights: rows used (weight > 0), Σw, Kish's effective n and design effect; the data column they came from when known. */
  weights?: { column?: string; n: number; sum: number; nEffective: number; deff: number };
  missing: { method: 'listwise'; rowsRead: number; rowsExcluded: number; /** 1-based data rows (CSV line − 1). */ excludedRows: number[] };
  descriptives: { name: string; mean: number; sd: number }[];
  coefficients: Coefficient[];
  r: number;
  r2: number;
  adjR2: number;
  /** SPSS "Std. Error of the Estimate": √(SSE/df_res), df_res = n − rank (R's sigma). */
  residualSE: number;
  f: number;
  fP: number;
  df: { regression: number; residual: number; total: number };
  anova: {
    regression: { sumSq: number; df: number; meanSq: number };
    residual: { sumSq: number; df: number; meanSq: number };
    total: { sumSq: number; df: number };
  };
  /** Table values the paper compares with: t(1−α/2, df_res) and F(1−α; k, df_res). */
  critical: { alpha: number; t: number; f: number };
  /**
   * 1/(1 − R²_j) of x_j on the other (non-aliased) predictors with an intercept, also for a model without one (the
   * collinearity of the predictors does not depend on it); NaN for an aliased or constant predictor.
   */
  vif: Record<string, number>;
  tolerance: Record<string, number>;
  /** NaN for an essentially perfect fit. */
  durbinWatson: number;
  /** Of the residuals; on an essentially perfect fit it describes rounding noise (the warning says so). */
  ks: KsNormality;
  breuschPagan: BreuschPagan | null;
  glejser: Glejser | null;
}

export interface RegressOptions {
  /** Significance level of the critical values (default 0.05). */
  alpha?: number;
  /** Frequency weights of the rows (>= 0, finite), aligned with the table's rows (regressComplete: with y). */
  weights?: ArrayLike<number>;
  /** Fit a constant (default true); false: regression through the origin, R's lm(y ~ 0 + x). */
  intercept?: boolean;
}

/** Throws naming the (1-based) row of the first weight that is negative, NaN or infinite. */
export function checkWeights(w: ArrayLike<number>, n: number): void {
  if (w.length !== n) throw new StatsInputError(`${w.length} weights for ${n} rows`);
  for (let i = 0; i < n; i++) {
    const v = w[i]!;
    if (!(Number.isFinite(v) && v >= 0)) throw new StatsInputError(`row ${i + 1}: weight must be a finite number >= 0, got ${v}`);
  }
}

/** Regression of column `y` on columns `x` of a table; rows with a missing (NaN) value in any of them are dropped. */
export function regress(table: DataTable, y: string, x: readonly string[], opts: RegressOptions = {}): RegressionResult {
  if (x.length === 0) throw new StatsInputError('no predictors given');
  const seen = new Set<string>();
  for (const name of x) {
    if (name === y) throw new StatsInputError(`'${y}' is both the dependent variable and a predictor`);
    if (seen.has(name)) throw new StatsInputError(`predictor '${name}' is listed twice`);
    seen.add(name);
  }
  const yAll = column(table, y);
  const xAll = x.map((name) => column(table, name));
  const w = opts.weights;
  if (w) checkWeights(w, table.n);
  const keep: number[] = [];
  const excludedRows: number[] = [];
  for (let i = 0; i < table.n; i++) {
    if (Number.isNaN(yAll[i]!) || xAll.some((c) => Number.isNaN(c[i]!))) excludedRows.push(i + 1);
    else keep.push(i);
  }
  const pick = (c: ArrayLike<number>) => Float64Array.from(keep, (i) => c[i]!);
  const result = regressComplete(y, pick(yAll), [...x], xAll.map(pick), { ...opts, ...(w ? { weights: pick(w) } : {}) });
  return { ...result, missing: { method: 'listwise', rowsRead: table.n, rowsExcluded: excludedRows.length, excludedRows } };
}

/** Regression on complete data (no NaN). */
export function regressComplete(
  yName: string,
  y: Float64Array,
  xNames: string[],
  xs: Float64Array[],
  opts: RegressOptions = {},
): RegressionResult {
  const alpha = opts.alpha ?? 0.05;
  for (const v of [y, ...xs]) {
    for (let i = 0; i < v.length; i++) {
      if (!Number.isFinite(v[i]!)) throw new StatsInputError('regressComplete: data contain NaN or infinite values');
    }
  }
  let w: Float64Array | null = null;
  if (opts.weights) {
    checkWeights(opts.weights, y.length);
    // rows of weight 0 are absent (they would still sit between their neighbours in Durbin-Watson)
    const pos: number[] = [];
    for (let i = 0; i < y.length; i++) if (opts.weights[i]! > 0) pos.push(i);
    const pick = (c: ArrayLike<number>) => Float64Array.from(pos, (i) => c[i]!);
    w = pick(opts.weights);
    y = pick(y);
    xs = xs.map(pick);
  }
  const rows = y.length;
  const n = w ? wsum(w) : rows;
  const intercept = opts.intercept ?? true;
  if (rows === 0) throw new StatsInputError('no complete rows');
  if (intercept ? wSumSq(y, w) === 0 : wSumSqRaw(y, w) === 0) {
    throw new StatsInputError(intercept ? `dependent variable '${yName}' is constant` : `dependent variable '${yName}' is 0 on every row`);
  }

  if (!intercept && xs.every((x) => wSumSqRaw(x, w) === 0)) throw new StatsInputError('every predictor is 0 on every row: nothing to fit without an intercept');
  const design = intercept ? buildDesign([CONSTANT, ...xNames], [ones(rows), ...xs], w, true) : buildDesign(xNames, xs, w, false);
  // only the rank after aliasing counts (as lm); with weights Σw may fall below it
  const rank = design.names.length;
  if (n < rank) {
    throw new StatsInputError(`too few complete rows: n = ${n} for ${rank} coefficients${design.aliased.length ? ' (after the aliased ones)' : ''}`);
  }
  const aliased = design.aliased.map((a) => a.name);
  const warnings = design.aliased.map(aliasWarning);
  const fit = fitOls(design, y);
  const noDf = fit.dfRes === 0;
  const fittedScale = wMean(fit.fitted, w) ** 2 + wSumSq(fit.fitted, w) / (n - 1);
  // summary.lm: resvar < (mean(f)^2 + var(f)) * 1e-30 (a zero residual variance included); without residual df
  // resvar is not finite and it has its own warning
  const perfect = noDf || fit.sse / fit.dfRes < fittedScale * 1e-30;
  if (noDf) warnings.push(`no residual degrees of freedom: ${n} rows for ${rank} coefficients, so the fit of '${yName}' is exact (R's summary.lm: "ALL residuals are 0"); standard errors, t, p, adjusted R², F, Durbin-Watson and the heteroscedasticity tests are undefined (NaN / left out)`);
  else if (perfect) warnings.push(`essentially perfect fit of '${yName}': summary may be unreliable (R's summary.lm warns the same); Durbin-Watson and the heteroscedasticity tests are left out`);

  const wSd = (v: Float64Array) => (w ? Math.sqrt(wSumSq(v, w) / (n - 1)) : sd(v));
  const sdY = wSd(y);
  const byName = new Map(fit.coef.map((c) => [c.name, c]));
  const coefficients: Coefficient[] = (intercept ? [CONSTANT, ...xNames] : xNames).map((name) => {
    const c = byName.get(name);
    const j = xNames.indexOf(name);
    if (!c) return { name, b: NaN, se: NaN, beta: j < 0 ? null : NaN, t: NaN, p: NaN };
    return { name, b: c.b, se: c.se, beta: j < 0 ? null : (c.b * wSd(xs[j]!)) / sdY, t: c.t, p: c.p };
  });

  // VIF_j = [(Xc'Xc)⁻¹]_jj · Σ(x_j − x̄_j)²: the slope block of (X'X)⁻¹ with an intercept is (Xc'Xc)⁻¹. Without an
  // intercept the same figure from the design with one (aux), as the collinearity of the predictors is meant.
  const aux = intercept ? design : auxDesign(design, xNames, xs, w);
  const vif: Record<string, number> = {};
  const tolerance: Record<string, number> = {};
  xNames.forEach((name, j) => {
    const pos = aux ? aux.names.indexOf(name) : -1;
    const ss = wSumSq(xs[j]!, w);
    const v = pos < 0 || !(ss > 0) ? NaN : aux!.covUnscaled.get(pos, pos) * ss;
    vif[name] = v;
    tolerance[name] = 1 / v;
  });

  const e = fit.resid;
  // copies of a row sit together: their differences are 0, so only neighbouring distinct rows add
  let dwNum = 0;
  for (let i = 1; i < rows; i++) dwNum += (e[i]! - e[i - 1]!) ** 2;
  const dfTotal = n - (intercept ? 1 : 0);

  return {
    dependent: yName,
    predictors: [...xNames],
    intercept,
    aliased,
    warnings,
    n,
    ...(w ? { weights: weightFigures(w) } : {}),
    missing: { method: 'listwise', rowsRead: rows, rowsExcluded: 0, excludedRows: [] },
    descriptives: [yName, ...xNames].map((name, j) => {
      const v = j === 0 ? y : xs[j - 1]!;
      return { name, mean: wMean(v, w), sd: wSd(v) };
    }),
    coefficients,
    r: Math.sqrt(fit.r2),
    r2: fit.r2,
    adjR2: fit.adjR2,
    residualSE: noDf ? NaN : Math.sqrt(fit.sse / fit.dfRes),
    f: fit.f,
    fP: fit.fP,
    df: { regression: fit.dfReg, residual: fit.dfRes, total: dfTotal },
    anova: {
      regression: { sumSq: fit.ssr, df: fit.dfReg, meanSq: fit.ssr / fit.dfReg },
      residual: { sumSq: fit.sse, df: fit.dfRes, meanSq: noDf ? NaN : fit.sse / fit.dfRes },
      total: { sumSq: fit.ssr + fit.sse, df: dfTotal },
    },
    critical: { alpha, t: noDf ? NaN : tQuantile(1 - alpha / 2, fit.dfRes), f: fit.dfReg > 0 && !noDf ? fQuantile(1 - alpha, fit.dfReg, fit.dfRes) : NaN },
    vif,
    tolerance,
    durbinWatson: perfect ? NaN : dwNum / fit.sse,
    ks: ksNormality(e, w ?? undefined),
    breuschPagan: perfect || !aux ? null : breuschPagan(aux, e),
    glejser: perfect || !aux ? null : glejser(aux, e),
  };
}

/** The warning for an aliased predictor, naming what it depends on. */
function aliasWarning(a: AliasedColumn): string {
  const why = a.zero ? 'is 0 on every row'
    : a.with.length === 1 && a.with[0] === CONSTANT ? 'is constant (aliased with the intercept)'
    : `is aliased: a linear combination of ${a.with.join(', ')}`;
  return `predictor '${a.name}' ${why}; its coefficient is NA (R's lm: "not defined because of singularities") and the other predictors are fitted without it`;
}

/** The design with an intercept of a no-intercept model's non-aliased predictors (VIF and the residual tests). */
function auxDesign(d: Design, xNames: string[], xs: Float64Array[], w: Float64Array | null): Design | null {
  const keep = xNames.flatMap((nm, j) => (d.names.includes(nm) ? [j] : []));
  if (keep.length === 0) return null;
  const aux = buildDesign([CONSTANT, ...keep.map((j) => xNames[j]!)], [ones(xs[0]!.length), ...keep.map((j) => xs[j]!)], w, true);
  return aux.names.length > 1 ? aux : null;
}

function ones(rows: number): Float64Array {
  return new Float64Array(rows).fill(1);
}

// ---------------------------------------------------------------------------------------------------------

interface Design {
  /** The columns fitted (aliased ones left out), in order. */
  names: string[];
  /** Whether names[0] is the constant. */
  intercept: boolean;
  /** Columns left out as linearly dependent on earlier ones. */
  aliased: AliasedColumn[];
  /** The design of the fitted columns (unweighted: fitted values are X·b). */
  X: Matrix;
  /** Frequency weights (null: all 1), their √ (the QR is of √w·X) and Σw. */
  w: Float64Array | null;
  sw: Float64Array | null;
  n: number;
  qr: QrDecomposition;
  /** (X'X)⁻¹ = R⁻¹R⁻ᵀ. */
  covUnscaled: Matrix;
}

interface AliasedColumn { name: string; /** the earlier columns it is a combination of */ with: string[]; zero: boolean }

/**
 * The design of the given columns (the constant first when intercept), dropping, left to right, each column whose
 * part orthogonal to the columns kept before it is at most tol times its norm (R's dqrdc2 with lm's tol = 1e-7:
 * the later of linearly dependent columns is the one left out). Norms and QR are of √w·X.
 */
function buildDesign(names: string[], cols: Float64Array[], w: Float64Array | null, intercept: boolean): Design {
  const rows = cols[0]!.length;
  const sw = w ? w.map(Math.sqrt) : null;
  const weighted = (c: Float64Array) => (sw ? c.map((v, i) => v * sw[i]!) : c);
  const kept: number[] = [];
  const aliased: AliasedColumn[] = [];
  // Usually nothing is aliased: one QR of all columns shows it (|R_jj| is column j's part orthogonal to the
  // columns before it), and is the design's QR. Otherwise the columns are kept or dropped one by one.
  // (more columns than rows: at most `rows` of them can be kept)
  const XwAll = rows >= cols.length ? columnsMatrix(cols.map(weighted)) : null;
  const qrAll = XwAll ? new QrDecomposition(XwAll) : null;
  const Rall = qrAll?.upperTriangularMatrix;
  const fullRank = !!Rall && cols.every((_, j) => Math.abs(Rall.get(j, j)) > COLLINEARITY_TOL * XwAll!.getColumnVector(j).norm());
  for (let j = 0; j < cols.length; j++) {
    if (fullRank) { kept.push(j); continue; }
    const cj = weighted(cols[j]!);
    const norm = Math.sqrt(wSumSqRaw(cj, null));
    // `rows` independent columns kept span every column
    let dependent = norm === 0 || kept.length >= rows;
    let M: Matrix | null = null;
    if (kept.length >= rows && norm > 0) M = columnsMatrix([...kept.map((m) => weighted(cols[m]!)), cj]);
    else if (!dependent && kept.length > 0) {
      M = columnsMatrix([...kept.map((m) => weighted(cols[m]!)), cj]);
      const R = new QrDecomposition(M).upperTriangularMatrix;
      dependent = Math.abs(R.get(kept.length, kept.length)) <= COLLINEARITY_TOL * norm;
    }
    if (!dependent) { kept.push(j); continue; }
    aliased.push({ name: names[j]!, zero: norm === 0, with: M ? collinearWith(M, [...kept.map((m) => names[m]!), names[j]!], kept.length) : [] });
  }
  const X = columnsMatrix(kept.map((m) => cols[m]!));
  const qr = fullRank ? qrAll! : new QrDecomposition(sw ? columnsMatrix(kept.map((m) => weighted(cols[m]!))) : X);
  const Rinv = upperInverse(qr.upperTriangularMatrix);
  return {
    names: kept.map((m) => names[m]!), intercept: intercept && kept[0] === 0, aliased,
    X, w, sw, n: w ? wsum(w) : rows, qr, covUnscaled: Rinv.mmul(Rinv.transpose()),
  };
}

function columnsMatrix(cols: Float64Array[]): Matrix {
  const rows = cols[0]?.length ?? 0;
  const M = new Matrix(rows, cols.length);
  cols.forEach((c, j) => { for (let i = 0; i < rows; i++) M.set(i, j, c[i]!); });
  return M;
}

/** The earlier columns that column j is (numerically) a combination of, for the error message. */
function collinearWith(X: Matrix, names: string[], j: number): string[] {
  const prev = X.subMatrix(0, X.rows - 1, 0, j - 1);
  const c = new QrDecomposition(prev).solve(X.subMatrix(0, X.rows - 1, j, j)).getColumn(0);
  const scale = X.getColumnVector(j).norm();
  const involved = names.slice(0, j).filter((_, m) => Math.abs(c[m]!) * prev.getColumnVector(m).norm() > 1e-6 * scale);
  return involved.length > 0 ? involved : names.slice(0, j);
}

/** Inverse of an upper-triangular matrix by back substitution. */
function upperInverse(R: Matrix): Matrix {
  const p = R.rows;
  const inv = new Matrix(p, p);
  for (let j = 0; j < p; j++) {
    inv.set(j, j, 1 / R.get(j, j));
    for (let i = j - 1; i >= 0; i--) {
      let s = 0;
      for (let m = i + 1; m <= j; m++) s += R.get(i, m) * inv.get(m, j);
      inv.set(i, j, -s / R.get(i, i));
    }
  }
  return inv;
}

interface OlsFit {
  coef: Omit<Coefficient, 'beta'>[];
  fitted: Float64Array;
  resid: Float64Array;
  sse: number;
  /** Σ(ŷ − mean ŷ)² with an intercept, Σŷ² without (R's summary.lm mss). */
  ssr: number;
  /** Rank minus the intercept (summary.lm's numdf). */
  dfReg: number;
  dfRes: number;
  r2: number;
  adjR2: number;
  f: number;
  fP: number;
}

function fitOls(d: Design, y: Float64Array): OlsFit {
  const rows = y.length;
  const n = d.n;
  const p = d.names.length;
  const sw = d.sw;
  const b = d.qr.solve(Matrix.columnVector(sw ? Array.from(y, (v, i) => v * sw[i]!) : Array.from(y))).getColumn(0);
  const fitted = new Float64Array(rows);
  const resid = new Float64Array(rows);
  let sse = 0;
  for (let i = 0; i < rows; i++) {
    let f = 0;
    for (let j = 0; j < p; j++) f += d.X.get(i, j) * b[j]!;
    fitted[i] = f;
    resid[i] = y[i]! - f;
    sse += d.w ? d.w[i]! * resid[i]! ** 2 : resid[i]! ** 2;
  }
  const dfInt = d.intercept ? 1 : 0;
  const dfRes = n - p;
  const dfReg = p - dfInt;
  const ssr = d.intercept ? wSumSq(fitted, d.w) : wSumSqRaw(fitted, d.w);
  // no residual df: the residual variance is undefined (R's rss/0 is NaN or Inf by the rounding of rss)
  const s2 = dfRes > 0 ? sse / dfRes : NaN;
  const coef = b.map((bj, j) => {
    const se = Math.sqrt(s2 * d.covUnscaled.get(j, j));
    const t = bj / se;
    return { name: d.names[j]!, b: bj, se, t, p: tTwoSidedP(t, dfRes) };
  });
  const r2 = ssr / (ssr + sse);
  const f = dfReg > 0 ? ssr / dfReg / s2 : NaN;
  return {
    coef, fitted, resid, sse, ssr, dfReg, dfRes, r2, adjR2: dfRes > 0 ? 1 - ((1 - r2) * (n - dfInt)) / dfRes : NaN,
    f, fP: dfReg > 0 ? fSf(f, dfReg, dfRes) : NaN,
  };
}

// --- residual diagnostics --------------------------------------------------------------------------------

/**
 * SPSS NPAR TESTS /K-S(NORMAL) on the residuals: mean and sd estimated from the data. With frequency weights the
 * empirical CDF steps by w/N (the copies of a row are one step), n = N = Σw.
 */
export function ksNormality(x: ArrayLike<number>, w?: ArrayLike<number>): KsNormality {
  const rows = x.length;
  const n = w ? wsum(w) : rows;
  const m = wMean(x, w ?? null);
  const s = w ? Math.sqrt(wSumSq(x, w) / (n - 1)) : sd(x);
  let dPlus = -Infinity;
  let dMinus = -Infinity;
  if (w) {
    const order = Array.from({ length: rows }, (_, i) => i).sort((a, b) => x[a]! - x[b]!);
    let cum = 0;
    for (const i of order) {
      const F = normalCdf((x[i]! - m) / s);
      dMinus = Math.max(dMinus, F - cum / n);
      cum += w[i]!;
      dPlus = Math.max(dPlus, cum / n - F);
    }
  } else {
    const sorted = Float64Array.from(x).sort();
    for (let i = 0; i < n; i++) {
      const F = normalCdf((sorted[i]! - m) / s);
      dPlus = Math.max(dPlus, (i + 1) / n - F);
      dMinus = Math.max(dMinus, F - i / n);
    }
  }
  const d = Math.max(dPlus, dMinus);
  const z = Math.sqrt(n) * d;
  return {
    test: 'One-Sample Kolmogorov-Smirnov, test distribution Normal with mean and SD calculated from the data',
    n,
    mean: m,
    sd: s,
    mostExtremeDifferences: { absolute: d, positive: dPlus, negative: -dMinus },
    ksZ: z,
    asympP: kolmogorovSf(z),
    lillieforsP: n >= 5 ? lillieforsP(d, n) : null,
  };
}

/**
 * Lilliefors p-value of the KS distance D against a normal with estimated mean and sd: the Dallal-Wilkinson
 * (1986) approximation for p ≤ 0.1, and Stephens' modified statistic with a quartic fit above, with the
 * constants nortest::lillie.test uses (large n is rescaled to n = 100 with the exponent 0.49).
 */
export function lillieforsP(d: number, n: number): number {
  const kd = n <= 100 ? d : d * (n / 100) ** 0.49;
  const nd = n <= 100 ? n : 100;
  let p = Math.exp(
    -7.01256 * kd * kd * (nd + 2.78019) + 2.99587 * kd * Math.sqrt(nd + 2.78019) - 0.122119 + 0.974598 / Math.sqrt(nd) + 1.67997 / nd,
  );
  if (p > 0.1) {
    const kk = (Math.sqrt(n) - 0.01 + 0.85 / Math.sqrt(n)) * d;
    if (kk <= 0.302) p = 1;
    else if (kk <= 0.5) p = 2.76773 - 19.828315 * kk + 80.709644 * kk ** 2 - 138.55152 * kk ** 3 + 81.218052 * kk ** 4;
    else if (kk <= 0.9) p = -4.901232 + 40.662806 * kk - 97.490286 * kk ** 2 + 94.029866 * kk ** 3 - 32.355711 * kk ** 4;
    else if (kk <= 1.31) p = 6.198765 - 19.558097 * kk + 23.186922 * kk ** 2 - 12.234627 * kk ** 3 + 2.423045 * kk ** 4;
    else p = 0;
  }
  return p;
}

function breuschPagan(d: Design, e: Float64Array): BreuschPagan | null {
  const n = d.n;
  const k = d.names.length - 1; // the aux design has the intercept first
  const e2 = e.map((v) => v * v);
  if (wSumSq(e2, d.w) === 0 || k === 0) return null;
  const aux = fitOls(d, e2);
  const sigma2 = (d.w ? e2.reduce((s, v, i) => s + d.w![i]! * v, 0) : e2.reduce((s, v) => s + v, 0)) / n;
  const original = aux.ssr / (2 * sigma2 * sigma2);
  const statistic = n * aux.r2;
  return {
    variant: 'koenker',
    note: "Koenker's studentized Breusch-Pagan test (lmtest::bptest default): n·R² of e² regressed on the predictors, chi-square(k)",
    statistic,
    df: k,
    p: chisqSf(statistic, k),
    original: { statistic: original, df: k, p: chisqSf(original, k) },
  };
}

function glejser(d: Design, e: Float64Array): Glejser | null {
  const absE = e.map(Math.abs);
  if (wSumSq(absE, d.w) === 0) return null;
  const aux = fitOls(d, absE);
  if (aux.sse === 0 || aux.dfReg === 0) return null;
  return {
    note: 'Glejser test: |residual| regressed on the predictors; a significant F or t suggests heteroscedasticity',
    r2: aux.r2,
    f: aux.f,
    df: { regression: d.names.length - 1, residual: aux.dfRes },
    fP: aux.fP,
    coefficients: aux.coef,
  };
}

// --- frequency-weighted moments (w = null: the unweighted ones, unchanged) ----------------------------------

function wsum(w: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i]!;
  return s;
}

/** Weighted mean with the same correction pass as moments.mean. */
export function wMean(x: ArrayLike<number>, w: ArrayLike<number> | null): number {
  if (!w) return mean(x);
  let s = 0, sw = 0;
  for (let i = 0; i < x.length; i++) { s += w[i]! * x[i]!; sw += w[i]!; }
  const m = s / sw;
  let c = 0;
  for (let i = 0; i < x.length; i++) c += w[i]! * (x[i]! - m);
  return m + c / sw;
}

/** Σw·x² (uncentred). */
function wSumSqRaw(x: ArrayLike<number>, w: ArrayLike<number> | null): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (w ? w[i]! : 1) * x[i]! * x[i]!;
  return s;
}

/** Σw(x − x̄_w)². */
export function wSumSq(x: ArrayLike<number>, w: ArrayLike<number> | null): number {
  if (!w) return sumSq(x);
  const m = wMean(x, w);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += w[i]! * (x[i]! - m) ** 2;
  return s;
}

function weightFigures(w: Float64Array): { n: number; sum: number; nEffective: number; deff: number } {
  const { n, sum, nEffective, deff } = weightSummary(w);
  return { n, sum, nEffective, deff };
}
