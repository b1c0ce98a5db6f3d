// An SKM-only drop (issue 10): a unit's Survei Kepuasan Masyarakat sheet with just the respondent number, the office,
// the quarter and the nine unsur written as their answer labels, cleaned under test/fixtures/instruments/skm-2024.json.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInstrument, simulateRows } from '../../../../shared/survey/index';
import { UNSUR_FIRST } from '../../../../shared/survey/simulate/generate';
import { clean } from './helpers';

const FIX = join(import.meta.dirname, '../../../fixtures/instruments/skm-2024.json');
const skmJson = JSON.parse(readFileSync(FIX, 'utf8')) as { itemScales: Record<string, { labels: Record<string, number> }> };
const skm = loadInstrument(skmJson, 'skm-2024.json');
const UNSUR = ['U1', 'U2', 'U3', 'U4', 'U5', 'U6', 'U7', 'U8', 'U9'];
/** The fixture's label of each unsur's code. */
const labelOf = (u: string, code: number) => Object.entries(skmJson.itemScales[u]!.labels).find(([, c]) => c === code)![0];
const HEADER = ['no_responden', 'kantor', 'triwulan', ...UNSUR].join(',');
const csv = (rows: string[]) => [HEADER, ...rows].join('\n') + '\n';

describe('an SKM-only drop under the skm-2024 instrument', () => {
  it('the fixture is the nine unsur only, 1-4 each with its own labels, as the ikm unsur', () => {
    expect(skm.items).toEqual(UNSUR);
    expect(skm.constructs).toEqual([]);
    expect(skm.spec.ikm?.unsur).toEqual(UNSUR);
    expect(skm.itemScales.map((s) => [s.min, s.max, s.labels.length])).toEqual(UNSUR.map(() => [1, 4, 4]));
    expect(skm.rules.straightLiningMinItems).toBeNull();
  });

  it('answer labels as text clean to their codes; the IKM of the clean rows is that of the codes written', async () => {
    const people = [...simulateRows({ seed: 'skm', branches: 2, periods: '2025-Q1..2025-Q2', n: 60 })];
    const codes = people.map((p) => UNSUR.map((_, k) => p.items[UNSUR_FIRST + k]!));
    const rows = people.map((p, i) => [String(i + 1), p.branch, p.period, ...UNSUR.map((u, k) => labelOf(u, codes[i]![k]!))].join(','));
    const r = await clean(csv(rows), { instrument: skm, source: 'skm.csv' });
    expect(r.rejects).toEqual([]);
    expect(r.clean.map((c) => c.items)).toEqual(codes);
    expect(r.clean.map((c) => `${c.branch} ${c.period}`)).toEqual(people.map((p) => `${p.branch} ${p.period}`));
    // Every answer was read as a label (none as a plain code), and the counts add up per unsur.
    for (const u of UNSUR) {
      const m = r.manifest.mapping.labels[u]!;
      expect(m.codes, u).toBe(0);
      expect(Object.values(m.labels).reduce((a, b) => a + b.count, 0), u).toBe(people.length);
    }
    expect(r.manifest.mapping.labels.U4!.labels.Gratis!.code).toBe(4);
    const ikm = (items: number[][]) => (UNSUR.reduce((s, _, k) => s + items.reduce((a, x) => a + x[k]!, 0) / items.length, 0) / 9) * 25;
    expect(ikm(r.clean.map((c) => c.items))).toBeCloseTo(ikm(codes), 12);
    expect(ikm(codes)).toBeGreaterThan(65);
    expect(ikm(codes)).toBeLessThan(88.31);
  });

  it('labels match case-, space- and accent-insensitively; a blank is a missing answer; another unsur\'s label or a code outside 1-4 is OUT_OF_RANGE naming the unsur', async () => {
    const ok = ['Sesuai', 'mudah', 'CEPAT', '  gratis ', 'Sangat  sesuai', 'Kompéten', 'sopan dan ramah', 'Baik', 'Dikelola dengan baik'];
    const rows = [
      ['1', 'BR01', '2025-Q1', ...ok],
      ['2', 'BR01', '2025-Q1', ...ok.slice(0, 2), '', ...ok.slice(3)],
      ['3', 'BR01', '2025-Q1', 'Gratis', ...ok.slice(1)], // U4's label in U1
      ['4', 'BR01', '2025-Q1', ...ok.slice(0, 7), '5', ok[8]!],
      ['5', 'BR01', '2025-Q1', ...UNSUR.map(() => '4')], // all top answers: straight-lining is off for this survey
    ].map((r) => r.join(','));
    const r = await clean(csv(rows), { instrument: skm, source: 'skm.csv' });
    expect(r.clean.map((c) => c.respondentId)).toEqual(['1', '2', '5']);
    expect(r.clean[0]!.items).toEqual([3, 3, 3, 4, 4, 3, 3, 3, 4]);
    expect(r.clean[1]!.items[2]).toBeNaN();
    expect(r.rejects.map((x) => [x.respondentId, x.reasons])).toEqual([['3', ['OUT_OF_RANGE']], ['4', ['OUT_OF_RANGE']]]);
    expect(r.rejects[0]!.details[0]).toMatch(/^OUT_OF_RANGE U1="Gratis": not a label of the scale \(Tidak sesuai, Kurang sesuai, Sesuai, Sangat sesuai\)/);
    expect(r.rejects[1]!.details[0]).toBe('OUT_OF_RANGE U8="5": outside 1-4');
  });
});
