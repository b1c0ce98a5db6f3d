// The SKM report a unit publishes (Permenpan RB 14/2017): result (IKM with its CI and margin of error, mutu
// pelayanan, kinerja unit, weight rule, sample adequacy), NRR and weighted NRR per unsur, respondents by gender,
// education, age (Suryani et al. 2024, Tables 1-3) and whatever else the profile holds, improvement priorities, the
// IKM trend with its CI and the grade thresholds, and the branches ranked by IKM. Printable on A4 (what gets
// published; print rules at the end of styles.css) and exportable as CSV, Indonesian Excel CSV and .xlsx.
import { Chart, type ChartConfiguration, type Plugin } from 'chart.js';
import {
  bandName, categoryName, dimensionName, kinerjaName, skmUnitName, unsurName,
  type SkmFigures, type SkmProfileTable, type SkmRankRow, type SkmResponse, type SkmTrendPoint,
} from '../../../shared/api/skm-types';
import type { MeResponse } from '../../../shared/api/types';
import { INTL_TAG } from '../../../shared/i18n/locale';
import { WHY_KEY } from '../../../shared/i18n/messages/skm';
import { apiUrl, get } from '../api';
import { COLORS } from '../charts';
import { h } from '../dom';
import { filterBar } from '../filters';
import { fmtInt, fmtPct, fmtPeriod } from '../format';
import { fmt, locale, t } from '../i18n';
import { selectedPeriod } from '../state';
import { downloadButton, note, section, table } from '../table';
import { errorBox, withheldMark, withheldNote } from '../ui';

type Num = number | null | undefined;
/** IKM as published: two decimals. */
const ikmText = (v: Num) => fmt().num(v, 2);
/** NRR and weighted NRR: three decimals. */
const nrrText = (v: Num) => fmt().num(v, 3);
const ciText = (lo: Num, hi: Num) => (lo === null || lo === undefined || hi === null || hi === undefined ? '–' : t('common.range', { low: ikmText(lo), high: ikmText(hi) }));

export async function renderSkm(root: HTMLElement, me: MeResponse, params: URLSearchParams, go: (p: URLSearchParams) => void): Promise<void> {
  const period = selectedPeriod(me, params);
  const region = params.get('region') ?? undefined;
  // A manager's report is their own branch unless they pick the network or a region ('branch=' empty: '-').
  const branchParam = params.get('branch');
  const branch = branchParam === '-' ? undefined : branchParam ?? (me.user.role === 'branch-manager' ? me.user.branch : undefined);
  const bar = filterBar(me, params, { year: true, quarter: true, region: true }, go);
  bar.append(unitSelect(me, params, region, branch, go));
  if (!period) {
    root.append(h('h1', {}, t('skm.title')), bar, note(t('skm.noPeriods')));
    return;
  }
  const query = { period, ...(branch ? { branch } : region ? { region } : {}) };
  let v: SkmResponse;
  try {
    v = await get<SkmResponse>('skm', query);
  } catch (e) {
    root.append(h('h1', {}, t('skm.title')), bar, errorBox(e));
    return;
  }
  const unit = skmUnitName(t, v.unit);
  root.classList.add('skm-report');
  root.append(
    h('header', { class: 'page-head' },
      h('p', { class: 'print-only print-brand' }, t('skm.printBrand')),
      h('h1', {}, t('skm.title')),
      h('p', { class: 'subtitle', id: 'skm-subtitle' }, t('skm.subtitle', { unit, period: fmtPeriod(v.period) })),
      h('p', { class: 'print-only' }, t('skm.printed', { date: fmt().date(new Date().toISOString(), Intl.DateTimeFormat().resolvedOptions().timeZone) }))),
    bar,
    h('div', { class: 'toolbar skm-actions no-print' },
      h('button', { type: 'button', class: 'btn', id: 'skm-print', onclick: () => window.print() }, t('skm.action.print')),
      exportLinks(query)),
  );
  root.append(headSection(v, unit));
  if (v.ikm) {
    root.append(unsurSection(v, v.ikm));
    root.append(prioritiesSection(v.ikm));
  }
  root.append(profileSection(v, unit));
  root.append(trendSection(v, unit));
  root.append(rankingSection(v));
  root.append(referencesSection());
}

/** Unit within the filters: the whole network or region, or one of the branches the user may read. */
function unitSelect(me: MeResponse, params: URLSearchParams, region: string | undefined, branch: string | undefined, go: (p: URLSearchParams) => void): HTMLElement {
  const branches = me.branches.filter((b) => !region || b.region === region);
  const sel = h('select', { id: 'f-unit', name: 'f-unit' },
    h('option', { value: '-', selected: !branch }, t('skm.filter.whole')),
    branches.map((b) => h('option', { value: b.id, selected: b.id === branch }, `${b.id} ${b.name}`)));
  sel.addEventListener('change', () => {
    const p = new URLSearchParams(params);
    p.set('branch', sel.value);
    go(p);
  });
  return h('div', { class: 'filter' }, h('label', { for: 'f-unit' }, t('skm.filter.unit')), sel);
}

/** Download links for the report's files; with a Bearer token (AWS) fetched and saved, locally plain links. */
function exportLinks(query: Record<string, string>): HTMLElement {
  const q = { ...query, lang: locale() };
  const link = (format: string, label: string) => {
    const href = apiUrl('skm/export', { ...q, format });
    return downloadButton(href, label, { 'data-export': 'skm', 'data-format': format }, '*/*', `skm.${format === 'xlsx' ? 'xlsx' : 'csv'}`,
      (status) => t('skm.export.failed', { label, status }));
  };
  return h('span', { class: 'export-links' }, link('csv', t('skm.export.csv')), link('excel-id', t('skm.export.excelId')), link('xlsx', t('skm.export.xlsx')));
}

function sampleText(k: SkmFigures): string {
  const s = k.sample;
  if (!s) return t('skm.sample.unknown');
  const p = { n: fmtInt(s.n), required: fmtInt(s.required), population: fmtInt(s.population), missing: fmtInt(s.required - s.n) };
  return s.enough ? t('skm.sample.enough', p) : t('skm.sample.short', p);
}

function headSection(v: SkmResponse, unit: string): HTMLElement {
  const k = v.ikm;
  if (!k) {
    return section('skm-head', t('skm.head.title'),
      v.withheld.ikm ? withheldNote('ikm', [[t('skm.withheld.figures', { unit }), v.withheld.ikm]]) : note(v.n === null ? t('skm.noData') : t('skm.noIkm')));
  }
  const rule = k.weights === 'exact'
    ? t('skm.weights.exact', { k: k.unsur.length, value: fmt().num(k.weight, 4) })
    : t('skm.weights.regulation', { k: k.unsur.length, value: fmt().num(k.weight, 3) });
  const rows: [string, string, string][] = [
    ['ikm', t('skm.head.ikm'), ikmText(k.ikmRounded)],
    ['ci', t('ikm.col.ci'), ciText(k.ciLow, k.ciHigh)],
    ['moe', t('skm.head.moe'), `± ${ikmText(k.moe)}`],
    ['band', t('ikm.col.band'), k.band ?? '–'],
    ['kinerja', t('skm.head.kinerja'), kinerjaName(t, k.band)],
    ['n', t('skm.head.n'), fmtInt(k.n)],
    ['weights', t('skm.head.weights'), rule],
    ['sample', t('skm.head.sample'), sampleText(k)],
  ];
  return section('skm-head', t('skm.head.title'),
    h('div', { class: 'skm-result' },
      h('div', { class: 'skm-ikm', 'data-band': k.band ?? '' },
        h('div', { class: 'skm-ikm-label' }, t('skm.head.ikm')),
        h('div', { class: 'skm-ikm-value', 'data-value': k.ikmRounded ?? '' }, ikmText(k.ikmRounded)),
        h('div', { class: 'skm-ikm-band' }, bandName(t, k.band))),
      h('table', { id: 'skm-head-table', class: 'skm-facts', 'data-table': 'skm-head-table' },
        h('tbody', {}, rows.map(([key, label, value]) => h('tr', { 'data-key': key }, h('th', { scope: 'row' }, label), h('td', {}, value)))))),
    k.sample && !k.sample.enough ? note(sampleText(k), 'note warn') : null,
  );
}

function unsurSection(v: SkmResponse, k: SkmFigures): HTMLElement {
  type Row = SkmFigures['unsur'][number];
  const sum = k.ikm === null ? null : k.ikm / 25;
  const foot = [
    { unsur: '', label: t('skm.row.total'), n: null, nrr: null, weighted: sum, digits: 3 },
    { unsur: '', label: t('skm.row.ikm'), n: null, nrr: null, weighted: k.ikmRounded, digits: 2 },
  ];
  type R = Row & { label?: string; digits?: number };
  return section('skm-unsur', t('skm.unsur.title'),
    table<R>({
      id: 'skm-unsur-table',
      caption: t('skm.unsur.caption', { period: fmtPeriod(v.period) }),
      cols: [
        { head: t('skm.col.code'), cell: (r) => r.unsur || (r.label ?? ''), rowHeader: true },
        { head: t('skm.col.unsur'), cell: (r) => (r.unsur ? unsurName(t, r.unsur) : '') },
        { head: t('skm.col.answers'), cell: (r) => (r.n === null ? '' : fmtInt(r.n)), num: true },
        { head: t('skm.col.nrr'), cell: (r) => (r.unsur ? nrrText(r.nrr) : ''), num: true },
        { head: t('skm.col.weighted'), cell: (r) => fmt().num(r.weighted, r.digits ?? 3), num: true },
      ],
      rows: k.unsur,
      foot: foot as unknown as R[],
    }),
    note(t('skm.method'), 'note small'),
  );
}

function prioritiesSection(k: SkmFigures): HTMLElement {
  const cutoff = k.band === 'C' || k.band === 'D' ? 2.5 : 3;
  type P = SkmFigures['priorities'][number];
  return section('skm-priorities', t('skm.priorities.title'),
    table<P>({
      id: 'skm-priorities-table',
      caption: t('skm.priorities.caption'),
      cols: [
        { head: t('skm.col.code'), cell: (r) => r.unsur, rowHeader: true },
        { head: t('skm.col.unsur'), cell: (r) => unsurName(t, r.unsur) },
        { head: t('skm.col.nrr'), cell: (r) => nrrText(r.nrr), num: true },
        { head: t('skm.col.reason'), cell: (r) => (r.why === 'lowest' ? t(WHY_KEY.lowest) : t(WHY_KEY['below-cutoff'], { cutoff: fmt().num(cutoff, 2) })) },
      ],
      rows: k.priorities,
      empty: t('skm.priorities.none'),
    }),
    note(t('skm.priorities.note', { cutoff: fmt().num(3, 2), cutoffCd: fmt().num(2.5, 2) }), 'note small'),
  );
}

function profileSection(v: SkmResponse, unit: string): HTMLElement {
  if (v.withheld.ikm) return section('skm-profile', t('skm.profile.title'), withheldNote('ikm', [[t('skm.withheld.figures', { unit }), v.withheld.ikm]]));
  if (!v.profile.length) return section('skm-profile', t('skm.profile.title'), note(t('skm.profile.none')));
  const anyWithheld = Object.keys(v.withheld).some((x) => x.startsWith('profile.'));
  return section('skm-profile', t('skm.profile.title'),
    h('div', { class: 'skm-profile-grid' }, v.profile.map((p) => profileTable(v, p))),
    anyWithheld ? withheldNote('profile', [[t('skm.withheld.cells', { unit }), Object.entries(v.withheld).find(([x]) => x.startsWith('profile.'))![1]]], 'note small withheld') : null,
    note(t('skm.profile.note', { cite: t('common.cite.suryani') }), 'note small'),
  );
}

function profileTable(v: SkmResponse, p: SkmProfileTable): HTMLElement {
  type R = SkmProfileTable['rows'][number] & { total?: boolean };
  const why = (r: R) => v.withheld[`profile.${p.dimension}.${r.code}`];
  return table<R>({
    id: `skm-profile-${p.dimension}`,
    caption: t('skm.profile.caption', { dimension: dimensionName(t, p.dimension) }),
    cols: [
      { head: t('skm.col.category'), cell: (r) => (r.total ? t('skm.profile.total') : categoryName(t, p.dimension, r.code)), rowHeader: true },
      { head: t('skm.col.count'), cell: (r) => (why(r) ? withheldMark(why(r)!) : fmtInt(r.n)), num: true },
      { head: t('skm.col.share'), cell: (r) => (why(r) ? '' : fmtPct(r.share)), num: true },
    ],
    rows: p.rows,
    foot: [{ code: '', n: p.total, share: p.total > 0 ? 1 : null, total: true }],
  });
}

/** Dashed horizontal lines at the grade floors, labelled "B mulai 76,61". */
function floorLines(bands: SkmResponse['bands']): Plugin {
  return {
    id: 'skmFloors',
    afterDatasetsDraw(chart) {
      const y = chart.scales.y;
      if (!y) return;
      const { ctx, chartArea: a } = chart;
      ctx.save();
      ctx.font = '11px system-ui, sans-serif';
      for (const b of bands) {
        if (b.floor < y.min || b.floor > y.max) continue;
        const py = y.getPixelForValue(b.floor);
        ctx.strokeStyle = COLORS.limitInner;
        ctx.setLineDash([5, 4]);
        ctx.lineWidth = 1;
        ctx.beginPath();
        ctx.moveTo(a.left, py);
        ctx.lineTo(a.right, py);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = COLORS.limitInner;
        const label = t('skm.chart.floor', { band: b.band, value: ikmText(b.floor) });
        ctx.fillText(label, a.right - ctx.measureText(label).width - 4, py - 3);
      }
      ctx.restore();
    },
  };
}

function trendChart(v: SkmResponse, unit: string): HTMLElement {
  const pts = v.trend;
  const last = pts.at(-1);
  const label = last
    ? t('skm.trend.alt', { unit, value: ikmText(last.value), period: fmtPeriod(last.period), ci: ciText(last.ciLow, last.ciHigh), count: pts.length })
    : t('skm.trend.altEmpty', { unit });
  const canvas = h('canvas', { role: 'img', 'aria-label': label, 'data-chart': 'skm-trend' });
  canvas.textContent = label;
  const box = h('div', { class: 'chart chart-skm-trend' }, canvas);
  const values = pts.flatMap((p) => [p.ciLow, p.ciHigh, p.value]).filter((x): x is number => x !== null);
  // Show the floors around the data: the nearest one below and above it, within 25-100.
  const lo = Math.min(...values, ...v.bands.map((b) => b.floor).filter((f) => f <= Math.min(...values)).slice(0, 1));
  const hi = Math.max(...values, ...v.bands.map((b) => b.floor).filter((f) => f >= Math.max(...values)).slice(-1));
  const config: ChartConfiguration<'line'> = {
    type: 'line',
    data: {
      labels: pts.map((p) => fmtPeriod(p.period)),
      datasets: [
        { label: t('skm.chart.ciHigh'), data: pts.map((p) => p.ciHigh), borderWidth: 0, pointRadius: 0, fill: '+1', backgroundColor: COLORS.band },
        { label: t('skm.chart.ciLow'), data: pts.map((p) => p.ciLow), borderWidth: 0, pointRadius: 0, fill: false },
        { label: t('skm.chart.ikm'), data: pts.map((p) => p.value), borderColor: COLORS.branch, backgroundColor: COLORS.branch, borderWidth: 2.5, pointRadius: 3 },
      ],
    },
    options: {
      responsive: true, maintainAspectRatio: false, locale: INTL_TAG[locale()],
      plugins: {
        legend: { labels: { filter: (item) => (item.datasetIndex ?? 0) > 1, boxWidth: 18 } },
        tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${ikmText(c.parsed.y)}` } },
      },
      scales: {
        y: { min: Math.max(25, Math.floor(lo - 1)), max: Math.min(100, Math.ceil(hi + 1)), title: { display: true, text: t('skm.col.ikm') }, grid: { color: COLORS.grid } },
        x: { grid: { display: false } },
      },
    },
    plugins: [floorLines(v.bands)],
  };
  new Chart(canvas, config as ChartConfiguration);
  return box;
}

function trendSection(v: SkmResponse, unit: string): HTMLElement {
  const withheldPeriods = Object.entries(v.withheld).filter(([x]) => x.startsWith('trend.'));
  const kind = v.kind === 'year' ? t('skm.trend.years') : t('skm.trend.quarters');
  return section('skm-trend', t('skm.trend.title'),
    v.trend.length
      ? h('figure', {}, trendChart(v, unit)) // the table below carries the caption (and the figures)
      : null,
    table<SkmTrendPoint>({
      id: 'skm-trend-table',
      caption: t('skm.trend.caption', { unit, kind }),
      cols: [
        { head: t('ikm.col.period'), cell: (r) => fmtPeriod(r.period), rowHeader: true },
        { head: t('skm.col.ikm'), cell: (r) => ikmText(r.value), num: true },
        { head: t('ikm.col.ci'), cell: (r) => ciText(r.ciLow, r.ciHigh), num: true },
        { head: 'n', cell: (r) => fmtInt(r.n), num: true },
        { head: t('ikm.col.band'), cell: (r) => bandName(t, r.band) },
      ],
      rows: v.trend,
      empty: t('skm.trend.none'),
    }),
    withheldPeriods.length
      ? withheldNote('trend', [[t('skm.withheld.trend', { unit, periods: withheldPeriods.map(([x]) => fmtPeriod(x.slice('trend.'.length))).join(', ') }), withheldPeriods[0]![1]]], 'note small withheld')
      : null,
  );
}

function rankingSection(v: SkmResponse): HTMLElement {
  const scope = v.unit.kind === 'region' ? t('skm.unit.region', { region: v.unit.id ?? '' }) : t('skm.unit.network');
  const own = v.unit.kind === 'branch' ? v.unit.id : undefined;
  return section('skm-ranking', t('skm.ranking.title', { period: fmtPeriod(v.period) }),
    table<SkmRankRow>({
      id: 'skm-ranking-table',
      caption: t('skm.ranking.caption', { scope }),
      cols: [
        ...(v.rankingOwnOnly ? [] : [{ head: t('skm.col.rank'), cell: (r: SkmRankRow) => fmtInt(r.rank), num: true }]),
        { head: t('skm.col.branch'), cell: (r) => h('span', {}, r.branch, ' ', h('span', { class: 'branch-name' }, r.name)), rowHeader: true },
        { head: t('skm.col.region'), cell: (r) => r.region },
        { head: 'n', cell: (r) => fmtInt(r.n), num: true },
        { head: t('skm.col.ikm'), cell: (r) => ikmText(r.ikmRounded), num: true },
        { head: t('ikm.col.ci'), cell: (r) => ciText(r.ciLow, r.ciHigh), num: true },
        { head: t('ikm.col.band'), cell: (r) => r.band ?? '–' },
        { head: t('skm.col.kinerja'), cell: (r) => kinerjaName(t, r.band) },
      ],
      rows: v.ranking,
      rowClass: (r) => (r.branch === own ? 'selected' : undefined),
      empty: t('skm.ranking.empty'),
    }),
    v.rankingOwnOnly ? note(t('skm.ranking.ownOnly'), 'note small') : null,
    v.missingBranches.length ? note(t('skm.ranking.missing', { branches: v.missingBranches.join(', ') }), 'note small') : null,
  );
}

function referencesSection(): HTMLElement {
  return section('skm-references', t('skm.refs.title'),
    h('ul', { class: 'references' },
      h('li', {}, t('common.ref.permenpan')),
      h('li', {}, t('common.ref.suryani'))),
    note(t('skm.refs.profileNote', { cite: t('common.cite.suryani') }), 'note small'));
}
