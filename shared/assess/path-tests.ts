// Do a branch's structural paths differ from the rest of the network's, or from its own paths a year before? The
// permutation test of issue 14 (shared/stats/pls/permutation.ts, Chin & Dibbern 2010): the dashboard's "differs
// from the network" on a path means this test, never a z-test of two bootstrap SDs. Pure: frames in, tests out.
import type { PlsModelSpec } from '../models/spec';
import { permutationTest } from '../stats/pls/permutation';
import { RRandom } from '../stats/bootstrap/r-rng';
import { selectColumns, selectRows, type DataTable } from '../stats/table';
import type { SurveyFrame } from './frame';

export interface PathDifference {
  from: string;
  to: string;
  /** The branch's (or this year's) path coefficient. */
  estimate: number;
  /** The rest of the network's (or the year before's) on the same model. */
  other: number;
  /** estimate - other */
  diff: number;
  /** Two-sided permutation p of the difference. */
  p: number;
}

export interface PathComparison {
  against: 'rest-of-network' | 'previous-year';
  /** The period compared with (the year before), for 'previous-year'. */
  otherPeriod?: string;
  /** Respondents in each group (the rest: those drawn, see restSampled). */
  n: number;
  nOther: number;
  /** The rest of the network had more respondents than SATMON_PATH_REST_ROWS: a seeded random sample of them. */
  restSampled?: boolean;
  /**
   * rest-of-network: the largest share one other branch has of the rest's respondents. The rest's paths are then
   * nearly that branch's: the API withholds them from a manager as it withholds a dominated aggregate.
   */
  restLargestShare?: number;
  permutations: number;
  paths: PathDifference[];
}

/** A branch's test against the rest of the network as stored; current while networkInputHash is the network summary's. */
export type StoredPathTest = PathComparison & { networkInputHash: string };

export interface PathTestSettings {
  /** Permutations per test (0: no tests). */
  permutations: number;
  seed: number;
  /** Both groups need at least this many respondents (the models' own minimum). */
  minN: number;
  /** Largest rest-of-network group: a bigger rest is sampled down to it (its estimate is then still far more precise than a branch's). */
  restRows: number;
}

/** The model's items, rows that answered at least one of them (SKM-only rows say nothing about the model). */
function modelTable(frame: SurveyFrame, spec: PlsModelSpec): { table: DataTable; rows: number[] } | null {
  const items = [...new Set(Object.values(spec.constructs).flatMap((c) => c.items))];
  if (!items.every((i) => frame.items.names.includes(i))) return null;
  const table = selectColumns(frame.items, items);
  const rows: number[] = [];
  for (let r = 0; r < table.n; r++) if (table.cols.some((c) => c[r] === c[r])) rows.push(r);
  return { table, rows };
}

/** The structural paths between the model's own constructs and interaction terms (all of spec.paths). */
function differences(spec: PlsModelSpec, a: DataTable, b: DataTable, s: PathTestSettings, seed: number): PathDifference[] {
  const t = permutationTest(spec, a, b, { permutations: s.permutations, seed, micom: false });
  return t.paths.map((p) => ({ from: p.from, to: p.to, estimate: p.a, other: p.b, diff: p.diff, p: p.p }));
}

/** Rows idx without replacement, a seeded sample of `size` (partial Fisher-Yates on R's generator), sorted. */
function sampleRows(idx: readonly number[], size: number, seed: number): number[] {
  const pool = [...idx];
  const rng = new RRandom(seed);
  for (let i = 0; i < size; i++) {
    const j = i + rng.unifIndex(pool.length - i);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, size).sort((x, y) => x - y);
}

/**
 * A seed of its own per branch (R's set.seed range): the same branch draws the same permutations whichever other
 * branches are in the network, and branches' streams (seed + 1 .. seed + R) overlap only by the chance of two hashes
 * falling within R of each other among 10^9 (seed + k, the branch's position, made branch k's permutation i branch
 * k+1's permutation i - 1).
 */
export function branchSeed(seed: number, branch: string): number {
  let h = 0x811c9dc5; // FNV-1a
  for (let i = 0; i < branch.length; i++) h = Math.imul(h ^ branch.charCodeAt(i), 0x01000193) >>> 0;
  return ((seed ^ h) | 0) % 1_000_000_000;
}

export interface BranchPathTests {
  tests: Record<string, PathComparison>;
  /** Branches with enough respondents whose test could not be estimated, and why (e.g. an item constant in the branch). */
  skipped: Record<string, string>;
}

/**
 * Every branch of the network's frame against the rest of the network, on the satisfaction model. Respondents count
 * once (no survey or design weights: the question is whether this branch's respondents relate the constructs as the
 * others do). A branch below minN gets no entry; one whose groups cannot be estimated is listed in `skipped`.
 */
export function branchesVersusRest(frame: SurveyFrame, spec: PlsModelSpec, s: PathTestSettings): BranchPathTests {
  const out: Record<string, PathComparison> = {};
  const skipped: Record<string, string> = {};
  if (s.permutations < 1) return { tests: out, skipped };
  const m = modelTable(frame, spec);
  if (!m) return { tests: out, skipped };
  const byBranch = new Map<string, number[]>();
  for (const r of m.rows) {
    const b = frame.branches[r]!;
    const list = byBranch.get(b);
    if (list) list.push(r); else byBranch.set(b, [r]);
  }
  for (const branch of [...byBranch.keys()].sort()) {
    const own = byBranch.get(branch)!;
    const rest = m.rows.filter((r) => frame.branches[r] !== branch);
    if (own.length < s.minN || rest.length < s.minN) continue;
    const seed = branchSeed(s.seed, branch);
    const restSampled = rest.length > s.restRows;
    const restRows = restSampled ? sampleRows(rest, s.restRows, seed) : rest;
    const perBranch = new Map<string, number>();
    for (const r of restRows) perBranch.set(frame.branches[r]!, (perBranch.get(frame.branches[r]!) ?? 0) + 1);
    try {
      out[branch] = {
        against: 'rest-of-network', n: own.length, nOther: restRows.length, ...(restSampled ? { restSampled } : {}),
        restLargestShare: Math.max(...perBranch.values()) / restRows.length,
        permutations: s.permutations,
        paths: differences(spec, selectRows(m.table, own), selectRows(m.table, restRows), s, seed),
      };
    } catch (e) {
      // the observed groups cannot be estimated (e.g. an item without variance in the branch): no test, no claim
      skipped[branch] = (e as Error).message;
    }
  }
  return { tests: out, skipped };
}

/** A unit's year against the year before on the same model (both frames: that unit's rows), or null. */
export function yearVersusYear(current: SurveyFrame, previous: SurveyFrame, previousYear: string, spec: PlsModelSpec, s: PathTestSettings): PathComparison | null {
  if (s.permutations < 1) return null;
  const a = modelTable(current, spec), b = modelTable(previous, spec);
  if (!a || !b || a.rows.length < s.minN || b.rows.length < s.minN) return null;
  try {
    return {
      against: 'previous-year', otherPeriod: previousYear, n: a.rows.length, nOther: b.rows.length, permutations: s.permutations,
      paths: differences(spec, selectRows(a.table, a.rows), selectRows(b.table, b.rows), s, s.seed),
    };
  } catch {
    return null;
  }
}
