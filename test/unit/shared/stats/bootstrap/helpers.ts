// Shared by the bootstrap tests: where seminr's reference results live and how to read them.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { readMaybeGzipText } from '../../../../../shared/stats/bootstrap/indices-file';
import type { ParamSummary } from '../../../../../shared/stats/bootstrap/summary';
import { referenceDir } from '../../../../helpers/reference';

/** A file of seminr's reference results, e.g. refPath('results/mobi_ecsi.json') (test/fixtures/reference). */
export const refPath = (rel: string) => path.join(referenceDir, rel);
// The reference results are the ground truth: their absence fails the suite instead of skipping it.
if (!existsSync(refPath('results/mobi_ecsi.json'))) {
  throw new Error(`seminr reference results not found in ${referenceDir} (see test/fixtures/reference/README.md)`);
}

/** A seminr draws file: header "boot","path:A->B","loading:C<-item","weight:C<-item", one line per resample. */
export function readDraws(file: string): { header: string[]; rows: number[][] } {
  const recs = parse(readMaybeGzipText(refPath(`results/${file}`))) as string[][];
  return { header: recs[0]!, rows: recs.slice(1).map((r) => r.map(Number)) };
}

export const SECTIONS = { paths: 'path', loadings: 'loading', weights: 'weight', htmt: 'htmt', total_paths: 'total', specific_indirect: 'specific_indirect', total_indirect: 'total_indirect' } as const;

export interface RefRecord { from: string; to: string; through?: string; original: number; boot_mean: number; boot_sd: number; t_stat: number | null; ci_lower: number; ci_upper: number }

/** Largest absolute difference per statistic between our summary and a reference bootstrap section. */
export function compareSection(params: ParamSummary[], section: keyof typeof SECTIONS, records: RefRecord[]) {
  const kind = SECTIONS[section];
  const ours = new Map(params.filter((p) => p.kind === kind).map((p) => [`${p.from}|${(p.through ?? []).join('>')}|${p.to}`, p]));
  const worst = { original: 0, mean: 0, sd: 0, t: 0, ci: 0 };
  const missing: string[] = [];
  for (const r of records) {
    const key = `${r.from}|${r.through ?? ''}|${r.to}`;
    const p = ours.get(key);
    if (!p) { missing.push(key); continue; }
    worst.original = Math.max(worst.original, Math.abs(p.original - r.original));
    worst.mean = Math.max(worst.mean, Math.abs(p.bootMean - r.boot_mean));
    worst.sd = Math.max(worst.sd, Math.abs(p.bootSd - r.boot_sd));
    // seminr's t is NA (null) where the draws are constant (single-item loadings and weights); ours is NaN there.
    if (r.t_stat === null) worst.t = Math.max(worst.t, Number.isNaN(p.t) ? 0 : Infinity);
    else worst.t = Math.max(worst.t, Math.abs(p.t - r.t_stat) / Math.abs(r.t_stat));
    worst.ci = Math.max(worst.ci, Math.abs(p.ciLower - r.ci_lower), Math.abs(p.ciUpper - r.ci_upper));
  }
  // Ours minus theirs; specific indirect effects also cover chains of 3+ paths, which the references do not list.
  const extra = [...ours.values()].filter((p) => kind !== 'specific_indirect' || p.through!.length === 1).length - records.length + missing.length;
  return { worst, missing, extra, count: records.length };
}
