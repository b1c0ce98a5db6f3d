// The disclosure rule through the API handler and the CSV exports, on the simulated network of ./fixture.ts
// (ACEH: BR01; SUMUT: BR02, BR03 — a two-branch region) and on copies of it with one change each: a period in
// which BR03 sent nothing (a two-branch network), a branch without a region (secondary suppression), and a
// head-office export that mixes branches. Head office gets every figure as before; a branch manager gets null
// with the reason in `withheld`, and the CSV the same with a 'Withheld' column.
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { handleApiRequest } from '../../../../shared/api/app';
import { memoryBackend, type Item } from '../../../../shared/api/backend';
import { WITHHELD } from '../../../../shared/api/disclosure';
import { withheldText } from '../../../../shared/api/reasons';
import { translator } from '../../../../shared/i18n/catalogue';
import { DashboardStore } from '../../../../shared/api/store';
import { METRICS, type BranchResultsResponse, type DropsResponse, type OverviewResponse, type ProgrammeTable, type SeriesResponse } from '../../../../shared/api/types';
import { keys, S3_LAYOUT } from '../../../../shared/layout/keys';
import { fixture, type Fixture } from './fixture';

let f: Fixture;
beforeAll(async () => {
  f = await fixture();
}, 60_000);

const HEAD = { sub: 'u-head', 'cognito:groups': '[head-office]' };
const MANAGER = (b: string) => ({ sub: `u-${b}`, 'cognito:groups': '[branch-manager]', 'custom:branch': b });

// An English deployment, so the CSV headers read as below (test/unit/shared/api/app.test.ts checks both languages).
async function call(path: string, claims: Record<string, unknown>, query: Record<string, string> = {}, store = f.store()) {
  const res = await handleApiRequest({ method: 'GET', path, query, claims }, store, { defaultLocale: 'en' });
  const isJson = res.headers['content-type']?.startsWith('application/json');
  return { ...res, json: isJson ? JSON.parse(res.body) : undefined };
}
/** A withheld reason as the English CSV writes it (the JSON sends the code). */
const words = (code: string) => withheldText(translator('en'), code);
const rowsOf = (body: string) => parse(body.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
const storeOf = (items: Item[], objects: Record<string, string>) => new DashboardStore(memoryBackend(items, objects));

describe('a region of two branches (SUMUT)', () => {
  it('is withheld from its manager with the reason, and from every figure that would give it away', async () => {
    const o = (await call('/api/overview', MANAGER('BR02'), { period: '2025', region: 'SUMUT' })).json as OverviewResponse;
    expect(o.headline).toBeNull();
    expect(o.withheld).toMatchObject({ headline: WITHHELD.branches, funnel: WITHHELD.branches, 'ranking.vsNetwork': WITHHELD.branches, model: WITHHELD.branches });
    for (const m of METRICS) expect(o.funnel[m]).toBeNull();
    // their own row stays, without the difference from the region (own minus it would give the region)
    expect(o.ranking.map((r) => r.branch)).toEqual(['BR02']);
    expect(o.ranking[0]!.indices.SAT!.value).toBe(f.summary({ kind: 'branch', id: 'BR02' }, '2025').indices.SAT!.value);
    for (const m of METRICS) expect(o.ranking[0]!.vsNetwork[m]).toBeNull();
    expect(o.ranking[0]!.change.SAT).not.toBeNull();
    expect(o.model).toBeNull();
    expect(o.modelStatus).toEqual({ state: 'withheld', reason: WITHHELD.branches });
    expect(o.programmes.total!.overall).toBeNull();
    expect(Object.values(o.programmes.total!.cells).every((c) => c === null)).toBe(true);
    expect(o.programmes.withheld['total.overall']).toBe(WITHHELD.branches);
    expect(o.programmes.withheld['total.cells.JHT']).toBe(WITHHELD.branches);
    // nothing of the region's figures is in the body
    const region = f.summary({ kind: 'region', id: 'SUMUT' }, '2025');
    expect(JSON.stringify(o)).not.toContain(String(region.indices.SAT!.value));
    expect(JSON.stringify(o)).not.toContain(`"n":${region.n}`);
    // the same request by a manager of the other region, and the programme table endpoint
    expect(((await call('/api/overview', MANAGER('BR01'), { period: '2025', region: 'SUMUT' })).json as OverviewResponse).headline).toBeNull();
    const t = (await call('/api/programmes', MANAGER('BR02'), { period: '2025', region: 'SUMUT' })).json as ProgrammeTable;
    expect(t.total!.overall).toBeNull();
    expect(t.withheld['total.overall']).toBe(WITHHELD.branches);
  });

  it('head office sees it all, with nothing withheld', async () => {
    const o = (await call('/api/overview', HEAD, { period: '2025', region: 'SUMUT' })).json as OverviewResponse;
    expect(o.withheld).toEqual({});
    expect(o.headline!.indices.SAT!.value).toBe(f.summary({ kind: 'region', id: 'SUMUT' }, '2025').indices.SAT!.value);
    expect(o.model!.unit).toBe('REGION:SUMUT');
    expect(o.programmes.withheld).toEqual({});
    expect(o.programmes.total!.overall!.n).toBe(f.summary({ kind: 'region', id: 'SUMUT' }, '2025').programmes!.overall.n);
  });

  it('its line is left out of the manager\'s trend charts, period by period, and named', async () => {
    const s = (await call('/api/branches/BR02/series', MANAGER('BR02'))).json as SeriesResponse;
    for (const m of METRICS) expect(s.region[m]).toEqual([]);
    for (const p of s.periods) expect(s.withheld[`region.${p}`]).toBe(WITHHELD.branches);
    // the network (three branches) stays
    expect(s.network.TRUST!.map((x) => x.value)).toEqual(s.periods.map((p) => f.metric({ kind: 'network' }, 'TRUST', p).value));
    expect(Object.keys(s.withheld).some((k) => k.startsWith('network.'))).toBe(false);
    const h = (await call('/api/branches/BR02/series', HEAD)).json as SeriesResponse;
    expect(h.region.TRUST).toHaveLength(6);
    expect(h.withheld).toEqual({});
  });

  it('CSV exports withhold the same figures, with a Withheld column; the model exports are refused with the reason', async () => {
    const q = { period: '2025', region: 'SUMUT' };
    const headline = rowsOf((await call('/api/export/headline.csv', MANAGER('BR02'), q)).body);
    expect(headline).toHaveLength(7); // the six indices and the IKM
    for (const r of headline) {
      expect(r['This period index']).toBe('');
      expect(r['This period n']).toBe('');
      expect(r.Withheld).toBe(words(WITHHELD.branches));
    }
    const ranking = rowsOf((await call('/api/export/ranking.csv', MANAGER('BR02'), q)).body);
    expect(ranking.map((r) => r.Branch)).toEqual(['BR02']);
    expect(ranking[0]!['SAT vs Region SUMUT (points)']).toBe('');
    expect(ranking[0]!['SAT index']).not.toBe('');
    expect(ranking[0]!.Withheld).toBe(words(WITHHELD.branches));
    const prog = rowsOf((await call('/api/export/programmes.csv', MANAGER('BR02'), q)).body);
    const total = prog.find((r) => r.Name === 'Region SUMUT')!;
    expect(total['All programmes % satisfied']).toBe('');
    expect(total['JHT n']).toBe('');
    expect(total.Withheld).toBe(words(WITHHELD.branches));
    expect(prog.find((r) => r.Branch === 'BR02')!.Withheld).toBe('');
    const series = rowsOf((await call('/api/export/series.csv', MANAGER('BR02'), { branch: 'BR02' })).body);
    expect(series.every((r) => r['Region index'] === '' && r['Network index'] !== '' && r.Withheld === words(WITHHELD.branches))).toBe(true);
    for (const t of ['paths', 'measurement', 'loadings']) {
      const r = await call(`/api/export/${t}.csv`, MANAGER('BR02'), q);
      expect(r.status, t).toBe(403);
      expect(r.json.error).toContain(words(WITHHELD.branches));
      // the reason as a code, for the dashboard to put in the reader's words
      expect(r.json).toMatchObject({ code: 'api.error.regionModelWithheld', params: { region: 'SUMUT', period: '2025', reason: WITHHELD.branches } });
    }
    // head office: the figures, and no Withheld column
    const h = rowsOf((await call('/api/export/headline.csv', HEAD, q)).body);
    expect(Number(h[0]!['This period index'])).toBe(f.summary({ kind: 'region', id: 'SUMUT' }, '2025').indices.SAT!.value);
    expect('Withheld' in h[0]!).toBe(false);
    expect((await call('/api/export/paths.csv', HEAD, q)).status).toBe(200);
    // a manager's export with nothing withheld has no Withheld column either
    expect('Withheld' in rowsOf((await call('/api/export/headline.csv', MANAGER('BR01'), { period: '2025' })).body)[0]!).toBe(false);
  });
});

describe('breakdown cells', () => {
  it('a programme cell with fewer than 30 respondents of other branches is withheld; the next smallest goes with it', async () => {
    // 2025, network: JKP 35 respondents, 11 of them BR01's: 24 of others
    const net = f.summary({ kind: 'network' }, '2025').breakdowns.programme!;
    const own = f.summary({ kind: 'branch', id: 'BR01' }, '2025').breakdowns.programme!;
    expect(net.JKP!.n - own.JKP!.n).toBeLessThan(30);
    const jkp = (await call('/api/overview', MANAGER('BR01'), { period: '2025', programme: 'JKP' })).json as OverviewResponse;
    expect(jkp.headline).toBeNull();
    expect(jkp.withheld.headline).toBe(WITHHELD.respondents);
    // the structural model is of all respondents of the network: it stays
    expect(jkp.model).not.toBeNull();
    // network minus the other four cells would give JKP back: the smallest of them (JKM, 85 - 30 = 55 of others) goes too
    const jkm = (await call('/api/overview', MANAGER('BR01'), { period: '2025', programme: 'JKM' })).json as OverviewResponse;
    expect(jkm.withheld.headline).toBe(WITHHELD.difference);
    const jht = (await call('/api/overview', MANAGER('BR01'), { period: '2025', programme: 'JHT' })).json as OverviewResponse;
    expect(jht.withheld).not.toHaveProperty('headline');
    expect(jht.headline!.indices.SAT!.value).toBe(net.JHT!.indices.SAT!.value);
    // head office sees the small cell
    const h = (await call('/api/overview', HEAD, { period: '2025', programme: 'JKP' })).json as OverviewResponse;
    expect(h.headline!.n).toBe(net.JKP!.n);
    // the share-satisfied table's total row: its JKP cell goes the same way (its own respondent counts)
    const t = (await call('/api/programmes', MANAGER('BR01'), { period: '2025' })).json as ProgrammeTable;
    expect(t.total!.cells.JKP).toBeNull();
    expect(t.withheld['total.cells.JKP']).toBe(WITHHELD.respondents);
    expect(t.total!.cells.JHT!.n).toBe(f.summary({ kind: 'network' }, '2025').programmes!.rows.find((r) => r.programme === 'JHT')!.n);
    const csv = rowsOf((await call('/api/export/headline.csv', MANAGER('BR01'), { period: '2025', programme: 'JKP' })).body);
    expect(csv.every((r) => r['This period index'] === '' && r.Withheld === words(WITHHELD.respondents))).toBe(true);
  });

  it('a segment cell with enough respondents of others is shown, with its comparison', async () => {
    // 2025-Q4 BPU: 54 in the network, 20 of them BR01's; 2024-Q4: 51, 14 of them BR01's
    const o = (await call('/api/overview', MANAGER('BR01'), { period: '2025-Q4', segment: 'BPU' })).json as OverviewResponse;
    const h = (await call('/api/overview', HEAD, { period: '2025-Q4', segment: 'BPU' })).json as OverviewResponse;
    expect(o.withheld).toEqual({});
    expect(o.headline).toEqual(h.headline);
  });

  it('a previous period the rule withholds drops the comparison only (BR03 missing in 2024)', async () => {
    const items = f.items.filter((it) => !(it.pk === 'BRANCH#BR03' && /#2024(-Q\d)?(#|$)/.test(String(it.sk))));
    const store = storeOf(items, f.objects);
    const o = (await call('/api/overview', MANAGER('BR01'), { period: '2025' }, store)).json as OverviewResponse;
    expect(o.withheld).toMatchObject({ previous: WITHHELD.branches, change: WITHHELD.branches });
    expect(o.withheld).not.toHaveProperty('headline');
    expect(o.headline!.indices.SAT!.value).toBe(f.summary({ kind: 'network' }, '2025').indices.SAT!.value);
    for (const m of METRICS) {
      expect(o.headline!.previous[m]).toBeNull();
      expect(o.headline!.change[m]).toBeNull();
    }
    const csv = rowsOf((await call('/api/export/headline.csv', MANAGER('BR01'), { period: '2025' }, store)).body);
    expect(csv[0]!['Index 2024']).toBe('');
    expect(csv[0]!['This period index']).not.toBe('');
    expect(csv[0]!.Withheld).toBe(words(WITHHELD.branches));
  });
});

describe('network-wide alert counts', () => {
  it('head office only: a manager gets the open alerts of their own branch', async () => {
    for (const period of ['2025', '2025-Q4']) {
      const m = (await call('/api/overview', MANAGER('BR02'), { period })).json as OverviewResponse;
      expect(m.assessment).toBeNull();
      expect(m.withheld.assessment).toBe(WITHHELD.alerts);
      expect(m.openAlerts).toBe(1); // BR02's own trust alert
      const b1 = (await call('/api/overview', MANAGER('BR01'), { period })).json as OverviewResponse;
      expect(b1.openAlerts).toBe(0);
      const h = (await call('/api/overview', HEAD, { period })).json as OverviewResponse;
      expect(h.assessment).toMatchObject({ branches: 3 });
      expect(h.withheld).toEqual({});
    }
  });
});

describe('a period in which only two branches sent data (BR03 missing in 2025-Q4)', () => {
  let store: DashboardStore;
  beforeAll(() => {
    const items = f.items.filter((it) => !(it.pk === 'BRANCH#BR03' && String(it.sk).includes('2025-Q4')));
    // BR01's paths tested against the rest of the network, current: the test is part of what is withheld
    const paths = f.result({ kind: 'branch', id: 'BR01' }, '2025-Q4').satisfaction!.bootstrap.paths;
    const test = {
      against: 'rest-of-network', n: 50, nOther: 50, permutations: 199, restLargestShare: 1, networkInputHash: f.summary({ kind: 'network' }, '2025-Q4').inputHash,
      paths: paths.map((x) => ({ from: x.from, to: x.to, estimate: x.original, other: 0.3, diff: x.original - 0.3, p: 0.5 })),
    };
    store = storeOf(items, { ...f.objects, [S3_LAYOUT.branchPathTests('2025-Q4', 'BR01')]: JSON.stringify(test) });
  });

  it('withholds the network of that period from a manager everywhere it appears', async () => {
    const o = (await call('/api/overview', MANAGER('BR01'), { period: '2025-Q4' }, store)).json as OverviewResponse;
    expect(o.headline).toBeNull();
    expect(o.withheld.headline).toBe(WITHHELD.branches);
    expect(o.model).toBeNull();
    const r = (await call('/api/branches/BR01/results', MANAGER('BR01'), { period: '2025-Q4' }, store)).json as BranchResultsResponse;
    for (const m of METRICS) {
      expect(r.network[m]).toBeNull();
      expect(r.vsNetwork[m]).toBeNull();
    }
    expect(r.withheld).toEqual({ network: WITHHELD.branches, vsNetwork: WITHHELD.branches, networkWeighting: WITHHELD.branches, 'model.paths.vsNetwork': WITHHELD.branches });
    expect(r.model!.paths.every((x) => x.vsNetwork === undefined)).toBe(true);
    expect(r.model!.comparisons).toBeUndefined();
    expect(r.indices.SAT!.value).toBe(f.summary({ kind: 'branch', id: 'BR01' }, '2025-Q4').indices.SAT!.value);
    // the other quarters keep their network line
    const s = (await call('/api/branches/BR01/series', MANAGER('BR01'), {}, store)).json as SeriesResponse;
    expect(s.network.SAT!.map((x) => x.period)).toEqual(['2024-Q3', '2024-Q4', '2025-Q1', '2025-Q2', '2025-Q3']);
    expect(s.withheld['network.2025-Q4']).toBe(WITHHELD.branches);
    expect((await call('/api/export/paths.csv', MANAGER('BR01'), { period: '2025-Q4' }, store)).status).toBe(403);
    // the year pools three branches: shown
    const y = (await call('/api/overview', MANAGER('BR01'), { period: '2025' }, store)).json as OverviewResponse;
    expect(y.headline).not.toBeNull();
    // head office: unchanged
    const h = (await call('/api/branches/BR01/results', HEAD, { period: '2025-Q4' }, store)).json as BranchResultsResponse;
    expect(h.network.SAT!.value).toBe(f.summary({ kind: 'network' }, '2025-Q4').indices.SAT!.value);
    expect(h.withheld).toEqual({});
  });
});

describe('secondary suppression through the API', () => {
  // BR01 moved into SUMUT (a region of three), and BR09, a branch without a region, with data in 2025: network
  // minus SUMUT would be BR09 alone.
  const variant = (withBr09: boolean) => {
    const dir = (JSON.parse(f.objects[S3_LAYOUT.branches]!) as { id: string; region: string }[]).map((b) => ({ ...b, region: 'SUMUT' }));
    const extra: Item[] = withBr09 ? [{ ...keys.metric({ kind: 'branch', id: 'BR09' }, 'SAT', '2025'), entity: 'metric', unit: 'BR09', metric: 'SAT', period: '2025', value: 71.5, n: 60 }] : [];
    return storeOf([...f.items, ...extra], { ...f.objects, [S3_LAYOUT.branches]: JSON.stringify(dir) });
  };

  it('a region that would give a branch without a region away by difference is withheld; without that branch it is shown', async () => {
    const shown = (await call('/api/overview', MANAGER('BR01'), { period: '2025', region: 'SUMUT' }, variant(false))).json as OverviewResponse;
    expect(shown.withheld).not.toHaveProperty('headline');
    expect(shown.headline!.indices.SAT!.value).toBe(f.summary({ kind: 'region', id: 'SUMUT' }, '2025').indices.SAT!.value);
    const o = (await call('/api/overview', MANAGER('BR01'), { period: '2025', region: 'SUMUT' }, variant(true))).json as OverviewResponse;
    expect(o.headline).toBeNull();
    expect(o.withheld.headline).toBe(WITHHELD.difference);
    expect(o.withheld.model).toBe(WITHHELD.difference);
    // the network itself (four branches) stays
    const n = (await call('/api/overview', MANAGER('BR01'), { period: '2025' }, variant(true))).json as OverviewResponse;
    expect(n.headline).not.toBeNull();
  });
});

describe('drops', () => {
  it('a file with rows of another branch: the manager gets their clean part and its rows, not the file, its counts or its errors', async () => {
    // BR02's 2024-Q3 file also delivered a row coded ZZ99
    const rec = f.drops.find((d) => d.firstKey === 'drops/drop_BR02_2024-Q3.csv')!;
    expect(rec.partitions!.map((p) => p.branch)).toContain('ZZ99');
    const m = (await call('/api/branches/BR02/drops', MANAGER('BR02'))).json as DropsResponse;
    const mixed = m.drops.find((d) => d.sha256 === rec.sha256)!;
    expect(mixed).toMatchObject({
      file: S3_LAYOUT.cleanPart('2024-Q3', 'BR02', rec.sha256), rows: null, clean: null, rejected: null,
      branchRows: rec.partitions!.find((p) => p.branch === 'BR02')!.rows, periods: ['2024-Q3'], withheld: WITHHELD.drop,
    });
    // a file of BR02's rows only is theirs in full
    const single = f.drops.find((d) => d.firstKey === 'drops/drop_BR02_2024-Q4.csv')!;
    expect(m.drops.find((d) => d.sha256 === single.sha256)).toMatchObject({ file: single.firstKey, rows: single.counts!.rows, rejected: single.counts!.rejected });
    expect(m.drops.find((d) => d.sha256 === single.sha256)).not.toHaveProperty('withheld');
    // head office sees the whole file
    const h = (await call('/api/branches/BR02/drops', HEAD)).json as DropsResponse;
    expect(h.drops.find((d) => d.sha256 === rec.sha256)).toMatchObject({ file: rec.firstKey, rows: rec.counts!.rows });
  });

  it('a head-office export of two branches with an error: nothing of the other branch reaches the manager, in JSON or CSV', async () => {
    const sha = 'ab'.repeat(32);
    const part = (b: string) => S3_LAYOUT.cleanPart('2025-Q4', b, sha);
    const record: Item = {
      ...keys.drop(sha), entity: 'drop', sha256: sha, status: 'done', bucket: 'satmon-raw', objectKeys: ['drops/headoffice-export-2025Q4.csv'],
      firstKey: 'drops/headoffice-export-2025Q4.csv', size: 1000, receivedAt: '2026-01-20T08:00:00.000Z', completedAt: '2026-01-20T08:00:02.000Z',
      counts: { rows: 100, clean: 97, rejected: 3 },
      partitions: [{ period: '2025-Q4', branch: 'BR01', rows: 40, key: part('BR01') }, { period: '2025-Q4', branch: 'BR03', rows: 57, key: part('BR03') }],
      error: 'row 88: respondent of BR03 answered twice',
    };
    const store = storeOf([...f.items, record], { ...f.objects, [part('BR01')]: 'x', [part('BR03')]: 'x' });
    const r = await call('/api/branches/BR01/drops', MANAGER('BR01'), {}, store);
    const d = (r.json as DropsResponse).drops.find((x) => x.sha256 === sha)!;
    expect(d).toEqual({
      sha256: sha, file: part('BR01'), receivedAt: '2026-01-20T08:00:00.000Z', completedAt: '2026-01-20T08:00:02.000Z', status: 'done',
      rows: null, clean: null, rejected: null, branchRows: 40, periods: ['2025-Q4'], withheld: WITHHELD.drop, conflictRows: 0, conflictedBy: null,
    });
    for (const secret of ['headoffice-export', 'BR03', 'answered twice', '"rows":100', '"rejected":3']) expect(r.body).not.toContain(secret);
    const csv = await call('/api/export/drops.csv', MANAGER('BR01'), { branch: 'BR01' }, store);
    expect(csv.status).toBe(200);
    for (const secret of ['headoffice-export', 'BR03', 'answered twice']) expect(csv.body).not.toContain(secret);
    const row = rowsOf(csv.body).find((x) => x['SHA-256'] === sha)!;
    expect(row).toMatchObject({ File: part('BR01'), 'Rows for this branch': '40', 'Rows in drop': '', 'Rejected rows in drop': '', Withheld: words(WITHHELD.drop) });
    // head office: the file as it came, with its error
    const h = ((await call('/api/branches/BR01/drops', HEAD, {}, store)).json as DropsResponse).drops.find((x) => x.sha256 === sha)!;
    expect(h).toMatchObject({ file: 'drops/headoffice-export-2025Q4.csv', rows: 100, rejected: 3, error: 'row 88: respondent of BR03 answered twice' });
  });
});
