// The annual (or quarterly) report: the network's indices with CIs and year-over-year change, every branch
// ranked with n and margin of error (CI bars and a funnel plot), the per-branch x programme table (Rufani et al.
// 2023, Table 1), the structural model (Suryani et al. 2024, Table 6 and Figure 1), its measurement quality, and
// the references.
import { funnelZone } from '../../../shared/api/funnel';
import { METRICS, type MeResponse, type ModelView, type OverviewResponse, type RankingRow, type Share } from '../../../shared/api/types';
import { get } from '../api';
import { ciBarChart, funnelChart, type RankPoint } from '../charts';
import { h } from '../dom';
import { filterBar, segmentName } from '../filters';
import { fmtCi, fmtCoef, fmtCoefCi, fmtIndex, fmtInt, fmtP, fmtPct, fmtPeriod, stars } from '../format';
import { fmt, t } from '../i18n';
import { modelDiagram } from '../model-diagram';
import { href, selectedPeriod } from '../state';
import { exportLink, note, section, table, toolbar } from '../table';
import {
  branchLink, changeCell, errorBox, label, metricCard, nEffCell, reasonText, watchBadge, weightingLine, weightingMembers, withheldMark, withheldNote,
} from '../ui';

const SMALL_N = 50;

/** The funnel plot's zones in words (a literal map: the catalogue test sees the keys). */
const ZONE_KEY = {
  'above-outer': 'dash.funnel.aboveOuter', 'above-inner': 'dash.funnel.aboveInner', inside: 'dash.funnel.inside',
  'below-inner': 'dash.funnel.belowInner', 'below-outer': 'dash.funnel.belowOuter',
} as const;

/** The scope's name as a label ("Network" / "Region SUMUT") and inside a sentence ("the network" / "region SUMUT"). */
const scopeLabel = (o: OverviewResponse) => (o.scope.region ? t('dash.scope.region', { region: o.scope.region }) : t('dash.scope.network'));
const scopeName = (o: OverviewResponse) => (o.scope.region ? t('dash.scope.inRegion', { region: o.scope.region }) : t('dash.scope.theNetwork'));

export async function renderReport(root: HTMLElement, me: MeResponse, params: URLSearchParams, go: (p: URLSearchParams) => void): Promise<void> {
  const period = selectedPeriod(me, params);
  const bar = filterBar(me, params, { year: true, quarter: true, region: true, programme: true, segment: true }, go);
  if (!period) {
    root.append(h('h1', {}, t('dash.report.titlePlain')), bar, note(t('dash.report.noPeriods')));
    return;
  }
  const filters = { period, region: params.get('region') ?? undefined, segment: params.get('segment') ?? undefined, programme: params.get('programme') ?? undefined };
  let o: OverviewResponse;
  try {
    o = await get<OverviewResponse>('overview', filters);
  } catch (e) {
    root.append(h('h1', {}, t('dash.report.titlePlain')), bar, errorBox(e));
    return;
  }
  const scope = [
    scopeLabel(o),
    o.scope.segment ? t('dash.report.segmentScope', { segment: segmentName(o.scope.segment) }) : '',
    o.scope.programme ? t('dash.report.programmeScope', { programme: o.scope.programme }) : '',
  ].filter(Boolean).join(', ');
  const metric = METRICS.includes(params.get('metric') as never) ? params.get('metric')! : 'SAT';

  root.append(
    h('header', { class: 'page-head' },
      h('p', { class: 'print-only print-brand' }, t('dash.report.printBrand')),
      h('h1', {}, o.kind === 'year' ? t('dash.report.titleYear', { period: fmtPeriod(o.period) }) : t('dash.report.titleQuarter', { period: fmtPeriod(o.period) })),
      h('p', { class: 'subtitle' }, t('dash.report.subtitle', { scope, previous: fmtPeriod(o.previousPeriod), n: fmtInt(o.headline?.n) })),
      h('p', { class: 'print-only' }, t('dash.report.printed', { date: fmt().date(new Date().toISOString(), Intl.DateTimeFormat().resolvedOptions().timeZone) }))),
    bar,
  );
  if (me.user.role === 'branch-manager') {
    root.append(note(o.withheld.headline
      ? t('dash.report.managerWithheld', { scope: scopeName(o), hidden: fmtInt(o.hiddenBranches) })
      : t('dash.report.managerBenchmark', { scope: scopeName(o), hidden: fmtInt(o.hiddenBranches) }), 'note info'));
  }
  if (o.basis === 'breakdown') {
    const group = o.scope.segment ? t('dash.report.segmentScope', { segment: segmentName(o.scope.segment) }) : t('dash.report.programmeScope', { programme: o.scope.programme ?? '' });
    root.append(note(t('dash.report.breakdownNote', { group }), 'note info'));
  }

  root.append(headlineSection(o, me, filters));
  root.append(rankingSection(o, metric, filters, params, go));
  root.append(programmeSection(o, filters));
  root.append(modelSection(o.model, o, filters));
  root.append(measurementSection(o.model, o, filters));
  root.append(referencesSection());
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * Assessment counts and open alerts. Head office: the period's assessment (network-wide). A branch manager: only
 * their own branch's open alerts, with no count that could pass for the network's.
 */
function alertLine(o: OverviewResponse, me: MeResponse): HTMLElement {
  const a = o.assessment;
  const alerts = h('a', { href: href('alerts', undefined, {}) }, fmtInt(o.openAlerts));
  if (me.user.role === 'head-office') {
    return h('p', { class: 'assessment' }, [
      a ? t('dash.report.assessed', { count: fmtInt(a.branches) }) : t('dash.report.branchCount', { count: fmtInt(o.ranking.length) }),
      a && o.kind === 'quarter' ? ` · ${t('dash.report.tested', { tested: fmtInt(a.tested), alerts: fmtInt(a.newAlerts) })}` : '',
      ` · ${t('dash.report.openNow')} `, alerts,
      watchCount(o),
    ]);
  }
  const own = me.user.branch;
  const inScope = !!own && (o.ranking.some((r) => r.branch === own) || o.missingBranches.includes(own));
  return h('p', { class: 'assessment' },
    inScope ? [`${t('dash.report.openOwn')} `, alerts, watchCount(o)] : t('dash.report.notInScope', { branch: own ?? '', scope: scopeLabel(o) }),
    o.withheld.assessment ? h('span', { class: 'muted', 'data-withheld': 'assessment' }, ` · ${capitalize(reasonText(o.withheld.assessment))}.`) : null);
}

/** " · under watch now: 2" (the second tier, on the alerts page's own section), only when there are any. */
function watchCount(o: OverviewResponse): (Node | string)[] {
  if (!o.openWatches) return [];
  return [` · ${t('dash.report.openWatches')} `, h('a', { href: href('alerts', undefined, {}), 'data-open-watches': String(o.openWatches) }, fmtInt(o.openWatches))];
}

function headlineSection(o: OverviewResponse, me: MeResponse, filters: Record<string, string | undefined>): HTMLElement {
  const hl = o.headline;
  const prev = fmtPeriod(o.previousPeriod);
  const cards = h('div', { class: 'cards' }, METRICS.map((m, i) => metricCard(m, hl?.indices[m], [
    h('div', { class: 'metric-change' }, t('dash.report.vsPeriod', { period: prev }), ' ', o.withheld.change ? withheldMark(o.withheld.change) : changeCell(hl?.change[m])),
  ], i < 3 ? 'big' : 'small')));
  const rows = METRICS.map((m) => ({ m, e: hl?.indices[m], prev: hl?.previous[m], ch: hl?.change[m] }));
  return section('headline', t('dash.report.headline', { scope: scopeLabel(o) }),
    hl ? cards : o.withheld.headline ? withheldNote('headline', [[t('dash.report.figuresOf', { scope: scopeName(o) }), o.withheld.headline]]) : note(t('dash.report.noFigures')),
    hl ? weightingLine(METRICS.map((m) => [m, hl.indices[m]] as const), hl.weighting, 'headline-weighting') : null,
    hl ? weightingMembers(hl.weighting, me.user.role === 'head-office' ? undefined : me.user.branch ?? '') : null,
    alertLine(o, me),
    h('h3', { id: 'yoy' }, t('dash.report.yoy')),
    toolbar(exportLink('headline', filters)),
    table({
      id: 'headline-table',
      caption: t('dash.report.headlineCaption', { period: fmtPeriod(o.period), previous: prev }),
      cols: [
        { head: t('dash.col.index'), cell: (r) => label(r.m), rowHeader: true },
        { head: fmtPeriod(o.period), cell: (r) => fmtIndex(r.e?.value), num: true },
        { head: t('dash.col.ci'), cell: (r) => fmtCi(r.e?.ciLow, r.e?.ciHigh), num: true },
        { head: 'n', cell: (r) => fmtInt(r.e?.n), num: true },
        { head: t('dash.weighting.col.nEff'), cell: (r) => nEffCell(r.e), num: true, title: t('dash.weighting.col.nEffTitle') },
        { head: prev, cell: (r) => fmtIndex(r.prev?.value), num: true },
        { head: t('dash.col.change'), cell: (r) => changeCell(r.ch), num: true },
        { head: 'p', cell: (r) => fmtP(r.ch?.p), num: true, title: t('dash.report.pTitle') },
      ],
      rows,
    }),
    hl && o.withheld.previous ? withheldNote('previous', [[t('dash.report.previousOf', { period: prev, scope: scopeName(o) }), o.withheld.previous]], 'note small withheld') : null,
    note(t('dash.report.starsNote', { legend: starsLegend() }), 'note small'),
  );
}

/** "* p<0,05, ** p<0,01, *** p<0,001" in the page's number format. */
const starsLegend = () => t('dash.stars.short', { p1: fmtCoef(0.05, 2), p2: fmtCoef(0.01, 2), p3: fmtCoef(0.001) });

function rankPoints(rows: RankingRow[], metric: string): RankPoint[] {
  return rows.flatMap((r) => {
    const e = r.indices[metric];
    if (!e || e.value === null || e.ciLow === null || e.ciHigh === null) return [];
    const vs = r.vsNetwork[metric];
    return [{ id: r.branch, label: `${r.branch} ${r.name}`, value: e.value, low: e.ciLow, high: e.ciHigh, n: e.n, flagged: !!vs && vs.p < 0.05 && vs.diff < 0 }];
  });
}

function rankingSection(o: OverviewResponse, metric: string, filters: Record<string, string | undefined>, params: URLSearchParams, go: (p: URLSearchParams) => void): HTMLElement {
  const rows = [...o.ranking].sort((a, b) => (b.indices[metric]?.value ?? -Infinity) - (a.indices[metric]?.value ?? -Infinity) || a.branch.localeCompare(b.branch));
  const points = rankPoints(rows, metric);
  const centre = o.headline?.indices[metric]?.value ?? null;
  const funnel = o.funnel[metric];
  const scope = scopeLabel(o);
  const metricSel = h('select', { id: 'rank-metric' }, METRICS.map((m) => h('option', { value: m, selected: m === metric }, label(m))));
  metricSel.addEventListener('change', () => {
    const p = new URLSearchParams(params);
    if (metricSel.value === 'SAT') p.delete('metric'); else p.set('metric', metricSel.value);
    go(p);
  });
  const zone = (r: RankingRow) => {
    const e = r.indices[metric];
    if (!funnel || !e || e.value === null) return '–';
    return t(ZONE_KEY[funnelZone(e.value, e.n, funnel.centre, funnel.sigma)]);
  };
  const linkParams = { year: params.get('year') ?? undefined, quarter: params.get('quarter') ?? undefined };
  const whyVs = o.withheld['ranking.vsNetwork'];
  return section('ranking', t('dash.report.rankedBy', { metric: label(metric) }),
    h('div', { class: 'toolbar' }, h('div', { class: 'filter' }, h('label', { for: 'rank-metric' }, t('dash.report.rankBy')), metricSel), exportLink('ranking', filters)),
    points.length
      ? h('div', { class: 'chart-pair' },
        h('figure', {}, ciBarChart(t('dash.report.byBranch', { metric: label(metric) }), points, centre, scope), h('figcaption', {}, t('dash.report.rankCaption', { scope }))),
        funnel ? h('figure', {}, funnelChart(t('dash.report.funnelTitle', { metric: label(metric) }), points, funnel.centre, funnel.sigma, scope), h('figcaption', {}, t('dash.report.funnelCaption', { scope }))) : null)
      : null,
    table({
      id: 'ranking-table',
      caption: t('dash.report.rankingCaption', { metric: label(metric), period: fmtPeriod(o.period) }),
      cols: [
        { head: t('dash.report.col.rank'), cell: (r) => fmtInt(rows.indexOf(r) + 1), num: true },
        { head: t('dash.col.branch'), cell: (r) => branchLink(r.branch, r.name, linkParams), rowHeader: true },
        { head: t('dash.col.region'), cell: (r) => r.region },
        { head: 'n', cell: (r) => h('span', {}, fmtInt(r.indices[metric]?.n ?? r.n),
          nEffCell(r.indices[metric]) !== '–' ? h('span', { class: 'cell-n' }, ` (${t('dash.weighting.col.nEff')} ${nEffCell(r.indices[metric])})`) : null,
          (r.indices[metric]?.n ?? r.n) < SMALL_N ? h('span', { class: 'badge warn', title: t('dash.report.smallTitle') }, ` ${t('dash.report.small')}`) : null), num: true },
        { head: t('dash.col.index'), cell: (r) => fmtIndex(r.indices[metric]?.value), num: true },
        { head: t('dash.col.ci'), cell: (r) => fmtCi(r.indices[metric]?.ciLow, r.indices[metric]?.ciHigh), num: true },
        { head: t('dash.report.col.moe'), cell: (r) => fmtIndex(r.indices[metric]?.moe), num: true, title: t('dash.report.col.moeTitle') },
        { head: t('dash.report.col.vs', { what: scope }), cell: (r) => changeCell(r.vsNetwork[metric]), num: true },
        { head: t('dash.report.col.vs', { what: fmtPeriod(o.previousPeriod) }), cell: (r) => changeCell(r.change[metric]), num: true },
        { head: t('dash.report.col.funnel'), cell: (r) => zone(r) },
        { head: t('dash.report.col.openAlerts'), cell: (r) => (r.openAlerts ? h('span', { class: 'badge alert' }, fmtInt(r.openAlerts)) : fmtInt(0)), num: true },
        {
          head: t('dash.watch.col.ranking'), title: t('dash.watch.col.rankingTitle'),
          cell: (r) => ((r.openWatches ?? []).length ? h('span', {}, watchBadge(r.openWatches), ' ', r.openWatches.map((w) => label(w.metric)).join(', ')) : '–'),
        },
      ],
      rows,
      rowClass: (r) => {
        const vs = r.vsNetwork[metric];
        return vs && vs.p < 0.05 ? (vs.diff < 0 ? 'below' : 'above') : undefined;
      },
      empty: t('dash.report.noBranchFigures'),
    }),
    whyVs && rows.length ? withheldNote('ranking.vsNetwork', [[t('dash.report.vsWithheld', { scope: scopeName(o), label: scope }), whyVs]], 'note small withheld') : null,
    o.missingBranches.length ? note(t('dash.report.missing', { branches: o.missingBranches.join(', ') }), 'note small') : null,
  );
}

function shareCell(s: Share | null | undefined): Node {
  if (!s || s.n === 0) return h('span', { class: 'muted' }, '–');
  return h('span', { class: s.n < 10 ? 'muted' : undefined, title: t('dash.report.shareTitle', { satisfied: fmtInt(s.satisfied), n: fmtInt(s.n), low: fmtPct(s.low), high: fmtPct(s.high) }) },
    fmtPct(s.share), h('span', { class: 'cell-n' }, ` n=${fmtInt(s.n)}`));
}

function programmeSection(o: OverviewResponse, filters: Record<string, string | undefined>): HTMLElement {
  const tb = o.programmes;
  // `why`: the footer's withheld cells ('total.overall', 'total.cells.<programme>').
  type Row = { branch: string; name: string; overall: Share | null; cells: Record<string, Share | null>; why?: Record<string, string> };
  const rows: Row[] = tb.rows;
  const totalLabel = scopeLabel(o);
  const foot: Row[] = tb.total ? [{ branch: '', name: totalLabel, overall: tb.total.overall, cells: tb.total.cells, why: tb.withheld }] : [];
  const cell = (r: Row, key: string, s: Share | null | undefined) => {
    const why = r.why?.[key];
    return why ? withheldMark(why) : shareCell(s);
  };
  return section('programmes', t('dash.report.programmes', { period: fmtPeriod(o.period) }),
    toolbar(exportLink('programmes', { period: filters.period, region: filters.region })),
    table({
      id: 'programme-table',
      caption: t('dash.report.programmeCaption', { cite: t('common.cite.rufani') }),
      cols: [
        { head: t('dash.col.branch'), cell: (r) => (r.branch ? h('span', {}, r.branch, ' ', h('span', { class: 'branch-name' }, r.name)) : r.name), rowHeader: true },
        { head: t('dash.report.col.all'), cell: (r) => cell(r, 'total.overall', r.overall), num: true },
        ...tb.programmes.map((p) => ({ head: p, cell: (r: Row) => cell(r, `total.cells.${p}`, r.cells[p]), num: true })),
      ],
      rows,
      foot,
    }),
    tb.total ? programmeFootnote(totalLabel, tb) : null,
    note(t('dash.report.programmeNote'), 'note small'),
  );
}

/** One footnote for the withheld cells of the table's total row, grouped by reason. */
function programmeFootnote(rowLabel: string, tb: OverviewResponse['programmes']): HTMLElement | null {
  const byReason = new Map<string, string[]>();
  for (const [key, why] of Object.entries(tb.withheld)) {
    const col = key === 'total.overall' ? t('dash.report.col.all') : key.replace(/^total\.cells\./, '');
    byReason.set(why, [...(byReason.get(why) ?? []), col]);
  }
  if (byReason.size === 0) return null;
  const whole = tb.withheld['total.overall'] !== undefined && tb.programmes.every((p) => tb.withheld[`total.cells.${p}`] !== undefined);
  const parts = whole && byReason.size === 1
    ? [[t('dash.report.totalRow', { row: rowLabel }), [...byReason.keys()][0]!] as const]
    : [...byReason].map(([why, cols], i) => [i === 0 ? t('dash.report.totalRowCells', { row: rowLabel, cols: cols.join(', ') }) : cols.join(', '), why] as const);
  return withheldNote('programmes', parts, 'note small withheld');
}

type Path = ModelView['paths'][number];

function modelSection(m: ModelView | null, o: OverviewResponse, filters: Record<string, string | undefined>): HTMLElement {
  if (!m) {
    if (o.withheld.model) return section('model', t('dash.model.title'), withheldNote('model', [[t('dash.model.structuralOf', { scope: scopeName(o) }), o.withheld.model]]));
    return section('model', t('dash.model.title'), note(o.modelStatus?.reason ? t('dash.model.notEstimated', { reason: o.modelStatus.reason }) : t('dash.model.none')));
  }
  const direct = m.paths.filter((p) => p.kind === 'direct');
  const indirect = m.paths.filter((p) => p.kind === 'indirect');
  const r2 = Object.entries(m.rSquared).map(([c, v]) => t('dash.model.r2Adj', { name: label(c), r2: fmtCoef(v.r2), adj: fmtCoef(v.adjR2) })).join(' · ');
  const cols = [
    { head: t('dash.model.col.influence'), cell: (r: Path) => r.label, rowHeader: true },
    { head: t('dash.model.col.coefficient'), cell: (r: Path) => fmtCoef(r.estimate), num: true },
    { head: t('dash.model.col.t'), cell: (r: Path) => fmtCoef(r.t), num: true },
    { head: t('dash.model.col.p'), cell: (r: Path) => fmtP(r.p), num: true },
    { head: t('dash.col.ci'), cell: (r: Path) => fmtCoefCi(r.ciLow, r.ciHigh), num: true },
    { head: '', cell: (r: Path) => h('span', { class: r.p !== null && r.p < 0.05 ? 'sig' : 'muted' }, stars(r.p)) },
  ];
  const cite = t('common.cite.suryani');
  return section('model', t('dash.model.titleOf', { scope: scopeName(o), period: fmtPeriod(m.period) }),
    h('figure', { class: 'diagram' }, modelDiagram(m, t('dash.model.diagramTitle', { cite, period: fmtPeriod(m.period) })),
      h('figcaption', {}, t('dash.model.diagramCaption', { count: fmtInt(m.bootstrap.nSuccessful) }))),
    toolbar(exportLink('paths', { period: filters.period, region: filters.region })),
    table({ id: 'paths-table', caption: t('dash.model.pathsCaption', { cite, n: fmtInt(m.n) }), cols, rows: [...direct, ...indirect] }),
    h('p', { class: 'r2' }, r2),
  );
}

const mark = (ok: boolean | null) => (ok === null ? '' : ok ? ' ✓' : ' ✗');

function measurementSection(m: ModelView | null, o: OverviewResponse, filters: Record<string, string | undefined>): HTMLElement {
  if (!m && o.withheld.model) return section('measurement', t('dash.measure.title'), withheldNote('model', [[t('dash.measure.of', { scope: scopeName(o) }), o.withheld.model]]));
  if (!m) return section('measurement', t('dash.measure.title'), note(t('dash.measure.none')));
  type Rel = ModelView['reliability'][number];
  const pass = (v: number | null, th: number) => (v === null ? null : v >= th);
  const constructs = m.fornellLarcker.rows.filter((c) => !c.includes('*'));
  const q = { period: filters.period, region: filters.region };
  const cite = t('common.cite.suryani');
  return section('measurement', t('dash.measure.title'),
    toolbar(exportLink('measurement', q), exportLink('loadings', q, t('dash.export.loadingsCsv'), t('dash.export.loadingsExcelId'))),
    table<Rel>({
      id: 'reliability-table',
      caption: t('dash.measure.reliabilityCaption', { seven: fmtCoef(0.7, 2), half: fmtCoef(0.5, 2) }),
      cols: [
        { head: t('dash.measure.col.construct'), cell: (r) => label(r.construct), rowHeader: true },
        { head: "Cronbach's α", cell: (r) => fmtCoef(r.alpha) + mark(pass(r.alpha, 0.7)), num: true },
        { head: 'ρA', cell: (r) => fmtCoef(r.rhoA) + mark(pass(r.rhoA, 0.7)), num: true },
        { head: t('dash.measure.col.rhoC'), cell: (r) => fmtCoef(r.rhoC) + mark(pass(r.rhoC, 0.7)), num: true },
        { head: 'AVE', cell: (r) => fmtCoef(r.ave) + mark(pass(r.ave, 0.5)), num: true },
      ],
      rows: m.reliability,
    }),
    h('div', { class: 'two-col' },
      table({
        id: 'loadings-table',
        caption: t('dash.measure.loadingsCaption', { cite, seven: fmtCoef(0.7, 2) }),
        cols: [
          { head: t('dash.measure.col.construct'), cell: (r) => r.construct },
          { head: t('dash.measure.col.item'), cell: (r) => r.item, rowHeader: true },
          { head: t('dash.measure.col.loading'), cell: (r) => fmtCoef(r.loading) + mark(pass(r.loading, 0.7)), num: true },
          { head: t('dash.col.ci'), cell: (r) => fmtCoefCi(r.ciLow, r.ciHigh), num: true },
        ],
        rows: m.loadings,
      }),
      h('div', {},
        table({
          id: 'htmt-table',
          caption: t('dash.measure.htmtCaption', { limit: fmtCoef(0.85, 2) }),
          cols: [
            { head: t('dash.measure.col.pair'), cell: (r) => `${r.a} – ${r.b}`, rowHeader: true },
            { head: 'HTMT', cell: (r) => fmtCoef(r.value) + mark(r.value === null ? null : r.value < 0.85), num: true },
            { head: t('dash.measure.col.ciUpper'), cell: (r) => fmtCoef(r.ciHigh), num: true },
          ],
          rows: m.htmt,
        }),
        table({
          id: 'fl-table',
          caption: t('dash.measure.flCaption'),
          cols: [
            { head: '', cell: (r: string) => r, rowHeader: true },
            ...constructs.map((c, j) => ({
              head: c, num: true,
              cell: (r: string) => {
                const i = m.fornellLarcker.rows.indexOf(r);
                const v = m.fornellLarcker.values[i]?.[m.fornellLarcker.cols.indexOf(c)] ?? null;
                return h('span', { class: constructs.indexOf(r) === j ? 'diag' : undefined }, v === null ? '' : fmtCoef(v));
              },
            })),
          ],
          rows: constructs,
        }))),
  );
}

/** The papers the report's models and tables follow, in full. */
function referencesSection(): HTMLElement {
  return section('references', t('dash.report.references'),
    h('ul', { class: 'references' },
      h('li', {}, t('common.ref.suryani')),
      h('li', {}, t('common.ref.rufani'))));
}
