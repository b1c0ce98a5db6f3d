// Charts with Chart.js (canvas). Only what is drawn is registered, so the bundle carries only that. Every chart
// has a text alternative (aria-label) and a data table next to it on the page; the figures a chart draws can be
// read back by tests through Chart.getChart(canvas).
import {
  BarController, BarElement, CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement,
  PointElement, ScatterController, Tooltip, type ChartConfiguration, type Plugin,
} from 'chart.js';
import { FUNNEL_Z, funnelCurve } from '../../shared/api/funnel';
import type { SeriesPoint } from '../../shared/api/types';
import { INTL_TAG } from '../../shared/i18n/locale';
import { h } from './dom';
import { fmtCi, fmtCoef, fmtIndex, fmtInt, fmtPeriod } from './format';
import { locale, t } from './i18n';

Chart.register(BarController, BarElement, CategoryScale, Filler, Legend, LinearScale, LineController, LineElement, PointElement, ScatterController, Tooltip);
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
Chart.defaults.color = '#222';
Chart.defaults.animation = false; // instant, and stable screenshots

export const COLORS = {
  branch: '#1f5fa8',
  band: 'rgba(31, 95, 168, 0.18)',
  network: '#444444',
  region: '#8a5a00',
  alert: '#b3261e',
  good: '#1b7a3d',
  grid: '#dddddd',
  limitInner: '#7a7a7a',
  limitOuter: '#b3261e',
};

/** A canvas in a sized box; returns the box (for the page) and the chart. `kind` names the chart for tests. */
function canvasBox(kind: string, label: string, className = 'chart'): { box: HTMLElement; canvas: HTMLCanvasElement } {
  const canvas = h('canvas', { role: 'img', 'aria-label': label, 'data-chart': kind });
  canvas.textContent = label;
  return { box: h('div', { class: className }, canvas), canvas };
}

function make(canvas: HTMLCanvasElement, config: ChartConfiguration): Chart {
  // Chart.js writes tick numbers with Intl in this locale (72,5 / 72.5); labels and tooltips are ours.
  return new Chart(canvas, { ...config, options: { responsive: true, maintainAspectRatio: false, locale: INTL_TAG[locale()], ...config.options } } as ChartConfiguration);
}

/** Charts resize to the print layout before printing (A4), and back after. */
export function installPrintResize(): void {
  const resize = () => {
    for (const c of Object.values(Chart.instances)) c.resize();
  };
  window.addEventListener('beforeprint', resize);
  window.addEventListener('afterprint', resize);
}

/** What every chart on the page draws (its text alternative and datasets), for tests and debugging. */
(window as unknown as { satmonCharts: () => unknown }).satmonCharts = () => Object.values(Chart.instances).map((c) => ({
  label: c.canvas.getAttribute('aria-label'),
  kind: c.canvas.getAttribute('data-chart'),
  locale: c.options.locale ?? null,
  section: c.canvas.closest('section')?.id ?? null,
  metric: c.canvas.closest('[data-metric]')?.getAttribute('data-metric') ?? null,
  labels: c.data.labels ?? [],
  datasets: c.data.datasets.map((d) => ({ label: d.label, data: d.data })),
}));

export function destroyCharts(root: Element): void {
  for (const canvas of root.querySelectorAll('canvas')) Chart.getChart(canvas)?.destroy();
}

/** A vertical or horizontal reference line at a value of a scale, with a label. */
function referenceLine(id: string, axis: 'x' | 'y', value: number | null, label: string, color: string): Plugin {
  return {
    id,
    afterDatasetsDraw(chart) {
      if (value === null) return;
      const scale = chart.scales[axis];
      if (!scale) return;
      const { ctx, chartArea: a } = chart;
      const px = scale.getPixelForValue(value);
      ctx.save();
      ctx.strokeStyle = color;
      ctx.setLineDash([6, 4]);
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      if (axis === 'x') { ctx.moveTo(px, a.top); ctx.lineTo(px, a.bottom); } else { ctx.moveTo(a.left, px); ctx.lineTo(a.right, px); }
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = color;
      ctx.font = '12px system-ui, sans-serif';
      if (axis === 'x') ctx.fillText(label, Math.min(px + 4, a.right - ctx.measureText(label).width), a.top + 12);
      else ctx.fillText(label, a.left + 4, px - 4);
      ctx.restore();
    },
  };
}

/** Trend of one index: the branch with its CI band, the network (and region) for comparison. */
export function trendChart(title: string, branch: SeriesPoint[], network: SeriesPoint[], region: SeriesPoint[], regionLabel: string | null, periods: string[]): HTMLElement {
  const at = (s: SeriesPoint[], p: string) => s.find((x) => x.period === p);
  const last = branch.at(-1);
  const label = last
    ? t('dash.chart.trendAlt', { title, value: fmtIndex(last.value), period: fmtPeriod(last.period), ci: fmtCi(last.ciLow, last.ciHigh), count: branch.length })
    : t('dash.chart.trendAltEmpty', { title });
  const { box, canvas } = canvasBox('trend', label, 'chart chart-trend');
  const datasets: ChartConfiguration<'line'>['data']['datasets'] = [
    { label: t('dash.chart.ciHigh'), data: periods.map((p) => at(branch, p)?.ciHigh ?? null), borderWidth: 0, pointRadius: 0, fill: '+1', backgroundColor: COLORS.band },
    { label: t('dash.chart.ciLow'), data: periods.map((p) => at(branch, p)?.ciLow ?? null), borderWidth: 0, pointRadius: 0, fill: false },
    { label: t('dash.chart.branch'), data: periods.map((p) => at(branch, p)?.value ?? null), borderColor: COLORS.branch, backgroundColor: COLORS.branch, borderWidth: 2.5, pointRadius: 3 },
    { label: t('dash.chart.network'), data: periods.map((p) => at(network, p)?.value ?? null), borderColor: COLORS.network, backgroundColor: COLORS.network, borderDash: [6, 4], borderWidth: 1.5, pointRadius: 0 },
  ];
  if (regionLabel && region.length) {
    datasets.push({ label: regionLabel, data: periods.map((p) => at(region, p)?.value ?? null), borderColor: COLORS.region, backgroundColor: COLORS.region, borderDash: [2, 3], borderWidth: 1.5, pointRadius: 0 });
  }
  make(canvas, {
    type: 'line',
    data: { labels: periods.map(fmtPeriod), datasets },
    options: {
      plugins: {
        // The CI band's two edges are not lines of their own.
        legend: { labels: { filter: (item) => (item.datasetIndex ?? 0) > 1, boxWidth: 18 } },
        tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${fmtIndex(c.parsed.y)}` } },
      },
      scales: { y: { title: { display: true, text: t('dash.chart.indexAxis') }, grid: { color: COLORS.grid } }, x: { grid: { display: false } } },
    },
  });
  return box;
}

export interface RankPoint { id: string; label: string; value: number; low: number; high: number; n: number; flagged: boolean }

/** Branches ranked with their 95% CIs as horizontal bars and the scope value as a dashed line. */
export function ciBarChart(title: string, points: RankPoint[], centre: number | null, centreLabel: string): HTMLElement {
  const label = t('dash.chart.rankAlt', { title, count: points.length, centre: centreLabel, value: fmtIndex(centre) });
  const { box, canvas } = canvasBox('rank', label, 'chart chart-rank');
  box.style.height = `${Math.max(160, 28 * points.length + 60)}px`;
  const lo = Math.min(...points.map((p) => p.low), centre ?? Infinity);
  const hi = Math.max(...points.map((p) => p.high), centre ?? -Infinity);
  make(canvas, {
    type: 'bar',
    data: {
      labels: points.map((p) => p.label),
      datasets: [
        {
          type: 'bar', label: t('dash.chart.ci'), data: points.map((p) => [p.low, p.high]) as unknown as number[],
          backgroundColor: points.map((p) => (p.flagged ? 'rgba(179, 38, 30, 0.35)' : 'rgba(31, 95, 168, 0.3)')),
          borderColor: points.map((p) => (p.flagged ? COLORS.alert : COLORS.branch)), borderWidth: 1, barPercentage: 0.5, categoryPercentage: 1,
        },
        {
          type: 'line', label: t('dash.chart.index'), data: points.map((p) => p.value), showLine: false, pointRadius: 4, pointStyle: 'rectRot',
          backgroundColor: points.map((p) => (p.flagged ? COLORS.alert : COLORS.branch)), borderColor: '#fff', borderWidth: 1,
        },
      ],
    },
    options: {
      indexAxis: 'y',
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: (c) => { const p = points[c.dataIndex]!; return t('dash.chart.rankTip', { value: fmtIndex(p.value), ci: fmtCi(p.low, p.high), n: fmtInt(p.n) }); } } },
      },
      scales: {
        x: { min: Math.floor(lo - 2), max: Math.ceil(hi + 2), title: { display: true, text: t('dash.chart.indexAxis') }, grid: { color: COLORS.grid } },
        y: { grid: { display: false } },
      },
    },
    plugins: [referenceLine('centre', 'x', centre, centreLabel, COLORS.network)],
  });
  return box;
}

/** Funnel plot: each branch's index against its n, with 95% and 99.8% limits around the scope value. */
export function funnelChart(title: string, points: RankPoint[], centre: number, sigma: number, centreLabel: string): HTMLElement {
  const ns = points.map((p) => p.n);
  const nMin = Math.max(10, Math.min(...ns) * 0.4), nMax = Math.max(...ns) * 1.2;
  const inner = funnelCurve(centre, sigma, nMin, nMax, FUNNEL_Z.inner);
  const outer = funnelCurve(centre, sigma, nMin, nMax, FUNNEL_Z.outer);
  const outside = points.filter((p) => p.flagged).length;
  const label = t('dash.chart.funnelAlt', { title, count: points.length, below: outside, centre: centreLabel, value: fmtIndex(centre) });
  const { box, canvas } = canvasBox('funnel', label, 'chart chart-funnel');
  const line = (data: { x: number; y: number }[], lbl: string, color: string, dash: number[]) =>
    ({ type: 'line' as const, label: lbl, data, borderColor: color, backgroundColor: color, borderDash: dash, borderWidth: 1.2, pointRadius: 0, showLine: true, fill: false });
  make(canvas, {
    type: 'scatter',
    data: {
      datasets: [
        { type: 'scatter', label: t('dash.chart.branches'), data: points.map((p) => ({ x: p.n, y: p.value })), pointRadius: 5,
          backgroundColor: points.map((p) => (p.flagged ? COLORS.alert : COLORS.branch)) },
        line(inner.map((c) => ({ x: c.n, y: c.high })), t('dash.chart.limits95'), COLORS.limitInner, [5, 4]),
        line(inner.map((c) => ({ x: c.n, y: c.low })), t('dash.chart.limits95'), COLORS.limitInner, [5, 4]),
        line(outer.map((c) => ({ x: c.n, y: c.high })), t('dash.chart.limits998'), COLORS.limitOuter, [2, 3]),
        line(outer.map((c) => ({ x: c.n, y: c.low })), t('dash.chart.limits998'), COLORS.limitOuter, [2, 3]),
      ],
    },
    options: {
      plugins: {
        // The lower limit lines (datasets 2 and 4) share their upper twins' legend entries.
        legend: { labels: { filter: (i) => i.datasetIndex !== 2 && i.datasetIndex !== 4, boxWidth: 18 } },
        tooltip: { filter: (c) => c.datasetIndex === 0, callbacks: { label: (c) => { const p = points[c.dataIndex]!; return `${p.label}: ${fmtIndex(p.value)}, n=${fmtInt(p.n)}`; } } },
      },
      scales: {
        x: { type: 'linear', min: Math.floor(nMin), max: Math.ceil(nMax), title: { display: true, text: t('dash.chart.respondentsAxis') }, grid: { color: COLORS.grid } },
        y: { title: { display: true, text: t('dash.chart.indexAxis') }, grid: { color: COLORS.grid } },
      },
    },
    plugins: [referenceLine('centre', 'y', centre, centreLabel, COLORS.network)],
  });
  return box;
}

export interface IpmaPoint { construct: string; label: string; importance: number; performance: number }

/** Importance-performance map: importance (total effect) across, performance (0-100) up, with mean lines. */
export function ipmaChart(title: string, points: IpmaPoint[]): HTMLElement {
  const mImp = points.reduce((s, p) => s + p.importance, 0) / points.length;
  const mPerf = points.reduce((s, p) => s + p.performance, 0) / points.length;
  const label = `${title}: ${points.map((p) => t('dash.chart.ipmaPoint', { name: p.label, importance: fmtCoef(p.importance, 2), performance: fmtIndex(p.performance) })).join('; ')}.`;
  const { box, canvas } = canvasBox('ipma', label, 'chart chart-ipma');
  const labels: Plugin = {
    id: 'pointLabels',
    afterDatasetsDraw(chart) {
      const { ctx } = chart;
      const meta = chart.getDatasetMeta(0);
      ctx.save();
      ctx.font = '600 12px system-ui, sans-serif';
      ctx.fillStyle = '#222';
      meta.data.forEach((el, i) => ctx.fillText(points[i]!.construct, el.x + 7, el.y - 6));
      ctx.restore();
    },
  };
  const xs = points.map((p) => p.importance), ys = points.map((p) => p.performance);
  make(canvas, {
    type: 'scatter',
    data: { datasets: [{ label: t('dash.chart.drivers'), data: points.map((p) => ({ x: p.importance, y: p.performance })), pointRadius: 6,
      backgroundColor: points.map((p) => (p.importance >= mImp && p.performance < mPerf ? COLORS.alert : COLORS.branch)) }] },
    options: {
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: (c) => { const p = points[c.dataIndex]!; return t('dash.chart.ipmaPoint', { name: p.label, importance: fmtCoef(p.importance), performance: fmtIndex(p.performance) }); } } },
      },
      scales: {
        x: { min: Math.max(0, Math.floor((Math.min(...xs) - 0.03) * 20) / 20), max: Math.ceil((Math.max(...xs) + 0.06) * 20) / 20, title: { display: true, text: t('dash.chart.importanceAxis') }, grid: { color: COLORS.grid } },
        y: { min: Math.floor(Math.min(...ys) - 3), max: Math.ceil(Math.max(...ys) + 3), title: { display: true, text: t('dash.chart.performanceAxis') }, grid: { color: COLORS.grid } },
      },
    },
    plugins: [labels, referenceLine('meanImp', 'x', mImp, t('dash.chart.meanImportance'), COLORS.limitInner), referenceLine('meanPerf', 'y', mPerf, t('dash.chart.meanPerformance'), COLORS.limitInner)],
  });
  return box;
}
