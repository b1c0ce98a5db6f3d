// The assessments' path tests (shared/assess/path-tests.ts): each group's coefficients are its own PLS estimate, a
// branch whose trust does not follow its CRM and service quality differs from the rest, a branch like the others does
// not, and the rest of the network is sampled down as configured.
import { beforeAll, describe, expect, it } from 'vitest';
import { cleanDrop, defaultInstrument, formatCleanHeader, formatCleanRow, simulateDrops } from '../../../../shared/survey';
import { filterFrame, frameFromCleanCsv, type SurveyFrame } from '../../../../shared/assess/frame';
import { branchesVersusRest, branchSeed, yearVersusYear, type PathTestSettings } from '../../../../shared/assess/path-tests';
import { satisfactionModel } from '../../../../shared/models';
import { estimatePls } from '../../../../shared/stats/pls';
import { selectColumns } from '../../../../shared/stats/table';

const S: PathTestSettings = { permutations: 199, seed: 11, minN: 30, restRows: 2000 };
let frame: SurveyFrame;

async function simulated(seed: number, branches: number, periods: string, n: number): Promise<SurveyFrame> {
  const sim = simulateDrops({ seed, branches, periods, n, format: 'plain' });
  const texts: { text: string; source: string }[] = [];
  for (const d of sim.drops) {
    let text = formatCleanHeader(defaultInstrument);
    await cleanDrop(d.text, { instrument: defaultInstrument, source: d.file, onClean: (r) => { text += formatCleanRow(defaultInstrument, r); }, onReject: () => {} });
    texts.push({ text, source: d.file });
  }
  return frameFromCleanCsv(texts, defaultInstrument);
}

/** BR02's trust answers shuffled among its own respondents: its trust no longer follows CRM and service quality. */
function breakTrust(f: SurveyFrame, branch: string): SurveyFrame {
  const rows = f.branches.flatMap((b, r) => (b === branch ? [r] : []));
  const trust = satisfactionModel.constructs.TRUST!.items;
  const cols = f.items.cols.map((c, j) => {
    if (!trust.includes(f.items.names[j]!)) return c;
    const out = c.slice();
    rows.forEach((r, k) => { out[r] = c[rows[(k * 7 + 3) % rows.length]!]!; });
    return out;
  });
  return { ...f, items: { ...f.items, cols } };
}

beforeAll(async () => {
  frame = breakTrust(await simulated(5, 4, '2025-Q1', 150), 'BR02');
});

const modelItems = () => [...new Set(Object.values(satisfactionModel.constructs).flatMap((c) => c.items))];
const pathsOf = (f: SurveyFrame) => estimatePls(satisfactionModel, selectColumns(f.items, modelItems())).paths;

describe('branchesVersusRest', () => {
  it("gives each group's own PLS path coefficients and their difference", () => {
    const tests = branchesVersusRest(frame, satisfactionModel, S).tests;
    expect(Object.keys(tests)).toEqual(['BR01', 'BR02', 'BR03', 'BR04']);
    const own = pathsOf(filterFrame(frame, (r) => frame.branches[r] === 'BR03'));
    const rest = pathsOf(filterFrame(frame, (r) => frame.branches[r] !== 'BR03'));
    const t = tests.BR03!;
    expect(t).toMatchObject({ against: 'rest-of-network', n: 150, nOther: 450, permutations: 199 });
    expect(t.restLargestShare).toBeCloseTo(1 / 3, 12); // three other branches of 150
    expect(t.paths.map((p) => `${p.from}>${p.to}`)).toEqual(satisfactionModel.paths.map((p) => `${p.from}>${p.to}`));
    t.paths.forEach((p, k) => {
      expect(p.estimate).toBeCloseTo(own[k]!.estimate, 12);
      expect(p.other).toBeCloseTo(rest[k]!.estimate, 12);
      expect(p.diff).toBeCloseTo(own[k]!.estimate - rest[k]!.estimate, 12);
      expect(p.p).toBeGreaterThan(0);
      expect(p.p).toBeLessThanOrEqual(1);
    });
  });

  it('finds the branch whose trust does not follow its drivers, and only there', () => {
    const tests = branchesVersusRest(frame, satisfactionModel, S).tests;
    const p = (b: string, from: string) => tests[b]!.paths.find((x) => x.from === from && x.to === 'TRUST')!;
    // BR02's CRM -> TRUST and SQ -> TRUST collapse towards 0; the other branches' stay as the rest's.
    expect(p('BR02', 'CRM').diff).toBeLessThan(-0.2);
    expect(Math.min(p('BR02', 'CRM').p, p('BR02', 'SQ').p)).toBeLessThan(0.01);
    for (const b of ['BR01', 'BR03', 'BR04']) expect(Math.min(p(b, 'CRM').p, p(b, 'SQ').p)).toBeGreaterThan(0.01);
  });

  it('is the same on a re-run (seeded) and samples the rest of the network down to restRows', () => {
    const a = branchesVersusRest(frame, satisfactionModel, { ...S, restRows: 200 }).tests;
    const b = branchesVersusRest(frame, satisfactionModel, { ...S, restRows: 200 }).tests;
    expect(a).toEqual(b);
    expect(a.BR01).toMatchObject({ n: 150, nOther: 200, restSampled: true });
  });

  it('gives every branch a seed of its own, whatever the other branches', () => {
    const seeds = ['BR01', 'BR02', 'BR03', 'BR04', 'BR10'].map((b) => branchSeed(11, b));
    expect(new Set(seeds).size).toBe(5);
    for (const x of seeds) expect(Math.abs(x)).toBeLessThan(2 ** 31);
    expect(branchSeed(11, 'BR01')).toBe(seeds[0]);
    expect(branchSeed(12, 'BR01')).not.toBe(seeds[0]);
  });

  it('leaves out branches below minN and does nothing without permutations', () => {
    expect(branchesVersusRest(frame, satisfactionModel, { ...S, minN: 151 })).toEqual({ tests: {}, skipped: {} });
    expect(branchesVersusRest(frame, satisfactionModel, { ...S, permutations: 0 })).toEqual({ tests: {}, skipped: {} });
  });
});

describe('yearVersusYear', () => {
  it("tests this year's paths against the year before's", async () => {
    const before = await simulated(6, 1, '2024-Q1', 200);
    const now = breakTrust(await simulated(7, 1, '2025-Q1', 200), 'BR01');
    const t = yearVersusYear(now, before, '2024', satisfactionModel, S)!;
    expect(t).toMatchObject({ against: 'previous-year', otherPeriod: '2024', n: 200, nOther: 200 });
    // the simulator's trust follows service quality (CRM -> TRUST is about 0.05): SQ -> TRUST is the path that breaks
    const sq = t.paths.find((x) => x.from === 'SQ' && x.to === 'TRUST')!;
    expect(sq.estimate).toBeCloseTo(pathsOf(now).find((x) => x.from === 'SQ' && x.to === 'TRUST')!.estimate, 12);
    expect(sq.other).toBeCloseTo(pathsOf(before).find((x) => x.from === 'SQ' && x.to === 'TRUST')!.estimate, 12);
    expect(sq.diff).toBeLessThan(-0.3);
    expect(sq.p).toBeLessThan(0.01);
    // GOV -> SAT is untouched
    expect(t.paths.find((x) => x.from === 'GOV' && x.to === 'SAT')!.p).toBeGreaterThan(0.1);
    expect(yearVersusYear(now, filterFrame(before, (r) => r < 20), '2024', satisfactionModel, S)).toBeNull();
  });
});
