// The PLS bootstrap replays seminr's bootstrap_model(nboot = 5000, seed = 123) on the four reference models:
// all 5000 resamples of every model, on 2 worker threads (about 2-3 s of CPU per model pair per core).
// mobi_ecsi and corp_rep_moderation draw their resamples from the seed (the R generator), mobi_two_stage and
// corp_rep_simple read seminr's exported indices files. Checked: every summary record of the reference JSON
// (paths, loadings, weights, HTMT, total paths, specific and total indirect: mean, SD, t, CI bounds) and every
// stored path, loading and weight draw of *_boot_draws.csv.gz, each to 1e-6 (measured: about 1e-14).
import { describe, expect, it } from 'vitest';
import { bootstrapPls, jackknifePls, type BootstrapOptions } from '../../../../../shared/stats/bootstrap/driver';
import { readResampleIndicesFile } from '../../../../../shared/stats/bootstrap/indices-file';
import { summarizeBootstrap } from '../../../../../shared/stats/bootstrap/summary';
import { createPlsEstimator } from '../../../../../shared/stats/pls';
import type { ParamInfo } from '../../../../../shared/stats/pls/types';
import { loadReference } from '../../../../helpers/reference';
import { compareSection, readDraws, refPath, SECTIONS, type RefRecord } from './helpers';

const TOL = 1e-6;

interface RefBootstrap extends Record<keyof typeof SECTIONS, RefRecord[]> {
  nboot_requested: number;
  nboot_successful: number;
  seed: number;
  draws_file: string;
  indices_file: string;
}

const CASES = [
  ['mobi_ecsi', 'seed'],
  ['corp_rep_simple', 'indices'],
  ['corp_rep_moderation', 'seed'],
  ['mobi_two_stage', 'indices'],
] as const;

/** Layout index of each draws-file column ("path:A->B", "loading:C<-item", "weight:C<-item"). */
function drawColumns(header: string[], layout: readonly ParamInfo[]): number[] {
  return header.slice(1).map((h) => {
    const [kind, rest] = h.split(':') as [string, string];
    const [a, b] = (kind === 'path' ? rest.split('->') : rest.split('<-').reverse()) as [string, string];
    const j = layout.findIndex((p) => p.kind === kind && p.from === a && p.to === b);
    if (j < 0) throw new Error(`draws column ${h} has no parameter in the estimator's layout`);
    return j;
  });
}

describe("PLS bootstrap replays seminr's 5000 resamples", () => {
  it.each(CASES)('%s (resamples from %s)', async (name, from) => {
    const rc = loadReference(name);
    const ref = (rc.json as unknown as { bootstrap: RefBootstrap }).bootstrap;
    const est = createPlsEstimator(rc.spec);
    const source: BootstrapOptions =
      from === 'seed'
        ? { seed: ref.seed, nboot: ref.nboot_requested }
        : { indices: readResampleIndicesFile(refPath(`results/${ref.indices_file}`)).resamples };
    const run = await bootstrapPls(est, rc.data, { ...source, workers: 2 });
    expect(run.failures).toEqual([]);
    expect(run.resamples.length).toBe(ref.nboot_successful);

    const s = summarizeBootstrap(run);
    for (const section of Object.keys(SECTIONS) as (keyof typeof SECTIONS)[]) {
      const { worst, missing, extra, count } = compareSection(s.params, section, ref[section]);
      expect(missing, `${section}: records we do not produce`).toEqual([]);
      expect(extra, `${section}: parameters seminr does not list`).toBe(0);
      for (const [stat, d] of Object.entries(worst)) expect(d, `${section} ${stat} (${count} records)`).toBeLessThan(TOL);
    }

    // Draw by draw: seminr's stored path, loading and weight draws of every resample.
    const draws = readDraws(ref.draws_file);
    const cols = drawColumns(draws.header, run.layout);
    const p = run.layout.length;
    let worst = 0;
    for (const row of draws.rows) {
      const r = row[0]! - 1; // no failures, so draws row r is resample r + 1
      expect(run.resamples[r]).toBe(row[0]);
      cols.forEach((j, c) => {
        worst = Math.max(worst, Math.abs(run.draws[r * p + j]! - row[c + 1]!));
      });
    }
    expect(draws.rows.length).toBe(ref.nboot_successful);
    expect(worst).toBeLessThan(TOL);
  });

  it('gives bitwise the same PLS draws on worker threads as in one thread', async () => {
    const rc = loadReference('corp_rep_moderation');
    const est = createPlsEstimator(rc.spec);
    const one = await bootstrapPls(est, rc.data, { seed: 123, nboot: 120 });
    const two = await bootstrapPls(est, rc.data, { seed: 123, nboot: 120, workers: 2, chunkSize: 13 });
    expect(Buffer.from(two.draws.buffer).equals(Buffer.from(one.draws.buffer))).toBe(true);
  });

  it('gives BCa intervals from a jackknife over the rows', async () => {
    const rc = loadReference('corp_rep_simple');
    const est = createPlsEstimator(rc.spec);
    const run = await bootstrapPls(est, rc.data, { seed: 123, nboot: 1000 });
    const jackknife = await jackknifePls(est, rc.data, { workers: 2 });
    expect(jackknife.resamples.length).toBe(rc.data.n);
    const s = summarizeBootstrap(run, { jackknife });
    const paths = s.params.filter((q) => q.kind === 'path');
    expect(paths).toHaveLength(5);
    for (const q of s.params.filter((x) => !Number.isNaN(x.t))) {
      // Inside the range of the draws, lower below upper; close to the percentile interval for these near-symmetric draws.
      expect(q.bcaLower).toBeLessThan(q.bcaUpper);
      expect(Math.abs(q.bcaLower - q.ciLower)).toBeLessThan(q.bootSd);
      expect(Math.abs(q.bcaUpper - q.ciUpper)).toBeLessThan(q.bootSd);
    }
  });
});
