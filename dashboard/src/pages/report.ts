// The annual (or quarterly) report: the network's indices with CIs and year-over-year change, every branch
// ranked with n and margin of error (CI bars and a funnel plot), the per-branch x programme table (seed-003
// Table 1), the structural model (seed-000 Table 6 and Figure 1) and its measurement quality.
import { funnelZone } from '../../../shared/api/funnel';
import { METRICS, type MeResponse, type ModelView, type OverviewResponse, type RankingRow, type Share } from '../../../shared/api/types';
import { get } from '../api';
import { ciBarChart, funnelChart, type RankPoint } from '../charts';
import { h } from '../dom';
import { filterBar } from '../filters';
import { fmtCi, fmtCoef, fmtIndex, fmtInt, fmtP, fmtPct, fmtPeriod, stars } from '../format';
import { modelDiagram } from '../model-diagram';
import { selectedPeriod } from '../state';
import { exportLink, note, section, table, toolbar } from '../table';
import { branchLink, changeCell, errorBox, label, metricCard, reasonText, withheldMark, withheldNote } from '../ui';

const SMALL_N = 50;

export async function renderReport(root: HTMLElement, me: MeResponse, params: URLSearchParams, go: (p: URLSearchParams) => void): Promise<void> {
  const period = selectedPeriod(me, params);
  const bar = filterBar(me, params, { year: true, quarter: true, region: true, programme: true, segment: true }, go);
  if (!period) {
    root.append(h('h1', {}, 'Satisfaction survey report'), bar, note('No assessed periods yet.'));
    return;
  }
  const filters = { period, region: params.get('region') ?? undefined, segment: params.get('segment') ?? undefined, programme: params.get('programme') ?? undefined };
  let o: OverviewResponse;
  try {
    o = await get<OverviewResponse>('overview', filters);
  } catch (e) {
    root.append(h('h1', {}, 'Satisfaction survey report'), bar, errorBox(e));
    return;
  }
  const kindWord = o.kind === 'year' ? 'Annual' : 'Quarterly';
  const scope = [o.scope.label, o.scope.segment ? `segment ${o.scope.segment}` : '', o.scope.programme ? `programme ${o.scope.programme}` : ''].filter(Boolean).join(', ');
  const metric = METRICS.includes(params.get('metric') as never) ? params.get('metric')! : 'SAT';

  root.append(
    h('header', { class: 'page-head' },
      h('p', { class: 'print-only print-brand' }, 'BPJS Ketenagakerjaan — participant satisfaction monitoring'),
      h('h1', {}, `${kindWord} satisfaction survey report ${fmtPeriod(o.period)}`),
      h('p', { class: 'subtitle' }, `${scope} · compared with ${fmtPeriod(o.previousPeriod)} · ${fmtInt(o.headline?.n)} respondents`),
      h('p', { class: 'print-only' }, `Printed ${new Date().toISOString().slice(0, 10)}`)),
    bar,
  );
  if (me.user.role === 'branch-manager') {
    root.append(note(o.withheld.headline
      ? `You see your own branch; the figures of ${scopeName(o)} are withheld (reason below) and ${o.hiddenBranches} other branches are not shown.`
      : `You see your own branch, and the figures of ${scopeName(o)} as a benchmark; ${o.hiddenBranches} other branches are not shown.`, 'note info'));
  }
  if (o.basis === 'breakdown') {
    root.append(note(`Figures for ${o.scope.segment ? `segment ${o.scope.segment}` : `programme ${o.scope.programme}`} are equal-weight indices of that group's answers; the structural model below is estimated on all respondents.`, 'note info'));
  }

  root.append(headlineSection(o, me, filters));
  root.append(rankingSection(o, metric, filters, params, go));
  root.append(programmeSection(o, filters));
  root.append(modelSection(o.model, o, filters));
  root.append(measurementSection(o.model, o, filters));
}

const capitalize = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);

/** "the network" / "region SUMUT", for sentences. */
const scopeName = (o: OverviewResponse) => (o.scope.region ? `region ${o.scope.region}` : 'the network');

/**
 * Assessment counts and open alerts. Head office: the period's assessment (network-wide). A branch manager: only
 * their own branch's open alerts, with no count that could pass for the network's.
 */
function alertLine(o: OverviewResponse, me: MeResponse): HTMLElement {
  const a = o.assessment;
  const alerts = h('a', { href: '#/alerts' }, String(o.openAlerts));
  if (me.user.role === 'head-office') {
    return h('p', { class: 'assessment' }, [
      a ? `Branches assessed: ${a.branches}` : `Branches: ${o.ranking.length}`,
      a && o.kind === 'quarter' ? ` · tested for a decline: ${a.tested} · new alerts this quarter: ${a.newAlerts}` : '',
      ' · open alerts now: ', alerts,
    ]);
  }
  const own = me.user.branch;
  const inScope = !!own && (o.ranking.some((r) => r.branch === own) || o.missingBranches.includes(own));
  return h('p', { class: 'assessment' },
    inScope ? ['Open alerts on your branch now: ', alerts] : `Your branch ${own ?? ''} is not in ${o.scope.label}.`,
    o.withheld.assessment ? h('span', { class: 'muted', 'data-withheld': 'assessment' }, ` · ${capitalize(reasonText(o.withheld.assessment))}.`) : null);
}

function headlineSection(o: OverviewResponse, me: MeResponse, filters: Record<string, string | undefined>): HTMLElement {
  const hl = o.headline;
  const cards = h('div', { class: 'cards' }, METRICS.map((m, i) => metricCard(m, hl?.indices[m], [
    h('div', { class: 'metric-change' }, `vs ${fmtPeriod(o.previousPeriod)}: `, o.withheld.change ? withheldMark(o.withheld.change) : changeCell(hl?.change[m])),
  ], i < 3 ? 'big' : 'small')));
  const rows = METRICS.map((m) => ({ m, e: hl?.indices[m], prev: hl?.previous[m], ch: hl?.change[m] }));
  return section('headline', `${o.scope.label}: satisfaction, trust and loyalty`,
    hl ? cards : o.withheld.headline ? withheldNote('headline', [[`the figures of ${scopeName(o)}`, o.withheld.headline]]) : note('No figures for this scope and period.'),
    alertLine(o, me),
    h('h3', { id: 'yoy' }, 'Year-over-year change'),
    toolbar(exportLink('headline', filters)),
    table({
      id: 'headline-table',
      caption: `Indices (0-100) with 95% confidence intervals, ${fmtPeriod(o.period)} against ${fmtPeriod(o.previousPeriod)}`,
      cols: [
        { head: 'Index', cell: (r) => label(r.m), rowHeader: true },
        { head: fmtPeriod(o.period), cell: (r) => fmtIndex(r.e?.value), num: true },
        { head: '95% CI', cell: (r) => fmtCi(r.e?.ciLow, r.e?.ciHigh), num: true },
        { head: 'n', cell: (r) => fmtInt(r.e?.n), num: true },
        { head: fmtPeriod(o.previousPeriod), cell: (r) => fmtIndex(r.prev?.value), num: true },
        { head: 'Change', cell: (r) => changeCell(r.ch), num: true },
        { head: 'p', cell: (r) => fmtP(r.ch?.p), num: true, title: 'two-sided z-test of the difference' },
      ],
      rows,
    }),
    hl && o.withheld.previous ? withheldNote('previous', [[`the ${fmtPeriod(o.previousPeriod)} figures of ${scopeName(o)} and the change`, o.withheld.previous]], 'note small withheld') : null,
    note('* p<0.05, ** p<0.01, *** p<0.001 (two-sided z-test of the difference of two independent estimates).', 'note small'),
  );
}

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
  const metricSel = h('select', { id: 'rank-metric' }, METRICS.map((m) => h('option', { value: m, selected: m === metric }, label(m))));
  metricSel.addEventListener('change', () => {
    const p = new URLSearchParams(params);
    if (metricSel.value === 'SAT') p.delete('metric'); else p.set('metric', metricSel.value);
    go(p);
  });
  const zone = (r: RankingRow) => {
    const e = r.indices[metric];
    if (!funnel || !e || e.value === null) return '–';
    const z = funnelZone(e.value, e.n, funnel.centre, funnel.sigma);
    return { 'above-outer': 'above 99.8%', 'above-inner': 'above 95%', inside: 'within', 'below-inner': 'below 95%', 'below-outer': 'below 99.8%' }[z];
  };
  const linkParams = { year: params.get('year') ?? undefined, quarter: params.get('quarter') ?? undefined };
  const whyVs = o.withheld['ranking.vsNetwork'];
  return section('ranking', `Branches ranked by ${label(metric).toLowerCase()}`,
    h('div', { class: 'toolbar' }, h('div', { class: 'filter' }, h('label', { for: 'rank-metric' }, 'Rank by'), metricSel), exportLink('ranking', filters)),
    points.length
      ? h('div', { class: 'chart-pair' },
        h('figure', {}, ciBarChart(`${label(metric)} by branch`, points, centre, o.scope.label), h('figcaption', {}, 'Index with its 95% confidence interval; the dashed line is the ', o.scope.label.toLowerCase(), ' value. Red: significantly below it.')),
        funnel ? h('figure', {}, funnelChart(`${label(metric)} funnel plot`, points, funnel.centre, funnel.sigma, o.scope.label), h('figcaption', {}, `Funnel plot: branches outside the curves differ from the ${o.scope.label.toLowerCase()} value by more than sampling noise for their sample size (95% and 99.8% limits).`)) : null)
      : null,
    table({
      id: 'ranking-table',
      caption: `${label(metric)} index by branch, ${fmtPeriod(o.period)}: n, margin of error and comparisons`,
      cols: [
        { head: 'Rank', cell: (r) => String(rows.indexOf(r) + 1), num: true },
        { head: 'Branch', cell: (r) => branchLink(r.branch, r.name, linkParams), rowHeader: true },
        { head: 'Region', cell: (r) => r.region },
        { head: 'n', cell: (r) => h('span', {}, fmtInt(r.indices[metric]?.n ?? r.n), (r.indices[metric]?.n ?? r.n) < SMALL_N ? h('span', { class: 'badge warn', title: 'small sample: read with care' }, ' small') : null), num: true },
        { head: 'Index', cell: (r) => fmtIndex(r.indices[metric]?.value), num: true },
        { head: '95% CI', cell: (r) => fmtCi(r.indices[metric]?.ciLow, r.indices[metric]?.ciHigh), num: true },
        { head: '± MoE', cell: (r) => fmtIndex(r.indices[metric]?.moe), num: true, title: 'margin of error: half-width of the 95% CI' },
        { head: `vs ${o.scope.label}`, cell: (r) => changeCell(r.vsNetwork[metric]), num: true },
        { head: `vs ${fmtPeriod(o.previousPeriod)}`, cell: (r) => changeCell(r.change[metric]), num: true },
        { head: 'Funnel', cell: (r) => zone(r) },
        { head: 'Open alerts', cell: (r) => (r.openAlerts ? h('span', { class: 'badge alert' }, String(r.openAlerts)) : '0'), num: true },
      ],
      rows,
      rowClass: (r) => {
        const vs = r.vsNetwork[metric];
        return vs && vs.p < 0.05 ? (vs.diff < 0 ? 'below' : 'above') : undefined;
      },
      empty: 'No branch figures for this period.',
    }),
    whyVs && rows.length ? withheldNote('ranking.vsNetwork', [[`the comparison with ${scopeName(o)}: the “vs ${o.scope.label}” column and the funnel plot`, whyVs]], 'note small withheld') : null,
    o.missingBranches.length ? note(`No data this period: ${o.missingBranches.join(', ')}.`, 'note small') : null,
  );
}

function shareCell(s: Share | null | undefined): Node {
  if (!s || s.n === 0) return h('span', { class: 'muted' }, '–');
  return h('span', { class: s.n < 10 ? 'muted' : undefined, title: `${s.satisfied} of ${s.n} satisfied; 95% CI ${fmtPct(s.low)} to ${fmtPct(s.high)}` },
    fmtPct(s.share), h('span', { class: 'cell-n' }, ` n=${s.n}`));
}

function programmeSection(o: OverviewResponse, filters: Record<string, string | undefined>): HTMLElement {
  const t = o.programmes;
  // `why`: the footer's withheld cells ('total.overall', 'total.cells.<programme>').
  type Row = { branch: string; name: string; overall: Share | null; cells: Record<string, Share | null>; why?: Record<string, string> };
  const rows: Row[] = t.rows;
  const foot: Row[] = t.total ? [{ branch: '', name: t.total.label, overall: t.total.overall, cells: t.total.cells, why: t.withheld }] : [];
  const cell = (r: Row, key: string, s: Share | null | undefined) => {
    const why = r.why?.[key];
    return why ? withheldMark(why) : shareCell(s);
  };
  return section('programmes', `Customer satisfaction by programme, ${fmtPeriod(o.period)}`,
    toolbar(exportLink('programmes', { period: filters.period, region: filters.region })),
    table({
      id: 'programme-table',
      caption: 'Share of satisfied participants (answer 4 or 5) by branch and programme, as in seed-003 Table 1',
      cols: [
        { head: 'Branch', cell: (r) => (r.branch ? h('span', {}, r.branch, ' ', h('span', { class: 'branch-name' }, r.name)) : r.name), rowHeader: true },
        { head: 'All', cell: (r) => cell(r, 'total.overall', r.overall), num: true },
        ...t.programmes.map((p) => ({ head: p, cell: (r: Row) => cell(r, `total.cells.${p}`, r.cells[p]), num: true })),
      ],
      rows,
      foot,
    }),
    t.total ? programmeFootnote(t.total.label, t) : null,
    note('Cells with fewer than 10 answers are greyed; hover a cell for its 95% Wilson interval (also in the CSV).', 'note small'),
  );
}

/** One footnote for the withheld cells of the table's total row, grouped by reason. */
function programmeFootnote(label: string, t: OverviewResponse['programmes']): HTMLElement | null {
  const byReason = new Map<string, string[]>();
  for (const [key, why] of Object.entries(t.withheld)) {
    const col = key === 'total.overall' ? 'All' : key.replace(/^total\.cells\./, '');
    byReason.set(why, [...(byReason.get(why) ?? []), col]);
  }
  if (byReason.size === 0) return null;
  const whole = t.withheld['total.overall'] !== undefined && t.programmes.every((p) => t.withheld[`total.cells.${p}`] !== undefined);
  const parts = whole && byReason.size === 1
    ? [[`the ${label} row`, [...byReason.keys()][0]!] as const]
    : [...byReason].map(([why, cols], i) => [`${i === 0 ? `in the ${label} row, ` : ''}${cols.join(', ')}`, why] as const);
  return withheldNote('programmes', parts, 'note small withheld');
}

function modelSection(m: ModelView | null, o: OverviewResponse, filters: Record<string, string | undefined>): HTMLElement {
  if (!m) {
    if (o.withheld.model) return section('model', 'Structural model', withheldNote('model', [[`the structural model of ${scopeName(o)}`, o.withheld.model]]));
    return section('model', 'Structural model', note(o.modelStatus?.reason ? `The model was not estimated: ${o.modelStatus.reason}.` : 'No model results for this period.'));
  }
  const direct = m.paths.filter((p) => p.kind === 'direct');
  const indirect = m.paths.filter((p) => p.kind === 'indirect');
  const r2 = Object.entries(m.rSquared).map(([c, v]) => `${label(c)} R² = ${fmtCoef(v.r2)} (adjusted ${fmtCoef(v.adjR2)})`).join(' · ');
  const cols = [
    { head: 'Influence', cell: (r: (typeof m.paths)[number]) => r.label, rowHeader: true },
    { head: 'Path coefficient', cell: (r: (typeof m.paths)[number]) => fmtCoef(r.estimate), num: true },
    { head: 'T statistics', cell: (r: (typeof m.paths)[number]) => fmtCoef(r.t), num: true },
    { head: 'P values', cell: (r: (typeof m.paths)[number]) => fmtP(r.p), num: true },
    { head: '95% CI', cell: (r: (typeof m.paths)[number]) => `${fmtCoef(r.ciLow)} to ${fmtCoef(r.ciHigh)}`, num: true },
    { head: '', cell: (r: (typeof m.paths)[number]) => h('span', { class: r.p !== null && r.p < 0.05 ? 'sig' : 'muted' }, stars(r.p)) },
  ];
  return section('model', `Structural model, ${o.scope.label.toLowerCase()}, ${fmtPeriod(m.period)}`,
    h('figure', { class: 'diagram' }, modelDiagram(m, `Structural model: path coefficients (seed-000 Figure 1), ${fmtPeriod(m.period)}`),
      h('figcaption', {}, 'Path coefficients (standardized β) with significance from ', String(m.bootstrap.nSuccessful), ' bootstrap resamples; dashed: not significant.')),
    toolbar(exportLink('paths', { period: filters.period, region: filters.region })),
    table({ id: 'paths-table', caption: `Results of path coefficients and t values (as seed-000 Table 6), n = ${m.n}`, cols, rows: [...direct, ...indirect] }),
    h('p', { class: 'r2' }, r2),
  );
}

const mark = (ok: boolean | null) => (ok === null ? '' : ok ? ' ✓' : ' ✗');

function measurementSection(m: ModelView | null, o: OverviewResponse, filters: Record<string, string | undefined>): HTMLElement {
  if (!m && o.withheld.model) return section('measurement', 'Measurement quality', withheldNote('model', [[`the measurement model of ${scopeName(o)}`, o.withheld.model]]));
  if (!m) return section('measurement', 'Measurement quality', note('No measurement model for this period.'));
  type Rel = ModelView['reliability'][number];
  const pass = (v: number | null, t: number) => (v === null ? null : v >= t);
  const constructs = m.fornellLarcker.rows.filter((c) => !c.includes('*'));
  return section('measurement', 'Measurement quality',
    toolbar(exportLink('measurement', { period: filters.period, region: filters.region }), exportLink('loadings', { period: filters.period, region: filters.region }, 'Export loadings CSV')),
    table<Rel>({
      id: 'reliability-table',
      caption: "Reliability and convergent validity (thresholds: α, ρA, ρC ≥ 0.70; AVE ≥ 0.50)",
      cols: [
        { head: 'Construct', cell: (r) => label(r.construct), rowHeader: true },
        { head: "Cronbach's α", cell: (r) => fmtCoef(r.alpha) + mark(pass(r.alpha, 0.7)), num: true },
        { head: 'ρA', cell: (r) => fmtCoef(r.rhoA) + mark(pass(r.rhoA, 0.7)), num: true },
        { head: 'Composite reliability ρC', cell: (r) => fmtCoef(r.rhoC) + mark(pass(r.rhoC, 0.7)), num: true },
        { head: 'AVE', cell: (r) => fmtCoef(r.ave) + mark(pass(r.ave, 0.5)), num: true },
      ],
      rows: m.reliability,
    }),
    h('div', { class: 'two-col' },
      table({
        id: 'loadings-table',
        caption: 'Outer loadings (as seed-000 Table 4; ≥ 0.70 valid)',
        cols: [
          { head: 'Construct', cell: (r) => r.construct },
          { head: 'Item', cell: (r) => r.item, rowHeader: true },
          { head: 'Loading', cell: (r) => fmtCoef(r.loading) + mark(pass(r.loading, 0.7)), num: true },
          { head: '95% CI', cell: (r) => `${fmtCoef(r.ciLow)} to ${fmtCoef(r.ciHigh)}`, num: true },
        ],
        rows: m.loadings,
      }),
      h('div', {},
        table({
          id: 'htmt-table',
          caption: 'Discriminant validity: HTMT (< 0.85; upper CI bound < 1)',
          cols: [
            { head: 'Pair', cell: (r) => `${r.a} – ${r.b}`, rowHeader: true },
            { head: 'HTMT', cell: (r) => fmtCoef(r.value) + mark(r.value === null ? null : r.value < 0.85), num: true },
            { head: 'CI upper', cell: (r) => fmtCoef(r.ciHigh), num: true },
          ],
          rows: m.htmt,
        }),
        table({
          id: 'fl-table',
          caption: 'Fornell-Larcker criterion (diagonal: √AVE)',
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

