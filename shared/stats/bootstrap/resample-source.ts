// Where resample rows come from: seminr-compatible seeded draws, indices given by the caller (e.g. seminr's own
// exported indices), or leave-one-out rows for the jackknife. All rows are 0-based indices into the data table.
// A source is plain data so it can be posted to worker threads and rebuilt there.
import { parse } from 'csv-parse/sync';
import { seminrResampleRows } from './r-rng';

export type ResampleSourceSpec =
  /** Resample i (1-based) = set.seed(seed + i); sample.int(n, replace = TRUE), minus 1. */
  | { kind: 'seeded'; seed: number; n: number; count: number }
  /** Resample i = rows[i*size .. (i+1)*size), 0-based. */
  | { kind: 'given'; rows: Int32Array; size: number; count: number }
  /** Resample i = every row but row i (count = n, size = n - 1). */
  | { kind: 'jackknife'; n: number; count: number };

export interface ResampleSource {
  readonly spec: ResampleSourceSpec;
  /** Number of resamples. */
  readonly count: number;
  /** Rows per resample. */
  readonly size: number;
  /** Rows of resample i (0-based resample number), written into out (length size). */
  rows(i: number, out: Int32Array): Int32Array;
}

export function seededSource(seed: number, n: number, count: number): ResampleSource {
  return sourceFromSpec({ kind: 'seeded', seed, n, count });
}

/** Given 0-based rows, one array per resample; all resamples must have the same size. dataRows bounds-checks them. */
export function givenSource(resamples: readonly ArrayLike<number>[], dataRows?: number): ResampleSource {
  if (resamples.length === 0) throw new Error('given resample indices: no resamples');
  const size = resamples[0]!.length;
  const rows = new Int32Array(resamples.length * size);
  resamples.forEach((r, i) => {
    if (r.length !== size) throw new Error(`given resample indices: resample ${i + 1} has ${r.length} rows, expected ${size}`);
    for (let k = 0; k < size; k++) {
      const v = r[k]!;
      if (!Number.isInteger(v) || v < 0 || (dataRows !== undefined && v >= dataRows)) {
        throw new Error(`given resample indices: resample ${i + 1}, position ${k + 1}: row ${v} is not a 0-based row index${dataRows !== undefined ? ` below ${dataRows}` : ''}`);
      }
      rows[i * size + k] = v;
    }
  });
  return sourceFromSpec({ kind: 'given', rows, size, count: resamples.length });
}

export function jackknifeSource(n: number): ResampleSource {
  return sourceFromSpec({ kind: 'jackknife', n, count: n });
}

/** The first `count` resamples of a source. */
export function limitSource(src: ResampleSource, count: number): ResampleSource {
  if (!Number.isInteger(count) || count < 1 || count > src.count) {
    throw new RangeError(`resample count ${count} out of range (the source has ${src.count})`);
  }
  const s = src.spec;
  if (s.kind === 'given') return sourceFromSpec({ ...s, rows: s.rows.subarray(0, count * s.size), count });
  return sourceFromSpec({ ...s, count });
}

export function sourceFromSpec(spec: ResampleSourceSpec): ResampleSource {
  switch (spec.kind) {
    case 'seeded':
      return {
        spec, count: spec.count, size: spec.n,
        rows: (i, out) => seminrResampleRows(spec.seed, i + 1, spec.n, out),
      };
    case 'given':
      return {
        spec, count: spec.count, size: spec.size,
        rows: (i, out) => {
          out.set(spec.rows.subarray(i * spec.size, (i + 1) * spec.size));
          return out;
        },
      };
    case 'jackknife':
      return {
        spec, count: spec.count, size: spec.n - 1,
        rows: (i, out) => {
          for (let k = 0, j = 0; k < spec.n; k++) if (k !== i) out[j++] = k;
          return out;
        },
      };
  }
}

export interface ParsedIndices {
  /** Rows per resample (the n of the data they index). */
  n: number;
  /** 0-based rows, one Int32Array per resample, in file order. */
  resamples: Int32Array[];
}

/**
 * Parses seminr-style resample indices: header `resample,r1,...,rN`, then one line per resample i = 1, 2, ...
 * holding the 1-based data rows of that resample (the format of test/fixtures/reference/results/boot_indices_*.csv).
 */
export function parseResampleIndicesCsv(text: string, source: string): ParsedIndices {
  const records = parse(text, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: true }) as string[][];
  if (records.length < 2) throw new Error(`${source}: no resamples (need a header line and at least one data line)`);
  const header = records[0]!;
  if (header[0] !== 'resample') throw new Error(`${source}: line 1, column 1: expected 'resample', got '${header[0]}'`);
  const n = header.length - 1;
  if (n < 1) throw new Error(`${source}: line 1: no row columns after 'resample'`);
  const resamples: Int32Array[] = [];
  for (let r = 1; r < records.length; r++) {
    const rec = records[r]!;
    const line = r + 1;
    if (rec.length !== n + 1) throw new Error(`${source}: line ${line}: ${rec.length} columns, expected ${n + 1}`);
    if (Number(rec[0]) !== r) throw new Error(`${source}: line ${line}, column 'resample': expected ${r}, got '${rec[0]}'`);
    const rows = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      const cell = rec[k + 1]!;
      const v = Number(cell);
      if (!Number.isInteger(v) || v < 1 || v > n || cell === '') {
        throw new Error(`${source}: line ${line}, column '${header[k + 1]}': '${cell}' is not a row number in 1..${n}`);
      }
      rows[k] = v - 1;
    }
    resamples.push(rows);
  }
  return { n, resamples };
}
