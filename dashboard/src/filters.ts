// The filter bar: year, quarter, region, programme, segment (as a page needs them). Every change rewrites the
// URL hash, which re-renders the page; the controls are labelled native selects (keyboard and screen readers).
import type { MeResponse } from '../../shared/api/types';
import { h } from './dom';
import { selectedPeriod } from './state';

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
  const period = selectedPeriod(me, params) ?? '';
  const year = period.slice(0, 4);
  const quarter = period.length > 4 ? period.slice(5) : '';
  const allYears = [...new Set([...me.periods.years, ...me.periods.quarters.map((q) => q.slice(0, 4))])].sort().reverse();
  const quarters = me.periods.quarters.filter((q) => q.startsWith(year)).map((q) => q.slice(5));
  const items: HTMLElement[] = [];
  if (show.branch && branch && me.branches.length > 1) {
    items.push(select('f-branch', 'Branch', me.branches.map((b) => [b.id, `${b.id} ${b.name}`]), branch.id, branch.onChange));
  }
  if (show.year) items.push(select('f-year', 'Year', allYears.map((y) => [y, y]), year, (v) => set('year', v, { quarter: '' })));
  if (show.quarter) {
    const opts: [string, string][] = [...(me.periods.years.includes(year) ? [['', 'Full year'] as [string, string]] : []), ...quarters.map((q) => [q, q] as [string, string])];
    items.push(select('f-quarter', 'Quarter', opts, quarter, (v) => set('quarter', v)));
  }
  if (show.kind) items.push(select('f-kind', 'Trend by', [['Q', 'Quarter'], ['Y', 'Year']], params.get('kind') === 'Y' ? 'Y' : 'Q', (v) => set('kind', v === 'Q' ? '' : v)));
  if (show.region) items.push(select('f-region', 'Region', [['', 'All regions'], ...me.regions.map((r) => [r, r] as [string, string])], params.get('region') ?? '', (v) => set('region', v)));
  // Breakdowns are by segment or by programme, not crossed: choosing one clears the other.
  if (show.programme) items.push(select('f-programme', 'Programme', [['', 'All programmes'], ...me.programmes.map((p) => [p, p] as [string, string])], params.get('programme') ?? '', (v) => set('programme', v, { segment: '' })));
  if (show.segment) {
    const names: Record<string, string> = { PU: 'PU (wage earners)', BPU: 'BPU (non-wage)' };
    items.push(select('f-segment', 'Segment', [['', 'All segments'], ...me.segments.map((s) => [s, names[s] ?? s] as [string, string])], params.get('segment') ?? '', (v) => set('segment', v, { programme: '' })));
  }
  return h('form', { class: 'filters no-print', role: 'search', 'aria-label': 'Filters', onsubmit: (e: Event) => e.preventDefault() }, items);
}
