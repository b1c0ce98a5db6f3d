// Test helpers: run cleanDrop and keep everything it produced.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  cleanDrop, defaultInstrument, loadInstrument, type CleanOptions, type CleanRow, type DropInput, type DropManifest,
  type Instrument, type RejectedRow,
} from '../../../../shared/survey/index';

export const FIXTURES = join(import.meta.dirname, '../../../fixtures/survey');

export function fixture(name: string): Buffer {
  return readFileSync(join(FIXTURES, name));
}

export const minimalInstrument: Instrument = loadInstrument(
  JSON.parse(readFileSync(join(FIXTURES, 'minimal-instrument.json'), 'utf8')),
  'test/fixtures/survey/minimal-instrument.json',
);

export interface Cleaned {
  manifest: DropManifest;
  clean: CleanRow[];
  rejects: RejectedRow[];
  byLine: Map<number, { clean?: CleanRow; reject?: RejectedRow }>;
}

export async function clean(
  input: DropInput,
  opts: Partial<Omit<CleanOptions, 'onClean' | 'onReject'>> = {},
): Promise<Cleaned> {
  const cleanRows: CleanRow[] = [];
  const rejects: RejectedRow[] = [];
  const manifest = await cleanDrop(input, {
    instrument: defaultInstrument,
    source: 'test.csv',
    ...opts,
    onClean: (r) => void cleanRows.push(r),
    onReject: (r) => void rejects.push(r),
  });
  const byLine = new Map<number, { clean?: CleanRow; reject?: RejectedRow }>();
  for (const r of cleanRows) byLine.set(r.line, { clean: r });
  for (const r of rejects) byLine.set(r.line, { reject: r });
  return { manifest, clean: cleanRows, rejects, byLine };
}

/** Splits a buffer into chunks at the given cut points (to test that chunking never matters). */
export function chunked(buf: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => Math.max(0, Math.min(buf.length, c))))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of [...points, buf.length]) {
    if (p > prev) out.push(buf.subarray(prev, p));
    prev = p;
  }
  return out;
}

/** Minimal-instrument CSV from rows of cells (comma, LF). */
export const MIN_HEADER = 'respondent_id,branch_id,period,CRM1,CRM2,CRM3,CRM4,TRUST1,TRUST2,TRUST3,TRUST4';
export function minimalCsv(rows: string[], header = MIN_HEADER): string {
  return [header, ...rows].join('\n') + '\n';
}
