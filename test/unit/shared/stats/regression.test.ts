// OLS and diagnostics against R 4.2.2 (Debian r-base-core 4.2.2.20221110-2, lmtest 0.9.40, nortest 1.0-4,
// car 3.1-1). Every expected number below was printed by R with sprintf("%.15g") from this code:
//
//   library(lmtest); library(nortest); library(car)
//   g <- function(x) sprintf("%.15g", x)
//   K <- function(z) 2 * sum((-1)^(0:99) * exp(-2 * (1:100)^2 * z^2))  # P(K > z), summed to convergence
//   report <- function(m) {
//     s <- summary(m); e <- resid(m); n <- length(e); mf <- model.frame(m)
//     cf <- coef(s); X <- model.matrix(m)[, -1, drop = FALSE]; y <- model.response(mf)
//     beta <- coef(m)[-1] * apply(X, 2, sd) / sd(y)                      # standardized coefficients
//     print(cf); print(beta); fs <- s$fstatistic
//     cat(s$r.squared, s$adj.r.squared, s$sigma, fs, pf(fs[1], fs[2], fs[3], lower.tail = FALSE))
//     cat(sum((fitted(m) - mean(fitted(m)))^2), sum(e^2))                 # regression and residual SS
//     cat(car::vif(m), dwtest(m)$statistic)
//     k <- ks.test(e, "pnorm", mean(e), sd(e), exact = FALSE)
//     x <- pnorm(sort(e), mean(e), sd(e)); dp <- max((1:n)/n - x); dm <- max(x - (0:(n - 1))/n)
//     cat(mean(e), sd(e), k$statistic, dp, -dm, sqrt(n) * k$statistic, k$p.value, K(sqrt(n) * k$statistic))
//     cat(lillie.test(e)$p.value)
//     cat(bptest(m)$statistic, bptest(m)$p.value, bptest(m, studentize = FALSE)$statistic, bptest(m, studentize = FALSE)$p.value)
//     gl <- summary(lm(abs(e) ~ X)); print(coef(gl)); gf <- gl$fstatistic
//     cat(gl$r.squared, gf[1], pf(gf[1], gf[2], gf[3], lower.tail = FALSE))
//     cat(qt(0.975, fs[3]), qf(0.95, fs[2], fs[3]))
//   }
//   mobi <- read.csv("test/fixtures/reference/data/mobi.csv")
//   report(lm(CUSL1 ~ CUSA1 + CUSA2 + CUSA3 + PERQ1 + IMAG1, data = mobi))
//   corp <- read.csv("test/fixtures/reference/data/corp_rep_data.csv", na.strings = "-99")
//   which(!complete.cases(corp[, c("cusl_1", "cusa", "comp_1", "like_1", "qual_1")]))
//   report(lm(cusl_1 ~ cusa + comp_1 + like_1 + qual_1, data = corp))            # na.omit = listwise
//
// All figures agree to a relative 1e-8 (in practice ~1e-13) except R's ks.test p-value itself: R's internal
// pKS2 sums the Kolmogorov series only to tol = 1e-6, so the reference is the fully summed series K(z).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNumericCsv } from '../../../../shared/stats/read-csv';
import { tableFromRows } from '../../../../shared/stats/table';
import { ksNormality, regress, type RegressionResult } from '../../../../shared/stats/regression';
import {
  chisqQuantile, chisqSf, fCdf, fQuantile, fSf, kolmogorovSf, normalCdf, normalQuantile, tQuantile, tTwoSidedP,
} from '../../../../shared/stats/distributions';
import { referenceDir } from '../../../helpers/reference';
import { expectAllClose, expectClose } from './expect-close';

const load = (file: string, missingCodes: string[] = []) =>
  readNumericCsv(readFileSync(path.join(referenceDir, 'data', file), 'utf8'), file, { missingCodes });

interface Expected {
  coefficients: { name: string; b: number; se: number; beta: number | null; t: number; p: number }[];
  r2: number; adjR2: number; sigma: number; f: number; fP: number; df: [number, number];
  ssr: number; sse: number; vif: number[]; dw: number;
  ks: { mean: number; sd: number; d: number; dPlus: number; dMinus: number; z: number; seriesP: number; rKsTestP: number; lillieP: number };
  bp: { koenker: number; koenkerP: number; original: number; originalP: number };
  glejser: { r2: number; f: number; p: number; coefficients: { b: number; se: number; t: number; p: number }[] };
  critical: { t: number; f: number };
}

function checkAgainstR(r: RegressionResult, e: Expected): void {
  expect(r.coefficients.map((c) => c.name)).toEqual(e.coefficients.map((c) => (c.name === '(Intercept)' ? '(Constant)' : c.name)));
  r.coefficients.forEach((c, j) => {
    const x = e.coefficients[j]!;
    expectClose(c.b, x.b);
    expectClose(c.se, x.se);
    if (x.beta === null) expect(c.beta).toBeNull();
    else expectClose(c.beta, x.beta);
    expectClose(c.t, x.t);
    expectClose(c.p, x.p);
  });
  expectClose(r.r2, e.r2);
  expectClose(r.r, Math.sqrt(e.r2));
  expectClose(r.adjR2, e.adjR2);
  expectClose(r.residualSE, e.sigma);
  expectClose(r.f, e.f);
  expectClose(r.fP, e.fP);
  expect([r.df.regression, r.df.residual]).toEqual(e.df);
  expect(r.df.total).toBe(e.df[0] + e.df[1]);
  expectClose(r.anova.regression.sumSq, e.ssr);
  expectClose(r.anova.residual.sumSq, e.sse);
  expectClose(r.anova.total.sumSq, e.ssr + e.sse);
  expectAllClose(Object.values(r.vif), e.vif);
  expectAllClose(Object.values(r.tolerance), e.vif.map((v) => 1 / v));
  expectClose(r.durbinWatson, e.dw);
  expectClose(r.ks.mean, e.ks.mean, 1e-8, 1e-12);
  expectClose(r.ks.sd, e.ks.sd);
  expectClose(r.ks.mostExtremeDifferences.absolute, e.ks.d);
  expectClose(r.ks.mostExtremeDifferences.positive, e.ks.dPlus);
  expectClose(r.ks.mostExtremeDifferences.negative, e.ks.dMinus);
  expectClose(r.ks.ksZ, e.ks.z);
  expectClose(r.ks.asympP, e.ks.seriesP);
  expectClose(r.ks.asympP, e.ks.rKsTestP, 0, 5e-5); // R's own ks.test, its series summed only to tol 1e-6
  expectClose(r.ks.lillieforsP, e.ks.lillieP);
  expectClose(r.breuschPagan?.statistic, e.bp.koenker);
  expectClose(r.breuschPagan?.p, e.bp.koenkerP);
  expectClose(r.breuschPagan?.original.statistic, e.bp.original);
  expectClose(r.breuschPagan?.original.p, e.bp.originalP);
  expect(r.breuschPagan?.df).toBe(e.df[0]);
  expectClose(r.glejser?.r2, e.glejser.r2);
  expectClose(r.glejser?.f, e.glejser.f);
  expectClose(r.glejser?.fP, e.glejser.p);
  r.glejser!.coefficients.forEach((c, j) => {
    const x = e.glejser.coefficients[j]!;
    expectClose(c.b, x.b);
    expectClose(c.se, x.se);
    expectClose(c.t, x.t);
    expectClose(c.p, x.p);
  });
  expectClose(r.critical.t, e.critical.t);
  expectClose(r.critical.f, e.critical.f);
}

describe('regress: mobi.csv, CUSL1 ~ CUSA1 + CUSA2 + CUSA3 + PERQ1 + IMAG1 (n = 250)', () => {
  const r = regress(load('mobi.csv'), 'CUSL1', ['CUSA1', 'CUSA2', 'CUSA3', 'PERQ1', 'IMAG1']);
  it('matches R lm / car / lmtest / nortest to 1e-8', () => {
    expect(r.n).toBe(250);
    expect(r.missing).toEqual({ method: 'listwise', rowsRead: 250, rowsExcluded: 0, excludedRows: [] });
    checkAgainstR(r, {
      coefficients: [
        { name: '(Intercept)', b: 0.352974136481291, se: 1.04952761265047, beta: null, t: 0.336317150903628, p: 0.736920766802194 },
        { name: 'CUSA1', b: 0.244691542626169, se: 0.163896490958176, beta: 0.113545775260811, t: 1.49296388956009, p: 0.136738540560196 },
        { name: 'CUSA2', b: 0.108076597117061, se: 0.116432615544317, beta: 0.0717610361147233, t: 0.928233009383217, p: 0.354204028049477 },
        { name: 'CUSA3', b: 0.460763062961638, se: 0.119240164745254, beta: 0.302794360024358, t: 3.86415989902412, p: 0.000142927986743803 },
        { name: 'PERQ1', b: 0.21022197304022, se: 0.147844129693615, beta: 0.11241088619057, t: 1.42191626732745, p: 0.156327533627918 },
        { name: 'IMAG1', b: -0.0872887546712554, se: 0.109396387528718, beta: -0.055815769694597, t: -0.797912587820513, p: 0.425697073554333 },
      ],
      r2: 0.222151838958316, adjR2: 0.20621232746156, sigma: 2.36864217776415,
      f: 13.9371798818007, fP: 5.4965876584908e-12, df: [5, 244],
      ssr: 390.970353026875, sse: 1368.95364697313,
      vif: [1.81442219497538, 1.87481483425583, 1.92610687618685, 1.96048577145071, 1.53496402010548],
      dw: 1.98518078301125,
      ks: {
        mean: -4.98819735517131e-17, sd: 2.34474003060831, d: 0.130968130169479, dPlus: 0.0736755558975817,
        dMinus: -0.130968130169479, z: 2.07078796114484, seriesP: 0.000377032797042814, rKsTestP: 0.00037703279704282,
        lillieP: 3.34303052140266e-11,
      },
      bp: { koenker: 1.43842580013572, koenkerP: 0.920064208736185, original: 2.58774601791741, originalP: 0.763226224084308 },
      glejser: {
        r2: 0.0245978528842712, f: 1.23064648186592, p: 0.295272631140265,
        coefficients: [
          { b: 2.87729152265867, se: 0.692011308648689, t: 4.15786777860212, p: 4.45046178580598e-05 },
          { b: -0.0159224749253254, se: 0.108065975419618, t: -0.147340315612743, p: 0.88298508651017 },
          { b: -0.088937861072874, se: 0.07677043050705, t: -1.15849110764992, p: 0.247796280853653 },
          { b: -0.0480497414315009, se: 0.0786216021896407, t: -0.611151898375228, p: 0.541667951000106 },
          { b: -0.0477645278385834, se: 0.0974817703051497, t: -0.489984206165572, p: 0.624585341903466 },
          { b: 0.0467270849715925, se: 0.0721310581853169, t: 0.647808116880009, p: 0.517718142304216 },
        ],
      },
      critical: { t: 1.96973399227238, f: 2.25102791762971 },
    });
  });
  it('is JSON-serialisable without loss', () => {
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });
});

describe('regress: corp_rep_data.csv with -99 missing, cusl_1 ~ cusa + comp_1 + like_1 + qual_1 (listwise)', () => {
  const r = regress(load('corp_rep_data.csv', ['-99']), 'cusl_1', ['cusa', 'comp_1', 'like_1', 'qual_1']);
  it('drops and reports the same rows as R na.omit', () => {
    expect(r.n).toBe(340);
    expect(r.missing).toEqual({ method: 'listwise', rowsRead: 344, rowsExcluded: 4, excludedRows: [178, 204, 218, 282] });
  });
  it('matches R to 1e-8', () => {
    checkAgainstR(r, {
      coefficients: [
        { name: '(Intercept)', b: 0.888631830459089, se: 0.339200187843188, beta: null, t: 2.61978578523047, p: 0.00919887206215802 },
        { name: 'cusa', b: 0.422924791350986, se: 0.0654996781494261, beta: 0.329563827980297, t: 6.45689877110781, p: 3.75518429141061e-10 },
        { name: 'comp_1', b: 0.104969536766787, se: 0.0600728515781684, beta: 0.0996606541806419, t: 1.74737063430721, p: 0.0814893627742388 },
        { name: 'like_1', b: 0.303172340718425, se: 0.0560058414427371, beta: 0.310126198869042, t: 5.41322713682289, p: 1.18222105171453e-07 },
        { name: 'qual_1', b: 0.0117760786701795, se: 0.0555177993305238, beta: 0.0109066196556085, t: 0.212113571002175, p: 0.832147429222746 },
      ],
      r2: 0.39253340126588, adjR2: 0.385280068743681, sigma: 1.1868523535562,
      f: 54.1176624764619, fP: 3.66817109354774e-35, df: [4, 335],
      ssr: 304.92456414335, sse: 471.887200562532,
      vif: [1.4366584296298, 1.79390650663634, 1.81003434384146, 1.45802788236188],
      dw: 2.22111281604596,
      ks: {
        mean: -5.76046180731306e-17, sd: 1.17982949690935, d: 0.095585542536087, dPlus: 0.0618417683692969,
        dMinus: -0.095585542536087, z: 1.76251031777183, seriesP: 0.00400689733933978, rKsTestP: 0.00400689733933968,
        lillieP: 6.37543750073249e-08,
      },
      bp: { koenker: 9.03929682683007, koenkerP: 0.060124717544222, original: 17.7580499574853, originalP: 0.00137594961353108 },
      glejser: {
        r2: 0.0412951722773729, f: 3.60744055753372, p: 0.00677299227277655,
        coefficients: [
          { b: 1.1436373954083, se: 0.228967815038465, t: 4.99475175240753, p: 9.5012254418841e-07 },
          { b: 0.0717971270430609, se: 0.0442137673536019, t: 1.6238635913755, p: 0.105345447945516 },
          { b: -0.0147901763084844, se: 0.0405505364146261, t: -0.364734418239403, p: 0.715539800446749 },
          { b: -0.100338154706128, se: 0.0378052123911633, t: -2.65408255528227, p: 0.00833176779707593 },
          { b: -0.0302478249206655, se: 0.0374757729035534, t: -0.807130115728644, p: 0.420164199066435 },
        ],
      },
      critical: { t: 1.96707060966236, f: 2.39860604804 },
    });
  });
});

// Lilliefors branches and the KS statistic on fixed vectors, against nortest::lillie.test:
//   vs <- list(v1 = qnorm(ppoints(20)), v2 = (1:30)^2, v3 = exp(seq(0, 2, length.out = 150)), v4 = sin(1:40),
//              v5 = log(1:60), v6 = sqrt(1:25), v7 = c(1:10, 30), v8 = cos(1:15)^3, v9 = (1:200) %% 7, v10 = tan(1:9))
//   for (x in vs) { lt <- lillie.test(x); n <- length(x); D <- lt$statistic
//                   cat(D, lt$p.value, (sqrt(n) - 0.01 + 0.85/sqrt(n)) * D, K(sqrt(n) * D)) }
describe('ksNormality: KS D, asymptotic p and Lilliefors p against nortest::lillie.test', () => {
  const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
  const ppoints = (n: number) => range(1, n).map((i) => (i - (n <= 10 ? 3 / 8 : 0.5)) / (n + 1 - 2 * (n <= 10 ? 3 / 8 : 0.5)));
  const cases: [string, number[], number, number, number][] = [
    // name, x, D, Lilliefors p, K(√n·D)     (branch by Stephens' KK = (√n − 0.01 + 0.85/√n)·D)
    ['v1 qnorm(ppoints(20)), KK 0.12 -> p = 1', ppoints(20).map((p) => normalQuantile(p)), 0.0264603072321703, 1, 1],
    ['v2 (1:30)^2, KK 0.74', range(1, 30).map((i) => i * i), 0.131997200494711, 0.200955513434579, 0.672720694745447],
    ['v3 exp(seq(0,2,l=150)), n > 100', range(0, 149).map((i) => Math.exp((2 * i) / 149)), 0.112807528144241, 7.67149786065022e-05, 0.0439578104248796],
    ['v4 sin(1:40), KK 0.79', range(1, 40).map(Math.sin), 0.123028411123716, 0.132713365880408, 0.580148836770129],
    ['v5 log(1:60), Dallal-Wilkinson', range(1, 60).map(Math.log), 0.145662857818083, 0.00287498410485986, 0.15669489173573],
    ['v6 sqrt(1:25), KK 0.47', range(1, 25).map(Math.sqrt), 0.0916020423993997, 0.850013424832643, 0.984721512302003],
    ['v7 c(1:10, 30)', [...range(1, 10), 30], 0.296242476724936, 0.00773827817184256, 0.289204837366692],
    ['v8 cos(1:15)^3, KK 0.56', range(1, 15).map((i) => Math.cos(i) ** 3), 0.136629388094342, 0.634300666899178, 0.942182216979925],
    ['v9 (1:200) %% 7, n > 100', range(1, 200).map((i) => i % 7), 0.126050325130081, 3.32464304153043e-08, 0.00347442385496911],
    ['v10 tan(1:9)', range(1, 9).map(Math.tan), 0.258806886037101, 0.0835208814638743, 0.582937291584868],
  ];
  it.each(cases)('%s', (_name, x, d, lp, asp) => {
    const ks = ksNormality(x);
    expectClose(ks.mostExtremeDifferences.absolute, d);
    expectClose(ks.lillieforsP, lp);
    expectClose(ks.asympP, asp);
  });
  it('has no Lilliefors p below n = 5 (nortest refuses)', () => {
    expect(ksNormality([1, 2, 4, 8]).lillieforsP).toBeNull();
  });
});

// R: 2*pt(-2.5, 7); qt(0.975, 94); qf(0.95, 5, 94); pf(54.1176624764619, 4, 335, lower.tail = FALSE);
//    pchisq(9.03929682683007, 4, lower.tail = FALSE); pchisq(80, 3, lower.tail = FALSE); qchisq(0.95, 5);
//    pnorm(1.3); qnorm(0.975); pf(2, 3, 10); K(z) as above; 1 - .Call(stats:::C_pKS2, z, 1e-6) for R's own value.
describe('distributions (stdlib wrappers) against R', () => {
  it('t, F, chi-square, normal', () => {
    expectClose(tTwoSidedP(2.5, 7), 0.0409922185857529);
    expectClose(tTwoSidedP(-2.5, 7), 0.0409922185857529);
    expectClose(tQuantile(0.975, 94), 1.9855234418666);
    expectClose(fQuantile(0.95, 5, 94), 2.31127018957005);
    expectClose(fSf(54.1176624764619, 4, 335), 3.66817109354774e-35);
    expectClose(fCdf(2, 3, 10), 0.821992592624825);
    expectClose(chisqSf(9.03929682683007, 4), 0.060124717544222);
    expectClose(chisqSf(80, 3), 3.06927748617242e-17);
    expectClose(chisqQuantile(0.95, 5), 11.0704976935164);
    expectClose(normalCdf(1.3), 0.90319951541439);
    expectClose(normalQuantile(0.975), 1.95996398454005);
  });
  it('Kolmogorov upper tail: both series branches; R pKS2 (tol 1e-6) is ~3e-5 off just below z = 1', () => {
    const ref: [number, number, number][] = [
      [0.3, 0.999990694198665, 0.999990694198665],
      [0.6, 0.864282779050604, 0.864282779050773],
      [0.95, 0.327485484479559, 0.327497460560611],
      [0.99, 0.280873839225549, 0.280904279069665],
      [1, 0.269999671677355, 0.26999967167738],
      [1.123, 0.160473202920361, 0.160473202920361], // the paper's KS Z = 1.123 -> Asymp. Sig. .160
      [1.8, 0.00306762134757971, 0.00306762134757965],
      [3, 3.04599594894253e-08, 3.04599594436183e-08],
    ];
    for (const [z, series, rKs] of ref) {
      expectClose(kolmogorovSf(z), series, 1e-12, 1e-15);
      expectClose(kolmogorovSf(z), rKs, 0, 5e-5);
    }
    expect(kolmogorovSf(0)).toBe(1);
  });
});

describe('regress: bad input', () => {
  const rows = [
    [1, 2, 1, 3, 5],
    [2, 1, 4, 3, 1],
    [3, 5, 2, 3, 4],
    [4, 3, 3, 3, 2],
    [5, 6, 5, 3, 7],
    [6, 4, 7, 3, 3],
    [7, 8, 6, 3, 6],
  ];
  // x3 = x1 + x2 exactly; c is constant.
  const t = tableFromRows(['y', 'x1', 'x2', 'c', 'z'], rows);
  const withSum = { names: [...t.names, 'x3'], cols: [...t.cols, t.cols[1]!.map((v, i) => v + t.cols[2]![i]!)], n: t.n };

  // R's lm answers these (coefficient NA, the fit of the other columns): see regression-options.test.ts for the numbers.
  it('reports a collinear predictor as aliased (NaN coefficient), naming what it depends on', () => {
    const r = regress(withSum, 'y', ['x1', 'x2', 'x3']);
    expect(r.aliased).toEqual(['x3']);
    expect(r.coefficients.map((c) => c.name)).toEqual(['(Constant)', 'x1', 'x2', 'x3']);
    expect(r.coefficients[3]!.b).toBeNaN();
    expect(r.warnings).toEqual([expect.stringMatching(/predictor 'x3' is aliased: a linear combination of x1, x2; its coefficient is NA/)]);
    const ref = regress(withSum, 'y', ['x1', 'x2']);
    for (let j = 0; j < 3; j++) expect(r.coefficients[j]!.b).toBe(ref.coefficients[j]!.b);
    expect(r.r2).toBe(ref.r2);
  });
  it('reports a constant predictor as aliased with the intercept', () => {
    for (const x of [['x1', 'c'], ['c', 'x1']]) {
      const r = regress(t, 'y', x);
      expect(r.aliased).toEqual(['c']);
      expect(r.warnings[0]).toMatch(/predictor 'c' is constant \(aliased with the intercept\)/);
    }
  });
  it('fits n = k + 1 exactly as R: coefficients, NaN standard errors and a warning', () => {
    // R: lm(y ~ a + b) on these 3 rows gives -4, 1, 1 and "ALL 3 residuals are 0: no residual degrees of freedom!"
    const small = tableFromRows(['y', 'a', 'b'], [[1, 2, 3], [2, 1, 5], [4, 4, 4]]);
    const r = regress(small, 'y', ['a', 'b']);
    expect(r.coefficients.map((c) => c.b)).toEqual([expect.closeTo(-4, 12), expect.closeTo(1, 12), expect.closeTo(1, 12)]);
    expect(r.coefficients.every((c) => Number.isNaN(c.se))).toBe(true);
    expect(r.warnings.join(' ')).toMatch(/no residual degrees of freedom/);
    // 2 complete rows, a line through both: y = 5 - 2a
    const withNa = tableFromRows(['y', 'a'], [[1, 2], [2, NaN], [3, 1], [NaN, 4]]);
    const w = regress(withNa, 'y', ['a']);
    expect(w.n).toBe(2);
    expect(w.coefficients.map((c) => c.b)).toEqual([expect.closeTo(5, 12), expect.closeTo(-2, 12)]);
  });
  it('refuses a constant dependent, y among x and duplicate predictors; warns on a perfect fit', () => {
    expect(() => regress(t, 'c', ['x1'])).toThrow(/dependent variable 'c' is constant/);
    expect(regress(withSum, 'x3', ['x1', 'x2']).warnings).toEqual([expect.stringMatching(/essentially perfect fit of 'x3'/)]);
    expect(() => regress(t, 'y', ['x1', 'y'])).toThrow(/both the dependent variable and a predictor/);
    expect(() => regress(t, 'y', ['x1', 'x1'])).toThrow(/listed twice/);
    expect(() => regress(t, 'y', ['nope'])).toThrow(/column 'nope' not found/);
  });
});

// Numerical stability on R's ill-conditioned `longley` data (VIF up to 1789):
//   g <- function(x) sprintf("%.15g", x); d <- longley; m <- lm(Employed ~ ., data = d); s <- summary(m)
//   g(coef(s)[, 1]); g(coef(s)[, 2]); g(s$r.squared); g(s$sigma); g(s$fstatistic[1]); g(car::vif(m))
describe('regress: longley (ill-conditioned) against R', () => {
  const names = ['GNP.deflator', 'GNP', 'Unemployed', 'Armed.Forces', 'Population', 'Year', 'Employed'];
  const rows = [
    [83, 234.289, 235.6, 159, 107.608, 1947, 60.323], [88.5, 259.426, 232.5, 145.6, 108.632, 1948, 61.122],
    [88.2, 258.054, 368.2, 161.6, 109.773, 1949, 60.171], [89.5, 284.599, 335.1, 165, 110.929, 1950, 61.187],
    [96.2, 328.975, 209.9, 309.9, 112.075, 1951, 63.221], [98.1, 346.999, 193.2, 359.4, 113.27, 1952, 63.639],
    [99, 365.385, 187, 354.7, 115.094, 1953, 64.989], [100, 363.112, 357.8, 335, 116.219, 1954, 63.761],
    [101.2, 397.469, 290.4, 304.8, 117.388, 1955, 66.019], [104.6, 419.18, 282.2, 285.7, 118.734, 1956, 67.857],
    [108.4, 442.769, 293.6, 279.8, 120.445, 1957, 68.169], [110.8, 444.546, 468.1, 263.7, 121.95, 1958, 66.513],
    [112.6, 482.704, 381.3, 255.2, 123.366, 1959, 68.655], [114.2, 502.601, 393.1, 251.4, 125.368, 1960, 69.564],
    [115.7, 518.173, 480.6, 257.2, 127.852, 1961, 69.331], [116.9, 554.894, 400.7, 282.7, 130.081, 1962, 70.551],
  ];
  it('coefficients, SEs, R², F and VIF to 1e-8', () => {
    const r = regress(tableFromRows(names, rows), 'Employed', names.slice(0, 6));
    expectAllClose(r.coefficients.map((c) => c.b), [
      -3482.25863459581, 0.0150618722713728, -0.035819179292591, -0.0202022980381682, -0.0103322686717359, -0.0511041056535792, 1.82915146461355,
    ]);
    expectAllClose(r.coefficients.map((c) => c.se), [
      890.420383607376, 0.0849149257747674, 0.0334910077722434, 0.00488399681651703, 0.00214274163161676, 0.226073200069373, 0.455478499142213,
    ]);
    expectClose(r.r2, 0.995479004577296);
    expectClose(r.residualSE, 0.304854073561966);
    expectClose(r.f, 330.285339234586);
    expectAllClose(Object.values(r.vif), [135.532438279985, 1788.51348271794, 33.6188905960496, 3.58893019344532, 399.151022312593, 758.980597406793]);
  });
});
