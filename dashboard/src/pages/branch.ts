// One branch: every index by quarter with CI bands against the network, the importance-performance map of the
// satisfaction drivers, the loyalty regression (Rufani et al. 2023, Table 17), alerts with their evidence, the
// survey drops with their rejected-row counts, and what participants wrote in the free-text questions. Watches
// (the second tier: the branch's own decline test significant, not the network's) have their own note and table.
import {
  METRICS, type AlertsResponse, type BranchResultsResponse, type CommentsResponse, type DropsResponse, type Estimate, type MeResponse, type SeriesResponse,
} from '../../../shared/api/types';
import { INTL_TAG } from '../../../shared/i18n/locale';
import { get } from '../api';
import { ipmaChart, trendChart, type IpmaPoint } from '../charts';
import { h } from '../dom';
import { filterBar, segmentName } from '../filters';
import { fmtCi, fmtCoef, fmtCoefCi, fmtIndex, fmtInt, fmtP, fmtPIs, fmtPct, fmtPeriod, stars } from '../format';
import { fmt, t } from '../i18n';
import { href, selectedPeriod } from '../state';
import { exportLink, note, section, table, toolbar } from '../table';
import { alertTable, watchSection } from './alerts';
import {
  changeCell, errorBox, label, metricCard, reasonText, watchBadge, watchExplain, watchItems, weightingLine, withheldMark, withheldNote,
} from '../ui';

/** Words for stored codes (literal maps: the catalogue test sees the keys); an unknown code is shown as sent. */
const DROP_STATUS_KEY = { done: 'dash.drops.status.done', rejected: 'dash.drops.status.rejected', processing: 'dash.drops.status.processing' } as const;
const BAND_KEY = {
  'Less Reliable': 'dash.loyalty.band.less', 'Somewhat Reliable': 'dash.loyalty.band.somewhat', 'Reliable enough': 'dash.loyalty.band.enough',
  Reliable: 'dash.loyalty.band.reliable', 'Very reliable': 'dash.loyalty.band.very',
} as const;
const STATE_KEY = {
  skipped: 'dash.model.state.skipped', 'too-small': 'dash.model.state.tooSmall', 'not-converged': 'dash.model.state.notConverged',
  failed: 'dash.model.state.failed', withheld: 'dash.model.state.withheld',
} as const;
const word = <M extends Record<string, Parameters<typeof t>[0]>>(map: M, code: string): string => (code in map ? t(map[code as keyof M]!) : code);

/** A dimension's or predictor's name: the catalogue's for a known construct, "(Constant)" in words, else as stored. */
const dimName = (name: string, stored: string) => (name === '(Constant)' || name === '(Intercept)' ? t('dash.loyalty.constant') : label(name) !== name ? label(name) : stored);

export async function renderBranch(root: HTMLElement, me: MeResponse, branch: string, params: URLSearchParams, go: (p: URLSearchParams) => void, goBranch: (id: string) => void): Promise<void> {
  const kind = params.get('kind') === 'Y' ? 'Y' : 'Q';
  // Results are per quarter on this page unless a full year is chosen.
  const period = selectedPeriod(me, params) ?? me.periods.quarters.at(-1);
  const bar = filterBar(me, params, { branch: true, year: true, quarter: true, kind: true, programme: true, segment: true }, go, { id: branch, onChange: goBranch });
  const info = me.branches.find((b) => b.id === branch);
  const head = h('header', { class: 'page-head' },
    h('h1', {}, info ? `${info.id} ${info.name}` : t('dash.branch.title', { branch })),
    h('p', { class: 'subtitle' }, [info?.region ? t('dash.scope.region', { region: info.region }) : '', period ? t('dash.branch.resultsFor', { period: fmtPeriod(period) }) : ''].filter(Boolean).join(' · ')));
  root.append(head, bar);

  const [series, results, alerts, drops, comments] = await Promise.allSettled([
    get<SeriesResponse>(`branches/${encodeURIComponent(branch)}/series`, { kind }),
    period ? get<BranchResultsResponse>(`branches/${encodeURIComponent(branch)}/results`, { period }) : Promise.reject(new Error(t('dash.branch.noPeriod'))),
    get<AlertsResponse>(`branches/${encodeURIComponent(branch)}/alerts`),
    get<DropsResponse>(`branches/${encodeURIComponent(branch)}/drops`),
    period ? get<CommentsResponse>(`branches/${encodeURIComponent(branch)}/comments`, { period }) : Promise.reject(new Error(t('dash.branch.noPeriod'))),
  ]);
  // A refused branch: one message, nothing else.
  const refused = [series, results, alerts, drops, comments].find((r) => r.status === 'rejected' && (r.reason as { status?: number }).status === 403);
  if (refused && refused.status === 'rejected') {
    bar.remove();
    head.querySelector('.subtitle')?.remove();
    root.append(errorBox(refused.reason));
    if (me.user.branch) root.append(h('p', {}, h('a', { href: href('branch', me.user.branch, {}) }, t('dash.branch.goOwn', { branch: me.user.branch }))));
    return;
  }

  if (results.status === 'fulfilled') root.append(indicesSection(results.value));
  else root.append(section('branch-indices', t('dash.branch.indices'), errorBox(results.reason)));
  if (series.status === 'fulfilled') root.append(trendSection(series.value));
  else root.append(section('trends', t('dash.branch.trends'), errorBox(series.reason)));
  if (alerts.status === 'fulfilled') {
    root.append(section('branch-alerts', t('dash.nav.alerts'),
      toolbar(exportLink('branch-alerts', { branch })),
      alertTable(alerts.value.alerts, { showBranch: false, caption: t('dash.branch.alertsCaption') })));
    root.append(watchSection('branch-watches', t('dash.watch.title'), alerts.value.watches ?? [],
      { showBranch: false, caption: t('dash.watch.branchCaption'), exportTable: 'branch-watches', exportParams: { branch } }));
  }
  if (results.status === 'fulfilled') {
    const r = results.value;
    root.append(ipmaSection(r), loyaltySection(r), modelSection(r), breakdownSection(r, params));
  }
  if (drops.status === 'fulfilled') root.append(dropsSection(drops.value));
  else root.append(section('drops', t('dash.drops.title'), errorBox(drops.reason)));
  if (comments.status === 'fulfilled') root.append(commentsSection(comments.value));
  else root.append(section('comments', t('dash.comments.title'), errorBox(comments.reason)));
}

/** "not estimated (too small: n=40 below 50)": the state in words and the pipeline's own detail. */
const statusText = (s: { state: string; reason?: string }) => (s.reason ? `${word(STATE_KEY, s.state)}: ${s.reason}` : word(STATE_KEY, s.state));

function indicesSection(r: BranchResultsResponse): HTMLElement {
  const whyNet = r.withheld.network;
  const cards = h('div', { class: 'cards' }, METRICS.map((m, i) => metricCard(m, r.indices[m], [
    whyNet
      ? h('div', { class: 'metric-change' }, t('dash.branch.vsNetwork'), ' ', withheldMark(whyNet))
      : h('div', { class: 'metric-change' }, t('dash.branch.vsNetworkValue', { value: fmtIndex(r.network[m]?.value) }), ' ', changeCell(r.vsNetwork[m])),
  ], i < 3 ? 'big' : 'small')));
  const st = r.status;
  const open = (r.watches ?? []).filter((w) => w.status === 'open');
  return section('branch-indices', t('dash.branch.indicesOf', { period: fmtPeriod(r.period) }),
    open.length
      ? h('div', { class: 'note watch', id: 'branch-watch-note' }, watchBadge(open), ' ', watchItems(open), h('br', {}), h('span', { class: 'small' }, watchExplain()))
      : null,
    cards,
    branchWeighting(r),
    !whyNet && r.networkWeighting ? networkWeighting(r) : null,
    whyNet ? withheldNote('network', [[t('dash.branch.networkWithheld', { period: fmtPeriod(r.period) }), whyNet]], 'note small withheld') : null,
    st && st.satisfaction.state !== 'ok' ? note(t('dash.branch.modelNotEstimated', { status: statusText(st.satisfaction) }), 'note warn') : null);
}

/** How the branch's own figures are weighted ("This branch · Weighting: …"). */
function branchWeighting(r: BranchResultsResponse): HTMLElement | null {
  const line = weightingLine(METRICS.map((m) => [m, r.indices[m]] as const), r.weighting, 'branch-weighting');
  if (line) line.prepend(`${t('dash.weighting.ofBranch')} · `);
  return line;
}

/** The network figures the cards compare with: how they are weighted ("Network: …"). */
function networkWeighting(r: BranchResultsResponse): HTMLElement | null {
  const line = weightingLine(METRICS.map((m) => [m, r.network[m]] as const), r.networkWeighting, 'network-weighting');
  if (line) line.prepend(`${t('dash.scope.network')} · `);
  return line;
}

function trendSection(s: SeriesResponse): HTMLElement {
  const byQuarter = s.kind === 'Q';
  const regionLine = s.branch.region ? t('dash.scope.region', { region: s.branch.region }) : null;
  const grid = h('div', { class: 'trend-grid' }, METRICS.map((m) => h('figure', { 'data-metric': m },
    h('figcaption', {}, label(m)),
    trendChart(byQuarter ? t('dash.branch.trendByQuarter', { metric: label(m) }) : t('dash.branch.trendByYear', { metric: label(m) }),
      s.series[m] ?? [], s.network[m] ?? [], s.region[m] ?? [], regionLine, s.periods))));
  const withheldLines = linesNote(s);
  type Row = { m: string; period: string };
  const rows: Row[] = METRICS.flatMap((m) => (s.series[m] ?? []).map((p) => ({ m, period: p.period })));
  const pt = (r: Row) => s.series[r.m]!.find((x) => x.period === r.period)!;
  return section('trends', byQuarter ? t('dash.branch.trendsByQuarter') : t('dash.branch.trendsByYear'),
    note(t('dash.branch.trendLegend'), 'note small'),
    grid,
    withheldLines,
    h('details', { class: 'data' }, h('summary', {}, t('dash.branch.dataTable')),
      toolbar(exportLink('series', { branch: s.branch.id, kind: s.kind })),
      table({
        id: 'series-table',
        caption: byQuarter ? t('dash.branch.seriesCaptionQ', { branch: s.branch.id }) : t('dash.branch.seriesCaptionY', { branch: s.branch.id }),
        cols: [
          { head: t('dash.col.index'), cell: (r) => label(r.m) },
          { head: t('dash.col.period'), cell: (r) => fmtPeriod(r.period), rowHeader: true },
          { head: t('dash.col.value'), cell: (r) => fmtIndex(pt(r).value), num: true },
          { head: t('dash.col.ci'), cell: (r) => fmtCi(pt(r).ciLow, pt(r).ciHigh), num: true },
          { head: 'n', cell: (r) => fmtInt(pt(r).n), num: true },
          { head: t('dash.scope.network'), cell: (r) => fmtIndex(s.network[r.m]?.find((x) => x.period === r.period)?.value), num: true },
        ],
        rows,
      })));
}

/**
 * One note for the periods left out of the network and region lines (`withheld['network.<period>']`,
 * `withheld['region.<period>']`), by line and reason, consecutive periods as a range.
 */
function linesNote(s: SeriesResponse): HTMLElement | null {
  const parts: [string, string][] = [];
  const lines = [['network', t('dash.branch.networkLine')], ['region', t('dash.branch.regionLine', { region: s.branch.region })]] as const;
  for (const [line, name] of lines) {
    const byReason = new Map<string, Set<string>>();
    for (const [key, why] of Object.entries(s.withheld)) {
      const period = key.startsWith(`${line}.`) ? key.slice(line.length + 1) : '';
      // Only periods on the chart's axis matter here.
      if (s.periods.includes(period)) byReason.set(why, (byReason.get(why) ?? new Set()).add(period));
    }
    for (const [why, periods] of byReason) parts.push([`${name} ${periodRanges(s.periods, periods)}`, why]);
  }
  return parts.length ? withheldNote('lines', parts, 'note small withheld') : null;
}

/** "in every period" / "in 2024 Q1–2024 Q3, 2025 Q2": the chosen periods of an axis, runs as ranges. */
function periodRanges(axis: readonly string[], chosen: ReadonlySet<string>): string {
  if (axis.every((p) => chosen.has(p))) return t('dash.branch.everyPeriod');
  const runs: string[] = [];
  for (let i = 0; i < axis.length; i++) {
    if (!chosen.has(axis[i]!)) continue;
    let j = i;
    while (j + 1 < axis.length && chosen.has(axis[j + 1]!)) j++;
    runs.push(i === j ? fmtPeriod(axis[i]!) : `${fmtPeriod(axis[i]!)}–${fmtPeriod(axis[j]!)}`);
    i = j;
  }
  return t('dash.branch.inPeriods', { periods: runs.join(', ') });
}

function ipmaSection(r: BranchResultsResponse): HTMLElement {
  if (!r.ipma || r.ipma.rows.length === 0) return section('ipma', t('dash.ipma.titleShort'), note(t('dash.ipma.none')));
  const pts: IpmaPoint[] = r.ipma.rows.filter((x) => x.importance !== null && x.performance !== null)
    .map((x) => ({ construct: x.construct, label: label(x.construct), importance: x.importance!, performance: x.performance! }));
  const mImp = pts.reduce((s, p) => s + p.importance, 0) / pts.length;
  const mPerf = pts.reduce((s, p) => s + p.performance, 0) / pts.length;
  // Priority: above-average importance with below-average performance first, then by the room to gain.
  const ranked = [...pts].sort((a, b) => {
    const qa = a.importance >= mImp && a.performance < mPerf ? 0 : 1, qb = b.importance >= mImp && b.performance < mPerf ? 0 : 1;
    return qa - qb || b.importance * (100 - b.performance) - a.importance * (100 - a.performance);
  });
  return section('ipma', t('dash.ipma.title'),
    h('div', { class: 'chart-pair' },
      h('figure', {}, ipmaChart(t('dash.ipma.chart'), pts), h('figcaption', {}, t('dash.ipma.caption'))),
      h('div', {},
        toolbar(exportLink('ipma', { branch: r.branch.id, period: r.period })),
        table({
          id: 'ipma-table',
          caption: t('dash.ipma.tableCaption'),
          cols: [
            { head: t('dash.ipma.col.priority'), cell: (p) => fmtInt(ranked.indexOf(p) + 1), num: true },
            { head: t('dash.ipma.col.driver'), cell: (p) => p.label, rowHeader: true },
            { head: t('dash.ipma.col.importance'), cell: (p) => fmtCoef(p.importance), num: true },
            { head: t('dash.ipma.col.performance'), cell: (p) => fmtIndex(p.performance), num: true },
          ],
          rows: ranked,
          rowClass: (p) => (p.importance >= mImp && p.performance < mPerf ? 'below' : undefined),
        }))));
}

function loyaltySection(r: BranchResultsResponse): HTMLElement {
  const l = r.loyalty;
  if (!l) {
    const st = r.status?.loyalty;
    return section('loyalty', t('dash.loyalty.titleShort'), note(st && st.state !== 'ok' ? t('dash.loyalty.notEstimatedBecause', { status: statusText(st) }) : t('dash.loyalty.notEstimated')));
  }
  const cite = t('common.cite.rufani');
  return section('loyalty', t('dash.loyalty.title'),
    toolbar(exportLink('loyalty', { branch: r.branch.id, period: r.period })),
    table({
      id: 'loyalty-table',
      caption: t('dash.loyalty.caption', { cite, n: fmtInt(l.n) }),
      cols: [
        { head: t('dash.loyalty.col.model'), cell: (c) => dimName(c.name, c.label), rowHeader: true },
        { head: 'B', cell: (c) => fmtCoef(c.b), num: true },
        { head: t('dash.loyalty.col.se'), cell: (c) => fmtCoef(c.se), num: true },
        { head: 'Beta', cell: (c) => fmtCoef(c.beta), num: true },
        { head: 't', cell: (c) => fmtCoef(c.t), num: true },
        { head: 'Sig.', cell: (c) => fmtP(c.p), num: true },
        { head: '', cell: (c) => h('span', { class: c.p !== null && c.p < 0.05 ? 'sig' : 'muted' }, stars(c.p)) },
      ],
      rows: l.coefficients,
    }),
    h('p', { class: 'r2' }, t('dash.loyalty.fit', {
      r: fmtCoef(l.r), r2: fmtCoef(l.r2), adj: fmtCoef(l.adjR2), df1: fmtInt(l.df.regression), df2: fmtInt(l.df.residual), f: fmtCoef(l.f), p: fmtPIs(l.fP),
      fTable: fmtCoef(l.critical.f), tTable: fmtCoef(l.critical.t),
    })),
    table({
      id: 'items-table',
      caption: t('dash.loyalty.itemsCaption', { cite }),
      cols: [
        { head: t('dash.loyalty.col.dimension'), cell: (d) => dimName(d.name, d.label), rowHeader: true },
        { head: t('dash.loyalty.col.items'), cell: (d) => fmtInt(d.nItems), num: true },
        { head: "Cronbach's α", cell: (d) => fmtCoef(d.alpha), num: true },
        { head: t('dash.loyalty.col.reliability'), cell: (d) => (d.band ? word(BAND_KEY, d.band) : '–') },
        { head: t('dash.loyalty.col.valid'), cell: (d) => t('dash.loyalty.validOf', { valid: fmtInt(d.itemTotal.filter((x) => x.valid).length), total: fmtInt(d.itemTotal.length) }), num: true },
        { head: t('dash.loyalty.col.score'), cell: (d) => `${fmtCoef(d.score.mean, 2)} (${fmtCoef(d.score.sd, 2)})`, num: true },
      ],
      rows: l.dimensions,
    }));
}

function modelSection(r: BranchResultsResponse): HTMLElement {
  const m = r.model;
  if (!m) {
    const st = r.status?.satisfaction;
    return section('branch-model', t('dash.model.branchTitleShort'), note(st && st.state !== 'ok' ? t('dash.loyalty.notEstimatedBecause', { status: statusText(st) }) : t('dash.loyalty.notEstimated')));
  }
  type Row = (typeof m.paths)[number];
  const net = m.comparisons?.network, year = m.comparisons?.previousYear;
  const yearLabel = year?.otherPeriod ? fmtPeriod(year.otherPeriod) : '';
  // The permutation test of the path against the other group (shared/assess/path-tests.ts); a difference at p < 0.05 stands out.
  const testCols = (pick: (p: Row) => Row['vsNetwork'], head: string, headTitle: string, pHead: string, pTitle: string) => [
    { head, title: headTitle, cell: (p: Row) => (p.kind === 'direct' ? fmtCoef(pick(p)?.other ?? null) : ''), num: true },
    {
      head: pHead, title: pTitle, num: true,
      cell: (p: Row) => {
        const x = p.kind === 'direct' ? pick(p) : undefined;
        return x ? h('span', { class: x.p !== null && x.p < 0.05 ? 'sig differs' : 'muted' }, fmtP(x.p)) : '';
      },
    },
  ];
  const notes: (HTMLElement | null)[] = [
    net ? h('p', { class: 'note small path-tests' }, t(net.restSampled ? 'dash.model.pathTestsSampled' : 'dash.model.pathTests', { permutations: fmtInt(net.permutations), n: fmtInt(net.n), nOther: fmtInt(net.nOther) })) : null,
    r.withheld['model.paths.vsNetwork'] ? h('p', { class: 'note small withheld' }, t('dash.model.pathTestsWithheld')) : null,
    year ? h('p', { class: 'note small path-tests' }, t('dash.model.pathTestsYear', { year: yearLabel, permutations: fmtInt(year.permutations), n: fmtInt(year.n), nOther: fmtInt(year.nOther) })) : null,
    net || year ? h('p', { class: 'note small' }, [
      t('dash.model.pathTestsChance'),
      ...(r.weighting.method !== 'unweighted' ? [' ', t('dash.model.pathTestsUnweighted')] : []),
    ]) : null,
  ];
  return section('branch-model', t('dash.model.branchTitle', { period: fmtPeriod(r.period) }),
    table({
      id: 'branch-paths-table',
      caption: t('dash.model.branchCaption', { count: fmtInt(m.bootstrap.nSuccessful), n: fmtInt(m.n) }),
      cols: [
        { head: t('dash.model.col.influence'), cell: (p) => p.label, rowHeader: true },
        { head: t('dash.model.col.coefficientShort'), cell: (p) => fmtCoef(p.estimate), num: true },
        { head: 't', cell: (p) => fmtCoef(p.t), num: true },
        { head: 'p', cell: (p) => fmtP(p.p), num: true },
        { head: t('dash.col.ci'), cell: (p) => fmtCoefCi(p.ciLow, p.ciHigh), num: true },
        { head: '', cell: (p) => h('span', { class: p.p !== null && p.p < 0.05 ? 'sig' : 'muted' }, stars(p.p)) },
        ...(net ? testCols((p) => p.vsNetwork, t('dash.model.col.rest'), t('dash.model.col.restTitle'), t('dash.model.col.restP'), t('dash.model.col.restPTitle')) : []),
        ...(year ? testCols((p) => p.vsPreviousYear, t('dash.model.col.yearBefore', { year: yearLabel }), t('dash.model.col.yearBeforeTitle', { year: yearLabel }), t('dash.model.col.yearP'), t('dash.model.col.yearPTitle', { year: yearLabel })) : []),
      ],
      rows: m.paths,
    }),
    h('p', { class: 'r2' }, Object.entries(m.rSquared).map(([c, v]) => `${label(c)} R² = ${fmtCoef(v.r2)}`).join(' · ')),
    ...notes);
}

function breakdownSection(r: BranchResultsResponse, params: URLSearchParams): HTMLElement {
  type Row = { dim: string; group: string; n: number; indices: Record<string, Estimate | null> };
  const rows: Row[] = Object.entries(r.breakdowns).flatMap(([dim, groups]) => Object.entries(groups).map(([group, v]) => ({ dim, group, n: v.n, indices: v.indices })));
  const sel = params.get('segment') ? ['segment', params.get('segment')] : params.get('programme') ? ['programme', params.get('programme')] : null;
  const prog = r.programmes;
  return section('breakdowns', t('dash.breakdown.title'),
    table({
      id: 'breakdown-table',
      caption: t('dash.breakdown.caption'),
      cols: [
        { head: t('dash.breakdown.col.group'), cell: (x) => (x.dim === 'segment' ? t('dash.breakdown.segment', { group: segmentName(x.group) }) : t('dash.breakdown.programme', { group: x.group })), rowHeader: true },
        { head: 'n', cell: (x) => fmtInt(x.n), num: true },
        ...METRICS.map((m) => ({ head: label(m), cell: (x: Row) => fmtIndex(x.indices[m]?.value), num: true })),
        { head: t('dash.breakdown.col.satisfied'), cell: (x) => (x.dim === 'programme' ? fmtPct(prog?.cells[x.group]?.share) : '–'), num: true, title: t('dash.breakdown.col.satisfiedTitle') },
      ],
      rows,
      rowClass: (x) => (sel && x.dim === sel[0] && x.group === sel[1] ? 'selected' : undefined),
    }));
}

/**
 * Respondents delivered twice with different answers are never settled by arrival order: the later rows are held
 * and both drops say so, until someone decides which copy is right.
 */
function conflictCell(x: DropsResponse['drops'][number]): HTMLElement | string {
  const parts: string[] = [];
  if (x.conflictRows) parts.push(t('dash.drops.conflictRows', { count: fmtInt(x.conflictRows) }));
  if (x.conflictedBy) parts.push(t('dash.drops.conflictedBy', { count: fmtInt(x.conflictedBy) }));
  return parts.length ? h('span', { class: 'warn-text', 'data-conflicts': String(x.conflictRows) }, parts.join('; ')) : '—';
}

/** When a drop arrived, as a date and time in the reader's time zone. */
function receivedText(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const time = new Intl.DateTimeFormat(INTL_TAG[fmt().locale], { hour: '2-digit', minute: '2-digit' }).format(d);
  return `${fmt().date(iso, Intl.DateTimeFormat().resolvedOptions().timeZone)} ${time}`;
}

function dropsSection(d: DropsResponse): HTMLElement {
  const mixed = d.drops.find((x) => x.withheld)?.withheld;
  const headOffice = t('dash.drops.headOfficeOnly');
  return section('drops', t('dash.drops.titleLong'),
    toolbar(exportLink('drops', { branch: d.branch.id })),
    table({
      id: 'drops-table',
      caption: t('dash.drops.caption'),
      cols: [
        // A manager and a file with other branches' rows: their branch's clean part stands in for the file.
        { head: t('dash.drops.col.file'), cell: (x) => (x.withheld
          ? h('span', { title: `${reasonText(x.withheld)} (${x.sha256})` }, t('dash.drops.headOfficeFile'), h('span', { class: 'file drop-part' }, x.file))
          : h('span', { class: 'file', title: x.sha256 }, x.file)), rowHeader: true },
        { head: t('dash.drops.col.received'), cell: (x) => receivedText(x.receivedAt) },
        { head: t('dash.drops.col.periods'), cell: (x) => x.periods.map(fmtPeriod).join(', ') },
        { head: t('dash.drops.col.responses'), cell: (x) => fmtInt(x.branchRows), num: true },
        { head: t('dash.drops.col.rows'), cell: (x) => (x.withheld ? withheldMark(x.withheld, headOffice) : fmtInt(x.rows)), num: true },
        { head: t('dash.drops.col.rejected'), cell: (x) => (x.withheld ? withheldMark(x.withheld, headOffice) : h('span', { class: x.rejected ? 'warn-text' : undefined }, fmtInt(x.rejected))), num: true },
        { head: t('dash.drops.col.conflicts'), cell: conflictCell },
        { head: t('dash.drops.col.status'), cell: (x) => word(DROP_STATUS_KEY, x.status) },
      ],
      rows: d.drops,
      empty: t('dash.drops.none'),
    }),
    mixed ? h('p', { class: 'note small withheld', 'data-withheld': 'drops' }, t('dash.drops.headOfficeFiles', { reason: reasonText(mixed) })) : null);
}

/**
 * Free-text answers of the period, as the API returns them (oldest drop first). Participants' text is data: it goes
 * into the page as text nodes only (h() never parses HTML), so `<script>` or `=HYPERLINK(...)` shows as written.
 */
function commentsSection(c: CommentsResponse): HTMLElement {
  const columns = new Set(c.comments.map((x) => x.column));
  const period = fmtPeriod(c.period);
  return section('comments', t('dash.comments.title'),
    toolbar(exportLink('comments', { branch: c.branch.id, period: c.period })),
    c.comments.length
      ? h('ul', { id: 'comments-list', class: 'comments', 'aria-label': t('dash.comments.label', { period }) },
        c.comments.map((x) => h('li', { class: 'comment' },
          // The question only when the survey has more than one free-text question.
          columns.size > 1 ? h('span', { class: 'comment-column small' }, x.column) : null,
          h('p', { class: 'comment-text' }, x.text))))
      : h('p', { class: 'empty', 'data-empty': 'comments' }, t('dash.comments.none', { period })),
    c.comments.length ? note(t('dash.comments.count', { count: fmtInt(c.comments.length), period }), 'note small') : null);
}
