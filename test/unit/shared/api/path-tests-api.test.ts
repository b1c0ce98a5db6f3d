// The branch page's path tests through the API handler (shared/api/views.ts modelView): a branch's stored test against
// the rest of the network reaches its direct paths while it belongs to the network result shown (same input hash),
// never when it is older; a year's test against the year before comes from the branch's own result.
import { beforeAll, describe, expect, it } from 'vitest';
import { handleApiRequest } from '../../../../shared/api/app';
import { memoryBackend } from '../../../../shared/api/backend';
import { DashboardStore } from '../../../../shared/api/store';
import type { BranchResultsResponse } from '../../../../shared/api/types';
import type { PathComparison, StoredPathTest } from '../../../../shared/assess/path-tests';
import type { UnitResult } from '../../../../shared/assess/recompute';
import { S3_LAYOUT } from '../../../../shared/layout/keys';
import { fixture, type Fixture } from './fixture';

let f: Fixture;
beforeAll(async () => {
  f = await fixture();
}, 60_000);

const HEAD = { sub: 'u-head', 'cognito:groups': '[head-office]' };
const MANAGER = (b: string) => ({ sub: `u-${b}`, 'cognito:groups': '[branch-manager]', 'custom:branch': b });

/** A test of every direct path of BR01's result in `period`, with figures that tell the paths apart. */
function testOf(period: string, against: PathComparison['against']): PathComparison {
  const paths = f.result({ kind: 'branch', id: 'BR01' }, period).satisfaction!.bootstrap.paths;
  return {
    against, n: 50, nOther: 100, permutations: 499, ...(against === 'previous-year' ? { otherPeriod: '2024' } : {}),
    paths: paths.map((p, k) => ({ from: p.from, to: p.to, estimate: p.original, other: 0.1 * k, diff: p.original - 0.1 * k, p: (k + 1) / 100 })),
  };
}

async function branchResults(objects: Record<string, string>, claims: Record<string, unknown>, period: string): Promise<BranchResultsResponse> {
  const store = new DashboardStore(memoryBackend(f.items, objects));
  const res = await handleApiRequest({ method: 'GET', path: '/api/branches/BR01/results', query: { period }, claims }, store, { defaultLocale: 'en' });
  expect(res.status).toBe(200);
  return JSON.parse(res.body) as BranchResultsResponse;
}

describe('paths against the rest of the network', () => {
  const withTest = (hash: string) => {
    const t: StoredPathTest = { ...testOf('2025-Q4', 'rest-of-network'), networkInputHash: hash };
    return { ...f.objects, [S3_LAYOUT.branchPathTests('2025-Q4', 'BR01')]: JSON.stringify(t) };
  };

  it('puts the stored test beside each direct path, for head office and for the branch manager', async () => {
    const current = f.summary({ kind: 'network' }, '2025-Q4').inputHash;
    const t = testOf('2025-Q4', 'rest-of-network');
    for (const claims of [HEAD, MANAGER('BR01')]) {
      const r = await branchResults(withTest(current), claims, '2025-Q4');
      const direct = r.model!.paths.filter((p) => p.kind === 'direct');
      expect(direct.map((p) => p.vsNetwork)).toEqual(t.paths.map((x) => ({ other: x.other, diff: x.diff, p: x.p })));
      expect(r.model!.paths.filter((p) => p.kind === 'indirect').every((p) => p.vsNetwork === undefined)).toBe(true);
      expect(r.model!.comparisons).toEqual({ network: { n: 50, nOther: 100, permutations: 499, restSampled: false } });
    }
  });

  it('withholds the rest of the network from a manager when one other branch holds most of its respondents', async () => {
    const current = f.summary({ kind: 'network' }, '2025-Q4').inputHash;
    const t: StoredPathTest = { ...testOf('2025-Q4', 'rest-of-network'), restLargestShare: 0.8, networkInputHash: current };
    const objects = { ...f.objects, [S3_LAYOUT.branchPathTests('2025-Q4', 'BR01')]: JSON.stringify(t) };
    const m = await branchResults(objects, MANAGER('BR01'), '2025-Q4');
    expect(m.model!.paths.every((p) => p.vsNetwork === undefined)).toBe(true);
    expect(m.withheld).toEqual({ 'model.paths.vsNetwork': 'dominance' });
    const h = await branchResults(objects, HEAD, '2025-Q4');
    expect(h.model!.paths.filter((p) => p.kind === 'direct').every((p) => p.vsNetwork !== undefined)).toBe(true);
    expect(h.withheld).toEqual({});
    // at 3/4 or less the manager sees it
    const ok = await branchResults({ ...objects, [S3_LAYOUT.branchPathTests('2025-Q4', 'BR01')]: JSON.stringify({ ...t, restLargestShare: 0.75 }) }, MANAGER('BR01'), '2025-Q4');
    expect(ok.model!.comparisons?.network).toBeDefined();
  });

  it('shows no test that belongs to an older network result, and none where there is no test', async () => {
    for (const objects of [withTest('an older hash'), f.objects]) {
      const r = await branchResults(objects, HEAD, '2025-Q4');
      expect(r.model!.paths.every((p) => p.vsNetwork === undefined)).toBe(true);
      expect(r.model!.comparisons).toBeUndefined();
    }
  });
});

describe("a year's paths against the year before", () => {
  it("come from the branch's own result", async () => {
    const summary = f.summary({ kind: 'branch', id: 'BR01' }, '2025');
    const t = testOf('2025', 'previous-year');
    const result: UnitResult = { ...f.result({ kind: 'branch', id: 'BR01' }, '2025'), pathTests: { vsPreviousYear: t } };
    const r = await branchResults({ ...f.objects, [summary.resultKey]: JSON.stringify(result) }, MANAGER('BR01'), '2025');
    expect(r.model!.paths.filter((p) => p.kind === 'direct').map((p) => p.vsPreviousYear)).toEqual(t.paths.map((x) => ({ other: x.other, diff: x.diff, p: x.p })));
    expect(r.model!.comparisons).toEqual({ previousYear: { n: 50, nOther: 100, permutations: 499, restSampled: false, otherPeriod: '2024' } });
  });
});
