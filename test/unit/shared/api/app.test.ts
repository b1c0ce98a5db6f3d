// Every dashboard endpoint through the API Lambda's handler, against the stored items of a simulated network
// (./fixture.ts) in the in-memory backend: figures equal the stored items, a branch manager sees only their own
// branch (403 for any other), bad requests are refused with a message naming the parameter.
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { handleApiRequest, type ApiRequest } from '../../../../shared/api/app';
import type {
  AlertsResponse, BranchResultsResponse, DropsResponse, MeResponse, OverviewResponse, ProgrammeTable, SeriesResponse,
} from '../../../../shared/api/types';
import { makeHandler } from '../../../../lambdas/api/handler';
import { apiErrorText } from '../../../../shared/api/reasons';
import { translator } from '../../../../shared/i18n/catalogue';
import type { Locale } from '../../../../shared/i18n/locale';
import { fixture, type Fixture } from './fixture';

let f: Fixture;
beforeAll(async () => {
  f = await fixture();
}, 60_000);

const HEAD = { sub: 'u-head', 'cognito:groups': '[head-office]', name: 'Head Office' };
const MANAGER = (b: string) => ({ sub: `u-${b}`, 'cognito:groups': '[branch-manager]', 'custom:branch': b });

/** A call to an English deployment (the words checked below); `locale` for the deployment's language. */
async function call(path: string, claims: Record<string, unknown> | null = HEAD, query: Record<string, string> = {}, method = 'GET', locale: Locale = 'en') {
  const req: ApiRequest = { method, path, query, claims: claims ?? undefined };
  const res = await handleApiRequest(req, f.store(), { defaultLocale: locale });
  const isJson = res.headers['content-type']?.startsWith('application/json');
  return { ...res, json: isJson ? JSON.parse(res.body) : undefined };
}

describe('authentication and authorization', () => {
  it('401 without claims, on every path (even unknown ones)', async () => {
    for (const p of ['/api/me', '/api/overview', '/api/branches/BR01/series', '/api/nothing']) {
      const r = await call(p, null);
      expect(r.status, p).toBe(401);
      expect(r.headers['www-authenticate']).toBe('Bearer');
    }
  });

  it('403 for a user in neither group and for a manager without a branch claim', async () => {
    expect((await call('/api/me', { sub: 'x', 'cognito:groups': '[guests]' })).status).toBe(403);
    expect((await call('/api/me', { sub: 'x', 'cognito:groups': '[branch-manager]' })).status).toBe(403);
  });

  it("403 when a branch manager asks for another branch's data, on every branch endpoint and export", async () => {
    const m = MANAGER('BR01');
    const refused: [string, Record<string, string>][] = [
      ['/api/branches/BR02/series', {}],
      ['/api/branches/BR02/results', { period: '2025-Q4' }],
      ['/api/branches/BR02/alerts', {}],
      ['/api/branches/BR02/drops', {}],
      ['/api/branches/br02/series', {}], // case does not get around it
      ['/api/export/series.csv', { branch: 'BR02' }],
      ['/api/export/loyalty.csv', { branch: 'BR02', period: '2025-Q4' }],
      ['/api/export/ipma.csv', { branch: 'BR02', period: '2025-Q4' }],
      ['/api/export/drops.csv', { branch: 'BR02' }],
      ['/api/export/branch-alerts.csv', { branch: 'BR02' }],
      ['/api/export/paths.csv', { branch: 'BR02', period: '2025-Q4' }],
    ];
    for (const [p, q] of refused) {
      const r = await call(p, m, q);
      expect(r.status, p).toBe(403);
      expect(r.json.error).toMatch(/BR02/);
      expect(r.body).not.toMatch(/Padang/); // nothing of the other branch leaks
    }
    expect((await call('/api/branches/BR01/series', m)).status).toBe(200);
    expect((await call('/api/branches/BR01/results', m, { period: '2025-Q4' })).status).toBe(200);
  });

  it('lists only what a manager may see: /me, overview ranking and programme table, alerts', async () => {
    const me = (await call('/api/me', MANAGER('BR02'))).json as MeResponse;
    expect(me.user).toMatchObject({ role: 'branch-manager', branch: 'BR02' });
    expect(me.branches.map((b) => b.id)).toEqual(['BR02']);
    const o = (await call('/api/overview', MANAGER('BR01'), { period: '2025' })).json as OverviewResponse;
    expect(o.ranking.map((r) => r.branch)).toEqual(['BR01']);
    expect(o.programmes.rows.map((r) => r.branch)).toEqual(['BR01']);
    expect(o.hiddenBranches).toBe(2);
    // the network benchmark stays visible
    expect(o.headline!.indices.SAT!.value).toBe(f.summary({ kind: 'network' }, '2025').indices.SAT!.value);
    const a1 = (await call('/api/alerts', MANAGER('BR01'))).json as AlertsResponse;
    expect(a1.alerts).toEqual([]);
    const a2 = (await call('/api/alerts', MANAGER('BR02'))).json as AlertsResponse;
    expect(a2.alerts.map((a) => a.branch)).toEqual(['BR02']);
    const csv = (await call('/api/export/ranking.csv', MANAGER('BR01'), { period: '2025' })).body;
    expect(csv).toContain('BR01');
    expect(csv).not.toContain('BR02');
  });
});

describe('GET /api/me', () => {
  it('head office: every branch, regions, periods, programmes and segments from the data', async () => {
    const me = (await call('/api/me')).json as MeResponse;
    expect(me.user).toEqual({ sub: 'u-head', name: 'Head Office', role: 'head-office' });
    expect(me.branches).toEqual(f.branches);
    expect(me.regions).toEqual(['ACEH', 'SUMUT']);
    expect(me.periods.years).toEqual(['2024', '2025']);
    expect(me.periods.quarters).toEqual(['2024-Q3', '2024-Q4', '2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4']);
    expect(me.programmes).toEqual(['JHT', 'JKM', 'JP', 'JKK', 'JKP']);
    expect(me.segments.sort()).toEqual(['BPU', 'PU']);
  });
});

describe('GET /api/overview', () => {
  it('network headline, YoY change, ranking and programme table equal the stored items', async () => {
    const o = (await call('/api/overview', HEAD, { period: '2025' })).json as OverviewResponse;
    const net = f.summary({ kind: 'network' }, '2025');
    const prev = f.summary({ kind: 'network' }, '2024');
    expect(o).toMatchObject({ period: '2025', kind: 'year', previousPeriod: '2024', basis: 'model', scope: { unit: 'NETWORK', label: 'Network' } });
    expect(o.headline!.n).toBe(net.n);
    for (const m of ['SAT', 'TRUST', 'LOY', 'CRM', 'SQ', 'GOV']) {
      const s = net.indices[m]!;
      expect(o.headline!.indices[m]).toMatchObject({ value: s.value, ciLow: s.ciLow, ciHigh: s.ciHigh, moe: s.moe, n: s.n });
      expect(o.headline!.previous[m]!.value).toBe(prev.indices[m]!.value);
      expect(o.headline!.change[m]!.diff).toBeCloseTo(s.value - prev.indices[m]!.value, 12);
      // the funnel's sigma is the respondent-level SD implied by the network SE
      expect(o.funnel[m]!.sigma).toBeCloseTo(s.se * Math.sqrt(s.n), 10);
    }
    expect(o.ranking.map((r) => r.branch).sort()).toEqual(['BR01', 'BR02', 'BR03']);
    for (const r of o.ranking) {
      const s = f.summary({ kind: 'branch', id: r.branch }, '2025');
      const metric = f.metric({ kind: 'branch', id: r.branch }, 'TRUST', '2025');
      expect(r.n).toBe(s.n);
      expect(r.indices.TRUST).toMatchObject({ value: metric.value, ciLow: metric.ciLow, ciHigh: metric.ciHigh, moe: metric.moe, n: metric.n });
      expect(r.vsNetwork.SAT!.diff).toBeCloseTo(s.indices.SAT!.value - net.indices.SAT!.value, 12);
    }
    // sorted by satisfaction, best first
    const sats = o.ranking.map((r) => r.indices.SAT!.value!);
    expect(sats).toEqual([...sats].sort((a, b) => b - a));
    expect(o.ranking.find((r) => r.branch === 'BR02')!.openAlerts).toBe(1);
    const br1 = f.summary({ kind: 'branch', id: 'BR01' }, '2025').programmes!;
    const row = o.programmes.rows.find((r) => r.branch === 'BR01')!;
    expect(row.overall!.share).toBe(br1.overall.share);
    expect(row.cells.JHT!.share).toBe(br1.rows.find((x) => x.programme === 'JHT')!.share);
    expect(o.programmes.total!.overall!.n).toBe(net.programmes!.overall.n);
    expect(o.assessment).toMatchObject({ branches: 3 });
  });

  it('structural model and measurement quality from the network result JSON (seed-000 Table 6 shape)', async () => {
    const o = (await call('/api/overview', HEAD, { period: '2025' })).json as OverviewResponse;
    const r = f.result({ kind: 'network' }, '2025');
    const m = o.model!;
    expect(m.paths.filter((p) => p.kind === 'direct').map((p) => p.label)).toEqual([
      'CRM → TRUST', 'SQ → TRUST', 'CRM → SAT', 'SQ → SAT', 'TRUST → SAT', 'GOV → SAT', 'TRUST*GOV → SAT',
    ]);
    expect(m.paths.filter((p) => p.kind === 'indirect').map((p) => p.label).sort()).toEqual(['CRM → TRUST → SAT', 'SQ → TRUST → SAT']);
    const boot = r.satisfaction!.bootstrap.paths.find((p) => p.from === 'GOV' && p.to === 'SAT')!;
    expect(m.paths.find((p) => p.label === 'GOV → SAT')).toMatchObject({ estimate: boot.original, t: boot.t, p: boot.p, ciLow: boot.ciLower, ciHigh: boot.ciUpper });
    expect(m.rSquared.SAT!.r2).toBe(r.satisfaction!.estimate.rSquared.SAT!.r2);
    expect(m.reliability.map((x) => x.construct)).not.toContain('TRUST*GOV');
    expect(m.reliability.find((x) => x.construct === 'TRUST')!.ave).toBe(r.satisfaction!.estimate.reliability.TRUST!.ave);
    expect(m.loadings).toHaveLength(23); // 4 + 5 + 4 + 6 + 4 items
    expect(m.htmt.length).toBe(10);
  });

  it('a quarter compares with the same quarter a year earlier; region scope; segment and programme breakdowns', async () => {
    const q = (await call('/api/overview', HEAD, { period: '2025-Q3' })).json as OverviewResponse;
    expect(q).toMatchObject({ kind: 'quarter', previousPeriod: '2024-Q3' });
    const r = (await call('/api/overview', HEAD, { period: '2025', region: 'SUMUT' })).json as OverviewResponse;
    expect(r.scope).toMatchObject({ unit: 'REGION:SUMUT', region: 'SUMUT' });
    expect(r.ranking.map((x) => x.branch).sort()).toEqual(['BR02', 'BR03']);
    expect(r.headline!.indices.SAT!.value).toBe(f.summary({ kind: 'region', id: 'SUMUT' }, '2025').indices.SAT!.value);
    expect(r.model!.unit).toBe('REGION:SUMUT');
    const s = (await call('/api/overview', HEAD, { period: '2025', segment: 'BPU' })).json as OverviewResponse;
    const bd = f.summary({ kind: 'network' }, '2025').breakdowns.segment!.BPU!;
    expect(s.basis).toBe('breakdown');
    expect(s.headline!.n).toBe(bd.n);
    expect(s.headline!.indices.TRUST!.value).toBe(bd.indices.TRUST!.value);
    const br = f.summary({ kind: 'branch', id: 'BR03' }, '2025').breakdowns.segment!.BPU!;
    expect(s.ranking.find((x) => x.branch === 'BR03')!.indices.TRUST!.value).toBe(br.indices.TRUST!.value);
    const p = (await call('/api/overview', HEAD, { period: '2025', programme: 'JP' })).json as OverviewResponse;
    expect(p.headline!.n).toBe(f.summary({ kind: 'network' }, '2025').breakdowns.programme!.JP!.n);
  });

  it('400 for a missing or malformed period and for segment + programme together; 404 for an unknown region', async () => {
    const r1 = await call('/api/overview', HEAD, {});
    expect(r1.status).toBe(400);
    expect(r1.json.error).toMatch(/'period' is required/);
    const r2 = await call('/api/overview', HEAD, { period: '2025-Q5' });
    expect(r2.status).toBe(400);
    expect(r2.json.error).toMatch(/2025-Q5/);
    expect((await call('/api/overview', HEAD, { period: '2025', segment: 'PU', programme: 'JHT' })).status).toBe(400);
    expect((await call('/api/overview', HEAD, { period: '2025', region: 'NOWHERE' })).status).toBe(404);
    expect((await call('/api/overview', HEAD, { period: '2025', region: '<script>' })).status).toBe(400);
  });
});

describe('GET /api/programmes', () => {
  it('the seed-003 Table 1 layout: branches by overall share, programme columns, network total', async () => {
    const t = (await call('/api/programmes', HEAD, { period: '2025-Q4' })).json as ProgrammeTable;
    expect(t.programmes).toEqual(['JHT', 'JKM', 'JP', 'JKK', 'JKP']);
    const shares = t.rows.map((r) => r.overall!.share!);
    expect(shares).toEqual([...shares].sort((a, b) => b - a));
    for (const row of t.rows) {
      const p = f.summary({ kind: 'branch', id: row.branch }, '2025-Q4').programmes!;
      for (const x of p.rows) expect(row.cells[x.programme]).toEqual({ satisfied: x.satisfied, n: x.n, share: x.share, low: x.low, high: x.high });
    }
    expect(t.total!.label).toBe('Network');
  });
});

describe('GET /api/alerts', () => {
  it('open alerts newest first with their evidence; region filter', async () => {
    const a = (await call('/api/alerts')).json as AlertsResponse;
    expect(a.alerts).toHaveLength(1);
    const stored = f.alerts[0]!;
    expect(a.alerts[0]).toMatchObject({
      branch: 'BR02', name: 'Padang Sidempuan', region: 'SUMUT', metric: 'TRUST', since: stored.since, lastPeriod: stored.lastPeriod,
      status: 'open', decline: stored.decline, baseline: stored.baseline, current: stored.current, p: stored.p, bhThreshold: stored.bhThreshold,
    });
    expect(a.alerts[0]!.declineCi).toEqual(stored.declineCi);
    expect(((await call('/api/alerts', HEAD, { region: 'ACEH' })).json as AlertsResponse).alerts).toEqual([]);
    expect(((await call('/api/alerts', HEAD, { region: 'SUMUT' })).json as AlertsResponse).alerts).toHaveLength(1);
  });
});

describe('GET /api/branches/{id}/...', () => {
  it('series: every index by quarter (and by year) with the network and region lines, as stored', async () => {
    const s = (await call('/api/branches/BR02/series')).json as SeriesResponse;
    expect(s.branch).toEqual({ id: 'BR02', name: 'Padang Sidempuan', region: 'SUMUT' });
    expect(s.periods).toEqual(['2024-Q3', '2024-Q4', '2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4']);
    for (const p of s.periods) {
      const m = f.metric({ kind: 'branch', id: 'BR02' }, 'TRUST', p);
      expect(s.series.TRUST!.find((x) => x.period === p)).toMatchObject({ value: m.value, ciLow: m.ciLow, ciHigh: m.ciHigh, n: m.n });
      expect(s.network.TRUST!.find((x) => x.period === p)!.value).toBe(f.metric({ kind: 'network' }, 'TRUST', p).value);
      expect(s.region.TRUST!.find((x) => x.period === p)!.value).toBe(f.metric({ kind: 'region', id: 'SUMUT' }, 'TRUST', p).value);
    }
    // the drift: BR02's trust in 2025-Q4 is well below its 2024 level
    const tr = s.series.TRUST!;
    expect(tr.at(-1)!.value!).toBeLessThan(tr[0]!.value! - 8);
    const y = (await call('/api/branches/BR02/series', HEAD, { kind: 'Y' })).json as SeriesResponse;
    expect(y.periods).toEqual(['2024', '2025']);
    expect((await call('/api/branches/BR02/series', HEAD, { kind: 'M' })).status).toBe(400);
  });

  it('results: indices vs network, branch model, IPMA, loyalty regression, programme row, breakdowns', async () => {
    const r = (await call('/api/branches/BR01/results', HEAD, { period: '2025-Q4' })).json as BranchResultsResponse;
    const stored = f.result({ kind: 'branch', id: 'BR01' }, '2025-Q4');
    expect(r.n).toBe(stored.n);
    expect(r.indices.SAT!.value).toBe(stored.indices.SAT!.value);
    expect(r.network.SAT!.value).toBe(f.summary({ kind: 'network' }, '2025-Q4').indices.SAT!.value);
    expect(r.vsNetwork.SAT!.diff).toBeCloseTo(r.indices.SAT!.value! - r.network.SAT!.value!, 12);
    expect(r.ipma!.rows).toEqual(stored.satisfaction!.ipma.SAT.map((x) => ({ construct: x.construct, importance: x.importance, performance: x.performance })));
    const reg = stored.loyalty!.regression;
    expect(r.loyalty!.coefficients.map((c) => c.b)).toEqual(reg.coefficients.map((c) => c.b));
    expect(r.loyalty!.coefficients[1]).toMatchObject({ name: 'TAN', label: 'Tangibles' });
    expect(r.loyalty).toMatchObject({ n: reg.n, r2: reg.r2, f: reg.f, fP: reg.fP });
    expect(r.loyalty!.dimensions.find((d) => d.name === 'REL')!.alpha).toBe(stored.loyalty!.dimensions.find((d) => d.name === 'REL')!.itemAnalysis!.alpha);
    expect(r.model!.paths).toHaveLength(9);
    expect(r.programmes!.overall!.share).toBe(stored.programmes!.overall.share);
    expect(Object.keys(r.breakdowns).sort()).toEqual(['programme', 'segment']);
    expect((await call('/api/branches/BR01/results', HEAD, { period: '2023-Q1' })).status).toBe(404);
    expect((await call('/api/branches/BR99/results', HEAD, { period: '2025-Q4' })).status).toBe(404);
    expect((await call('/api/branches/BR01/results', HEAD, {})).status).toBe(400);
  });

  it('alerts: the branch episodes, open first', async () => {
    const a = (await call('/api/branches/BR02/alerts')).json as AlertsResponse;
    expect(a.alerts.map((x) => [x.metric, x.since, x.status])).toEqual([['TRUST', f.alerts[0]!.since, 'open']]);
    expect(((await call('/api/branches/BR01/alerts')).json as AlertsResponse).alerts).toEqual([]);
  });

  it('drops: one per quarter, with the rows of this branch and the rejected counts of the drop record', async () => {
    const d = (await call('/api/branches/BR03/drops')).json as DropsResponse;
    expect(d.drops).toHaveLength(6);
    for (const x of d.drops) {
      const rec = f.drops.find((r) => r.sha256 === x.sha256)!;
      expect(x).toMatchObject({ file: rec.firstKey, status: 'done', rows: rec.counts!.rows, clean: rec.counts!.clean, rejected: rec.counts!.rejected });
      expect(x.branchRows).toBe(rec.partitions!.find((p) => p.branch === 'BR03')!.rows);
    }
    expect(d.drops.map((x) => x.periods[0])).toEqual(['2025-Q4', '2025-Q3', '2025-Q2', '2025-Q1', '2024-Q4', '2024-Q3']);
    expect(d.drops.some((x) => (x.rejected ?? 0) > 0)).toBe(true);
  });
});

describe('GET /api/export/{table}.csv', () => {
  const read = (body: string) => parse(body.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];

  it('every table exports as UTF-8 with BOM and CRLF, with the figures of the JSON endpoints', async () => {
    const cases: [string, Record<string, string>][] = [
      ['headline', { period: '2025' }], ['ranking', { period: '2025' }], ['programmes', { period: '2025' }],
      ['paths', { period: '2025' }], ['measurement', { period: '2025' }], ['loadings', { period: '2025' }],
      ['paths', { period: '2025-Q4', branch: 'BR01' }], ['alerts', {}], ['branch-alerts', { branch: 'BR02' }],
      ['series', { branch: 'BR02' }], ['loyalty', { branch: 'BR01', period: '2025-Q4' }], ['ipma', { branch: 'BR01', period: '2025-Q4' }],
      ['drops', { branch: 'BR01' }],
    ];
    for (const [t, q] of cases) {
      const r = await call(`/api/export/${t}.csv`, HEAD, q);
      expect(r.status, t).toBe(200);
      expect(r.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(r.headers['content-disposition']).toMatch(/^attachment; filename="satmon-[A-Za-z0-9._-]+\.csv"$/);
      expect(r.body.startsWith('\uFEFF'), t).toBe(true);
      expect(r.body.endsWith('\r\n')).toBe(true);
      expect(r.body.replace(/\r\n/g, '')).not.toMatch(/\n/);
      expect(read(r.body).length, t).toBeGreaterThan(0);
    }
    const rows = read((await call('/api/export/ranking.csv', HEAD, { period: '2025' })).body);
    const br2 = rows.find((x) => x.Branch === 'BR02')!;
    const stored = f.summary({ kind: 'branch', id: 'BR02' }, '2025').indices.TRUST!;
    expect(Number(br2['TRUST index'])).toBe(stored.value);
    expect(Number(br2['TRUST CI low'])).toBe(stored.ciLow);
    expect(Number(br2['TRUST n'])).toBe(stored.n);
    const prog = read((await call('/api/export/programmes.csv', HEAD, { period: '2025' })).body);
    expect(prog.at(-1)!.Name).toBe('Network');
    const alerts = read((await call('/api/export/alerts.csv')).body);
    expect(Number(alerts[0]!['Decline (points)'])).toBe(f.alerts[0]!.decline);
  });

  it('404 for an unknown table, 400 for a bad parameter', async () => {
    expect((await call('/api/export/secrets.csv', HEAD, {})).status).toBe(404);
    expect((await call('/api/export/series.csv', HEAD, { branch: '../x' })).status).toBe(400);
    expect((await call('/api/export/ranking.csv', HEAD, {})).status).toBe(400);
  });
});

describe('the languages: the deployment default, lang= and the Indonesian Excel form', () => {
  const read = (body: string, delimiter = ',') => parse(body.replace(/^\uFEFF/, ''), { columns: true, delimiter }) as Record<string, string>[];

  it('/api/me names the deployment language: AppOptions, else SATMON_LOCALE of the environment', async () => {
    expect(((await call('/api/me', HEAD, {}, 'GET', 'id')).json as MeResponse).defaultLocale).toBe('id');
    expect(((await call('/api/me')).json as MeResponse).defaultLocale).toBe('en');
    const saved = process.env.SATMON_LOCALE;
    try {
      process.env.SATMON_LOCALE = 'en';
      const me = JSON.parse((await handleApiRequest({ method: 'GET', path: '/api/me', query: {}, claims: HEAD }, f.store())).body) as MeResponse;
      expect(me.defaultLocale).toBe('en');
      delete process.env.SATMON_LOCALE;
      const byDefault = JSON.parse((await handleApiRequest({ method: 'GET', path: '/api/me', query: {}, claims: HEAD }, f.store())).body) as MeResponse;
      expect(byDefault.defaultLocale).toBe('id');
    } finally {
      if (saved === undefined) delete process.env.SATMON_LOCALE; else process.env.SATMON_LOCALE = saved;
    }
  });

  it('exports in the deployment language by default, in English with lang=en', async () => {
    const stored = f.summary({ kind: 'branch', id: 'BR02' }, '2025').indices.TRUST!;
    const id = await call('/api/export/ranking.csv', HEAD, { period: '2025' }, 'GET', 'id');
    const rows = read(id.body);
    expect(Object.keys(rows[0]!).slice(0, 5)).toEqual(['Cabang', 'Nama', 'Wilayah', 'n', 'Indeks SAT']);
    expect(Number(rows.find((r) => r.Cabang === 'BR02')!['Indeks TRUST'])).toBe(stored.value);
    expect(Object.keys(rows[0]!)).toContain('TRUST vs Nasional (poin)');
    const en = read((await call('/api/export/ranking.csv', HEAD, { period: '2025', lang: 'en' }, 'GET', 'id')).body);
    expect(Object.keys(en[0]!).slice(0, 5)).toEqual(['Branch', 'Name', 'Region', 'n', 'SAT index']);
    // text cells too: index names, statuses, the scope's total row
    const head = read((await call('/api/export/headline.csv', HEAD, { period: '2025', lang: 'id' })).body);
    expect(head.map((r) => r.Indeks)).toEqual(['Kepuasan', 'Kepercayaan', 'Loyalitas', 'Manajemen hubungan (CRM)', 'Kualitas layanan', 'Peran pemerintah', 'IKM (Indeks Kepuasan Masyarakat)']);
    expect(head[0]!.Cakupan).toBe('Nasional');
    const alerts = read((await call('/api/export/alerts.csv', HEAD, { lang: 'id' })).body);
    expect(alerts[0]).toMatchObject({ Indeks: 'Kepercayaan', Status: 'aktif' });
    expect(Number(alerts[0]!['Penurunan (poin)'])).toBe(f.alerts[0]!.decline);
    const prog = read((await call('/api/export/programmes.csv', HEAD, { period: '2025', lang: 'id' })).body);
    expect(prog.at(-1)!.Nama).toBe('Nasional');
  });

  it('format=excel-id: `;` between cells, decimal comma, formula-looking text still neutralised', async () => {
    const stored = f.summary({ kind: 'branch', id: 'BR02' }, '2025').indices.TRUST!;
    const r = await call('/api/export/ranking.csv', HEAD, { period: '2025', lang: 'id', format: 'excel-id' });
    expect(r.status).toBe(200);
    expect(r.body.startsWith('\uFEFFCabang;Nama;Wilayah;n;Indeks SAT;')).toBe(true);
    expect(r.body.endsWith('\r\n')).toBe(true);
    const rows = read(r.body, ';');
    const br2 = rows.find((x) => x.Cabang === 'BR02')!;
    expect(br2['Indeks TRUST']).toBe(String(stored.value).replace('.', ','));
    expect(br2['Indeks TRUST']).toMatch(/^\d+,\d+$/);
    expect(Number(br2['Indeks TRUST']!.replace(',', '.'))).toBe(stored.value);
    // the comma form keeps its decimal point
    const plain = read((await call('/api/export/ranking.csv', HEAD, { period: '2025', lang: 'id' })).body);
    expect(plain.find((x) => x.Cabang === 'BR02')!['Indeks TRUST']).toBe(String(stored.value));
    expect((await call('/api/export/ranking.csv', HEAD, { period: '2025', format: 'xlsx' })).status).toBe(400);
    expect((await call('/api/export/ranking.csv', HEAD, { period: '2025', lang: 'fr' })).status).toBe(400);
  });

  it('errors carry a code and values the dashboard puts in the reader\'s words', async () => {
    const r = await call('/api/overview', HEAD, {});
    expect(r.json).toMatchObject({ status: 400, code: 'api.error.periodRequired', params: { name: 'period' } });
    expect(apiErrorText(translator('id'), r.json, '')).toBe("Parameter 'period' wajib diisi (tahun seperti 2025 atau triwulan seperti 2025-Q3).");
    const no = await call('/api/branches/BR02/series', MANAGER('BR01'));
    expect(no.json).toMatchObject({ status: 403, code: 'api.error.noBranchAccess', params: { branch: 'BR02' } });
    expect(apiErrorText(translator('id'), no.json, '')).toBe('Anda tidak punya akses ke cabang BR02.');
    expect(apiErrorText(translator('en'), no.json, '')).toBe('You have no access to branch BR02.');
    expect((await call('/api/me', null)).json).toMatchObject({ status: 401, code: 'api.error.notSignedIn' });
    // a code this build does not know: the English text
    expect(apiErrorText(translator('id'), { error: 'something new', code: 'api.error.future' }, '')).toBe('something new');
  });
});

describe('routing', () => {
  it('404 for an unknown endpoint, 405 for another method', async () => {
    expect((await call('/api/branches')).status).toBe(404);
    const r = await call('/api/me', HEAD, {}, 'POST');
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe('GET, HEAD');
  });

  it('every response is no-store and nosniff', async () => {
    const r = await call('/api/me');
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
  });

  it('an unexpected failure is a 500 without details', async () => {
    // every store method fails
    const broken = new Proxy({}, { get: () => async () => { throw new Error('secret detail'); } }) as never;
    const seen: unknown[] = [];
    const r = await handleApiRequest({ method: 'GET', path: '/api/me', query: {}, claims: HEAD }, broken, { onError: (e) => seen.push(e) });
    expect(r.status).toBe(500);
    expect(r.body).not.toMatch(/secret/);
    expect(seen).toHaveLength(1);
  });
});

describe('the Lambda handler (HTTP API payload 2.0)', () => {
  const event = (path: string, claims: Record<string, string> | undefined, query?: Record<string, string>) => ({
    version: '2.0', routeKey: 'ANY /{proxy+}', rawPath: path, rawQueryString: new URLSearchParams(query).toString(), headers: {},
    ...(query ? { queryStringParameters: query } : {}), isBase64Encoded: false,
    requestContext: { http: { method: 'GET', path }, ...(claims ? { authorizer: { jwt: { claims, scopes: null } } } : {}) },
  }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;

  it('reads the claims API Gateway passes (groups as "[a b]") and answers with statusCode, headers and body', async () => {
    const handler = makeHandler(() => f.store());
    const ok = await handler(event('/api/branches/BR02/series', { sub: 'm', 'cognito:groups': '[branch-manager]', 'custom:branch': 'BR02' }));
    expect(ok.statusCode).toBe(200);
    expect(JSON.parse(ok.body!).branch.id).toBe('BR02');
    const no = await handler(event('/api/branches/BR03/series', { sub: 'm', 'cognito:groups': '[branch-manager]', 'custom:branch': 'BR02' }));
    expect(no.statusCode).toBe(403);
    expect((await handler(event('/api/me', undefined))).statusCode).toBe(401);
    const q = await handler(event('/api/overview', { sub: 'h', 'cognito:groups': '[head-office branch-manager]' }, { period: '2025' }));
    expect(q.statusCode).toBe(200);
    expect(q.isBase64Encoded).toBe(false);
  });
});
