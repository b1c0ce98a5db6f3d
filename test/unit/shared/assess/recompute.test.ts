import { beforeAll, describe, expect, it } from 'vitest';
import { cleanDrop, defaultInstrument, formatCleanHeader, formatCleanRow, simulateDrops } from '../../../../shared/survey';
import { filterFrame, frameFromCleanCsv, type SurveyFrame } from '../../../../shared/assess/frame';
import { contextFromInstrument, recomputeUnit, simpleIndex, type RecomputeSettings } from '../../../../shared/assess/recompute';
import { selectColumns } from '../../../../shared/stats/table';

const settings: RecomputeSettings = { nboot: 200, seed: 7, minN: 30, alpha: 0.05, workers: 1, bca: false, permutations: 0, restRows: 2000 };
let frame: SurveyFrame;

beforeAll(async () => {
  const sim = simulateDrops({ seed: 3, branches: 1, periods: '2025-Q1', n: 300, format: 'plain' });
  const d = sim.drops[0]!;
  let text = formatCleanHeader(defaultInstrument);
  await cleanDrop(d.text, { instrument: defaultInstrument, source: d.file, onClean: (r) => { text += formatCleanRow(defaultInstrument, r); }, onReject: () => {} });
  frame = frameFromCleanCsv([{ text, source: d.file }], defaultInstrument);
});

const ctx = () => contextFromInstrument(defaultInstrument, { kind: 'branch', id: 'BR01' }, '2025-Q1');

describe('recomputeUnit', () => {
  it('estimates both models with PLS-weighted indices whose CI contains the estimate', async () => {
    const r = await recomputeUnit(frame, ctx(), settings);
    expect(r.status).toEqual({ satisfaction: { state: 'ok' }, loyalty: { state: 'ok' } });
    for (const c of ['TRUST', 'SAT', 'CRM', 'SQ', 'GOV']) {
      const i = r.indices[c]!;
      expect(i.method).toBe('pls');
      expect(i.value).toBeGreaterThan(0);
      expect(i.value).toBeLessThan(100);
      expect(i.ciLow).toBeLessThan(i.value);
      expect(i.ciHigh).toBeGreaterThan(i.value);
    }
    expect(r.indices.LOY!.method).toBe('unweighted');
    expect(r.satisfaction!.bootstrap.paths).toHaveLength(7);
    expect(r.satisfaction!.bootstrap.specificIndirect.map((p) => `${p.from}>${p.through!.join('>')}>${p.to}`).sort())
      .toEqual(['CRM>TRUST>SAT', 'SQ>TRUST>SAT']);
    expect(r.satisfaction!.ipma.SAT.map((x) => x.construct).sort()).toEqual(['CRM', 'GOV', 'SQ', 'TRUST']);
    const prog = r.programmes!;
    expect(prog.rows.reduce((s, x) => s + x.n, 0)).toBe(prog.overall.n);
    expect(r.breakdowns.segment).toBeDefined();
  });

  it('is deterministic for the same rows and seed', async () => {
    const a = await recomputeUnit(frame, ctx(), settings);
    const b = await recomputeUnit(frame, ctx(), settings);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('a small sample keeps simple indices and records the status instead of failing', async () => {
    const small = filterFrame(frame, (i) => i < 20);
    const r = await recomputeUnit(small, ctx(), settings);
    expect(r.status.satisfaction.state).toBe('too-small');
    expect(r.status.loyalty.state).toBe('too-small');
    expect(r.indices.TRUST!.method).toBe('simple');
    expect(r.items.find((x) => x.item === 'TRUST1')!.n).toBeGreaterThan(0);
  });

  it('skips a model whose items the instrument lacks', async () => {
    const keep = ['CRM1', 'CRM2', 'CRM3', 'CRM4', 'TRUST1', 'TRUST2', 'TRUST3', 'TRUST4'];
    const minimal: SurveyFrame = { ...frame, items: selectColumns(frame.items, keep) };
    const r = await recomputeUnit(minimal, { ...ctx(), constructItems: { CRM: keep.slice(0, 4), TRUST: keep.slice(4) } }, settings);
    expect(r.status.satisfaction.state).toBe('skipped');
    expect(r.status.loyalty.state).toBe('skipped');
    expect(r.indices.TRUST!.method).toBe('simple');
    expect(r.indices.SAT).toBeUndefined();
  });

  it('simple index: equal weights, mean of per-row scores', () => {
    const t = { names: ['a', 'b'], cols: [Float64Array.from([1, 5, 3]), Float64Array.from([1, 5, NaN])], n: 3 };
    const i = simpleIndex(t, ['a', 'b'], { min: 1, max: 5 }, 0.05);
    expect(i.value).toBeCloseTo((0 + 100 + 50) / 3, 12);
    expect(i.n).toBe(3);
  });
});
