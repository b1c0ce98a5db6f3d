// satmon mga: multigroup comparison of a PLS model between two groups of rows of one CSV: each structural path's
// estimate per group and difference, Henseler's PLS-MGA p (as seminr's estimate_pls_mga), the permutation test's p
// (Chin & Dibbern 2010) and MICOM steps 2 and 3 (Henseler, Ringle & Sarstedt 2016). Pure code: shared/stats/pls/
// mga.ts, permutation.ts, micom.ts.
import { readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { parse } from 'csv-parse/sync';
import { intFlag, parseFlags, required } from '../args';
import { CliError } from '../errors';
import { formatFlag, listFlag, loadNumericCsv, readJsonFile } from '../read-data';
import { formatTable } from '../format-table';
import { parsePlsModel, type PlsModelSpec } from '../../shared/models/spec';
import { selectRows, type DataTable } from '../../shared/stats/table';
import { estimatePls } from '../../shared/stats/pls';
import { plsMga, type PlsMgaResult } from '../../shared/stats/pls/mga';
import { permutationTest, type PermutationResult } from '../../shared/stats/pls/permutation';
import type { MicomResult } from '../../shared/stats/pls/micom';

export const summary = 'multigroup comparison of a PLS model: PLS-MGA, permutation test, MICOM';

const HELP = `Usage: satmon mga --model M.json --data D.csv --group COL [--groups A,B] [--bootstrap N] [--permutations N]
                 [--seed S] [--alpha A] [--missing CODE] [--listwise] [--workers W] [--format json|table] [--out F]

Compares every structural path of the model between two groups of rows of the data, told apart by the value of a
column (e.g. a branch code or a year). Rows of other groups, and rows with an empty group cell, are left out.
Per path: the estimate in each group and in both groups pooled, the difference a - b (group A minus group B), and
  - Henseler's PLS-MGA p, exactly as seminr's estimate_pls_mga(): each group bootstrapped with seminr's resamples
    (resample i of a group = set.seed(S + i); sample.int(n, replace = TRUE)), both groups cut to the same number J
    of successful resamples, p = 1 - #{2 m_A - a_i - 2 m_B + b_j > 0} / J^2 (one-sided: small when the path is
    larger in A), and the two-sided 2 min(p, 1 - p);
  - the permutation p (Chin & Dibbern 2010): rows pooled, group labels reassigned at random keeping both group
    sizes (permutation i = set.seed(S + i); sample.int(nA + nB, min(nA, nB)) rows for the smaller group), both
    groups re-estimated; p = (1 + #{|diff_perm| >= |diff|}) / (1 + permutations), two-sided.
MICOM from the same permutations: step 2 (compositional invariance) c = correlation of the composite scores of group
A's and group B's weights on the pooled data, its alpha quantile over the permutations and p; step 3 the groups'
composite mean difference and log variance ratio with their permutation intervals and p. Step 1 (configural
invariance) holds by construction: one model file, one data treatment. Constructs with one item have c = 1 and are
not listed.

Options:
  --model F          model JSON (README "Model file format")
  --data F           CSV with a header row
  --group COL        the column that tells the groups apart (any text or number)
  --groups A,B       the two values of COL to compare (required when COL has more than two values)
  --bootstrap N      PLS-MGA resamples per group (default 1000; 0 skips PLS-MGA)
  --permutations N   permutations (default 1000; 0 skips the permutation test and MICOM)
  --seed S           seed of the resamples and permutations (default 123)
  --alpha A          level for MICOM's quantiles and verdicts (default 0.05)
  --missing CODE     a cell value that means missing (e.g. -99); empty cells and NA always do
  --listwise         listwise deletion (each group's incomplete rows dropped) instead of mean replacement
  --workers W        worker threads for the bootstraps (default: all cores; results do not depend on it)
  --out F            write the output there instead of standard output
  --format F         json (default) or table`;

export interface MgaPathRow {
  from: string;
  to: string;
  pooled: number;
  a: number;
  b: number;
  diff: number;
  bootMeanA?: number;
  bootMeanB?: number;
  pMga?: number;
  pMgaTwoSided?: number;
  pPermutation?: number;
}

export interface MgaReport {
  settings: { group: string; groups: [string, string]; bootstrap: number; permutations: number; seed: number; alpha: number; missing: 'mean' | 'listwise' };
  groups: { label: string; n: number }[];
  /** Rows of the data in neither group (other values, empty cells). */
  rowsLeftOut: number;
  paths: MgaPathRow[];
  plsMga?: { nboot: number; successfulA: number; successfulB: number; used: number };
  permutation?: { permutations: number; failed: number };
  micom?: MicomResult;
}

async function loadModel(path: string): Promise<PlsModelSpec> {
  const json = await readJsonFile(path, 'the model file');
  try { return parsePlsModel(json, path); } catch (e) { throw new CliError((e as Error).message); }
}

/** The group column's cell of every data row (trimmed text), read with the same CSV parser as the numbers. */
async function readGroupColumn(path: string, column: string): Promise<string[]> {
  let text: string;
  try { text = await readFile(path, 'utf8'); } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${code ?? (e as Error).message})`);
  }
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: false, trim: true }) as string[][];
  } catch (e) { throw new CliError(`${path}: ${(e as Error).message.split('\n')[0]}`); }
  if (records.length === 0) throw new CliError(`${path}: empty file`);
  const j = records[0]!.indexOf(column);
  if (j < 0) throw new CliError(`${path}: --group column '${column}' not found in the header`);
  return records.slice(1).map((r) => r[j]!);
}

const byNaturalOrder = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/** The two groups to compare: --groups, or the column's two values when it has exactly two. */
function chooseGroups(values: string[], column: string, path: string, flag: string | undefined): [string, string] {
  const present = [...new Set(values.filter((v) => v !== ''))].sort(byNaturalOrder);
  const shown = present.slice(0, 10).map((v) => `'${v}'`).join(', ') + (present.length > 10 ? ', ...' : '');
  if (flag === undefined) {
    if (present.length === 2) return [present[0]!, present[1]!];
    throw new CliError(present.length < 2
      ? `${path}: column '${column}' has ${present.length === 0 ? 'no values' : `only the value ${shown}`}; two groups are needed`
      : `${path}: column '${column}' has ${present.length} values (${shown}); choose two with --groups A,B`);
  }
  const g = listFlag(flag, 'groups');
  if (g.length !== 2) throw new CliError(`--groups needs exactly two values, got ${g.length}`);
  if (g[0] === g[1]) throw new CliError(`--groups: the two groups must differ (got '${g[0]}' twice)`);
  for (const v of g) if (!present.includes(v)) throw new CliError(`--groups: no row of ${path} has '${v}' in column '${column}' (values: ${shown})`);
  return [g[0]!, g[1]!];
}

export async function run(argv: string[]): Promise<number> {
  const f = parseFlags(argv, {
    model: { type: 'string' }, data: { type: 'string' }, group: { type: 'string' }, groups: { type: 'string' },
    bootstrap: { type: 'string' }, permutations: { type: 'string' }, seed: { type: 'string' }, alpha: { type: 'string' },
    missing: { type: 'string' }, listwise: { type: 'boolean' }, workers: { type: 'string' }, out: { type: 'string' }, format: { type: 'string' },
  }, HELP);
  if (!f) return 0;
  const modelPath = required(f.model as string | undefined, 'model');
  const dataPath = required(f.data as string | undefined, 'data');
  const groupCol = required(f.group as string | undefined, 'group');
  const format = formatFlag(f.format as string | undefined);
  const nboot = intFlag(f.bootstrap as string | undefined, 'bootstrap', 1000);
  const permutations = intFlag(f.permutations as string | undefined, 'permutations', 1000);
  const seed = intFlag(f.seed as string | undefined, 'seed', 123);
  const workers = intFlag(f.workers as string | undefined, 'workers', availableParallelism());
  if (nboot === 1 || nboot < 0) throw new CliError('--bootstrap needs at least 2 resamples (or 0 to skip PLS-MGA)');
  if (permutations < 0) throw new CliError('--permutations must be 0 or more');
  if (workers < 1) throw new CliError('--workers must be at least 1');
  const alpha = f.alpha === undefined ? 0.05 : Number(f.alpha);
  if (!(alpha > 0 && alpha < 1)) throw new CliError(`--alpha must be a number between 0 and 1, got '${f.alpha}'`);
  const missing = f.listwise ? 'listwise' as const : 'mean' as const;

  const model = await loadModel(modelPath);
  const items = [...new Set(Object.values(model.constructs).flatMap((c) => c.items))];
  if (items.includes(groupCol)) throw new CliError(`--group: column '${groupCol}' is an item of the model, not a group column`);
  const data = await loadNumericCsv(dataPath, items, f.missing ? [f.missing as string] : []);
  const labels = await readGroupColumn(dataPath, groupCol);
  if (labels.length !== data.n) throw new CliError(`${dataPath}: ${labels.length} rows in column '${groupCol}' but ${data.n} data rows`);
  const [ga, gb] = chooseGroups(labels, groupCol, dataPath, f.groups as string | undefined);
  const rowsOf = (g: string) => labels.flatMap((v, r) => (v === g ? [r] : []));
  const ra = rowsOf(ga), rb = rowsOf(gb);
  const A = selectRows(data, ra), B = selectRows(data, rb);

  const pls = { missing };
  const estimateOf = (t: DataTable, what: string) => {
    try { return estimatePls(model, t, pls).paths; } catch (e) {
      throw new CliError(`${dataPath}: ${what}: cannot estimate the model (${(e as Error).message})`);
    }
  };
  const groupName = (g: string, n: number) => `group '${g}' (column '${groupCol}', ${n} rows)`;
  const pa = estimateOf(A, groupName(ga, A.n)), pb = estimateOf(B, groupName(gb, B.n));
  const pooled = estimateOf(selectRows(data, [...ra, ...rb]), `groups '${ga}' and '${gb}' pooled`);

  let mga: PlsMgaResult | undefined;
  if (nboot > 0) {
    try { mga = await plsMga(model, A, B, { nboot, seed, workers, pls }); } catch (e) {
      throw new CliError(`${dataPath}: PLS-MGA: ${(e as Error).message.replace(/group A/, groupName(ga, A.n)).replace(/group B/, groupName(gb, B.n))}`);
    }
  }
  let perm: PermutationResult | undefined;
  if (permutations > 0) {
    try { perm = permutationTest(model, A, B, { permutations, seed, alpha, pls }); } catch (e) {
      throw new CliError(`${dataPath}: permutation test: ${(e as Error).message}`);
    }
  }

  const report: MgaReport = {
    settings: { group: groupCol, groups: [ga, gb], bootstrap: nboot, permutations, seed, alpha, missing },
    groups: [{ label: ga, n: A.n }, { label: gb, n: B.n }],
    rowsLeftOut: data.n - A.n - B.n,
    paths: model.paths.map((p, k) => {
      const m = mga?.paths[k];
      return {
        from: p.from, to: p.to, pooled: pooled[k]!.estimate, a: pa[k]!.estimate, b: pb[k]!.estimate, diff: pa[k]!.estimate - pb[k]!.estimate,
        ...(m ? { bootMeanA: m.bootMeanA, bootMeanB: m.bootMeanB, pMga: m.p, pMgaTwoSided: m.pTwoSided } : {}),
        ...(perm ? { pPermutation: perm.paths[k]!.p } : {}),
      };
    }),
    ...(mga ? { plsMga: { nboot, successfulA: mga.okA, successfulB: mga.okB, used: mga.used } } : {}),
    ...(perm ? { permutation: { permutations: perm.permutations, failed: perm.failed } } : {}),
    ...(perm?.micom ? { micom: perm.micom } : {}),
  };
  const text = format === 'json' ? JSON.stringify(report, null, 2) + '\n' : tables(report);
  if (f.out) await writeFile(f.out as string, text);
  else process.stdout.write(text);
  return 0;
}

function tables(r: MgaReport): string {
  const [ga, gb] = r.settings.groups;
  const out: string[] = [];
  out.push(`Groups by '${r.settings.group}': A = '${ga}' (n = ${r.groups[0]!.n}), B = '${gb}' (n = ${r.groups[1]!.n})` +
    (r.rowsLeftOut ? `; ${r.rowsLeftOut} rows in neither group left out` : '') + `. Seed ${r.settings.seed}.`);
  if (r.plsMga) out.push(`PLS-MGA: ${r.plsMga.nboot} resamples per group, ${r.plsMga.used} used in each (successful: A ${r.plsMga.successfulA}, B ${r.plsMga.successfulB}).`);
  if (r.permutation) out.push(`Permutation test: ${r.permutation.permutations} permutations` + (r.permutation.failed ? ` (${r.permutation.failed} could not be estimated, left out)` : '') + '.');
  out.push('');
  out.push(formatTable([
    { header: 'path' }, { header: 'pooled', decimals: 3 }, { header: `A (${ga})`, decimals: 3 }, { header: `B (${gb})`, decimals: 3 },
    { header: 'A - B', decimals: 3 }, { header: 'p MGA (A>B)', decimals: 3 }, { header: 'p MGA 2-sided', decimals: 3 }, { header: 'p permutation', decimals: 3 },
  ], r.paths.map((p) => [`${p.from}  ->  ${p.to}`, p.pooled, p.a, p.b, p.diff, p.pMga, p.pMgaTwoSided, p.pPermutation]), {
    title: 'Paths',
    footnotes: ['p MGA (A>B): Henseler\'s one-sided p, small when the path is larger in A; p permutation: two-sided.'],
  }));
  const m = r.micom;
  if (m) {
    const pct = `${+(m.alpha * 100).toFixed(2)}%`;
    out.push(formatTable([{ header: 'construct' }, { header: 'c', decimals: 4 }, { header: `${pct} quantile`, decimals: 4 }, { header: 'p', decimals: 3 }, { header: 'invariant' }],
      m.compositional.map((c) => [c.construct, c.c, c.quantile, c.p, c.invariant ? 'yes' : 'no']), { title: 'MICOM step 2: compositional invariance' }));
    const moment = (title: string, header: string, rows: MicomResult['means']) => formatTable(
      [{ header: 'construct' }, { header, decimals: 3 }, { header: 'lower', decimals: 3 }, { header: 'upper', decimals: 3 }, { header: 'p', decimals: 3 }, { header: 'equal' }],
      rows.map((x) => [x.construct, x.value, x.lower, x.upper, x.p, x.equal ? 'yes' : 'no']), { title });
    out.push(moment('MICOM step 3a: composite mean difference', 'A - B', m.means));
    out.push(moment('MICOM step 3b: log of the composite variance ratio', 'log(var A / var B)', m.logVarianceRatios));
  }
  return out.join('\n') + '\n';
}
