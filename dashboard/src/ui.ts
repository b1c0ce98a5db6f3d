// Small pieces the pages share.
import { METRIC_LABELS, type Change, type Estimate } from '../../shared/api/types';
import { h } from './dom';
import { fmtCi, fmtIndex, fmtP, fmtSigned, fmtInt, stars } from './format';
import { href } from './state';

export const label = (m: string) => METRIC_LABELS[m] ?? m;

/** A difference with its significance: "+1.2 (p=0.030)" / "−3.4*". */
export function changeCell(c: Change | null | undefined, withP = false): HTMLElement {
  if (!c) return h('span', { class: 'muted' }, '–');
  const sig = c.p < 0.05;
  const cls = sig ? (c.diff < 0 ? 'down sig' : 'up sig') : 'flat';
  const text = `${fmtSigned(c.diff)}${sig ? stars(c.p) : ''}`;
  return h('span', { class: cls, title: `difference ${fmtSigned(c.diff, 2)} index points, p = ${fmtP(c.p)}` }, text, withP ? h('span', { class: 'p' }, ` p=${fmtP(c.p)}`) : null);
}

export function metricCard(m: string, e: Estimate | null | undefined, extra: (Node | null)[] = [], size: 'big' | 'small' = 'big'): HTMLElement {
  return h('div', { class: `metric-card ${size}`, 'data-metric': m },
    h('div', { class: 'metric-name' }, label(m)),
    h('div', { class: 'metric-value', 'data-value': e?.value ?? '' }, fmtIndex(e?.value)),
    h('div', { class: 'metric-ci' }, `95% CI ${fmtCi(e?.ciLow, e?.ciHigh)}`),
    h('div', { class: 'metric-n' }, `n = ${fmtInt(e?.n)}`, e?.method === 'simple' ? h('span', { class: 'badge', title: 'model not estimated: equal-weight index' }, ' equal weights') : null),
    ...extra);
}

export function branchLink(id: string, name: string, params: Record<string, string | undefined> = {}): HTMLElement {
  return h('a', { href: href('branch', id, params) }, id, ' ', h('span', { class: 'branch-name' }, name));
}

export function loading(): HTMLElement {
  return h('p', { class: 'loading', role: 'status' }, 'Loading…');
}

export function errorBox(e: unknown): HTMLElement {
  const status = (e as { status?: number }).status;
  const msg = (e as Error).message ?? String(e);
  const text = status === 403 ? `You do not have access to this page (${msg}).` : status === 404 ? `Not found: ${msg}` : `Could not load the data: ${msg}`;
  return h('div', { class: 'error', role: 'alert', 'data-status': status ?? '' }, text);
}

// Figures the disclosure rule withholds from branch managers (shared/api/disclosure.ts) arrive as null with a
// reason ('suppressed: fewer than 3 branches'); the page says so in words, so it reads the same in print and to
// a screen reader, never only as a dash or a colour.
const WHY_RULE = "A branch manager sees a network or region figure only when it pools enough other branches and respondents, so that no other branch's results can be worked out.";

/** The API's reason without its 'suppressed:' / 'withheld:' prefix. */
export const reasonText = (why: string): string => why.replace(/^(suppressed|withheld):\s*/i, '');

/**
 * "Withheld for branch managers: <what> (<reason>); …." as a note, one part per reason; `key` names the withheld
 * field (data-withheld).
 */
export function withheldNote(key: string, parts: readonly (readonly [what: string, why: string])[], cls = 'note withheld'): HTMLElement {
  const text = parts.map(([what, why]) => `${what} (${reasonText(why)})`).join('; ');
  return h('p', { class: cls, 'data-withheld': key, title: WHY_RULE }, `Withheld for branch managers: ${text}.`);
}

/** A table cell or card line whose figure is withheld: the word, with the reason as its tooltip. */
export function withheldMark(why: string, text = 'withheld'): HTMLElement {
  return h('span', { class: 'withheld', title: `Withheld for branch managers: ${reasonText(why)}` }, text);
}
