// CSV exports: every table the dashboard shows, from the same views as the JSON endpoints (so the export and
// the screen cannot disagree, and a figure the disclosure rule withholds is empty in both, with the reason in a
// 'Withheld' column that appears only when something was withheld), written by ./csv.ts (Excel-safe).
//
// In the reader's language: `lang=id|en` (default the deployment's, SATMON_LOCALE) for the column headers and the
// text cells (index names, statuses, reasons); ids (branch, metric in headers, period codes, file names) are data and
// stay as they are. `format=excel-id` writes for an Excel set to Indonesian: `;` between cells, decimal comma.
import type { Principal } from '../auth';
import { EXCEL_CSV, EXCEL_ID_CSV } from '../csv-write';
import { translator, type Translate } from '../i18n/catalogue';
import { LOCALES, type Locale } from '../i18n/locale';
import { METRIC_NAME_KEY } from '../i18n/messages/common';
import { commentsView } from './comments';
import { toCsv, type CsvColumn } from './csv';
import { ApiError, oneOf, periodParam, readableBranch, tokenParam } from './params';
import { withheldText } from './reasons';
import { weightingText } from './weighting-words';
import type { DashboardStore } from './store';
import { METRICS, type AlertView, type Estimate, type PathRow, type WatchView, type WeightingView } from './types';
import {
  alertsView, branchAlertsView, branchResultsView, dropsView, modelView, overviewView, programmesView, seriesView, wholeDisclosure,
} from './views';

type Query = Record<string, string | undefined>;
export interface CsvExport { fileName: string; csv: string }

/** The two forms on offer: comma and decimal point, or Indonesian Excel (`;`, decimal comma). */
export const EXPORT_FORMATS = ['csv', 'excel-id'] as const;

const pct = (x: number | null | undefined) => (x === null || x === undefined ? null : x * 100);

/** Literal maps from stored codes to their words (the catalogue test sees every key). */
const KIND_KEY = { direct: 'exports.kind.direct', indirect: 'exports.kind.indirect' } as const;
const ALERT_STATUS_KEY = { open: 'exports.alertStatus.open', resolved: 'exports.alertStatus.resolved' } as const;
const TEST_KEY = { abrupt: 'exports.test.abrupt', sustained: 'exports.test.sustained', band: 'exports.test.band', annual: 'exports.test.annual' } as const;
const RESOLVED_BY_KEY = { alert: 'exports.resolvedBy.alert' } as const;
const DROP_STATUS_KEY = { done: 'exports.dropStatus.done', rejected: 'exports.dropStatus.rejected', processing: 'exports.dropStatus.processing' } as const;
const word = <M extends Record<string, Parameters<Translate>[0]>>(t: Translate, map: M, code: string | undefined): string | undefined =>
  code === undefined ? undefined : code in map ? t(map[code as keyof M]!) : code;

/** Everything one export writes in words. */
interface Words {
  t: Translate;
  /** A construct's name ("Kepercayaan"); an unknown id as is. */
  name(c: string): string;
  /** A number in a text cell, with the file's decimal mark. */
  num(v: number | null, digits: number): string;
  /** The reasons of a row's withheld figures in words, deduplicated. */
  why(codes: (string | undefined)[]): string;
}

function words(locale: Locale, decimalComma: boolean): Words {
  const t = translator(locale);
  return {
    t,
    name: (c) => (c in METRIC_NAME_KEY ? t(METRIC_NAME_KEY[c as keyof typeof METRIC_NAME_KEY]) : c),
    num: (v, digits) => (v === null ? '' : decimalComma ? v.toFixed(digits).replace('.', ',') : v.toFixed(digits)),
    why: (codes) => [...new Set(codes.filter((c): c is string => !!c))].map((c) => withheldText(t, c)).join('; '),
  };
}

/**
 * A unit's figure: index, CI, margin of error, n, its effective n and how it is weighted (`info`: the unit's
 * weighting, for the population year and margins in the words).
 */
function estimateColumns<T>(t: Translate, prefix: string, get: (r: T) => Estimate | null | undefined, info?: (r: T) => WeightingView | null | undefined): CsvColumn<T>[] {
  return [
    { header: t('exports.col.estIndex', { prefix }), value: (r) => get(r)?.value },
    { header: t('exports.col.estCiLow', { prefix }), value: (r) => get(r)?.ciLow },
    { header: t('exports.col.estCiHigh', { prefix }), value: (r) => get(r)?.ciHigh },
    { header: t('exports.col.estMoe', { prefix }), value: (r) => get(r)?.moe },
    { header: t('exports.col.estN', { prefix }), value: (r) => get(r)?.n },
    { header: t('exports.col.estNEffective', { prefix }), value: (r) => get(r)?.nEffective },
    { header: t('exports.col.estWeighting', { prefix }), value: (r) => { const e = get(r); return e?.weighting ? weightingText(t, e.weighting, info?.(r)) : undefined; } },
  ];
}

const pathColumns = ({ t }: Words): CsvColumn<PathRow>[] => [
  { header: t('exports.col.path'), value: (r) => r.label },
  { header: t('exports.col.kind'), value: (r) => word(t, KIND_KEY, r.kind) },
  { header: t('exports.col.coefficient'), value: (r) => r.estimate },
  { header: t('exports.col.bootstrapSd'), value: (r) => r.sd },
  { header: 't', value: (r) => r.t },
  { header: 'p', value: (r) => r.p },
  { header: t('exports.col.ciLow'), value: (r) => r.ciLow },
  { header: t('exports.col.ciHigh'), value: (r) => r.ciHigh },
];

const alertColumns = (w: Words): CsvColumn<AlertView>[] => {
  const { t } = w;
  return [
    { header: t('exports.col.branch'), value: (r) => r.branch },
    { header: t('exports.col.name'), value: (r) => r.name },
    { header: t('exports.col.region'), value: (r) => r.region },
    { header: t('exports.col.index'), value: (r) => w.name(r.metric) },
    { header: t('exports.col.since'), value: (r) => r.since },
    { header: t('exports.col.lastConfirmed'), value: (r) => r.lastPeriod },
    { header: t('exports.col.status'), value: (r) => word(t, ALERT_STATUS_KEY, r.status) },
    { header: t('exports.col.resolvedIn'), value: (r) => r.resolvedIn },
    { header: t('exports.col.decline'), value: (r) => r.decline },
    { header: t('exports.col.declineCiLow'), value: (r) => r.declineCi[0] },
    { header: t('exports.col.declineCiHigh'), value: (r) => r.declineCi[1] },
    { header: t('exports.col.baseline'), value: (r) => r.baseline },
    { header: t('exports.col.current'), value: (r) => r.current },
    { header: 'p', value: (r) => r.p },
    { header: t('exports.col.bhThreshold'), value: (r) => r.bhThreshold },
    { header: t('exports.col.test'), value: (r) => word(t, TEST_KEY, r.test) },
    { header: t('exports.col.drivers'), value: (r) => r.drivers.map((d) => `${d.construct} ${w.num(d.change, 1)}`).join('; ') },
  ];
};

/** A watch's columns: an alert's, and why it was resolved when it became an alert. */
const watchColumns = (w: Words): CsvColumn<WatchView>[] => [
  ...(alertColumns(w) as CsvColumn<WatchView>[]),
  { header: w.t('exports.col.resolvedBy'), value: (r) => word(w.t, RESOLVED_BY_KEY, r.resolvedBy) },
];

/** A 'Withheld' column: why a row's figures are empty for this user; none when nothing was withheld. */
function withheldColumn<T>(w: Words, any: boolean, why: (r: T) => (string | undefined)[]): CsvColumn<T>[] {
  return any ? [{ header: w.t('exports.col.withheld'), value: (r) => w.why(why(r)) }] : [];
}

/** The model of the request: a branch's (branch=) or the network's / a region's (403 when the rule withholds it). */
async function modelFor(store: DashboardStore, p: Principal, q: Query) {
  const period = periodParam(q);
  if (q.branch) return (await branchResultsView(store, p, readableBranch(p, q.branch), period)).model;
  const region = tokenParam(q, 'region');
  const why = (await wholeDisclosure(store, p, period)).withheld(region ? { region } : {});
  if (why) throw region ? new ApiError(403, 'api.error.regionModelWithheld', { region, period, reason: why }) : new ApiError(403, 'api.error.networkModelWithheld', { period, reason: why });
  const unit = region ? { kind: 'region' as const, id: region } : { kind: 'network' as const };
  const s = await store.summary(unit, period);
  return modelView(await store.result(s), s?.unit ?? 'NETWORK');
}

const scopeName = (q: Query) => [q.branch, q.region, q.segment, q.programme].filter(Boolean).join('-');
const fileName = (...parts: (string | undefined)[]) => `satmon-${parts.filter(Boolean).join('-')}.csv`;

export const EXPORT_TABLES = [
  'headline', 'ranking', 'programmes', 'paths', 'measurement', 'loadings', 'alerts', 'branch-alerts', 'watches', 'branch-watches', 'series', 'loyalty',
  'ipma', 'drops', 'comments',
] as const;
export type ExportTable = (typeof EXPORT_TABLES)[number];

/**
 * One table as CSV. `defaultLocale` is the language when the query has no `lang` (the API passes the deployment's;
 * English for scripts that call this directly).
 */
export async function exportCsv(table: string, store: DashboardStore, p: Principal, q: Query, defaultLocale: Locale = 'en'): Promise<CsvExport> {
  const locale = oneOf(q, 'lang', LOCALES, defaultLocale);
  const dialect = oneOf(q, 'format', EXPORT_FORMATS, 'csv') === 'excel-id' ? EXCEL_ID_CSV : EXCEL_CSV;
  const w = words(locale, !!dialect.decimalComma);
  const { t } = w;
  const csv = <T>(columns: readonly CsvColumn<T>[], rows: readonly T[]) => toCsv(columns, rows, dialect);
  const scopeLabel = (region: string | undefined) => (region ? t('exports.scope.region', { region }) : t('exports.scope.network'));
  switch (table as ExportTable) {
    case 'headline':
    case 'ranking': {
      const period = periodParam(q);
      const region = tokenParam(q, 'region');
      const v = await overviewView(store, p, { period, region, segment: tokenParam(q, 'segment'), programme: tokenParam(q, 'programme') });
      const scope = scopeLabel(region);
      if (table === 'headline') {
        const rows = METRICS.map((m) => ({ m, now: v.headline?.indices[m], prev: v.headline?.previous[m], ch: v.headline?.change[m] }));
        return {
          fileName: fileName('headline', period, scopeName(q)),
          csv: csv([
            { header: t('exports.col.index'), value: (r) => w.name(r.m) },
            { header: t('exports.col.scope'), value: () => scope },
            { header: t('exports.col.period'), value: () => period },
            ...estimateColumns<(typeof rows)[number]>(t, t('exports.thisPeriod'), (r) => r.now, () => v.headline?.weighting),
            { header: t('exports.col.indexOf', { period: v.previousPeriod }), value: (r) => r.prev?.value },
            { header: t('exports.col.change'), value: (r) => r.ch?.diff },
            { header: t('exports.col.changeP'), value: (r) => r.ch?.p },
            ...withheldColumn<(typeof rows)[number]>(w, !!(v.withheld.headline || v.withheld.previous), () => [v.withheld.headline, v.withheld.previous]),
          ], rows),
        };
      }
      type Row = (typeof v.ranking)[number];
      return {
        fileName: fileName('ranking', period, scopeName(q)),
        csv: csv([
          { header: t('exports.col.branch'), value: (r) => r.branch },
          { header: t('exports.col.name'), value: (r) => r.name },
          { header: t('exports.col.region'), value: (r) => r.region },
          { header: 'n', value: (r) => r.n },
          ...METRICS.flatMap((m): CsvColumn<Row>[] => [
            ...estimateColumns<Row>(t, m, (r) => r.indices[m], (r) => r.weighting),
            { header: t('exports.col.vsScope', { metric: m, scope }), value: (r) => r.vsNetwork[m]?.diff },
            { header: t('exports.col.vsScopeP', { metric: m, scope }), value: (r) => r.vsNetwork[m]?.p },
            { header: t('exports.col.changeVs', { metric: m, period: v.previousPeriod }), value: (r) => r.change[m]?.diff },
            { header: t('exports.col.changeOfP', { metric: m }), value: (r) => r.change[m]?.p },
          ]),
          { header: t('exports.col.openAlerts'), value: (r) => r.openAlerts },
          { header: t('exports.col.openWatches'), value: (r) => r.openWatches.map((x) => `${w.name(x.metric)} ${x.since}`).join('; ') },
          ...withheldColumn<Row>(w, !!v.withheld['ranking.vsNetwork'], () => [v.withheld['ranking.vsNetwork']]),
        ], v.ranking),
      };
    }
    case 'programmes': {
      const period = periodParam(q);
      const region = tokenParam(q, 'region');
      const v = await programmesView(store, p, { period, region });
      const rows = [
        ...v.rows.map((r) => ({ ...r, total: false })),
        ...(v.total ? [{ branch: '', name: scopeLabel(region), region: '', overall: v.total.overall, cells: v.total.cells, total: true }] : []),
      ];
      type Row = (typeof rows)[number];
      return {
        fileName: fileName('programmes', period, scopeName(q)),
        csv: csv([
          { header: t('exports.col.branch'), value: (r) => r.branch },
          { header: t('exports.col.name'), value: (r) => r.name },
          { header: t('exports.col.region'), value: (r) => r.region },
          { header: t('exports.col.allSatisfied'), value: (r) => pct(r.overall?.share) },
          { header: t('exports.col.allN'), value: (r) => r.overall?.n },
          ...v.programmes.flatMap((c): CsvColumn<Row>[] => [
            { header: t('exports.col.progSatisfied', { programme: c }), value: (r) => pct(r.cells[c]?.share) },
            { header: t('exports.col.progCiLow', { programme: c }), value: (r) => pct(r.cells[c]?.low) },
            { header: t('exports.col.progCiHigh', { programme: c }), value: (r) => pct(r.cells[c]?.high) },
            { header: `${c} n`, value: (r) => r.cells[c]?.n },
          ]),
          ...withheldColumn<Row>(w, Object.keys(v.withheld).length > 0, (r) => (r.total ? Object.values(v.withheld) : [])),
        ], rows),
      };
    }
    case 'paths':
    case 'measurement':
    case 'loadings': {
      const m = await modelFor(store, p, q);
      if (!m) throw new ApiError(404, 'api.error.noModel');
      const name = fileName(table, q.period, scopeName(q));
      if (table === 'paths') return { fileName: name, csv: csv(pathColumns(w), m.paths) };
      if (table === 'loadings') {
        return {
          fileName: name,
          csv: csv([
            { header: t('exports.col.construct'), value: (r) => r.construct }, { header: t('exports.col.item'), value: (r) => r.item },
            { header: t('exports.col.loading'), value: (r) => r.loading }, { header: t('exports.col.ciLow'), value: (r) => r.ciLow },
            { header: t('exports.col.ciHigh'), value: (r) => r.ciHigh },
          ], m.loadings),
        };
      }
      return {
        fileName: name,
        csv: csv([
          { header: t('exports.col.construct'), value: (r) => r.construct },
          { header: "Cronbach's alpha", value: (r) => r.alpha },
          { header: t('exports.col.rhoC'), value: (r) => r.rhoC },
          { header: 'rho_A', value: (r) => r.rhoA },
          { header: 'AVE', value: (r) => r.ave },
          { header: 'R2', value: (r) => m.rSquared[r.construct]?.r2 },
        ], m.reliability),
      };
    }
    case 'alerts': {
      const v = await alertsView(store, p, { region: tokenParam(q, 'region') });
      return { fileName: fileName('alerts', q.region), csv: csv(alertColumns(w), v.alerts) };
    }
    case 'branch-alerts': {
      const b = readableBranch(p, q.branch ?? '');
      return { fileName: fileName('alerts', b), csv: csv(alertColumns(w), (await branchAlertsView(store, p, b)).alerts) };
    }
    case 'watches': {
      const v = await alertsView(store, p, { region: tokenParam(q, 'region') });
      return { fileName: fileName('watches', q.region), csv: csv(watchColumns(w), v.watches) };
    }
    case 'branch-watches': {
      const b = readableBranch(p, q.branch ?? '');
      return { fileName: fileName('watches', b), csv: csv(watchColumns(w), (await branchAlertsView(store, p, b)).watches) };
    }
    case 'series': {
      const b = readableBranch(p, q.branch ?? '');
      const kind = oneOf(q, 'kind', ['Q', 'Y'] as const, 'Q');
      const v = await seriesView(store, p, b, kind);
      const rows = METRICS.flatMap((m) => (v.series[m] ?? []).map((pt) => ({
        m, pt, net: v.network[m]?.find((x) => x.period === pt.period), reg: v.region[m]?.find((x) => x.period === pt.period),
      })));
      type Row = (typeof rows)[number];
      return {
        fileName: fileName('series', b, kind === 'Q' ? 'quarters' : 'years'),
        csv: csv([
          { header: t('exports.col.index'), value: (r) => w.name(r.m) },
          { header: t('exports.col.period'), value: (r) => r.pt.period },
          ...estimateColumns<Row>(t, t('exports.branchPrefix'), (r) => r.pt),
          { header: t('exports.col.networkIndex'), value: (r) => r.net?.value },
          { header: t('exports.col.networkWeighting'), value: (r) => (r.net?.weighting ? weightingText(t, r.net.weighting) : undefined) },
          { header: t('exports.col.networkNEffective'), value: (r) => r.net?.nEffective },
          { header: t('exports.col.regionIndex'), value: (r) => r.reg?.value },
          { header: t('exports.col.regionWeighting'), value: (r) => (r.reg?.weighting ? weightingText(t, r.reg.weighting) : undefined) },
          { header: t('exports.col.regionNEffective'), value: (r) => r.reg?.nEffective },
          ...withheldColumn<Row>(w, Object.keys(v.withheld).length > 0,
            (r) => [v.withheld[`network.${r.pt.period}`], v.withheld[`region.${r.pt.period}`]]),
        ], rows),
      };
    }
    case 'loyalty':
    case 'ipma': {
      const b = readableBranch(p, q.branch ?? '');
      const period = periodParam(q);
      const v = await branchResultsView(store, p, b, period);
      if (table === 'ipma') {
        if (!v.ipma) throw new ApiError(404, 'api.error.noIpma', { branch: b, period });
        return {
          fileName: fileName('ipma', b, period),
          csv: csv([
            { header: t('exports.col.driver'), value: (r) => r.construct }, { header: t('exports.col.name'), value: (r) => w.name(r.construct) },
            { header: t('exports.col.importance'), value: (r) => r.importance }, { header: t('exports.col.performance'), value: (r) => r.performance },
          ], v.ipma.rows),
        };
      }
      if (!v.loyalty) throw new ApiError(404, 'api.error.noLoyalty', { branch: b, period });
      const constant = (name: string) => name === '(Constant)' || name === '(Intercept)';
      return {
        fileName: fileName('loyalty', b, period),
        csv: csv([
          { header: t('exports.col.predictor'), value: (r) => (constant(r.name) ? t('exports.constant') : r.name in METRIC_NAME_KEY ? w.name(r.name) : r.label) },
          { header: 'B', value: (r) => r.b }, { header: t('exports.col.stdError'), value: (r) => r.se },
          { header: 'Beta', value: (r) => r.beta }, { header: 't', value: (r) => r.t }, { header: 'Sig.', value: (r) => r.p },
        ], v.loyalty.coefficients),
      };
    }
    case 'drops': {
      const b = readableBranch(p, q.branch ?? '');
      const v = await dropsView(store, p, b);
      type Row = (typeof v.drops)[number];
      return {
        fileName: fileName('drops', b),
        csv: csv([
          { header: t('exports.col.file'), value: (r) => r.file }, { header: t('exports.col.received'), value: (r) => r.receivedAt },
          { header: t('exports.col.status'), value: (r) => word(t, DROP_STATUS_KEY, r.status) },
          { header: t('exports.col.periods'), value: (r) => r.periods.join(' ') }, { header: t('exports.col.branchRows'), value: (r) => r.branchRows },
          { header: t('exports.col.dropRows'), value: (r) => r.rows }, { header: t('exports.col.dropClean'), value: (r) => r.clean },
          { header: t('exports.col.dropRejected'), value: (r) => r.rejected },
          { header: t('exports.col.conflictRows'), value: (r) => r.conflictRows },
          { header: t('exports.col.conflictedBy'), value: (r) => r.conflictedBy }, { header: 'SHA-256', value: (r) => r.sha256 },
          ...withheldColumn<Row>(w, v.drops.some((d) => d.withheld), (r) => [r.withheld]),
        ], v.drops),
      };
    }
    case 'comments': {
      // Free text goes through the writer like every text cell: a leading = + - @ is written as text ('=...).
      const b = readableBranch(p, q.branch ?? '');
      const period = periodParam(q);
      const v = await commentsView(store, p, b, period);
      return {
        fileName: fileName('comments', b, period),
        csv: csv([{ header: t('exports.col.question'), value: (r) => r.column }, { header: t('exports.col.comment'), value: (r) => r.text }], v.comments),
      };
    }
    default:
      throw new ApiError(404, 'api.error.noExport', { table: table.slice(0, 40), tables: EXPORT_TABLES.join(', ') });
  }
}
