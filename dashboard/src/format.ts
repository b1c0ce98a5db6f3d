// How figures are shown: the current language's Intl formats (shared/i18n/format.ts, "72,6" / "72.6",
// "Triwulan III 2025" / "2025 Q3"). The browser tests format stored values with createFormat and compare.
import { stars } from '../../shared/i18n/format';
import { fmt } from './i18n';

type Num = number | null | undefined;

export const fmtIndex = (v: Num): string => fmt().index(v);
export const fmtCi = (lo: Num, hi: Num): string => fmt().ci(lo, hi);
export const fmtCoef = (v: Num, digits = 3): string => fmt().coef(v, digits);
export const fmtP = (p: Num): string => fmt().p(p);
/** A p-value in a sentence: "p = 0,013" / "p < 0,001". */
export const fmtPIs = (p: Num): string => fmt().pIs(p);
export const fmtPct = (share: Num): string => fmt().pct(share);
export const fmtSigned = (d: Num, digits = 1): string => fmt().signed(d, digits);
export const fmtInt = (n: Num): string => fmt().int(n);
/** 2025 -> "2025"; 2025-Q3 -> "Triwulan III 2025" / "2025 Q3". */
export const fmtPeriod = (p: string): string => fmt().period(p);
/** A coefficient's interval: "0,123 s.d. 0,456" / "0.123 to 0.456". */
export const fmtCoefCi = (lo: Num, hi: Num, digits = 3): string => fmt().t('common.range', { low: fmtCoef(lo, digits), high: fmtCoef(hi, digits) });

/** Significance marks as the papers print them. */
export { stars };
