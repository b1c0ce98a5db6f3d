// Issue 15 on screen, in Debian's chromium, in Indonesian and in English: the watch tier (second-tier declines of
// small branches) on the branch page, in the ranking and in its own section of the alerts page, an annual alert
// naming its year, and the annual report's weighting line with the effective n beside n. The dashboard is served
// by the local API server over the real API handler, whose store is the API tests' simulated network
// (test/unit/shared/api/fixture.ts) with watch episodes, an annual alert and population-weighted 2025 aggregates
// put on top (test/unit/shared/api/watch-fixture.ts), as test/e2e/signin.test.ts serves that network. Expected
// texts are built from the stored items with the catalogue and createFormat. Screenshots go to test-artifacts/e2e/.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboard } from '../../dashboard/build.mjs';
import { startApiServer, type ApiServer } from '../../infra/local/api-server';
import { makeHandler } from '../../lambdas/api/handler';
import { weightingText } from '../../shared/api/weighting-words';
import { translator, type Translate } from '../../shared/i18n/catalogue';
import { createFormat, type Format } from '../../shared/i18n/format';
import { METRIC_NAME_KEY } from '../../shared/i18n/messages/common';
import { fixture, type Fixture } from '../unit/shared/api/fixture';
import { POPULATION_YEAR, WATCHES, watchFixture, type WatchFixture } from '../unit/shared/api/watch-fixture';
import { ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, requireChromium } from './setup';

// Page-side callbacks run in the browser; the project compiles without the DOM library.
declare const document: any;

const LANGS = ['id', 'en'] as const;
type Lang = (typeof LANGS)[number];
const words: Record<Lang, { t: Translate; f: Format }> = { id: { t: translator('id'), f: createFormat('id') }, en: { t: translator('en'), f: createFormat('en') } };
const metricName = (l: Lang, m: string) => words[l].t(METRIC_NAME_KEY[m as keyof typeof METRIC_NAME_KEY]);

let f: Fixture;
let w: WatchFixture;
let server: ApiServer;
let browser: Browser;
let dist: string;
const contexts = new Map<string, BrowserContext>();

beforeAll(async () => {
  requireChromium();
  f = await fixture();
  w = watchFixture(f);
  // A build of its own: the other browser tests' dashboard/dist is left alone.
  dist = mkdtempSync(path.join(tmpdir(), 'satmon-e2e-watches-'));
  await buildDashboard({ outDir: dist });
  const store = w.store();
  server = await startApiServer({ staticDir: dist, handler: makeHandler(() => store), autoLogin: false });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}, 240_000);

afterAll(async () => {
  await browser?.close().catch(() => {});
  await server?.close();
  if (dist) rmSync(dist, { recursive: true, force: true });
}, 60_000);

async function as(user: string): Promise<BrowserContext> {
  let ctx = contexts.get(user);
  if (ctx) return ctx;
  ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  const r = await page.goto(`${server.url}/auth/dev-login?user=${encodeURIComponent(user)}&next=/%23/alerts`);
  expect(r?.ok()).toBe(true);
  await page.close();
  contexts.set(user, ctx);
  return ctx;
}

async function open(user: string, hash: string, lang: Lang): Promise<Page> {
  const p = await (await as(user)).newPage();
  const errors: string[] = [];
  p.on('pageerror', (e) => errors.push(e.message));
  await p.goto(`${server.url}/${hash}${hash.includes('?') ? '&' : '?'}lang=${lang}`);
  await p.waitForFunction(() => !!document.querySelector('.page[data-ready="true"]'), null, { timeout: 20_000 });
  expect(errors).toEqual([]);
  return p;
}

const text = async (p: Page, sel: string) => (await p.locator(sel).first().innerText()).replace(/\s+/g, ' ').trim();

/** Cells of every body row of a table, as shown. */
const rows = (p: Page, id: string) =>
  p.$$eval(`#${id} tbody tr`, (trs) => trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => (c as { innerText: string }).innerText.replace(/\s+/g, ' ').trim())));
const headers = (p: Page, id: string) => p.$$eval(`#${id} thead th`, (ths) => ths.map((th) => (th as { innerText: string }).innerText.trim()));

async function column(p: Page, id: string, head: string, rowKey: string): Promise<string> {
  const hs = await headers(p, id);
  const j = hs.indexOf(head);
  expect(j, `${id} has a column '${head}' (${hs.join(' | ')})`).toBeGreaterThanOrEqual(0);
  const r = (await rows(p, id)).find((x) => x.some((c) => c.startsWith(rowKey)));
  expect(r, `${id} has a row ${rowKey}`).toBeDefined();
  return r![j]!;
}

const BR01_TRUST = WATCHES[0]!;

describe.each(LANGS)('in %s', (lang) => {
  const { t, f: fmt } = words[lang];

  it('the branch page shows the open watch as a watch (own note and badge), and the branch\'s watch episodes in their own table', async () => {
    const p = await open('manager:BR01', '#/branch/BR01', lang);
    const note = p.locator('#branch-watch-note');
    expect(await note.locator('.badge.watch').innerText()).toBe(t('dash.watch.label'));
    const item = t('dash.watch.item', { metric: metricName(lang, 'TRUST'), period: fmt.period(BR01_TRUST.since), decline: fmt.index(BR01_TRUST.decline) });
    expect(await text(p, '#branch-watch-note')).toContain(item);
    expect(await text(p, '#branch-watch-note')).toContain(t('dash.watch.explain', { p: fmt.coef(0.05, 2), points: fmt.int(2) }));
    // not an alert: the alert table has no such row, the watches table has both episodes
    expect(await text(p, '#branch-watches-h')).toBe(t('dash.watch.title'));
    const ws = await rows(p, 'branch-watches-table');
    expect(ws.map((r) => r[0])).toEqual([fmt.period('2025-Q3'), fmt.period('2025-Q1')]);
    expect(ws[0]).toContain(t('dash.watch.open'));
    expect(ws[1]).toContain(t('dash.watch.becameAlert', { period: fmt.period('2025-Q2') }));
    expect(await p.locator('#branch-watches-table .badge.alert').count()).toBe(0);
    expect(await headers(p, 'branch-watches-table')).toContain(t('dash.watch.col.p'));
    // the page opens on 2025: BR01's own figures post-stratified, the network's population-weighted (IKM pooled)
    expect(await text(p, '#branch-weighting')).toBe(`${t('dash.weighting.ofBranch')} · ${t('dash.weighting.line', { text: weightingText(t, 'post-stratified', { margins: ['segment'] }) })}`);
    expect(await text(p, '#network-weighting')).toContain(`${t('dash.scope.network')} · `);
    expect(await text(p, '#network-weighting')).toContain(weightingText(t, 'population', { populationYear: POPULATION_YEAR }));
    const br01 = f.summary({ kind: 'branch', id: 'BR01' }, '2025');
    expect(await text(p, '#branch-indices .metric-card[data-metric="TRUST"] .metric-n'))
      .toBe(t('dash.weighting.nEff', { n: fmt.int(br01.indices.TRUST!.n), nEff: fmt.int(Math.round(br01.indices.TRUST!.n * 0.91)) }));
    await p.screenshot({ path: path.join(ARTIFACTS, `watches-branch-${lang}.png`), fullPage: true });
    await p.locator('#branch-indices').screenshot({ path: path.join(ARTIFACTS, `watches-branch-indices-${lang}.png`) });
    await p.close();
  });

  it('the ranking marks the branches under watch, and a manager sees no other branch\'s mark', async () => {
    const p = await open('head-office', '#/report?year=2025', lang);
    const head = t('dash.watch.col.ranking');
    expect(await column(p, 'ranking-table', head, 'BR01')).toBe(`${t('dash.watch.label')} ${metricName(lang, 'TRUST')}`);
    expect(await column(p, 'ranking-table', head, 'BR03')).toBe(`${t('dash.watch.label')} ${metricName(lang, 'SAT')}`);
    expect(await column(p, 'ranking-table', head, 'BR02')).toBe('–');
    expect(await p.locator('#ranking-table .badge.watch').count()).toBe(2);
    await p.close();
    const m = await open('manager:BR02', '#/report?year=2025', lang);
    expect((await rows(m, 'ranking-table')).map((r) => r[1]!.slice(0, 4))).toEqual(['BR02']);
    expect(await m.locator('.badge.watch').count()).toBe(0);
    await m.close();
  });

  it('the alerts page has a watches section of its own; an annual alert names its year', async () => {
    const p = await open('head-office', '#/alerts', lang);
    expect(await text(p, '#watches-h')).toBe(t('dash.watch.count', { count: 2 }));
    expect(await text(p, '#watches .watch-explain')).toBe(t('dash.watch.explain', { p: fmt.coef(0.05, 2), points: fmt.int(2) }));
    const ws = await rows(p, 'watches-table');
    expect(ws.map((r) => r[1]!.slice(0, 4))).toEqual(['BR03', 'BR01']);
    expect(ws.every((r) => r.includes(t('dash.watch.open')))).toBe(true);
    const annual = (await rows(p, 'alerts-table')).find((r) => r[0] === '2025')!;
    expect(annual).toContain(t('dash.alerts.test.annual', { year: '2025', previous: '2024' }));
    await p.screenshot({ path: path.join(ARTIFACTS, `watches-alerts-${lang}.png`), fullPage: true });
    await p.close();
    // a manager: their own branch's watch only; another manager: none
    const m1 = await open('manager:BR01', '#/alerts', lang);
    expect((await rows(m1, 'watches-table')).map((r) => r[1]!.slice(0, 4))).toEqual(['BR01']);
    await m1.close();
    const m2 = await open('manager:BR02', '#/alerts', lang);
    expect(await text(m2, '#watches-table tbody')).toBe(t('dash.watch.none'));
    await m2.close();
  });

  it("the report says which weighting each figure uses and shows the effective n beside n", async () => {
    const p = await open('head-office', '#/report?year=2025', lang);
    const net = f.summary({ kind: 'network' }, '2025');
    const stored = w.weighting.network;
    // IKM pooled, the questionnaire's indices population-weighted (watch-fixture.ts): one part per method
    const weighted = ['SAT', 'TRUST', 'LOY', 'CRM', 'SQ', 'GOV'].map((m) => metricName(lang, m)).join(', ');
    const line = t('dash.weighting.line', {
      text: [
        t('dash.weighting.linePart', { metrics: weighted, text: weightingText(t, 'population', { populationYear: POPULATION_YEAR }) }),
        t('dash.weighting.linePart', { metrics: metricName(lang, 'IKM'), text: t('api.weighting.pooled') }),
      ].join('; '),
    });
    expect(await text(p, '#headline-weighting')).toBe(line);
    expect(line).toContain(lang === 'id' ? 'Tertimbang menurut jumlah peserta aktif per cabang (2024)' : "Weighted by each branch's active participants (2024)");
    const nEff = (stored.nEffective * net.indices.SAT!.n) / stored.n;
    expect(await text(p, '#headline .metric-card[data-metric="SAT"] .metric-n')).toBe(t('dash.weighting.nEff', { n: fmt.int(net.indices.SAT!.n), nEff: fmt.int(Math.round(nEff)) }));
    expect(await text(p, '#headline .metric-card[data-metric="IKM"] .metric-n')).toBe(`n = ${fmt.int(net.indices.IKM!.n)}`);
    expect(await column(p, 'headline-table', t('dash.weighting.col.nEff'), metricName(lang, 'SAT'))).toBe(fmt.int(Math.round(nEff)));
    expect(await column(p, 'headline-table', t('dash.weighting.col.nEff'), metricName(lang, 'IKM'))).toBe('–');
    expect(await text(p, '#headline [data-open-watches]')).toBe(fmt.int(2));
    // head office: every member with its share
    expect(await p.locator('.weighting-members li[data-member]').count()).toBe(3);
    await p.screenshot({ path: path.join(ARTIFACTS, `watches-report-${lang}.png`), fullPage: true });
    await p.locator('#headline').screenshot({ path: path.join(ARTIFACTS, `watches-report-headline-${lang}.png`) });
    await p.close();
    // BR01's post-stratified trust: effective n beside n in the ranking
    const br01 = f.summary({ kind: 'branch', id: 'BR01' }, '2025');
    const r = await open('head-office', '#/report?year=2025&metric=TRUST', lang);
    expect(await column(r, 'ranking-table', 'n', 'BR01')).toBe(`${fmt.int(br01.indices.TRUST!.n)} (${t('dash.weighting.col.nEff')} ${fmt.int(Math.round(br01.indices.TRUST!.n * 0.91))})`);
    expect(await column(r, 'ranking-table', 'n', 'BR02')).toBe(fmt.int(f.summary({ kind: 'branch', id: 'BR02' }, '2025').indices.TRUST!.n));
    await r.close();
    // a manager: the same line, and of the members only their own branch's share
    const m = await open('manager:BR02', '#/report?year=2025', lang);
    expect(await text(m, '#headline-weighting')).toBe(line);
    expect(await m.locator('.weighting-members').count()).toBe(0);
    expect(await m.locator('[data-open-watches]').count()).toBe(0);
    const own = stored.members!.find((x) => x.branch === 'BR02')!;
    expect(await text(m, '[data-weighting-own="BR02"]')).toBe(t('dash.weighting.ownShare', { share: fmt.pct(own.share), count: fmt.int(3) }));
    await m.close();
  });
});
