// The simulator's SKM unsur (issue 10): nine items U1-U9 answered 1-4 for every respondent, in the default
// instrument's layout, moving with service quality, satisfaction and trust; branch IKMs (mean of the nine unsur
// means × 25) in bands B/C, the declining-trust branch a little lower; a population per branch; every format cleans
// with the unsur as written.
import { describe, expect, it } from 'vitest';
import {
  branchDirectory, defaultInstrument, loadInstrument, parseSimulateOptions, SIM_ITEMS, simulateDrops, simulateExport, simulateRows,
  type SimRespondent,
} from '../../../../shared/survey/index';
import { LATENT_INDEX, UNSUR_FIRST } from '../../../../shared/survey/simulate/generate';
import { UNSUR } from '../../../../shared/survey/simulate/population';
import { simulatedPopulation, SIM_POPULATION_RANGE } from '../../../../shared/survey/simulate/branches';
import { yearOf } from '../../../../shared/period';
import { clean } from './helpers';

const UNSUR_ITEMS = ['U1', 'U2', 'U3', 'U4', 'U5', 'U6', 'U7', 'U8', 'U9'];
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const corr = (a: number[], b: number[]) => {
  const ma = mean(a), mb = mean(b);
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < a.length; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
};
const unsurOf = (r: SimRespondent, k: number) => r.items[UNSUR_FIRST + k]!;

/** IKM per key: the mean over the nine unsur of each unsur's mean answer, × 25 (Permenpan RB 14/2017, exact weights). */
function ikmBy(rows: Iterable<SimRespondent>, key: (r: SimRespondent) => string): Map<string, number> {
  const acc = new Map<string, { n: number; sums: number[] }>();
  for (const r of rows) {
    const k = key(r);
    let a = acc.get(k);
    if (!a) acc.set(k, (a = { n: 0, sums: new Array(9).fill(0) }));
    a.n++;
    for (let u = 0; u < 9; u++) a.sums[u] += unsurOf(r, u);
  }
  return new Map([...acc].map(([k, a]) => [k, (a.sums.reduce((s, x) => s + x / a.n, 0) / 9) * 25]));
}
const band = (ikm: number) => (ikm >= 88.31 ? 'A' : ikm >= 76.61 ? 'B' : ikm >= 65 ? 'C' : 'D');

describe('simulator: the nine SKM unsur', () => {
  it('sit in the default instrument\'s item order (after the construct items, before SAT_PROG), which declares them as the ikm unsur, 1-4 with the regulation\'s labels', () => {
    expect(SIM_ITEMS).toEqual(defaultInstrument.items);
    expect(SIM_ITEMS.slice(UNSUR_FIRST, UNSUR_FIRST + 9)).toEqual(UNSUR_ITEMS);
    expect(SIM_ITEMS.at(-1)).toBe('SAT_PROG');
    expect(defaultInstrument.spec.ikm).toEqual({ unsur: UNSUR_ITEMS, weights: 'exact' });
    expect(UNSUR.map((u) => u.item)).toEqual(UNSUR_ITEMS);
    const scales = UNSUR_ITEMS.map((u) => defaultInstrument.itemScales[defaultInstrument.items.indexOf(u)]!);
    for (const s of scales) expect([s.min, s.max, s.labels.length]).toEqual([1, 4, 4]);
    expect(scales[3]!.labels.map((l) => l.text)).toEqual(['Sangat mahal', 'Cukup mahal', 'Murah', 'Gratis']);
    expect(scales[6]!.labels[3]!.text).toBe('Sangat sopan dan ramah');
    // The other items keep the five-point scale; the straight-lining rule still needs ten answers.
    expect(defaultInstrument.itemScales[0]).toMatchObject({ min: 1, max: 5 });
    expect(defaultInstrument.rules.straightLiningMinItems).toBe(10);
    for (const u of UNSUR_ITEMS) expect(defaultInstrument.spec.itemText[u], u).toMatch(/^Bagaimana /);
  });

  const rows = [...simulateRows({ seed: 'ikm', branches: 4, periods: '2025-Q1..2025-Q2', n: 2000, offsetSd: 0 })];

  it('every respondent answers all nine on 1-4, every answer used; cost (U4) highest, complaint handling (U9) lowest', () => {
    const counts = UNSUR_ITEMS.map(() => [0, 0, 0, 0]);
    for (const r of rows) for (let k = 0; k < 9; k++) counts[k]![unsurOf(r, k) - 1]!++;
    for (const c of counts) expect(c.reduce((a, b) => a + b, 0)).toBe(rows.length);
    for (const c of counts.filter((_, k) => k !== 3)) for (const x of c) expect(x).toBeGreaterThan(0);
    const means = UNSUR_ITEMS.map((_, k) => mean(rows.map((r) => unsurOf(r, k))));
    expect(Math.max(...means)).toBe(means[3]);
    expect(Math.min(...means)).toBe(means[8]);
    for (const m of means) {
      expect(m).toBeGreaterThan(2.6);
      expect(m).toBeLessThan(3.75);
    }
  });

  it('move with service quality, satisfaction and trust (each unsur with its SERVQUAL dimension); cost only weakly', () => {
    const lat = (c: keyof typeof LATENT_INDEX) => rows.map((r) => r.latent[LATENT_INDEX[c]]!);
    const avg = rows.map((r) => mean(UNSUR_ITEMS.map((_, k) => unsurOf(r, k))));
    expect(corr(avg, lat('SQ'))).toBeGreaterThan(0.4);
    expect(corr(avg, lat('SAT'))).toBeGreaterThan(0.4);
    expect(corr(avg, lat('TRUST'))).toBeGreaterThan(0.3);
    UNSUR.forEach((u, k) => {
      const r = corr(rows.map((x) => unsurOf(x, k)), lat(u.dimension));
      if (u.item === 'U4') {
        expect(r).toBeGreaterThan(0.1);
        expect(r).toBeLessThan(0.35);
      } else expect(r, u.item).toBeGreaterThan(0.4);
    });
    // Items of one unsur family correlate among themselves (U3 and U9 rest on responsiveness).
    expect(corr(rows.map((r) => unsurOf(r, 2)), rows.map((r) => unsurOf(r, 8)))).toBeGreaterThan(0.3);
  });

  it('are seeded: the same seed gives the same unsur; another seed other ones', () => {
    const o = { seed: 'u', branches: 2, periods: '2025-Q1', n: 50 };
    const a = [...simulateRows(o)].map((r) => Array.from(r.items.slice(UNSUR_FIRST, UNSUR_FIRST + 9)).join(''));
    const b = [...simulateRows(o)].map((r) => Array.from(r.items.slice(UNSUR_FIRST, UNSUR_FIRST + 9)).join(''));
    const c = [...simulateRows({ ...o, seed: 'v' })].map((r) => Array.from(r.items.slice(UNSUR_FIRST, UNSUR_FIRST + 9)).join(''));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });
});

describe('simulator: branch IKMs', () => {
  it('the default network (12 branches, 2024-2025, n = 400): every branch-year IKM in 70-88, bands B and C only', () => {
    const ikm = ikmBy(simulateRows({}), (r) => `${r.branch} ${yearOf(r.period)}`);
    expect(ikm.size).toBe(24);
    const values = [...ikm.values()];
    // Seed 1 gives 75.7-83.3 (22 branch-years B, 2 C).
    expect(Math.min(...values)).toBeGreaterThan(70);
    expect(Math.max(...values)).toBeLessThan(88);
    const bands = new Set(values.map(band));
    expect(bands).toEqual(new Set(['B', 'C']));
    expect(values.filter((v) => band(v) === 'B').length).toBeGreaterThan(values.length / 2);
  });

  it('a branch whose trust declines gets a lower IKM from the drift on, by about 1-5 points; the others do not move', () => {
    const o = { seed: 3, branches: 4, periods: '2024-Q3..2025-Q4', n: 1500, offsetSd: 0, drifts: [{ branch: 'BR02', construct: 'TRUST' as const, delta: -0.6, from: '2025-Q3' }] };
    const ikm = ikmBy(simulateRows(o), (r) => `${r.branch} ${r.period >= '2025-Q3' ? 'after' : 'before'}`);
    const drop = (b: string) => ikm.get(`${b} after`)! - ikm.get(`${b} before`)!;
    expect(drop('BR02')).toBeLessThan(-1);
    expect(drop('BR02')).toBeGreaterThan(-5);
    for (const b of ['BR01', 'BR03', 'BR04']) expect(Math.abs(drop(b)), b).toBeLessThan(0.5);
  });

  it('each branch has its own unsur level (offsetSd-scaled, in truth.json), none when offsetSd is 0', () => {
    const truth = simulateDrops({ seed: 1, branches: 3, periods: '2025-Q1', n: 1 }).truth;
    expect(Object.keys(truth.unsurLevels)).toEqual(['BR01', 'BR02', 'BR03']);
    expect(new Set(Object.values(truth.unsurLevels)).size).toBe(3);
    for (const v of Object.values(truth.unsurLevels)) expect(Math.abs(v)).toBeLessThan(0.6);
    expect(Object.values(simulateDrops({ seed: 1, branches: 3, periods: '2025-Q1', n: 1, offsetSd: 0 }).truth.unsurLevels)).toEqual([0, 0, 0]);
  });
});

describe('simulated branch directory: population', () => {
  it('every branch has its active participants, 2,000-60,000 in hundreds, by id (the same for any seed or count)', () => {
    const dir = branchDirectory(120);
    const pops = dir.map((b) => b.population!);
    for (const p of pops) {
      expect(Number.isInteger(p / 100)).toBe(true);
      expect(p).toBeGreaterThanOrEqual(SIM_POPULATION_RANGE.min);
      expect(p).toBeLessThanOrEqual(SIM_POPULATION_RANGE.max);
    }
    expect(new Set(pops).size).toBeGreaterThan(90);
    // Log-uniform: about as many under 11,000 (the geometric middle) as over it.
    const small = pops.filter((p) => p < 10_954).length;
    expect(small).toBeGreaterThan(40);
    expect(small).toBeLessThan(80);
    expect(branchDirectory(12).map((b) => b.population)).toEqual(pops.slice(0, 12).map((_, i) => simulatedPopulation(`BR${String(i + 1).padStart(2, '0')}`)));
    expect(branchDirectory(3)[0]!.population).toBe(branchDirectory(12)[0]!.population);
  });

  it('an explicit directory keeps the population it gives', () => {
    const o = parseSimulateOptions({ branches: [{ id: 'mks', region: 'SULSEL', name: 'Makassar', population: 12_345 }, { id: 'jap' }] });
    expect(o.branches).toEqual([{ id: 'MKS', region: 'SULSEL', name: 'Makassar', population: 12_345 }, { id: 'JAP', region: 'REGION', name: 'jap' }]);
  });
});

describe('every format carries the unsur', () => {
  const SIM = { seed: 'ikm-exports', branches: 3, periods: '2025-Q1', n: 25, headOffice: true };

  it('the numeric CSV: U1-U9 columns before SAT_PROG, codes 1-4; the cleaner counts them per label', async () => {
    const text = simulateDrops({ ...SIM, format: 'plain' }).drops[0]!.text;
    const header = text.split('\n')[0]!.split(',');
    expect(header.slice(-10)).toEqual([...UNSUR_ITEMS, 'SAT_PROG']);
    const r = await clean(text);
    expect(r.rejects).toEqual([]);
    const u4 = r.manifest.mapping.labels.U4!;
    expect(Object.keys(u4.labels)).toEqual(['Sangat mahal', 'Cukup mahal', 'Murah', 'Gratis']);
    expect(u4.codes).toBe(75); // codes written, no labels
    for (const c of r.clean) for (const u of UNSUR_ITEMS) expect([1, 2, 3, 4]).toContain(c.items[defaultInstrument.items.indexOf(u)]);
  });

  it('Google Forms writes each unsur\'s own answer labels under the question text; Kobo groups them under grp_skm; SPSS labels their values', async () => {
    const gf = await simulateExport(SIM, 'google-forms');
    const text = gf.files[0]!.bytes.toString('utf8');
    expect(text.split('\r\n')[0]).toContain('U4. Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?');
    expect(text).toMatch(/,Gratis,/);
    expect(text).toMatch(/Sopan dan ramah/);
    const inst = loadInstrument(gf.instrument, 'gf.json');
    expect(inst.spec.ikm?.unsur).toEqual(UNSUR_ITEMS);
    const r = await clean(gf.files[0]!.bytes, { instrument: inst });
    expect(r.rejects).toEqual([]);
    const u4 = r.manifest.mapping.labels.U4!;
    expect(u4.codes).toBe(0); // every answer a label
    expect(Object.values(u4.labels).reduce((a, b) => a + b.count, 0)).toBe(75);

    const kobo = await simulateExport(SIM, 'kobo');
    expect(kobo.files[0]!.bytes.toString('utf8').split('\n')[0]).toContain('"grp_skm/U1";');

    const sav = await simulateExport(SIM, 'sav');
    const s = await clean(sav.files[0]!.bytes, { instrument: loadInstrument(sav.instrument, 'sav.json') });
    expect(s.rejects).toEqual([]);
    expect(s.manifest.mapping.columns.U9).toMatchObject({ header: 'U9', via: 'name' });
  });
});
