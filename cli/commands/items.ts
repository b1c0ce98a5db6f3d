// satmon items: SPSS "Item-Total Statistics" and Cronbach's alpha of a set of item columns.
import { parseFlags, required } from '../args';
import { CliError } from '../errors';
import { formatNumber, formatTable } from '../format-table';
import { cliFormat } from '../i18n';
import { formatFlag, listFlag, loadNumericCsv } from '../read-data';
import { StatsInputError } from '../../shared/stats/errors';
import { itemAnalysis, type ItemAnalysis } from '../../shared/stats/items';
import type { Format } from '../../shared/i18n/format';
import { RELIABILITY_BAND_KEY } from '../../shared/i18n/messages/cli';

export const summary = "item-total statistics and Cronbach's alpha";

const HELP = `Usage: satmon items --data D.csv --items COL,COL,... [--missing CODE[,CODE]] [--validity two-sided|one-sided] [--format json|table]

  --data      numeric CSV with a header row
  --items     the scale's item columns (at least 2), comma-separated
  --missing   cell text(s) meaning missing besides the empty cell and NA; rows with a missing item are dropped
  --validity  which 5% r-table value the validity flag uses (default two-sided; both are printed)
  --format    json (default) or table (SPSS-like Reliability Statistics and Item-Total Statistics)
`;

export async function run(argv: string[]): Promise<number> {
  const flags = parseFlags(
    argv,
    {
      data: { type: 'string' },
      items: { type: 'string' },
      missing: { type: 'string' },
      validity: { type: 'string' },
      format: { type: 'string' },
    },
    HELP,
  );
  if (!flags) return 0;
  const data = required(flags.data, 'data');
  const items = listFlag(required(flags.items, 'items'), 'items');
  const format = formatFlag(flags.format);
  const missing = flags.missing === undefined ? [] : listFlag(flags.missing, 'missing');
  const validity = flags.validity ?? 'two-sided';
  if (validity !== 'two-sided' && validity !== 'one-sided') throw new CliError(`--validity must be two-sided or one-sided, got '${validity}'`);

  const table = await loadNumericCsv(data, items, missing);
  let result: ItemAnalysis;
  try {
    result = itemAnalysis(table, items, { validity });
  } catch (e) {
    if (e instanceof StatsInputError) throw new CliError(`${data}: ${e.message}`);
    throw e;
  }
  process.stdout.write(format === 'table' ? itemTables(result) : JSON.stringify(result, null, 2) + '\n');
  return 0;
}

export function itemTables(r: ItemAnalysis, fmt: Format = cliFormat()): string {
  const { t } = fmt;
  const rt = r.rTable;
  const rel = formatTable(
    [
      { header: t('cli.items.alpha'), decimals: 3 },
      { header: t('cli.items.alphaStd'), decimals: 3 },
      { header: t('cli.items.nItems'), decimals: 0 },
      { header: t('cli.items.level') },
    ],
    [[r.alpha, r.alphaStandardized, r.nItems, t(RELIABILITY_BAND_KEY[r.band])]],
    {
      title: t('cli.items.reliability'),
      footnotes: [t('cli.listwiseN', { n: fmt.int(r.n), excluded: fmt.int(r.missing.rowsExcluded), read: fmt.int(r.missing.rowsRead) })],
      fmt,
    },
  );
  const critical = rt.usedForValidity === 'two-sided' ? rt.twoSided : rt.oneSided;
  const itemTotal = formatTable(
    [
      { header: '' },
      { header: t('cli.items.meanIfDeleted'), decimals: 4 },
      { header: t('cli.items.varianceIfDeleted'), decimals: 3 },
      { header: t('cli.items.correctedR'), decimals: 3 },
      { header: t('cli.items.alphaIfDeleted'), decimals: 3 },
      { header: t('cli.items.rTable'), decimals: 3 },
      { header: t('cli.items.valid') },
    ],
    r.itemTotal.map((row) => [
      row.item,
      row.scaleMeanIfDeleted,
      row.scaleVarianceIfDeleted,
      row.correctedItemTotalCorrelation,
      row.alphaIfDeleted,
      critical,
      row.valid ? t('cli.yes') : t('cli.no'),
    ]),
    {
      title: t('cli.items.itemTotal'),
      footnotes: [
        t('cli.items.rTableNote', {
          alpha: formatNumber(rt.alpha, fmt), df: fmt.int(rt.df), twoSided: fmt.num(rt.twoSided, 3), oneSided: fmt.num(rt.oneSided, 3),
          used: rt.usedForValidity === 'two-sided' ? t('cli.twoSided') : t('cli.oneSided'),
        }),
        // shared/stats words its warnings in English; the prefix tells a reader what they are.
        ...r.warnings.map((w) => t('cli.warning', { text: w })),
      ],
      fmt,
    },
  );
  return [rel, itemTotal].join('\n');
}
