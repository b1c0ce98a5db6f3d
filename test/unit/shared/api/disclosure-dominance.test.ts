// The dominance rule of the disclosure plan (shared/api/disclosure.ts): a population-weighted aggregate whose other
// branches are dominated by one of them gives that branch's index away to a manager, who knows their own index and
// share, however many branches and respondents it pools. And views.ts disclosureOf passes the populations in from
// the aggregates' summaries.
import { describe, expect, it } from 'vitest';
import { memoryBackend, type Item } from '../../../../shared/api/backend';
import { DOMINANCE, disclosurePlan, WITHHELD, type BranchCounts, type PopulationWeights } from '../../../../shared/api/disclosure';
import { withheldText } from '../../../../shared/api/reasons';
import { DashboardStore } from '../../../../shared/api/store';
import { disclosureOf } from '../../../../shared/api/views';
import type { Principal } from '../../../../shared/auth';
import { translator } from '../../../../shared/i18n/catalogue';
import { keys, S3_LAYOUT, type Unit } from '../../../../shared/layout/keys';

const HEAD: Principal = { sub: 'h', role: 'head-office' };
const mgr = (branch: string): Principal => ({ sub: `u-${branch}`, role: 'branch-manager', branch });
const b = (branch: string, region: string, total: number, cells?: Record<string, number>): BranchCounts => ({ branch, region, total, ...(cells ? { cells } : {}) });

// The reviewer's region: OWN (population 4,000, n 200), Y (4,000, n 30), Z (400,000, n 30).
const reviewer = [b('OWN', 'R', 200), b('Y', 'R', 30), b('Z', 'R', 30)];
const reviewerPops = { OWN: 4_000, Y: 4_000, Z: 400_000 };
const weighted: PopulationWeights = { network: reviewerPops, regions: { R: reviewerPops } };

describe('the dominance rule', () => {
  it('is 0.75', () => expect(DOMINANCE).toBe(0.75));

  it("withholds the reviewer's region from the OWN manager: the others' combined figure is Z's", () => {
    // What the manager could compute, on the reviewer's figures: V and x_own give (V - π_own x_own) / (1 - π_own),
    // which is 4,000 / 404,000 of Y and 400,000 / 404,000 of Z; Z holds 99% of the others' population.
    const p = disclosurePlan(mgr('OWN'), reviewer, [], weighted);
    expect(p.withheld({ region: 'R' })).toBe(WITHHELD.dominance);
    expect(p.withheld({})).toBe(WITHHELD.dominance);
    // The count floors alone let it through (today's rule, and the rule for a pooled aggregate).
    expect(disclosurePlan(mgr('OWN'), reviewer).withheld({ region: 'R' })).toBeUndefined();
  });

  it('also withholds it from Y\'s manager and from a manager of another region (Z dominates either way)', () => {
    expect(disclosurePlan(mgr('Y'), reviewer, [], weighted).withheld({ region: 'R' })).toBe(WITHHELD.dominance);
    const rows = [...reviewer, b('B1', 'S', 100)];
    expect(disclosurePlan(mgr('B1'), rows, [], { regions: { R: reviewerPops } }).withheld({ region: 'R' })).toBe(WITHHELD.dominance);
  });

  it('shows a balanced region (three similar populations)', () => {
    const pops = { OWN: 4_000, Y: 5_000, Z: 6_000 };
    const p = disclosurePlan(mgr('OWN'), reviewer, [], { network: pops, regions: { R: pops } });
    expect(p.withheld({ region: 'R' })).toBeUndefined();
    expect(p.withheld({})).toBeUndefined();
  });

  it('draws the line at DOMINANCE of the others\' population (3:1 is shown, a little more is not)', () => {
    const at = { OWN: 1, Y: 1_000, Z: 3_000 };
    expect(disclosurePlan(mgr('OWN'), reviewer, [], { regions: { R: at } }).withheld({ region: 'R' })).toBeUndefined();
    const over = { OWN: 1, Y: 1_000, Z: 3_001 };
    expect(disclosurePlan(mgr('OWN'), reviewer, [], { regions: { R: over } }).withheld({ region: 'R' })).toBe(WITHHELD.dominance);
  });

  it('head office sees everything', () => {
    const p = disclosurePlan(HEAD, reviewer, ['PU'], weighted);
    expect(p.withheld({ region: 'R' })).toBeUndefined();
    expect(p.withheld({}, 'PU')).toBeUndefined();
  });

  it('leaves a pooled aggregate to the count floors', () => {
    // Only the network is population-weighted: region R (pooled) is shown, the network is not.
    const p = disclosurePlan(mgr('OWN'), reviewer, [], { network: reviewerPops });
    expect(p.withheld({ region: 'R' })).toBeUndefined();
    expect(p.withheld({})).toBe(WITHHELD.dominance);
  });

  it('the count floors come first', () => {
    expect(disclosurePlan(mgr('OWN'), reviewer.slice(0, 2), [], weighted).withheld({ region: 'R' })).toBe(WITHHELD.branches);
  });

  it('judges breakdown cells by population times the part of the branch in the cell', () => {
    // Balanced populations; cell PU: Z has 28 of its 30 respondents there, Y 2 of its 30, so Z carries
    // 6,000 x 28/30 against Y's 5,000 x 2/30 (94%). Cell BPU: 28 of Y's, 2 of Z's, and more own respondents.
    const pops = { OWN: 4_000, Y: 5_000, Z: 6_000 };
    const rows = [b('OWN', 'R', 200, { PU: 100, BPU: 100 }), b('Y', 'R', 30, { PU: 2, BPU: 28 }), b('Z', 'R', 30, { PU: 28, BPU: 2 })];
    const p = disclosurePlan(mgr('OWN'), rows, ['PU', 'BPU'], { network: pops, regions: { R: pops } });
    expect(p.withheld({ region: 'R' })).toBeUndefined();
    expect(p.withheld({ region: 'R' }, 'PU')).toBe(WITHHELD.dominance);
    expect(p.withheld({ region: 'R' }, 'BPU')).toBe(WITHHELD.dominance);
    // Even cells are shown.
    const even = rows.map((x) => ({ ...x, cells: { PU: x.total / 2, BPU: x.total / 2 } }));
    const q = disclosurePlan(mgr('OWN'), even, ['PU', 'BPU'], { network: pops, regions: { R: pops } });
    expect(q.withheld({ region: 'R' }, 'PU')).toBeUndefined();
    expect(q.withheld({ region: 'R' }, 'BPU')).toBeUndefined();
  });

  it('has words in both languages', () => {
    expect(withheldText(translator('en'), WITHHELD.dominance)).toBe("one other branch holds most of the other branches' population");
    expect(withheldText(translator('id'), WITHHELD.dominance)).not.toBe(WITHHELD.dominance);
  });
});

describe('disclosureOf', () => {
  const period = '2025-Q3';
  const counts = { OWN: 200, Y: 30, Z: 30 };
  const metricItem = (id: string, n: number): Item => ({
    ...keys.metric({ kind: 'branch', id }, 'SAT', period), region: 'R', n,
  } as unknown as Item);
  const summary = (u: Unit, weighting: object): Item => ({ ...keys.periodSummary(u, period), n: 260, weighting } as unknown as Item);
  const members = Object.entries(reviewerPops).map(([branch, population]) => ({ branch, population, share: population / 408_000, n: counts[branch as keyof typeof counts] }));
  const objects = { [S3_LAYOUT.branches]: JSON.stringify(Object.keys(counts).map((id) => ({ id, region: 'R' }))) };
  const branchItems = Object.entries(counts).map(([id, n]) => metricItem(id, n));

  it('passes the populations of population-weighted aggregates in from their summaries', async () => {
    const w = { method: 'population', n: 260, nEffective: 30, deff: 8, members };
    const store = new DashboardStore(memoryBackend([...branchItems, summary({ kind: 'region', id: 'R' }, w), summary({ kind: 'network' }, w)], objects));
    const [whole, seg] = await disclosureOf(store, mgr('OWN'), period, ['whole', 'segment']);
    expect(whole!.withheld({ region: 'R' })).toBe(WITHHELD.dominance);
    expect(whole!.withheld({})).toBe(WITHHELD.dominance);
    expect(seg!.withheld({ region: 'R' })).toBe(WITHHELD.dominance);
    expect((await disclosureOf(store, HEAD, period))[0]!.withheld({ region: 'R' })).toBeUndefined();
  });

  it('keeps the count floors only for pooled aggregates', async () => {
    const w = { method: 'pooled', n: 260, nEffective: 260, deff: 1 };
    const store = new DashboardStore(memoryBackend([...branchItems, summary({ kind: 'region', id: 'R' }, w), summary({ kind: 'network' }, w)], objects));
    const [whole] = await disclosureOf(store, mgr('OWN'), period);
    expect(whole!.withheld({ region: 'R' })).toBeUndefined();
    expect(whole!.withheld({})).toBeUndefined();
  });
});
