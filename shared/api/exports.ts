// CSV exports: every table the dashboard shows, from the same views as the JSON endpoints (so the export and
// the screen cannot disagree, and a figure the disclosure rule withholds is empty in both, with the reason in a
// 'Withheld' column that appears only when something was withheld), written by ./csv.ts (Excel-safe).
import { AuthError, type Principal } from '../auth';
import { commentsView } from './comments';
import { toCsv, type CsvColumn } from './csv';
import { ApiError, branchId, oneOf, periodParam, tokenParam } from './params';
import type { DashboardStore } from './store';
import { METRIC_LABELS, METRICS, type AlertView, type Estimate, type PathRow } from './types';
import {
  alertsView, branchAlertsView, branchResultsView, dropsView, modelView, overviewView, programmesView, seriesView, wholeDisclosure,
} from './views';

type Query = Record<string, string | undefined>;
export interface CsvExport { fileName: string; csv: string }

const pct = (x: number | null | undefined) => (x === null || x === undefined ? null : x * 100);

function estimateColumns<T>(prefix: string, get: (r: T) => Estimate | null | undefined): CsvColumn<T>[] {
  return [
    { header: `${prefix} index`, value: (r) => get(r)?.value },
    { header: `${prefix} CI low`, value: (r) => get(r)?.ciLow },
    { header: `${prefix} CI high`, value: (r) => get(r)?.ciHigh },
    { header: `${prefix} margin of error`, value: (r) => get(r)?.moe },
    { header: `${prefix} n`, value: (r) => get(r)?.n },
  ];
}

const pathColumns: CsvColumn<PathRow>[] = [
  { header: 'Path', value: (r) => r.label },
  { header: 'Kind', value: (r) => r.kind },
  { header: 'Coefficient', value: (r) => r.estimate },
  { header: 'Bootstrap SD', value: (r) => r.sd },
  { header: 't', value: (r) => r.t },
  { header: 'p', value: (r) => r.p },
  { header: 'CI low', value: (r) => r.ciLow },
  { header: 'CI high', value: (r) => r.ciHigh },
];

const alertColumns: CsvColumn<AlertView>[] = [
  { header: 'Branch', value: (r) => r.branch },
  { header: 'Name', value: (r) => r.name },
  { header: 'Region', value: (r) => r.region },
  { header: 'Index', value: (r) => r.metric },
  { header: 'Since', value: (r) => r.since },
  { header: 'Last confirmed', value: (r) => r.lastPeriod },
  { header: 'Status', value: (r) => r.status },
  { header: 'Resolved in', value: (r) => r.resolvedIn },
  { header: 'Decline (points)', value: (r) => r.decline },
  { header: 'Decline CI low', value: (r) => r.declineCi[0] },
  { header: 'Decline CI high', value: (r) => r.declineCi[1] },
  { header: 'Baseline', value: (r) => r.baseline },
  { header: 'Current', value: (r) => r.current },
  { header: 'p', value: (r) => r.p },
  { header: 'BH threshold', value: (r) => r.bhThreshold },
  { header: 'Test', value: (r) => r.test },
  { header: 'Drivers (change)', value: (r) => r.drivers.map((d) => `${d.construct} ${d.change === null ? '' : d.change.toFixed(1)}`).join('; ') },
];

/** A 'Withheld' column: why a row's figures are empty for this user; none when nothing was withheld. */
function withheldColumn<T>(any: boolean, why: (r: T) => (string | undefined)[]): CsvColumn<T>[] {
  return any ? [{ header: 'Withheld', value: (r) => [...new Set(why(r).filter(Boolean))].join('; ') }] : [];
}

/** The model of the request: a branch's (branch=) or the network's / a region's (403 when the rule withholds it). */
async function modelFor(store: DashboardStore, p: Principal, q: Query) {
  const period = periodParam(q);
  if (q.branch) return (await branchResultsView(store, p, branchId(q.branch), period)).model;
  const region = tokenParam(q, 'region');
  const why = (await wholeDisclosure(store, p, period)).withheld(region ? { region } : {});
  if (why) throw new AuthError(403, `the model of ${region ? `region ${region}` : 'the network'} in ${period} is withheld (${why})`);
  const unit = region ? { kind: 'region' as const, id: region } : { kind: 'network' as const };
  const s = await store.summary(unit, period);
  return modelView(await store.result(s), s?.unit ?? 'NETWORK');
}

const scopeName = (q: Query) => [q.branch, q.region, q.segment, q.programme].filter(Boolean).join('-');
const fileName = (...parts: (string | undefined)[]) => `satmon-${parts.filter(Boolean).join('-')}.csv`;

export const EXPORT_TABLES = ['headline', 'ranking', 'programmes', 'paths', 'measurement', 'loadings', 'alerts', 'branch-alerts', 'series', 'loyalty', 'ipma', 'drops', 'comments'] as const;
export type ExportTable = (typeof EXPORT_TABLES)[number];

export async function exportCsv(table: string, store: DashboardStore, p: Principal, q: Query): Promise<CsvExport> {
  switch (table as ExportTable) {
    case 'headline':
    case 'ranking': {
      const period = periodParam(q);
      const v = await overviewView(store, p, { period, region: tokenParam(q, 'region'), segment: tokenParam(q, 'segment'), programme: tokenParam(q, 'programme') });
      if (table === 'headline') {
        const rows = METRICS.map((m) => ({ m, now: v.headline?.indices[m], prev: v.headline?.previous[m], ch: v.headline?.change[m] }));
        return {
          fileName: fileName('headline', period, scopeName(q)),
          csv: toCsv([
            { header: 'Index', value: (r) => METRIC_LABELS[r.m] },
            { header: 'Scope', value: () => v.scope.label },
            { header: 'Period', value: () => period },
            ...estimateColumns<(typeof rows)[number]>('This period', (r) => r.now),
            { header: `Index ${v.previousPeriod}`, value: (r) => r.prev?.value },
            { header: 'Change', value: (r) => r.ch?.diff },
            { header: 'Change p', value: (r) => r.ch?.p },
            ...withheldColumn<(typeof rows)[number]>(!!(v.withheld.headline || v.withheld.previous), () => [v.withheld.headline, v.withheld.previous]),
          ], rows),
        };
      }
      return {
        fileName: fileName('ranking', period, scopeName(q)),
        csv: toCsv([
          { header: 'Branch', value: (r) => r.branch },
          { header: 'Name', value: (r) => r.name },
          { header: 'Region', value: (r) => r.region },
          { header: 'n', value: (r) => r.n },
          ...METRICS.flatMap((m) => [
            ...estimateColumns<(typeof v.ranking)[number]>(m, (r) => r.indices[m]),
            { header: `${m} vs ${v.scope.label} (points)`, value: (r: (typeof v.ranking)[number]) => r.vsNetwork[m]?.diff },
            { header: `${m} vs ${v.scope.label} p`, value: (r: (typeof v.ranking)[number]) => r.vsNetwork[m]?.p },
            { header: `${m} change vs ${v.previousPeriod}`, value: (r: (typeof v.ranking)[number]) => r.change[m]?.diff },
            { header: `${m} change p`, value: (r: (typeof v.ranking)[number]) => r.change[m]?.p },
          ]),
          { header: 'Open alerts', value: (r) => r.openAlerts },
          ...withheldColumn<(typeof v.ranking)[number]>(!!v.withheld['ranking.vsNetwork'], () => [v.withheld['ranking.vsNetwork']]),
        ], v.ranking),
      };
    }
    case 'programmes': {
      const period = periodParam(q);
      const v = await programmesView(store, p, { period, region: tokenParam(q, 'region') });
      const rows = [
        ...v.rows.map((r) => ({ ...r, total: false })),
        ...(v.total ? [{ branch: '', name: v.total.label, region: '', overall: v.total.overall, cells: v.total.cells, total: true }] : []),
      ];
      return {
        fileName: fileName('programmes', period, scopeName(q)),
        csv: toCsv([
          { header: 'Branch', value: (r) => r.branch },
          { header: 'Name', value: (r) => r.name },
          { header: 'Region', value: (r) => r.region },
          { header: 'All programmes % satisfied', value: (r) => pct(r.overall?.share) },
          { header: 'All programmes n', value: (r) => r.overall?.n },
          ...v.programmes.flatMap((c): CsvColumn<(typeof rows)[number]>[] => [
            { header: `${c} % satisfied`, value: (r) => pct(r.cells[c]?.share) },
            { header: `${c} CI low %`, value: (r) => pct(r.cells[c]?.low) },
            { header: `${c} CI high %`, value: (r) => pct(r.cells[c]?.high) },
            { header: `${c} n`, value: (r) => r.cells[c]?.n },
          ]),
          ...withheldColumn<(typeof rows)[number]>(Object.keys(v.withheld).length > 0, (r) => (r.total ? Object.values(v.withheld) : [])),
        ], rows),
      };
    }
    case 'paths':
    case 'measurement':
    case 'loadings': {
      const m = await modelFor(store, p, q);
      if (!m) throw new ApiError(404, 'no structural model for this unit and period');
      const name = fileName(table, q.period, scopeName(q));
      if (table === 'paths') return { fileName: name, csv: toCsv(pathColumns, m.paths) };
      if (table === 'loadings') {
        return {
          fileName: name,
          csv: toCsv([
            { header: 'Construct', value: (r) => r.construct }, { header: 'Item', value: (r) => r.item },
            { header: 'Loading', value: (r) => r.loading }, { header: 'CI low', value: (r) => r.ciLow }, { header: 'CI high', value: (r) => r.ciHigh },
          ], m.loadings),
        };
      }
      return {
        fileName: name,
        csv: toCsv([
          { header: 'Construct', value: (r) => r.construct },
          { header: "Cronbach's alpha", value: (r) => r.alpha },
          { header: 'Composite reliability (rho_C)', value: (r) => r.rhoC },
          { header: 'rho_A', value: (r) => r.rhoA },
          { header: 'AVE', value: (r) => r.ave },
          { header: 'R2', value: (r) => m.rSquared[r.construct]?.r2 },
        ], m.reliability),
      };
    }
    case 'alerts': {
      const v = await alertsView(store, p, { region: tokenParam(q, 'region') });
      return { fileName: fileName('alerts', q.region), csv: toCsv(alertColumns, v.alerts) };
    }
    case 'branch-alerts': {
      const b = branchId(q.branch ?? '');
      return { fileName: fileName('alerts', b), csv: toCsv(alertColumns, (await branchAlertsView(store, p, b)).alerts) };
    }
    case 'series': {
      const b = branchId(q.branch ?? '');
      const kind = oneOf(q, 'kind', ['Q', 'Y'] as const, 'Q');
      const v = await seriesView(store, p, b, kind);
      const rows = METRICS.flatMap((m) => (v.series[m] ?? []).map((pt) => ({
        m, pt, net: v.network[m]?.find((x) => x.period === pt.period), reg: v.region[m]?.find((x) => x.period === pt.period),
      })));
      return {
        fileName: fileName('series', b, kind === 'Q' ? 'quarters' : 'years'),
        csv: toCsv([
          { header: 'Index', value: (r) => r.m },
          { header: 'Period', value: (r) => r.pt.period },
          ...estimateColumns<(typeof rows)[number]>('Branch', (r) => r.pt),
          { header: 'Network index', value: (r) => r.net?.value },
          { header: 'Region index', value: (r) => r.reg?.value },
          ...withheldColumn<(typeof rows)[number]>(Object.keys(v.withheld).length > 0,
            (r) => [v.withheld[`network.${r.pt.period}`], v.withheld[`region.${r.pt.period}`]]),
        ], rows),
      };
    }
    case 'loyalty':
    case 'ipma': {
      const b = branchId(q.branch ?? '');
      const period = periodParam(q);
      const v = await branchResultsView(store, p, b, period);
      if (table === 'ipma') {
        if (!v.ipma) throw new ApiError(404, `no importance-performance map for ${b} in ${period}`);
        return {
          fileName: fileName('ipma', b, period),
          csv: toCsv([
            { header: 'Driver', value: (r) => r.construct }, { header: 'Label', value: (r) => METRIC_LABELS[r.construct] },
            { header: 'Importance (total effect on SAT)', value: (r) => r.importance }, { header: 'Performance (0-100)', value: (r) => r.performance },
          ], v.ipma.rows),
        };
      }
      if (!v.loyalty) throw new ApiError(404, `no loyalty regression for ${b} in ${period}`);
      return {
        fileName: fileName('loyalty', b, period),
        csv: toCsv([
          { header: 'Predictor', value: (r) => r.label }, { header: 'B', value: (r) => r.b }, { header: 'Std. error', value: (r) => r.se },
          { header: 'Beta', value: (r) => r.beta }, { header: 't', value: (r) => r.t }, { header: 'Sig.', value: (r) => r.p },
        ], v.loyalty.coefficients),
      };
    }
    case 'drops': {
      const b = branchId(q.branch ?? '');
      const v = await dropsView(store, p, b);
      return {
        fileName: fileName('drops', b),
        csv: toCsv([
          { header: 'File', value: (r) => r.file }, { header: 'Received', value: (r) => r.receivedAt }, { header: 'Status', value: (r) => r.status },
          { header: 'Periods', value: (r) => r.periods.join(' ') }, { header: 'Rows for this branch', value: (r) => r.branchRows },
          { header: 'Rows in drop', value: (r) => r.rows }, { header: 'Clean rows in drop', value: (r) => r.clean },
          { header: 'Rejected rows in drop', value: (r) => r.rejected },
          { header: 'Rows held: conflict with an earlier drop', value: (r) => r.conflictRows },
          { header: 'Later drops in conflict with this one', value: (r) => r.conflictedBy }, { header: 'SHA-256', value: (r) => r.sha256 },
          ...withheldColumn<(typeof v.drops)[number]>(v.drops.some((d) => d.withheld), (r) => [r.withheld]),
        ], v.drops),
      };
    }
    case 'comments': {
      // Free text goes through the writer like every text cell: a leading = + - @ is written as text ('=...).
      const b = branchId(q.branch ?? '');
      const period = periodParam(q);
      const v = await commentsView(store, p, b, period);
      return {
        fileName: fileName('comments', b, period),
        csv: toCsv([{ header: 'Question', value: (r) => r.column }, { header: 'What the participant wrote', value: (r) => r.text }], v.comments),
      };
    }
    default:
      throw new ApiError(404, `no export '${table.slice(0, 40)}' (one of ${EXPORT_TABLES.join(', ')})`);
  }
}
