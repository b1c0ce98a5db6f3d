// A unit's recompute with survey weights (issue 15): integer weights give the point estimates of the rows repeated
// that many times (simple and PLS indices, paths, the loyalty regression, the IKM, breakdowns), every weighted figure
// says so with its effective n, and weights all 1 change nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import { cleanDrop, defaultInstrument, formatCleanHeader, formatCleanRow, simulateDrops } from '../../../../shared/survey';
import { frameFromCleanCsv, type SurveyFrame } from '../../../../shared/assess/frame';
import { contextFromInstrument, recomputeUnit, type RecomputeSettings } from '../../../../shared/assess/recompute';
import { branchWeights } from '../../../../shared/assess/unit-weights';
import { selectRows } from '../../../../shared/stats/table';

const settings: RecomputeSettings = { nboot: 50, seed: 7, minN: 30, alpha: 0.05, workers: 1, bca: false, permutations: 0, restRows: 2000 };
let frame: SurveyFrame;
let k: Float64Array;

/** The frame with row i repeated k[i] times. */
function repeated(f: SurveyFrame, times: Float64Array): SurveyFrame {
  const idx: number[] = [];
  for (let i = 0; i < f.n; i++) for (let c = 0; c < times[i]!; c++) idx.push(i);
  const pick = <T>(a: readonly T[]) => idx.map((i) => a[i]!);
  return {
    n: idx.length, duplicatesDropped: 0, respondentIds: idx.map((i, j) => `${f.respondentIds[i]}#${j}`), branches: pick(f.branches), periods: pick(f.periods),
    categories: Object.fromEntries(Object.entries(f.categories).map(([c, v]) => [c, pick(v)])), items: selectRows(f.items, idx),
  };
}

beforeAll(async () => {
  const sim = simulateDrops({ seed: 5, branches: 1, periods: '2025-Q1', n: 120, format: 'plain' });
  const d = sim.drops[0]!;
  let text = formatCleanHeader(defaultInstrument);
  await cleanDrop(d.text, { instrument: defaultInstrument, source: d.file, onClean: (r) => { text += formatCleanRow(defaultInstrument, r); }, onReject: () => {} });
  frame = frameFromCleanCsv([{ text, source: d.file }], defaultInstrument);
  k = Float64Array.from({ length: frame.n }, (_, i) => 1 + ((i * 7) % 3)); // 1, 2 or 3
});

const ctx = (weighting?: ReturnType<typeof branchWeights>['info']) => ({
  ...contextFromInstrument(defaultInstrument, { kind: 'branch', id: 'BR01' }, '2025-Q1'), ...(weighting ? { weighting } : {}),
});
const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(1e-9 * Math.max(1, Math.abs(b)));

describe('recomputeUnit with survey weights', () => {
  it('integer weights give the estimates of the repeated rows', async () => {
    const w = branchWeights({ ...frame, weights: k });
    // k has mean 2 on these rows: the pipeline scales a weight column to mean 1, which leaves every estimate here as is
    const weighted = await recomputeUnit({ ...frame, weights: k }, ctx(w.info), settings);
    const rep = await recomputeUnit(repeated(frame, k), ctx(), settings);
    expect(weighted.status).toEqual({ satisfaction: { state: 'ok' }, loyalty: { state: 'ok' } });
    for (const m of ['TRUST', 'SAT', 'LOY', 'CRM', 'SQ', 'GOV', 'IKM', 'NRR_U1', 'NRR_U9']) close(weighted.indices[m]!.value, rep.indices[m]!.value);
    weighted.satisfaction!.estimate.paths.forEach((p, i) => close(p.estimate, rep.satisfaction!.estimate.paths[i]!.estimate));
    weighted.loyalty!.regression.coefficients.forEach((c, i) => close(c.b, rep.loyalty!.regression.coefficients[i]!.b));
    for (const [g, v] of Object.entries(weighted.breakdowns['segment']!)) close(v.indices['TRUST']!.value, rep.breakdowns['segment']![g]!.indices['TRUST']!.value);
    // labelled, with the effective n of the weights; the unit says how it is weighted
    expect(weighted.weighting).toMatchObject({ method: 'column', n: frame.n });
    expect(weighted.indices['TRUST']).toMatchObject({ weighting: 'column', n: frame.n });
    close(weighted.indices['TRUST']!.nEffective!, w.info.nEffective);
    expect(weighted.indices['IKM']!.weighting).toBe('column');
    expect(rep.indices['TRUST']!.weighting).toBeUndefined();
  });

  it('weights all 1 give exactly the unweighted figures', async () => {
    const ones = await recomputeUnit({ ...frame, weights: new Float64Array(frame.n).fill(1) }, ctx(), settings);
    const plain = await recomputeUnit(frame, ctx(), settings);
    for (const m of Object.keys(plain.indices)) {
      expect(ones.indices[m]!.value).toBe(plain.indices[m]!.value);
    }
  });
});
