// Every open alert of the network (or of the user's branch), newest first, filterable by region.
import type { AlertView, AlertsResponse, MeResponse } from '../../../shared/api/types';
import { get } from '../api';
import { h } from '../dom';
import { filterBar } from '../filters';
import { fmtCi, fmtIndex, fmtP, fmtPeriod, fmtSigned } from '../format';
import { exportLink, note, section, table, toolbar } from '../table';
import { branchLink, errorBox, label } from '../ui';

export function alertTable(alerts: AlertView[], opts: { showBranch: boolean; caption: string }): HTMLElement {
  return table<AlertView>({
    id: opts.showBranch ? 'alerts-table' : 'branch-alerts-table',
    caption: opts.caption,
    cols: [
      { head: 'Since', cell: (a) => fmtPeriod(a.since), rowHeader: !opts.showBranch },
      ...(opts.showBranch ? [
        { head: 'Branch', cell: (a: AlertView) => branchLink(a.branch, a.name), rowHeader: true },
        { head: 'Region', cell: (a: AlertView) => a.region },
      ] : []),
      { head: 'Index', cell: (a) => label(a.metric) },
      { head: 'Status', cell: (a) => h('span', { class: a.status === 'open' ? 'badge alert' : 'badge' }, a.status === 'open' ? 'open' : `resolved ${a.resolvedIn ? fmtPeriod(a.resolvedIn) : ''}`) },
      { head: 'Decline (points)', cell: (a) => fmtIndex(a.decline), num: true, title: 'baseline minus current' },
      { head: '95% CI', cell: (a) => fmtCi(a.declineCi[0], a.declineCi[1]), num: true },
      { head: 'Baseline → current', cell: (a) => `${fmtIndex(a.baseline)} → ${fmtIndex(a.current)}`, num: true },
      { head: 'p (BH threshold)', cell: (a) => `${fmtP(a.p)} (${fmtP(a.bhThreshold)})`, num: true, title: 'one-sided decline test; Benjamini-Hochberg threshold across all branches of the assessment' },
      { head: 'Test', cell: (a) => a.test },
      { head: 'Last confirmed', cell: (a) => fmtPeriod(a.lastPeriod) },
      { head: 'Driver change (points)', cell: (a) => a.drivers.map((d) => `${d.construct} ${fmtSigned(d.change)}`).join(', ') || '–' },
    ],
    rows: alerts,
    rowClass: (a) => (a.status === 'open' ? 'open' : undefined),
    empty: 'No alerts.',
  });
}

export async function renderAlerts(root: HTMLElement, me: MeResponse, params: URLSearchParams, go: (p: URLSearchParams) => void): Promise<void> {
  const region = params.get('region') ?? undefined;
  root.append(h('header', { class: 'page-head' }, h('h1', {}, 'Open alerts'),
    h('p', { class: 'subtitle' }, region ? `Region ${region}` : me.user.role === 'head-office' ? 'Whole network' : `Branch ${me.user.branch}`)),
  filterBar(me, params, { region: me.user.role === 'head-office' }, go));
  let r: AlertsResponse;
  try {
    r = await get<AlertsResponse>('alerts', { region });
  } catch (e) {
    root.append(errorBox(e));
    return;
  }
  root.append(section('alerts', `${r.alerts.length} open alert${r.alerts.length === 1 ? '' : 's'}`,
    note('An alert opens when a branch’s index falls significantly below its own baseline (abrupt or sustained over two quarters), after a Benjamini-Hochberg correction across all branches, by at least 2 points.', 'note small'),
    toolbar(exportLink('alerts', { region })),
    alertTable(r.alerts, { showBranch: true, caption: 'Open alerts, newest first, with the evidence of their latest confirmation' })));
}
