// Loads seminr's reference results (test/fixtures/reference, a verbatim copy; see its README.md) and their input
// data for the tests and benches. The one place that says where the reference files live.
// The model spec is rebuilt from the JSON's meta.spec (seminr's mmMatrix / smMatrix rows, already in seminr's order).
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePlsModel, type PlsModelSpec } from '../../shared/models/spec';
import { readNumericCsv } from '../../shared/stats/read-csv';
import type { DataTable } from '../../shared/stats/table';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const referenceDir = path.join(repoRoot, 'test', 'fixtures', 'reference');

export type RefMatrix = { rows: string[]; cols: string[]; values: (number | null)[][] };

/** The parts of a reference JSON the tests read (see test/fixtures/reference/README.md for the whole layout). */
export interface ReferenceEstimate {
  n_obs: number;
  iterations: number;
  weight_diff_at_stop: number;
  constructs: string[];
  measurement: { construct: string; item: string; mode: string; loading: number; weight: number }[];
  outer_loadings: RefMatrix;
  outer_weights: RefMatrix;
  paths: { from: string; to: string; coef: number }[];
  path_coef: RefMatrix;
  r_squared: Record<string, { r2: number; adj_r2: number }>;
  reliability: Record<string, { alpha: number; rhoC: number; AVE: number; rhoA: number }>;
  htmt: RefMatrix;
  htmt_pairs: { a: string; b: string; htmt: number }[];
  fornell_larcker: RefMatrix;
  vif_antecedents: Record<string, Record<string, number | null>>;
  vif_items: Record<string, Record<string, number>>;
  f_squared: RefMatrix;
  total_effects: RefMatrix;
  total_indirect_effects: RefMatrix;
  cross_loadings: RefMatrix;
  construct_correlations: RefMatrix;
  indicator_mean: Record<string, number>;
  indicator_sd: Record<string, number>;
  construct_scores: RefMatrix;
}

export interface ReferenceCase {
  name: string;
  json: {
    meta: {
      dataset: string;
      settings: { missing_value: string | null; maxIt: number; stopCriterion: number; inner_weights: string };
      spec: { mmMatrix: { construct: string; measurement: string; type: string }[]; smMatrix: { source: string; target: string }[] };
    };
    estimate: ReferenceEstimate;
    bootstrap: { indices_file: string; draws_file: string; nboot_successful: number };
  };
  spec: PlsModelSpec;
  data: DataTable;
}

function requireFile(p: string): string {
  if (!existsSync(p)) {
    throw new Error(`seminr reference file missing: ${p} (see test/fixtures/reference/README.md)`);
  }
  return p;
}

/** seminr's specification rows -> our model spec (interaction terms are the mmMatrix constructs named "iv*mod"). */
export function specFromSeminr(meta: ReferenceCase['json']['meta']): PlsModelSpec {
  const constructs: Record<string, { items: string[]; mode: 'A' | 'B' }> = {};
  const interactions: { name: string; between: [string, string]; method: 'two-stage' }[] = [];
  for (const row of meta.spec.mmMatrix) {
    if (row.construct.includes('*')) {
      if (!interactions.some((i) => i.name === row.construct)) {
        const [iv, mod] = row.construct.split('*') as [string, string];
        interactions.push({ name: row.construct, between: [iv, mod], method: 'two-stage' });
      }
      continue;
    }
    const c = (constructs[row.construct] ??= { items: [], mode: row.type === 'B' ? 'B' : 'A' });
    c.items.push(row.measurement);
  }
  const paths = meta.spec.smMatrix.map((r) => ({ from: r.source, to: r.target }));
  return parsePlsModel({ constructs, interactions, paths, innerWeighting: meta.settings.inner_weights === 'path_factorial' ? 'factorial' : 'path' }, 'reference spec');
}

/** Dataset file of a reference from its meta.dataset text (written where the files were made), e.g. "mobi (…, …/data/mobi.csv)". */
function dataFileOf(dataset: string): string {
  const m = /data\/([\w.-]+\.csv)/.exec(dataset);
  if (!m) throw new Error(`reference: cannot tell the data file from '${dataset}'`);
  return m[1]!;
}

const cache = new Map<string, ReferenceCase>();

export function loadReference(name: string): ReferenceCase {
  const hit = cache.get(name);
  if (hit) return hit;
  const file = requireFile(path.join(referenceDir, 'results', `${name}.json`));
  const json = JSON.parse(readFileSync(file, 'utf8')) as ReferenceCase['json'];
  const csv = requireFile(path.join(referenceDir, 'data', dataFileOf(json.meta.dataset)));
  const mv = json.meta.settings.missing_value;
  const data = readNumericCsv(readFileSync(csv, 'utf8'), csv, { missingCodes: mv === null ? [] : [mv] });
  const rc: ReferenceCase = { name, json, spec: specFromSeminr(json.meta), data };
  cache.set(name, rc);
  return rc;
}

export function loadCsv(file: string, missingCodes: string[] = []): DataTable {
  const p = requireFile(path.join(referenceDir, 'data', file));
  return readNumericCsv(readFileSync(p, 'utf8'), p, { missingCodes });
}

/** R's NA (null in the JSON) as NaN. */
export function num(v: number | null | undefined): number {
  return v === null || v === undefined ? NaN : v;
}

/** Value of a reference matrix at (row, col) by name. */
export function at(m: RefMatrix, row: string, col: string): number {
  const i = m.rows.indexOf(row), j = m.cols.indexOf(col);
  if (i < 0 || j < 0) throw new Error(`reference matrix has no entry [${row}, ${col}]`);
  return num(m.values[i]![j]);
}

export const REFERENCE_MODELS = ['mobi_ecsi', 'corp_rep_simple', 'corp_rep_moderation', 'mobi_two_stage'] as const;

/**
 * The first `count` bootstrap resamples seminr drew for a reference model: 0-based row indices into the input data,
 * and seminr's path / loading / weight estimates on each (columns like "path:A->B", "loading:C<-item").
 */
export function loadBootReplay(name: string, count: number): { indices: Int32Array[]; columns: string[]; draws: number[][] } {
  const b = loadReference(name).json.bootstrap;
  const lines = (file: string): string[] => gunzipSync(readFileSync(requireFile(path.join(referenceDir, 'results', file)))).toString('utf8').split('\n');
  const idxLines = lines(b.indices_file);
  const indices = idxLines.slice(1, count + 1).map((l) => Int32Array.from(l.split(',').slice(1), (v) => Number(v) - 1));
  const drawLines = lines(b.draws_file);
  const columns = drawLines[0]!.split(',').slice(1).map((c) => c.replace(/^"|"$/g, ''));
  const draws = drawLines.slice(1, count + 1).map((l) => l.split(',').slice(1).map((v) => (v === 'NA' ? NaN : Number(v))));
  return { indices, columns, draws };
}
