// Client-side routes in the URL hash (#/report?year=2025, #/branch/BR05?year=2025&quarter=Q4, #/alerts), so any
// static host serves the app and a filtered view is a link one can share or bookmark.
import type { MeResponse } from '../../shared/api/types';
import { yearOf } from '../../shared/period';

export type Page = 'report' | 'branch' | 'alerts' | 'skm' | 'notfound';
export interface Route { page: Page; branch?: string; params: URLSearchParams }

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean);
  if (parts.length === 0 || (parts[0] === 'report' && parts.length === 1)) return { page: 'report', params };
  if (parts[0] === 'alerts' && parts.length === 1) return { page: 'alerts', params };
  if (parts[0] === 'skm' && parts.length === 1) return { page: 'skm', params };
  if (parts[0] === 'branch') return parts[1] ? { page: 'branch', branch: decodeURIComponent(parts[1]).toUpperCase(), params } : { page: 'branch', params };
  return { page: 'notfound', params };
}

/** The reader's chosen language (`lang=`), which every link carries like the filters; undefined: the default. */
let chosenLang: string | undefined;
export function setChosenLang(lang: string | undefined): void {
  chosenLang = lang;
}

export function href(page: Page, branch: string | undefined, params: Record<string, string | undefined> | URLSearchParams): string {
  const q = new URLSearchParams();
  const entries = params instanceof URLSearchParams ? [...params.entries()] : Object.entries(params);
  for (const [k, v] of entries) if (v) q.set(k, v);
  if (chosenLang && !q.has('lang')) q.set('lang', chosenLang);
  const s = q.toString();
  return `#/${page}${branch ? `/${encodeURIComponent(branch)}` : ''}${s ? `?${s}` : ''}`;
}

/** The period the filters select: a quarter (2025-Q3) or a year (2025); defaults to the latest annual figure. */
export function selectedPeriod(me: MeResponse, params: URLSearchParams): string | undefined {
  const { years, quarters } = me.periods;
  const yearText = (q: string) => String(yearOf(q));
  const allYears = [...new Set([...years, ...quarters.map(yearText)])].sort();
  let year = params.get('year') ?? undefined;
  if (!year || !allYears.includes(year)) year = years.at(-1) ?? (quarters.length ? yearText(quarters.at(-1)!) : undefined);
  if (!year) return undefined;
  const quarter = params.get('quarter'); // Q1-Q4, checked against the quarters on offer
  if (quarter && quarters.includes(`${year}-${quarter}`)) return `${year}-${quarter}`;
  if (years.includes(year)) return year;
  return quarters.filter((q) => yearText(q) === year).at(-1);
}
