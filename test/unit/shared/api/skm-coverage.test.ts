// The SKM report's aggregates are disclosed by the IKM's own respondents (found by the red-team pass): in a network
// of three branches where BR03 sent only the questionnaire this quarter, the network's IKM pools BR01 and BR02 alone,
// so BR01's manager, who knows their own figures, would read BR02's off it. The SAT coverage (three branches) must
// not let it out; head office still sees it, with n the IKM's respondents.
import { beforeAll, describe, expect, it } from 'vitest';
import { frameFromCleanCsv } from '../../../../shared/assess/frame';
import { contextFromInstrument, recomputeUnit } from '../../../../shared/assess/recompute';
import { recordsForResult } from '../../../../shared/assess/records';
import { memoryBackend, type Item } from '../../../../shared/api/backend';
import { DashboardStore } from '../../../../shared/api/store';
import { skmView } from '../../../../shared/api/skm';
import { S3_LAYOUT, type Unit } from '../../../../shared/layout/keys';
import { cleanDrop, defaultInstrument as I, formatCleanHeader, formatCleanRow, simulateDrops } from '../../../../shared/survey';

const U = I.spec.ikm!.unsur;
const PERIOD = '2024-Q3';
let store: DashboardStore;

/** The drop without its SKM columns (a branch that did not run the SKM this quarter). */
function withoutSkm(text: string): string {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter(Boolean);
  const keep = lines[0]!.split(',').flatMap((h, i) => (U.includes(h) ? [] : [i]));
  return lines.map((l) => { const f = l.split(','); return keep.map((i) => f[i]).join(','); }).join('\n') + '\n';
}

beforeAll(async () => {
  const sim = simulateDrops({ seed: 'skm-coverage', branches: 3, periods: [PERIOD], n: 60, messy: 0, format: 'plain' });
  const parts = new Map<string, string>();
  for (const d of sim.drops) {
    let part = formatCleanHeader(I);
    await cleanDrop(d.branch === 'BR03' ? withoutSkm(d.text) : d.text, { instrument: I, source: d.file, onClean: (r) => { part += formatCleanRow(I, r); }, onReject: () => {} });
    parts.set(d.branch!, part);
  }
  const items: Item[] = [];
  const objects: Record<string, string> = { [S3_LAYOUT.branches]: JSON.stringify(sim.branches) };
  const regions = [...new Set(sim.branches.map((b) => b.region))];
  const units: Unit[] = [...sim.branches.map((b): Unit => ({ kind: 'branch', id: b.id })), ...regions.map((id): Unit => ({ kind: 'region', id })), { kind: 'network' }];
  for (const u of units) {
    const members = sim.branches.filter((b) => u.kind === 'network' || (u.kind === 'region' ? b.region === u.id : b.id === u.id));
    const frame = frameFromCleanCsv(members.map((b) => ({ text: parts.get(b.id)!, source: b.id })), I);
    const r = await recomputeUnit(frame, contextFromInstrument(I, u, PERIOD), { nboot: 20, seed: 1, minN: 30, alpha: 0.05, workers: 1, bca: false, permutations: 0, restRows: 2000 });
    const { summary, metrics } = recordsForResult(r, `h-${JSON.stringify(u)}`, u.kind === 'branch' ? sim.branches.find((b) => b.id === u.id)!.region : undefined);
    objects[summary.resultKey] = JSON.stringify(r);
    items.push(summary as unknown as Item, ...(metrics as unknown as Item[]));
  }
  store = new DashboardStore(memoryBackend(items, objects));
}, 60_000);

describe('SKM report coverage', () => {
  it('withholds the network from a manager when only two branches answered the SKM, though three answered the questionnaire', async () => {
    const v = await skmView(store, { sub: 'm', role: 'branch-manager', branch: 'BR01' }, { period: PERIOD });
    expect(v.ikm).toBeNull();
    expect(v.withheld.ikm).toBe('branches');
  });

  it('shows head office the network IKM of the SKM respondents only', async () => {
    const v = await skmView(store, { sub: 'h', role: 'head-office' }, { period: PERIOD });
    expect(v.ikm).not.toBeNull();
    expect(v.ikm!.n).toBe(120); // BR01 and BR02, 60 each; BR03's 60 questionnaire-only rows are no SKM respondents
    expect(v.ikm!.unsur.every((u) => u.n === 120)).toBe(true);
  });
});
