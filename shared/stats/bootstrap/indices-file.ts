// Reads a resample-indices file from disk (.csv or gzip-compressed .csv.gz), e.g. seminr's exported
// boot_indices_n<N>_seed<SEED>.csv.gz, for replaying seminr's exact resamples.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parseResampleIndicesCsv, type ParsedIndices } from './resample-source';

export function readResampleIndicesFile(path: string): ParsedIndices {
  return parseResampleIndicesCsv(readMaybeGzipText(path), path);
}

/** File text, gunzipped when it starts with the gzip magic bytes. */
export function readMaybeGzipText(path: string): string {
  const buf = readFileSync(path);
  const gz = buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  try {
    return (gz ? gunzipSync(buf) : buf).toString('utf8');
  } catch (e) {
    throw new Error(`${path}: cannot decompress: ${(e as Error).message}`);
  }
}
