// Every open alert of the network (or of the user's branch), newest first, filterable by region; below them, in a
// section of their own, the open watches (the second tier: a branch's own test significant, not the network's).
import type { AlertView, AlertsResponse, MeResponse, WatchView } from '../../../shared/api/types';
import { get } from '../api';
import { h } from '../dom';
import { filterBar } from '../filters';
import { fmtCi, fmtIndex, fmtP, fmtPeriod, fmtSigned } from '../format';
import { t } from '../i18n';
import { exportLink, note, section, table, toolbar } from '../table';
import { branchLink, errorBox, label, watchExplain } from '../ui';

/** The alert rule's two tests in words (a literal map: the catalogue test sees the keys). */
const TEST_KEY = { abrupt: 'dash.alerts.test.abrupt', sustained: 'dash.alerts.test.sustained', band: 'dash.alerts.test.band' } as const;
/** A driver's move: an index in points (one decimal), an unsur's NRR on its 1-4 scale (two). */
const driverText = (d: AlertView['drivers'][number]) => `${label(d.construct)} ${fmtSigned(d.change, d.construct.startsWith('NRR_') ? 2 : 1)}`;
/** The test in words; an annual alert names its year and the year it is compared with. */
function testName(a: AlertView): string {
  if (a.test === 'annual') return t('dash.alerts.test.annual', { year: fmtPeriod(a.lastPeriod), previous: fmtPeriod(String(Number(a.lastPeriod) - 1)) });
  return a.test in TEST_KEY ? t(TEST_KEY[a.test as keyof typeof TEST_KEY]) : a.test;
}

/** An episode's status: an alert's red badge, or the watch tier's own (ended, or became an alert). */
function statusBadge(a: AlertView | WatchView, watch: boolean): HTMLElement {
  const resolved = a.resolvedIn ? fmtPeriod(a.resolvedIn) : '';
  if (watch) {
    const text = a.status === 'open' ? t('dash.watch.open') : (a as WatchView).resolvedBy === 'alert' ? t('dash.watch.becameAlert', { period: resolved }) : t('dash.watch.resolved', { period: resolved });
    return h('span', { class: a.status === 'open' ? 'badge watch' : 'badge', 'data-watch-status': a.status }, text.trim());
  }
  return h('span', { class: a.status === 'open' ? 'badge alert' : 'badge', 'data-alert-status': a.status },
    a.status === 'open' ? t('dash.alerts.open') : t('dash.alerts.resolved', { period: resolved }).trim());
}

/** Alerts, or (`watch`) watches: the same evidence, each tier in its own words and look. */
export function alertTable(alerts: (AlertView | WatchView)[], opts: { showBranch: boolean; caption: string; watch?: boolean; empty?: string }): HTMLElement {
  const watch = !!opts.watch;
  return table<AlertView>({
    id: `${opts.showBranch ? '' : 'branch-'}${watch ? 'watches' : 'alerts'}-table`,
    caption: opts.caption,
    cols: [
      { head: t('dash.alerts.col.since'), cell: (a) => fmtPeriod(a.since), rowHeader: !opts.showBranch },
      ...(opts.showBranch ? [
        { head: t('dash.col.branch'), cell: (a: AlertView) => branchLink(a.branch, a.name), rowHeader: true },
        { head: t('dash.col.region'), cell: (a: AlertView) => a.region },
      ] : []),
      { head: t('dash.col.index'), cell: (a) => label(a.metric) },
      { head: t('dash.alerts.col.status'), cell: (a) => statusBadge(a, watch) },
      { head: t('dash.alerts.col.decline'), cell: (a) => fmtIndex(a.decline), num: true, title: t('dash.alerts.col.declineTitle') },
      { head: t('dash.col.ci'), cell: (a) => fmtCi(a.declineCi[0], a.declineCi[1]), num: true },
      { head: t('dash.alerts.col.baseline'), cell: (a) => `${fmtIndex(a.baseline)} → ${fmtIndex(a.current)}${a.bands ? ` (${a.bands.from} → ${a.bands.to})` : ''}`, num: true },
      watch
        ? { head: t('dash.watch.col.p'), cell: (a) => `${fmtP(a.p)} (${fmtP(a.bhThreshold)})`, num: true, title: t('dash.watch.col.pTitle') }
        : { head: t('dash.alerts.col.p'), cell: (a) => `${fmtP(a.p)} (${fmtP(a.bhThreshold)})`, num: true, title: t('dash.alerts.col.pTitle') },
      { head: t('dash.alerts.col.test'), cell: (a) => testName(a) },
      { head: t('dash.alerts.col.lastConfirmed'), cell: (a) => fmtPeriod(a.lastPeriod) },
      { head: t('dash.alerts.col.drivers'), cell: (a) => a.drivers.map(driverText).join(', ') || '–' },
    ],
    rows: alerts,
    rowClass: (a) => (a.status === 'open' ? (watch ? 'open watch' : 'open') : undefined),
    empty: opts.empty ?? (watch ? t('dash.watch.none') : t('dash.alerts.none')),
  });
}

/** The watches section (alerts page and branch page): what a watch is, then the table. */
export function watchSection(id: string, title: string, watches: WatchView[], opts: { showBranch: boolean; caption: string; exportTable: string; exportParams: Record<string, string | undefined> }): HTMLElement {
  return section(id, title,
    h('p', { class: 'note small watch-explain' }, watchExplain()),
    toolbar(exportLink(opts.exportTable, opts.exportParams)),
    alertTable(watches, { showBranch: opts.showBranch, caption: opts.caption, watch: true }));
}

export async function renderAlerts(root: HTMLElement, me: MeResponse, params: URLSearchParams, go: (p: URLSearchParams) => void): Promise<void> {
  const region = params.get('region') ?? undefined;
  root.append(h('header', { class: 'page-head' }, h('h1', {}, t('dash.alerts.title')),
    h('p', { class: 'subtitle' }, region ? t('dash.scope.region', { region }) : me.user.role === 'head-office' ? t('dash.alerts.wholeNetwork') : t('dash.alerts.ownBranch', { branch: me.user.branch ?? '' }))),
  filterBar(me, params, { region: me.user.role === 'head-office' }, go));
  let r: AlertsResponse;
  try {
    r = await get<AlertsResponse>('alerts', { region });
  } catch (e) {
    root.append(errorBox(e));
    return;
  }
  root.append(section('alerts', r.alerts.length === 1 ? t('dash.alerts.countOne') : t('dash.alerts.count', { count: r.alerts.length }),
    note(t('dash.alerts.rule'), 'note small'),
    toolbar(exportLink('alerts', { region })),
    alertTable(r.alerts, { showBranch: true, caption: t('dash.alerts.caption') })));
  const watches = r.watches ?? [];
  root.append(watchSection('watches', watches.length === 1 ? t('dash.watch.countOne') : t('dash.watch.count', { count: watches.length }), watches,
    { showBranch: true, caption: t('dash.watch.caption'), exportTable: 'watches', exportParams: { region } }));
}
