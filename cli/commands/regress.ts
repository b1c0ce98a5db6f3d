// satmon regress: OLS with an intercept and SPSS-style diagnostics on columns of a numeric CSV.
import { writeFile } from 'node:fs/promises';
import { parseFlags, required } from '../args';
import { CliError } from '../errors';
import { formatCell, formatTable } from '../format-table';
import { formatFlag, listFlag, loadNumericCsv } from '../read-data';
import { StatsInputError } from '../../shared/stats/errors';
import { regress, type RegressionResult } from '../../shared/stats/regression';

export const summary = 'OLS regression with SPSS-style diagnostics';

const HELP = `Usage: satmon regress --data D.csv --y COL --x COL,COL,... [--missing CODE[,CODE]] [--out R.json] [--format json|table]

  --data     numeric CSV with a header row
  --y        dependent column
  --x        predictor columns, comma-separated (an intercept is always added)
  --missing  cell text(s) meaning missing besides the empty cell and NA, e.g. -99; rows with a missing
             value in y or any x are dropped (listwise) and reported
  --out      write the JSON result to this file (stdout then shows only --format table, if asked)
  --format   json (default) or table (SPSS-like Model Summary, ANOVA, Coefficients, residual tests)
`;

export async function run(argv: string[]): Promise<number> {
  const flags = parseFlags(
    argv,
    {
      data: { type: 'string' },
      y: { type: 'string' },
      x: { type: 'string' },
      missing: { type: 'string' },
      out: { type: 'string' },
      format: { type: 'string' },
    },
    HELP,
  );
  if (!flags) return 0;
  const data = required(flags.data, 'data');
  const y = required(flags.y, 'y');
  const x = listFlag(required(flags.x, 'x'), 'x');
  const format = formatFlag(flags.format);
  const missing = flags.missing === undefined ? [] : listFlag(flags.missing, 'missing');

  const table = await loadNumericCsv(data, [y, ...x], missing);
  let result: RegressionResult;
  try {
    result = regress(table, y, x);
  } catch (e) {
    if (e instanceof StatsInputError) throw new CliError(`${data}: ${e.message}`);
    throw e;
  }

  const json = JSON.stringify(result, null, 2) + '\n';
  if (flags.out !== undefined) {
    await writeFile(flags.out, json);
    if (flags.format === 'table') process.stdout.write(regressionTables(result));
    else process.stderr.write(`satmon regress: wrote ${flags.out}\n`);
  } else {
    process.stdout.write(format === 'table' ? regressionTables(result) : json);
  }
  return 0;
}

/** SPSS-like text output: Model Summary, ANOVA, Coefficients, residual normality and heteroscedasticity. */
export function regressionTables(r: RegressionResult): string {
  const predictors = `Predictors: (Constant), ${r.predictors.join(', ')}`;
  const dependent = `Dependent Variable: ${r.dependent}`;
  const sample = `N = ${r.n} (listwise; ${r.missing.rowsExcluded} of ${r.missing.rowsRead} rows excluded for missing values)`;
  const parts: string[] = [];

  parts.push(
    formatTable(
      [
        { header: 'Model' },
        { header: 'R', decimals: 3 },
        { header: 'R Square', decimals: 3 },
        { header: 'Adjusted R Square', decimals: 3 },
        { header: 'Std. Error of the Estimate', decimals: 5 },
        { header: 'Durbin-Watson', decimals: 3 },
      ],
      [['1', r.r, r.r2, r.adjR2, r.residualSE, r.durbinWatson]],
      { title: 'Model Summary', footnotes: [`a. ${predictors}`, `b. ${dependent}`, sample] },
    ),
  );

  const a = r.anova;
  parts.push(
    formatTable(
      [
        { header: 'Model' },
        { header: 'Sum of Squares', decimals: 3 },
        { header: 'df', decimals: 0 },
        { header: 'Mean Square', decimals: 3 },
        { header: 'F', decimals: 3 },
        { header: 'Sig.', decimals: 3 },
      ],
      [
        ['1 Regression', a.regression.sumSq, a.regression.df, a.regression.meanSq, r.f, r.fP],
        ['  Residual', a.residual.sumSq, a.residual.df, a.residual.meanSq, null, null],
        ['  Total', a.total.sumSq, a.total.df, null, null, null],
      ],
      {
        title: 'ANOVA',
        footnotes: [`a. ${dependent}`, `b. ${predictors}`, `F table (alpha = ${r.critical.alpha}; ${r.df.regression}, ${r.df.residual}) = ${r.critical.f.toFixed(3)}`],
      },
    ),
  );

  parts.push(
    formatTable(
      [
        { header: 'Model' },
        { header: 'B', decimals: 3 },
        { header: 'Std. Error', decimals: 3 },
        { header: 'Beta', decimals: 3 },
        { header: 't', decimals: 3 },
        { header: 'Sig.', decimals: 3 },
        { header: 'Tolerance', decimals: 3 },
        { header: 'VIF', decimals: 3 },
      ],
      r.coefficients.map((c, j) => [
        j === 0 ? `1 ${c.name}` : `  ${c.name}`,
        c.b,
        c.se,
        c.beta,
        c.t,
        c.p,
        j === 0 ? null : r.tolerance[c.name],
        j === 0 ? null : r.vif[c.name],
      ]),
      { title: 'Coefficients', footnotes: [`a. ${dependent}`, `t table (two-sided, alpha = ${r.critical.alpha}, df = ${r.df.residual}) = ${r.critical.t.toFixed(3)}`] },
    ),
  );

  const ks = r.ks;
  parts.push(
    formatTable(
      [{ header: '' }, { header: 'Unstandardized Residual', align: 'right' }],
      [
        ['N', String(ks.n)],
        ['Normal Parameters  Mean', formatCell(ks.mean, 7)],
        ['                   Std. Deviation', ks.sd.toFixed(8)],
        ['Most Extreme Differences  Absolute', ks.mostExtremeDifferences.absolute.toFixed(3)],
        ['                          Positive', ks.mostExtremeDifferences.positive.toFixed(3)],
        ['                          Negative', ks.mostExtremeDifferences.negative.toFixed(3)],
        ['Kolmogorov-Smirnov Z', ks.ksZ.toFixed(3)],
        ['Asymp. Sig. (2-tailed)', ks.asympP.toFixed(3)],
        ['Lilliefors Sig. (nortest)', ks.lillieforsP === null ? '' : ks.lillieforsP.toFixed(3)],
      ],
      { title: 'One-Sample Kolmogorov-Smirnov Test', footnotes: ['a. Test distribution is Normal.', 'b. Calculated from data.'] },
    ),
  );

  const het: (string | number | null)[][] = [];
  if (r.breuschPagan) {
    het.push(['Breusch-Pagan (Koenker, studentized)', r.breuschPagan.statistic, `chi2(${r.breuschPagan.df})`, r.breuschPagan.p]);
    het.push(['Breusch-Pagan (original)', r.breuschPagan.original.statistic, `chi2(${r.breuschPagan.original.df})`, r.breuschPagan.original.p]);
  }
  if (r.glejser) het.push(['Glejser (|e| on predictors)', r.glejser.f, `F(${r.glejser.df.regression}, ${r.glejser.df.residual})`, r.glejser.fP]);
  parts.push(
    formatTable(
      [{ header: 'Test' }, { header: 'Statistic', decimals: 3 }, { header: 'Distribution', align: 'right' }, { header: 'Sig.', decimals: 3 }],
      het,
      { title: 'Heteroscedasticity' },
    ),
  );
  if (r.glejser) {
    parts.push(
      formatTable(
        [{ header: '' }, { header: 'B', decimals: 3 }, { header: 'Std. Error', decimals: 3 }, { header: 't', decimals: 3 }, { header: 'Sig.', decimals: 3 }],
        r.glejser.coefficients.map((c) => [c.name, c.b, c.se, c.t, c.p]),
        { title: 'Glejser coefficients (dependent: |unstandardized residual|)' },
      ),
    );
  }
  return parts.join('\n');
}
