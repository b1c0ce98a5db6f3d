// The Indeks Kepuasan Masyarakat (IKM) of Peraturan Menteri PANRB No. 14 Tahun 2017 (Lampiran, Bab IV "Pengolahan
// Data Survei" and Bab V): what every Indonesian public-service unit publishes from its Survei Kepuasan Masyarakat.
//
//   NRR_u           = mean of the valid answers (1-4) to unsur u        (nilai rata-rata unsur)
//   NRR tertimbang  = NRR_u × w,  w = 1/k for k unsur (exact), or 1/k rounded to three decimals as the
//                     regulation's tables print it (0.111 for nine: the IKM is then 0.999 × the exact one,
//                     0.02-0.10 points lower on 25-100)
//   IKM             = Σ NRR tertimbang × 25                               (25-100 on a 1-4 scale)
//   mutu pelayanan  = the IKM rounded half-up to two decimals, then A (Sangat Baik) ≥ 88.31,
//                     B (Baik) ≥ 76.61, C (Kurang Baik) ≥ 65.00, else D (Tidak Baik)
// The published intervals (25.00-64.99, 65.00-76.60, 76.61-88.30, 88.31-100) leave gaps such as 88.30-88.31;
// rounding to the two decimals they are written in first closes them (an unrounded 88.305 reads 88.31: A).
//
// The CI is the percentile interval of the IKM over bootstrap resamples of the respondents (R's quantile type 7,
// resample i drawn as R's set.seed(seed + i); sample.int(n, replace = TRUE), like every other index here); the
// margin of error is its half-width. Pure.
//
// Survey weights (opts.rowWeights, one per row, frequency semantics: a row of weight k counts as k copies, weight 0
// = absent): NRR_u = Σw·answer / Σw over the valid answers, and each bootstrap resample draws rows exactly as
// unweighted, a drawn row carrying its weight. Integer weights give the point estimates of the repeated rows; all-ones
// weights give today's figures and draws bit for bit.
import { seminrResampleRows } from './bootstrap/r-rng';
import { weightSummary } from './survey-weights';
import { quantileType7 } from './bootstrap/quantile';
import { StatsInputError } from './errors';

export type Band = 'A' | 'B' | 'C' | 'D';
export type WeightRule = 'exact' | 'regulation';

/** Lower bounds of A, B, C on the IKM rounded to two decimals (Permenpan RB 14/2017, Bab V). */
export const BAND_FLOORS: readonly { band: Band; floor: number }[] = [
  { band: 'A', floor: 88.31 },
  { band: 'B', floor: 76.61 },
  { band: 'C', floor: 65.0 },
];

/** Half-up rounding to two decimals, robust to binary noise (88.305 stored as 88.30499… still rounds up). */
export function round2(x: number): number {
  return Math.round(Number((x * 100).toFixed(6))) / 100;
}

export function bandOf(ikm: number): Band | null {
  if (!Number.isFinite(ikm)) return null;
  const r = round2(ikm);
  return BAND_FLOORS.find((b) => r >= b.floor)?.band ?? 'D';
}

/** The weight of each of k unsur. */
export function unsurWeight(k: number, rule: WeightRule = 'exact'): number {
  return rule === 'exact' ? 1 / k : Math.round(1000 / k) / 1000;
}

/** Mean of the valid (non-NaN) answers and their count. */
export function nrrOf(col: ArrayLike<number>, rows?: ArrayLike<number>): { nrr: number; n: number } {
  let s = 0, n = 0;
  const len = rows ? rows.length : col.length;
  for (let i = 0; i < len; i++) {
    const v = col[rows ? rows[i]! : i]!;
    if (v === v) { s += v; n++; }
  }
  return { nrr: n ? s / n : NaN, n };
}

/** IKM from the unsur means (an unsur without answers makes it NaN: the IKM needs every unsur). */
export function ikmFromNrr(nrr: readonly number[], rule: WeightRule = 'exact'): number {
  const w = unsurWeight(nrr.length, rule);
  let s = 0;
  for (const x of nrr) s += x * w;
  return s * 25;
}

/**
 * Krejcie & Morgan's sample size for a population N: S = χ²NP(1−P) / (d²(N−1) + χ²P(1−P)), χ² = 3.841 (1 df, 95%),
 * P = 0.5, d = 0.05, rounded as their table prints it (N = 300 → 169, 2,000 → 322, very large → 384).
 */
export function krejcieMorgan(N: number, chi2 = 3.841, P = 0.5, d = 0.05): number {
  if (!(N >= 1)) throw new RangeError(`population must be at least 1, got ${N}`);
  if (!Number.isFinite(N)) return Math.round((chi2 * P * (1 - P)) / (d * d));
  return Math.round((chi2 * N * P * (1 - P)) / (d * d * (N - 1) + chi2 * P * (1 - P)));
}

export interface UnsurFigure {
  unsur: string;
  /** Respondents who answered it. */
  n: number;
  nrr: number;
  weighted: number;
}

export interface Priority { unsur: string; nrr: number; why: 'lowest' | 'below-cutoff' }

export interface IkmResult {
  n: number;
  unsur: UnsurFigure[];
  weight: number;
  weights: WeightRule;
  ikm: number;
  /** IKM rounded half-up to two decimals, what is published and banded. */
  ikmRounded: number;
  band: Band | null;
  se: number;
  ciLow: number;
  ciHigh: number;
  /** Half-width of the CI, in IKM points. */
  moe: number;
  nboot: number;
  priorities: Priority[];
  /** With row weights: Σw over the respondents and Kish's effective n (Σw)²/Σw². */
  weighted?: { sum: number; nEffective: number };
}

export interface IkmOptions {
  weights?: WeightRule;
  nboot?: number;
  seed?: number;
  /** CI level 1 − alpha. */
  alpha?: number;
  /** Survey weights of the rows (>= 0, finite; see the header). Not `weights`, which is the unsur weight rule. */
  rowWeights?: ArrayLike<number>;
}

/**
 * Improvement priorities: the weakest unsur, and every unsur whose NRR is below 3.0 (below 2.5 for a unit graded
 * C or D, where most unsur sit under 3.0 and the list would name them all), weakest first.
 */
export function prioritiesOf(unsur: readonly UnsurFigure[], band: Band | null): Priority[] {
  const valid = unsur.filter((u) => Number.isFinite(u.nrr)).sort((a, b) => a.nrr - b.nrr || a.unsur.localeCompare(b.unsur));
  if (!valid.length) return [];
  const cutoff = band === 'C' || band === 'D' ? 2.5 : 3.0;
  return valid.flatMap((u, k): Priority[] => (k === 0 ? [{ unsur: u.unsur, nrr: u.nrr, why: 'lowest' }] : u.nrr < cutoff ? [{ unsur: u.unsur, nrr: u.nrr, why: 'below-cutoff' }] : []));
}

/**
 * The IKM of one unit: `cols` are the unsur columns in order (answers 1-4, NaN = no answer), all of one length; n is
 * the rows that answered at least one unsur. A bootstrap resample whose IKM does not exist (an unsur with no answer in
 * it) is left out of the CI.
 */
export function computeIkm(names: readonly string[], columns: readonly ArrayLike<number>[], opts: IkmOptions = {}): IkmResult {
  let cols = columns;
  const rule = opts.weights ?? 'exact';
  const nboot = opts.nboot ?? 1000;
  const seed = opts.seed ?? 20240101;
  const alpha = opts.alpha ?? 0.05;
  // The SKM's respondents: rows that answered at least one unsur (a row of a drop without the SKM, or whose SKM
  // part is blank, is no respondent of it and is not resampled).
  const rowsAll = cols[0]?.length ?? 0;
  const rw = opts.rowWeights;
  if (rw) {
    if (rw.length !== rowsAll) throw new StatsInputError(`${rw.length} row weights for ${rowsAll} rows`);
    for (let i = 0; i < rowsAll; i++) {
      if (!(Number.isFinite(rw[i]!) && rw[i]! >= 0)) throw new StatsInputError(`row ${i + 1}: weight must be a finite number >= 0, got ${rw[i]}`);
    }
  }
  const kept: number[] = [];
  for (let i = 0; i < rowsAll; i++) if (cols.some((c) => c[i] === c[i]) && (!rw || rw[i]! > 0)) kept.push(i);
  if (kept.length < rowsAll) cols = cols.map((c) => Float64Array.from(kept, (i) => c[i]!));
  const w = rw ? Float64Array.from(kept, (i) => rw[i]!) : null;
  const n = kept.length;
  const weight = unsurWeight(names.length, rule);
  const unsur = names.map((u, j) => {
    const { nrr, n: answered } = w ? weightedNrr(cols[j]!, w) : nrrOf(cols[j]!);
    return { unsur: u, n: answered, nrr, weighted: nrr * weight };
  });
  const ikm = ikmFromNrr(unsur.map((u) => u.nrr), rule);
  const band = bandOf(ikm);
  let se = NaN, ciLow = NaN, ciHigh = NaN;
  if (n >= 2 && nboot >= 2 && Number.isFinite(ikm)) {
    const rows = new Int32Array(n);
    const draws: number[] = [];
    const nrr = new Array<number>(names.length);
    // one row's k answers side by side (0 = no answer): the resampled rows are read one cache line each
    const packed = packAnswers(cols, n, w ? Infinity : MAX_PACKED_ROWS);
    const k = names.length, sum = new Int32Array(k), cnt = new Int32Array(k);
    const wsum = new Float64Array(k), wcnt = new Float64Array(k);
    for (let b = 1; b <= nboot; b++) {
      seminrResampleRows(seed, b, n, rows); // set.seed(seed + b); sample.int(n, replace = TRUE)
      if (w && packed) {
        // weighted: the drawn rows carry their weights (all-ones weights sum the same values in the same order)
        wsum.fill(0); wcnt.fill(0);
        for (let i = 0; i < n; i++) {
          const r = rows[i]!, wr = w[r]!, base = r * k;
          for (let j = 0; j < k; j++) {
            const v = packed[base + j]!;
            if (v !== 0) { wsum[j]! += wr * v; wcnt[j]! += wr; }
          }
        }
        for (let j = 0; j < k; j++) nrr[j] = wcnt[j]! > 0 ? wsum[j]! / wcnt[j]! : NaN;
      } else if (w) {
        // the same, column by column (answers that are not whole numbers 1-255)
        wsum.fill(0); wcnt.fill(0);
        for (let i = 0; i < n; i++) {
          const r = rows[i]!, wr = w[r]!;
          for (let j = 0; j < k; j++) {
            const v = cols[j]![r]!;
            if (v === v) { wsum[j]! += wr * v; wcnt[j]! += wr; }
          }
        }
        for (let j = 0; j < k; j++) nrr[j] = wcnt[j]! > 0 ? wsum[j]! / wcnt[j]! : NaN;
      } else if (packed) {
        // hot kernel: one row's k answers sit together (one cache line), 0 = no answer; integer sums (int32, exact up
        // to MAX_PACKED_ROWS) make the NRRs equal the column-wise ones to the last bit
        sum.fill(0); cnt.fill(0);
        for (let i = 0; i < n; i++) {
          const base = rows[i]! * k;
          for (let j = 0; j < k; j++) {
            const v = packed[base + j]!;
            if (v !== 0) { sum[j]! += v; cnt[j]!++; }
          }
        }
        for (let j = 0; j < k; j++) nrr[j] = cnt[j]! > 0 ? sum[j]! / cnt[j]! : NaN;
      } else {
        for (let j = 0; j < k; j++) nrr[j] = nrrOf(cols[j]!, rows).nrr;
      }
      const v = ikmFromNrr(nrr, rule);
      if (Number.isFinite(v)) draws.push(v);
    }
    if (draws.length >= 2) {
      const m = draws.reduce((a, x) => a + x, 0) / draws.length;
      se = Math.sqrt(draws.reduce((a, x) => a + (x - m) ** 2, 0) / (draws.length - 1));
      const sorted = Float64Array.from(draws).sort();
      ciLow = quantileType7(sorted, alpha / 2);
      ciHigh = quantileType7(sorted, 1 - alpha / 2);
    }
  }
  return {
    n, unsur, weight, weights: rule, ikm, ikmRounded: Number.isFinite(ikm) ? round2(ikm) : NaN, band, se, ciLow, ciHigh,
    moe: (ciHigh - ciLow) / 2, nboot, priorities: prioritiesOf(unsur, band),
    ...(w ? { weighted: kishOf(w) } : {}),
  };
}

/** Weighted mean of the valid answers; n is the rows that answered. */
function weightedNrr(col: ArrayLike<number>, w: Float64Array): { nrr: number; n: number } {
  let s = 0, sw = 0, n = 0;
  for (let i = 0; i < col.length; i++) {
    const v = col[i]!;
    if (v === v) { s += w[i]! * v; sw += w[i]!; n++; }
  }
  return { nrr: sw > 0 ? s / sw : NaN, n };
}

function kishOf(w: Float64Array): { sum: number; nEffective: number } {
  const { sum, nEffective } = weightSummary(w);
  return { sum, nEffective };
}

/** The kernel sums in int32: 255 x 8 million rows stays below 2^31. */
const MAX_PACKED_ROWS = 8_000_000;

/**
 * The answers row by row in bytes (1-255; 0 = no answer) when every answer is a whole number in 1-255, which SKM
 * codes (1-4) are; null otherwise (the bootstrap then reads the columns).
 */
function packAnswers(cols: readonly ArrayLike<number>[], n: number, maxRows: number): Uint8Array | null {
  const k = cols.length;
  if (n > maxRows) return null;
  const out = new Uint8Array(n * k);
  for (let j = 0; j < k; j++) {
    const c = cols[j]!;
    for (let i = 0; i < n; i++) {
      const v = c[i]!;
      if (v !== v) continue;
      if (!(v >= 1 && v <= 255 && Math.floor(v) === v)) return null;
      out[i * k + j] = v;
    }
  }
  return out;
}

export interface SampleAdequacy { population: number; required: number; n: number; enough: boolean }

export function sampleAdequacy(population: number, n: number): SampleAdequacy {
  const required = krejcieMorgan(population);
  return { population, required, n, enough: n >= required };
}
