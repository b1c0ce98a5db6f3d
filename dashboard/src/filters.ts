// The filter bar: year, quarter, region, programme, segment (as a page needs them). Every change rewrites the
// URL hash, which re-renders the page; the controls are labelled native selects (keyboard and screen readers).
import type { MeResponse } from '../../shared/api/types';
import { parsePeriod, parseQuarter } from '../../shared/period';
import { h } from './dom';
import { fmtPeriod } from './format';
import { t } from './i18n';
import { selectedPeriod } from './state';

/** Participant segments in words (a literal map: the catalogue test sees the keys). */
const SEGMENT_KEY = { PU: 'dash.segment.PU', BPU: 'dash.segment.BPU' } as const;
export const segmentName = (s: string): string => (s in SEGMENT_KEY ? t(SEGMENT_KEY[s as keyof typeof SEGMENT_KEY]) : s);

export interface FilterSet { year?: boolean; quarter?: boolean; region?: boolean; programme?: boolean; segment?: boolean; branch?: boolean; kind?: boolean }

function select(id: string, label: string, options: [string, string][], value: string, onChange: (v: string) => void, disabled = false): HTMLElement {
  const sel = h('select', { id, name: id, disabled }, options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
  sel.addEventListener('change', () => onChange(sel.value));
  return h('div', { class: 'filter' }, h('label', { for: id }, label), sel);
}

export function filterBar(me: MeResponse, params: URLSearchParams, show: FilterSet, onChange: (p: URLSearchParams) => void, branch?: { id: string; onChange: (id: string) => void }): HTMLElement {
  const set = (k: string, v: string, also: Record<string, string> = {}) => {
    const p = new URLSearchParams(params);
    if (v) p.set(k, v); else p.delete(k);
    for (const [a, b] of Object.entries(also)) if (b) p.set(a, b); else p.delete(a);
    onChange(p);
  };
  const selected = selectedPeriod(me, params);
  const period = selected ? parsePeriod(selected) : undefined;
  const year = period ? String(period.year) : '';
  const quarter = period?.kind === 'quarter' ? `Q${period.quarter}` : ''; // the quarter select's values: Q1-Q4
  const quarterParts = me.periods.quarters.map(parseQuarter);
  const allYears = [...new Set([...me.periods.years, ...quarterParts.map((q) => String(q.year))])].sort().reverse();
  const quarters = quarterParts.filter((q) => String(q.year) === year).map((q) => `Q${q.quarter}`);
  const items: HTMLElement[] = [];
  if (show.branch && branch && me.branches.length > 1) {
    items.push(select('f-branch', t('dash.filter.branch'), me.branches.map((b) => [b.id, `${b.id} ${b.name}`]), branch.id, branch.onChange));
  }
  if (show.year) items.push(select('f-year', t('dash.filter.year'), allYears.map((y) => [y, y]), year, (v) => set('year', v, { quarter: '' })));
  if (show.quarter) {
    const opts: [string, string][] = [...(me.periods.years.includes(year) ? [['', t('dash.filter.fullYear')] as [string, string]] : []), ...quarters.map((q) => [q, fmtPeriod(`${year}-${q}`)] as [string, string])];
    items.push(select('f-quarter', t('dash.filter.quarter'), opts, quarter, (v) => set('quarter', v)));
  }
  if (show.kind) items.push(select('f-kind', t('dash.filter.trendBy'), [['Q', t('dash.filter.byQuarter')], ['Y', t('dash.filter.byYear')]], params.get('kind') === 'Y' ? 'Y' : 'Q', (v) => set('kind', v === 'Q' ? '' : v)));
  if (show.region) items.push(select('f-region', t('dash.filter.region'), [['', t('dash.filter.allRegions')], ...me.regions.map((r) => [r, r] as [string, string])], params.get('region') ?? '', (v) => set('region', v)));
  // Breakdowns are by segment or by programme, not crossed: choosing one clears the other.
  if (show.programme) items.push(select('f-programme', t('dash.filter.programme'), [['', t('dash.filter.allProgrammes')], ...me.programmes.map((p) => [p, p] as [string, string])], params.get('programme') ?? '', (v) => set('programme', v, { segment: '' })));
  if (show.segment) {
    items.push(select('f-segment', t('dash.filter.segment'), [['', t('dash.filter.allSegments')], ...me.segments.map((s) => [s, segmentName(s)] as [string, string])], params.get('segment') ?? '', (v) => set('segment', v, { programme: '' })));
  }
  return h('form', { class: 'filters no-print', role: 'search', 'aria-label': t('dash.filter.label'), onsubmit: (e: Event) => e.preventDefault() }, items);
}
