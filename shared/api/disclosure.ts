// What aggregate figures a branch manager may see: the disclosure rule, in one place. Pure: per-branch respondent
// counts in, a plan saying which aggregate (and which cell of it) is withheld, and why, out.
//
// The promise is "a branch manager sees only their own branch". Aggregates (the network, a region, and their
// breakdown cells by programme or segment) are shown to managers as benchmarks, but an aggregate pooled from few
// branches or few respondents gives away the others: region figure and own figure give the other branch of a
// two-branch region; a programme cell of 31 respondents, 29 of them the manager's own, gives the other two. So:
//
//   For a branch manager, the figure of an aggregate (network or region) or of a breakdown cell of one
//   (programme or segment, and the programme columns of the share-satisfied table) is shown only when it pools
//   at least K_BRANCHES = 3 branches with respondents in it AND at least MIN_CELL_N = 30 respondents of branches
//   other than the manager's own (the manager sees their own figures on their branch page and can subtract
//   them). The respondent floor holds for whole aggregates too: a cell can be all of its aggregate, and three
//   branches of which two have a handful of respondents pool little. Anything else is withheld: null in the
//   response, with the reason next to it (`withheld`), never dropped without saying so. Head office sees
//   everything.
//
// What the rule lets out at most: a manager in a region of three subtracts their own branch and has the pooled
// figure of the two others. Secondary suppression keeps everything else to that floor, so that no figure a
// manager can compute from what they are shown, by subtraction or by combining several, pools fewer than
// K_BRANCHES - 1 = 2 other branches or fewer than MIN_CELL_N respondents of other branches:
//   - lines: network = its regions + the branches without a region; an aggregate = its cells + the respondents
//     without a category. Where a line's total is shown, its withheld parts and the part never shown (branches
//     without a region, respondents without a category) form a group anyone can compute; while it is below the
//     floor, the next smallest shown part is withheld too.
//   - an exact audit across lines (a region's cell from the network's cell, that region's total and its other
//     cells): counts add up, so every shown figure is a linear equation in the unknown counts of the other
//     branches (the manager's own and zero counts known). No group below the floor (an aggregate, a cell, a part
//     never shown, a single other branch) may lie in the span of the shown figures; while one does, the shown
//     part whose removal frees it, smallest first, is withheld too.
//   - the cells of a withheld aggregate are withheld with it. Whole aggregates are decided first and cells never
//     change that, so every endpoint reaches the same decision for the same aggregate and period (all count a
//     branch's respondents as its SAT index's n: shared/api/views.ts disclosureOf).
// A figure withheld by the rule may still be computable when it is at or above the floor (a region of two other
// branches, from the network minus the manager's region): the floor, not the label, is the guarantee.
// Population-weighted aggregates (shared/assess/aggregate.ts: V = Σ π_b I_b) add a dominance rule: a manager knows
// their own index and share, so V gives the other branches' combined figure (V - π_own x_own) / (1 - π_own), and when
// one other branch holds most of the others' population that figure is essentially its own, however many branches
// and respondents the aggregate pools. Such an aggregate (and such a cell of one) is withheld (`dominance`) when the
// largest other branch holds more than DOMINANCE of the other branches' population. Pooled aggregates weight
// branches by their respondents, which the floors above already cover. The dominance rule is primary only: the
// secondary suppression works on respondent counts (shares of other branches are not shown to managers).
// Not covered (residual risks, noted for the lead): differences across periods (a year's figure minus three of
// its quarters), approximate recovery (bounds from counts being >= 0; a model-weighted index taken as the mean
// of its cells) and collusion between managers.
import type { Principal } from '../auth';
import { K_BRANCHES, MIN_CELL_N, type WithheldReason } from './types';

export { K_BRANCHES, MIN_CELL_N };

/**
 * Largest share of the other branches' population one other branch may hold in a population-weighted aggregate a
 * manager sees (the dominance / p% rule of statistical disclosure control: no single contributor may dominate).
 */
export const DOMINANCE = 0.75;

/**
 * The reasons, as the codes the API sends (the words, in both languages, are the catalogue's: ./reasons.ts):
 * fewer than K_BRANCHES branches; fewer than MIN_CELL_N respondents of other branches; one other branch holds
 * more than DOMINANCE of the other branches' population (population-weighted aggregates); would reveal a withheld
 * figure by difference; network-wide alert counts are head office's; a file that also holds other branches' rows.
 */
export const WITHHELD = {
  branches: 'branches',
  respondents: 'respondents',
  dominance: 'dominance',
  difference: 'difference',
  alerts: 'alerts',
  drop: 'drop',
} as const satisfies Record<WithheldReason, WithheldReason>;

/** One branch's respondents in a period: the whole unit, and per cell of one breakdown. */
export interface BranchCounts {
  branch: string;
  /** '' when the branch has no region (it is then only in the network). */
  region: string;
  /** Respondents of the branch in the period (0: no data). */
  total: number;
  /** Respondents per cell (programme or segment code); absent = 0. */
  cells?: Readonly<Record<string, number>>;
  /** Respondents without a category (default: total minus the cells; give it when `total` counts differently). */
  uncategorized?: number;
}

/** The network ({}) or a region ({ region }). */
export interface Scope { region?: string }

/** Branch id -> the population it is weighted by (a population-weighted aggregate's weighting.members). */
export type Populations = Readonly<Record<string, number>>;

/**
 * The population-weighted aggregates of the period and their members' populations: `network`, and `regions` by
 * region id. An aggregate not listed is pooled (or unknown) and gets the count floors only.
 */
export interface PopulationWeights {
  network?: Populations;
  regions?: Readonly<Record<string, Populations>>;
}

export interface DisclosurePlan {
  /** Why the figure of an aggregate, or of one cell of it, is withheld from this principal; undefined when shown. */
  withheld(scope: Scope, cell?: string): WithheldReason | undefined;
}

/** Head office: nothing withheld. */
export const SHOW_ALL: DisclosurePlan = { withheld: () => undefined };

/** Whether the disclosure rule applies to a principal (reads can be skipped when it does not). */
export function restricted(p: Principal): boolean {
  return p.role !== 'head-office';
}

const NET = '';
/** Pseudo-scope of the branches without a region: never shown, but part of the network. */
const NO_REGION = '\u0000none';
const WHOLE = '*';
/** Column of the respondents without a category (only in the audit: never shown on their own). */
const UNCATEGORIZED = '\u0000uncategorized';
type Counts = Map<string, number>;

const count = (x: number | undefined): number => (typeof x === 'number' && Number.isFinite(x) && x > 0 ? x : 0);

/**
 * The plan of one period (and one breakdown: `cells` are its codes, none for whole aggregates only) for a
 * principal. `branches` must list every branch with data in the period, in the directory or not, since the
 * network pools them all.
 */
export function disclosurePlan(p: Principal, branches: readonly BranchCounts[], cells: readonly string[] = [], weights: PopulationWeights = {}): DisclosurePlan {
  if (!restricted(p)) return SHOW_ALL;
  const t = new CountTable(p.branch, branches, weights);
  const codes = [...new Set(cells)].filter((c) => c !== WHOLE).sort();
  const whole = t.solve([WHOLE], new Map());
  const reasons = codes.length ? t.solve(codes, whole) : whole;
  return {
    withheld(scope, cell) {
      const s = scope.region ?? NET;
      const col = cell ?? WHOLE;
      const why = reasons.get(key(s, col));
      if (why || (t.scopes.includes(s) && (col === WHOLE || codes.includes(col)))) return why;
      // An aggregate or cell the counts do not know has no branch with data in it.
      return t.judge(t.group(s, col), s);
    },
  };
}

const key = (s: string, col: string) => `${s}\u0000${col}`;

class CountTable {
  readonly rows: BranchCounts[];
  readonly regions: string[];
  /** The network and the regions: the aggregates that can be shown. */
  readonly scopes: string[];
  private readonly hasNoRegion: boolean;
  /** Respondents per branch (the whole column), for the dominance rule's cell weights. */
  private readonly totals = new Map<string, number>();

  constructor(private readonly own: string | undefined, branches: readonly BranchCounts[], private readonly weights: PopulationWeights = {}) {
    this.rows = branches.map((b) => ({ ...b, total: count(b.total) }));
    for (const b of this.rows) this.totals.set(b.branch, (this.totals.get(b.branch) ?? 0) + b.total);
    this.regions = [...new Set(this.rows.map((b) => b.region).filter(Boolean))].sort();
    this.scopes = [NET, ...this.regions];
    this.hasNoRegion = this.rows.some((b) => !b.region && b.total > 0);
  }

  n(b: BranchCounts, col: string, codes: readonly string[] = []): number {
    if (col === UNCATEGORIZED) return b.uncategorized !== undefined ? count(b.uncategorized) : Math.max(0, b.total - codes.reduce((x, c) => x + this.n(b, c), 0));
    return col === WHOLE ? b.total : count(b.cells?.[col]);
  }

  private inScope(s: string, b: BranchCounts): boolean {
    return s === NET || (s === NO_REGION ? !b.region : b.region === s);
  }

  group(s: string, col: string, codes: readonly string[] = []): Counts {
    const g: Counts = new Map();
    for (const b of this.rows) {
      const x = this.n(b, col, codes);
      if (this.inScope(s, b) && x > 0) g.set(b.branch, (g.get(b.branch) ?? 0) + x);
    }
    return g;
  }

  /** Branches with respondents in a group; other branches among them and their respondents. */
  stats(g: Counts): { branches: number; others: number; foreign: number } {
    let branches = 0, others = 0, foreign = 0;
    for (const [b, x] of g) {
      if (x <= 0) continue;
      branches++;
      if (b !== this.own) { others++; foreign += x; }
    }
    return { branches, others, foreign };
  }

  /**
   * The rule for one group of scope `s`: K branches with respondents in it, MIN_CELL_N respondents of other
   * branches, and, when `s` is population-weighted, no other branch dominating the others' population.
   */
  judge(g: Counts, s: string): WithheldReason | undefined {
    const st = this.stats(g);
    if (st.branches < K_BRANCHES) return WITHHELD.branches;
    if (st.foreign < MIN_CELL_N) return WITHHELD.respondents;
    if (this.dominated(g, s)) return WITHHELD.dominance;
    return undefined;
  }

  /**
   * Whether one other branch holds more than DOMINANCE of the other branches' weight in the group, in a
   * population-weighted scope. A branch weighs its population times the part of its respondents in the group:
   * exact for a whole aggregate (all of them: the members' shares); for a breakdown cell an approximation of the
   * aggregate's design weights (shared/assess/unit-weights.ts gives each branch's rows its population share, so
   * a cell holds about share x the branch's fraction of respondents in it; within-branch weights are ignored).
   */
  private dominated(g: Counts, s: string): boolean {
    const pops = s === NET ? this.weights.network : this.weights.regions?.[s];
    if (!pops) return false;
    let sum = 0, max = 0;
    for (const [b, x] of g) {
      const pop = pops[b], total = this.totals.get(b) ?? 0;
      if (b === this.own || x <= 0 || total <= 0 || typeof pop !== 'number' || !(pop > 0)) continue;
      const w = pop * Math.min(1, x / total);
      sum += w;
      max = Math.max(max, w);
    }
    return sum > 0 && max / sum > DOMINANCE;
  }

  /** Whether a group's answers of other branches are below the floor (none at all is fine). */
  private exposed(g: Counts): boolean {
    const s = this.stats(g);
    return s.others > 0 && (s.others < K_BRANCHES - 1 || s.foreign < MIN_CELL_N);
  }

  /** Parts smallest first: fewest branches, then fewest respondents of others, then by name. */
  private smallest<T extends { g: Counts; id: string }>(xs: T[]): T[] {
    return xs.sort((a, b) => {
      const sa = this.stats(a.g), sb = this.stats(b.g);
      return sa.branches - sb.branches || sa.foreign - sb.foreign || a.id.localeCompare(b.id);
    });
  }

  /**
   * Reasons for the columns `cols` (['*'] for whole aggregates, or a breakdown's codes) of every scope, with the
   * decisions in `fixed` (whole aggregates, when solving cells) kept as they are.
   */
  solve(cols: readonly string[], fixed: ReadonlyMap<string, WithheldReason>): Map<string, WithheldReason> {
    const isCells = cols[0] !== WHOLE;
    const reasons = new Map(fixed);
    const isWithheld = (s: string, col: string) => reasons.has(key(s, col));
    const withhold = (s: string, col: string, why: WithheldReason) => {
      if (isWithheld(s, col)) return false;
      reasons.set(key(s, col), why);
      return true;
    };
    const add = (into: Counts, g: Counts) => { for (const [b, x] of g) into.set(b, (into.get(b) ?? 0) + x); };

    // Primary: each aggregate and cell on its own; the cells of a withheld aggregate go with it.
    for (const s of this.scopes) for (const col of cols) {
      const why = this.judge(this.group(s, col), s);
      if (why) withhold(s, col, why);
    }
    if (isCells) for (const s of this.scopes) if (isWithheld(s, WHOLE)) for (const c of cols) withhold(s, c, reasons.get(key(s, WHOLE))!);

    for (let changed = true; changed;) {
      changed = false;
      // Network minus its shown regions.
      for (const col of cols) {
        if (isWithheld(NET, col)) continue;
        const u = this.group(NO_REGION, col);
        for (const r of this.regions) if (isWithheld(r, col)) add(u, this.group(r, col));
        while (this.exposed(u)) {
          const shown = this.regions.filter((r) => !isWithheld(r, col)).map((r) => ({ id: r, g: this.group(r, col) }));
          if (shown.length === 0) break;
          const pick = this.smallest(shown)[0]!;
          withhold(pick.id, col, WITHHELD.difference);
          add(u, pick.g);
          changed = true;
        }
      }
      // An aggregate minus its shown cells (with the respondents without a category).
      if (isCells) {
        for (const s of this.scopes) {
          if (isWithheld(s, WHOLE)) continue;
          const hidden = cols.filter((c) => isWithheld(s, c));
          const u: Counts = new Map();
          for (const b of this.rows) {
            if (!this.inScope(s, b) || b.total <= 0) continue;
            const uncategorized = this.n(b, UNCATEGORIZED, cols);
            const x = uncategorized + hidden.reduce((y, c) => y + this.n(b, c), 0);
            if (x > 0) u.set(b.branch, x);
          }
          while (this.exposed(u)) {
            const shown = cols.filter((c) => !isWithheld(s, c)).map((c) => ({ id: c, g: this.group(s, c) }));
            if (shown.length === 0) break;
            const pick = this.smallest(shown)[0]!;
            withhold(s, pick.id, WITHHELD.difference);
            add(u, pick.g);
            changed = true;
          }
        }
      }
      // Across lines.
      if (this.audit(cols, isCells, reasons, fixed)) changed = true;
    }
    return reasons;
  }

  /**
   * The exact audit. Shown figures only ever pool whole blocks (the other branches of one region, or those
   * without a region, in one column), so a block is one unknown. Withholds one more part when a group below the
   * floor can be computed from the shown figures; returns whether it did.
   */
  private audit(cols: readonly string[], isCells: boolean, reasons: Map<string, WithheldReason>, fixed: ReadonlyMap<string, WithheldReason>): boolean {
    const blockRows = [...this.regions, ...(this.hasNoRegion ? [NO_REGION] : [])];
    const blockCols = isCells ? [...cols, UNCATEGORIZED] : cols;
    const index = new Map<string, number>();
    for (const r of blockRows) for (const c of blockCols) {
      let foreign = 0;
      for (const b of this.rows) if (b.branch !== this.own && this.inScope(r, b)) foreign += this.n(b, c, cols);
      if (foreign > 0) index.set(key(r, c), index.size);
    }
    if (index.size === 0) return false;
    const vector = (s: string, col: string) => {
      const v = new Float64Array(index.size);
      for (const r of blockRows) {
        if (s !== NET && s !== r) continue;
        for (const c of col === WHOLE ? blockCols : [col]) {
          const i = index.get(key(r, c));
          if (i !== undefined) v[i] = 1;
        }
      }
      return v;
    };
    type Part = { s: string; col: string; v: Float64Array };
    const shown: Part[] = [];
    for (const s of this.scopes) for (const col of isCells ? [WHOLE, ...cols] : [WHOLE]) {
      if (!reasons.has(key(s, col))) shown.push({ s, col, v: vector(s, col) });
    }
    // What must not be computable: every aggregate, cell and never-shown part (branches without a region,
    // respondents without a category) below the floor.
    const targets: Float64Array[] = [];
    for (const s of [...this.scopes, ...(this.hasNoRegion ? [NO_REGION] : [])]) {
      for (const col of isCells ? [WHOLE, ...blockCols] : [WHOLE]) {
        if (!this.exposed(this.group(s, col, cols))) continue;
        const v = vector(s, col);
        if (v.some((x) => x !== 0)) targets.push(v);
      }
    }
    // And each other branch on its own, where its answers are blocks by themselves (else no shown figure can
    // single it out): its whole (the sum of its cells) is not one of the groups above.
    for (const b of this.rows) {
      if (b.branch === this.own) continue;
      const row = b.region || NO_REGION;
      const v = new Float64Array(index.size);
      let alone = true;
      for (const c of blockCols) {
        if (this.n(b, c, cols) <= 0) continue;
        alone &&= this.rows.every((o) => o === b || o.branch === this.own || (o.region || NO_REGION) !== row || this.n(o, c, cols) <= 0);
        v[index.get(key(row, c))!] = 1;
      }
      if (alone && v.some((x) => x !== 0)) targets.push(v);
    }
    const inSpan = spanTest(shown.map((x) => x.v));
    // When solving cells, what the shown whole aggregates give by themselves is theirs (they were decided first;
    // no cell can be withheld to help it).
    const fromWholes = isCells ? spanTest(shown.filter((x) => x.col === WHOLE).map((x) => x.v)) : () => false;
    const target = targets.find((v) => inSpan(v) && !fromWholes(v));
    if (!target) return false;
    // Only parts of the columns being solved may go (whole aggregates stay as decided); the one whose removal
    // frees the target, else the smallest.
    const candidates = this.smallest(
      shown.map((x, i) => ({ ...x, i, id: `${x.s === NET ? '~' : x.s}|${x.col}`, g: this.group(x.s, x.col) }))
        .filter((x) => (isCells ? x.col !== WHOLE : !fixed.has(key(x.s, x.col)))),
    );
    if (candidates.length === 0) return false;
    const frees = candidates.find((c) => !spanTest(shown.filter((_, i) => i !== c.i).map((x) => x.v))(target));
    const pick = frees ?? candidates[0]!;
    reasons.set(key(pick.s, pick.col), WITHHELD.difference);
    return true;
  }
}

/** Membership in the span of some vectors (Gauss-Jordan; 0/1 data, so the tolerance is ample). */
function spanTest(vectors: readonly Float64Array[]): (t: Float64Array) => boolean {
  const EPS = 1e-9;
  const basis: { pivot: number; v: Float64Array }[] = [];
  const reduce = (v: Float64Array) => {
    for (const b of basis) {
      const f = v[b.pivot]!;
      if (Math.abs(f) > EPS) for (let j = 0; j < v.length; j++) v[j]! -= f * b.v[j]!;
    }
  };
  for (const src of vectors) {
    const v = Float64Array.from(src);
    reduce(v);
    let pivot = -1;
    for (let j = 0, best = EPS; j < v.length; j++) if (Math.abs(v[j]!) > best) { best = Math.abs(v[j]!); pivot = j; }
    if (pivot < 0) continue;
    const s = v[pivot]!;
    for (let j = 0; j < v.length; j++) v[j]! /= s;
    for (const b of basis) {
      const f = b.v[pivot]!;
      if (Math.abs(f) > EPS) for (let j = 0; j < v.length; j++) b.v[j]! -= f * v[j]!;
    }
    basis.push({ pivot, v });
  }
  return (t) => {
    const v = Float64Array.from(t);
    reduce(v);
    return v.every((x) => Math.abs(x) < 1e-7);
  };
}
