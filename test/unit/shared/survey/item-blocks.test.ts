// The instrument's item blocks (the questionnaire and the SKM): a drop may carry either or both; a block it carries
// is complete; a drop without the SKM fingerprints its rows as it did before the SKM existed; straight-lining sees the
// top answer across a 5-point and a 4-point scale; an SKM-only survey's rows are judged on their unsur.
import { describe, expect, it } from 'vitest';
import { defaultInstrument, DropRejectedError, loadInstrument } from '../../../../shared/survey/index';
import { itemBlocks } from '../../../../shared/survey/clean';
import skm from '../../../fixtures/instruments/skm-2024.json';
import { clean } from './helpers';

const unsur = defaultInstrument.spec.ikm!.unsur;
const questionnaire = defaultInstrument.items.filter((it) => !unsur.includes(it));
const head = (items: readonly string[]) => ['respondent_id', 'branch_id', 'period', ...items].join(',');
const row = (id: string, items: readonly string[], v: (item: string, k: number) => number) => [id, 'BR01', '2025-Q1', ...items.map((it, k) => String(v(it, k)))].join(',');
const answer = (it: string, k: number) => (unsur.includes(it) ? 1 + (k % 4) : 1 + ((k * 3) % 5));
const csv = (items: readonly string[], rows: string[]) => [head(items), ...rows].join('\n') + '\n';

describe('item blocks', () => {
  it('are the questionnaire and the SKM for the built-in instrument', () => {
    expect(itemBlocks(defaultInstrument)).toEqual([questionnaire, unsur]);
    expect(itemBlocks(loadInstrument(skm, 'skm'))).toEqual([unsur]);
  });

  it('a drop without the SKM cleans, lists the unsur as absent and fingerprints rows as the instrument without the SKM did', async () => {
    const text = csv(questionnaire, [row('A1', questionnaire, answer), row('A2', questionnaire, (_, k) => 1 + (k % 5))]);
    const withSkm = await clean(Buffer.from(text));
    expect(withSkm.clean.map((r) => r.respondentId)).toEqual(['A1', 'A2']);
    expect(withSkm.manifest.header.absent).toEqual(expect.arrayContaining(unsur));
    expect(withSkm.clean[0]!.items.filter((v, i) => Number.isNaN(v) && unsur.includes(defaultInstrument.items[i]!))).toHaveLength(9);
    const { ikm: _ikm, ...spec } = defaultInstrument.spec;
    const before = loadInstrument({ ...spec, standaloneItems: spec.standaloneItems.filter((it) => !unsur.includes(it)), itemScales: {} }, 'before');
    const old = await clean(Buffer.from(text), { instrument: before });
    expect(withSkm.clean.map((r) => r.answerHash)).toEqual(old.clean.map((r) => r.answerHash));
  });

  it('a drop with only the SKM cleans under the built-in instrument; one with part of a block is refused naming the rest', async () => {
    const only = await clean(Buffer.from(csv(unsur, [row('S1', unsur, answer)])));
    expect(only.clean).toHaveLength(1);
    expect(only.manifest.header.absent).toEqual(expect.arrayContaining(questionnaire));
    const partial = [...questionnaire, 'U1', 'U2'];
    const err = await clean(Buffer.from(csv(partial, [row('P1', partial, answer)]))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DropRejectedError);
    expect((err as Error).message).toMatch(/required columns 'U3', 'U4'/);
  });

  it('judges straight-lining per block: a questionnaire of 5s is flagged whatever the SKM says; the same code everywhere too', async () => {
    const all = defaultInstrument.items;
    const r = await clean(Buffer.from(csv(all, [
      row('T1', all, (it, k) => (unsur.includes(it) ? 1 + (k % 4) : 5)),
      row('T2', all, () => 3),
      row('T3', all, answer),
    ])));
    expect(r.rejects.map((x) => [x.respondentId, x.reasons])).toEqual([['T1', ['STRAIGHT_LINING']], ['T2', ['STRAIGHT_LINING']]]);
    expect(r.rejects[0]!.details[0]).toMatch(/all 40 answered items are 5/);
  });

  it('within a block of mixed scales, the top answer everywhere (5 of 5, 7 of 7) is straight-lining', async () => {
    const mixed = loadInstrument({
      id: 'mixed', idColumn: 'id', branchColumn: 'branch', periodColumn: 'period', scale: { min: 1, max: 5 },
      constructs: { A: ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7', 'A8'] }, standaloneItems: ['S1', 'S2'],
      itemScales: { S1: { min: 1, max: 7 }, S2: { min: 1, max: 7 } },
    }, 'mixed');
    const h = 'id,branch,period,A1,A2,A3,A4,A5,A6,A7,A8,S1,S2';
    const r = await clean(Buffer.from([h, '1,BR01,2025-Q1,5,5,5,5,5,5,5,5,7,7', '2,BR01,2025-Q1,5,5,5,5,5,5,5,5,6,7'].join('\n') + '\n'), { instrument: mixed });
    expect(r.rejects.map((x) => x.respondentId)).toEqual(['1']);
    expect(r.rejects[0]!.details[0]).toMatch(/the top/);
    expect(r.clean.map((x) => x.respondentId)).toEqual(['2']);
  });

  it('a drop carrying only the SKM under the built-in instrument rejects a row with more than 20% of the unsur blank', async () => {
    const r = await clean(Buffer.from(csv(unsur, [row('S1', unsur, answer), ['S2', 'BR01', '2025-Q1', '', '', '3', '3', '3', '3', '3', '3', '3'].join(',')])));
    expect(r.clean.map((x) => x.respondentId)).toEqual(['S1']);
    expect(r.rejects[0]!.details[0]).toMatch(/SKM: 2 of 9 unsur missing/);
  });

  it('a category column the drop lacks before the last one it has counts as a blank answer in the fingerprint, as always', async () => {
    const answers = questionnaire.map((it, k) => String(answer(it, k)));
    const lacking = await clean(Buffer.from([head(['segment', 'age', ...questionnaire]), ['A1', 'BR01', '2025-Q1', 'PU', '35', ...answers].join(',')].join('\n') + '\n'));
    const blank = await clean(Buffer.from([head(['programme', 'segment', 'age', ...questionnaire]), ['A1', 'BR01', '2025-Q1', '', 'PU', '35', ...answers].join(',')].join('\n') + '\n'));
    expect(lacking.clean).toHaveLength(1);
    expect(lacking.clean[0]!.answerHash).toBe(blank.clean[0]!.answerHash);
  });

  it('a category the drop lacks adds nothing to the fingerprint (a category added later leaves old drops as they were)', async () => {
    const text = csv(questionnaire, [row('A1', questionnaire, answer)]);
    const now = await clean(Buffer.from(text));
    const extra = loadInstrument({ ...defaultInstrument.spec, demographics: { ...defaultInstrument.spec.demographics, hobby: { codes: { X: [] } } } }, 'extra');
    const later = await clean(Buffer.from(text), { instrument: extra });
    expect(later.clean[0]!.answerHash).toBe(now.clean[0]!.answerHash);
  });

  it('an SKM-only survey rejects a row with more than 20% of its unsur blank', async () => {
    const instrument = loadInstrument(skm, 'skm');
    const h = 'no_responden,kantor,triwulan,' + unsur.join(',');
    const r = await clean(Buffer.from([h, '1,BR01,2025-Q1,Sesuai,Mudah,Cepat,Gratis,Sesuai,Kompeten,Sopan dan ramah,Baik,', '2,BR01,2025-Q1,Sesuai,,Cepat,Gratis,Sesuai,Kompeten,Sopan dan ramah,Baik,'].join('\n') + '\n'), { instrument });
    expect(r.clean.map((x) => x.respondentId)).toEqual(['1']);
    expect(r.rejects[0]!.reasons).toEqual(['TOO_MANY_MISSING']);
    expect(r.rejects[0]!.details[0]).toMatch(/SKM: 2 of 9 unsur missing/);
  });
});
