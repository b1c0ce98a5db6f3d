// The SKM report page (dashboard/src/pages/skm.ts) in Debian's chromium against the embedded stack after the real
// pipeline ran on the simulated network (./setup.ts): every figure on screen is read back from DynamoDB Local
// (summary items, IKM metric items, the ranking index) and formatted with createFormat in the page's language,
// Indonesian and English; the report prints on A4 without overflowing the page width; the exports download.
// Screenshots and the PDF go to test-artifacts/e2e/.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getItem, queryPartition } from '../../lambdas/aws/dynamo';
import type { MetricItem, SummaryItem } from '../../shared/assess/records';
import { createFormat, type Format } from '../../shared/i18n/format';
import { keys, unitPk, type Unit } from '../../shared/layout/keys';
import { round2 } from '../../shared/stats/ikm';
import { ARTIFACTS, NETWORK, startDashboardEnv, type DashboardEnv } from './setup';

// Page-side callbacks (page.evaluate) run in the browser; the project compiles without the DOM library.
declare const document: any, window: any;
type HTMLElement = { innerText: string };

let env: DashboardEnv;
let head: BrowserContext;

beforeAll(async () => {
  env = await startDashboardEnv();
  head = await login('head-office');
}, 240_000);

afterAll(async () => {
  await env?.stop();
}, 60_000);

const ID = createFormat('id'), EN = createFormat('en');
const YEAR = '2025';
const table = () => env.stack.names.table;
const summary = async (u: Unit, period: string) => (await getItem<SummaryItem>(env.stack.ddb, table(), keys.periodSummary(u, period)))!;
const ikmSeries = (u: Unit, kind: 'Q' | 'Y') => queryPartition<MetricItem>(env.stack.ddb, table(), unitPk(u), { skPrefix: keys.metricSeriesPrefix('IKM', kind) });
const ikmRanking = (period: string) => queryPartition<MetricItem>(env.stack.ddb, table(), keys.metricRanking('IKM', period), { index: 'gsi1', skPrefix: 'BRANCH#' });

async function login(user: string): Promise<BrowserContext> {
  const ctx = await env.browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await ctx.newPage();
  const r = await page.goto(`${env.server.url}/auth/dev-login?user=${encodeURIComponent(user)}&next=/%23/alerts`);
  expect(r?.ok()).toBe(true);
  await page.close();
  return ctx;
}

async function open(ctx: BrowserContext, hash: string): Promise<Page> {
  const p = await ctx.newPage();
  const errors: string[] = [];
  p.on('pageerror', (e) => errors.push(e.message));
  await p.goto(`${env.server.url}/${hash}`);
  await p.waitForFunction(() => !!document.querySelector('.page[data-ready="true"]'), null, { timeout: 20_000 });
  expect(errors).toEqual([]);
  return p;
}

/** Every row of a table as the cells' text (header cells included). */
const rows = (p: Page, id: string, part = 'tbody') =>
  p.$$eval(`#${id} ${part} tr`, (trs) => trs.map((t) => [...t.querySelectorAll('th, td')].map((c) => (c as HTMLElement).innerText.trim().replace(/\s+/g, ' '))));
const fact = (p: Page, key: string) => p.locator(`#skm-head-table tr[data-key="${key}"] td`).innerText();
const shot = (p: Page, name: string) => p.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

const ikm2 = (f: Format, v: number | null | undefined) => f.num(v, 2);
const ci2 = (f: Format, lo: number | null | undefined, hi: number | null | undefined) => f.t('common.range', { low: f.num(lo, 2), high: f.num(hi, 2) });

/** The report's figures of a unit and period against the stored summary, in one language. */
async function checkReport(
  p: Page, f: Format, s: SummaryItem,
  words: { unsur1: string; band: string; kinerja: string; male: string; occupationCaption: string; occupation: Record<string, string> },
) {
  const k = s.ikm!;
  expect(k, 'the pipeline stored the unit\'s IKM').toBeDefined();
  expect(await fact(p, 'ikm')).toBe(ikm2(f, k.ikmRounded));
  expect(await p.locator('.skm-ikm-value').innerText()).toBe(ikm2(f, k.ikmRounded));
  expect(await fact(p, 'ci')).toBe(ci2(f, k.ciLow, k.ciHigh));
  expect(await fact(p, 'moe')).toBe(`± ${ikm2(f, k.moe)}`);
  expect(await fact(p, 'band')).toBe(k.band);
  expect(await fact(p, 'kinerja')).toBe(words.kinerja);
  expect(await p.locator('.skm-ikm-band').innerText()).toBe(words.band);
  expect(await fact(p, 'n')).toBe(f.int(k.n));
  // unsur: code, name, answers, NRR (3 decimals), weighted NRR; then the sum and the IKM
  const unsur = await rows(p, 'skm-unsur-table');
  expect(unsur).toHaveLength(9);
  expect(unsur[0]![1]).toBe(words.unsur1);
  k.unsur.forEach((u, i) => expect(unsur[i]).toEqual([u.unsur, unsur[i]![1], f.int(u.n), f.num(u.nrr, 3), f.num(u.weighted, 3)]));
  const foot = await rows(p, 'skm-unsur-table', 'tfoot');
  expect(foot[0]!.at(-1)).toBe(f.num(k.ikm / 25, 3));
  expect(foot[1]!.at(-1)).toBe(ikm2(f, k.ikmRounded));
  // priorities: the stored ones, weakest first
  expect((await rows(p, 'skm-priorities-table')).map((r) => [r[0], r[2]])).toEqual(k.priorities.map((x) => [x.unsur, f.num(x.nrr, 3)]));
  // respondents by gender: counts and shares of the stored profile
  const gender = s.profile!.gender!;
  const total = Object.values(gender).reduce((a, b) => a + b, 0);
  const g = await rows(p, 'skm-profile-gender');
  expect(g).toContainEqual([words.male, f.int(gender.M), f.pct(gender.M! / total)]);
  for (const dim of ['education', 'age']) {
    const shown = await rows(p, `skm-profile-${dim}`);
    expect(shown.map((r) => r[1])).toEqual(expect.arrayContaining(Object.values(s.profile![dim]!).map((n) => f.int(n))));
  }
  // respondents by occupation (pekerjaan): every stored code, in the instrument's order, named in the page's
  // language, with its count and share; the total is every respondent's; the table comes after age
  const occupation = s.profile!.occupation!;
  expect(occupation, 'the pipeline stored the occupation counts').toBeDefined();
  const order = Object.keys(words.occupation);
  expect(order).toEqual(expect.arrayContaining(Object.keys(occupation)));
  const occupationTotal = Object.values(occupation).reduce((a, b) => a + b, 0);
  expect(occupationTotal).toBe(total);
  const codes = Object.keys(occupation).sort((a, b) => order.indexOf(a) - order.indexOf(b));
  expect(codes.length, 'the simulated network has every occupation').toBe(order.length);
  expect(await rows(p, 'skm-profile-occupation')).toEqual(codes.map((c) => [words.occupation[c], f.int(occupation[c]), f.pct(occupation[c]! / occupationTotal)]));
  expect((await rows(p, 'skm-profile-occupation', 'tfoot'))[0]!.slice(1)).toEqual([f.int(total), f.pct(1)]);
  expect(await p.locator('#skm-profile-occupation caption').innerText()).toBe(words.occupationCaption);
  const tables = await p.$$eval('#skm-profile table', (ts) => ts.map((x) => (x as { id: string }).id));
  expect(tables.slice(0, 4)).toEqual(['skm-profile-gender', 'skm-profile-education', 'skm-profile-age', 'skm-profile-occupation']);
}

/** The occupation codes in the instrument's order, in each language (as the catalogue words them). */
const OCCUPATION_ID = {
  PNS: 'PNS/ASN/TNI/POLRI', SWASTA: 'Pegawai swasta', BUMN: 'Pegawai BUMN/BUMD', WIRAUSAHA: 'Wiraswasta/pedagang',
  PETANI: 'Petani/nelayan/peternak', PENGEMUDI: 'Pengemudi/ojek/sopir', LAINNYA: 'Lainnya',
};
const OCCUPATION_EN = {
  PNS: 'Government employee (PNS/ASN/TNI/POLRI)', SWASTA: 'Private-sector employee', BUMN: 'State or regional enterprise employee (BUMN/BUMD)',
  WIRAUSAHA: 'Self-employed or trader', PETANI: 'Farmer, fisher or livestock keeper', PENGEMUDI: 'Driver or ojek rider', LAINNYA: 'Other',
};

describe('the SKM report of the network', () => {
  it('shows the stored IKM, unsur, respondents, priorities, trend and ranking, in Indonesian', async () => {
    const p = await open(head, `#/skm?year=${YEAR}&lang=id`);
    const s = await summary({ kind: 'network' }, YEAR);
    expect(await p.locator('h1').innerText()).toBe('Laporan Survei Kepuasan Masyarakat (SKM)');
    expect(await p.locator('#skm-subtitle').innerText()).toBe(`Nasional (seluruh kantor cabang), ${ID.period(YEAR)}`);
    const band = s.ikm!.band!;
    await checkReport(p, ID, s, {
      unsur1: 'Persyaratan', band: { A: 'A (Sangat Baik)', B: 'B (Baik)', C: 'C (Kurang Baik)', D: 'D (Tidak Baik)' }[band],
      kinerja: { A: 'Sangat Baik', B: 'Baik', C: 'Kurang Baik', D: 'Tidak Baik' }[band], male: 'Laki-laki',
      occupationCaption: 'Responden menurut pekerjaan', occupation: OCCUPATION_ID,
    });
    // trend: the network's annual IKM items with CI and grade; the chart draws the same values
    const series = (await ikmSeries({ kind: 'network' }, 'Y')).filter((m) => m.period <= YEAR);
    const trend = await rows(p, 'skm-trend-table');
    expect(trend.map((r) => r.slice(0, 4))).toEqual(series.map((m) => [ID.period(m.period), ikm2(ID, m.value), ci2(ID, m.ciLow, m.ciHigh), ID.int(m.n)]));
    const chart = (await p.evaluate(() => window.satmonCharts())).find((c: { kind: string }) => c.kind === 'skm-trend');
    expect(chart.datasets[2].data).toEqual(series.map((m) => m.value));
    expect(chart.datasets[0].data).toEqual(series.map((m) => m.ciHigh));
    // ranking: every branch's IKM item of the year (GSI1), highest first
    const ranked = (await ikmRanking(YEAR)).sort((a, b) => b.value! - a.value!);
    expect(ranked).toHaveLength(NETWORK.branches);
    const shown = await rows(p, 'skm-ranking-table');
    expect(shown.map((r) => [r[0], r[1]!.split(' ')[0], r[4], r[5]])).toEqual(ranked.map((m, i) => [
      ID.int(i + 1), String(m.pk).slice('BRANCH#'.length), ikm2(ID, round2(m.value!)), ci2(ID, m.ciLow, m.ciHigh),
    ]));
    expect(await p.locator('#skm-references').innerText()).toContain('Nomor 14 Tahun 2017');
    expect(await p.locator('#skm-profile').innerText()).toContain('Suryani dkk. (2024)');
    await shot(p, 'skm-network-id');
    await p.close();
  });

  it('reads the same figures in English', async () => {
    const p = await open(head, `#/skm?year=${YEAR}&lang=en`);
    const s = await summary({ kind: 'network' }, YEAR);
    const band = s.ikm!.band!;
    await checkReport(p, EN, s, {
      unsur1: 'Requirements', band: { A: 'A (Very good)', B: 'B (Good)', C: 'C (Below good)', D: 'D (Not good)' }[band],
      kinerja: { A: 'Very good', B: 'Good', C: 'Below good', D: 'Not good' }[band], male: 'Male',
      occupationCaption: 'Respondents by occupation', occupation: OCCUPATION_EN,
    });
    expect(await p.locator('#skm-references').innerText()).toContain('Suryani');
    await shot(p, 'skm-network-en');
    await p.close();
  });

  it('shows one branch in a quarter, chosen with the filters', async () => {
    const p = await open(head, `#/skm?year=${YEAR}&quarter=Q3&lang=en`);
    const before = await p.$('.page[data-ready="true"]');
    await p.selectOption('#f-unit', NETWORK.declining.branch);
    await p.waitForFunction((prev) => { const el = document.querySelector('.page[data-ready="true"]'); return !!el && el !== prev; }, before);
    const s = await summary({ kind: 'branch', id: NETWORK.declining.branch }, `${YEAR}-Q3`);
    expect(await p.locator('#skm-subtitle').innerText()).toContain(EN.period(`${YEAR}-Q3`));
    expect(await fact(p, 'ikm')).toBe(ikm2(EN, s.ikm!.ikmRounded));
    expect(await fact(p, 'ci')).toBe(ci2(EN, s.ikm!.ciLow, s.ikm!.ciHigh));
    const quarters = (await ikmSeries({ kind: 'branch', id: NETWORK.declining.branch }, 'Q')).filter((m) => m.period <= `${YEAR}-Q3`);
    expect((await rows(p, 'skm-trend-table')).map((r) => r[1])).toEqual(quarters.map((m) => ikm2(EN, m.value)));
    // the branch is marked in the network's ranking
    expect(await p.locator('#skm-ranking-table tr.selected').innerText()).toContain(NETWORK.declining.branch);
    await p.close();
  });
});

describe('a branch manager', () => {
  it('gets their own branch\'s report, and the ranking without other branches or positions', async () => {
    const mgr = await login(`manager:${NETWORK.declining.branch}`);
    const p = await open(mgr, `#/skm?year=${YEAR}&lang=en`);
    const s = await summary({ kind: 'branch', id: NETWORK.declining.branch }, YEAR);
    expect(await fact(p, 'ikm')).toBe(ikm2(EN, s.ikm!.ikmRounded));
    const ranking = await rows(p, 'skm-ranking-table');
    expect(ranking).toHaveLength(1);
    expect(ranking[0]![0]).toContain(NETWORK.declining.branch);
    expect(await p.$$eval('#skm-ranking-table thead th', (th) => th.map((x) => (x as HTMLElement).innerText))).not.toContain('Rank');
    expect(await p.locator('#skm-ranking').innerText()).toContain('Branch managers see their own branch only');
    await p.close();
    await mgr.close();
  });
});

describe('print and export', () => {
  it('prints on A4 with the report inside the page width', async () => {
    const p = await open(head, `#/skm?year=${YEAR}&lang=id`);
    await p.setViewportSize({ width: 794, height: 1123 }); // A4 at 96 dpi
    await p.emulateMedia({ media: 'print' });
    for (const sel of ['header.site', '.filters', '#skm-print', 'a[data-export="skm"]']) expect(await p.locator(sel).first().isVisible(), sel).toBe(false);
    expect(await p.locator('.print-brand').isVisible()).toBe(true);
    const widths = await p.evaluate(() => {
      const page = document.querySelector('.skm-report');
      const over = [...page.querySelectorAll('table, canvas, .skm-result')].filter((el: any) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5).length;
      return { scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth, page: page.scrollWidth, pageClient: page.clientWidth, over };
    });
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    expect(widths.page).toBeLessThanOrEqual(widths.pageClient);
    expect(widths.over).toBe(0);
    await shot(p, 'skm-print');
    const pdf = await p.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    writeFileSync(path.join(ARTIFACTS, 'skm-report.pdf'), pdf);
    const raw = pdf.toString('latin1');
    expect(raw).toMatch(/\/MediaBox\s*\[\s*0 0 59[45]\.\d+ 84[12]\.\d+\s*\]/); // A4 = 595 x 842 points
    expect(raw.match(/\/Type\s*\/Page[^s]/g)?.length ?? 0).toBeGreaterThanOrEqual(1);
    await p.close();
  });

  it('downloads the CSV, the Indonesian Excel CSV and the .xlsx', async () => {
    const p = await open(head, `#/skm?year=${YEAR}&lang=id`);
    const s = await summary({ kind: 'network' }, YEAR);
    const get = async (format: string) => {
      const [download] = await Promise.all([p.waitForEvent('download'), p.click(`a[data-export="skm"][data-format="${format}"]`)]);
      const file = path.join(ARTIFACTS, download.suggestedFilename());
      await download.saveAs(file);
      return { name: download.suggestedFilename(), body: readFileSync(file) };
    };
    const csv = await get('csv');
    expect(csv.name).toBe(`satmon-skm-network-${YEAR}-id.csv`);
    expect(csv.body.toString('utf8')).toContain(`IKM (25-100),${s.ikm!.ikmRounded}\r\n`);
    const excel = await get('excel-id');
    expect(excel.body.toString('utf8')).toContain(`IKM (25-100);${String(s.ikm!.ikmRounded).replace('.', ',')}\r\n`);
    const xlsx = await get('xlsx');
    expect(xlsx.name).toBe(`satmon-skm-network-${YEAR}-id.xlsx`);
    expect(xlsx.body.subarray(0, 2).toString('latin1')).toBe('PK');
    await p.close();
  });
});
