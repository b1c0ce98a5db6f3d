// The dashboard in Debian's chromium against the embedded stack after the real pipeline (ingest -> recompute ->
// assessments) ran on a simulated network with one branch whose trust declines. Every figure checked on screen
// is read back from DynamoDB Local / s3rver directly (not through the API) and formatted as the page formats it
// (shared/i18n/format.ts createFormat, in the page's language). The server runs with the default language
// (Indonesian); most checks read the English page (`lang=en`, words from the catalogue), and 'both languages'
// checks each page in both. Screenshots go to test-artifacts/e2e/.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withheldText } from '../../shared/api/reasons';
import { translator, type MessageKey, type Params } from '../../shared/i18n/catalogue';
import { createFormat } from '../../shared/i18n/format';
import { getItem, queryAll, queryPartition } from '../../lambdas/aws/dynamo';
import { WITHHELD } from '../../shared/api/disclosure';
import { METRICS, type OverviewResponse } from '../../shared/api/types';
import { getObjectText, listKeys } from '../../lambdas/aws/s3';
import type { AlertItem, MetricItem, SummaryItem } from '../../shared/assess/records';
import type { UnitResult } from '../../shared/assess/recompute';
import type { StoredPathTest } from '../../shared/assess/path-tests';
import type { DropRecord } from '../../shared/pipeline/drops';
import { keys, S3_LAYOUT, unitPk, type Unit } from '../../shared/layout/keys';
import { startApiServer } from '../../infra/local/api-server';
import type { LocalStatus } from '../../infra/local/progress';
import { ARTIFACTS, COMMENTS, NETWORK, startDashboardEnv, type DashboardEnv } from './setup';
import { maskPersonalText } from '../../shared/privacy/mask-text';

// Page-side callbacks (page.evaluate) run in the browser; the project compiles without the DOM library.
declare const document: any, window: any, location: any;
type HTMLElement = { innerText: string; textContent: string | null };
type HTMLSelectElement = { labels: { length: number } | null; id: string };

/** The English page's formats and words (most checks); `ID`/`tId` for the Indonesian page. */
const EN = createFormat('en'), ID = createFormat('id');
const tEn = translator('en'), tId = translator('id');
const { index: fmtIndex, ci: fmtCi, coef: fmtCoef, int: fmtInt, p: fmtP, pct: fmtPct } = EN;
const en = (key: MessageKey, params?: Params) => tEn(key, params);

let env: DashboardEnv;
let head: BrowserContext;

beforeAll(async () => {
  env = await startDashboardEnv();
  head = await login('head-office');
}, 240_000);

afterAll(async () => {
  await env?.stop();
}, 60_000);

// ------------------------------------------------------------------------------------------- stored values

const table = () => env.stack.names.table;
const summary = async (u: Unit, period: string) => (await getItem<SummaryItem>(env.stack.ddb, table(), keys.periodSummary(u, period)))!;
const result = async (s: SummaryItem) => JSON.parse(await getObjectText(env.stack.s3, env.stack.names.buckets.curated, s.resultKey)) as UnitResult;
/** Every unit's value of a metric in a period, by the ranking index (GSI1). */
async function ranking(metric: string, period: string): Promise<MetricItem[]> {
  const out: MetricItem[] = [];
  for await (const it of queryAll<MetricItem>(env.stack.ddb, {
    TableName: table(), IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': keys.metricRanking(metric, period) },
  })) out.push(it);
  return out;
}
async function openAlerts(): Promise<AlertItem[]> {
  const out: AlertItem[] = [];
  for await (const it of queryAll<AlertItem>(env.stack.ddb, {
    TableName: table(), IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': keys.openAlerts }, ScanIndexForward: false,
  })) out.push(it);
  return out;
}

// ------------------------------------------------------------------------------------------- browser helpers

async function login(user: string, viewport = { width: 1280, height: 900 }): Promise<BrowserContext> {
  const ctx = await env.browser.newContext({ viewport, acceptDownloads: true });
  const page = await ctx.newPage();
  const r = await page.goto(`${env.server.url}/auth/dev-login?user=${encodeURIComponent(user)}&next=/%23/alerts`);
  expect(r?.ok()).toBe(true);
  await page.close();
  return ctx;
}

/** The hash with `lang=` added (English unless said otherwise; null: none, the deployment's default). */
function withLang(hash: string, lang: 'en' | 'id' | null): string {
  if (lang === null || /[?&]lang=/.test(hash)) return hash;
  return `${hash}${hash.includes('?') ? '&' : '?'}lang=${lang}`;
}

async function open(ctx: BrowserContext, hash: string, page?: Page, lang: 'en' | 'id' | null = 'en'): Promise<Page> {
  const p = page ?? (await ctx.newPage());
  const errors: string[] = [];
  p.on('pageerror', (e) => errors.push(e.message));
  await p.goto(`${env.server.url}/${withLang(hash, lang)}`);
  await ready(p);
  expect(errors).toEqual([]);
  return p;
}

/** Wait for the page a navigation or a filter change renders. */
async function ready(p: Page, previous?: unknown): Promise<void> {
  await p.waitForFunction((prev) => {
    const el = document.querySelector('.page[data-ready="true"]');
    return !!el && el !== prev;
  }, previous ?? null, { timeout: 20_000 });
}

const pageHandle = (p: Page) => p.$('.page[data-ready="true"]');

async function changeFilter(p: Page, id: string, value: string): Promise<void> {
  const before = await pageHandle(p);
  await p.selectOption(`#${id}`, value);
  await ready(p, before);
}

const text = (p: Page, sel: string) => p.locator(sel).first().innerText();

/** Cells of the table row whose row header starts with `key` (text as shown). */
async function row(p: Page, tableId: string, key: string): Promise<string[]> {
  return p.$$eval(`#${tableId} tbody tr, #${tableId} tfoot tr`, (trs, k) => {
    const tr = trs.find((t) => (t.querySelector('th')?.textContent ?? '').trim().startsWith(k));
    return tr ? [...tr.querySelectorAll('th, td')].map((c) => (c as HTMLElement).innerText.trim()) : [];
  }, key);
}

async function headers(p: Page, tableId: string): Promise<string[]> {
  return p.$$eval(`#${tableId} thead th`, (ths) => ths.map((t) => (t as HTMLElement).innerText.trim()));
}

async function cell(p: Page, tableId: string, key: string, column: string): Promise<string> {
  const hs = await headers(p, tableId);
  const j = hs.indexOf(column);
  expect(j, `${tableId} has a column '${column}' (${hs.join(' | ')})`).toBeGreaterThanOrEqual(0);
  const r = await row(p, tableId, key);
  expect(r.length, `${tableId} has a row '${key}'`).toBeGreaterThan(0);
  return r[j]!.replace(/\s+/g, ' ');
}

async function shot(p: Page, name: string): Promise<void> {
  await p.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

type ChartInfo = { label: string; kind: string | null; locale: string | null; section: string | null; metric: string | null; labels: string[]; datasets: { label: string; data: unknown[] }[] };
const charts = (p: Page) => p.evaluate(() => (window as unknown as { satmonCharts: () => ChartInfo[] }).satmonCharts());

const YEAR = '2025';
const DECLINING = NETWORK.declining.branch;

// ------------------------------------------------------------------------------------------- tests

describe('the pipeline behind the dashboard', () => {
  it('ran on the simulated network and raised the declining branch\'s trust alert', () => {
    expect(env.pipeline.branches).toEqual(['BR01', 'BR02', 'BR03', 'BR04']);
    expect(env.pipeline.years).toEqual(['2024', '2025']);
    // (the trust alerts only: the IKM band and NRR alerts of the SKM are the SKM tests' business)
    const trust = env.pipeline.alerts.filter((a) => a.metric === 'TRUST');
    expect(trust.filter((a) => !/^\d{4}$/.test(a.period)).map((a) => `${a.branch} ${a.metric}`)).toEqual([`${DECLINING} TRUST`]);
    // the decline also shows at the annual assessment (the year's four quarters against the year before), naming it
    expect(trust.filter((a) => /^\d{4}$/.test(a.period)).map((a) => `${a.branch} ${a.period}`)).toEqual([`${DECLINING} ${YEAR}`]);
    expect(env.pipeline.rejectedRows).toBeGreaterThan(0);
  });
});

describe('annual report', () => {
  let p: Page;
  beforeAll(async () => {
    p = await open(head, '#/report');
  });

  it('opens on the latest year and shows the network indices as stored, with CIs and year-over-year change', async () => {
    expect(await text(p, 'h1')).toBe(`Annual satisfaction survey report ${YEAR}`);
    const net = await summary({ kind: 'network' }, YEAR);
    const prev = await summary({ kind: 'network' }, '2024');
    for (const m of ['SAT', 'TRUST', 'LOY', 'CRM', 'SQ', 'GOV']) {
      const s = net.indices[m]!;
      const card = p.locator(`#headline .metric-card[data-metric="${m}"]`);
      expect(await card.locator('.metric-value').innerText()).toBe(fmtIndex(s.value));
      expect(await card.locator('.metric-ci').innerText()).toBe(`95% CI ${fmtCi(s.ciLow, s.ciHigh)}`);
      expect(await card.locator('.metric-n').innerText()).toContain(fmtInt(s.n));
      expect(await cell(p, 'headline-table', { SAT: 'Satisfaction', TRUST: 'Trust', LOY: 'Loyalty', CRM: 'Relationship', SQ: 'Service quality', GOV: 'Government role' }[m]!, '2024'))
        .toBe(fmtIndex(prev.indices[m]!.value));
    }
    // the declining branch pulls the network's trust down year over year
    expect(await card(p, 'TRUST', '.metric-change')).toMatch(/−\d+\.\d\*+/);
  });

  it('ranks every branch with n, CI and margin of error equal to the ranking index (GSI1) items, in CI bars and a funnel plot', async () => {
    const items = (await ranking('SAT', YEAR)).filter((m) => m.pk.startsWith('BRANCH#'));
    expect(items).toHaveLength(4);
    for (const m of items) {
      const id = m.pk.slice('BRANCH#'.length);
      expect(await cell(p, 'ranking-table', id, 'Index')).toBe(fmtIndex(m.value));
      expect(await cell(p, 'ranking-table', id, '95% CI')).toBe(fmtCi(m.ciLow, m.ciHigh));
      expect(await cell(p, 'ranking-table', id, '± MoE')).toBe(fmtIndex(m.moe));
      expect((await cell(p, 'ranking-table', id, 'n')).split(' ')[0]).toBe(fmtInt(m.n));
    }
    const ranks = await p.$$eval('#ranking-table tbody th', (ths) => ths.map((t) => t.textContent!.slice(0, 4)));
    const sorted = [...items].sort((a, b) => b.value! - a.value!).map((m) => m.pk.slice('BRANCH#'.length));
    expect(ranks).toEqual(sorted);
    const c = (await charts(p)).filter((x) => x.section === 'ranking');
    expect(c).toHaveLength(2);
    const bars = c.find((x) => x.kind === 'rank')!;
    const ci = bars.datasets[0]!.data as [number, number][];
    sorted.forEach((id, i) => {
      const m = items.find((x) => x.pk === `BRANCH#${id}`)!;
      expect(ci[i]).toEqual([m.ciLow, m.ciHigh]);
    });
    const funnel = c.find((x) => x.kind === 'funnel')!;
    expect((funnel.datasets[0]!.data as { x: number; y: number }[]).map((d) => d.x).sort()).toEqual(items.map((m) => m.n).sort());
  });

  it('shows the per-branch x programme table (Rufani et al. 2023, Table 1) as stored', async () => {
    for (const b of ['BR01', DECLINING]) {
      const s = await summary({ kind: 'branch', id: b }, YEAR);
      expect((await cell(p, 'programme-table', b, 'All')).startsWith(fmtPct(s.programmes!.overall.share))).toBe(true);
      for (const r of s.programmes!.rows) {
        expect(await cell(p, 'programme-table', b, r.programme)).toBe(`${fmtPct(r.share)} n=${r.n}`);
      }
    }
    const net = await summary({ kind: 'network' }, YEAR);
    expect((await cell(p, 'programme-table', 'Network', 'JHT')).startsWith(fmtPct(net.programmes!.rows.find((r) => r.programme === 'JHT')!.share))).toBe(true);
  });

  it('shows the structural model (Suryani et al. 2024, Table 6 and Figure 1) and measurement quality from the stored result', async () => {
    const r = await result(await summary({ kind: 'network' }, YEAR));
    for (const ps of r.satisfaction!.bootstrap.paths) {
      const label = `${ps.from} → ${ps.to}`;
      expect(await cell(p, 'paths-table', label, 'Path coefficient')).toBe(fmtCoef(ps.original));
      expect(await cell(p, 'paths-table', label, 'T statistics')).toBe(fmtCoef(ps.t));
      expect(await cell(p, 'paths-table', label, 'P values')).toBe(fmtP(ps.p));
      expect(await p.locator(`svg.model-diagram g[data-path="${ps.from}>${ps.to}"] text`).textContent()).toContain(fmtCoef(ps.original));
    }
    for (const ind of r.satisfaction!.bootstrap.specificIndirect) {
      expect(await cell(p, 'paths-table', `${ind.from} → ${ind.through!.join(' → ')} → ${ind.to}`, 'Path coefficient')).toBe(fmtCoef(ind.original));
    }
    const rel = r.satisfaction!.estimate.reliability;
    expect((await cell(p, 'reliability-table', 'Trust', 'AVE')).startsWith(fmtCoef(rel.TRUST!.ave))).toBe(true);
    expect((await cell(p, 'reliability-table', 'Satisfaction', "Cronbach's α")).startsWith(fmtCoef(rel.SAT!.alpha))).toBe(true);
    const l = r.satisfaction!.estimate.loadings.find((x) => x.item === 'GOV6')!;
    expect((await cell(p, 'loadings-table', 'GOV6', 'Loading')).startsWith(fmtCoef(l.estimate))).toBe(true);
    await shot(p, 'report');
  });

  it('filters: quarter, region, segment and programme change the figures to the stored ones', async () => {
    await changeFilter(p, 'f-quarter', 'Q4');
    expect(p.url()).toContain('quarter=Q4');
    expect(await text(p, 'h1')).toBe('Quarterly satisfaction survey report 2025 Q4');
    const q4 = await summary({ kind: 'network' }, '2025-Q4');
    expect(await p.locator('#headline [data-metric="TRUST"] .metric-value').innerText()).toBe(fmtIndex(q4.indices.TRUST!.value));

    await changeFilter(p, 'f-region', 'SUMUT');
    const region = await summary({ kind: 'region', id: 'SUMUT' }, '2025-Q4');
    expect(await p.locator('#headline [data-metric="SAT"] .metric-value').innerText()).toBe(fmtIndex(region.indices.SAT!.value));
    const branches = await p.$$eval('#ranking-table tbody th', (ths) => ths.map((t) => t.textContent!.slice(0, 4)).sort());
    expect(branches).toEqual(['BR02', 'BR03']);
    await shot(p, 'report-filtered-region');

    await changeFilter(p, 'f-region', '');
    await changeFilter(p, 'f-segment', 'BPU');
    const net = await summary({ kind: 'network' }, '2025-Q4');
    const bpu = net.breakdowns.segment!.BPU!;
    expect(await p.locator('#headline [data-metric="TRUST"] .metric-value').innerText()).toBe(fmtIndex(bpu.indices.TRUST!.value));
    expect(await p.locator('.note.info').first().innerText()).toContain('segment BPU');
    // programme and segment are not crossed: choosing a programme clears the segment
    await changeFilter(p, 'f-programme', 'JP');
    expect(p.url()).not.toContain('segment=');
    const jp = net.breakdowns.programme!.JP!;
    expect(await p.locator('#headline [data-metric="SAT"] .metric-value').innerText()).toBe(fmtIndex(jp.indices.SAT!.value));
    expect(await p.locator('#headline [data-metric="SAT"] .metric-n').innerText()).toContain(fmtInt(jp.n));
  });

  it('exports the ranking as an Excel-safe CSV (BOM, CRLF) with the stored figures', async () => {
    const page = await open(head, '#/report');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#ranking a[data-export="ranking"][data-format="csv"]')]);
    const file = path.join(ARTIFACTS, download.suggestedFilename());
    await download.saveAs(file);
    expect(download.suggestedFilename()).toBe('satmon-ranking-2025.csv');
    const body = readFileSync(file, 'utf8');
    expect(body.charCodeAt(0)).toBe(0xfeff);
    expect(body.endsWith('\r\n')).toBe(true);
    expect(body.replace(/\r\n/g, '')).not.toContain('\n');
    const rows = parse(body.slice(1), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.Branch).sort()).toEqual(['BR01', 'BR02', 'BR03', 'BR04']);
    for (const m of (await ranking('TRUST', YEAR)).filter((x) => x.pk.startsWith('BRANCH#'))) {
      const r = rows.find((x) => x.Branch === m.pk.slice(7))!;
      expect(Number(r['TRUST index'])).toBe(m.value);
      expect(Number(r['TRUST CI high'])).toBe(m.ciHigh);
      expect(Number(r['TRUST n'])).toBe(m.n);
    }
    await page.close();
  });
});

async function card(p: Page, metric: string, sel: string): Promise<string> {
  return p.locator(`#headline .metric-card[data-metric="${metric}"] ${sel}`).innerText();
}

describe('branch page', () => {
  let p: Page;
  beforeAll(async () => {
    p = await open(head, `#/branch/${DECLINING}?year=2025&quarter=Q4`);
  });

  it('shows the branch indices of the period as stored, against the network', async () => {
    const s = await summary({ kind: 'branch', id: DECLINING }, '2025-Q4');
    for (const m of ['SAT', 'TRUST', 'LOY']) {
      expect(await p.locator(`#branch-indices [data-metric="${m}"] .metric-value`).innerText()).toBe(fmtIndex(s.indices[m]!.value));
      expect(await p.locator(`#branch-indices [data-metric="${m}"] .metric-ci`).innerText()).toBe(`95% CI ${fmtCi(s.indices[m]!.ciLow, s.indices[m]!.ciHigh)}`);
    }
  });

  it('draws every index by quarter with its CI band and the network line, as stored', async () => {
    const own = await queryPartition<MetricItem>(env.stack.ddb, table(), unitPk({ kind: 'branch', id: DECLINING }), { skPrefix: 'METRIC#TRUST#Q#' });
    const net = await queryPartition<MetricItem>(env.stack.ddb, table(), 'NETWORK#ALL', { skPrefix: 'METRIC#TRUST#Q#' });
    const trend = (await charts(p)).find((c) => c.section === 'trends' && c.metric === 'TRUST')!;
    expect(trend.labels).toEqual(own.map((m) => EN.period(m.period)));
    const ds = (label: string) => trend.datasets.find((d) => d.label === label)!.data;
    expect(ds(en('dash.chart.branch'))).toEqual(own.map((m) => m.value));
    expect(ds(en('dash.chart.ciLow'))).toEqual(own.map((m) => m.ciLow));
    expect(ds(en('dash.chart.ciHigh'))).toEqual(own.map((m) => m.ciHigh));
    expect(ds(en('dash.chart.network'))).toEqual(net.map((m) => m.value));
    expect((await charts(p)).filter((c) => c.section === 'trends')).toHaveLength(METRICS.length); // the six indices and the IKM
  });

  it('lists the open alert with its stored evidence', async () => {
    const a = (await queryPartition<AlertItem>(env.stack.ddb, table(), unitPk({ kind: 'branch', id: DECLINING }), { skPrefix: 'ALERT#' }))
      .find((x) => x.metric === 'TRUST' && x.status === 'open');
    expect(a).toBeDefined();
    const hs = await headers(p, 'branch-alerts-table');
    const rows = await p.$$eval('#branch-alerts-table tbody tr', (trs) => trs.map((t) => [...t.querySelectorAll('th, td')].map((c) => (c as HTMLElement).innerText.trim())));
    const r = rows.find((x) => x[0] === EN.period(a!.since) && x.includes(en('common.metric.TRUST')))!;
    expect(r, 'the trust alert row').toBeDefined();
    expect(r).toContain('open');
    expect(r[hs.indexOf('Decline (points)')]).toBe(fmtIndex(a!.decline));
    expect(r[hs.indexOf('95% CI')]).toBe(fmtCi(a!.declineCi[0], a!.declineCi[1]));
  });

  it('shows the importance-performance map and the loyalty regression from the stored result', async () => {
    const r = await result(await summary({ kind: 'branch', id: DECLINING }, '2025-Q4'));
    const labels: Record<string, string> = { CRM: 'Relationship mgmt (CRM)', SQ: 'Service quality', GOV: 'Government role', TRUST: 'Trust' };
    for (const x of r.satisfaction!.ipma.SAT) {
      expect(await cell(p, 'ipma-table', labels[x.construct]!, 'Importance')).toBe(fmtCoef(x.importance));
      expect(await cell(p, 'ipma-table', labels[x.construct]!, 'Performance')).toBe(fmtIndex(x.performance));
    }
    const ipma = (await charts(p)).find((c) => c.section === 'ipma')!;
    expect(ipma.datasets[0]!.data).toEqual(r.satisfaction!.ipma.SAT.map((x) => ({ x: x.importance, y: x.performance })));
    const reg = r.loyalty!.regression;
    const tan = reg.coefficients.find((c) => c.name === 'TAN')!;
    expect(await cell(p, 'loyalty-table', 'Tangibles', 'B')).toBe(fmtCoef(tan.b));
    expect(await cell(p, 'loyalty-table', 'Tangibles', 'Sig.')).toBe(fmtP(tan.p));
    expect(await p.locator('#loyalty .r2').innerText()).toContain(`R² = ${fmtCoef(reg.r2)}`);
  });

  it("tests each path against the rest of the network's with the permutation test, as stored beside the branch", async () => {
    const net = await summary({ kind: 'network' }, '2025-Q4');
    const t = JSON.parse(await getObjectText(env.stack.s3, env.stack.names.buckets.curated, S3_LAYOUT.branchPathTests('2025-Q4', DECLINING))) as StoredPathTest;
    expect(t.networkInputHash).toBe(net.inputHash);
    expect(t.paths.length).toBeGreaterThanOrEqual(7);
    for (const x of t.paths) {
      expect(await cell(p, 'branch-paths-table', `${x.from} → ${x.to}`, en('dash.model.col.rest'))).toBe(fmtCoef(x.other));
      expect(await cell(p, 'branch-paths-table', `${x.from} → ${x.to}`, en('dash.model.col.restP'))).toBe(fmtP(x.p));
    }
    expect(await text(p, '#branch-model .path-tests')).toBe(en('dash.model.pathTests', { permutations: fmtInt(t.permutations), n: fmtInt(t.n), nOther: fmtInt(t.nOther) }));
  });

  it("tests the year's paths against the year before's, in both languages", async () => {
    const r = await result(await summary({ kind: 'branch', id: DECLINING }, YEAR));
    const t = r.pathTests!.vsPreviousYear!;
    expect(t).toMatchObject({ against: 'previous-year', otherPeriod: '2024' });
    // The branch's year read its year before too: the network's year still finds every branch result current
    // (same input hash), so it stays population-weighted; its JSON does not carry the branches' tests.
    const network = await summary({ kind: 'network' }, YEAR);
    expect(network.weighting?.method).toBe('population');
    const netResult = await result(network);
    expect(netResult.branchPathTests).toBeUndefined();
    expect(netResult.pathTestsSkipped).toBeUndefined();
    for (const [lang, F, tr] of [['id', ID, tId], ['en', EN, tEn]] as const) {
      const y = await open(head, `#/branch/${DECLINING}?year=${YEAR}`, undefined, lang === 'id' ? null : 'en');
      for (const x of t.paths) {
        expect(await cell(y, 'branch-paths-table', `${x.from} → ${x.to}`, tr('dash.model.col.yearBefore', { year: F.period('2024') }))).toBe(F.coef(x.other));
        expect(await cell(y, 'branch-paths-table', `${x.from} → ${x.to}`, tr('dash.model.col.yearP'))).toBe(F.p(x.p));
      }
      expect(await headers(y, 'branch-paths-table')).toContain(tr('dash.model.col.restP'));
      await y.close();
    }
  });

  it('shows what participants wrote as plain text: no markup run, no formula, line breaks kept', async () => {
    const texts = await p.locator('#comments .comment-text').allInnerTexts();
    // Stored masked at ingest: the phone number (and the formula's URL) never reach the page.
    expect([...texts].sort()).toEqual(COMMENTS.map(maskPersonalText).sort());
    expect(texts).toContain('Tolong hubungi saya di [telepon]');
    expect(texts.join('\n')).not.toContain('0812');
    expect(await p.locator('#comments script').count()).toBe(0);
  });

  it('lists the drops with their response and rejected-row counts as the drop records hold them', async () => {
    const hashes = new Set<string>();
    for (const q of ['2024-Q1', '2024-Q2', '2024-Q3', '2024-Q4', '2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4']) {
      for (const k of await listKeys(env.stack.s3, env.stack.names.buckets.curated, S3_LAYOUT.cleanPrefix(q, DECLINING))) hashes.add(/drop=([0-9a-f]+)\.csv$/.exec(k)![1]!);
    }
    expect(hashes.size).toBe(9); // one file a quarter, and the head-office file of free-text answers (setup.ts COMMENTS)
    let rejected = 0;
    for (const h of hashes) {
      const d = (await getItem<DropRecord>(env.stack.ddb, table(), keys.drop(h)))!;
      const file = d.firstKey;
      expect(await cell(p, 'drops-table', file, 'Rows in file')).toBe(fmtInt(d.counts!.rows));
      expect(await cell(p, 'drops-table', file, 'Rejected rows')).toBe(fmtInt(d.counts!.rejected));
      expect(await cell(p, 'drops-table', file, 'Responses (this branch)')).toBe(fmtInt(d.partitions!.find((x) => x.branch === DECLINING)!.rows));
      rejected += d.counts!.rejected;
    }
    expect(rejected).toBeGreaterThan(0);
    await shot(p, 'branch');
  });
});

describe('alerts page', () => {
  it('lists every open alert of the network, newest first, and filters by region', async () => {
    const p = await open(head, '#/alerts');
    const stored = await openAlerts();
    expect(stored.length).toBeGreaterThan(0);
    const shown = await p.$$eval('#alerts-table tbody tr', (trs) => trs.map((t) => [...t.querySelectorAll('th, td')].map((c) => (c as HTMLElement).innerText.trim())));
    expect(shown).toHaveLength(stored.length);
    stored.forEach((a, i) => {
      expect(shown[i]![0]).toBe(EN.period(a.since));
      expect(shown[i]![1]).toContain(a.branch);
      expect(shown[i]).toContain(fmtIndex(a.decline));
    });
    await shot(p, 'alerts');
    await changeFilter(p, 'f-region', 'ACEH');
    expect(await p.locator('#alerts-table td.empty').innerText()).toBe('No alerts.');
    await p.close();
  });
});

describe('a branch manager', () => {
  let mgr: BrowserContext;
  beforeAll(async () => {
    mgr = await login('manager:BR01');
  });

  it('lands on their own branch and cannot reach another one (page and API: 403)', async () => {
    // The deployment's language (Indonesian) until the reader picks one.
    const p = await mgr.newPage();
    await p.goto(`${env.server.url}/`);
    await ready(p);
    expect(await p.evaluate(() => document.documentElement.lang)).toBe('id');
    expect(p.url()).toContain('#/branch/BR01');
    expect(await text(p, 'h1')).toBe('BR01 Meulaboh');
    const nav = await p.$$eval('#nav a', (as) => as.map((a) => a.getAttribute('href')));
    expect(nav).toContain('#/branch/BR01');

    const before = await pageHandle(p);
    await p.evaluate((b) => { location.hash = `#/branch/${b}`; }, DECLINING);
    await ready(p, before);
    expect(await p.locator('.error').getAttribute('data-status')).toBe('403');
    expect(await p.locator('.error').innerText()).toBe(tId('api.error.noBranchAccess', { branch: DECLINING }));
    expect(await p.locator('#branch-indices').count()).toBe(0);
    await shot(p, 'manager-refused');

    const statuses = await p.evaluate(async (b) => Promise.all([
      `/api/branches/${b}/series`, `/api/branches/${b}/results?period=2025`, `/api/branches/${b}/alerts`, `/api/branches/${b}/drops`,
      `/api/export/series.csv?branch=${b}`, '/api/branches/BR01/series',
    ].map(async (u) => (await fetch(u)).status)), DECLINING);
    expect(statuses).toEqual([403, 403, 403, 403, 403, 200]);
    await p.close();
  });

  it('sees the network as a benchmark and only their own branch in the report, and no other branch\'s alerts', async () => {
    const p = await open(mgr, '#/report');
    expect(await p.$$eval('#ranking-table tbody th', (ths) => ths.map((t) => t.textContent!.slice(0, 4)))).toEqual(['BR01']);
    expect(await p.$$eval('#programme-table tbody th', (ths) => ths.map((t) => t.textContent!.slice(0, 4)))).toEqual(['BR01']);
    const net = await summary({ kind: 'network' }, YEAR);
    expect(await p.locator('#headline [data-metric="SAT"] .metric-value').innerText()).toBe(fmtIndex(net.indices.SAT!.value));
    await shot(p, 'manager-report');
    const before = await pageHandle(p);
    await p.click('#nav a[href^="#/alerts"]');
    await ready(p, before);
    expect(await p.locator('#alerts-table td.empty').innerText()).toBe('No alerts.');
    await p.close();
  });

  it('is told why figures are withheld: a region of two branches on the report, their one-branch region on the branch page', async () => {
    // The disclosure rule (shared/api/disclosure.ts): SUMUT pools BR02 and BR03 only, BR01's region ACEH is BR01
    // alone, so both are withheld from BR01's manager; the network pools four branches and is shown.
    const reason = withheldText(tEn, WITHHELD.branches);
    const p = await open(mgr, `#/report?year=${YEAR}&region=SUMUT`);
    const api = (await p.evaluate(async (y) => (await fetch(`/api/overview?period=${y}&region=SUMUT`)).json(), YEAR)) as OverviewResponse;
    expect(api.headline).toBeNull();
    expect(api.withheld.headline).toBe(WITHHELD.branches);
    expect(await text(p, '#headline [data-withheld="headline"]')).toBe(`Withheld for branch managers: the figures of region SUMUT (${reason}).`);
    expect(await p.locator('#headline .metric-card').count()).toBe(0);
    expect(await text(p, '#model [data-withheld="model"]')).toBe(`Withheld for branch managers: the structural model of region SUMUT (${reason}).`);
    expect(await text(p, '#programmes [data-withheld="programmes"]')).toBe(`Withheld for branch managers: the Region SUMUT row (${reason}).`);
    expect(await p.$$eval('#programme-table tfoot td', (tds) => [...new Set(tds.map((t) => (t as HTMLElement).innerText.trim()))])).toEqual(['withheld']);
    // No count that could pass for the region's or the network's.
    expect(await text(p, '#headline .assessment')).toBe('Your branch BR01 is not in Region SUMUT.');
    await shot(p, 'manager-report-withheld');
    await p.close();

    const n = await open(mgr, '#/report');
    expect(await n.locator('#headline [data-withheld="headline"]').count()).toBe(0);
    expect(await text(n, '#headline .assessment')).toBe('Open alerts on your branch now: 0 · Network-wide alert counts are shown to head office only.');
    await n.close();

    const b = await open(mgr, '#/branch/BR01?year=2025&quarter=Q4');
    expect(await text(b, '#trends [data-withheld="lines"]')).toBe(`Withheld for branch managers: the region ACEH line in every period (${reason}).`);
    const trend = (await charts(b)).find((c) => c.section === 'trends' && c.metric === 'SAT')!;
    expect(trend.datasets.map((d) => d.label)).not.toContain(en('dash.scope.region', { region: 'ACEH' }));
    expect(await b.locator('#branch-indices [data-withheld]').count()).toBe(0);
    await shot(b, 'manager-branch-withheld');
    await b.close();
  });
});

describe('both languages', () => {
  const htmlLang = (p: Page) => p.evaluate(() => document.documentElement.lang as string);
  /** Every text of the page a reader or a screen reader meets, attributes included (titles, aria-labels, alt texts). */
  const pageText = (p: Page) => p.evaluate(() => `${document.body.innerText}\n${document.documentElement.outerHTML}`);

  it('the report: Indonesian by default (labels, 72,6, "Triwulan"), English with lang=en, the papers cited by name', async () => {
    const net = await summary({ kind: 'network' }, YEAR);
    const id = await open(head, '#/report', undefined, null);
    expect(await htmlLang(id)).toBe('id');
    expect(await text(id, 'h1')).toBe(tId('dash.report.titleYear', { period: YEAR }));
    expect(await id.locator('#lang').inputValue()).toBe('id');
    expect(await id.locator('label[for="lang"]').innerText()).toBe('Bahasa');
    const sat = id.locator('#headline .metric-card[data-metric="SAT"]');
    expect(await sat.locator('.metric-name').innerText()).toBe('Kepuasan');
    expect(await sat.locator('.metric-value').innerText()).toBe(ID.index(net.indices.SAT!.value));
    expect(await sat.locator('.metric-value').innerText()).toMatch(/^\d+,\d$/);
    expect(await sat.locator('.metric-ci').innerText()).toBe(`IK 95% ${ID.ci(net.indices.SAT!.ciLow, net.indices.SAT!.ciHigh)}`);
    expect(await sat.locator('.metric-ci').innerText()).toContain(' s.d. ');
    expect(await headers(id, 'ranking-table')).toEqual(expect.arrayContaining(['Peringkat', 'Cabang', 'Wilayah', 'Indeks', 'IK 95%']));
    expect(await text(id, 'footer.site')).toContain('Suryani dkk. (2024)');
    expect(await text(id, 'footer.site')).toContain('Rufani dkk. (2023)');
    expect(await text(id, '#programmes caption')).toContain('Rufani dkk. (2023)');
    expect(await text(id, '#model caption')).toContain('Suryani dkk. (2024)');
    expect(await text(id, '#references')).toContain(tId('common.ref.suryani'));
    expect(await text(id, '#references')).toContain(tId('common.ref.rufani'));
    expect(await pageText(id)).not.toContain('seed-0');
    await changeFilter(id, 'f-quarter', 'Q4');
    expect(await text(id, 'h1')).toBe(`Laporan triwulanan survei kepuasan Triwulan IV ${YEAR}`);
    expect(id.url()).not.toContain('lang=');
    const q4 = await summary({ kind: 'network' }, '2025-Q4');
    expect(await id.locator('#headline [data-metric="TRUST"] .metric-value').innerText()).toBe(ID.index(q4.indices.TRUST!.value));
    // Chart.js writes its axis ticks with Intl in the page's locale
    const drawn = (await charts(id)).filter((c) => c.section === 'ranking');
    expect(drawn.map((c) => c.locale)).toEqual(['id-ID', 'id-ID']);
    expect(drawn.find((c) => c.kind === 'funnel')!.datasets.map((d) => d.label)).toContain('Batas 95%');
    await shot(id, 'report-id');
    await id.close();

    const e = await open(head, '#/report');
    expect(await htmlLang(e)).toBe('en');
    expect(await text(e, 'h1')).toBe(`Annual satisfaction survey report ${YEAR}`);
    expect(await e.locator('#headline [data-metric="SAT"] .metric-value').innerText()).toBe(EN.index(net.indices.SAT!.value));
    expect(await e.locator('#headline [data-metric="SAT"] .metric-value').innerText()).toMatch(/^\d+\.\d$/);
    expect(await text(e, 'footer.site')).toContain('Suryani et al. (2024)');
    expect(await text(e, '#references h2')).toBe('References');
    expect(await pageText(e)).not.toContain('seed-0');
    await e.close();
  });

  it('switching the language keeps the filters (and the next page keeps the language)', async () => {
    const p = await open(head, `#/report?year=${YEAR}&quarter=Q4&region=SUMUT`, undefined, null);
    expect(await text(p, 'h1')).toBe(`Laporan triwulanan survei kepuasan Triwulan IV ${YEAR}`);
    const region = await summary({ kind: 'region', id: 'SUMUT' }, '2025-Q4');
    expect(await p.locator('#headline [data-metric="SAT"] .metric-value').innerText()).toBe(ID.index(region.indices.SAT!.value));
    await changeFilter(p, 'lang', 'en');
    expect(p.url()).toMatch(/quarter=Q4/);
    expect(p.url()).toMatch(/region=SUMUT/);
    expect(p.url()).toMatch(/lang=en/);
    expect(await htmlLang(p)).toBe('en');
    expect(await text(p, 'h1')).toBe(`Quarterly satisfaction survey report ${YEAR} Q4`);
    expect(await p.locator('#f-region').inputValue()).toBe('SUMUT');
    expect(await p.locator('#headline [data-metric="SAT"] .metric-value').innerText()).toBe(EN.index(region.indices.SAT!.value));
    expect(await text(p, '#headline h2')).toBe('Region SUMUT: satisfaction, trust and loyalty');
    // navigation keeps the language and the period
    const before = await pageHandle(p);
    await p.click('#nav a[href^="#/alerts"]');
    await ready(p, before);
    expect(p.url()).toMatch(/lang=en/);
    expect(await text(p, 'h1')).toBe('Open alerts');
    await changeFilter(p, 'lang', 'id');
    expect(await text(p, 'h1')).toBe('Peringatan aktif');
    expect(p.url()).toMatch(/region=SUMUT/);
    await p.close();
  });

  it('the branch page: Indonesian labels, decimal comma, "Triwulan" on the axes; English with lang=en', async () => {
    const s = await summary({ kind: 'branch', id: DECLINING }, '2025-Q4');
    const own = await queryPartition<MetricItem>(env.stack.ddb, table(), unitPk({ kind: 'branch', id: DECLINING }), { skPrefix: 'METRIC#TRUST#Q#' });
    for (const [lang, F, tr] of [['id', ID, tId], ['en', EN, tEn]] as const) {
      const p = await open(head, `#/branch/${DECLINING}?year=2025&quarter=Q4`, undefined, lang === 'id' ? null : 'en');
      expect(await htmlLang(p), lang).toBe(lang);
      expect(await text(p, '#branch-indices h2')).toBe(tr('dash.branch.indicesOf', { period: F.period('2025-Q4') }));
      expect(await p.locator('#branch-indices [data-metric="TRUST"] .metric-name').innerText()).toBe(tr('common.metric.TRUST'));
      expect(await p.locator('#branch-indices [data-metric="TRUST"] .metric-value').innerText()).toBe(F.index(s.indices.TRUST!.value));
      const trend = (await charts(p)).find((c) => c.section === 'trends' && c.metric === 'TRUST')!;
      expect(trend.labels).toEqual(own.map((m) => F.period(m.period)));
      expect(trend.datasets.map((d) => d.label)).toContain(tr('dash.chart.branch'));
      expect(await headers(p, 'drops-table')).toContain(tr('dash.drops.col.rejected'));
      expect(await headers(p, 'loyalty-table')).toContain(tr('dash.loyalty.col.se'));
      expect(await text(p, '#loyalty caption')).toContain(tr('common.cite.rufani'));
      expect(await pageText(p)).not.toContain('seed-0');
      if (lang === 'id') {
        expect(trend.labels[0]).toMatch(/^Triwulan I{1,3}V? \d{4}$/);
        expect(await text(p, '#loyalty .r2')).toContain('R² disesuaikan');
        await shot(p, 'branch-id');
      }
      await p.close();
    }
  });

  it('the alerts page: Indonesian periods and numbers, English with lang=en', async () => {
    const stored = await openAlerts();
    for (const [lang, F, tr] of [['id', ID, tId], ['en', EN, tEn]] as const) {
      const p = await open(head, '#/alerts', undefined, lang === 'id' ? null : 'en');
      expect(await text(p, 'h1')).toBe(tr('dash.alerts.title'));
      expect(await headers(p, 'alerts-table')).toEqual(expect.arrayContaining([tr('dash.alerts.col.since'), tr('dash.alerts.col.decline')]));
      const first = await p.$$eval('#alerts-table tbody tr', (trs) => [...trs[0]!.querySelectorAll('th, td')].map((c) => (c as HTMLElement).innerText.trim()));
      expect(first[0]).toBe(F.period(stored[0]!.since));
      expect(first).toContain(F.index(stored[0]!.decline));
      expect(first).toContain(tr('common.metric.TRUST'));
      expect(first).toContain(tr('dash.alerts.open'));
      if (lang === 'id') expect(first[0]).toMatch(/^Triwulan /);
      expect(await pageText(p)).not.toContain('seed-0');
      await p.close();
    }
  });

  it('exports the ranking in the page\'s language, also in the Indonesian Excel form (; and 72,6)', async () => {
    const page = await open(head, '#/report', undefined, null);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#ranking a[data-export="ranking"][data-format="excel-id"]')]);
    const file = path.join(ARTIFACTS, `excel-id-${download.suggestedFilename()}`);
    await download.saveAs(file);
    const body = readFileSync(file, 'utf8');
    expect(body.charCodeAt(0)).toBe(0xfeff);
    expect(body.slice(1).split('\r\n')[0]!.startsWith('Cabang;Nama;Wilayah;n;Indeks SAT;')).toBe(true);
    const rows = parse(body.slice(1), { columns: true, delimiter: ';' }) as Record<string, string>[];
    for (const m of (await ranking('TRUST', YEAR)).filter((x) => x.pk.startsWith('BRANCH#'))) {
      const r = rows.find((x) => x.Cabang === m.pk.slice(7))!;
      expect(r['Indeks TRUST']).toBe(String(m.value).replace('.', ','));
    }
    await page.close();
  });
});

describe('phone, print, keyboard and page weight', () => {
  it('works on a phone-width screen without sideways scrolling of the page', async () => {
    const phone = await login('head-office', { width: 390, height: 844 });
    for (const [hash, name] of [['#/report', 'phone-report'], [`#/branch/${DECLINING}`, 'phone-branch'], ['#/alerts', 'phone-alerts']] as const) {
      const p = await open(phone, hash);
      const [scroll, inner] = await p.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
      expect(scroll, name).toBeLessThanOrEqual(inner);
      await shot(p, name);
      await p.close();
    }
    await phone.close();
  });

  it('prints a clean A4 report: no navigation, filters or buttons', async () => {
    const p = await open(head, '#/report');
    await p.setViewportSize({ width: 794, height: 1123 }); // A4 at 96 dpi
    await p.emulateMedia({ media: 'print' });
    for (const sel of ['header.site', '.filters', 'a[data-export]', '#print']) {
      expect(await p.locator(sel).first().isVisible(), sel).toBe(false);
    }
    expect(await p.locator('.print-brand').isVisible()).toBe(true);
    await shot(p, 'report-print');
    const pdf = await p.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    writeFileSync(path.join(ARTIFACTS, 'report.pdf'), pdf);
    const raw = pdf.toString('latin1');
    const pages = raw.match(/\/Type\s*\/Page[^s]/g)?.length ?? 0;
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(raw).toMatch(/\/MediaBox\s*\[\s*0 0 59[45]\.\d+ 84[12]\.\d+\s*\]/); // A4 = 595 x 842 points
    await p.close();
  });

  it('is usable by keyboard and labelled for screen readers', async () => {
    const p = await open(head, '#/report');
    await p.keyboard.press('Tab');
    expect(await p.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    // every control has a label, every table a caption, every chart a text alternative
    expect(await p.$$eval('select', (ss) => ss.filter((s) => !(s as HTMLSelectElement).labels?.length).map((s) => s.id))).toEqual([]);
    expect(await p.$$eval('table', (ts) => ts.filter((t) => !t.querySelector('caption')?.textContent?.trim()).length)).toBe(0);
    expect(await p.$$eval('canvas', (cs) => cs.filter((c) => !c.getAttribute('aria-label')).length)).toBe(0);
    expect(await p.locator('svg.model-diagram title').count()).toBe(1);
    // a filter changes by keyboard alone
    const before = await pageHandle(p);
    await p.focus('#f-quarter');
    await p.keyboard.press('ArrowDown');
    await ready(p, before);
    expect(p.url()).toMatch(/quarter=Q\d/);
    await p.close();
  });

  it('loads no page with more than 300 KB of gzipped JavaScript', async () => {
    const sizes: Record<string, number> = {};
    for (const hash of ['#/report', `#/branch/${DECLINING}`, '#/alerts']) {
      const p = await head.newPage();
      const scripts: Promise<number>[] = [];
      p.on('response', (r) => {
        if (r.request().resourceType() === 'script') scripts.push(r.body().then((b) => gzipSync(b, { level: 9 }).length));
      });
      await open(head, hash, p);
      sizes[hash] = (await Promise.all(scripts)).reduce((a, b) => a + b, 0);
      await p.close();
    }
    writeFileSync(path.join(ARTIFACTS, 'js-sizes.json'), JSON.stringify({ perPageGzipBytes: sizes, bundle: env.bundle }, null, 2));
    for (const [hash, bytes] of Object.entries(sizes)) {
      expect(bytes, hash).toBeGreaterThan(10_000);
      expect(bytes, hash).toBeLessThanOrEqual(300 * 1024);
    }
  });
});

describe('while npm start is still filling the data', () => {
  it('shows the progress in a banner, then removes it and shows the figures when the pipeline is done', async () => {
    let status: LocalStatus = { state: 'processing', stage: 'assess', done: 40, total: 240, period: '2024-Q3', secondsLeft: 12 };
    const srv = await startApiServer({ staticDir: path.resolve(import.meta.dirname, '../../dashboard/dist'), status: () => status });
    const ctx = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const p = await ctx.newPage();
      await p.goto(`${srv.url}/#/report?lang=en`);
      const banner = p.locator('#status');
      await banner.waitFor({ state: 'visible', timeout: 10_000 });
      expect(await banner.getAttribute('role')).toBe('status');
      expect(await banner.innerText()).toContain('assessing 2024 Q3 (40 of 240 units, about 12 s left)');
      await p.screenshot({ path: path.join(ARTIFACTS, 'status-banner.png') });
      status = { state: 'ready' };
      await banner.waitFor({ state: 'hidden', timeout: 10_000 });
      await ready(p);
      expect(await p.locator('.page[data-ready="true"] h1').innerText()).not.toBe('');
    } finally {
      await ctx.close();
      await srv.close();
    }
  });

  it('shows no banner when the server has no pipeline status (as on AWS)', async () => {
    const p = await open(head, '#/report');
    expect(await p.locator('#status').isHidden()).toBe(true);
    await p.close();
  });
});
