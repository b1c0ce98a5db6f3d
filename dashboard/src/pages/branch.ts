// One branch: every index by quarter with CI bands against the network, the importance-performance map of the
// satisfaction drivers, the loyalty regression (seed-003 Table 17), alerts with their evidence, and the survey
// drops with their rejected-row counts, and what participants wrote in the free-text questions.
import {
  METRICS, type AlertsResponse, type BranchResultsResponse, type CommentsResponse, type DropsResponse, type MeResponse, type SeriesResponse,
} from '../../../shared/api/types';
import { get } from '../api';
import { ipmaChart, trendChart, type IpmaPoint } from '../charts';
import { h } from '../dom';
import { filterBar } from '../filters';
import { fmtCi, fmtCoef, fmtIndex, fmtInt, fmtP, fmtPct, fmtPeriod, stars } from '../format';
import { selectedPeriod } from '../state';
import { exportLink, note, section, table, toolbar } from '../table';
import { alertTable } from './alerts';
import { changeCell, errorBox, label, metricCard, reasonText, withheldMark, withheldNote } from '../ui';

export async function renderBranch(root: HTMLElement, me: MeResponse, branch: string, params: URLSearchParams, go: (p: URLSearchParams) => void, goBranch: (id: string) => void): Promise<void> {
  const kind = params.get('kind') === 'Y' ? 'Y' : 'Q';
  // Results are per quarter on this page unless a full year is chosen.
  const period = selectedPeriod(me, params) ?? me.periods.quarters.at(-1);
  const bar = filterBar(me, params, { branch: true, year: true, quarter: true, kind: true, programme: true, segment: true }, go, { id: branch, onChange: goBranch });
  const info = me.branches.find((b) => b.id === branch);
  const head = h('header', { class: 'page-head' },
    h('h1', {}, info ? `${info.id} ${info.name}` : `Branch ${branch}`),
    h('p', { class: 'subtitle' }, [info?.region ? `Region ${info.region}` : '', period ? `results for ${fmtPeriod(period)}` : ''].filter(Boolean).join(' · ')));
  root.append(head, bar);

  const [series, results, alerts, drops, comments] = await Promise.allSettled([
    get<SeriesResponse>(`branches/${encodeURIComponent(branch)}/series`, { kind }),
    period ? get<BranchResultsResponse>(`branches/${encodeURIComponent(branch)}/results`, { period }) : Promise.reject(new Error('no period')),
    get<AlertsResponse>(`branches/${encodeURIComponent(branch)}/alerts`),
    get<DropsResponse>(`branches/${encodeURIComponent(branch)}/drops`),
    period ? get<CommentsResponse>(`branches/${encodeURIComponent(branch)}/comments`, { period }) : Promise.reject(new Error('no period')),
  ]);
  // A refused branch: one message, nothing else.
  const refused = [series, results, alerts, drops, comments].find((r) => r.status === 'rejected' && (r.reason as { status?: number }).status === 403);
  if (refused && refused.status === 'rejected') {
    bar.remove();
    head.querySelector('.subtitle')?.remove();
    root.append(errorBox(refused.reason));
    if (me.user.branch) root.append(h('p', {}, h('a', { href: `#/branch/${encodeURIComponent(me.user.branch)}` }, `Go to your branch ${me.user.branch}`)));
    return;
  }

  if (results.status === 'fulfilled') root.append(indicesSection(results.value));
  else root.append(section('branch-indices', 'Indices', errorBox(results.reason)));
  if (series.status === 'fulfilled') root.append(trendSection(series.value));
  else root.append(section('trends', 'Trends', errorBox(series.reason)));
  if (alerts.status === 'fulfilled') {
    root.append(section('branch-alerts', 'Alerts',
      toolbar(exportLink('branch-alerts', { branch })),
      alertTable(alerts.value.alerts, { showBranch: false, caption: 'Declining-index alerts of this branch, open first, with their evidence' })));
  }
  if (results.status === 'fulfilled') {
    const r = results.value;
    root.append(ipmaSection(r), loyaltySection(r), modelSection(r), breakdownSection(r, params));
  }
  if (drops.status === 'fulfilled') root.append(dropsSection(drops.value));
  else root.append(section('drops', 'Survey drops', errorBox(drops.reason)));
  if (comments.status === 'fulfilled') root.append(commentsSection(comments.value));
  else root.append(section('comments', 'What participants wrote', errorBox(comments.reason)));
}

function indicesSection(r: BranchResultsResponse): HTMLElement {
  const whyNet = r.withheld.network;
  const cards = h('div', { class: 'cards' }, METRICS.map((m, i) => metricCard(m, r.indices[m], [
    whyNet
      ? h('div', { class: 'metric-change' }, 'vs network: ', withheldMark(whyNet))
      : h('div', { class: 'metric-change' }, `vs network ${fmtIndex(r.network[m]?.value)}: `, changeCell(r.vsNetwork[m])),
  ], i < 3 ? 'big' : 'small')));
  const st = r.status;
  return section('branch-indices', `Indices ${fmtPeriod(r.period)}`, cards,
    whyNet ? withheldNote('network', [[`the network figures of ${fmtPeriod(r.period)} and the comparison with them`, whyNet]], 'note small withheld') : null,
    st && st.satisfaction.state !== 'ok' ? note(`Satisfaction model not estimated (${st.satisfaction.state}${st.satisfaction.reason ? `: ${st.satisfaction.reason}` : ''}); indices are equal-weight.`, 'note warn') : null);
}

function trendSection(s: SeriesResponse): HTMLElement {
  const grid = h('div', { class: 'trend-grid' }, METRICS.map((m) => h('figure', { 'data-metric': m },
    h('figcaption', {}, label(m)),
    trendChart(`${label(m)} index by ${s.kind === 'Q' ? 'quarter' : 'year'}`, s.series[m] ?? [], s.network[m] ?? [], s.region[m] ?? [], s.branch.region ? `Region ${s.branch.region}` : null, s.periods))));
  const withheldLines = linesNote(s);
  type Row = { m: string; period: string };
  const rows: Row[] = METRICS.flatMap((m) => (s.series[m] ?? []).map((p) => ({ m, period: p.period })));
  const pt = (r: Row) => s.series[r.m]!.find((x) => x.period === r.period)!;
  return section('trends', `Trends by ${s.kind === 'Q' ? 'quarter' : 'year'}`,
    note('Blue: this branch with its 95% confidence band; dashed grey: the network; dotted: the region.', 'note small'),
    grid,
    withheldLines,
    h('details', { class: 'data' }, h('summary', {}, 'Data table'),
      toolbar(exportLink('series', { branch: s.branch.id, kind: s.kind })),
      table({
        id: 'series-table',
        caption: `Indices of ${s.branch.id} by ${s.kind === 'Q' ? 'quarter' : 'year'}`,
        cols: [
          { head: 'Index', cell: (r) => label(r.m) },
          { head: 'Period', cell: (r) => fmtPeriod(r.period), rowHeader: true },
          { head: 'Value', cell: (r) => fmtIndex(pt(r).value), num: true },
          { head: '95% CI', cell: (r) => fmtCi(pt(r).ciLow, pt(r).ciHigh), num: true },
          { head: 'n', cell: (r) => fmtInt(pt(r).n), num: true },
          { head: 'Network', cell: (r) => fmtIndex(s.network[r.m]?.find((x) => x.period === r.period)?.value), num: true },
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
  for (const [line, name] of [['network', 'the network line'], ['region', `the region ${s.branch.region} line`]] as const) {
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
  if (axis.every((p) => chosen.has(p))) return 'in every period';
  const runs: string[] = [];
  for (let i = 0; i < axis.length; i++) {
    if (!chosen.has(axis[i]!)) continue;
    let j = i;
    while (j + 1 < axis.length && chosen.has(axis[j + 1]!)) j++;
    runs.push(i === j ? fmtPeriod(axis[i]!) : `${fmtPeriod(axis[i]!)}–${fmtPeriod(axis[j]!)}`);
    i = j;
  }
  return `in ${runs.join(', ')}`;
}

function ipmaSection(r: BranchResultsResponse): HTMLElement {
  if (!r.ipma || r.ipma.rows.length === 0) return section('ipma', 'What to improve first', note('No importance-performance map: the satisfaction model was not estimated for this period.'));
  const pts: IpmaPoint[] = r.ipma.rows.filter((x) => x.importance !== null && x.performance !== null)
    .map((x) => ({ construct: x.construct, label: label(x.construct), importance: x.importance!, performance: x.performance! }));
  const mImp = pts.reduce((s, p) => s + p.importance, 0) / pts.length;
  const mPerf = pts.reduce((s, p) => s + p.performance, 0) / pts.length;
  // Priority: above-average importance with below-average performance first, then by the room to gain.
  const ranked = [...pts].sort((a, b) => {
    const qa = a.importance >= mImp && a.performance < mPerf ? 0 : 1, qb = b.importance >= mImp && b.performance < mPerf ? 0 : 1;
    return qa - qb || b.importance * (100 - b.performance) - a.importance * (100 - a.performance);
  });
  return section('ipma', 'What to improve first: importance-performance map of satisfaction',
    h('div', { class: 'chart-pair' },
      h('figure', {}, ipmaChart('Importance-performance map', pts), h('figcaption', {}, 'Red: important drivers performing below average — improve these first.')),
      h('div', {},
        toolbar(exportLink('ipma', { branch: r.branch.id, period: r.period })),
        table({
          id: 'ipma-table',
          caption: 'Drivers of satisfaction: importance (total effect) and performance (0-100)',
          cols: [
            { head: 'Priority', cell: (p) => String(ranked.indexOf(p) + 1), num: true },
            { head: 'Driver', cell: (p) => p.label, rowHeader: true },
            { head: 'Importance', cell: (p) => fmtCoef(p.importance), num: true },
            { head: 'Performance', cell: (p) => fmtIndex(p.performance), num: true },
          ],
          rows: ranked,
          rowClass: (p) => (p.importance >= mImp && p.performance < mPerf ? 'below' : undefined),
        }))));
}

function loyaltySection(r: BranchResultsResponse): HTMLElement {
  const l = r.loyalty;
  if (!l) return section('loyalty', 'Loyalty regression', note(`Not estimated${r.status?.loyalty.reason ? `: ${r.status.loyalty.reason}` : ''}.`));
  return section('loyalty', 'Loyalty on the five service-quality dimensions',
    toolbar(exportLink('loyalty', { branch: r.branch.id, period: r.period })),
    table({
      id: 'loyalty-table',
      caption: `Multiple linear regression of loyalty (as seed-003 Table 17), n = ${l.n}`,
      cols: [
        { head: 'Model', cell: (c) => c.label, rowHeader: true },
        { head: 'B', cell: (c) => fmtCoef(c.b), num: true },
        { head: 'Std. Error', cell: (c) => fmtCoef(c.se), num: true },
        { head: 'Beta', cell: (c) => fmtCoef(c.beta), num: true },
        { head: 't', cell: (c) => fmtCoef(c.t), num: true },
        { head: 'Sig.', cell: (c) => fmtP(c.p), num: true },
        { head: '', cell: (c) => h('span', { class: c.p !== null && c.p < 0.05 ? 'sig' : 'muted' }, stars(c.p)) },
      ],
      rows: l.coefficients,
    }),
    h('p', { class: 'r2' }, `R = ${fmtCoef(l.r)} · R² = ${fmtCoef(l.r2)} · adjusted R² = ${fmtCoef(l.adjR2)} · F(${l.df.regression}, ${l.df.residual}) = ${fmtCoef(l.f)}, p = ${fmtP(l.fP)} (F table ${fmtCoef(l.critical.f)}; t table ${fmtCoef(l.critical.t)})`),
    table({
      id: 'items-table',
      caption: "Reliability of each dimension (Cronbach's α with the seed-003 Table 9 band) and item validity",
      cols: [
        { head: 'Dimension', cell: (d) => d.label, rowHeader: true },
        { head: 'Items', cell: (d) => String(d.nItems), num: true },
        { head: "Cronbach's α", cell: (d) => fmtCoef(d.alpha), num: true },
        { head: 'Reliability', cell: (d) => d.band ?? '–' },
        { head: 'Items valid', cell: (d) => `${d.itemTotal.filter((t) => t.valid).length} of ${d.itemTotal.length}`, num: true },
        { head: 'Score mean (SD)', cell: (d) => `${fmtCoef(d.score.mean, 2)} (${fmtCoef(d.score.sd, 2)})`, num: true },
      ],
      rows: l.dimensions,
    }));
}

function modelSection(r: BranchResultsResponse): HTMLElement {
  const m = r.model;
  if (!m) return section('branch-model', 'Satisfaction model', note(`Not estimated${r.status?.satisfaction.reason ? `: ${r.status.satisfaction.reason}` : ''}.`));
  return section('branch-model', `Satisfaction model of the branch, ${fmtPeriod(r.period)}`,
    table({
      id: 'branch-paths-table',
      caption: `Path coefficients with bootstrap t and p (${m.bootstrap.nSuccessful} resamples), n = ${m.n}`,
      cols: [
        { head: 'Influence', cell: (p) => p.label, rowHeader: true },
        { head: 'Coefficient', cell: (p) => fmtCoef(p.estimate), num: true },
        { head: 't', cell: (p) => fmtCoef(p.t), num: true },
        { head: 'p', cell: (p) => fmtP(p.p), num: true },
        { head: '95% CI', cell: (p) => `${fmtCoef(p.ciLow)} to ${fmtCoef(p.ciHigh)}`, num: true },
        { head: '', cell: (p) => h('span', { class: p.p !== null && p.p < 0.05 ? 'sig' : 'muted' }, stars(p.p)) },
      ],
      rows: m.paths,
    }),
    h('p', { class: 'r2' }, Object.entries(m.rSquared).map(([c, v]) => `${label(c)} R² = ${fmtCoef(v.r2)}`).join(' · ')));
}

function breakdownSection(r: BranchResultsResponse, params: URLSearchParams): HTMLElement {
  type Row = { dim: string; group: string; n: number; indices: Record<string, import('../../../shared/api/types').Estimate | null> };
  const rows: Row[] = Object.entries(r.breakdowns).flatMap(([dim, groups]) => Object.entries(groups).map(([group, v]) => ({ dim, group, n: v.n, indices: v.indices })));
  const sel = params.get('segment') ? ['segment', params.get('segment')] : params.get('programme') ? ['programme', params.get('programme')] : null;
  const prog = r.programmes;
  return section('breakdowns', 'By segment and programme',
    table({
      id: 'breakdown-table',
      caption: 'Equal-weight indices by participant segment (PU wage earners, BPU non-wage) and by programme',
      cols: [
        { head: 'Group', cell: (x) => `${x.dim === 'segment' ? 'Segment' : 'Programme'} ${x.group}`, rowHeader: true },
        { head: 'n', cell: (x) => fmtInt(x.n), num: true },
        ...METRICS.map((m) => ({ head: m, cell: (x: Row) => fmtIndex(x.indices[m]?.value), num: true })),
        { head: '% satisfied', cell: (x) => (x.dim === 'programme' ? fmtPct(prog?.cells[x.group]?.share) : '–'), num: true, title: 'share answering 4 or 5 on the programme satisfaction item' },
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
  if (x.conflictRows) parts.push(`${fmtInt(x.conflictRows)} row(s) held: already delivered by an earlier drop with other answers`);
  if (x.conflictedBy) parts.push(`${fmtInt(x.conflictedBy)} later drop(s) sent some of these respondents again with other answers`);
  return parts.length ? h('span', { class: 'warn-text', 'data-conflicts': String(x.conflictRows) }, parts.join('; ')) : '—';
}

function dropsSection(d: DropsResponse): HTMLElement {
  const mixed = d.drops.find((x) => x.withheld)?.withheld;
  return section('drops', 'Survey drops and rejected rows',
    toolbar(exportLink('drops', { branch: d.branch.id })),
    table({
      id: 'drops-table',
      caption: 'Uploaded survey files that delivered rows for this branch',
      cols: [
        // A manager and a file with other branches' rows: their branch's clean part stands in for the file.
        { head: 'File', cell: (x) => (x.withheld
          ? h('span', { title: `${reasonText(x.withheld)} (${x.sha256})` }, "Head-office file (your branch's rows only)", h('span', { class: 'file drop-part' }, x.file))
          : h('span', { class: 'file', title: x.sha256 }, x.file)), rowHeader: true },
        { head: 'Received', cell: (x) => (x.receivedAt ?? '').replace('T', ' ').slice(0, 16) },
        { head: 'Periods', cell: (x) => x.periods.map(fmtPeriod).join(', ') },
        { head: 'Responses (this branch)', cell: (x) => fmtInt(x.branchRows), num: true },
        { head: 'Rows in file', cell: (x) => (x.withheld ? withheldMark(x.withheld, 'head office only') : fmtInt(x.rows)), num: true },
        { head: 'Rejected rows', cell: (x) => (x.withheld ? withheldMark(x.withheld, 'head office only') : h('span', { class: x.rejected ? 'warn-text' : undefined }, fmtInt(x.rejected))), num: true },
        { head: 'Conflicts to decide', cell: conflictCell },
        { head: 'Status', cell: (x) => x.status },
      ],
      rows: d.drops,
      empty: 'No drops found for this branch.',
    }),
    mixed ? h('p', { class: 'note small withheld', 'data-withheld': 'drops' }, `Head-office files: ${reasonText(mixed)}.`) : null);
}


/**
 * Free-text answers of the period, as the API returns them (oldest drop first). Participants' text is data: it goes
 * into the page as text nodes only (h() never parses HTML), so `<script>` or `=HYPERLINK(...)` shows as written.
 */
function commentsSection(c: CommentsResponse): HTMLElement {
  const columns = new Set(c.comments.map((x) => x.column));
  return section('comments', 'What participants wrote',
    toolbar(exportLink('comments', { branch: c.branch.id, period: c.period })),
    c.comments.length
      ? h('ul', { id: 'comments-list', class: 'comments', 'aria-label': `Written answers, ${fmtPeriod(c.period)}` },
        c.comments.map((x) => h('li', { class: 'comment' },
          // The question only when the survey has more than one free-text question.
          columns.size > 1 ? h('span', { class: 'comment-column small' }, x.column) : null,
          h('p', { class: 'comment-text' }, x.text))))
      : h('p', { class: 'empty', 'data-empty': 'comments' }, `No written answers for ${fmtPeriod(c.period)}.`),
    c.comments.length ? note(`${fmtInt(c.comments.length)} written answer(s) in ${fmtPeriod(c.period)}, oldest upload first.`, 'note small') : null);
}
