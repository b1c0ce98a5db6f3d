// Small pieces the pages share.
import { apiErrorText, withheldText } from '../../shared/api/reasons';
import type { ApiError, Change, Estimate } from '../../shared/api/types';
import { h } from './dom';
import { fmtCi, fmtIndex, fmtInt, fmtP, fmtSigned, stars } from './format';
import { metricName, t } from './i18n';
import { href } from './state';

export const label = metricName;

/** A difference with its significance: "+1,2 (p=0,030)" / "−3,4*". */
export function changeCell(c: Change | null | undefined, withP = false): HTMLElement {
  if (!c) return h('span', { class: 'muted' }, '–');
  const sig = c.p < 0.05;
  const cls = sig ? (c.diff < 0 ? 'down sig' : 'up sig') : 'flat';
  const text = `${fmtSigned(c.diff)}${sig ? stars(c.p) : ''}`;
  return h('span', { class: cls, title: t('dash.change.title', { diff: fmtSigned(c.diff, 2), p: fmtP(c.p) }) }, text, withP ? h('span', { class: 'p' }, ` p=${fmtP(c.p)}`) : null);
}

export function metricCard(m: string, e: Estimate | null | undefined, extra: (Node | null)[] = [], size: 'big' | 'small' = 'big'): HTMLElement {
  return h('div', { class: `metric-card ${size}`, 'data-metric': m },
    h('div', { class: 'metric-name' }, label(m)),
    h('div', { class: 'metric-value', 'data-value': e?.value ?? '' }, fmtIndex(e?.value)),
    h('div', { class: 'metric-ci' }, t('dash.card.ci', { ci: fmtCi(e?.ciLow, e?.ciHigh) })),
    h('div', { class: 'metric-n' }, `n = ${fmtInt(e?.n)}`, e?.method === 'simple' ? h('span', { class: 'badge', title: t('dash.card.simpleTitle') }, ` ${t('dash.card.simple')}`) : null),
    ...extra);
}

export function branchLink(id: string, name: string, params: Record<string, string | undefined> = {}): HTMLElement {
  return h('a', { href: href('branch', id, params) }, id, ' ', h('span', { class: 'branch-name' }, name));
}

export function loading(): HTMLElement {
  return h('p', { class: 'loading', role: 'status' }, t('dash.loading'));
}

/** An error in the reader's words: the API's code (shared/api/reasons.ts), else its message. */
export function errorText(e: unknown): string {
  const body = (e as { body?: Partial<ApiError> }).body ?? {};
  return apiErrorText(t, body, (e as Error).message ?? String(e));
}

export function errorBox(e: unknown): HTMLElement {
  const status = (e as { status?: number }).status;
  const msg = errorText(e);
  // A refusal's message says it all ("You have no access to branch BR03.").
  const text = status === 403 ? msg : status === 404 ? t('dash.error.notFound', { message: msg }) : t('dash.error.load', { message: msg });
  return h('div', { class: 'error', role: 'alert', 'data-status': status ?? '' }, text);
}

// Figures the disclosure rule withholds from branch managers (shared/api/disclosure.ts) arrive as null with a
// reason code ('branches'); the page says so in words, so it reads the same in print and to a screen reader,
// never only as a dash or a colour.

/** A withheld reason in words ("fewer than 3 branches"). */
export const reasonText = (why: string): string => withheldText(t, why);

/**
 * "Withheld for branch managers: <what> (<reason>); …." as a note, one part per reason; `key` names the withheld
 * field (data-withheld).
 */
export function withheldNote(key: string, parts: readonly (readonly [what: string, why: string])[], cls = 'note withheld'): HTMLElement {
  const text = parts.map(([what, why]) => t('dash.withheld.part', { what, why: reasonText(why) })).join('; ');
  return h('p', { class: cls, 'data-withheld': key, title: t('dash.withheld.rule') }, t('dash.withheld.note', { parts: text }));
}

/** A table cell or card line whose figure is withheld: the word, with the reason as its tooltip. */
export function withheldMark(why: string, text = t('dash.withheld.mark')): HTMLElement {
  return h('span', { class: 'withheld', title: t('dash.withheld.note', { parts: reasonText(why) }) }, text);
}
