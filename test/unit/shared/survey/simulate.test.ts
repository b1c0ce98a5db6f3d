// The simulator: deterministic by seed, the population model's paths come back out of the data, the drift
// shows, demographics follow seed-000 Tables 1-3, and the cleaner finds exactly the messiness the truth lists.
import { Matrix, solve } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import {
  branchDirectory, cleanDrop, defaultInstrument, LATENT_CONSTRUCTS, parseDrift, parseSimulateOptions, populationMoments,
  SEED000_PATHS, SIM_ITEMS, simulateCsv, simulateDrops, simulateRows, type CleanRow, type RejectedRow, type SimRespondent,
} from '../../../../shared/survey/index';
import { LATENT_INDEX } from '../../../../shared/survey/simulate/generate';

const L = LATENT_INDEX;

/** Standardized OLS coefficients of y on xs (columns standardized first). */
function standardizedOls(y: number[], xs: number[][]): { beta: number[]; r2: number } {
  const z = (v: number[]) => {
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
    return v.map((x) => (x - m) / sd);
  };
  const X = new Matrix(xs.map(z)).transpose();
  const Y = Matrix.columnVector(z(y));
  const beta = solve(X.transpose().mmul(X), X.transpose().mmul(Y)).getColumn(0);
  const fitted = X.mmul(Matrix.columnVector(beta)).getColumn(0);
  const yz = Y.getColumn(0);
  const sse = yz.reduce((a, v, i) => a + (v - fitted[i]!) ** 2, 0);
  const sst = yz.reduce((a, v) => a + v * v, 0);
  return { beta, r2: 1 - sse / sst };
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const sd = (v: number[]) => {
  const m = mean(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
};
function composite(r: SimRespondent, prefix: string): number {
  let s = 0, k = 0;
  SIM_ITEMS.forEach((it, i) => {
    if (it.startsWith(prefix) && /\d$/.test(it)) {
      s += r.items[i]!;
      k++;
    }
  });
  return s / k;
}

describe('simulator: determinism and layout', () => {
  it('the same seed gives the same drops; another seed different ones', () => {
    const a = simulateDrops({ seed: 'x', branches: 3, periods: '2025-Q1..2025-Q2', n: 30, messy: 0.1 });
    const b = simulateDrops({ seed: 'x', branches: 3, periods: '2025-Q1..2025-Q2', n: 30, messy: 0.1 });
    const c = simulateDrops({ seed: 'y', branches: 3, periods: '2025-Q1..2025-Q2', n: 30, messy: 0.1 });
    expect(a).toEqual(b);
    expect(a.drops[0]!.text).not.toBe(c.drops[0]!.text);
  });
  it('a drop does not depend on which other drops are generated, nor on per-drop vs head-office files', () => {
    const small = simulateDrops({ seed: 5, branches: 2, periods: '2025-Q1', n: 40, format: 'plain' });
    const big = simulateDrops({ seed: 5, branches: 4, periods: '2024-Q4..2025-Q1', n: 40, format: 'plain' });
    expect(big.drops.find((d) => d.file === 'drop_BR02_2025-Q1.csv')!.text).toBe(small.drops[1]!.text);
    const office = simulateDrops({ seed: 5, branches: 2, periods: '2025-Q1', n: 40, format: 'plain', headOffice: true });
    const body = (t: string) => t.split('\n').slice(1).join('\n');
    expect(body(office.drops[0]!.text)).toBe(small.drops.map((d) => body(d.text)).join(''));
    expect(office.drops[0]!.file).toBe('headoffice_2025-Q1_2025-Q1.csv');
  });
  it('the streaming head-office CSV equals the in-memory one, in any chunk size', () => {
    const o = { seed: 9, branches: 3, periods: '2025-Q1..2025-Q2', n: 50, messy: 0.05, headOffice: true };
    const whole = simulateDrops(o).drops[0]!.text;
    expect([...simulateCsv(o, undefined, undefined, 1000)].join('')).toBe(whole);
  });
  it('writes Excel-Indonesian files by default and plain CSV on request', () => {
    const x = simulateDrops({ branches: 1, periods: '2025-Q1', n: 2 }).drops[0]!.text;
    expect(x.startsWith('\uFEFFrespondent_id;branch_id;period;submitted_at;')).toBe(true);
    expect(x).toMatch(/\r\nBR01-2025Q1-00001;BR01;2025-Q1;\d\d\/0[1-3]\/2025;/);
    const p = simulateDrops({ branches: 1, periods: '2025-Q1', n: 2, format: 'plain' }).drops[0]!.text;
    expect(p).toMatch(/^respondent_id,branch_id,.*\nBR01-2025Q1-00001,BR01,2025-Q1,2025-0[1-3]-\d\d,/);
  });
  it('exposes the branch directory: seed-003 branches in three regions, then generic ones', () => {
    const dir = branchDirectory(14);
    expect(dir[6]).toEqual({ id: 'BR07', name: 'Langsa', region: 'ACEH', population: expect.any(Number) });
    expect(new Set(dir.slice(0, 12).map((b) => b.region))).toEqual(new Set(['ACEH', 'MEDAN', 'SUMUT']));
    expect(dir[13]).toMatchObject({ id: 'BR14', name: 'Branch 14' });
    expect(simulateDrops({ branches: 2, periods: '2025-Q1', n: 1 }).branches.map((b) => b.id)).toEqual(['BR01', 'BR02']);
  });
  it('validates options and drifts with clear messages', () => {
    expect(parseDrift('BR07:trust:-0.4:2025q3')).toEqual({ branch: 'BR07', construct: 'TRUST', delta: -0.4, from: '2025-Q3' });
    expect(parseDrift('*:SAT:0.2:2024-Q1').branch).toBe('*');
    expect(() => parseDrift('BR07:TRUST:-0.4')).toThrow(/BRANCH:CONSTRUCT:DELTA:FROM/);
    expect(() => parseDrift('BR07:MOOD:-0.4:2025-Q3')).toThrow(/construct/);
    expect(() => parseSimulateOptions({ drifts: [parseDrift('BR99:TRUST:-0.4:2025-Q3')] })).toThrow(/unknown branch BR99/);
    expect(() => parseSimulateOptions({ messy: 0.9 })).toThrow(/messy/);
    expect(() => parseSimulateOptions({ periods: '2025-Q9..2026-Q1' })).toThrow(/2025-Q9/);
  });
});

describe('simulator: the population model comes back out of the data', () => {
  const rows = [...simulateRows({ seed: 42, branches: 4, periods: '2025-Q1..2025-Q3', n: 2500, offsetSd: 0 })];
  const lat = (c: keyof typeof L) => rows.map((r) => r.latent[L[c]]!);

  it('the model-implied R² matches seed-000 (0.67)', () => {
    const m = populationMoments();
    expect(m.r2Sat).toBeCloseTo(0.67, 2);
    // 0.162² + 0.402² + 2·0.162·0.402·0.36
    expect(m.r2Trust).toBeCloseTo(0.2347, 4);
  });
  it('latent paths: Table 6 within ±0.03 (n = 30,000)', () => {
    const p = SEED000_PATHS;
    const trust = standardizedOls(lat('TRUST'), [lat('CRM'), lat('SQ')]);
    expect(trust.beta[0]).toBeCloseTo(p.CRM_TRUST, 1);
    expect(Math.abs(trust.beta[0]! - p.CRM_TRUST)).toBeLessThan(0.03);
    expect(Math.abs(trust.beta[1]! - p.SQ_TRUST)).toBeLessThan(0.03);
    const t = lat('TRUST'), g = lat('GOV');
    const r = populationMoments().rTrustGov;
    const inter = t.map((x, i) => (x * g[i]! - r) / Math.sqrt(1 + r * r));
    const sat = standardizedOls(lat('SAT'), [lat('CRM'), lat('SQ'), t, g, inter]);
    const expected = [p.CRM_SAT, p.SQ_SAT, p.TRUST_SAT, p.GOV_SAT, p.TRUSTxGOV_SAT];
    sat.beta.forEach((b, k) => expect(Math.abs(b - expected[k]!), `path ${k}`).toBeLessThan(0.03));
    expect(Math.abs(sat.r2 - 0.67)).toBeLessThan(0.03);
  });
  it('items: composites reproduce the paths roughly (attenuated by measurement error), GOV the strongest driver', () => {
    const c = (p: string) => rows.map((r) => composite(r, p));
    const trust = standardizedOls(c('TRUST'), [c('CRM'), c('SQ')]);
    expect(Math.abs(trust.beta[0]! - SEED000_PATHS.CRM_TRUST)).toBeLessThan(0.08);
    expect(Math.abs(trust.beta[1]! - SEED000_PATHS.SQ_TRUST)).toBeLessThan(0.08);
    const sat = standardizedOls(c('SAT'), [c('CRM'), c('SQ'), c('TRUST'), c('GOV')]);
    expect(sat.beta[3]).toBeGreaterThan(Math.max(...sat.beta.slice(0, 3)));
    for (const b of sat.beta) expect(b).toBeGreaterThan(0.05);
    // Latent R² is 0.67; composites of 4-6 five-point items lose some to measurement error, and this linear fit
    // leaves out the interaction (0.18² ≈ 0.03).
    expect(sat.r2).toBeGreaterThan(0.42);
    expect(sat.r2).toBeLessThan(0.62);
  });
  it('items load on their construct about as Table 4 says (item-latent correlation ≈ loading, less for 5 categories)', () => {
    const i = SIM_ITEMS.indexOf('GOV2'); // loading 0.899
    const j = SIM_ITEMS.indexOf('GOV6'); // loading 0.698
    const corr = (a: number[], b: number[]) => {
      const ma = mean(a), mb = mean(b);
      return a.reduce((s, x, k) => s + (x - ma) * (b[k]! - mb), 0) / ((a.length - 1) * sd(a) * sd(b));
    };
    const g2 = corr(rows.map((r) => r.items[i]!), lat('GOV'));
    const g6 = corr(rows.map((r) => r.items[j]!), lat('GOV'));
    expect(g2).toBeGreaterThan(g6 + 0.1);
    expect(g2).toBeGreaterThan(0.8);
    expect(g2).toBeLessThan(0.9);
  });
  it('loyalty on the SERVQUAL dimensions: R² near seed-003 (0.815), all weights positive', () => {
    const loy = standardizedOls(lat('LOY'), (['TAN', 'REL', 'RES', 'ASR', 'EMP'] as const).map((d) => lat(d)));
    expect(Math.abs(loy.r2 - 0.815)).toBeLessThan(0.02);
    for (const b of loy.beta) expect(b).toBeGreaterThan(0);
  });
  it('Likert answers are positively skewed, SAT_PROG about 93% satisfied (4 or 5)', () => {
    const crm1 = rows.map((r) => r.items[0]!);
    expect(mean(crm1)).toBeGreaterThan(3.7);
    expect(mean(crm1)).toBeLessThan(4.1);
    const satProg = rows.map((r) => r.items[SIM_ITEMS.indexOf('SAT_PROG')]!);
    const share = satProg.filter((v) => v >= 4).length / satProg.length;
    expect(share).toBeGreaterThan(0.88);
    expect(share).toBeLessThan(0.96);
  });
  it('demographics follow seed-000 Tables 1-3, programmes and segments the stated mix', () => {
    const share = (f: (r: SimRespondent) => boolean) => rows.filter(f).length / rows.length;
    expect(Math.abs(share((r) => r.gender === 'M') - 242 / 384)).toBeLessThan(0.015);
    expect(Math.abs(share((r) => r.education === 'SMA') - 188 / 384)).toBeLessThan(0.015);
    expect(Math.abs(share((r) => r.education === 'S1') - 161 / 384)).toBeLessThan(0.015);
    expect(Math.abs(share((r) => r.age >= 31 && r.age <= 40) - 234 / 384)).toBeLessThan(0.015);
    expect(Math.abs(share((r) => r.programme === 'JHT') - 0.45)).toBeLessThan(0.015);
    expect(Math.abs(share((r) => r.segment === 'BPU') - 0.35)).toBeLessThan(0.015);
    expect(rows.every((r) => r.age >= 21 && r.age <= 60)).toBe(true);
  });
});

describe('simulator: drift and offsets', () => {
  const o = { seed: 1, branches: 8, periods: '2025-Q1..2025-Q4', n: 1500, offsetSd: 0, drifts: [parseDrift('BR07:TRUST:-0.4:2025-Q3')] };
  const rows = [...simulateRows(o)];
  const group = (b: string, p: string) => rows.filter((r) => r.branch === b && r.period === p);
  const latentMean = (rs: SimRespondent[], c: keyof typeof L) => mean(rs.map((r) => r.latent[L[c]]!));

  it('trust of BR07 falls 0.4 latent SD from 2025-Q3 on, not before and not elsewhere', () => {
    expect(Math.abs(latentMean(group('BR07', '2025-Q2'), 'TRUST'))).toBeLessThan(0.08);
    expect(latentMean(group('BR07', '2025-Q3'), 'TRUST')).toBeCloseTo(-0.4, 1);
    expect(latentMean(group('BR07', '2025-Q4'), 'TRUST')).toBeCloseTo(-0.4, 1);
    expect(Math.abs(latentMean(group('BR06', '2025-Q4'), 'TRUST'))).toBeLessThan(0.08);
  });
  it('shows in the answers: the TRUST composite drops by about 0.4 of its SD, and SAT follows a little', () => {
    const comp = (rs: SimRespondent[], p: string) => rs.map((r) => composite(r, p));
    const before = comp(group('BR07', '2025-Q2'), 'TRUST');
    const after = comp(group('BR07', '2025-Q3'), 'TRUST');
    const d = (mean(after) - mean(before)) / sd(before);
    expect(d).toBeLessThan(-0.25);
    expect(d).toBeGreaterThan(-0.5);
    expect(latentMean(group('BR07', '2025-Q3'), 'SAT') - latentMean(group('BR07', '2025-Q2'), 'SAT')).toBeLessThan(-0.02);
  });
  it('random branch offsets are seeded and stable; explicit offsets add to them', () => {
    const a = [...simulateRows({ seed: 3, branches: 2, periods: '2025-Q1', n: 3000, offsets: { BR02: { GOV: 0.5 } } })];
    const gov = (b: string) => mean(a.filter((r) => r.branch === b).map((r) => r.latent[L.GOV]!));
    expect(gov('BR02') - gov('BR01')).toBeGreaterThan(0.2);
    expect(LATENT_CONSTRUCTS).toContain('LOY');
  });
});

describe('simulator messiness: the truth file lists exactly what the cleaner finds', () => {
  for (const headOffice of [false, true]) {
    it(`${headOffice ? 'head-office file' : 'per-drop files'}: every messy row found with its reason, nothing else rejected`, async () => {
      const sim = simulateDrops({ seed: 11, branches: 3, periods: '2025-Q1..2025-Q2', n: 250, messy: 0.12, headOffice });
      const known = new Set(sim.branches.map((b) => b.id));
      expect(sim.truth.summary.byKind).toMatchObject({ broken_quote: expect.any(Number), duplicate_conflict: expect.any(Number) });
      for (const [k, d] of sim.drops.entries()) {
        const clean = new Map<number, CleanRow>();
        const rej = new Map<number, RejectedRow>();
        const m = await cleanDrop(d.text, { instrument: defaultInstrument, source: d.file, knownBranches: known, onClean: (r) => void clean.set(r.line, r), onReject: (r) => void rej.set(r.line, r) });
        const truth = sim.truth.files[k]!;
        expect(m.inputRows).toBe(truth.rows);
        for (const e of truth.messy) {
          if (e.expect === 'clean') expect(clean.get(e.line)?.respondentId, `${d.file}:${e.line} ${e.kind}`).toBe(e.respondentId);
          else expect(rej.get(e.line)?.reasons, `${d.file}:${e.line} ${e.kind}`).toEqual(e.reasons);
        }
        const expectedRejects = truth.messy.filter((e) => e.expect === 'reject').length;
        expect(rej.size, d.file).toBe(expectedRejects);
      }
      expect(sim.truth.summary.expectReject + sim.truth.summary.expectClean).toBe(sim.truth.summary.rows);
    });
  }
  it('derived periods and padded values come out clean and normalised', async () => {
    const sim = simulateDrops({ seed: 2, branches: 1, periods: '2025-Q2', n: 200, messy: 0.3, messKinds: ['padded', 'derived_period'] });
    const rows: CleanRow[] = [];
    await cleanDrop(sim.drops[0]!.text, { instrument: defaultInstrument, source: 'x', onClean: (r) => void rows.push(r), onReject: () => expect.unreachable() });
    expect(rows).toHaveLength(200);
    expect(new Set(rows.map((r) => `${r.branch} ${r.period}`))).toEqual(new Set(['BR01 2025-Q2']));
  });
});
