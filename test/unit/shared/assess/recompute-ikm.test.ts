// A unit's recompute carries the SKM: IKM and NRR_<unsur> series beside the other indices, the full SKM block,
// and the Krejcie-Morgan sample when the directory gives a population; an SKM-only instrument needs no model.
import { describe, expect, it } from 'vitest';
import { contextFromInstrument, recomputeUnit, DEFAULT_SETTINGS } from '../../../../shared/assess/recompute';
import { recordsForResult } from '../../../../shared/assess/records';
import { NOT_ANSWERED } from '../../../../shared/assess/profile';
import { populationOf } from '../../../../shared/assess/units';
import type { SurveyFrame } from '../../../../shared/assess/frame';
import { computeIkm } from '../../../../shared/stats/ikm';
import { loadInstrument } from '../../../../shared/survey/instrument';
import skm from '../../../fixtures/instruments/skm-2024.json';

const U = ['U1', 'U2', 'U3', 'U4', 'U5', 'U6', 'U7', 'U8', 'U9'];
const n = 50;
const cols = U.map((_, j) => Float64Array.from({ length: n }, (_, i) => ((i * 7 + j * 5) % 13 === 0 ? NaN : 1 + ((i * (j + 3) + j) % 4))));
const frame: SurveyFrame = {
  n, respondentIds: Array.from({ length: n }, (_, i) => `k1.${i}`), branches: Array(n).fill('KC01'), periods: Array(n).fill('2024-Q1'),
  categories: { gender: Array.from({ length: n }, (_, i) => (i % 5 === 0 ? null : i % 2 ? 'F' : 'M')) }, items: { names: U, cols, n }, duplicatesDropped: 0,
};
const instrument = loadInstrument(skm, 'skm-2024.json');
const settings = { ...DEFAULT_SETTINGS, nboot: 300, seed: 99 };

describe('recompute with the SKM', () => {
  it('adds IKM and NRR_<unsur> with the IKM module\'s figures, and skips the models it has no items for', async () => {
    const ctx = contextFromInstrument(instrument, { kind: 'branch', id: 'KC01' }, '2024-Q1', 2000);
    const r = await recomputeUnit(frame, ctx, settings);
    const direct = computeIkm(U, cols, { nboot: 300, seed: 99 });
    expect(r.indices['IKM']).toEqual({ value: direct.ikm, se: direct.se, ciLow: direct.ciLow, ciHigh: direct.ciHigh, moe: direct.moe, n, method: 'ikm' });
    U.forEach((u, j) => {
      expect(r.indices[`NRR_${u}`]!.value).toBe(direct.unsur[j]!.nrr);
      expect(r.indices[`NRR_${u}`]!.n).toBe(direct.unsur[j]!.n);
      expect(r.indices[`NRR_${u}`]!.method).toBe('nrr');
    });
    expect(r.ikm!.band).toBe(direct.band);
    expect(r.ikm!.priorities).toEqual(direct.priorities);
    expect(r.ikm!.sample).toEqual({ population: 2000, required: 322, n, enough: false });
    expect(r.status.satisfaction.state).toBe('skipped');
    expect(r.profile).toEqual({ gender: { [NOT_ANSWERED]: 10, M: 20, F: 20 } }); // every 5th unanswered, then alternating (DynamoDB takes no '' key)
    const { summary, metrics } = recordsForResult(r, 'h');
    expect(summary.ikm!.ikm).toBe(direct.ikm);
    expect(metrics.map((m) => m.metric).sort()).toEqual(['IKM', ...U.map((u) => `NRR_${u}`)].sort());
  });

  it('has no IKM when the instrument declares no unsur', async () => {
    const { ikm: _ikm, ...noIkm } = contextFromInstrument(instrument, { kind: 'branch', id: 'KC01' }, '2024-Q1');
    const r = await recomputeUnit(frame, noIkm, settings);
    expect(r.indices['IKM']).toBeUndefined();
    expect(r.ikm).toBeUndefined();
  });

  it('takes a region\'s and the network\'s population as the sum of their branches\', unknown if one lacks it', () => {
    const dir = new Map([['A', { id: 'A', region: 'R1', population: 100 }], ['B', { id: 'B', region: 'R1', population: 300 }], ['C', { id: 'C', region: 'R2' }]]);
    expect(populationOf({ kind: 'branch', id: 'B' }, dir)).toBe(300);
    expect(populationOf({ kind: 'region', id: 'R1' }, dir)).toBe(400);
    expect(populationOf({ kind: 'region', id: 'R2' }, dir)).toBeUndefined();
    expect(populationOf({ kind: 'network' }, dir)).toBeUndefined();
    expect(populationOf({ kind: 'network' }, undefined)).toBeUndefined();
  });
});

describe('rows of a drop that carried only the SKM (found by the red-team pass)', () => {
  it('count in the IKM, and leave the models, indices and their n exactly as without them', async () => {
    const { frameFromCleanCsv } = await import('../../../../shared/assess/frame');
    const { cleanDrop, defaultInstrument: I, formatCleanHeader, formatCleanRow, simulateDrops } = await import('../../../../shared/survey');
    const sim = simulateDrops({ seed: 'skm-only-rows', branches: 3, periods: ['2024-Q3'], n: 100, messy: 0, format: 'plain' });
    const part = async (text: string, source: string) => {
      let p = formatCleanHeader(I);
      await cleanDrop(text, { instrument: I, source, onClean: (r) => { p += formatCleanRow(I, r); }, onReject: () => {} });
      return { text: p, source };
    };
    const textOf = (b: string) => sim.drops.find((d) => d.branch === b)!.text;
    // BR03's SKM as a file of its own (another sample: ids renumbered), without the questionnaire's columns
    const lines = textOf('BR03').replace(/^\uFEFF/, '').split(/\r?\n/).filter(Boolean);
    const questionnaire = new Set(I.items.filter((it) => !I.spec.ikm!.unsur.includes(it)));
    const keep = lines[0]!.split(',').flatMap((h, i) => (questionnaire.has(h) ? [] : [i]));
    const skmOnly = lines.map((l) => keep.map((i) => l.split(',')[i]).join(',')).join('\n').replace(/BR03-/g, 'SKM-') + '\n';
    const q = [await part(textOf('BR01'), 'BR01'), await part(textOf('BR02'), 'BR02')];
    const s3 = await part(skmOnly, 'BR03-skm');
    const settings = { ...DEFAULT_SETTINGS, nboot: 50, seed: 1 };
    const ctx = contextFromInstrument(I, { kind: 'network' }, '2024-Q3');
    const without = await recomputeUnit(frameFromCleanCsv(q, I), ctx, settings);
    const withSkm = await recomputeUnit(frameFromCleanCsv([...q, s3], I), ctx, settings);
    expect(withSkm.status.satisfaction.state).toBe('ok');
    for (const m of ['SAT', 'TRUST', 'LOY', 'CRM', 'SQ', 'GOV']) expect(withSkm.indices[m], m).toEqual(without.indices[m]);
    expect(withSkm.satisfaction!.estimate.paths).toEqual(without.satisfaction!.estimate.paths);
    expect(without.ikm!.n).toBe(200);
    expect(withSkm.ikm!.n).toBe(300);
    expect(withSkm.n).toBe(300);
  });
});
