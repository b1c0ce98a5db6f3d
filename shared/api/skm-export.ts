// GET /api/skm/export: the SKM report (./skm.ts, the same view as the page, so a figure withheld on screen is
// empty here too, with its reason) as a file, in the reader's language (`lang=id|en`, default the deployment's):
//   format=csv       one CSV of six blocks (summary, unsur, respondents, priorities, trend, ranking), each a title
//                    row, a header row and its rows, blocks separated by an empty row; comma and decimal point
//   format=excel-id  the same for an Excel set to Indonesian: `;` between cells, decimal comma (../csv-write.ts)
//   format=xlsx      a workbook with one sheet per block, numbers as numbers with the report's decimals as number
//                    formats (Excel shows them with the reader's decimal mark)
// Written by the product's CSV writer (formula-safe text cells) and the simulator's .xlsx writer (text in shared
// strings, never formulas). Codes (unsur U1-U9, grades A-D, period and branch ids) are data and stay as they are.
import type { Principal } from '../auth';
import { csvDocument, EXCEL_CSV, EXCEL_ID_CSV, type Cell, type CsvDialect } from '../csv-write';
import { createFormat, type Format } from '../i18n/format';
import { LOCALES, type Locale } from '../i18n/locale';
import { WHY_KEY } from '../i18n/messages/skm';
import { xlsxBuffer, type XCell, type XRow } from '../survey/simulate/xlsx';
import { oneOf, periodParam, readableBranch, tokenParam } from './params';
import { withheldText } from './reasons';
import { categoryName, dimensionName, kinerjaName, skmUnitName, skmView, unsurName, type SkmResponse } from './skm';
import type { DashboardStore } from './store';

export const SKM_EXPORT_FORMATS = ['csv', 'excel-id', 'xlsx'] as const;
export type SkmExportFormat = (typeof SKM_EXPORT_FORMATS)[number];

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface SkmExport { fileName: string; contentType: string; body: string | Buffer }

/** A figure with the decimals the report shows it with (the workbook's number format). */
type Fig = { v: number | null | undefined; d: number };
type BlockCell = Cell | Fig;

/** One table of the report: its sheet name, title, column headers and rows. */
export interface SkmBlock { sheet: string; title: string; header: string[]; rows: BlockCell[][] }

const fig = (v: number | null | undefined, d: number): Fig => ({ v, d });
const isFig = (c: BlockCell): c is Fig => typeof c === 'object' && c !== null;
const pct = (x: number | null | undefined) => (x === null || x === undefined ? null : x * 100);

/** The report's tables in words of one language (its formats for numbers inside text) (pure: the same for the CSV and the workbook). */
export function skmBlocks(v: SkmResponse, f: Format): SkmBlock[] {
  const { t } = f;
  const why = (code: string | undefined) => (code ? withheldText(t, code) : '');
  const unit = skmUnitName(t, v.unit);
  const k = v.ikm;
  const summaryRows: BlockCell[][] = [
    [t('skm.item.unit'), unit],
    [t('skm.item.period'), v.period],
    [t('skm.head.n'), v.n],
  ];
  if (k) {
    const ruleText = k.weights === 'exact'
      ? t('skm.weights.exact', { k: k.unsur.length, value: f.num(k.weight, 4) })
      : t('skm.weights.regulation', { k: k.unsur.length, value: f.num(k.weight, 3) });
    summaryRows.push(
      [t('skm.head.weights'), ruleText],
      [t('skm.head.ikm'), fig(k.ikmRounded, 2)],
      [t('skm.item.ikmUnrounded'), fig(k.ikm, 4)],
      [t('skm.item.ciLow'), fig(k.ciLow, 2)],
      [t('skm.item.ciHigh'), fig(k.ciHigh, 2)],
      [t('skm.head.moe'), fig(k.moe, 2)],
      [t('ikm.col.band'), k.band ?? ''],
      [t('skm.head.kinerja'), kinerjaName(t, k.band)],
    );
    if (k.sample) {
      summaryRows.push(
        [t('skm.item.population'), k.sample.population],
        [t('skm.item.required'), k.sample.required],
        [t('skm.item.enough'), k.sample.enough ? t('skm.yes') : t('skm.no')],
      );
    } else summaryRows.push([t('skm.head.sample'), t('skm.sample.unknown')]);
  } else if (v.withheld.ikm) {
    summaryRows.push([t('skm.col.withheld'), why(v.withheld.ikm)]);
  } else summaryRows.push([t('skm.col.value'), v.n === null ? t('skm.noData') : t('skm.noIkm')]);

  const unsurRows: BlockCell[][] = k
    ? [
      ...k.unsur.map((u): BlockCell[] => [u.unsur, unsurName(t, u.unsur), u.n, fig(u.nrr, 3), fig(u.weighted, 3)]),
      ['', t('skm.row.total'), null, null, fig(k.ikm === null ? null : k.ikm / 25, 3)],
      ['', t('skm.row.ikm'), null, null, fig(k.ikmRounded, 2)],
    ]
    : [];

  const anyProfileWithheld = Object.keys(v.withheld).some((x) => x.startsWith('profile.'));
  const profileRows = v.profile.flatMap((p) => [
    ...p.rows.map((r): BlockCell[] => [
      dimensionName(t, p.dimension), r.code, categoryName(t, p.dimension, r.code), r.n, fig(pct(r.share), 1),
      ...(anyProfileWithheld ? [why(v.withheld[`profile.${p.dimension}.${r.code}`])] : []),
    ]),
    [dimensionName(t, p.dimension), '', t('skm.profile.total'), p.total, fig(p.total > 0 ? 100 : null, 1), ...(anyProfileWithheld ? [''] : [])],
  ]);

  const cutoff = k?.band === 'C' || k?.band === 'D' ? 2.5 : 3;
  const priorityRows = (k?.priorities ?? []).map((p): BlockCell[] => [
    p.unsur, unsurName(t, p.unsur), fig(p.nrr, 3), p.why === 'lowest' ? t(WHY_KEY.lowest) : t(WHY_KEY['below-cutoff'], { cutoff: f.num(cutoff, 2) }),
  ]);

  const trendWithheld = Object.entries(v.withheld).filter(([x]) => x.startsWith('trend.')).map(([x, r]) => [x.slice('trend.'.length), r] as const);
  const trendRows: BlockCell[][] = [
    ...v.trend.map((x): BlockCell[] => [x.period, fig(x.value, 2), fig(x.ciLow, 2), fig(x.ciHigh, 2), x.n, x.band ?? '', ...(trendWithheld.length ? [''] : [])]),
    ...trendWithheld.map(([period, r]): BlockCell[] => [period, null, null, null, null, '', why(r)]),
  ];

  const rankRows = v.ranking.map((r): BlockCell[] => [
    r.rank, r.branch, r.name, r.region, r.n, fig(r.ikmRounded, 2), fig(r.ciLow, 2), fig(r.ciHigh, 2), r.band ?? '', kinerjaName(t, r.band),
  ]);

  return [
    { sheet: t('skm.sheet.summary'), title: `${t('skm.title')}: ${unit}, ${v.period}`, header: [t('skm.col.item'), t('skm.col.value')], rows: summaryRows },
    {
      sheet: t('skm.sheet.unsur'), title: t('skm.unsur.title'),
      header: [t('skm.col.code'), t('skm.col.unsur'), t('skm.col.answers'), t('skm.col.nrr'), t('skm.col.weighted')], rows: unsurRows,
    },
    {
      sheet: t('skm.sheet.profile'), title: `${t('skm.profile.title')} (${t('common.cite.suryani')})`,
      header: [t('skm.col.dimension'), t('skm.col.code'), t('skm.col.category'), t('skm.col.count'), `${t('skm.col.share')} (%)`, ...(anyProfileWithheld ? [t('skm.col.withheld')] : [])],
      rows: profileRows,
    },
    { sheet: t('skm.sheet.priorities'), title: t('skm.priorities.title'), header: [t('skm.col.code'), t('skm.col.unsur'), t('skm.col.nrr'), t('skm.col.reason')], rows: priorityRows },
    {
      sheet: t('skm.sheet.trend'), title: t('skm.trend.title'),
      header: [t('ikm.col.period'), t('skm.col.ikm'), t('skm.item.ciLow'), t('skm.item.ciHigh'), 'n', t('ikm.col.band'), ...(trendWithheld.length ? [t('skm.col.withheld')] : [])],
      rows: trendRows,
    },
    {
      sheet: t('skm.sheet.ranking'), title: t('skm.ranking.title', { period: v.period }),
      header: [t('skm.col.rank'), t('skm.col.branch'), t('exports.col.name'), t('skm.col.region'), 'n', t('skm.col.ikm'), t('skm.item.ciLow'), t('skm.item.ciHigh'), t('ikm.col.band'), t('skm.col.kinerja')],
      rows: rankRows,
    },
  ];
}

/** The blocks as one CSV: title, header, rows, an empty row between blocks. Figures unrounded (as stored). */
export function skmCsv(blocks: readonly SkmBlock[], dialect: CsvDialect = EXCEL_CSV): string {
  const rows: Cell[][] = [];
  blocks.forEach((b, i) => {
    if (i > 0) rows.push([]);
    rows.push([b.title], b.header, ...b.rows.map((r) => r.map((c) => (isFig(c) ? c.v : c))));
  });
  return csvDocument(rows, dialect);
}

const numberFormat = (d: number) => (d === 0 ? '0' : `0.${'0'.repeat(d)}`);

/** The blocks as a workbook: one sheet each, title in A1, header in row 2. */
export function skmXlsx(blocks: readonly SkmBlock[]): Promise<Buffer> {
  const cell = (c: BlockCell): XCell => {
    if (!isFig(c)) return c === undefined ? null : c;
    return c.v === null || c.v === undefined || !Number.isFinite(c.v) ? null : { n: c.v, fmt: numberFormat(c.d) };
  };
  // Sheet names: at most 31 characters, none of : \ / ? * [ ].
  const sheetName = (s: string) => s.replace(/[:\\/?*[\]]/g, ' ').slice(0, 31);
  return xlsxBuffer({
    sheets: blocks.map((b) => ({ name: sheetName(b.sheet), rows: [[b.title], b.header, ...b.rows.map((r) => r.map(cell))] as XRow[] })),
  });
}

type Query = Record<string, string | undefined>;

/** The request's report as a file (see the header for the forms). */
export async function skmExport(store: DashboardStore, p: Principal, q: Query, defaultLocale: Locale = 'en'): Promise<SkmExport> {
  const locale = oneOf(q, 'lang', LOCALES, defaultLocale);
  const format = oneOf(q, 'format', SKM_EXPORT_FORMATS, 'csv');
  const period = periodParam(q);
  const branch = q.branch ? readableBranch(p, q.branch) : undefined;
  const region = tokenParam(q, 'region');
  const v = await skmView(store, p, { period, ...(branch ? { branch } : {}), ...(region ? { region } : {}) });
  const blocks = skmBlocks(v, createFormat(locale));
  const name = ['satmon-skm', branch ?? region ?? 'network', period, locale].join('-');
  if (format === 'xlsx') return { fileName: `${name}.xlsx`, contentType: XLSX_CONTENT_TYPE, body: await skmXlsx(blocks) };
  return { fileName: `${name}.csv`, contentType: 'text/csv; charset=utf-8', body: skmCsv(blocks, format === 'excel-id' ? EXCEL_ID_CSV : EXCEL_CSV) };
}
