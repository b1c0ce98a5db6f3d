// Shared loading for the multigroup tests: test/fixtures/mga/mga.json (made by test/fixtures/mga/mga.R with seminr),
// its model files, and mobi split as there (group A = CUEX1 < 8, group B = the rest).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parsePlsModel, type PlsModelSpec } from '../../../../../shared/models/spec';
import { readNumericCsv } from '../../../../../shared/stats/read-csv';
import { selectRows, type DataTable } from '../../../../../shared/stats/table';
import { referenceDir, repoRoot } from '../../../../helpers/reference';

export const mgaDir = path.join(repoRoot, 'test', 'fixtures', 'mga');

export interface MgaCase {
  pls_mga: { from: string; to: string; estimate: number; group1_beta: number; group2_beta: number; diff: number; group1_beta_mean: number; group2_beta_mean: number; pls_mga_p: number }[];
  groups: { A: { n: number; paths: number[]; weights: Record<string, number> }; B: { n: number; paths: number[]; weights: Record<string, number> } };
  permutation: { permutations: number; seed: number; observed: number[]; diffs: number[][]; p: number[] };
  micom: { c: Record<string, number>; mean_diff: Record<string, number>; log_var_ratio: Record<string, number> };
}

export const mgaFixture = JSON.parse(readFileSync(path.join(mgaDir, 'mga.json'), 'utf8')) as {
  meta: { nboot: number; seed: number; permutations: number };
  sample_int_draws: number[][];
  mobi_ecsi: MgaCase;
  mobi_two_stage: MgaCase;
};

export const MGA_MODELS = [['mobi-ecsi', 'mobi_ecsi'], ['mobi-two-stage', 'mobi_two_stage']] as const;

export function mgaSpec(file: string): PlsModelSpec {
  return parsePlsModel(JSON.parse(readFileSync(path.join(mgaDir, `${file}.model.json`), 'utf8')), file);
}

/** mobi split as in mga.R: A = rows with CUEX1 < 8 (in file order), B = the others. */
export function mobiGroups(): { data: DataTable; A: DataTable; B: DataTable } {
  const data = readNumericCsv(readFileSync(path.join(referenceDir, 'data', 'mobi.csv'), 'utf8'), 'mobi.csv');
  const cue = data.cols[data.names.indexOf('CUEX1')]!;
  const ia: number[] = [], ib: number[] = [];
  for (let r = 0; r < data.n; r++) (cue[r]! < 8 ? ia : ib).push(r);
  return { data, A: selectRows(data, ia), B: selectRows(data, ib) };
}
