// satmon regress: OLS (with an intercept unless --no-intercept) and SPSS-style diagnostics on columns of a numeric CSV.
import { writeFile } from 'node:fs/promises';
import { parseFlags, required } from '../args';
import { CliError } from '../errors';
import { formatCell, formatNumber, formatTable } from '../format-table';
import { cliFormat } from '../i18n';
import { formatFlag, listFlag, loadNumericCsv } from '../read-data';
import { StatsInputError } from '../../shared/stats/errors';
import { CONSTANT, regress, type RegressionResult } from '../../shared/stats/regression';
import type { Format } from '../../shared/i18n/format';

export const summary = 'OLS regression with SPSS-style diagnostics';

const HELP = `Usage: satmon regress --data D.csv --y COL --x COL,COL,... [--no-intercept] [--weights COL] [--missing CODE[,CODE]] [--out R.json] [--format json|table]

Fits as R's lm. A predictor that is a linear combination of earlier ones (or constant, with an intercept) is
reported as R does: coefficient NA (null in the JSON), a warning naming it, the fit of the other predictors. An exact
or near-exact fit is computed and warned about (R: "essentially perfect fit: summary may be unreliable"). Warnings
go to standard error and into the JSON's "warnings".

  --data     numeric CSV with a header row
  --y        dependent column
  --x        predictor columns, comma-separated (an intercept is added unless --no-intercept)
  --no-intercept
             regression through the origin, R's lm(y ~ 0 + x): R², adjusted R², F and the ANOVA use the uncentred
             total sum of squares (SPSS's "Uncentered Total"), the regression df is the number of predictors
  --weights  column of survey weights (frequency semantics: a row of weight k counts as k copies; >= 0, 0 = row
             left out; a blank or missing weight is an error); weighted least squares, and the output gives
             the effective n and design effect
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
      weights: { type: 'string' },
      'no-intercept': { type: 'boolean' },
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

  const weightCol = flags.weights;
  if (weightCol !== undefined && (weightCol === y || x.includes(weightCol))) {
    throw new CliError(`--weights ${weightCol} is also ${weightCol === y ? 'the dependent variable' : 'a predictor'}`);
  }
  const table = await loadNumericCsv(data, weightCol === undefined ? [y, ...x] : [y, ...x, weightCol], missing);
  let weights: Float64Array | undefined;
  if (weightCol !== undefined) {
    weights = table.cols[table.names.length - 1]!;
    weights.forEach((w, i) => {
      // line = data row + 1 (the header is line 1), as readNumericCsv counts
      if (Number.isNaN(w)) throw new CliError(`${data}: line ${i + 2}, column '${weightCol}': the weight is missing`);
      if (w < 0) throw new CliError(`${data}: line ${i + 2}, column '${weightCol}': weight ${w} is negative`);
    });
  }
  let result: RegressionResult;
  try {
    result = regress(table, y, x, { ...(weights ? { weights } : {}), intercept: !flags['no-intercept'] });
    if (result.weights) result = { ...result, weights: { column: weightCol!, ...result.weights } };
  } catch (e) {
    if (e instanceof StatsInputError) throw new CliError(`${data}: ${e.message}`);
    throw e;
  }

  for (const w of result.warnings) process.stderr.write(`satmon regress: warning: ${w}\n`);
  const json = JSON.stringify(result, null, 2) + '\n';
  if (flags.out !== undefined) {
    await writeFile(flags.out, json);
    if (flags.format === 'table') process.stdout.write(regressionTables(result));
    else process.stderr.write(`satmon regress: ${cliFormat().t('cli.wrote', { file: flags.out })}\n`);
  } else {
    process.stdout.write(format === 'table' ? regressionTables(result) : json);
  }
  return 0;
}

/** SPSS-like text output: Model Summary, ANOVA, Coefficients, residual normality and heteroscedasticity. */
export function regressionTables(r: RegressionResult, fmt: Format = cliFormat()): string {
  const { t } = fmt;
  const num = (v: number) => formatNumber(v, fmt);
  const constant = (name: string) => (name === CONSTANT ? t('cli.regress.constant') : name);
  const predictors = t(r.intercept ? 'cli.regress.predictors' : 'cli.regress.predictorsNoConstant', { predictors: r.predictors.join(', ') });
  const dependent = t('cli.regress.dependent', { dependent: r.dependent });
  const sample = t('cli.listwiseN', { n: fmt.int(r.weights ? r.weights.n : r.n), excluded: fmt.int(r.missing.rowsExcluded), read: fmt.int(r.missing.rowsRead) });
  const wt = r.weights;
  const weighted = wt ? [t('cli.regress.weighted', {
    column: wt.column ?? 'w', rows: fmt.int(wt.n), sum: fmt.num(wt.sum, 2), nEffective: fmt.num(wt.nEffective, 1), deff: fmt.num(wt.deff, 3),
  })] : [];
  const origin = r.intercept ? [] : [t('cli.regress.throughOrigin')];
  const model = { header: t('cli.model') };
  const sig = { header: 'Sig.', decimals: 3 };
  const stdError = { header: t('cli.regress.stdError'), decimals: 3 };
  const parts: string[] = [];

  parts.push(
    formatTable(
      [
        model,
        { header: 'R', decimals: 3 },
        { header: t('cli.regress.rSquare'), decimals: 3 },
        { header: t('cli.regress.adjRSquare'), decimals: 3 },
        { header: t('cli.regress.seEstimate'), decimals: 5 },
        { header: 'Durbin-Watson', decimals: 3 },
      ],
      [['1', r.r, r.r2, r.adjR2, r.residualSE, Number.isNaN(r.durbinWatson) ? null : r.durbinWatson]],
      { title: t('cli.regress.summary'), footnotes: [`a. ${predictors}`, `b. ${dependent}`, sample, ...weighted, ...origin], fmt },
    ),
  );

  const a = r.anova;
  parts.push(
    formatTable(
      [
        model,
        { header: t('cli.regress.sumSquares'), decimals: 3 },
        { header: 'df', decimals: 0 },
        { header: t('cli.regress.meanSquare'), decimals: 3 },
        { header: 'F', decimals: 3 },
        sig,
      ],
      [
        [`1 ${t('cli.regress.regression')}`, a.regression.sumSq, a.regression.df, a.regression.meanSq, r.f, r.fP],
        [`  ${t('cli.regress.residual')}`, a.residual.sumSq, a.residual.df, a.residual.meanSq, null, null],
        [`  ${t(r.intercept ? 'cli.regress.total' : 'cli.regress.uncenteredTotal')}`, a.total.sumSq, a.total.df, null, null, null],
      ],
      {
        title: 'ANOVA',
        footnotes: [`a. ${dependent}`, `b. ${predictors}`,
          t('cli.regress.fTable', { alpha: num(r.critical.alpha), df1: r.df.regression, df2: r.df.residual, f: fmt.num(r.critical.f, 3) })],
        fmt,
      },
    ),
  );

  parts.push(
    formatTable(
      [
        model,
        { header: 'B', decimals: 3 },
        stdError,
        { header: 'Beta', decimals: 3 },
        { header: 't', decimals: 3 },
        sig,
        { header: t('cli.regress.tolerance'), decimals: 3 },
        { header: 'VIF', decimals: 3 },
      ],
      r.coefficients.map((c, j) => {
        const label = `${j === 0 ? '1' : ' '} ${constant(c.name)}`;
        const isConstant = c.name === CONSTANT;
        // an aliased predictor: NA as R prints it
        if (Number.isNaN(c.b)) return [label, 'NA', 'NA', isConstant ? null : 'NA', 'NA', 'NA', null, null];
        return [label, c.b, c.se, c.beta, c.t, c.p, isConstant ? null : r.tolerance[c.name], isConstant ? null : r.vif[c.name]];
      }),
      {
        title: t('cli.regress.coefficients'),
        footnotes: [`a. ${dependent}`, t('cli.regress.tTable', { alpha: num(r.critical.alpha), df: r.df.residual, t: fmt.num(r.critical.t, 3) })],
        fmt,
      },
    ),
  );

  const ks = r.ks;
  // SPSS's two-level row labels: a group's name, then its members indented under the first one.
  const group = (name: string, members: [string, string][]) => members.map(([label, value], i) =>
    [`${i === 0 ? name : ' '.repeat(name.length)}  ${label}`, value]);
  parts.push(
    formatTable(
      [{ header: '' }, { header: t('cli.regress.unstdResidual'), align: 'right' }],
      [
        ['N', fmt.int(ks.n)],
        ...group(t('cli.regress.normalParameters'), [[t('cli.regress.mean'), formatCell(ks.mean, 7, fmt)], [t('cli.regress.sd'), fmt.num(ks.sd, 8)]]),
        ...group(t('cli.regress.extremes'), [
          [t('cli.regress.absolute'), fmt.num(ks.mostExtremeDifferences.absolute, 3)],
          [t('cli.regress.positive'), fmt.num(ks.mostExtremeDifferences.positive, 3)],
          [t('cli.regress.negative'), fmt.num(ks.mostExtremeDifferences.negative, 3)],
        ]),
        ['Kolmogorov-Smirnov Z', fmt.num(ks.ksZ, 3)],
        [t('cli.regress.asympSig'), fmt.num(ks.asympP, 3)],
        [t('cli.regress.lillieforsSig'), ks.lillieforsP === null ? '' : fmt.num(ks.lillieforsP, 3)],
      ],
      { title: t('cli.regress.ks'), footnotes: [t('cli.regress.ksNormal'), t('cli.regress.ksFromData')], fmt },
    ),
  );

  const het: (string | number | null)[][] = [];
  if (r.breuschPagan) {
    het.push([t('cli.regress.bpKoenker'), r.breuschPagan.statistic, `chi2(${r.breuschPagan.df})`, r.breuschPagan.p]);
    het.push([t('cli.regress.bpOriginal'), r.breuschPagan.original.statistic, `chi2(${r.breuschPagan.original.df})`, r.breuschPagan.original.p]);
  }
  if (r.glejser) het.push([t('cli.regress.glejser'), r.glejser.f, `F(${r.glejser.df.regression}, ${r.glejser.df.residual})`, r.glejser.fP]);
  parts.push(
    formatTable(
      [{ header: t('cli.regress.test') }, { header: t('cli.regress.statistic'), decimals: 3 }, { header: t('cli.regress.distribution'), align: 'right' }, sig],
      het,
      { title: t('cli.regress.heteroscedasticity'), fmt },
    ),
  );
  if (r.glejser) {
    parts.push(
      formatTable(
        [{ header: '' }, { header: 'B', decimals: 3 }, stdError, { header: 't', decimals: 3 }, sig],
        r.glejser.coefficients.map((c) => [constant(c.name), c.b, c.se, c.t, c.p]),
        { title: t('cli.regress.glejserCoefficients'), fmt },
      ),
    );
  }
  return parts.join('\n');
}
