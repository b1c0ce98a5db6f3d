// Respondent weights of a unit (issue 15): shared/assess/unit-weights.ts.
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../helpers/random';
import { filterFrame, type SurveyFrame } from '../../../../shared/assess/frame';
import { branchWeights, unitWeights } from '../../../../shared/assess/unit-weights';
import type { Unit } from '../../../../shared/layout/keys';
import { postStratify, rake, weightSummary } from '../../../../shared/stats/survey-weights';
import type { BranchInfo } from '../../../../shared/survey';

type Entry = Pick<BranchInfo, 'population' | 'populationBy' | 'populationYear'>;
interface Row { branch: string; segment?: string | null; programme?: string | null; weight?: number; score?: number }

/** A SurveyFrame by hand: one item column 'score'; segment/programme columns only when some row gives them. */
function frameOf(rows: readonly Row[], opts: { weighted?: boolean } = {}): SurveyFrame {
  const categories: Record<string, (string | null)[]> = {};
  for (const c of ['segment', 'programme'] as const) {
    if (rows.some((r) => c in r)) categories[c] = rows.map((r) => r[c] ?? null);
  }
  return {
    n: rows.length,
    respondentIds: rows.map((_, i) => `r${i + 1}`),
    branches: rows.map((r) => r.branch),
    periods: rows.map(() => '2025-Q1'),
    categories,
    items: { names: ['score'], cols: [Float64Array.from(rows, (r) => r.score ?? NaN)], n: rows.length },
    duplicatesDropped: 0,
    ...(opts.weighted ? { weights: Float64Array.from(rows, (r) => r.weight ?? 1) } : {}),
  };
}

const close = (actual: number, expected: number, tol = 1e-12) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected)));
const sum = (w: ArrayLike<number>, idx?: number[]) => (idx ?? Array.from({ length: w.length }, (_, i) => i)).reduce((a, i) => a + w[i]!, 0);
const rowsOf = (f: SurveyFrame, b: string) => f.branches.flatMap((x, i) => (x === b ? [i] : []));

const BR: Unit = { kind: 'branch', id: 'BR01' };
const REGION: Unit = { kind: 'region', id: 'R1' };
const NETWORK: Unit = { kind: 'network' };

describe('branchWeights', () => {
  const segRows: Row[] = [
    { branch: 'BR01', segment: 'PU', programme: 'JHT' },
    { branch: 'BR01', segment: 'PU', programme: 'JHT' },
    { branch: 'BR01', segment: 'PU', programme: 'JKK' },
    { branch: 'BR01', segment: 'BPU', programme: 'JKK' },
  ];
  const bySegment: Entry = { population: 1000, populationBy: { segment: { PU: 600, BPU: 400 } } };

  it('uses the weight column when there is one, over any population margin (Kish figures)', () => {
    const f = frameOf(segRows.map((r, i) => ({ ...r, weight: [1.25, 0.5, 2, 0.25][i] })), { weighted: true });
    const w = branchWeights(f, bySegment);
    expect(w.weights).toEqual(f.weights); // already mean 1
    // expansion weights (here twice as large) are scaled to mean 1; Kish's figures are the same
    const doubled = frameOf(segRows.map((r, i) => ({ ...r, weight: 2 * [1.25, 0.5, 2, 0.25][i]! })), { weighted: true });
    const wd = branchWeights(doubled, bySegment);
    expect(Array.from(wd.weights!)).toEqual([1.25, 0.5, 2, 0.25]);
    expect(wd.info.nEffective).toBeCloseTo(16 / 5.875, 12);
    // Σw = 4, Σw² = 1.5625 + 0.25 + 4 + 0.0625 = 5.875: nEff = 16 / 5.875, deff = 4 * 5.875 / 16 = 1.46875
    expect(w.info.method).toBe('column');
    expect(w.info.n).toBe(4);
    close(w.info.nEffective, 16 / 5.875);
    close(w.info.deff, 1.46875);
    expect(w.info.margins).toBeUndefined();
  });

  it('post-stratifies to one margin as postStratify does', () => {
    const f = frameOf(segRows);
    const w = branchWeights(f, bySegment);
    const ref = postStratify(f.categories.segment!, bySegment.populationBy!.segment!);
    expect(Array.from(w.weights!)).toEqual(Array.from(ref.weights));
    // by hand: PU 3 rows for 60% -> 0.6 * 4 / 3 = 0.8 each; BPU 1 row for 40% -> 1.6
    Array.from(w.weights!).forEach((x, i) => close(x, [0.8, 0.8, 0.8, 1.6][i]!));
    expect(w.info).toEqual({
      method: 'post-stratified', n: 4, nEffective: ref.summary.nEffective, deff: ref.summary.deff, margins: ['segment'], trimmed: ref.trimmed,
    });
    close(w.info.nEffective, 16 / (3 * 0.64 + 2.56)); // (Σw)² / Σw² = 16 / 4.48
  });

  it('post-stratifies to the programme margin alone', () => {
    const f = frameOf(segRows);
    const programme = { JHT: 300, JKK: 700 };
    const w = branchWeights(f, { populationBy: { programme } });
    expect(w.info.method).toBe('post-stratified');
    expect(w.info.margins).toEqual(['programme']);
    expect(Array.from(w.weights!)).toEqual(Array.from(postStratify(f.categories.programme!, programme).weights));
  });

  it('rakes to two margins, segment then programme', () => {
    const rows: Row[] = [...segRows, { branch: 'BR01', segment: 'BPU', programme: 'JHT' }, { branch: 'BR01', segment: null, programme: 'JKK' }];
    const f = frameOf(rows);
    const populationBy = { segment: { PU: 600, BPU: 400 }, programme: { JHT: 450, JKK: 550 } };
    const w = branchWeights(f, { population: 1000, populationBy });
    const ref = rake([
      { name: 'segment', values: f.categories.segment!, population: populationBy.segment },
      { name: 'programme', values: f.categories.programme!, population: populationBy.programme },
    ]);
    expect(w.info.method).toBe('raked');
    expect(w.info.margins).toEqual(['segment', 'programme']);
    expect(w.info.trimmed).toBe(ref.trimmed);
    expect(Array.from(w.weights!)).toEqual(Array.from(ref.weights));
    close(sum(w.weights!) / f.n, 1);
  });

  it('leaves the rows unweighted without a usable margin', () => {
    const f = frameOf(segRows);
    const cases: (Entry | undefined)[] = [
      undefined,                                                         // branch not in the directory
      { population: 1000 },                                              // no populationBy
      { population: 1000, populationBy: {} },
      { population: 1000, populationBy: { segment: { PU: 0, BPU: 0 } } }, // no positive count
    ];
    for (const entry of cases) {
      const w = branchWeights(f, entry);
      expect(w.weights).toBeUndefined();
      expect(w.info).toEqual({ method: 'unweighted', n: 4, nEffective: 4, deff: 1 });
    }
    // a margin the frame has no column for
    const noSegment = frameOf(segRows.map(({ branch }) => ({ branch })));
    expect(branchWeights(noSegment, bySegment)).toEqual({ info: { method: 'unweighted', n: 4, nEffective: 4, deff: 1 } });
    // no rows
    expect(branchWeights(frameOf([]), bySegment).weights).toBeUndefined();
  });

  it('is what unitWeights gives a branch unit (the directory entry of its id)', () => {
    const f = frameOf(segRows);
    const dir = new Map<string, Entry>([['BR01', bySegment], ['BR02', { population: 5 }]]);
    expect(unitWeights(f, BR, dir)).toEqual(branchWeights(f, bySegment));
    expect(unitWeights(f, { kind: 'branch', id: 'BR02' }, dir).weights).toBeUndefined();
    expect(unitWeights(f, BR, undefined).info.method).toBe('unweighted');
  });
});

describe('unitWeights of a region or the network', () => {
  // A: 4 rows, B: 2, C: 6 (n = 12); populations 1000/3000/6000 -> shares 0.1/0.3/0.6.
  const rows: Row[] = [
    ...['PU', 'PU', 'PU', 'BPU'].map((segment) => ({ branch: 'A', segment })),
    ...['PU', 'BPU'].map((segment) => ({ branch: 'B', segment })),
    ...['PU', 'BPU', 'BPU', 'PU', 'BPU', 'BPU'].map((segment) => ({ branch: 'C', segment })),
  ];
  // interleave the branches so the row order is not by branch
  const order = [0, 4, 6, 1, 7, 2, 5, 8, 9, 3, 10, 11];
  const f = frameOf(order.map((i) => rows[i]!));
  const dir = new Map<string, Entry>([
    ['A', { population: 1000, populationYear: '2024' }],
    ['B', { population: 3000, populationYear: '2024' }],
    ['C', { population: 6000, populationYear: '2024' }],
  ]);

  it('gives each branch its population share of the rows: Σ_b w = π_b n, mean 1', () => {
    for (const unit of [REGION, NETWORK]) {
      const w = unitWeights(f, unit, dir);
      expect(w.weights).toBeInstanceOf(Float64Array);
      expect(w.weights!.length).toBe(12);
      [['A', 0.1], ['B', 0.3], ['C', 0.6]].forEach(([b, share]) => close(sum(w.weights!, rowsOf(f, b as string)), (share as number) * 12));
      close(sum(w.weights!) / 12, 1);
      // without within-branch weights every row of a branch weighs π_b n / n_b: 0.3, 1.8, 1.2
      rowsOf(f, 'A').forEach((i) => close(w.weights![i]!, 0.3));
      rowsOf(f, 'B').forEach((i) => close(w.weights![i]!, 1.8));
      rowsOf(f, 'C').forEach((i) => close(w.weights![i]!, 1.2));
      const s = weightSummary(w.weights!);
      expect(w.info).toEqual({ method: 'population', n: 12, nEffective: s.nEffective, deff: s.deff, populationYear: '2024' });
      // Σw² = 4*0.09 + 2*3.24 + 6*1.44 = 15.48: nEff = 144 / 15.48
      close(w.info.nEffective, 144 / 15.48);
    }
  });

  it('gives the population year as a range when the branches\' years differ, and none when none is given', () => {
    const mixed = new Map<string, Entry>([
      ['A', { population: 1000, populationYear: '2024' }],
      ['B', { population: 3000, populationYear: '2022' }],
      ['C', { population: 6000 }],
    ]);
    expect(unitWeights(f, NETWORK, mixed).info.populationYear).toBe('2022-2024');
    const none = new Map<string, Entry>([...dir].map(([b, e]) => [b, { population: e.population! }]));
    expect('populationYear' in unitWeights(f, NETWORK, none).info).toBe(false);
  });

  it('pools (no weights) when some branch with rows has no positive population', () => {
    for (const entryB of [undefined, { populationYear: '2024' }, { population: 0 }]) {
      const d = new Map(dir);
      if (entryB) d.set('B', entryB); else d.delete('B');
      const w = unitWeights(f, REGION, d);
      expect(w.weights).toBeUndefined();
      expect(w.info).toEqual({ method: 'pooled', n: 12, nEffective: 12, deff: 1 });
    }
    expect(unitWeights(f, REGION, undefined).info.method).toBe('pooled');
    expect(unitWeights(frameOf([]), NETWORK, dir).info).toEqual({ method: 'pooled', n: 0, nEffective: 0, deff: 1 });
  });

  it('ignores directory branches without rows in the frame (the shares are over the branches with rows)', () => {
    const d = new Map(dir).set('Z', { population: 90_000 });
    const w = unitWeights(f, NETWORK, d);
    close(sum(w.weights!, rowsOf(f, 'C')), 0.6 * 12);
  });

  it('keeps a branch\'s within-branch post-stratification inside the aggregate', () => {
    const d = new Map(dir).set('A', { population: 1000, populationBy: { segment: { PU: 500, BPU: 500 } } });
    const w = unitWeights(f, NETWORK, d);
    const idxA = rowsOf(f, 'A');
    const within = postStratify(idxA.map((i) => f.categories.segment![i]!), { PU: 500, BPU: 500 }).weights;
    // A's rows keep their within-branch ratios (PU 2/3, BPU 2), scaled to sum 0.1 * 12
    idxA.forEach((i, k) => close(w.weights![i]!, within[k]! * (1.2 / 4)));
    close(sum(w.weights!, idxA), 1.2);
    close(sum(w.weights!, rowsOf(f, 'B')), 3.6);
    close(sum(w.weights!, rowsOf(f, 'C')), 7.2);
    close(sum(w.weights!) / 12, 1);
  });

  it('keeps the weight column\'s within-branch ratios inside the aggregate', () => {
    const wf = frameOf(f.branches.map((branch, i) => ({ branch, segment: f.categories.segment![i]!, weight: 1 + (i % 3) })), { weighted: true });
    const w = unitWeights(wf, REGION, dir);
    for (const [b, share] of [['A', 0.1], ['B', 0.3], ['C', 0.6]] as const) {
      const idx = rowsOf(wf, b);
      const raw = sum(wf.weights!, idx);
      idx.forEach((i) => close(w.weights![i]!, (wf.weights![i]! * share * 12) / raw));
    }
  });
});

describe('design weights: the weighted mean equals the population-weighted mean of the branch means', () => {
  const weightedMean = (x: ArrayLike<number>, w: ArrayLike<number> | undefined, idx: number[]) => {
    let s = 0, sw = 0;
    for (const i of idx) { const wi = w ? w[i]! : 1; s += wi * x[i]!; sw += wi; }
    return s / sw;
  };

  // Branches with very unequal n and every kind of within-branch weighting: none, one margin, two margins.
  const BRANCHES: { id: string; n: number; entry: Entry }[] = [
    { id: 'BR01', n: 12, entry: { population: 2500 } },
    { id: 'BR02', n: 180, entry: { population: 1200, populationBy: { segment: { PU: 700, BPU: 500 } } } },
    { id: 'BR03', n: 45, entry: { population: 8000, populationBy: { segment: { PU: 5000, BPU: 3000 }, programme: { JHT: 4000, JKK: 2500, JP: 1500 } } } },
    { id: 'BR04', n: 73, entry: { population: 640, populationBy: { programme: { JHT: 100, JKK: 440, JP: 100 } } } },
  ];

  for (const weighted of [false, true]) {
    it(weighted ? 'with a weight column' : 'with post-stratified and raked branches', () => {
      const next = mulberry32(weighted ? 20250 : 15);
      const rows: Row[] = BRANCHES.flatMap((b) => Array.from({ length: b.n }, () => ({
        branch: b.id,
        segment: next() < 0.05 ? null : next() < 0.75 ? 'PU' : 'BPU',
        programme: ['JHT', 'JKK', 'JP'][Math.floor(next() * 3)]!,
        weight: 0.3 + 3 * next(),
        score: 40 + 60 * next() + (b.id === 'BR03' ? 10 : 0),
      })));
      // shuffle so the branches' rows are interleaved
      for (let i = rows.length - 1; i > 0; i--) { const j = Math.floor(next() * (i + 1)); [rows[i], rows[j]] = [rows[j]!, rows[i]!]; }
      const f = frameOf(rows, { weighted });
      const dir = new Map(BRANCHES.map((b) => [b.id, b.entry]));
      const total = BRANCHES.reduce((a, b) => a + b.entry.population!, 0);

      const agg = unitWeights(f, NETWORK, dir);
      expect(agg.info.method).toBe('population');
      const score = f.items.cols[0]!;
      const all = Array.from({ length: f.n }, (_, i) => i);
      const aggMean = weightedMean(score, agg.weights, all);

      let expected = 0;
      for (const b of BRANCHES) {
        const bf = filterFrame(f, (i) => f.branches[i] === b.id);
        const bw = unitWeights(bf, { kind: 'branch', id: b.id }, dir);
        if (!weighted && b.entry.populationBy) expect(bw.weights).toBeDefined();
        const idx = Array.from({ length: bf.n }, (_, i) => i);
        expected += (b.entry.population! / total) * weightedMean(bf.items.cols[0]!, bw.weights, idx);
      }
      expect(Math.abs(aggMean - expected)).toBeLessThanOrEqual(1e-12 * Math.abs(expected));
      // and it is not the pooled mean
      expect(Math.abs(weightedMean(score, undefined, all) - expected)).toBeGreaterThan(0.5);
    });
  }
});
