// The disclosure rule on hand-made counts: what a branch manager may see of the network, the regions and their
// breakdown cells (shared/api/disclosure.ts), and a randomized check, independent of the engine's own algebra,
// that nothing withheld can be computed back from what is shown.
import { Matrix, SVD } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { disclosurePlan, K_BRANCHES, MIN_CELL_N, SHOW_ALL, WITHHELD, type BranchCounts, type DisclosurePlan } from '../../../../shared/api/disclosure';
import type { Principal } from '../../../../shared/auth';
import { mulberry32 } from '../../../helpers/random';

const HEAD: Principal = { sub: 'h', role: 'head-office' };
const mgr = (branch: string): Principal => ({ sub: `u-${branch}`, role: 'branch-manager', branch });
const b = (branch: string, region: string, total: number, cells?: Record<string, number>): BranchCounts => ({ branch, region, total, ...(cells ? { cells } : {}) });

describe('the rule', () => {
  it('is 3 branches and 30 respondents', () => {
    expect(K_BRANCHES).toBe(3);
    expect(MIN_CELL_N).toBe(30);
  });

  it('head office sees everything, whatever the counts', () => {
    expect(disclosurePlan(HEAD, [b('BR01', 'A', 5)])).toBe(SHOW_ALL);
    expect(SHOW_ALL.withheld({ region: 'NOWHERE' }, 'X')).toBeUndefined();
  });

  it('a manager sees an aggregate of at least 3 branches with data, not one of 2 (branches without data do not count)', () => {
    const p = disclosurePlan(mgr('A1'), [
      b('A1', 'A', 50), b('A2', 'A', 40),
      b('B1', 'B', 50), b('B2', 'B', 50), b('B3', 'B', 50),
      b('C1', 'C', 50), b('C2', 'C', 50), b('C3', 'C', 50), b('C4', 'C', 0),
    ]);
    expect(p.withheld({ region: 'A' })).toBe(WITHHELD.branches);
    // network minus B minus C would give A, so one of them goes too (see below): B, the first of two of a size
    expect(p.withheld({ region: 'B' })).toBe(WITHHELD.difference);
    expect(p.withheld({ region: 'C' })).toBeUndefined();
    expect(p.withheld({})).toBeUndefined();
    // a region or cell nobody has data in
    expect(p.withheld({ region: 'D' })).toBe(WITHHELD.branches);
    expect(p.withheld({}, 'JKP')).toBe(WITHHELD.branches);
  });

  it('a network of 2 branches withholds everything', () => {
    const p = disclosurePlan(mgr('A1'), [b('A1', 'A', 50), b('A2', 'A', 50)], ['PU']);
    expect(p.withheld({})).toBe(WITHHELD.branches);
    expect(p.withheld({ region: 'A' })).toBe(WITHHELD.branches);
    expect(p.withheld({}, 'PU')).toBe(WITHHELD.branches);
  });

  it('a cell needs 30 respondents of branches other than the manager\'s own (who can subtract their own cell)', () => {
    const rows = [b('A1', 'A', 60, { JKP: 29 }), b('A2', 'A', 60, { JKP: 1 }), b('A3', 'A', 60, { JKP: 1 }), b('A4', 'A', 60, { JKP: 30 })];
    // 61 respondents in the cell, 29 + 1 + 1 of them without A4's
    expect(disclosurePlan(mgr('A4'), rows.slice(0, 3).concat(b('A4', 'A', 60, { JKP: 0 })), ['JKP']).withheld({}, 'JKP')).toBeUndefined();
    const own = disclosurePlan(mgr('A1'), rows.slice(0, 3), ['JKP']);
    expect(own.withheld({}, 'JKP')).toBe(WITHHELD.respondents); // 31 in the cell, 2 of others
    expect(own.withheld({})).toBeUndefined(); // the aggregate itself is fine
    // with A4's 30 the others pass
    expect(disclosurePlan(mgr('A1'), rows, ['JKP']).withheld({}, 'JKP')).toBeUndefined();
  });

  it('a whole aggregate needs 30 respondents of others too (a cell can be all of it)', () => {
    const rows = [b('A1', 'A', 200, { PU: 200 }), b('A2', 'A', 20, { PU: 20 }), b('A3', 'A', 9, { PU: 9 })];
    const p = disclosurePlan(mgr('A1'), rows, ['PU']);
    expect(p.withheld({})).toBe(WITHHELD.respondents);
    expect(p.withheld({}, 'PU')).toBe(WITHHELD.respondents);
    expect(disclosurePlan(mgr('A1'), [...rows, b('A4', 'A', 1)]).withheld({})).toBeUndefined();
  });

  it('the cells of a withheld aggregate are withheld with it, even those that pass on their own', () => {
    const p = disclosurePlan(mgr('A1'), [b('A1', 'A', 90, { PU: 90 }), b('A2', 'A', 90, { PU: 90 }), b('A3', 'A', 90, { PU: 90 }), b('B1', 'B', 90, { PU: 90 })], ['PU']);
    expect(p.withheld({ region: 'A' })).toBe(WITHHELD.difference); // see below
    expect(p.withheld({ region: 'A' }, 'PU')).toBe(WITHHELD.difference);
    expect(p.withheld({ region: 'B' }, 'PU')).toBe(WITHHELD.branches);
    expect(p.withheld({}, 'PU')).toBeUndefined();
  });
});

describe('secondary suppression: no withheld figure comes back by subtraction', () => {
  const fourBranches = [b('A1', 'A', 50), b('A2', 'A', 50), b('A3', 'A', 50), b('B1', 'B', 50)];

  it('network minus a shown region would give a one-branch region: that region is withheld too', () => {
    const p = disclosurePlan(mgr('A1'), fourBranches);
    expect(p.withheld({ region: 'B' })).toBe(WITHHELD.branches);
    expect(p.withheld({ region: 'A' })).toBe(WITHHELD.difference);
    expect(p.withheld({})).toBeUndefined();
  });

  it('unless what comes back is the manager\'s own branch', () => {
    const p = disclosurePlan(mgr('B1'), fourBranches);
    expect(p.withheld({ region: 'A' })).toBeUndefined();
    expect(p.withheld({ region: 'B' })).toBe(WITHHELD.branches);
  });

  it('a branch without a region is protected like a region of one', () => {
    const p = disclosurePlan(mgr('A1'), [b('A1', 'A', 50), b('A2', 'A', 50), b('A3', 'A', 50), b('X9', '', 50)]);
    expect(p.withheld({ region: 'A' })).toBe(WITHHELD.difference);
    expect(p.withheld({})).toBeUndefined();
  });

  it('the smallest region goes first', () => {
    const p = disclosurePlan(mgr('A1'), [
      b('A1', 'A', 50), b('A2', 'A', 50), b('A3', 'A', 50), b('A4', 'A', 50),
      b('C1', 'C', 50), b('C2', 'C', 50), b('C3', 'C', 50), b('B1', 'B', 50),
    ]);
    expect(p.withheld({ region: 'B' })).toBe(WITHHELD.branches);
    expect(p.withheld({ region: 'C' })).toBe(WITHHELD.difference);
    expect(p.withheld({ region: 'A' })).toBeUndefined();
  });

  it('an aggregate minus its shown cells would give a small cell: the next smallest cell is withheld', () => {
    const rows = [b('A1', 'A', 100, { PU: 90, BPU: 10 }), b('A2', 'A', 100, { PU: 90, BPU: 10 }), b('A3', 'A', 100, { PU: 90, BPU: 5 })];
    const p = disclosurePlan(mgr('A1'), rows, ['PU', 'BPU']);
    expect(p.withheld({}, 'BPU')).toBe(WITHHELD.respondents); // 15 of others
    expect(p.withheld({}, 'PU')).toBe(WITHHELD.difference);
    expect(p.withheld({})).toBeUndefined();
  });

  it('respondents without a category are protected like a cell (network minus PU minus BPU gives them)', () => {
    // 3 of A2's respondents have no segment
    const rows = [b('A1', 'A', 100, { PU: 60, BPU: 40 }), b('A2', 'A', 100, { PU: 60, BPU: 37 }), b('A3', 'A', 100, { PU: 60, BPU: 40 })];
    const p = disclosurePlan(mgr('A1'), rows, ['PU', 'BPU']);
    expect(p.withheld({}, 'PU')).toBeUndefined();
    expect(p.withheld({}, 'BPU')).toBe(WITHHELD.difference);
    // none: nothing to protect
    const clean = disclosurePlan(mgr('A1'), rows.map((x) => ({ ...x, cells: { PU: 60, BPU: 40 } })), ['PU', 'BPU']);
    expect(clean.withheld({}, 'BPU')).toBeUndefined();
    // a count given apart from the total (the SAT index's n may differ from the summary's)
    const given = disclosurePlan(mgr('A1'), rows.map((x) => ({ ...x, uncategorized: 0 })), ['PU', 'BPU']);
    expect(given.withheld({}, 'BPU')).toBeUndefined();
  });

  it('a cell is not had through two lines either (network cell minus a region, region total minus its other cell)', () => {
    // R1's c1 is small; withholding it in its row and R2's c1 in its column is not enough, because R2's c1 would
    // then come back from R2's total minus R2's c2. The four withheld cells must form a cycle.
    const rows: BranchCounts[] = [];
    for (const [r, c1] of [['R1', 5], ['R2', 40], ['R3', 40]] as const) {
      for (const x of ['a', 'b', 'c']) rows.push(b(`${r}${x}`, r, 100, { c1, c2: 100 - c1 }));
    }
    const p = disclosurePlan(mgr('R2a'), rows, ['c1', 'c2']);
    const grid = (s: string) => [undefined, 'c1', 'c2'].map((c) => p.withheld(s ? { region: s } : {}, c) ?? 'shown');
    expect(grid('')).toEqual(['shown', 'shown', 'shown']);
    expect(grid('R1')).toEqual(['shown', WITHHELD.respondents, WITHHELD.difference]);
    expect(grid('R2')).toEqual(['shown', WITHHELD.difference, WITHHELD.difference]);
    expect(grid('R3')).toEqual(['shown', 'shown', 'shown']);
  });
});

// ----------------------------------------------------------------------------------------------- randomized audit
//
// An independent check of the guarantee, in the unknowns themselves (one per other branch and cell, and per
// other branch's uncategorized respondents; not the engine's blocks) with ml-matrix's SVD for ranks: every shown
// figure is the sum of its unknowns; the manager's own counts and zero counts are known. No single other
// branch's figure (whole or one cell) and no aggregate, cell or never-shown part (branches without a region,
// respondents without a category) whose other branches are below the floor (2 branches, 30 respondents) may lie
// in the span of the shown figures.

interface Table { rows: BranchCounts[]; codes: string[]; own: string; regions: string[] }

function randomTable(rnd: () => number): Table {
  const regions = Array.from({ length: 2 + Math.floor(rnd() * 3) }, (_, i) => `R${i}`);
  const codes = ['c0', 'c1', 'c2'].slice(0, Math.floor(rnd() * 4));
  const rows: BranchCounts[] = [];
  const addBranch = (region: string) => {
    const cells = Object.fromEntries(codes.map((c) => [c, rnd() < 0.2 ? 0 : Math.floor(rnd() * 45)]));
    const sum = Object.values(cells).reduce((s, x) => s + x, 0);
    const total = codes.length ? sum + (rnd() < 0.3 ? Math.floor(rnd() * 4) : 0) : rnd() < 0.1 ? 0 : 1 + Math.floor(rnd() * 60);
    rows.push(b(`${region || 'X'}b${rows.length}`, region, total, codes.length ? cells : undefined));
  };
  for (const r of regions) for (let i = 1 + Math.floor(rnd() * 4); i > 0; i--) addBranch(r);
  for (let i = Math.floor(rnd() * 2.5); i > 0; i--) addBranch('');
  return { rows, codes, own: rows[Math.floor(rnd() * rows.length)]!.branch, regions };
}

function rank(rows: number[][]): number {
  if (rows.length === 0 || rows[0]!.length === 0) return 0;
  return new SVD(new Matrix(rows), { autoTranspose: true }).rank;
}

function leaks(t: Table, p: DisclosurePlan): string[] {
  const cols = t.codes.length ? [...t.codes, '?'] : ['*'];
  const n = (x: BranchCounts, c: string) => {
    if (c === '?') return x.total - t.codes.reduce((s, cc) => s + (x.cells?.[cc] ?? 0), 0); // uncategorized
    return c === '*' ? x.total : x.cells?.[c] ?? 0;
  };
  const atoms: [string, string][] = [];
  for (const x of t.rows) if (x.branch !== t.own) for (const c of cols) if (n(x, c) > 0) atoms.push([x.branch, c]);
  if (atoms.length === 0) return [];
  const vec = (pick: (branch: BranchCounts, c: string) => boolean) => atoms.map(([br, c]) => (pick(t.rows.find((x) => x.branch === br)!, c) ? 1 : 0));
  const inScope = (s: string, x: BranchCounts) => s === '' || x.region === s;
  const shown: number[][] = [];
  for (const s of ['', ...t.regions]) {
    const scope = s ? { region: s } : {};
    if (!p.withheld(scope)) shown.push(vec((x) => inScope(s, x)));
    for (const c of t.codes) if (!p.withheld(scope, c)) shown.push(vec((x, cc) => inScope(s, x) && cc === c));
  }
  const base = rank(shown);
  const derivable = (v: number[]) => v.some((x) => x) && rank([...shown, v]) === base;
  const out: string[] = [];
  const foreignBranches = (g: BranchCounts[], c: string) => g.filter((x) => n(x, c) > 0);
  // Groups the rule withholds on its own: scopes and the branches without a region, whole and by cell.
  for (const s of ['', ...t.regions, null]) {
    const members = t.rows.filter((x) => (s === null ? !x.region : inScope(s, x)));
    for (const c of ['*', ...t.codes, ...(t.codes.length ? ['?'] : [])]) {
      const others = foreignBranches(members, c).filter((x) => x.branch !== t.own);
      const respondents = others.reduce((sum, x) => sum + n(x, c), 0);
      const below = others.length > 0 && (others.length < K_BRANCHES - 1 || respondents < MIN_CELL_N);
      const v = vec((x, cc) => members.includes(x) && (c === '*' || cc === c));
      if (below && derivable(v)) out.push(`group ${s ?? '(no region)'}/${c}`);
    }
  }
  for (const x of t.rows) {
    if (x.branch === t.own) continue;
    if (derivable(vec((y) => y === x))) out.push(`branch ${x.branch}`);
    for (const c of t.codes) if (derivable(vec((y, cc) => y === x && cc === c))) out.push(`branch ${x.branch}/${c}`);
  }
  return out;
}

describe('randomized audit (seeded)', () => {
  it('in 400 random networks nothing withheld and no other branch can be computed from what a manager is shown', () => {
    const rnd = mulberry32(20251122);
    let withheld = 0, secondary = 0;
    for (let i = 0; i < 400; i++) {
      const t = randomTable(rnd);
      const p = disclosurePlan(mgr(t.own), t.rows, t.codes);
      expect(leaks(t, p), `table ${i}: ${JSON.stringify(t)}`).toEqual([]);
      // whole aggregates are decided the same way with or without a breakdown
      const whole = disclosurePlan(mgr(t.own), t.rows.map((x) => ({ ...x, cells: undefined })));
      for (const s of ['', ...t.regions]) {
        const scope = s ? { region: s } : {};
        expect(p.withheld(scope), `table ${i} scope ${s}`).toBe(whole.withheld(scope));
        for (const c of [undefined, ...t.codes]) {
          const why = p.withheld(scope, c);
          if (why) withheld++;
          if (why === WITHHELD.difference) secondary++;
        }
      }
    }
    // the random tables exercise both kinds of suppression
    expect(withheld).toBeGreaterThan(300);
    expect(secondary).toBeGreaterThan(20);
  });
});
