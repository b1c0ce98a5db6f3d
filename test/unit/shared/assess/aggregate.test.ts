// Population-weighted aggregates of branches (issue 15): shared/assess/aggregate.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { decodeDraws, encodeDraws, independentOrder, pooledWeighting, populationWeighted, type MemberFigures, type UnitDraws } from '../../../../shared/assess/aggregate';
import type { IndexValue } from '../../../../shared/assess/recompute';

const iv = (value: number, se: number, n: number, method: IndexValue['method'] = 'pls'): IndexValue =>
  ({ value, se, ciLow: value - 2 * se, ciHigh: value + 2 * se, moe: 2 * se, n, method });

/** Draws of one metric per member laid out as UnitDraws (metrics x count, row-major). */
function drawsOf(metrics: string[], perMetric: number[][]): UnitDraws {
  const count = perMetric[0]!.length;
  const values = new Float64Array(count * metrics.length);
  for (let r = 0; r < count; r++) metrics.forEach((_, j) => { values[r * metrics.length + j] = perMetric[j]![r]!; });
  return { metrics, count, values };
}

const close = (actual: number, expected: number, rel = 1e-12) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(expected)));

// Hand-worked: populations 1000/3000/6000 -> shares 0.1/0.3/0.6; n 50/200/100.
//   SAT   = 0.1*70 + 0.3*75 + 0.6*80 = 7 + 22.5 + 48 = 77.5
//   nEff  = 1 / (0.01/50 + 0.09/200 + 0.36/100) = 1 / 0.00425 = 235.2941176470588...
//   SE (no draws) = sqrt((0.1*3)² + (0.3*1.5)² + (0.6*2)²) = sqrt(0.09 + 0.2025 + 1.44) = sqrt(1.7325)
const THREE: MemberFigures[] = [
  { branch: 'C', population: 6000, n: 100, indices: { SAT: iv(80, 2, 100), TRUST: iv(71, 2.5, 100) } },
  { branch: 'A', population: 1000, n: 50, indices: { SAT: iv(70, 3, 50), TRUST: iv(60, 4, 50) } },
  { branch: 'B', population: 3000, n: 200, indices: { SAT: iv(75, 1.5, 200), TRUST: iv(66, 2, 200) } },
];
const Z = normalQuantile(0.975, 0, 1);

describe('populationWeighted: value, n, effective n and members', () => {
  const r = populationWeighted(THREE, { alpha: 0.05, populationYear: '2024' });

  it('weights the branch figures by their population shares', () => {
    close(r.indices.SAT!.value, 77.5);
    close(r.indices.TRUST!.value, 0.1 * 60 + 0.3 * 66 + 0.6 * 71); // 68.4
    expect(r.indices.SAT!.n).toBe(350);
    close(r.indices.SAT!.nEffective!, 1 / 0.00425);
    expect(r.indices.SAT!.weighting).toBe('population');
    expect(r.indices.SAT!.method).toBe('pls');
  });

  it('describes the weighting with the members sorted by branch and their shares', () => {
    expect(r.weighting.method).toBe('population');
    expect(r.weighting.populationYear).toBe('2024');
    expect(r.weighting.n).toBe(350);
    close(r.weighting.nEffective, 1 / 0.00425);
    close(r.weighting.deff, 350 * 0.00425); // n / nEffective = 1.4875
    expect(r.weighting.members!.map((m) => m.branch)).toEqual(['A', 'B', 'C']);
    expect(r.weighting.members!.map((m) => m.population)).toEqual([1000, 3000, 6000]);
    expect(r.weighting.members!.map((m) => m.n)).toEqual([50, 200, 100]);
    r.weighting.members!.forEach((m, i) => close(m.share, [0.1, 0.3, 0.6][i]!));
  });

  it('leaves populationYear out when not given', () => {
    expect('populationYear' in populationWeighted(THREE, { alpha: 0.05 }).weighting).toBe(false);
  });

  it('aggregates only the metrics asked for', () => {
    expect(Object.keys(populationWeighted(THREE, { alpha: 0.05, metrics: ['TRUST'] }).indices)).toEqual(['TRUST']);
  });

  it('uses the normal CI of SE = sqrt(Σ π² SE²) when no member has draws', () => {
    const sat = r.indices.SAT!;
    close(sat.se, Math.sqrt(1.7325));
    close(sat.ciLow, 77.5 - Z * Math.sqrt(1.7325));
    close(sat.ciHigh, 77.5 + Z * Math.sqrt(1.7325));
    close(sat.moe, Z * Math.sqrt(1.7325));
  });
});

describe('populationWeighted: CI from the branches\' draws', () => {
  it('combines draws with the shares, using the smallest draw count (tiny example by hand)', () => {
    // shares 0.25/0.75; A has 5 draws, B 6 (its 6th, 999, is not used):
    //   agg = 0.25*[1..5] + 0.75*[10..50] = 7.75*[1..5]
    //   type 7 at 0.025: index 1 + 4*0.025 = 1.1 -> 7.75 + 0.1*7.75 = 8.525; at 0.975: index 4.9 -> 31 + 0.9*7.75 = 37.975
    //   SE = sd(7.75*[1..5]) = 7.75 * sqrt(2.5)
    const r = populationWeighted([
      { branch: 'A', population: 1000, n: 40, indices: { SAT: iv(3, 1, 40) }, draws: drawsOf(['SAT'], [[1, 2, 3, 4, 5]]) },
      { branch: 'B', population: 3000, n: 60, indices: { SAT: iv(30, 1, 60) }, draws: drawsOf(['SAT'], [[10, 20, 30, 40, 50, 999]]) },
    ], { alpha: 0.05 });
    const sat = r.indices.SAT!;
    close(sat.value, 0.25 * 3 + 0.75 * 30);
    close(sat.ciLow, 8.525);
    close(sat.ciHigh, 37.975);
    close(sat.se, 7.75 * Math.sqrt(2.5));
    close(sat.moe, (37.975 - 8.525) / 2);
  });

  it('equals R\'s quantile(type = 7) and sd of the combined draws (test/fixtures/aggregate/aggregate.R)', () => {
    const fx = JSON.parse(readFileSync(join(__dirname, '../../../fixtures/aggregate/aggregate.json'), 'utf8')) as {
      alpha: number; branches: string[]; population: number[]; n: number[]; count: number[]; metrics: string[];
      value: Record<string, number[]>; se: Record<string, number[]>; nEffective: number;
      draws: Record<string, number[]>; expected: Record<string, { value: number; se: number; ciLow: number; ciHigh: number }>;
    };
    const members: MemberFigures[] = fx.branches.map((b, i) => ({
      branch: b, population: fx.population[i]!, n: fx.n[i]!,
      indices: Object.fromEntries(fx.metrics.map((m) => [m, iv(fx.value[m]![i]!, fx.se[m]![i]!, fx.n[i]!)])),
      draws: { metrics: fx.metrics, count: fx.count[i]!, values: Float64Array.from(fx.draws[b]!) },
    }));
    const r = populationWeighted(members, { alpha: fx.alpha });
    for (const m of fx.metrics) {
      const e = fx.expected[m]!, got = r.indices[m]!;
      close(got.value, e.value);
      close(got.se, e.se);
      close(got.ciLow, e.ciLow);
      close(got.ciHigh, e.ciHigh);
      close(got.nEffective!, fx.nEffective);
    }
    // the draws, not the normal approximation, set the CI
    const normal = populationWeighted(members.map(({ draws: _d, ...m }) => m), { alpha: fx.alpha });
    expect(normal.indices.SAT!.ciLow).not.toBeCloseTo(r.indices.SAT!.ciLow, 6);
  });

  it('falls back to the normal CI when one member has no draws (or draws without the metric, or too few)', () => {
    const d = drawsOf(['SAT', 'TRUST'], [[79, 80, 81, 82], [70, 71, 72, 73]]);
    for (const cDraws of [undefined, drawsOf(['TRUST'], [[70, 71, 72]]), drawsOf(['SAT'], [[80]])]) {
      const members: MemberFigures[] = THREE.map((m) => (m.branch === 'C' ? { ...m, ...(cDraws ? { draws: cDraws } : {}) } : { ...m, draws: d }));
      const sat = populationWeighted(members, { alpha: 0.05 }).indices.SAT!;
      close(sat.se, Math.sqrt(1.7325));
      close(sat.ciLow, 77.5 - Z * Math.sqrt(1.7325));
    }
  });

  it('falls back to the normal CI when a member\'s draws hold a non-finite value', () => {
    const members: MemberFigures[] = THREE.map((m) => ({ ...m, draws: drawsOf(['SAT'], [m.branch === 'B' ? [1, NaN, 3] : [1, 2, 3]]) }));
    close(populationWeighted(members, { alpha: 0.05 }).indices.SAT!.se, Math.sqrt(1.7325));
  });
});

describe('populationWeighted: missing and unusable figures', () => {
  it('renormalises the shares over the branches that have the metric', () => {
    // B has no SAT: shares 1000/7000 and 6000/7000; value = (70 + 6*80)/7 = 550/7; nEff = 1/((1/49)/50 + (36/49)/100)
    const members: MemberFigures[] = THREE.map((m) => (m.branch === 'B' ? { ...m, indices: { TRUST: m.indices.TRUST! } } : m));
    const r = populationWeighted(members, { alpha: 0.05 });
    close(r.indices.SAT!.value, 550 / 7);
    expect(r.indices.SAT!.n).toBe(150);
    close(r.indices.SAT!.nEffective!, 1 / (1 / 49 / 50 + 36 / 49 / 100));
    close(r.indices.SAT!.se, Math.sqrt((3 / 7) ** 2 + ((6 / 7) * 2) ** 2));
    // TRUST still over all three, and the members' shares over all three
    close(r.indices.TRUST!.value, 68.4);
    r.weighting.members!.forEach((m, i) => close(m.share, [0.1, 0.3, 0.6][i]!));
  });

  it('ignores non-finite values and n = 0 as if the metric were missing', () => {
    for (const bad of [iv(NaN, 1, 200), iv(Infinity, 1, 200), iv(-Infinity, 1, 200), iv(75, 1.5, 0)]) {
      const members: MemberFigures[] = THREE.map((m) => (m.branch === 'B' ? { ...m, indices: { ...m.indices, SAT: bad } } : m));
      close(populationWeighted(members, { alpha: 0.05 }).indices.SAT!.value, 550 / 7);
    }
  });

  it('leaves out a metric no member has a usable figure for', () => {
    const members: MemberFigures[] = THREE.map((m) => ({ ...m, indices: { ...m.indices, NRR_U1: iv(NaN, NaN, 0, 'nrr') } }));
    expect(Object.keys(populationWeighted(members, { alpha: 0.05 }).indices)).toEqual(['SAT', 'TRUST']);
  });

  it('reports the most common method of the members', () => {
    const members: MemberFigures[] = THREE.map((m) => (m.branch === 'A' ? { ...m, indices: { SAT: iv(70, 3, 50, 'simple') } } : m));
    expect(populationWeighted(members, { alpha: 0.05 }).indices.SAT!.method).toBe('pls');
  });

  it('throws, naming the branch, when a member has no positive population', () => {
    for (const population of [0, -5, NaN, undefined as unknown as number]) {
      const members: MemberFigures[] = THREE.map((m) => (m.branch === 'B' ? { ...m, population } : m));
      expect(() => populationWeighted(members, { alpha: 0.05 })).toThrow(/branch B: no population/);
    }
  });
});

describe('pooledWeighting', () => {
  it('labels a pooled aggregate with n as its effective n', () => {
    expect(pooledWeighting(420)).toEqual({ method: 'pooled', n: 420, nEffective: 420, deff: 1 });
  });
});

describe('encodeDraws / decodeDraws', () => {
  const SOURCE = 'curated/draws/branch=BR01/period=2025-Q1.json';

  it('round-trips Float64 values exactly, with the input hash', () => {
    const special = [Math.PI, -0, 0, 5e-324, 1.7976931348623157e308, -1 / 3, NaN, Infinity, -Infinity, 0.1 + 0.2, 77.123456789012345, 42];
    const d: UnitDraws = { metrics: ['SAT', 'TRUST', 'IKM'], count: 4, values: Float64Array.from(special) };
    const back = decodeDraws(encodeDraws(d, 'abc123'), SOURCE);
    expect(back.inputHash).toBe('abc123');
    expect(back.metrics).toEqual(d.metrics);
    expect(back.count).toBe(4);
    expect(back.values).toBeInstanceOf(Float64Array);
    expect(back.values.length).toBe(12);
    special.forEach((x, i) => expect(Object.is(back.values[i], x)).toBe(true));
  });

  it('encodes only the view of a Float64Array that is a window on a larger buffer', () => {
    const big = Float64Array.from([9, 9, 1.5, 2.5, 3.5, 9]);
    const d: UnitDraws = { metrics: ['SAT'], count: 3, values: big.subarray(2, 5) };
    expect(Array.from(decodeDraws(encodeDraws(d, 'h'), SOURCE).values)).toEqual([1.5, 2.5, 3.5]);
  });

  it('names the file of a corrupt draws file', () => {
    const good = JSON.parse(encodeDraws({ metrics: ['SAT', 'TRUST'], count: 2, values: Float64Array.from([1, 2, 3, 4]) }, 'h')) as Record<string, unknown>;
    const bad = [
      '{"schema": 1, "metr',                                           // truncated JSON
      'null',
      JSON.stringify({ ...good, schema: 2 }),
      JSON.stringify({ ...good, metrics: 'SAT' }),
      JSON.stringify({ ...good, values: undefined }),
      JSON.stringify({ ...good, count: 3 }),                            // 4 values for 3 x 2
      JSON.stringify({ ...good, values: (good.values as string).slice(0, 12) }), // 9 bytes: not whole Float64s
    ];
    for (const text of bad) expect(() => decodeDraws(text, SOURCE), text).toThrow(SOURCE);
  });
});

describe('independentOrder', () => {
  it('permutes whole resamples, the same way every time for a branch, differently across branches', () => {
    const d = drawsOf(['SAT', 'TRUST'], [Array.from({ length: 50 }, (_, i) => i), Array.from({ length: 50 }, (_, i) => 100 + i)]);
    const a = independentOrder(d, 'BR01'), again = independentOrder(d, 'BR01'), b = independentOrder(d, 'BR02');
    expect(Array.from(a.values)).toEqual(Array.from(again.values));
    expect(Array.from(a.values)).not.toEqual(Array.from(b.values));
    expect(Array.from(a.values)).not.toEqual(Array.from(d.values));
    // each resample's metrics stay together, and every resample is there once
    const rows = Array.from({ length: 50 }, (_, r) => [a.values[2 * r]!, a.values[2 * r + 1]!]);
    for (const [sat, trust] of rows) expect(trust! - sat!).toBe(100);
    expect(rows.map(([s]) => s).sort((x, y) => x! - y!)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
