// Issue 15 through the API handler and the CSV exports, on the fixture network with watch episodes, an annual alert
// and population-weighted 2025 aggregates (./watch-fixture.ts): head office sees every open watch, a branch
// manager only their own branch's (alerts page, branch endpoints, ranking); every unit figure carries its weighting
// and effective n; a manager sees of an aggregate's members only their own branch; items stored before weighting
// read as unweighted (branch) and pooled (region, network).
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { handleApiRequest } from '../../../../shared/api/app';
import { weightingText } from '../../../../shared/api/weighting-words';
import { memoryBackend, type Item } from '../../../../shared/api/backend';
import { DashboardStore } from '../../../../shared/api/store';
import type { AlertsResponse, BranchResultsResponse, OverviewResponse, SeriesResponse } from '../../../../shared/api/types';
import { translator } from '../../../../shared/i18n/catalogue';
import { fixture, type Fixture } from './fixture';
import { ANNUAL_ALERT, POPULATION, POPULATION_YEAR, watchFixture, type WatchFixture } from './watch-fixture';

let f: Fixture;
let w: WatchFixture;
beforeAll(async () => {
  f = await fixture();
  w = watchFixture(f);
}, 60_000);

const HEAD = { sub: 'u-head', 'cognito:groups': '[head-office]' };
const MANAGER = (b: string) => ({ sub: `u-${b}`, 'cognito:groups': '[branch-manager]', 'custom:branch': b });
const en = translator('en'), id = translator('id');

async function call<T>(path: string, claims: Record<string, unknown>, query: Record<string, string> = {}, store: DashboardStore = w.store()) {
  const res = await handleApiRequest({ method: 'GET', path, query, claims }, store, { defaultLocale: 'en' });
  expect(res.status, `${path} ${res.body.slice(0, 200)}`).toBe(200);
  return { body: res.body, json: (res.headers['content-type']?.startsWith('application/json') ? JSON.parse(res.body) : undefined) as T };
}
/** The fixture as stored before issue 15: every `weighting` and `nEffective` field removed. */
function oldStore(fx: Fixture): DashboardStore {
  const strip = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(strip);
    if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).filter(([k]) => k !== 'weighting' && k !== 'nEffective').map(([k, v]) => [k, strip(v)]));
    return x;
  };
  return new DashboardStore(memoryBackend(fx.items.map((it) => strip(it) as Item), fx.objects));
}
const rowsOf = (body: string) => parse(body.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
const episodes = (xs: { branch: string; metric: string; since: string }[]) => xs.map((x) => `${x.branch} ${x.metric} ${x.since}`);

describe('watches', () => {
  it('head office: every open watch on the alerts page, newest first, beside the alerts (an annual alert among them)', async () => {
    const r = (await call<AlertsResponse>('/api/alerts', HEAD)).json;
    expect(episodes(r.watches)).toEqual(['BR03 SAT 2025-Q4', 'BR01 TRUST 2025-Q3']);
    expect(r.watches.every((x) => x.status === 'open')).toBe(true);
    const br01 = r.watches.find((x) => x.branch === 'BR01')!;
    expect(br01).toMatchObject({ name: f.branches.find((b) => b.id === 'BR01')!.name, region: 'ACEH', decline: 3.4, p: 0.021, bhThreshold: 0.0083, test: 'abrupt', lastPeriod: '2025-Q4' });
    // watches are not alerts: the alerts list is the stored open alerts, with the annual one naming its year
    expect(r.alerts.some((a) => a.metric === 'SAT' && a.branch === 'BR03' && a.since === '2025-Q4')).toBe(false);
    const annual = r.alerts.find((a) => a.test === 'annual')!;
    expect(annual).toMatchObject({ branch: 'BR03', since: '2025', lastPeriod: '2025', decline: ANNUAL_ALERT.decline });
    // the region filter applies to both lists
    const aceh = (await call<AlertsResponse>('/api/alerts', HEAD, { region: 'ACEH' })).json;
    expect(episodes(aceh.watches)).toEqual(['BR01 TRUST 2025-Q3']);
    expect(aceh.alerts.every((a) => a.region === 'ACEH')).toBe(true);
  });

  it('a branch manager gets only their own branch\'s watches, on every endpoint', async () => {
    const br01 = await call<AlertsResponse>('/api/alerts', MANAGER('BR01'));
    expect(episodes(br01.json.watches)).toEqual(['BR01 TRUST 2025-Q3']);
    const br02 = await call<AlertsResponse>('/api/alerts', MANAGER('BR02'));
    expect(br02.json.watches).toEqual([]);
    expect(br02.body).not.toContain('BR01');
    expect(br02.body).not.toContain('BR03');
    // a region filter naming another region gives nothing either
    expect((await call<AlertsResponse>('/api/alerts', MANAGER('BR02'), { region: 'ACEH' })).json.watches).toEqual([]);
    // and the CSV export is the same list
    expect(rowsOf((await call('/api/export/watches.csv', MANAGER('BR01'))).body).map((x) => `${x.Branch} ${x.Since}`)).toEqual(['BR01 2025-Q3']);
    expect(rowsOf((await call('/api/export/watches.csv', HEAD)).body)).toHaveLength(2);
    expect(rowsOf((await call('/api/export/watches.csv', MANAGER('BR02'))).body)).toHaveLength(0);
  });

  it("a branch's endpoints list its episodes, open first, with the one that became an alert", async () => {
    const a = (await call<AlertsResponse>('/api/branches/BR01/alerts', MANAGER('BR01'))).json;
    expect(episodes(a.watches)).toEqual(['BR01 TRUST 2025-Q3', 'BR01 LOY 2025-Q1']);
    expect(a.watches[1]).toMatchObject({ status: 'resolved', resolvedIn: '2025-Q2', resolvedBy: 'alert' });
    const r = (await call<BranchResultsResponse>('/api/branches/BR01/results', MANAGER('BR01'), { period: '2025-Q4' })).json;
    expect(episodes(r.watches)).toEqual(episodes(a.watches));
    expect((await call<BranchResultsResponse>('/api/branches/BR02/results', MANAGER('BR02'), { period: '2025-Q4' })).json.watches).toEqual([]);
    const csv = rowsOf((await call('/api/export/branch-watches.csv', HEAD, { branch: 'BR01', lang: 'id' })).body);
    expect(csv.map((x) => x['Selesai karena'])).toEqual(['', 'menjadi peringatan']);
  });

  it('marks ranking rows with their open watches, and no row of another branch reaches a manager', async () => {
    const o = (await call<OverviewResponse>('/api/overview', HEAD, { period: '2025' })).json;
    const marks = Object.fromEntries(o.ranking.map((r) => [r.branch, r.openWatches]));
    expect(marks).toEqual({
      BR01: [{ metric: 'TRUST', since: '2025-Q3', decline: 3.4 }], BR02: [], BR03: [{ metric: 'SAT', since: '2025-Q4', decline: 2.6 }],
    });
    expect(o.openWatches).toBe(2);
    const m = await call<OverviewResponse>('/api/overview', MANAGER('BR02'), { period: '2025' });
    expect(m.json.ranking.map((r) => [r.branch, r.openWatches])).toEqual([['BR02', []]]);
    expect(m.json.openWatches).toBe(0);
    expect(m.body).not.toContain('2025-Q3"'); // BR01's watch
    expect(m.body).not.toContain('"decline"');
    const mine = (await call<OverviewResponse>('/api/overview', MANAGER('BR03'), { period: '2025' })).json;
    expect(mine.ranking.map((r) => [r.branch, r.openWatches.map((x) => x.metric)])).toEqual([['BR03', ['SAT']]]);
    const csv = rowsOf((await call('/api/export/ranking.csv', HEAD, { period: '2025' })).body);
    expect(csv.find((x) => x.Branch === 'BR01')!['Open watches']).toBe('Trust 2025-Q3');
  });
});

describe('weighting', () => {
  it('the network headline carries its population weighting, members and each figure\'s effective n (head office)', async () => {
    const o = (await call<OverviewResponse>('/api/overview', HEAD, { period: '2025' })).json;
    const hw = o.headline!.weighting;
    const stored = w.weighting.network;
    expect(hw).toMatchObject({ method: 'population', populationYear: POPULATION_YEAR, memberCount: 3, n: stored.n });
    expect(hw.nEffective).toBeCloseTo(stored.nEffective, 9);
    // largest population first; shares of the directory's figures
    expect(hw.members!.map((x) => x.branch)).toEqual(['BR01', 'BR02', 'BR03']);
    const total = POPULATION.BR01! + POPULATION.BR02! + POPULATION.BR03!;
    for (const x of hw.members!) {
      expect(x.share).toBeCloseTo(POPULATION[x.branch]! / total, 12);
      expect(x.n).toBe(f.summary({ kind: 'branch', id: x.branch }, '2025').n);
    }
    const sat = o.headline!.indices.SAT!;
    expect(sat.weighting).toBe('population');
    expect(sat.nEffective).toBeCloseTo((stored.nEffective * sat.n) / stored.n, 9);
    // the previous year was stored before weighting: pooled, effective n = n
    const prev = o.headline!.previous.SAT!;
    expect(prev).toMatchObject({ weighting: 'pooled', nEffective: prev.n });
    // ranking rows: BR01 post-stratified, the others as stored (unweighted)
    const row = (b: string) => o.ranking.find((r) => r.branch === b)!;
    expect(row('BR01').weighting).toMatchObject({ method: 'post-stratified', margins: ['segment'] });
    expect(row('BR01').indices.TRUST!.weighting).toBe('post-stratified');
    expect(row('BR01').indices.TRUST!.nEffective).toBeCloseTo(row('BR01').indices.TRUST!.n * 0.91, 9);
    expect(row('BR02').weighting).toEqual({ method: 'unweighted', n: row('BR02').n, nEffective: row('BR02').n, deff: 1 });
    expect(row('BR02').indices.SAT).toMatchObject({ weighting: 'unweighted', nEffective: row('BR02').indices.SAT!.n });
  });

  it('a branch manager sees the method, year and effective n, and of the members only their own branch', async () => {
    const m = await call<OverviewResponse>('/api/overview', MANAGER('BR02'), { period: '2025' });
    const hw = m.json.headline!.weighting;
    expect(hw).toMatchObject({ method: 'population', populationYear: POPULATION_YEAR, memberCount: 3 });
    expect(hw.members).toEqual([{ branch: 'BR02', population: POPULATION.BR02, share: expect.any(Number), n: f.summary({ kind: 'branch', id: 'BR02' }, '2025').n }]);
    // no other member's id, population or respondents anywhere in the answer
    for (const b of ['BR01', 'BR03']) {
      expect(m.body).not.toContain(`"${b}"`);
      expect(m.body).not.toContain(`"population":${POPULATION[b]}`);
      expect(m.body).not.toContain(`"n":${f.summary({ kind: 'branch', id: b }, '2025').n},`);
    }
    // the branch page's network weighting: the same cut
    const r = (await call<BranchResultsResponse>('/api/branches/BR02/results', MANAGER('BR02'), { period: '2025' })).json;
    expect(r.networkWeighting!.members!.map((x) => x.branch)).toEqual(['BR02']);
    expect(r.weighting).toMatchObject({ method: 'unweighted' });
    expect(r.network.SAT).toMatchObject({ weighting: 'population' });
    // a region of two branches stays withheld, weighting and all
    const s = await call<OverviewResponse>('/api/overview', MANAGER('BR02'), { period: '2025', region: 'SUMUT' });
    expect(s.json.headline).toBeNull();
    expect(s.body).not.toContain('population');
  });

  it('series points carry their weighting; the exports have a weighting and an effective n column in both languages', async () => {
    const s = (await call<SeriesResponse>('/api/branches/BR02/series', HEAD, { kind: 'Y' })).json;
    const net = s.network.SAT!;
    expect(net.find((x) => x.period === '2025')).toMatchObject({ weighting: 'population' });
    expect(net.find((x) => x.period === '2024')).toMatchObject({ weighting: 'pooled' });
    const head = rowsOf((await call('/api/export/headline.csv', HEAD, { period: '2025' })).body);
    const sat = head.find((x) => x.Index === 'Satisfaction')!;
    expect(sat['This period weighting']).toBe(weightingText(en, 'population', { populationYear: POPULATION_YEAR }));
    expect(sat['This period weighting']).toBe("Weighted by each branch's active participants (2024)");
    expect(Number(sat['This period effective n'])).toBeCloseTo(Number(sat['This period n']) * w.weighting.network.nEffective / w.weighting.network.n, 6);
    const headId = rowsOf((await call('/api/export/headline.csv', HEAD, { period: '2025', lang: 'id' })).body);
    expect(Object.values(headId[0]!)).toContain('Tertimbang menurut jumlah peserta aktif per cabang (2024)');
    const ranking = rowsOf((await call('/api/export/ranking.csv', HEAD, { period: '2025' })).body);
    expect(ranking.find((x) => x.Branch === 'BR01')!['TRUST weighting']).toBe("Post-stratified to the branch directory's population by segment");
    expect(ranking.find((x) => x.Branch === 'BR02')!['SAT weighting']).toBe(en('api.weighting.unweighted'));
    const series = rowsOf((await call('/api/export/series.csv', HEAD, { branch: 'BR02', kind: 'Y', lang: 'id' })).body);
    expect(series.find((x) => x.Periode === '2024' || x.Period === '2024')!['Pembobotan nasional']).toBe(id('api.weighting.pooled'));
  });

  it('old items (no weighting fields): unweighted branches, pooled aggregates, without error', async () => {
    const old = oldStore(f);
    const o = (await call<OverviewResponse>('/api/overview', HEAD, { period: '2025' }, old)).json;
    expect(o.headline!.weighting).toEqual({ method: 'pooled', n: o.headline!.n, nEffective: o.headline!.n, deff: 1 });
    expect(o.headline!.indices.SAT).toMatchObject({ weighting: 'pooled', nEffective: o.headline!.indices.SAT!.n });
    for (const r of o.ranking) {
      expect(r.weighting.method).toBe('unweighted');
      expect(r.openWatches).toEqual([]);
    }
    const a = (await call<AlertsResponse>('/api/alerts', HEAD, {}, old)).json;
    expect(a.watches).toEqual([]);
    const r = (await call<BranchResultsResponse>('/api/branches/BR01/results', HEAD, { period: '2025-Q4' }, old)).json;
    expect(r.weighting.method).toBe('unweighted');
    expect(r.networkWeighting!.method).toBe('pooled');
    expect(r.watches).toEqual([]);
    expect(weightingText(id, 'pooled')).toBe('Semua responden digabung (data populasi tidak lengkap)');
    expect(weightingText(en, 'raked', { margins: ['segment', 'programme'] })).toBe("Raked to the branch directory's population by segment and programme");
    expect(weightingText(id, 'raked', { margins: ['segment', 'programme'] })).toBe('Raking ke populasi daftar cabang menurut segmen dan program');
    expect(weightingText(en, 'column')).toBe("Weighted by the respondents' survey weights");
  });
});
