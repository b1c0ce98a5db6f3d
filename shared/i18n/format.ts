// Numbers, periods and dates in the reader's language, through Intl: 72,6 and "Triwulan III 2025" in Indonesian,
// 72.6 and "2025 Q3" in English. The dashboard, the exports, the alerts and the CLI all format through here, and the
// browser tests format stored values with these same functions and compare.
import { translator, type Translate } from './catalogue';
import { INTL_TAG, type Locale } from './locale';

const DASH = '–';
const MINUS = '−';
type Num = number | null | undefined;
const ok = (v: Num): v is number => v !== null && v !== undefined && Number.isFinite(v);
const ROMAN = ['I', 'II', 'III', 'IV'];

export interface Format {
  locale: Locale;
  t: Translate;
  /** Fixed decimals, grouped thousands (`1.234,5` / `1,234.5`); '–' for a missing figure. */
  num(v: Num, digits?: number): string;
  /** A 0-100 index: one decimal. */
  index(v: Num): string;
  ci(lo: Num, hi: Num): string;
  coef(v: Num, digits?: number): string;
  /** A p-value for a table cell: 0,013 / <0,001. */
  p(p: Num): string;
  /** A p-value stated in a sentence: "p = 0,013" / "p < 0,001" (never "p = <0,001"). */
  pIs(p: Num): string;
  /** A share 0-1 as a percentage with one decimal. */
  pct(share: Num): string;
  /** With its sign (+2,5 / −2,5; zero without one). */
  signed(d: Num, digits?: number): string;
  int(n: Num): string;
  /** 2025 -> "2025"; 2025-Q3 -> "Triwulan III 2025" / "2025 Q3". */
  period(p: string): string;
  /** An ISO date or date-time as a calendar date ("3 Des 2026" / "3 Dec 2026"), in UTC unless a zone is given. */
  date(iso: string, timeZone?: string): string;
}

export function createFormat(locale: Locale): Format {
  const tag = INTL_TAG[locale];
  const t = translator(locale);
  const nf = new Map<number, Intl.NumberFormat>();
  const fixed = (digits: number) => {
    let f = nf.get(digits);
    if (!f) nf.set(digits, (f = new Intl.NumberFormat(tag, { minimumFractionDigits: digits, maximumFractionDigits: digits })));
    return f;
  };
  const num = (v: Num, digits = 1) => (ok(v) ? fixed(digits).format(v).replace('-', MINUS) : DASH);
  const fmt: Format = {
    locale, t, num,
    index: (v) => num(v, 1),
    ci: (lo, hi) => (ok(lo) && ok(hi) ? t('common.range', { low: num(lo, 1), high: num(hi, 1) }) : DASH),
    coef: (v, digits = 3) => num(v, digits),
    p: (p) => (!ok(p) ? DASH : p < 0.001 ? `<${fixed(3).format(0.001)}` : fixed(3).format(p)),
    pIs: (p) => (!ok(p) ? `p = ${DASH}` : p < 0.001 ? `p < ${fixed(3).format(0.001)}` : `p = ${fixed(3).format(p)}`),
    pct: (share) => (ok(share) ? `${fixed(1).format(share * 100)}%` : DASH),
    signed: (d, digits = 1) => {
      if (!ok(d)) return DASH;
      const rounded = Number(d.toFixed(digits));
      if (rounded === 0) return fixed(digits).format(0);
      return (rounded > 0 ? '+' : MINUS) + fixed(digits).format(Math.abs(rounded));
    },
    int: (n) => (ok(n) ? fixed(0).format(Math.round(n)) : DASH),
    period: (p) => {
      const m = /^(\d{4})-Q([1-4])$/.exec(p);
      if (!m) return p;
      return locale === 'id' ? t('common.quarterOf', { q: ROMAN[Number(m[2]) - 1]!, year: m[1]! }) : t('common.quarterOf', { q: m[2]!, year: m[1]! });
    },
    date: (iso, timeZone = 'UTC') => {
      const d = new Date(iso);
      return Number.isNaN(d.getTime()) ? iso : new Intl.DateTimeFormat(tag, { day: 'numeric', month: 'short', year: 'numeric', timeZone }).format(d);
    },
  };
  return fmt;
}

/** Significance marks as the papers print them (the same in both languages). */
export const stars = (p: Num): string => (!ok(p) ? '' : p < 0.001 ? '***' : p < 0.01 ? '**' : p < 0.05 ? '*' : 'ns');
