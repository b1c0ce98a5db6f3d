// How figures are shown. The browser tests format stored values with these same functions and compare.
const DASH = '–';

export const fmtIndex = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? DASH : v.toFixed(1));

export const fmtCi = (lo: number | null | undefined, hi: number | null | undefined): string =>
  lo === null || lo === undefined || hi === null || hi === undefined ? DASH : `${lo.toFixed(1)} to ${hi.toFixed(1)}`;

export const fmtCoef = (v: number | null | undefined, digits = 3): string => (v === null || v === undefined || !Number.isFinite(v) ? DASH : v.toFixed(digits));

export const fmtP = (p: number | null | undefined): string => (p === null || p === undefined || !Number.isFinite(p) ? DASH : p < 0.001 ? '<0.001' : p.toFixed(3));

export const fmtPct = (share: number | null | undefined): string => (share === null || share === undefined || !Number.isFinite(share) ? DASH : `${(share * 100).toFixed(1)}%`);

export const fmtSigned = (d: number | null | undefined, digits = 1): string => {
  if (d === null || d === undefined || !Number.isFinite(d)) return DASH;
  const s = d.toFixed(digits);
  return Number(s) > 0 ? `+${s}` : Number(s) === 0 ? s.replace('-', '') : s.replace('-', '−');
};

export const fmtInt = (n: number | null | undefined): string => (n === null || n === undefined || !Number.isFinite(n) ? DASH : Math.round(n).toLocaleString('en-US'));

/** Significance marks as the seed papers print them. */
export const stars = (p: number | null | undefined): string => (p === null || p === undefined ? '' : p < 0.001 ? '***' : p < 0.01 ? '**' : p < 0.05 ? '*' : 'ns');

/** 2025 -> "2025", 2025-Q3 -> "2025 Q3". */
export const fmtPeriod = (p: string): string => p.replace('-', ' ');
