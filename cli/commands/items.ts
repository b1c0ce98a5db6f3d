// satmon items: SPSS "Item-Total Statistics" and Cronbach's alpha of a set of item columns.
import { parseFlags, required } from '../args';
import { CliError } from '../errors';
import { formatTable } from '../format-table';
import { formatFlag, listFlag, loadNumericCsv } from '../read-data';
import { StatsInputError } from '../../shared/stats/errors';
import { itemAnalysis, type ItemAnalysis } from '../../shared/stats/items';

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

export function itemTables(r: ItemAnalysis): string {
  const rt = r.rTable;
  const rel = formatTable(
    [
      { header: "Cronbach's Alpha", decimals: 3 },
      { header: 'Alpha Based on Standardized Items', decimals: 3 },
      { header: 'N of Items', decimals: 0 },
      { header: 'Reliability Level' },
    ],
    [[r.alpha, r.alphaStandardized, r.nItems, r.band]],
    {
      title: 'Reliability Statistics',
      footnotes: [`N = ${r.n} (listwise; ${r.missing.rowsExcluded} of ${r.missing.rowsRead} rows excluded for missing values)`],
    },
  );
  const critical = rt.usedForValidity === 'two-sided' ? rt.twoSided : rt.oneSided;
  const itemTotal = formatTable(
    [
      { header: '' },
      { header: 'Scale Mean if Item Deleted', decimals: 4 },
      { header: 'Scale Variance if Item Deleted', decimals: 3 },
      { header: 'Corrected Item-Total Correlation', decimals: 3 },
      { header: "Cronbach's Alpha if Item Deleted", decimals: 3 },
      { header: `r table`, decimals: 3 },
      { header: 'Valid' },
    ],
    r.itemTotal.map((row) => [
      row.item,
      row.scaleMeanIfDeleted,
      row.scaleVarianceIfDeleted,
      row.correctedItemTotalCorrelation,
      row.alphaIfDeleted,
      critical,
      row.valid ? 'yes' : 'no',
    ]),
    {
      title: 'Item-Total Statistics',
      footnotes: [
        `r table at alpha = ${rt.alpha}, df = ${rt.df}: two-sided ${rt.twoSided.toFixed(3)}, one-sided ${rt.oneSided.toFixed(3)}; validity uses the ${rt.usedForValidity} value.`,
        ...r.warnings.map((w) => `warning: ${w}`),
      ],
    },
  );
  return [rel, itemTotal].join('\n');
}
