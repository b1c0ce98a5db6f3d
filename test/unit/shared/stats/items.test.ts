// Item-total statistics and Cronbach's alpha against R 4.2.2. psych 2.2.9 is packaged by Debian
// (r-cran-psych) and was used as a cross-check, but the expected values are from base-R formulas:
//
//   g <- function(x) sprintf("%.15g", x)
//   alpha_raw <- function(d) { k <- ncol(d); k / (k - 1) * (1 - sum(apply(d, 2, var)) / var(rowSums(d))) }
//   alpha_std <- function(d) { r <- cor(d); k <- ncol(d); rb <- mean(r[upper.tri(r)]); k * rb / (1 + (k - 1) * rb) }
//   item_total <- function(d) {
//     d <- na.omit(d); tot <- rowSums(d)                      # listwise, as SPSS RELIABILITY
//     cat(nrow(d), g(alpha_raw(d)), g(alpha_std(d)))
//     for (j in seq_len(ncol(d))) { rest <- tot - d[, j]
//       cat(g(mean(rest)), g(var(rest)), g(cor(d[, j], rest)), if (ncol(d) > 2) g(alpha_raw(d[, -j])) else "null") }
//     a <- psych::alpha(d, warnings = FALSE)                  # same raw_alpha, std.alpha, r.drop, alpha.drop
//     cat(g(a$total$raw_alpha), g(a$total$std.alpha), g(a$item.stats$r.drop), g(a$alpha.drop$raw_alpha))
//   }
//   mobi <- read.csv("test/fixtures/reference/data/mobi.csv")
//   item_total(mobi[, paste0("PERQ", 1:7)])
//   corp <- read.csv("test/fixtures/reference/data/corp_rep_data.csv", na.strings = "-99")
//   which(!complete.cases(corp[, c("cusl_1", "cusl_2", "cusl_3")]))
//   item_total(corp[, c("cusl_1", "cusl_2", "cusl_3")])
//   item_total(mobi[, c("CUSA1", "CUSA2")])
//   rt <- function(N, p) { df <- N - 2; t <- qt(p, df); t / sqrt(df + t^2) }
//   rt(250, 0.975); rt(250, 0.95); rt(100, 0.975); rt(100, 0.95); rt(102, 0.975); rt(30, 0.975); rt(30, 0.95)
//
// Base R and psych agree to ~1e-15 on every figure, except psych's alpha.drop for a 2-item scale, which is not
// Cronbach's alpha of the one remaining item (undefined; SPSS leaves it blank and so do we: null).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNumericCsv } from '../../../../shared/stats/read-csv';
import { tableFromRows } from '../../../../shared/stats/table';
import { itemAnalysis, reliabilityBand, rTable, type ItemTotalRow } from '../../../../shared/stats/items';
import { referenceDir } from '../../../helpers/reference';
import { expectClose } from './expect-close';

const load = (file: string, missingCodes: string[] = []) => readNumericCsv(readFileSync(path.join(referenceDir, 'data', file), 'utf8'), file, { missingCodes });

type Row = Omit<ItemTotalRow, 'valid'>;
function checkRows(actual: ItemTotalRow[], expected: Row[]): void {
  expect(actual.map((r) => r.item)).toEqual(expected.map((r) => r.item));
  actual.forEach((a, j) => {
    const e = expected[j]!;
    expectClose(a.scaleMeanIfDeleted, e.scaleMeanIfDeleted);
    expectClose(a.scaleVarianceIfDeleted, e.scaleVarianceIfDeleted);
    expectClose(a.correctedItemTotalCorrelation, e.correctedItemTotalCorrelation!);
    if (e.alphaIfDeleted === null) expect(a.alphaIfDeleted).toBeNull();
    else expectClose(a.alphaIfDeleted, e.alphaIfDeleted);
  });
}

describe('itemAnalysis: mobi.csv PERQ1-PERQ7 (n = 250)', () => {
  const r = itemAnalysis(load('mobi.csv'), ['PERQ1', 'PERQ2', 'PERQ3', 'PERQ4', 'PERQ5', 'PERQ6', 'PERQ7']);
  it('alpha raw and standardized, item-total table', () => {
    expect(r.n).toBe(250);
    expect(r.nItems).toBe(7);
    expectClose(r.alpha, 0.872406371429888);
    expectClose(r.alphaStandardized, 0.877010245240235);
    expect(r.band).toBe('Very reliable');
    checkRows(r.itemTotal, [
      { item: 'PERQ1', scaleMeanIfDeleted: 46.048, scaleVarianceIfDeleted: 60.8490923694779, correctedItemTotalCorrelation: 0.707172481283547, alphaIfDeleted: 0.849120980311818 },
      { item: 'PERQ2', scaleMeanIfDeleted: 46.8, scaleVarianceIfDeleted: 59.3654618473896, correctedItemTotalCorrelation: 0.535616673008151, alphaIfDeleted: 0.871814693546205 },
      { item: 'PERQ3', scaleMeanIfDeleted: 46.292, scaleVarianceIfDeleted: 56.745718875502, correctedItemTotalCorrelation: 0.673594913964329, alphaIfDeleted: 0.851204089206807 },
      { item: 'PERQ4', scaleMeanIfDeleted: 46.076, scaleVarianceIfDeleted: 58.6006265060241, correctedItemTotalCorrelation: 0.681215216921414, alphaIfDeleted: 0.850133762293754 },
      { item: 'PERQ5', scaleMeanIfDeleted: 46.12, scaleVarianceIfDeleted: 61.4955823293173, correctedItemTotalCorrelation: 0.655743754853559, alphaIfDeleted: 0.854587706695227 },
      { item: 'PERQ6', scaleMeanIfDeleted: 46.216, scaleVarianceIfDeleted: 58.7563694779116, correctedItemTotalCorrelation: 0.686019280297753, alphaIfDeleted: 0.849602797912502 },
      { item: 'PERQ7', scaleMeanIfDeleted: 46.4, scaleVarianceIfDeleted: 56.7710843373494, correctedItemTotalCorrelation: 0.661699572564051, alphaIfDeleted: 0.853047877758913 },
    ]);
  });
  it('r table for N = 250 (df 248) and validity', () => {
    expect(r.rTable.df).toBe(248);
    expectClose(r.rTable.twoSided, 0.124101345527899);
    expectClose(r.rTable.oneSided, 0.104268476246878);
    expect(r.rTable.usedForValidity).toBe('two-sided');
    expect(r.itemTotal.every((row) => row.valid)).toBe(true);
  });
  it('is JSON-serialisable without loss', () => {
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });
});

describe('itemAnalysis: corp_rep_data.csv cusl_1-3 with -99 missing (listwise)', () => {
  const r = itemAnalysis(load('corp_rep_data.csv', ['-99']), ['cusl_1', 'cusl_2', 'cusl_3']);
  it('drops the rows R na.omit drops', () => {
    expect(r.n).toBe(336);
    expect(r.missing).toEqual({ method: 'listwise', rowsRead: 344, rowsExcluded: 8, excludedRows: [178, 199, 204, 218, 279, 282, 300, 338] });
  });
  it('matches R', () => {
    expectClose(r.alpha, 0.833531955912631);
    expectClose(r.alphaStandardized, 0.833015722988754);
    checkRows(r.itemTotal, [
      { item: 'cusl_1', scaleMeanIfDeleted: 10.9285714285714, scaleVarianceIfDeleted: 9.83368869936034, correctedItemTotalCorrelation: 0.641567761623929, alphaIfDeleted: 0.820067215958369 },
      { item: 'cusl_2', scaleMeanIfDeleted: 10.7886904761905, scaleVarianceIfDeleted: 7.56417022032694, correctedItemTotalCorrelation: 0.787383403105149, alphaIfDeleted: 0.670905061291509 },
      { item: 'cusl_3', scaleMeanIfDeleted: 10.4136904761905, scaleVarianceIfDeleted: 8.85222992181947, correctedItemTotalCorrelation: 0.665389749283094, alphaIfDeleted: 0.797529523578216 },
    ]);
  });
});

describe('itemAnalysis: a two-item scale (mobi CUSA1, CUSA2)', () => {
  const r = itemAnalysis(load('mobi.csv'), ['CUSA1', 'CUSA2']);
  it('has alpha but no alpha-if-deleted', () => {
    expectClose(r.alpha, 0.672287765946439);
    expectClose(r.alphaStandardized, 0.700624482964319);
    expect(r.band).toBe('Reliable');
    checkRows(r.itemTotal, [
      { item: 'CUSA1', scaleMeanIfDeleted: 7.128, scaleVarianceIfDeleted: 3.11608032128514, correctedItemTotalCorrelation: 0.53920092673647, alphaIfDeleted: null },
      { item: 'CUSA2', scaleMeanIfDeleted: 7.988, scaleVarianceIfDeleted: 1.5219437751004, correctedItemTotalCorrelation: 0.53920092673647, alphaIfDeleted: null },
    ]);
  });
});

describe('rTable', () => {
  it('two- and one-sided 5% critical r from the t distribution (R values)', () => {
    // The paper's "0.195 one-sided at df = 98" is the two-sided value at df = 100 (N = 102).
    expectClose(rTable(100), 0.196551195593226);
    expectClose(rTable(100, 0.05, 1), 0.165429795838546);
    expectClose(rTable(102), 0.194604166819885);
    expectClose(rTable(30), 0.361006907733233);
    expectClose(rTable(30, 0.05, 1), 0.306056600619301);
    expect(rTable(102).toFixed(3)).toBe('0.195');
  });
});

describe('reliabilityBand (paper Table 9)', () => {
  it.each([
    [0, 'Less Reliable'], [0.2, 'Less Reliable'], [0.2000001, 'Somewhat Reliable'], [0.4, 'Somewhat Reliable'],
    [0.41, 'Reliable enough'], [0.6, 'Reliable enough'], [0.61, 'Reliable'], [0.8, 'Reliable'],
    [0.811, 'Very reliable'], [1, 'Very reliable'], [-0.3, 'Less Reliable'],
  ] as const)('%f -> %s', (a, band) => {
    expect(reliabilityBand(a)).toBe(band);
  });
});

describe('itemAnalysis: validity flag, warnings and bad input', () => {
  // Hand-checkable: with N = 6 (df 4) the two-sided r table is 0.811 and the one-sided 0.729.
  const t = tableFromRows(['a', 'b', 'd', 'k'], [
    [1, 2, 1, 3],
    [2, 2, 2, 3],
    [3, 4, 2, 3],
    [4, 3, 5, 3],
    [5, 5, 4, 3],
    [4, 5, 5, 3],
  ]);
  it('flags items by the chosen r-table side', () => {
    // corrected item-total r: a 0.937, b 0.755, d 0.779 -> valid two-sided (> 0.811): a only; one-sided (> 0.729): all.
    // R: d <- data.frame(a = c(1,2,3,4,5,4), b = c(2,2,4,3,5,5), d = c(1,2,2,5,4,5)); tot <- rowSums(d)
    //    sapply(1:3, function(j) cor(d[, j], tot - d[, j]))  # 0.936580927157945 0.754526739383552 0.779064962046351
    const two = itemAnalysis(t, ['a', 'b', 'd']);
    const one = itemAnalysis(t, ['a', 'b', 'd'], { validity: 'one-sided' });
    expect(two.rTable.df).toBe(4);
    expect(two.rTable.twoSided.toFixed(3)).toBe('0.811');
    expect(two.rTable.oneSided.toFixed(3)).toBe('0.729');
    expect(two.itemTotal.map((row) => row.correctedItemTotalCorrelation!.toFixed(3))).toEqual(['0.937', '0.755', '0.779']);
    expectClose(two.itemTotal[0]!.correctedItemTotalCorrelation, 0.936580927157945);
    expectClose(two.itemTotal[1]!.correctedItemTotalCorrelation, 0.754526739383552);
    expectClose(two.itemTotal[2]!.correctedItemTotalCorrelation, 0.779064962046351);
    expectClose(two.alpha, 0.906191369606004);
    expect(two.itemTotal.map((row) => row.valid)).toEqual([true, false, false]);
    expect(one.itemTotal.map((row) => row.valid)).toEqual([true, true, true]);
  });
  it('a constant item gives null correlations and a warning, not NaN', () => {
    const r = itemAnalysis(t, ['a', 'b', 'k']);
    expect(r.alphaStandardized).toBeNull();
    expect(r.itemTotal[2]!.correctedItemTotalCorrelation).toBeNull();
    expect(r.itemTotal[2]!.valid).toBe(false);
    expect(r.warnings.join(' ')).toMatch(/zero variance.*k/);
  });
  it('errors', () => {
    expect(() => itemAnalysis(t, ['a'])).toThrow(/at least 2 items/);
    expect(() => itemAnalysis(t, ['a', 'a'])).toThrow(/listed twice/);
    expect(() => itemAnalysis(t, ['a', 'zz'])).toThrow(/column 'zz' not found/);
    expect(() => itemAnalysis(t, ['k', 'k2'])).toThrow();
  });
});
